"""Lookups: offline reference data behind small functions."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from inquirydesk.lookups.domains import (
    is_disposable,
    is_free_mail,
    is_relay_host,
    public_suffix,
    registrable_domain,
    tld_country,
)
from inquirydesk.lookups.geo import (
    best_zone,
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


def test_a_huge_text_is_read_only_at_its_start():
    # Bounded work: the opening decides, whatever follows.
    opening = "Bonjour, merci de nous envoyer votre catalogue et vos prix. " * 30
    assert detect_language(opening + "the and of " * 100_000) == "fr"
