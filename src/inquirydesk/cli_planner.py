"""The planner's commands, ``draft`` and ``plan``: thin shells over ``inquirydesk.planner``.

``cli.py`` registers them with ``cli_planner.register(app)``.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from inquirydesk import services
from inquirydesk.model import Analysis, Seller
from inquirydesk.records import priority
from inquirydesk.rules.rulebook import RulebookError
from inquirydesk.seller import SellerError
from inquirydesk.sources import MappingError

if TYPE_CHECKING:  # the planner loads when a planner command runs, not with every command
    from inquirydesk.planner import Draft, ReplyPlan, Task
    from inquirydesk.settings import Settings

RULE = "=" * 72
PATHS_HELP = "inquiries: .eml, folders, .mbox, platform exports"


def register(app: typer.Typer) -> None:
    app.command("draft")(draft_command)
    app.command("plan")(plan_command)


def draft_command(
    paths: list[Path] = typer.Argument(..., help=PATHS_HELP),
    seller: Path | None = typer.Option(None, "--seller", help="seller.yaml (signature, catalog)"),
    output: Path | None = typer.Option(None, "--output", "-o", help="save the drafts to this file"),
    templates: Path | None = typer.Option(
        None, "--templates", help="a folder of draft templates overriding the shipped ones"),
    as_json: bool = typer.Option(False, "--json", help="print plans and drafts as JSON"),
) -> None:
    """Plan the reply to each inquiry and write the draft, in the buyer's language and English."""
    settings = _settings()
    analyses, who = _analyse(paths, seller)
    folder = templates or getattr(settings, "drafts_dir", None)
    from inquirydesk.planner import plan

    plans = [(a, plan(a, settings)) for a in analyses]
    rows = [(a, p, _draft(a, p, who, folder)) for a, p in plans]
    if as_json:
        text = json.dumps([_json(a, p, d) for a, p, d in rows], ensure_ascii=False, indent=2)
    else:
        text = "\n".join(_draft_text(a, p, d) for a, p, d in rows)
    if output is None:
        sys.stdout.write(text + "\n")
        return
    output.write_text(text + "\n", encoding="utf-8")
    written = sum(1 for _, _, d in rows if d is not None)
    typer.echo(f"Written to {output}: {written} of {len(rows)} inquiries have a draft.")


def plan_command(
    paths: list[Path] = typer.Argument(..., help=PATHS_HELP),
    seller: Path | None = typer.Option(None, "--seller", help="seller.yaml"),
    as_json: bool = typer.Option(False, "--json", help="print the plans as JSON"),
) -> None:
    """The reply plan and the follow-up schedule of each inquiry, as if it arrived now."""
    settings = _settings()
    analyses, _ = _analyse(paths, seller)
    now = datetime.now(UTC)
    from inquirydesk.planner import from_analysis, plan, projection

    rows = [(a, plan(a, settings), projection(from_analysis(a), settings, now))
            for a in analyses]
    if as_json:
        out = [{**_plan_json(p), "schedule": [_task_json(t) for t in tasks]}
               for _, p, tasks in rows]
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
        return
    for a, p, tasks in rows:
        typer.echo(_plan_text(a, p))
        typer.echo("  schedule (buyer's time | ours):" if tasks else "  schedule: none")
        for t in tasks:
            typer.echo(f"    {t.kind:<9} {t.due_buyer_local:%a %d %b %H:%M} {t.buyer_zone} | "
                       f"{t.due_seller_local:%a %d %b %H:%M}  {t.reason}")
        typer.echo("")


def _settings() -> Settings:
    from inquirydesk.settings import load_settings

    try:
        return load_settings()
    except ValueError as exc:
        _fail(f"settings: {exc}")


def _analyse(paths: list[Path], seller: Path | None) -> tuple[list[Analysis], Seller]:
    try:
        who = services.seller_for(paths, seller)
        analyses = services.analyze_paths(paths, seller_path=seller)
    except (RulebookError, SellerError, MappingError, FileNotFoundError) as exc:
        _fail(str(exc))
    return sorted(analyses, key=priority), who


def _draft(a: Analysis, p: ReplyPlan, seller: Seller, folder: Path | None) -> Draft | None:
    try:
        from inquirydesk.planner import draft

        return draft(a, p, seller, templates_dir=folder)
    except LookupError as exc:
        _fail(str(exc))


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _plan_text(a: Analysis, p: ReplyPlan) -> str:
    lines = [RULE, f"{a.source}  grade {p.grade}  {p.intent}  risk {p.risk}",
             f"  strategy: {p.strategy}: {p.reason}"]
    if p.reply:
        lines.append(f"  reply within {p.reply_within_hours} h; follow-up: {p.follow_up}"
                     + (f"; emphasis: {p.emphasis}" if p.emphasis else ""))
        lines.append("  steps: " + ", ".join(p.actions))
        if p.answers:
            lines.append("  answer: " + "; ".join(f"{x.topic} ({x.said})" for x in p.answers))
        if p.questions:
            lines.append("  ask: " + ", ".join(p.questions))
    return "\n".join(lines)


def _draft_text(a: Analysis, p: ReplyPlan, d: Draft | None) -> str:
    head = _plan_text(a, p)
    if d is None:
        return head + "\n  no draft: " + ("kept hidden" if p.hidden else "nothing to answer") + "\n"
    blanks = f"  fill in: {', '.join(d.blanks)}\n" if d.blanks else ""
    return (f"{head}\n  to: {d.to or '-'}   languages: {'+'.join(d.languages)}   "
            f"signed: {d.signer or '-'}\n{blanks}\nSubject: {d.subject}\n\n{d.text}")


def _plan_json(p: ReplyPlan) -> dict[str, Any]:
    return p.as_dict()


def _task_json(t: Task) -> dict[str, Any]:
    return {"kind": t.kind, "due_buyer_local": t.due_buyer_local.isoformat(),
            "due_seller_local": t.due_seller_local.isoformat(), "buyer_zone": t.buyer_zone,
            "reason": t.reason, "step": t.step,
            "deadline": t.deadline.isoformat() if t.deadline else None}


def _json(a: Analysis, p: ReplyPlan, d: Draft | None) -> dict[str, Any]:
    out: dict[str, Any] = {"source": a.source, "plan": _plan_json(p), "draft": None}
    if d is not None:
        out["draft"] = {"subject": d.subject, "text": d.text, "language": d.language,
                        "languages": list(d.languages), "to": d.to, "signer": d.signer,
                        "blanks": list(d.blanks)}
    return out
