"""Enrich: who the sender is and where they really are.

Reads the signature (name, title, company, phones, address, website), the mail domain,
the Received chain and the platform's facts, and weighs every clue to a country:

    platform IP 4 · originating IP 3 · phone 2 · company-domain TLD 2 · stated place 2 ·
    website TLD 1.5 · the Date header's offset 1.5 (for each country it fits) ·
    platform registration 1 · free-mail TLD 0.5

A rival in China behind a foreign identity leaves traces it does not choose — a GB2312
charset, a Chinese mail client, a +86 number — sent at +08:00: those outrank the identity.
Pure: no I/O beyond the lookups' package data, and it never raises.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

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
    PHONE,
    best_zone,
    countries_at_offset,
    countries_fitting,
    country_timezone,
    country_zones,
    find_countries,
    find_phones,
    ip_country,
    is_global_ip,
    is_relay_ip,
    phone_parse,
    phone_zones,
    zone_info,
    zone_matches,
)
from inquirydesk.lookups.language import detect_language
from inquirydesk.model import Address, Identity, Inquiry, Phone, Seller

SIGNATURE_LINES = 12
CHINA_OFFSET = timedelta(hours=8)

# ----------------------------------------------------------------------------- patterns

# Sign-off phrases, as regex pieces.
SIGN_OFF_LEADS = ("best", "kind", "warm", "warmest", "many", "with")
SIGN_OFF_WORDS = (
    "regards", "rgds", "wishes", "thanks", "thank you", "thx", "cheers", "sincerely",
    "yours sincerely", "yours faithfully", "yours truly", "best", "respectfully",
    "thanks (?:&|and) (?:best )?regards", "thx (?:&|and) rgds", "thanks a (?:lot|million)",
    "saludos(?: cordiales)?", "un saludo", "atentamente", "cordialmente", "quedo atent[oa]",
    "gracias", "cordialement", "bien cordialement", "salutations(?: distinguées)?",
    "bien à vous", "merci", "mit freundlichen grüßen", "freundliche grüße", "viele grüße",
    "beste grüße", "mfg", "met vriendelijke groet(?:en)?", "groeten", "с уважением", "спасибо",
    "مع تحياتي", "مع التقدير", "وشكرا لكم", "وشكراً لكم", "تحياتي", "此致", "敬礼", "谢谢",
    "祝好", "顺祝商祺", "atenciosamente", "cumprimentos", "obrigad[oa]", "abraços?",
    "cordiali saluti", "distinti saluti", "saluti", "grazie", "pozdrawiam", "z poważaniem",
    "z wyrazami szacunku", "saygılarımla", "saygılarımızla", "teşekkürler", "trân trọng",
    "hormat kami", "terima kasih", "감사합니다", "敬具")
SIGN_OFF = re.compile(
    r"^\W*(" + "|".join(SIGN_OFF_LEADS) + r")?\s*(" + "|".join(SIGN_OFF_WORDS) + r")\b"
    r"[\s\W]*(?:[\w.'-]+[\s\W]*){0,3}$", re.IGNORECASE)
# Whether a line may hold a sign-off, from its first three characters after leading
# punctuation: a letter must start a sign-off phrase, where other punctuation may still
# lead to one.  A dictionary-cached test per line instead of SIGN_OFF on every line.
SIGN_OFF_OPENING = re.compile(r"\W|(?i:" + "|".join(dict.fromkeys(
    re.escape(re.match(r"[^()\[\]?*+|.\\]{1,3}", w).group())
    for w in SIGN_OFF_LEADS + SIGN_OFF_WORDS)) + ")")
LEADING_PUNCTUATION = " \t>|*-=#~:.,;!?'\"()[]<>/\\+•·"  # all non-word characters (\W)
SIGNATURE_END = re.compile(
    r"^\s*(?:-{3,}\s*original message|-{3,}\s*forwarded|_{5,}|from:|sent from my|"
    r"发自我的|on .{5,80} wrote:|p\.s\.)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    """Marker words of one kind of signature fact, matched on words, not by regex: word
    sets keep a signature's dozen lines fast where big regex alternations are slow."""

    words: frozenset[str]  # lower-case words, dots dropped ("s.r.l." reads "srl")
    forms: frozenset[str] = frozenset()  # words that count only as written: AS, SA, PT
    pieces: tuple[str, ...] = ()  # phrases, and scripts that write no spaces (有限公司)
    endings: re.Pattern[str] | None = None  # word endings: Storgatan, Hafenstraße

    @classmethod
    def of(cls, words: str, forms: str = "", pieces: str = "", endings: str = "") -> _Vocabulary:
        ending = re.compile(r"\w(?:" + "|".join(endings.split()) + r")\b") if endings else None
        return cls(frozenset(words.split()), frozenset(forms.split()),
                   tuple(pieces.split("|")) if pieces else (), ending)

    def found_in(self, text: str) -> bool:
        written, lower, low = _words(text)
        if not self.words.isdisjoint(lower) or not self.forms.isdisjoint(written):
            return True
        return any(p in low for p in self.pieces) or bool(
            self.endings and self.endings.search(low))


WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")  # "Co-founder" is one word, not "Co" + "founder"


@lru_cache(maxsize=1024)
def _words(text: str) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """(words as written, lower-cased words, lower-cased text), once for all vocabularies."""
    written = tuple(WORD.findall(text.replace(".", "")))
    return written, tuple(w.lower() for w in written), text.lower()


