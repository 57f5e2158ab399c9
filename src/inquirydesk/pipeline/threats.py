"""What a message's links, attachments and headers reveal about its intent to harm.

Everything here reads the parsed message only: links are looked at, never fetched.
The functions return facts; the rulebook decides what they weigh.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

from inquirydesk.lookups.domains import registrable_domain
from inquirydesk.model import Attachment, Fact, Inquiry, Link

# Brands that phishing mail to exporters imitates, with the domains they really own.
BRANDS: dict[str, tuple[str, ...]] = {
    "alibaba": ("alibaba.com", "alibaba-inc.com", "alibabacloud.com", "aliexpress.com",
                "alicdn.com", "1688.com", "taobao.com", "aliyun.com"),
    "made-in-china": ("made-in-china.com",),
    "globalsources": ("globalsources.com",),
    "dhl": ("dhl.com", "dhl.de", "dpdhl.com"),
    "fedex": ("fedex.com",),
    "ups": ("ups.com",),
    "maersk": ("maersk.com",),
    "microsoft": ("microsoft.com", "office.com", "office365.com", "live.com", "outlook.com",
                  "sharepoint.com", "onedrive.com", "microsoftonline.com", "hotmail.com"),
    "outlook": ("outlook.com", "live.com", "office.com", "microsoft.com", "hotmail.com"),
    "office365": ("office.com", "office365.com", "microsoft.com", "microsoftonline.com"),
    "onedrive": ("onedrive.com", "live.com", "microsoft.com"),
    "sharepoint": ("sharepoint.com",),
    "paypal": ("paypal.com", "paypal.me"),
    "apple": ("apple.com", "icloud.com"),
    "icloud": ("icloud.com", "apple.com"),
    "amazon": ("amazon.com", "amazon.co.uk", "amazon.de", "amazonaws.com", "amazon.co.jp"),
    "netflix": ("netflix.com",),
    "docusign": ("docusign.com", "docusign.net"),
    "adobe": ("adobe.com",),
    "dropbox": ("dropbox.com",),
    "wetransfer": ("wetransfer.com",),
    "google": ("google.com", "gmail.com", "googleusercontent.com", "youtube.com"),
    "instagram": ("instagram.com",),
    "facebook": ("facebook.com", "fb.com", "meta.com"),
    "metamask": ("metamask.io",),
    "binance": ("binance.com",),
    "coinbase": ("coinbase.com",),
    "webmail": (),
    "roundcube": (),
}
_OWNED = frozenset(d for owned in BRANDS.values() for d in owned)
_BRAND_RE = re.compile("|".join(re.escape(b) for b in sorted(BRANDS, key=len, reverse=True)))
# display names worth checking against the sender's domain: the brand as a word
_BRAND_NAME_RE = re.compile(
    r"\b(alibaba|made-in-china|global ?sources|dhl|fedex|ups|maersk|microsoft|outlook|"
    r"office ?365|onedrive|sharepoint|paypal|apple|icloud|amazon|netflix|docusign|adobe|"
    r"dropbox|wetransfer|instagram|facebook|metamask|binance|coinbase)\b", re.I)

MANY_SITES = 8  # a newsletter links everywhere; a trap leads to one place
SHORTENERS = frozenset("""bit.ly tinyurl.com t.co goo.gl ow.ly is.gd buff.ly cutt.ly rebrand.ly
rb.gy shorturl.at tiny.cc s.id t.ly lnkd.in""".split())
# Free site, form and file hosts: common in phishing, but also in honest mail, so they
# only count together with a request to sign in.
FREE_HOSTS = frozenset("""web.app firebaseapp.com appspot.com weebly.com wixsite.com
000webhostapp.com github.io glitch.me workers.dev pages.dev r2.dev netlify.app vercel.app
blogspot.com ipfs.io dweb.link webflow.io square.site godaddysites.com jimdosite.com
forms.gle jotform.com typeform.com formstack.com sites.google.com storage.googleapis.com
herokuapp.com azurewebsites.net ngrok.io ngrok-free.app surge.sh repl.co""".split())
EXEC_NAME = re.compile(
    r"\.(exe|scr|com|pif|bat|cmd|js|jse|vbs|vbe|wsf|hta|ps1|jar|lnk|msi|cpl|iso|img|vhd|"
    r"r\d\d|ace|gz|z|arj|xz|cab|uue|xll|one)$", re.I)
# a shell script on a Unix list is a tool; these run with a double click on Windows
WINDOWS_SCRIPT = re.compile(r"\.(js|jse|vbs|vbe|wsf|wsh|hta|bat|cmd|ps1|svg|html?|shtml)$", re.I)
LURE_NAME = re.compile(
    r"(purchase[\s_-]*order|\bp\.?o\b|\bpo[\s_#-]*\d|invoice|proforma|\bpi\b|payment|remittance|"
    r"swift|\bt/?t\b|bank|transfer|quotation|\brfq\b|\border\b|shipping|\bbl\b|b/l|bill of "
    r"lading|\bdhl\b|awb|receipt|statement|contract|scan|document|doc\d|pedido|orden|commande|"
    r"bestellung|заказ|订单|发票|付款|fatura|factura|facture|rechnung|extrato|boleto|comprovante|"
    r"nota ?fiscal|recibo|overschrijving|betaling|zahlung|faktura|rachunek)", re.I)
DOUBLE_EXT = re.compile(r"\.(pdf|docx?|xlsx?|jpe?g|png|txt)\s*\.\w{2,4}$", re.I)
HOST_IN_TEXT = re.compile(r"(?:https?://)?((?:[\w-]+\.)+[a-z]{2,})(?:[/:?#]|$)", re.I)
ATTACHMENT_WORDS = re.compile(
    r"attach|enclos|find (?:the )?(?:file|document)|see (?:the )?file|adjunt|anexo|pièce "
    r"jointe|anhang|allegat|вложен|附件|مرفق|ekte|załącz", re.I)


def threat_facts(inquiry: Inquiry) -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    facts.update(_link_facts(inquiry))
    facts.update(_attachment_facts(inquiry))
    facts.update(_header_facts(inquiry))
    facts.update(_sender_facts(inquiry))
    facts.update(_greeting_facts(inquiry))
    facts.update(_disguise_facts(inquiry))
    return facts


# --------------------------------------------------------------------------- links


def _link_facts(inquiry: Inquiry) -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    sender_domain = registrable_domain(inquiry.sender.domain) if inquiry.sender else ""
    external = [ln for ln in inquiry.links if ln.host and registrable_domain(ln.host)
                != sender_domain]
    if external:
        facts["external_links"] = Fact(len(external), external[0].url[:120])
    sites = {registrable_domain(ln.host) for ln in external}
    if len(sites) >= MANY_SITES:
        facts["many_link_sites"] = Fact(len(sites), f"links to {len(sites)} different sites")
    for link in inquiry.links:
        _check_link(link, facts)
    forms = [ln for ln in inquiry.links if ln.in_form]
    if _PASSWORD_FIELD.search(inquiry.html):
        facts["credential_form"] = Fact(True, forms[0].url[:120] if forms else "password field")
    elif forms:
        facts["html_form"] = Fact(True, forms[0].url[:120])
    if inquiry.sender and _is_lookalike(inquiry.sender.domain):
        facts.setdefault("lookalike_domain", Fact(True, inquiry.sender.domain))
    if inquiry.sender and "xn--" in inquiry.sender.domain:
        facts.setdefault("punycode_domain", Fact(True, inquiry.sender.domain))
    return facts


def _check_link(link: Link, facts: dict[str, Fact]) -> None:
    host = link.host.strip(".").lower()
    if not host:
        return
    if _is_ip(host):
        facts.setdefault("ip_link", Fact(True, link.url[:120]))
    if "xn--" in host:
        facts.setdefault("punycode_domain", Fact(True, host))
    if _is_lookalike(host):
        facts.setdefault("lookalike_domain", Fact(True, host))
    domain = registrable_domain(host)
    if domain in SHORTENERS:
        facts.setdefault("shortener_link", Fact(True, link.url[:120]))
    if domain in FREE_HOSTS or _parent_in(host, FREE_HOSTS):
        facts.setdefault("free_host_link", Fact(True, host))
    shown = _shown_domain(link.text)
    if shown and domain and shown != domain and not _same_owner(shown, domain):
        facts.setdefault("link_text_mismatch", Fact(True, f"{link.text.strip()[:60]} → {host}"))


def _parent_in(host: str, names: frozenset[str]) -> bool:
    parts = host.split(".")
    return any(".".join(parts[i:]) in names for i in range(1, len(parts) - 1))


def _shown_domain(text: str) -> str:
    """The registrable domain a link's visible text claims to lead to, if it shows one."""
    text = text.strip()
    if not text or " " in text or len(text) > 200:
        return ""
    m = HOST_IN_TEXT.match(text)
    return registrable_domain(m.group(1)) if m else ""


