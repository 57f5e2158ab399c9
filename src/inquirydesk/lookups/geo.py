"""Where things are: IP addresses, phone numbers, time zones, country and city names.

All offline: iptocc carries its registry data, phonenumbers its metadata, tzdata the
zone tables and pycountry the country names.  Each table loads once, on first use.
"""

from __future__ import annotations

import ipaddress
import os
import re
import struct
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta, timezone
from functools import cache, lru_cache
from importlib import resources
from zoneinfo import ZoneInfo

from inquirydesk.model import Phone

# Outbound ranges of the big webmail providers (Google, Microsoft, Yahoo): an IP here is
# the provider's relay, never the buyer's own connection.
RELAY_NETS = tuple(ipaddress.ip_network(n) for n in (
    "209.85.128.0/17", "74.125.0.0/16", "64.233.160.0/19", "66.102.0.0/20", "66.249.80.0/20",
    "72.14.192.0/18", "108.177.8.0/21", "173.194.0.0/16", "2607:f8b0::/32", "2a00:1450::/32",
    "40.92.0.0/15", "40.107.0.0/16", "52.100.0.0/14", "104.47.0.0/17", "2a01:111:f400::/48",
    "2a01:111:f403::/48", "66.163.184.0/21", "98.137.64.0/21", "74.6.128.0/21",
))

# Where one country spans several zones, its business zones, most populous first; the
# first is the country's main zone.  Other zones follow in zone.tab order.
ZONE_ORDER = {
    "US": ("America/New_York", "America/Chicago", "America/Los_Angeles", "America/Denver",
           "America/Phoenix"),
    "CA": ("America/Toronto", "America/Vancouver", "America/Edmonton", "America/Winnipeg",
           "America/Halifax"),
    "AU": ("Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane", "Australia/Perth",
           "Australia/Adelaide"),
    "BR": ("America/Sao_Paulo", "America/Manaus", "America/Fortaleza"),
    "RU": ("Europe/Moscow", "Asia/Yekaterinburg", "Asia/Novosibirsk", "Asia/Vladivostok"),
    "MX": ("America/Mexico_City", "America/Tijuana", "America/Monterrey", "America/Cancun"),
    "CN": ("Asia/Shanghai",), "ID": ("Asia/Jakarta", "Asia/Makassar"), "KZ": ("Asia/Almaty",),
    "UA": ("Europe/Kyiv",), "UZ": ("Asia/Tashkent",), "AR": ("America/Argentina/Buenos_Aires",),
    "CL": ("America/Santiago",), "ES": ("Europe/Madrid",), "PT": ("Europe/Lisbon",),
    "NZ": ("Pacific/Auckland",), "MY": ("Asia/Kuala_Lumpur",), "DE": ("Europe/Berlin",),
    "CD": ("Africa/Kinshasa",), "EC": ("America/Guayaquil",), "MN": ("Asia/Ulaanbaatar",),
    "CY": ("Asia/Nicosia",), "PS": ("Asia/Hebron",), "GL": ("America/Nuuk",),
}

# --------------------------------------------------------------------------- IP


@lru_cache(maxsize=4096)
def ip_country(ip: str) -> str:
    """Registration country of a public IP; "" for private, reserved or unknown ones."""
    if not is_global_ip(ip):
        return ""
    import iptocc

    return iptocc.country_code(str(_address(ip))) or ""


@lru_cache(maxsize=4096)
def is_global_ip(ip: str) -> bool:
    addr = _address(ip)
    return addr is not None and addr.is_global


# IP version → (mask, network) as integers: ``addr in net`` is slow in ipaddress.
RELAY_MASKS = {v: tuple((int(n.netmask), int(n.network_address)) for n in RELAY_NETS
                        if n.version == v) for v in (4, 6)}


@lru_cache(maxsize=4096)
def is_relay_ip(ip: str) -> bool:
    """An outbound server of Gmail, Outlook.com or Yahoo Mail."""
    addr = _address(ip)
    if addr is None:
        return False
    number = int(addr)
    return any(number & mask == net for mask, net in RELAY_MASKS[addr.version])


