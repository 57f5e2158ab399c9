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
from collections.abc import Iterable
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
    country_timezone,
    country_zones,
    find_countries,
    find_phones,
    ip_country,
    is_global_ip,
    is_relay_ip,
    offset_fits,
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

SIGN_OFF = re.compile(
    r"^\W*(best|kind|warm|warmest|many|with)?\s*(regards|rgds|wishes|thanks|thank you|thx|"
    r"cheers|sincerely|yours sincerely|yours faithfully|yours truly|best|respectfully|"
    r"thanks (?:&|and) (?:best )?regards|thx (?:&|and) rgds|thanks a (?:lot|million)|"
    r"saludos(?: cordiales)?|un saludo|atentamente|cordialmente|quedo atent[oa]|gracias|"
    r"cordialement|bien cordialement|salutations(?: distinguées)?|bien à vous|merci|"
    r"mit freundlichen grüßen|freundliche grüße|viele grüße|beste grüße|mfg|"
    r"met vriendelijke groet(?:en)?|groeten|с уважением|спасибо|"
    r"مع تحياتي|مع التقدير|وشكرا لكم|وشكراً لكم|تحياتي|此致|敬礼|谢谢|祝好|顺祝商祺|"
    r"atenciosamente|cumprimentos|obrigad[oa]|abraços?|cordiali saluti|distinti saluti|"
    r"saluti|grazie|pozdrawiam|z poważaniem|z wyrazami szacunku|saygılarımla|"
    r"saygılarımızla|teşekkürler|trân trọng|hormat kami|terima kasih|감사합니다|敬具)\b"
    r"[\s\W]*(?:[\w.'-]+[\s\W]*){0,3}$", re.IGNORECASE)
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
# Pages on big platforms are not the buyer's own website.
NOT_A_WEBSITE = frozenset({
    "youtube.com", "youtu.be", "facebook.com", "instagram.com", "linkedin.com", "twitter.com",
    "x.com", "tiktok.com", "wa.me", "t.me", "wechat.com", "google.com", "forms.gle",
    "alibaba.com", "amazon.com", "ebay.com", "etsy.com", "myshopify.com", "wetransfer.com",
})
# Where a sender says where they are: "we are an importer in Germany".
SELF_INTRO = ("we are", "we're", "i am", "i'm", "our company", "based in", "located in", "somos",
              "nous sommes", "wir sind", "siamo", "jesteśmy", "biz ", "мы ", "نحن", "kami ")

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
GREETING_CUT = re.compile(r"[.!?:;！？：\n]")
NAME_CUT = re.compile(r"[,،.!?:;！？：\n]")
# E-mail addresses, URLs and bare host names ("our-factory.com"), never a person's name.
HOST_LIKE = re.compile(
    r"[^\s@]*+@\S+|(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b\S*")

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
    except Exception:  # noqa: BLE001 - a malformed inquiry still yields an identity
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
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i].strip()
        if line and len(line) <= 60 and SIGN_OFF.match(line):
            return i + 1
    return None


def _trailing_block(lines: list[str]) -> str:
    """The signature of a mail with no sign-off: after "--", or its last short paragraph."""
    for i, line in enumerate(lines):
        if line.strip() in ("--", "—"):
            return _tidy_block(lines[i + 1:])
    paragraphs = "\n".join(lines).strip().split("\n\n")
    last = [ln for ln in paragraphs[-1].splitlines() if ln.strip()]
    if len(paragraphs) > 1 and 1 <= len(last) <= 8 and not any(map(_is_prose, last)):
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


def _segments(signature: str) -> list[_Segment]:
    """Signature lines cut where a separator joins two facts: "Name | Title", "A · B"."""
    parts = (p.strip() for line in signature.splitlines()
             for p in re.split(r"\s+[|·•]\s+|\s+[-–—]\s+|\s{3,}", line))
    return [_Segment(p, _is_contact(p), LEGAL.found_in(p), TRADE.found_in(p), TITLE.found_in(p),
                     STREET.found_in(p)) for p in parts if p]


def _is_contact(text: str) -> bool:
    """An e-mail, URL, host name or labelled phone: contact data, not a name or title."""
    return bool(CONTACT.search(_words(text)[2]) or HOST_LIKE.search(text))


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
    parts = re.split(r"\s+[|/]\s+|\s+[-–]\s+|(?<![a-zA-Z])-|-(?![a-zA-Z])|\s+via\s+", name)
    return [p.strip() for p in parts if p.strip()]


