"""Who an inquiry goes to: assignment rules, hand assignment and the log.  All SQL here.

    assignment_turns    per rule with several owners: how many inquiries it has handed
                        out, so the next one goes to the next owner (round robin that
                        survives restarts and is shared by every process)
    assignment_log      who or what gave which inquiry to whom, when, and why

A new inquiry that is safe (risk "none"), in the pool (no owner) and was never assigned
before goes to the owner of the first rule that matches it (``Rules.pick``); no match
leaves it in the pool (公海).  Risky inquiries are never assigned by rules, an owned one
is never re-assigned by them, and one a person released to the pool stays there.
``hooks.after_batch`` runs ``assign_in`` for the rules ``configure`` attached to the store,
so every channel (import, IMAP, API) assigns the same way.

Migration ``0004_assignment`` creates these tables and imports this module, so the models
are part of ``Base.metadata`` wherever the archive is opened.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, ForeignKey, String, Text, exists, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from inquirydesk.model import Seller
from inquirydesk.store.desk import UserRow
from inquirydesk.store.schema import Base, InputRow, InquiryRow, utcnow

if TYPE_CHECKING:
    from inquirydesk.settings import Assignment
    from inquirydesk.store.database import Store

log = logging.getLogger(__name__)
HAND = ""  # the rule column of a hand assignment


class TurnRow(Base):
    __tablename__ = "assignment_turns"

    rule: Mapped[str] = mapped_column(String(120), primary_key=True)
    turns: Mapped[int] = mapped_column(BigInteger, default=0)


class AssignmentRow(Base):
    __tablename__ = "assignment_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), index=True)
    owner: Mapped[str] = mapped_column(String(120), default="")  # "" = the pool
    previous: Mapped[str] = mapped_column(String(120), default="")
    rule: Mapped[str] = mapped_column(String(120), default="")  # "" = by hand
    by: Mapped[str] = mapped_column(String(120), default="")  # the user; "" = a rule
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)


# ---------------------------------------------------------------------- the rules


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: its conditions (each empty one holds always) and the owners it names."""

    id: str
    owners: tuple[str, ...]
    countries: frozenset[str] = frozenset()  # ISO alpha-2, from codes and market names
    products: frozenset[str] = frozenset()  # catalog ids and categories, case-folded
    languages: frozenset[str] = frozenset()
    markets: tuple[str, ...] = ()  # as written, for the reason

    def reason(self, facts: Facts) -> str | None:
        """Why this rule takes the inquiry (one line), or None when it does not."""
        why = []
        if self.markets or self.countries:
            if facts.country not in self.countries:
                return None
            why.append(f"country {facts.country} is in {', '.join(self.markets)}")
        if self.products:
            hit = sorted(self.products & facts.products)
            if not hit:
                return None
            why.append(f"product {', '.join(hit)}")
        if self.languages:
            if facts.language not in self.languages:
                return None
            why.append(f"language {facts.language}")
        return "; ".join(why) or "takes every inquiry"


@dataclass(frozen=True, slots=True)
class Facts:
    """What the rules read of one inquiry."""

    country: str
    language: str
    products: frozenset[str]  # catalog ids and their categories, case-folded


@dataclass(frozen=True, slots=True)
class Rules:
    """The rules in order, and what turns a seller's people into rules."""

    rules: tuple[Rule, ...] = ()
    seller: Seller = field(default_factory=Seller)
    seller_people: bool = False

    @classmethod
    def of(cls, settings: Assignment, seller: Seller) -> Rules:
        """The rules the ``assignment`` settings give, for this seller's catalog."""
        rules = tuple(rule(r.id, r.owners, markets=r.markets, products=r.products,
                           languages=r.languages) for r in settings.rules)
        return cls(rules, seller, settings.seller_people and not rules)

    def effective(self, users: Sequence[UserRow]) -> list[Rule]:
        """The rules in force for these desk users (owners not among them left out)."""
        names = [u.username for u in users]
        found = [Rule(r.id, tuple(o for o in r.owners if o in names), r.countries, r.products,
                      r.languages, r.markets) for r in self.rules]
        if self.seller_people:
            found += people_rules(self.seller, users)
        return [r for r in found if r.owners]

    def facts(self, row: InquiryRow) -> Facts:
        # The record names catalog ids, and categories or products the catalog lacks.
        named = ((row.analysis or {}).get("fields") or {}).get("products") or []
        ids = set(row.products or ()) | {str(p) for p in named}
        categories = {c.category for c in self.seller.catalog if c.id in ids and c.category}
        return Facts((row.country or "").upper(), (row.language or "").lower(),
                     frozenset(x.casefold() for x in ids | categories if x))


