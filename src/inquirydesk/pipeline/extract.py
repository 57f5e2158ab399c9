"""Extract what a careful reader takes from an inquiry: products, quantity, trade terms.

``extract`` reads the subject and the new body text (and, for platform rows, the listing
the buyer wrote from) and returns ``Fields``.  Every value is the buyer's own phrase, kept
short, so a salesperson sees where it came from.  It never raises: a field it cannot read
stays empty.

Speed is a requirement (the whole pipeline must do 1,000 inquiries a second).  Python's
regex engine tries every branch of an alternation at every character, so a pattern per
field and language would cost milliseconds.  Instead:

* the text is folded once (lower case, accents off) into a string of the *same length*, so
  a match in the folded text maps back to the buyer's own words;
* every field's vocabulary, in every language, is one regex shaped as a trie of literal
  word starts (``_Vocab``), compiled at import: one scan finds all the words the fields
  need (``_terms``); fields then look only at the lines and spans around their words;
* numbers are found once (``_numbers``) with the word that follows each, which tells a
  quantity ("2,000 pcs") from a size ("25 L") without a regex per field;
* a seller's catalog is compiled once per ``Seller`` into its own vocabulary.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass

from inquirydesk.model import Fields, Identity, Inquiry, ProductMatch, Seller

__all__ = ["extract"]

MAX_VALUE = 120  # characters per field value: a phrase, not a paragraph
MAX_PRODUCTS = 8
# Characters of body read: an inquiry states its needs early, while a newsletter's or a
# pasted spec sheet's tail would only cost time.
MAX_TEXT = 5000


def extract(inquiry: Inquiry, identity: Identity, seller: Seller) -> Fields:
    """What the inquiry says about products, quantities and terms; empty where silent."""
    try:
        return _extract(inquiry, identity, seller)
    except Exception:  # noqa: BLE001 - one odd inquiry must never stop the inbox
        return Fields()


def _extract(inquiry: Inquiry, identity: Identity, seller: Seller) -> Fields:
    body = _cut_signature(_normalise(_head(inquiry.body)), identity.signature)
    subject = _normalise(inquiry.subject)
    doc = _Doc(f"{subject}\n{body}" if subject else body, len(subject))
    catalog = _catalog(seller)
    product_id = inquiry.platform.product_id if inquiry.platform else ""
    products = _products(doc, catalog, product_id)
    if not products and inquiry.quoted and not product_id:
        # A forwarded request ("FW: cooler box enquiry") may name the product only below.
        products = _products(_Doc(_normalise(_head(inquiry.quoted))), catalog, "")
    incoterms = _incoterms(doc)
    return Fields(
        products=products,
        quantity=_quantity(doc, catalog),
        specs=_specs(doc),
        packaging=_packaging(doc),
        certificates=_certificates(doc, catalog),
        target_price=_target_price(doc),
        incoterm=" / ".join(dict.fromkeys(term for term, _, _ in incoterms)) or None,
        port=_port(doc, incoterms),
        payment=_payment(doc),
        delivery=_delivery(doc),
        shipping=_shipping(doc),
        sample=_sample(doc),
    )


# =============================================================================== text


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
    table.update(dict(zip("ıłøđ", "ilod")))
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


class _Doc:
    """The text once, in the forms every field reads."""

    __slots__ = ("flines", "folded", "found", "head", "lines", "numbers", "starts", "text")

    def __init__(self, text: str, head: int = 0) -> None:
        self.text = text
        self.head = head  # length of the subject line, 0 when there is none
        self.folded = folded = _fold(text)
        self.lines = text.split("\n")
        self.flines = folded.split("\n")
        self.starts = list(itertools.accumulate((len(line) + 1 for line in self.lines), initial=0))
        self.found: dict[str, list[tuple[int, int, object]]] | None = None  # see _terms
        self.numbers: list[tuple[int, int, str, int]] | None = None  # see _numbers


_CLOSING = re.compile(
    (
        r"(?:(?:best|kind|warm|warmest|many|with|my)\s+)?(?:regards|rgds|wishes)"
        r"|(?:thanks|thank you|thx|many thanks|cheers|sincerely|yours\s+\w+|respectfully)"
        r"(?:\s*(?:&|and)\s*(?:best\s+)?(?:regards|rgds))?"
        r"|mit freundlichen gru(?:ß|ss)en|freundliche gru(?:ß|ss)e|viele gru(?:ß|ss)e|mfg|beste gru(?:ß|ss)e"
        r"|saludos(?: cordiales)?|un saludo|atentamente|cordialmente|cordiali saluti|distinti saluti"
        r"|(?:bien )?cordialement|salutations|atenciosamente|cumprimentos|obrigad[oa]|abracos"
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


# =============================================================================== vocabulary


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
                rest += (_WORD_END if word else "") + f"(?P<_{index}>)"
                groups.setdefault((word, lead[0].isascii()), []).append((lead, rest))
        # (regex, group number → row, matched after a non-word character?, ASCII-led?)
        self.regexes = []
        for (word, ascii_led), branches in sorted(groups.items()):
            regex = re.compile(f"{_NOT_WORD}{_trie(branches)}" if word else _trie(branches))
            rows = {number: int(name[1:]) for name, number in regex.groupindex.items()}
            self.regexes.append((regex, rows, word, ascii_led))

    def finditer(self, doc: _Doc, overlapping: bool = False):
        """(start, end, values) of each occurrence in the document; ``overlapping`` also
        finds those that start inside another ("erw pipe" in "x52 erw pipe")."""
        folded, text, values, cased = doc.folded, doc.text, self.values, self.cased
        spaced = " " + folded  # so a word at the very start follows a non-word character
        plain = folded.isascii()
        for regex, rows, word, ascii_led in self.regexes:
            if plain and not ascii_led:
                continue
            source = spaced if word else folded
            for m in _overlapping(regex, source) if overlapping else regex.finditer(source):
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


def _overlapping(regex: re.Pattern[str], text: str):
    pos = 0
    while m := regex.search(text, pos):
        yield m
        pos = m.start() + 1


def _is_word_start(char: str) -> bool:
    return char.isalnum() and not _UNSPACED.match(char)


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


# =============================================================================== numbers

_NUM = r"\d{1,3}(?:[,. ]\d{3})+(?![\d])|\d+(?:[.,]\d+)?"
# A number or a range ("2,000-5,000", "300 to 400").  It starts with a digit and checks the
# character before only then, so the engine skips quickly from digit to digit.
_NUMBER = re.compile(  # Chinese and Arabic letters may stand right before a number
    r"\d(?<![.,/#-]\d)(?<![^\W\u0600-\u06ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]\d)(?:\d{0,2}(?:[,. ]\d{3})++(?!\d)|\d*+(?:[.,]\d+)?)"
    r"(?:(?:-|–|~|/|\s+(?:to|a|à|bis|до|ila|~)\s+)\d(?:\d{0,2}(?:[,. ]\d{3})++(?!\d)|\d*+(?:[.,]\d+)?))?"
)

_AFTER_NUMBER = re.compile(r"[ \t]{0,3}(?:([x×*х])|([^\W\d_]+)|(\S))?")


def _numbers(doc: _Doc) -> list[tuple[int, int, str, int]]:
    """(start, end, what follows, where that ends) for each number or range: what follows
    is a word ("pcs"), "x" (sizes, containers), another mark, or "" at the end of a line."""
    if doc.numbers is None:
        folded, out = doc.folded, []
        for m in _NUMBER.finditer(folded):
            after = _AFTER_NUMBER.match(folded, m.end())
            word = after.group(1) or after.group(2) or after.group(3) or ""
            out.append((m.start(), m.end(), word, after.end()))
        doc.numbers = out
    return doc.numbers


# =============================================================================== catalog

_VOWELS = "aeiouyаеиоуыэюяьъ"
_STOPWORDS = frozenset(
    _wordlist(
        "and with for the from your our this that set sets size sizes type item items product "
        "products plain optional request on of or to in mit und fur der die das con para por los "
        "las del une des les pour avec et en di da do dla na ile ve"
    )
)
_GENERIC_HEADS = frozenset(
    _wordlist(
        "products product items item goods sets set things accessories parts equipment "
        "materials supplies pipes pipe tubes tube tubing"
    )
)
_SEP = r"[\s\-‐‑_/]*"


def _word_regex(word: str) -> tuple[str, str]:
    """(regex, literal core) for one folded word: plural- and case-ending tolerant."""
    if _ARABIC.search(word):  # attached article and conjunctions, feminine ending
        core = word[2:] if word.startswith("ال") and len(word) > 4 else word
        core = core[:-1] if core.endswith(("ة", "ه")) and len(core) > 3 else core
        return rf"(?:[وبلف]?ال|[وبلف])?{re.escape(core)}\w{{0,3}}", core
    if not word.isalpha():  # codes and sizes ("x52", "48.3", "3lpe"): exact
        return re.escape(word), word
    if len(word) <= 3:
        return re.escape(word) + r"(?:s|es|e|en|n)?(?:['’]s)?", word
    stem = word[:-1] if word.endswith("s") and not word.endswith("ss") else word
    core = stem.rstrip(_VOWELS)
    if len(core) < 3:
        core = stem
    # A dropped vowel must be replaced by some ending: "nevera" must not match "never".
    tail = r"\w{1,4}" if len(core) < len(stem) else r"\w{0,4}"
    return _spellings(re.escape(core)) + tail + r"(?:['’]s)?", core


def _spellings(core: str) -> str:
    """British and American spellings alike: galvanised/galvanized, colour/color,
    aluminium/aluminum."""
    return (
        core.replace("iz", "i[sz]")
        .replace("is", "i[sz]", 1 if core.endswith("is") else 0)
        .replace("our", "ou?r")
        .replace("inium", "ini?um")
    )


def _phrase(text: str, gap: bool = False) -> str | None:
    """A regex finding ``text`` in folded text, or None if empty.

    ``gap`` lets one extra word stand before the last ("stainless steel *seamless* pipes").
    """
    folded = _fold(text).strip()
    if not folded:
        return None
    if _UNSPACED.search(folded) and not _ARABIC.search(folded):
        return re.escape(folded)
    words = [w for w in re.split(r"[\s\-‐‑/]+", folded) if w]
    if not words:
        return None
    parts = [_word_regex(w) for w in words]
    if _ARABIC.search(parts[0][1]):
        # The first word is found anywhere, its attached particles before it (see _Vocab).
        parts[0] = (re.escape(parts[0][1]) + r"\w{0,3}", parts[0][1])
    regex = _SEP.join(p for p, _ in parts[:-1])
    if len(parts) > 1:
        regex += r"(?:[\s\-]+[^\W\d_]+)??" + _SEP if gap else _SEP
    return regex + parts[-1][0] + r"(?!\w)"


@dataclass(frozen=True, slots=True)
class _Entry:
    """One thing to find in the text: an id, keyword, category or product we do not make."""

    kind: str  # "id", "keyword", "category", "unrelated", "code"
    pattern: str  # regex source, on folded text
    items: tuple[int, ...]  # catalog indices
    label: str  # what to call it when it names no catalog item
    rank: int  # tie-break when two matches cover the same words: lower wins


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    entry: _Entry
    alts: tuple[int, ...] = ()  # items of shorter keywords inside it ("x52 ERW" in "ERW pipe")


_KIND_RANK = {"id": 0, "keyword": 1, "code": 2, "unrelated": 3, "category": 4}

# A size that tells catalog siblings apart: "25 L", "500 ml", "4-person", "50 qt",
# "25 bis 45 Liter".
# A digit first, checked against what stands before it only then ("API 5L" is no size).
_ATTR = re.compile(
    r"(\d(?<![\w.,]\d)(?<!api \d)(?<!en \d)(?<!iso \d)\d*(?:[.,]\d+)?)"
    r"(?:\s*(?:-|–|to|bis|a|à|y|e|et|and|und|/)\s*(\d+(?:[.,]\d+)?))?\s*[-‑]?\s*"
    r"(ml|milliliters?|millilitres?|мл|l|lt|ltr|liters?|litres?|litros?|liter|литр\w*|л|لتر|"
    r"qt|quarts?|person|persons|pers|"
    r"people|personas|personnes|persone|personen|pessoas|osob\w*|kisilik|человек|شخص|اشخاص|"
    r"أشخاص|seater)(?!\w)"
)


def _attr_class(unit: str) -> str:
    if unit.startswith(("ml", "mil", "мл")):
        return "ml"
    if unit.startswith("q"):
        return "qt"
    if unit.startswith(("l", "л", "ل")):
        return "l"
    return "p"


def _attrs(folded: str) -> tuple[str, ...]:
    """Size attributes in folded text, normalised: "25 L" → "25l", "4-person" → "4p",
    "25 bis 45 Liter" → "25l", "45l"."""
    out = []
    for m in _ATTR.finditer(folded):
        kind = _attr_class(m.group(3))
        out += [f"{n.replace(',', '.')}{kind}" for n in m.group(1, 2) if n]
    return tuple(out)


_CODE = re.compile(r"(?<![A-Za-z0-9])([A-Z]{1,4}[ -]?\d{2,5}(?:[A-Z]{1,3}\d?)?)(?![\w])")
# Grade and wall-schedule codes name a property many products share, never one product.
_GENERIC_CODE = re.compile(r"(?:SCH|PSL|GR|Z|DN|NPS|STD|XS|PN|ISO|EN ?10204)", re.IGNORECASE)


class _Catalog:
    """A seller's catalog compiled for matching: built once per Seller."""

    def __init__(self, seller: Seller) -> None:
        items = seller.catalog
        self.ids = tuple(item.id for item in items)
        self.categories = tuple(item.category for item in items)
        self.index = {item_id: i for i, item_id in enumerate(self.ids)}
        self.certificates = seller.certificates
        self.compact = {_compact(item.id): i for i, item in enumerate(items) if item.id}
        entries: list[_Entry] = []
        for index, item in enumerate(items):
            entries += self._id_entries(index, item.id)
            for keyword in dict.fromkeys((*item.keywords, _name_head(item.name))):
                entries += self._entries("keyword", keyword, (index,))
        for category in dict.fromkeys(seller.categories or self.categories):
            members = tuple(i for i, c in enumerate(self.categories) if c == category)
            entries += self._entries("category", category, members)
        entries += self._code_entries(items)
        self.vocabulary = self._vocabulary(items)
        for phrase in _unmade(seller.does_not_make, self.vocabulary):
            entries += self._entries("unrelated", phrase, (), gap=True)
        self.limits = [
            (re.compile(_phrase(noun) or "(?!)"), above, mm, entry)
            for noun, above, mm, entry in _size_limits(seller.does_not_make)
        ]
        self.entries = list(self._merge(entries))
        self.vocab = _Vocab([(entry, entry.pattern, False) for entry in self.entries])
        self.attrs = tuple(
            frozenset(_attrs(_fold(" ".join((item.name, *item.keywords))))) for item in items
        )
        self.words = tuple(
            frozenset(_tokens(" ".join((item.name, *item.keywords)))) for item in items
        )
        # Which catalog phrases (names, keywords) hold a word: "describing" reads it.
        self._phrase_item: list[int] = []
        self._with_word: dict[str, set[int]] = {}
        for index, item in enumerate(items):
            for text in (item.name, *item.keywords):
                for word in _tokens(text, 2):
                    self._with_word.setdefault(word, set()).add(len(self._phrase_item))
                self._phrase_item.append(index)
        self._describing: dict[str, tuple[int, ...]] = {}
        self.nouns = self._nouns(items, seller.categories)

    # -- building

    @staticmethod
    def _entries(kind: str, text: str, items: tuple[int, ...], gap: bool = False) -> list[_Entry]:
        pattern = _phrase(text, gap)
        return [_Entry(kind, pattern, items, text.strip(), _KIND_RANK[kind])] if pattern else []

    @staticmethod
    def _id_entries(index: int, item_id: str) -> list[_Entry]:
        """The id as written ("QL-PB101", "ql pb 101") and, when distinctive, without its
        house prefix ("PB101"), which buyers use once they know the range."""
        forms = [item_id]
        parts = re.split(r"[\s\-_./]", item_id, maxsplit=1)
        rest = parts[1] if len(parts) == 2 else ""
        if rest and not re.search(r"[\s\-_./]", rest):
            letters = sum(c.isalpha() for c in rest)
            digits = sum(c.isdigit() for c in rest)
            if letters >= 2 and digits >= 2:
                forms.append(rest)
        out = []
        for form in forms:
            chunks = re.findall(r"[a-z]+|\d+|[^\W\d_]+", _fold(form))
            if not chunks:
                continue
            pattern = r"[\s\-_./]*".join(map(re.escape, chunks)) + r"(?![a-z0-9])"
            out.append(_Entry("id", pattern, (index,), item_id, 0))
        return out

    def _code_entries(self, items) -> list[_Entry]:
        """Standard or model codes that appear in one catalog item only ("A192", "BS 1387")."""
        owners: dict[str, set[int]] = {}
        for index, item in enumerate(items):
            for text in (item.name, *item.keywords):
                for code in _CODE.findall(text):
                    if not _GENERIC_CODE.match(code):
                        owners.setdefault(re.sub(r"[ -]", " ", code), set()).add(index)
        out = []
        for code, owner in owners.items():
            if len(owner) == 1:
                out += self._entries("code", code, (owner.pop(),))
        return out

    @staticmethod
    def _vocabulary(items) -> frozenset[str]:
        words: set[str] = set()
        for item in items:
            words |= _tokens(" ".join((item.name, item.category, *item.keywords)))
        return frozenset(w.rstrip("s") for w in words)

    @staticmethod
    def _nouns(items, categories) -> dict[str, tuple[str, ...]]:
        """Word cores a buyer counts in ("600 hampers", "1000 sillas"), by their first three
        letters: keyword and category words, size words left out."""
        cores: dict[str, set[str]] = {}
        for text in itertools.chain(
            *(item.keywords for item in items), (item.category for item in items), categories
        ):
            for word in re.split(r"[\s\-/]+", _fold(text)):
                if (
                    word.isalpha()
                    and len(word) >= 3
                    and word not in _STOPWORDS
                    and word not in _SIZE_WORDS
                ):
                    core = _word_regex(word)[1]
                    cores.setdefault(core[:3], set()).add(core)
        return {k: tuple(v) for k, v in cores.items()}

    @staticmethod
    def _merge(entries):
        """One entry per (kind, regex): shared keywords list all their items."""
        merged: dict[tuple, _Entry] = {}
        for entry in entries:
            ident = (entry.kind, entry.pattern)
            if ident in merged:
                old = merged[ident]
                items = tuple(dict.fromkeys(old.items + entry.items))
                entry = _Entry(old.kind, old.pattern, items, old.label, old.rank)
            merged[ident] = entry
        return merged.values()

    # -- matching

    def describing(self, phrase: str) -> tuple[int, ...]:
        """Items with a name or keyword holding every word of ``phrase``: "ERW pipe" also
        fits "API 5L ERW/HFW line pipe"."""
        if phrase not in self._describing:
            sets = [self._with_word.get(w, set()) for w in _tokens(phrase, 2)]
            phrases = set.intersection(*sets) if sets else set()
            items = dict.fromkeys(self._phrase_item[p] for p in sorted(phrases))
            self._describing[phrase] = tuple(items)
        return self._describing[phrase]

    def mentions(self, doc: _Doc) -> list[_Mention]:
        """Every catalog-related phrase in the text, overlaps resolved for the longest."""
        found = [
            _Mention(start, end, entry)
            for start, end, entries in self.vocab.finditer(doc, overlapping=True)
            for entry in entries
        ]
        found.sort(
            key=lambda x: (
                x.entry.rank if x.entry.kind == "id" else 1,
                x.start - x.end,
                x.entry.rank,
            )
        )
        kept: list[_Mention] = []
        for mention in found:
            clash = [
                i for i, k in enumerate(kept) if mention.start < k.end and k.start < mention.end
            ]
            if not clash:
                kept.append(mention)
            elif mention.entry.kind == "keyword" and kept[clash[0]].entry.kind == "keyword":
                # Overlapping keywords both describe the words: keep the items as candidates.
                k = kept[clash[0]]
                kept[clash[0]] = _Mention(k.start, k.end, k.entry, k.alts + mention.entry.items)
        kept.sort(key=lambda x: x.start)
        return kept


