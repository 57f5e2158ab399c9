"""Products the buyer names: catalog items by id or keyword, categories, things we do
not make, and "do you make X?" questions."""

from __future__ import annotations

import itertools
import re

from inquirydesk.model import ProductMatch
from inquirydesk.pipeline.extract.catalog import (
    _MM,
    _STOPWORDS,
    _attrs,
    _Catalog,
    _compact,
    _Entry,
    _Mention,
    _tokens,
)
from inquirydesk.pipeline.extract.guide import _Guide
from inquirydesk.pipeline.extract.text import _WORD, MAX_VALUE, _clip, _Doc, _fold, _line_of
from inquirydesk.pipeline.extract.vocabulary import _alternatives, _hits
from inquirydesk.pipeline.extract.words import _ASK_WORDS

MAX_PRODUCTS = 8


# After "you" (when "do/can/could/would" stands before it) or a verb that asks it.
_ASK_BEFORE = re.compile(r"(?:do|can|could|would)\s+$")
_ASK_AFTER_YOU = re.compile(
    r"\s+(?:also\s+)?(?:make|manufacture|produce|supply|offer|have|sell|develop|fabricate)\s+"
    r"(?:an?\s+|the\s+|any\s+|such\s+|also\s+)?([^?.!\n,;]{3,60})"
)
_ASK_AFTER_VERB = re.compile(r"(?:\s+(?:sie|musunuz))?\s+([^?.!\n,;]{3,60})")
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


_WINDOW_LEFT = re.compile(r"[.;!?)]\s|,\s|\s[-–]\s|\d\)\s")
_WINDOW_RIGHT = re.compile(r"[.;!?]\s|[,;]\s|\s[-–]\s")


def _window(doc: _Doc, mention: _Mention) -> tuple[str, str]:
    """Folded words just before and after a mention, within its line and clause."""
    folded = doc.folded
    line = _line_of(doc, mention.start)
    lo = max(doc.starts[line], mention.start - 32)
    hi = min(doc.starts[line + 1] - 1, mention.end + 32)
    before, after = folded[lo : mention.start], folded[mention.end : hi]
    before = _WINDOW_LEFT.split(before)[-1]
    after = _WINDOW_RIGHT.split(after)[0]
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


_ASKED_END = re.compile(r"\s(?:if|for|with|in|that|or|to|and|from|like)\s")


# An ask needs "you" and a verb of making after it, or one of the other ask words: where
# an ASCII text holds neither, the ask words need not be looked for (a quoted text is
# scanned for them alone).
_ASK_GUIDE = _Guide.of(
    "|".join(
        ["you" + _ASK_AFTER_YOU.pattern]
        + [word for _, words in _ASK_WORDS for word in _alternatives(words) if word != "you"]
    )
)


def _may_ask(folded: str) -> bool:
    return _ASK_GUIDE is None or _ASK_GUIDE.holds(folded)


def _asked(doc: _Doc, cat: _Catalog, mentions: list[_Mention]) -> list[ProductMatch]:
    """ "Do you make X?" for an X outside the catalog: similar if X shares our product words,
    unrelated otherwise."""
    out: list[ProductMatch] = []
    if not _may_ask(doc.folded):
        return out
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
        phrase = _ASKED_END.split(doc.text[start:end])[0]
        words = [w.rstrip("s") for w in _tokens(phrase)]
        if not words or _NOT_A_PRODUCT.search(_fold(phrase)):
            continue
        how = "similar" if any(w in cat.vocabulary for w in words) else "unrelated"
        out.append(ProductMatch(_clip(phrase), how, _clip(phrase)))
    return out


_DIAMETER = re.compile(
    r"(?:(?<!\w)(?:od|id|ø|dia\.?|diameter|durchmesser|diametro|diametre|диаметр\w*)\s*[:=]?\s*"
    r"(\d{1,3}(?:[,. ]\d{3})+|\d+(?:[.,]\d+)?)\s*(mm|cm|\"|”|inch(?:es)?)?"
    r"|(?<![\w.,/])(\d+(?:[.,]\d+)?)\s*(\"|”|inch(?:es)?)(?!\w))"
)


_THOUSANDS = re.compile(r"[,. ](?=\d{3}\b)")


def _oversize(doc: _Doc, cat: _Catalog) -> list[ProductMatch]:
    """Products past a size the seller does not make, by the diameters on their line."""
    out = []
    for regex, above, limit, entry in cat.limits:
        nouns = {_line_of(doc, m.start()): m for m in regex.finditer(doc.folded)}
        for line, d in ((i, d) for i in nouns for d in _DIAMETER.finditer(doc.flines[i])):
            number, unit = (d.group(1), d.group(2)) if d.group(1) else d.group(3, 4)
            digits = _THOUSANDS.sub("", number).replace(",", ".")
            mm = float(digits) * (_MM.get(unit or "mm", 25.4))
            if (mm > limit) if above else (mm < limit):
                noun = _similar_phrase(doc, _Mention(nouns[line].start(), nouns[line].end(), None))
                name = _clip(f"{noun}, {doc.lines[line][d.start() : d.end()]}")
                out.append(ProductMatch(name, "unrelated", f"{name} ({entry})"[:MAX_VALUE]))
                break
    return out
