"""The dashboards' use case: ``dashboard()`` builds the page and its JSON twin alike.

It reads the filters (``since`` and ``until`` dates in the seller's zone, by default the
last 12 weeks up to today; ``owner`` for those who see everyone's inquiries), turns them
into a ``reports.Scope`` that holds only what the user may see (salespeople: their own
inquiries and the pool) and asks ``store.reports`` for the numbers.  Weeks without
inquiries are filled in with zeros so that the bars keep a steady time axis.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale

from inquirydesk.model import GRADES, RISKS, Seller
from inquirydesk.store import Store
from inquirydesk.store import reports
from inquirydesk.store.desk import User
from inquirydesk.web.i18n import LANGUAGES
from inquirydesk.web.services import Invalid, _owners

FILTERS = ("since", "until", "owner")
WEEKS = 12  # the default period
MAX_WEEKS = 530  # about ten years: longer periods are refused, not drawn
TOP = 10  # countries and products shown
MARKETS, PER_MARKET = 8, 5  # keywords: countries shown, words per country
OTHER = "other"  # the countries beyond the top ones, in one row


@dataclass(frozen=True, slots=True)
class DashboardView:
    filters: dict[str, str]  # as used: since and until filled in
    since: date
    until: date  # inclusive
    timezone: str
    inquiries: int
    weeks: list[reports.WeekMix]
    reply_times: dict[str, int]
    outcomes: dict[str, dict[str, int]]
    countries: list[reports.Share]  # the top ones, then OTHER when some are left
    products: list[reports.Share]
    product_names: dict[str, str] = field(default_factory=dict)  # catalog id → name
    keywords: list[reports.Market] = field(default_factory=list)

    def week_start(self, mix: reports.WeekMix) -> datetime:
        """Monday 00:00 of the week in the seller's zone (for ``fmt.datetime``)."""
        return datetime.combine(mix.week, time(), ZoneInfo(self.timezone))

    def win_rate(self, grade: str) -> float | None:
        """Won among the grade's closed inquiries (won, lost, no answer); None if none."""
        counts = self.outcomes.get(grade, {})
        closed = sum(n for result, n in counts.items() if result != reports.OPEN)
        return counts.get("won", 0) / closed if closed else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "filters": self.filters, "timezone": self.timezone, "inquiries": self.inquiries,
            "weeks": [w.as_dict() for w in self.weeks],
            "reply_times": self.reply_times, "outcomes": self.outcomes,
            "win_rates": {g: self.win_rate(g) for g in self.outcomes},
            "countries": [{"country": s.key, "inquiries": s.inquiries, "risky": s.risky}
                          for s in self.countries],
            "products": [{"product": s.key, "name": self.product_names.get(s.key, ""),
                          "inquiries": s.inquiries, "risky": s.risky} for s in self.products],
            "keywords": [{"country": m.country, "inquiries": m.inquiries,
                          "keywords": [{"keyword": k, "inquiries": n} for k, n in m.keywords]}
                         for m in self.keywords],
        }


def dashboard(store: Store, user: User, filters: dict[str, str], zone: str,
              seller: Seller | None = None, today: date | None = None) -> DashboardView:
    """The dashboards for the period and owner asked for, as far as ``user`` may see."""
    tz = ZoneInfo(zone)
    today = today or datetime.now(tz).date()
    since, until = period(filters, today)
    owner = str(filters.get("owner") or "").strip()
    start = datetime.combine(since, time(), tz)
    end = datetime.combine(until + timedelta(days=1), time(), tz)
    offset = start.utcoffset() or timedelta()
    scope = reports.Scope(start, end, owners_for(user, owner),
                          int(offset.total_seconds() // 60))
    inquiries, risky = reports.totals(store, scope)
    return DashboardView(
        filters={"since": since.isoformat(), "until": until.isoformat(), "owner": owner},
        since=since, until=until, timezone=zone, inquiries=inquiries,
        weeks=_every_week(reports.weekly_mix(store, scope), since, until),
        reply_times=reports.reply_times(store, scope),
        outcomes=reports.outcomes_by_grade(store, scope),
        countries=_with_other(reports.by_country(store, scope, TOP), inquiries, risky),
        products=reports.by_product(store, scope, TOP),
        product_names={c.id: c.name for c in (seller.catalog if seller else ())},
        keywords=reports.keywords_by_market(store, scope, MARKETS, PER_MARKET),
    )


def country_name(lang: str, code: str) -> str:
    """The country's name in the page's language ("DE" → "德国", "Germany"); "" if unknown."""
    if not code or code == OTHER:
        return ""
    return Locale.parse(LANGUAGES[lang]).territories.get(code.upper(), "")


def period(filters: dict[str, str], today: date) -> tuple[date, date]:
    """[since, until] from the filters; by default the 12 weeks up to ``today``."""
    until = _date(filters, "until") or today
    since = _date(filters, "since") or (_monday(until) - timedelta(weeks=WEEKS - 1))
    if since > until:
        raise Invalid(f"since ({since}) is after until ({until})")
    if (until - since).days > MAX_WEEKS * 7:
        raise Invalid(f"choose a period of at most {MAX_WEEKS} weeks")
    return since, until


def owners_for(user: User, asked: str) -> tuple[str, ...] | None:
    """Whose inquiries count: anyone's or the one asked for (managers, admins); a
    salesperson's own and the pool, or one of the two ("pool" is the unassigned ones)."""
    if user.sees_all:
        if not asked:
            return None
        return ("",) if asked == "pool" else (asked,)
    found = _owners(user, asked)
    return tuple([found] if isinstance(found, str) else found or ())


def _date(filters: dict[str, str], name: str) -> date | None:
    value = str(filters.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _every_week(found: list[reports.WeekMix], since: date,
                until: date) -> list[reports.WeekMix]:
    weeks = {w.week: w for w in found}
    monday = _monday(since)
    while monday <= until:
        weeks.setdefault(monday, reports.WeekMix(monday, dict.fromkeys(GRADES, 0),
                                                 dict.fromkeys(RISKS, 0)))
        monday += timedelta(weeks=1)
    return [weeks[w] for w in sorted(weeks)]


def _with_other(top: list[reports.Share], inquiries: int,
                risky: int) -> list[reports.Share]:
    """The top countries, and one row for the rest so that the rows add up."""
    shown = sum(s.inquiries for s in top)
    if shown >= inquiries:
        return top
    rest_risky = risky - sum(s.risky for s in top)
    return [*top, reports.Share(OTHER, inquiries - shown, rest_risky)]


__all__ = ["FILTERS", "OTHER", "DashboardView", "country_name", "dashboard", "owners_for", "period"]
