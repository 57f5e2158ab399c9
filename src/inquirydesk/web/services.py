"""The desk's use cases: each page and its JSON twin are built by one of these functions.

Every function takes the store, the signed-in user and plain arguments, checks what the
user may see, and returns a view with ``as_dict()``; routes only render it as HTML or JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from inquirydesk.model import Seller
from inquirydesk.planner import draft_profile, from_record, plan_profile
from inquirydesk.planner.calendar import buyer_zone
from inquirydesk.settings import Settings
from inquirydesk.store import InboxItem, Store, StoredInquiry
from inquirydesk.store import desk as people
from inquirydesk.store.desk import User
from inquirydesk.store.drafts import DraftError, SavedDraft, reset_draft, saved_draft
from inquirydesk.store.drafts import save_draft as keep_draft
from inquirydesk.store.outcomes import Event, OutcomeError, add_event, events, set_outcome
from inquirydesk.web.message import SafeMessage, attachment_bytes, safe_message

RISKY = ("spam", "phishing", "scam")
ITEMS = ("identity", "product", "detail", "terms", "engagement")
FILTERS = ("grade", "risk", "owner", "country", "status", "language", "q")
STATUSES = ("new", "replied", "closed", "all")  # the inbox shows "new" unless asked
PAGE = 100
OUTCOMES = ("won", "lost", "no_answer")


class NotFound(LookupError):
    """No such inquiry."""


class Forbidden(PermissionError):
    """The inquiry belongs to another salesperson."""


class Invalid(ValueError):
    """A request the desk cannot carry out (an unknown outcome, a lost deal without reason)."""


@dataclass(frozen=True, slots=True)
class Due:
    """When our first reply is due: a grade's reply time after the inquiry arrived."""

    at: datetime
    overdue: bool
    hours: int

    def as_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "overdue": self.overdue, "hours": self.hours}


@dataclass(frozen=True, slots=True)
class InboxView:
    folder: str  # "inbox" or "risky"
    filters: dict[str, str]
    items: list[InboxItem]
    page: int = 1
    more: bool = False  # another page follows
    due: dict[int, Due] = field(default_factory=dict)  # awaiting our reply, by inquiry id

    def as_dict(self) -> dict[str, Any]:
        return {"folder": self.folder, "filters": self.filters, "page": self.page,
                "more": self.more, "count": len(self.items),
                "items": [{**i.as_dict(), "due": self.due[i.id].as_dict()
                           if i.id in self.due else None} for i in self.items]}


@dataclass(frozen=True, slots=True)
class InquiryView:
    item: InboxItem
    record: dict[str, Any]
    message: SafeMessage
    buyer_zone: str
    buyer_now: datetime
    plan: dict[str, Any] | None
    draft: dict[str, Any] | None
    restored_from: str = ""  # the risk verdict a "not spam" replaced
    breakdown: list[dict[str, Any]] = field(default_factory=list)
    edited: SavedDraft | None = None  # the draft as someone saved it, shown over the plan's
    events: list[Event] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        r = self.record
        return {
            "inquiry": self.item.as_dict(),
            "table1": {"items": self.breakdown, "factor": r.get("items", {}).get("factor"),
                       "total": r.get("total"), "grade": r.get("grade"),
                       "probability": r.get("probability")},
            "evidence": r.get("evidence", []),
            "fields": r.get("fields", {}),
            "buyer": {**r.get("buyer", {}), "country": self.item.country,
                      "language": self.item.language, "timezone": self.buyer_zone,
                      "local_time_now": self.buyer_now.isoformat()},
            "message": {"html": self.message.html, "remote_images": self.message.remote_images,
                        "attachments": [asdict(a) for a in self.message.attachments]},
            "plan": self.plan, "draft": self.draft,
            "edited_draft": _jsonable(asdict(self.edited)) if self.edited else None,
            "events": [_jsonable(asdict(e)) for e in self.events], "record": r,
        }


def _jsonable(value: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in value.items()}


# ---------------------------------------------------------------------- who sees what


def require(user: User, *roles: str) -> None:
    """Forbidden unless the user has one of ``roles`` (e.g. settings: admin and manager)."""
    if user.role not in roles:
        raise Forbidden(f"this needs the role {' or '.join(roles)}; {user.username} is "
                        f"{user.role}")


def can_see(user: User, owner: str) -> bool:
    return user.sees_all or owner in ("", user.username)


def _owners(user: User, asked: str) -> str | list[str] | None:
    """The owner filter the user may use: salespeople only themselves and the pool."""
    if user.sees_all:
        return asked or None
    mine = [user.username, ""]
    if not asked:
        return mine
    wanted = "" if asked == "pool" else asked
    return [wanted] if wanted in mine else ["\x00nobody"]


def _clean(filters: dict[str, str]) -> dict[str, str]:
    return {k: str(filters.get(k) or "").strip() for k in FILTERS}


