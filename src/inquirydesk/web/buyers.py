"""The desk's buyer pages and Today list: each page and its JSON twin come from one of these.

Built on the customer archive (``inquirydesk.customers``: value grade, lifecycle, loyalty,
today's list) so the pages show the same facts as the ``buyers`` and ``today`` commands.
Who sees what follows ``services.can_see``: a salesperson sees a buyer when one of the
buyer's inquiries is theirs or in the pool, and on the buyer's page only those inquiries
(the others are counted, not shown); managers and admins see every buyer and may merge.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from inquirydesk import customers
from inquirydesk.customers import Customer, ValueRow
from inquirydesk.planner.today import TodayTask
from inquirydesk.settings import Settings
from inquirydesk.store import Store
from inquirydesk.store import buyers as buyer_store
from inquirydesk.store import desk as people
from inquirydesk.store.buyer_pages import (
    BuyerInquiry,
    buyer_inquiries,
    merged_into,
    search_words,
    visible_buyer_ids,
)
from inquirydesk.store.desk import User
from inquirydesk.store.outcomes import Order, orders
from inquirydesk.web.services import Forbidden, Invalid, NotFound, can_see, require

VALUE_GRADES = ("key", "major", "ordinary", "none")  # "none": no order in the window
LIFECYCLES = ("current", "target", "potential", "lost", "non-customer")
BUYER_FILTERS = ("q", "value", "lifecycle", "page")
PER_PAGE = 50
MERGERS = ("admin", "manager")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _jsonable(d: dict[str, Any]) -> dict[str, Any]:
    return {k: _iso(v) if isinstance(v, datetime) else v for k, v in d.items()}


# ---------------------------------------------------------------------- the buyer list


@dataclass(frozen=True, slots=True)
class BuyersView:
    filters: dict[str, str]
    page: int
    per_page: int
    total: int  # buyers matching the filters, on every page
    rows: list[Customer]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def as_dict(self) -> dict[str, Any]:
        return {"filters": self.filters, "page": self.page, "per_page": self.per_page,
                "pages": self.pages, "total": self.total, "count": len(self.rows),
                "buyers": [customer_dict(c) for c in self.rows]}


def customer_dict(c: Customer) -> dict[str, Any]:
    return _jsonable(asdict(c))


def _page(text: str) -> int:
    if not text:
        return 1
    if not text.isdigit() or int(text) < 1:
        raise Invalid(f"page {text!r} is not a page number (1, 2, ...)")
    return int(text)


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value and value not in allowed:
        raise Invalid(f"{name} {value!r} is not one of {', '.join(allowed)}")
    return value


def _rank(c: Customer) -> tuple:
    """Key buyers first, then major, ordinary, those without orders; the latest heard first."""
    grade = VALUE_GRADES.index(c.value_grade or "none")
    return (grade, -(c.last_seen.timestamp() if c.last_seen else float("-inf")), c.id)


def buyers(store: Store, user: User, settings: Settings, filters: dict[str, str], *,
           now: datetime | None = None, per_page: int = PER_PAGE) -> BuyersView:
    """The buyers the user may see, searched, filtered, by value grade then recency."""
    f = {k: str(filters.get(k) or "").strip() for k in BUYER_FILTERS}
    _choice("value", f["value"], VALUE_GRADES)
    _choice("lifecycle", f["lifecycle"], LIFECYCLES)
    page = _page(f["page"])
    rows = customers.customers(store, settings, now)
    if not user.sees_all:
        mine = visible_buyer_ids(store, [user.username, ""])
        rows = [c for c in rows if c.id in mine]
    if f["value"]:
        rows = [c for c in rows if (c.value_grade or "none") == f["value"]]
    if f["lifecycle"]:
        rows = [c for c in rows if c.lifecycle == f["lifecycle"]]
    if f["q"]:
        words, terms = search_words(store), f["q"].casefold().split()
        rows = [c for c in rows if all(t in words.get(c.id, "") for t in terms)]
    rows.sort(key=_rank)
    start = (page - 1) * per_page
    return BuyersView(f, page, per_page, len(rows), rows[start:start + per_page])


# ---------------------------------------------------------------------- one buyer


@dataclass(frozen=True, slots=True)
class SuggestedBuyer:
    """Another buyer record that looks like this one, and why (the key both hold)."""

    id: int
    name: str
    company: str
    email: str
    country: str
    inquiries: int
    rule: str  # phone, name_company or domain
    quote: str


@dataclass(frozen=True)
class BuyerView:
    customer: Customer
    keys: tuple[tuple[str, str], ...]
    inquiries: list[BuyerInquiry]  # those the user may see
    hidden: int  # the buyer's inquiries that belong to other salespeople
    orders: list[Order]
    value: ValueRow | None
    settings: Settings
    suggestions: list[SuggestedBuyer] = field(default_factory=list)
    merges: list[buyer_store.Merge] = field(default_factory=list)
    can_merge: bool = False

    def value_dict(self) -> dict[str, Any] | None:
        """The value grade with what it rests on: the three parts and their weights."""
        if self.value is None:
            return None
        w = self.settings.value
        total = (w.credit + w.amount + w.profit) or 1.0
        v = self.value
        return {"grade": v.grade, "score": v.score, "credit": v.credit, "amount": v.amount,
                "profit": v.profit, "revenue_usd": v.revenue_usd, "profit_usd": v.profit_usd,
                "orders": v.orders, "years": customers.VALUE_YEARS,
                "weights": {"credit": round(w.credit / total, 3),
                            "amount": round(w.amount / total, 3),
                            "profit": round(w.profit / total, 3)},
                "key_at": w.key_at, "major_at": w.major_at}

    def as_dict(self) -> dict[str, Any]:
        c = self.customer
        return {
            "buyer": {**customer_dict(c), "keys": [{"kind": k, "value": v} for k, v in self.keys]},
            "lifecycle": c.lifecycle, "loyalty": c.loyalty, "value": self.value_dict(),
            "rules": {"current_days": customers.CURRENT_DAYS,
                      "target_days": customers.TARGET_DAYS,
                      "value_years": customers.VALUE_YEARS},
            "inquiries": [i.as_dict() for i in self.inquiries],
            "hidden_inquiries": self.hidden,
            "orders": [_jsonable(asdict(o)) for o in self.orders],
            "suggestions": [asdict(s) for s in self.suggestions],
            "merges": [_jsonable(asdict(m)) for m in self.merges],
            "can_merge": self.can_merge,
        }


def buyer(store: Store, user: User, settings: Settings, buyer_id: int, *,
          now: datetime | None = None) -> BuyerView:
    """One buyer: facts, inquiries the user may see, orders, value, lifecycle, look-alikes."""
    info = buyer_store.buyer(store, buyer_id)
    if info is None:
        raise NotFound(f"no buyer {buyer_id}")
    target = merged_into(store, buyer_id)
    if target is not None:
        raise NotFound(f"buyer {buyer_id} was merged into buyer {target}")
    every = buyer_inquiries(store, buyer_id)
    shown = [i for i in every if can_see(user, i.owner)]
    if not user.sees_all and not shown:
        raise Forbidden(f"buyer {buyer_id}'s inquiries belong to other salespeople")
    customer = next((c for c in customers.customers(store, settings, now) if c.id == buyer_id),
                    None)
    if customer is None:  # merged away between the two reads
        raise NotFound(f"no buyer {buyer_id}")
    rows, _ = customers.value_report(store, settings, now)
    return BuyerView(
        customer=customer, keys=info.keys, inquiries=shown, hidden=len(every) - len(shown),
        orders=orders(store, buyer_id),
        value=next((r for r in rows if r.buyer_id == buyer_id), None), settings=settings,
        suggestions=_suggested(store, user, buyer_id),
        merges=buyer_store.merges(store, buyer_id), can_merge=user.role in MERGERS)


def _suggested(store: Store, user: User, buyer_id: int) -> list[SuggestedBuyer]:
    """The look-alikes of ``buyer_id`` the user may see."""
    mine = None if user.sees_all else visible_buyer_ids(store, [user.username, ""])
    out = []
    for s in buyer_store.suggestions(store):
        if buyer_id not in (s.buyer_id, s.other_id):
            continue
        other = s.other_id if s.buyer_id == buyer_id else s.buyer_id
        info = buyer_store.buyer(store, other)
        if info is None or (mine is not None and other not in mine):
            continue
        out.append(SuggestedBuyer(other, info.name, info.company, info.email, info.country,
                                  info.inquiries, s.rule, s.quote))
    return out


def merge(store: Store, user: User, keep: int, other: str) -> buyer_store.Merge:
    """Put buyer ``other``'s inquiries, orders and keys with ``keep`` (managers, admins)."""
    require(user, *MERGERS)
    if buyer_store.buyer(store, keep) is None:
        raise NotFound(f"no buyer {keep}")
    text = str(other).strip()
    if not text.isdigit():
        raise Invalid(f"other {text!r} is not a buyer id")
    try:
        return buyer_store.merge(store, keep, int(text), by=user.username)
    except buyer_store.BuyerError as exc:
        raise Invalid(str(exc)) from None