def _compact(text: str) -> str:
    return re.sub(r"[\W_]+", "", _fold(text))


@functools.lru_cache(maxsize=4096)
def _tokens(text: str, shortest: int = 3) -> frozenset[str]:
    return frozenset(
        w
        for w in _WORD.findall(_fold(text))
        if len(w) >= shortest and not w.isdigit() and w not in _STOPWORDS
    )


def _name_head(name: str) -> str:
    """The product noun phrase of a catalog name, without sizes and extras:
    "Hard cooler box 25 L (PP shell, PU foam)" → "Hard cooler box"."""
    head = re.split(r"[(,;]| with | mit | con | avec ", name, maxsplit=1)[0]
    words = [w for w in head.split() if not re.search(r"\d", w)]
    return " ".join(words) if 2 <= len(words) <= 4 else ""


def _unmade(does_not_make: tuple[str, ...], vocabulary: frozenset[str]) -> list[str]:
    """Phrases for things the seller does not make, from free-text entries such as
    "pipe fittings and flanges (can source)" or "SSAW / LSAW pipes above 24 inch"."""
    out: list[str] = []
    for entry in does_not_make:
        text = re.split(r"\(| above | over | below | under | with | for ", entry)[0]
        alternatives = [a.strip() for a in re.split(r",| and | or |/", text) if a.strip()]
        multi = [a for a in alternatives if " " in a]
        for position, alt in enumerate(alternatives):
            words = alt.split()
            if len(words) == 1 and multi:
                # A bare coordinated word borrows the shared word: "copper [tubes]",
                # "OCTG casing and [OCTG] tubing".
                if position < len(alternatives) - 1:
                    out.append(f"{alt} {multi[-1].split()[-1]}")
                else:
                    out.append(f"{multi[0].split()[0]} {alt}")
                if alt.lower() in _GENERIC_HEADS:
                    continue
            out.append(alt)
            head = words[-1]
            # A head noun the catalog never uses names an unmade product on its own.
            if (
                len(words) > 1
                and head.lower() not in _GENERIC_HEADS
                and _fold(head).rstrip("s") not in vocabulary
            ):
                out.append(head)
    return list(dict.fromkeys(out))


_LIMIT = re.compile(r"\b(above|over|larger than|bigger than|below|under|smaller than)\s+(.+)")
_LENGTH = re.compile(r"(\d+(?:\.\d+)?)\s*(mm|cm|inch(?:es)?|in\b|\"|”)")
_MM = {"mm": 1.0, "cm": 10.0}


def _size_limits(does_not_make: tuple[str, ...]) -> list[tuple[str, bool, float, str]]:
    """(product noun, above?, size in mm, entry) for entries such as "SSAW / LSAW pipes
    above 24 inch (610 mm)": a buyer asking a bigger pipe asks what we do not make."""
    out = []
    for entry in does_not_make:
        limit = _LIMIT.search(entry)
        size = _LENGTH.search(limit.group(2)) if limit else None
        words = entry[: limit.start()].split() if limit else []
        if size and words:
            mm = float(size.group(1)) * _MM.get(size.group(2), 25.4)
            out.append(
                (
                    words[-1],
                    limit.group(1) in ("above", "over", "larger than", "bigger than"),
                    mm,
                    entry,
                )
            )
    return out


_DIAMETER = re.compile(
    r"(?:(?<!\w)(?:od|id|ø|dia\.?|diameter|durchmesser|diametro|diametre|диаметр\w*)\s*[:=]?\s*"
    r"(\d{1,3}(?:[,. ]\d{3})+|\d+(?:[.,]\d+)?)\s*(mm|cm|\"|”|inch(?:es)?)?"
    r"|(?<![\w.,/])(\d+(?:[.,]\d+)?)\s*(\"|”|inch(?:es)?)(?!\w))"
)


