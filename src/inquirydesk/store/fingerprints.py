"""Idempotency keys: what makes two inputs the same inquiry.

- a message: ``msg:`` and a SHA-256 over its Message-ID and its normalised bytes — line
  ends, trailing blanks, the mbox ``From `` line and the headers each receiving server or
  mail client adds (``Received``, ``Delivered-To``, ``Status``, ``X-…``) left out — so the
  same message saved as a file, exported in an mbox or fetched over IMAP from two
  mailboxes is one inquiry;
- a platform row: ``row:<channel key>:<inquiry id>`` (the channel key defaults to the
  item's channel: two platforms that number inquiries alike need their own keys); a row
  without an id: a hash of its cells;
- an input that could not be read: ``err:<channel>:<hash of its source>``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping

from inquirydesk.model import RawItem

# Headers that differ between copies of one message: transport, delivery, client state.
_VOLATILE = re.compile(
    rb"^(received|return-path|delivered-to|envelope-to|x-[^:]*|authentication-results|"
    rb"arc-[^:]*|received-spf|status|content-length|lines)$")
_MESSAGE_ID = re.compile(rb"^message-id:[ \t]*(.*)$", re.IGNORECASE | re.MULTILINE)
_TRAILING_BLANKS = re.compile(rb"[ \t]+\n")


def fingerprint(item: RawItem, channel_key: str | None = None) -> str:
    """The idempotency key of ``item``; the same input always gives the same key."""
    if item.data is not None:
        return "msg:" + _digest(message_id(item.data).encode() + b"\n" + normalise(item.data))
    if item.row is not None:
        return _row_key(item.row, channel_key or item.channel)
    return f"err:{item.channel}:{_digest(item.source.encode())}"


def message_id(data: bytes) -> str:
    """The Message-ID as written (angle brackets included), or ""."""
    head = data[:_head_end(data)]
    found = _MESSAGE_ID.search(head)
    return found.group(1).strip().decode("ascii", "replace")[:998] if found else ""


def normalise(data: bytes) -> bytes:
    """The bytes of a message that every copy of it shares."""
    data = data.replace(b"\r\n", b"\n")
    if data.startswith(b"From "):  # an mbox separator line
        data = data.partition(b"\n")[2]
    head, _, body = data.partition(b"\n\n")
    kept = [field for field in _fields(head)
            if not _VOLATILE.match(field.partition(b":")[0].strip().lower())]
    body = _TRAILING_BLANKS.sub(b"\n", body).rstrip()
    return b"\n".join(kept) + b"\n\n" + body


def _head_end(data: bytes) -> int:
    for mark in (b"\r\n\r\n", b"\n\n"):
        at = data.find(mark)
        if at >= 0:
            return at
    return len(data)


def _fields(head: bytes) -> list[bytes]:
    """Header fields, unfolded, whitespace runs collapsed."""
    fields: list[bytes] = []
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1] += b" " + line.strip()
        elif line.strip():
            fields.append(line.strip())
    return [b" ".join(field.split()) for field in fields]


def _row_key(row: Mapping[str, str], key: str) -> str:
    inquiry_id = (row.get("inquiry_id") or "").strip()
    if not inquiry_id:
        cells = json.dumps(dict(row), sort_keys=True, ensure_ascii=False)
        return f"row:{key}:h:{_digest(cells.encode())}"
    if len(inquiry_id) > 160:
        inquiry_id = "h:" + _digest(inquiry_id.encode())
    return f"row:{key}:{inquiry_id}"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