# A legal form names a company for sure; trade words ("Trading", "Sourcing") only likely,
# and a title line may hold one ("Sales & Sourcing").
LEGAL = _Vocabulary.of(
    "limited ltd llc inc gmbh corp corporation company sarl srl sdn bhd pvt ltda llp fze fzco "
    "wll jsc",
    forms="AS AB ApS Oy AG KG SA SL SpA BV NV PT SAC SAS Co LTD INC Pty PTY Lda ETS ООО ТОО Şti",
    pieces="有限公司|公司|مؤسسة|شركة")
TRADE = _Vocabulary.of(
    "trading trade traders import imports importers export exports enterprise enterprises "
    "ventures group industries supplies supply services wholesale distribution "
    "distribuciones contracting contractors construction constructions engineering retail "
    "logistics shipping sourcing handelskontor hurtownia")
TITLE = _Vocabulary.of(
    "manager director directeur directrice directora buyer purchaser purchasing procurement "
    "ceo cfo coo cto owner founder co-founder president head chief executive officer engineer "
    "proprietor partner lead consultant assistant coordinator specialist merchandiser gm vp "
    "operations einkauf einkäufer einkäuferin leiter leiterin geschäftsführer geschäftsführerin "
    "inköpare acheteur acheteuse gérant responsable jefe jefa gerente comprador compradora "
    "compras acquisti responsabile kierownik dyrektor zakupów müdür müdürü менеджер "
    "директор руководитель закупкам مدير المشتريات",
    pieces="satın alma|经理|总监|采购")
# Words that make a display name a role or a robot rather than a person.
ROLE = _Vocabulary.of(
    "team support customer service notice notification message admin department dept desk "
    "office center centre security system noreply reply info sales procurement purchasing "
    "accounts tender tenders onboarding registration vendor vendors supplier suppliers "
    "marketing growth express delivery expo exhibitor exhibitors data alert",
    pieces="管理员|中心|系统|客服|团队|运营|获客|外贸")
STREET = _Vocabulary.of(
    "street st road rd avenue ave av avda lane way drive dr boulevard blvd plaza unit suite "
    "floor building bldg tower industrial estate zone area plot block box no str rue chemin "
    "via vía viale piazza corso calle avenida carrera rua jalan jl ul ulica cad caddesi sok "
    "sokak mah mahallesi km ул улица пр проспект شارع حي",
    pieces="c/ |ص.ب|路|街|号",
    endings="gatan vägen straße strasse weg laan straat gade vej veien")
NAME_PARTICLES = frozenset({"van", "der", "den", "de", "del", "della", "di", "da", "dos", "das",
                            "du", "von", "zu", "la", "le", "bin", "binti", "al", "el", "ibn"})
HONORIFIC = re.compile(r"^(?:mr|mrs|ms|miss|dr|dr\.-ing|eng|engr|prof)\.?\s+", re.IGNORECASE)
# Where a signature line or a display name joins two facts: "Name | Title", "A · B".
SEGMENT_CUT = re.compile(r"\s+[|·•]\s+|\s+[-–—]\s+|\s{3,}")
DISPLAY_CUT = re.compile(r"\s+[|/]\s+|\s+[-–]\s+|(?<![a-zA-Z])-|-(?![a-zA-Z])|\s+via\s+")
POSTCODE = re.compile(r"\b\d{4,6}\b|\b\d{2}-\d{3}\b|\b\d{3} \d{2}\b")
UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b")
# Regexes over lower-cased text (see _lower): case-folding flags make them several times slower.
ADDRESS_LABEL = re.compile(r"^[ \t]*(?:address|add|adresse|dirección|endereço|indirizzo|adres|"
                           r"адрес|地址|العنوان)[ \t]*[:：][ \t]*(.+)$", re.MULTILINE)
CONTACT = re.compile(r"@|https?://|www\.|\b(?:tel|fax|mob|phone|e-?mail)\b|\+\d")
URL = re.compile(r"(?<![@\w.-])(?:https?://)?[^\W_][\w-]*(?:\.[\w-]+)+(?![\w.-]*@)"
                 r"(?:/[^\s|]*)?")
# "Our website is x.com", "Website: x.com", "visit our site at x.com".
WEBSITE_SAID = re.compile(r"(?:site|web|url)\s*(?:is\s+|:\s*|at\s+)(\S+)")
# Words in every ADDRESS_LABEL and WEBSITE_SAID match: those regexes are tried only where
# one occurs, as a scan of the whole mail for a set of words is slow in ``re``.
ADDRESS_WORDS = ("add", "adres", "dirección", "endereço", "indirizzo", "адрес", "地址", "العنوان")
WEBSITE_WORDS = ("site", "web", "url")
# Pages on big platforms are not the buyer's own website.
NOT_A_WEBSITE = frozenset({
    "youtube.com", "youtu.be", "facebook.com", "instagram.com", "linkedin.com", "twitter.com",
    "x.com", "tiktok.com", "wa.me", "t.me", "wechat.com", "google.com", "forms.gle",
    "alibaba.com", "amazon.com", "ebay.com", "etsy.com", "myshopify.com", "wetransfer.com",
})
# Where a sender says where they are: "we are an importer in Germany".
SELF_INTRO = ("we are", "we're", "i am", "i'm", "our company", "based in", "located in", "somos",
              "nous sommes", "wir sind", "siamo", "jesteśmy", "biz ", "мы ", "نحن", "kami ")
