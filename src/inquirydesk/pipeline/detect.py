"""Detect: the risk verdict (none, spam, phishing, scam) from the rulebook's risk rules.

Risk rules add points to the verdict they point at, SpamAssassin-style; a verdict is
reached when its points pass the rulebook's threshold.  When several pass, the most
dangerous wins: phishing before scam before spam.  Junk that shows a little of each
(a fake prize with a login link and an unsubscribe footer) is caught by the total: past
``risk_total`` points in all, the verdict with the most points stands.
"""

from __future__ import annotations

from inquirydesk.model import Evidence, Risk
from inquirydesk.rules.engine import Subject, fire
from inquirydesk.rules.rulebook import Rulebook

SEVERITY = ("phishing", "scam", "spam")


def detect(subject: Subject, rulebook: Rulebook) -> tuple[Risk, list[Evidence]]:
    evidence = fire(rulebook.group("risk"), subject)
    scores = {label: 0.0 for label in SEVERITY}
    for e in evidence:
        scores[e.label] += e.points or 0.0
    thresholds = rulebook.settings["risk_threshold"]
    verdict = next((v for v in SEVERITY if scores[v] >= thresholds[v]), "none")
    if verdict == "none" and sum(scores.values()) >= rulebook.settings["risk_total"]:
        verdict = max(SEVERITY, key=lambda v: scores[v])
    return Risk(verdict=verdict, scores={k: round(v, 2) for k, v in scores.items()}), evidence
