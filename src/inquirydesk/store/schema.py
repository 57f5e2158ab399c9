"""The archive's tables, as typed SQLAlchemy 2 models.

    inputs              every input as it arrived, once: raw bytes or the platform row,
                        its fingerprint (the idempotency key) and what became of it
                        (kind: inquiry, bounce or failed, with the error)
    inquiries           one analysed input: the analysis record (``records.to_record``)
                        and the columns the inbox filters and sorts on
    buyers              one buyer across mailboxes (filled in by the buyer archive)
    bouncing_addresses  addresses a delivery-failure notice named
    imap_folders        per account and folder: UIDVALIDITY and the highest UID fetched
    imap_messages       (account, folder, UIDVALIDITY, UID) → message fingerprint

Full-text search lives beside the tables, created by the migration for each backend:
an FTS5 ``trigram`` table over ``inquiries.search_text`` on SQLite, a ``pg_trgm`` GIN
index on PostgreSQL.  ``migrations/versions`` must create exactly these tables; a test
compares the two.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from inquirydesk.store.types import JSONType, UTCDateTime

KINDS = ("inquiry", "bounce", "failed", "resolved")
STATUSES = ("new", "replied", "closed")


def utcnow() -> datetime:
    return datetime.now(UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(), dict[str, Any]: JSONType, list[str]: JSONType}


class Buyer(Base):
    """One buyer across mailboxes and channels; the buyer archive extends this table."""

    __tablename__ = "buyers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, default="")
    company: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(String(320), default="", index=True)
    country: Mapped[str] = mapped_column(String(8), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class InputRow(Base):
    """Every input exactly once, as it arrived."""

    __tablename__ = "inputs"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(255), unique=True)
    source: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16), index=True)  # one of KINDS
    message_id: Mapped[str | None] = mapped_column(String(998), index=True)
    raw: Mapped[bytes | None] = mapped_column(LargeBinary)  # an RFC 5322 message
    row: Mapped[dict[str, Any] | None]  # a platform export row
    error: Mapped[str | None] = mapped_column(Text)  # why it failed (kind "failed")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class InquiryRow(Base):
    """An analysed inquiry: the record and the columns the inbox reads."""

    __tablename__ = "inquiries"
    id: Mapped[int] = mapped_column(primary_key=True)
    input_id: Mapped[int] = mapped_column(ForeignKey("inputs.id", ondelete="CASCADE"),
                                          unique=True)
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("buyers.id", ondelete="SET NULL"),
                                                 index=True)
    received_at: Mapped[datetime] = mapped_column(index=True)  # the input's date, else import
    rulebook: Mapped[str] = mapped_column(String(64))
    analysis: Mapped[dict[str, Any]]  # records.to_record: the jsonl contract
    grade: Mapped[str] = mapped_column(String(1))
    risk: Mapped[str] = mapped_column(String(16))
    risky: Mapped[bool] = mapped_column(Boolean)  # risk != "none": sorts after safe ones
    total: Mapped[float] = mapped_column(Float)
    probability: Mapped[float] = mapped_column(Float)
    country: Mapped[str] = mapped_column(String(8), default="")
    language: Mapped[str] = mapped_column(String(8), default="")
    intent: Mapped[str] = mapped_column(String(32), default="")
    business_type: Mapped[str] = mapped_column(String(32), default="")
    sender_email: Mapped[str] = mapped_column(String(320), default="", index=True)
    subject: Mapped[str] = mapped_column(Text, default="")
    # What the engine's history compares: catalog ids asked for, the sender's network.
    products: Mapped[list[str]] = mapped_column(default=list)
    region: Mapped[str] = mapped_column(String(64), default="", index=True)
    is_reply: Mapped[bool] = mapped_column(Boolean, default=False)
    owner: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(16), default="new")  # one of STATUSES
    search_text: Mapped[str] = mapped_column(Text, default="")
    analysed_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def _by_priority(name: str, *leading: Any) -> Index:
    """An index in the inbox order (safe first, grade, total, newest), after ``leading``."""
    row = InquiryRow
    order = [row.risky, *([] if row.grade in leading else [row.grade]), row.total.desc(),
             row.received_at.desc(), row.id.desc()]
    return Index(name, *leading, *order)


# The inbox order and its usual filters; other filters scan the first one in order.
_by_priority("ix_inquiries_priority")
_by_priority("ix_inquiries_grade_priority", InquiryRow.grade)
_by_priority("ix_inquiries_country_priority", InquiryRow.country)
_by_priority("ix_inquiries_owner_priority", InquiryRow.owner)
_by_priority("ix_inquiries_status_priority", InquiryRow.status)
# The desk's "due first" order (open inquiries, grade, longest waiting): see Store.inbox.
Index("ix_inquiries_status_due", InquiryRow.status, InquiryRow.risky, InquiryRow.grade,
      InquiryRow.received_at, InquiryRow.id)


class BouncingAddress(Base):
    """An address a delivery-failure notice said cannot be delivered to."""

    __tablename__ = "bouncing_addresses"

    address: Mapped[str] = mapped_column(String(320), primary_key=True)  # lower-cased
    notices: Mapped[int] = mapped_column(Integer, default=1)
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_input_id: Mapped[int | None] = mapped_column(
        ForeignKey("inputs.id", ondelete="SET NULL"))


class ImapFolder(Base):
    """How far one folder of one account has been fetched."""

    __tablename__ = "imap_folders"

    account: Mapped[str] = mapped_column(String(400), primary_key=True)
    folder: Mapped[str] = mapped_column(String(400), primary_key=True)
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    checked_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ImapMessage(Base):
    """A message on the server, by UID, and the fingerprint of the input it became."""

    __tablename__ = "imap_messages"

    account: Mapped[str] = mapped_column(String(400), primary_key=True)
    folder: Mapped[str] = mapped_column(String(400), primary_key=True)
    uidvalidity: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    uid: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(255), index=True)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)


# ---------------------------------------------------------------------- the customer archive
# (migration 0002_buyers; see docs/customers.md)

EVENT_KINDS = ("replied", "buyer_answered", "called", "outcome", "note")
RESULTS = ("won", "lost", "no_answer")
PAID = ("on_time", "late", "unpaid")
KEY_KINDS = ("email", "domain", "phone", "name_company")


class EventRow(Base):
    """Something that happened to an inquiry: our reply, the buyer's answer, a call."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # one of EVENT_KINDS
    at: Mapped[datetime] = mapped_column(index=True)
    by: Mapped[str] = mapped_column(String(120), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutcomeRow(Base):
    """How an inquiry ended (the latest word): won, lost (with a reason) or no answer."""

    __tablename__ = "outcomes"

    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), primary_key=True)
    result: Mapped[str] = mapped_column(String(16), index=True)  # one of RESULTS
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by: Mapped[str] = mapped_column(String(120), default="")


