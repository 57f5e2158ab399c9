"""Draft replies from editable Jinja2 templates, in the buyer's language with English below.

Templates live in ``templates/drafts/<lang>/<strategy>.txt.j2`` inside the package; a
user directory with the same layout overrides any of them file by file (``<dir>/de/
close_deal.txt.j2`` replaces just that one).  Each language has ``_phrases.txt.j2`` with
the greeting, the answer to each topic, each question and the closing; the strategy files
say what the letter does.  ``en/_signature.txt.j2`` signs every draft.  A template's first
line ``Subject: …`` becomes the draft's subject.

When the buyer writes in a language we have templates for and it is not English, the
draft is bilingual: their language first, then English, then the signature (seed 002).
Risky inquiries and strategies without a reply get no draft.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from inquirydesk.model import Analysis, Person, Seller
from inquirydesk.planner.markets import covers
from inquirydesk.planner.profile import BuyerProfile, from_analysis
from inquirydesk.planner.strategy import ReplyPlan

BUILTIN = Path(str(resources.files("inquirydesk") / "templates" / "drafts"))
SEPARATOR = "----- English -----"
BLANK = re.compile(r"\[[^\[\]\n]{1,60}\]")
REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|rv|res|fw|fwd|回复|答复)\s*[:：]\s*)+", re.IGNORECASE)
GENERIC_CERT_WORDS = {"CERTIFICATE", "CERTIFICATES", "TEST", "TESTS", "REPORT", "REPORTS",
                      "FOOD", "CONTACT", "DECLARATION", "CONFORMITY", "THE", "AND", "FOR"}


@dataclass(frozen=True, slots=True)
class Draft:
    subject: str
    text: str
    language: str  # the first language of the letter
    languages: tuple[str, ...] = ()  # ("de", "en") for a bilingual letter
    strategy: str = ""
    signer: str = ""
    to: str = ""
    blanks: tuple[str, ...] = ()  # the [placeholders] left for the salesperson


def draft(analysis: Analysis, plan: ReplyPlan, seller: Seller,
          templates_dir: str | Path | None = None) -> Draft | None:
    """The draft reply for an analysed inquiry; None where the plan says no reply."""
    profile = from_analysis(analysis)
    person = choose_signer(seller, profile, _addressed_to(analysis), _salutation(analysis))
    return draft_profile(profile, plan, seller, person, templates_dir)


def draft_profile(profile: BuyerProfile, plan: ReplyPlan, seller: Seller,
                  person: Person | None = None,
                  templates_dir: str | Path | None = None) -> Draft | None:
    if not plan.reply or profile.risky:
        return None
    user = str(Path(templates_dir).expanduser()) if templates_dir else ""
    langs = languages_for(profile.language, plan.strategy, user)
    ctx = _context(profile, plan, seller, person)
    parts = [_render(lang, plan.strategy, ctx, user) for lang in langs]
    subject = parts[0][0]
    body = f"\n\n{SEPARATOR}\n\n".join(text for _, text in parts)
    signature = _tidy(_env("en", user).get_template("_signature.txt.j2").render(ctx))
    text = f"{body}\n{signature}\n" if signature else f"{body}\n"
    return Draft(subject=subject, text=text, language=langs[0], languages=tuple(langs),
                 strategy=plan.strategy, signer=ctx["signer"]["full"], to=profile.email,
                 blanks=tuple(dict.fromkeys(BLANK.findall(text))))


def languages_for(language: str, strategy: str, templates_dir: str = "") -> list[str]:
    """["de", "en"] when German templates exist for the strategy, else ["en"]."""
    if language and language != "en" and has_template(language, strategy, templates_dir):
        return [language, "en"]
    return ["en"]


def has_template(language: str, strategy: str, templates_dir: str = "") -> bool:
    roots = [Path(templates_dir)] if templates_dir else []
    return any((root / language / f"{strategy}.txt.j2").is_file() for root in [*roots, BUILTIN])


def template_languages(templates_dir: str = "") -> list[str]:
    roots = ([Path(templates_dir)] if templates_dir else []) + [BUILTIN]
    return sorted({p.name for root in roots if root.is_dir() for p in root.iterdir()
                   if (p / "_phrases.txt.j2").is_file()})


def choose_signer(seller: Seller, profile: BuyerProfile, addressed_to: tuple[str, ...] = (),
                  salutation: str = "") -> Person | None:
    """The salesperson named in the greeting or written to, else the one whose markets cover
    the buyer's country, else the first."""
    people = seller.people
    if not people:
        return None
    for person in people:
        names = [n for n in (person.english_name, person.name) if n]
        if any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", salutation, re.IGNORECASE)
               for n in names):
            return person
    for person in people:
        if person.email and person.email.lower() in addressed_to:
            return person
    for person in people:
        if covers(person.markets, profile.country):
            return person
    return people[0]