def _oversize(doc: _Doc, cat: _Catalog) -> list[ProductMatch]:
    """Products past a size the seller does not make, by the diameters on their line."""
    out = []
    for regex, above, limit, entry in cat.limits:
        nouns = {_line_of(doc, m.start()): m for m in regex.finditer(doc.folded)}
        for line, d in ((i, d) for i in nouns for d in _DIAMETER.finditer(doc.flines[i])):
            number, unit = (d.group(1), d.group(2)) if d.group(1) else d.group(3, 4)
            digits = re.sub(r"[,. ](?=\d{3}\b)", "", number).replace(",", ".")
            mm = float(digits) * (_MM.get(unit or "mm", 25.4))
            if (mm > limit) if above else (mm < limit):
                noun = _similar_phrase(doc, _Mention(nouns[line].start(), nouns[line].end(), None))
                name = _clip(f"{noun}, {doc.lines[line][d.start() : d.end()]}")
                out.append(ProductMatch(name, "unrelated", f"{name} ({entry})"[:MAX_VALUE]))
                break
    return out


def _catalog(seller: Seller) -> _Catalog:
    # The last seller by identity first: hashing a whole frozen catalog costs more.
    last = _LAST_CATALOG[0]
    if last is not None and last[0] is seller:
        return last[1]
    catalog = _catalog_of(seller)
    _LAST_CATALOG[0] = (seller, catalog)
    return catalog


_LAST_CATALOG: list[tuple[Seller, _Catalog] | None] = [None]


@functools.lru_cache(maxsize=64)
def _catalog_of(seller: Seller) -> _Catalog:
    return _Catalog(seller)


# =============================================================================== products

# After "you" (when "do/can/could/would" stands before it) or a verb that asks it.
_ASK_BEFORE = re.compile(r"(?:do|can|could|would)\s+$")
_ASK_AFTER_YOU = re.compile(
    r"\s+(?:also\s+)?(?:make|manufacture|produce|supply|offer|have|sell|develop|fabricate)\s+"
    r"(?:an?\s+|the\s+|any\s+|such\s+|also\s+)?([^?.!\n,;]{3,60})"
)
_ASK_AFTER_VERB = re.compile(r"(?:\s+(?:sie|musunuz))?\s+([^?.!\n,;]{3,60})")
_ASK_WORDS = (
    (
        "ask",
        (
            "you|fabrican|producen|tienen|fabricam|produzem|fabriquez|produisez|"
            "stellen|produzieren|fabbricate|producete|производите|делаете|uretiyor|"
            "produkujecie"
        ),
    ),
)
# "Do you have a test report / price list / stock?" asks for no product.
_NOT_A_PRODUCT = re.compile(
    r"report|certif|licen|catalog|price|list|stock|moq|sample|photo|picture|video|audit|factory|"
    r"showroom|office|agent|website|account|experience|capacity|time|question|discount|offer|"
    r"quot|design|drawing|mou?ld|warehouse|payment|term|delivery|shipping|freight|any |such |"
    r"paperwork|document|compliance|papers|informa|"
    r"this|that|it\b|them\b|these|those|other|more|cheaper|better|same|similar|bigger|smaller"
)
_CATALOGUE_ONLY = re.compile(
    r"catalog|catalogue|price ?list|catalogo|katalog|каталог|الكتالوج|目录|fiyat listesi|cennik"
)


def _products(doc: _Doc, cat: _Catalog, product_id: str) -> tuple[ProductMatch, ...]:
    if not cat.entries:
        return ()
    pid = cat.compact.get(_compact(product_id)) if product_id else None
    mentions = cat.mentions(doc)
    resolved = [(m, match) for m in mentions for match in _resolve(doc, cat, m, mentions, pid)]
    out: dict[str, ProductMatch] = {}
    keyed = [
        (m.entry.label if m.entry.kind == "unrelated" else "", match)
        for m, match in _relevant(doc, cat, resolved)
    ]
    keyed += [
        ("", match) for match in itertools.chain(_asked(doc, cat, mentions), _oversize(doc, cat))
    ]
    for unmade, match in keyed:
        # One line per product: a catalog item once (named by id where the buyer gave it),
        # a product we do not make once per entry of our list.
        key = match.catalog_id or unmade or f"{match.how}:{_fold(match.name)}"
        old = out.get(key)
        if old is None or (match.how == "id" and old.how != "id"):
            out[key] = match
    items = {cat.index[m.catalog_id] for m in out.values() if m.catalog_id}
    families = {cat.categories[i] for i in items}
    matches = [m for m in out.values() if m.how != "category" or m.name not in families]
    if pid is not None and pid not in items and _listing_counts(doc, matches):
        matches.insert(0, ProductMatch(cat.ids[pid], "id", product_id, cat.ids[pid]))
    return tuple(matches[:MAX_PRODUCTS])


def _relevant(
    doc: _Doc, cat: _Catalog, resolved: list[tuple[_Mention, ProductMatch]]
) -> list[tuple[_Mention, ProductMatch]]:
    """Drop keyword matches that only repeat a product named more precisely: on the line
    that gives an item's id ("QL-CT402 bamboo picnic table"), or in a subject the body
    details ("Picnic basket for my bridesmaids" above "the 4 person one")."""

    def family(match: ProductMatch) -> str:
        return cat.categories[cat.index[match.catalog_id]] if match.catalog_id else ""

    id_lines: set[tuple[int, str]] = set()
    body: set[str] = set()
    for mention, match in resolved:
        if match.how == "id":
            id_lines.add((_line_of(doc, mention.start), family(match)))
        if mention.start >= doc.head and match.catalog_id:
            body.add(family(match))
    out = []
    for mention, match in resolved:
        if match.how in ("keyword", "category"):
            line = _line_of(doc, mention.start)
            if (line, family(match) or match.name) in id_lines:
                continue
            if mention.end <= doc.head and (family(match) or match.name) in body:
                continue
        out.append((mention, match))
    return out


def _listing_counts(doc: _Doc, matches: list[ProductMatch]) -> bool:
    """The platform listing names the product unless the buyer asks for something else
    we do not make, or only for a catalogue without naming any product."""
    if any(m.how in ("unrelated", "similar") for m in matches) and not any(
        m.catalog_id for m in matches
    ):
        return False
    return bool(matches) or not _CATALOGUE_ONLY.search(doc.folded)


def _resolve(
    doc: _Doc, cat: _Catalog, mention: _Mention, mentions: list[_Mention], pid: int | None
) -> list[ProductMatch]:
    entry = mention.entry
    quote = doc.text[mention.start : mention.end]
    if entry.kind == "unrelated":
        # Named as the buyer did ("4-person dome tents").
        return [ProductMatch(_similar_phrase(doc, mention), "unrelated", quote)]
    if entry.kind == "id":
        index = entry.items[0]
        return [ProductMatch(cat.ids[index], "id", quote, cat.ids[index])]
    if entry.kind == "code" and _line_has_other(doc, mention, mentions):
        return []
    before, after = _window(doc, mention)
    window = f"{before} {doc.folded[mention.start : mention.end]} {after}"
    chosen, conflict = _by_attributes(cat, entry, _attrs(window), _attrs(before[-24:]))
    if conflict and not chosen:
        phrase = _similar_phrase(doc, mention)
        return [ProductMatch(phrase, "similar", phrase)]
    if entry.kind == "category" and not chosen:
        return [ProductMatch(entry.label, "category", quote)]
    if not chosen:
        pool = entry.items + mention.alts + cat.describing(entry.label)
        chosen = [
            _best(
                cat,
                tuple(dict.fromkeys(pool)),
                window,
                entry.label,
                pid,
                len(entry.items + mention.alts),
            )
        ]
    return [ProductMatch(cat.ids[i], "keyword", quote, cat.ids[i]) for i in chosen]


def _line_has_other(doc: _Doc, mention: _Mention, mentions: list[_Mention]) -> bool:
    """A code ("A106") only stands in for a product on a line that names none."""
    line = _line_of(doc, mention.start)
    return any(
        m is not mention
        and m.entry.kind in ("id", "keyword", "unrelated")
        and _line_of(doc, m.start) == line
        for m in mentions
    )


def _window(doc: _Doc, mention: _Mention) -> tuple[str, str]:
    """Folded words just before and after a mention, within its line and clause."""
    folded = doc.folded
    line = _line_of(doc, mention.start)
    lo = max(doc.starts[line], mention.start - 32)
    hi = min(doc.starts[line + 1] - 1, mention.end + 32)
    before, after = folded[lo : mention.start], folded[mention.end : hi]
    before = re.split(r"[.;!?)]\s|,\s|\s[-–]\s|\d\)\s", before)[-1]
    after = re.split(r"[.;!?]\s|[,;]\s|\s[-–]\s", after)[0]
    return before, after


def _by_attributes(
    cat: _Catalog, entry: _Entry, attrs: tuple[str, ...], adjacent: tuple[str, ...]
) -> tuple[list[int], bool]:
    """Items chosen by the sizes next to a mention ("cooler box 25L and 45L"), and whether
    a size right before it ("6-person hamper") names none of our items although the
    category has that kind of size: an unlisted variant."""
    if not attrs:
        return [], False
    categories = {cat.categories[i] for i in entry.items}
    family = [i for i, c in enumerate(cat.categories) if c in categories]
    chosen: list[int] = []
    conflict = False
    for attr in dict.fromkeys(attrs):
        for pool in (entry.items, family):
            hits = [i for i in pool if attr in cat.attrs[i]]
            if hits:
                chosen.append(hits[0])
                break
        else:
            kind = attr.lstrip("0123456789.")  # "4p" → "p", "500ml" → "ml"
            if attr in adjacent and any(
                a.lstrip("0123456789.") == kind for i in family for a in cat.attrs[i]
            ):
                conflict = True
    return list(dict.fromkeys(chosen)), conflict


def _best(
    cat: _Catalog, items: tuple[int, ...], window: str, label: str, pid: int | None, own: int
) -> int:
    """The item a keyword most likely means among those it fits: the one whose other words
    the buyer also used ("API 5L PSL2 ERW pipe"), then the listing they wrote from, then the
    keyword's own item."""
    if len(items) == 1 and (pid is None or pid == items[0]):
        return items[0]
    context = {w for w in _WORD.findall(window) if len(w) >= 3} - _tokens(label)
    # Items the keyword only fits (past the first ``own``) need two shared words, not one.
    scores = {i: len(context & cat.words[i]) - (n >= own) for n, i in enumerate(items)}
    top = max(scores.values())
    best = [i for i in items if scores[i] == top]
    if (
        top <= 0
        and pid is not None
        and pid not in items
        and len(items) > 1
        and cat.categories[pid] == cat.categories[items[0]]
    ):
        return pid  # a keyword several items share, sent from a listing: that listing
    return pid if pid in best else best[0]


def _similar_phrase(doc: _Doc, mention: _Mention) -> str:
    """The buyer's phrase for a product: up to two words and a size before the noun
    ("6-person willow picnic hamper"), not crossing "and", "of" or punctuation."""
    line_start = doc.text.rfind("\n", 0, mention.start) + 1
    start = mention.start
    for m in reversed(list(_PHRASE_WORD.finditer(doc.text, max(line_start, start - 32), start))):
        if (
            m.end() != start
            or _fold(m.group(1)) in _STOPWORDS
            or _fold(m.group(1)) in ("a", "an", "your", "our", "my", "some", "of", "y", "e")
        ):
            break
        start = m.start()
        if start <= mention.start - 32 or m.group(1)[0].isdigit():
            break
    return _clip(doc.text[start : mention.end])


_PHRASE_WORD = re.compile(r"(\d+(?:[.,]\d+)?\s*[-‑]?\s*[^\W\d_]+|[^\W\d_][\w-]*)\s+")


