"""``Store``: the archive's one entry point.  Opened from a URL, migrated on opening.

    store = Store.open("sqlite:///data/inquirydesk.db")   # or postgresql+psycopg://...
    summary = store.ingest(iter_inputs(paths), engine)
    for item in store.inbox(grade="A", country="DE"):
        ...

Every method opens its own short transaction; nothing returned is tied to a session.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Self

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    URL,
    Engine,
    Select,
    create_engine,
    delete,
    event,
    func,
    make_url,
    select,
    text,
    update,
)
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import StaticPool

from inquirydesk.engine import Engine as Judge
from inquirydesk.model import RawItem
from inquirydesk.store import ingest as ingesting
from inquirydesk.store.ingest import note_bounced, upsert
from inquirydesk.store.results import (
    Failure,
    FolderState,
    GradeChange,
    ImportSummary,
    InboxItem,
    StoredInquiry,
)
from inquirydesk.store.schema import (
    STATUSES,
    BouncingAddress,
    ImapFolder,
    ImapMessage,
    InputRow,
    InquiryRow,
    utcnow,
)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
Filter = str | Sequence[str] | None


class StoreError(ValueError):
    """A request the archive cannot carry out (an unknown status, a bad URL)."""


class Store:
    """The archive of inquiries: raw inputs, analyses, bounces, IMAP progress."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.session = sessionmaker(engine, expire_on_commit=False)

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, url: str | URL, *, echo: bool = False) -> Store:
        """Connect to ``url`` (SQLite file or PostgreSQL) and migrate it to the latest schema.

        A SQLite file's folder is created when missing; SQLite runs in WAL mode.
        """
        try:
            url = make_url(url)
        except Exception as exc:
            raise StoreError(f"not a database URL: {exc}") from None
        if url.get_backend_name() == "sqlite":
            engine = _sqlite_engine(url, echo)
        else:
            engine = create_engine(url, echo=echo, pool_pre_ping=True,
                                   json_serializer=_compact_json)
        migrate(engine)
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        """"sqlite" or "postgresql"."""
        return self.engine.dialect.name

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    # ------------------------------------------------------------------ ingestion

    def ingest(self, items: Iterable[RawItem], engine: Judge, *, channel_key: str | None = None,
               owner: str = "", batch_size: int = 500, workers: int | None = 1,
               progress: Callable[[int], None] | None = None,
               committed: Callable[[list[tuple[str, RawItem]]], None] | None = None,
               ) -> ImportSummary:
        """Store and analyse every new input; inputs already stored are counted, not redone.

        Idempotent: an input's fingerprint (see ``fingerprints``) is stored once, however
        often it comes.  Batches of ``batch_size`` are committed one by one, so a run cut
        short and started again loses and doubles nothing.  Inputs that cannot be read,
        parsed or analysed are stored raw as failures (and tried again when they come
        again); delivery-failure notices mark their addresses as bouncing.  ``channel_key``
        names the platform a platform row's inquiry id belongs to; ``owner`` is the
        salesperson new inquiries go to.  ``workers``: analysis processes (None: one per
        core); ``progress`` is called with the number of inputs handled so far, and
        ``committed`` with (fingerprint, item) for every input of each committed batch.
        """
        return ingesting.ingest(self, items, engine, channel_key=channel_key, owner=owner,
                                batch_size=batch_size, workers=workers, progress=progress,
                                committed=committed)

    def reanalyze(self, engine: Judge, since: datetime | None = None, *, batch_size: int = 500,
                  workers: int | None = 1,
                  progress: Callable[[int], None] | None = None) -> list[GradeChange]:
        """Run ``engine`` again over the stored raw inputs (received since ``since``).

        Stored failures are tried again too.  Returns the inquiries whose grade or risk
        changed, in the order they are stored.
        """
        return ingesting.reanalyze(self, engine, since, batch_size=batch_size, workers=workers,
                                   progress=progress)

    # ------------------------------------------------------------------ reading

    def inbox(self, grade: Filter = None, risk: Filter = None, country: Filter = None,
              owner: Filter = None, status: Filter = None, language: Filter = None,
              limit: int = 50, offset: int = 0, order: str = "priority") -> list[InboxItem]:
        """Inquiries by priority: safe before risky, then grade, total, newest.

        ``order="due"`` puts the answer that is due first on top instead: safe before
        risky, then grade, then the one waiting longest (a grade's reply is due a fixed
        time after arrival, so the oldest is due first).  Each filter takes one value or
        several; None means any.
        """
        query = _filtered(_items(), grade=grade, risk=risk, country=country, owner=owner,
                          status=status, language=language)
        return self._items(query, limit, offset, order)

    def search(self, text: str, limit: int = 50, offset: int = 0, order: str = "priority",
               **filters: Filter) -> list[InboxItem]:
        """Inquiries holding every word of ``text`` (subject, body, buyer, products).

        Words are matched as substrings, so Chinese needs no segmentation: "无缝钢管"
        finds "我们需要无缝钢管500吨".  ``filters`` are those of ``inbox``; results come in
        its ``order``.
        """
        terms = text.split()
        if not terms:
            return []
        query = _filtered(_items(), **filters)
        for condition in _search_conditions(self.dialect, terms):
            query = query.where(condition)
        return self._items(query, limit, offset, order)

    def get(self, inquiry_id: int) -> StoredInquiry | None:
        """One inquiry in full, with its analysis record and raw input."""
        with self.session() as session:
            found = session.execute(
                select(InquiryRow, InputRow).join(InputRow, InputRow.id == InquiryRow.input_id)
                .where(InquiryRow.id == inquiry_id)).first()
            if found is None:
                return None
            row, raw = found
            return StoredInquiry(
                item=_item(row, raw.source, raw.channel), fingerprint=raw.fingerprint,
                message_id=raw.message_id, rulebook=row.rulebook, record=row.analysis,
                raw=raw.raw, row=raw.row, analysed_at=row.analysed_at,
                created_at=row.created_at, updated_at=row.updated_at)

    def failures(self) -> list[Failure]:
        """Inputs that could not be read, parsed or analysed, oldest first."""
        with self.session() as session:
            rows = session.scalars(select(InputRow).where(InputRow.kind == "failed")
                                   .order_by(InputRow.id))
            return [Failure(r.id, r.source, r.channel, r.error or "", r.created_at,
                            r.updated_at) for r in rows]

    def stats(self) -> dict[str, int]:
        """How many inputs of each kind are stored, and how many inquiries."""
        with self.session() as session:
            counts = dict(session.execute(select(InputRow.kind, func.count())
                                          .group_by(InputRow.kind)).all())
            counts["inquiries"] = session.scalar(select(func.count(InquiryRow.id))) or 0
            counts["bouncing_addresses"] = session.scalar(
                select(func.count(BouncingAddress.address))) or 0
            return counts

    # ------------------------------------------------------------------ changing

    def update(self, inquiry_id: int, *, status: str | None = None,
               owner: str | None = None) -> None:
        """Set an inquiry's status (one of ``schema.STATUSES``) or owner."""
        values: dict[str, Any] = {}
        if status is not None:
            if status not in STATUSES:
                raise StoreError(f"status {status!r} is not one of {', '.join(STATUSES)}")
            values["status"] = status
        if owner is not None:
            values["owner"] = owner
        if values:
            with self.session.begin() as session:
                session.execute(update(InquiryRow).where(InquiryRow.id == inquiry_id)
                                .values(**values, updated_at=utcnow()))

    # ------------------------------------------------------------------ bounces

    def mark_bounced(self, address: str, *, at: datetime | None = None,
                     input_id: int | None = None) -> None:
        """Record that mail to ``address`` bounced (once more)."""
        with self.session.begin() as session:
            note_bounced(session, [address], at or utcnow(), input_id)

    def is_bouncing(self, address: str) -> bool:
        """Whether a delivery-failure notice named ``address``."""
        with self.session() as session:
            return session.get(BouncingAddress, address.strip().lower()) is not None

    def bouncing(self) -> list[str]:
        """Every bouncing address, sorted."""
        with self.session() as session:
            return list(session.scalars(select(BouncingAddress.address)
                                        .order_by(BouncingAddress.address)))

    # ------------------------------------------------------------------ IMAP progress

    def open_folder(self, account: str, folder: str, uidvalidity: int) -> tuple[FolderState, bool]:
        """How far ``folder`` was fetched, and whether its UIDVALIDITY changed.

        A changed UIDVALIDITY means the server renumbered the folder: the old UID map is
        dropped and the folder starts again from UID 0 (messages already stored are
        recognised by their fingerprints, so nothing is doubled).
        """
        with self.session.begin() as session:
            state = session.get(ImapFolder, (account, folder))
            changed = state is not None and state.uidvalidity != uidvalidity
            if state is None:
                state = ImapFolder(account=account, folder=folder, uidvalidity=uidvalidity,
                                   last_uid=0)
                session.add(state)
            elif changed:
                session.execute(delete(ImapMessage).where(
                    ImapMessage.account == account, ImapMessage.folder == folder))
                state.uidvalidity, state.last_uid = uidvalidity, 0
            return FolderState(account, folder, uidvalidity, state.last_uid), changed

    def record_uids(self, account: str, folder: str, uidvalidity: int,
                    fingerprints: Mapping[int, str]) -> None:
        """Remember which input each fetched UID became, and advance the folder's last UID."""
        if not fingerprints:
            return
        now = utcnow()
        rows = [{"account": account, "folder": folder, "uidvalidity": uidvalidity, "uid": uid,
                 "fingerprint": fp, "fetched_at": now} for uid, fp in fingerprints.items()]
        with self.session.begin() as session:
            session.execute(upsert(session, ImapMessage, ["account", "folder", "uidvalidity",
                                                          "uid"]), rows)
            session.execute(update(ImapFolder).where(
                ImapFolder.account == account, ImapFolder.folder == folder,
                ImapFolder.uidvalidity == uidvalidity, ImapFolder.last_uid < max(fingerprints))
                .values(last_uid=max(fingerprints), checked_at=now))

    def uid_fingerprints(self, account: str, folder: str) -> dict[int, str]:
        """The fetched UIDs of a folder (current UIDVALIDITY) and their fingerprints."""
        with self.session() as session:
            rows = session.execute(select(ImapMessage.uid, ImapMessage.fingerprint).where(
                ImapMessage.account == account, ImapMessage.folder == folder))
            return {uid: fp for uid, fp in rows}

    # ------------------------------------------------------------------ helpers

    def _items(self, query: Select, limit: int, offset: int,
               order: str = "priority") -> list[InboxItem]:
        if order not in ORDERS:
            raise StoreError(f"order {order!r} is not one of {', '.join(ORDERS)}")
        query = query.order_by(*ORDERS[order]).limit(max(0, limit)).offset(max(0, offset))
        with self.session() as session:
            return [InboxItem(*row) for row in session.execute(query)]


