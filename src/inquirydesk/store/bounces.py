"""Delivery-failure notices (bounces): which address could not be reached.

A notice is recognised two ways:

1. a DSN (RFC 3464): ``multipart/report; report-type=delivery-status``; each recipient
   block whose ``Action`` is ``failed`` names the address in ``Final-Recipient`` (or
   ``Original-Recipient``).  A DSN that only reports a delay is still a notice, naming
   no failed address.
2. a non-standard notice: sent by ``MAILER-DAEMON``, ``postmaster`` and their kin, with
   a subject such as "Undelivered Mail Returned to Sender", "Delivery Status
   Notification (Failure)", "Undeliverable:", "failure notice" or "退信"; the failed
   addresses are those the explanation names before the returned copy begins, other
   than the daemon's own and the notice's own sender and recipients.

A message from a daemon sender with a bounce subject that names no address is not a
notice: a phishing lure dressed as one stays an inquiry for the engine to judge.
Pure functions, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses

_DAEMON = re.compile(r"^(mailer-daemon|mailerdaemon|mail-daemon|postmaster|mail-delivery|"
                     r"mdaemon|microsoftexchange[0-9a-f]*)@", re.IGNORECASE)
_SUBJECT = re.compile(
    r"undeliver|delivery status notification|returned mail|returned to sender|"
    r"mail delivery (failed|failure|subsystem|system)|delivery (failure|failed|has failed)|"
    r"failure notice|could not be delivered|non-?delivery|nondeliverable|"
    r"退信|无法投递|投递失败|发送失败|未能送达|邮件被退回", re.IGNORECASE)
_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Where the returned copy of the original message begins in a notice's text.
_COPY_STARTS = re.compile(
    r"^\s*(-{2,}.*(original|copy of|message follows|returned message|headers|原始)|"
    r"(return-path|received|from|message-id):\s)", re.IGNORECASE | re.MULTILINE)
_HEAD_HINTS = (b"multipart/report", b"mailer-daemon", b"postmaster", b"mailerdaemon",
               b"mail-daemon", b"mail-delivery", b"microsoftexchange")


@dataclass(frozen=True, slots=True)
class Bounce:
    """A delivery-failure notice: the addresses it says failed (lower-cased)."""

    addresses: tuple[str, ...]
    reason: str  # "dsn" or "notice"


def delivery_failure(data: bytes) -> Bounce | None:
    """The bounce ``data`` is, or None when it is not a delivery-failure notice."""
    head = data[:_head_end(data)].lower()
    if not any(hint in head for hint in _HEAD_HINTS):
        return None  # the fast path: nearly every message stops here
    message = message_from_bytes(data, policy=policy.compat32)
    if message.get_content_type() == "multipart/report":
        failed = _dsn_failures(message)
        if failed is not None:
            return Bounce(failed, "dsn")
    return _notice(message)


def _head_end(data: bytes) -> int:
    ends = [at for at in (data.find(b"\r\n\r\n"), data.find(b"\n\n")) if at >= 0]
    return min(ends) if ends else len(data)


def _dsn_failures(message: Message) -> tuple[str, ...] | None:
    """Failed recipients of a DSN's ``message/delivery-status`` part; None without one."""
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        return tuple(dict.fromkeys(
            address for block in _status_blocks(part)
            if block.get("action", "").strip().lower() == "failed"
            and (address := _recipient(block))))
    return None


def _status_blocks(part: Message) -> list[dict[str, str]]:
    """The header blocks of a delivery-status part, names lower-cased."""
    payload = part.get_payload()
    if isinstance(payload, list):  # the parser split it into blocks already
        texts = [str(block) for block in payload]
    else:
        texts = re.split(r"\r?\n\s*\r?\n", part.get_payload(decode=True).decode("utf-8",
                                                                                 "replace"))
    blocks = []
    for text in texts:
        fields: dict[str, str] = {}
        for line in re.sub(r"\r?\n[ \t]+", " ", text).splitlines():
            name, colon, value = line.partition(":")
            if colon:
                fields.setdefault(name.strip().lower(), value.strip())
        blocks.append(fields)
    return blocks


def _recipient(block: dict[str, str]) -> str:
    for name in ("final-recipient", "original-recipient"):
        value = block.get(name, "")
        found = _ADDRESS.search(value.partition(";")[2] or value)
        if found:
            return found.group(0).lower()
    return ""


def _notice(message: Message) -> Bounce | None:
    senders = [address for _, address in getaddresses(message.get_all("from", []))]
    if not any(_DAEMON.match(address) for address in senders):
        return None
    if not _SUBJECT.search(_header(message, "subject")):
        return None
    own = {address.lower() for _, address in getaddresses(
        message.get_all("from", []) + message.get_all("to", []) + message.get_all("cc", []))}
    found = [address.lower() for address in _ADDRESS.findall(_explanation(message))]
    failed = tuple(dict.fromkeys(a for a in found if a not in own and not _DAEMON.match(a)))
    return Bounce(failed, "notice") if failed else None


def _header(message: Message, name: str) -> str:
    raw = message.get(name, "")
    try:
        return str(make_header(decode_header(str(raw))))
    except (LookupError, ValueError, UnicodeError):
        return str(raw)


def _explanation(message: Message) -> str:
    """The notice's own text, without the returned copy of the original message."""
    texts = []
    for part in _own_parts(message):
        if part.get_content_type() in ("text/plain", "text/html"):
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset() or "utf-8"
            try:
                texts.append(payload.decode(charset, "replace"))
            except LookupError:
                texts.append(payload.decode("utf-8", "replace"))
    text = "\n".join(texts)
    cut = _COPY_STARTS.search(text)
    return text[:cut.start()] if cut else text


def _own_parts(message: Message) -> list[Message]:
    """Leaf parts, not descending into attached messages (the returned original)."""
    if message.get_content_maintype() == "message":
        return []
    if not message.is_multipart():
        return [message]
    return [leaf for part in message.get_payload() for leaf in _own_parts(part)]