SELF_INTRO_ASCII = tuple(m for m in SELF_INTRO if m.isascii())  # all ASCII text can hold
SENTENCE_END = re.compile(r"[.!?\n]")

# Words a greeting is made of when it names nobody.
GREETING_TEXT = """
    dear hi hello hey good day morning afternoon evening greetings respected to whom it may
    concern g'day estimado estimados estimada estimadas señor señores señora hola buenos
    buenas días dias tardes bonjour madame monsieur messieurs mesdames sehr geehrte geehrter
    damen und herren hallo guten tag gentile gentili egregi spettabile buongiorno salve dzień
    dobry szanowni państwo merhaba sayın yetkili olá ola prezado prezados prezada bom dia boa
    tarde noite beste geachte heer mevrouw здравствуйте добрый день уважаемые господа السلام
    عليكم ورحمة الله وبركاته مرحبا عزيزي السادة المحترمين السيد السيدة المحترم المحترمة
    уважаемый уважаемая господин госпожа sir sirs madam ma mam maam or and
    supplier suppliers seller sellers manufacturer factory friend friends manager managers
    purchasing sales team customer valued all there partner proveedor proveedores fournisseur
    lieferant fornitore dostawca tedarikçi fornecedor leverancier поставщик المورد"""
GREETING_WORDS = frozenset(GREETING_TEXT.split())
# The words a salutation line starts with.
GREETING_OPENERS = GREETING_WORDS - {"to", "it", "may", "and", "or", "all", "there", "day",
                                     "concern", "whom", "und", "valued", "customer", "team"}
CHINESE_GREETING = re.compile(r"您好|你好|尊敬的")
GREETING_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
BRACKETED = re.compile(r"\([^)]*\)")
GREETING_CUT = re.compile(r"[.!?:;！？：\n]")
NAME_CUT = re.compile(r"[,،.!?:;！？：\n]")
# E-mail addresses, URLs and bare host names ("our-factory.com"), never a person's name.
HOST_PARTS = (r"[^\s@]*+@\S+", r"(?:https?://|www\.)\S+", r"\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b\S*")
HOST_LIKE = re.compile("|".join(HOST_PARTS))
# The same for text without an "@", where the e-mail part cannot match: trying it at
# every character is half the scan.
HOST_LIKE_NO_AT = re.compile("|".join(HOST_PARTS[1:]))

CHINESE_CHARSETS = frozenset({"gb2312", "gbk", "gb18030", "hz-gb-2312"})
CHINESE_MAILER = re.compile(r"foxmail|\[cn\]|netease|dashi|coremail|dingtalk", re.IGNORECASE)
CHINESE_MAIL_DOMAINS = frozenset({"qq.com", "foxmail.com", "163.com", "126.com", "sina.com",
                                  "sohu.com", "yeah.net", "aliyun.com", "139.com"})
CHINESE_CLIENT_TEXT = re.compile(r"发自我的|發自我的|来自我的|发送自")

WEIGHTS = {"platform_ip": 4.0, "ip": 3.0, "phone": 2.0, "tld": 2.0, "claimed": 2.0,
           "website": 1.5, "offset": 1.5, "registered": 1.0, "free_mail_tld": 0.5}


# ----------------------------------------------------------------------------- entry


def enrich(inquiry: Inquiry, seller: Seller) -> Identity:
    """Who sent the inquiry and where they really are; never raises."""
    try:
        return _enrich(inquiry, seller)
    except Exception:
        email = inquiry.sender.email if inquiry.sender else ""
        return Identity(email=email, mail_domain=email.rpartition("@")[2])


@dataclass(frozen=True, slots=True)
class _Card:
    """What the signature and the sender's own fields say."""

    name: str
    title: str
    company: str
    website: str
    address: str
    places: tuple[str, ...]  # countries the signature or self-introduction names


def _enrich(inquiry: Inquiry, seller: Seller) -> Identity:
    email = inquiry.sender.email if inquiry.sender else ""
    domain = email.rpartition("@")[2]
    free = is_free_mail(domain) if domain else False
    signature = find_signature(inquiry.body)
    card = _card(inquiry, _lower(inquiry.body), signature, seller)
    ip = "" if inquiry.platform else originating_ip(inquiry, seller)
    ipc = inquiry.platform.ip_country if inquiry.platform else ip_country(ip)
    tld = (tld_country(domain) if domain else "") or (
        tld_country(card.website) if card.website else "")
    phones = _phones(inquiry, seller, _regions(inquiry, "" if free else tld, card, ipc))
    phone_cc = next((p.country for p in phones if p.country and p.kind != "fax"), "")
    country, evidence = _judge(_votes(inquiry, domain, free, card, ipc, phones), inquiry,
                               phones, email)
    greeting = _greeting(inquiry.body)
    named = _addressed(inquiry.body, greeting, seller, inquiry.to)
    zone = _zone(country, inquiry, phones)
    return Identity(
        name=card.name, title=card.title, company=card.company,
        email=email, mail_domain=domain, free_mail=free,
        disposable=bool(domain) and is_disposable(domain),
        website=card.website, website_matches_domain=_website_matches(card.website, domain, free),
        phones=phones, fax_same_as_phone=_fax_same_as_phone(phones),
        address=card.address, signature=signature,
        addressed_by_name=named, generic_salutation=not named and _greets_nobody(greeting),
        ip=ip, ip_country=ipc, phone_country=phone_cc, tld_country=tld,
        claimed_country=_claimed(inquiry, card, phone_cc), country=country,
        country_evidence=evidence,
        timezone=zone, local_sent=_local(inquiry.date, zone),
        language=detect_language(inquiry.body or inquiry.subject),
    )