def _same_owner(a: str, b: str) -> bool:
    return any(a in owned and b in owned for owned in BRANDS.values())


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


@lru_cache(maxsize=4096)
def _is_lookalike(host: str) -> bool:
    """A host that borrows a brand's name without belonging to the brand.

    ``login.alibaba.com.verify-center.net`` (the real domain followed by more labels),
    ``alibaba-message.net`` (the brand inside a label) and ``paypal.co`` (the brand on
    another suffix) do; ``alibaba.com``, ``message.alibaba.com``, ``applecore.net`` and
    ``outlook.example.biz`` (a plain word as a subdomain) do not.
    """
    host = host.lower().strip(".")
    domain = registrable_domain(host)
    if not domain:
        return False
    if domain in _OWNED:
        return False
    if any(f".{real}." in f".{host}." for real in _OWNED):
        return True
    labels = host.split(".")
    for brand in set(_BRAND_RE.findall(host)):
        if not BRANDS[brand]:
            continue
        if domain.split(".")[0] == brand:
            return True
        if any(brand in label.split("-") and label != brand for label in labels):
            return True
    return False


# --------------------------------------------------------------------------- attachments


def _attachment_facts(inquiry: Inquiry) -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    for att in inquiry.attachments:
        for name, value in _judge_attachment(att).items():
            facts.setdefault(name, Fact(value, att.filename or att.declared_type))
    lures = [a for a in inquiry.attachments
             if LURE_NAME.search(_stem(a.filename)) or _random_name(a.filename)]
    if lures and not _explained(inquiry, lures):
        facts["lure_attachment"] = Fact(True, lures[0].filename)
    if inquiry.attachments:
        facts["attachments"] = Fact(len(inquiry.attachments),
                                    ", ".join(a.filename for a in inquiry.attachments)[:120])
    return facts


