"""The buyer's calendar: when a mail or a call to them may be due.

Every due time is set in the buyer's own zone (seeds 000 and 002: write when they are at
their desk; Europe is 6–8 hours behind China) and is *open*:

- on one of their working days: not their weekend (per country: Friday–Saturday in most
  Gulf states, Friday in Iran), not a public holiday, as the ``holidays`` package knows
  them; a weekend day their government made a working day counts as one;
- inside their working hours, ``[start, end)`` at minute resolution;
- for follow-up mails (seed 003) also not on a no-mail weekday (Monday and Friday by
  default) and not on a day that already has a mail to this buyer.  Calls and replies may
  fall on any working day.

Times are computed in UTC and checked against the buyer's wall clock, so a daylight-saving
change never moves a due time out of hours: where a change falls inside the working
window the search simply walks minute by minute to the next open minute.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from inquirydesk.lookups.geo import country_timezone

MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
KINDS = ("reply", "follow_up", "call")
MAX_DAYS = 800  # a search that finds no open minute in two years is a settings mistake
DEFAULT_WEEKEND = frozenset({5, 6})


class CalendarError(ValueError):
    """No open time exists: the settings leave no working day or hour."""


@cache
def country_holidays(cc: str) -> holidays.HolidayBase | None:
    """The country's public holidays (years load on demand); None for an unknown country."""
    if not cc:
        return None
    try:
        return holidays.country_holidays(cc.upper())
    except (NotImplementedError, KeyError):
        return None


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def valid_zone(name: str) -> bool:
    try:
        _zone(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return False
    return bool(name)


def buyer_zone(timezone: str, country: str, fallback: str) -> str:
    """The buyer's zone: the engine's, else their country's main zone, else the seller's."""
    for zone in (timezone, country_timezone(country) if country else "", fallback):
        if zone and valid_zone(zone):
            return zone
    return "UTC"


@dataclass(frozen=True)
class BuyerCalendar:
    zone: str
    country: str = ""
    hours: tuple[int, int] = (9, 17)
    no_mail_weekdays: frozenset[int] = frozenset({0, 4})

    def __post_init__(self) -> None:
        start, end = self.hours
        if not 0 <= start < end <= 24:
            raise CalendarError(f"working hours {self.hours}: need 0 <= start < end <= 24")
        _zone(self.zone)  # an unknown zone raises here, not in the middle of a search

    @property
    def tz(self) -> ZoneInfo:
        return _zone(self.zone)

    @property
    def weekend(self) -> frozenset[int]:
        h = country_holidays(self.country)
        return frozenset(h.weekend) if h is not None else DEFAULT_WEEKEND

    def local(self, when: datetime) -> datetime:
        return when.astimezone(self.tz)

    def holiday(self, day: date) -> str:
        """The holiday's name, "" on an ordinary day."""
        h = country_holidays(self.country)
        return (h.get(day) or "") if h is not None else ""

    def is_workday(self, day: date) -> bool:
        h = country_holidays(self.country)
        if h is None:
            return day.weekday() not in DEFAULT_WEEKEND
        return h.is_working_day(day)

    def day_allows(self, day: date, kind: str = "call",
                   busy_days: Collection[date] = ()) -> bool:
        if not self.is_workday(day):
            return False
        if kind == "follow_up":
            return day.weekday() not in self.no_mail_weekdays and day not in busy_days
        return True

    def is_open(self, when: datetime, kind: str = "call",
                busy_days: Collection[date] = ()) -> bool:
        local = self.local(when)
        minute = local.hour * 60 + local.minute
        return (self.hours[0] * 60 <= minute < self.hours[1] * 60
                and self.day_allows(local.date(), kind, busy_days))

    def next_open(self, when: datetime, kind: str = "call",
                  busy_days: Collection[date] = ()) -> datetime:
        """The first open minute at or after ``when``, in the buyer's zone."""
        t = _ceil_minute(when.astimezone(UTC))
        day = self.local(t).date() - DAY
        for _ in range(MAX_DAYS):
            if self.day_allows(day, kind, busy_days):
                first, last = self._window(day)
                c = max(t, first)
                while c <= last:
                    if self.is_open(c, kind, busy_days):
                        return self.local(c)
                    c += MINUTE
            day += DAY
        raise CalendarError(f"no open {kind} time for {self.zone}/{self.country} after {when}")

    def last_open(self, when: datetime, not_before: datetime, kind: str = "call",
                  busy_days: Collection[date] = ()) -> datetime | None:
        """The last open minute in ``[not_before, when]``, or None if there is none."""
        t = _floor_minute(when.astimezone(UTC))
        lower = not_before.astimezone(UTC)
        day = self.local(t).date() + DAY
        for _ in range(MAX_DAYS):
            if self._utc(day, 0, 0) + 2 * DAY < lower:
                return None
            if self.day_allows(day, kind, busy_days):
                first, last = self._window(day)
                c = min(t, last)
                while c >= first and c >= lower:
                    if self.is_open(c, kind, busy_days):
                        return self.local(c)
                    c -= MINUTE
            day -= DAY
        return None

    def after_working_days(self, when: datetime, n: int, kind: str = "call",
                           busy_days: Collection[date] = ()) -> datetime:
        """The same wall time ``n`` working days later, moved to the next open minute."""
        local = self.local(when)
        day, count = local.date(), 0
        while count < n:
            day += DAY
            count += self.is_workday(day)
        target = self._utc(day, local.hour, local.minute)
        return self.next_open(max(target, when.astimezone(UTC)), kind, busy_days)

    def _window(self, day: date) -> tuple[datetime, datetime]:
        """The first and last candidate minute of a day's working hours, in UTC."""
        start, end = self.hours
        last_h, last_m = divmod(end * 60 - 1, 60)
        # fold=0 puts a start in a DST gap after the gap; fold=1 puts an end before it.
        return self._utc(day, start, 0, fold=0), self._utc(day, last_h, last_m, fold=1)

    def _utc(self, day: date, hour: int, minute: int, fold: int = 0) -> datetime:
        local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.tz, fold=fold)
        return local.astimezone(UTC)


def calendar_for(timezone: str, country: str, settings) -> BuyerCalendar:
    """The calendar of a buyer, with the working hours and no-mail days of the settings."""
    f = settings.follow_up
    return BuyerCalendar(zone=buyer_zone(timezone, country, settings.timezone),
                         country=country.upper() if country else "",
                         hours=tuple(f.working_hours),
                         no_mail_weekdays=frozenset(f.no_mail_weekdays))


def _ceil_minute(t: datetime) -> datetime:
    floor = _floor_minute(t)
    return floor if floor == t else floor + MINUTE


def _floor_minute(t: datetime) -> datetime:
    return t.replace(second=0, microsecond=0)
