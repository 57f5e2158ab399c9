"""Rule matchers: small predicates over an inquiry's facts and texts.

A matcher answers ``None`` (did not match) or the quote it rests on (possibly "").
They are built from the rulebook's ``when:`` mappings:

    {fact: free_mail}                      the fact is truthy
    {fact: suppliers_contacted, min: 20}   a numeric fact within bounds
    {fact: language, in: [zh]}             a fact's value among these
    {regex: 'commission', field: body}     a pattern found in a text field
    {regex: 'free|win', min_count: 3}      found three times (``distinct: true``: three
                                           different phrases)
    {any: [...]} / {all: [...]} / {not: {...}}

Patterns run on RE2, whose matching time is linear in the text: alternations of many
phrases, as rules are, run tens of times faster than on a backtracking engine, and no
pattern can stall the desk.  A user's pattern RE2 cannot take (look-arounds,
back-references) runs on the ``regex`` engine with a timeout instead; a shipped one
falls back to ``re``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import re2
import regex

from inquirydesk.model import Fact

USER_REGEX_TIMEOUT_S = 0.05
QUOTE_LIMIT = 120

#: text fields a regex matcher may read; the subject is built by the engine
TEXT_FIELDS = (
    "text",  # subject and body
    "subject",
    "body",
    "quoted",
    "sender",  # display name and address
    "mailer",
    "attachments",  # attachment file names, one a line
    "links",  # link URLs, one a line
    "signature",
    "company",  # the buyer's company name and job title
)


class Subject(Protocol):
    """What a matcher looks at: facts by name and texts by field."""

    facts: Mapping[str, Fact]
    texts: Mapping[str, str]

    def screened(self, key: tuple[str, bool, int]) -> bool:
        """False when a one-pass screen of the texts showed this pattern cannot match."""

    def encoded(self, field: str) -> bytes:
        """The text field as UTF-8, for RE2."""


class MatcherError(ValueError):
    """A ``when:`` mapping that does not make a matcher."""


Matcher = Callable[[Subject], "str | None"]


@dataclass(frozen=True, slots=True)
class Compiled:
    matcher: Matcher
    fields: frozenset[str]  # text fields read, for documentation and stats
    facts: frozenset[str]  # facts read
    needs: str | None = None  # a fact without which it cannot match: a cheap first test
    key: tuple[str, bool, int] | None = None  # a screened pattern it cannot match without


def compile_matcher(spec: Any, *, user: bool = False, screen: Screen | None = None) -> Compiled:
    if not isinstance(spec, Mapping) or not spec:
        raise MatcherError("'when' must be a mapping such as {fact: ...} or {regex: ...}")
    if "any" in spec or "all" in spec:
        key = "any" if "any" in spec else "all"
        parts = spec[key]
        if not isinstance(parts, list) or not parts:
            raise MatcherError(f"'{key}' needs a non-empty list of matchers")
        compiled = [compile_matcher(p, user=user, screen=screen) for p in parts]
        fn = _any([c.matcher for c in compiled]) if key == "any" else _all(
            [c.matcher for c in compiled])
        first = compiled[0] if key == "all" else Compiled(fn, frozenset(), frozenset())
        return Compiled(fn, _union(c.fields for c in compiled), _union(c.facts for c in compiled),
                        first.needs, first.key)
    if "not" in spec:
        inner = compile_matcher(spec["not"], user=user, screen=screen)
        return Compiled(_not(inner.matcher), inner.fields, inner.facts)
    if "fact" in spec:
        name = str(spec["fact"])
        return Compiled(_fact(spec), frozenset(), frozenset([name]), name)
    if "regex" in spec:
        field = spec.get("field", "text")
        if field not in TEXT_FIELDS:
            raise MatcherError(f"unknown field {field!r}; one of {', '.join(TEXT_FIELDS)}")
        matcher, key = _regex(spec, field, user, screen)
        return Compiled(matcher, frozenset([field]), frozenset(), key=key)
    raise MatcherError(f"unknown matcher keys {sorted(spec)}; use fact, regex, any, all or not")


def _union(sets) -> frozenset[str]:
    out: set[str] = set()
    for s in sets:
        out |= s
    return frozenset(out)


def _fact(spec: Mapping[str, Any]) -> Matcher:
    name = str(spec["fact"])
    low, high = spec.get("min"), spec.get("max")
    allowed = spec.get("in")
    if allowed is not None and not isinstance(allowed, list):
        raise MatcherError("'in' needs a list")
    for bound in (low, high):
        if bound is not None and not isinstance(bound, (int, float)):
            raise MatcherError("'min' and 'max' need numbers")

    def match(subject: Subject) -> str | None:
        fact = subject.facts.get(name)
        if fact is None or fact.value is None or fact.value is False:
            return None
        value = fact.value
        if allowed is not None:
            return fact.quote if value in allowed else None
        if low is not None or high is not None:
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                return None
            if (low is not None and value < low) or (high is not None and value > high):
                return None
            return fact.quote
        return fact.quote if value else None

    return match


def _regex(spec: Mapping[str, Any], field: str, user: bool,
           screen: Screen | None) -> tuple[Matcher, tuple[str, bool, int] | None]:
    pattern = spec["regex"]
    if not isinstance(pattern, str) or not pattern:
        raise MatcherError("'regex' needs a non-empty pattern")
    case = bool(spec.get("case"))
    min_count = int(spec.get("min_count", 1))
    distinct = bool(spec.get("distinct"))
    search, on_re2 = _compile(pattern, case, user)
    key = screen.add(field, case, _unicode_classes(pattern)) if screen and on_re2 else None

    def match(subject: Subject) -> str | None:
        text = subject.texts.get(field, "")
        if not text or (key is not None and not subject.screened(key)):
            return None
        found: dict[str, str] = {}
        # RE2 reads UTF-8: handing it the text encoded once per message spares it
        # encoding the text again and mapping byte offsets back for every pattern
        for n, m in enumerate(search(subject.encoded(field) if on_re2 else text)):
            quote = m.group(0)
            if on_re2:
                quote = quote.decode("utf-8", "replace")
            # with ``distinct``, one word said thrice is one sign, not three
            found.setdefault(quote.casefold() if distinct else str(n), quote)
            if len(found) >= min_count:
                return _quote(list(found.values()))
        return None

    return match, key


class Screen:
    """Every RE2 pattern of a rulebook screened together, once per message and text field.

    Most rule patterns find nothing in most mail.  RE2's filter knows the literal words
    each pattern needs, looks for all of them at once and runs only the patterns whose
    words are there; the matchers then run again just for those, to collect quotes.
    (A single automaton for all patterns would rebuild its states for every new message.)
    """

    def __init__(self) -> None:
        self._keys: dict[str, list[tuple[str, bool, int]]] = {}
        self._patterns: dict[str, list[tuple[str, bool]]] = {}
        self._filters: dict[str, Any] = {}

    def add(self, field: str, case: bool, pattern: str) -> tuple[str, bool, int]:
        patterns = self._patterns.setdefault(field, [])
        key = (field, case, len(patterns))
        patterns.append((pattern, case))
        self._keys.setdefault(field, []).append(key)
        self._filters.pop(field, None)
        return key

    def scan(self, texts: Mapping[str, str]) -> frozenset[tuple[str, bool, int]]:
        hits: set[tuple[str, bool, int]] = set()
        for field, keys in self._keys.items():
            text = texts.get(field, "")
            if text:
                found = self._filter(field).Match(text)
                hits.update(keys[n] for n in found or ())
        return frozenset(hits)

    def _filter(self, field: str):
        compiled = self._filters.get(field)
        if compiled is None:
            compiled = re2.Filter()
            for pattern, case in self._patterns[field]:
                compiled.Add(pattern, _re2_options(case))
            compiled.Compile()
            self._filters[field] = compiled
        return compiled


_RE2_OPTIONS: dict[bool, re2.Options] = {}


def _re2_options(case: bool) -> re2.Options:
    if case not in _RE2_OPTIONS:
        options = re2.Options()
        options.case_sensitive = case
        options.log_errors = False
        _RE2_OPTIONS[case] = options
    return _RE2_OPTIONS[case]


def _compile(pattern: str, case: bool, user: bool):
    """(``finditer``, whether it runs on RE2): RE2 when it can, else a backtracking engine."""
    try:
        return re2.compile(_unicode_classes(pattern), _re2_options(case)).finditer, True
    except re2.error:
        pass
    flags = 0 if case else re.IGNORECASE
    try:
        if user:
            return _timed(regex.compile(pattern, flags | regex.V0)), False
        return re.compile(pattern, flags).finditer, False
    except (re.error, regex.error) as exc:
        raise MatcherError(f"bad regex {pattern!r}: {exc}") from None


def _unicode_classes(pattern: str) -> str:
    """RE2's \\w is ASCII; rules mean letters of any script, as Python's does."""
    return re.sub(r"(?<!\\)((?:\\\\)*)\\([wW])",
                  lambda m: m[1] + ("[\\pL\\pN_]" if m[2] == "w" else "[^\\pL\\pN_]"),
                  pattern)


def _timed(compiled):
    def finditer(text: str):
        try:
            return list(compiled.finditer(text, timeout=USER_REGEX_TIMEOUT_S))
        except TimeoutError:
            return []

    return finditer


def _quote(found: list[str]) -> str:
    text = " … ".join(dict.fromkeys(" ".join(f.split()) for f in found))
    return text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 1] + "…"


def _any(parts: list[Matcher]) -> Matcher:
    def match(subject: Subject) -> str | None:
        for part in parts:
            quote = part(subject)
            if quote is not None:
                return quote
        return None

    return match


def _all(parts: list[Matcher]) -> Matcher:
    def match(subject: Subject) -> str | None:
        quotes = []
        for part in parts:
            quote = part(subject)
            if quote is None:
                return None
            if quote:
                quotes.append(quote)
        return _quote(quotes) if quotes else ""

    return match


def _not(inner: Matcher) -> Matcher:
    def match(subject: Subject) -> str | None:
        return "" if inner(subject) is None else None

    return match
