"""The desk's people: a user can be disabled, and every user has a session epoch.

Sessions are signed cookies that carry the epoch they were opened in; bumping a user's
epoch (a new password, disabling, "sign out everywhere") ends all of them at once, with
no session table to keep.  See store/desk.py.

Revision ID: 0005_people
Revises: 0004_assignment
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_people"
down_revision = "0004_assignment"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("desk_users") as table:
        table.add_column(sa.Column("disabled", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        table.add_column(sa.Column("session_epoch", sa.Integer(), nullable=False,
                                   server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("desk_users") as table:
        table.drop_column("session_epoch")
        table.drop_column("disabled")