PRIORITY = (InquiryRow.risky, InquiryRow.grade, InquiryRow.total.desc(),
            InquiryRow.received_at.desc(), InquiryRow.id.desc())
DUE = (InquiryRow.risky, InquiryRow.grade, InquiryRow.received_at, InquiryRow.id)
ORDERS = {"priority": PRIORITY, "due": DUE}
_ITEM_COLUMNS = (InquiryRow.id, InputRow.source, InputRow.channel, InquiryRow.received_at,
                 InquiryRow.grade, InquiryRow.risk, InquiryRow.total, InquiryRow.probability,
                 InquiryRow.country, InquiryRow.language, InquiryRow.intent,
                 InquiryRow.business_type, InquiryRow.sender_email, InquiryRow.subject,
                 InquiryRow.owner, InquiryRow.status, InquiryRow.buyer_id)


def _filtered(query: Select, grade: Filter = None, risk: Filter = None,
              country: Filter = None, owner: Filter = None, status: Filter = None,
              language: Filter = None) -> Select:
    for column, value in ((InquiryRow.grade, _upper(grade)), (InquiryRow.risk, risk),
                          (InquiryRow.country, _upper(country)), (InquiryRow.owner, owner),
                          (InquiryRow.status, status), (InquiryRow.language, language)):
        if value is not None:
            query = query.where(column.in_([value] if isinstance(value, str) else value))
    if risk is not None:
        # The same rows, said so that the priority indexes (which start with ``risky``)
        # are read from the right place instead of scanned past every safe inquiry.
        verdicts = {risk} if isinstance(risk, str) else set(risk)
        if verdicts == {"none"}:
            query = query.where(InquiryRow.risky.is_(False))
        elif verdicts and "none" not in verdicts:
            query = query.where(InquiryRow.risky.is_(True))
    return query