def _judge_attachment(att: Attachment) -> dict[str, bool]:
    out: dict[str, bool] = {}
    name = att.filename or ""
    if att.kind == "executable" or (att.kind == "script" and WINDOWS_SCRIPT.search(name)) or (
            att.kind in ("unknown", "") and EXEC_NAME.search(name)):
        out["executable_attachment"] = True
    if DOUBLE_EXT.search(name):
        out["executable_attachment"] = True
    if att.kind == "disk_image":
        out["disk_image_attachment"] = True
    if att.kind == "html":
        out["html_attachment"] = True
        if att.has_form:
            out["html_form_attachment"] = True
    if att.kind == "office_macro":
        out["macro_attachment"] = True
    if att.kind == "archive":
        out["archive_attachment"] = True
        inner = " ".join(att.inner_names)
        if (any(k in ("executable", "script", "disk_image", "html") for k in att.inner_kinds)
                or any(EXEC_NAME.search(n) for n in att.inner_names) or
                re.search(r"\.(html?|shtml)$", inner, re.I)):
            out["archive_with_executable"] = True
    return out


_RANDOM_STEM = re.compile(r"^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)?[A-Za-z\d]{8,}$")


def _random_name(filename: str) -> bool:
    """A document named like ``cyyMZgUkvg.pdf``: generated per victim, never by a person."""
    stem, _, ext = filename.rpartition(".")
    if ext.lower() not in ("pdf", "doc", "docx", "xls", "xlsx", "htm", "html", "zip", "rar"):
        return False
    return bool(_RANDOM_STEM.match(stem)) and sum(c.isupper() for c in stem[1:]) >= 2


