"""The archive's commands: ``import``, ``fetch``, ``watch``, ``reanalyze``, ``search``,
``inbox``, ``failures``.  A thin shell over ``archive``: parse, call, render.

``register(app)`` adds them to a Typer app (``inquirydesk.cli.app``); registering twice
changes nothing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from pydantic import ValidationError
from rich import box
from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from inquirydesk import archive
from inquirydesk.mailboxes import FetchSummary
from inquirydesk.settings import Settings, load_settings
from inquirydesk.sources import MappingError, read_mapping
from inquirydesk.store import Failure, ImportSummary, InboxItem, StoreError

out = Console(soft_wrap=True)
err = Console(stderr=True)
SHOWN_FAILURES = 50
GRADE_STYLE = {"A": "bold green", "B": "green", "C": "yellow", "D": "dim", "E": "red"}


class Format(str, Enum):
    table = "table"
    json = "json"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="table or json")]
LimitOpt = Annotated[int, typer.Option("--limit", "-n", min=1, help="how many to list")]
WorkersOpt = Annotated[int | None, typer.Option(
    "--workers", min=1, help="analysis processes (default: one per core)")]


def register(app: typer.Typer) -> None:
    """Add the archive's commands to ``app`` (once)."""
    names = {c.name or (c.callback.__name__ if c.callback else "") for c in
             app.registered_commands}
    if "import" in names:
        return
    app.command("import")(import_)
    app.command("fetch")(fetch)
    app.command("watch")(watch)
    app.command("reanalyze")(reanalyze)
    app.command("search")(search)
    app.command("inbox")(inbox)
    app.command("failures")(failures)


# ---------------------------------------------------------------------- commands


def import_(
    paths: Annotated[list[Path], typer.Argument(
        help=".eml, folders, .mbox, platform .csv/.xlsx, corpus folders")],
    mapping: Annotated[Path | None, typer.Option(
        "--mapping", help="YAML: export column → schema column")] = None,
    channel_key: Annotated[str | None, typer.Option(
        "--channel-key", help="the platform these rows come from (when two platforms "
                              "number inquiries alike)")] = None,
    workers: WorkersOpt = None,
) -> None:
    """Store and analyse inquiries, each once: the same message or row again is known."""
    settings = _settings()
    columns = _mapping(mapping)
    with _errors(), _progress("importing") as tick:
        summary = archive.import_paths(settings, paths, columns, tick,
                                       channel_key=channel_key, workers=workers)
    _print_summary(summary)


def fetch() -> None:
    """Fetch new mail from every configured IMAP mailbox (read-only on the server)."""
    settings = _settings()
    if not settings.mailboxes:
        _fail("no mailboxes configured: add 'mailboxes' to the settings (docs/archive.md)")
    with _errors():
        result = archive.fetch(settings)
    _print_fetch(result)
    if result.errors:
        raise typer.Exit(1)


def watch(
    interval: Annotated[float, typer.Option(
        "--interval", min=1.0, help="seconds between fetches")] = 60.0,
    rounds: Annotated[int | None, typer.Option(
        "--rounds", min=1, help="stop after this many fetches (default: never)")] = None,
) -> None:
    """Fetch mail again and again, every --interval seconds, until interrupted (Ctrl-C)."""
    settings = _settings()
    if not settings.mailboxes:
        _fail("no mailboxes configured: add 'mailboxes' to the settings (docs/archive.md)")
    err.print(f"watching {len(settings.mailboxes)} mailboxes every {interval:g} s; "
              "Ctrl-C stops")
    try:
        with _errors():
            archive.watch(settings, interval=interval, rounds=rounds, on_round=_print_round)
    except KeyboardInterrupt:
        err.print("stopped")


