"""Lookups: offline reference data behind small functions."""

from __future__ import annotations

import ipaddress
import random
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from inquirydesk.lookups import geo, language
from inquirydesk.lookups.domains import (
    is_disposable,
    is_free_mail,
    is_relay_host,
    is_under,
    public_suffix,
    registrable_domain,
    tld_country,
)
from inquirydesk.lookups.geo import (
    best_zone,
    countries_at_offset,
    countries_fitting,
    country_name,
    country_timezone,
    find_countries,
    find_phones,
    ip_country,
    is_relay_ip,
    offset_fits,
    phone_parse,
)
from inquirydesk.lookups.language import detect_language

# --------------------------------------------------------------------------- domains


@pytest.mark.parametrize("domain", ["gmail.com", "GMAIL.COM", "163.com", "qq.com", "foxmail.com",
                                    "outlook.com", "mail.ru", "web.de", "rediffmail.com",
                                    "daum.net", "yahoo.com.vn", "yahoo.co.uk", "hotmail.fr"])
def test_free_mail(domain):
    assert is_free_mail(domain)


@pytest.mark.parametrize("domain", ["alibaba.com", "made-in-china.com", "globalsources.com",
                                    "docs.google.com", "hafenbau-nord.de", ""])
def test_not_free_mail_including_the_override_list(domain):
    assert not is_free_mail(domain)


def test_disposable_and_a_real_provider_the_disposable_list_wrongly_holds():
    assert is_disposable("mailinator.com")
    assert not is_disposable("21cn.com") and is_free_mail("21cn.com")
    assert not is_disposable("gmail.com")


def test_registrable_domain():
    assert registrable_domain("mail.shop.co.uk") == "shop.co.uk"
    assert registrable_domain("https://www.Hafenbau-Nord.de/kontakt?x=1") == "hafenbau-nord.de"
    assert registrable_domain("buyer@sales.hafenbau-nord.de") == "hafenbau-nord.de"
    assert registrable_domain("login.brand.com.verify.example") == "verify.example"
    assert registrable_domain("") == registrable_domain("192.168.1.1") == ""


def test_idn_domain_compares_in_punycode():
    assert registrable_domain("www.bücher.de") == "xn--bcher-kva.de"
    assert registrable_domain("shop.xn--bcher-kva.de") == registrable_domain("bücher.de")
    assert tld_country("bücher.de") == "DE"
    assert tld_country("магазин.рф") == "RU"


@pytest.mark.parametrize(("domain", "country"), [
    ("hafenbau-nord.de", "DE"), ("shop.co.uk", "GB"), ("shop.uk", "GB"), ("tienda.com.co", "CO"),
    ("kiwi-gear.co.nz", "NZ"), ("trade.com", ""), ("brand.co", ""), ("brand.io", ""),
    ("agency.eu", ""), ("x.example", ""),
])
def test_tld_country(domain, country):
    assert tld_country(domain) == country


def test_is_under_takes_the_host_and_its_subdomains_only():
    assert is_under("mail-wr1.google.com", {"google.com"}) and is_under("GOOGLE.COM.", ["google.com"])
    assert not is_under("xgoogle.com", {"google.com"}) and not is_under("google.com", {"mail.google.com"})
    assert not is_under("", {""}) and not is_under("a.com", {""}) and not is_under("a.com", ())
    # The same answers as comparing the host with each domain.
    hosts = ["a.b.c", "b.c", "c", "x.b.c", "a..b.c", ".b.c", "B.C", ""]
    domains = [{"b.c"}, {"c", "x"}, {".b.c"}, {"a.b.c"}, {""}, set()]
    for host in hosts:
        for known in domains:
            h = host.lower().strip(".")
            assert is_under(host, known) == (bool(h) and any(
                h == d or h.endswith("." + d) for d in known))


def test_public_suffix_and_relay_hosts():
    assert public_suffix("www.shop.co.uk") == "co.uk"
    assert public_suffix("s.r.l") == ""
    assert is_relay_host("mail-wr1-f52.google.com") and is_relay_host("smtp.mail.ru")
    assert not is_relay_host("mail.hafenbau-nord.de")


