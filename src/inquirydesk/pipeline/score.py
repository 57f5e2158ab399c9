"""Score: Table 1.  Five items capped at their group's cap, times the authenticity factor.

total = (identity + product + detail + terms + engagement) × factor, then the grade by
the rulebook's floors and the deal probability by its anchor points.
"""

from __future__ import annotations

from inquirydesk.model import SCORE_ITEMS, Evidence, Risk, Score
from inquirydesk.rules.engine import Subject, fire
from inquirydesk.rules.rulebook import Rulebook


def score(subject: Subject, risk: Risk, rulebook: Rulebook) -> tuple[Score, list[Evidence]]:
    caps = rulebook.settings["caps"]
    evidence: list[Evidence] = []
    items: dict[str, float] = {}
    for group in SCORE_ITEMS:
        fired = fire(rulebook.group(group), subject)
        evidence += fired
        raw = sum(e.points or 0.0 for e in fired)
        items[group] = float(min(max(raw, 0.0), caps[group]))
    fired = fire(rulebook.group("authenticity"), subject)
    evidence += fired
    factor = 1.0
    for e in fired:
        factor *= e.factor if e.factor is not None else 1.0
    if risk.verdict != "none":
        verdict_factor = rulebook.settings["verdict_factor"][risk.verdict]
        factor *= verdict_factor
        evidence.append(Evidence(rule=f"risk.verdict.{risk.verdict}", group="authenticity",
                                 reason=f"Judged {risk.verdict}: not a real inquiry",
                                 factor=verdict_factor))
    items["factor"] = round(factor, 3)
    total = round(sum(items[g] for g in SCORE_ITEMS) * factor, 1)
    return Score(items=items, total=total, grade=rulebook.grade(total),
                 probability=rulebook.probability(total)), evidence