def _stem(filename: str) -> str:
    return re.sub(r"[_\-.]+", " ", filename)


def _explained(inquiry: Inquiry, lures: list[Attachment]) -> bool:
    """Does the text say what the attached order or invoice is about?

    A real buyer's PO comes with words about the products; a lure comes with a line
    or two and a request to open it.
    """
    words = len(inquiry.body.split())
    return words >= 60 and bool(ATTACHMENT_WORDS.search(inquiry.body))


# --------------------------------------------------------------------------- sender

# Consumer brands, banks, carriers and wallets that mass phishing wears as a display name.
CONSUMER_BRANDS = frozenset("""walmart costco marriott hilton starbucks lowe's lowes harbor
kohl's target bestbuy keurig correios bradesco itau itaú santander caixa nubank livelo ledger
trustwallet metamask lido stellar norton mcafee geeksquad at&t verizon comcast xfinity spotify
disney usps royalmail dpd gls postnl laposte chronopost colissimo hermes telekom vodafone adac
lidl aldi kaufland rossmann ikea ebay chase wellsfargo citibank hsbc barclays lloyds natwest ing
rabobank sparkasse volksbank postbank commerzbank amex americanexpress mastercard visa coinbase
binance kraken irs hmrc receita receitafederal deutschebank bancodobrasil societegenerale bnp
creditagricole detran ssa
gov govbr fedex dhl""".split())
GENERIC_NAME_WORDS = frozenset("""support team service services customer customers care
security account accounts notification notifications notice alert alerts id billing
department rewards reward membership member benefits benefit delivery express official center centre
help desk helpdesk info information online mail web thank thanks you your no reply noreply
do not the de do da la le el und and for of - | — : ! client cliente kundenservice
atendimento servicio suporte relacionamento recompensas federal central tributos
alert alerta aviso""".split())
# Mailbox names no person picks: consonant runs, "name_name_12345", long digit strings.
_RANDOM_LOCAL = re.compile(r"[bcdfghjklmnpqrstvwxz]{5,}|^[a-z]+_[a-z]+_\d{3,}$|\d{6,}")
# Top-level domains sold in bulk for throwaway senders.
CHEAP_TLDS = frozenset("""shop online buzz top xyz click site icu cyou sbs rest monster autos
lol bond cfd quest beauty hair skin makeup pics boats yachts mom lat fun space website live
life world today""".split())
_PICTOGRAPH = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF\u2B50\u2B55\u203C\u2049]")
_NAME_TOKEN = re.compile(r"[\w'&]+")
_VALID_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}$|^xn--", re.I)