# --------------------------------------------------------------------------- IP


def test_ip_country_of_public_private_and_broken_addresses():
    assert ip_country("8.8.8.8") == "US"
    assert ip_country("5.9.0.1") == "DE"
    assert ip_country("2001:4860:4860::8888") == "US"
    for ip in ("10.1.2.3", "192.168.0.9", "127.0.0.1", "100.64.0.1", "::1", "not an ip", ""):
        assert ip_country(ip) == ""


def test_webmail_relays_are_known():
    assert is_relay_ip("209.85.167.145")  # Gmail
    assert is_relay_ip("40.92.89.10")  # Outlook.com
    assert not is_relay_ip("5.9.0.1")


def test_relay_ranges_end_where_their_networks_end():
    for net in geo.RELAY_NETS:
        first, last = int(net.network_address), int(net.broadcast_address)
        for number, inside in ((first, True), (last, True), (first - 1, False), (last + 1, False)):
            ip = str(ipaddress.ip_address(number) if net.version == 4 else ipaddress.IPv6Address(number))
            assert is_relay_ip(ip) == (inside or any(ipaddress.ip_address(ip) in n
                                                     for n in geo.RELAY_NETS if n.version == net.version))
    assert not is_relay_ip("::ffff:74.125.0.1") and not is_relay_ip("") and not is_relay_ip("x")


# --------------------------------------------------------------------------- phones


@pytest.mark.parametrize("text", ["+86 139 1234 5678", "0086-139-1234-5678", "(+86) 139 1234 5678",
                                  "+86-139-1234-5678", "0086 139.1234.5678"])
def test_chinese_mobile_in_every_common_spelling(text):
    phone = phone_parse(text)
    assert (phone.e164, phone.country, phone.kind) == ("+8613912345678", "CN", "mobile")


def test_national_numbers_need_a_region():
    assert phone_parse("(303) 555-0100") is None
    phone = phone_parse("(303) 555-0100", "US")
    assert (phone.e164, phone.country) == ("+13035550100", "US")
    assert phone_parse("0049-40-5555-3172", "US").country == "DE"  # 00 is the prefix, not US


def test_find_phones_reads_labels():
    text = ("Tel. +49 40 5555 3170 · Fax +49 40 5555 3179\n"
            "WhatsApp: +86 138 0013 8000\n"
            "传真：0086-574-5555-1234")
    kinds = [(p.e164, p.kind) for p in find_phones(text)]
    assert kinds == [("+494055553170", "phone"), ("+494055553179", "fax"),
                     ("+8613800138000", "whatsapp"), ("+8657455551234", "fax")]


def test_tel_fax_on_one_line_is_one_number_for_both():
    phones = find_phones("Tel/Fax: +91 22 5555 1234")
    assert {p.kind for p in phones} == {"phone", "fax"}
    assert len({p.e164 for p in phones}) == 1


def test_national_numbers_are_read_in_the_first_region_where_they_are_valid():
    [phone] = find_phones("Tel 022 5555 1234", regions=["US", "IN"])
    assert (phone.e164, phone.country) == ("+912255551234", "IN")
    [alone] = find_phones("Kind regards\nJo\n030 5555 1234", regions=["DE"])
    assert alone.e164 == "+493055551234"


def test_a_number_without_country_code_is_read_in_the_one_region_given():
    [phone] = find_phones("Tel (123) 555-0100", regions=["US"])  # no such area code: still US
    assert (phone.e164, phone.country) == ("+11235550100", "US")


def test_phone_search_around_digit_runs_finds_what_a_full_scan_finds():
    # PHONE runs only near runs of digits (see geo._phone_matches): the same matches.
    rng = random.Random(7)
    pieces = [*"0123456789" * 3, *" \t.()-+\n" * 2, "00", "(+86)", "(+1234) (", "Tel:", "ab", "_",
              "٣", "\u00a0", "  "]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 60)))
        assert [m.span() for m in geo._phone_matches(text)] == [
            m.span() for m in geo.PHONE.finditer(text)], text


