"""The customer archive's use cases: buyers, outcomes, orders, value, lifecycle, loyalty,
80/20, old-inquiry reactivation, exports, today's list and the period reports.

Each ``*_for(settings, ...)`` opens the store the settings name; the functions without
the suffix take an open ``Store`` (tests and other services use those).  Definitions
(docs/customers.md):

* value grade (seed 004): per buyer over the orders of the last ``VALUE_YEARS`` years,
  credit (on time 100, late 50, unpaid 0, averaged), order amount and profit (each
  scaled so the largest buyer has 100) weighted by ``settings.value`` (credit .10,
  amount .30, profit .60, normalised to sum 1) → key (≥ key_at), major (≥ major_at),
  ordinary.  Amounts are converted to USD with ``RATES`` (approximate; pass your own).
* lifecycle: current (an order in the last 365 days), lost (orders, none in 365 days),
  target (no order; a safe A or B inquiry in the last 180 days not closed as lost or
  no answer), potential (no order; some safe real inquiry), non-customer (the rest:
  only spam, phishing, scams or non-inquiries).
* loyalty (buyers with orders): loyal (3+ orders spanning a year or more, none unpaid),
  old (first order over 365 days ago), new (first order within 365 days); "" otherwise.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

from inquirydesk.planner.summary import Summary, summarize, summary_html, summary_text, summary_xlsx
from inquirydesk.planner.today import TodayTask, Tracked, today
from inquirydesk.settings import Settings, ValueWeights
from inquirydesk.store import Store
from inquirydesk.store import buyers as buyer_store
from inquirydesk.store import customers as queries
from inquirydesk.store import outcomes as outcome_store

RATES = {"USD": 1.0, "EUR": 1.08, "GBP": 1.27, "CNY": 0.14, "RMB": 0.14, "JPY": 0.0067,
         "AUD": 0.66, "CAD": 0.73, "HKD": 0.128, "CHF": 1.13, "AED": 0.272, "INR": 0.012,
         "RUB": 0.011, "BRL": 0.18, "MXN": 0.055}
VALUE_YEARS = 2
CURRENT_DAYS = 365
TARGET_DAYS = 180
CREDIT = {"on_time": 100.0, "late": 50.0, "unpaid": 0.0}
PERIODS = {"daily": "day", "weekly": "week", "monthly": "month",
           "day": "day", "week": "week", "month": "month"}
CADENCE_KINDS = ("received", "replied", "buyer_answered", "called", "outcome")
NOT_REAL = ("not_inquiry", "irrelevant")


def open_store(settings: Settings) -> Store:
    return Store.open(settings.database)


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def usd(amount: float, currency: str, rates: Mapping[str, float] = RATES) -> float:
    rate = rates.get(currency.upper())
    if rate is None:
        raise ValueError(f"no exchange rate for {currency}; pass rates=")
    return amount * rate


# ---------------------------------------------------------------------- value grade


@dataclass(frozen=True, slots=True)
class ValueRow:
    buyer_id: int
    name: str
    company: str
    credit: float  # each 0–100
    amount: float
    profit: float
    score: float
    grade: str  # key, major, ordinary
    revenue_usd: float
    profit_usd: float
    orders: int


@dataclass(frozen=True, slots=True)
class OrderFacts:
    buyer_id: int
    date: datetime
    amount: float
    currency: str
    profit: float
    paid: str


def value_grades(orders: Iterable[OrderFacts], weights: ValueWeights, now: datetime,
                 names: Mapping[int, tuple[str, str]] | None = None,
                 rates: Mapping[str, float] = RATES,
                 years: int = VALUE_YEARS) -> list[ValueRow]:
    """Seed 004's weighted grade for every buyer with an order in the window, best first."""
    since = now - timedelta(days=365 * years)
    per: dict[int, list[OrderFacts]] = defaultdict(list)
    for o in orders:
        if since <= o.date <= now:
            per[o.buyer_id].append(o)
    if not per:
        return []
    revenue = {b: sum(usd(o.amount, o.currency, rates) for o in os) for b, os in per.items()}
    profit = {b: sum(usd(o.profit, o.currency, rates) for o in os) for b, os in per.items()}
    top_revenue = max(revenue.values()) or 1.0
    top_profit = max(max(profit.values()), 0.0) or 1.0
    total_weight = (weights.credit + weights.amount + weights.profit) or 1.0
    names = names or {}
    rows = []
    for b, os in per.items():
        credit = sum(CREDIT[o.paid] for o in os) / len(os)
        amount = 100.0 * revenue[b] / top_revenue
        prof = 100.0 * max(profit[b], 0.0) / top_profit
        score = (weights.credit * credit + weights.amount * amount
                 + weights.profit * prof) / total_weight
        grade = ("key" if score >= weights.key_at else "major" if score >= weights.major_at
                 else "ordinary")
        name, company = names.get(b, ("", ""))
        rows.append(ValueRow(b, name, company, round(credit, 1), round(amount, 1),
                             round(prof, 1), round(score, 1), grade, round(revenue[b], 2),
                             round(profit[b], 2), len(os)))
    return sorted(rows, key=lambda r: (-r.score, -r.revenue_usd, r.buyer_id))


