"""The buyer's calendar: working hours, weekends per country, public holidays, DST.

The properties check every answer against ``holidays`` and ``zoneinfo`` directly, not
against the calendar's own helpers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

import holidays
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from inquirydesk.planner.calendar import (BuyerCalendar, CalendarError, buyer_zone,
                                          calendar_for)
from inquirydesk.settings import Settings

COUNTRIES = sorted(c for c in holidays.list_supported_countries() if len(c) == 2)
ZONES = sorted(z for z in available_timezones()
               if "/" in z and not z.startswith(("Etc/", "SystemV/")))
# Zones whose clocks change, some at midnight, by half an hour, or at odd offsets.
DST_ZONES = ["Europe/Berlin", "Europe/London", "America/New_York", "America/Chicago",
             "America/Santiago", "America/Havana", "America/Asuncion", "Asia/Beirut",
             "Africa/Cairo", "Australia/Sydney", "Australia/Lord_Howe", "Pacific/Auckland",
             "Pacific/Chatham", "Europe/Chisinau", "Asia/Jerusalem", "America/St_Johns"]
HOURS = st.tuples(st.integers(0, 23), st.integers(1, 24)).filter(lambda h: h[0] < h[1])
INSTANTS = st.datetimes(min_value=datetime(2018, 1, 1), max_value=datetime(2034, 12, 31),
                        timezones=st.just(UTC))
KINDS = st.sampled_from(["reply", "follow_up", "call"])
PROPERTY = settings(max_examples=250, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@cache
def reference(cc: str):
    return holidays.country_holidays(cc)


def really_open(cal: BuyerCalendar, when: datetime, kind: str, busy=()) -> bool:
    """Whether ``when`` is open, judged from holidays and zoneinfo alone."""
    local = when.astimezone(ZoneInfo(cal.zone))
    day = local.date()
    h = reference(cal.country)
    holiday = day in h  # first: the lookup loads the year, make-up working days included
    weekend = h.is_weekend(day) and day not in h.weekend_workdays  # weekends change: AE 2022
    minute = local.hour * 60 + local.minute
    return (not holiday and not weekend
            and cal.hours[0] * 60 <= minute < cal.hours[1] * 60
            and (kind != "follow_up" or (day.weekday() not in (0, 4) and day not in busy)))


@cache
def transitions(zone: str, year: int) -> tuple[datetime, ...]:
    """The instants a zone's UTC offset changes in a year, to the minute."""
    tz, out = ZoneInfo(zone), []
    t = datetime(year, 1, 1, tzinfo=UTC)
    while t.year == year:
        nxt = t + timedelta(hours=1)
        before = t.astimezone(tz).utcoffset()
        if before != nxt.astimezone(tz).utcoffset():
            change = t + timedelta(minutes=1)
            while change < nxt and change.astimezone(tz).utcoffset() == before:
                change += timedelta(minutes=1)
            out.append(change)
        t = nxt
    return tuple(out)


@st.composite
def calendars(draw, zones=st.sampled_from(ZONES)):
    return BuyerCalendar(zone=draw(zones), country=draw(st.sampled_from(COUNTRIES)),
                         hours=draw(HOURS))


@st.composite
def near_transition(draw):
    zone = draw(st.sampled_from(DST_ZONES))
    moments = transitions(zone, draw(st.integers(2019, 2030)))
    assume(moments)
    pick = draw(st.sampled_from(moments))
    return zone, pick + timedelta(minutes=draw(st.integers(-36 * 60, 36 * 60)))


# --------------------------------------------------------------------------- properties


@PROPERTY
@given(cal=calendars(), when=INSTANTS, kind=KINDS)
def test_next_open_is_open_later_and_on_the_minute(cal, when, kind):
    due = cal.next_open(when, kind)
    assert due >= when
    assert due.second == 0 and due.microsecond == 0
    assert due.utcoffset() == due.astimezone(ZoneInfo(cal.zone)).utcoffset()
    assert really_open(cal, due, kind)


