"""Daily, weekly and monthly summaries (seed 003: 每日计划书, 每周总结, 每月总结).

A summary counts the inquiries received in the period (in the seller's zone): by grade
and by risk; how fast we replied, in the buckets the platform reports (0–6 h, 6–12 h,
12–24 h, over 24 h; a bucket includes its upper bound); outcomes by grade for the
period's inquiries; and the period's new buyers, those whose first inquiry of all falls
in it (seed 003's monthly list of new customers).  It renders as text, as HTML (the
Jinja2 template ``summary.html.j2`` beside this module) and as an Excel workbook.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape

from inquirydesk.model import GRADES, RISKS
from inquirydesk.planner.profile import BuyerProfile
from inquirydesk.planner.today import Tracked
from inquirydesk.settings import Settings

PERIODS = ("day", "week", "month")
BUCKETS = ("0–6 h", "6–12 h", "12–24 h", "over 24 h")
BUCKET_LIMITS = (6, 12, 24)  # hours; each bucket includes its upper bound


@dataclass(frozen=True, slots=True)
class NewBuyer:
    key: str  # the mail address, else name and company
    name: str
    company: str
    country: str
    grade: str  # of their first inquiry
    first_seen: datetime


@dataclass(frozen=True)
class Summary:
    period: str  # day, week, month
    start: datetime  # in the seller's zone, inclusive
    end: datetime  # exclusive
    inquiries: int
    by_grade: dict[str, int]
    by_risk: dict[str, int]
    reply_buckets: dict[str, int]
    unanswered: int  # safe inquiries of the period with no reply yet
    median_reply_hours: float | None
    outcomes: dict[str, dict[str, int]]  # grade → outcome ("open" when none) → count
    new_buyers: tuple[NewBuyer, ...]

    @property
    def title(self) -> str:
        last = (self.end - timedelta(days=1)).date()
        if self.period == "day":
            return f"Daily summary {self.start:%Y-%m-%d}"
        if self.period == "week":
            return f"Weekly summary {self.start:%Y-%m-%d} – {last:%Y-%m-%d}"
        return f"Monthly summary {self.start:%Y-%m}"

    @property
    def replied(self) -> int:
        return sum(self.reply_buckets.values())

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["title"] = self.title
        return out


def period_bounds(period: str, day: date, zone: str) -> tuple[datetime, datetime]:
    """[start, end) of the day, ISO week (Monday first) or month holding ``day``."""
    if period not in PERIODS:
        raise ValueError(f"period is one of {', '.join(PERIODS)}, not {period!r}")
    if period == "day":
        first, last = day, day + timedelta(days=1)
    elif period == "week":
        first = day - timedelta(days=day.weekday())
        last = first + timedelta(days=7)
    else:
        first = day.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1)
    tz = ZoneInfo(zone)
    return datetime.combine(first, time(), tz), datetime.combine(last, time(), tz)


def reply_bucket(hours: float) -> str:
    for limit, name in zip(BUCKET_LIMITS, BUCKETS, strict=False):
        if hours <= limit:
            return name
    return BUCKETS[-1]


def summarize(items: Iterable[Tracked], settings: Settings, period: str,
              day: date) -> Summary:
    start, end = period_bounds(period, day, settings.timezone)
    tz = ZoneInfo(settings.timezone)
    items = list(items)
    profiles = {id(i): i.profile for i in items}
    inside = [i for i in items if start <= _aware(i.received, tz) < end]
    grades = Counter(profiles[id(i)].grade for i in inside)
    risks = Counter(profiles[id(i)].risk for i in inside)
    safe = [i for i in inside if not profiles[id(i)].risky]
    hours = [(_aware(i.replied, tz) - _aware(i.received, tz)).total_seconds() / 3600
             for i in inside if i.replied is not None]
    buckets = Counter(reply_bucket(max(h, 0.0)) for h in hours)
    outcomes: dict[str, Counter] = {g: Counter() for g in GRADES}
    for i in safe:
        outcomes[profiles[id(i)].grade][i.outcome or "open"] += 1
    return Summary(
        period=period, start=start, end=end, inquiries=len(inside),
        by_grade={g: grades[g] for g in GRADES},
        by_risk={r: risks[r] for r in RISKS},
        reply_buckets={b: buckets[b] for b in BUCKETS},
        unanswered=sum(1 for i in safe if i.replied is None),
        median_reply_hours=round(statistics.median(hours), 1) if hours else None,
        outcomes={g: dict(sorted(c.items())) for g, c in outcomes.items() if c},
        new_buyers=_new_buyers(items, profiles, start, end, tz),
    )


def _new_buyers(items: list[Tracked], profiles: dict[int, BuyerProfile], start: datetime,
                end: datetime, tz: ZoneInfo) -> tuple[NewBuyer, ...]:
    first: dict[str, tuple[datetime, BuyerProfile]] = {}
    for item in items:
        profile = profiles[id(item)]
        key = _buyer_key(profile)
        if profile.risky or not key:
            continue
        when = _aware(item.received, tz)
        if key not in first or when < first[key][0]:
            first[key] = (when, profile)
    found = [NewBuyer(key, p.name, p.company, p.country, p.grade, when.astimezone(tz))
             for key, (when, p) in first.items() if start <= when < end]
    return tuple(sorted(found, key=lambda b: (b.first_seen, b.key)))


def _buyer_key(profile: BuyerProfile) -> str:
    if profile.email:
        return profile.email.lower()
    if profile.name or profile.company:
        return f"{profile.name}|{profile.company}".lower()
    return ""


def _aware(t: datetime, tz: ZoneInfo) -> datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=tz)


# --------------------------------------------------------------------------- rendering


def summary_text(s: Summary) -> str:
    lines = [s.title, "=" * len(s.title), f"Inquiries received: {s.inquiries}", "",
             "By grade:  " + "  ".join(f"{g} {n}" for g, n in s.by_grade.items()),
             "By risk:   " + "  ".join(f"{r} {n}" for r, n in s.by_risk.items()), "",
             f"Reply times ({s.replied} replied, {s.unanswered} safe inquiries unanswered"
             + (f", median {s.median_reply_hours:g} h" if s.median_reply_hours is not None else "")
             + "):"]
    lines += [f"  {b:<10} {n:>4}  {_bar(n, s.replied)}" for b, n in s.reply_buckets.items()]
    lines += ["", "Outcomes by grade:"]
    lines += [f"  {g}: " + ", ".join(f"{o} {n}" for o, n in c.items())
              for g, c in s.outcomes.items()] or ["  none"]
    lines += ["", f"New buyers: {len(s.new_buyers)}"]
    lines += [f"  {b.first_seen:%Y-%m-%d}  {b.grade}  {b.country or '--'}  "
              f"{b.name or '-'}{', ' + b.company if b.company else ''}  <{b.key}>"
              for b in s.new_buyers]
    return "\n".join(lines) + "\n"


def _bar(n: int, total: int, width: int = 30) -> str:
    return "#" * round(width * n / total) if total else ""


def summary_html(s: Summary) -> str:
    return _html_env().get_template("summary.html.j2").render(s=s, buckets=BUCKETS)


@lru_cache(maxsize=1)
def _html_env() -> Environment:
    return Environment(loader=FileSystemLoader(str(Path(__file__).parent)),
                       autoescape=select_autoescape(["html", "j2"]), trim_blocks=True,
                       lstrip_blocks=True)


def summary_xlsx(s: Summary, target: str | Path | BinaryIO | None = None) -> bytes | None:
    """The summary as an Excel workbook: written to ``target``, or returned as bytes."""
    import xlsxwriter

    buffer = BytesIO() if target is None else None
    book = xlsxwriter.Workbook(buffer if buffer is not None else target, {"in_memory": True})
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 14})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet = book.add_worksheet("Summary")
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 10)
    sheet.write(0, 0, s.title, title)
    row = _table(sheet, 2, ("Inquiries", "count"), [("received", s.inquiries)], bold)
    row = _table(sheet, row, ("Grade", "count"), list(s.by_grade.items()), bold)
    row = _table(sheet, row, ("Risk", "count"), list(s.by_risk.items()), bold)
    row = _table(sheet, row, ("Reply time", "count"),
                 [*list(s.reply_buckets.items()), ("unanswered", s.unanswered)], bold)
    if s.replied:
        chart = book.add_chart({"type": "column"})
        first = row - len(BUCKETS) - 2
        chart.add_series({"name": "replies", "categories": ["Summary", first, 0, first + 3, 0],
                          "values": ["Summary", first, 1, first + 3, 1]})
        chart.set_title({"name": "Reply times"})
        chart.set_legend({"none": True})
        sheet.insert_chart(2, 3, chart)
    outcomes = book.add_worksheet("Outcomes")
    names = sorted({o for c in s.outcomes.values() for o in c})
    outcomes.write_row(0, 0, ["grade", *names], bold)
    for r, (grade, counts) in enumerate(s.outcomes.items(), start=1):
        outcomes.write_row(r, 0, [grade, *(counts.get(o, 0) for o in names)])
    buyers = book.add_worksheet("New buyers")
    buyers.set_column(0, 0, 17)
    buyers.set_column(1, 5, 24)
    buyers.write_row(0, 0, ["first inquiry", "name", "company", "country", "grade", "mail"], bold)
    for r, b in enumerate(s.new_buyers, start=1):
        buyers.write_datetime(r, 0, b.first_seen.replace(tzinfo=None), stamp)
        buyers.write_row(r, 1, [b.name, b.company, b.country, b.grade, b.key])
    book.close()
    return buffer.getvalue() if buffer is not None else None


def _table(sheet, row: int, head: tuple[str, str], rows: list[tuple[str, int]], bold) -> int:
    sheet.write_row(row, 0, head, bold)
    for i, (name, value) in enumerate(rows, start=1):
        sheet.write(row + i, 0, name)
        sheet.write_number(row + i, 1, value)
    return row + len(rows) + 2
