"""The prices the buyer states: a target or budget, an accepted quote, what they pay now."""

from __future__ import annotations

import re

from inquirydesk.pipeline.extract.text import _NUM, _Doc, _join
from inquirydesk.pipeline.extract.vocabulary import _gate

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
_SENTENCE_END = re.compile(r"[.;!?)]\s")
_CENTS = re.compile(r"[.,]\d{1,2}$")  # "2.80": a unit price, not a budget
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
            before = _SENTENCE_END.split(fline[max(0, start - 60) : start])[-1]
            after = fline[end : end + 30]
            if _PRICE_ANTI_BEFORE.search(before) or _PRICE_ANTI_AFTER.match(after):
                continue
            score = 2 * bool(_PRICE_CUE.search(before)) + 2 * bool(_INCOTERM_AFTER.match(after))
            score += bool(m.group("unit")) + bool(_CENTS.search(number))
            if score >= 1:
                incoterm = _INCOTERM_AFTER.match(after)
                if incoterm:
                    end += incoterm.end()
                values.append(" ".join(line[start:end].split()))
    return _join(list(dict.fromkeys(values))[:3]) or None
