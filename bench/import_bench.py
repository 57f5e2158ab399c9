"""Import speed, size and inbox latency of the archive, on SQLite and PostgreSQL.

    .venv/bin/python bench/import_bench.py [--n 100000] [--workers N] [--backend sqlite|postgresql]

Multiplies the messages and platform rows of ../shared/corpus/*/ into N distinct inputs
(copy k of a message gets a Message-ID of its own and a Date k weeks later; copy k of a
row gets inquiry id "<id>-b<k>" and a received time k weeks later), imports them into a
fresh SQLite file and a fresh PostgreSQL schema, and prints messages per second (and
how long the same inputs take a second time, all known), database size and peak memory
(this process, and the largest analysis worker); then the
inbox query (top 50 by priority, filtered by grade and country) over repeated runs,
p50 and p95.  Figures, not assertions.  Targets: import under 5 minutes, inbox p95 under
50 ms, memory under 500 MB.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text

from inquirydesk import services
from inquirydesk.model import RawItem
from inquirydesk.sources import iter_inputs
from inquirydesk.store import Store

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
PG_URL = os.environ.get("INQUIRYDESK_TEST_PG_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
WEEK = timedelta(days=7)
_MESSAGE_ID = re.compile(rb"^(message-id:[ \t]*<?)", re.IGNORECASE | re.MULTILINE)
_DATE = re.compile(rb"^date:[ \t]*(.*)$", re.IGNORECASE | re.MULTILINE)


def base_items(corpus: Path) -> list[RawItem]:
    folders = sorted(p for p in corpus.iterdir() if p.is_dir())
    return [item for item in iter_inputs(folders) if item.error is None]


def multiplied(base: list[RawItem], n: int) -> Iterator[RawItem]:
    """``n`` distinct inputs: copy k of each base item, rewritten to be its own."""
    for number in range(n):
        item, copy = base[number % len(base)], number // len(base)
        source = f"bench/{copy}/{item.source}"
        if item.data is not None:
            yield replace(item, source=source, data=_message_copy(item.data, copy))
        else:
            yield replace(item, source=source, row=_row_copy(dict(item.row or {}), copy))


def _message_copy(data: bytes, copy: int) -> bytes:
    head_end = data.find(b"\n\n")
    head, body = (data[:head_end], data[head_end:]) if head_end >= 0 else (data, b"")
    if _MESSAGE_ID.search(head):
        head = _MESSAGE_ID.sub(lambda m: m.group(1) + f"bench{copy}.".encode(), head, count=1)
    else:
        head += f"\nMessage-ID: <bench{copy}.{uuid.uuid4().hex}@bench>".encode()
    found = _DATE.search(head)
    if found:
        try:
            when = parsedate_to_datetime(found.group(1).decode().strip()) + copy * WEEK
            head = head[:found.start(1)] + format_datetime(when).encode() + head[found.end(1):]
        except (TypeError, ValueError):
            pass
    return head + body


def _row_copy(row: dict[str, str], copy: int) -> dict[str, str]:
    row["inquiry_id"] = f"{row.get('inquiry_id') or 'row'}-b{copy}"
    with contextlib.suppress(KeyError, ValueError):
        row["received_at"] = (datetime.fromisoformat(row["received_at"]) + copy * WEEK
                              ).isoformat()
    return row


def import_into(store: Store, base: list[RawItem], n: int, workers: int, batch: int) -> float:
    engine = services.make_engine([], CORPUS / "dev-steel" / "seller.yaml")
    start = time.perf_counter()
    last = [start]

    def progress(done: int) -> None:
        if time.perf_counter() - last[0] > 15:
            last[0] = time.perf_counter()
            print(f"    {done:,} in {last[0] - start:,.0f} s", flush=True)

    summary = store.ingest(multiplied(base, n), engine, workers=workers, batch_size=batch,
                           progress=progress)
    elapsed = time.perf_counter() - start
    print(f"  imported:      {summary.new:,} new, {summary.known:,} known, "
          f"{summary.failed:,} failed, {summary.bounces:,} bounces")
    print(f"  import time:   {elapsed:,.1f} s  ->  {n / elapsed:,.0f} inputs/s "
          f"({workers} analysis workers)")
    start = time.perf_counter()
    again = store.ingest(multiplied(base, n), engine, workers=workers, batch_size=batch)
    print(f"  again:         {again.known:,} known, {again.new} new in "
          f"{time.perf_counter() - start:,.1f} s (the same inputs imported a second time)")
    return elapsed


def inbox_latency(store: Store, runs: int) -> None:
    with store.session() as session:
        pairs = session.execute(text(
            "SELECT grade, country, count(*) FROM inquiries WHERE country <> '' "
            "GROUP BY grade, country ORDER BY count(*) DESC LIMIT 40")).all()
    rng = random.Random(7)
    cases = {
        "grade + country": lambda: dict(zip(("grade", "country"), rng.choice(pairs)[:2],
                                            strict=True)),
        "grade": lambda: {"grade": rng.choice("ABCDE")},
        "no filter": dict,
    }
    for name, filters in cases.items():
        times = []
        for _ in range(runs):
            chosen = filters()
            start = time.perf_counter()
            store.inbox(**chosen, limit=50)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"  inbox {name + ':':17} p50 {statistics.median(times):6.1f} ms   "
              f"p95 {p95:6.1f} ms   ({runs} runs, top 50)")
    for words in ("seamless pipe", "钢管", "picnic"):
        start = time.perf_counter()
        found = len(store.search(words, limit=50))
        print(f"  search {words!r:16} {(time.perf_counter() - start) * 1000:7.1f} ms "
              f"({found} shown)")


def sqlite_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def pg_size(store: Store, schema: str) -> int:
    with store.session() as session:
        return int(session.execute(text(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = :schema AND c.relkind IN ('r', 'm')"),
            {"schema": schema}).scalar() or 0)


def run_sqlite(base: list[RawItem], args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="inquirydesk-bench-"))
    path = folder / "inquirydesk.db"
    print(f"SQLite ({path})")
    with Store.open(f"sqlite:///{path}") as store:
        import_into(store, base, args.n, args.workers, args.batch)
        connection = store.engine.raw_connection()  # pragmas run outside a transaction
        try:
            connection.driver_connection.execute("PRAGMA optimize")
            connection.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
        print(f"  database size: {sqlite_size(path) / 1e6:,.0f} MB")
        inbox_latency(store, args.runs)
    if not args.keep:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()


def run_postgresql(base: list[RawItem], args: argparse.Namespace) -> None:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    url = f"{PG_URL}?options={quote(f'-csearch_path={schema},public')}"
    raw = create_engine(PG_URL)
    try:
        with raw.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        print(f"PostgreSQL: not reachable at {PG_URL} ({str(exc).splitlines()[0]}); skipped")
        return
    print(f"PostgreSQL ({PG_URL}, schema {schema})")
    try:
        with Store.open(url) as store:
            import_into(store, base, args.n, args.workers, args.batch)
            with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("ANALYZE"))
            print(f"  database size: {pg_size(store, schema) / 1e6:,.0f} MB")
            inbox_latency(store, args.runs)
    finally:
        if not args.keep:
            with raw.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        raw.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="inputs to import")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--runs", type=int, default=200, help="inbox queries per case")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], action="append")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}")
        return 1
    base = base_items(args.corpus)
    print(f"{args.n:,} inputs from {len(base)} messages and rows of {args.corpus}; "
          f"{os.cpu_count()} CPUs")
    for backend in args.backend or ["sqlite", "postgresql"]:
        (run_sqlite if backend == "sqlite" else run_postgresql)(base, args)
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"  peak memory:   {own:,.0f} MB this process, {workers:,.0f} MB largest worker "
              "(so far in this run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