@dataclass(frozen=True, slots=True)
class ParetoRow:
    buyer_id: int
    name: str
    revenue_usd: float
    share: float  # of all revenue, 0–1
    cumulative: float


@dataclass(frozen=True)
class Pareto:
    total_usd: float
    buyers: int  # buyers with revenue
    top: tuple[ParetoRow, ...]  # the fewest buyers making 80 % of revenue
    rows: tuple[ParetoRow, ...] = field(default=())  # every buyer

    @property
    def top_share_of_buyers(self) -> float:
        return len(self.top) / self.buyers if self.buyers else 0.0


def pareto(rows: Sequence[ValueRow], cut: float = 0.8) -> Pareto:
    """Which buyers make ``cut`` (80 %) of revenue: the biggest first, until it is reached."""
    ranked = sorted((r for r in rows if r.revenue_usd > 0),
                    key=lambda r: (-r.revenue_usd, r.buyer_id))
    total = sum(r.revenue_usd for r in ranked)
    out, running = [], 0.0
    for r in ranked:
        running += r.revenue_usd
        out.append(ParetoRow(r.buyer_id, r.name or r.company, r.revenue_usd,
                             r.revenue_usd / total, running / total))
    top = []
    for row in out:
        top.append(row)
        if row.cumulative >= cut - 1e-9:
            break
    return Pareto(round(total, 2), len(out), tuple(top), tuple(out))


# ---------------------------------------------------------------------- lifecycle, loyalty


@dataclass(frozen=True, slots=True)
class InquiryFacts:
    received: datetime
    grade: str
    risk: str
    intent: str
    outcome: str | None = None


def lifecycle(inquiries: Sequence[InquiryFacts], orders: Sequence[OrderFacts],
              now: datetime) -> str:
    if orders:
        last = max(o.date for o in orders)
        return "current" if now - last <= timedelta(days=CURRENT_DAYS) else "lost"
    safe = [i for i in inquiries if i.risk == "none" and i.intent not in NOT_REAL]
    if any(i.grade in ("A", "B") and now - i.received <= timedelta(days=TARGET_DAYS)
           and i.outcome not in ("lost", "no_answer") for i in safe):
        return "target"
    return "potential" if safe else "non-customer"


def loyalty(orders: Sequence[OrderFacts], now: datetime) -> str:
    if not orders:
        return ""
    dates = sorted(o.date for o in orders)
    if (len(orders) >= 3 and dates[-1] - dates[0] >= timedelta(days=365)
            and all(o.paid != "unpaid" for o in orders)):
        return "loyal"
    return "old" if now - dates[0] > timedelta(days=CURRENT_DAYS) else "new"


@dataclass(frozen=True, slots=True)
class Customer:
    id: int
    name: str
    company: str
    email: str
    country: str
    inquiries: int
    orders: int
    lifecycle: str
    loyalty: str
    value_grade: str  # "" without orders in the window
    value_score: float
    revenue_usd: float
    first_seen: datetime | None
    last_seen: datetime | None


def _facts(store: Store) -> tuple[dict[int, list[InquiryFacts]], dict[int, list[OrderFacts]],
                                  dict[int, tuple[str, str]]]:
    stored_inquiries, stored_orders, names = queries.buyer_facts(store)
    inquiries = {b: [InquiryFacts(f.received, f.grade, f.risk, f.intent, f.result) for f in fs]
                 for b, fs in stored_inquiries.items()}
    orders = {b: [OrderFacts(*o) for o in os] for b, os in stored_orders.items()}
    return inquiries, orders, names


