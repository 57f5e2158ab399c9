"""How fast the dashboards' queries are over a large archive, on SQLite and PostgreSQL.

    .venv/bin/python bench/dashboard_bench.py [--n 100000] [--backend sqlite|postgresql]

Analyses the bundled demo once, then copies its inquiries (records included) into N rows
spread over two years, with owners, replies and outcomes, straight into a fresh archive
(a SQLite file, a fresh PostgreSQL schema).  Prints each ``store.reports`` query's time,
median of 5 runs, for the default 12 weeks and for the whole archive.  Figures, not
assertions.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from urllib.parse import quote

import psycopg
from sqlalchemy import insert, select

from inquirydesk.engine import Engine
from inquirydesk.seller import load_seller
from inquirydesk.sources import iter_inputs
from inquirydesk.store import Store
from inquirydesk.store import reports
from inquirydesk.store.schema import EventRow, InputRow, InquiryRow, OutcomeRow

DEMO = Path(str(resources.files("inquirydesk") / "demo"))
PG_URL = os.environ.get("INQUIRYDESK_TEST_PG_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
END = datetime(2026, 12, 7, tzinfo=UTC)
SPAN = timedelta(days=730)
OWNERS = ("", "", "mandy", "jason", "sunny")


def fill(store: Store, n: int, batch: int = 5000) -> None:
    store.ingest(iter_inputs([DEMO]), Engine(seller=load_seller(DEMO / "seller.yaml")))
    with store.session() as session:
        base = [{c.name: getattr(r, c.name) for c in InquiryRow.__table__.columns}
                for r in session.scalars(select(InquiryRow))]
        next_input = (session.scalar(select(InputRow.id).order_by(InputRow.id.desc())) or 0) + 1
        next_id = (session.scalar(select(InquiryRow.id).order_by(InquiryRow.id.desc())) or 0) + 1
    rng = random.Random(7)
    done = 0
    while done < n:
        inputs, inquiries, events, outcomes = [], [], [], []
        for _ in range(min(batch, n - done)):
            row = dict(rng.choice(base))
            at = END - SPAN * rng.random()
            inputs.append({"id": next_input, "fingerprint": uuid.uuid4().hex, "source": "bench",
                           "channel": "file", "kind": "inquiry", "created_at": at,
                           "updated_at": at})
            row.update(id=next_id, input_id=next_input, received_at=at, buyer_id=None,
                       owner=rng.choice(OWNERS), created_at=at, updated_at=at, analysed_at=at)
            inquiries.append(row)
            if rng.random() < 0.6:
                events.append({"inquiry_id": next_id, "kind": "replied", "by": "bench",
                               "at": at + timedelta(hours=rng.expovariate(1 / 10)),
                               "detail": "", "created_at": at})
            if rng.random() < 0.2:
                outcomes.append({"inquiry_id": next_id, "by": "bench", "at": at,
                                 "result": rng.choice(("won", "lost", "no_answer")),
                                 "reason": "bench"})
            next_input, next_id, done = next_input + 1, next_id + 1, done + 1
        with store.session.begin() as session:
            session.execute(insert(InputRow), inputs)
            session.execute(insert(InquiryRow), inquiries)
            if events:
                session.execute(insert(EventRow), events)
            if outcomes:
                session.execute(insert(OutcomeRow), outcomes)
    if store.dialect == "postgresql":
        with store.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")


def timed(label: str, call) -> None:
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        call()
        runs.append((time.perf_counter() - start) * 1000)
    print(f"    {label:<22} {statistics.median(runs):8.1f} ms")


def measure(store: Store) -> None:
    weeks = reports.Scope(END - timedelta(weeks=12), END, None, 480)
    whole = reports.Scope(END - SPAN - timedelta(days=1), END, None, 480)
    mine = reports.Scope(weeks.start, weeks.end, ("mandy", ""), 480)
    for name, scope in (("12 weeks", weeks), ("12 weeks, one owner", mine),
                        ("whole archive", whole)):
        print(f"  {name}: {reports.totals(store, scope)[0]:,} inquiries")
        timed("totals", lambda s=scope: reports.totals(store, s))
        timed("weekly mix", lambda s=scope: reports.weekly_mix(store, s))
        timed("reply times", lambda s=scope: reports.reply_times(store, s))
        timed("outcomes by grade", lambda s=scope: reports.outcomes_by_grade(store, s))
        timed("by country", lambda s=scope: reports.by_country(store, s))
        timed("by product", lambda s=scope: reports.by_product(store, s))
        timed("keywords by market", lambda s=scope: reports.keywords_by_market(store, s))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), action="append")
    args = parser.parse_args()
    for backend in args.backend or ["sqlite", "postgresql"]:
        print(f"{backend}, {args.n:,} inquiries")
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as folder, \
                    Store.open(f"sqlite:///{folder}/bench.db") as store:
                fill(store, args.n)
                measure(store)
            continue
        schema = f"bench_dashboard_{uuid.uuid4().hex[:8]}"
        libpq = "host=127.0.0.1 user=postgres dbname=test"
        with psycopg.connect(libpq, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        try:
            with Store.open(f"{PG_URL}?options={quote(f'-csearch_path={schema},public')}"
                            ) as store:
                fill(store, args.n)
                measure(store)
        finally:
            with psycopg.connect(libpq, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


if __name__ == "__main__":
    main()