def _asked(doc: _Doc, cat: _Catalog, mentions: list[_Mention]) -> list[ProductMatch]:
    """ "Do you make X?" for an X outside the catalog: similar if X shares our product words,
    unrelated otherwise."""
    out = []
    folded = doc.folded
    for at, after, _ in _hits(doc, "ask"):
        if folded[at:after] == "you":
            if not _ASK_BEFORE.search(folded, max(0, at - 8), at):
                continue
            m = _ASK_AFTER_YOU.match(folded, after)
        else:
            m = _ASK_AFTER_VERB.match(folded, after)
        if not m:
            continue
        start, end = m.span(1)
        if any(x.start < end and start < x.end for x in mentions):
            continue  # it names a catalog item or something already placed
        phrase = re.split(r"\s(?:if|for|with|in|that|or|to|and|from|like)\s", doc.text[start:end])[
            0
        ]
        words = [w.rstrip("s") for w in _tokens(phrase)]
        if not words or _NOT_A_PRODUCT.search(_fold(phrase)):
            continue
        how = "similar" if any(w in cat.vocabulary for w in words) else "unrelated"
        out.append(ProductMatch(_clip(phrase), how, _clip(phrase)))
    return out


# =============================================================================== quantity

# Words that count pieces, weight or containers after a number, as folded.
_QTY_UNITS = frozenset(
    _wordlist(
        "pc pcs piece pieces unit units set sets pair pairs nos ea pz pzs pezzi pieza piezas unidades "
        "unidad unid uds pecas pieces stuck stk шт штук штуки штука adet sztuk sztuki szt cartons "
        "carton ctns lengths length bars rolls dozen dozens bundles bundle barras tiras قطعة حبة "
        "mt tm ton tons tonne tonnes tonelada toneladas tonnen тонн тонны тонна т t طن "
        "container containers contenedor contenedores conteneur conteneurs contentor contentores "
        "conteiner conteineres kontener kontenery kontenerow konteyner konteynerler контейнер "
        "контейнера контейнеров حاوية حاويات fcl"
    )
)
_QTY_CJK_UNITS = "件个套只支片吨柜"
_QTY_CONTAINER_SIZE = re.compile(  # after a container word: "3 contenedores de 40'"
    r"\s+(?:de\s+)?(?:20|40|45)\s*(?:'|’|ft|pies)?\s*(?:gp|hq|hc|dv)?(?!\w)"
)
_QTY_BY_X = re.compile(  # after "x": "1 x 40HQ", "5 x 20'GP"
    r"\s*(?:20|40|45)\s*(?:(?:'|’|ft|feet|fuss|pies)\s*(?:gp|hq|hc|dv|fcl)?|gp|hq|hc|dv|fcl)(?!\w)"
)
_QTY_CONTAINER_TYPE = re.compile(r"(?:20|40|45)\s*(?:'|’|ft)?\s*(?:gp|hq|hc|dv)(?!\w)")

_QTY_PER = re.compile(  # "1 pc per polybag", "24 pcs per export carton", "4 pcs / master ctn"
    r"\s*(?:/|per|pro|por|par|в|за|each in a|in)\s*(?:an?\s+|one\s+|the\s+)?(?:\w+\s+){0,2}?"
    r"(?:poly\s?bag|bag|cartons?|ctns?|box|master|inner|pallet|bundle|колли|caja|karton|koli|"
    r"polybeutel|sack)"
)
_QTY_LABELS = (
    (
        "label",
        (
            r"qty|quantity|quantities|menge|cantidad|quantidade|quantite|quantita|количество|"
            r"объ[её]м\w*|ilosc|miktar|الكمية|数量|volume|total|итого|المجموع|gesamt\w*|"
            r"consumo|zapotrzebowanie|requirement"
        ),
    ),
    # A container counted in words: "one 40HC", "حاوية ٤٠ قدم".
    (
        "container",
        (
            r"(?:one|two|three|four|a|an|un|una|dos|tres|deux|trois|zwei|drei|ein|eine|"
            r"einen|bir|iki|один|два|три|jeden|dwa|trzy)\s+(?:(?:20|40|45)\s*(?:'|’|ft|"
            r"feet)?\s*(?:gp|hq|hc|dv)?\s*(?:containers?|contenedor|conteneur|konteyner|"
            r"kontener)|(?:20|40|45)\s*(?:'|’|ft)?\s*(?:gp|hq|hc|dv))|"
            r"حاوية\s*(?:20|40|45)\s*قدم"
        ),
    ),
)
_QTY_BEFORE_SKIP = re.compile(
    r"(?<![\w])(?:@|\$|€|£|¥|usd|eur|gbp|rmb|moq|min\.?|max\.?|approx\.? weight|weight|load|"
    r"capacity|size|week|kw|no\.?|ref\.?|po|#|tel|fax|phone|dn|od|id|wt|sch|bs|en|din|iso|astm|"
    r"api|gost|гост|jis|gb/t|nzs|type|grade|gr\.?|class|series|model|art\.?|item|code)\s*:?\s*$"
)
_QTY_WORD = re.compile(r"\s*([^\W_][\w'’-]*)")
_QTY_OF = re.compile(r"\s+(?:of|de|di)\s+(?:the|your|these|our|los|las|les|vos|i)?\s*")
_LENGTH_WORDS = frozenset(_wordlist("ft feet m meter meters metre metres metros metro yard yards"))
_SIZE_WORDS = frozenset(
    _wordlist(
        "mm cm m km kg g gr lb lbs oz l lt ltr liter liters litre litres litros qt quart quarts inch "
        "inches in ft feet gsm mpa psi bar kw w v hz d sch person persons pers people personas "
        "personnes persone personen pessoas osob osoby kisilik человек شخص day days week weeks "
        "month months year years hour hours store stores shop shops worker workers employees subs "
        "k m2"
    )
)


def _quantity(doc: _Doc, cat: _Catalog) -> str | None:
    """How much the buyer wants, in their words: quantities on a "Quantity:"/"Total" line
    first, then the others in text order; at most three."""
    found: list[tuple[bool, int, str, bool]] = []  # (not labelled, position, value, unit)
    folded, text = doc.folded, doc.text
    hits = _hits(doc, "quantity")
    labels = [start for start, _, kind in hits if kind == "label"]
    spans = [
        (number[0], *_quantity_end(doc, number, cat, labels))
        for number in _numbers(doc)
        if number[2] or labels
    ]
    spans += [(start, end, True) for start, end, kind in hits if kind == "container"]
    for start, end, unit in spans:
        if end is None or _QTY_BEFORE_SKIP.search(folded, max(0, start - 16), start):
            continue
        if _QTY_PER.match(folded, end):
            continue  # "1 pc per polybag", "4 pcs / master carton": packing, not order size
        labelled = _labelled(doc, labels, start)
        found.append((not labelled, start, " ".join(text[start:end].split()).rstrip("."), unit))
    # A bare number after "Quantity" counts only where nothing on its line has a unit.
    unit_lines = {_line_of(doc, pos) for _, pos, _, unit in found if unit}
    values: dict[str, str] = {}
    for _, pos, value, unit in sorted(found):
        if unit or _line_of(doc, pos) not in unit_lines:
            values.setdefault(re.sub(r"(?<=\d)[,.  ](?=\d{3})", "", value.lower()), value)
    return _join(list(values.values())[:3]) or None


def _labelled(doc: _Doc, labels: list[int], start: int) -> bool:
    """Whether a quantity label ("Qty", "Total", "Menge") precedes ``start`` on its line."""
    line_start = doc.starts[_line_of(doc, start)]
    return any(line_start <= label < start and start - label < 40 for label in labels)


def _quantity_end(
    doc: _Doc, number: tuple[int, int, str, int], cat: _Catalog, labels: list[int]
) -> tuple[int | None, bool]:
    """(end of "<number> <unit or product noun>", whether a unit counts it); end is None
    when the number counts nothing we sell."""
    start, end, word, after = number
    folded = doc.folded
    if word in ("x", "×", "*", "х"):
        by_x = _QTY_BY_X.match(folded, after)
        return (by_x.end(), True) if by_x else (None, False)
    if word in _QTY_UNITS or word.startswith(
        ("тонн", "kontener", "konteyner", "контейнер", "sztuk", "штук")
    ):
        size = _QTY_CONTAINER_SIZE.match(folded, after)
        return (size.end() if size else after), True
    if word[:1] and word[0] in _QTY_CJK_UNITS:
        return after - len(word) + 1, True
    if word in _LENGTH_WORDS and re.match(r"\s+(?:of|de)(?!\w)", folded[after : after + 5]):
        return after, True  # "60 ft of tubing"
    if word in ("hq", "hc", "gp", "dv") or _QTY_CONTAINER_TYPE.match(folded, end - 2):
        return None, False
    if word in _SIZE_WORDS or word in ("%", "°", '"', "”", "'"):
        return None, False  # "25 L", "120 kg", "14 stores": a size or another count
    number_text = folded[start:end]
    if _YEAR.fullmatch(number_text):
        return None, False
    noun = _counted_noun(folded, end, cat.nouns) if cat.nouns else None
    if noun:
        return noun, True
    if _labelled(doc, labels, start) and not re.match(r"[^\s.,;)]", folded[end : end + 1]):
        each = re.match(r"\s*(?:each|per item|per size|per colou?r)\b", folded[end : end + 20])
        return end + (each.end() if each else 0), False
    return None, False


_YEAR = re.compile(r"(?:19|20)\d\d")


def _is_noun(word: str, nouns: dict[str, tuple[str, ...]]) -> bool:
    return any(
        word.startswith(core) and len(word) - len(core) <= 4 for core in nouns.get(word[:3], ())
    )


def _counted_noun(folded: str, end: int, nouns: dict[str, tuple[str, ...]]) -> int | None:
    """End of a product noun within three words after a count: "50 nice picnic baskets",
    "20 of the 50 qt coolers"; None when a size unit comes first ("25 L cooler")."""
    of = _QTY_OF.match(folded, end)
    pos = of.end() if of else end
    if not of and not folded[end : end + 1].isspace():
        return None
    for _ in range(4 if of else 3):
        word = _QTY_WORD.match(folded, pos)
        if not word:
            return None
        text = word.group(1)
        if _is_noun(text, nouns):
            end = word.end(1)
            for _ in range(2):  # the whole noun phrase: "picnic baskets"
                more = _QTY_WORD.match(folded, end)
                if (
                    not more
                    or not _is_noun(more.group(1), nouns)
                    or "\n" in folded[end : more.start(1)]
                ):
                    break
                end = more.end(1)
            return end
        if not of and (text.isdigit() or text in _SIZE_WORDS):
            return None
        pos = word.end()
    return None


def _join(values: list[str], sep: str = "; ") -> str:
    out = ""
    for value in values:
        candidate = f"{out}{sep}{value}" if out else value
        if len(candidate) > MAX_VALUE:
            break
        out = candidate
    return out


# =============================================================================== price

