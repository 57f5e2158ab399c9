"""One buyer across mailboxes and channels: keys, automatic linking, merges, suggestions.

A buyer is known by keys taken from its inquiries (``schema.KEY_KINDS``): the sender's
address, the company domain of that address (never a free-mail domain), each phone
number (digits only, eight or more), and name with company (both present).  A new
inquiry joins the buyer that holds one of its keys, tried in that order (address first),
and brings its other keys along; with no match it founds a new buyer.

Every join that is not by the same address is written to ``merges`` (the rule that
matched and the value it matched on), and so is every hand merge.  Un-merging a row puts
what it moved back where it was: a hand merge gives the merged-away buyer its inquiries
and orders again; an automatic link moves the inquiry to a buyer of its own.

Functions take the ``Store`` (each opens its own transaction) or, when named ``*_in``,
an open session.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.orm import Session, aliased

from inquirydesk.lookups.domains import is_free_mail
from inquirydesk.store.schema import (
    Buyer,
    BuyerKey,
    InquiryRow,
    MergeRow,
    OrderRow,
    utcnow,
)

if TYPE_CHECKING:
    from inquirydesk.store.database import Store

MATCH_ORDER = ("email", "phone", "domain", "name_company")
SUGGEST_KINDS = ("phone", "name_company", "domain")


class BuyerError(ValueError):
    """A buyer request that cannot be carried out (unknown buyer, merge with itself)."""


@dataclass(frozen=True, slots=True)
class BuyerInfo:
    id: int
    name: str
    company: str
    email: str
    country: str
    inquiries: int
    orders: int
    first_seen: datetime | None
    last_seen: datetime | None
    keys: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Merge:
    id: int
    buyer_id: int
    source_buyer_id: int | None
    rule: str
    quote: str
    manual: bool
    by: str
    inquiry_ids: tuple[int, ...]
    order_ids: tuple[int, ...]
    at: datetime
    undone_at: datetime | None


@dataclass(frozen=True, slots=True)
class Suggestion:
    buyer_id: int
    other_id: int
    rule: str
    quote: str


# ---------------------------------------------------------------------- keys


def phone_key(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return digits if len(digits) >= 8 else ""


def _norm(text: str) -> str:
    return " ".join((text or "").lower().split())


def inquiry_keys(sender_email: str, analysis: dict[str, Any] | None) -> list[tuple[str, str]]:
    """The keys an inquiry names, in ``MATCH_ORDER``."""
    buyer = (analysis or {}).get("buyer") or {}
    email = (sender_email or buyer.get("email") or "").strip().lower()
    keys: list[tuple[str, str]] = []
    if email:
        keys.append(("email", email))
    for phone in buyer.get("phones") or ():
        if phone_key(phone):
            keys.append(("phone", phone_key(phone)))
    domain = email.rpartition("@")[2]
    if "@" in email and domain and not is_free_mail(domain):
        keys.append(("domain", domain))
    name, company = _norm(buyer.get("name", "")), _norm(buyer.get("company", ""))
    if name and company and "@" not in name:
        keys.append(("name_company", f"{name}|{company}"))
    return list(dict.fromkeys(keys))


def _quote(kind: str, value: str) -> str:
    return value.replace("|", ", ") if kind == "name_company" else value


def _add_keys(session: Session, buyer_id: int, keys: Iterable[tuple[str, str]]) -> None:
    have = set(session.execute(select(BuyerKey.kind, BuyerKey.value)
                               .where(BuyerKey.buyer_id == buyer_id)).all())
    for kind, value in keys:
        if (kind, value) not in have:
            session.add(BuyerKey(buyer_id=buyer_id, kind=kind, value=value[:400]))
            have.add((kind, value))
    session.flush()


def _rebuild_keys(session: Session, buyer_id: int) -> None:
    session.execute(BuyerKey.__table__.delete().where(BuyerKey.buyer_id == buyer_id))
    rows = session.execute(select(InquiryRow.sender_email, InquiryRow.analysis)
                           .where(InquiryRow.buyer_id == buyer_id))
    _add_keys(session, buyer_id, [k for email, a in rows for k in inquiry_keys(email, a)])


def _active() -> Any:
    """Buyers not merged away."""
    return ~exists().where(MergeRow.source_buyer_id == Buyer.id, MergeRow.undone_at.is_(None))


# ---------------------------------------------------------------------- linking


def link_in(session: Session, inquiry_ids: Sequence[int] | None = None) -> int:
    """Give every inquiry without a buyer (of ``inquiry_ids``, or all) its buyer.

    Returns how many inquiries were linked.
    """
    query = select(InquiryRow).where(InquiryRow.buyer_id.is_(None)).order_by(
        InquiryRow.received_at, InquiryRow.id)
    if inquiry_ids is not None:
        if not inquiry_ids:
            return 0
        query = query.where(InquiryRow.id.in_(list(inquiry_ids)))
    linked = 0
    for row in session.scalars(query).all():
        keys = inquiry_keys(row.sender_email, row.analysis)
        if not keys:
            continue
        found = _match(session, keys)
        if found is None:
            buyer_info = (row.analysis or {}).get("buyer") or {}
            buyer = Buyer(name=buyer_info.get("name", "") or "",
                          company=buyer_info.get("company", "") or "",
                          email=row.sender_email.lower(), country=row.country or "",
                          notes="")
            session.add(buyer)
            session.flush()
            row.buyer_id = buyer.id
        else:
            buyer_id, kind, value = found
            row.buyer_id = buyer_id
            if kind != "email":
                session.add(MergeRow(buyer_id=buyer_id, rule=kind, quote=_quote(kind, value),
                                     manual=False, by="", inquiry_ids=[row.id], order_ids=[],
                                     at=utcnow()))
            _fill_in(session, buyer_id, row)
        _add_keys(session, row.buyer_id, keys)
        linked += 1
    session.flush()
    return linked


def _match(session: Session, keys: list[tuple[str, str]]) -> tuple[int, str, str] | None:
    for kind in MATCH_ORDER:
        for k, value in keys:
            if k != kind:
                continue
            buyer_id = session.scalar(
                select(func.min(BuyerKey.buyer_id)).join(Buyer, Buyer.id == BuyerKey.buyer_id)
                .where(BuyerKey.kind == kind, BuyerKey.value == value, _active()))
            if buyer_id is not None:
                return buyer_id, kind, value
    return None


def _fill_in(session: Session, buyer_id: int, row: InquiryRow) -> None:
    """A buyer's empty name, company or country from a later inquiry."""
    buyer = session.get(Buyer, buyer_id)
    info = (row.analysis or {}).get("buyer") or {}
    if buyer is None:
        return
    buyer.name = buyer.name or info.get("name", "") or ""
    buyer.company = buyer.company or info.get("company", "") or ""
    buyer.country = buyer.country or row.country or ""
    buyer.email = buyer.email or row.sender_email.lower()


