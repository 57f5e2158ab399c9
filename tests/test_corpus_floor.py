"""Regression floors on the labelled corpora in ../shared (skipped where it is absent).

These are the figures the engine promises (see README): on each dev corpus risk recall
≥ 0.95 with at most one genuine item flagged, grade within the accepted set ≥ 0.85 and
intent ≥ 0.75; on real mail, phishing-dev flagged ≥ 0.90 and the ham folders called
phishing or scam ≤ 1 %.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from inquirydesk import services

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPORA = sorted(SHARED.glob("corpus/dev-*")) if SHARED.exists() else []
REALMAIL = SHARED / "realmail"


def _need(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"{path} is not here: the floors are measured where ../shared exists")


@pytest.mark.parametrize("corpus", CORPORA or [SHARED / "corpus" / "dev-*"],
                         ids=lambda p: p.name)
def test_dev_corpus_floors(corpus: Path):
    _need(corpus)
    score, _ = services.evaluate_corpus(corpus)
    s = score.summary()
    assert s["risk_recall"] >= 0.95, score.misses
    assert s["genuine_flagged"] <= 1, score.genuine_flagged
    assert s["grade_within_accepted"] >= 0.85, score.misses
    assert s["intent"] >= 0.75, score.misses


def test_real_phishing_is_flagged():
    folder = REALMAIL / "phishing-dev"
    _need(folder)
    s = services.evaluate_folder(folder, "risky").summary()
    assert s["flagged"] >= 0.90, s


def test_real_ham_is_not_called_phishing_or_scam():
    folders = [REALMAIL / "spamassassin" / name for name in ("easy-ham-1", "easy-ham-2",
                                                            "hard-ham-1")]
    for folder in folders:
        _need(folder)
    scores = [services.evaluate_folder(folder, "genuine") for folder in folders]
    items = sum(s.n for s in scores)
    dangerous = sum(s.verdicts["phishing"] + s.verdicts["scam"] for s in scores)
    assert dangerous / items <= 0.01, [s.summary() for s in scores]