_CUR_BEFORE = (
    r"(?:us\s?\$|u\$s|usd|eur|gbp|rmb|cny|jpy|aud|cad|nzd|chf|inr|aed|sar|pln|brl|"
    r"rub|r\$|a\$|c\$|nz\$|\$|€|£|¥|₹|₽|₺)"
)
_CUR_AFTER = (
    r"(?:usd|eur|euros?|gbp|rmb|cny|yuan|元|jpy|円|aud|cad|pln|zl|tl|try|rub|руб\w*|₽|"
    r"долл\w*\.?|dollars?|dolares|reais|\$|€|£|دولار|美元|ريال|درهم)"
)
_PER_UNIT = (
    r"(?:\s*(?:/|per|pro|por|par|за|each|la|le|a)\s*(?:pcs?|pieces?|units?|sets?|mt|"
    r"tons?|tonnes?|tm|t|m|kg|unidad|pieza|piece|stuck|stk|szt|adet|шт|т|тонн\w*|"
    r"pair|carton)(?!\w)|\s*(?:each|ea)(?!\w))"
)
_PRICE = re.compile(  # a Chinese word may stand right before: "目标价¥15"
    rf"(?<![$€£¥])(?<![^\W\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af])(?:{_CUR_BEFORE}\s?(?P<a>{_NUM})(?:\s*[-–~]\s*(?:{_CUR_BEFORE}\s?)?{_NUM})?"
    rf"|(?P<b>{_NUM})(?:\s*[-–~]\s*{_NUM})?\s?{_CUR_AFTER}(?!\w))(?P<unit>{_PER_UNIT})?"
)
_CURRENCY_WORDS = (
    (
        "currency",
        (
            r"usd|eur\w*|gbp|rmb|cny|jpy|aud|cad|nzd|chf|inr|aed|sar|pln|"
            r"brl|rub\w*|zl|tl|try|yuan|dollars?|dolares|reais|руб\w*|долл\w*|"
            r"\$|€|£|¥|₹|₽|₺|元|円|دولار|美元|ريال"
        ),
    ),
)
_PRICE_CUE = re.compile(
    r"(?:target|budget|our price|price|prices|around|about|approx|under|below|less than|"
    r"max|maximum|at most|not more than|land|landed|paid|pay|buying|buy|currently|objetivo|"
    r"presupuesto|precio|preco|alvo|prix|cible|zielpreis|preis|prezzo|целев\w*|цен\w*|бюджет|"
    r"fiyat|hedef|cena|docelow\w*|za|à|a|@|quote[ds]?|quotation|offer(?:ed)?|as per|"
    r"السعر|سعر|目标价|价格)\W*(?:\w+\W+){0,3}$"
)
_PRICE_ANTI_BEFORE = re.compile(
    r"(?:retail\w*|rrp|msrp|turnover|revenue|sales of|worth|value|deposit|commission|fee|"
    r"freight|shipping|courier|sample|capital|invest\w*|above|over|exceeding|orders? of|"
    r"charge|cost of the mold|mold)\W*(?:\w+\W+){0,2}$"
)
_PRICE_ANTI_AFTER = re.compile(
    r"\s*(?:k|m|mn|mio|million|billion|bn|less|more|cheaper|discount|off|lower|higher)\b"
    r"|\s*(?:/|per|a)\s*(?:yr|year|annum|month)|\s*(?:commission|deposit|fee)"
)
_INCOTERM_AFTER = re.compile(r"\s*,?\s*(?:fob|cif|cfr|c&f|cnf|exw|ddp|dap|fca|cpt|cip|dpu)\b")


def _target_price(doc: _Doc) -> str | None:
    """Prices the buyer states: a target or budget, an accepted quote, what they pay now.
    Money that is not a unit price (turnover, retail price, deposits) is left out."""
    values = []
    for index in _gate(doc, "currency"):
        fline, line = doc.flines[index], doc.lines[index]
        for m in _PRICE.finditer(fline):
            number = m.group("a") or m.group("b")
            start, end = m.start(), m.end()
            before = re.split(r"[.;!?)]\s", fline[max(0, start - 60) : start])[-1]
            after = fline[end : end + 30]
            if _PRICE_ANTI_BEFORE.search(before) or _PRICE_ANTI_AFTER.match(after):
                continue
            score = 2 * bool(_PRICE_CUE.search(before)) + 2 * bool(_INCOTERM_AFTER.match(after))
            score += bool(m.group("unit")) + bool(re.search(r"[.,]\d{1,2}$", number))
            if score >= 1:
                incoterm = _INCOTERM_AFTER.match(after)
                if incoterm:
                    end += incoterm.end()
                values.append(" ".join(line[start:end].split()))
    return _join(list(dict.fromkeys(values))[:3]) or None


# =============================================================================== incoterm, port

_INCOTERM = re.compile(
    r"(?<![A-Za-z])(FOB|CIF|CFR|CNF|C\s?&\s?F|C\+F|EXW|DDP|DAP|DDU|FCA|CPT|CIP|DPU)(?![A-Za-z])"
    r"|(?<![A-Za-z])(fob|cif|cfr|exw|ddp|Fob|Cif|Exw|Ddp)(?=\s+[A-Za-z])"
    r"|(?<![A-Za-z])([Ee]x[\s-]?[Ww]orks)(?![A-Za-z])"
)
_INCOTERM_WORDS = (
    (
        "incoterm",
        (
            r"fob|cif|cfr|cnf|c\s?&\s?f|c\+f|exw|ddp|dap|ddu|fca|cpt|cip|dpu|"
            r"ex[\s-]?works"
        ),
    ),
)
_CANONICAL_TERM = {"CNF": "CFR", "C&F": "CFR", "C+F": "CFR", "EXWORKS": "EXW"}
# Terms whose named place is the buyer's end (destination); FOB/FCA/EXW name our port.
_DESTINATION_TERMS = frozenset(_wordlist("CIF CFR CPT CIP DAP DDP DDU DPU"))


def _incoterms(doc: _Doc) -> list[tuple[str, int, int]]:
    """(canonical term, line index, end column) for each incoterm, in text order."""
    out = []
    for index in _gate(doc, "incoterm"):
        for m in _INCOTERM.finditer(doc.lines[index]):
            raw = re.sub(r"[\s-]", "", m.group(0)).upper()
            out.append((_CANONICAL_TERM.get(raw, raw), index, m.end()))
    return out


_PORTS = """
Hamburg|Hambourg|Amburgo|Гамбург
Bremerhaven
Bremen
Rotterdam|Роттердам
Antwerp|Antwerpen|Anvers|Amberes
Amsterdam
Felixstowe
Southampton
London Gateway
London
Tilbury
Liverpool
Avonmouth
Bristol
Immingham
Dublin
Le Havre|Havre
Marseille|Marseille-Fos
Fos-sur-Mer
Genoa|Genova|Gênes|Génova
La Spezia
Livorno
Naples|Napoli
Trieste
Venice|Venezia
Barcelona|Barcelone
Valencia
Algeciras
Bilbao
Lisbon|Lisboa
Leixoes|Leixões
Sines
Piraeus|Pireo|Pirée
Thessaloniki
Gdansk|Gdańsk|Danzig
Gdynia
Szczecin
Klaipeda|Klaipėda
Riga
Tallinn
Gothenburg|Göteborg|Goteborg
Aarhus
Copenhagen|København
Oslo
Helsinki
Saint Petersburg|St. Petersburg|St Petersburg|Санкт-Петербург
Novorossiysk|Новороссийск
Vladivostok|Владивосток
Constanta|Constanța
Koper
Istanbul|İstanbul
Ambarli|Ambarlı
Mersin
Izmir|İzmir
Haifa
Ashdod
Alexandria|الإسكندرية|الاسكندرية
Damietta|دمياط
Port Said|بورسعيد
Sokhna|Ain Sokhna
Jeddah|جدة|Jiddah
Dammam|الدمام
Jubail
Riyadh|الرياض
Jebel Ali|جبل علي
Dubai|دبي
Abu Dhabi
Khalifa Port
Sharjah
Sohar|صحار
Muscat
Salalah
Hamad|حمد
Doha|الدوحة
Kuwait|الكويت
Shuwaikh
Shuaiba
Bahrain
Khalifa Bin Salman
Umm Qasr|أم قصر|ام قصر
Basra|البصرة
Aqaba|العقبة
Beirut|بيروت
Latakia|اللاذقية
Bandar Abbas|بندر عباس
Karachi|كراتشي
Port Qasim
Mundra
Nhava Sheva|JNPT
Mumbai|Bombay
Chennai|Madras
Kolkata|Calcutta
Colombo
Chittagong|Chattogram
Yangon
Mombasa
Dar es Salaam
Djibouti|جيبوتي
Lagos
Apapa
Tin Can
Tema
Abidjan
Lomé|Lome
Cotonou
Dakar
Douala
Luanda
Maputo
Durban
Cape Town|Kaapstad
Port Elizabeth|Gqeberha
Casablanca|الدار البيضاء
Tangier|Tanger
Tanger Med|Tangier Med
Algiers|Alger|الجزائر
Tunis
Rades|Radès
Tripoli
Santos|Porto de Santos
Rio de Janeiro
Paranagua|Paranaguá
Itajai|Itajaí
Buenos Aires
Montevideo
San Antonio
Valparaiso|Valparaíso
Antofagasta
Callao
Guayaquil
Buenaventura
Cartagena
Barranquilla
Manzanillo
Lazaro Cardenas|Lázaro Cárdenas
Veracruz
Colon|Colón
Balboa
Puerto Cortes|Puerto Cortés
Santo Tomas de Castilla
Kingston
Long Beach
Los Angeles
Oakland
Seattle
Tacoma
Houston
Savannah
Charleston
Norfolk
Miami
New York
Newark
Baltimore
Vancouver
Montreal|Montréal
Toronto
Halifax
Sydney
Melbourne
Brisbane
Fremantle
Perth
Adelaide
Auckland
Tauranga
Lyttelton
Christchurch
Tokyo|東京
Yokohama
Osaka
Kobe
Nagoya
Busan|Pusan
Incheon
Kaohsiung
Keelung
Hong Kong
Singapore
Port Klang
Penang
Tanjung Pelepas
Jakarta
Tanjung Priok
Surabaya
Manila
Cebu
Laem Chabang
Bangkok
Ho Chi Minh City|Ho Chi Minh|HCMC|Saigon
Cat Lai
Hai Phong|Haiphong
Da Nang
Sihanoukville
Phnom Penh
Shanghai|上海
Ningbo|宁波
Tianjin|天津
Xingang
Qingdao|青岛
Shenzhen|深圳
Yantian
Guangzhou|广州
Nansha
Xiamen|厦门
Dalian|大连
Almaty|Алматы
Tashkent|Ташкент
Ekaterinburg|Yekaterinburg|Екатеринбург
Moscow|Москва
Novosibirsk|Новосибирск
Minsk|Минск
"""


def _port_table() -> dict[str, str]:
    table = {}
    for line in _PORTS.strip().splitlines():
        names = line.split("|")
        for name in names:
            table[_fold(name)] = names[0]
    return table


_PORT_NAMES = _port_table()
_MONTHS_EN = _wordlist(
    "january february march april may june july august september october november "
    "december jan feb mar apr jun jul aug sep sept oct nov dec"
)
_NOT_PLACES = frozenset(
    _MONTHS_EN
    + _wordlist(
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre "
        "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre "
        "januar februar marz juni juli oktober dezember monday tuesday wednesday thursday friday "
        "saturday sunday price prices please pls port basis terms term only also and or the our your "
        "we i by for with incoterms total payment delivery shipment q1 q2 q3 q4 kw cw week "
        "christmas chinese new year next this early end mid late first second our"
    )
)


@functools.lru_cache(maxsize=1)
def _regions() -> dict[str, str]:
    """Countries, and states of the countries whose buyers name them for delivery."""
    import pycountry  # loaded on first use: most inquiries never need it

    out = {}
    for country in pycountry.countries:
        for name in {country.name, getattr(country, "common_name", country.name)}:
            out[_fold(name)] = name
    for code in ("US", "CA", "AU"):
        for region in pycountry.subdivisions.get(country_code=code) or ():
            out.setdefault(_fold(region.name), region.name)
    return out


_PLACE_STEP = re.compile(r"[^\W_][\w'’.\-]*|\S")
_PORT_WORDS = re.compile(
    (
        r"\s*(?:(?:the\s+)?(?:port\s+of|puerto\s+de|porto\s+de|porto\s+di|port\s+de|port|hafen|"
        r"порт|ст\.|станци[яи]|station|gare|ميناء|مدينة)\s+)+"
    ),
    re.IGNORECASE,
)
_CONNECTORS = frozenset(_wordlist("de da do del des du di la le el al es of upon sur am an"))


