"""The rulebook: loading, validation with rule id and line, the user layer, matchers."""

from __future__ import annotations

import textwrap

import pytest

from inquirydesk.model import Fact
from inquirydesk.rules.engine import Subject, check_examples, fire
from inquirydesk.rules.matchers import MatcherError, compile_matcher
from inquirydesk.rules.rulebook import RulebookError, load_rulebook


def write(tmp_path, text: str):
    path = tmp_path / "user.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_default_rulebook_loads_and_every_example_behaves():
    rulebook = load_rulebook()
    assert len(rulebook.rules) > 80
    assert check_examples(rulebook) == []
    groups = {r.group for r in rulebook.rules}
    assert {"identity", "product", "detail", "terms", "engagement", "authenticity",
            "risk", "intent", "business"} <= groups


def test_hash_is_stable_and_changes_with_a_weight(tmp_path):
    assert load_rulebook().hash == load_rulebook().hash
    user = write(tmp_path, """
        rules:
          - id: identity.company_domain
            points: 5
        """)
    assert load_rulebook(user).hash != load_rulebook().hash


def test_user_file_changes_a_weight_disables_and_adds(tmp_path):
    user = write(tmp_path, """
        settings:
          grades: {A: 700}
        rules:
          - id: identity.company_domain
            points: 5
          - id: spam.unsubscribe
            enabled: false
          - id: local.tent_request
            group: intent
            label: irrelevant
            points: 9
            when: {regex: '\\btents?\\b'}
            reason: We do not make tents.
            examples: {match: ['do you make tents?'], no_match: ['tent pegs are not needed']}
        """)
    rulebook = load_rulebook(user)
    by_id = {r.id: r for r in rulebook.rules}
    assert by_id["identity.company_domain"].points == 5
    assert by_id["identity.company_domain"].reason  # kept from the default
    assert "spam.unsubscribe" not in by_id
    assert by_id["local.tent_request"].source == str(user)
    assert rulebook.settings["grades"] == {"A": 700, "B": 530, "C": 300, "D": 200}
    failures = check_examples(rulebook, only_source=str(user))
    assert [(f.rule, f.expected) for f in failures] == [("local.tent_request", "no_match")]


@pytest.mark.parametrize("body, message, line", [
    ("""
     rules:
       - id: my.rule
         group: risk
         label: phishing
         points: 3
         when: {regex: '(unclosed'}
         reason: broken
     """, "bad regex", 3),
    ("""
     rules:
       - id: ok.rule
         group: identity
         points: 3
         when: {fact: has_phone}
         reason: fine
       - id: my.rule
         group: nonsense
         points: 3
         when: {fact: has_phone}
         reason: x
     """, "group must be one of", 8),
    ("""
     rules:
       - id: my.rule
         group: authenticity
         factor: 3
         when: {fact: night_send}
         reason: x
     """, "factor", 3),
    ("""
     rules:
       - id: my.rule
         group: risk
         label: malware
         points: 3
         when: {fact: night_send}
         reason: x
     """, "label must be one of", 3),
    ("""
     rules:
       - id: my.rule
         group: detail
         points: 3
         whem: {fact: has_specs}
         reason: x
     """, "unknown keys", 3),
])
def test_broken_user_file_is_refused_with_rule_id_and_line(tmp_path, body, message, line):
    user = write(tmp_path, body)
    with pytest.raises(RulebookError) as info:
        load_rulebook(user)
    assert message in str(info.value)
    assert info.value.rule == "my.rule"
    assert info.value.line == line
    assert str(user) in str(info.value)


def test_yaml_syntax_error_gives_the_line(tmp_path):
    user = write(tmp_path, "rules:\n  - id: x\n    reason: a: b\n")
    with pytest.raises(RulebookError) as info:
        load_rulebook(user)
    assert info.value.line == 3


def test_duplicate_id_in_user_file_is_refused(tmp_path):
    user = write(tmp_path, """
        rules:
          - {id: identity.fax, points: 1}
          - {id: identity.fax, points: 2}
        """)
    with pytest.raises(RulebookError, match="duplicate"):
        load_rulebook(user)


