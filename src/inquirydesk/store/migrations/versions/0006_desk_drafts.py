"""The desk: edited drafts (see store/drafts.py) and the "due first" inbox index.

Revision ID: 0006_desk_drafts
Revises: 0005_people
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Imported for its side effect: the model joins Base.metadata wherever the archive is
# migrated, so the metadata and the migrated schema always agree.
import inquirydesk.store.drafts  # noqa: F401
from inquirydesk.store.types import UTCDateTime

revision = "0006_desk_drafts"
down_revision = "0005_people"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "desk_drafts",
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("by", sa.String(120), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("inquiry_id", name="pk_desk_drafts"),
        sa.ForeignKeyConstraint(["inquiry_id"], ["inquiries.id"], ondelete="CASCADE",
                                name="fk_desk_drafts_inquiry_id_inquiries"),
    )
    op.create_index("ix_inquiries_status_due", "inquiries",
                    ["status", "risky", "grade", "received_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_inquiries_status_due", table_name="inquiries")
    op.drop_table("desk_drafts")