def customers(store: Store, settings: Settings, now: datetime | None = None,
              rates: Mapping[str, float] = RATES) -> list[Customer]:
    """Every buyer (not merged away) with lifecycle, loyalty and value grade."""
    now = _now(now)
    inquiries, orders, _ = _facts(store)
    grades = {r.buyer_id: r for r in value_grades(
        (o for os in orders.values() for o in os), settings.value, now, rates=rates)}
    out = []
    for b in buyer_store.buyers(store):
        v = grades.get(b.id)
        out.append(Customer(b.id, b.name, b.company, b.email, b.country, b.inquiries,
                            b.orders, lifecycle(inquiries.get(b.id, []), orders.get(b.id, []),
                                                now),
                            loyalty(orders.get(b.id, []), now), v.grade if v else "",
                            v.score if v else 0.0, v.revenue_usd if v else 0.0,
                            b.first_seen, b.last_seen))
    return out


def value_report(store: Store, settings: Settings, now: datetime | None = None,
                 rates: Mapping[str, float] = RATES) -> tuple[list[ValueRow], Pareto]:
    now = _now(now)
    _, orders, names = _facts(store)
    rows = value_grades((o for b, os in orders.items() if b in names for o in os),
                        settings.value, now, names=names, rates=rates)
    return rows, pareto(rows)


# ---------------------------------------------------------------------- reactivation


@dataclass(frozen=True, slots=True)
class Reactivation:
    number: int
    inquiry_id: int
    buyer_id: int | None
    name: str
    mailbox: str
    phone_and_address: str
    company: str
    country: str
    grade: str  # A, B, C (seed 002)
    summary: str
    inquiry_date: str
    language: str  # for the bilingual letter


REACTIVATION_COLUMNS = ("number", "name", "mailbox", "phone_and_address", "company", "country",
                        "grade", "summary", "inquiry_date", "language", "inquiry_id",
                        "buyer_id")


def regrade(grade: str, name: str, company: str, phones: Sequence[str], summary: str) -> str:
    """Seed 002: A good content and full contact, B worth it but thinner, C the rest."""
    contact = bool(name) and bool(phones or company)
    if grade in ("A", "B") and contact:
        return "A"
    if grade in ("A", "B", "C") or (contact and summary):
        return "B"
    return "C"


def reactivate(store: Store, since: datetime | None = None, until: datetime | None = None,
               now: datetime | None = None) -> list[Reactivation]:
    """Old inquiries re-graded for a re-engagement mailing, one row per buyer (the latest).

    Left out: spam, phishing, scams and non-inquiries, bouncing addresses, inquiries won,
    and buyers who are current customers.
    """
    now = _now(now)
    inquiries, orders, _ = _facts(store)
    current = {b for b, os in orders.items() if lifecycle(inquiries.get(b, []), os, now)
               == "current"}
    bouncing = queries.bouncing_addresses(store)
    rows = queries.safe_inquiries(store, NOT_REAL, since, until)
    seen: set[Any] = set()
    out: list[Reactivation] = []
    for row, result in rows:
        email = (row.sender_email or "").lower()
        key = row.buyer_id if row.buyer_id is not None else email or f"#{row.id}"
        if (key in seen or result == "won" or row.buyer_id in current
                or (email and email in bouncing) or not email):
            continue
        seen.add(key)
        a = row.analysis or {}
        buyer = a.get("buyer") or {}
        fields = a.get("fields") or {}
        phones = list(buyer.get("phones") or ())
        summary = "; ".join(x for x in [row.subject, ", ".join(fields.get("products") or ()),
                                        fields.get("quantity") or "",
                                        fields.get("port") or ""] if x)
        name, company = buyer.get("name", "") or "", buyer.get("company", "") or ""
        address = ", ".join(x for x in [fields.get("port") or "", buyer.get("website") or ""]
                            if x)
        out.append(Reactivation(
            0, row.id, row.buyer_id, name, email, "; ".join(x for x in [", ".join(phones),
                                                                       address] if x),
            company, row.country, regrade(row.grade, name, company, phones, summary),
            summary[:300], row.received_at.date().isoformat(), row.language or "en"))
    out.sort(key=lambda r: (r.grade, r.inquiry_date, r.inquiry_id))
    return [Reactivation(n, *astuple_rest(r)) for n, r in enumerate(out, 1)]


