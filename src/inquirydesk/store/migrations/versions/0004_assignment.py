"""Assignment: the round-robin turns of the rules and the assignment log (store/assign.py).

Revision ID: 0004_assignment
Revises: 0003_desk
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Imported for its side effect: the assignment models join Base.metadata wherever the
# archive is migrated, so the metadata and the migrated schema always agree.
import inquirydesk.store.assign  # noqa: F401
from inquirydesk.store.types import UTCDateTime

revision = "0004_assignment"
down_revision = "0003_desk"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assignment_turns",
        sa.Column("rule", sa.String(120), nullable=False),
        sa.Column("turns", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("rule", name="pk_assignment_turns"),
    )
    op.create_table(
        "assignment_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(120), nullable=False),
        sa.Column("previous", sa.String(120), nullable=False),
        sa.Column("rule", sa.String(120), nullable=False),
        sa.Column("by", sa.String(120), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_assignment_log"),
        sa.ForeignKeyConstraint(["inquiry_id"], ["inquiries.id"], ondelete="CASCADE",
                                name="fk_assignment_log_inquiry_id_inquiries"),
    )
    op.create_index("ix_assignment_log_inquiry_id", "assignment_log", ["inquiry_id"])


def downgrade() -> None:
    op.drop_table("assignment_log")
    op.drop_table("assignment_turns")
