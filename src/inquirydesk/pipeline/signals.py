"""The facts rules weigh, gathered from every earlier stage in one place.

Code observes (is the domain free mail? did the buyer name a catalog id?); the
rulebook judges (how many points that is worth).  Fact names are the rulebook's
vocabulary: ``inquirydesk rules show`` lists the ones each rule reads.
"""

from __future__ import annotations

from datetime import date

from inquirydesk.lookups.domains import registrable_domain
from inquirydesk.model import Fact, Fields, Identity, Inquiry, Seller
from inquirydesk.pipeline.history import Echoes
from inquirydesk.pipeline.measure import below_minimum, sizes
from inquirydesk.pipeline.parse import html_to_text
from inquirydesk.pipeline.threats import threat_facts
from inquirydesk.rules.engine import Subject

CHINESE_CHARSETS = ("gb2312", "gbk", "gb18030", "big5", "hz-gb-2312")
CHINESE_MAILERS = ("foxmail", "netease", "dashi", "163", "qq", "dingtalk", "wps", "[cn]",
                   "coremail", "aliyun", "sina")
NIGHT_HOURS = range(5)  # 00:00-04:59 in the buyer's own zone
TINY_ORDER = 20  # pieces: a household's purchase, not a trade order


def observe(inquiry: Inquiry, identity: Identity, fields: Fields, echoes: Echoes,
            seller: Seller) -> Subject:
    facts: dict[str, Fact] = {}
    facts.update(_seller_facts(inquiry, seller))
    facts.update(_identity_facts(identity))
    facts.update(_rival_facts(inquiry, identity))
    facts.update(_field_facts(fields))
    facts.update(_size_facts(fields, seller))
    facts.update(_message_facts(inquiry))
    facts.update(_platform_facts(inquiry))
    facts.update(_echo_facts(echoes))
    facts.update(threat_facts(inquiry))
    return Subject(facts=facts, texts=_texts(inquiry, identity))


SHORT_BODY = 30  # words: a text part this short may only be a stand-in for the HTML one
# Characters of text the rules read: an inquiry says what it wants near the top, and a
# 60 KB newsletter or digest must not cost a hundred times a real inquiry.
RULE_TEXT_LIMIT = 12_000


def _texts(inquiry: Inquiry, identity: Identity) -> dict[str, str]:
    sender = inquiry.sender
    text = inquiry.text[:RULE_TEXT_LIMIT]
    if inquiry.html and len(inquiry.body.split()) < SHORT_BODY:
        text = f"{text}\n{html_to_text(inquiry.html[:RULE_TEXT_LIMIT * 4])[:RULE_TEXT_LIMIT]}"
    return {
        "text": text,
        "subject": inquiry.subject,
        "body": inquiry.body,
        "quoted": inquiry.quoted,
        "sender": f"{sender.name} <{sender.email}>" if sender else "",
        "mailer": inquiry.mailer,
        "attachments": "\n".join(a.filename for a in inquiry.attachments),
        "links": "\n".join(link.url for link in inquiry.links),
        "signature": identity.signature,
        "company": f"{identity.company}\n{identity.title}".strip(),
    }


def _flag(facts: dict[str, Fact], name: str, value, quote: str = "") -> None:
    if value:
        facts[name] = Fact(value, quote if quote else str(value) if value is not True else "")


def _seller_facts(inquiry: Inquiry, seller: Seller) -> dict[str, Fact]:
    """Mail that claims to come from our own company: a spoof unless it really does."""
    if not inquiry.sender or not inquiry.sender.domain:
        return {}
    ours = {registrable_domain(e.rpartition("@")[2]) for e in seller.emails}
    ours |= {registrable_domain(p.email.rpartition("@")[2]) for p in seller.people if p.email}
    if seller.website:
        ours.add(registrable_domain(seller.website))
    ours.discard("")
    if registrable_domain(inquiry.sender.domain) in ours:
        return {"from_own_domain": Fact(True, inquiry.sender.email)}
    return {}


def _identity_facts(idy: Identity) -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    real_name = len(idy.name.split()) >= 2 and "@" not in idy.name
    _flag(facts, "real_name", real_name, idy.name)
    _flag(facts, "has_name", bool(idy.name), idy.name)
    _flag(facts, "has_title", bool(idy.title), idy.title)
    _flag(facts, "has_company", bool(idy.company), idy.company)
    _flag(facts, "free_mail", idy.free_mail, idy.mail_domain)
    _flag(facts, "disposable_mail", idy.disposable, idy.mail_domain)
    _flag(facts, "company_domain", bool(idy.mail_domain) and not idy.free_mail
          and not idy.disposable, idy.mail_domain)
    _flag(facts, "has_website", bool(idy.website), idy.website)
    _flag(facts, "website_matches_domain", idy.website_matches_domain is True, idy.website)
    _flag(facts, "website_mismatch", idy.website_matches_domain is False,
          f"{idy.website} ≠ {idy.mail_domain}")
    phones = [p for p in idy.phones if p.kind != "fax"]
    faxes = [p for p in idy.phones if p.kind == "fax"]
    _flag(facts, "has_phone", bool(phones), phones[0].raw if phones else "")
    _flag(facts, "has_fax", bool(faxes) and not idy.fax_same_as_phone,
          faxes[0].raw if faxes else "")
    _flag(facts, "fax_same_as_phone", idy.fax_same_as_phone, faxes[0].raw if faxes else "")
    _flag(facts, "has_address", bool(idy.address), idy.address)
    full = real_name and bool(idy.company) and bool(phones or idy.website or idy.address)
    _flag(facts, "full_signature", full, idy.signature[:120])
    _flag(facts, "addressed_by_name", idy.addressed_by_name)
    _flag(facts, "generic_salutation", idy.generic_salutation)
    _flag(facts, "language", idy.language, idy.language)
    _flag(facts, "country", identity_country(idy), identity_country(idy))
    if idy.local_sent is not None and idy.local_sent.hour in NIGHT_HOURS:
        facts["night_send"] = Fact(True, idy.local_sent.strftime("%H:%M ") + idy.timezone)
    if idy.ip_country and idy.claimed_country and idy.ip_country != idy.claimed_country:
        facts["ip_country_differs"] = Fact(
            True, f"IP {idy.ip_country}, claims {idy.claimed_country}")
    return facts


