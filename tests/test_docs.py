"""The documentation keeps up: every command and every fact a rule reads is described."""

from __future__ import annotations

import re
from pathlib import Path

from typer.main import get_command

from inquirydesk.cli import app
from inquirydesk.rules.rulebook import load_rulebook

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_every_fact_the_rulebook_reads_is_documented():
    text = (DOCS / "rulebook.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`(\w+)`", text))
    read = set().union(*(r.compiled.facts for r in load_rulebook().rules))
    assert read - documented == set()


def test_every_command_is_documented():
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    root = get_command(app)
    names = []
    for name, command in root.commands.items():
        subs = getattr(command, "commands", None)
        names += [f"{name} {sub}" for sub in subs] if subs else [name]
    missing = [n for n in names if f"inquirydesk {n}" not in text]
    assert missing == []


def test_every_setting_is_documented_and_in_the_example():
    from inquirydesk.settings import Settings

    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    example = (DOCS.parent / "inquirydesk.example.yaml").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"`{name}`" in text, name
        assert f"{name}:" in example, name


def test_the_example_settings_load(tmp_path, monkeypatch):
    from inquirydesk.settings import load_settings

    monkeypatch.setenv("INQUIRYDESK_CONFIG", str(DOCS.parent / "inquirydesk.example.yaml"))
    settings = load_settings()
    assert settings.mailboxes[0].read_only is True
    assert "change me" not in repr(settings)  # secrets stay hidden
    assert settings.follow_up.silent_days == [3, 7, 14]
