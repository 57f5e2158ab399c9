"""Alembic environment for the archive.

``Store.open`` runs the migrations itself, on its own connection (passed in
``config.attributes["connection"]``).  Run by hand, Alembic takes the database URL from
``-x url=...``:  ``alembic -x url=sqlite:///data/inquirydesk.db -c alembic.ini current``
with an ``alembic.ini`` whose ``script_location`` is this folder.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, text

from inquirydesk.store.schema import Base

# Serialises concurrent migrations of one PostgreSQL database (any constant will do).
PG_LOCK = 0x1D5C_A7C4


def run() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url")
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            _migrate(connection)
    finally:
        engine.dispose()


def _migrate(connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK})
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


run()
