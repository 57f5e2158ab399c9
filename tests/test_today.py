"""Today's list: replies due (most urgent first), then follow-ups, then calls."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from test_plan import make_analysis

from inquirydesk.planner.today import Tracked, today
from inquirydesk.records import to_record
from inquirydesk.settings import Settings

SETTINGS = Settings()
SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
# Wednesday 11 November 2026, 15:00 in Beijing (08:00 in Berlin)
NOW = datetime(2026, 11, 11, 15, 0, tzinfo=SHANGHAI)


def tracked(id, grade="C", intent="info_gathering", received=NOW - timedelta(hours=2),
            replied=None, events=(), owner="mandy", outcome=None, keep_analysis=True, **kw):
    kw.setdefault("products", ("PS-200",))
    kw.setdefault("quantity", "500 pcs")
    a = make_analysis(source=f"{id}.eml", grade=grade, intent=intent, date=received, **kw)
    return Tracked(id=id, record=to_record(a), analysis=a if keep_analysis else None,
                   received=received, replied=replied, events=tuple(events), owner=owner,
                   outcome=outcome)


def test_replies_come_first_most_urgent_first_then_follow_ups_then_calls():
    items = [
        tracked("c-old", "C", received=NOW - timedelta(hours=20)),  # deadline in 4 h
        tracked("c-new", "C", received=NOW - timedelta(hours=1)),  # deadline in 23 h
        tracked("a-new", "A", "ready_buyer", received=NOW - timedelta(hours=1)),  # in 5 h
        tracked("b-late", "B", "ready_buyer", received=NOW - timedelta(hours=9)),  # overdue
        tracked("d-twin", "D", received=NOW - timedelta(hours=1)),  # ties with c-new
        # replied nine days ago, silent since: follow-up due (Wednesday is a mail day)
        tracked("b-silent", "B", "ready_buyer", received=NOW - timedelta(days=10),
                replied=NOW - timedelta(days=9)),
        # replied two working days ago: a call (important buyer), no mail yet
        tracked("a-call", "A", "ready_buyer", received=NOW - timedelta(days=3),
                replied=datetime(2026, 11, 9, 9, 0, tzinfo=BERLIN)),
    ]
    tasks = today(items, SETTINGS, NOW)
    assert [(t.id, t.kind, t.step) for t in tasks] == [
        # replies by deadline: B's 6 h ran out first; the older C is due before the new A;
        # C and D that arrived together: the better grade first
        ("b-late", "reply", "first_reply"), ("c-old", "reply", "first_reply"),
        ("a-new", "reply", "first_reply"), ("c-new", "reply", "first_reply"),
        ("d-twin", "reply", "first_reply"),
        ("a-call", "follow_up", "a_grade_1"), ("b-silent", "follow_up", "silent_1"),
        ("a-call", "call", "early_call"), ("b-silent", "call", "early_call"),
    ]
    late = tasks[0]
    assert late.overdue and late.deadline == (NOW - timedelta(hours=3)).astimezone(SHANGHAI)
    assert not tasks[1].overdue


def test_each_task_has_its_reason_and_the_buyers_local_time_now():
    [task] = today([tracked("x", "B", "ready_buyer")], SETTINGS, NOW)
    assert task.reason == "First reply, grade B: within 6 h"
    assert task.buyer_now.utcoffset() == timedelta(hours=1)
    assert task.buyer_now.strftime("%H:%M") == "08:00"  # Berlin, while Beijing says 15:00
    assert task.due_seller_local.tzinfo == SHANGHAI
    assert task.buyer == "Anna Weber" and task.owner == "mandy" and task.strategy == "close_deal"


def test_owner_filter_closed_deals_and_risky_inquiries():
    items = [tracked("m", owner="mandy"), tracked("j", owner="jason"),
             tracked("won", outcome="won"),
             tracked("phish", risk="phishing", risk_reason="login link"),
             tracked("note", intent="not_inquiry", products=())]
    assert sorted(t.id for t in today(items, SETTINGS, NOW)) == ["j", "m"]
    assert [t.id for t in today(items, SETTINGS, NOW, owner="jason")] == ["j"]
    assert today(items, SETTINGS, NOW, owner="nobody") == []


def test_a_buyer_who_answered_is_owed_a_reply_not_a_follow_up():
    answered = NOW - timedelta(hours=3)
    item = tracked("t", "B", "ready_buyer", received=NOW - timedelta(days=6),
                   replied=NOW - timedelta(days=5), events=[(answered, "buyer_answered")])
    [task] = today([item], SETTINGS, NOW)
    assert (task.kind, task.step) == ("reply", "answer")
    assert task.deadline == answered + timedelta(hours=6)


def test_follow_ups_due_later_are_not_on_todays_list():
    item = tracked("t", "C", received=NOW - timedelta(days=2), replied=NOW - timedelta(days=1))
    assert today([item], SETTINGS, NOW) == []  # the first follow-up is two days away
    monday = datetime(2026, 11, 16, 15, 0, tzinfo=SHANGHAI)
    assert today([item], SETTINGS, monday) == []  # due Friday 13 → not Fri/Mon → Tuesday
    tuesday = monday + timedelta(days=1)
    assert [t.kind for t in today([item], SETTINGS, tuesday)] == ["follow_up"]


def test_records_without_an_analysis_plan_the_same_day():
    with_analysis = [tracked(i, g, "ready_buyer", received=NOW - timedelta(hours=h))
                     for i, g, h in (("a", "A", 1), ("b", "B", 7), ("c", "C", 3))]
    records_only = [tracked(i, g, "ready_buyer", received=NOW - timedelta(hours=h),
                            keep_analysis=False)
                    for i, g, h in (("a", "A", 1), ("b", "B", 7), ("c", "C", 3))]
    assert today(with_analysis, SETTINGS, NOW) == today(records_only, SETTINGS, NOW)


def test_a_naive_now_is_the_sellers_clock():
    item = tracked("x", "B", "ready_buyer")
    assert today([item], SETTINGS, NOW.replace(tzinfo=None)) == today([item], SETTINGS, NOW)


def test_naive_archive_times_mix_with_aware_ones():
    naive = tracked("n", "C", received=(NOW - timedelta(hours=5)).replace(tzinfo=None))
    aware = tracked("a", "C", received=NOW - timedelta(hours=4))
    assert [t.id for t in today([aware, naive], SETTINGS, NOW)] == ["n", "a"]
