"""The reply strategy: chosen by risk, intent, grade and business type, as PRODUCT.md lists.

``make_analysis`` builds an ``Analysis`` by hand, so these tests (and the draft, cadence
and today tests that import it) do not move when the engine's rules are tuned.
"""

from __future__ import annotations

import ast
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import inquirydesk.planner as planner
from inquirydesk.model import (Address, Analysis, Classification, Evidence, Fields, Identity,
                               Inquiry, Phone, ProductMatch, Risk, Score)
from inquirydesk.planner.profile import from_analysis, from_record
from inquirydesk.planner.strategy import STRATEGIES, plan
from inquirydesk.records import to_record
from inquirydesk.settings import FollowUp, Settings

SRC = Path(__file__).resolve().parents[1] / "src" / "inquirydesk"
PROBABILITY = {"A": 0.9, "B": 0.7, "C": 0.4, "D": 0.1, "E": 0.0}
TOTAL = {"A": 720, "B": 600, "C": 400, "D": 250, "E": 100}


def make_analysis(*, source: str = "mail.eml", grade: str = "B", risk: str = "none",
                  intent: str = "ready_buyer", business: str = "importer",
                  name: str = "Anna Weber", email: str = "anna@weber-import.de",
                  company: str = "", country: str = "DE", timezone: str = "Europe/Berlin",
                  language: str = "en", subject: str = "Inquiry",
                  date: datetime | None = None, body: str = "Hello,\nplease quote.",
                  to: tuple[str, ...] = ("sales@example.com",), phones: tuple[str, ...] = (),
                  products: tuple[str, ...] = (), unrelated: tuple[str, ...] = (),
                  risk_reason: str = "", **fields) -> Analysis:
    matches = tuple(ProductMatch(p, "id", p, p) for p in products)
    matches += tuple(ProductMatch(u, "unrelated", u) for u in unrelated)
    date = date or datetime(2026, 11, 3, 10, 0, tzinfo=ZoneInfo(timezone or "UTC"))
    evidence = (Evidence(f"{risk}.rule", "risk", risk_reason, points=8.0, label=risk),) \
        if risk != "none" else ()
    return Analysis(
        inquiry=Inquiry(source=source, channel="file", sender=Address(name, email),
                        to=tuple(Address("", t) for t in to), subject=subject, date=date,
                        body=body),
        identity=Identity(name=name, company=company, email=email, country=country,
                          timezone=timezone, language=language,
                          phones=tuple(Phone(p, p, country) for p in phones)),
        fields=Fields(products=matches, **fields),
        risk=Risk(risk),
        classification=Classification(intent, business),
        score=Score(items={}, total=TOTAL[grade], grade=grade, probability=PROBABILITY[grade]),
        evidence=evidence,
        rulebook_hash="test",
    )


SETTINGS = Settings()


@pytest.mark.parametrize("risk", ["spam", "phishing", "scam"])
def test_risky_inquiries_get_no_reply_with_the_reason_and_stay_hidden(risk):
    a = make_analysis(grade="A", risk=risk, intent="ready_buyer",
                      risk_reason="Asks you to sign in through a link", products=("PS-200",))
    p = plan(a, SETTINGS)
    assert (p.strategy, p.reply, p.hidden) == ("no_reply", False, True)
    assert p.reason.startswith(risk.capitalize() + ": Asks you to sign in through a link.")
    assert p.answers == () and p.questions == () and p.reply_within_hours is None
    assert p.follow_up == "none"