# ----------------------------------------------------------------------------- signature


def find_signature(body: str) -> str:
    """The block after the sign-off ("Best regards", "С уважением", "此致"…), ≤ 12 lines.

    Without a sign-off: what follows a "--" line, or a last paragraph of short lines.
    """
    lines = body.strip().splitlines()
    start = _after_sign_off(lines)
    return _tidy_block(lines[start:]) if start is not None else _trailing_block(lines)


def _after_sign_off(lines: list[str]) -> int | None:
    openings = _SIGN_OFF_OPENINGS  # a dict is quicker than an lru_cache, line after line
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i].strip()
        if not line or len(line) > 60:
            continue
        opening = line.lstrip(LEADING_PUNCTUATION)[:3]
        may = openings.get(opening)
        if may is None:
            if len(openings) >= 50_000:
                openings.clear()
            may = openings[opening] = SIGN_OFF_OPENING.match(opening) is not None
        if may and SIGN_OFF.match(line):
            return i + 1
    return None


_SIGN_OFF_OPENINGS: dict[str, bool] = {}


def _trailing_block(lines: list[str]) -> str:
    """The signature of a mail with no sign-off: after "--", or its last short paragraph."""
    text = "\n".join(lines)
    if "--" in text or "—" in text:
        for i, line in enumerate(lines):
            if line.strip() in ("--", "—"):
                return _tidy_block(lines[i + 1:])
    # The last paragraph; rpartition may leave it one leading newline short of what
    # split("\n\n") would, which the blank-line filter drops anyway.
    _, blank, paragraph = text.strip().rpartition("\n\n")
    last = [ln for ln in paragraph.splitlines() if ln.strip()]
    if blank and 1 <= len(last) <= 8 and not any(map(_is_prose, last)):
        return _tidy_block(last)
    return ""


def _is_prose(line: str) -> bool:
    """A sentence rather than a signature line ("Tuinhuis Holland B.V." is not one)."""
    line = line.strip()
    return len(line) > 60 or line.endswith(("?", ":", "!", "。", "？", "！")) or (
        line.endswith(".") and len(line.split()) >= 6)


def _tidy_block(lines: Iterable[str]) -> str:
    """Signature lines up to a quote, a "Sent from my iPhone" or prose (a P.S.)."""
    kept: list[str] = []
    for line in lines:
        if SIGNATURE_END.match(line) or (len(line) > 90 and any(kept)):
            break
        if line.strip() not in ("--", "—"):
            kept.append(line.strip())
    return "\n".join("\n".join(kept).strip().splitlines()[:SIGNATURE_LINES])


@dataclass(frozen=True, slots=True)
class _Segment:
    """One fact of a signature line, classified once."""

    text: str
    contact: bool  # an e-mail, URL or phone
    legal: bool  # names a legal form: Ltd, GmbH, S.A., 有限公司
    trade: bool  # trade words: Trading, Imports, Sourcing
    title: bool
    street: bool

    @property
    def company(self) -> bool:
        return self.legal or self.trade


# Signatures repeat (one buyer's mails, a list's footer): what depends on their text
# alone is cached on it.
@lru_cache(maxsize=1024)
def _segments(signature: str) -> tuple[_Segment, ...]:
    """Signature lines cut where a separator joins two facts: "Name | Title", "A · B"."""
    parts = (p.strip() for line in signature.splitlines()
             for p in SEGMENT_CUT.split(line))
    return tuple(_segment(p) for p in parts if p)


@lru_cache(maxsize=4096)
def _segment(text: str) -> _Segment:
    return _Segment(text, _is_contact(text), LEGAL.found_in(text), TRADE.found_in(text),
                    TITLE.found_in(text), STREET.found_in(text))


@lru_cache(maxsize=4096)
def _is_contact(text: str) -> bool:
    """An e-mail, URL, host name or labelled phone: contact data, not a name or title."""
    return bool(CONTACT.search(_words(text)[2]) or _host_like(text).search(text))


def _lower(text: str) -> str:
    """Lower case of the same length, so positions found in it hold in the original too:
    "İ" is the one letter whose lower case is two characters."""
    return text.replace("İ", "I").lower()


def _card(inquiry: Inquiry, low: str, signature: str, seller: Seller) -> _Card:
    """The sender's card; ``low`` is the body lower-cased by _lower."""
    segments = _segments(signature)
    platform = inquiry.platform
    company = (platform.buyer_company if platform else "") or _company(segments)
    display = _display_segments(inquiry)
    company = company or next((s for s in display if _is_company(s)), "")
    # A display name that is the company's ("Hebei Longsheng Valves") is no person.
    people = [s for s in display if not (company and company.lower().startswith(s.lower()))]
    name = _person_name(people) or _person_name(s.text for s in segments[:3] if not (
        s.contact or s.company or s.title or s.street) and len(s.text.split()) >= 2)
    title = (platform.buyer_title if platform else "") or _title(segments)
    return _Card(name, title, company, _website(inquiry, low, signature, seller),
                 find_address(inquiry.body, signature, low),
                 _stated_places(inquiry.body, low, signature, seller))


def _is_company(text: str) -> bool:
    return LEGAL.found_in(text) or TRADE.found_in(text)


