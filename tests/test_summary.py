"""Daily, weekly and monthly summaries: counts, reply-time buckets, outcomes, new buyers."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from test_plan import make_analysis

from inquirydesk.planner.summary import (BUCKETS, period_bounds, reply_bucket, summarize,
                                         summary_html, summary_text, summary_xlsx)
from inquirydesk.planner.today import Tracked
from inquirydesk.records import to_record
from inquirydesk.settings import Settings

SETTINGS = Settings()
SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 11)  # a Wednesday


def at(d: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, d, hour, 0, tzinfo=SHANGHAI)


def item(id, received, grade="C", risk="none", replied_after=None, outcome=None,
         email=None, name="Buyer", country="DE"):
    a = make_analysis(source=id, grade=grade, risk=risk, email=email or f"{id}@buyer.example",
                      name=name, country=country, date=received, products=("PS-200",))
    replied = received + timedelta(hours=replied_after) if replied_after is not None else None
    return Tracked(id=id, record=to_record(a), analysis=None, received=received,
                   replied=replied, outcome=outcome)


@pytest.mark.parametrize("hours,bucket", [
    (0, "0–6 h"), (5.99, "0–6 h"), (6, "0–6 h"), (6.01, "6–12 h"), (12, "6–12 h"),
    (12.5, "12–24 h"), (24, "12–24 h"), (24.01, "over 24 h"), (200, "over 24 h"),
])
def test_reply_time_buckets_include_their_upper_bound(hours, bucket):
    assert reply_bucket(hours) == bucket


def test_periods_are_a_day_an_iso_week_and_a_month_in_the_sellers_zone():
    day = period_bounds("day", DAY, "Asia/Shanghai")
    assert day == (datetime(2026, 11, 11, tzinfo=SHANGHAI), datetime(2026, 11, 12, tzinfo=SHANGHAI))
    week = period_bounds("week", DAY, "Asia/Shanghai")
    assert week == (datetime(2026, 11, 9, tzinfo=SHANGHAI), datetime(2026, 11, 16, tzinfo=SHANGHAI))
    assert period_bounds("month", date(2026, 12, 31), "Asia/Shanghai") == (
        datetime(2026, 12, 1, tzinfo=SHANGHAI), datetime(2027, 1, 1, tzinfo=SHANGHAI))
    with pytest.raises(ValueError):
        period_bounds("year", DAY, "Asia/Shanghai")


def week_items():
    return [
        item("a1", at(9), "A", replied_after=2, outcome="won", name="Ann"),
        item("a2", at(10), "A", replied_after=6, name="Ben"),
        item("b1", at(10, 14), "B", replied_after=9, outcome="lost"),
        item("c1", at(11), "C", replied_after=30),
        item("c2", at(12), "C"),  # not answered yet
        item("spam", at(12), "E", risk="spam"),
        item("phish", at(13), "E", risk="phishing"),
        item("d1", at(15, 23), "D", replied_after=20),  # Sunday night: still this week
        item("old", at(2), "B", replied_after=1, email="repeat@buyer.example"),  # last week
        item("again", at(11), "C", replied_after=1, email="repeat@buyer.example"),
        item("next", at(16, 0), "A"),  # Monday 00:00: next week
    ]


def test_a_week_counts_grades_risks_reply_times_outcomes_and_new_buyers():
    s = summarize(week_items(), SETTINGS, "week", DAY)
    assert s.inquiries == 9
    assert s.by_grade == {"A": 2, "B": 1, "C": 3, "D": 1, "E": 2}
    assert s.by_risk == {"none": 7, "spam": 1, "phishing": 1, "scam": 0}
    assert s.reply_buckets == {"0–6 h": 3, "6–12 h": 1, "12–24 h": 1, "over 24 h": 1}
    assert s.replied == 6 and s.unanswered == 1
    assert s.median_reply_hours == 7.5  # 1 2 6 9 20 30
    assert s.outcomes == {"A": {"open": 1, "won": 1}, "B": {"lost": 1},
                          "C": {"open": 3}, "D": {"open": 1}}
    # the repeat buyer wrote last week first; risky senders are no buyers
    assert [b.key for b in s.new_buyers] == ["a1@buyer.example", "a2@buyer.example",
                                             "b1@buyer.example", "c1@buyer.example",
                                             "c2@buyer.example", "d1@buyer.example"]
    assert s.new_buyers[0].name == "Ann" and s.new_buyers[0].grade == "A"
    assert s.title == "Weekly summary 2026-11-09 – 2026-11-15"


def test_a_day_and_a_month():
    items = week_items()
    day = summarize(items, SETTINGS, "day", DAY)
    assert day.inquiries == 2 and day.by_grade["C"] == 2 and day.title == "Daily summary 2026-11-11"
    month = summarize(items, SETTINGS, "month", DAY)
    assert month.inquiries == 11 and month.title == "Monthly summary 2026-11"
    assert "repeat@buyer.example" in [b.key for b in month.new_buyers]
    assert summarize([], SETTINGS, "month", DAY).median_reply_hours is None


def test_the_text_report_is_readable():
    text = summary_text(summarize(week_items(), SETTINGS, "week", DAY))
    assert text.startswith("Weekly summary 2026-11-09 – 2026-11-15\n=====")
    assert "By grade:  A 2  B 1  C 3  D 1  E 2" in text
    assert "  0–6 h         3  " in text and "median 7.5 h" in text
    assert "  A: open 1, won 1" in text
    assert "New buyers: 6" in text and "<d1@buyer.example>" in text


def test_the_html_report_escapes_and_shows_every_section():
    items = [*week_items(), item("x", at(12), "B", name="<script>alert(1)</script>")]
    html = summary_html(summarize(items, SETTINGS, "week", DAY))
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    for part in ("By grade", "By risk", "Reply times", "Outcomes by grade", "New buyers (7)"):
        assert part in html
    for bucket in BUCKETS:
        assert f"<td>{bucket}</td>" in html


def test_the_excel_workbook_holds_the_same_figures(tmp_path):
    s = summarize(week_items(), SETTINGS, "week", DAY)
    book = openpyxl.load_workbook(BytesIO(summary_xlsx(s)))
    assert book.sheetnames == ["Summary", "Outcomes", "New buyers"]
    rows = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r and r[0]}
    assert rows["received"] == 9 and rows["A"] == 2 and rows["phishing"] == 1
    assert rows["0–6 h"] == 3 and rows["over 24 h"] == 1 and rows["unanswered"] == 1
    outcomes = list(book["Outcomes"].iter_rows(values_only=True))
    assert outcomes[0] == ("grade", "lost", "open", "won")
    assert outcomes[1] == ("A", 0, 1, 1)
    buyers = list(book["New buyers"].iter_rows(values_only=True))
    assert len(buyers) == 7 and buyers[1] == (datetime(2026, 11, 9, 10, 0), "Ann", None, "DE",
                                              "A", "a1@buyer.example")
    path = tmp_path / "week.xlsx"
    assert summary_xlsx(s, path) is None and path.stat().st_size > 0
