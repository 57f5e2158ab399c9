"""Ingestion and re-analysis: batches of inputs through the engine into the archive.

One batch at a time (500 inputs by default), each committed on its own:

1. every input gets its fingerprint; repeats within the batch and inputs already stored
   are counted as known (a stored failure is tried again);
2. unreadable inputs become failures; delivery-failure notices become bounces;
3. the rest are understood, asked about against the stored history (``StoreHistory``)
   and judged (``Analyser``, in worker processes when there are many);
4. inputs, inquiries and bouncing addresses are written in one transaction.

A run cut short loses at most the batch it was in, and running it again redoes exactly
that batch.  Two imports racing on one input: the loser's batch hits the unique
fingerprint, rolls back and is looked at again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from inquirydesk.store import hooks
from sqlalchemy.orm import Session

from inquirydesk.engine import Engine
from inquirydesk.model import RawItem
from inquirydesk.store.analysis import Analyser
from inquirydesk.store.bounces import Bounce, delivery_failure
from inquirydesk.store.fingerprints import fingerprint, message_id
from inquirydesk.store.history import StoreHistory
from inquirydesk.store.results import Failure, GradeChange, ImportSummary
from inquirydesk.store.schema import BouncingAddress, InputRow, InquiryRow, utcnow

if TYPE_CHECKING:
    from inquirydesk.store.database import Store

log = logging.getLogger(__name__)
ATTEMPTS = 3  # a batch that keeps colliding with another writer gives up after this


@dataclass(slots=True)
class _Entry:
    """One input on its way into the archive."""

    fingerprint: str
    item: RawItem
    input_id: int | None = None  # already stored (a failure tried again, or re-analysis)
    kind: str = "inquiry"  # what it turned out to be: inquiry, bounce, failed
    error: str | None = None
    values: dict[str, Any] | None = None  # the inquiry columns, once judged
    bounce: Bounce | None = None
    old: tuple[int, str, str, float] | None = None  # re-analysis: id, grade, risk, total


Committed = Callable[[list[tuple[str, RawItem]]], None]


def ingest(store: Store, items: Iterable[RawItem], engine: Engine, *,
           channel_key: str | None, owner: str, batch_size: int, workers: int | None,
           progress: Callable[[int], None] | None,
           committed: Committed | None = None) -> ImportSummary:
    summary = ImportSummary()
    with Analyser(engine, workers) as analyser:
        for batch in _chunks(items, batch_size):
            summary += _ingest_batch(store, batch, analyser, channel_key, owner)
            # buyers linked and buyers' answers recorded as soon as a batch is stored
            hooks.after_batch(store, [fingerprint(item, channel_key) for item in batch])
            if committed is not None:
                committed([(fingerprint(item, channel_key), item) for item in batch])
            if progress is not None:
                progress(summary.seen)
    return summary


def _ingest_batch(store: Store, batch: list[RawItem], analyser: Analyser,
                  channel_key: str | None, owner: str) -> ImportSummary:
    unique: dict[str, RawItem] = {}
    for item in batch:
        unique.setdefault(fingerprint(item, channel_key), item)
    for _ in range(ATTEMPTS):
        with store.session() as session:
            stored = _stored_kinds(session, list(unique))
        # New inputs, and stored failures to try again; everything else is known.
        entries = [_Entry(fp, item, input_id=stored[fp][0] if fp in stored else None)
                   for fp, item in unique.items()
                   if fp not in stored or stored[fp][1] == "failed"]
        _sort_out(entries)
        _analyse(store, analyser, [e for e in entries if e.kind == "inquiry"])
        try:
            failures = _write(store, entries, owner)
        except IntegrityError:
            log.info("another import stored some of this batch meanwhile; looking again")
            continue
        return ImportSummary(new=sum(e.kind == "inquiry" for e in entries),
                             known=len(batch) - len(entries),
                             failed=len(failures), bounces=sum(e.kind == "bounce" for e in entries),
                             failures=tuple(failures))
    raise RuntimeError("a batch kept colliding with another import; run it again")


def _stored_kinds(session: Session, fingerprints: list[str]) -> dict[str, tuple[int, str]]:
    rows = session.execute(select(InputRow.fingerprint, InputRow.id, InputRow.kind)
                           .where(InputRow.fingerprint.in_(fingerprints)))
    return {fp: (input_id, kind) for fp, input_id, kind in rows}


def _sort_out(entries: list[_Entry]) -> None:
    """Unreadable inputs are failures, delivery-failure notices are bounces."""
    for entry in entries:
        item = entry.item
        if item.error is not None:
            entry.kind, entry.error = "failed", f"read error: {item.error}"
        elif item.data is not None:
            entry.bounce = delivery_failure(item.data)
            if entry.bounce is not None:
                entry.kind = "bounce"


def _analyse(store: Store, analyser: Analyser, entries: list[_Entry]) -> None:
    """Judge ``entries`` against each other and the stored history; errors become failures."""
    understood = analyser.understand([e.item for e in entries])
    ready = []
    for entry, result in zip(entries, understood, strict=True):
        if isinstance(result, str):
            entry.kind, entry.error = "failed", result
        else:
            ready.append((entry, result))
    seen = [u.seen for _, u in ready]
    with store.session() as session:
        history = StoreHistory(session, seen)
        pairs = [(u, history.echoes(s)) for (_, u), s in zip(ready, seen, strict=True)]
    for (entry, _), judged in zip(ready, analyser.judge(pairs), strict=True):
        if isinstance(judged, str):
            entry.kind, entry.error = "failed", judged
        else:
            entry.kind, entry.values = "inquiry", judged


def _write(store: Store, entries: list[_Entry], owner: str) -> list[Failure]:
    now = utcnow()
    with store.session.begin() as session:
        fresh = [e for e in entries if e.input_id is None]
        retried = [e for e in entries if e.input_id is not None]
        if fresh:
            ids = session.scalars(insert(InputRow.__table__).returning(
                InputRow.__table__.c.id, sort_by_parameter_order=True),
                [_input_values(e, now) for e in fresh]).all()
            for entry, input_id in zip(fresh, ids, strict=True):
                entry.input_id = input_id
        for entry in retried:
            session.execute(update(InputRow).where(InputRow.id == entry.input_id)
                            .values(kind=entry.kind, error=entry.error, updated_at=now))
        inquiries = [_inquiry_values(e, owner, now) for e in entries if e.kind == "inquiry"]
        if inquiries:  # Core, not ORM, inserts: a third of the time
            session.execute(insert(InquiryRow.__table__), inquiries)
        for entry in entries:
            if entry.bounce is not None:
                note_bounced(session, entry.bounce.addresses, now, entry.input_id)
        _resolve_read_errors(session, [e.item for e in entries if e.kind != "failed"])
    return [Failure(e.input_id or 0, e.item.source, e.item.channel, e.error or "", now, now)
            for e in entries if e.kind == "failed"]


def _input_values(entry: _Entry, now: datetime) -> dict[str, Any]:
    item = entry.item
    return {"fingerprint": entry.fingerprint, "source": item.source, "channel": item.channel,
            "kind": entry.kind, "error": entry.error, "raw": item.data,
            "row": dict(item.row) if item.row is not None else None,
            "message_id": (message_id(item.data) or None) if item.data is not None else None,
            "created_at": now, "updated_at": now}


def _inquiry_values(entry: _Entry, owner: str, now: datetime) -> dict[str, Any]:
    assert entry.values is not None and entry.input_id is not None
    values = dict(entry.values)
    values["received_at"] = values["received_at"] or now
    return {**values, "input_id": entry.input_id, "owner": owner, "status": "new",
            "analysed_at": now, "created_at": now, "updated_at": now}


def _resolve_read_errors(session: Session, items: list[RawItem]) -> None:
    """A path that could not be read before and now could: its old failure is resolved."""
    sources = list({item.source for item in items})
    if sources:
        session.execute(update(InputRow).where(
            InputRow.kind == "failed", InputRow.raw.is_(None), InputRow.row.is_(None),
            InputRow.source.in_(sources)).values(kind="resolved", updated_at=utcnow()))


# ---------------------------------------------------------------------- re-analysis


def reanalyze(store: Store, engine: Engine, since: datetime | None, *, batch_size: int,
              workers: int | None, progress: Callable[[int], None] | None) -> list[GradeChange]:
    changes: list[GradeChange] = []
    after, done = 0, 0
    with Analyser(engine, workers) as analyser:
        while True:
            with store.session() as session:
                entries = [_stored_entry(row) for row in
                           session.execute(_stored_inputs(after, since, batch_size))]
            if not entries:
                return changes
            after = entries[-1].input_id or after
            _analyse(store, analyser, entries)
            changes += _rewrite(store, entries)
            done += len(entries)
            if progress is not None:
                progress(done)


def _stored_inputs(after: int, since: datetime | None, limit: int) -> Any:
    query = (select(InputRow.id, InputRow.fingerprint, InputRow.source, InputRow.channel,
                    InputRow.raw, InputRow.row, InquiryRow.id, InquiryRow.grade,
                    InquiryRow.risk, InquiryRow.total)
             .outerjoin(InquiryRow, InquiryRow.input_id == InputRow.id)
             .where(InputRow.id > after, InputRow.kind.in_(("inquiry", "failed")),
                    or_(InputRow.raw.is_not(None), InputRow.row.is_not(None)))
             .order_by(InputRow.id).limit(limit))
    if since is not None:
        query = query.where(or_(InquiryRow.received_at >= since,
                                and_(InquiryRow.id.is_(None), InputRow.created_at >= since)))
    return query


def _stored_entry(row: Any) -> _Entry:
    input_id, fp, source, channel, raw, cells, inquiry_id, grade, risk, total = row
    item = RawItem(source, channel, data=raw, row=cells)
    old = (inquiry_id, grade, risk, total) if inquiry_id is not None else None
    return _Entry(fp, item, input_id=input_id, old=old)


def _rewrite(store: Store, entries: list[_Entry]) -> list[GradeChange]:
    now = utcnow()
    changes = []
    with store.session.begin() as session:
        for entry in entries:
            if entry.kind != "inquiry":
                _keep_failed(session, entry, now)
                continue
            assert entry.values is not None
            values = {**entry.values, "analysed_at": now, "updated_at": now}
            if entry.old is None:  # a stored failure the engine now reads
                values["received_at"] = values["received_at"] or now
                session.execute(update(InputRow).where(InputRow.id == entry.input_id)
                                .values(kind="inquiry", error=None, updated_at=now))
                session.execute(insert(InquiryRow), [{**values, "input_id": entry.input_id,
                                                      "owner": "", "status": "new",
                                                      "created_at": now}])
            else:
                if values["received_at"] is None:
                    del values["received_at"]  # keep the import time it was given
                session.execute(update(InquiryRow).where(InquiryRow.id == entry.old[0])
                                .values(**values))
            change = _change(session, entry)
            if change is not None:
                changes.append(change)
    return changes


def _keep_failed(session: Session, entry: _Entry, now: datetime) -> None:
    if entry.old is None:
        session.execute(update(InputRow).where(InputRow.id == entry.input_id)
                        .values(error=entry.error, updated_at=now))
    else:  # it analysed before: keep that analysis rather than lose the inquiry
        log.warning("re-analysis failed for %s, keeping its earlier analysis: %s",
                    entry.item.source, entry.error)


def _change(session: Session, entry: _Entry) -> GradeChange | None:
    assert entry.values is not None
    grade, risk, total = entry.values["grade"], entry.values["risk"], entry.values["total"]
    if entry.old is not None:
        inquiry_id, old_grade, old_risk, old_total = entry.old
        if (old_grade, old_risk) == (grade, risk):
            return None
        return GradeChange(inquiry_id, entry.item.source, old_grade, grade, old_risk, risk,
                           old_total, total)
    inquiry_id = session.scalar(select(InquiryRow.id).where(InquiryRow.input_id
                                                            == entry.input_id))
    return GradeChange(inquiry_id or 0, entry.item.source, None, grade, None, risk, None, total)


def _chunks(items: Iterable[RawItem], size: int) -> Iterator[list[RawItem]]:
    batch: list[RawItem] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# ---------------------------------------------------------------------- shared SQL


def upsert(session: Session, model: type, keys: list[str],
           update_with: Callable[[Any], dict[str, Any]] | None = None) -> Any:
    """INSERT … ON CONFLICT for either backend: do nothing, or update with ``update_with``."""
    dialect_insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
    statement = dialect_insert(model)
    if update_with is None:
        return statement.on_conflict_do_nothing(index_elements=keys)
    return statement.on_conflict_do_update(index_elements=keys,
                                           set_=update_with(statement.excluded))


def note_bounced(session: Session, addresses: Iterable[str], at: datetime,
                 input_id: int | None) -> None:
    rows = [{"address": a.strip().lower(), "notices": 1, "first_seen": at, "last_seen": at,
             "last_input_id": input_id} for a in dict.fromkeys(addresses) if a.strip()]
    if not rows:
        return
    statement = upsert(session, BouncingAddress, ["address"], lambda new: {
        "notices": BouncingAddress.notices + 1, "last_seen": new.last_seen,
        "last_input_id": new.last_input_id})
    session.execute(statement, rows)


