"""The customer archive: events, outcomes, orders, buyer keys and merges.

Revision ID: 0002_buyers
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from inquirydesk.store.types import JSONType, UTCDateTime

revision = "0002_buyers"
down_revision = "0001"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], ondelete=ondelete,
                                   name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("by", sa.String(120), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        _fk("events", "inquiry_id", "inquiries", "CASCADE"),
    )
    op.create_index("ix_events_inquiry_id", "events", ["inquiry_id"])
    op.create_index("ix_events_at", "events", ["at"])

    op.create_table(
        "outcomes",
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("by", sa.String(120), nullable=False),
        sa.PrimaryKeyConstraint("inquiry_id", name="pk_outcomes"),
        _fk("outcomes", "inquiry_id", "inquiries", "CASCADE"),
    )
    op.create_index("ix_outcomes_result", "outcomes", ["result"])

    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), nullable=True),
        sa.Column("date", UTCDateTime(), nullable=False),
        sa.Column("products", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("profit", sa.Float(), nullable=False),
        sa.Column("paid", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_orders"),
        _fk("orders", "buyer_id", "buyers", "CASCADE"),
        _fk("orders", "inquiry_id", "inquiries", "SET NULL"),
    )
    op.create_index("ix_orders_buyer_id", "orders", ["buyer_id"])
    op.create_index("ix_orders_date", "orders", ["date"])

    op.create_table(
        "buyer_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("value", sa.String(400), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_buyer_keys"),
        _fk("buyer_keys", "buyer_id", "buyers", "CASCADE"),
    )
    op.create_index("ix_buyer_keys_buyer_id", "buyer_keys", ["buyer_id"])
    op.create_index("ix_buyer_keys_kind_value", "buyer_keys", ["kind", "value"])

    op.create_table(
        "merges",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("source_buyer_id", sa.Integer(), nullable=True),
        sa.Column("rule", sa.String(32), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("manual", sa.Boolean(), nullable=False),
        sa.Column("by", sa.String(120), nullable=False),
        sa.Column("inquiry_ids", JSONType, nullable=False),
        sa.Column("order_ids", JSONType, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("undone_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_merges"),
        _fk("merges", "buyer_id", "buyers", "CASCADE"),
        _fk("merges", "source_buyer_id", "buyers", "SET NULL"),
    )
    op.create_index("ix_merges_buyer_id", "merges", ["buyer_id"])
    op.create_index("ix_merges_source_buyer_id", "merges", ["source_buyer_id"])


def downgrade() -> None:
    for table in ("merges", "buyer_keys", "orders", "outcomes", "events"):
        op.drop_table(table)
