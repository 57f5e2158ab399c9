"""Classify: intent and business type by the votes of their rules."""

from __future__ import annotations

from inquirydesk.model import Fact, Risk
from inquirydesk.pipeline.classify import classify
from inquirydesk.rules.engine import Subject
from inquirydesk.rules.rulebook import load_rulebook

RULEBOOK = load_rulebook()


def run(text: str, risk: str = "none", **facts):
    subject = Subject(facts={k: Fact(v, str(v)) for k, v in facts.items()},
                      texts={"text": text, "body": text, "subject": ""})
    classification, evidence = classify(subject, Risk(risk), RULEBOOK)
    return classification, evidence


def test_risky_mail_is_no_inquiry():
    c, evidence = run("anything", risk="phishing")
    assert (c.intent, c.business_type) == ("not_inquiry", "unknown")
    assert evidence == []


def test_ready_buyer_with_quantity_terms_and_an_order():
    c, evidence = run("We are an importer in Hamburg. Please issue the PI for 2,000 pcs.",
                      has_quantity=True, has_payment=True, details_named=5)
    assert c.intent == "ready_buyer"
    assert c.business_type == "importer"
    assert {e.rule for e in evidence} >= {"intent.ready.quantity", "business.importer"}


def test_free_sample_hunter():
    c, _ = run("Before we order please send free samples of all items by DHL.",
               sample_free=True, details_named=0)
    assert c.intent == "sample_hunter"


def test_rival_probe_wins_over_a_buyer_look():
    text = ("Price for 500/1000 pcs FOB. Your monthly capacity and how many workers? "
            "Which customers in USA you are supplying now? Your raw material cost percentage?")
    c, _ = run(text, rival_traces=3, has_quantity=True, details_named=2)
    assert c.intent == "competitor_probe"


def test_market_entry_and_default_info_gathering():
    assert run("We are planning to add camping furniture to our range; which model would "
               "you recommend?")[0].intent == "market_entry"
    assert run("Please send your catalogue and price list.", details_named=0)[0].intent == (
        "info_gathering")
    assert run("Hello", details_named=0)[0].business_type == "unknown"


def test_irrelevant_survey_and_unrelated_product():
    assert run("I am a student; would you fill in a survey?")[0].intent == "irrelevant"
    assert run("Do you make tents?", product_unrelated=1)[0].intent == "irrelevant"


def test_business_types_in_several_languages():
    assert run("Somos distribuidor de herramientas en Lima")[0].business_type == "distributor"
    assert run("We sell on Amazon FBA and Shopify")[0].business_type == "ecommerce_seller"
    assert run("We are a manufacturer of trailers; for our production we need tubes")[
        0].business_type == "manufacturer"
    assert run("a garden centre group with 5 stores")[0].business_type == "chain_store"
