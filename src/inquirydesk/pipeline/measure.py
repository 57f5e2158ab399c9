"""Order sizes as numbers: "2,000 pcs" → (2000, "pieces"), "1 x 40HQ" → (1, "containers").

The extract stage keeps the buyer's own words; this turns them into a size that can be
compared with the seller's minimum order, so that a 50-piece request to a factory
with a 500-piece MOQ is seen for what it is.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_NUMBER = r"(\d{1,3}(?:[,.\s]\d{3})+|\d+(?:[.,]\d+)?)"
_UNITS = (
    ("containers", r"(?:x\s*)?(?:20|40|45)\s*(?:'|’|ft)?\s*(?:gp|hq|hc|dv)\b|containers?|"
                   r"contenedor\w*|conteneurs?|contentor\w*|kontener\w*|konteyner\w*|контейнер\w*|"
                   r"fcl\b|货柜|柜"),
    ("tons", r"(?:metric\s+)?(?:tons?|tonnes?|mt|m\.t\.|t|toneladas?|tonnen|тонн\w*|т|طن|吨)\b|吨"),
    ("length", r"(?:ft|feet|foot|m|meters?|metres?|metros?|yards?)\b"),
    # what is left of a quantity the extract stage found counts pieces: "50 nice baskets"
    ("pieces", r""),
)
_QUANTITY = re.compile(
    _NUMBER + r"\s*(" + "|".join(f"(?P<{name}>{rx})" for name, rx in _UNITS) + ")",
    re.IGNORECASE)
_WORD_CONTAINER = re.compile(r"\b(one|a|two|three)\s+(?:20|40|45)\s*(?:'|’|ft)?\s*(?:gp|hq|hc)",
                             re.IGNORECASE)
_WORD_NUMBERS = {"one": 1, "a": 1, "two": 2, "three": 3}


class Size(NamedTuple):
    value: float
    unit: str  # "pieces", "tons", "containers" or "length"


def _number(text: str) -> float | None:
    digits = re.sub(r"[,.\s](?=\d{3}\b)", "", text).replace(",", ".")
    try:
        return float(digits)
    except ValueError:
        return None


def sizes(text: str | None) -> list[Size]:
    """Every order size named in ``text``, in order."""
    if not text:
        return []
    out = []
    for m in _QUANTITY.finditer(text):
        value = _number(m.group(1))
        unit = next((name for name, _ in _UNITS if m.group(name) is not None), "")
        if value is not None and unit:
            out.append(Size(value, unit))
    out += [Size(_WORD_NUMBERS[m.group(1).lower()], "containers")
            for m in _WORD_CONTAINER.finditer(text)]
    return out


def below_minimum(quantity: str | None, moq: str | None) -> tuple[Size, Size] | None:
    """(asked, minimum) when every size the buyer names is below the seller's minimum
    order in the same unit ("25 tons or 1 x 20GP": 2 tons is below, 3 containers not).
    Where the seller names several minimums of a unit ("1,000 pcs; GN pans 500 pcs"), the
    smallest counts: a buyer is only short of all of them."""
    minimums: dict[str, Size] = {}
    for size in sizes(moq):
        if size.unit not in minimums or size.value < minimums[size.unit].value:
            minimums[size.unit] = size
    asked = [s for s in sizes(quantity)]
    if not asked or any(s.unit not in minimums for s in asked):
        return None
    biggest = max(asked, key=lambda s: s.value / minimums[s.unit].value)
    minimum = minimums[biggest.unit]
    return (biggest, minimum) if biggest.value < minimum.value else None