def _addressed_to(analysis: Analysis) -> tuple[str, ...]:
    inquiry = analysis.inquiry
    return tuple(a.email.lower() for a in inquiry.to + inquiry.cc if a.email)


def _salutation(analysis: Analysis) -> str:
    """The opening lines of the message, where a buyer names the person they write to."""
    lines = [line.strip() for line in analysis.inquiry.body.splitlines() if line.strip()]
    return "\n".join(lines[:2])[:200]


def _context(profile: BuyerProfile, plan: ReplyPlan, seller: Seller,
             person: Person | None) -> dict[str, Any]:
    catalog = {item.id: item for item in seller.catalog}
    products = []
    for point in plan.answers:
        if point.topic == "products":
            for value in point.values:
                item = catalog.get(value)
                products.append({"id": value, "name": item.name if item else "",
                                 "catalog": item is not None})
    asked = next((p.values for p in plan.answers if p.topic == "certificates"), ())
    matched = {c: _held_as(seller.certificates, c) for c in asked}
    held = list(dict.fromkeys(name for name in matched.values() if name))
    return {
        "plan": plan,
        "points": plan.answers,
        "asks": plan.questions,
        "fields": dict(profile.fields),
        "buyer": {"name": profile.name, "company": profile.company,
                  "country": profile.country, "email": profile.email},
        "seller": seller,
        "signer": _signer(person, seller),
        "products": products,
        "catalog_products": [p for p in products if p["catalog"]],
        "other_products": [p for p in products if not p["catalog"]],
        "unrelated": ", ".join(profile.unrelated),
        "unrelated_items": list(profile.unrelated),
        "certificates": {"asked": list(asked), "held": held,
                         "missing": [c for c, name in matched.items()
                                     if not name and _cert_tokens(c)]},
        "original_subject": REPLY_PREFIX.sub("", profile.subject or "").strip(),
    }


def _signer(person: Person | None, seller: Seller) -> dict[str, str]:
    if person is None:
        return {"short": seller.company, "full": "", "email": _first(seller.emails)}
    short = person.english_name or person.name
    full = (f"{person.english_name} ({person.name})"
            if person.english_name and person.name and person.english_name != person.name
            else short)
    return {"short": short, "full": full, "email": person.email or _first(seller.emails)}


def _first(values: tuple[str, ...]) -> str:
    return values[0] if values else ""


def _held_as(held: tuple[str, ...], asked: str) -> str:
    """The seller's name for a certificate the buyer asks for, "" when not held: "LFGB"
    for "LFGB test report", "EU 1935/2004 declaration of conformity" for "EC 1935/2004"."""
    a = asked.lower()
    tokens = _cert_tokens(asked)
    return next((h for h in held if a in h.lower() or h.lower() in a
                 or tokens & _cert_tokens(h)), "")


def _cert_tokens(text: str) -> set[str]:
    words = re.findall(r"[A-Za-z0-9/]{3,}", text.upper())
    return {w for w in words if w not in GENERIC_CERT_WORDS}


def _render(lang: str, strategy: str, ctx: dict[str, Any], user: str) -> tuple[str, str]:
    try:
        template = _env(lang, user).get_template(f"{strategy}.txt.j2")
    except TemplateNotFound as exc:
        raise LookupError(f"no draft template {lang}/{strategy}.txt.j2") from exc
    text = _tidy(template.render(ctx, lang=lang))
    first, _, rest = text.partition("\n")
    if first.lower().startswith("subject:"):
        return first.split(":", 1)[1].strip(), _tidy(rest)
    return ctx["original_subject"] or "", text


@lru_cache(maxsize=64)
def _env(lang: str, user: str) -> Environment:
    paths = ([str(Path(user) / lang)] if user else []) + [str(BUILTIN / lang)]
    return Environment(loader=FileSystemLoader(paths), trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=True, undefined=StrictUndefined,
                       autoescape=False)


def _tidy(text: str) -> str:
    """Templates may be written loosely: no trailing spaces, at most one blank line."""
    lines = [line.rstrip() for line in text.splitlines()]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n")
