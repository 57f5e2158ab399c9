"""Throughput of the judgement engine on real mail, and start-up time for one message.

    .venv/bin/python bench/analyze_throughput.py [FOLDER ...]

Defaults to the 6,046 messages of ../shared/realmail/spamassassin.  Prints messages
per second (parse to score, one process, one core), peak memory, and the wall time of
`inquirydesk analyze one.eml` including interpreter start-up.  Figures, not assertions.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

from inquirydesk.engine import Engine
from inquirydesk.sources import iter_inputs

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "realmail" / "spamassassin"


def folders(args: list[str]) -> list[Path]:
    if args:
        return [Path(a) for a in args]
    return sorted(p for p in DEFAULT.iterdir() if p.is_dir())


def main() -> int:
    targets = folders(sys.argv[1:])
    missing = [t for t in targets if not t.exists()]
    if not targets or missing:
        print(f"no mail to measure (missing: {missing or DEFAULT})")
        return 1
    engine = Engine()
    load_start = time.perf_counter()
    items = [item for folder in targets for item in iter_inputs([folder])]
    load_s = time.perf_counter() - load_start
    start, cpu_start = time.perf_counter(), time.process_time()
    verdicts: dict[str, int] = {}
    for analysis in engine.analyze_batch(items):
        verdicts[analysis.risk.verdict] = verdicts.get(analysis.risk.verdict, 0) + 1
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"messages:        {len(items)} from {', '.join(t.name for t in targets)}")
    print(f"read from disk:  {load_s:.2f} s")
    print(f"analysed in:     {elapsed:.2f} s  ->  {len(items) / elapsed:,.0f} messages/s")
    print(f"CPU time:        {cpu:.2f} s  ->  {len(items) / cpu:,.0f} messages per CPU-second "
          "(what one free core does)")
    print(f"peak memory:     {peak_mb:,.0f} MB (whole process, messages held in memory)")
    print(f"verdicts:        {verdicts}")
    one = next((p for t in targets for p in sorted(t.iterdir()) if p.is_file()), None)
    if one is not None:
        cli = Path(sys.executable).with_name("inquirydesk")
        start = time.perf_counter()
        subprocess.run([str(cli), "analyze", str(one), "--format", "jsonl"], check=True,
                       capture_output=True)
        elapsed = time.perf_counter() - start
        print(f"one message CLI: {elapsed:.2f} s including start-up ({one.name})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