def _sender_facts(inquiry: Inquiry) -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    sender = inquiry.sender
    if inquiry.platform is not None or inquiry.channel in ("platform", "api"):
        return facts  # a platform message has no mail headers to read
    if sender is None or not sender.email or not _VALID_DOMAIN.match(sender.domain):
        shown = f"{sender.name} <{sender.email}>" if sender else "no sender"
        facts["sender_malformed"] = Fact(True, shown[:120])
        if sender is None:
            return facts
    local = sender.email.partition("@")[0].lower()
    if _RANDOM_LOCAL.search(local) or _MANY_DIGITS.search(sender.name or ""):
        facts["random_sender"] = Fact(True, f"{sender.name} <{sender.email}>"[:120])
    borrowed = _mailbox_brand(local, sender.domain)
    if borrowed:
        facts["brand_in_mailbox"] = Fact(borrowed, sender.email)
    if local.replace("-", "").replace("_", "").startswith(("noreply", "donotreply")) and (
            registrable_domain(sender.domain) not in _OWNED):
        facts["noreply_sender"] = Fact(True, sender.email)
    tld = sender.domain.rpartition(".")[2].lower()
    if tld in CHEAP_TLDS or sender.domain.lower().endswith((".za.com", ".sa.com", ".us.com")):
        facts["cheap_tld_sender"] = Fact(True, sender.domain)
    if _PICTOGRAPH.search(f"{sender.name} {inquiry.subject}"):
        facts["pictographs"] = Fact(True, inquiry.subject[:80])
    shown = _ADDRESS.search(sender.name or "")
    if shown and registrable_domain(shown.group(0).rpartition("@")[2]) != registrable_domain(
            sender.domain):
        facts["display_address_mismatch"] = Fact(True, f"{sender.name} <{sender.email}>"[:120])
    if _JOINED_WORDS.search(inquiry.subject):
        facts["underscored_subject"] = Fact(True, inquiry.subject[:80])
    brand = _worn_brand(sender.name)
    if brand:
        facts["brand_display_name"] = Fact(brand, sender.name[:80])
        if brand not in re.sub(r"[^a-z]", "", sender.domain.lower()):
            facts["brand_impersonation"] = Fact(True, f"{sender.name} <{sender.email}>"[:120])
    to = {a.email for a in inquiry.to}
    if not to or to == {sender.email} or "undisclosed" in " ".join(a.name.lower()
                                                                   for a in inquiry.to):
        facts["hidden_recipients"] = Fact(True, ", ".join(sorted(to)) or "no To")
    return facts


_MANY_DIGITS = re.compile(r"\d{5,}")
_MAILBOX_BRANDS = frozenset(b for b in CONSUMER_BRANDS | set(BRANDS) if len(b) >= 5)


def _mailbox_brand(local: str, domain: str) -> str:
    """A brand named in the mailbox of a domain that is not the brand's:
    ``deutsche-bank-ag@mail.example``, ``alerta.receitafederal@...``."""
    squeezed = re.sub(r"[^a-z]", "", local)
    owner = re.sub(r"[^a-z]", "", domain.lower())
    return next((b for b in _MAILBOX_BRANDS if b in squeezed and b not in owner), "")


def _worn_brand(display_name: str) -> str:
    """The brand a display name presents itself as, if it is little more than that."""
    tokens = [t.lower() for t in _NAME_TOKEN.findall(display_name)]
    brands = [t.replace("'", "").replace("&", "") for t in tokens if t in CONSUMER_BRANDS]
    rest = [t for t in tokens if t not in CONSUMER_BRANDS and t not in GENERIC_NAME_WORDS]
    return brands[0] if brands and len(rest) <= 1 else ""


_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*")
# "Get_Rid_of_Back_Pain", "Now.get.up.to.1.BTC": words chained to dodge word filters
_JOINED_WORDS = re.compile(r"(?:[^\W\d_]+[_.]){3,}[^\W_]+")


# Characters that show nothing, and marks of other scripts stuck on Latin letters
# ("Aܿmܿaܿzܿoܿn"): padding that breaks words apart for filters.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff"
    "\U000e0000-\U000e01ef]|"
    "(?<=[A-Za-z])[\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0711"
    "\u0730-\u074a\u07a6-\u07b0\u093a-\u094f\u20d0-\u20ff\ufe20-\ufe2f]")
