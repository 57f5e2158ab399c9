"""The engine's history over everything stored: repeats and price-fishing rings.

``StoreHistory`` implements ``pipeline.history.History``.  For a batch being judged it
asks the database once for the stored inquiries that could echo any of them (the same
mailbox, or the same network asking for catalog products, within the comparison
window), then answers each question the way ``BatchHistory`` does over the batch and
those rows together, so the rules are the same whether the other inquiry came in the
same run or a year of imports ago.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from inquirydesk.pipeline.history import BatchHistory, Echoes, Seen
from inquirydesk.store.schema import InputRow, InquiryRow

# The widest window history compares in (siblings: 30 days), with a day to spare.
WINDOW = timedelta(days=31)


class StoreHistory:
    """History over the stored inquiries and the batch being judged."""

    def __init__(self, session: Session, batch: Sequence[Seen]):
        sources = {s.source for s in batch}
        stored = [s for s in stored_seen(session, batch) if s.source not in sources]
        self._history = BatchHistory([*batch, *stored])

    def echoes(self, seen: Seen) -> Echoes:
        return self._history.echoes(seen)


def stored_seen(session: Session, batch: Iterable[Seen]) -> list[Seen]:
    """Stored inquiries that share a mailbox or a network with one in ``batch``."""
    batch = [s for s in batch if not s.reply]
    emails = sorted({s.email for s in batch if s.email})
    regions = sorted({s.region for s in batch if s.region and s.products})
    if not emails and not regions:
        return []
    matches = []
    if emails:
        matches.append(InquiryRow.sender_email.in_(emails))
    if regions:
        matches.append(InquiryRow.region.in_(regions))
    query = (select(InputRow.source, InquiryRow.sender_email, InquiryRow.received_at,
                    InquiryRow.products, InquiryRow.region)
             .join(InputRow, InputRow.id == InquiryRow.input_id)
             .where(or_(*matches), InquiryRow.is_reply.is_(False)))
    window = _window(batch)
    if window is not None:
        query = query.where(InquiryRow.received_at.between(*window))
    return [Seen(source, email, when, frozenset(products or ()), region, False)
            for source, email, when, products, region in session.execute(query)]


def _window(batch: Sequence[Seen]) -> tuple[datetime, datetime] | None:
    """The time span any stored echo must fall in; None when some date is unknown."""
    whens = [s.when for s in batch]
    if not whens or any(w is None or w.tzinfo is None for w in whens):
        return None
    return min(whens) - WINDOW, max(whens) + WINDOW  # type: ignore[type-var, operator]
