"""Use cases shared by the command line, the web desk and the API.

Each function takes plain values (paths, settings), does the I/O at this edge, calls
the pure engine and returns data; callers only render.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from inquirydesk.engine import Engine
from inquirydesk.evaluate import (
    CorpusScore,
    FolderScore,
    read_labels,
    score_corpus,
    score_unlabelled,
)
from inquirydesk.model import Analysis, Seller
from inquirydesk.rules.rulebook import Rulebook, load_rulebook
from inquirydesk.seller import find_seller, load_seller
from inquirydesk.sources import iter_inputs


def seller_for(paths: Iterable[str | Path], seller_path: str | Path | None) -> Seller:
    """The seller named on the command line, else the one a corpus folder carries."""
    if seller_path is not None:
        return load_seller(seller_path)
    for path in paths:
        found = find_seller(path)
        if found is not None:
            return found
    return Seller()


def make_engine(paths: Iterable[str | Path] = (), seller_path: str | Path | None = None,
                rules_path: str | Path | None = None) -> Engine:
    return Engine(seller=seller_for(list(paths), seller_path),
                  rulebook=load_rulebook(rules_path))


def analyze_paths(paths: list[str | Path], *, seller_path: str | Path | None = None,
                  rules_path: str | Path | None = None,
                  mapping: Mapping[str, str] | None = None) -> list[Analysis]:
    engine = make_engine(paths, seller_path, rules_path)
    return list(engine.analyze_batch(iter_inputs(paths, mapping=mapping)))


def evaluate_corpus(corpus: str | Path, *, rules_path: str | Path | None = None,
                    rulebook: Rulebook | None = None) -> tuple[CorpusScore, list[Analysis]]:
    corpus = Path(corpus)
    labels = read_labels(corpus)
    engine = Engine(seller=seller_for([corpus], None),
                    rulebook=rulebook or load_rulebook(rules_path))
    analyses = list(engine.analyze_batch(iter_inputs([corpus])))
    return score_corpus(corpus.name, analyses, labels), analyses


def evaluate_folder(folder: str | Path, expect: str, *,
                    rules_path: str | Path | None = None) -> FolderScore:
    folder = Path(folder)
    engine = make_engine([folder], None, rules_path)
    analyses = engine.analyze_batch(iter_inputs([folder]))
    return score_unlabelled(folder.name, analyses, expect)


@dataclass(frozen=True)
class RuleStat:
    rule: str
    group: str
    genuine_hits: int
    risky_hits: int
    genuine: int
    risky: int


def rule_stats(corpora: list[str | Path], *,
               rules_path: str | Path | None = None) -> list[RuleStat]:
    """How often each rule fires among genuine and among risky labelled items."""
    rulebook = load_rulebook(rules_path)
    hits: dict[bool, Counter] = {True: Counter(), False: Counter()}
    totals = Counter()
    for corpus in corpora:
        labels = read_labels(Path(corpus))
        _, analyses = evaluate_corpus(corpus, rulebook=rulebook)
        for analysis in analyses:
            label = labels.get(analysis.source)
            if label is None:
                continue
            risky = label["risk"] != "none"
            totals[risky] += 1
            hits[risky].update({e.rule for e in analysis.evidence})
    return [RuleStat(r.id, r.group, hits[False][r.id], hits[True][r.id], totals[False],
                     totals[True]) for r in rulebook.rules]
