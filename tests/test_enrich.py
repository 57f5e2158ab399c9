"""Enrich: who the sender is and where they really are."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

from inquirydesk.model import Address, Hop, Identity, Inquiry, Person, PlatformFacts, Seller
from inquirydesk.pipeline import enrich as enrich_module
from inquirydesk.pipeline.enrich import enrich, find_signature

SELLER = Seller(
    company="Ningbo Harbourlight Leisure Co., Ltd.",
    short_names=("Harbourlight", "HL Leisure"),
    people=(Person("Wu Lan", "Laura", "laura@harbourlight.example"),
            Person("Qi Ming", "Martin", "martin@harbourlight.example")),
    emails=("sales@harbourlight.example",),
    website="www.harbourlight.example",
    address="No. 5 Harbour Road, Beilun, Ningbo 315800, China",
    phone="+86 574 5555 0000",
)
CET_SUMMER = timezone(timedelta(hours=2))
TO_LAURA = (Address("Laura", "laura@harbourlight.example"),)


def mail(body: str, *, sender=("Petra Lindqvist", "petra@gartenwelt-example.de"),
         date_=datetime(2026, 9, 15, 10, 20, tzinfo=CET_SUMMER),
         to=TO_LAURA, **kw) -> Inquiry:
    return Inquiry(source="t.eml", channel="file", sender=Address(*sender), body=body,
                   date=date_, to=to, **kw)


def hops(*chain: tuple[str, str, str]) -> tuple[Hop, ...]:
    """Received hops, newest first, from (from_host, ip, by)."""
    return tuple(Hop(f, ip, by, None) for f, ip, by in chain)


FULL_SIGNATURE = """Hi Laura,

we are a garden retailer with 22 stores and would like your price for 1,500 folding
tables, FOB Ningbo, delivery in March.

Mit freundlichen Grüßen / Kind regards