def _items() -> Select:
    return select(*_ITEM_COLUMNS).join(InputRow, InputRow.id == InquiryRow.input_id)


def _item(row: InquiryRow, source: str, channel: str) -> InboxItem:
    return InboxItem(row.id, source, channel, row.received_at, row.grade, row.risk, row.total,
                     row.probability, row.country, row.language, row.intent, row.business_type,
                     row.sender_email, row.subject, row.owner, row.status, row.buyer_id)


def _upper(value: Filter) -> Filter:
    if value is None:
        return None
    return value.upper() if isinstance(value, str) else [v.upper() for v in value]


def _search_conditions(dialect: str, terms: list[str]) -> list[Any]:
    """One condition per word, each a case-insensitive substring match.

    SQLite: words of three characters or more go through the FTS5 trigram index (a LIKE
    without ESCAPE, the only form it serves); shorter words, and words holding LIKE's
    wildcards, are matched on the column.  PostgreSQL: ILIKE, which the pg_trgm index
    serves for three characters or more.
    """
    if dialect != "sqlite":
        return [InquiryRow.search_text.ilike(_like(t), escape="\\") for t in terms]
    indexed = [t for t in terms if len(t) >= 3 and not set(t) & set("%_\\")]
    conditions: list[Any] = [InquiryRow.search_text.like(_like(t), escape="\\")
                             for t in terms if t not in indexed]
    if indexed:
        likes = " AND ".join(f"search_text LIKE :w{n}" for n in range(len(indexed)))
        conditions.append(InquiryRow.id.in_(
            select(text("rowid")).select_from(text("inquiries_fts")).where(
                text(likes).bindparams(**{f"w{n}": f"%{t}%" for n, t in enumerate(indexed)}))))
    return conditions


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# ---------------------------------------------------------------------- engine and schema


def _sqlite_engine(url: URL, echo: bool) -> Engine:
    database = url.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if not in_memory:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    extra: dict[str, Any] = {"poolclass": StaticPool} if in_memory else {}
    engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False},
                           json_serializer=_compact_json, **extra)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, say when transactions begin (so DDL and
        # migrations are transactional too), and keep readers off writers' backs.
        dbapi_connection.isolation_level = None
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON",
                       "busy_timeout=30000"):
            dbapi_connection.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


def _compact_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest revision (Alembic ``upgrade head``)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
