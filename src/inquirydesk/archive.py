"""The archive's use cases, shared by the command line, the web desk and the API.

Each function takes the settings (built at the edge), opens the store they name, does
one thing and returns data; callers only render.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

from inquirydesk import mailboxes, services
from inquirydesk.engine import Engine
from inquirydesk.mailboxes import FetchSummary
from inquirydesk.settings import Settings
from inquirydesk.sources import iter_inputs
from inquirydesk.store import assign
from inquirydesk.store import Failure, GradeChange, ImportSummary, InboxItem, Store

Progress = Callable[[int], None]


def open_store(settings: Settings) -> Store:
    """The archive the settings name (SQLite in ``data_dir`` unless ``database_url``),
    assigning new inquiries by the settings' rules (or the seller's people and markets)."""
    store = Store.open(settings.database)
    assign.configure(store, assign.Rules.of(settings.assignment,
                                            services.seller_for([], settings.seller)))
    return store


def engine_for(settings: Settings, paths: Sequence[str | Path] = ()) -> Engine:
    """The engine with the settings' seller and rules (a corpus folder brings its seller)."""
    return services.make_engine(paths, settings.seller, settings.rules)


def import_paths(settings: Settings, paths: Sequence[str | Path],
                 mapping: Mapping[str, str] | None = None, progress: Progress | None = None,
                 *, channel_key: str | None = None, workers: int | None = None) -> ImportSummary:
    """Files, folders, mbox files and platform exports into the archive, each input once.

    Raises ``MappingError`` for a bad column mapping before anything is read.
    """
    items = iter_inputs(paths, mapping=mapping)
    engine = engine_for(settings, paths)
    with open_store(settings) as store:
        return store.ingest(items, engine, channel_key=channel_key, workers=workers,
                            progress=progress)


def fetch(settings: Settings, *, ssl_context: ssl.SSLContext | None = None) -> FetchSummary:
    """Every configured IMAP mailbox, once: what arrived since the last fetch."""
    with open_store(settings) as store:
        return mailboxes.fetch_all(settings, store, engine_for(settings),
                                   ssl_context=ssl_context)


def watch(settings: Settings, *, interval: float = 60.0, rounds: int | None = None,
          stop: threading.Event | None = None,
          on_round: Callable[[FetchSummary], None] | None = None,
          ssl_context: ssl.SSLContext | None = None) -> int:
    """Fetch every ``interval`` seconds until stopped (or ``rounds`` are done)."""
    with open_store(settings) as store:
        return mailboxes.watch(settings, store, engine_for(settings), interval=interval,
                               rounds=rounds, stop=stop, on_round=on_round,
                               ssl_context=ssl_context)


def reanalyze(settings: Settings, since: datetime | None = None,
              progress: Progress | None = None, *,
              workers: int | None = None) -> list[GradeChange]:
    """The engine run again over stored inputs (after a rulebook change): what changed grade."""
    with open_store(settings) as store:
        return store.reanalyze(engine_for(settings), since, workers=workers, progress=progress)


def search(settings: Settings, text: str, limit: int = 50) -> list[InboxItem]:
    with open_store(settings) as store:
        return store.search(text, limit)


def inbox(settings: Settings, *, grade: str | None = None, risk: str | None = None,
          country: str | None = None, owner: str | None = None, status: str | None = None,
          language: str | None = None, limit: int = 50, offset: int = 0) -> list[InboxItem]:
    with open_store(settings) as store:
        return store.inbox(grade=grade, risk=risk, country=country, owner=owner, status=status,
                           language=language, limit=limit, offset=offset)


def failures(settings: Settings) -> list[Failure]:
    with open_store(settings) as store:
        return store.failures()
