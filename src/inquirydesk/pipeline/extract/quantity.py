"""How much the buyer wants: "2,000 pcs", "1 x 40HQ", "50 picnic baskets"."""

from __future__ import annotations

import re

from inquirydesk.pipeline.extract.catalog import _SIZE_WORDS, _Catalog
from inquirydesk.pipeline.extract.text import _Doc, _join, _line_of, _numbers, _wordlist
from inquirydesk.pipeline.extract.vocabulary import _hits

# Words that count pieces, weight or containers after a number, as folded.
_QTY_UNITS = frozenset(
    _wordlist(
        "pc pcs piece pieces unit units set sets pair pairs nos ea pz pzs pezzi pieza piezas "
        "unidades unidad unid uds pecas pieces stuck stk "
        "шт штук штуки штука adet sztuk sztuki szt cartons "
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
_QTY_BEFORE_SKIP = re.compile(
    r"(?<![\w])(?:@|\$|€|£|¥|usd|eur|gbp|rmb|moq|min\.?|max\.?|approx\.? weight|weight|load|"
    r"capacity|size|week|kw|no\.?|ref\.?|po|#|tel|fax|phone|dn|od|id|wt|sch|bs|en|din|iso|astm|"
    r"api|gost|гост|jis|gb/t|nzs|type|grade|gr\.?|class|series|model|art\.?|item|code)\s*:?\s*$"
)
_QTY_WORD = re.compile(r"\s*([^\W_][\w'’-]*)")
_QTY_OF = re.compile(r"\s+(?:of|de|di)\s+(?:the|your|these|our|los|las|les|vos|i)?\s*")
_LENGTH_WORDS = frozenset(_wordlist("ft feet m meter meters metre metres metros metro yard yards"))


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
            values.setdefault(_GROUPING.sub("", value.lower()), value)
    return _join(list(values.values())[:3]) or None


def _labelled(doc: _Doc, labels: list[int], start: int) -> bool:
    """Whether a quantity label ("Qty", "Total", "Menge") precedes ``start`` on its line."""
    if not labels:
        return False
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
    if word in _LENGTH_WORDS and _OF.match(folded[after : after + 5]):
        return after, True  # "60 ft of tubing"
    if word in ("hq", "hc", "gp", "dv") or (
        folded[end - 2 : end] in _CONTAINER_SIZES and _QTY_CONTAINER_TYPE.match(folded, end - 2)
    ):
        return None, False  # "40HQ", "20' GP": a container type
    if word in _SIZE_WORDS or word in ("%", "°", '"', "”", "'"):
        return None, False  # "25 L", "120 kg", "14 stores": a size or another count
    if end - start == 4 and _YEAR.fullmatch(folded, start, end):
        return None, False
    noun = _counted_noun(folded, end, cat.nouns) if cat.nouns else None
    if noun:
        return noun, True
    if _labelled(doc, labels, start) and not _ATTACHED.match(folded[end : end + 1]):
        each = _EACH.match(folded[end : end + 20])
        return end + (each.end() if each else 0), False
    return None, False


_YEAR = re.compile(r"(?:19|20)\d\d")
_CONTAINER_SIZES = frozenset({"20", "40", "45"})  # what _QTY_CONTAINER_TYPE begins with
_OF = re.compile(r"\s+(?:of|de)(?!\w)")  # "60 ft of tubing"
_ATTACHED = re.compile(r"[^\s.,;)]")  # "Qty: 500x": a bare number must stand alone
_EACH = re.compile(r"\s*(?:each|per item|per size|per colou?r)\b")
_GROUPING = re.compile(r"(?<=\d)[,.  ](?=\d{3})")  # "2,000" and "2000" are one quantity


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