@pytest.mark.parametrize("grade,intent,business,expected", [
    ("A", "ready_buyer", "importer", "close_deal"),
    ("A", "info_gathering", "wholesaler", "close_deal"),
    ("A", "market_entry", "retailer", "close_deal"),
    ("B", "ready_buyer", "chain_store", "close_deal"),
    ("B", "market_entry", "ecommerce_seller", "market_entry"),
    ("C", "market_entry", "retailer", "market_entry"),
    ("B", "info_gathering", "distributor", "price_list"),
    ("C", "info_gathering", "distributor", "price_list"),
    ("C", "ready_buyer", "unknown", "price_list"),
    ("D", "ready_buyer", "unknown", "price_list"),
    ("D", "sample_hunter", "consumer", "quick_ack"),
    ("B", "sample_hunter", "retailer", "quick_ack"),
    ("E", "info_gathering", "unknown", "quick_ack"),
    ("A", "competitor_probe", "manufacturer", "guarded"),
    ("E", "competitor_probe", "unknown", "guarded"),
    ("C", "irrelevant", "chain_store", "not_our_line"),
    ("C", "not_inquiry", "unknown", "no_reply"),
])
def test_strategy_by_grade_intent_and_business(grade, intent, business, expected):
    a = make_analysis(grade=grade, intent=intent, business=business, products=("PS-200",),
                      quantity="2,000 pcs")
    assert plan(a, SETTINGS).strategy == expected


def test_a_vague_inquiry_gets_a_quick_acknowledgement():
    a = make_analysis(grade="D", intent="info_gathering", business="unknown")
    p = plan(a, SETTINGS)
    assert p.strategy == "quick_ack"
    assert "vague" in p.reason
    assert p.questions == ("company", "products", "quantity", "market")


def test_quick_ack_asks_the_company_only_when_unknown():
    known = plan(make_analysis(grade="D", intent="info_gathering", company="Weber GmbH"), SETTINGS)
    unknown = plan(make_analysis(grade="D", intent="info_gathering", company=""), SETTINGS)
    assert known.questions == ("products", "quantity", "market")
    assert unknown.questions == ("company", "products", "quantity", "market")
    assert plan(make_analysis(grade="D", intent="sample_hunter", products=("PS-200",)),
                SETTINGS).questions == ("company", "quantity", "market")


def test_only_products_we_do_not_make_gets_not_our_line():
    a = make_analysis(grade="C", intent="info_gathering", unrelated=("lawn mower",))
    p = plan(a, SETTINGS)
    assert p.strategy == "not_our_line"
    assert [(x.topic, x.values) for x in p.answers] == [("unrelated", ("lawn mower",))]
    assert p.questions == ("products",)


def test_close_deal_answers_what_was_asked_and_asks_what_was_not():
    a = make_analysis(grade="A", intent="ready_buyer", products=("PS-200", "GH-100"),
                      quantity="3,000 pcs", target_price="USD 2.10", incoterm="FOB",
                      certificates=("GS", "LFGB"), sample="pays")
    p = plan(a, SETTINGS)
    assert [x.topic for x in p.answers] == ["products", "quantity", "certificates",
                                            "target_price", "incoterm", "sample"]
    assert p.answers[0].values == ("PS-200", "GH-100")
    assert p.answers[1].said == "3,000 pcs"
    assert p.answers[2].said == "GS, LFGB"
    assert p.questions == ("port", "payment", "delivery")
    assert p.actions[:3] == ("confirm_quality", "confirm_quantity", "confirm_lead_time")
    assert "pi_next" in p.actions and "price_with_room" in p.actions
    assert p.price_sheet and not p.samples_against_fee


def test_market_entry_always_asks_market_positioning_and_channel():
    a = make_analysis(grade="C", intent="market_entry", business="ecommerce_seller",
                      products=("WB-300",), quantity="200 pcs", port="Santos")
    p = plan(a, SETTINGS)
    assert p.questions == ("market", "positioning", "channel", "certificates")
    assert not p.price_sheet


def test_guarded_reply_answers_only_the_products_and_never_prices():
    a = make_analysis(grade="C", intent="competitor_probe", products=("PS-200",),
                      quantity="10000 pcs", target_price="USD 1", company="Acme")
    p = plan(a, SETTINGS)
    assert [x.topic for x in p.answers] == ["products"]
    assert p.questions == ("company", "website", "market")  # even a named company is asked
    assert not p.price_sheet and p.follow_up == "none" and p.emphasis == ""