def _place_at(line: str, pos: int) -> str:
    """The place named at ``pos``: capitalised words ("Dar es Salaam", "Port Klang"), a known
    port in any case or script, or ""."""
    skip = _PORT_WORDS.match(line, pos)
    if skip:
        pos = skip.end()
    while pos < len(line) and line[pos] in " \t":
        pos += 1
    words: list[str] = []
    for m in _PLACE_STEP.finditer(line, pos, min(len(line), pos + 60)):
        if m.start() > pos and line[pos : m.start()].strip():  # punctuation between words
            break
        word = m.group(0).rstrip(".")
        if not words and not word[:1].isalnum():
            return ""
        words.append(word)
        pos = m.end()
        if len(words) >= 4 or (m.group(0).endswith(".") and len(word) > 3):
            break  # "DDP Krefeld. Liefertermin ...": the sentence ends with the place
    # The longest run of leading words that is a known port wins, in any case or script;
    # a country or state is taken as written even in lower case ("shipped to michigan").
    for size in range(len(words), 0, -1):
        key = _fold(" ".join(words[:size]))
        name = _PORT_NAMES.get(key) or _regions().get(key)
        if name:
            return name
    kept: list[str] = []
    for i, word in enumerate(words):
        low = _fold(word)
        if low in _NOT_PLACES:
            break
        if word[:1].isupper() or (kept and word[:1].isdigit()) or _ARABIC.match(word):
            kept.append(word)
            if _ARABIC.match(word):
                break  # an Arabic name is one word unless the port list knows it
        elif low in _CONNECTORS and kept and i + 1 < len(words) and words[i + 1][:1].isupper():
            kept.append(word)
        else:
            break
    while kept and _fold(kept[-1]) in _CONNECTORS:
        kept.pop()
    return " ".join(kept)


# After a delivery word, up to two words and a preposition: "delivery needed in Mumbai".
_PORT_AFTER_CUE = re.compile(
    r"(?:\s+[^\s,.;:]{1,12}){0,2}?\s+(?:to|at|in|into|a|au|aux|ate|do|nach|до|в|إلى|para)\s+"
)
# Words a place may follow at once: "ETA Hamburg", "destination: Rotterdam", "port of X".
_PORT_DIRECT = re.compile(r"destination|eta|delivered|reach(?:es|ing)?|ميناء|hafen|порт\w*")
_PORT_OF_AFTER = re.compile(r"\s+(?:of|de|di)\s+")
# The delivery words ("deliver\w*", "eta") are written as in _DELIVERY_CUES: one branch.
_PORT_CUE_WORDS = (
    (
        "port",
        (
            r"deliver\w*|ship\w*|sent|freight|arriv\w*|reach\w*|destination|eta|"
            r"goods|stock|cargo|consegn\w*|entrega\w*|livraison|liefer\w*|"
            r"dostaw\w*|доставк\w*|frete|envio|teslim\w*|port\w*|puerto|porto|"
            r"hafen|порт\w*|ميناء|إلى"
        ),
    ),
)


def _port(doc: _Doc, incoterms: list[tuple[str, int, int]]) -> str | None:
    """The destination: the place after a C- or D-term ("CFR Dammam"), else after a delivery
    word ("delivery to Toronto", "ETA Hamburg").  FOB/FCA/EXW name our loading port."""
    places: list[str] = []
    for term, index, end in incoterms:
        if term in _DESTINATION_TERMS:
            line = doc.lines[index]
            to = re.match(
                r"\s*(?:price|prices|basis|rate|rates)?\s*(?:to|a|à|nach|до|in)?\s+", line[end:]
            )
            place = _place_at(line, end + (to.end() if to else 0))
            places.append(place)
    if not any(places):
        folded = doc.folded
        for start, end, _ in _hits(doc, "port"):
            line = _line_of(doc, start)
            base, word = doc.starts[line], folded[start:end]
            after = _PORT_AFTER_CUE.match(folded, end)
            if not after and word.startswith(("port", "puerto", "porto")):
                after = _PORT_OF_AFTER.match(folded, end)
            if after:
                places.append(_place_at(doc.lines[line], after.end() - base))
            elif _PORT_DIRECT.fullmatch(word):
                direct = re.match(r"\s*:?\s+", folded[end : end + 4])
                if direct:
                    places.append(_place_at(doc.lines[line], end + direct.end() - base))
    places = [p for p in dict.fromkeys(places) if p and p not in _CHINA_PORTS]
    return _join(places[:2], " / ") or None


# Our side of the trade: a place after "from" or FOB in China is where goods load.
_CHINA_PORTS = frozenset(
    _wordlist("Shanghai Ningbo Tianjin Qingdao Shenzhen Guangzhou Xiamen Dalian")
)


# =============================================================================== terms

_PAYMENT_WORDS = (
    (
        "payment",
        (
            r"t\s*/\s*t|tt|telegraphic transfer|wire transfer|by wire|bank transfer|l\s*/\s*c|lc|"
            r"letter of credit|d\s*/\s*p|d\s*/\s*a|cad|cash against|open account|o/a|western union|"
            r"moneygram|paypal|alipay|escrow|trade assurance|"
            r"balance (?:against|before|after|by|upon|on|within|\d+)|against (?:the )?(?:copy|scanned|b/l)|"
            r"carta de credito|credito documentario|akkreditiv|accreditivo|lettre de credit|credoc|"
            r"аккредитив\w*|akredytyw\w*|akreditif|اعتماد|信用证|电汇|预付|antecipad\w*|adiantad\w*|"
            r"pagamento parcial|saldo\w*|solde|resto|остальн\w*|остаток|reszt\w*|kalan\w*|"
            r"contra copia|contre copie|contro copia|gegen kopie|po kopii|against copy"
        ),
    ),
)
# "30% deposit", "30/70": a share of the price and when it is paid.
_PAYMENT_SHARE = re.compile(
    r"\d(?:\d{0,2}\s*%\s*(?:t/t\s*)?(?:deposit|advance|down|prepay\w*|upfront|with (?:the )?order|"
    r"upon|on pi|against|balance|before|after|anticipo|adelanto|adiantado|antecipado|"
    r"a la commande|anzahlung|vorkasse|zaliczk\w*|предоплат\w*|аванс\w*|pesin|avans|مقدم)"
    r"|\d\s*/\s*\d\d(?![\d/]))"
)


def _payment(doc: _Doc) -> str | None:
    """The buyer's payment terms: the clause with the first T/T, L/C, deposit split..."""
    found = [(start, end) for start, end, _ in _hits(doc, "payment")]
    for m in _PAYMENT_SHARE.finditer(doc.folded):
        split = re.fullmatch(r"(\d{2})\s*/\s*(\d{2})", m.group(0))
        if split and int(split.group(1)) + int(split.group(2)) != 100:
            continue  # "30/70" is a payment split; "12/25" is not
        if not (m.start() and doc.folded[m.start() - 1] in "0123456789/."):
            found.append(m.span())
    if not found:
        return None
    found.sort()
    start = found[0][0]
    line = _line_of(doc, start)
    base, next_line = doc.starts[line], doc.starts[line + 1]
    terms = [(s - base, e - base) for s, e in found if base <= s < next_line]
    return _segments(doc.lines[line], terms) or None


_MONTHS = (
    "january|february|march|april|june|july|august|september|october|november|december|"
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|"
    "diciembre|janeiro|fevereiro|marco|maio|junho|julho|setembro|outubro|novembro|dezembro|"
    "janvier|fevrier|mars|avril|juin|juillet|aout|septembre|octobre|decembre|januar|februar|"
    "marz|juni|juli|oktober|dezember|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|"
    "ottobre|dicembre|januari|februari|maart|mei|augustus|ocak|subat|mart|nisan|mayis|haziran|"
    "temmuz|agustos|eylul|ekim|kasim|aralik|styczn\\w*|lut(?:y|ego|ym)|marzec|marc[au]|"
    "kwie[tc]\\w*|maj[au]?|czerw\\w*|lip(?:iec|ca|cu)|sierp\\w*|wrzes\\w*|pazdziern\\w*|"
    "listopad\\w*|grud(?:zien|nia|niu)|январ\\w*|феврал\\w*|март\\w*|апрел\\w*|ма[яи]|июн\\w*|"
    "июл\\w*|август\\w*|сентябр\\w*|октябр\\w*|ноябр\\w*|декабр\\w*|mai|"
    "يناير|فبراير|مارس|أبريل|ابريل|مايو|يونيو|يوليو|أغسطس|اغسطس|سبتمبر|أكتوبر|اكتوبر|نوفمبر|ديسمبر"
)
_TIME_WORDS = (
    (
        "date",
        _MONTHS + r"|(?:week|wk|kw|cw|calendar week|semaine|semana|settimana|неделя|hafta|"
        r"tydzien)\s*\d{1,2}|q1|q2|q3|q4",
    ),
    # Abbreviations count next to a day or a year only: "may" and "mar" are words too.
    ("abbreviation", "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"),
    # Periods and quarters count after a number: "within 30 days", "2. Quartal".
    (
        "period",
        (
            r"days?|weeks?|months?|dias|días|dia|semanas?|meses|jours?|semaines?|mois|tage?n?|"
            r"wochen|monate?n?|giorni|settimane|mesi|дн\w*|недел\w*|месяц\w*|gun|hafta|dni|"
            r"tygodni\w*|miesi\w*|quarter|quartal|trimestre|квартал\w*|أيام|يوما|يوم|أسابيع|"
            r"天|周|个月|月"
        ),
    ),
)
_NUMBER_BEFORE = re.compile(
    r"\d+(?:\s*(?:-|to|~)\s*\d+)?(?:st|nd|rd|th)?\.?\s*(?:working |business |calendar )?$"
)
_DAY_AFTER = re.compile(r"\.?\s+(?:\d{1,2}(?!\d)|20\d\d)")
_DATE = re.compile(r"20\d\d[-/.]\d{1,2}[-/.]\d{1,2}|[./]\d{1,2}[./](?:20)?\d\d(?!\d)")


def _times(doc: _Doc) -> list[tuple[int, int]]:
    """Spans of dates and periods: "15 January 2027", "KW 12", "Q1", "within 30 days"."""
    folded = doc.folded
    spans = []
    for start, end, kind in _hits(doc, "time"):
        if kind != "date":
            number = _NUMBER_BEFORE.search(folded, max(0, start - 24), start)
            if number:
                start = number.start()
            elif kind == "period" or not _DAY_AFTER.match(folded, end):
                continue
        spans.append((start, end))
    for m in _DATE.finditer(folded):
        start = m.start()
        if m.group(0)[0] in "./":  # "15/01/2027": the day is before the separator
            day = re.search(r"(?<![\d.,/])\d{1,2}$", folded[max(0, start - 2) : start])
            if not day:
                continue
            start -= len(day.group(0))
        spans.append((start, m.end()))
    return sorted(spans)


_DELIVERY_CUES = (
    (
        "strong",
        (
            r"deliver\w*|ship\w*|eta|etd|arriv\w*|lead[\s-]?time|cargo ready|ready date|on board|"
            r"on the water|loading|(?:in|into) (?:our |the )?(?:warehouse|stock|stores?)|on site|land\w*|"
            r"reach\w*|latest|not later than|no later than|lieferzeit|liefertermin|liefer\w*|versand\w*|"
            r"plazo\w*|entrega\w*|embarque\w*|despacho|prazo\w*|envio|delai\w*|livraison|livrer|depart|"
            r"arrivee|expedition|consegn\w*|spedizion\w*|termin\w*|dostaw\w*|wysy\w*|magazyn\w*|срок\w*|"
            r"отгрузк\w*|поставк\w*|доставк\w*|teslim\w*|sevk\w*|التسليم|الشحن|التجهيز|التوريد|交货|交期|"
            r"发货|到货|交付|almacen|armazem|lager|magazzino|warehouse|mercancia|mercadoria|stock"
        ),
    ),
    (
        "weak",
        (
            r"order\w*|po|pedido|commande|bestell\w*|ordine|заказ\w*|siparis|zamowien\w*|decision|award\w*|"
            r"vergabe|season|temporada|saison|stagione|сезон\w*|sezon\w*|موسم|start\w*|need\w*|want\w*|"
            r"required|brauchen|necesit\w*|precis\w*|besoin|нужн\w*|potrzeb\w*|ihtiyac\w*|نحتاج|"
            r"confirm\w*|erwartet|expected|probabl\w*"
        ),
    ),
)
# A period for the quotation or a reply ("offer in 2 days") is not a delivery time.
_NOT_DELIVERY = re.compile(r"offer|quot|repl|respon|answer|price|cotiz|angebot|devis")


