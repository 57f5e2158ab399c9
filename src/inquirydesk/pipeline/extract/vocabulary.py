"""Words and phrases found in folded text with one regex per script, shaped as a trie.

Python's regex engine tries every branch of an alternation at every character, so a
pattern per field and language would cost milliseconds.  Instead every field's vocabulary,
in every language (``words``), is one regex shaped as a trie of literal word starts
(``_Vocab``), compiled at import: one scan finds all the words the fields need
(``_terms``); fields then look only at the lines and spans around their words
(``_hits``, ``_gate``).  A seller's catalog is compiled into a ``_Vocab`` of its own.
"""

from __future__ import annotations

import re

from inquirydesk.pipeline.extract.guide import _Guide, _guided, _overlapping
from inquirydesk.pipeline.extract.text import _ARABIC, _UNSPACED, _Doc, _fold, _line_of
from inquirydesk.pipeline.extract.words import (
    _ASK_WORDS,
    _CERTS,
    _CERTS_CASED,
    _CURRENCY_WORDS,
    _DELIVERY_CUES,
    _INCOTERM_WORDS,
    _PACKING,
    _PAYMENT_WORDS,
    _PORT_CUE_WORDS,
    _QTY_LABELS,
    _SAMPLE_WORDS,
    _SHIPPING,
    _SPEC_CODES,
    _SPEC_WORDS,
    _TIME_WORDS,
)