def test_numbers_that_are_not_phones():
    text = "Order 7100023456 of 2026-11-02 for 2,400 pcs, tracking 5512 8830 12, ref. 7K2-559-31"
    assert find_phones(text, regions=["US"]) == []


# --------------------------------------------------------------------------- time zones


@pytest.mark.parametrize(("cc", "zone"), [
    ("US", "America/New_York"), ("RU", "Europe/Moscow"), ("BR", "America/Sao_Paulo"),
    ("AU", "Australia/Sydney"), ("CN", "Asia/Shanghai"), ("CA", "America/Toronto"),
    ("DE", "Europe/Berlin"), ("IN", "Asia/Kolkata"), ("XX", ""), ("", ""),
])
def test_country_timezone(cc, zone):
    assert country_timezone(cc) == zone


def test_best_zone_follows_the_sending_offset_and_the_phone():
    summer_pacific = datetime(2026, 7, 1, 9, 0, tzinfo=timezone(timedelta(hours=-7)))
    assert best_zone("US", summer_pacific) == "America/Los_Angeles"
    assert best_zone("US", summer_pacific, ["America/Phoenix"]) == "America/Phoenix"
    eastern = datetime(2026, 7, 1, 9, 0, tzinfo=timezone(timedelta(hours=-4)))
    assert best_zone("US", eastern, ["America/Chicago"]) == "America/New_York"
    assert best_zone("DE") == "Europe/Berlin"


def test_offset_fits_knows_daylight_saving():
    berlin_summer = datetime(2026, 7, 1, 9, 0, tzinfo=timezone(timedelta(hours=2)))
    berlin_winter = datetime(2026, 1, 10, 9, 0, tzinfo=timezone(timedelta(hours=2)))
    assert offset_fits("DE", berlin_summer)
    assert not offset_fits("DE", berlin_winter)
    assert offset_fits("AU", datetime(2026, 1, 10, 9, 0, tzinfo=timezone(timedelta(hours=8))))


def test_zone_offsets_hold_every_offset_the_zone_shows():
    # The TZif pre-check may only rule out offsets a zone never shows.
    zones = sorted({z for zones in geo._zone_table().values() for z in zones})
    instants = [datetime(year, month, 15, tzinfo=UTC) for year in range(1880, 2050, 7)
                for month in (1, 7)]
    for zone in zones:
        offsets = geo._zone_offsets(zone)
        assert offsets is not None
        assert {t.astimezone(ZoneInfo(zone)).utcoffset() for t in instants} <= offsets, zone


def test_offset_lookups_agree_with_trying_every_zone():
    table = geo._zone_table()
    hours = [datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2002, 10, 27, 1, tzinfo=UTC),
             datetime(2025, 11, 2, 6, tzinfo=UTC), datetime(1995, 7, 1, 12, tzinfo=UTC),
             datetime(2026, 1, 10, 1, tzinfo=UTC)]
    offsets = [timedelta(minutes=m) for m in (0, 60, 120, 180, 330, 345, 480, 570, 765, -180,
                                              -210, -240, -300, -420, -600)]
    for hour in hours:
        for offset in offsets:
            when = hour.astimezone(timezone(offset))
            fitting = {cc for cc, zones in table.items()
                       if any(when.astimezone(ZoneInfo(z)).utcoffset() == offset for z in zones)}
            assert countries_fitting(table, when) == fitting
            assert all(offset_fits(cc, when) == (cc in fitting) for cc in ("US", "IN", "AU", "DE"))
            assert countries_at_offset(when) == tuple(
                cc for cc, zones in table.items()
                if when.astimezone(ZoneInfo(zones[0])).utcoffset() == offset)


def test_country_names():
    assert country_name("DE") == "Germany"
    assert country_name("de", "zh") == "德国"
    assert country_name("KR") == "South Korea"
    assert country_name("XX") == ""


def test_find_countries_by_name_alias_and_trade_city():
    assert find_countries("Unit 3, Harbour Road, Leith, Scotland") == ("GB",)
    assert find_countries("We are an importer based in Dubai, U.A.E.") == ("AE", "AE")
    assert find_countries("Lagos – Nigeria") == ("NG", "NG")
    assert find_countries("Please tell us your price for the US market") == ("US",)
    assert find_countries("send it to us") == ()
    assert find_countries("Jordan Smith, Buyer") == ()