def _delivery(doc: _Doc) -> str | None:
    """When the buyer needs the goods: a clause with a delivery word and a date or period.
    Order and season words count only when no delivery word gives a date."""
    times = _times(doc)
    cues = _hits(doc, "delivery")
    for strength in ("strong", "weak") if times else ():
        starts = [start for start, _, kind in cues if kind == strength]
        values: dict[int, str] = {}
        for start, end in times:
            line = _line_of(doc, start)
            if line in values:
                continue
            base = doc.starts[line]
            s, e = start - base, end - base
            fline = doc.flines[line]
            # The cue may be the label before a colon: "Liefertermin: KW 12/2027".
            left, right = _clause_span(fline, s, e, _SENTENCE_EDGES)
            if _NOT_DELIVERY.search(fline, max(0, s - 25), s) or not any(
                base + left <= cue < base + right for cue in starts
            ):
                continue
            cue = min(
                (c for c in starts if base + left <= c < base + right), key=lambda c: abs(c - start)
            )
            values[line] = _segments(doc.lines[line], [(s, e), (cue - base, cue - base + 1)])
        if values:
            return _join(list(dict.fromkeys(v for v in values.values() if v))[:2]) or None
    return None


_SHIPPING = (
    (
        "rail",
        (
            r"by rail|rail\w*|train|ж/д|жд|железн\w*|вагон\w*|bahn|ferroviaire|ferrocarril|"
            r"kolej\w*|demiryolu|铁路|سكة حديد|قطار"
        ),
    ),
    (
        "air",
        (
            r"air ?freight|by air|air shipment|air cargo|luftfracht|aereo|fret aerien|авиа\w*|"
            r"شحن جوي|جوا|空运"
        ),
    ),
    (
        "express",
        (
            r"dhl|fedex|tnt|ems|aramex|courier|express|kurier|correio|door to door|"
            r"puerta a puerta|快递"
        ),
    ),
    (
        "sea",
        (
            r"sea ?freight|by sea|ocean freight|vessel|lcl|fcl|maritimo|por mar|seefracht|"
            r"fret maritime|морем|морск\w*|شحن بحري|بحرا|海运"
        ),
    ),
)
_SAMPLE_WORDS = (
    (
        "sample",
        (
            r"sampl\w*|muestr\w*|amostr\w*|echantill\w*|muster\w*|campion\w*|"
            r"образ\w*|numune\w*|probk\w*|عين\w*|样品|样"
        ),
    ),
)


def _shipping(doc: _Doc) -> str | None:
    """Sea, air, express or rail for the goods; a courier for samples does not count."""
    samples = set(_gate(doc, "sample"))
    for start, _, mode in _hits(doc, "shipping"):
        if mode == "express" and _line_of(doc, start) in samples:
            continue  # a courier for samples says nothing of how the goods travel
        return mode
    return None


_SAMPLE_FREE = re.compile(
    r"free (?:of charge )?samples?|samples? (?:free|for free|free of (?:charge|cost)|at no cost|"
    r"gratis)|free (?:display )?samples?|(?:no|not|n't|cannot|unable to|will not|won't|do not|"
    r"don't) (?:to )?pay (?:for )?(?:the )?(?:samples?|shipping|courier|freight|sample or courier)|"
    r"(?:shipping|courier|freight) (?:covered|paid) by you|free of cost|send (?:them )?prepaid|"
    r"courier collect is not possible|(?:do not|don't) have a courier account|"
    r"(?:samples?|dhl charges?) should be free|muestras? (?:gratis|gratuitas?|sin costo)|"
    r"amostras? gratis|echantillons? gratuits?|kostenlose[sn]? muster|muster kostenlos|"
    r"campion[ei] gratuit[oi]|бесплатн\w* образ\w*|образ\w* бесплатн\w*|عين\w* مجاني\w*|"
    r"免费样品|免费寄样|ucretsiz numune|darmow\w* probk\w*"
)
_SAMPLE_PAYS = re.compile(
    r"(?:we|i)(?:'ll| will| can| would| are happy to| are willing to)? (?:gladly |happily )?"
    r"(?:pay|cover) (?:for )?(?:the |a |\d+ )?(?:sample|samples|sample cost|courier|shipping|freight|"
    r"it|them|cost)|sample (?:cost|fee|charge)s? (?:is|are|will be) (?:ok|fine|no problem|paid)|"
    r"(?:on|via|using|with) (?:our|my) (?:fedex|dhl|ups|tnt|courier|express) (?:account|no)|"
    r"freight collect|courier collect(?! is not)|la pagamos|lo pagamos|pagamos (?:el|la|los|las|o)"
    r"|nous (?:payons|paierons|prenons en charge)|wir (?:bezahlen|zahlen|ubernehmen)|paghiamo|"
    r"zaplacimy|оплатим|odeyecegiz|سندفع|我们(?:支付|承担)"
)
_SAMPLE_REQUEST = re.compile(
    r"send|need|want|provide|request|require|can (?:you|we|i)|could you|would like|please|pls|"
    r"kindly|cost|price|how much|envi|mand|schick|sende|kostet|invia|прислать|пришлите|отправ|"
    r"أرسل|ارسال|寄|gonder|przesl|wyslij|quer|deseo|besoin|bitte|possible|need|chcemy|нужн"
)
_SAMPLE_PAST = re.compile(
    r"approved|received|you sent|we got|tested|came back|pre-production|thanks? (?:you )?for|"
    r"thank you for|after (?:the )?samples?|on the samples|certificate|report|invoice"
)


def _sample(doc: _Doc) -> str | None:
    """ "pays" when the buyer offers to pay samples or courier, "free" when they want them
    free, "request" when they only ask for samples."""
    words = [(start, end) for start, end, _ in _hits(doc, "sample")]
    if not words:
        return None
    lines = sorted({_line_of(doc, start) for start, _ in words})
    flines = doc.flines
    near = "\n".join(" ".join(flines[max(0, i - 1) : i + 2]) for i in lines)
    for m in _SAMPLE_PAYS.finditer(near):
        if not re.search(
            r"(?:not|n't|no|cannot|unable to)\s*$", near[max(0, m.start() - 12) : m.start()]
        ):
            return "pays"
    if _SAMPLE_FREE.search(near):
        return "free"
    for start, end in words:
        line = _line_of(doc, start)
        clause = _clause(flines[line], start - doc.starts[line], end - doc.starts[line])
        if _SAMPLE_REQUEST.search(clause) and not _SAMPLE_PAST.search(clause):
            return "request"
    return None


# =============================================================================== specs, packing

_SPEC_AT = re.compile(  # matched where a number starts
    r"\d(?:"
    r"\d*+(?:[.,]\d+)?\s*(?:mm|cm|\"|”)?\s*[x×*хX]\s*\d+(?:[.,]\d+)?"
    r"(?:\s*(?:mm|cm|\"|”)?\s*[x×*хX]\s*\d+(?:[.,]\d+)?)?(?:\s*(?:mm|cm|m|\"|”|inch))?"
    r"|\d*+(?:[.,]\d+)?\s*(?:ml|l|lt|ltr|liters?|litres?|litros?|liter|qt|quarts?)(?![\w/])"
    r"|\d*+\s*[-‑]?\s*(?:person|persons|people|personas|personnes|persone|personen|pessoas|"
    r"osob\w*|kisilik|kişilik)(?!\w)"
    r"|\d{1,3}+\s?[Dd](?=\s+(?:recycled\s+)?(?:oxford|polyester|nylon|fabric|pvc|poly))"
    r"|\d*+(?:[.,]\d+)?\s*(?:mm|cm)(?!\w)"
    r"|\d?(?:[-\s]\d/\d)?\s*(?:\"|”|inch(?:es)?|pulgadas?|polegadas?|дюйм\w*|انج|إنش)(?!\w)"
    r"|/\d\s*(?:\"|”)"
    r"|\d*+(?:[.,]\d+)?\s*m\s+(?:lengths?|long|DRL|SRL)(?!\w)|\d*+(?:[.,]\d+)?\s*(?:ft|')\s+lengths?"
    r"|\d*+\s*(?:gsm|g/m2|g/m²)"
    r"|\d*+(?:[.,]\d+)?\s*(?:kg|lbs?)\s+(?:load|capacity|max)(?!\w))"
)
_SPEC_CODES = (
    (
        "code",
        (  # standards, grades and sizes, as written (in capitals)
            r"ASTM\s?[A-Z]\s?\d+(?:\s?(?:Gr\.?|Grade)\s?[A-Z0-9]+)?|ASME\s?[A-Z]+\s?\d+|"
            r"API\s?5[LC]T?(?:\s+(?:Gr\.?\s?)?(?:B|X\d\d)M?)?(?:\s+PSL\s?[12])?|"
            r"EN\s?\d{3,5}(?:-\d)?|BS\s?\d{3,4}(?:\s+(?:light|medium|heavy|Light|Medium|Heavy))?|"
            r"DIN\s?\d{3,5}|JIS\s?[A-Z]\s?\d{3,4}|GB/T\s?\d+|AS/NZS\s?\d{4}(?:\.\d)?|GOST\s?\d+|ГОСТ\s?\d+|"
            r"S235J[R0-2]H?|S275J[R0-2]H?|S355J[R0-2]H?|S420\w*|S460\w*|S235|S275|S355|"
            r"X42M?|X46M?|X52M?|X56M?|X60M?|X65M?|X70M?|X80M?|PSL\s?[12]|Q195|Q215|Q235[A-E]?|"
            r"Q345[A-E]?|Q355[A-E]?|TP\s?3\d\dL?|C350L0|Z40|Z60|Z80|Z90|Z100|Z120|Z140|Z180|Z200|Z220|"
            r"Z275|Z350|Z450|Z600|P235GH|P265GH|SCH\.?\s?\d+S?|STD|XXS|XS|DN\s?\d+(?:\s?[-–]\s?DN\s?\d+)?|"
            r"Pantone\s?\d{3,4}\s?[A-Z]?|OD\s?\d+(?:[.,]\d+)?(?:\s?mm)?|ID\s?\d+(?:[.,]\d+)?(?:\s?mm)?|"
            r"WT\s?\d+(?:[.,]\d+)?(?:\s?mm)?|Ø\s?\d+(?:[.,]\d+)?(?:\s?mm)?"
        ),
    ),
)
_SPEC_WORDS = (
    (
        "material",
        (  # materials, colours, logos, in any case
            r"recycled (?:polyester|nylon|fabric|pet)|polyester|oxford|nylon|canvas|rpet|peva|lldpe|hdpe|"
            r"pu foam|aluminium|aluminum|stainless steel|willow|bamboo|rattan|wicker|leather|cotton|linen|"
            r"screen[\s-]?print\w*|pad[\s-]?print\w*|silk[\s-]?print\w*|private label|logodruck|"
            r"siebdruck|with logo|our logo|own logo|custom logo|logo print\w*|logo on|custom colou?rs?|"
            r"own colou?rs?|colou?rs?\s?:\s?[^.\n;:]{2,40}|farbe\s?:\s?[^.\n;:]{2,40}|"
            r"couleurs?\s?:\s?[^.\n;:]{2,40}|colores?\s?:\s?[^.\n;:]{2,40}|colori\s?:\s?[^.\n;:]{2,40}|"
            r"цвет\w*\s?:\s?[^.\n;:]{2,40}"
        ),
    ),
)
_SPEC_UNIT_WORDS = frozenset(
    _wordlist(
        "mm cm m ml l lt ltr liter liters litre litres litros qt quart quarts person persons people "
        "personas personnes persone personen pessoas osob osoby kisilik kişilik d ft lengths gsm g "
        "kg lb lbs inch inches pulgada pulgadas polegada polegadas дюйм дюйма дюймов انج إنش "
        "x х"
    )
)
_CONTAINER_AFTER = re.compile(r"\s*(?:'|’|ft|hq|hc|gp|dv|fcl|container)", re.IGNORECASE)


