"""Read-only queries behind buyers' value grades, reactivation, exports and the day's list.

``inquirydesk.customers`` turns these plain rows into customers, reports and sheets; all
the SQL stays here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import select

from inquirydesk.store.schema import (
    BouncingAddress,
    Buyer,
    EventRow,
    InputRow,
    InquiryRow,
    MergeRow,
    OrderRow,
    OutcomeRow,
)

if TYPE_CHECKING:
    from inquirydesk.store.database import Store


class InquiryFact(NamedTuple):
    buyer_id: int
    received: datetime
    grade: str
    risk: str
    intent: str
    result: str | None


class OrderFact(NamedTuple):
    buyer_id: int
    date: Any
    amount: float
    currency: str
    profit: float | None
    paid: str


def buyer_facts(store: Store) -> tuple[dict[int, list[InquiryFact]], dict[int, list[OrderFact]],
                                       dict[int, tuple[str, str]]]:
    """Per buyer: inquiries with outcomes, orders, and (name, company) of buyers not
    merged away."""
    with store.session() as session:
        active = {b.id: (b.name, b.company) for b in session.scalars(select(Buyer))}
        merged = set(session.scalars(select(MergeRow.source_buyer_id).where(
            MergeRow.undone_at.is_(None), MergeRow.source_buyer_id.is_not(None))))
        inquiries: dict[int, list[InquiryFact]] = defaultdict(list)
        for row in session.execute(
                select(InquiryRow.buyer_id, InquiryRow.received_at, InquiryRow.grade,
                       InquiryRow.risk, InquiryRow.intent, OutcomeRow.result)
                .outerjoin(OutcomeRow, OutcomeRow.inquiry_id == InquiryRow.id)
                .where(InquiryRow.buyer_id.is_not(None))):
            inquiries[row[0]].append(InquiryFact(*row))
        orders: dict[int, list[OrderFact]] = defaultdict(list)
        for o in session.scalars(select(OrderRow)):
            orders[o.buyer_id].append(OrderFact(o.buyer_id, o.date, o.amount, o.currency,
                                                o.profit, o.paid))
    names = {b: name for b, name in active.items() if b not in merged}
    return inquiries, orders, names


def bouncing_addresses(store: Store) -> set[str]:
    with store.session() as session:
        return set(session.scalars(select(BouncingAddress.address)))


def safe_inquiries(store: Store, not_real: Iterable[str], since: datetime | None = None,
                   until: datetime | None = None) -> list[tuple[InquiryRow, str | None]]:
    """Safe inquiries with their outcome, newest first (loaded, detached rows)."""
    query = (select(InquiryRow, OutcomeRow.result)
             .outerjoin(OutcomeRow, OutcomeRow.inquiry_id == InquiryRow.id)
             .where(InquiryRow.risk == "none", InquiryRow.intent.not_in(list(not_real)))
             .order_by(InquiryRow.received_at.desc(), InquiryRow.id.desc()))
    if since is not None:
        query = query.where(InquiryRow.received_at >= since)
    if until is not None:
        query = query.where(InquiryRow.received_at < until)
    with store.session() as session:
        return [(row, result) for row, result in session.execute(query).all()]


def inquiries_for_export(store: Store) -> list[tuple[InquiryRow, str | None, str | None,
                                                     str, str]]:
    """(inquiry, outcome, outcome reason, source, channel) in the order received."""
    with store.session() as session:
        return [tuple(r) for r in session.execute(
            select(InquiryRow, OutcomeRow.result, OutcomeRow.reason, InputRow.source,
                   InputRow.channel)
            .join(InputRow, InputRow.id == InquiryRow.input_id)
            .outerjoin(OutcomeRow, OutcomeRow.inquiry_id == InquiryRow.id)
            .order_by(InquiryRow.received_at, InquiryRow.id)).all()]


def tracked_rows(store: Store, kinds: Iterable[str], since: datetime | None = None
                 ) -> tuple[list[tuple[int, dict, datetime, str, str | None]],
                            dict[int, list[tuple[datetime, str]]]]:
    """(id, analysis, received, owner, outcome) per inquiry, and each one's events."""
    query = (select(InquiryRow.id, InquiryRow.analysis, InquiryRow.received_at,
                    InquiryRow.owner, OutcomeRow.result)
             .outerjoin(OutcomeRow, OutcomeRow.inquiry_id == InquiryRow.id)
             .order_by(InquiryRow.received_at, InquiryRow.id))
    events = select(EventRow.inquiry_id, EventRow.at, EventRow.kind).where(
        EventRow.kind.in_(list(kinds))).order_by(EventRow.at, EventRow.id)
    if since is not None:
        query = query.where(InquiryRow.received_at >= since)
        events = events.join(InquiryRow, InquiryRow.id == EventRow.inquiry_id).where(
            InquiryRow.received_at >= since)
    with store.session() as session:
        rows = [tuple(r) for r in session.execute(query).all()]
        per: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
        for inquiry_id, at, kind in session.execute(events):
            per[inquiry_id].append((at, kind))
    return rows, per
