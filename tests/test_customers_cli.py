"""The customer archive's commands, on a fresh Typer app, against SQLite (via
INQUIRYDESK_DATA_DIR) and PostgreSQL (via INQUIRYDESK_DATABASE_URL)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import typer
from rich.console import Console
from test_store_backends import demo_engine, mail, message
from typer.testing import CliRunner

from inquirydesk import cli_customers
from inquirydesk.store import Store, hooks

pytest_plugins = ["test_store_backends"]
runner = CliRunner()


@pytest.fixture
def app(store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    monkeypatch.chdir(tmp_path)  # no inquirydesk.yaml from the repository
    monkeypatch.delenv("INQUIRYDESK_CONFIG", raising=False)
    monkeypatch.setattr(cli_customers, "out", Console(width=250, soft_wrap=True))
    if store_url.startswith("sqlite"):
        monkeypatch.setenv("INQUIRYDESK_DATA_DIR", str(Path(store_url[len("sqlite:///"):])
                                                       .parent))
        monkeypatch.delenv("INQUIRYDESK_DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("INQUIRYDESK_DATABASE_URL", store_url)
    with Store.open(store_url) as store:
        store.ingest([
            mail("a.eml", message("Stockpots", sender="Tom Baker <tom@baker-trading.com.au>")),
            mail("b.eml", message("Frying pans", sender="Tom <buy@baker-trading.com.au>")),
            mail("c.eml", message("Kettles", sender="Ana <ana.p@gmail.com>",
                                  body="Price for 200 kettles HX-SP101?"))],
            demo_engine(), committed=hooks.committed(store))
    typer_app = typer.Typer()
    cli_customers.register(typer_app)
    cli_customers.register(typer_app)  # twice changes nothing
    return typer_app


def run(app: typer.Typer, *args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_buyers_outcome_order_value_and_merges(app: typer.Typer, store_url: str) -> None:
    listed = run(app, "buyers", "list")
    assert "baker-trading" in listed and "ana.p@gmail.com" in listed
    with Store.open(store_url) as store:
        items = {i.subject: i for i in store.inbox()}
    tom, ana = items["Stockpots"].buyer_id, items["Kettles"].buyer_id
    assert items["Frying pans"].buyer_id == tom
    shown = run(app, "buyers", "show", str(tom))
    assert "domain automatic: baker-trading.com.au" in shown
    assert "Stockpots" in shown and "Frying pans" in shown
    run(app, "reply", str(items["Stockpots"].id), "--by", "lily")
    run(app, "call", str(items["Stockpots"].id))
    assert "won" in run(app, "outcome", str(items["Stockpots"].id), "won")
    bad = runner.invoke(app, ["outcome", str(items["Kettles"].id), "lost"])
    assert bad.exit_code == 1 and "reason" in bad.output
    run(app, "outcome", str(items["Kettles"].id), "lost", "--reason", "price")
    assert "EUR" in run(app, "order", str(tom), "--amount", "20000", "--currency", "EUR",
                        "--profit", "3000", "--date", "2026-09-25", "--products", "HX-SP101",
                        "--quantity", "500", "--paid", "late")
    run(app, "order", str(ana), "--amount", "100", "--profit", "5")
    worth = run(app, "value")
    assert "80/20: 1 of 2 buyers" in worth
    merged = run(app, "buyers", "merge", str(tom), str(ana), "--reason", "same phone")
    merge_id = merged.split(":")[0].split()[-1]
    assert "merged" not in run(app, "buyers", "suggest")
    with Store.open(store_url) as store:
        assert {i.buyer_id for i in store.inbox()} == {tom}
    run(app, "buyers", "unmerge", merge_id)
    with Store.open(store_url) as store:
        assert {i.buyer_id for i in store.inbox()} == {tom, ana}
    missing = runner.invoke(app, ["buyers", "show", "9999"])
    assert missing.exit_code == 1


def test_reactivate_export_report_today(app: typer.Typer, tmp_path: Path) -> None:
    target = tmp_path / "old.xlsx"
    assert "written" in run(app, "reactivate", "--since", "2026-01-01", "--output", str(target))
    sheet = openpyxl.load_workbook(target).active
    assert sheet.cell(1, 1).value == "number" and sheet.max_row == 3  # Tom once, Ana once
    for what, fmt in (("inquiries", "csv"), ("buyers", "xlsx")):
        path = tmp_path / f"{what}.{fmt}"
        run(app, "export", what, "--format", fmt, "--output", str(path))
        assert path.stat().st_size > 0
    assert "Weekly summary 2026-09-21" in run(app, "report", "weekly", "--date", "2026-09-22")
    html = tmp_path / "r.html"
    run(app, "report", "monthly", "--date", "2026-09-22", "--format", "html", "-o", str(html))
    assert "<html" in html.read_text(encoding="utf-8").lower()
    xlsx = tmp_path / "r.xlsx"
    run(app, "report", "daily", "--date", "2026-09-21", "--format", "xlsx", "-o", str(xlsx))
    assert xlsx.read_bytes()[:2] == b"PK"
    assert runner.invoke(app, ["report", "yearly"]).exit_code == 1
    run(app, "today")
    run(app, "today", "--owner", "nobody")
