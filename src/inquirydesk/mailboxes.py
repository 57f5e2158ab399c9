"""Mail flowing in by itself: every configured IMAP mailbox fetched into the archive.

For each mailbox and folder: STATUS gives UIDVALIDITY and UIDNEXT; the store says how far
the folder was fetched under that UIDVALIDITY (a changed one starts the folder again);
UIDs above that are streamed into one ingest (idempotent by message fingerprint), and
each committed batch is recorded UID → fingerprint, which advances the folder.  A
connection cut mid-way leaves the folder at its last committed batch; the next fetch goes
on from there.

Credentials: the password is read from its ``SecretStr`` only to log in; log lines and
errors name the mailbox by its ``name`` and blank the password out of server messages.
"""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from imap_tools import BaseMailBox

from inquirydesk.engine import Engine
from inquirydesk.settings import Mailbox, Settings
from inquirydesk.sources import imap
from inquirydesk.model import RawItem
from inquirydesk.store import ImportSummary, Store

log = logging.getLogger(__name__)
CHUNK = 200  # messages fetched, analysed and committed together


@dataclass(frozen=True, slots=True)
class FolderResult:
    """What one fetch did to one folder (``error`` set when it could not be read)."""

    mailbox: str
    folder: str
    summary: ImportSummary = field(default_factory=ImportSummary)
    refetched: bool = False  # UIDVALIDITY changed: the whole folder was looked at again
    error: str | None = None


@dataclass(frozen=True, slots=True)
class FetchSummary:
    folders: tuple[FolderResult, ...] = ()

    @property
    def total(self) -> ImportSummary:
        return sum((f.summary for f in self.folders), ImportSummary())

    @property
    def errors(self) -> list[str]:
        return [f"{f.mailbox}/{f.folder}: {f.error}" for f in self.folders if f.error]


def fetch_all(settings: Settings, store: Store, engine: Engine, *,
              ssl_context: ssl.SSLContext | None = None) -> FetchSummary:
    """Fetch every mailbox in ``settings`` once; one failing mailbox does not stop the rest."""
    results: list[FolderResult] = []
    for mailbox in settings.mailboxes:
        results += fetch_mailbox(mailbox, store, engine, ssl_context=ssl_context)
    return FetchSummary(tuple(results))


def fetch_mailbox(mailbox: Mailbox, store: Store, engine: Engine, *,
                  ssl_context: ssl.SSLContext | None = None) -> list[FolderResult]:
    password = mailbox.password.get_secret_value()
    try:
        with imap.connect(mailbox, ssl_context=ssl_context) as box:
            return [_fetch_folder_safely(box, mailbox, folder, store, engine, password)
                    for folder in mailbox.folders]
    except Exception as exc:
        error = imap.scrub(exc, password)
        log.warning("mailbox %s: %s", mailbox.name, error)
        return [FolderResult(mailbox.name, folder, error=error) for folder in mailbox.folders]


def watch(settings: Settings, store: Store, engine: Engine, *, interval: float = 60.0,
          rounds: int | None = None, stop: threading.Event | None = None,
          on_round: Callable[[FetchSummary], None] | None = None,
          ssl_context: ssl.SSLContext | None = None) -> int:
    """Fetch every ``interval`` seconds until ``stop`` is set, ``rounds`` are done or the
    process is interrupted; returns the number of rounds."""
    stop = stop or threading.Event()
    done = 0
    while not stop.is_set():
        summary = fetch_all(settings, store, engine, ssl_context=ssl_context)
        done += 1
        if on_round is not None:
            on_round(summary)
        if rounds is not None and done >= rounds:
            break
        stop.wait(interval)
    return done


def account_key(mailbox: Mailbox) -> str:
    """What identifies the account in the store: the login at the host, not the name."""
    return f"{mailbox.username.lower()}@{mailbox.host.lower()}"


def _fetch_folder_safely(box: BaseMailBox, mailbox: Mailbox, folder: str, store: Store,
                         engine: Engine, password: str) -> FolderResult:
    try:
        return _fetch_folder(box, mailbox, folder, store, engine)
    except Exception as exc:
        error = imap.scrub(exc, password)
        log.warning("mailbox %s, folder %s: %s", mailbox.name, folder, error)
        return FolderResult(mailbox.name, folder, error=error)


def _fetch_folder(box: BaseMailBox, mailbox: Mailbox, folder: str, store: Store,
                  engine: Engine) -> FolderResult:
    account = account_key(mailbox)
    status = imap.folder_status(box, folder)
    state, refetch = store.open_folder(account, folder, status.uidvalidity)
    if refetch:
        log.info("mailbox %s, folder %s: UIDVALIDITY changed, fetching the folder again",
                 mailbox.name, folder)
    if status.uidnext is not None and status.uidnext <= state.last_uid + 1:
        return FolderResult(mailbox.name, folder, refetched=refetch)  # nothing new
    imap.open_folder(box, folder, mailbox.read_only)
    source = f"imap://{mailbox.name}/{folder};UIDVALIDITY={status.uidvalidity}"
    uid_of: dict[str, int] = {}

    def fetched() -> Iterator[RawItem]:
        uids = imap.uids_after(box, state.last_uid)
        for uid, item in imap.fetch(box, uids, read_only=mailbox.read_only, source=source):
            uid_of[item.source] = uid
            yield item

    def committed(batch: list[tuple[str, RawItem]]) -> None:
        store.record_uids(account, folder, status.uidvalidity,
                          {uid_of.pop(item.source): fp for fp, item in batch})

    summary = store.ingest(fetched(), engine, owner=mailbox.owner, batch_size=CHUNK,
                           workers=None, committed=committed)
    log.info("mailbox %s, folder %s: %d new, %d known, %d failed, %d bounces", mailbox.name,
             folder, summary.new, summary.known, summary.failed, summary.bounces)
    return FolderResult(mailbox.name, folder, summary, refetch)