# A word mixing Latin letters with Cyrillic or Greek look-alikes: "Yоur", "Μetamаsk".
_GREEK_OR_CYRILLIC = re.compile("[\u0370-\u04ff]")
_MIXED_SCRIPT = re.compile(r"\b(?=[\w]*[a-zA-Z])(?=[\w]*[\u0370-\u03ff\u0400-\u04ff])[\w]{3,}\b")


def _disguise_facts(inquiry: Inquiry) -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    name = inquiry.sender.name if inquiry.sender else ""
    text = f"{name} {inquiry.subject} {inquiry.body[:4000]}"
    invisible = 0 if text.isascii() else len(_INVISIBLE.findall(text))
    if invisible >= 10:
        facts["invisible_padding"] = Fact(invisible, f"{invisible} invisible characters")
    mixed = _GREEK_OR_CYRILLIC.search(text) and _MIXED_SCRIPT.search(text)
    if mixed:
        facts["homoglyphs"] = Fact(True, mixed.group(0))
    return facts


def _greeting_facts(inquiry: Inquiry) -> dict[str, Fact]:
    """Mass mail greets a mailbox, not a person: "Dear info@...", "Olá, joao@..."."""
    opening = inquiry.body[:200]
    for text in (inquiry.subject, opening):
        m = _ADDRESS.search(text)
        if m and (text is inquiry.subject or m.start() < 80):
            return {"greets_address": Fact(True, m.group(0))}
    return {}


# --------------------------------------------------------------------------- headers


_PASSWORD_FIELD = re.compile(r"""type\s*=\s*["']?password""", re.I)
_IMAGE_TAG = re.compile(r"<img\b", re.I)
_AUTH_HARD_FAIL = re.compile(r"\b(spf|dkim|dmarc)=fail\b", re.I)
_AUTH_FAIL = re.compile(r"\b(spf|dkim|dmarc)=(fail|softfail|permerror)", re.I)


def _header_facts(inquiry: Inquiry) -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    m = _AUTH_FAIL.search(inquiry.auth_results)
    if m:
        facts["auth_fail"] = Fact(True, m.group(0))
        hard = _AUTH_HARD_FAIL.search(inquiry.auth_results)
        if hard:
            facts["auth_hard_fail"] = Fact(True, hard.group(0))
    sender = inquiry.sender
    if sender:
        claim = _BRAND_NAME_RE.search(sender.name or "")
        if claim:
            brand = claim.group(1).lower().replace(" ", "")
            brand = {"globalsources": "globalsources"}.get(brand, brand)
            owned = BRANDS.get(brand, ())
            if owned and registrable_domain(sender.domain) not in owned:
                facts["brand_impersonation"] = Fact(True, f"{sender.name} <{sender.email}>")
    reply = inquiry.reply_to
    if sender and reply and reply.email and sender.email and (
            registrable_domain(reply.domain) != registrable_domain(sender.domain)):
        facts["reply_to_elsewhere"] = Fact(True, reply.email)
    if inquiry.html and len(inquiry.body.split()) < 10 and _IMAGE_TAG.search(inquiry.html):
        facts["image_only"] = Fact(True, "a picture and next to no text")
    if inquiry.html and inquiry.links and len(inquiry.body.split()) < 80:
        facts["html_link_heavy"] = Fact(True, f"{len(inquiry.links)} links, "
                                              f"{len(inquiry.body.split())} words")
    # a discussion list names where to post; marketing senders only say how to leave
    discussion = inquiry.headers.get("list-post") or inquiry.headers.get("x-beenthere")
    if discussion:
        facts["mailing_list"] = Fact(True, discussion[:80])
    if inquiry.list_unsubscribe:
        facts["bulk_mail"] = Fact(True, "List-Unsubscribe")
    precedence = inquiry.headers.get("precedence", "").lower()
    if precedence in ("bulk", "list", "junk"):
        facts["bulk_mail"] = Fact(True, f"Precedence: {precedence}")
    return facts
