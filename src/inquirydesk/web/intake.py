"""The desk's intake and assignment use cases: submit an inquiry, list, assign, the pool.

- ``submit``: a raw RFC 5322 message, or a contact form's fields turned into a row the
  platform reader would have made (so the one pipeline judges both), stored with
  ``Store.ingest`` like any import, then assigned by the rules.
- ``assign``: managers and admins give any inquiry to anyone or back to the pool (公海);
  a salesperson claims a pool inquiry or releases their own, nothing else.
- ``listing``, ``assignees``, ``assign_form``: what API clients and the inquiry page need.

Routes only parse the request and render what these return.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from inquirydesk.engine import Engine
from inquirydesk.model import RawItem, Seller
from inquirydesk.settings import Settings
from inquirydesk.store import InboxItem, Store, fingerprint
from inquirydesk.store import assign as assigning
from inquirydesk.store import desk as people
from inquirydesk.store.desk import User
from inquirydesk.web.services import FILTERS, Forbidden, Invalid, can_see, inbox, stored

MAX_RAW = 25 * 1024 * 1024  # bytes of one submitted message
MAX_MESSAGE = 100_000  # characters of a form's message
MAX_FIELD = 2_000  # characters of any other form field
# Contact-form field → the platform row column the parser reads.
COLUMNS = {"name": "buyer_name", "email": "buyer_email", "company": "buyer_company",
           "country": "registered_country", "phone": "buyer_phone",
           "website": "buyer_website", "subject": "subject", "product": "product_id"}
FORM_FIELDS = (*COLUMNS, "message", "quantity", "source")
ANALYSIS = ("grade", "risk", "total", "probability", "intent", "business_type", "country",
            "language", "evidence")
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_HEADER = re.compile(rb"^[\x21-\x39\x3b-\x7e]+:")
_KNOWN_HEADERS = re.compile(rb"^(from|subject|date|message-id|to|sender|reply-to):",
                            re.IGNORECASE | re.MULTILINE)


def rules(settings: Settings, seller: Seller) -> assigning.Rules:
    """The assignment rules the settings give (with the seller's people by default)."""
    return assigning.Rules.of(settings.assignment, seller)


# ---------------------------------------------------------------------- submitting


@dataclass(frozen=True, slots=True)
class Submitted:
    """What became of a submission: a new inquiry, a known one, a bounce or a failure."""

    outcome: str  # "new", "duplicate", "bounce", "failed"
    id: int | None  # the inquiry
    input_id: int
    error: str = ""
    inquiry: InboxItem | None = None  # None where the submitter may not see it
    analysis: dict[str, Any] | None = None

    @property
    def status_code(self) -> int:
        return {"new": 201, "duplicate": 200, "bounce": 202, "failed": 422}[self.outcome]

    def as_dict(self) -> dict[str, Any]:
        if self.outcome == "failed":
            return {"error": self.error, "failure_id": self.input_id}
        return {"id": self.id, "outcome": self.outcome, "duplicate": self.outcome == "duplicate",
                "input_id": self.input_id,
                "inquiry": self.inquiry.as_dict() if self.inquiry else None,
                "analysis": self.analysis}


def submit(store: Store, user: User, engine: Engine, rules: assigning.Rules,
           body: Any) -> Submitted:
    """Store and judge one submitted inquiry (``body``: {"raw": ...} or form fields).

    A known input answers "duplicate" and is not judged again; an input that is not a
    message is kept as a failure; a new inquiry is assigned by ``rules``.
    """
    item = to_item(body)
    key = fingerprint(item)
    before = assigning.landing(store, key)
    if before is not None and before.kind != "failed":
        return _answer(store, user, before, duplicate=True)
    store.ingest([item], engine, workers=1)
    landed = assigning.landing(store, key)
    if landed is None:  # pragma: no cover - ingest stores every input it is given
        raise RuntimeError(f"{item.source} was not stored")
    if landed.inquiry_id is not None:
        assigning.assign_new(store, [landed.inquiry_id], rules)
    return _answer(store, user, landed, duplicate=False)


def to_item(body: Any) -> RawItem:
    """The submission as the pipeline's input; ``Invalid`` names the field that is wrong."""
    if not isinstance(body, dict):
        raise Invalid("the body must be an object: {\"raw\": ...} or contact-form fields")
    if "raw" in body:
        given = [k for k in FORM_FIELDS if body.get(k) not in (None, "")]
        if given:
            raise Invalid(f"raw: send either a raw message or form fields, not both "
                          f"({', '.join(given)})")
        return _raw_item(body["raw"])
    return _form_item(body)


def _raw_item(raw: Any) -> RawItem:
    if not isinstance(raw, str) or not raw.strip():
        raise Invalid("raw: the RFC 5322 message text is required")
    data = raw.encode("utf-8", "surrogateescape")
    if len(data) > MAX_RAW:
        raise Invalid(f"raw: larger than {MAX_RAW // (1024 * 1024)} MiB")
    source = f"api:{hashlib.sha256(data).hexdigest()[:16]}.eml"
    why = not_a_message(data)
    # Kept all the same: a failure with its bytes, to be judged again after a fix.
    return RawItem(source, "api", data=data, error=why)


def not_a_message(data: bytes) -> str | None:
    """Why ``data`` is no RFC 5322 message (no header fields first), or None."""
    head = data.replace(b"\r\n", b"\n").lstrip(b"\n").partition(b"\n\n")[0]
    if head.startswith(b"From "):  # an mbox separator line
        head = head.partition(b"\n")[2]
    if not _HEADER.match(head):
        return "not an RFC 5322 message: it does not start with header fields"
    if not _KNOWN_HEADERS.search(head):
        return "not an RFC 5322 message: no From, Subject, Date or Message-ID header"
    return None


def _form_item(body: dict[str, Any]) -> RawItem:
    values = {k: _text(body, k) for k in FORM_FIELDS}
    if not values["message"]:
        raise Invalid("message: required (the buyer's inquiry text)")
    if values["email"] and not _EMAIL.match(values["email"]):
        raise Invalid(f"email: {values['email'][:80]!r} is not an email address")
    row = {COLUMNS[k]: values[k] for k in COLUMNS if values[k]}
    if values["country"]:
        row["registered_country"] = _country(values["country"])
    text = values["message"]
    if values["product"]:
        text += f"\n\nProduct: {values['product']}"
    if values["quantity"]:
        text += f"\nQuantity: {values['quantity']}"
    row["message"] = text
    cells = json.dumps(row, sort_keys=True, ensure_ascii=False).encode()
    tag = re.sub(r"[^\w.-]+", "-", values["source"])[:40].strip("-") or "form"
    return RawItem(f"api:{tag}#{hashlib.sha256(cells).hexdigest()[:16]}", "api", row=row)


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise Invalid(f"{key}: must be text")
    text = str(value).strip()
    if "\x00" in text:
        raise Invalid(f"{key}: holds a NUL character")
    limit = MAX_MESSAGE if key == "message" else MAX_FIELD
    if len(text) > limit:
        raise Invalid(f"{key}: longer than {limit} characters")
    return text


def _country(value: str) -> str:
    """An ISO alpha-2 code for a country code or name ("de", "Germany", "UK")."""
    from inquirydesk.planner.markets import market_countries

    found = market_countries(value)
    if len(found) != 1:
        raise Invalid(f"country: {value[:80]!r} is not one country (use an ISO code)")
    return next(iter(found))


def _answer(store: Store, user: User, landed: assigning.Landing, *,
            duplicate: bool) -> Submitted:
    if landed.kind == "failed":
        return Submitted("failed", None, landed.input_id, landed.error)
    if landed.inquiry_id is None:
        return Submitted("bounce", None, landed.input_id)
    found = store.get(landed.inquiry_id)
    outcome = "duplicate" if duplicate else "new"
    if found is None or not can_see(user, found.item.owner):
        return Submitted(outcome, landed.inquiry_id, landed.input_id)
    record = found.record or {}
    return Submitted(outcome, landed.inquiry_id, landed.input_id, inquiry=found.item,
                     analysis={k: record.get(k) for k in ANALYSIS})


# ---------------------------------------------------------------------- listing and people


@dataclass(frozen=True, slots=True)
class Listing:
    folder: str
    filters: dict[str, str]
    limit: int
    offset: int
    items: list[InboxItem]
    more: bool

    def as_dict(self) -> dict[str, Any]:
        return {"folder": self.folder, "filters": self.filters, "limit": self.limit,
                "offset": self.offset, "count": len(self.items), "more": self.more,
                "items": [i.as_dict() for i in self.items]}


def listing(store: Store, user: User, filters: dict[str, str], *, folder: str = "inbox",
            limit: int = 50, offset: int = 0) -> Listing:
    """The inbox (or risky folder) from ``offset``, ``limit`` at most, as the user sees it.

    Built from the inbox's own pages (``services.inbox``), so filters and order are the
    inbox's: a window ``[offset, offset + limit)`` spans at most two of its pages.
    """
    if folder not in ("inbox", "risky"):
        raise Invalid(f"folder {folder!r} is not one of inbox, risky")
    if not 1 <= limit <= 500:
        raise Invalid("limit: between 1 and 500")
    if offset < 0:
        raise Invalid("offset: 0 or more")
    first, last = offset // limit + 1, (offset + limit - 1) // limit + 1
    views = [inbox(store, user, filters, folder=folder, page=p, limit=limit)
             for p in range(first, last + 1)]
    items = [i for v in views for i in v.items]
    start = offset - (first - 1) * limit
    shown = items[start:start + limit]
    more = views[-1].more or len(items) > start + limit
    return Listing(folder, {k: filters.get(k, "") for k in FILTERS if filters.get(k)}, limit,
                   offset, shown, more)


def assignees(store: Store, user: User) -> list[dict[str, str]]:
    """Every enabled desk user's name, display name and role (for assignment pickers)."""
    return [{"username": u.username, "display_name": u.display_name, "role": u.role}
            for u in people.users(store) if not u.disabled]


# ---------------------------------------------------------------------- assigning


def assign(store: Store, user: User, inquiry_id: int, owner: str) -> InboxItem:
    """Give the inquiry to ``owner`` ("" = the pool), as far as ``user`` may.

    Managers and admins: anyone, or the pool.  Salespeople: claim a pool inquiry for
    themselves, or release their own to the pool.  Every change is logged.
    """
    owner = (owner or "").strip()
    current = stored(store, user, inquiry_id).item.owner
    target = people.get_user(store, owner) if owner else None
    if owner and (target is None or target.disabled):
        raise Invalid(f"owner: no user {owner!r}" if target is None
                      else f"owner: {owner!r} is disabled")
    if owner == current:
        return store.get(inquiry_id).item
    if not user.sees_all and not _own_move(user, current, owner):
        raise Forbidden(f"{user.username} may claim pool inquiries and release their own; "
                        f"giving inquiry {inquiry_id} to {owner or 'the pool'} needs a manager")
    try:
        assigning.reassign(store, inquiry_id, owner, by=user.username, expected=current)
    except assigning.Taken as exc:
        raise Invalid(f"{exc}; reload and try again") from None
    return store.get(inquiry_id).item


def _own_move(user: User, current: str, owner: str) -> bool:
    claim = current == "" and owner == user.username
    release = current == user.username and owner == ""
    return claim or release


def history(store: Store, user: User, inquiry_id: int) -> list[dict[str, Any]]:
    """Who gave the inquiry to whom, when and why (visible with the inquiry)."""
    stored(store, user, inquiry_id)
    return [a.as_dict() for a in assigning.history(store, inquiry_id)]


@dataclass(frozen=True, slots=True)
class AssignForm:
    """What the inquiry page offers: a picker (managers) or claim/release (salespeople)."""

    inquiry_id: int
    owner: str
    choices: list[tuple[str, str]]  # (username, display name); managers only
    can_claim: bool
    can_release: bool

    @property
    def can_pick(self) -> bool:
        return bool(self.choices)


def assign_form(store: Store, user: User, item: InboxItem) -> AssignForm:
    """The assignment controls the inquiry page shows ``user`` for ``item``."""
    choices = ([(u.username, u.display_name) for u in people.users(store) if not u.disabled]
               if user.sees_all else [])
    mine = not user.sees_all
    return AssignForm(item.id, item.owner, choices, mine and item.owner == "",
                      mine and item.owner == user.username)
