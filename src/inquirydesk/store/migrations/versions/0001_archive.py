"""The archive: inputs, inquiries, buyers, bounces, IMAP state, full-text search.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from inquirydesk.store.types import JSONType, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _stamps() -> list[sa.Column]:
    return [sa.Column("created_at", UTCDateTime(), nullable=False),
            sa.Column("updated_at", UTCDateTime(), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "buyers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("company", sa.Text(), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("country", sa.String(8), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name="pk_buyers"),
    )
    op.create_index("ix_buyers_email", "buyers", ["email"])

    op.create_table(
        "inputs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("fingerprint", sa.String(255), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("message_id", sa.String(998), nullable=True),
        sa.Column("raw", sa.LargeBinary(), nullable=True),
        sa.Column("row", JSONType, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name="pk_inputs"),
        sa.UniqueConstraint("fingerprint", name="uq_inputs_fingerprint"),
    )
    op.create_index("ix_inputs_kind", "inputs", ["kind"])
    op.create_index("ix_inputs_message_id", "inputs", ["message_id"])

    op.create_table(
        "inquiries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("input_id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=True),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("rulebook", sa.String(64), nullable=False),
        sa.Column("analysis", JSONType, nullable=False),
        sa.Column("grade", sa.String(1), nullable=False),
        sa.Column("risk", sa.String(16), nullable=False),
        sa.Column("risky", sa.Boolean(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("country", sa.String(8), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("intent", sa.String(32), nullable=False),
        sa.Column("business_type", sa.String(32), nullable=False),
        sa.Column("sender_email", sa.String(320), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("products", JSONType, nullable=False),
        sa.Column("region", sa.String(64), nullable=False),
        sa.Column("is_reply", sa.Boolean(), nullable=False),
        sa.Column("owner", sa.String(120), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("analysed_at", UTCDateTime(), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name="pk_inquiries"),
        sa.UniqueConstraint("input_id", name="uq_inquiries_input_id"),
        sa.ForeignKeyConstraint(["input_id"], ["inputs.id"], ondelete="CASCADE",
                                name="fk_inquiries_input_id_inputs"),
        sa.ForeignKeyConstraint(["buyer_id"], ["buyers.id"], ondelete="SET NULL",
                                name="fk_inquiries_buyer_id_buyers"),
    )
    for column in ("buyer_id", "received_at", "sender_email", "region"):
        op.create_index(f"ix_inquiries_{column}", "inquiries", [column])
    order = ["risky", "grade", sa.text("total DESC"), sa.text("received_at DESC"),
             sa.text("id DESC")]
    op.create_index("ix_inquiries_priority", "inquiries", order)
    for column in ("grade", "country", "owner", "status"):
        op.create_index(f"ix_inquiries_{column}_priority", "inquiries",
                        [column, *(o for o in order if o != column)])

    op.create_table(
        "bouncing_addresses",
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("notices", sa.Integer(), nullable=False),
        sa.Column("first_seen", UTCDateTime(), nullable=False),
        sa.Column("last_seen", UTCDateTime(), nullable=False),
        sa.Column("last_input_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("address", name="pk_bouncing_addresses"),
        sa.ForeignKeyConstraint(["last_input_id"], ["inputs.id"], ondelete="SET NULL",
                                name="fk_bouncing_addresses_last_input_id_inputs"),
    )
    op.create_table(
        "imap_folders",
        sa.Column("account", sa.String(400), nullable=False),
        sa.Column("folder", sa.String(400), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
        sa.Column("checked_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("account", "folder", name="pk_imap_folders"),
    )
    op.create_table(
        "imap_messages",
        sa.Column("account", sa.String(400), nullable=False),
        sa.Column("folder", sa.String(400), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("uid", sa.BigInteger(), nullable=False),
        sa.Column("fingerprint", sa.String(255), nullable=False),
        sa.Column("fetched_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("account", "folder", "uidvalidity", "uid",
                                name="pk_imap_messages"),
    )
    op.create_index("ix_imap_messages_fingerprint", "imap_messages", ["fingerprint"])
    _full_text_search()


def _full_text_search() -> None:
    """Search that finds Chinese words without segmenting them: trigrams on both backends."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        # detail=none: LIKE needs no token positions, and the index is half the size.
        op.execute("CREATE VIRTUAL TABLE inquiries_fts USING fts5(search_text, "
                   "content='inquiries', content_rowid='id', tokenize='trigram', "
                   "detail=none)")
        op.execute("CREATE TRIGGER inquiries_fts_insert AFTER INSERT ON inquiries BEGIN "
                   "INSERT INTO inquiries_fts(rowid, search_text) "
                   "VALUES (new.id, new.search_text); END")
        op.execute("CREATE TRIGGER inquiries_fts_delete AFTER DELETE ON inquiries BEGIN "
                   "INSERT INTO inquiries_fts(inquiries_fts, rowid, search_text) "
                   "VALUES ('delete', old.id, old.search_text); END")
        op.execute("CREATE TRIGGER inquiries_fts_update AFTER UPDATE OF search_text "
                   "ON inquiries BEGIN "
                   "INSERT INTO inquiries_fts(inquiries_fts, rowid, search_text) "
                   "VALUES ('delete', old.id, old.search_text); "
                   "INSERT INTO inquiries_fts(rowid, search_text) "
                   "VALUES (new.id, new.search_text); END")
    elif dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
        op.execute("CREATE INDEX ix_inquiries_search_trgm ON inquiries "
                   "USING gin (search_text public.gin_trgm_ops)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS inquiries_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS inquiries_fts")
    for table in ("imap_messages", "imap_folders", "bouncing_addresses", "inquiries",
                  "inputs", "buyers"):
        op.drop_table(table)
