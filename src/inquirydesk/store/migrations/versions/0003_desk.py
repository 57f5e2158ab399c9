"""The web desk: users, API tokens and "not spam" decisions (see store/desk.py).

Revision ID: 0003_desk
Revises: 0002_buyers
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Imported for its side effect: the desk's models join Base.metadata wherever the
# archive is migrated, so the metadata and the migrated schema always agree.
import inquirydesk.store.desk  # noqa: F401
from inquirydesk.store.types import UTCDateTime

revision = "0003_desk"
down_revision = "0002_buyers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "desk_users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(120), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_desk_users"),
        sa.UniqueConstraint("username", name="uq_desk_users_username"),
    )
    op.create_table(
        "desk_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_desk_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_desk_tokens_token_hash"),
        sa.ForeignKeyConstraint(["user_id"], ["desk_users.id"], ondelete="CASCADE",
                                name="fk_desk_tokens_user_id_desk_users"),
    )
    op.create_index("ix_desk_tokens_user_id", "desk_tokens", ["user_id"])
    op.create_table(
        "desk_not_spam",
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("old_risk", sa.String(16), nullable=False),
        sa.Column("by", sa.String(120), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("inquiry_id", name="pk_desk_not_spam"),
        sa.ForeignKeyConstraint(["inquiry_id"], ["inquiries.id"], ondelete="CASCADE",
                                name="fk_desk_not_spam_inquiry_id_inquiries"),
    )


def downgrade() -> None:
    for table in ("desk_not_spam", "desk_tokens", "desk_users"):
        op.drop_table(table)
