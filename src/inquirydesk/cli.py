"""The ``inquirydesk`` command: a thin shell over ``services``; it parses and renders."""

from __future__ import annotations

import json
import sys
from enum import Enum
from importlib import resources
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from inquirydesk import __version__, services
from inquirydesk.evaluate import confusion_table
from inquirydesk.model import Analysis
from inquirydesk.records import priority, to_record
from inquirydesk.rules.engine import check_examples
from inquirydesk.rules.rulebook import RulebookError, load_rulebook
from inquirydesk.seller import SellerError
from inquirydesk.sources import MappingError, read_mapping

app = typer.Typer(help="InquiryDesk: every buyer inquiry judged, explained and graded.",
                  no_args_is_help=True, add_completion=False)
rules_app = typer.Typer(help="The rulebook: show it, test a user file, measure each rule.",
                        no_args_is_help=True)
app.add_typer(rules_app, name="rules")
out = Console(soft_wrap=True)
err = Console(stderr=True)

GRADE_STYLE = {"A": "bold green", "B": "green", "C": "yellow", "D": "dim", "E": "red"}
RISK_STYLE = {"none": "", "spam": "magenta", "phishing": "bold red", "scam": "bold red"}


class Format(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


SellerOpt = typer.Option(None, "--seller", help="seller.yaml (a corpus folder brings its own)")
RulesOpt = typer.Option(None, "--rules", help="a user rulebook merged over the defaults")


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)


def _mapping(path: Path | None) -> dict[str, str] | None:
    try:
        return read_mapping(path) if path is not None else None
    except MappingError as exc:
        _fail(str(exc))


@app.command()
def analyze(
    paths: list[Path] = typer.Argument(
        ..., help=".eml, folders, .mbox, platform .csv/.xlsx, corpus folders"),
    seller: Path | None = SellerOpt,
    rules: Path | None = RulesOpt,
    mapping: Path | None = typer.Option(
        None, "--mapping", help="YAML: export column → schema column"),
    fmt: Format = typer.Option(Format.table, "--format", "-f"),
    explain: bool = typer.Option(False, "--explain", "-e", help="print every piece of evidence"),
) -> None:
    """Judge inquiries: risk, buyer, intent, business type, grade A–E, each point explained."""
    try:
        analyses = services.analyze_paths(paths, seller_path=seller, rules_path=rules,
                                          mapping=_mapping(mapping))
    except (RulebookError, SellerError, MappingError) as exc:
        _fail(str(exc))
    analyses.sort(key=priority)
    if fmt is Format.jsonl:
        for a in analyses:
            sys.stdout.write(json.dumps(to_record(a), ensure_ascii=False) + "\n")
    elif fmt is Format.json:
        sys.stdout.write(json.dumps([to_record(a) for a in analyses], ensure_ascii=False,
                                    indent=2) + "\n")
    else:
        _print_table(analyses)
        if explain:
            for a in analyses:
                _print_explanation(a)
    _report_defects(analyses)


def _print_table(analyses: list[Analysis]) -> None:
    table = Table(title=f"{len(analyses)} inquiries, most promising first", show_lines=False)
    for column in ("grade", "total", "deal", "risk", "intent", "business", "country", "lang",
                   "buyer", "subject", "source"):
        table.add_column(column, overflow="fold", justify="right" if column in (
            "total", "deal") else "left")
    for a in analyses:
        r = to_record(a)
        buyer = r["buyer"].get("company") or r["buyer"].get("name") or r["buyer"].get("email", "")
        table.add_row(f"[{GRADE_STYLE[r['grade']]}]{r['grade']}[/]", f"{r['total']:.0f}",
                      f"{r['probability']:.0%}",
                      f"[{RISK_STYLE[r['risk']]}]{r['risk']}[/]" if RISK_STYLE[r["risk"]]
                      else r["risk"], r["intent"], r["business_type"], r["country"],
                      r["language"], buyer[:30], (r["subject"] or "")[:40], r["source"])
    out.print(table)


