"""The archive: every inquiry kept once, raw and analysed.  All SQL lives in this package.

``Store.open(url)`` (SQLite file or PostgreSQL URL) migrates the database with the
Alembic scripts in ``migrations/`` and returns the store; see ``database.Store`` for the
API and docs/archive.md for the schema and the idempotency keys.
"""

from inquirydesk.store.bounces import Bounce, delivery_failure
from inquirydesk.store.database import Store, StoreError
from inquirydesk.store.fingerprints import fingerprint
from inquirydesk.store.history import StoreHistory
from inquirydesk.store.results import (
                                       Failure,
                                       FolderState,
                                       GradeChange,
                                       ImportSummary,
                                       InboxItem,
                                       StoredInquiry,
)
from inquirydesk.store.schema import STATUSES

__all__ = ["STATUSES", "Bounce", "Failure", "FolderState", "GradeChange", "ImportSummary",
           "InboxItem", "Store", "StoreError", "StoreHistory", "StoredInquiry",
           "delivery_failure", "fingerprint"]
