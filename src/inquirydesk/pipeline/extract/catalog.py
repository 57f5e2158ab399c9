"""A seller's catalog compiled for matching, once per ``Seller``.

Item ids, keywords, names, categories, unique standard codes and the products the seller
does not make become one vocabulary (``_Catalog.vocab``); sizes ("25 L", "4-person")
tell catalog siblings apart.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

from inquirydesk.model import Seller
from inquirydesk.pipeline.extract.text import _ARABIC, _UNSPACED, _WORD, _Doc, _fold, _wordlist
from inquirydesk.pipeline.extract.vocabulary import _Vocab

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


_SIZE_WORDS = frozenset(
    _wordlist(
        "mm cm m km kg g gr lb lbs oz l lt ltr liter liters litre litres litros qt quart quarts "
        "inch inches in ft feet gsm mpa psi bar kw w v "
        "hz d sch person persons pers people personas "
        "personnes persone personen pessoas osob osoby kisilik человек شخص day days week weeks "
        "month months year years hour hours store stores shop shops worker workers employees subs "
        "k m2"
    )
)