def _alternatives(source: str) -> list[str]:
    """The top-level ``|`` branches of a regex source."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 1
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "|" and depth == 0:
            out.append(source[start:i])
            start = i + 1
        i += 1
    return [*out, source[start:]]


def _expand(branch: str) -> list[str]:
    """A branch led by a group, as branches led by literals: "(?:mill|material) cert" →
    "mill cert", "material cert"; an optional lead group also yields the branch without."""
    if not branch.startswith("(?:"):
        return [branch]
    depth, i = 0, 0
    while i < len(branch):
        if branch[i] == "\\":
            i += 1
        elif branch[i] in "([":
            depth += 1
        elif branch[i] in ")]":
            depth -= 1
            if depth == 0:
                break
        i += 1
    inner, rest = branch[3:i], branch[i + 1 :]
    optional = rest[:1] == "?"
    rest = rest[1:] if optional else rest
    out = [x for alt in _alternatives(inner) for x in _expand(alt + rest)]
    return out + (_expand(rest.lstrip()) if optional else [])


_META = set("\\[](){}.*+?|^$")


def _lead(source: str) -> tuple[str, int]:
    """The literal text a regex branch must begin with, and where it ends in the source:
    "bsci" of "bsci", "en" of "en\\s?71", "$" of "\\$"."""
    out, i = [], 0
    while i < len(source):
        char, step = source[i], 1
        if char == "\\" and i + 1 < len(source) and not source[i + 1].isalnum():
            char, step = source[i + 1], 2  # an escaped punctuation mark is literal
        elif char in _META:
            break
        if i + step < len(source) and source[i + step] in "?*+{":
            break  # this literal may be missing or repeated: not part of a fixed start
        out.append(char)
        i += step
    return "".join(out), i


def _trie(branches: list[tuple[str, str]]) -> str:
    """One regex for many (literal lead, rest) branches, shaped as a trie of the leads: at
    each position the engine tests a character once, not once per branch."""
    root: dict = {}
    for lead, rest in branches:
        node = root
        for char in lead:
            node = node.setdefault(char, {})
        node.setdefault("", []).append(rest)

    def emit(node: dict) -> str:
        alternatives = [re.escape(char) + emit(child) for char, child in node.items() if char]
        # Longer rests first: "picnic basket with cooler" before "picnic basket".
        alternatives += sorted(node.get("", []), key=len, reverse=True)
        return alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"

    return emit(root)


class _Vocab:
    """Words and phrases to find, each with a value, in the folded text.

    Each branch of a row's regex begins with literal text.  All branches are compiled once
    into regexes shaped as tries of those literals (the engine tests a character once,
    not once per branch), each branch ending in an empty named group that tells its row.
    Branches led by a letter are matched after a non-word character, which the engine
    finds quickly, and must end a word; branches led by a mark ("$") or written in
    Chinese or Arabic (with its attached particles) match anywhere.  Branches led by a
    non-ASCII character have regexes of their own, skipped for ASCII texts.  ``cased``
    rows are words that are ordinary words unless in capitals ("CE", "REACH"): they are
    found in the folded text and kept only where the text as written matches them.
    RE2 shows the regex engine where a word led by an ASCII letter may begin (``guide``).
    """

    def __init__(self, rows) -> None:
        self.values: list[list] = []  # per branch: the values of the rows sharing it
        self.cased: dict[int, re.Pattern[str]] = {}
        seen: dict[str, int] = {}
        groups: dict[tuple[bool, bool], list[tuple[str, str]]] = {}  # (word?, ASCII?)
        for value, source, cased in rows:
            for branch in (b for alt in _alternatives(source) for b in _expand(alt)):
                if branch in seen:  # the same words in another field: one branch, two values
                    self.values[seen[branch]].append(value)
                    continue
                lead, end = _lead(branch)
                if not lead:
                    raise ValueError(f"vocabulary branch without a literal start: {branch!r}")
                index = seen[branch] = len(self.values)
                self.values.append([value])
                rest = branch[end:]
                if cased:
                    self.cased[index] = re.compile(branch)
                    lead, rest = _fold(lead), f"(?i:{rest})" if rest else ""
                word = _is_word_start(lead[0])
                rest += f"(?P<_{index}>)"
                groups.setdefault((word, lead[0].isascii()), []).append((lead, rest))
        # (regex, its guide or None, group number → row, matched after a non-word
        # character?, ASCII-led?)
        self.regexes = []
        for (word, ascii_led), branches in sorted(groups.items()):
            # A word must end where its branch does: the check stands once, after the trie
            # (the engine backtracks into the trie as it would from each branch's end), not
            # once per branch, where its large character set made compiling slow.
            trie = _trie(branches)
            regex = re.compile(f"{_NOT_WORD}(?:{trie}){_WORD_END}" if word else trie)
            rows = {number: int(name[1:]) for name, number in regex.groupindex.items()}
            # Where the engine would stop at every space, RE2 shows it where to try.
            guide = (
                _Guide.of(f"{_NOT_WORD}(?:{trie})", _GUIDE_WORD_END) if word and ascii_led else None
            )
            self.regexes.append((regex, guide, rows, word, ascii_led))

    def finditer(self, doc: _Doc, overlapping: bool = False):
        """(start, end, values) of each occurrence in the document; ``overlapping`` also
        finds those that start inside another ("erw pipe" in "x52 erw pipe")."""
        folded, text, values, cased = doc.folded, doc.text, self.values, self.cased
        spaced = " " + folded  # so a word at the very start follows a non-word character
        plain = folded.isascii()
        for regex, guide, rows, word, ascii_led in self.regexes:
            if plain and not ascii_led:
                continue
            source = spaced if word else folded
            if guide is not None:
                found = _guided(regex, guide, source, overlapping)
            else:
                found = _overlapping(regex, source) if overlapping else regex.finditer(source)
            for m in found:
                start, end = m.span()
                if word:  # in ``spaced``, one on: the match began at the character before
                    end -= 1
                row = rows[m.lastindex]
                if row in cased:
                    written = cased[row].match(text, start)
                    if not written or written.end() != end:
                        continue  # "reach" is a verb; "REACH" the regulation
                if (
                    not plain
                    and not word
                    and start
                    and _ARABIC.match(folded[start - 1])
                    and folded[start - 1] not in "وبلفا"
                    and _ARABIC.match(folded[start])
                ):
                    continue  # inside an Arabic word, past its attached particles
                yield start, end, values[row]


# Word edges for Latin, Cyrillic and Greek words; Chinese or Arabic letters next to one
# ("FOB价格") end it as well as a space would.
_NOT_WORD = r"[\W\u0600-\u06ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]"  # one set: a fast scan
_WORD_END = r"(?![^\W\u0600-\u06ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af])"
# For a guide (see ``guide``), which has no lookahead: the character after, or the end.
_GUIDE_WORD_END = r"(?:[^0-9A-Za-z_]|\z)"


def _is_word_start(char: str) -> bool:
    return char.isalnum() and not _UNSPACED.match(char)


# ------------------------------------------------------------------------------ the scan

# Every field's words in one vocabulary, so a document is scanned once, not per field.
_TERMS = _Vocab(
    [
        ((field, value), regex, cased)
        for field, rows, cased in (
            ("cert", _CERTS, False),
            ("payment", _PAYMENT_WORDS, False),
            ("time", _TIME_WORDS, False),
            ("delivery", _DELIVERY_CUES, False),
            ("shipping", _SHIPPING, False),
            ("sample", _SAMPLE_WORDS, False),
            ("spec", _SPEC_WORDS, False),
            ("packing", _PACKING, False),
            ("ask", _ASK_WORDS, False),
            ("currency", _CURRENCY_WORDS, False),
            ("incoterm", _INCOTERM_WORDS, False),
            ("port", _PORT_CUE_WORDS, False),
            ("quantity", _QTY_LABELS, False),
            ("cert", _CERTS_CASED, True),
            ("spec", _SPEC_CODES, True),
            ("shipping", (("express", "UPS"),), True),
        )
        for value, regex in rows
    ]
)


def _terms(doc: _Doc) -> dict[str, list[tuple[int, int, object]]]:
    """Every vocabulary word of every field in the text, by field, in text order: one
    scan of the document, made once."""
    if doc.found is None:
        found: dict[str, list[tuple[int, int, object]]] = {}
        for start, end, values in _TERMS.finditer(doc):
            for field, value in values:
                found.setdefault(field, []).append((start, end, value))
        for spans in found.values():
            spans.sort()
        doc.found = found
    return doc.found


def _hits(doc: _Doc, field: str) -> list[tuple[int, int, object]]:
    return _terms(doc).get(field, [])


def _gate(doc: _Doc, field: str) -> list[int]:
    """Indices of the lines holding a word of ``field``."""
    return sorted({_line_of(doc, start) for start, _, _ in _hits(doc, field)})