def reanalyze(
    since: Annotated[datetime | None, typer.Option(
        "--since", formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"],
        help="only inquiries received since (UTC)")] = None,
    fmt: FormatOpt = Format.table,
    workers: WorkersOpt = None,
) -> None:
    """Run the engine again over stored inquiries (after a rule change): what changed grade."""
    settings = _settings()
    when = since.replace(tzinfo=UTC) if since is not None and since.tzinfo is None else since
    with _errors(), _progress("re-analysing") as tick:
        changes = archive.reanalyze(settings, when, tick, workers=workers)
    if fmt is Format.json:
        _json([_asdict(c) for c in changes])
        return
    table = Table(title=f"{len(changes)} inquiries changed grade or risk")
    for column in ("id", "grade", "risk", "total", "source"):
        table.add_column(column, overflow="fold")
    for c in changes:
        table.add_row(str(c.id), f"{c.old_grade or 'failed'} → {c.new_grade}",
                      f"{c.old_risk or '-'} → {c.new_risk}",
                      f"{c.old_total if c.old_total is not None else '-'} → {c.new_total:g}",
                      c.source)
    out.print(table)


def search(
    text: Annotated[list[str], typer.Argument(help="words to find (Chinese needs no spaces)")],
    limit: LimitOpt = 50,
    fmt: FormatOpt = Format.table,
) -> None:
    """Find inquiries by any words in subject, body, buyer or products."""
    settings = _settings()
    with _errors():
        items = archive.search(settings, " ".join(text), limit)
    _print_items(items, fmt, f"{len(items)} inquiries with {' '.join(text)!r}")


def inbox(
    grade: Annotated[str | None, typer.Option("--grade", help="A to E")] = None,
    risk: Annotated[str | None, typer.Option(
        "--risk", help="none, spam, phishing, scam")] = None,
    country: Annotated[str | None, typer.Option("--country", help="ISO code: DE, US ...")] = None,
    owner: Annotated[str | None, typer.Option("--owner")] = None,
    status: Annotated[str | None, typer.Option("--status", help="new, replied, closed")] = None,
    language: Annotated[str | None, typer.Option(
        "--language", help="ISO code: en, zh ...")] = None,
    limit: LimitOpt = 50,
    offset: Annotated[int, typer.Option("--offset", min=0)] = 0,
    fmt: FormatOpt = Format.table,
) -> None:
    """The stored inquiries by priority: safe before risky, best grade, highest total, newest."""
    settings = _settings()
    with _errors():
        items = archive.inbox(settings, grade=grade, risk=risk, country=country, owner=owner,
                              status=status, language=language, limit=limit, offset=offset)
    _print_items(items, fmt, f"inbox: {len(items)} inquiries, most promising first")


def failures(fmt: FormatOpt = Format.table) -> None:
    """Inputs that could not be read, parsed or analysed, kept raw with the error."""
    settings = _settings()
    with _errors():
        found = archive.failures(settings)
    if fmt is Format.json:
        _json([_asdict(f) for f in found])
        return
    table = Table(title=f"{len(found)} failures")
    for column in ("id", "channel", "source", "error", "since"):
        table.add_column(column, overflow="fold")
    for f in found:
        table.add_row(str(f.id), f.channel, f.source, f.error,
                      f.created_at.strftime("%Y-%m-%d %H:%M") if f.created_at else "")
    out.print(table)


# ---------------------------------------------------------------------- helpers


def _fail(message: str, code: int = 2) -> NoReturn:
    err.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)


def _settings() -> Settings:
    try:
        return load_settings()
    except (ValidationError, ValueError, OSError) as exc:
        _fail(f"settings: {exc}")


def _mapping(path: Path | None) -> dict[str, str] | None:
    try:
        return read_mapping(path) if path is not None else None
    except MappingError as exc:
        _fail(str(exc))


@contextmanager
def _errors() -> Iterator[None]:
    """Clear one-line errors for what the user can fix: mapping, database, settings."""
    try:
        yield
    except (MappingError, StoreError) as exc:
        _fail(str(exc))
    except BrokenProcessPool:
        _fail("an analysis worker died (out of memory?); every committed batch is kept: "
              "run the same command again to finish")
    except SQLAlchemyError as exc:
        _fail(f"database: {exc.orig if hasattr(exc, 'orig') and exc.orig else exc!s}"
              .splitlines()[0])


