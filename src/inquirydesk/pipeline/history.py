"""What other inquiries say about this one: repeats and price-fishing rings.

The detect stage asks a ``History`` two questions.  ``BatchHistory`` answers them from
the inquiries analysed together; the archive answers them from everything stored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime, timedelta
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
    """History within one batch of inquiries."""

    def __init__(self, seen: Iterable[Seen]):
        self._by_email: dict[str, list[Seen]] = {}
        self._by_region: dict[str, list[Seen]] = {}
        for s in seen:
            if s.email:
                self._by_email.setdefault(s.email, []).append(s)
            if s.region and s.products:
                self._by_region.setdefault(s.region, []).append(s)

    def echoes(self, seen: Seen) -> Echoes:
        return Echoes(repeats=self._repeats(seen), siblings=self._siblings(seen))

    def _repeats(self, seen: Seen) -> tuple[str, ...]:
        if seen.reply or not seen.email:
            return ()
        return tuple(o.source for o in self._by_email.get(seen.email, ())
                     if o.source != seen.source and not o.reply and _near(o.when, seen.when))

    def _siblings(self, seen: Seen) -> tuple[str, ...]:
        if not seen.region or not seen.products or seen.reply:
            return ()
        mailboxes = {o.email for o in self._by_region.get(seen.region, ())
                     if o.email != seen.email and o.products & seen.products
                     and not o.reply and _near(o.when, seen.when, days=30)}
        return tuple(sorted(mailboxes))


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
