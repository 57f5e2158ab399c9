"""Classify: the buyer's intent and business type, each by the votes of its rules.

A risky message is no inquiry at all; otherwise the label with the most points wins,
and the rulebook's default stands when no rule speaks.
"""

from __future__ import annotations

from inquirydesk.model import Classification, Evidence, Risk
from inquirydesk.rules.engine import Subject, fire
from inquirydesk.rules.rulebook import Rulebook


def classify(subject: Subject, risk: Risk,
             rulebook: Rulebook) -> tuple[Classification, list[Evidence]]:
    settings = rulebook.settings
    if risk.verdict != "none":
        return Classification("not_inquiry", "unknown"), []
    intent_evidence = fire(rulebook.group("intent"), subject)
    business_evidence = fire(rulebook.group("business"), subject)
    intent = _winner(intent_evidence, settings["intent_default"])
    business = _winner(business_evidence, settings["business_default"])
    return Classification(intent, business), intent_evidence + business_evidence


def _winner(evidence: list[Evidence], default: str) -> str:
    votes: dict[str, float] = {}
    for e in evidence:
        votes[e.label] = votes.get(e.label, 0.0) + (e.points or 0.0)
    best = max(votes.items(), key=lambda kv: kv[1], default=(default, 0.0))
    return best[0] if best[1] > 0 else default