def _specs(doc: _Doc) -> str | None:
    """Sizes, materials, standards, grades and colours the buyer gives, in text order."""
    text = doc.text
    found: list[tuple[int, int]] = []
    for start, _, word, _ in _numbers(doc):
        if not word or (word.isalpha() and word not in _SPEC_UNIT_WORDS):
            continue  # "3000 pcs", "2 samples": not a size
        m = _SPEC_AT.match(text, start)
        if (
            not m
            or _CONTAINER_AFTER.match(text, m.end())
            or re.fullmatch(r"\d+\s*[x×*]\s*(?:20|40|45)", m.group(0))
        ):
            continue  # "1 x 40HQ" is a quantity
        found.append(m.span())
    found += [(start, end) for start, end, _ in _hits(doc, "spec")]
    found.sort(key=lambda span: (span[0], -span[1]))
    values, reach = [], -1
    for start, end in found:  # the longest at a start; what lies inside it is dropped
        if end > reach:
            values.append(" ".join(text[start:end].split()).strip(" ,;"))
            reach = end
    values = [v for v in dict.fromkeys(values) if v and v.upper() not in _CERT_STANDARDS]
    return _join(values, ", ") or None


_CERT_STANDARDS = frozenset({"EN 10204", "EN10204", "ISO 9001", "ISO9001"})

_PACKING = (
    (
        "packing",
        (
            r"poly ?bag\w*|opp bag|pe bag|master cartons?|export cartons?|inner cartons?|outer cartons?|"
            r"cartons?|ctns?|colou?r box(?:es)?|gift box(?:es)?|retail box(?:es)?|display box(?:es)?|"
            r"inner box(?:es)?|brown box(?:es)?|white box(?:es)?|blister\w*|shrink[\s-]?wrap\w*|"
            r"bundle[sd]?|bundling|pallets?|palett\w*|wooden (?:case|crate|frame)s?|crates?|"
            r"barcode labels?|ean (?:labels?|code)|fnsku\w*|shipping marks?|plastic caps|end caps|"
            r"stuff sack|carry bag|polybeutel|einzelverpackung|umverpackung|karton\w*|scatola\w*|caja\w*|"
            r"caixa\w*|boite\w*|коробк\w*|ambalaj|koli|opakowan\w*|capuchones|hexagonal bundles|"
            r"steel strips|纸箱|كرتون"
        ),
    ),
    (
        "label",
        (
            r"packing|packaging|package|packed|embalaje|empaque|embalagem|embalad\w*|emballage|emballe\w*|"
            r"conditionnement|verpackung|verpackt|confezione|imballo|imballat\w*|упаковка|ambalaj|"
            r"opakowanie|包装|التغليف|التعبئة"
        ),
    ),
)
_PACKING_LABEL = re.compile(
    r"(?:packing|packaging|package|embalaje|empaque|embalagem|emballage|conditionnement|"
    r"verpackung|confezione|imballo|упаковка|ambalaj|opakowanie|包装|التغليف|التعبئة)"
    r"(?:\s*[/&]\s*\w+)?\s*[:：]|(?:packed|packing|embalad[oa]s?|emballes?|verpackt|imballat[oi])"
    r"\s+(?:in|en|em|dans|in)\s"
)
_PACKING_ASKED = re.compile(
    r"(?:dimension\w*|dims?|size|sizes|taille|gro(?:ss|ß)e|medidas|"
    r"dimensioni|размер\w*|photos?|fotos?|pictures?)\W+(?:\w+\W+){0,2}$"
)
_PACKING_NOT = re.compile(
    r"\s*(?:list|details?|size|data|dims?|dimensions?|info|information|"
    r"photos?|pictures?|sdaten|daten)\b"
)


def _packaging(doc: _Doc) -> str | None:
    """How the goods are packed: the clause with a packing word ("1 pc in polybag"), first on
    a line the buyer labels "Packing:", else anywhere; a bare label gives its next line."""
    hits = _hits(doc, "packing")
    labelled = sorted(
        {
            line
            for start, _, kind in hits
            if kind == "label" and _PACKING_LABEL.search(doc.flines[line := _line_of(doc, start)])
        }
    )
    words = []
    folded = doc.folded
    for start, end, kind in hits:
        if kind == "label":
            continue
        if _PACKING_NOT.match(folded, end) or _PACKING_ASKED.search(
            folded, max(0, start - 25), start
        ):
            continue
        words.append((_line_of(doc, start) not in labelled, start, end))
    if words:
        _, start, end = min(words)
        line = _line_of(doc, start)
        return _clause(doc.lines[line], start - doc.starts[line], end - doc.starts[line]) or None
    for index in labelled:
        label = _PACKING_LABEL.search(doc.flines[index])
        rest = doc.lines[index][label.end() :].strip()
        if not rest and index + 1 < len(doc.lines):
            rest = doc.lines[index + 1]
        if _clip(rest):
            return _clip(rest)
    return None


# =============================================================================== certificates

_CERTS = (
    ("BSCI", r"bsci"),
    ("SMETA", r"smeta"),
    ("Sedex", r"sedex"),
    ("WCA", r"wca"),
    ("SA8000", r"sa\s?8000"),
    ("ISO 9001", r"iso\s?9001"),
    ("ISO 14001", r"iso\s?14001"),
    ("ISO 45001", r"iso\s?45001"),
    ("ISO 22000", r"iso\s?22000"),
    ("ISO", r"iso (?:certificate|certified|certification)"),
    ("FSC", r"fsc"),
    ("PEFC", r"pefc"),
    ("GRS", r"grs"),
    ("RCS", r"rcs"),
    ("OEKO-TEX", r"oeko[\s-]?tex"),
    ("LFGB", r"lfgb"),
    ("FDA", r"fda"),
    ("EC 1935/2004", r"1935\s*/\s*2004"),
    (
        "food contact",
        (
            r"food[\s-]contact|contact alimentaire|contacto alimentario|"
            r"contato alimentar|contatto alimentare|lebensmittel\w*|пищев\w*|食品级"
        ),
    ),
    ("Prop 65", r"prop(?:osition)?\s*65"),
    ("RoHS", r"rohs"),
    ("CPSIA", r"cpsia"),
    ("EN 71", r"en\s?71(?:-\d)?"),
    ("EN 581", r"en\s?581(?:-\d)?|en581(?:-\d)?"),
    ("AZO-free", r"azo[\s-]?free"),
    ("PAH", r"pah|pak-?prufbericht\w*|afps\s*gs"),
    ("TÜV", r"tuv"),
    ("GS", r"gs[\s-]mark"),
    ("UKCA", r"ukca"),
    ("UL", r"ul[\s-](?:listed|certified|certificate)"),
    ("ETL", r"etl"),
    ("FM approved", r"fm[\s-]approv\w*"),
    ("SAA", r"saa"),
    ("SASO", r"saso"),
    ("SABER", r"saber"),
    ("GSO", r"gso"),
    ("G-Mark", r"g[\s-]mark"),
    ("SONCAP", r"soncap"),
    ("PVoC", r"pvoc"),
    ("KEBS", r"kebs"),
    ("INMETRO", r"inmetro"),
    ("EAC", r"eac|тр\s*тс|tr\s*cu|еаэс"),
    ("GOST", r"gost|гост"),
    (
        "CoC",
        (
            r"coc|certificate of conformity|certificado de conformidad|"
            r"شهادة المطابقة|сертификат соответствия|декларац\w* соответств\w*"
        ),
    ),
    ("BPS ICC", r"bps\s+icc"),
    ("IGBC", r"igbc"),
    ("Japan Food Sanitation Act", r"food sanitation act"),
    (
        "test report",
        (
            r"test reports?|prufbericht\w*|pruefbericht\w*|informe de (?:ensayo|prueba)|"
            r"rapport d'essai|rapporto di prova|протокол\w* испытани\w*|raport\w* z badan"
        ),
    ),
    (
        "certificate of origin",
        (
            r"certificate of origin|certificado de origen|certificado de origem|"
            r"certificat d'origine|ursprungszeugnis|сертификат\w* происхождения|"
            r"form\s?[ae](?!\w)|شهادة (?:ال)?منشأ"
        ),
    ),
    (
        "EN 10204 3.1",
        (
            r"en\s?10204(?:[\s/:-]*3\.1)?|3\.1\s+(?:по\s+)?(?:en|mill|mtc|cert\w*|"
            r"сертификат\w*|test)|(?:mill|material)\s+(?:test\s+)?cert\w*|mtc|"
            r"сертификат\w* 3\.1|شهادات الفحص 3\.1|certificado\s+(?:de calidad\s+)?"
            r"(?:en 10204|3\.1)|en10204"
        ),
    ),
    (
        "API 5L",
        (
            r"api\s?5l (?:monogram|licen[cs]e|certificate|certified)|api (?:monogram|licen[cs]e|"
            r"certificate|license no)"
        ),
    ),
    ("EN 10219 FPC", r"fpc"),
    ("SGS", r"sgs"),
    ("BV", r"bureau veritas|bv"),
    ("Intertek", r"intertek"),
    (
        "third-party inspection",
        (
            r"third[\s-]party inspection|tpi|inspecci[oó]n por tercera parte|"
            r"inspection tierce|inspeccion de terceros"
        ),
    ),
    ("SNI", r"sni"),
    ("BIS", r"bis certif\w*"),
)
_CERTS_CASED = (  # words that are also ordinary words when not in capitals
    ("CE", r"CE(?!\s*(?:No\.?\s*)?1935)"),
    ("REACH", "REACH"),
    ("SNI", "SNI"),
    ("BIS", "BIS"),
    ("UL", r"UL(?=\s*(?:/|listed|certif))"),
    ("PVoC", r"TBS(?=\s*PVoC)"),
)


def _certificates(doc: _Doc, cat: _Catalog) -> tuple[str, ...]:
    names = list(dict.fromkeys(value for _, _, value in _hits(doc, "cert")))
    return tuple(names + _seller_certificates(doc, cat, names))


def _seller_certificates(doc: _Doc, cat: _Catalog, names: list[str]) -> list[str]:
    """Our own certificates the buyer names that the vocabulary does not already cover."""
    out = []
    covered = {_compact(n) for n in names}
    for certificate, code, regex in _seller_codes(cat.certificates):
        if code in covered or any(code in c or c in code for c in covered):
            continue
        if regex.pattern[:2] not in doc.folded:
            continue
        for m in regex.finditer(doc.folded):
            if m.start() and doc.folded[m.start() - 1].isalnum():
                continue
            # A code such as "API 5L" is often the product standard; it is the certificate
            # only where the buyer speaks of certificates, licences, reports or audits.
            if _CERT_CONTEXT.search(doc.folded, max(0, m.start() - 40), m.end() + 40):
                out.append(certificate)
                break
    return out


_CERT_CONTEXT = re.compile(
    r"certif\w*|licen[cs]\w*|monogram|report|audit|test|zertifik\w*|prufbericht\w*|"
    r"certificado|certificat|сертифик\w*|протокол\w*|شهاد\w*|rapport|raport\w*|belge|証明|证书"
)


@functools.lru_cache(maxsize=64)
def _seller_codes(certificates: tuple[str, ...]) -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    """(certificate, compact code, regex) for each seller certificate with a code in it:
    "EN 581 test reports" → "en581"."""
    out = []
    for certificate in certificates:
        m = re.match(
            r"\s*((?:[A-Z][A-Z0-9/-]*\d*|\d+[A-Z]*)(?:[ .-]?(?:[A-Z]+\d*|\d+[A-Z]*|\d+\.\d+))*)",
            certificate,
        )
        if not m or len(m.group(1).strip()) < 2:
            continue
        code = m.group(1).strip()
        parts = re.findall(r"[a-z]+|\d+(?:\.\d+)?", _fold(code))
        regex = re.compile(r"[\s-]?".join(map(re.escape, parts)) + r"(?![a-z0-9])")
        out.append((certificate, _compact(code), regex))
    return tuple(out)


# =============================================================================== the scan

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
