"""Events, outcomes and orders; and the buyer's answers found in the mail itself.

``answers_in(session, ids)`` looks at newly stored inquiries: one that answers an
earlier stored message (its In-Reply-To or References name that message's Message-ID),
or that comes from the same address with a reply subject ("Re:", "AW:", "回复:" ...)
within 30 days of an earlier inquiry, records ``buyer_answered`` on that earlier
inquiry (once).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from inquirydesk.store.schema import (
    EVENT_KINDS,
    PAID,
    RESULTS,
    Buyer,
    EventRow,
    InputRow,
    InquiryRow,
    OrderRow,
    OutcomeRow,
    utcnow,
)

if TYPE_CHECKING:
    from inquirydesk.store.database import Store

THREAD_DAYS = 30
REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|antw|rif|r|fw|回复|答复)\s*(\[\d+\])?\s*[:：]\s*)+",
                          re.IGNORECASE)
_MSGID = re.compile(rb"<[^<>\s]+>")


class OutcomeError(ValueError):
    """An event, outcome or order the archive cannot record."""


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    inquiry_id: int
    kind: str
    at: datetime
    by: str
    detail: str


@dataclass(frozen=True, slots=True)
class Outcome:
    inquiry_id: int
    result: str
    reason: str
    at: datetime
    by: str


@dataclass(frozen=True, slots=True)
class Order:
    id: int
    buyer_id: int
    inquiry_id: int | None
    date: datetime
    products: str
    quantity: float
    amount: float
    currency: str
    profit: float
    paid: str


def _need_inquiry(session: Session, inquiry_id: int) -> InquiryRow:
    row = session.get(InquiryRow, inquiry_id)
    if row is None:
        raise OutcomeError(f"no inquiry {inquiry_id}")
    return row


def add_event(store: Store, inquiry_id: int, kind: str, *, at: datetime | None = None,
              by: str = "", detail: str = "") -> Event:
    """Record that something happened to an inquiry (``schema.EVENT_KINDS``)."""
    if kind not in EVENT_KINDS:
        raise OutcomeError(f"event kind {kind!r} is not one of {', '.join(EVENT_KINDS)}")
    with store.session.begin() as session:
        row = _need_inquiry(session, inquiry_id)
        event = EventRow(inquiry_id=inquiry_id, kind=kind, at=at or utcnow(), by=by,
                         detail=detail, created_at=utcnow())
        session.add(event)
        if kind == "replied" and row.status == "new":
            row.status = "replied"
        session.flush()
        return _event(event)


def events(store: Store, inquiry_id: int | None = None) -> list[Event]:
    with store.session() as session:
        query = select(EventRow).order_by(EventRow.at, EventRow.id)
        if inquiry_id is not None:
            query = query.where(EventRow.inquiry_id == inquiry_id)
        return [_event(e) for e in session.scalars(query)]


def _event(e: EventRow) -> Event:
    return Event(e.id, e.inquiry_id, e.kind, e.at, e.by, e.detail)


def set_outcome(store: Store, inquiry_id: int, result: str, *, reason: str = "",
                by: str = "", at: datetime | None = None) -> Outcome:
    """How the inquiry ended: won, lost (give the reason) or no_answer; the latest counts.

    Also recorded as an ``outcome`` event; the inquiry is closed.
    """
    if result not in RESULTS:
        raise OutcomeError(f"outcome {result!r} is not one of {', '.join(RESULTS)}")
    if result == "lost" and not reason.strip():
        raise OutcomeError("a lost inquiry needs its reason (--reason)")
    at = at or utcnow()
    with store.session.begin() as session:
        row = _need_inquiry(session, inquiry_id)
        outcome = session.get(OutcomeRow, inquiry_id)
        if outcome is None:
            outcome = OutcomeRow(inquiry_id=inquiry_id)
            session.add(outcome)
        outcome.result, outcome.reason, outcome.at, outcome.by = result, reason, at, by
        session.add(EventRow(inquiry_id=inquiry_id, kind="outcome", at=at, by=by,
                             detail=f"{result}: {reason}" if reason else result,
                             created_at=utcnow()))
        row.status = "closed"
        session.flush()
        return Outcome(inquiry_id, result, reason, at, by)


def outcomes(store: Store) -> dict[int, Outcome]:
    with store.session() as session:
        return {o.inquiry_id: Outcome(o.inquiry_id, o.result, o.reason, o.at, o.by)
                for o in session.scalars(select(OutcomeRow))}


def add_order(store: Store, buyer_id: int, *, amount: float, date: datetime,
              currency: str = "USD", profit: float = 0.0, products: str = "",
              quantity: float = 0.0, paid: str = "on_time",
              inquiry_id: int | None = None) -> Order:
    if paid not in PAID:
        raise OutcomeError(f"paid {paid!r} is not one of {', '.join(PAID)}")
    if amount < 0:
        raise OutcomeError("an order's amount cannot be negative")
    currency = currency.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise OutcomeError(f"currency {currency!r} is not an ISO code such as USD")
    with store.session.begin() as session:
        if session.get(Buyer, buyer_id) is None:
            raise OutcomeError(f"no buyer {buyer_id}")
        if inquiry_id is not None:
            _need_inquiry(session, inquiry_id)
        row = OrderRow(buyer_id=buyer_id, inquiry_id=inquiry_id, date=date, products=products,
                       quantity=quantity, amount=amount, currency=currency, profit=profit,
                       paid=paid, created_at=utcnow())
        session.add(row)
        session.flush()
        return _order(row)


def orders(store: Store, buyer_id: int | None = None) -> list[Order]:
    with store.session() as session:
        query = select(OrderRow).order_by(OrderRow.date, OrderRow.id)
        if buyer_id is not None:
            query = query.where(OrderRow.buyer_id == buyer_id)
        return [_order(o) for o in session.scalars(query)]


def _order(o: OrderRow) -> Order:
    return Order(o.id, o.buyer_id, o.inquiry_id, o.date, o.products, o.quantity, o.amount,
                 o.currency, o.profit, o.paid)


# ---------------------------------------------------------------------- threads


def strip_reply(subject: str) -> str:
    return " ".join(REPLY_PREFIX.sub("", subject or "").lower().split())


def references(raw: bytes | None) -> list[str]:
    """Message-IDs named by In-Reply-To and References (header continuation lines too)."""
    if not raw:
        return []
    head = raw.replace(b"\r\n", b"\n").partition(b"\n\n")[0]
    found: list[str] = []
    current = b""
    for line in [*head.split(b"\n"), b""]:
        if line[:1] in (b" ", b"\t"):
            current += line
            continue
        name = current.partition(b":")[0].strip().lower()
        if name in (b"in-reply-to", b"references"):
            found += [m.decode("ascii", "replace") for m in _MSGID.findall(current)]
        current = line
    return list(dict.fromkeys(found))


def answers_in(session: Session, inquiry_ids: list[int]) -> int:
    """Record ``buyer_answered`` on the earlier inquiries these new ones answer."""
    if not inquiry_ids:
        return 0
    rows = session.execute(select(InquiryRow, InputRow.raw, InputRow.message_id)
                           .join(InputRow, InputRow.id == InquiryRow.input_id)
                           .where(InquiryRow.id.in_(inquiry_ids))
                           .order_by(InquiryRow.received_at, InquiryRow.id)).all()
    recorded = 0
    for row, raw, own_id in rows:
        earlier = _by_headers(session, row, raw, own_id) or _by_subject(session, row)
        if earlier is None:
            continue
        detail = f"inquiry {row.id}"
        if session.scalar(select(EventRow.id).where(
                EventRow.inquiry_id == earlier, EventRow.kind == "buyer_answered",
                EventRow.detail == detail)) is None:
            session.add(EventRow(inquiry_id=earlier, kind="buyer_answered", at=row.received_at,
                                 by="", detail=detail, created_at=utcnow()))
            recorded += 1
    session.flush()
    return recorded


def _by_headers(session: Session, row: InquiryRow, raw: bytes | None,
                own_id: str | None) -> int | None:
    ids = [i for i in references(raw) if i != own_id]
    if not ids:
        return None
    return session.scalar(select(InquiryRow.id).join(InputRow, InputRow.id == InquiryRow.input_id)
                          .where(InputRow.message_id.in_(ids), InquiryRow.id != row.id)
                          .order_by(InquiryRow.received_at.desc()).limit(1))


def _by_subject(session: Session, row: InquiryRow) -> int | None:
    if not row.sender_email or not REPLY_PREFIX.match(row.subject or ""):
        return None
    since = row.received_at - timedelta(days=THREAD_DAYS)
    candidates = session.execute(
        select(InquiryRow.id, InquiryRow.subject).where(
            InquiryRow.sender_email == row.sender_email, InquiryRow.id != row.id,
            InquiryRow.received_at >= since, InquiryRow.received_at <= row.received_at)
        .order_by(InquiryRow.received_at.desc(), InquiryRow.id.desc())).all()
    subject = strip_reply(row.subject)
    for inquiry_id, other in candidates:
        if strip_reply(other) == subject:
            return inquiry_id
    return candidates[0][0] if candidates else None

