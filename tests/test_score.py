"""Score: Table 1 items capped, the authenticity factor, grade and deal probability."""

from __future__ import annotations

from inquirydesk.model import Fact, Risk
from inquirydesk.pipeline.score import score
from inquirydesk.rules.engine import Subject
from inquirydesk.rules.rulebook import load_rulebook

RULEBOOK = load_rulebook()

STRONG = dict(real_name=True, has_title=True, has_company=True, company_domain=True,
              has_website=True, website_matches_domain=True, has_phone=True, has_address=True,
              full_signature=True, product_id=1, has_quantity=True, has_specs=True,
              has_packaging=True, has_certificates=True, has_target_price=True,
              has_delivery=True, has_port=True, has_incoterm=True, has_payment=True,
              addressed_by_name=True, reply_thread=True, business_type="importer",
              intent="ready_buyer", body_words=180)


def run(risk: str = "none", text: str = "We are importers since 1998.", **facts):
    subject = Subject(facts={k: Fact(v, str(v)) for k, v in facts.items()},
                      texts={"text": text, "body": text})
    return score(subject, Risk(risk), RULEBOOK)


def test_a_complete_inquiry_is_grade_a_and_items_are_capped():
    result, evidence = run(**STRONG)
    assert result.grade == "A"
    assert result.probability >= 0.9
    assert all(result.items[item] <= 200 for item in RULEBOOK.settings["caps"])
    assert result.items["factor"] == 1.0
    assert result.total == sum(result.items[i] for i in RULEBOOK.settings["caps"])
    assert all(e.reason and e.group for e in evidence)


def test_the_factor_multiplies_the_total_down():
    clean, _ = run(**STRONG)
    rival, evidence = run(**{**STRONG, "rival_traces": 3})
    assert rival.items["factor"] == 0.3
    assert rival.total == round(clean.total * 0.3, 1)
    assert any(e.rule == "auth.rival_traces_strong" and e.factor == 0.3 for e in evidence)


def test_a_risk_verdict_zeroes_a_phishing_grade():
    result, evidence = run(risk="phishing", **STRONG)
    assert (result.total, result.grade) == (0.0, "E")
    assert evidence[-1].rule == "risk.verdict.phishing"


def test_items_never_go_below_zero():
    result, _ = run(text="x", generic_salutation=True, body_words=3, product_unrelated=1)
    assert min(result.items[i] for i in RULEBOOK.settings["caps"]) == 0.0
    assert result.grade == "E"


def test_a_vague_one_liner_lands_low_but_is_not_zero():
    result, _ = run(text="price?", product_keyword=1, body_words=2, free_mail=True)
    assert 0 < result.total < 300