def rule(rule_id: str, owners: Iterable[str], *, markets: Iterable[str] = (),
         products: Iterable[str] = (), languages: Iterable[str] = ()) -> Rule:
    """A rule from the words a user writes: markets may be codes or names."""
    # Imported here: the planner package is heavy, and opening the archive must stay quick.
    from inquirydesk.planner.markets import market_countries

    markets = tuple(m.strip() for m in markets if m.strip())
    countries = frozenset().union(*(market_countries(m) for m in markets)) if markets else \
        frozenset()
    unknown = [m for m in markets if not market_countries(m)]
    if unknown:
        log.warning("assignment rule %s: no country known for %s", rule_id, ", ".join(unknown))
    return Rule(rule_id, tuple(owners), countries,
                frozenset(p.strip().casefold() for p in products if p.strip()),
                frozenset(x.strip().lower() for x in languages if x.strip()), markets)


def people_rules(seller: Seller, users: Sequence[UserRow]) -> list[Rule]:
    """One rule per person of the seller profile who has markets and a desk user."""
    out = []
    for person in seller.people:
        user = _user_for(person.english_name, person.name, person.email, users)
        if user is not None and person.markets:
            out.append(rule(f"seller:{user.username}", [user.username], markets=person.markets))
    return out


def _user_for(english: str, name: str, email: str, users: Sequence[UserRow]) -> UserRow | None:
    wanted = {w.strip().casefold() for w in (english, name, email.partition("@")[0]) if w.strip()}
    for user in sorted(users, key=lambda u: u.username):
        if user.username.casefold() in wanted or (user.display_name or "").casefold() in wanted:
            return user
    return None


# ---------------------------------------------------------------------- where rules live

_configured: weakref.WeakKeyDictionary[Any, Rules] = weakref.WeakKeyDictionary()


def configure(store: Store, rules: Rules | None) -> None:
    """Attach ``rules`` to ``store``: its ingests assign with them (None: they stop)."""
    if rules is None:
        _configured.pop(store, None)
    else:
        _configured[store] = rules


def rules_for(store: Store) -> Rules | None:
    return _configured.get(store)


# ---------------------------------------------------------------------- assigning


@dataclass(frozen=True, slots=True)
class Assigned:
    """One assignment made (or logged): the inquiry, its new owner and why."""

    inquiry_id: int
    owner: str
    previous: str
    rule: str
    by: str
    reason: str
    at: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"inquiry_id": self.inquiry_id, "owner": self.owner, "previous": self.previous,
                "rule": self.rule, "by": self.by, "reason": self.reason,
                "at": self.at.isoformat() if self.at else None}


def assign_in(session: Session, ids: Sequence[int], rules: Rules | None) -> list[Assigned]:
    """Give the unassigned, safe, never-assigned inquiries among ``ids`` to their owners."""
    if rules is None or not ids:
        return []
    rows = list(session.scalars(select(InquiryRow).where(
        InquiryRow.id.in_(list(ids)), InquiryRow.owner == "", InquiryRow.risky.is_(False),
        ~exists().where(AssignmentRow.inquiry_id == InquiryRow.id)).order_by(InquiryRow.id)))
    if not rows:
        return []
    enabled = session.scalars(select(UserRow).where(UserRow.disabled.is_(False)))
    effective = rules.effective(list(enabled))
    done = []
    for row in rows:
        found = _first(effective, rules.facts(row))
        if found is None:
            continue
        chosen, why = found
        owner = chosen.owners[_turn(session, chosen.id) % len(chosen.owners)]
        row.owner, row.updated_at = owner, utcnow()
        done.append(_logged(session, row.id, owner, "", chosen.id, "", why))
    return done


