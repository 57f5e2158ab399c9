"""The ``draft`` and ``plan`` commands, registered into a fresh Typer app."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from inquirydesk.cli_planner import register

DATA = Path(__file__).parent / "data" / "drafts"
SPANISH = str(DATA / "inquiry_es.eml")
SELLER = str(DATA / "seller.yaml")
PHISHING = str(resources.files("inquirydesk") / "demo" / "emails" / "d003.eml")


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no inquirydesk.yaml of the caller's
    monkeypatch.delenv("INQUIRYDESK_CONFIG", raising=False)
    app = typer.Typer()
    register(app)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, list(args), catch_exceptions=False)

    return invoke


def test_both_commands_are_registered():
    app = typer.Typer()
    register(app)
    assert sorted(c.name for c in app.registered_commands) == ["draft", "plan"]


def test_draft_prints_the_plan_and_the_bilingual_draft(run):
    result = run("draft", SPANISH, "--seller", SELLER)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "strategy: " in out and "reply within" in out
    assert ("to: lucia.fernandez@jardineria-sol.es   languages: es+en   "
            "signed: Tom (Wang Tao)") in out
    assert "Subject: Re: Solicitud de precio" in out
    assert "Estimado/a Lucia Fernandez:" in out and "----- English -----" in out
    assert "fill in: [" in out


def test_draft_saves_to_a_file_and_says_so(run, tmp_path):
    target = tmp_path / "drafts.txt"
    result = run("draft", SPANISH, PHISHING, "--seller", SELLER, "--output", str(target))
    assert result.exit_code == 0
    assert result.output.strip() == f"Written to {target}: 1 of 2 inquiries have a draft."
    text = target.read_text(encoding="utf-8")
    assert "Dear Lucia Fernandez," in text
    assert "risk phishing" in text and "no draft: kept hidden" in text


def test_draft_json_and_a_user_template_folder(run, tmp_path):
    folder = tmp_path / "mine" / "es"
    folder.mkdir(parents=True)
    for name in ("close_deal", "price_list", "market_entry", "quick_ack"):
        (folder / f"{name}.txt.j2").write_text(
            "Subject: Oferta\n\nHola {{ buyer.name }}, le respondemos hoy.\n", encoding="utf-8")
    result = run("draft", SPANISH, "--seller", SELLER, "--json", "--templates",
                 str(tmp_path / "mine"))
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.output)
    assert row["plan"]["risk"] == "none" and row["draft"]["subject"] == "Oferta"
    assert row["draft"]["text"].startswith("Hola Lucia Fernandez, le respondemos hoy.\n\n-----")
    assert row["draft"]["languages"] == ["es", "en"]


def test_plan_shows_the_schedule_as_if_received_now(run):
    result = run("plan", SPANISH, PHISHING, "--seller", SELLER)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "schedule (buyer's time | ours):" in out and "Europe/Madrid |" in out
    assert "    reply " in out and "    follow_up " in out
    assert "strategy: no_reply: Phishing:" in out and "schedule: none" in out


def test_plan_json(run):
    result = run("plan", SPANISH, "--seller", SELLER, "--json")
    [row] = json.loads(result.output)
    kinds = [t["kind"] for t in row["schedule"]]
    assert kinds[0] == "reply" and "follow_up" in kinds
    assert row["schedule"][0]["deadline"] is not None
    assert row["reply_within_hours"] in (6, 24)


def test_a_bad_seller_file_is_refused_cleanly(run, tmp_path):
    bad = tmp_path / "seller.yaml"
    bad.write_text("company: [unclosed", encoding="utf-8")
    result = run("draft", SPANISH, "--seller", str(bad))
    assert result.exit_code == 2 and "error:" in result.output