@PROPERTY
@given(data=near_transition(), country=st.sampled_from(COUNTRIES), hours=HOURS, kind=KINDS,
       step=st.floats(0, 1))
def test_across_daylight_saving_changes_no_open_minute_is_skipped(data, country, hours, kind,
                                                                  step):
    zone, when = data
    cal = BuyerCalendar(zone=zone, country=country, hours=hours)
    due = cal.next_open(when, kind)
    assert due >= when and really_open(cal, due, kind)
    # any minute between the request and the answer is closed: the answer is the first
    between = (when + (due - when) * step).replace(second=0, microsecond=0)
    if when <= between < due:
        assert not really_open(cal, between, kind)


@PROPERTY
@given(cal=calendars(zones=st.sampled_from(DST_ZONES + ZONES[:40])), a=INSTANTS,
       gap=st.integers(0, 60 * 24 * 20), kind=KINDS)
def test_next_open_is_monotonic(cal, a, gap, kind):
    b = a + timedelta(minutes=gap)
    assert cal.next_open(a, kind) <= cal.next_open(b, kind)


@PROPERTY
@given(cal=calendars(), when=INSTANTS, back=st.integers(0, 60 * 24 * 10), kind=KINDS,
       step=st.floats(0, 1))
def test_last_open_is_the_latest_open_minute_in_the_range(cal, when, back, kind, step):
    since = when - timedelta(minutes=back)
    last = cal.last_open(when, since, kind)
    if last is None:
        probe = (since + (when - since) * step).replace(second=0, microsecond=0)
        assume(probe >= since)
        assert not really_open(cal, probe, kind)
        return
    assert since <= last <= when and really_open(cal, last, kind)
    later = (last + (when - last) * step).replace(second=0, microsecond=0)
    if last < later <= when:
        assert not really_open(cal, later, kind)


@PROPERTY
@given(cal=calendars(), when=INSTANTS, n=st.integers(0, 6))
def test_working_days_later_is_open_and_not_earlier(cal, when, n):
    due = cal.after_working_days(when, n)
    assert due >= when and really_open(cal, due, "call")
    first_day = when.astimezone(ZoneInfo(cal.zone)).date()
    workdays = sum(1 for i in range(1, (due.date() - first_day).days + 1)
                   if cal.is_workday(first_day + timedelta(days=i)))
    assert workdays >= n


@PROPERTY
@given(cal=calendars(), when=INSTANTS, days=st.lists(st.integers(0, 14), max_size=6))
def test_follow_up_mails_skip_busy_days(cal, when, days):
    start = when.astimezone(ZoneInfo(cal.zone)).date()
    busy = frozenset(start + timedelta(days=d) for d in days)
    due = cal.next_open(when, "follow_up", busy)
    assert due.date() not in busy and due.weekday() not in (0, 4)
    assert really_open(cal, due, "follow_up", busy)


# --------------------------------------------------------------------------- examples


def test_gulf_weekend_is_friday_and_saturday():
    riyadh = BuyerCalendar("Asia/Riyadh", "SA")
    thursday_evening = datetime(2026, 11, 5, 18, 0, tzinfo=ZoneInfo("Asia/Riyadh"))
    due = riyadh.next_open(thursday_evening, "call")
    assert due == datetime(2026, 11, 8, 9, 0, tzinfo=ZoneInfo("Asia/Riyadh"))  # Sunday
    assert due.strftime("%A") == "Sunday"
    assert riyadh.weekend == frozenset({4, 5})