def assign_new(store: Store, ids: Sequence[int], rules: Rules | None) -> list[Assigned]:
    """``assign_in`` in a transaction of its own."""
    with store.session.begin() as session:
        return assign_in(session, ids, rules)


def _first(rules: Sequence[Rule], facts: Facts) -> tuple[Rule, str] | None:
    for candidate in rules:
        why = candidate.reason(facts)
        if why is not None:
            return candidate, why
    return None


def _turn(session: Session, rule_id: str) -> int:
    """The rule's turn counter before this inquiry, counted up in the same statement."""
    dialect = session.get_bind().dialect.name
    insert = sqlite_insert if dialect == "sqlite" else pg_insert
    statement = insert(TurnRow).values(rule=rule_id, turns=1)
    statement = statement.on_conflict_do_update(
        index_elements=["rule"], set_={"turns": TurnRow.turns + 1}).returning(TurnRow.turns)
    return int(session.execute(statement).scalar_one()) - 1


def _logged(session: Session, inquiry_id: int, owner: str, previous: str, rule_id: str,
            by: str, reason: str) -> Assigned:
    at = utcnow()
    session.add(AssignmentRow(inquiry_id=inquiry_id, owner=owner, previous=previous,
                              rule=rule_id, by=by, reason=reason, at=at))
    return Assigned(inquiry_id, owner, previous, rule_id, by, reason, at)


class Taken(LookupError):
    """The inquiry's owner changed since it was read (someone else was quicker)."""


def reassign(store: Store, inquiry_id: int, owner: str, *, by: str, expected: str,
             reason: str = "") -> Assigned:
    """Give the inquiry to ``owner`` ("" = the pool) by hand, if it still has ``expected``.

    Raises ``Taken`` when its owner is no longer ``expected``, so two people claiming
    one pool inquiry at once cannot both get it.
    """
    with store.session.begin() as session:
        changed = session.execute(update(InquiryRow).where(
            InquiryRow.id == inquiry_id, InquiryRow.owner == expected)
            .values(owner=owner, updated_at=utcnow())).rowcount
        if not changed:
            raise Taken(f"inquiry {inquiry_id} is no longer {expected or 'in the pool'}")
        return _logged(session, inquiry_id, owner, expected, HAND, by, reason)


def history(store: Store, inquiry_id: int) -> list[Assigned]:
    """The inquiry's assignments, oldest first."""
    with store.session() as session:
        rows = session.scalars(select(AssignmentRow).where(
            AssignmentRow.inquiry_id == inquiry_id).order_by(AssignmentRow.id))
        return [Assigned(r.inquiry_id, r.owner, r.previous, r.rule, r.by, r.reason, r.at)
                for r in rows]


@dataclass(frozen=True, slots=True)
class Landing:
    """What one input became in the archive: an inquiry, a bounce or a failure."""

    input_id: int
    kind: str
    inquiry_id: int | None
    error: str


def landing(store: Store, fingerprint: str) -> Landing | None:
    """Where the input with ``fingerprint`` landed, or None when it is not stored."""
    with store.session() as session:
        found = session.execute(select(InputRow.id, InputRow.kind, InputRow.error, InquiryRow.id)
                                .outerjoin(InquiryRow, InquiryRow.input_id == InputRow.id)
                                .where(InputRow.fingerprint == fingerprint)).first()
    if found is None:
        return None
    input_id, kind, error, inquiry_id = found
    return Landing(input_id, kind, inquiry_id, error or "")

