"""RE2 shows Python's regex engine where in a text a match may start.

Python's engine stops at every space of a text to try a vocabulary's trie, a costly
step, though most spaces start no word of the vocabulary.  RE2 runs a regex as an
automaton, many times faster, but lacks lookarounds.  ``_Guide`` therefore runs a
*superset* of the regex on RE2: the same regex with its lookarounds and anchors left out
(wherever the regex matches, the superset matches too).  RE2 reads the text as bytes,
one for each character: an ASCII character as itself, any other as one stand-in byte
(``_WILD``) that every class and every non-ASCII letter of the superset takes.  Python's
engine then tries only where RE2 found a match starting, so it finds the same matches,
far fewer times tried.
"""

from __future__ import annotations

import codecs
import functools
import re
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

import re2

_WILD = 0x1A  # stands in for every non-ASCII character of a text (see ``_wild_bytes``)
_ASCII = range(128)
_LETTERS = frozenset(c for c in _ASCII if chr(c).isalpha())


def _members(category: str) -> frozenset[int]:
    return frozenset(c for c in _ASCII if re.fullmatch(category, chr(c)))


# The ASCII characters of Python's classes, as Python's engine tells them.
_CATEGORIES = {
    sre.CATEGORY_DIGIT: _members(r"\d"),
    sre.CATEGORY_NOT_DIGIT: _members(r"\D"),
    sre.CATEGORY_SPACE: _members(r"\s"),
    sre.CATEGORY_NOT_SPACE: _members(r"\S"),
    sre.CATEGORY_WORD: _members(r"\w"),
    sre.CATEGORY_NOT_WORD: _members(r"\W"),
}
_LOOKS = (sre.ASSERT, sre.ASSERT_NOT, sre.AT)  # left out: the rest is a superset
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
# Repeats up to this many are counted; longer ones (".{2,40}") match any number of times
# in the superset, which keeps RE2's automaton small.
_REPEAT_COUNTED = 8
_FLAGS = (
    sre.SRE_FLAG_UNICODE
    | sre.SRE_FLAG_ASCII
    | sre.SRE_FLAG_IGNORECASE
    | sre.SRE_FLAG_DOTALL
    | sre.SRE_FLAG_MULTILINE
    | sre.SRE_FLAG_VERBOSE
)


def _cased(codes: set[int]) -> set[int]:
    """ASCII letters in both cases, as IGNORECASE takes them."""
    return codes | {ord(chr(c).swapcase()) for c in codes if c in _LETTERS}


def _set(codes, wild: bool) -> str:
    """An RE2 class of ASCII ``codes``, and of the stand-in byte if ``wild``."""
    codes = sorted(set(codes) | ({_WILD} if wild else set()))
    if not codes:
        raise ValueError("a class that takes nothing")
    parts, i = [], 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        parts.append(f"\\x{{{codes[i]:x}}}" + (f"-\\x{{{codes[j]:x}}}" if j > i else ""))
        i = j + 1
    return f"[{''.join(parts)}]"


def _class(items, ignorecase: bool) -> str:
    negate = bool(items) and items[0][0] is sre.NEGATE
    codes: set[int] = set()
    wild = ignorecase  # under IGNORECASE a non-ASCII letter may match ("K" for "k")
    folds = False  # a non-ASCII letter of the class may match an ASCII one ("ſ" for "s")
    for op, av in items[1:] if negate else items:
        if op is sre.LITERAL:
            codes |= {av} if av < 128 else set()
            folds = folds or av >= 128
        elif op is sre.RANGE:
            codes |= set(range(av[0], min(av[1], 127) + 1))
            folds = folds or av[1] >= 128
        elif op is sre.CATEGORY and av in _CATEGORIES:
            codes |= _CATEGORIES[av]
            wild = True
        else:
            raise ValueError(f"class item {op} {av}")
    if ignorecase:
        codes = _cased(codes) | (set(_LETTERS) if folds and not negate else set())
    if negate:
        return _set(set(_ASCII) - codes, True)
    return _set(codes, wild or folds)


def _literal(code: int, ignorecase: bool) -> str:
    if code >= 128:  # in the text, the stand-in byte
        return _set(_LETTERS if ignorecase else (), True)
    if ignorecase and code in _LETTERS:
        return _set(_cased({code}), True)
    char = chr(code)
    return char if char.isalnum() else f"\\x{{{code:x}}}"


