"""IMAP folders as ``RawItem`` values, fetched by UID with imap-tools.  No database here.

- Security: ``tls`` (IMAPS, port 993), ``starttls`` (port 143 upgraded before login) or
  ``none``, which is refused for any host but the loopback: a password never crosses a
  network in clear.
- Read-only unless the mailbox is configured otherwise: folders are opened with EXAMINE
  and bodies fetched with ``BODY.PEEK[]``, so no flag (``\\Seen`` included) changes on the
  server.  With ``read_only: false`` the folder is SELECTed and fetched messages are
  marked seen.
- The raw bytes are kept exactly as the server sends them (imap-tools would re-parse
  every message; ``RawMessage`` does not).
- Errors raised here never carry the password (``ImapError``); nothing here logs.
"""

from __future__ import annotations

import ipaddress
import ssl
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from functools import cached_property

from imap_tools import BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted, MailMessage

from inquirydesk.model import RawItem
from inquirydesk.settings import Mailbox

SECURITY = ("tls", "starttls", "none")
TIMEOUT = 60.0  # seconds for connecting and for each server reply


class ImapError(RuntimeError):
    """A mailbox that could not be reached, logged into or read (no password inside)."""


class RawMessage(MailMessage):
    """A fetched message that keeps the server's bytes and parses only when asked."""

    def __init__(self, fetch_data: list) -> None:
        self.raw, self._raw_uid_data, self._raw_flag_data = self._get_message_data_parts(
            fetch_data)

    @cached_property
    def obj(self) -> Message:  # type: ignore[override]
        return message_from_bytes(self.raw)


class _TlsBox(MailBox):
    email_message_class = RawMessage


class _StartTlsBox(MailBoxStartTls):
    email_message_class = RawMessage


class _PlainBox(MailBoxUnencrypted):
    email_message_class = RawMessage


@dataclass(frozen=True, slots=True)
class FolderStatus:
    uidvalidity: int
    uidnext: int | None  # None when the server does not say


def client_class(mailbox: Mailbox) -> type[BaseMailBox]:
    """The imap-tools class for the mailbox's ``security``; refuses clear text off loopback."""
    if mailbox.security == "tls":
        return _TlsBox
    if mailbox.security == "starttls":
        return _StartTlsBox
    if mailbox.security == "none":
        if not is_loopback(mailbox.host):
            raise ImapError(f"mailbox {mailbox.name}: security 'none' sends the password in "
                            f"clear; it is only allowed for a server on this machine, not "
                            f"{mailbox.host}")
        return _PlainBox
    raise ImapError(f"mailbox {mailbox.name}: security must be one of {', '.join(SECURITY)}, "
                    f"not {mailbox.security!r}")


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def connect(mailbox: Mailbox, *, ssl_context: ssl.SSLContext | None = None,
            timeout: float = TIMEOUT) -> BaseMailBox:
    """A logged-in connection to ``mailbox`` (use it as a context manager to log out)."""
    cls = client_class(mailbox)
    password = mailbox.password.get_secret_value()
    try:
        if cls is _PlainBox:
            box = cls(mailbox.host, mailbox.port, timeout=timeout)
        else:
            box = cls(mailbox.host, mailbox.port, timeout=timeout,
                      ssl_context=ssl_context or ssl.create_default_context())
        return box.login(mailbox.username, password, initial_folder=None)
    except Exception as exc:
        raise ImapError(f"mailbox {mailbox.name}: cannot log in to {mailbox.host}:"
                        f"{mailbox.port}: {scrub(exc, password)}") from None


def folder_status(box: BaseMailBox, folder: str) -> FolderStatus:
    status = box.folder.status(folder, ["UIDVALIDITY", "UIDNEXT"])
    if "UIDVALIDITY" not in status:
        raise ImapError(f"folder {folder}: the server gave no UIDVALIDITY")
    return FolderStatus(status["UIDVALIDITY"], status.get("UIDNEXT"))


def open_folder(box: BaseMailBox, folder: str, read_only: bool) -> None:
    """Select ``folder``; read-only means EXAMINE, which changes nothing on the server."""
    box.folder.set(folder, readonly=read_only)


def uids_after(box: BaseMailBox, last_uid: int) -> list[int]:
    """UIDs above ``last_uid`` in the selected folder, ascending."""
    # "n:*" always includes the highest UID, even below n: filter here.
    found = (int(uid) for uid in box.uids(f"UID {last_uid + 1}:*"))
    return sorted(uid for uid in found if uid > last_uid)


def fetch(box: BaseMailBox, uids: Sequence[int], *, read_only: bool,
          source: str) -> Iterator[tuple[int, RawItem]]:
    """(UID, item) for each message of ``uids`` still on the server; ``source`` prefixes
    each item's source, which ends in ``;UID=<uid>``."""
    if not uids:
        return
    for message in box.fetch(uid_list=[str(uid) for uid in uids], mark_seen=not read_only,
                             bulk=50):
        if message.uid is None:
            continue
        uid = int(message.uid)
        yield uid, RawItem(f"{source};UID={uid}", "imap", data=message.raw)


def scrub(error: object, *secrets: str) -> str:
    """``error`` as text with every secret blanked out."""
    text = str(error) or type(error).__name__
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text