def _display_segments(inquiry: Inquiry) -> list[str]:
    name = inquiry.sender.name if inquiry.sender else ""
    # "Neha | Digital Growth", "Procurement - Hartwell", "外贸获客-李经理", "X via WeTransfer";
    # a hyphen between Latin letters belongs to the name (Jean-Marc).
    parts = DISPLAY_CUT.split(name)
    return [p.strip() for p in parts if p.strip()]


def _person_name(candidates: Iterable[str]) -> str:
    for text in candidates:
        name = HONORIFIC.sub("", text.strip(" ,;\"'"))
        if _looks_like_person(name):
            return name
    return ""


@lru_cache(maxsize=4096)
def _looks_like_person(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 5 or any(ch.isdigit() or ch in "@:/," for ch in text):
        return False
    if "." in words[-1] or any(v.found_in(text) for v in (LEGAL, TRADE, TITLE, ROLE)):
        return False
    if find_countries(text):  # "Leeds UK" under the sign-off is a place, not a person
        return False
    # Latin names are capitalised words, bar particles (van der, de, bin); other scripts
    # have no case to check.
    return all(w[0].isupper() or not w[0].isascii() or w in NAME_PARTICLES
               for w in words if w[0].isalpha())


def _title(segments: Sequence[_Segment]) -> str:
    for seg in segments:
        if seg.contact or not seg.title:
            continue
        if "," in seg.text and seg.company:  # "CEO, Adeyemi Steel Ventures"
            return next(p.strip() for p in seg.text.split(",") if TITLE.found_in(p))
        if not seg.legal:
            return _without_place(seg.text)
    return ""


def _company(segments: Sequence[_Segment]) -> str:
    """The first segment with a legal form, else the first with trade words."""
    for strong in (True, False):
        for seg in segments:
            if seg.contact or seg.street or not (seg.legal if strong else seg.trade):
                continue
            if not seg.title or seg.legal:
                return _without_place(seg.text)
            if "," in seg.text:  # "Proprietor, K.M. Trade House"
                return next((p.strip() for p in seg.text.split(",") if not TITLE.found_in(p)), "")
    return ""


def _without_place(text: str) -> str:
    """"Hale & Sons Wholesale Ltd, Leeds" → "Hale & Sons Wholesale Ltd"."""
    head, _, tail = text.rpartition(",")
    if head and len(tail.split()) <= 3 and find_countries(tail):
        return head.strip()
    return text.strip(" ,")


def find_address(body: str, signature: str, low: str | None = None) -> str:
    """A postal address: an "Address:" line, or a signature line with a street or a postcode
    and a place (street words, P.O. Box, "Hafenstraße 7", "York YO1 7HH")."""
    labelled = _address_label(_lower(body) if low is None else low)
    if labelled:
        return body[labelled.start(1):labelled.end(1)].strip()
    return _signature_address(signature)


@lru_cache(maxsize=1024)
def _signature_address(signature: str) -> str:
    lines = [ln.strip() for ln in signature.splitlines()
             if ln.strip() and not _is_contact(ln)]
    for i, line in enumerate(lines):
        if _is_address(line):
            more = lines[i + 1] if i + 1 < len(lines) else ""
            if more and not _is_address(more) and not _is_company(more) and _is_place(more):
                return f"{line.rstrip(' ,')}, {more}"
            return line
    return ""


def _address_label(low: str) -> re.Match[str] | None:
    """ADDRESS_LABEL.search(low), tried only on the lines where a label word occurs."""
    lines = sorted({low.rfind("\n", 0, at) + 1 for at in _occurrences(low, ADDRESS_WORDS)})
    return next(filter(None, (ADDRESS_LABEL.match(low, start) for start in lines)), None)


def _is_address(line: str) -> bool:
    line = PHONE.sub(" ", line)  # "Dallas, TX | (214) 555-0100": a phone is no postcode
    if UK_POSTCODE.search(line):
        return True
    if STREET.found_in(line):
        return any(ch.isdigit() for ch in line) or bool(find_countries(line))
    return bool(POSTCODE.search(line)) and bool(find_countries(line))


def _is_place(line: str) -> bool:
    """A line of postcode, city and country that continues an address: "Ningbo, China"."""
    return bool(find_countries(line)) and not PHONE.search(line)


def _website(inquiry: Inquiry, low: str, signature: str, seller: Seller) -> str:
    """Registrable domain of the website the buyer gives, never ours or a platform page."""
    said = _websites_said(low)
    given = inquiry.platform.buyer_website if inquiry.platform else ""
    ours = _facts(seller).domains
    for candidate in (given, *URL.findall(signature), *said):
        candidate = candidate.strip(".,;()<>")
        domain = registrable_domain(candidate)
        # "S.r.l." and "P.O." read like hosts; a real site has a real suffix or says www.
        real = public_suffix(candidate) or candidate.lower().startswith(("www.", "http"))
        if domain and real and domain not in ours and domain not in NOT_A_WEBSITE:
            return domain
    return ""


def _websites_said(low: str) -> list[str]:
    """WEBSITE_SAID.findall(low), tried only where its words occur."""
    said, end = [], 0
    for at in sorted(_occurrences(low, WEBSITE_WORDS)):
        if at >= end and (m := WEBSITE_SAID.match(low, at)):
            said.append(m.group(1))
            end = m.end()
    return said


def _occurrences(text: str, words: Iterable[str]) -> Iterator[int]:
    """Where each of the words starts in the text."""
    ascii_text = text.isascii()
    for word in words:
        if ascii_text and not word.isascii():
            continue
        at = text.find(word)
        while at >= 0:
            yield at
            at = text.find(word, at + 1)


def _website_matches(website: str, domain: str, free: bool) -> bool | None:
    if not website or not domain or free:
        return None
    return registrable_domain(website) == registrable_domain(domain)


def _stated_places(body: str, low: str, signature: str, seller: Seller) -> tuple[str, ...]:
    """Countries the signature names (after the name line), then the self-introduction.

    Inquiries to a Chinese maker talk of China all the time ("FOB Ningbo", "suppliers in
    China"), so in the introduction our own country says nothing about the buyer.
    """
    sig_lines = signature.splitlines()[1:] or signature.splitlines()
    intro = " ".join(_intro_sentences(body[:1500], low[:1500]))
    ours = _facts(seller).country
    stated = [cc for cc in find_countries(intro) if cc != ours]
    return find_countries("\n".join(sig_lines)) + tuple(stated)


def _intro_sentences(text: str, low: str) -> list[str]:
    """The sentences in which the sender introduces themselves."""
    spans: dict[int, int] = {}
    for marker in SELF_INTRO_ASCII if low.isascii() else SELF_INTRO:
        at = low.find(marker)
        while at >= 0:
            if at == 0 or not low[at - 1].isalnum():
                start = max(low.rfind(".", 0, at), low.rfind("!", 0, at), low.rfind("?", 0, at),
                            low.rfind("\n", 0, at)) + 1
                end = SENTENCE_END.search(low, at)
                spans[start] = end.start() if end else len(low)
            at = low.find(marker, at + len(marker))
    return [text[a:b] for a, b in sorted(spans.items())]


# ----------------------------------------------------------------------------- salutation


@dataclass(frozen=True, slots=True)
class _Names:
    """Every name a buyer may greet us by, lower-cased, and one pattern for them all."""

    names: tuple[str, ...]
    pattern: re.Pattern[str]

    def found_in(self, low: str) -> bool:
        # A plain substring test first: the alternation is slow, and most mails name none.
        return any(n in low for n in self.names) and self.pattern.search(low) is not None


def _seller_names(seller: Seller) -> _Names | None:
    """Every name a buyer may greet us by: people, company, short names."""
    names = [seller.company, *seller.short_names]
    for person in seller.people:
        names.append(person.english_name)
        names.extend(t for t in person.name.split() if len(t) >= 3)
    names = sorted({n.lower() for n in names if n}, key=len, reverse=True)
    if not names:
        return None
    # Matched against lower-cased text: a case-folding flag makes the alternation slow.
    return _Names(tuple(names),
                  re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, names)) + r")(?!\w)"))


