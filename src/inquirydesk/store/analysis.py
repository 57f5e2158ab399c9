"""Running the engine over a batch of inputs, in worker processes when the batch is large.

The engine judges an inquiry against what other inquiries say (its history), so a batch
goes through it in two passes, as in ``Engine.analyze_batch``: every input is understood
(parse, enrich, extract), then the store's history is asked about all of them at once,
then each is judged.  Both passes are pure and run in a pool of forked workers (the
engine's compiled rulebook cannot be pickled, so the workers inherit it by forking);
the results are the same as in one process, in the same order.  Where ``fork`` is not
the platform's way (Windows, macOS) everything runs in this process.

Nothing here touches the database.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Self, TypeVar

from inquirydesk.engine import Engine, Understood
from inquirydesk.model import Analysis, RawItem
from inquirydesk.pipeline.history import Echoes, Seen
from inquirydesk.records import to_record

MAX_SEARCH_TEXT = 20_000  # characters of an inquiry kept for full-text search
PARALLEL_FROM = 64  # fewer inputs than this are analysed in this process

T = TypeVar("T")
R = TypeVar("R")


class Analyser:
    """The engine over batches; ``workers`` processes (1: this process only)."""

    def __init__(self, engine: Engine, workers: int | None = 1):
        self.engine = engine
        self.workers = default_workers() if workers is None else max(1, workers)
        self._pool: ProcessPoolExecutor | None = None

    def understand(self, items: Sequence[RawItem]) -> list[Understood | str]:
        """Each item understood, or the error that stopped it."""
        return self._map(_understand_in_worker, lambda i: understand(self.engine, i), items)

    def judge(self, pairs: Sequence[tuple[Understood, Echoes]]) -> list[dict[str, Any] | str]:
        """The inquiry columns of each judged item (see ``inquiry_values``), or an error."""
        return self._map(_judge_in_worker, lambda p: judge(self.engine, p), pairs)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _map(self, in_worker: Callable[[T], R], here: Callable[[T], R],
             values: Sequence[T]) -> list[R]:
        if self.workers < 2 or len(values) < PARALLEL_FROM or not can_fork():
            return [here(v) for v in values]
        if self._pool is None:
            # A worker that dies (killed, out of memory) raises BrokenProcessPool here
            # rather than hanging the import.
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("fork"),
                initializer=_set_worker_engine, initargs=(self.engine,))
        chunk = max(1, len(values) // (self.workers * 4))
        return list(self._pool.map(in_worker, values, chunksize=chunk))


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def can_fork() -> bool:
    return sys.platform.startswith("linux")


def understand(engine: Engine, item: RawItem) -> Understood | str:
    try:
        return engine.understand(item)
    except Exception as exc:
        return f"analyse error: {type(exc).__name__}: {exc}"


def judge(engine: Engine, pair: tuple[Understood, Echoes]) -> dict[str, Any] | str:
    understood, echoes = pair
    try:
        analysis = engine.judge(understood, _Told(echoes))
    except Exception as exc:
        return f"analyse error: {type(exc).__name__}: {exc}"
    broken = [d for d in analysis.inquiry.defects if d.startswith(("parse error", "read error"))]
    return broken[0] if broken else inquiry_values(analysis)


def inquiry_values(analysis: Analysis) -> dict[str, Any]:
    """The ``inquiries`` columns an analysis fills (``received_at`` may be None)."""
    record = to_record(analysis)
    inquiry, identity = analysis.inquiry, analysis.identity
    seen = Seen.of(inquiry, identity, analysis.fields)
    return {
        "received_at": inquiry.date,
        "rulebook": analysis.rulebook_hash,
        "analysis": record,
        "grade": record["grade"],
        "risk": record["risk"],
        "risky": record["risk"] != "none",
        "total": float(record["total"]),
        "probability": float(record["probability"]),
        "country": record["country"] or "",
        "language": record["language"] or "",
        "intent": record["intent"],
        "business_type": record["business_type"],
        "sender_email": identity.email,
        "subject": inquiry.subject[:2000],
        "products": sorted(seen.products),
        "region": seen.region,
        "is_reply": seen.reply,
        "search_text": search_text(analysis),
    }


def search_text(analysis: Analysis) -> str:
    """What full-text search reads: subject, body, the buyer, the products asked for."""
    inquiry, identity = analysis.inquiry, analysis.identity
    parts = [inquiry.subject, identity.name, identity.company, identity.email,
             identity.website, identity.address, *(p.e164 or p.raw for p in identity.phones),
             *(f"{p.name} {p.catalog_id}" for p in analysis.fields.products), inquiry.body]
    return "\n".join(p for p in parts if p)[:MAX_SEARCH_TEXT]


class _Told:
    """A history that answers what the store's history already said."""

    def __init__(self, echoes: Echoes):
        self._echoes = echoes

    def echoes(self, seen: Seen) -> Echoes:
        return self._echoes


# --------------------------------------------------------------------------- workers

_worker_engine: Engine | None = None


def _set_worker_engine(engine: Engine) -> None:
    global _worker_engine
    _worker_engine = engine


def _understand_in_worker(item: RawItem) -> Understood | str:
    assert _worker_engine is not None
    return understand(_worker_engine, item)


def _judge_in_worker(pair: tuple[Understood, Echoes]) -> dict[str, Any] | str:
    assert _worker_engine is not None
    return judge(_worker_engine, pair)
