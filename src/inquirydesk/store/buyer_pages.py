"""Read-only queries behind the desk's buyer pages: who may see which buyer, a buyer's
inquiries with their outcomes, the words a buyer is searched by, and where a merged-away
buyer went.

``inquirydesk.web.buyers`` builds the pages from these and from ``inquirydesk.customers``;
all the SQL stays here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from inquirydesk.store.schema import Buyer, BuyerKey, InquiryRow, MergeRow, OutcomeRow

if TYPE_CHECKING:
    from inquirydesk.store.database import Store


@dataclass(frozen=True, slots=True)
class BuyerInquiry:
    """One of a buyer's inquiries, as the buyer page lists it, with how it ended."""

    id: int
    received_at: datetime
    subject: str
    sender_email: str
    grade: str
    risk: str
    status: str
    owner: str
    outcome: str  # won, lost, no_answer, or "" while open
    outcome_reason: str
    outcome_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for key in ("received_at", "outcome_at"):
            d[key] = d[key].isoformat() if d[key] else None
        return d


def visible_buyer_ids(store: Store, owners: Sequence[str]) -> set[int]:
    """Buyers with at least one inquiry owned by one of ``owners`` ("" is the pool)."""
    with store.session() as session:
        return set(session.scalars(
            select(InquiryRow.buyer_id).distinct()
            .where(InquiryRow.buyer_id.is_not(None), InquiryRow.owner.in_(list(owners)))))


def buyer_inquiries(store: Store, buyer_id: int) -> list[BuyerInquiry]:
    """Every inquiry of the buyer, newest first, each with its outcome if it has one."""
    query = (select(InquiryRow.id, InquiryRow.received_at, InquiryRow.subject,
                    InquiryRow.sender_email, InquiryRow.grade, InquiryRow.risk,
                    InquiryRow.status, InquiryRow.owner, OutcomeRow.result, OutcomeRow.reason,
                    OutcomeRow.at)
             .outerjoin(OutcomeRow, OutcomeRow.inquiry_id == InquiryRow.id)
             .where(InquiryRow.buyer_id == buyer_id)
             .order_by(InquiryRow.received_at.desc(), InquiryRow.id.desc()))
    with store.session() as session:
        return [BuyerInquiry(i, at, subject or "", email or "", grade, risk, status,
                             owner or "", result or "", reason or "", when)
                for i, at, subject, email, grade, risk, status, owner, result, reason, when
                in session.execute(query)]


def search_words(store: Store) -> dict[int, str]:
    """Per buyer, the lower-cased text a search looks in: name, company, address,
    country and every key (other addresses, phones, company domains)."""
    words: dict[int, list[str]] = defaultdict(list)
    with store.session() as session:
        for b in session.scalars(select(Buyer)):
            words[b.id] += [b.name or "", b.company or "", b.email or "", b.country or ""]
        for buyer_id, value in session.execute(select(BuyerKey.buyer_id, BuyerKey.value)):
            words[buyer_id].append(value.replace("|", " "))
    return {b: " ".join(w).casefold() for b, w in words.items()}


def merged_into(store: Store, buyer_id: int) -> int | None:
    """The buyer a hand merge (not undone) put ``buyer_id`` with, if any."""
    with store.session() as session:
        return session.scalar(
            select(MergeRow.buyer_id).where(MergeRow.source_buyer_id == buyer_id,
                                            MergeRow.undone_at.is_(None))
            .order_by(MergeRow.id.desc()).limit(1))