def addressed_by_name(body: str, seller: Seller, to: Iterable[Address] = ()) -> bool:
    """The salutation names one of our people or our company: "Hi Henry", "Dear Ms. Chen".

    A name in another script ("Добрый день, Лаура!") cannot be matched by spelling; it
    counts when the mail went to that person's own mailbox, one to one.
    """
    return _addressed(body, _greeting(body), seller, to)


def _addressed(body: str, greeting: str, seller: Seller, to: Iterable[Address]) -> bool:
    names = _facts(seller).names
    # "our-factory.com" is no name
    if names and names.found_in(_without_hosts(_opening(body, greeting)).lower()):
        return True
    personal = _facts(seller).personal_emails
    return bool(personal) and any(a.email in personal for a in to) and _names_someone(greeting)


def _greeting(body: str) -> str:
    """The salutation: the first opening line that starts with a greeting (HTML mail may
    open with a banner line), else the first line."""
    lines = [ln.strip() for ln in body[:400].splitlines() if ln.strip()][:3]
    for line in lines:
        first = GREETING_WORD.search(line.casefold())
        if first and first.group() in GREETING_OPENERS:
            return line
    return lines[0] if lines else ""


def _opening(body: str, greeting: str) -> str:
    """The salutation, with the next line when it is only "Dear" or "Hello,"."""
    if len(greeting.split()) <= 2 and _all_greeting(greeting):
        after = body.split(greeting, 1)[-1].strip().split("\n", 1)[0]
        return f"{greeting} {after}"[:200]
    return greeting[:200]


def _names_someone(greeting: str) -> bool:
    """A greeting followed by a short name: "Здравствуйте, Мартин!", "السيد مارتن المحترم"."""
    parts = [_greeting_words(p) for p in NAME_CUT.split(_without_hosts(greeting))]
    if not parts or not parts[0] or parts[0][0] not in GREETING_OPENERS:
        return False
    name = [w for w in parts[0] if w not in GREETING_WORDS]
    if not name and len(parts) > 1:  # the name after a comma: "Добрый день, Лаура!"
        name = [w for w in parts[1] if w not in GREETING_WORDS]
    return 1 <= len(name) <= 3


def generic_salutation(body: str, seller: Seller, to: Iterable[Address] = ()) -> bool:
    """A greeting that names nobody: "Dear Sir/Madam", "Dear Supplier", "Hello," alone."""
    return not addressed_by_name(body, seller, to) and _greets_nobody(_greeting(body))


