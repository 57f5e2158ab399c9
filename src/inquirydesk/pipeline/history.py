"""What other inquiries say about this one: repeats and price-fishing rings.

The detect stage asks a ``History`` two questions.  ``BatchHistory`` answers them from
the inquiries analysed together; the archive answers them from everything stored.
"""

from __future__ import annotations

import ipaddress
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from datetime import UTC, datetime, timedelta
from typing import Protocol

from inquirydesk.model import Fields, Identity, Inquiry

REPEAT_WINDOW = timedelta(days=14)


@dataclass(frozen=True, slots=True)
class Seen:
    """The part of an inquiry that history compares."""

    source: str
    email: str
    when: datetime | None
    products: frozenset[str]
    region: str  # the sender's network (an IPv4 /24 or IPv6 /48), else ""
    reply: bool

    @classmethod
    def of(cls, inquiry: Inquiry, identity: Identity, fields: Fields) -> Seen:
        products = frozenset(p.catalog_id for p in fields.products if p.catalog_id)
        return cls(inquiry.source, identity.email, inquiry.date, products,
                   network_of(identity.ip), bool(inquiry.in_reply_to))


@dataclass(frozen=True, slots=True)
class Echoes:
    repeats: tuple[str, ...] = ()  # sources of other inquiries from the same mailbox
    siblings: tuple[str, ...] = ()  # other mailboxes asking the same from the same network


class History(Protocol):
    def echoes(self, seen: Seen) -> Echoes: ...


class NoHistory:
    def echoes(self, seen: Seen) -> Echoes:
        return Echoes()


class BatchHistory:
    """History within one batch of inquiries.

    Repeats are looked up in each mailbox's inquiries sorted by time, so a list address
    with thousands of messages costs a binary search, not a scan per message.
    """

    def __init__(self, seen: Iterable[Seen]):
        by_email: dict[str, list[Seen]] = {}
        self._by_region: dict[str, list[Seen]] = {}
        for s in seen:
            if s.email and not s.reply:
                by_email.setdefault(s.email, []).append(s)
            if s.region and s.products:
                self._by_region.setdefault(s.region, []).append(s)
        self._timeline = {email: _Timeline(items) for email, items in by_email.items()}

    def echoes(self, seen: Seen) -> Echoes:
        return Echoes(repeats=self._repeats(seen), siblings=self._siblings(seen))

    def _repeats(self, seen: Seen) -> tuple[str, ...]:
        timeline = self._timeline.get(seen.email)
        if seen.reply or timeline is None:
            return ()
        return tuple(s for s in timeline.near(seen.when, REPEAT_WINDOW) if s != seen.source)

    def _siblings(self, seen: Seen) -> tuple[str, ...]:
        if not seen.region or not seen.products or seen.reply:
            return ()
        mailboxes = {o.email for o in self._by_region.get(seen.region, ())
                     if o.email != seen.email and o.products & seen.products
                     and not o.reply and _near(o.when, seen.when, days=30)}
        return tuple(sorted(mailboxes))


MAX_ECHOES = 50  # enough to show and count; a list address may have thousands


class _Timeline:
    """One mailbox's inquiries by time; undated ones are near every date."""

    def __init__(self, items: list[Seen]):
        dated = sorted((_stamp(s.when), s.source) for s in items if s.when is not None)
        self._stamps = [stamp for stamp, _ in dated]
        self._sources = [source for _, source in dated]
        self._undated = [s.source for s in items if s.when is None]

    def near(self, when: datetime | None, window: timedelta) -> list[str]:
        if when is None:
            return (self._undated + self._sources)[:MAX_ECHOES]
        stamp, span = _stamp(when), window.total_seconds()
        low = bisect_left(self._stamps, stamp - span)
        high = bisect_right(self._stamps, stamp + span)
        return (self._undated + self._sources[low:high])[:MAX_ECHOES]


def _stamp(when: datetime) -> float:
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


def _near(a: datetime | None, b: datetime | None, days: int = 14) -> bool:
    if a is None or b is None:
        return True
    try:
        return abs(a - b) <= timedelta(days=days)
    except TypeError:  # one naive, one aware
        return True


@lru_cache(maxsize=8192)
def network_of(ip: str) -> str:
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    prefix = 24 if addr.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