def identity_country(idy: Identity) -> str:
    return idy.country or idy.claimed_country or idy.ip_country or idy.phone_country


def _rival_facts(inquiry: Inquiry, idy: Identity) -> dict[str, Fact]:
    """Chinese traces behind a foreign identity: a rival in China fishing for prices."""
    if idy.language == "zh" or idy.claimed_country in ("CN", "HK", "TW", "MO"):
        return {}
    traces = []
    charset = next((c for c in inquiry.charsets if c.lower() in CHINESE_CHARSETS), "")
    if charset:
        traces.append(f"charset {charset}")
    mailer = inquiry.mailer.lower()
    if any(m in mailer for m in CHINESE_MAILERS):
        traces.append(f"mailer {inquiry.mailer[:40]}")
    cn_phone = next((p for p in idy.phones if p.country == "CN"), None)
    if cn_phone:
        traces.append(f"phone {cn_phone.raw}")
    if idy.ip_country == "CN":
        traces.append(f"IP {idy.ip}")
    if inquiry.date is not None and inquiry.date.utcoffset() is not None and (
            inquiry.date.utcoffset().total_seconds() == 8 * 3600):
        traces.append("Date +0800")
    if not traces:
        return {}
    return {"rival_traces": Fact(len(traces), "; ".join(traces))}


def _field_facts(fields: Fields) -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    by_how: dict[str, list[str]] = {}
    for p in fields.products:
        by_how.setdefault(p.how, []).append(p.quote or p.name)
    for how in ("id", "keyword", "similar", "category", "unrelated"):
        if how in by_how:
            facts[f"product_{how}"] = Fact(len(by_how[how]), ", ".join(by_how[how])[:120])
    if not set(by_how) - {"unrelated"}:
        facts["no_product"] = Fact(True, "")
    for name in ("quantity", "specs", "packaging", "target_price", "incoterm", "port",
                 "payment", "delivery", "shipping"):
        value = getattr(fields, name)
        _flag(facts, f"has_{name}", bool(value), value or "")
    _flag(facts, "has_certificates", bool(fields.certificates), ", ".join(fields.certificates))
    if fields.sample:
        facts[f"sample_{fields.sample}"] = Fact(True, fields.sample)
        facts["sample_asked"] = Fact(True, fields.sample)
    named = sum(1 for n in ("quantity", "specs", "packaging", "target_price", "incoterm",
                            "port", "payment", "delivery") if getattr(fields, n))
    facts["details_named"] = Fact(named + bool(fields.certificates), str(named))
    return facts


def _size_facts(fields: Fields, seller: Seller) -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    if below_minimum(fields.quantity, seller.moq):
        facts["below_moq"] = Fact(True, f"{fields.quantity} < MOQ {seller.moq}"[:120])
    found = sizes(fields.quantity)
    if found and all((s.unit == "pieces" and s.value <= TINY_ORDER) or s.unit == "length"
                     for s in found):
        facts["tiny_order"] = Fact(True, fields.quantity or "")
    return facts


def _message_facts(inquiry: Inquiry) -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    words = len(inquiry.body.split())
    facts["body_words"] = Fact(words, str(words))
    if inquiry.in_reply_to or (inquiry.quoted and inquiry.subject.lower().startswith(
            ("re:", "aw:", "回复", "答复", "rv:", "sv:", "res:"))):
        facts["reply_thread"] = Fact(True, inquiry.subject[:80])
    recipients = len(inquiry.to) + len(inquiry.cc)
    if recipients >= 5:
        facts["many_recipients"] = Fact(recipients, f"{recipients} recipients")
    if inquiry.defects:
        facts["defects"] = Fact(len(inquiry.defects), "; ".join(inquiry.defects)[:120])
    return facts


def _platform_facts(inquiry: Inquiry) -> dict[str, Fact]:
    p = inquiry.platform
    if p is None:
        return {}
    facts: dict[str, Fact] = {"platform": Fact(True, p.inquiry_id)}
    _flag(facts, "verified_buyer", p.verified_buyer is True, "verified buyer")
    if p.registered_at is not None:
        received = inquiry.date.date() if inquiry.date else date.today()
        age = (received - p.registered_at).days
        facts["account_age_days"] = Fact(age, f"registered {p.registered_at.isoformat()}")
    for name in ("product_views_30d", "inquiries_sent_30d", "suppliers_contacted"):
        value = getattr(p, name)
        if value is not None:
            facts[name] = Fact(value, f"{name.replace('_', ' ')}: {value}")
    if p.ip_country and p.registered_country and p.ip_country != p.registered_country:
        facts["ip_country_differs"] = Fact(
            True, f"IP {p.ip_country}, registered {p.registered_country}")
    return facts


def _echo_facts(echoes: Echoes) -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    if echoes.repeats:
        facts["repeat_sender"] = Fact(len(echoes.repeats), ", ".join(echoes.repeats)[:120])
    if echoes.siblings:
        facts["sibling_mailboxes"] = Fact(len(echoes.siblings),
                                          ", ".join(echoes.siblings)[:120])
    return facts
