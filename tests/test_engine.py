"""The engine: stage order, batch history, the jsonl contract, and purity of the stages."""

from __future__ import annotations

import ast
from importlib import resources
from pathlib import Path

from inquirydesk.engine import Engine
from inquirydesk.model import RawItem
from inquirydesk.pipeline.history import BatchHistory, Seen, network_of
from inquirydesk.pipeline.measure import below_minimum, sizes
from inquirydesk.records import to_record
from inquirydesk.services import analyze_paths

DEMO = Path(str(resources.files("inquirydesk") / "demo"))
CONTRACT = {"source", "risk", "intent", "business_type", "grade", "total", "probability",
            "items", "country", "language", "fields", "evidence"}

MESSAGE = b"""From: Anna Berg <anna@nordic-camp.example.se>
To: Henry <henry@seller.example.com>
Subject: Folding chairs 2,000 pcs
Date: Tue, 13 Oct 2026 09:12:00 +0200
Message-ID: <a1@nordic-camp>

Hi Henry,

We are an outdoor retailer with 12 stores. Please quote 2,000 pcs FOB Ningbo,
payment T/T 30% deposit, delivery by March 2027.

Best regards
Anna Berg
Purchasing Manager
Nordic Camp AB
"""


def test_one_message_gets_every_part_of_a_verdict():
    analysis = Engine().analyze(RawItem(source="one.eml", channel="file", data=MESSAGE))
    record = to_record(analysis)
    assert set(record) >= CONTRACT
    assert record["risk"] == "none"
    assert record["grade"] in "ABCDE"
    assert 0 <= record["probability"] <= 1
    assert set(record["items"]) == {"identity", "product", "detail", "terms", "engagement",
                                    "factor"}
    assert all({"rule", "group", "reason"} <= set(e) for e in record["evidence"])
    assert record["fields"]["quantity"]
    assert len(analysis.rulebook_hash) == 16


def test_unreadable_input_is_analysed_as_far_as_possible_not_dropped():
    analysis = Engine().analyze(RawItem(source="gone.eml", channel="file",
                                        error="cannot read: no such file"))
    assert analysis.inquiry.defects
    assert analysis.score.grade == "E"


def test_demo_corpus_is_complete_and_judged():
    analyses = analyze_paths([DEMO])
    sources = {a.source for a in analyses}
    assert len(analyses) >= 20
    assert any(s.startswith("platform.csv#") for s in sources)
    assert {a.risk.verdict for a in analyses} == {"none", "spam", "phishing", "scam"}


def test_batch_history_finds_repeats_and_sibling_mailboxes():
    a = Seen("a", "x@one.example", None, frozenset({"P1"}), "81.2.69.0/24", False)
    b = Seen("b", "x@one.example", None, frozenset({"P2"}), "", False)
    c = Seen("c", "y@two.example", None, frozenset({"P1"}), "81.2.69.0/24", False)
    history = BatchHistory([a, b, c])
    assert history.echoes(a).repeats == ("b",)
    assert history.echoes(a).siblings == ("y@two.example",)
    assert history.echoes(c).repeats == ()
    assert network_of("81.2.69.160") == "81.2.69.0/24"
    assert network_of("not an ip") == ""


def test_order_sizes_and_minimum_orders():
    assert sizes("1 x 40HQ") == [(1.0, "containers")]
    assert sizes("2,000 pcs")[0].value == 2000
    assert below_minimum("50 pcs", "500 pcs per item")
    assert not below_minimum("2000 pcs", "500 pcs per item")
    assert below_minimum("2 tonnes", "25 tons per size or 1 x 20GP")
    assert not below_minimum("1 x 40HQ", "25 tons per size or 1 x 20GP")
    assert not below_minimum("60 ft", "500 pcs")


STAGES = Path(__file__).resolve().parents[1] / "src" / "inquirydesk" / "pipeline"
IO_MODULES = {"socket", "http", "urllib", "requests", "httpx", "imaplib", "smtplib",
              "sqlite3", "sqlalchemy", "subprocess", "typer", "rich", "shutil"}


def test_pipeline_stages_import_no_io():
    for path in STAGES.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert name.split(".")[0] not in IO_MODULES, f"{path.name} imports {name}"
