"""The web desk at scale: the inbox page and its JSON twin over 100,000 stored inquiries.

    .venv/bin/python bench/desk_bench.py [--n 100000] [--seconds 20] [--clients 4]

Analyses the labelled corpora in ../shared/corpus (the bundled demo when absent) into a
fresh SQLite archive once, then copies those rows until the archive holds N inquiries
(copy k arrives k weeks earlier, owned by one of four salespeople or the pool; the
analysis records are the real ones, so every page renders real data).  Then serves the
desk with one uvicorn worker in a subprocess and, signed in as a manager and as a
salesperson, requests each page in turn for a while: p50 / p95 per page, and requests
per second with ``--clients`` concurrent clients.  Figures, not assertions.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from importlib import resources
from pathlib import Path

import httpx
from sqlalchemy import func, insert, select

from inquirydesk import archive
from inquirydesk.settings import Settings
from inquirydesk.store import Store, desk
from inquirydesk.store.schema import InputRow, InquiryRow

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
DEMO = Path(str(resources.files("inquirydesk") / "demo"))
OWNERS = ("mandy", "jason", "sunny", "lee", "")
PAGES = {
    "inbox page": "/inbox",
    "inbox json": "/api/inbox",
    "inbox grade A json": "/api/inbox?grade=A&status=all",
    "inbox country page": "/inbox?country=US&status=all",
    "search json": "/api/inbox?q=steel&status=all",
    "risky page": "/risky",
    "inquiry page": "/inquiries/{id}",
    "inquiry json": "/api/inquiries/{id}",
}


def build(data_dir: Path, n: int) -> Settings:
    sources = sorted(p for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else [DEMO]
    settings = Settings(data_dir=data_dir, seller=None if CORPUS.is_dir() else
                        DEMO / "seller.yaml")
    started = time.perf_counter()
    archive.import_paths(settings, sources, workers=2)
    with Store.open(settings.database) as store:
        base = _copy_rows(store, n)
        for name in OWNERS[:-1]:
            desk.add_user(store, name, "bench-pw", role="salesperson", language="en")
        desk.add_user(store, "boss", "bench-pw", role="manager", language="en")
        total = store.stats()["inquiries"]
    print(f"archive: {base} analysed inquiries copied to {total:,} in "
          f"{time.perf_counter() - started:.0f} s ({settings.database})")
    return settings


def _copy_rows(store: Store, n: int) -> int:
    inputs, inquiries = InputRow.__table__, InquiryRow.__table__
    with store.engine.begin() as connection:
        pairs = connection.execute(select(inputs, inquiries).join(
            inquiries, inquiries.c.input_id == inputs.c.id)).mappings().all()
        base = len(pairs)
        next_id = (connection.scalar(select(func.max(inputs.c.id))) or 0) + 1
        made, copy = base, 0
        while made < n:
            copy += 1
            batch_inputs, batch_inquiries = [], []
            for pair in pairs[:n - made]:
                in_row = {c.name: pair[c] for c in inputs.c if c.name != "id"}
                in_row.update(id=next_id, fingerprint=f"{pair[inputs.c.fingerprint]}#{copy}",
                              message_id=None)
                row = {c.name: pair[c] for c in inquiries.c if c.name != "id"}
                row.update(input_id=next_id, buyer_id=None,
                           received_at=pair[inquiries.c.received_at] - timedelta(weeks=copy),
                           owner=OWNERS[(next_id + copy) % len(OWNERS)])
                batch_inputs.append(in_row)
                batch_inquiries.append(row)
                next_id += 1
            connection.execute(insert(inputs), batch_inputs)
            connection.execute(insert(inquiries), batch_inquiries)
            made += len(batch_inputs)
    return base


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(settings: Settings, port: int) -> subprocess.Popen:
    code = ("import sys, uvicorn\nfrom pathlib import Path\n"
            "from inquirydesk.settings import Settings\nfrom inquirydesk.web import create_app\n"
            "settings = Settings(data_dir=Path(sys.argv[1]))\n"
            "uvicorn.run(create_app(settings), host='127.0.0.1', port=int(sys.argv[2]), "
            "log_level='warning', workers=1)\n")
    server = subprocess.Popen([sys.executable, "-c", code, str(settings.data_dir), str(port)])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
            return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the desk did not start")


@contextlib.contextmanager
def _signed_in(base: str, name: str) -> Iterator[httpx.Client]:
    client = httpx.Client(base_url=base, timeout=30)
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    response = client.post("/login", data={"username": name, "password": "bench-pw",
                                           "csrf": csrf})
    assert response.status_code == 303, response.text
    try:
        yield client
    finally:
        client.close()


def latencies(client: httpx.Client, who: str, inquiry_id: int, runs: int) -> None:
    for name, path in PAGES.items():
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(path.format(id=inquiry_id))
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        times.sort()
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        print(f"  {who:11} {name + ':':22} p50 {statistics.median(times):7.1f} ms   "
              f"p95 {p95:7.1f} ms   ({runs} runs, {len(response.content) / 1024:.0f} KiB)")


def throughput(base: str, clients: int, seconds: float, inquiry_id: int) -> None:
    paths = [p.format(id=inquiry_id) for p in PAGES.values()]
    done, stop = [0] * clients, time.monotonic() + seconds

    def work(k: int) -> None:
        with _signed_in(base, "boss") as client:
            i = k
            while time.monotonic() < stop:
                client.get(paths[i % len(paths)]).raise_for_status()
                done[k] += 1
                i += 1

    threads = [threading.Thread(target=work, args=(k,)) for k in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    print(f"  one worker, {clients} clients, every page in turn: "
          f"{sum(done) / elapsed:.1f} requests/s ({sum(done)} in {elapsed:.1f} s)")
    inbox_only = [0]
    stop = time.monotonic() + seconds / 2
    with _signed_in(base, "boss") as client:
        started = time.perf_counter()
        while time.monotonic() < stop:
            client.get("/api/inbox").raise_for_status()
            inbox_only[0] += 1
        print(f"  one worker, one client, inbox JSON only: "
              f"{inbox_only[0] / (time.perf_counter() - started):.1f} requests/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="desk-bench-") as scratch:
        settings = build(Path(scratch), args.n)
        with Store.open(settings.database) as store:
            inquiry_id = store.inbox(risk="none", limit=1)[0].id
        port = _free_port()
        server = _serve(settings, port)
        base = f"http://127.0.0.1:{port}"
        try:
            for who in ("boss", "mandy"):
                with _signed_in(base, who) as client:
                    client.get("/inbox")  # warm caches (templates, catalogs)
                    latencies(client, who, inquiry_id if who == "boss" else
                              _own(settings, who), args.runs)
            throughput(base, args.clients, args.seconds, inquiry_id)
        finally:
            server.terminate()
            server.wait(10)


def _own(settings: Settings, who: str) -> int:
    with Store.open(settings.database) as store:
        return store.inbox(risk="none", owner=who, limit=1)[0].id


if __name__ == "__main__":
    main()
