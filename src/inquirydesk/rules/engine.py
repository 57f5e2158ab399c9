"""Running rules: from facts and texts to evidence, and the rulebook's own examples."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from inquirydesk.model import Evidence, Fact
from inquirydesk.rules.matchers import TEXT_FIELDS
from inquirydesk.rules.rulebook import Rule, Rulebook


@dataclass(frozen=True, slots=True)
class Subject:
    """What rules read: named facts and text fields of one inquiry.

    ``hits`` is what a rulebook's screen found in the texts (``Rulebook.screen``); None
    means unscreened, and every pattern is then tried.
    """

    facts: Mapping[str, Fact] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)
    hits: frozenset | None = None
    _utf8: dict[str, bytes] = field(default_factory=dict, compare=False, repr=False)

    def screened(self, key: tuple[str, bool, int]) -> bool:
        return self.hits is None or key in self.hits

    def encoded(self, name: str) -> bytes:
        data = self._utf8.get(name)
        if data is None:
            data = self._utf8[name] = self.texts.get(name, "").encode("utf-8", "replace")
        return data


def fire(rules: Iterable[Rule], subject: Subject) -> list[Evidence]:
    """Evidence for every rule that matches, in rulebook order."""
    out = []
    facts, hits = subject.facts, subject.hits
    for rule in rules:
        needs, key = rule.compiled.needs, rule.compiled.key
        if (needs is not None and needs not in facts) or (
                key is not None and hits is not None and key not in hits):
            continue
        quote = rule.compiled.matcher(subject)
        if quote is not None:
            out.append(Evidence(rule=rule.id, group=rule.group, reason=rule.reason, quote=quote,
                                points=rule.points, factor=rule.factor, label=rule.label))
    return out


@dataclass(frozen=True, slots=True)
class ExampleFailure:
    rule: str
    line: int
    expected: str  # "match" or "no_match"
    example: Any


def example_subject(example: str | Mapping[str, Any]) -> Subject:
    """A text example fills every text field; a mapping names facts and fields."""
    if isinstance(example, str):
        return Subject(texts={name: example for name in TEXT_FIELDS})
    facts = {k: v if isinstance(v, Fact) else Fact(v, str(v))
             for k, v in (example.get("facts") or {}).items()}
    texts = {k: str(v) for k, v in example.items() if k in TEXT_FIELDS}
    if "text" in texts:
        texts.setdefault("body", texts["text"])
    return Subject(facts=facts, texts=texts)


def check_examples(rulebook: Rulebook, *, only_source: str | None = None) -> list[ExampleFailure]:
    """Every rule's must-match and must-not-match examples, run as written."""
    failures = []
    for rule in rulebook.rules:
        if only_source is not None and rule.source != only_source:
            continue
        for expected in ("match", "no_match"):
            for example in rule.examples.get(expected, ()):
                matched = rule.compiled.matcher(example_subject(example)) is not None
                if matched != (expected == "match"):
                    failures.append(ExampleFailure(rule.id, rule.line, expected, example))
    return failures
