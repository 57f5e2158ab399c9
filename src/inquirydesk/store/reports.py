"""Aggregates for the dashboards: GROUP BY queries over the archive, SQLite and PostgreSQL.

Every query counts the inquiries of one ``Scope`` (received in [start, end), of the
given owners) in the database and returns a few rows; nothing loads the inquiries
themselves.  Where the SQL differs between the backends (week buckets, hours between two
times, JSON arrays as rows, finding a substring) a small helper picks the right form.

Keys computed from bound parameters are grouped through a subquery (``_counted``):
PostgreSQL would not see ``GROUP BY f($3)`` as the ``f($1)`` of the SELECT list.

The numbers follow the weekly summary (``planner.summary``): grades and risks count every
inquiry; reply times bucket the first ``replied`` event of each inquiry (every inquiry
that has one, risky too), and "unanswered" counts safe inquiries without one; outcomes
count safe inquiries, "open" where none is recorded.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Date,
    Float,
    Select,
    String,
    case,
    cast,
    extract,
    func,
    literal,
    literal_column,
    select,
    true,
)
from sqlalchemy.sql.elements import ColumnElement

from inquirydesk.model import GRADES, RISKS
from inquirydesk.planner.summary import BUCKET_LIMITS, BUCKETS
from inquirydesk.store.database import Store
from inquirydesk.store.schema import EventRow, InquiryRow, OutcomeRow

__all__ = ["OUTCOMES", "UNANSWERED", "Market", "Scope", "Share", "WeekMix", "by_country",
           "by_product", "keywords_by_market", "outcomes_by_grade", "reply_times", "totals",
           "weekly_mix"]

UNANSWERED = "unanswered"
OPEN = "open"
OUTCOMES = ("won", "lost", "no_answer", OPEN)
# The rule whose quote holds the buyer's own words for a catalog product (see
# pipeline/signals.py: the matched phrases joined by ", ").
KEYWORD_RULE = "product.catalog_keyword"
KEYWORD_SEPARATOR = ", "


@dataclass(frozen=True, slots=True)
class Scope:
    """Which inquiries count: received in [start, end) and owned by one of ``owners``.

    ``owners`` None counts everyone's; "" is the pool.  Weeks start on Monday 00:00 at
    ``utc_offset_minutes`` from UTC (the seller's zone; 480 for China).
    """

    start: datetime
    end: datetime
    owners: tuple[str, ...] | None = None
    utc_offset_minutes: int = 0

    def conditions(self) -> list[ColumnElement[bool]]:
        row = InquiryRow
        found = [row.received_at >= self.start, row.received_at < self.end]
        if self.owners is not None:
            found.append(row.owner.in_(self.owners))
        return found


@dataclass(frozen=True, slots=True)
class WeekMix:
    """One week's inquiries by grade and by risk verdict (every key present)."""

    week: date  # its Monday
    grades: dict[str, int]
    risks: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {"week": self.week.isoformat(), "grades": self.grades, "risks": self.risks}


@dataclass(frozen=True, slots=True)
class Share:
    """Inquiries for one country or product, and how many of them were risky."""

    key: str
    inquiries: int
    risky: int

    @property
    def safe(self) -> int:
        return self.inquiries - self.risky


@dataclass(frozen=True, slots=True)
class Market:
    """The words buyers of one country used for our products, most frequent first."""

    country: str
    inquiries: int  # safe inquiries of the country that named a product in their words
    keywords: list[tuple[str, int]]


# ---------------------------------------------------------------------- the queries


def totals(store: Store, scope: Scope) -> tuple[int, int]:
    """How many inquiries the scope holds, and how many of them are risky."""
    query = (select(func.count(), func.count().filter(InquiryRow.risky))
             .select_from(InquiryRow).where(*scope.conditions()))
    with store.session() as session:
        count, risky = session.execute(query).one()
        return count, risky


def weekly_mix(store: Store, scope: Scope) -> list[WeekMix]:
    """Per week (Monday in the seller's zone) that has inquiries: counts by grade and risk."""
    week = _week(store.dialect, scope.utc_offset_minutes)
    inner = select(week.label("week"), InquiryRow.grade, InquiryRow.risk).where(
        *scope.conditions())
    weeks: dict[date, WeekMix] = {}
    for day, grade, risk, count in _counted(store, inner):
        monday = day if isinstance(day, date) else date.fromisoformat(str(day))
        mix = weeks.setdefault(monday, WeekMix(monday, dict.fromkeys(GRADES, 0),
                                               dict.fromkeys(RISKS, 0)))
        mix.grades[grade] = mix.grades.get(grade, 0) + count
        mix.risks[risk] = mix.risks.get(risk, 0) + count
    return [weeks[w] for w in sorted(weeks)]


def reply_times(store: Store, scope: Scope) -> dict[str, int]:
    """How long until our first reply, in the summary's buckets; then "unanswered"."""
    first = (select(EventRow.inquiry_id, func.min(EventRow.at).label("at"))
             .join(InquiryRow, InquiryRow.id == EventRow.inquiry_id)
             .where(EventRow.kind == "replied", *scope.conditions())
             .group_by(EventRow.inquiry_id).subquery())
    hours = _hours_between(store.dialect, InquiryRow.received_at, first.c.at)
    limits = [(hours <= limit, literal(name)) for limit, name in
              zip(BUCKET_LIMITS, BUCKETS, strict=False)]
    bucket = case((first.c.at.is_(None), literal(UNANSWERED)), *limits,
                  else_=literal(BUCKETS[-1]))
    inner = (select(bucket.label("bucket")).select_from(InquiryRow)
             .outerjoin(first, first.c.inquiry_id == InquiryRow.id)
             .where(*scope.conditions(), first.c.at.is_not(None) | (InquiryRow.risk == "none")))
    found = dict(_counted(store, inner))
    return {name: found.get(name, 0) for name in (*BUCKETS, UNANSWERED)}


def outcomes_by_grade(store: Store, scope: Scope) -> dict[str, dict[str, int]]:
    """Safe inquiries per grade by outcome: won, lost, no_answer, or open (none recorded)."""
    result = func.coalesce(OutcomeRow.result, literal(OPEN))
    inner = (select(InquiryRow.grade, result.label("result"))
             .outerjoin(OutcomeRow, OutcomeRow.inquiry_id == InquiryRow.id)
             .where(*scope.conditions(), InquiryRow.risk == "none"))
    out = {g: dict.fromkeys(OUTCOMES, 0) for g in GRADES}
    for grade, outcome, count in _counted(store, inner):
        out.setdefault(grade, dict.fromkeys(OUTCOMES, 0))[outcome] = count
    return out


def by_country(store: Store, scope: Scope, top: int = 10) -> list[Share]:
    """The ``top`` countries by inquiries ("" where unknown), with their risky share."""
    count = func.count()
    query = (select(InquiryRow.country, count, func.count().filter(InquiryRow.risky))
             .where(*scope.conditions()).group_by(InquiryRow.country)
             .order_by(count.desc(), InquiryRow.country).limit(top))
    with store.session() as session:
        return [Share(c, n, r) for c, n, r in session.execute(query)]


def by_product(store: Store, scope: Scope, top: int = 10) -> list[Share]:
    """The ``top`` catalog products by the inquiries naming them, with their risky share."""
    product = _elements(store.dialect, InquiryRow.products)
    count = func.count()
    query = (select(product.c.value, count, func.count().filter(InquiryRow.risky))
             .select_from(InquiryRow).join(product, true()).where(*scope.conditions())
             .group_by(product.c.value).order_by(count.desc(), product.c.value).limit(top))
    with store.session() as session:
        return [Share(str(p), n, r) for p, n, r in session.execute(query)]


def keywords_by_market(store: Store, scope: Scope, markets: int = 8,
                       per_market: int = 5) -> list[Market]:
    """The words safe buyers of each country used for our catalog products.

    The source is the quote of the ``product.catalog_keyword`` evidence: the buyer's
    phrases that matched a catalog keyword ("marmites inox", "Düdüklü tencere").  A
    recursive query splits it into phrases; SQL counts the inquiries per country and
    phrase.  Phrases that differ only in case are merged here (SQLite's ``lower`` knows
    ASCII alone).  Countries come by how many inquiries used such words.
    """
    phrases = _phrases(store.dialect, scope)
    counted = (select(phrases.c.country, phrases.c.phrase, func.count(func.distinct(phrases.c.id)))
               .where(phrases.c.phrase != "").group_by(phrases.c.country, phrases.c.phrase))
    per_country = (select(phrases.c.country, func.count(func.distinct(phrases.c.id)))
                   .where(phrases.c.phrase != "").group_by(phrases.c.country))
    with store.session() as session:
        rows = session.execute(counted).all()
        totals = dict(session.execute(per_country).all())
    words: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for country, phrase, count in rows:
        words[country][" ".join(phrase.lower().split())] += count
    order = sorted(totals, key=lambda c: (-totals[c], c))[:markets]
    return [Market(c, totals[c], sorted(words[c].items(), key=lambda kv: (-kv[1], kv[0]))
                   [:per_market]) for c in order]


# ---------------------------------------------------------------------- dialect helpers


def _counted(store: Store, inner: Select) -> list[tuple[Any, ...]]:
    """``inner``'s rows grouped by all its columns, each with its count."""
    rows = inner.subquery()
    keys = list(rows.c)
    with store.session() as session:
        return [tuple(r) for r in session.execute(select(*keys, func.count()).group_by(*keys))]


def _week(dialect: str, offset_minutes: int) -> ColumnElement[Any]:
    """The Monday (a date) of the week a received time falls in, ``offset`` from UTC."""
    minutes = int(offset_minutes)  # rendered into the SQL: an int, nothing else
    if dialect == "sqlite":
        return func.date(InquiryRow.received_at, literal_column(f"'{minutes:+d} minutes'"),
                         literal_column("'-6 days'"), literal_column("'weekday 1'"),
                         type_=String)
    local = (func.timezone(literal_column("'UTC'"), InquiryRow.received_at)
             + literal_column(f"INTERVAL '{minutes} minutes'"))
    return cast(func.date_trunc(literal_column("'week'"), local), Date)


def _hours_between(dialect: str, start: ColumnElement[Any],
                   end: ColumnElement[Any]) -> ColumnElement[float]:
    if dialect == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 24.0
    return cast(extract("epoch", end - start), Float) / 3600.0


def _elements(dialect: str, array: ColumnElement[Any]):
    """A JSON array of strings as a table of its elements (column ``value``), row by row."""
    if dialect == "sqlite":
        return func.json_each(array).table_valued("value")
    return func.jsonb_array_elements_text(array).table_valued("value")


def _phrases(dialect: str, scope: Scope):
    """(id, country, phrase) for every phrase of every keyword quote in ``scope``."""
    quotes = _keyword_quotes(dialect, scope).cte("quotes")
    sep = literal(KEYWORD_SEPARATOR, String)
    seed = select(quotes.c.id, quotes.c.country, literal("", String).label("phrase"),
                  (quotes.c.quote + sep).label("rest"))
    split = seed.cte("split", recursive=True)
    at = _position(dialect, split.c.rest, sep)
    split = split.union_all(select(
        split.c.id, split.c.country,
        func.trim(func.substr(split.c.rest, 1, at - 1)),
        func.substr(split.c.rest, at + len(KEYWORD_SEPARATOR)),
    ).where(split.c.rest != "", at > 0))
    return split


def _keyword_quotes(dialect: str, scope: Scope) -> Select:
    where = [*scope.conditions(), InquiryRow.risk == "none"]
    if dialect == "sqlite":
        # A cheap text test first spares parsing the evidence of every other inquiry.
        where.append(cast(InquiryRow.analysis, String).contains(KEYWORD_RULE))
        evidence = func.json_each(InquiryRow.analysis, "$.evidence").table_valued("value")
        rule = func.json_extract(evidence.c.value, "$.rule", type_=String)
        quote = func.json_extract(evidence.c.value, "$.quote", type_=String)
    else:
        evidence = func.jsonb_array_elements(
            InquiryRow.analysis.op("->")(literal("evidence", String))).table_valued("value")
        rule = evidence.c.value.op("->>", return_type=String)(literal("rule", String))
        quote = evidence.c.value.op("->>", return_type=String)(literal("quote", String))
    return (select(InquiryRow.id, InquiryRow.country, quote.label("quote"))
            .select_from(InquiryRow).join(evidence, true())
            .where(*where, rule == KEYWORD_RULE, quote.is_not(None)))


def _position(dialect: str, text: ColumnElement[str], part: ColumnElement[str]
              ) -> ColumnElement[int]:
    """Where ``part`` starts in ``text``, from 1; 0 when it is not there."""
    if dialect == "sqlite":
        return func.instr(text, part)
    return func.strpos(text, part)
