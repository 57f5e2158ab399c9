"""The archive's backends: SQLite always, PostgreSQL when reachable.

This module also holds the fixtures the other archive tests import (``store``,
``store_url``, ``engine``) and small builders for messages and rows.  PostgreSQL: the
server named by ``INQUIRYDESK_TEST_PG_URL`` (default: the CI server at 127.0.0.1:5432,
database ``test``); each test gets a schema of its own, dropped afterwards, so tests are
isolated and can run again and again.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import make_url, text

from inquirydesk.engine import Engine
from inquirydesk.model import RawItem
from inquirydesk.seller import load_seller
from inquirydesk.settings import Settings
from inquirydesk.store import Store, StoreError
from inquirydesk.store.database import MIGRATIONS
from inquirydesk.store.schema import Base

PG_URL = os.environ.get("INQUIRYDESK_TEST_PG_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DEMO = Path(str(resources.files("inquirydesk") / "demo"))
BACKENDS = ["sqlite", "postgresql"]


# --------------------------------------------------------------------------- fixtures


@cache
def pg_unreachable() -> str | None:
    """Why PostgreSQL cannot be used, or None when it can."""
    try:
        with psycopg.connect(_libpq(PG_URL), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return f"PostgreSQL not reachable at {make_url(PG_URL).render_as_string()}: " \
               f"{str(exc).strip().splitlines()[0]}"
    return None


def _libpq(url: str) -> str:
    u = make_url(url)
    parts = {"host": u.host, "port": u.port, "user": u.username, "password": u.password,
             "dbname": u.database}
    return " ".join(f"{k}={v}" for k, v in parts.items() if v)


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL for an empty archive: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'archive' / 'inquirydesk.db'}"
        return
    why = pg_unreachable()
    if why:
        pytest.skip(why)
    schema = f"test_archive_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq(PG_URL), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{PG_URL}?options={quote(f'-csearch_path={schema},public')}"
    finally:
        with psycopg.connect(_libpq(PG_URL), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store.open(store_url) as opened:
        yield opened


@cache
def demo_engine() -> Engine:
    return Engine(seller=load_seller(DEMO / "seller.yaml"))


@pytest.fixture
def engine() -> Engine:
    return demo_engine()


# --------------------------------------------------------------------------- builders


def message(subject: str, *, sender: str = "Tom Baker <tom@baker-trading.com.au>",
            body: str = "Please quote 500 pcs of your stockpot HX-SP101, FOB Guangzhou.",
            message_id: str | None = None, date: str = "Mon, 21 Sep 2026 08:00:00 +1000",
            extra: str = "", crlf: bool = True) -> bytes:
    """An RFC 5322 message written for these tests."""
    message_id = message_id or f"<{uuid.uuid5(uuid.NAMESPACE_URL, subject + sender)}@test>"
    text_ = (f"From: {sender}\nTo: sales@hengxin-kitchenware.com\nSubject: {subject}\n"
             f"Date: {date}\nMessage-ID: {message_id}\n{extra}MIME-Version: 1.0\n"
             f"Content-Type: text/plain; charset=utf-8\n\n{body}\n")
    return text_.replace("\n", "\r\n").encode() if crlf else text_.encode()


def mail(source: str, data: bytes, channel: str = "file") -> RawItem:
    return RawItem(source, channel, data=data)


def row(inquiry_id: str, message_text: str = "We need 2000 pcs stockpot HX-SP101, CIF Hamburg.",
        **cells: str) -> RawItem:
    values = {"inquiry_id": inquiry_id, "received_at": "2026-09-21T08:00:00+00:00",
              "buyer_name": "Anna Schmidt", "buyer_email": "anna@kuechen-handel.de",
              "registered_country": "DE", "subject": f"Inquiry {inquiry_id}",
              "message": message_text, **cells}
    return RawItem(f"export.csv#{inquiry_id}", "platform", row=values)


# --------------------------------------------------------------------------- tests


def test_the_migrations_create_exactly_the_models_tables(store: Store) -> None:
    def ours(obj, name, type_, reflected, compare_to):  # FTS shadow tables are not models
        return not (type_ == "table" and (name.startswith("inquiries_fts")
                                          or name == "alembic_version"))

    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": ours,
                                                         "compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    # The trigram index is the migration's own (PostgreSQL only, beside the models).
    diff = [d for d in diff if not (d[0] == "remove_index"
                                    and d[1].name == "ix_inquiries_search_trgm")]
    assert diff == []


def test_opening_again_migrates_nothing_and_keeps_the_data(store_url: str,
                                                           engine: Engine) -> None:
    with Store.open(store_url) as first:
        first.ingest([mail("a.eml", message("stockpots"))], engine)
    with Store.open(store_url) as again:
        assert again.stats()["inquiries"] == 1
        with again.engine.connect() as conn:
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert version == ScriptDirectory.from_config(config).get_current_head()


def test_sqlite_file_in_the_data_dir_in_wal_mode(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "new" / "data")
    with Store.open(settings.database) as opened:
        assert opened.dialect == "sqlite"
    database = tmp_path / "new" / "data" / "inquirydesk.db"
    assert database.is_file()
    assert sqlite3.connect(database).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_in_memory_sqlite_works_for_quick_use(engine: Engine) -> None:
    with Store.open("sqlite://") as opened:
        assert opened.ingest([mail("a.eml", message("pots"))], engine).new == 1
        assert len(opened.inbox()) == 1


def test_a_bad_url_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match="not a database URL"):
        Store.open("not a url")