def astuple_rest(r: Reactivation) -> tuple:
    d = asdict(r)
    d.pop("number")
    return tuple(d.values())


# ---------------------------------------------------------------------- exports


INQUIRY_COLUMNS = ("id", "received_at", "grade", "risk", "total", "country", "language",
                   "intent", "business_type", "sender_email", "subject", "owner", "status",
                   "buyer_id", "outcome", "outcome_reason", "source", "channel")
BUYER_COLUMNS = ("id", "name", "company", "email", "country", "inquiries", "orders",
                 "lifecycle", "loyalty", "value_grade", "value_score", "revenue_usd",
                 "first_seen", "last_seen")


def inquiry_rows(store: Store) -> list[dict[str, Any]]:
    rows = queries.inquiries_for_export(store)
    return [{"id": r.id, "received_at": r.received_at, "grade": r.grade, "risk": r.risk,
             "total": r.total, "country": r.country, "language": r.language,
             "intent": r.intent, "business_type": r.business_type,
             "sender_email": r.sender_email, "subject": r.subject, "owner": r.owner,
             "status": r.status, "buyer_id": r.buyer_id, "outcome": result or "",
             "outcome_reason": reason or "", "source": source, "channel": channel}
            for r, result, reason, source, channel in rows]


def buyer_rows(store: Store, settings: Settings, now: datetime | None = None
               ) -> list[dict[str, Any]]:
    return [asdict(c) for c in customers(store, settings, now)]


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if value is None:
        return ""
    return value


def write_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], fmt: str,
                target: str | Path, sheet: str = "Sheet1") -> None:
    """Rows as CSV (UTF-8 with BOM, so Excel reads Chinese) or as an Excel sheet."""
    if fmt == "csv":
        buffer = StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        for r in rows:
            writer.writerow([_cell(r.get(c)) for c in columns])
        Path(target).write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")
        return
    if fmt != "xlsx":
        raise ValueError(f"format {fmt!r} is not xlsx or csv")
    import xlsxwriter

    book = xlsxwriter.Workbook(str(target))
    ws = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True})
    for col, name in enumerate(columns):
        ws.write(0, col, name, bold)
    for n, r in enumerate(rows, 1):
        for col, name in enumerate(columns):
            ws.write(n, col, _cell(r.get(name)))
    ws.freeze_panes(1, 0)
    book.close()


def reactivation_xlsx(rows: Sequence[Reactivation], target: str | Path) -> None:
    write_table([asdict(r) for r in rows], REACTIVATION_COLUMNS, "xlsx", target,
                sheet="Reactivation")


# ---------------------------------------------------------------------- today and reports


def tracked(store: Store, since: datetime | None = None) -> list[Tracked]:
    """The stored inquiries as the planner tracks them (received since ``since``)."""
    rows, per = queries.tracked_rows(store, CADENCE_KINDS, since)
    out = []
    for inquiry_id, analysis, received, owner, result in rows:
        evs = per.get(inquiry_id, [])
        replied = next((at for at, kind in evs if kind == "replied"), None)
        out.append(Tracked(id=str(inquiry_id), record=analysis or {}, analysis=None,
                           received=received, replied=replied, events=tuple(evs),
                           owner=owner, outcome=result))
    return out


def today_list(store: Store, settings: Settings, now: datetime | None = None,
               owner: str | None = None, days: int = 60) -> list[TodayTask]:
    now = _now(now)
    return today(tracked(store, now - timedelta(days=days)), settings, now, owner)


def report(store: Store, settings: Settings, period: str, day: date) -> Summary:
    if period not in PERIODS:
        raise ValueError(f"period {period!r} is not daily, weekly or monthly")
    return summarize(tracked(store), settings, PERIODS[period], day)


def render_report(summary: Summary, fmt: str) -> str | bytes:
    if fmt == "text":
        return summary_text(summary)
    if fmt == "html":
        return summary_html(summary)
    if fmt == "xlsx":
        buffer = BytesIO()
        summary_xlsx(summary, buffer)
        return buffer.getvalue()
    raise ValueError(f"format {fmt!r} is not text, html or xlsx")


# ---------------------------------------------------------------------- thin re-exports

link_buyers = buyer_store.link_buyers
merge = buyer_store.merge
unmerge = buyer_store.unmerge
suggestions = buyer_store.suggestions
set_outcome = outcome_store.set_outcome
add_order = outcome_store.add_order
add_event = outcome_store.add_event
