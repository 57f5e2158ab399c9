"""The archive's commands, run through Typer's test runner on both backends, and the
service functions behind them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from test_store_backends import DEMO, message
from test_store_bounces import DSN
from typer.main import get_command
from typer.testing import CliRunner

from inquirydesk import archive
from inquirydesk.cli_archive import register
from inquirydesk.settings import Settings
from inquirydesk.sources import MappingError

COMMANDS = ["import", "fetch", "watch", "reanalyze", "search", "inbox", "failures"]

pytest_plugins = ["test_store_backends"]  # the store, store_url and engine fixtures


@pytest.fixture
def app() -> typer.Typer:
    fresh = typer.Typer()
    register(fresh)
    register(fresh)  # twice: still one of each
    return fresh


@pytest.fixture
def env(store_url: str, tmp_path: Path) -> dict[str, str]:
    """The environment a user's shell would give: the archive's database, no config file."""
    return {"INQUIRYDESK_DATABASE_URL": store_url, "INQUIRYDESK_DATA_DIR": str(tmp_path),
            "INQUIRYDESK_CONFIG": str(tmp_path / "none.yaml"), "COLUMNS": "200"}


def run(app: typer.Typer, env: dict[str, str], *args: str):
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


def test_register_adds_each_command_once(app: typer.Typer) -> None:
    names = [c.name for c in app.registered_commands]
    assert names == COMMANDS
    assert sorted(get_command(app).commands) == sorted(COMMANDS)


def test_import_then_import_again(app: typer.Typer, env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "bounce.eml").write_bytes(DSN)
    first = run(app, env, "import", str(DEMO), str(tmp_path / "bounce.eml"),
                str(tmp_path / "missing.eml"), "--workers", "1")
    assert first.exit_code == 0
    assert "new 22, already known 0, failed 1, bounces 1" in first.stdout
    assert "missing.eml: read error" in first.stderr
    again = run(app, env, "import", str(DEMO), "--workers", "1")
    assert "new 0, already known 22, failed 0" in again.stdout
    failures = run(app, env, "failures", "--format", "json")
    [failure] = json.loads(failures.stdout)
    assert failure["source"].endswith("missing.eml") and "No such file" in failure["error"]
    assert "missing.eml" in run(app, env, "failures").stdout


def test_inbox_search_and_reanalyze(app: typer.Typer, env: dict[str, str],
                                    tmp_path: Path) -> None:
    zh = tmp_path / "zh.eml"
    zh.write_bytes(message("询价", body="我们需要不锈钢汤桶 300 个，请报价。",
                           sender="王伟 <wang@hs-trade.cn>"))
    run(app, env, "import", str(DEMO), str(zh), "--workers", "1")
    listed = json.loads(run(app, env, "inbox", "--format", "json", "--limit", "100").stdout)
    assert len(listed) == 23 and listed[0]["grade"] <= listed[-1]["grade"]
    assert {"id", "grade", "risk", "total", "country", "source", "received_at"} <= set(listed[0])
    best = listed[0]
    only = json.loads(run(app, env, "inbox", "-f", "json", "--grade", best["grade"],
                          "--country", best["country"]).stdout)
    assert only and all((i["grade"], i["country"]) == (best["grade"], best["country"])
                        for i in only)
    table = run(app, env, "inbox", "--limit", "5")
    assert table.exit_code == 0 and "most promising first" in table.stdout
    found = run(app, env, "search", "汤桶")
    assert found.exit_code == 0 and "1 inquiries" in found.stdout and "wang@hs-trade.cn" in (
        found.stdout)
    assert json.loads(run(app, env, "search", "汤桶", "-f", "json").stdout)[0]["source"] == str(zh)
    again = run(app, env, "reanalyze", "--since", "2026-01-01")
    assert again.exit_code == 0 and "0 inquiries changed grade or risk" in again.stdout
    assert json.loads(run(app, env, "reanalyze", "-f", "json").stdout) == []


def test_clear_errors(app: typer.Typer, env: dict[str, str], tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("Ticket: no_such_column\n", encoding="utf-8")
    bad = run(app, env, "import", str(DEMO), "--mapping", str(mapping))
    assert bad.exit_code == 2 and "no_such_column" in bad.stderr
    none = run(app, env, "fetch")
    assert none.exit_code == 2 and "no mailboxes configured" in none.stderr
    url = run(app, {**env, "INQUIRYDESK_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/x"},
              "inbox")
    assert url.exit_code == 2 and "database" in url.stderr


def test_the_services_behind_the_commands(store_url: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=store_url)
    ticks: list[int] = []
    summary = archive.import_paths(settings, [DEMO], progress=ticks.append, workers=1)
    assert summary.new == 22 and ticks == [22]
    assert len(archive.inbox(settings, limit=100)) == 22
    assert archive.search(settings, "stockpot") != []
    assert archive.failures(settings) == []
    with pytest.raises(MappingError):
        archive.import_paths(settings, [DEMO], {"x": "not a column"})


def test_reanalysis_uses_the_settings_seller(store_url: str, tmp_path: Path) -> None:
    """A corpus folder brings its seller to ``import``; ``reanalyze`` has no folder, so the
    archive's seller must be in the settings for the two to agree."""
    settings = Settings(data_dir=tmp_path, database_url=store_url,
                        seller=DEMO / "seller.yaml")
    archive.import_paths(settings, [DEMO], workers=1)
    assert archive.reanalyze(settings, workers=1) == []