def _person_name(candidates: Iterable[str]) -> str:
    for text in candidates:
        name = HONORIFIC.sub("", text.strip(" ,;\"'"))
        if _looks_like_person(name):
            return name
    return ""


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


def _title(segments: list[_Segment]) -> str:
    for seg in segments:
        if seg.contact or not seg.title:
            continue
        if "," in seg.text and seg.company:  # "CEO, Adeyemi Steel Ventures"
            return next(p.strip() for p in seg.text.split(",") if TITLE.found_in(p))
        if not seg.legal:
            return _without_place(seg.text)
    return ""


def _company(segments: list[_Segment]) -> str:
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
    labelled = ADDRESS_LABEL.search(_lower(body) if low is None else low)
    if labelled:
        return body[labelled.start(1):labelled.end(1)].strip()
    lines = [ln.strip() for ln in signature.splitlines()
             if ln.strip() and not _is_contact(ln)]
    for i, line in enumerate(lines):
        if _is_address(line):
            more = lines[i + 1] if i + 1 < len(lines) else ""
            if more and not _is_address(more) and not _is_company(more) and _is_place(more):
                return f"{line.rstrip(' ,')}, {more}"
            return line
    return ""


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
    said = WEBSITE_SAID.findall(low)
    given = inquiry.platform.buyer_website if inquiry.platform else ""
    ours = _own_domains(seller)
    for candidate in (given, *URL.findall(signature), *said):
        candidate = candidate.strip(".,;()<>")
        domain = registrable_domain(candidate)
        # "S.r.l." and "P.O." read like hosts; a real site has a real suffix or says www.
        real = public_suffix(candidate) or candidate.lower().startswith(("www.", "http"))
        if domain and real and domain not in ours and domain not in NOT_A_WEBSITE:
            return domain
    return ""


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
    ours = _seller_country(seller)
    stated = [cc for cc in find_countries(intro) if cc != ours]
    return find_countries("\n".join(sig_lines)) + tuple(stated)


def _intro_sentences(text: str, low: str) -> list[str]:
    """The sentences in which the sender introduces themselves."""
    spans: dict[int, int] = {}
    for marker in SELF_INTRO:
        at = low.find(marker)
        while at >= 0:
            if at == 0 or not low[at - 1].isalnum():
                start = max(low.rfind(c, 0, at) for c in ".!?\n") + 1
                end = min((i for c in ".!?\n" if (i := low.find(c, at)) >= 0), default=len(low))
                spans[start] = end
            at = low.find(marker, at + len(marker))
    return [text[a:b] for a, b in sorted(spans.items())]


# ----------------------------------------------------------------------------- salutation


@lru_cache(maxsize=16)
def _seller_names(seller: Seller) -> re.Pattern[str] | None:
    """One pattern for every name a buyer may greet us by: people, company, short names."""
    names = [seller.company, *seller.short_names]
    for person in seller.people:
        names.append(person.english_name)
        names.extend(t for t in person.name.split() if len(t) >= 3)
    names = sorted({n.lower() for n in names if n}, key=len, reverse=True)
    if not names:
        return None
    # Matched against lower-cased text: a case-folding flag makes the alternation slow.
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, names)) + r")(?!\w)")


def addressed_by_name(body: str, seller: Seller, to: Iterable[Address] = ()) -> bool:
    """The salutation names one of our people or our company: "Hi Henry", "Dear Ms. Chen".

    A name in another script ("Добрый день, Лаура!") cannot be matched by spelling; it
    counts when the mail went to that person's own mailbox, one to one.
    """
    return _addressed(body, _greeting(body), seller, to)


def _addressed(body: str, greeting: str, seller: Seller, to: Iterable[Address]) -> bool:
    names = _seller_names(seller)
    opening = HOST_LIKE.sub(" ", _opening(body, greeting))  # "our-factory.com" is no name
    if names and names.search(opening.lower()):
        return True
    personal = {p.email.lower() for p in seller.people if p.email}
    return any(a.email in personal for a in to) and _names_someone(greeting)


def _greeting(body: str) -> str:
    """The salutation: the first opening line that starts with a greeting (HTML mail may
    open with a banner line), else the first line."""
    lines = [ln.strip() for ln in body[:400].splitlines() if ln.strip()][:3]
    for line in lines:
        words = _greeting_words(line)
        if words and words[0] in GREETING_OPENERS:
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
    parts = [_greeting_words(p) for p in NAME_CUT.split(HOST_LIKE.sub(" ", greeting))]
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
    line = HOST_LIKE.sub(" ", re.sub(r"\([^)]*\)", " ", greeting))
    first, _, rest = GREETING_CUT.split(line, 1)[0].partition(",")
    if not _all_greeting(first):
        return False
    # After the comma comes either nothing, more greeting, a name, or the message itself.
    return not rest.strip() or _all_greeting(rest) or len(rest.split()) > 3


