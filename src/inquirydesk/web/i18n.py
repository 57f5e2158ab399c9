"""中文 and English: Babel catalogs compiled in memory at start-up, dates and numbers by locale.

The catalogs are ``locales/<lang>/LC_MESSAGES/*.po`` (one file per part of the desk, merged
into one catalog); English is the source language, so it needs none.  Compiling the ``.po``
files when the app starts means no build step.
"""

from __future__ import annotations

import gettext
from datetime import datetime
from functools import cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

LOCALES = Path(__file__).resolve().parent / "locales"
LANGUAGES = {"zh": "zh_Hans_CN", "en": "en"}
DEFAULT = "zh"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    files = sorted((LOCALES / lang / "LC_MESSAGES").glob("*.po"))
    if not files:
        return gettext.NullTranslations()
    catalog = Catalog(locale=lang)
    for po in files:
        with po.open("rb") as f:
            for message in read_po(f, locale=lang):
                if message.id and message.string:
                    catalog[message.id] = message
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def language(value: str | None) -> str:
    return value if value in LANGUAGES else DEFAULT


class Formats:
    """Localised text, dates and numbers for one language and the seller's zone."""

    def __init__(self, lang: str, zone: str):
        self.lang, self.locale, self.zone = lang, LANGUAGES[lang], ZoneInfo(zone)
        self.gettext = translations(lang).gettext

    def datetime(self, value: datetime | str | None, fmt: str = "medium",
                 zone: str | None = None) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return format_datetime(value, fmt, tzinfo=ZoneInfo(zone) if zone else self.zone,
                               locale=self.locale)

    def number(self, value: float | None) -> str:
        if not isinstance(value, (int, float)):  # evidence may carry a factor or a label
            return "" if value is None else str(value)
        return format_decimal(value, locale=self.locale)

    def percent(self, value: float | None) -> str:
        return "" if value is None else format_percent(value, locale=self.locale)