class OrderRow(Base):
    """An order a buyer placed."""

    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id", ondelete="CASCADE"),
                                          index=True)
    inquiry_id: Mapped[int | None] = mapped_column(
        ForeignKey("inquiries.id", ondelete="SET NULL"))
    date: Mapped[datetime] = mapped_column(index=True)
    products: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[float] = mapped_column(Float, default=0)
    amount: Mapped[float] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    profit: Mapped[float] = mapped_column(Float, default=0)
    paid: Mapped[str] = mapped_column(String(16), default="on_time")  # one of PAID
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BuyerKey(Base):
    """What identifies a buyer: an address, a company domain, a phone, name with company."""

    __tablename__ = "buyer_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id", ondelete="CASCADE"),
                                          index=True)
    kind: Mapped[str] = mapped_column(String(16))  # one of KEY_KINDS
    value: Mapped[str] = mapped_column(String(400))


Index("ix_buyer_keys_kind_value", BuyerKey.kind, BuyerKey.value)


class MergeRow(Base):
    """Why inquiries (and orders) were put with a buyer: one automatic link or hand merge.

    ``source_buyer_id``: the buyer merged away (hand merges), else None.  Un-merging puts
    ``inquiry_ids`` and ``order_ids`` back where they were and sets ``undone_at``.
    """

    __tablename__ = "merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id", ondelete="CASCADE"),
                                          index=True)
    source_buyer_id: Mapped[int | None] = mapped_column(
        ForeignKey("buyers.id", ondelete="SET NULL"), index=True)
    rule: Mapped[str] = mapped_column(String(32))  # a KEY_KINDS value, or "hand"
    quote: Mapped[str] = mapped_column(Text, default="")
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    by: Mapped[str] = mapped_column(String(120), default="")
    inquiry_ids: Mapped[list[str]] = mapped_column(default=list)
    order_ids: Mapped[list[str]] = mapped_column(default=list)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column()