def _print_explanation(a: Analysis) -> None:
    r = to_record(a)
    items = ", ".join(f"{k} {v:g}" for k, v in r["items"].items())
    out.rule(f"{r['source']}  grade {r['grade']}  total {r['total']:g}  risk {r['risk']}")
    out.print(f"[dim]{items}[/dim]")
    for e in a.evidence:
        weight = (f"×{e.factor:g}" if e.factor is not None else
                  f"{e.points:+g}" if e.points is not None else "")
        label = f" → {e.label}" if e.label else ""
        quote = f'  [dim]"{e.quote}"[/dim]' if e.quote else ""
        out.print(f"  {weight:>6} [bold]{e.rule}[/bold]{label}: {e.reason}{quote}")
    if a.fields.as_dict():
        out.print(f"  fields: {json.dumps(a.fields.as_dict(), ensure_ascii=False)}")
    for defect in a.inquiry.defects:
        out.print(f"  [yellow]defect:[/yellow] {defect}")


def _report_defects(analyses: list[Analysis]) -> None:
    broken = [a for a in analyses if a.inquiry.defects]
    if broken:
        err.print(f"[yellow]{len(broken)} of {len(analyses)} inputs had defects "
                  "(analysed as far as possible; see 'defects'):[/yellow]")
        for a in broken[:20]:
            err.print(f"  {a.source}: {'; '.join(a.inquiry.defects)[:160]}")


@app.command("eval")
def eval_(
    paths: list[Path] = typer.Argument(..., help="labelled corpus folders (labels.jsonl)"),
    rules: Path | None = RulesOpt,
    expect: str | None = typer.Option(
        None, "--expect", help="for unlabelled folders: 'risky' (all malicious) or 'genuine'"),
    misses: bool = typer.Option(False, "--misses", help="list what was judged wrong"),
    as_json: bool = typer.Option(False, "--json", help="print the figures as JSON"),
) -> None:
    """Measure the verdicts against an expert's labels: risk, grade, intent, fields."""
    if expect not in (None, "risky", "genuine"):
        _fail("--expect takes 'risky' or 'genuine'")
    summaries = []
    for path in paths:
        try:
            if expect:
                folder = services.evaluate_folder(path, expect, rules_path=rules)
                summaries.append(folder.summary())
                if not as_json:
                    _print_folder(folder, misses)
                continue
            score, _ = services.evaluate_corpus(path, rules_path=rules)
        except (FileNotFoundError, ValueError) as exc:
            _fail(f"{path}: {exc}")
        summaries.append(score.summary())
        if not as_json:
            _print_corpus(score, misses)
    if as_json:
        sys.stdout.write(json.dumps(summaries, indent=2) + "\n")


def _print_corpus(score, misses: bool) -> None:
    s = score.summary()
    out.rule(f"{s['corpus']}: {s['items']} items")
    out.print(f"risk      recall {s['risk_recall']:.3f}  precision {s['risk_precision']:.3f}  "
              f"exact label {s['risk_label_accuracy']:.3f}  genuine flagged "
              f"{s['genuine_flagged']} {score.genuine_flagged or ''}")
    out.print(f"grade     exact {s['grade_exact']:.3f}  within accepted "
              f"{s['grade_within_accepted']:.3f}")
    out.print(f"intent    {s['intent']:.3f}   business type {s['business_type']:.3f}   "
              f"country {s['country']:.3f}   language {s['language']:.3f}")
    table = Table(title="grade confusion")
    rows = confusion_table(score)
    for head in rows[0]:
        table.add_column(head, justify="right")
    for row in rows[1:]:
        table.add_row(*row)
    out.print(table)
    fields = ", ".join(f"{k} P{v['precision']:.2f}/R{v['recall']:.2f}"
                       for k, v in s["fields"].items())
    out.print(f"fields    {fields}; products exact {s['products_exact']:.3f}")
    if misses:
        for m in score.misses:
            out.print(f"  miss {m['source']} wrong {','.join(m['wrong'])} expert {m['expert']}"
                      f" ours {m['ours']}")


def _print_folder(folder, misses: bool) -> None:
    s = folder.summary()
    out.print(json.dumps(s))
    if misses:
        for source in folder.misses:
            out.print(f"  miss {source}")