def _emit(items, ignorecase: bool, dotall: bool) -> str:
    out = []
    for op, av in items:
        if op is sre.LITERAL:
            out.append(_literal(av, ignorecase))
        elif op is sre.NOT_LITERAL:
            out.append(_class([(sre.NEGATE, None), (sre.LITERAL, av)], ignorecase))
        elif op is sre.ANY:
            out.append(_set(set(_ASCII) - (set() if dotall else {10}), True))
        elif op is sre.IN:
            out.append(_class(av, ignorecase))
        elif op is sre.BRANCH:
            out.append(f"(?:{'|'.join(_emit(b, ignorecase, dotall) for b in av[1])})")
        elif op is sre.SUBPATTERN:
            _, add, remove, pattern = av
            if add & sre.SRE_FLAG_IGNORECASE:
                ignorecase = True
            if remove & sre.SRE_FLAG_IGNORECASE:
                ignorecase = False
            if add & sre.SRE_FLAG_DOTALL:
                dotall = True
            if remove & sre.SRE_FLAG_DOTALL:
                dotall = False
            out.append(f"(?:{_emit(pattern, ignorecase, dotall)})")
        elif op is sre.ATOMIC_GROUP:
            out.append(f"(?:{_emit(av, ignorecase, dotall)})")
        elif op in _REPEATS:
            low, high, pattern = av
            low = min(low, _REPEAT_COUNTED)
            if high == sre.MAXREPEAT or high > _REPEAT_COUNTED:
                count = {0: "*", 1: "+"}.get(low, f"{{{low},}}")
            else:
                count = f"{{{low},{high}}}"
            out.append(f"(?:{_emit(pattern, ignorecase, dotall)}){count}")
        elif op in _LOOKS:
            continue
        else:
            raise ValueError(f"regex item {op}")
    return "".join(out)


def _superset(pattern: str) -> str:
    """RE2 syntax for a superset of a Python regex, on texts as ``_wild_bytes`` gives them
    (see the module)."""
    tree = sre_parse.parse(pattern)
    flags = tree.state.flags
    if flags & ~_FLAGS:
        raise ValueError("flags")
    return _emit(tree, bool(flags & sre.SRE_FLAG_IGNORECASE), bool(flags & sre.SRE_FLAG_DOTALL))


def _wild(error: UnicodeEncodeError) -> tuple[str, int]:
    return chr(_WILD) * (error.end - error.start), error.end


codecs.register_error("inquirydesk.extract.wild", _wild)


def _wild_bytes(text: str) -> bytes:
    """The text as RE2 reads it: a byte for each character, the stand-in for a non-ASCII one."""
    if text.isascii():
        return text.encode("ascii")
    return text.encode("ascii", "inquirydesk.extract.wild")


class _Guide:
    """Where in a text (as ``_wild_bytes`` gives it) the next match of a regex may start:
    RE2 runs a superset of the regex (see the module), plus ``end``, RE2 syntax for what
    must follow a match (standing in for a final lookahead, which RE2 lacks).

    ``start(data, pos)`` is the leftmost position at or after ``pos`` where a match of
    the superset starts, or -1: no match of the regex starts before it.  ``_Guide.of``
    gives None for a regex RE2 cannot take.
    """

    __slots__ = ("_match", "_search")

    def __init__(self, pattern: str, end: str = "") -> None:
        options = re2.Options()
        options.log_errors = False
        options.never_capture = True
        options.max_mem = 64 << 20  # a vocabulary's trie: keep it on the fast automaton
        regex = re2.compile(_superset(pattern) + end, options)
        self._search = regex.search
        # The binding's Python layer costs as much as RE2's search: where the binding
        # has its RE2 object, call that (it gives the span of the match, (-1, -1) for none).
        anchor = getattr(getattr(re2, "_Anchor", None), "UNANCHORED", None)
        raw = getattr(regex, "_regexp", None)
        self._match = None
        if anchor is not None and raw is not None:
            self._match = functools.partial(raw.Match, anchor)

    @classmethod
    def of(cls, pattern: str, end: str = "") -> _Guide | None:
        try:
            return cls(pattern, end)
        except Exception:  # a regex it cannot translate, or RE2 cannot take: no guide
            return None

    def holds(self, text: str) -> bool:
        """Whether the text may hold a match: False only where it holds none."""
        return self.start(_wild_bytes(text), 0) >= 0

    def start(self, data: bytes, pos: int) -> int:
        if pos > len(data):
            return -1
        if self._match is not None:
            return self._match(data, pos, len(data))[0][0]
        found = self._search(data, pos)
        return -1 if found is None else found.start()


def _overlapping(regex: re.Pattern[str], text: str):
    """Every match, also those that start inside another ("erw pipe" in "x52 erw pipe")."""
    pos = 0
    while m := regex.search(text, pos):
        yield m
        pos = m.start() + 1


def _guided(regex: re.Pattern[str], guide: _Guide, text: str, overlapping: bool = False):
    """The matches ``regex.finditer(text)`` (or ``_overlapping``) gives, for a regex that
    never matches the empty string, tried only where ``guide`` shows a match may start."""
    data, pos = _wild_bytes(text), 0
    while (start := guide.start(data, pos)) >= 0:
        m = regex.match(text, start)
        if m is None:  # the superset matched, the regex does not
            pos = start + 1
            continue
        yield m
        pos = start + 1 if overlapping or m.end() == start else m.end()


def _finditer(regex: re.Pattern[str], guide: _Guide | None, text: str):
    """``regex.finditer(text)``, guided where RE2 took the regex (which must never match
    the empty string)."""
    return regex.finditer(text) if guide is None else _guided(regex, guide, text)
