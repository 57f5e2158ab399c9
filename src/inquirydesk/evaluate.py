"""Measuring the engine against an expert's labels (``labels.jsonl``, see the corpus schema).

``score_corpus`` compares analyses with labels and returns plain numbers; the CLI
prints them.  ``score_unlabelled`` measures a folder known to be all risky or all
genuine mail (recall on phishing, false alarms on ham).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inquirydesk.model import GRADES, Analysis
from inquirydesk.records import to_record

FIELD_KEYS = ("products", "quantity", "target_price", "incoterm", "port", "payment",
              "delivery", "certificates", "specs")


@dataclass
class CorpusScore:
    name: str
    n: int = 0
    risky: int = 0
    risky_caught: int = 0
    risky_exact: int = 0
    flagged: int = 0
    flagged_right: int = 0
    genuine_flagged: list[str] = field(default_factory=list)
    grade_exact: int = 0
    grade_ok: int = 0
    intent: int = 0
    business: int = 0
    country: int = 0
    language: int = 0
    confusion: Counter = field(default_factory=Counter)  # (expert, ours) -> count
    fields: dict[str, Counter] = field(default_factory=dict)  # key -> tp/fp/fn
    products_exact: int = 0
    products_labelled: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)
    unlabelled: list[str] = field(default_factory=list)

    def rate(self, hits: int, of: int | None = None) -> float:
        of = self.n if of is None else of
        return round(hits / of, 3) if of else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "corpus": self.name,
            "items": self.n,
            "risk_recall": self.rate(self.risky_caught, self.risky),
            "risk_precision": self.rate(self.flagged_right, self.flagged),
            "risk_label_accuracy": self.rate(self.risky_exact, self.risky),
            "genuine_flagged": len(self.genuine_flagged),
            "grade_exact": self.rate(self.grade_exact),
            "grade_within_accepted": self.rate(self.grade_ok),
            "intent": self.rate(self.intent),
            "business_type": self.rate(self.business),
            "country": self.rate(self.country),
            "language": self.rate(self.language),
            "products_exact": self.rate(self.products_exact, self.products_labelled),
            "fields": {k: _prf(c) for k, c in self.fields.items()},
        }


def _prf(c: Counter) -> dict[str, float]:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3)}


def read_labels(corpus: Path) -> dict[str, dict[str, Any]]:
    path = corpus / "labels.jsonl"
    labels = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not JSON ({exc.msg})") from None
            labels[item["source"]] = item
    return labels


def score_corpus(name: str, analyses: Iterable[Analysis],
                 labels: dict[str, dict[str, Any]]) -> CorpusScore:
    result = CorpusScore(name)
    for analysis in analyses:
        record = to_record(analysis)
        label = labels.get(record["source"])
        if label is None:
            result.unlabelled.append(record["source"])
            continue
        _score_one(result, record, label)
    return result


def _score_one(result: CorpusScore, ours: dict[str, Any], label: dict[str, Any]) -> None:
    result.n += 1
    expert_risky, our_risky = label["risk"] != "none", ours["risk"] != "none"
    result.risky += expert_risky
    result.risky_caught += expert_risky and our_risky
    result.risky_exact += expert_risky and ours["risk"] == label["risk"]
    result.flagged += our_risky
    result.flagged_right += our_risky and expert_risky
    if our_risky and not expert_risky:
        result.genuine_flagged.append(ours["source"])
    result.grade_exact += ours["grade"] == label["grade"]
    result.grade_ok += ours["grade"] in label.get("grade_ok", [label["grade"]])
    result.confusion[(label["grade"], ours["grade"])] += 1
    result.intent += ours["intent"] == label["intent"]
    result.business += ours["business_type"] == label["business_type"]
    result.country += ours["country"] == label.get("country")
    result.language += ours["language"] == label.get("language")
    if not expert_risky:
        _score_fields(result, ours["fields"], label.get("fields", {}))
    wrong = [k for k, ok in (
        ("risk", ours["risk"] == label["risk"]),
        ("grade", ours["grade"] in label.get("grade_ok", [label["grade"]])),
        ("intent", ours["intent"] == label["intent"])) if not ok]
    if wrong:
        result.misses.append({
            "source": ours["source"], "wrong": wrong,
            "expert": {k: label.get(k) for k in ("risk", "grade", "intent", "business_type")},
            "ours": {k: ours[k] for k in ("risk", "grade", "intent", "business_type", "total")},
        })


def _score_fields(result: CorpusScore, ours: dict[str, Any], expert: dict[str, Any]) -> None:
    for key in FIELD_KEYS:
        counter = result.fields.setdefault(key, Counter())
        has_ours, has_expert = bool(ours.get(key)), bool(expert.get(key))
        counter["tp" if has_ours and has_expert else "fp" if has_ours else
                "fn" if has_expert else "tn"] += 1
    ids = [p for p in expert.get("products", []) if isinstance(p, str)]
    if ids:
        result.products_labelled += 1
        result.products_exact += set(ours.get("products", [])) == set(ids)


def confusion_table(score: CorpusScore) -> list[list[str]]:
    """Rows: the expert's grade; columns: ours."""
    header = ["expert \\ ours", *GRADES]
    rows = [[g, *(str(score.confusion[(g, o)]) for o in GRADES)] for g in GRADES]
    return [header, *rows]


@dataclass
class FolderScore:
    name: str
    expect: str  # "risky" or "genuine"
    n: int = 0
    verdicts: Counter = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        flagged = self.n - self.verdicts["none"]
        dangerous = self.verdicts["phishing"] + self.verdicts["scam"]
        out = {"folder": self.name, "expect": self.expect, "items": self.n,
               "verdicts": dict(self.verdicts)}
        if self.expect == "risky":
            out["flagged"] = round(flagged / self.n, 4) if self.n else 0.0
        else:
            out["called_phishing_or_scam"] = round(dangerous / self.n, 4) if self.n else 0.0
            out["called_spam"] = round(self.verdicts["spam"] / self.n, 4) if self.n else 0.0
        return out


def score_unlabelled(name: str, analyses: Iterable[Analysis], expect: str) -> FolderScore:
    result = FolderScore(name, expect)
    for analysis in analyses:
        verdict = analysis.risk.verdict
        result.n += 1
        result.verdicts[verdict] += 1
        wrong = verdict == "none" if expect == "risky" else verdict in ("phishing", "scam")
        if wrong:
            result.misses.append(analysis.inquiry.source)
    return result