def inbox(store: Store, user: User, filters: dict[str, str], *, folder: str = "inbox",
          page: int = 1, limit: int = PAGE, settings: Settings | None = None,
          now: datetime | None = None) -> InboxView:
    """The inbox or the risky folder: what deserves attention now, filtered and visible.

    The inbox shows inquiries awaiting our reply (status "new") unless another status
    (or "all") is asked, safe ones only, by grade and then by the reply due first.  The
    risky folder holds spam, phishing and scams, never deleted, newest and worst first.
    """
    f = _clean(filters)
    if f["status"] not in ("", *STATUSES):
        raise Invalid(f"status {f['status']!r} is not one of {', '.join(STATUSES)}")
    if folder == "risky":
        risk: str | list[str] = f["risk"] if f["risk"] in RISKY else list(RISKY)
        status = None if f["status"] in ("", "all") else f["status"]
    else:
        risk = "none"
        f["status"] = f["status"] or "new"
        status = None if f["status"] == "all" else f["status"]
    args = {"grade": f["grade"] or None, "risk": risk, "owner": _owners(user, f["owner"]),
            "country": f["country"] or None, "status": status,
            "language": f["language"] or None}
    page, limit = max(1, page), max(1, min(limit, 500))
    order = "due" if folder == "inbox" else "priority"
    window = {"limit": limit + 1, "offset": (page - 1) * limit, "order": order}
    items = (store.search(f["q"], **window, **args) if f["q"]
             else store.inbox(**args, **window))
    shown = items[:limit]
    return InboxView(folder, f, shown, page, len(items) > limit,
                     due_times(shown, settings, now) if settings else {})


def due_times(items: list[InboxItem], settings: Settings,
              now: datetime | None = None) -> dict[int, Due]:
    """When each inquiry awaiting our first reply should have it (settings.follow_up)."""
    now = now or datetime.now(UTC)
    rules = settings.follow_up
    due = {}
    for i in items:
        if i.status != "new":
            continue
        hours = rules.first_reply_hours_ab if i.grade in "AB" else rules.first_reply_hours
        at = i.received_at + timedelta(hours=hours)
        due[i.id] = Due(at, at < now, hours)
    return due


# ---------------------------------------------------------------------- one inquiry


def stored(store: Store, user: User, inquiry_id: int) -> StoredInquiry:
    found = store.get(inquiry_id)
    if found is None:
        raise NotFound(f"no inquiry {inquiry_id}")
    if not can_see(user, found.item.owner):
        raise Forbidden(f"inquiry {inquiry_id} belongs to {found.item.owner}")
    return found


def inquiry(store: Store, user: User, inquiry_id: int, settings: Settings, seller: Seller,
            *, show_images: bool = False, now: datetime | None = None) -> InquiryView:
    """Everything the inquiry page shows: message, Table 1, evidence, buyer, plan, draft."""
    s = stored(store, user, inquiry_id)
    record = s.record or {}
    buyer = record.get("buyer", {})
    zone = buyer_zone(buyer.get("timezone", ""), s.item.country, settings.timezone)
    text = (s.row or {}).get("message", "") if s.row else ""
    plan, draft = _plan_and_draft(record, settings, seller)
    items = record.get("items", {})
    return InquiryView(
        item=s.item, record=record,
        message=safe_message(s.raw, str(text), show_images=show_images),
        buyer_zone=zone, buyer_now=(now or datetime.now(UTC)).astimezone(ZoneInfo(zone)),
        plan=plan, draft=draft, edited=saved_draft(store, inquiry_id),
        events=events(store, inquiry_id),
        breakdown=[{"item": k, "points": items.get(k, 0.0)} for k in ITEMS])


def _plan_and_draft(record: dict[str, Any], settings: Settings,
                    seller: Seller) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    if not record:
        return None, None
    profile = from_record(record)
    plan = plan_profile(profile, settings)
    letter = draft_profile(profile, plan, seller, templates_dir=settings.drafts_dir)
    return plan.as_dict(), (asdict(letter) if letter else None)


def attachment(store: Store, user: User, inquiry_id: int, index: int) -> tuple[str, bytes]:
    found = attachment_bytes(stored(store, user, inquiry_id).raw, index)
    if found is None:
        raise NotFound(f"inquiry {inquiry_id} has no attachment {index}")
    return found


# ---------------------------------------------------------------------- changes


def not_spam(store: Store, user: User, inquiry_id: int) -> InboxItem:
    """Restore a risky inquiry to the inbox (never deleted; the old verdict is kept)."""
    stored(store, user, inquiry_id)
    people.mark_not_spam(store, inquiry_id, by=user.username)
    return store.get(inquiry_id).item


def record_outcome(store: Store, user: User, inquiry_id: int, result: str,
                   reason: str = "") -> InboxItem:
    """Won, lost (with a reason) or no answer: recorded as an outcome, the inquiry closed."""
    stored(store, user, inquiry_id)
    if result not in OUTCOMES:
        raise Invalid(f"outcome {result!r} is not one of {', '.join(OUTCOMES)}")
    try:
        set_outcome(store, inquiry_id, result, reason=reason, by=user.username)
    except OutcomeError as exc:
        raise Invalid(str(exc)) from None
    return store.get(inquiry_id).item


def save_draft(store: Store, user: User, inquiry_id: int, subject: str,
               text: str) -> SavedDraft:
    """Keep the reply as the salesperson edited it; the desk shows it from now on."""
    stored(store, user, inquiry_id)
    try:
        return keep_draft(store, inquiry_id, subject, text, by=user.username)
    except DraftError as exc:
        raise Invalid(str(exc)) from None


def forget_draft(store: Store, user: User, inquiry_id: int) -> bool:
    """Back to the planner's draft."""
    stored(store, user, inquiry_id)
    return reset_draft(store, inquiry_id)


def mark_replied(store: Store, user: User, inquiry_id: int, note: str = "") -> InboxItem:
    """We answered the buyer: a ``replied`` event; a new inquiry becomes "replied" and the
    follow-up cadence starts from now."""
    stored(store, user, inquiry_id)
    add_event(store, inquiry_id, "replied", by=user.username, detail=note[:500])
    return store.get(inquiry_id).item
