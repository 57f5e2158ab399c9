"""The judgement engine: the pipeline's stage order, written once.

    parse → enrich → extract → (history) → detect → classify → score

Each stage is a pure function; this module only threads their results together.
``analyze_batch`` runs the first three stages over the whole batch before judging any
item, so that repeats and price-fishing rings inside the batch are seen.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from inquirydesk.model import Analysis, Fact, Fields, Identity, Inquiry, RawItem, Seller
from inquirydesk.pipeline.classify import classify
from inquirydesk.pipeline.detect import detect
from inquirydesk.pipeline.enrich import enrich
from inquirydesk.pipeline.extract import extract
from inquirydesk.pipeline.history import BatchHistory, History, NoHistory, Seen
from inquirydesk.pipeline.parse import parse
from inquirydesk.pipeline.score import score
from inquirydesk.pipeline.signals import observe
from inquirydesk.rules.engine import Subject
from inquirydesk.rules.rulebook import Rulebook, load_rulebook


@dataclass(frozen=True, slots=True)
class Understood:
    """An inquiry read but not yet judged: the stages that need no other inquiry."""

    inquiry: Inquiry
    identity: Identity
    fields: Fields

    @property
    def seen(self) -> Seen:
        return Seen.of(self.inquiry, self.identity, self.fields)


@dataclass(frozen=True)
class Engine:
    seller: Seller = field(default_factory=Seller)
    rulebook: Rulebook = field(default_factory=load_rulebook)

    def understand(self, item: RawItem) -> Understood:
        inquiry = parse(item)
        identity = enrich(inquiry, self.seller)
        return Understood(inquiry, identity, extract(inquiry, identity, self.seller))

    def judge(self, understood: Understood, history: History | None = None) -> Analysis:
        inquiry, identity, fields = understood.inquiry, understood.identity, understood.fields
        echoes = (history or NoHistory()).echoes(understood.seen)
        subject = self.rulebook.screen(observe(inquiry, identity, fields, echoes, self.seller))
        risk, risk_evidence = detect(subject, self.rulebook)
        classification, class_evidence = classify(subject, risk, self.rulebook)
        subject = _with_facts(subject, intent=classification.intent,
                              business_type=classification.business_type)
        result, score_evidence = score(subject, risk, self.rulebook)
        return Analysis(inquiry=inquiry, identity=identity, fields=fields, risk=risk,
                        classification=classification, score=result,
                        evidence=tuple(risk_evidence + class_evidence + score_evidence),
                        rulebook_hash=self.rulebook.hash)

    def analyze(self, item: RawItem, history: History | None = None) -> Analysis:
        return self.judge(self.understand(item), history)

    def analyze_batch(self, items: Iterable[RawItem]) -> Iterator[Analysis]:
        understood = [self.understand(item) for item in items]
        history = BatchHistory(u.seen for u in understood)
        for u in understood:
            yield self.judge(u, history)


def _with_facts(subject: Subject, **values: str) -> Subject:
    facts = dict(subject.facts)
    facts.update({k: Fact(v, v) for k, v in values.items()})
    return replace(subject, facts=facts)