def _greets_nobody(greeting: str) -> bool:
    if CHINESE_GREETING.search(greeting[:20]):
        return True
    # "Dear Supplier (ourstore88)" names a login; "I saw x.com" no one either.
    line = _without_hosts(BRACKETED.sub(" ", greeting) if "(" in greeting else greeting)
    first, _, rest = GREETING_CUT.split(line, 1)[0].partition(",")
    if not _all_greeting(first):
        return False
    # After the comma comes either nothing, more greeting, a name, or the message itself.
    return not rest.strip() or _all_greeting(rest) or len(rest.split()) > 3


def _without_hosts(text: str) -> str:
    """The text with e-mail addresses, URLs and host names blanked out.  Each holds an "@",
    a "." or a "://": text without them is returned as it is, unscanned."""
    if "@" in text or "." in text or "://" in text:
        return _host_like(text).sub(" ", text)
    return text


def _host_like(text: str) -> re.Pattern[str]:
    return HOST_LIKE if "@" in text else HOST_LIKE_NO_AT


def _greeting_words(text: str) -> list[str]:
    return GREETING_WORD.findall(text.casefold())


def _all_greeting(text: str) -> bool:
    words = _greeting_words(text)
    return bool(words) and all(w in GREETING_WORDS for w in words)


# ----------------------------------------------------------------------------- IP


def originating_ip(inquiry: Inquiry, seller: Seller) -> str:
    """The buyer's own public IP: the oldest Received hop that is not a provider's relay
    or one of our own receiving servers; else X-Originating-IP."""
    ours = _facts(seller).domains
    if inquiry.received:
        ours = ours | {registrable_domain(inquiry.received[0].by)} - {""}
    for hop in reversed(inquiry.received):
        # The host tests first: they are cheaper than ipaddress's is_global.
        if hop.ip and not is_relay_host(hop.from_host) and not is_under(
                hop.from_host, ours) and _buyer_ip(hop.ip):
            return hop.ip
    header = _header(inquiry, "x-originating-ip").strip(" []")
    return header if _buyer_ip(header) else ""


def _buyer_ip(ip: str) -> bool:
    return bool(ip) and is_global_ip(ip) and not is_relay_ip(ip)


def _header(inquiry: Inquiry, name: str) -> str:
    return next((v for k, v in inquiry.headers.items() if k.lower() == name), "")


@dataclass(frozen=True, slots=True)
class _SellerFacts:
    """What enrich needs to know of the seller, worked out once per Seller."""

    names: _Names | None
    personal_emails: frozenset[str]
    domains: frozenset[str]
    country: str
    phone: str  # E.164


_SELLER_FACTS: dict[int, tuple[Seller, _SellerFacts]] = {}


def _facts(seller: Seller) -> _SellerFacts:
    """The seller's facts, cached on the Seller object itself (its id, checked by identity):
    hashing a Seller, catalog and all, for an lru_cache costs more than the facts."""
    hit = _SELLER_FACTS.get(id(seller))
    if hit is not None and hit[0] is seller:
        return hit[1]
    country = _seller_country(seller)
    facts = _SellerFacts(_seller_names(seller),
                         frozenset(p.email.lower() for p in seller.people if p.email),
                         _own_domains(seller), country, _seller_phone(seller, country))
    if len(_SELLER_FACTS) >= 16:
        _SELLER_FACTS.clear()
    _SELLER_FACTS[id(seller)] = (seller, facts)  # holding the Seller keeps its id unique
    return facts


def _seller_country(seller: Seller) -> str:
    return next(iter(find_countries(seller.address)), "")


def _own_domains(seller: Seller) -> frozenset[str]:
    addresses = [*seller.emails, *(p.email for p in seller.people)]
    domains = {registrable_domain(a.rpartition("@")[2]) for a in addresses if "@" in a}
    domains.add(registrable_domain(seller.website))
    return frozenset(domains - {""})


# ----------------------------------------------------------------------------- phones


def _regions(inquiry: Inquiry, company_tld: str, card: _Card, ipc: str) -> _Regions:
    """Where to read numbers written without a country code, best guess first; then the
    few countries the Date header's offset allows (+05:30 is India or Sri Lanka)."""
    registered = inquiry.platform.registered_country if inquiry.platform else ""
    guesses = [company_tld, *card.places[:1], ipc, registered]
    return _Regions(list(dict.fromkeys(g for g in guesses if g)), _sender_clock(inquiry))


class _Regions(Sequence[str]):
    """The guesses, then the offset's countries, worked out only when a number needs them:
    most mails give no number without a country code, and the offset tests every zone."""

    def __init__(self, guesses: list[str], clock: datetime | None) -> None:
        self._guesses = guesses
        self._clock = clock
        self._all: list[str] | None = None

    def _every(self) -> list[str]:
        if self._all is None:
            nearby = countries_at_offset(self._clock) if self._clock is not None else ()
            extra = nearby if len(nearby) <= 4 else ()
            self._all = list(dict.fromkeys([*self._guesses, *extra]))
        return self._all

    def __bool__(self) -> bool:
        return bool(self._guesses) or bool(self._every())

    def __len__(self) -> int:
        return len(self._every())

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, int) and 0 <= index < len(self._guesses):
            return self._guesses[index]
        return self._every()[index]

    def __iter__(self) -> Iterator[str]:
        yield from self._guesses
        yield from self._every()[len(self._guesses):]