def _greeting_words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", text.casefold())


def _all_greeting(text: str) -> bool:
    words = _greeting_words(text)
    return bool(words) and all(w in GREETING_WORDS for w in words)


# ----------------------------------------------------------------------------- IP


def originating_ip(inquiry: Inquiry, seller: Seller) -> str:
    """The buyer's own public IP: the oldest Received hop that is not a provider's relay
    or one of our own receiving servers; else X-Originating-IP."""
    ours = _own_domains(seller)
    if inquiry.received:
        ours = ours | {registrable_domain(inquiry.received[0].by)} - {""}
    for hop in reversed(inquiry.received):
        if _buyer_ip(hop.ip) and not is_relay_host(hop.from_host) and not is_under(
                hop.from_host, ours):
            return hop.ip
    header = _header(inquiry, "x-originating-ip").strip(" []")
    return header if _buyer_ip(header) else ""


def _buyer_ip(ip: str) -> bool:
    return bool(ip) and is_global_ip(ip) and not is_relay_ip(ip)


def _header(inquiry: Inquiry, name: str) -> str:
    return next((v for k, v in inquiry.headers.items() if k.lower() == name), "")


@lru_cache(maxsize=16)
def _seller_country(seller: Seller) -> str:
    return next(iter(find_countries(seller.address)), "")


@lru_cache(maxsize=16)
def _own_domains(seller: Seller) -> frozenset[str]:
    addresses = [*seller.emails, *(p.email for p in seller.people)]
    domains = {registrable_domain(a.rpartition("@")[2]) for a in addresses if "@" in a}
    domains.add(registrable_domain(seller.website))
    return frozenset(domains - {""})


# ----------------------------------------------------------------------------- phones


def _regions(inquiry: Inquiry, company_tld: str, card: _Card, ipc: str) -> list[str]:
    """Where to read numbers written without a country code, best guess first; then the
    few countries the Date header's offset allows (+05:30 is India or Sri Lanka)."""
    registered = inquiry.platform.registered_country if inquiry.platform else ""
    guesses = [company_tld, *card.places[:1], ipc, registered]
    clock = _sender_clock(inquiry)
    if clock is not None:
        nearby = countries_at_offset(clock)
        guesses.extend(nearby if len(nearby) <= 4 else ())
    return list(dict.fromkeys(g for g in guesses if g))


def _phones(inquiry: Inquiry, seller: Seller, regions: list[str]) -> tuple[Phone, ...]:
    found = []
    given = inquiry.platform.buyer_phone if inquiry.platform else ""
    if given:
        found.append(phone_parse(given, regions[0] if regions else None))
    found.extend(find_phones(inquiry.body, regions))
    ours = _seller_phone(seller)
    unique: dict[tuple[str, str], Phone] = {}
    for phone in found:
        if phone and phone.e164 != ours:
            unique.setdefault((phone.e164, phone.kind), phone)
    return tuple(unique.values())


@lru_cache(maxsize=16)
def _seller_phone(seller: Seller) -> str:
    phone = phone_parse(seller.phone, _seller_country(seller) or None) if seller.phone else None
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
        fits = {cc for _, cc, _ in votes if offset_fits(cc, clock)}
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
    traces = _rival_traces(inquiry, phones, email)
    clock = _sender_clock(inquiry)
    # Australia reaches +08:00 in Perth; a rival hides behind the country's main zone.
    if traces and clock is not None and clock.utcoffset() == CHINA_OFFSET and (
            not best or not zone_matches(country_timezone(best), clock)):
        rival = tuple(f"{t}:CN" for t in traces) + ("offset:CN",)
        return "CN", tuple(dict.fromkeys(rival + evidence))
    return best, evidence


def _rival_traces(inquiry: Inquiry, phones: tuple[Phone, ...], email: str) -> list[str]:
    """Chinese traces a sender does not choose to show."""
    traces = []
    if any(c.lower() in CHINESE_CHARSETS for c in inquiry.charsets):
        traces.append("charset")
    if CHINESE_MAILER.search(inquiry.mailer):
        traces.append("mailer")
    if CHINESE_CLIENT_TEXT.search(inquiry.body):
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