@contextmanager
def _progress(what: str) -> Iterator[Callable[[int], None]]:
    """A progress line on stderr: inputs handled, rate, time; gone when done."""
    columns = (SpinnerColumn(), TextColumn(f"{what} [bold]{{task.completed:,.0f}}[/] inputs"),
               TextColumn("{task.fields[rate]}"), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task(what, total=None, rate="")

        def tick(done: int) -> None:
            speed = progress.tasks[0].speed
            progress.update(task, completed=done,
                            rate=f"{speed:,.0f}/s" if speed else "")

        yield tick


def _print_summary(summary: ImportSummary) -> None:
    out.print(f"new [bold]{summary.new}[/], already known {summary.known}, "
              f"failed {summary.failed}, bounces {summary.bounces}")
    _print_failures(summary.failures)


def _print_failures(failed: Sequence[Failure]) -> None:
    for f in failed[:SHOWN_FAILURES]:
        err.print(f"  [yellow]failed[/] {f.source}: {f.error}")
    if len(failed) > SHOWN_FAILURES:
        err.print(f"  … and {len(failed) - SHOWN_FAILURES} more: 'inquirydesk failures' "
                  "lists them all")


def _print_fetch(result: FetchSummary) -> None:
    for f in result.folders:
        if f.error:
            err.print(f"[red]{f.mailbox}/{f.folder}: {f.error}[/]")
            continue
        s = f.summary
        again = " (UIDVALIDITY changed: folder fetched again)" if f.refetched else ""
        out.print(f"{f.mailbox}/{f.folder}: new {s.new}, already known {s.known}, "
                  f"failed {s.failed}, bounces {s.bounces}{again}")
        _print_failures(s.failures)


def _print_round(result: FetchSummary) -> None:
    total = result.total
    stamp = datetime.now().strftime("%H:%M:%S")
    out.print(f"{stamp} new {total.new}, failed {total.failed}, bounces {total.bounces}"
              + (f", {len(result.errors)} mailbox errors" if result.errors else ""))
    for line in result.errors:
        err.print(f"  [red]{line}[/]")


def _print_items(items: list[InboxItem], fmt: Format, title: str) -> None:
    if fmt is Format.json:
        _json([i.as_dict() for i in items])
        return
    owners = any(i.owner for i in items)
    statuses = any(i.status != "new" for i in items)
    columns = ["id", "grade", "total", "risk", "country", *(["status"] if statuses else []),
               *(["owner"] if owners else []), "received", "from", "subject"]
    rows = [[str(i.id), i.grade, f"{i.total:.0f}", i.risk, i.country,
             *([i.status] if statuses else []), *([i.owner] if owners else []),
             i.received_at.strftime("%Y-%m-%d"), i.sender_email, i.subject] for i in items]
    # Short columns keep their width; the sender and subject share what is left.
    short = sum(max([len(c), *(len(r[n]) for r in rows)]) + 2
                for n, c in enumerate(columns[:-2]))
    left = max(20, out.width - short - 5)
    widths = (left * 2 // 5, left - left * 2 // 5)
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for column in columns:
        table.add_column(column, no_wrap=True,
                         justify="right" if column in ("id", "total") else "left")
    for row in rows:
        row[-2], row[-1] = _cut(row[-2], widths[0]), _cut(row[-1], widths[1])
        table.add_row(row[0], f"[{GRADE_STYLE.get(row[1], '')}]{row[1]}[/]", *row[2:])
    out.print(table)


def _cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` terminal cells (Chinese characters take two)."""
    return text if cell_len(text) <= width else set_cell_size(text, max(0, width - 1)) + "…"


def _asdict(value: Any) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v
            for k, v in asdict(value).items()}


def _json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")