def link_buyers(store: Store) -> int:
    """Link every stored inquiry that has no buyer yet (existing archives, after import)."""
    with store.session.begin() as session:
        return link_in(session)


# ---------------------------------------------------------------------- merging


def merge(store: Store, keep: int, other: int, *, by: str = "", reason: str = "") -> Merge:
    """Put buyer ``other``'s inquiries, orders and keys with ``keep``; explained in merges."""
    if keep == other:
        raise BuyerError("a buyer cannot be merged with itself")
    with store.session.begin() as session:
        for buyer_id in (keep, other):
            if session.scalar(select(Buyer.id).where(Buyer.id == buyer_id, _active())) is None:
                raise BuyerError(f"no buyer {buyer_id} (or it was merged away)")
        inquiry_ids = list(session.scalars(select(InquiryRow.id)
                                           .where(InquiryRow.buyer_id == other)))
        order_ids = list(session.scalars(select(OrderRow.id).where(OrderRow.buyer_id == other)))
        shared = _shared_keys(session, keep, other)
        quote = reason or "; ".join(f"{k}: {_quote(k, v)}" for k, v in shared) or "by hand"
        session.execute(update(InquiryRow).where(InquiryRow.buyer_id == other)
                        .values(buyer_id=keep))
        session.execute(update(OrderRow).where(OrderRow.buyer_id == other).values(buyer_id=keep))
        row = MergeRow(buyer_id=keep, source_buyer_id=other, rule="hand", quote=quote,
                       manual=True, by=by, inquiry_ids=inquiry_ids, order_ids=order_ids,
                       at=utcnow())
        session.add(row)
        session.flush()
        _rebuild_keys(session, keep)
        _rebuild_keys(session, other)
        return _merge(row)


def unmerge(store: Store, merge_id: int, *, by: str = "") -> Merge:
    """Undo one merge: what it moved goes back to the buyer it came from (or a new one)."""
    with store.session.begin() as session:
        row = session.get(MergeRow, merge_id)
        if row is None:
            raise BuyerError(f"no merge {merge_id}")
        if row.undone_at is not None:
            raise BuyerError(f"merge {merge_id} was already undone")
        inquiry_ids = [int(i) for i in row.inquiry_ids or ()]
        target = row.source_buyer_id
        if target is None:  # an automatic link: the inquiry gets a buyer of its own
            first = session.get(InquiryRow, inquiry_ids[0]) if inquiry_ids else None
            info = ((first.analysis or {}).get("buyer") or {}) if first else {}
            buyer = Buyer(name=info.get("name", "") or "", company=info.get("company", "") or "",
                          email=first.sender_email.lower() if first else "",
                          country=first.country if first else "", notes="")
            session.add(buyer)
            session.flush()
            target = buyer.id
            row.source_buyer_id = target  # so suggestions know the two were split by hand
        if inquiry_ids:
            session.execute(update(InquiryRow).where(InquiryRow.id.in_(inquiry_ids))
                            .values(buyer_id=target))
        order_ids = [int(i) for i in row.order_ids or ()]
        if order_ids:
            session.execute(update(OrderRow).where(OrderRow.id.in_(order_ids))
                            .values(buyer_id=target))
        row.undone_at = utcnow()
        if by:
            row.by = f"{row.by} (undone by {by})".strip()
        session.flush()
        _rebuild_keys(session, row.buyer_id)
        _rebuild_keys(session, target)
        return _merge(row)


