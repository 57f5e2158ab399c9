"""The text as every field reads it: normalised, folded, split in lines, clipped.

The text is folded once (lower case, accents off) into a string of the *same length*, so a
match in the folded text maps back to the buyer's own words.  Numbers are found once
(``_numbers``) with the word that follows each, which tells a quantity ("2,000 pcs") from a
size ("25 L") without a regex per field.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata

MAX_VALUE = 120  # characters per field value: a phrase, not a paragraph
# Characters of body read: an inquiry states its needs early, while a newsletter's or a
# pasted spec sheet's tail would only cost time.
MAX_TEXT = 5000


def _head(text: str) -> str:
    """At most MAX_TEXT characters, cut at a line end."""
    if len(text) <= MAX_TEXT:
        return text
    cut = text.rfind("\n", 0, MAX_TEXT)
    return text[: cut if cut > MAX_TEXT // 2 else MAX_TEXT]


_NORM: dict[int, str | None] = {cp: " " for cp in (0xA0, 0x2007, 0x2009, 0x200A, 0x202F, 0x3000)}
_NORM.update({0x200B: None, 0x200E: None, 0x200F: None, 0xFEFF: None, 0x0D: None})
_NORM.update({0x0660 + d: str(d) for d in range(10)})  # Arabic-Indic digits
_NORM.update({0x06F0 + d: str(d) for d in range(10)})  # Persian digits
_NORM.update({0x066B: ".", 0x066C: ","})  # Arabic decimal and thousands separators
_NORM_CHARS = re.compile("[" + "".join(re.escape(chr(c)) for c in _NORM) + "]")


def _normalise(text: str) -> str:
    """NFKC (full-width digits, ligatures), plain spaces, ASCII digits; may change length."""
    if text.isascii():
        return text.replace("\r", "")
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if _NORM_CHARS.search(text):
        text = text.translate(_NORM)
    return text


def _unaccent_table() -> dict[str, str]:
    """Accented letter → base letter, for letters (after lower-casing) that decompose."""
    table = {}
    blocks = (range(0xC0, 0x250), range(0x370, 0x400), range(0x400, 0x530), range(0x1E00, 0x1F00))
    for cp in itertools.chain(*blocks):
        char = chr(cp)
        base = unicodedata.normalize("NFD", char)[0]
        if base != char and char == char.lower():
            table[char] = base
    # Letters with no decomposition that buyers type both ways.
    table.update(dict(zip("ıłøđ", "ilod", strict=True)))
    return table


_UNACCENT = _unaccent_table()
_ACCENTED = re.compile("[" + "".join(re.escape(c) for c in _UNACCENT) + "]")
_UNSPACED = re.compile(r"[\u0600-\u06ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_WORD = re.compile(r"[^\W_]+")


def _wordlist(words: str) -> list[str]:
    """Vocabularies are written as space-separated words: easier to read than a list."""
    return words.split()


def _fold(text: str) -> str:
    """Lower case without accents, one character for one, so folded spans index the text.
    ("İ" is the one letter whose lower case is two characters; it folds to "i".)"""
    low = text.replace("İ", "i").lower()
    return low if low.isascii() else _ACCENTED.sub(lambda m: _UNACCENT[m.group()], low)


_PLUS_ONE = (1).__add__


class _Doc:
    """The text once, in the forms every field reads; its lines are split on first use (a
    quoted text read for products alone seldom needs them)."""

    __slots__ = ("_flines", "_lines", "_starts", "folded", "found", "head", "numbers", "text")

    def __init__(self, text: str, head: int = 0) -> None:
        self.text = text
        self.head = head  # length of the subject line, 0 when there is none
        self.folded = _fold(text)
        self._lines: list[str] | None = None
        self._flines: list[str] | None = None
        self._starts: list[int] | None = None
        self.found: dict[str, list[tuple[int, int, object]]] | None = None  # see _terms
        self.numbers: list[tuple[int, int, str, int]] | None = None  # see _numbers

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    @property
    def flines(self) -> list[str]:
        """The lines of the folded text."""
        if self._flines is None:
            self._flines = self.folded.split("\n")
        return self._flines

    @property
    def starts(self) -> list[int]:
        """Where each line starts: the lengths of the lines before it, each with its "\\n"."""
        if self._starts is None:
            lengths = map(_PLUS_ONE, map(len, self.lines))
            self._starts = list(itertools.accumulate(lengths, initial=0))
        return self._starts


_CLOSING = re.compile(
    (
        r"(?:(?:best|kind|warm|warmest|many|with|my)\s+)?(?:regards|rgds|wishes)"
        r"|(?:thanks|thank you|thx|many thanks|cheers|sincerely|yours\s+\w+|respectfully)"
        r"(?:\s*(?:&|and)\s*(?:best\s+)?(?:regards|rgds))?"
        r"|mit freundlichen gru(?:ß|ss)en|freundliche gru(?:ß|ss)e|viele gru(?:ß|ss)e|mfg|"
        r"beste gru(?:ß|ss)e|saludos(?: cordiales)?|"
        r"un saludo|atentamente|cordialmente|cordiali saluti|"
        r"distinti saluti|(?:bien )?cordialement|salutations|"
        r"atenciosamente|cumprimentos|obrigad[oa]|abracos"
        r"|с уважением|спасибо|pozdrawiam|z powazaniem|saygilarimizla|saygilarimla|tesekkurler"
        r"|met vriendelijke groet(?:en)?|vriendelijke groeten|med vanliga halsningar|mvh|hilsen"
        r"|مع التحية|مع التقدير|وشكرا لكم|وشكراً لكم|شكرا|شكراً|谢谢|此致|敬礼"
        r"|sent from my \w+|发自我的\w+|--"
    ),
)


def _line_of(doc: _Doc, pos: int) -> int:
    return bisect.bisect_right(doc.starts, pos) - 1


def _cut_signature(body: str, signature: str) -> str:
    """Drop the sign-off and what follows: addresses and phones there are not terms."""
    if signature and len(signature) > 20:
        at = body.find(signature)
        if at > 0:
            body = body[:at]
    offset = 0
    for index, line in enumerate(body.split("\n")):
        stripped = line.strip().rstrip("!,.،").strip()
        if index >= 2 and 0 < len(stripped) <= 40 and _CLOSING.fullmatch(_fold(stripped)):
            return body[:offset]
        offset += len(line) + 1
    return body


# Clause edges: a value is the clause holding the match, not the whole line.
_LEFT_EDGES = (". ", "; ", "! ", "? ", ": ", "：", "。", "؛", " - ", "\t")
_SENTENCE_EDGES = (". ", "; ", "! ", "? ", "。", "؛", "\t")
_RIGHT_EDGES = (*_SENTENCE_EDGES, ", so ", ", please ", ", but ")


def _clause(line: str, start: int, end: int, edges: tuple[str, ...] = _LEFT_EDGES) -> str:
    """The clause of ``line`` around [start, end), clipped."""
    left, right = _clause_span(line, start, end, edges)
    return _clip(line[left:right], start - left, end - left)


def _clause_span(
    line: str, start: int, end: int, edges: tuple[str, ...] = _LEFT_EDGES
) -> tuple[int, int]:
    # "2. Quartal", "15. Januar": a German ordinal point ends no sentence.
    if ". " in line:
        line = _ORDINAL_POINT.sub(lambda m: m.group(0).replace(". ", ".\u00a0"), line)
    left = max((line.rfind(e, 0, start) + len(e) for e in edges if e in line[:start]), default=0)
    right = min((i for i in (line.find(e, end) for e in _RIGHT_EDGES) if i >= 0), default=len(line))
    return left, right


def _segments(line: str, spans: list[tuple[int, int]]) -> str:
    """The comma-separated parts of the clause around ``spans[0]`` that hold any of
    ``spans``: "budget $9, DDP Sydney, Western Union ok" gives "Western Union ok" for the
    payment words, not the whole sentence."""
    start, end = spans[0]
    left, right = _clause_span(line, start, end)
    inside = [(s, e) for s, e in spans if left <= s < right]
    cuts = [left] + [m.end() for m in _COMMA.finditer(line, left, right)] + [right + 1]
    parts = [(a, b - 1) for a, b in itertools.pairwise(cuts)]
    held = [i for i, (a, b) in enumerate(parts) if any(a <= s < b for s, _ in inside)]
    if not held:
        return _clause(line, start, end)
    lo, hi = parts[min(held)][0], parts[max(held)][1]
    return _clip(line[lo:hi], start - lo, end - lo)


_COMMA = re.compile(r",\s*(?!\d)|،\s*|;\s*")  # "9,80" and "1,000" are numbers
_ORDINAL_POINT = re.compile(r"(?<![\w.])\d{1,2}\. (?=\w)")  # not "SCH80. Next"


def _clip(text: str, start: int = 0, end: int = 0) -> str:
    """``text`` trimmed to MAX_VALUE around [start, end), cut at spaces."""
    if len(text) > MAX_VALUE:
        left = max(0, min(start, (start + end) // 2 - MAX_VALUE // 2))
        cut_right = left + MAX_VALUE < len(text)
        text = text[left : left + MAX_VALUE]
        if left:
            text = text.partition(" ")[2] or text
        if cut_right:
            text = text.rpartition(" ")[0] or text
    text = _LIST_MARK.sub("", text.strip(" \t-–•*>:,;."))
    return text.strip(" \t-–•*>:,;.").strip()


_LIST_MARK = re.compile(r"^(?:\d{1,2}|[a-z]|[ivx]{1,3})[.)]\s+")

# ------------------------------------------------------------------------------ numbers

_NUM = r"\d{1,3}(?:[,. ]\d{3})+(?![\d])|\d+(?:[.,]\d+)?"
# A number or a range ("2,000-5,000", "300 to 400").  It starts with a digit and checks the
# character before only then, so the engine skips quickly from digit to digit.
_NUMBER = re.compile(  # Chinese and Arabic letters may stand right before a number
    r"\d(?<![.,/#-]\d)(?<![^\W\u0600-\u06ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]\d)"
    r"(?:\d{0,2}(?:[,. ]\d{3})++(?!\d)|\d*+(?:[.,]\d+)?)"
    r"(?:(?:-|–|~|/|\s+(?:to|a|à|bis|до|ila|~)\s+)\d(?:\d{0,2}(?:[,. ]\d{3})++(?!\d)|"
    r"\d*+(?:[.,]\d+)?))?"
)

_AFTER_NUMBER = r"[ \t]{0,3}(?:([x×*х])|([^\W\d_]+)|(\S))?"
# A number and, looked at but not taken, what follows it (which always matches): one match
# a number, and the next number is sought right after the number.
_NUMBER_AND_AFTER = re.compile(f"{_NUMBER.pattern}(?=({_AFTER_NUMBER}))")
# The same for ASCII texts, led by a plain ASCII set, which the engine scans for faster.
_NUMBER_AND_AFTER_ASCII = re.compile("[0-9]" + _NUMBER_AND_AFTER.pattern.removeprefix(r"\d"))


def _numbers(doc: _Doc) -> list[tuple[int, int, str, int]]:
    """(start, end, what follows, where that ends) for each number or range: what follows
    is a word ("pcs"), "x" (sizes, containers), another mark, or "" at the end of a line."""
    if doc.numbers is None:
        folded = doc.folded
        regex = _NUMBER_AND_AFTER_ASCII if folded.isascii() else _NUMBER_AND_AFTER
        doc.numbers = [
            (m.start(), m.end(), m.group(2) or m.group(3) or m.group(4) or "", m.end(1))
            for m in regex.finditer(folded)
        ]
    return doc.numbers


def _join(values: list[str], sep: str = "; ") -> str:
    out = ""
    for value in values:
        candidate = f"{out}{sep}{value}" if out else value
        if len(candidate) > MAX_VALUE:
            break
        out = candidate
    return out
