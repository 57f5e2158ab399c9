"""Trade terms besides price and place: payment, delivery time, shipping mode, samples."""

from __future__ import annotations

import re

from inquirydesk.pipeline.extract.guide import _finditer, _Guide
from inquirydesk.pipeline.extract.text import (
    _SENTENCE_EDGES,
    _clause,
    _clause_span,
    _Doc,
    _join,
    _line_of,
    _segments,
)
from inquirydesk.pipeline.extract.vocabulary import _gate, _hits

_SPLIT = re.compile(r"(\d{2})\s*/\s*(\d{2})")
# "30% deposit", "30/70": a share of the price and when it is paid.
_PAYMENT_SHARE = re.compile(
    r"\d(?:\d{0,2}\s*%\s*(?:t/t\s*)?(?:deposit|advance|down|prepay\w*|upfront|with (?:the )?order|"
    r"upon|on pi|against|balance|before|after|anticipo|adelanto|adiantado|antecipado|"
    r"a la commande|anzahlung|vorkasse|zaliczk\w*|предоплат\w*|аванс\w*|pesin|avans|مقدم)"
    r"|\d\s*/\s*\d\d(?![\d/]))"
)

_PAYMENT_SHARE_GUIDE = _Guide.of(_PAYMENT_SHARE.pattern)


def _payment(doc: _Doc) -> str | None:
    """The buyer's payment terms: the clause with the first T/T, L/C, deposit split..."""
    found = [(start, end) for start, end, _ in _hits(doc, "payment")]
    for m in _finditer(_PAYMENT_SHARE, _PAYMENT_SHARE_GUIDE, doc.folded):
        split = _SPLIT.fullmatch(m.group(0))
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


_NUMBER_BEFORE = re.compile(
    r"\d+(?:\s*(?:-|to|~)\s*\d+)?(?:st|nd|rd|th)?\.?\s*(?:working |business |calendar )?$"
)
_DAY_AFTER = re.compile(r"\.?\s+(?:\d{1,2}(?!\d)|20\d\d)")
_DATE = re.compile(r"20\d\d[-/.]\d{1,2}[-/.]\d{1,2}|[./]\d{1,2}[./](?:20)?\d\d(?!\d)")
_DATE_GUIDE = _Guide.of(_DATE.pattern)
_DAY_BEFORE = re.compile(r"(?<![\d.,/])\d{1,2}$")


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
    for m in _finditer(_DATE, _DATE_GUIDE, folded):
        start = m.start()
        if m.group(0)[0] in "./":  # "15/01/2027": the day is before the separator
            day = _DAY_BEFORE.search(folded[max(0, start - 2) : start])
            if not day:
                continue
            start -= len(day.group(0))
        spans.append((start, m.end()))
    return sorted(spans)


# A period for the quotation or a reply ("offer in 2 days") is not a delivery time.
_NOT_DELIVERY = re.compile(r"offer|quot|repl|respon|answer|price|cotiz|angebot|devis")


def _delivery(doc: _Doc) -> str | None:
    """When the buyer needs the goods: a clause with a delivery word and a date or period.
    Order and season words count only when no delivery word gives a date."""
    cues = _hits(doc, "delivery")
    times = _times(doc) if cues else []  # a time with no cue in its clause is no delivery
    for strength in ("strong", "weak") if times else ():
        starts = [start for start, _, kind in cues if kind == strength]
        cue_lines = {_line_of(doc, start) for start in starts}
        values: dict[int, str] = {}
        for start, end in times:
            line = _line_of(doc, start)
            if line in values or line not in cue_lines:
                continue  # (a clause lies within its line)
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
    r"(?:pay|cover) (?:for )?(?:the |a |\d+ )?(?:sample|samples|sample cost|courier|shipping|"
    r"freight|it|them|cost)|sample (?:cost|fee|"
    r"charge)s? (?:is|are|will be) (?:ok|fine|no problem|paid)|"
    r"(?:on|via|using|with) (?:our|my) (?:fedex|dhl|ups|tnt|courier|express) (?:account|no)|"
    r"freight collect|courier collect(?! is not)|la pagamos|lo pagamos|pagamos (?:el|la|los|las|o)"
    r"|nous (?:payons|paierons|prenons en charge)|wir (?:bezahlen|zahlen|ubernehmen)|paghiamo|"
    r"zaplacimy|оплатим|odeyecegiz|سندفع|我们(?:支付|承担)"
)
_SAMPLE_NOT = re.compile(r"(?:not|n't|no|cannot|unable to)\s*$")  # before an offer to pay
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
        if not _SAMPLE_NOT.search(near[max(0, m.start() - 12) : m.start()]):
            return "pays"
    if _SAMPLE_FREE.search(near):
        return "free"
    for start, end in words:
        line = _line_of(doc, start)
        clause = _clause(flines[line], start - doc.starts[line], end - doc.starts[line])
        if _SAMPLE_REQUEST.search(clause) and not _SAMPLE_PAST.search(clause):
            return "request"
    return None
