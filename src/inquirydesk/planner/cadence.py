"""The follow-up cadence: what is due next for one inquiry, given what has happened.

What has happened comes as events, ``(time, kind)`` with kind one of

- ``received``: the inquiry arrived (the inquiry's own date when absent);
- ``replied``: we mailed the buyer (a first reply, an answer or a follow-up);
- ``buyer_answered``: the buyer wrote back (thread headers or the platform thread);
- ``called``: we phoned them (optional; without it a due call stays due);
- ``outcome``: the deal was won, lost or closed: nothing more is planned.

The rules (seeds 000, 002, 003; the numbers are ``Settings.follow_up``):

- when the buyer has the last word, a reply is due ``first_reply_hours`` (24) after their
  message, ``first_reply_hours_ab`` (6) for grades A and B;
- when we have the last word, the buyer is silent: follow-up mails ``silent_days`` (3, 7,
  14) after our reply, then a call; grade A buyers every ``a_grade_every_days`` (2) days
  up to the last silent day, then the call; a call also after
  ``call_after_working_days_important`` (2) working days for A and B,
  ``..._other`` (4) for the rest.  Light follow-up (information gatherers, vague inquiries,
  sample hunters) is mails only; rivals and products we do not make get none;
- the buyer's answer stops the silent cadence: a reply is due instead, and our reply
  starts a new silent period.

Every time is placed by ``calendar.BuyerCalendar``: the buyer's working hours and days,
no follow-up mail on Monday or Friday, at most one mail a day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from inquirydesk.model import Analysis
from inquirydesk.planner.calendar import BuyerCalendar, calendar_for
from inquirydesk.planner.profile import BuyerProfile, from_analysis
from inquirydesk.planner.strategy import ReplyPlan, plan_profile
from inquirydesk.settings import Settings

EVENT_KINDS = ("received", "replied", "buyer_answered", "called", "outcome")
TASK_KINDS = ("reply", "follow_up", "call")


class Event(NamedTuple):
    time: datetime
    kind: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Task:
    kind: str  # reply, follow_up, call
    due_buyer_local: datetime
    due_seller_local: datetime
    reason: str
    step: str = ""  # first_reply, answer, silent_1.., a_grade_1.., early_call, final_call
    deadline: datetime | None = None  # replies: the hard limit, in the seller's zone
    buyer_zone: str = ""


def schedule(analysis: Analysis, events: Iterable, settings: Settings,
             now: datetime) -> list[Task]:
    """The next tasks for one analysed inquiry: a reply, or the next follow-up and call."""
    return schedule_profile(from_analysis(analysis), events, settings, now)


def schedule_profile(profile: BuyerProfile, events: Iterable, settings: Settings,
                     now: datetime, plan: ReplyPlan | None = None) -> list[Task]:
    plan = plan or plan_profile(profile, settings)
    seller_tz = ZoneInfo(settings.timezone)
    evs = sorted((_event(e, seller_tz) for e in events), key=lambda e: e.time)
    if not plan.reply or any(e.kind == "outcome" for e in evs):
        return []
    now = _aware(now, seller_tz)
    cal = calendar_for(profile.timezone, profile.country, settings)
    ctx = _Context(profile, plan, settings, cal, seller_tz)
    received = next((e.time for e in evs if e.kind == "received"), None)
    received = received or (_aware(profile.received, seller_tz) if profile.received else now)
    answers = [e.time for e in evs if e.kind == "buyer_answered"]
    last_buyer = max([received, *answers])
    ours = [e.time for e in evs if e.kind == "replied"]
    round_ = [t for t in ours if t >= last_buyer]
    if not round_:
        return [ctx.reply(last_buyer, first=not answers and not ours)]
    calls = [e.time for e in evs if e.kind == "called" and e.time >= round_[0]]
    busy = {cal.local(t).date() for t in ours}
    tasks = [ctx.follow_up(round_, busy, calls, now)]
    mails_left = tasks[0] is not None and tasks[0].kind == "follow_up"
    if plan.follow_up in ("close", "standard") and not calls and mails_left:
        tasks.append(ctx.early_call(round_[0], now))
    return sorted((t for t in tasks if t is not None), key=lambda t: t.due_buyer_local)


def projection(profile: BuyerProfile, settings: Settings, now: datetime,
               steps: int = 24) -> list[Task]:
    """The whole cadence if the inquiry arrived ``now`` and the buyer never answered.

    Each task is taken as done at its due time (a mail as ``replied``, a call as
    ``called``) and the schedule asked again, until nothing is left.
    """
    plan = plan_profile(profile, settings)
    events: list[Event] = [Event(now, "received")]
    done: list[Task] = []
    clock = now
    for _ in range(steps):
        tasks = schedule_profile(profile, events, settings, clock, plan)
        if not tasks:
            break
        task = tasks[0]
        done.append(task)
        clock = task.due_buyer_local
        events.append(Event(clock, "called" if task.kind == "call" else "replied"))
    return done


def follow_up_offsets(plan: ReplyPlan, settings: Settings) -> tuple[int, ...]:
    """Days after our reply at which a silent buyer gets a follow-up mail."""
    f = settings.follow_up
    if plan.follow_up == "none":
        return ()
    if plan.follow_up == "close":
        every = max(1, f.a_grade_every_days)
        return tuple(range(every, max(f.silent_days, default=every) + 1, every))
    return tuple(sorted(f.silent_days))


@dataclass(frozen=True)
class _Context:
    profile: BuyerProfile
    plan: ReplyPlan
    settings: Settings
    cal: BuyerCalendar
    seller_tz: ZoneInfo

    def task(self, kind: str, due: datetime, reason: str, step: str,
             deadline: datetime | None = None) -> Task:
        return Task(kind=kind, due_buyer_local=self.cal.local(due),
                    due_seller_local=due.astimezone(self.seller_tz), reason=reason, step=step,
                    deadline=deadline.astimezone(self.seller_tz) if deadline else None,
                    buyer_zone=self.cal.zone)

    def reply(self, since: datetime, first: bool) -> Task:
        """Due by the deadline, on the last working minute of theirs before it; if their
        working time has none between their message and the deadline, the first after it."""
        hours = self.plan.reply_within_hours or self.settings.follow_up.first_reply_hours
        deadline = since + timedelta(hours=hours)
        due = (self.cal.last_open(deadline, since, "reply")
               or self.cal.next_open(deadline, "reply"))
        what = (f"First reply, grade {self.plan.grade}" if first
                else f"They answered {self._day(since)}; reply")
        reason = f"{what}: within {hours} h"
        if due > deadline:
            reason += "; their working day starts after the deadline"
        return self.task("reply", due, reason, "first_reply" if first else "answer", deadline)

    def follow_up(self, round_: list[datetime], busy: set, calls: list[datetime],
                  now: datetime) -> Task | None:
        offsets = follow_up_offsets(self.plan, self.settings)
        anchor, sent = round_[0], len(round_) - 1
        ideal = None
        if sent < len(offsets):
            # The offsets count from our reply; the gaps between them hold from the last
            # mail too, so a mail pushed past a weekend does not bring the next one closer.
            gap = offsets[sent] - (offsets[sent - 1] if sent else 0)
            ideal = max(anchor + timedelta(days=offsets[sent]),
                        round_[-1] + timedelta(days=max(1, gap)))
            if self.plan.follow_up == "close" and ideal - anchor > timedelta(days=offsets[-1]):
                ideal = None  # an A buyer silent past the last silent day: time to call
        if ideal is not None:
            due = self.cal.next_open(max(ideal, now), "follow_up", busy)
            if self.plan.follow_up == "close":
                reason = (f"Grade A, deal live: follow up every "
                          f"{self.settings.follow_up.a_grade_every_days} days (mail {sent + 1})")
                step = f"a_grade_{sent + 1}"
            else:
                reason = (f"No answer {offsets[sent]} days after our reply of "
                          f"{self._day(anchor)}: follow-up {sent + 1} of {len(offsets)}")
                step = f"silent_{sent + 1}"
            return self.task("follow_up", due, reason + self._skipped(ideal, due), step)
        if not offsets or self.plan.follow_up == "light" or any(c >= round_[-1] for c in calls):
            return None
        due = self._not_before(self.cal.after_working_days(round_[-1], self._call_days()), now)
        reason = f"No answer to {sent} follow-ups: call{self._phone()}"
        return self.task("call", due, reason, "final_call")

    def early_call(self, anchor: datetime, now: datetime) -> Task:
        days = self._call_days()
        due = self._not_before(self.cal.after_working_days(anchor, days), now)
        important = "important buyer" if self.plan.grade in ("A", "B") else "buyer"
        reason = (f"No answer {days} working days after our reply of {self._day(anchor)} "
                  f"({important}): call{self._phone()}")
        return self.task("call", due, reason, "early_call")

    def _not_before(self, due: datetime, now: datetime) -> datetime:
        """A call that fell due in the past is due at the next open minute from now."""
        return due if due >= now else self.cal.next_open(now, "call")

    def _call_days(self) -> int:
        f = self.settings.follow_up
        if self.plan.grade in ("A", "B"):
            return f.call_after_working_days_important
        return f.call_after_working_days_other

    def _phone(self) -> str:
        phones = self.profile.phones
        if phones:
            return f" {phones[0]}"
        return " (no phone on file: find one or use the platform chat)"

    def _day(self, when: datetime) -> str:
        return self.cal.local(when).strftime("%a %d %b")

    def _skipped(self, ideal: datetime, due: datetime) -> str:
        day = self.cal.local(ideal).date()
        name = self.cal.holiday(day)
        if name and self.cal.local(due).date() != day:
            return f"; {day:%d %b} is a holiday there ({name})"
        return ""


def _event(e, tz: ZoneInfo) -> Event:
    if not isinstance(e, Event):
        e = Event(*e)
    if e.kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {e.kind!r}: one of {', '.join(EVENT_KINDS)}")
    return e._replace(time=_aware(e.time, tz))


def _aware(t: datetime, tz: ZoneInfo) -> datetime:
    """Naive times are taken as the seller's own clock."""
    return t if t.tzinfo is not None else t.replace(tzinfo=tz)