@lru_cache(maxsize=4096)
def _address(ip: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(ip.strip().strip("[]"))
    except ValueError:
        return None


# --------------------------------------------------------------------------- phones

# A run of digits that could be a phone number: an optional +, 00 or (+86) prefix, then
# digits broken by spaces, dots, dashes or brackets.  The leading lookahead lets the
# regex engine skip to candidate characters; it halves the time on a long mail.
PHONE = re.compile(r"(?=[+(\d])(?<![\w+])(?:\(\+\d{1,4}\)|\+|\b00)?[^\S\n]?\(?\d"
                   r"[\d \t.()\-]{5,22}\d(?![\w])")
# Every PHONE match holds such a run of digits and separators, and starts at most
# PHONE_LEAD characters before the run's first digit: "(+1234) (" + digits.
DIGIT_RUN = re.compile(r"\d[\d \t.()\-]{5,}\d")
PHONE_LEAD = 9
# ASCII text mapped to the classes digit "d", separator "s" and other "x": there the runs
# are found by a quick search of bytes, where PHONE itself tries every digit of the mail.
CLASS_RUN = re.compile(rb"d[ds]{5,}d")
ASCII_CLASSES = bytes(ord("d") if chr(c) in "0123456789" else ord("s") if chr(c) in " \t.()-"
                      else ord("x") for c in range(256))
DATE_LIKE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$")
# The words that introduce a number, by the kind of number they introduce.
LABELS = {
    "fax": r"fax|telefax|传真|факс|فاكس|f",
    "whatsapp": r"whatsapp|whats\s?app|wa|wechat|微信|viber|telegram",
    "mobile": r"mob|mobile|mobil|cell|cel|cellular|móvil|movil|celular|handy|gsm|m|hp|"
              r"手机|手機|моб|мобильный|جوال|موبايل|محمول",
    "phone": r"tel|tél|telf|teléfono|telefone|telefono|telefon|telephone|téléphone|phone|ph|"
             r"t|p|ddi|direct|office|电话|電話|座机|тел|телефон|هاتف|ت",
}
LABEL_WORD = re.compile(r"(?<![^\W\d_])(" + "|".join(f"(?P<{k}>{v})" for k, v in LABELS.items())
                        + r")(?![^\W\d_])", re.IGNORECASE)
SEPARATOR = re.compile(r"[|·•;]|\s{3,}")
BRACKETED_CODE = re.compile(r"^\(\s*\+\s*(\d{1,4})\s*\)")  # "(+86) 139…"


@lru_cache(maxsize=1024)
def phone_parse(fragment: str, default_region: str | None = None,
                kind: str = "phone") -> Phone | None:
    """One phone number from a fragment such as "0086-21-5555 1234" or "(303) 555-0100".

    Numbers without a country code need ``default_region``; a number that could not be a
    phone anywhere gives None.
    """
    import phonenumbers

    number = _parse(fragment.strip(), default_region)
    if number is None or not phonenumbers.is_possible_number(number):
        return None
    country = (phonenumbers.region_code_for_number(number)
               or phonenumbers.region_code_for_country_code(number.country_code))
    if kind == "phone" and phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE:
        kind = "mobile"
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Phone(fragment.strip(), e164, "" if country == "ZZ" else country, kind)


@lru_cache(maxsize=1024)
def _parse(text: str, region: str | None):
    """phonenumbers' parse, or None; cached because a number is tried in several regions."""
    import phonenumbers

    text = _international(text)
    try:
        return phonenumbers.parse(text, None if text.startswith("+") else region)
    except phonenumbers.NumberParseException:
        return None


def _international(text: str) -> str:
    """(+86) 139…, 0086-139… and +86-139… all become +86 139…."""
    text = BRACKETED_CODE.sub(r"+\1 ", text)
    return "+" + text[2:] if text.startswith("00") else text


@lru_cache(maxsize=1024)
def phone_is_valid(fragment: str, region: str) -> bool:
    import phonenumbers

    number = _parse(fragment.strip(), region)
    return number is not None and phonenumbers.is_valid_number(number)


def find_phones(text: str, regions: Sequence[str] = ()) -> list[Phone]:
    """The phone, mobile, fax and WhatsApp numbers a text gives, in order.

    A number counts when it carries a country code, follows a label (Tel, Fax, Mob,
    WhatsApp, 电话, тел...), or stands alone on its line or between separators.  Numbers
    without a country code are read in the first of ``regions`` where they are valid.
    A "Tel/Fax" number is given twice, as phone and as fax: the buyer says both are one.
    """
    found: list[Phone] = []
    label_start = 0
    for m in _phone_matches(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        label = SEPARATOR.split(text[max(label_start, line_start):m.start()])[-1]
        after = SEPARATOR.split(text[m.end():line_end if line_end >= 0 else len(text)])[0]
        label_start = m.end()
        found.extend(_phones_at(m.group().strip(), label, after, regions))
    return found


def _phone_matches(text: str) -> Iterator[re.Match[str]]:
    """PHONE.finditer(text), with PHONE tried only around the runs of digits that can hold
    a number: from PHONE_LEAD before a run to its last digit.  A match reaches no further
    than its run's last digit (the character after it is read by the lookahead, hence the
    one more), and no match can start between two such windows.  Most mails hold no run."""
    if not text.isascii():  # no cheap class map: PHONE over the whole text, if it may match
        if DIGIT_RUN.search(text):
            yield from PHONE.finditer(text)
        return
    pos = 0
    for run in CLASS_RUN.finditer(text.encode("ascii").translate(ASCII_CLASSES)):
        for m in PHONE.finditer(text, max(pos, run.start() - PHONE_LEAD), run.end() + 1):
            yield m
            pos = m.end()


def _phones_at(raw: str, label: str, after: str, regions: Sequence[str]) -> list[Phone]:
    kinds = _kinds(label)
    bare = not label.strip(" :.-/") and not after.strip(" ,.")
    international = raw.startswith(("+", "00", "(+"))
    if DATE_LIKE.match(raw) or not (international or kinds or bare):
        return []
    if not 7 <= sum(ch.isdigit() for ch in raw) <= 15:
        return []
    region = None if international else _region_for(raw, regions)
    phones = (phone_parse(raw, region, kind) for kind in kinds or ["phone"])
    return [p for p in phones if p]


def _kinds(label: str) -> list[str]:
    """Kinds named by the label just before a number; "Tel/Fax" names two."""
    kinds = [k for m in LABEL_WORD.finditer(label[-30:]) for k, v in m.groupdict().items() if v]
    return list(dict.fromkeys(kinds))


def _region_for(raw: str, regions: Sequence[str]) -> str | None:
    if not regions:
        return None
    if len(regions) == 1:  # valid there or not, the one guess it is
        return regions[0]
    return next((r for r in regions if phone_is_valid(raw, r)), regions[0])


@lru_cache(maxsize=512)
def phone_zones(e164: str) -> tuple[str, ...]:
    """The time zones a number's area code lies in (phonenumbers' geographic data)."""
    import phonenumbers
    from phonenumbers import timezone as number_zones

    try:
        zones = number_zones.time_zones_for_number(phonenumbers.parse(e164))
    except phonenumbers.NumberParseException:
        return ()
    return tuple(z for z in zones if z != "Etc/Unknown")


# --------------------------------------------------------------------------- time zones


@cache
def _zone_table() -> dict[str, tuple[str, ...]]:
    """Country → its IANA zones, from tzdata's zone.tab."""
    text = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    table: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            cc, _, zone = line.split("\t")[:3]
            table.setdefault(cc, []).append(zone)
    for cc, preferred in ZONE_ORDER.items():
        known = [z for z in preferred if z in table.get(cc, ())]
        table[cc] = known + [z for z in table.get(cc, ()) if z not in known]
    return {cc: tuple(zones) for cc, zones in table.items()}


def country_zones(cc: str) -> tuple[str, ...]:
    """A country's zones, its main business zone first."""
    return _zone_table().get(cc.upper(), ())


def country_timezone(cc: str) -> str:
    """The main IANA zone of a country: US → America/New_York, CN → Asia/Shanghai."""
    zones = country_zones(cc)
    return zones[0] if zones else ""


@cache
def zone_info(zone: str) -> ZoneInfo:
    """ZoneInfo keeps only a few zones warm; the country tables touch hundreds."""
    return ZoneInfo(zone)


def zone_matches(zone: str, when: datetime) -> bool:
    """Whether ``when``'s UTC offset is the zone's offset at that moment."""
    offset = when.utcoffset()
    # Most zones never show a given offset; their TZif data says so without a conversion.
    offsets = _zone_offsets(zone) if offset is not None else None
    if offsets is not None and offset not in offsets:
        return False
    return when.astimezone(zone_info(zone)).utcoffset() == offset


def offset_fits(cc: str, when: datetime) -> bool:
    """Whether a clock in the country could show ``when``'s offset (DST included)."""
    return _fits(cc, _hour(when))


def countries_fitting(ccs: Iterable[str], when: datetime) -> set[str]:
    """Those of the countries where ``when``'s offset fits: offset_fits for each."""
    key = _hour(when)
    return {cc for cc in ccs if _fits(cc, key)}


def _hour(when: datetime) -> tuple[datetime, timedelta | None]:
    """A cache key: the UTC hour and the offset.  Offsets change on the hour at most, and
    aware datetimes with one instant compare equal whatever their offsets, hence both."""
    utc = when.astimezone(UTC)
    return datetime(utc.year, utc.month, utc.day, utc.hour), when.utcoffset()


def _moment(key: tuple[datetime, timedelta | None]) -> datetime:
    hour, offset = key
    return hour.replace(tzinfo=UTC).astimezone(timezone(offset or timedelta(0)))


@lru_cache(maxsize=4096)
def _fits(cc: str, key: tuple[datetime, timedelta | None]) -> bool:
    # One country's zones only: a mail's clues name a few countries, and every distinct
    # sending hour would otherwise test all ~400 zones of the world.
    when = _moment(key)
    return any(zone_matches(z, when) for z in _zones_showing(cc, when.utcoffset()))


@lru_cache(maxsize=2048)
def _zones_showing(cc: str, offset: timedelta | None) -> tuple[str, ...]:
    """The country's zones, in order, less those whose TZif data never holds the offset."""
    return tuple(z for z in _zone_table().get(cc, ())
                 if (offsets := _zone_offsets(z)) is None or offset is None or offset in offsets)


def countries_at_offset(when: datetime) -> tuple[str, ...]:
    """The countries whose main zone shows ``when``'s UTC offset at that moment."""
    return _countries_at(_hour(when))


@lru_cache(maxsize=256)
def _countries_at(key: tuple[datetime, timedelta | None]) -> tuple[str, ...]:
    when = _moment(key)
    return tuple(cc for cc, zone in _main_zones_showing(when.utcoffset())
                 if zone_matches(zone, when))


@lru_cache(maxsize=64)
def _main_zones_showing(offset: timedelta | None) -> tuple[tuple[str, str], ...]:
    """(country, main zone) in table order, less the zones never showing the offset."""
    return tuple((cc, zones[0]) for cc, zones in _zone_table().items()
                 if zones[0] in _zones_showing(cc, offset))


@cache
def _zone_offsets(zone: str) -> frozenset[timedelta] | None:
    """Every UTC offset the zone's TZif data holds (RFC 8536): its local time types and
    the offsets of its closing TZ rule.  None when unknown: then every offset may fit."""
    data = _zone_file(zone)
    try:
        return _tzif_offsets(data) if data else None
    except (struct.error, ValueError, IndexError):
        return None


def _zone_file(zone: str) -> bytes | None:
    """The file ZoneInfo reads: the first TZPATH folder holding the zone, else tzdata's."""
    import zoneinfo

    for folder in zoneinfo.TZPATH:
        path = os.path.join(folder, zone)
        if os.path.isfile(path):
            with open(path, "rb") as file:
                return file.read()
    try:
        return resources.files("tzdata.zoneinfo").joinpath(zone).read_bytes()
    except (ImportError, OSError):
        return None


def _tzif_offsets(data: bytes) -> frozenset[timedelta]:
    if data[:4] != b"TZif":
        raise ValueError("not a TZif file")
    start, time_size = 0, 4
    isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt = struct.unpack(">6l", data[20:44])
    if data[4:5] >= b"2":  # skip the 32-bit block to the 64-bit one that follows it
        start = 44 + timecnt * 5 + typecnt * 6 + charcnt + leapcnt * 8 + isstdcnt + isutcnt
        time_size = 8
        isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt = struct.unpack(
            ">6l", data[start + 20:start + 44])
    types = start + 44 + timecnt * (time_size + 1)
    seconds = {struct.unpack_from(">l", data, types + 6 * i)[0] for i in range(typecnt)}
    if time_size == 8:
        end = types + typecnt * 6 + charcnt + leapcnt * 12 + isstdcnt + isutcnt
        seconds |= _rule_offsets(data[end:].strip(b"\n").decode("ascii"))
    return frozenset(timedelta(seconds=s) for s in seconds)


# The offsets of a POSIX TZ rule, "CET-1CEST,M3.5.0,M10.5.0/3" (east of UTC is negative).
TZ_RULE = re.compile(r"(?:[^<0-9:.+-]+|<[a-zA-Z0-9+-]+>)(?P<std>[+-]?\d{1,3}(?::\d{2}){0,2})?"
                     r"(?P<dst>(?:[^0-9:.+-]+|<[a-zA-Z0-9+-]+>)"
                     r"(?P<dstoff>[+-]?\d{1,3}(?::\d{2}){0,2})?)?", re.ASCII)


def _rule_offsets(rule: str) -> set[int]:
    if not rule:
        return set()
    m = TZ_RULE.fullmatch(rule.split(",", 1)[0])
    if m is None:
        raise ValueError(f"unknown TZ rule {rule!r}")
    std = -_rule_seconds(m["std"] or "0")
    if not m["dst"]:
        return {std}
    return {std, -_rule_seconds(m["dstoff"]) if m["dstoff"] else std + 3600}


def _rule_seconds(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    parts = [int(p) for p in text.lstrip("+-").split(":")]
    return sign * sum(p * u for p, u in zip(parts, (3600, 60, 1), strict=False))


def best_zone(cc: str, when: datetime | None = None, hints: Iterable[str] = ()) -> str:
    """The country's zone for a sender: the main zone when the sending offset fits it,
    else the zone that fits the hints (a phone's area code) and the offset."""
    zones = country_zones(cc)
    if not zones:
        return ""
    aware = when is not None and when.utcoffset() is not None
    if len(zones) == 1 or (aware and zone_matches(zones[0], when)):
        return zones[0]
    wanted = set(hints)
    narrowed = [z for z in zones if z in wanted] or list(zones)
    if aware:
        showing = set(_zones_showing(cc.upper(), when.utcoffset()))
        narrowed = [z for z in narrowed if z in showing and zone_matches(z, when)] or narrowed
    return narrowed[0]


# --------------------------------------------------------------------------- names


@lru_cache(maxsize=512)
def country_name(cc: str, locale: str = "en") -> str:
    """"Germany", or with locale "zh" "德国"; "" for an unknown code."""
    import pycountry

    country = pycountry.countries.get(alpha_2=cc.upper()) if cc else None
    if country is None:
        return ""
    name = getattr(country, "common_name", None) or country.name
    if locale.startswith("zh"):
        return _zh().gettext(country.name)
    return name


@cache
def _zh():
    import gettext

    import pycountry

    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"],
                               fallback=True)


# --------------------------------------------------------------------------- places

# Names buyers write for their country beyond the ISO names pycountry knows.
COUNTRY_ALIASES = {
    "GB": "UK|U.K.|Great Britain|Britain|England|Scotland|Wales|Northern Ireland",
    "US": "US|USA|U.S.|U.S.A.|United States of America",
    "AE": "UAE|U.A.E.|Emirates|United Arab Emirates|الإمارات",
    "SA": "KSA|Saudi|Saudi Arabia|Kingdom of Saudi Arabia|السعودية|المملكة العربية السعودية",
    "NL": "Holland|The Netherlands|Nederland",
    "DE": "Deutschland", "ES": "España|Espana", "IT": "Italia", "MX": "México",
    "BR": "Brasil", "PL": "Polska", "TR": "Turkey|Türkiye|Turkiye", "AT": "Österreich",
    "CH": "Schweiz|Suisse|Svizzera", "BE": "Belgique|België", "SE": "Sverige", "NO": "Norge",
    "DK": "Danmark", "FI": "Suomi", "CZ": "Czech Republic", "CI": "Ivory Coast|Cote d'Ivoire",
    "CD": "DR Congo|DRC", "KR": "Korea|South Korea", "VN": "Vietnam", "RU": "Russia|Россия|России",
    "UA": "Ukraine|Украина|Україна", "KZ": "Казахстан|Казахстана", "UZ": "Узбекистан",
    "BY": "Беларусь", "IR": "Iran", "SY": "Syria", "LA": "Laos", "TZ": "Tanzania",
    "BO": "Bolivia", "VE": "Venezuela", "MD": "Moldova", "TW": "Taiwan", "HK": "HK",
    "CN": "China|PRC|P.R. China", "IQ": "العراق", "EG": "مصر", "KW": "الكويت", "QA": "قطر",
    "JO": "الأردن", "MA": "المغرب", "LY": "ليبيا", "DZ": "الجزائر", "TN": "تونس",
}
# Main trade cities, for signatures that give a city but no country.
CITIES = {
    "GB": "London|Manchester|Birmingham|Leeds|Glasgow|Liverpool|Bristol|Cardiff|Edinburgh|"
          "Sheffield|Leicester|Felixstowe|Southampton",
    "IE": "Dublin|Cork", "US": "New York|Los Angeles|Chicago|Houston|Miami|Dallas|Atlanta|"
    "Seattle|San Francisco|Boston|Phoenix|Denver|Detroit",
    "CA": "Toronto|Montreal|Montréal|Vancouver|Calgary|Edmonton|Ottawa",
    "MX": "Mexico City|Ciudad de México|Guadalajara|Monterrey", "BR": "São Paulo|Sao Paulo|"
    "Rio de Janeiro|Curitiba|Porto Alegre|Belo Horizonte", "AR": "Buenos Aires",
    "CL": "Santiago|Valparaíso", "CO": "Bogotá|Bogota|Medellín|Medellin|Barranquilla",
    "PE": "Lima|Arequipa", "EC": "Guayaquil|Quito", "DE": "Berlin|Hamburg|Munich|München|"
    "Frankfurt|Cologne|Köln|Düsseldorf|Stuttgart|Bremen|Hannover|Nuremberg|Nürnberg",
    "FR": "Paris|Lyon|Marseille|Lille|Bordeaux|Toulouse|Le Havre", "ES": "Madrid|Barcelona|"
    "Valencia|Sevilla|Bilbao", "IT": "Milan|Milano|Rome|Roma|Naples|Napoli|Turin|"
    "Torino|Bologna|Genoa|Genova", "NL": "Amsterdam|Rotterdam|Utrecht|Eindhoven",
    "BE": "Brussels|Bruxelles|Antwerp|Antwerpen", "PL": "Warsaw|Warszawa|Gdańsk|Gdansk|"
    "Kraków|Krakow|Łódź|Poznań|Wrocław", "TR": "Istanbul|İstanbul|Ankara|İzmir|Izmir|Bursa|"
    "Mersin", "RU": "Moscow|Москва|Москвы|Saint Petersburg|Санкт-Петербург|Yekaterinburg|"
    "Екатеринбург|Екатеринбурга|Novosibirsk|Новосибирск", "UA": "Kyiv|Kiev|Киев|Київ|Odesa|Odessa",
    "KZ": "Almaty|Алматы|Astana|Астана", "UZ": "Tashkent|Ташкент|Ташкента",
    "AE": "Dubai|Abu Dhabi|Sharjah|Ajman|Jebel Ali|دبي", "SA": "Riyadh|Jeddah|Dammam|"
    "Al Khobar|الرياض|جدة|الدمام", "QA": "Doha", "KW": "Kuwait City", "OM": "Muscat|Sohar",
    "BH": "Manama", "IQ": "Baghdad|Basra|Basrah|Erbil|Umm Qasr|البصرة|بغداد", "JO": "Amman",
    "EG": "Cairo|Alexandria|القاهرة", "MA": "Casablanca|Tangier|Tanger", "DZ": "Algiers|Alger",
    "TN": "Tunis", "LY": "Tripoli|Benghazi", "NG": "Lagos|Abuja|Kano|Port Harcourt",
    "GH": "Accra|Kumasi", "KE": "Nairobi|Mombasa", "TZ": "Dar es Salaam",
    "ET": "Addis Ababa", "ZA": "Johannesburg|Cape Town|Durban", "AO": "Luanda",
    "MZ": "Maputo", "CI": "Abidjan", "SN": "Dakar", "CM": "Douala|Yaoundé", "BJ": "Cotonou",
    "ZM": "Lusaka", "IN": "Mumbai|Delhi|New Delhi|Chennai|Kolkata|Bangalore|Bengaluru|"
    "Hyderabad|Ahmedabad|Pune|Ludhiana|Surat", "PK": "Karachi|Lahore|Islamabad|Faisalabad|"
    "Sialkot", "BD": "Dhaka|Chittagong", "LK": "Colombo", "NP": "Kathmandu",
    "CN": "Shanghai|Beijing|Shenzhen|Guangzhou|Ningbo|Yiwu|Hangzhou|Tianjin|Xiamen|Qingdao",
    "HK": "Hong Kong|Kowloon", "TW": "Taipei", "VN": "Ho Chi Minh City|Hanoi|Hai Phong|"
    "Haiphong|Da Nang", "TH": "Bangkok", "MY": "Kuala Lumpur|Penang|Johor Bahru",
    "ID": "Jakarta|Surabaya|Bandung", "PH": "Manila|Quezon City|Cebu", "KH": "Phnom Penh",
    "JP": "Tokyo|Osaka", "KR": "Seoul|Busan", "AU": "Sydney|Melbourne|Brisbane|Perth|Adelaide",
    "NZ": "Auckland|Wellington|Christchurch",
}
# Country names that are also people's names or US states: too ambiguous to read.
AMBIGUOUS_NAMES = {"georgia", "jordan", "chad", "jersey", "niger", "guinea"}
CASE_SENSITIVE = {"us", "hk"}  # "us" is a pronoun; only "US" names the country
PLACE_TOKEN = re.compile(r"[^\W\d_]+")


def _place_key(text: str) -> str:
    return " ".join(PLACE_TOKEN.findall(text.casefold()))


@cache
def _places() -> tuple[dict[str, str], int, frozenset[str]]:
    """Place key → country code, the longest key in words, and every key's first word."""
    import pycountry

    table: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            name = getattr(country, attr, None)
            if name and _place_key(name) not in AMBIGUOUS_NAMES:
                table[_place_key(name)] = country.alpha_2
    for source in (COUNTRY_ALIASES, CITIES):
        for cc, names in source.items():
            table.update((_place_key(n), cc) for n in names.split("|"))
    firsts = frozenset(k.split(" ", 1)[0] for k in table)
    return table, max(k.count(" ") + 1 for k in table), firsts


@lru_cache(maxsize=2048)
def find_countries(text: str) -> tuple[str, ...]:
    """Countries a text names, by country or main trade city, in order of mention."""
    table, longest, firsts = _places()
    tokens = PLACE_TOKEN.findall(text)
    keys = [t.casefold() for t in tokens]
    found: list[str] = []
    i = 0
    while i < len(tokens):
        if keys[i] not in firsts:
            i += 1
            continue
        for n in range(min(longest, len(tokens) - i), 0, -1):
            cc = table.get(" ".join(keys[i:i + n]))
            if cc and (n > 1 or keys[i] not in CASE_SENSITIVE or tokens[i].isupper()):
                found.append(cc)
                i += n - 1
                break
        i += 1
    return tuple(found)
