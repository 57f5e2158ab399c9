"""The command line: every command runs, renders and fails clearly."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from typer.testing import CliRunner

from inquirydesk.cli import app

DEMO = Path(str(resources.files("inquirydesk") / "demo"))
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_analyze_jsonl_is_one_object_per_inquiry_sorted_by_priority():
    result = run("analyze", str(DEMO), "--format", "jsonl")
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(records) >= 20
    assert all(r["source"].startswith(("emails/", "platform.csv#")) for r in records)
    safe = [r for r in records if r["risk"] == "none"]
    assert records[: len(safe)] == safe  # safe before risky
    grades = [r["grade"] for r in safe]
    assert grades == sorted(grades)


def test_analyze_table_and_explain():
    result = run("analyze", str(DEMO / "emails" / "d001.eml"), "--seller",
                 str(DEMO / "seller.yaml"), "--explain")
    assert result.exit_code == 0
    assert "grade" in result.stdout and "identity." in result.stdout


def test_demo_command():
    result = run("demo", "--format", "json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) >= 20


def test_eval_on_the_demo_labels():
    result = run("eval", str(DEMO), "--json")
    assert result.exit_code == 0
    summary = json.loads(result.stdout)[0]
    assert summary["items"] >= 20
    assert summary["risk_recall"] >= 0.9


def test_rules_show_and_stats():
    shown = run("rules", "show", "--json")
    assert shown.exit_code == 0
    assert len(json.loads(shown.stdout)["rules"]) > 80
    stats = run("rules", "stats", str(DEMO))
    assert stats.exit_code == 0 and "identity.company_domain" in stats.stdout


def test_rules_test_reports_failing_examples(tmp_path):
    user = tmp_path / "mine.yaml"
    user.write_text("rules:\n  - id: mine.tents\n    group: intent\n    label: irrelevant\n"
                    "    points: 5\n    when: {regex: 'tents?'}\n    reason: We make no tents.\n"
                    "    examples: {match: ['tent'], no_match: ['contents']}\n", encoding="utf-8")
    result = run("rules", "test", str(user))
    assert result.exit_code == 1
    assert "mine.tents" in result.stdout


def test_a_broken_rulebook_is_refused_with_rule_and_line(tmp_path):
    user = tmp_path / "bad.yaml"
    user.write_text("rules:\n  - id: bad.one\n    group: risk\n    label: spam\n"
                    "    points: 2\n    when: {regex: '(('}\n    reason: x\n", encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(DEMO), "--rules", str(user)])
    assert result.exit_code == 2
    assert "bad.one" in result.stderr and "line 2" in result.stderr


def test_a_platform_export_with_a_column_mapping(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text("编号,买家,邮箱,留言\nX-1,Ana,ana@tienda-ejemplo.mx,Need 500 pcs price\n",
                      encoding="gb18030")
    mapping = tmp_path / "cols.yaml"
    mapping.write_text("编号: inquiry_id\n买家: buyer_name\n邮箱: buyer_email\n留言: message\n",
                       encoding="utf-8")
    result = run("analyze", str(export), "--mapping", str(mapping), "--format", "jsonl")
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert record["source"] == f"{export}#X-1"
    assert record["fields"]["quantity"] == "500 pcs"


def test_a_bad_column_mapping_is_refused(tmp_path):
    mapping = tmp_path / "cols.yaml"
    mapping.write_text("Buyer: no_such_column\n", encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(DEMO / "platform.csv"), "--mapping",
                                 str(mapping)])
    assert result.exit_code == 2
    assert "no_such_column" in result.stderr
