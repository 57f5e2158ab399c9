"""Incoterms ("FOB Ningbo", "CIF Hamburg") and the port or place the goods go to."""

from __future__ import annotations

import functools
import re
from importlib import resources

from inquirydesk.pipeline.extract.text import _ARABIC, _Doc, _fold, _join, _line_of, _wordlist
from inquirydesk.pipeline.extract.vocabulary import _gate, _hits

_INCOTERM = re.compile(
    r"(?<![A-Za-z])(FOB|CIF|CFR|CNF|C\s?&\s?F|C\+F|EXW|DDP|DAP|DDU|FCA|CPT|CIP|DPU)(?![A-Za-z])"
    r"|(?<![A-Za-z])(fob|cif|cfr|exw|ddp|Fob|Cif|Exw|Ddp)(?=\s+[A-Za-z])"
    r"|(?<![A-Za-z])([Ee]x[\s-]?[Ww]orks)(?![A-Za-z])"
)
_TERM_SPACES = re.compile(r"[\s-]")  # "C & F", "Ex-Works"
_CANONICAL_TERM = {"CNF": "CFR", "C&F": "CFR", "C+F": "CFR", "EXWORKS": "EXW"}
# Terms whose named place is the buyer's end (destination); FOB/FCA/EXW name our port.
_DESTINATION_TERMS = frozenset(_wordlist("CIF CFR CPT CIP DAP DDP DDU DPU"))


def _incoterms(doc: _Doc) -> list[tuple[str, int, int]]:
    """(canonical term, line index, end column) for each incoterm, in text order."""
    out = []
    for index in _gate(doc, "incoterm"):
        for m in _INCOTERM.finditer(doc.lines[index]):
            raw = _TERM_SPACES.sub("", m.group(0)).upper()
            out.append((_CANONICAL_TERM.get(raw, raw), index, m.end()))
    return out


def _port_table() -> dict[str, str]:
    """Folded port name → its usual name, from ``ports.txt``: one port a line, its usual
    name first, then other names and spellings, separated by "|"."""
    table = {}
    text = resources.files(__package__).joinpath("ports.txt").read_text(encoding="utf-8")
    for line in text.strip().splitlines():
        if line.startswith("#"):
            continue
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
        "saturday sunday price prices please pls port basis terms term only also and or the our "
        "your we i by for with incoterms total payment delivery shipment q1 q2 q3 q4 kw cw week "
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
_DIRECT_GAP = re.compile(r"\s*:?\s+")
# Between a C- or D-term and its place: "CIF to Hamburg", "DDP price Sydney".
_AFTER_TERM = re.compile(r"\s*(?:price|prices|basis|rate|rates)?\s*(?:to|a|à|nach|до|in)?\s+")
# The delivery words ("deliver\w*", "eta") are written as in _DELIVERY_CUES: one branch.


def _port(doc: _Doc, incoterms: list[tuple[str, int, int]]) -> str | None:
    """The destination: the place after a C- or D-term ("CFR Dammam"), else after a delivery
    word ("delivery to Toronto", "ETA Hamburg").  FOB/FCA/EXW name our loading port."""
    places: list[str] = []
    for term, index, end in incoterms:
        if term in _DESTINATION_TERMS:
            line = doc.lines[index]
            to = _AFTER_TERM.match(line[end:])
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
                direct = _DIRECT_GAP.match(folded[end : end + 4])
                if direct:
                    places.append(_place_at(doc.lines[line], end + direct.end() - base))
    places = [p for p in dict.fromkeys(places) if p and p not in _CHINA_PORTS]
    return _join(places[:2], " / ") or None


# Our side of the trade: a place after "from" or FOB in China is where goods load.
_CHINA_PORTS = frozenset(
    _wordlist("Shanghai Ningbo Tianjin Qingdao Shenzhen Guangzhou Xiamen Dalian")
)