@app.command()
def demo(
    fmt: Format = typer.Option(Format.table, "--format", "-f"),
    explain: bool = typer.Option(False, "--explain", "-e"),
    serve: bool = typer.Option(True, "--serve/--no-serve",
                               help="then open the web desk on the demo archive"),
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
    data_dir: Path | None = typer.Option(
        None, "--data-dir", help="keep the demo archive here (default: a temporary folder)"),
) -> None:
    """Analyse the bundled demo seller's inquiries, then open the web desk on them."""
    folder = Path(str(resources.files("inquirydesk") / "demo"))
    analyze([folder], seller=None, rules=None, mapping=None, fmt=fmt, explain=explain)
    if serve and fmt is Format.table:
        from inquirydesk.demo_desk import open_demo_desk

        open_demo_desk(host, port, data_dir, say=out.print)


@rules_app.command("show")
def rules_show(
    rules: Path | None = RulesOpt,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The effective rulebook: every rule with its weight and what it reads."""
    rulebook = _load(rules)
    if as_json:
        rows = [{"id": r.id, "group": r.group, "points": r.points, "factor": r.factor,
                 "label": r.label, "reason": r.reason, "when": r.spec, "source": r.source}
                for r in rulebook.rules]
        sys.stdout.write(json.dumps({"hash": rulebook.hash, "settings": rulebook.settings,
                                     "rules": rows}, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title=f"rulebook {rulebook.hash}: {len(rulebook.rules)} rules")
    for column in ("id", "group", "weight", "label", "reads", "reason"):
        table.add_column(column, overflow="fold")
    for r in rulebook.rules:
        weight = f"×{r.factor:g}" if r.factor is not None else f"{r.points:+g}"
        reads = ", ".join(sorted(r.compiled.facts | r.compiled.fields))
        table.add_row(r.id, r.group, weight, r.label, reads, r.reason)
    out.print(table)
    out.print(f"grades {rulebook.settings['grades']}  caps {rulebook.settings['caps']}  "
              f"risk thresholds {rulebook.settings['risk_threshold']}")


@rules_app.command("test")
def rules_test(path: Path = typer.Argument(..., help="a user rulebook")) -> None:
    """Check a user rulebook: it loads over the defaults and every example behaves."""
    rulebook = _load(path)
    failures = check_examples(rulebook)
    ours = sum(1 for r in rulebook.rules if r.source == str(path))
    for f in failures:
        out.print(f"[red]FAIL[/red] {f.rule} (line {f.line}): expected {f.expected}: "
                  f"{json.dumps(f.example, ensure_ascii=False)}")
    if failures:
        raise typer.Exit(1)
    out.print(f"[green]ok[/green]: {len(rulebook.rules)} rules ({ours} from {path}), "
              f"every example behaves; rulebook {rulebook.hash}")


@rules_app.command("stats")
def rules_stats(
    corpora: list[Path] = typer.Argument(..., help="labelled corpus folders"),
    rules: Path | None = RulesOpt,
) -> None:
    """Each rule's hit rate among genuine and risky items of labelled corpora."""
    try:
        stats = services.rule_stats(corpora, rules_path=rules)
    except RulebookError as exc:
        _fail(str(exc))
    table = Table(title="rule hit rates")
    for column in ("rule", "group", "genuine", "risky"):
        table.add_column(column, justify="left" if column in ("rule", "group") else "right")
    for s in stats:
        table.add_row(s.rule, s.group, _pct(s.genuine_hits, s.genuine), _pct(s.risky_hits, s.risky))
    out.print(table)


def _pct(hits: int, of: int) -> str:
    return f"{hits}/{of} ({hits / of:.0%})" if of else "-"


def _load(path: Path | None):
    try:
        return load_rulebook(path)
    except RulebookError as exc:
        _fail(str(exc))


@app.command()
def version() -> None:
    """Print the version."""
    out.print(f"inquirydesk {__version__}")


# The judging commands answer in well under a second; the archive, planner and desk
# commands pull in the database, IMAP and web stacks, so they are only loaded when the
# command line may need them (any other command, or help).
JUDGING_COMMANDS = frozenset({"analyze", "eval", "rules", "demo", "version"})


def _register_commands(argv: list[str] = sys.argv[1:]) -> None:
    first = next((a for a in argv if not a.startswith("-")), None)
    if first in JUDGING_COMMANDS and "--help" not in argv:
        return
    from inquirydesk import cli_archive, cli_customers, cli_planner, cli_web

    cli_archive.register(app)
    cli_customers.register(app)
    cli_planner.register(app)
    cli_web.register(app)


_register_commands()


def main() -> None:
    app()
