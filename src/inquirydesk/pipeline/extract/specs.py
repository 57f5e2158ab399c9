"""What the goods must be: sizes, materials and standards, packing, certificates."""

from __future__ import annotations

import functools
import re

from inquirydesk.pipeline.extract.catalog import _Catalog, _compact
from inquirydesk.pipeline.extract.guide import _Guide
from inquirydesk.pipeline.extract.text import (
    _clause,
    _clip,
    _Doc,
    _fold,
    _join,
    _line_of,
    _numbers,
    _wordlist,
)
from inquirydesk.pipeline.extract.vocabulary import _hits

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
_SPEC_UNIT_WORDS = frozenset(
    _wordlist(
        "mm cm m ml l lt ltr liter liters litre litres litros qt quart quarts person persons "
        "people personas personnes persone personen pessoas "
        "osob osoby kisilik kişilik d ft lengths gsm g "
        "kg lb lbs inch inches pulgada pulgadas polegada polegadas дюйм дюйма дюймов انج إنش "
        "x х"
    )
)
_CONTAINERS = re.compile(r"\d+\s*[x×*]\s*(?:20|40|45)")
_CONTAINER_AFTER = re.compile(r"\s*(?:'|’|ft|hq|hc|gp|dv|fcl|container)", re.IGNORECASE)


def _specs(doc: _Doc) -> str | None:
    """Sizes, materials, standards, grades and colours the buyer gives, in text order."""
    text = doc.text
    found: list[tuple[int, int]] = []
    for start, _, word, _ in _numbers(doc):
        if not word or (word.isalpha() and word not in _SPEC_UNIT_WORDS):
            continue  # "3000 pcs", "2 samples": not a size
        m = _SPEC_AT.match(text, start)
        if not m or _CONTAINER_AFTER.match(text, m.end()) or _CONTAINERS.fullmatch(m.group(0)):
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


# ------------------------------------------------------------------------------ certificates


def _certificates(doc: _Doc, cat: _Catalog) -> tuple[str, ...]:
    names = list(dict.fromkeys(value for _, _, value in _hits(doc, "cert")))
    return tuple(names + _seller_certificates(doc, cat, names))


def _seller_certificates(doc: _Doc, cat: _Catalog, names: list[str]) -> list[str]:
    """Our own certificates the buyer names that the vocabulary does not already cover."""
    out = []
    covered = {_compact(n) for n in names}
    folded = doc.folded
    codes = _seller_codes(cat.certificates)
    guide = _seller_guide(cat.certificates) if codes else None
    if guide is not None and not guide.holds(folded):
        return out  # not one of the codes in the text
    for certificate, code, parts, regex in codes:
        if code in covered or any(code in c or c in code for c in covered):
            continue
        if regex.pattern[:2] not in folded or not all(part in folded for part in parts):
            continue  # (the code's parts all stand in any text it matches)
        for m in regex.finditer(folded):
            if m.start() and folded[m.start() - 1].isalnum():
                continue
            # A code such as "API 5L" is often the product standard; it is the certificate
            # only where the buyer speaks of certificates, licences, reports or audits.
            if _CERT_CONTEXT.search(folded, max(0, m.start() - 40), m.end() + 40):
                out.append(certificate)
                break
    return out


_CERT_CONTEXT = re.compile(
    r"certif\w*|licen[cs]\w*|monogram|report|audit|test|zertifik\w*|prufbericht\w*|"
    r"certificado|certificat|сертифик\w*|протокол\w*|شهاد\w*|rapport|raport\w*|belge|証明|证书"
)


@functools.lru_cache(maxsize=64)
def _seller_codes(
    certificates: tuple[str, ...],
) -> tuple[tuple[str, str, tuple[str, ...], re.Pattern[str]], ...]:
    """(certificate, compact code, its parts, regex) for each seller certificate with a code
    in it: "EN 581 test reports" → "en581", ("en", "581")."""
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
        out.append((certificate, _compact(code), tuple(parts), regex))
    return tuple(out)


@functools.lru_cache(maxsize=64)
def _seller_guide(certificates: tuple[str, ...]) -> _Guide | None:
    """Whether an ASCII text may hold any of the seller's certificate codes (see ``guide``)."""
    codes = _seller_codes(certificates)
    return _Guide.of("|".join(f"(?:{regex.pattern})" for _, _, _, regex in codes))
