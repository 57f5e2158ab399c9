"""Today's list: the replies due, then follow-up mails, then calls, each with its reason.

The archive supplies ``Tracked`` inquiries (the analysis when it kept one, else the
``to_record`` dict, with the inquiry's events); ``today`` asks the cadence for each and
keeps what falls on the seller's today or before.  Every unanswered inquiry that deserves
a reply is on the list, the most urgent first: ordered by the reply deadline, so the
oldest come first and grades A and B (6 hours rather than 24) rise above older C–E.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from inquirydesk.model import Analysis
from inquirydesk.planner.cadence import Event, Task, schedule_profile
from inquirydesk.planner.profile import BuyerProfile, from_analysis, from_record
from inquirydesk.planner.strategy import plan_profile
from inquirydesk.settings import Settings

KIND_ORDER = {"reply": 0, "follow_up": 1, "call": 2}
GRADE_ORDER = {g: i for i, g in enumerate("ABCDE")}


@dataclass(frozen=True)
class Tracked:
    """One inquiry as the archive keeps it."""

    id: str
    record: Mapping[str, Any]  # records.to_record(analysis)
    analysis: Analysis | None
    received: datetime
    replied: datetime | None = None  # our first reply
    events: tuple = ()  # (time, kind) pairs or cadence.Event values, kinds as in cadence
    owner: str = ""  # the salesperson it belongs to
    outcome: str | None = None  # won, lost, ...: the deal is closed

    @property
    def profile(self) -> BuyerProfile:
        if self.analysis is not None:
            return from_analysis(self.analysis)
        return from_record(self.record)


@dataclass(frozen=True, slots=True)
class TodayTask:
    id: str
    kind: str  # reply, follow_up, call
    due_buyer_local: datetime
    due_seller_local: datetime
    reason: str
    buyer_now: datetime  # the buyer's local time at ``now``
    buyer: str  # name, company or address, whichever is known first
    grade: str
    strategy: str
    owner: str
    subject: str
    received: datetime
    deadline: datetime | None  # replies: received + 6 or 24 h, in the seller's zone
    overdue: bool
    step: str


def today(items: Iterable[Tracked], settings: Settings, now: datetime,
          owner: str | None = None) -> list[TodayTask]:
    """The day's tasks for everyone, or for one owner, ordered as a salesperson works."""
    seller_tz = ZoneInfo(settings.timezone)
    now = _aware(now, seller_tz)
    day = now.astimezone(seller_tz).date()
    out = []
    for item in items:
        if (owner is not None and item.owner != owner) or item.outcome:
            continue
        profile = item.profile
        plan = plan_profile(profile, settings)
        if not plan.reply:
            continue
        received = _aware(item.received, seller_tz)
        for task in schedule_profile(profile, _events(item), settings, now, plan):
            if task.kind == "reply" or task.due_seller_local.date() <= day:
                out.append(_today_task(item, profile, plan.strategy, task, now, received))
    return sorted(out, key=_order)


def _events(item: Tracked) -> list[Event]:
    events = [Event(*e) if not isinstance(e, Event) else e for e in item.events]
    events.append(Event(item.received, "received"))
    if item.replied is not None:
        events.append(Event(item.replied, "replied"))
    seen, unique = set(), []
    for e in events:
        if (e.time, e.kind) not in seen:
            seen.add((e.time, e.kind))
            unique.append(e)
    return unique


def _today_task(item: Tracked, profile: BuyerProfile, strategy: str, task: Task,
                now: datetime, received: datetime) -> TodayTask:
    limit = task.deadline if task.kind == "reply" else task.due_buyer_local
    return TodayTask(
        id=item.id, kind=task.kind, due_buyer_local=task.due_buyer_local,
        due_seller_local=task.due_seller_local, reason=task.reason,
        buyer_now=now.astimezone(task.due_buyer_local.tzinfo),
        buyer=profile.name or profile.company or profile.email or item.id,
        grade=profile.grade, strategy=strategy, owner=item.owner, subject=profile.subject,
        received=received, deadline=task.deadline, overdue=limit < now, step=task.step)


def _aware(t: datetime, tz: ZoneInfo) -> datetime:
    """Naive times are the seller's own clock."""
    return t if t.tzinfo is not None else t.replace(tzinfo=tz)


def _order(t: TodayTask) -> tuple:
    first = t.deadline if t.kind == "reply" and t.deadline else t.due_seller_local
    return (KIND_ORDER[t.kind], first, GRADE_ORDER.get(t.grade, 9), t.received, t.id)