# --------------------------------------------------------------------------- language

SENTENCES = {
    "en": "Please send us your best price for the folding chairs and the lead time.",
    "es": "Por favor envíenos su mejor precio para las sillas y el plazo de entrega.",
    "pt": "Por favor envie o seu melhor preço para as cadeiras e o prazo de entrega.",
    "fr": "Merci de nous envoyer votre meilleur prix pour les chaises et le délai.",
    "de": "Bitte senden Sie uns Ihr bestes Angebot für die Stühle und die Lieferzeit.",
    "it": "Vi chiediamo il vostro miglior prezzo per le sedie e i tempi di consegna.",
    "nl": "Graag ontvangen wij uw beste prijs voor de stoelen en de levertijd.",
    "pl": "Prosimy o najlepszą cenę na krzesła oraz termin dostawy.",
    "tr": "Sandalyeler için en iyi fiyatınızı ve teslim süresini rica ediyoruz.",
    "vi": "Xin vui lòng gửi cho chúng tôi giá tốt nhất cho ghế và thời gian giao hàng.",
    "id": "Mohon kirimkan harga terbaik untuk kursi dan waktu pengiriman kepada kami.",
    "ru": "Пожалуйста, пришлите нам вашу лучшую цену на стулья и срок поставки.",
    "uk": "Будь ласка, надішліть нам вашу найкращу ціну на стільці та термін поставки.",
    "ar": "نرجو إرسال أفضل سعر لديكم للكراسي ومدة التسليم.",
    "fa": "لطفا بهترین قیمت خود را برای صندلی ها و زمان تحویل برای ما بفرستید.",
    "zh": "请发给我们折叠椅的最优惠价格和交货期。",
    "ja": "折りたたみ椅子の最安値と納期を教えてください。",
    "ko": "접이식 의자의 최저 가격과 납기를 알려주세요.",
    "th": "กรุณาส่งราคาที่ดีที่สุดสำหรับเก้าอี้พับและระยะเวลาการจัดส่ง",
    "hi": "कृपया हमें कुर्सियों की सबसे अच्छी कीमत और डिलीवरी का समय भेजें।",
}


@pytest.mark.parametrize(("lang", "sentence"), SENTENCES.items())
def test_each_supported_language(lang, sentence):
    assert detect_language(sentence) == lang


def test_too_little_text_to_tell():
    assert detect_language("") == ""
    assert detect_language("QL-CC301 x 500, FOB") == ""


def test_mixed_text_goes_by_its_main_language():
    assert detect_language("Dear Annie,\nNecesitamos cotización de tubo galvanizado, por favor "
                           "indicar el precio CFR y el plazo de entrega. Saludos") == "es"
    assert detect_language("您好，我们需要 QL-CC301 camping chair 1000 pcs，请报 FOB Ningbo "
                           "价格和交期，谢谢") == "zh"
    assert detect_language("Please quote 500 pcs and the lead time.\n\n发自我的iPhone") == "en"


def test_a_tie_goes_to_the_language_listed_first():
    # Whole-number scores: the same answer whatever order the words are counted in.
    assert detect_language("the el") == detect_language("el the") == "en"
    assert detect_language("el la the") == "es"


def test_ascii_words_are_the_words_latin_word_finds():
    for text in [*SENTENCES.values(), "Hello,\tWORLD_x 123 e-mail: a.b@c.de!", "ok K"]:
        sample = text[:language.SAMPLE].lower()
        if sample.isascii():
            words = sample.encode("ascii").translate(language.ASCII_LETTERS_ONLY).split()
            assert [w.decode() for w in words] == language.LATIN_WORD.findall(sample)


def test_a_huge_text_is_read_only_at_its_start():
    # Bounded work: the opening decides, whatever follows.
    opening = "Bonjour, merci de nous envoyer votre catalogue et vos prix. " * 30
    assert detect_language(opening + "the and of " * 100_000) == "fr"
