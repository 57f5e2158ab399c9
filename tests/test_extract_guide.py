"""The RE2 guide of the extract stage: it may only make the regex engine faster.

Wherever Python's engine finds a match, the guide must show a start at or before it, so
guided and unguided scans give the same matches: in ASCII text and in text with other
scripts, accents, odd spaces and the guide's own stand-in byte.
"""

from __future__ import annotations

import random
import re

import pytest
from inquirydesk.model import CatalogItem, Identity, Inquiry, Seller
from inquirydesk.pipeline.extract import extract
from inquirydesk.pipeline.extract.catalog import _Catalog
from inquirydesk.pipeline.extract.guide import _finditer, _Guide, _guided, _overlapping, _superset
from inquirydesk.pipeline.extract.text import _Doc
from inquirydesk.pipeline.extract.vocabulary import _TERMS, _Vocab

SELLER = Seller(
    certificates=("LFGB", "BSCI", "EN 12546 test reports"),
    does_not_make=("electric kettles", "glass jars and lids (can source)"),
    catalog=(
        CatalogItem(
            "DW-BT500",
            "Stainless steel water bottle 500 ml, double wall",
            "bottles",
            ("water bottle", "vacuum flask", "Trinkflasche", "термос", "زجاجة ماء", "保温杯"),
        ),
        CatalogItem("DW-LB2", "2-compartment bamboo lunch box", "lunch boxes", ("bento box",)),
    ),
)
PHRASES = [
    "Please quote 2,000 pcs of DW-BT500, FOB Ningbo, T/T 30% deposit, 70/30 balance.",
    "Do you make glass jars? We need 500 lunch boxes by 2027-03-15, sea freight.",
    "Brauchen 300 Trinkflaschen, Lieferung KW 12, Zahlung per Akkreditiv, CIF Hamburg.",
    "Necesitamos 1.000 botellas de agua, entrega en 30 días, CFR Valencia.",
    "Нужно 5 000 термосов, доставка в Новосибирск, оплата 50/50, сертификат EAC.",
    "نحتاج 2000 زجاجة ماء، التسليم خلال 45 يوما، CIF ميناء الدمام",
    "我们需要保温杯 3000个，目标价¥15，FOB价格，交货期30天",
    "Colours: black, white; packing: 1 pc per colour box, 24 pcs per export carton.",
    "Samples free? We can pay the courier (DHL account). REACH, LFGB, CE 1935/2004.",
    "UL listed, TBS PVoC, Form A, EN 12546 test reports, ISO 9001 certified, BSCI audit.",
    "Qty: 4 x 40HQ. Target USD 2.80/pc. ETA Rotterdam 15.01.2027, ex-works price too.",
    "the of and you we thanks regards -- sent from my iPhone",
    # A character outside ASCII where a class, negated or not, must take it.
    "colours: жё, цвет: ж; abc ж; x ß 12% déposit; 1٫5 30/٧٠; dia ø; Kw 5; ſ ſs",
]
NOISE = "é’“ж中\u00a0\x1a\x1c?KſİΣς_-/.,;:0123456789 \n\t"


def texts(count: int = 400, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    words = " ".join(PHRASES).split()
    words += [kw for item in SELLER.catalog for kw in (item.id, item.name, *item.keywords)]
    out = list(PHRASES)
    for _ in range(count):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 40)))
        if rng.random() < 0.6:
            text = "".join(c if rng.random() > 0.08 else rng.choice(NOISE) for c in text)
        out.append(text if rng.random() < 0.5 else text.lower())
    return out


def spans(matches) -> list[tuple[tuple[int, int], int | None]]:
    return [(m.span(), m.lastindex) for m in matches]


@pytest.mark.parametrize(
    "pattern",
    [
        r"\d(?:\d{0,2}\s*%\s*(?:deposit|advance)|\d\s*/\s*\d\d(?![\d/]))",
        r"20\d\d[-/.]\d{1,2}[-/.]\d{1,2}|[./]\d{1,2}[./](?:20)?\d\d(?!\d)",
        r"(?<![\w.])colou?rs?\s?:\s?[^.\n;:]{2,40}",
        r"[\W\u0600-\u06ff](?:fob|cif|c\s?&\s?f|(?i:REACH)|ce(?!\s*1935))(?![^\W\u0600-\u06ff])",
        r"(?i:ul(?=\s*(?:/|listed)))|tbs(?=\s*pvoc)|form\s?[ae](?!\w)",
        r"[^?.!\n,;]{3,60}\?",
        r"(?i)[a-zſ]+\s+[^a-z\s]",
        r"(?:термос\w*|زجاج\w*|保温杯)\w{0,3}",
        r"\bkw\s*\d{1,2}\b|q[1-4]",
        r"(?>ab|a)c|x*+y",
    ],
)
def test_guided_finds_what_the_regex_finds(pattern):
    regex = re.compile(pattern)
    guide = _Guide.of(pattern)
    assert guide is not None, _superset(pattern)
    for text in texts():
        assert spans(_guided(regex, guide, text)) == spans(regex.finditer(text)), text
        assert spans(_guided(regex, guide, text, True)) == spans(_overlapping(regex, text))
        assert spans(_finditer(regex, guide, text)) == spans(regex.finditer(text))


def test_a_regex_re2_cannot_take_has_no_guide():
    assert _Guide.of(r"(\w)\1") is None  # a back-reference
    assert spans(_finditer(re.compile(r"(\w)\1"), None, "aa bb")) == [((0, 2), 1), ((3, 5), 1)]


def unguided(vocab: _Vocab) -> _Vocab:
    plain = object.__new__(_Vocab)
    plain.__dict__.update(vocab.__dict__)
    plain.regexes = [(regex, None, *rest) for regex, _, *rest in vocab.regexes]
    return plain


@pytest.mark.parametrize("vocab", [_TERMS, _Catalog(SELLER).vocab], ids=["terms", "catalog"])
def test_guided_vocabulary_finds_every_word(vocab):
    assert any(guide is not None for _, guide, *_ in vocab.regexes)
    reference = unguided(vocab)
    for text in texts():
        doc = _Doc(text)
        for overlapping in (False, True):
            found = list(vocab.finditer(doc, overlapping))
            assert found == list(reference.finditer(doc, overlapping)), text


def test_extract_reads_text_with_the_stand_in_byte():
    # The guide reads every non-ASCII character as \x1a: a real one must change nothing.
    body = "We need 500\x1a pcs of DW-BT500 — FOB Ningbo"
    fields = extract(Inquiry(source="t", channel="file", body=body), Identity(), SELLER)
    assert fields.incoterm == "FOB"
    assert [p.catalog_id for p in fields.products] == ["DW-BT500"]


def test_empty_seller_needs_no_catalog_guide():
    body = "2,000 pcs, CIF Hamburg, T/T"
    fields = extract(Inquiry(source="t", channel="file", body=body), Identity(), Seller())
    assert fields.port == "Hamburg"
    assert fields.payment == "T/T"
