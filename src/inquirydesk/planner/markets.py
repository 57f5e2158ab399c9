"""Which countries a salesperson's markets cover: "Germany", "Latin America", "Russia and CIS".

A seller profile lists each person's markets in the trade's own words; the draft is
signed by the person whose markets cover the buyer's country.
"""

from __future__ import annotations

import re
from functools import lru_cache

GCC = "SA AE QA KW BH OM"
NORTH_AFRICA = "EG LY TN DZ MA SD EH MR"
MIDDLE_EAST = f"{GCC} YE IQ IR JO LB SY IL PS TR EG CY"
CIS = "RU BY KZ KG TJ UZ AM AZ MD TM"
NORDICS = "DK NO SE FI IS"
BENELUX = "BE NL LU"
EASTERN_EUROPE = "PL CZ SK HU RO BG UA BY MD EE LV LT RS HR SI BA ME MK AL XK RU"
WESTERN_EUROPE = f"DE FR GB IE AT CH LI MC {BENELUX}"
SOUTHERN_EUROPE = "ES PT IT GR MT SM VA AD CY"
CENTRAL_AMERICA = "BZ CR SV GT HN NI PA"
CARIBBEAN = "CU DO PR HT JM TT BS BB"
SOUTH_AMERICA = "AR BO BR CL CO EC GY PY PE SR UY VE"
SOUTH_EAST_ASIA = "BN KH ID LA MY MM PH SG TH VN TL"
SOUTH_ASIA = "IN PK BD LK NP BT MV AF"
EAST_ASIA = "CN JP KR TW HK MO MN"
OCEANIA = "AU NZ FJ PG WS TO VU SB"
WEST_AFRICA = "NG GH CI SN ML BF NE GN BJ TG SL LR GM GW CV"
EAST_AFRICA = "KE TZ UG RW BI ET SO DJ ER SS"
SOUTHERN_AFRICA = "ZA NA BW ZW ZM MZ MW AO LS SZ MG MU"

REGIONS = {
    "gcc": GCC, "gulf": GCC, "gulf states": GCC, "middle east": MIDDLE_EAST,
    "mena": f"{MIDDLE_EAST} {NORTH_AFRICA}", "north africa": NORTH_AFRICA,
    "cis": CIS, "nordics": NORDICS, "nordic countries": NORDICS, "scandinavia": NORDICS,
    "benelux": BENELUX, "eastern europe": EASTERN_EUROPE, "western europe": WESTERN_EUROPE,
    "southern europe": SOUTHERN_EUROPE, "balkans": "RS HR SI BA ME MK AL XK BG RO GR",
    "baltics": "EE LV LT",
    "europe": f"{WESTERN_EUROPE} {SOUTHERN_EUROPE} {EASTERN_EUROPE} {NORDICS}",
    "eu": "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE",
    "latin america": f"MX {CENTRAL_AMERICA} {SOUTH_AMERICA} CU DO PR",
    "latam": f"MX {CENTRAL_AMERICA} {SOUTH_AMERICA} CU DO PR",
    "south america": SOUTH_AMERICA, "central america": CENTRAL_AMERICA, "caribbean": CARIBBEAN,
    "north america": "US CA MX",
    "south-east asia": SOUTH_EAST_ASIA, "southeast asia": SOUTH_EAST_ASIA,
    "asean": SOUTH_EAST_ASIA, "south asia": SOUTH_ASIA, "east asia": EAST_ASIA,
    "oceania": OCEANIA, "west africa": WEST_AFRICA, "east africa": EAST_AFRICA,
    "southern africa": SOUTHERN_AFRICA,
    "africa": f"{NORTH_AFRICA} {WEST_AFRICA} {EAST_AFRICA} {SOUTHERN_AFRICA} CM CD CG GA TD CF GQ",
    "asia": f"{EAST_ASIA} {SOUTH_EAST_ASIA} {SOUTH_ASIA} {MIDDLE_EAST} KZ KG TJ UZ TM",
}
ALIASES = {
    "usa": "US", "us": "US", "america": "US", "united states": "US", "uk": "GB",
    "britain": "GB", "great britain": "GB", "england": "GB", "russia": "RU", "turkey": "TR",
    "korea": "KR", "south korea": "KR", "vietnam": "VN", "iran": "IR", "syria": "SY",
    "uae": "AE", "emirates": "AE", "holland": "NL", "czech republic": "CZ", "czechia": "CZ",
    "taiwan": "TW", "hong kong": "HK", "macau": "MO", "laos": "LA", "bolivia": "BO",
    "venezuela": "VE", "tanzania": "TZ", "moldova": "MD", "palestine": "PS",
    "ivory coast": "CI", "dr congo": "CD", "brunei": "BN",
}
SPLIT = re.compile(r"\s*(?:,|;|/|&|\band\b|\+)\s*", re.IGNORECASE)


def covers(markets: tuple[str, ...] | list[str], country: str) -> bool:
    """Whether any of the market names covers the country (ISO alpha-2)."""
    cc = country.upper()
    return bool(cc) and any(cc in market_countries(m) for m in markets)


@lru_cache(maxsize=1024)
def market_countries(market: str) -> frozenset[str]:
    """The countries one market name stands for; empty when it names none we know."""
    out: set[str] = set()
    for part in SPLIT.split(market):
        out |= _part(part.strip().lower())
    return frozenset(out)


def _part(text: str) -> set[str]:
    words = text.split()
    # "China domestic export traders" names China: try the longest leading phrase first.
    for n in range(len(words), 0, -1):
        found = _name(" ".join(words[:n]))
        if found:
            return found
    return set()


def _name(text: str) -> set[str]:
    if not text:
        return set()
    if text in REGIONS:
        return set(REGIONS[text].split())
    if text in ALIASES:
        return {ALIASES[text]}
    import pycountry

    try:
        return {pycountry.countries.lookup(text).alpha_2}
    except LookupError:
        return set()
