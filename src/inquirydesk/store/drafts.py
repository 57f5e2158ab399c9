"""Drafts a salesperson edited on the desk.  All SQL here.

    desk_drafts     the reply as last saved for an inquiry: subject, text, who, when

The planner writes a fresh draft from the analysis every time; once someone edits and
saves it, the saved text is what the desk shows (until they reset it).  Migration
``0006_desk_drafts`` creates the table and imports this module, so the model is part of
``Base.metadata`` wherever the archive is opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, delete
from sqlalchemy.orm import Mapped, mapped_column

from inquirydesk.store.schema import Base, InquiryRow, utcnow

if TYPE_CHECKING:
    from inquirydesk.store.database import Store

MAX_TEXT = 100_000


class DraftError(ValueError):
    """A draft the desk cannot keep."""


class DraftRow(Base):
    __tablename__ = "desk_drafts"

    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), primary_key=True)
    subject: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[str] = mapped_column(String(120), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True, slots=True)
class SavedDraft:
    inquiry_id: int
    subject: str
    text: str
    by: str
    at: datetime


def save_draft(store: Store, inquiry_id: int, subject: str, text: str, *,
               by: str = "") -> SavedDraft:
    """Keep the edited reply for ``inquiry_id`` (replacing an earlier edit)."""
    if not text.strip():
        raise DraftError("the draft is empty; reset it instead to get the planner's draft")
    if len(text) > MAX_TEXT:
        raise DraftError(f"the draft is longer than {MAX_TEXT:,} characters")
    at = utcnow()
    with store.session.begin() as session:
        if session.get(InquiryRow, inquiry_id) is None:
            raise DraftError(f"no inquiry {inquiry_id}")
        row = session.get(DraftRow, inquiry_id)
        if row is None:
            row = DraftRow(inquiry_id=inquiry_id)
            session.add(row)
        row.subject, row.text, row.by, row.at = subject.strip(), text, by, at
    return SavedDraft(inquiry_id, subject.strip(), text, by, at)


def saved_draft(store: Store, inquiry_id: int) -> SavedDraft | None:
    with store.session() as session:
        row = session.get(DraftRow, inquiry_id)
        return (SavedDraft(row.inquiry_id, row.subject, row.text, row.by, row.at)
                if row else None)


def reset_draft(store: Store, inquiry_id: int) -> bool:
    """Forget the edit: the desk shows the planner's draft again.  False if there was none."""
    with store.session.begin() as session:
        return session.execute(delete(DraftRow).where(DraftRow.inquiry_id == inquiry_id)
                               ).rowcount > 0
