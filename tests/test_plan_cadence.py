"""The follow-up cadence: first reply due, silent-buyer mails and calls, stop on an answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_calendar import COUNTRIES, really_open
from test_plan import make_analysis

from inquirydesk.planner.cadence import Event, projection, schedule
from inquirydesk.planner.calendar import calendar_for
from inquirydesk.planner.profile import from_analysis
from inquirydesk.settings import FollowUp, Settings
import itertools

BERLIN = ZoneInfo("Europe/Berlin")
SHANGHAI = ZoneInfo("Asia/Shanghai")
SETTINGS = Settings()
# Tuesday 3 November 2026, 10:00 in Berlin
ARRIVAL = datetime(2026, 11, 3, 10, 0, tzinfo=BERLIN)


def buyer(grade="B", intent="ready_buyer", **kw):
    kw.setdefault("products", ("PS-200",))
    kw.setdefault("quantity", "2,000 pcs")
    kw.setdefault("phones", ("+49 40 123456",))
    return make_analysis(grade=grade, intent=intent, date=ARRIVAL, **kw)


def kinds(tasks):
    return [(t.kind, t.step) for t in tasks]


def test_first_reply_is_due_within_six_hours_for_a_and_b_and_24_for_the_rest():
    for grade, hours in (("A", 6), ("B", 6), ("C", 24), ("D", 24)):
        intent = "ready_buyer" if grade in "AB" else "info_gathering"
        tasks = schedule(buyer(grade, intent), [], SETTINGS, ARRIVAL)
        assert kinds(tasks) == [("reply", "first_reply")]
        task = tasks[0]
        assert task.deadline == ARRIVAL + timedelta(hours=hours)
        assert task.due_buyer_local <= task.deadline
        assert f"within {hours} h" in task.reason
        assert task.due_seller_local.tzinfo == SHANGHAI
        assert task.due_seller_local == task.due_buyer_local
    # B: 10:00 + 6 h = 16:00, inside Berlin hours: due exactly then
    b = schedule(buyer("B"), [], SETTINGS, ARRIVAL)[0]
    assert b.due_buyer_local.strftime("%a %H:%M") == "Tue 16:00"
    assert b.due_seller_local.strftime("%H:%M") == "23:00"


def test_a_reply_lands_in_their_working_day_before_the_deadline_when_it_can():
    evening = datetime(2026, 11, 3, 15, 0, tzinfo=BERLIN)  # C: deadline Wed 15:00
    c = schedule(buyer("C", "info_gathering"), [(evening, "received")], SETTINGS, evening)[0]
    assert c.due_buyer_local.strftime("%a %H:%M") == "Wed 15:00"
    late = datetime(2026, 11, 3, 20, 0, tzinfo=BERLIN)  # B: deadline 02:00, no hours between
    b = schedule(buyer("B"), [(late, "received")], SETTINGS, late)[0]
    assert b.due_buyer_local.strftime("%a %H:%M") == "Wed 09:00"
    assert b.due_buyer_local > b.deadline and "starts after the deadline" in b.reason
    friday = datetime(2026, 11, 6, 16, 0, tzinfo=BERLIN)  # C: the weekend follows
    c = schedule(buyer("C", "info_gathering"), [(friday, "received")], SETTINGS, friday)[0]
    assert c.due_buyer_local.strftime("%a %H:%M") == "Fri 16:59"


def test_a_silent_important_buyer_gets_mails_after_3_7_14_days_a_call_then_a_final_call():
    a = buyer("B")
    replied = datetime(2026, 11, 3, 14, 0, tzinfo=BERLIN)  # Tuesday
    events = [Event(ARRIVAL, "received"), Event(replied, "replied")]
    tasks = schedule(a, events, SETTINGS, replied)
    assert kinds(tasks) == [("call", "early_call"), ("follow_up", "silent_1")]
    call, mail = tasks
    assert call.due_buyer_local.strftime("%a %d %H:%M") == "Thu 05 14:00"  # 2 working days
    assert "important buyer" in call.reason and "+49 40 123456" in call.reason
    # 3 days after Tuesday 14:00 is Friday: no mails on Friday or Monday, so Tuesday
    assert mail.due_buyer_local.strftime("%a %d %H:%M") == "Tue 10 09:00"
    events.append(Event(call.due_buyer_local, "called"))
    steps = []
    clock = replied
    for _ in range(6):
        tasks = schedule(a, events, SETTINGS, clock)
        if not tasks:
            break
        task = tasks[0]
        steps.append((task.step, task.due_buyer_local.strftime("%a %d %b")))
        clock = task.due_buyer_local
        events.append(Event(clock, "called" if task.kind == "call" else "replied"))
    assert steps == [("silent_1", "Tue 10 Nov"), ("silent_2", "Tue 17 Nov"),
                     ("silent_3", "Tue 24 Nov"), ("final_call", "Thu 26 Nov")]


def test_other_buyers_are_called_after_four_working_days():
    replied = datetime(2026, 11, 3, 14, 0, tzinfo=BERLIN)
    tasks = schedule(buyer("C", "market_entry"), [(replied, "replied")], SETTINGS, replied)
    call = next(t for t in tasks if t.kind == "call")
    assert call.due_buyer_local.strftime("%a %d %H:%M") == "Mon 09 14:00"  # Wed Thu Fri Mon
    assert "important" not in call.reason


def test_light_follow_up_is_mails_only_and_ends_after_the_last():
    c = buyer("C", "info_gathering")
    replied = datetime(2026, 11, 3, 14, 0, tzinfo=BERLIN)
    seen = [t.kind for t in projection(from_analysis(c), SETTINGS, replied)]
    assert seen == ["reply", "follow_up", "follow_up", "follow_up"]


def test_a_grade_a_buyer_is_followed_every_two_to_three_days_then_called():
    tasks = projection(from_analysis(buyer("A")), SETTINGS, ARRIVAL)
    mails = [t for t in tasks if t.kind == "follow_up"]
    assert [t.step for t in mails][:2] == ["a_grade_1", "a_grade_2"]
    days = [t.due_buyer_local.date() for t in mails]
    assert all((b - a).days >= 2 for a, b in itertools.pairwise(days))
    assert all(t.due_buyer_local.weekday() not in (0, 4) for t in mails)
    reply = tasks[0]
    assert (days[-1] - reply.due_buyer_local.date()).days <= 14 + 3
    assert tasks[-1].step == "final_call"
    assert [t.step for t in tasks].count("early_call") == 1


def test_the_cadence_stops_when_the_buyer_answers_and_a_reply_is_due_instead():
    a = buyer("B")
    replied = datetime(2026, 11, 3, 14, 0, tzinfo=BERLIN)
    answered = datetime(2026, 11, 9, 11, 0, tzinfo=BERLIN)
    events = [(ARRIVAL, "received"), (replied, "replied"), (answered, "buyer_answered")]
    tasks = schedule(a, events, SETTINGS, answered)
    assert kinds(tasks) == [("reply", "answer")]
    assert tasks[0].deadline == answered + timedelta(hours=6)
    assert tasks[0].reason.startswith("They answered Mon 09 Nov; reply: within 6 h")
    # our answer starts a new silent period, counted from it
    ours = datetime(2026, 11, 9, 15, 0, tzinfo=BERLIN)
    tasks = schedule(a, [*events, (ours, "replied")], SETTINGS, ours)
    mail = next(t for t in tasks if t.kind == "follow_up")
    assert mail.step == "silent_1" and mail.due_buyer_local >= ours + timedelta(days=3)


def test_an_outcome_ends_everything_and_risky_or_rival_inquiries_get_no_cadence():
    replied = datetime(2026, 11, 3, 14, 0, tzinfo=BERLIN)
    won = [(replied, "replied"), (replied + timedelta(days=1), "outcome")]
    assert schedule(buyer("A"), won, SETTINGS, replied) == []
    assert schedule(buyer("A", risk="phishing"), [], SETTINGS, ARRIVAL) == []
    rival = buyer("C", "competitor_probe")
    assert kinds(schedule(rival, [], SETTINGS, ARRIVAL)) == [("reply", "first_reply")]
    assert schedule(rival, [(replied, "replied")], SETTINGS, replied) == []


def test_an_overdue_follow_up_is_due_at_the_next_allowed_time_not_in_the_past():
    replied = datetime(2026, 11, 3, 14, 0, tzinfo=BERLIN)
    monday = datetime(2026, 11, 16, 10, 0, tzinfo=BERLIN)  # follow-up 1 is long overdue
    mail = next(t for t in schedule(buyer("C", "info_gathering"), [(replied, "replied")],
                                    SETTINGS, monday) if t.kind == "follow_up")
    assert mail.due_buyer_local.strftime("%a %d %H:%M") == "Tue 17 09:00"


def test_a_due_call_does_not_slide_while_time_passes():
    a = buyer("B")
    replied = datetime(2026, 11, 3, 14, 0, tzinfo=BERLIN)
    sent = [replied + timedelta(days=d) for d in (7, 14, 21)]
    events = [(replied, "replied"), *((t, "replied") for t in sent)]
    first = schedule(a, events, SETTINGS, sent[-1])
    later = schedule(a, events, SETTINGS, sent[-1] + timedelta(hours=20))
    assert kinds(first) == kinds(later) == [("call", "final_call")]
    assert first[0].due_buyer_local == later[0].due_buyer_local


def test_the_numbers_are_settings():
    custom = Settings(follow_up=FollowUp(silent_days=[2, 5], call_after_working_days_other=1,
                                         no_mail_weekdays=[], first_reply_hours=2))
    replied = datetime(2026, 11, 3, 14, 0, tzinfo=BERLIN)
    tasks = projection(from_analysis(buyer("C", "market_entry")), custom, replied)
    assert [t.step for t in tasks] == ["first_reply", "early_call", "silent_1", "silent_2",
                                       "final_call"]
    assert tasks[0].deadline == replied + timedelta(hours=2)
    mails = [t.due_buyer_local for t in tasks if t.kind == "follow_up"]
    assert (mails[0] - tasks[0].due_buyer_local) >= timedelta(days=2)


def test_events_may_be_plain_pairs_and_naive_times_are_the_sellers_clock():
    naive = datetime(2026, 11, 3, 17, 0)  # 17:00 Beijing = 10:00 Berlin
    tasks = schedule(buyer("B"), [(naive, "received")], SETTINGS, naive)
    assert tasks[0].deadline == datetime(2026, 11, 3, 23, 0, tzinfo=SHANGHAI)
    with pytest.raises(ValueError):
        schedule(buyer("B"), [(naive, "opened")], SETTINGS, naive)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grade=st.sampled_from("ABCDE"), intent=st.sampled_from(
    ["ready_buyer", "market_entry", "info_gathering", "sample_hunter"]),
    country=st.sampled_from(COUNTRIES), now=st.datetimes(
        min_value=datetime(2019, 1, 1), max_value=datetime(2032, 12, 31), timezones=st.just(UTC)))
def test_every_planned_time_is_open_and_mails_keep_their_rules(grade, intent, country, now):
    a = make_analysis(grade=grade, intent=intent, country=country, timezone="",
                      products=("PS-200",), quantity="100 pcs", date=now)
    profile = from_analysis(a)
    cal = calendar_for(profile.timezone, profile.country, SETTINGS)
    tasks = projection(profile, SETTINGS, now)
    assert tasks and tasks[0].kind == "reply"
    mail_days = []
    for t in tasks:
        assert really_open(cal, t.due_buyer_local, t.kind, ()), t
        assert t.due_buyer_local.tzinfo.key == cal.zone
        if t.kind != "call":
            mail_days.append(t.due_buyer_local.date())
        if t.kind == "follow_up":
            assert t.due_buyer_local.weekday() not in (0, 4)
    assert len(mail_days) == len(set(mail_days))  # at most one mail a day
    dues = [t.due_buyer_local for t in tasks]
    assert dues == sorted(dues)
    mails = [t.due_buyer_local for t in tasks if t.kind != "call"]
    assert all(a < b for a, b in itertools.pairwise(mails))