def _phones(inquiry: Inquiry, seller: Seller, regions: Sequence[str]) -> tuple[Phone, ...]:
    found = []
    given = inquiry.platform.buyer_phone if inquiry.platform else ""
    if given:
        found.append(phone_parse(given, regions[0] if regions else None))
    found.extend(find_phones(inquiry.body, regions))
    ours = _facts(seller).phone
    unique: dict[tuple[str, str], Phone] = {}
    for phone in found:
        if phone and phone.e164 != ours:
            unique.setdefault((phone.e164, phone.kind), phone)
    return tuple(unique.values())


def _seller_phone(seller: Seller, country: str) -> str:
    phone = phone_parse(seller.phone, country or None) if seller.phone else None
    return phone.e164 if phone else ""


def _fax_same_as_phone(phones: tuple[Phone, ...]) -> bool:
    faxes = {p.e164 for p in phones if p.kind == "fax"}
    return any(p.e164 in faxes for p in phones if p.kind != "fax")


# ----------------------------------------------------------------------------- country


def _claimed(inquiry: Inquiry, card: _Card, phone_cc: str) -> str:
    registered = inquiry.platform.registered_country if inquiry.platform else ""
    return registered or (card.places[0] if card.places else "") or phone_cc


def _votes(inquiry: Inquiry, domain: str, free: bool, card: _Card, ipc: str,
           phones: tuple[Phone, ...]) -> list[tuple[str, str, float]]:
    """Every clue to the buyer's country as (source, country, weight)."""
    votes: list[tuple[str, str, float]] = []
    if inquiry.platform:
        votes.append(("platform_ip", ipc, WEIGHTS["platform_ip"]))
        votes.append(("registered", inquiry.platform.registered_country, WEIGHTS["registered"]))
    else:
        votes.append(("ip", ipc, WEIGHTS["ip"]))
    countries = list(dict.fromkeys(p.country for p in phones if p.country))
    votes.extend(("phone", cc, WEIGHTS["phone"] / (1 + i)) for i, cc in enumerate(countries))
    mail_tld = tld_country(domain) if domain else ""
    votes.append(("free_mail_tld" if free else "tld", mail_tld,
                  WEIGHTS["free_mail_tld" if free else "tld"]))
    if card.website and not (mail_tld and not free):
        votes.append(("website", tld_country(card.website), WEIGHTS["website"]))
    if card.places:
        votes.append(("claimed", card.places[0], WEIGHTS["claimed"]))
    votes = [v for v in votes if v[1]]
    clock = _sender_clock(inquiry)
    if clock is not None:
        fits = countries_fitting((cc for _, cc, _ in votes), clock)
        votes.extend(("offset", cc, WEIGHTS["offset"]) for cc in sorted(fits))
    return votes


def _judge(votes: list[tuple[str, str, float]], inquiry: Inquiry, phones: tuple[Phone, ...],
           email: str) -> tuple[str, tuple[str, ...]]:
    """The country with the most weight, unless a rival's traces point to China."""
    totals: dict[str, float] = {}
    for _, cc, weight in votes:
        totals[cc] = totals.get(cc, 0.0) + weight
    ranked = sorted(votes, key=lambda v: -v[2])
    evidence = tuple(dict.fromkeys(f"{src}:{cc}" for src, cc, _ in ranked))
    best = max(totals, key=totals.__getitem__, default="")
    clock = _sender_clock(inquiry)
    # Australia reaches +08:00 in Perth; a rival hides behind the country's main zone.
    # The traces are looked for only in mails sent at +08:00.
    if clock is not None and clock.utcoffset() == CHINA_OFFSET and (
            traces := _rival_traces(inquiry, phones, email)) and (
            not best or not zone_matches(country_timezone(best), clock)):
        rival = (*(f"{t}:CN" for t in traces), "offset:CN")
        return "CN", tuple(dict.fromkeys(rival + evidence))
    return best, evidence


def _rival_traces(inquiry: Inquiry, phones: tuple[Phone, ...], email: str) -> list[str]:
    """Chinese traces a sender does not choose to show."""
    traces = []
    if any(c.lower() in CHINESE_CHARSETS for c in inquiry.charsets):
        traces.append("charset")
    if CHINESE_MAILER.search(inquiry.mailer):
        traces.append("mailer")
    if "自" in inquiry.body and CHINESE_CLIENT_TEXT.search(inquiry.body):  # 自: in each
        traces.append("client")
    reply = inquiry.reply_to.email if inquiry.reply_to else ""
    if reply and reply != email and registrable_domain(reply) in CHINESE_MAIL_DOMAINS:
        traces.append("reply_to")
    if any(p.country == "CN" for p in phones):
        traces.append("phone")
    return traces


# ----------------------------------------------------------------------------- time


def _zone(country: str, inquiry: Inquiry, phones: tuple[Phone, ...]) -> str:
    """The buyer's zone; in a country of several, the sending offset and the area codes
    of the buyer's phones pick one (a Denver number at -06:00 is America/Denver)."""
    if len(country_zones(country)) <= 1:
        return country_timezone(country)
    hints = [z for p in phones if p.country == country for z in phone_zones(p.e164)]
    return best_zone(country, _sender_clock(inquiry), hints)


def _sender_clock(inquiry: Inquiry) -> datetime | None:
    """The Date header in the sender's own offset; platform times are the platform's."""
    when = inquiry.date
    if inquiry.platform or when is None or when.utcoffset() is None:
        return None
    return when


def _local(when: datetime | None, zone: str) -> datetime | None:
    if when is None or when.utcoffset() is None or not zone:
        return None
    return when.astimezone(zone_info(zone))
