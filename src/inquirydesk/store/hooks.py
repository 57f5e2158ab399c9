"""What the customer archive does after each committed ingest batch.

``after_batch(store, fingerprints)`` links the batch's new inquiries to their buyers and
records ``buyer_answered`` on the earlier inquiries they answer, and assigns the new, safe
pool inquiries by the store's assignment rules (``store/assign.py``).  It is idempotent:
inquiries that already have a buyer are left alone and an answer is recorded once.
``committed(store)`` wraps it for ``Store.ingest(..., committed=...)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from inquirydesk.store.assign import assign_in, rules_for
from inquirydesk.store.buyers import link_in
from inquirydesk.store.outcomes import answers_in
from inquirydesk.store.schema import InputRow, InquiryRow

if TYPE_CHECKING:
    from inquirydesk.store.database import Store


def after_batch(store: Store, fingerprints: Sequence[str]) -> None:
    with store.session.begin() as session:
        ids = list(session.scalars(select(InquiryRow.id).join(
            InputRow, InputRow.id == InquiryRow.input_id)
            .where(InputRow.fingerprint.in_(list(fingerprints)))))
        if ids:
            link_in(session, ids)
            answers_in(session, ids)
            assign_in(session, ids, rules_for(store))  # new, safe inquiries to their owners


def committed(store: Store, then: Callable[[list[tuple[str, Any]]], None] | None = None
              ) -> Callable[[list[tuple[str, Any]]], None]:
    """A ``committed`` callback for ``Store.ingest`` running ``after_batch`` (then ``then``)."""
    def callback(pairs: list[tuple[str, Any]]) -> None:
        after_batch(store, [fp for fp, _ in pairs])
        if then is not None:
            then(pairs)
    return callback