def merge_dict(m: buyer_store.Merge) -> dict[str, Any]:
    return _jsonable(asdict(m))


# ---------------------------------------------------------------------- today


@dataclass(frozen=True)
class TodayView:
    owner: str  # as asked: "" (mine, or everyone's for managers), "pool" or a username
    tasks: list[TodayTask]
    owners: list[str]  # the owner filter's choices (managers and admins)

    def as_dict(self) -> dict[str, Any]:
        return {"owner": self.owner, "count": len(self.tasks),
                "overdue": sum(t.overdue for t in self.tasks),
                "tasks": [task_dict(t) for t in self.tasks]}


def zone_of(value: datetime) -> str:
    return getattr(value.tzinfo, "key", None) or str(value.tzinfo or "UTC")


def task_dict(t: TodayTask) -> dict[str, Any]:
    d = _jsonable(asdict(t))
    d["inquiry_id"] = int(t.id) if t.id.isdigit() else None
    d["buyer_timezone"] = zone_of(t.due_buyer_local)
    d["seller_timezone"] = zone_of(t.due_seller_local)
    return d


def _today_owner(user: User, asked: str) -> str | None:
    """The planner's owner filter: None for everyone, "" for the pool, else a name."""
    if user.sees_all:
        return None if not asked else ("" if asked == "pool" else asked)
    if asked in ("", user.username):
        return user.username
    if asked == "pool":
        return ""
    raise Forbidden(f"{user.username} may see their own tasks and the pool's, "
                    f"not {asked}'s")


def today(store: Store, user: User, settings: Settings, owner: str = "", *,
          now: datetime | None = None) -> TodayView:
    """The planner's list for the user (``customers.today_list``), or, for managers and
    admins, everyone's or one owner's ("pool": inquiries nobody owns)."""
    asked = (owner or "").strip()
    tasks = customers.today_list(store, settings, now, owner=_today_owner(user, asked))
    choices = [u.username for u in people.users(store)] if user.sees_all else []
    return TodayView(asked, tasks, choices)