def test_samples_wanted_free_are_offered_against_a_fee():
    p = plan(make_analysis(grade="C", intent="info_gathering", products=("PS-200",),
                           sample="free"), SETTINGS)
    assert p.strategy == "price_list" and p.samples_against_fee
    hunter = plan(make_analysis(grade="D", intent="sample_hunter", products=("PS-200",)),
                  SETTINGS)
    assert hunter.samples_against_fee and "samples_against_fee" in hunter.actions


@pytest.mark.parametrize("business,emphasis", [
    ("manufacturer", "quality"), ("project_contractor", "quality"), ("oem_brand", "quality"),
    ("importer", "margin"), ("trading_company", "margin"), ("consumer", "service"),
    ("unknown", ""),
])
def test_emphasis_follows_the_business_type(business, emphasis):
    a = make_analysis(grade="A", business=business, products=("PS-200",))
    assert plan(a, SETTINGS).emphasis == emphasis


def test_reply_hours_and_follow_up_come_from_settings():
    settings = Settings(follow_up=FollowUp(first_reply_hours=12, first_reply_hours_ab=3))
    hours = {g: plan(make_analysis(grade=g, intent="info_gathering", products=("PS-200",),
                                   quantity="1 pc"), settings).reply_within_hours
             for g in "ABCDE"}
    assert hours == {"A": 3, "B": 3, "C": 12, "D": 12, "E": 12}
    follow = {g: plan(make_analysis(grade=g, products=("PS-200",), quantity="9 pcs"),
                      settings).follow_up for g in "ABCD"}
    assert follow == {"A": "close", "B": "standard", "C": "light", "D": "light"}


def test_the_plan_is_data_with_a_one_line_reason():
    p = plan(make_analysis(grade="B", business="chain_store", products=("PS-200",)), SETTINGS)
    assert "\n" not in p.reason and p.reason.startswith("Grade B, ready buyer (chain store)")
    d = p.as_dict()
    assert d["strategy"] == "close_deal" and d["answers"][0]["topic"] == "products"
    assert set(STRATEGIES) == {"close_deal", "market_entry", "price_list", "quick_ack",
                               "guarded", "not_our_line", "no_reply"}


def test_a_record_plans_like_its_analysis():
    a = make_analysis(grade="A", products=("PS-200",), quantity="3,000 pcs", incoterm="CIF",
                      phones=("+4940123456",), company="Weber GmbH")
    from_a, from_r = from_analysis(a), from_record(to_record(a))
    for key in ("grade", "risk", "intent", "business_type", "name", "company", "email",
                "country", "timezone", "language", "subject", "received", "phones"):
        assert getattr(from_a, key) == getattr(from_r, key), key
    assert dict(from_a.fields) == dict(from_r.fields)
    assert plan(a, SETTINGS) == planner.plan_profile(from_r, SETTINGS)


def test_the_public_surface_is_small_and_importable():
    for name in planner.__all__:
        assert hasattr(planner, name), name
    assert {"plan", "draft", "schedule", "today", "summarize", "Tracked"} <= set(planner.__all__)


def test_the_planner_imports_no_io():
    forbidden = {"socket", "http", "urllib", "requests", "httpx", "imaplib", "smtplib",
                 "sqlite3", "sqlalchemy", "subprocess", "typer", "rich", "shutil"}
    for path in (SRC / "planner").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert name.split(".")[0] not in forbidden, f"{path.name} imports {name}"


def test_the_planner_documentation_keeps_up():
    text = (SRC.parents[1] / "docs" / "planner.md").read_text(encoding="utf-8")
    for strategy in STRATEGIES:
        assert f"`{strategy}`" in text, strategy
    for setting in FollowUp.model_fields:
        assert f"`{setting}`" in text, setting
    for command in ("inquirydesk draft", "inquirydesk plan"):
        assert command in text
    for event in ("received", "replied", "buyer_answered", "called", "outcome"):
        assert f"`{event}`" in text