def _shared_keys(session: Session, a: int, b: int) -> list[tuple[str, str]]:
    first, second = aliased(BuyerKey), aliased(BuyerKey)
    return list(session.execute(
        select(first.kind, first.value).join(second, and_(first.kind == second.kind,
                                                          first.value == second.value))
        .where(first.buyer_id == a, second.buyer_id == b).distinct()).all())


def merges(store: Store, buyer_id: int | None = None) -> list[Merge]:
    """The merges (and automatic links) touching ``buyer_id``, or all, oldest first."""
    with store.session() as session:
        query = select(MergeRow).order_by(MergeRow.id)
        if buyer_id is not None:
            query = query.where((MergeRow.buyer_id == buyer_id)
                                | (MergeRow.source_buyer_id == buyer_id))
        return [_merge(r) for r in session.scalars(query)]


def _merge(r: MergeRow) -> Merge:
    return Merge(r.id, r.buyer_id, r.source_buyer_id, r.rule, r.quote, r.manual, r.by,
                 tuple(int(i) for i in r.inquiry_ids or ()),
                 tuple(int(i) for i in r.order_ids or ()), r.at, r.undone_at)


def suggestions(store: Store) -> list[Suggestion]:
    """Pairs of buyers sharing a phone, name with company, or company domain.

    Pairs a person split by un-merging are left out.
    """
    first, second = aliased(BuyerKey), aliased(BuyerKey)
    with store.session() as session:
        active = set(session.scalars(select(Buyer.id).where(_active())))
        split = {frozenset((m.buyer_id, m.source_buyer_id)) for m in session.scalars(
            select(MergeRow).where(MergeRow.undone_at.is_not(None)))}
        rows = session.execute(
            select(first.buyer_id, second.buyer_id, first.kind, first.value)
            .join(second, and_(first.kind == second.kind, first.value == second.value,
                               first.buyer_id < second.buyer_id))
            .where(first.kind.in_(SUGGEST_KINDS))
            .order_by(first.buyer_id, second.buyer_id, first.kind))
        out: dict[tuple[int, int], Suggestion] = {}
        for a, b, kind, value in rows:
            if a in active and b in active and frozenset((a, b)) not in split:
                out.setdefault((a, b), Suggestion(a, b, kind, _quote(kind, value)))
        return list(out.values())


# ---------------------------------------------------------------------- reading


def buyers(store: Store, *, limit: int | None = None) -> list[BuyerInfo]:
    """Every buyer not merged away, the most recently seen first."""
    with store.session() as session:
        counts = (select(InquiryRow.buyer_id, func.count(InquiryRow.id).label("n"),
                         func.min(InquiryRow.received_at).label("first"),
                         func.max(InquiryRow.received_at).label("last"))
                  .group_by(InquiryRow.buyer_id).subquery())
        orders = (select(OrderRow.buyer_id, func.count(OrderRow.id).label("n"))
                  .group_by(OrderRow.buyer_id).subquery())
        query = (select(Buyer, counts.c.n, orders.c.n, counts.c.first, counts.c.last)
                 .outerjoin(counts, counts.c.buyer_id == Buyer.id)
                 .outerjoin(orders, orders.c.buyer_id == Buyer.id)
                 .where(_active()).order_by(counts.c.last.desc(), Buyer.id))
        if limit is not None:
            query = query.limit(limit)
        return [BuyerInfo(b.id, b.name, b.company, b.email, b.country, n or 0, o or 0,
                          first, last) for b, n, o, first, last in session.execute(query)]


def buyer(store: Store, buyer_id: int) -> BuyerInfo | None:
    with store.session() as session:
        b = session.get(Buyer, buyer_id)
        if b is None:
            return None
        n, first, last = session.execute(
            select(func.count(InquiryRow.id), func.min(InquiryRow.received_at),
                   func.max(InquiryRow.received_at)).where(InquiryRow.buyer_id == buyer_id)).one()
        orders = session.scalar(select(func.count(OrderRow.id))
                                .where(OrderRow.buyer_id == buyer_id)) or 0
        keys = tuple(session.execute(select(BuyerKey.kind, BuyerKey.value)
                                     .where(BuyerKey.buyer_id == buyer_id)
                                     .order_by(BuyerKey.kind, BuyerKey.value)).all())
        return BuyerInfo(b.id, b.name, b.company, b.email, b.country, n, orders, first, last,
                         tuple((k, v) for k, v in keys))