def test_settings_are_checked(tmp_path):
    user = write(tmp_path, "settings:\n  grades: {A: 100, B: 530, C: 300, D: 200}\n")
    with pytest.raises(RulebookError, match="fall from A to D"):
        load_rulebook(user)


def test_a_catastrophic_user_regex_times_out_instead_of_hanging():
    matcher = compile_matcher({"regex": "(a+)+$"}, user=True).matcher
    subject = Subject(texts={"text": "a" * 40 + "b"})
    assert matcher(subject) is None


def subject(**facts) -> Subject:
    return Subject(facts={k: Fact(v, f"q-{k}") for k, v in facts.items()},
                   texts={"text": "Please send the price list", "body": "Please send"})


def test_fact_matchers():
    assert compile_matcher({"fact": "free_mail"}).matcher(subject(free_mail=True)) == "q-free_mail"
    assert compile_matcher({"fact": "free_mail"}).matcher(subject()) is None
    bounded = compile_matcher({"fact": "views", "min": 1, "max": 5}).matcher
    assert bounded(subject(views=3)) == "q-views"
    assert bounded(subject(views=0)) is None and bounded(subject(views=6)) is None
    zero = compile_matcher({"fact": "views", "max": 0}).matcher
    assert zero(subject(views=0)) == "q-views"
    among = compile_matcher({"fact": "intent", "in": ["sample_hunter"]}).matcher
    assert among(subject(intent="sample_hunter")) and among(subject(intent="x")) is None


def test_combinators_and_quotes():
    m = compile_matcher({"all": [{"fact": "a"}, {"regex": "price list"}]}).matcher
    assert m(subject(a=True)) == "q-a … price list"
    assert m(subject()) is None
    either = compile_matcher({"any": [{"fact": "a"}, {"regex": "price"}]}).matcher
    assert either(subject()) == "price"
    assert compile_matcher({"not": {"fact": "a"}}).matcher(subject()) == ""
    assert compile_matcher({"regex": "send", "field": "body"}).matcher(subject()) == "send"


def test_min_count_needs_that_many_matches():
    m = compile_matcher({"regex": "free|offer|click", "min_count": 3}).matcher
    assert m(Subject(texts={"text": "free offer"})) is None
    assert m(Subject(texts={"text": "free offer, click"})) == "free … offer … click"


@pytest.mark.parametrize("spec", [{}, {"fact": "x", "in": "a"}, {"regex": "x", "field": "nope"},
                                  {"any": []}, {"wat": 1}])
def test_bad_matchers_are_refused(spec):
    with pytest.raises(MatcherError):
        compile_matcher(spec)


def test_fire_gives_evidence_with_rule_group_weight_and_quote():
    rulebook = load_rulebook()
    s = Subject(facts={"executable_attachment": Fact(True, "invoice.pdf.exe")}, texts={})
    evidence = fire(rulebook.group("risk"), s)
    hit = next(e for e in evidence if e.rule == "phish.executable_attachment")
    assert (hit.group, hit.label, hit.points, hit.quote) == ("risk", "phishing", 10.0,
                                                             "invoice.pdf.exe")
    assert hit.reason


def test_grade_and_probability_follow_the_settings():
    rulebook = load_rulebook()
    assert [rulebook.grade(t) for t in (700, 680, 600, 300, 250, 199)] == list("AABCDE")
    assert rulebook.probability(680) == 0.9
    assert rulebook.probability(200) == 0.1
    assert 0.4 < rulebook.probability(400) < 0.7
    assert rulebook.probability(0) == 0.0


def test_the_screen_changes_nothing_but_speed():
    rulebook = load_rulebook()
    texts = ["Please send invitation letter for china visa, passport copy attached",
             "Congratulations! You have won a prize, claim your reward now, free gift",
             "We need 2000 pcs FOB Ningbo, payment T/T, delivery March", ""]
    for text in texts:
        subject = Subject(facts={"external_links": Fact(1, "x")},
                          texts={"text": text, "body": text})
        screened = rulebook.screen(subject)
        assert screened.hits is not None
        for group in ("risk", "intent", "business", "engagement"):
            assert fire(rulebook.group(group), screened) == fire(rulebook.group(group), subject)