def test_follow_up_mail_avoids_monday_and_friday_but_a_call_does_not():
    berlin = BuyerCalendar("Europe/Berlin", "DE")
    friday = datetime(2026, 11, 6, 8, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert berlin.next_open(friday, "call").strftime("%a %H:%M") == "Fri 09:00"
    assert berlin.next_open(friday, "follow_up").strftime("%a %d %H:%M") == "Tue 10 09:00"


def test_public_holidays_are_skipped():
    berlin = BuyerCalendar("Europe/Berlin", "DE")
    christmas_eve = datetime(2026, 12, 24, 18, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    # 25 and 26 December are holidays, then the weekend
    assert berlin.next_open(christmas_eve).date() == date(2026, 12, 28)
    assert berlin.holiday(date(2026, 12, 25)) == "Christmas Day"
    shanghai = BuyerCalendar("Asia/Shanghai", "CN")
    golden_week = datetime(2026, 10, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert shanghai.next_open(golden_week).date() >= date(2026, 10, 8)


def test_a_make_up_working_saturday_counts_as_a_working_day():
    shanghai = BuyerCalendar("Asia/Shanghai", "CN")
    saturday = date(2026, 10, 10)
    assert saturday.weekday() == 5 and shanghai.is_workday(saturday)
    friday_night = datetime(2026, 10, 9, 20, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert shanghai.next_open(friday_night).date() == saturday


def test_a_start_inside_a_dst_gap_moves_after_the_gap():
    # Israel springs forward on Friday 27 March 2026 at 02:00: 02:00-02:59 never happens.
    # Without a country the weekend is Saturday-Sunday, so that Friday is a working day.
    tz = ZoneInfo("Asia/Jerusalem")
    cal = BuyerCalendar("Asia/Jerusalem", "", hours=(2, 5))
    thursday_night = datetime(2026, 3, 26, 20, 0, tzinfo=tz)
    due = cal.next_open(thursday_night)
    assert due == datetime(2026, 3, 27, 0, 0, tzinfo=UTC)
    assert due.strftime("%a %H:%M %Z") == "Fri 03:00 IDT"


def test_a_repeated_hour_is_open_both_times():
    # Israel falls back on Sunday 25 October 2026 at 02:00 to 01:00 (a working day there)
    tz = ZoneInfo("Asia/Jerusalem")
    cal = BuyerCalendar("Asia/Jerusalem", "IL", hours=(1, 2))
    first_pass_end = datetime(2026, 10, 24, 22, 59, tzinfo=UTC)  # 01:59 IDT
    assert first_pass_end.astimezone(tz).strftime("%H:%M %Z") == "01:59 IDT"
    second_pass = cal.next_open(first_pass_end + timedelta(seconds=30))
    # (compare in UTC: Python's == between zones is False for a time in a repeated hour)
    assert second_pass.astimezone(UTC) == datetime(2026, 10, 24, 23, 0, tzinfo=UTC)
    assert second_pass.strftime("%H:%M %Z") == "01:00 IST"
    last = cal.last_open(datetime(2026, 10, 25, 6, 0, tzinfo=UTC), first_pass_end)
    assert last.astimezone(UTC) == datetime(2026, 10, 24, 23, 59, tzinfo=UTC)


def test_the_buyer_zone_comes_from_identity_then_country_then_seller():
    assert buyer_zone("America/Chicago", "US", "Asia/Shanghai") == "America/Chicago"
    assert buyer_zone("", "US", "Asia/Shanghai") == "America/New_York"
    assert buyer_zone("", "", "Asia/Shanghai") == "Asia/Shanghai"
    assert buyer_zone("Not/AZone", "ZZ", "Asia/Shanghai") == "Asia/Shanghai"
    cal = calendar_for("", "de", Settings())
    assert (cal.zone, cal.country, cal.hours) == ("Europe/Berlin", "DE", (9, 17))


def test_an_unknown_country_has_a_saturday_sunday_weekend_and_no_holidays():
    cal = BuyerCalendar("UTC", "ZZ")
    assert cal.weekend == frozenset({5, 6}) and cal.holiday(date(2026, 12, 25)) == ""
    assert cal.is_workday(date(2026, 12, 25))


def test_settings_that_leave_no_time_raise():
    with pytest.raises(CalendarError):
        BuyerCalendar("UTC", "DE", hours=(17, 9))
    closed = BuyerCalendar("UTC", "DE", no_mail_weekdays=frozenset(range(7)))
    with pytest.raises(CalendarError):
        closed.next_open(datetime(2026, 1, 5, tzinfo=UTC), "follow_up")