Petra Lindqvist
Head of Purchasing
Gartenwelt Handels GmbH
Lindenstraße 12, 20095 Hamburg, Germany
Tel. +49 40 5555 2100 · Fax +49 40 5555 2109
www.gartenwelt-example.de"""


def test_a_full_company_signature():
    idy = enrich(mail(FULL_SIGNATURE, received=hops(
        ("mail.gartenwelt-example.de", "5.9.0.1", "mx.harbourlight.example"))), SELLER)
    assert (idy.name, idy.title, idy.company) == (
        "Petra Lindqvist", "Head of Purchasing", "Gartenwelt Handels GmbH")
    assert idy.address == "Lindenstraße 12, 20095 Hamburg, Germany"
    assert (idy.email, idy.mail_domain, idy.free_mail) == (
        "petra@gartenwelt-example.de", "gartenwelt-example.de", False)
    assert idy.website == "gartenwelt-example.de" and idy.website_matches_domain is True
    assert [(p.e164, p.kind) for p in idy.phones] == [("+494055552100", "phone"),
                                                     ("+494055552109", "fax")]
    assert not idy.fax_same_as_phone
    assert idy.signature.startswith("Petra Lindqvist\nHead of Purchasing")
    assert idy.addressed_by_name and not idy.generic_salutation
    assert (idy.ip, idy.ip_country, idy.phone_country, idy.tld_country, idy.claimed_country) == (
        "5.9.0.1", "DE", "DE", "DE", "DE")
    assert idy.country == "DE" and idy.country_evidence[0] == "ip:DE"
    assert idy.timezone == "Europe/Berlin" and idy.language == "en"


def test_dear_sir_madam_is_generic_and_names_nobody():
    idy = enrich(mail("Dear Sir/Madam,\n\nPlease send your catalogue and price list."), SELLER)
    assert idy.generic_salutation and not idy.addressed_by_name


def test_greeting_our_company_or_a_person_by_surname_is_by_name():
    assert enrich(mail("Hello Harbourlight team!\n\nDo you make cooler bags?"),
                  SELLER).addressed_by_name
    assert enrich(mail("Dear Ms. Wu,\n\nPlease quote 500 chairs."), SELLER).addressed_by_name


def test_our_domain_in_the_first_line_is_not_a_greeting_by_name():
    idy = enrich(mail("Hi there, I saw harbourlight.example and think your SEO needs help."),
                 SELLER)
    assert not idy.addressed_by_name and idy.generic_salutation


def test_a_name_in_another_script_counts_when_sent_to_that_persons_mailbox():
    body = "Здравствуйте, Лаура!\n\nНужны цены на складные столы, 300 штук."
    assert enrich(mail(body), SELLER).addressed_by_name
    to_sales = mail(body, to=(Address("", "sales@harbourlight.example"),))
    assert not enrich(to_sales, SELLER).addressed_by_name


def test_chinese_numbers_in_plus_86_and_0086_form():
    body = ("Dear Martin,\n\nPlease quote.\n\nBest regards\nTom Reyes\n"
            "Mob: +86 139 1234 5678\nTel: 0086-21-5555-1234")
    phones = enrich(mail(body), SELLER).phones
    assert [(p.e164, p.country, p.kind) for p in phones] == [
        ("+8613912345678", "CN", "mobile"), ("+862155551234", "CN", "phone")]


def test_fax_equal_to_phone_is_flagged():
    body = ("Dear Laura,\n\nPrice please.\n\nRegards\nAmit Shah\n"
            "Tel: +91 22 5555 1234  Fax: +91 22 5555 1234")
    idy = enrich(mail(body, sender=("Amit Shah", "amit@shah-example.in")), SELLER)
    assert idy.fax_same_as_phone


def test_national_number_is_read_in_the_country_of_the_mail_domain():
    body = "Hallo Laura,\n\nbitte Angebot.\n\nViele Grüße\nJonas Weber\nTelefon 030 5555 1234"
    [phone] = enrich(mail(body), SELLER).phones
    assert (phone.e164, phone.country) == ("+493055551234", "DE")


def test_our_own_number_quoted_back_is_not_the_buyers():
    body = "Dear Laura,\n\nI called you at +86 574 5555 0000 but nobody answered."
    assert enrich(mail(body), SELLER).phones == ()


def test_ip_from_the_received_chain_skips_private_relays_and_our_servers():
    chain = hops(
        ("filter.harbourlight.example", "202.96.128.86", "mx.harbourlight.example"),
        ("mail-wr1-f52.google.com", "209.85.218.41", "filter.harbourlight.example"),
        ("laptop", "81.2.69.160", "smtp.gmail.com"),
        ("localhost", "127.0.0.1", "laptop"),
    )
    idy = enrich(mail("Hi Laura, price please.", sender=("Ann", "ann.buyer@gmail.com"),
                      received=chain), SELLER)
    assert (idy.ip, idy.ip_country) == ("81.2.69.160", "GB")


def test_webmail_relays_alone_leave_the_ip_to_x_originating_ip():
    chain = hops(("mail-wr1-f52.google.com", "209.85.218.41", "mx.harbourlight.example"),
                 ("", "192.168.1.20", "smtp.gmail.com"))
    bare = mail("Hi Laura", sender=("Ann", "ann.buyer@gmail.com"), received=chain)
    assert enrich(bare, SELLER).ip == ""
    header = mail("Hi Laura", sender=("Ann", "ann.buyer@gmail.com"), received=chain,
                  headers={"x-originating-ip": "[80.12.0.1]"})
    assert (enrich(header, SELLER).ip, enrich(header, SELLER).ip_country) == ("80.12.0.1", "FR")


def test_local_send_time_at_night():
    late = datetime(2026, 10, 13, 1, 40, tzinfo=UTC)  # 03:40 in Hamburg
    idy = enrich(mail(FULL_SIGNATURE, date_=late), SELLER)
    assert idy.timezone == "Europe/Berlin"
    assert (idy.local_sent.hour, idy.local_sent.minute) == (3, 40)
    assert idy.local_sent.utcoffset() == timedelta(hours=2)


def test_a_rival_in_china_behind_a_us_identity():
    body = ("Dear Martin,\n\nWe are an importer in the USA. Kindly list the cost of each part, the "
            "material you buy and its price.\n\nBest regards\nJohn Miller\n"
            "Tel: +1 (646) 555-0188")
    inquiry = mail(body, sender=("John Miller", "john.miller.trade@gmail.com"),
                   date_=datetime(2026, 10, 13, 9, 5, tzinfo=timezone(timedelta(hours=8))),
                   charsets=("gb2312",), mailer="Foxmail 7.2[cn]",
                   received=hops(("pc", "8.8.4.4", "smtp.gmail.com")))
    idy = enrich(inquiry, SELLER)
    assert (idy.ip_country, idy.phone_country, idy.claimed_country) == ("US", "US", "US")
    assert idy.country == "CN"
    assert idy.country_evidence[:2] == ("charset:CN", "mailer:CN")
    assert idy.timezone == "Asia/Shanghai"


def test_a_genuine_buyer_where_clocks_also_read_plus_eight_is_no_rival():
    body = "Hi Laura,\n\nPlease quote 300 cooler bags.\n\nThanks\nAlvin Tan\nTel: +65 6555 1234"
    inquiry = mail(body, sender=("Alvin Tan", "alvin@lionmart-example.sg"),
                   date_=datetime(2026, 10, 13, 9, 5, tzinfo=timezone(timedelta(hours=8))),
                   charsets=("gb2312",))
    assert enrich(inquiry, SELLER).country == "SG"


def test_time_zone_offset_outvotes_a_foreign_vpn_ip():
    body = ("Hi Laura,\n\nPrice for 500 chairs?\n\nCheers\nAna Tui\nHarbour Gear Ltd\n"
            "Mob 027 555 1234")
    inquiry = mail(body, sender=("Ana Tui", "ana@harbourgear-example.co.nz"),
                   date_=datetime(2026, 11, 5, 9, 15, tzinfo=timezone(timedelta(hours=13))),
                   received=hops(("pc", "1.1.1.1", "smtp.harbourgear-example.co.nz")))
    idy = enrich(inquiry, SELLER)
    assert idy.ip_country == "AU" and idy.country == "NZ"
    assert idy.timezone == "Pacific/Auckland"


def test_platform_row_trusts_the_platform_ip_over_the_registration():
    row = Inquiry(
        source="platform.csv#AL-1", channel="platform",
        sender=Address("Kelvin Moss", ""), body="Dear Supplier,\nsend best price and MOQ.",
        date=datetime(2026, 10, 31, 3, 10, tzinfo=UTC),
        platform=PlatformFacts("AL-1", buyer_company="KM Prime Sourcing",
                               registered_country="US", ip_country="NG",
                               registered_at=date(2026, 10, 29)))
    idy = enrich(row, SELLER)
    assert (idy.ip, idy.ip_country, idy.claimed_country, idy.country) == ("", "NG", "US", "NG")
    assert idy.country_evidence == ("platform_ip:NG", "registered:US")
    assert idy.company == "KM Prime Sourcing" and idy.generic_salutation
    assert idy.local_sent.hour == 4 and idy.timezone == "Africa/Lagos"


def test_platform_phone_and_website():
    row = Inquiry(
        source="platform.csv#AL-2", channel="platform",
        sender=Address("Lise Dahl", "lise@plantehuset-example.dk"), body="Hello Laura",
        platform=PlatformFacts("AL-2", buyer_phone="+45 86 55 12 34",
                               buyer_website="www.plantehuset-example.dk",
                               registered_country="DK", ip_country="DK"))
    idy = enrich(row, SELLER)
    assert [p.e164 for p in idy.phones] == ["+4586551234"]
    assert idy.website_matches_domain is True and idy.country == "DK"


def test_website_on_free_mail_has_no_match_and_a_subdomain_matches():
    free = mail("Hi Laura\n\nRegards\nSam Cole\nwww.colehome-example.com",
                sender=("Sam Cole", "samcole@gmail.com"))
    idy = enrich(free, SELLER)
    assert idy.free_mail and idy.website == "colehome-example.com"
    assert idy.website_matches_domain is None
    sub = mail("Hi Laura\n\nRegards\nSam Cole\nshop.colehome-example.com",
               sender=("Sam Cole", "sam@colehome-example.com"))
    assert enrich(sub, SELLER).website_matches_domain is True


def test_idn_mail_domain_matches_its_unicode_website():
    body = "Hallo Laura,\n\nGrüße\nEva Roth\nwww.bücherhaus-example.de"
    idy = enrich(mail(body, sender=("Eva Roth", "eva@xn--bcherhaus-example-22b.de")), SELLER)
    assert idy.website == "xn--bcherhaus-example-22b.de"
    assert idy.website_matches_domain is True and idy.tld_country == "DE"


def test_disposable_mailbox():
    idy = enrich(mail("Hi, price?", sender=("X", "x123@mailinator.com")), SELLER)
    assert idy.disposable and idy.free_mail


def test_signature_after_sign_offs_in_other_languages():
    assert find_signature("Texto.\n\nSaludos cordiales,\nAna Ruiz\nCompras") == "Ana Ruiz\nCompras"
    assert find_signature("Текст.\n\nС уважением,\nИван Петров") == "Иван Петров"
    assert find_signature("请报价。\n\n此致\n王明") == "王明"
    # No sign-off: the last paragraph of short lines
    assert find_signature("Please quote.\n\nRosa\nOutdoor Vlog") == "Rosa\nOutdoor Vlog"
    assert find_signature("Please quote 500 pcs of the chair in black.") == ""


def test_signature_stops_at_a_quote_and_a_postscript():
    body = ("Price please.\n\nBest regards,\nLee Park\nSent from my iPhone\n"
            "-----Original Message-----\nFrom: Laura")
    assert find_signature(body) == "Lee Park"


def test_a_person_name_is_not_taken_from_a_company_or_a_role():
    idy = enrich(mail("Dear Sir,\nPlease see the attached order.",
                      sender=("Purchasing - Northgate Trading Ltd", "po@northgate-example.com")),
                 SELLER)
    assert idy.name == "" and idy.company == "Northgate Trading Ltd"


def test_never_raises_on_odd_input():
    odd = Inquiry(source="x", channel="file", sender=None, body="\x00\ufffd" * 50,
                  date=datetime(2026, 1, 1, 12, 0), received=(Hop("", "999.1.1.1", "", None),),
                  headers={"X-Originating-IP": "garbage"})
    idy = enrich(odd, Seller())
    assert isinstance(idy, Identity) and idy.local_sent is None and idy.country == ""


def test_sign_off_found_whatever_its_case_and_the_marks_before_it():
    assert find_signature("Text.\n\n-- BEST REGARDS --\nAna Ruiz") == "Ana Ruiz"
    assert find_signature("Text.\n\n> thanks & regards,\nAna Ruiz") == "Ana Ruiz"
    # Without the Turkish letters: ı is i to a case-blind match
    assert find_signature("Metin.\n\nSaygilarimla,\nAli Kaya") == "Ali Kaya"
    assert find_signature("Tekst.\n\nZ POWAŻANIEM\nJan Nowak") == "Jan Nowak"


def test_signature_in_the_last_paragraph_after_several_blank_lines():
    assert find_signature("Please quote.\n\n\nRosa\nOutdoor Vlog") == "Rosa\nOutdoor Vlog"
    assert find_signature("Please quote.\n\n\n\n\nRosa\n\n") == "Rosa"


def test_address_label_and_stated_website_anywhere_in_the_mail():
    body = ("Hi Laura,\n\nplease add 20 pcs.\nOur website is www.tuinhuis-example.nl and our\n"
            "  Address : Kade 4, 1013 AA Amsterdam\nThanks")
    idy = enrich(mail(body, sender=("Jan", "jan@gmail.com")), SELLER)
    assert idy.address == "Kade 4, 1013 AA Amsterdam"
    assert idy.website == "tuinhuis-example.nl"


def test_each_seller_object_is_read_for_itself():
    henry = Seller(company="Other Works", people=(Person("Zhang Wei", "Henry", "h@other.example"),))
    hi_henry = mail("Hi Henry,\nyour price please.", to=())
    assert enrich(hi_henry, henry).addressed_by_name
    assert not enrich(hi_henry, SELLER).addressed_by_name
    # An equal Seller built afresh reads the same.
    same = Seller(company="Other Works", people=(Person("Zhang Wei", "Henry", "h@other.example"),))
    assert enrich(hi_henry, same) == enrich(hi_henry, henry)


def test_a_local_number_is_read_where_the_sending_offset_allows():
    def ravi(offset: timedelta) -> Identity:
        return enrich(mail("Please quote 500 chairs.\n\nRavi\nMob 098450 12345",
                           sender=("Ravi", "ravi.k@gmail.com"), to=(),
                           date_=datetime(2026, 3, 2, 10, 0, tzinfo=timezone(offset))), Seller())
    india = ravi(timedelta(hours=5, minutes=30))  # India or Sri Lanka
    assert [(p.e164, p.country) for p in india.phones] == [("+919845012345", "IN")]
    assert india.country == "IN"
    assert ravi(timedelta(hours=-5)).phones == ()  # too many countries to guess from


def test_the_sign_off_pre_check_strips_only_non_word_characters():
    # Lines are screened by their first letters after this punctuation (see _after_sign_off).
    assert all(re.fullmatch(r"\W", ch) for ch in enrich_module.LEADING_PUNCTUATION)
