"""The desk's use cases: each page and its JSON twin are built by one of these functions.

Every function takes the store, the signed-in user and plain arguments, checks what the
user may see, and returns a view with ``as_dict()``; routes only render it as HTML or JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from inquirydesk.model import Seller
from inquirydesk.planner import draft_profile, from_record, plan_profile
from inquirydesk.planner.calendar import buyer_zone
from inquirydesk.settings import Settings
from inquirydesk.store import InboxItem, Store, StoredInquiry
from inquirydesk.store import desk as people
from inquirydesk.store.desk import User
from inquirydesk.store.outcomes import OutcomeError, set_outcome
from inquirydesk.web.message import SafeMessage, attachment_bytes, safe_message

RISKY = ("spam", "phishing", "scam")
ITEMS = ("identity", "product", "detail", "terms", "engagement")
FILTERS = ("grade", "risk", "owner", "country", "status", "language", "q")
OUTCOMES = ("won", "lost", "no_answer")


class NotFound(LookupError):
    """No such inquiry."""


class Forbidden(PermissionError):
    """The inquiry belongs to another salesperson."""


class Invalid(ValueError):
    """A request the desk cannot carry out (an unknown outcome, a lost deal without reason)."""


@dataclass(frozen=True, slots=True)
class InboxView:
    folder: str  # "inbox" or "risky"
    filters: dict[str, str]
    items: list[InboxItem]

    def as_dict(self) -> dict[str, Any]:
        return {"folder": self.folder, "filters": self.filters,
                "count": len(self.items), "items": [i.as_dict() for i in self.items]}


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
            "plan": self.plan, "draft": self.draft, "record": r,
        }


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
          limit: int = 200) -> InboxView:
    """The inbox (safe inquiries) or the risky folder, by priority, filtered and visible."""
    f = _clean(filters)
    if folder == "risky":
        risk: str | list[str] = f["risk"] if f["risk"] in RISKY else list(RISKY)
    else:
        risk = "none"
    args = {"grade": f["grade"] or None, "risk": risk, "owner": _owners(user, f["owner"]),
            "country": f["country"] or None, "status": f["status"] or None,
            "language": f["language"] or None}
    if not f["q"]:
        return InboxView(folder, f, store.inbox(**args, limit=limit))
    found = [i for i in store.search(f["q"], limit=5000) if _matches(i, args)]
    return InboxView(folder, f, found[:limit])


def _matches(item: InboxItem, args: dict[str, Any]) -> bool:
    for name, wanted in args.items():
        if wanted is None:
            continue
        value = getattr(item, name)
        options = [wanted] if isinstance(wanted, str) else wanted
        if value.upper() not in [o.upper() for o in options]:
            return False
    return True


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
        plan=plan, draft=draft,
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
