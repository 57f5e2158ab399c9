"""The dashboards' aggregate queries (``store.reports``) on SQLite and, when reachable,
PostgreSQL.

The archive is the bundled demo plus a few messages written here (a week boundary in
the seller's zone, German buyers' own words).  Expected numbers are counted in Python
from the stored inquiries, or taken from the weekly summary, which computes its own in
Python: the SQL must agree with both.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from test_store_backends import DEMO, mail, message

from inquirydesk import customers
from inquirydesk.engine import Engine
from inquirydesk.settings import Settings
from inquirydesk.sources import iter_inputs
from inquirydesk.store import InboxItem, Store
from inquirydesk.store import outcomes as O
from inquirydesk.store import reports
from inquirydesk.store.schema import InquiryRow

pytest_plugins = ["test_store_backends"]  # the store, store_url and engine fixtures

CHINA = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 9, 1, tzinfo=CHINA)
END = datetime(2027, 1, 1, tzinfo=CHINA)
GERMAN = "Hans Weber <hans{n}@kuechen-weber.de>"


def _german(n: int, body: str, date_: str) -> object:
    return mail(f"de{n}.eml", message(f"Anfrage {n}", sender=GERMAN.format(n=n), body=body,
                                      date=date_))


@pytest.fixture
def archive(store: Store, engine: Engine) -> Store:
    """The demo, two German inquiries either side of a week's end in China, a third."""
    store.ingest(iter_inputs([DEMO]), engine)
    store.ingest([
        # Sunday 23:30 in China (15:30 UTC): still the week of Monday 12 October
        _german(1, "Guten Tag, wir suchen Suppentopf aus Edelstahl, 500 Stück. Preis FOB?",
                "Sun, 18 Oct 2026 15:30:00 +0000"),
        # Monday 00:30 in China (Sunday 16:30 UTC): the week of Monday 19 October
        _german(2, "Hallo, wir brauchen SUPPENTOPF und Bratpfanne Edelstahl, 300 Stück.",
                "Sun, 18 Oct 2026 16:30:00 +0000"),
        _german(3, "Wir suchen einen Suppentopf, 200 Stück, bitte Angebot.",
                "Wed, 21 Oct 2026 08:00:00 +0000"),
    ], engine)
    return store


def everything(store: Store) -> list[InboxItem]:
    return store.inbox(limit=1000)


def scope(**changes: object) -> reports.Scope:
    return reports.Scope(**{"start": START, "end": END, "utc_offset_minutes": 480, **changes})


def monday(when: datetime) -> date:
    local = when.astimezone(CHINA).date()
    return local - timedelta(days=local.weekday())


def test_weeks_count_every_inquiry_by_grade_and_risk_in_the_sellers_week(archive) -> None:
    items = everything(archive)
    weeks = reports.weekly_mix(archive, scope())
    grades = Counter((monday(i.received_at), i.grade) for i in items)
    risks = Counter((monday(i.received_at), i.risk) for i in items)
    assert [w.week for w in weeks] == sorted({monday(i.received_at) for i in items})
    for w in weeks:
        assert w.grades == {g: grades[w.week, g] for g in "ABCDE"}
        assert w.risks == {r: risks[w.week, r] for r in ("none", "spam", "phishing", "scam")}
    assert all(w.week.weekday() == 0 for w in weeks)
    assert reports.totals(archive, scope()) == (len(items),
                                                sum(i.risk != "none" for i in items))
    # the two German mails 1 hour apart fall either side of midnight on Sunday in China
    german = {i.subject: monday(i.received_at) for i in items if i.subject.startswith("Anf")}
    assert german["Anfrage 1"] == date(2026, 10, 12) and german["Anfrage 2"] == date(2026, 10, 19)
    week_12 = next(w for w in weeks if w.week == date(2026, 10, 12))
    assert sum(week_12.grades.values()) == 1


def test_the_period_is_half_open_and_owners_narrow_it(archive) -> None:
    items = everything(archive)
    cut = sorted(i.received_at for i in items)[len(items) // 2]
    first_half = reports.totals(archive, scope(end=cut))[0]
    assert first_half == sum(i.received_at < cut for i in items)
    assert first_half + reports.totals(archive, scope(start=cut))[0] == len(items)
    mine = [i for i in items if i.risk == "none"][:3]
    for i in mine:
        archive.update(i.id, owner="mandy")
    archive.update(mine[0].id, owner="jason")
    assert reports.totals(archive, scope(owners=("mandy",)))[0] == 2
    assert reports.totals(archive, scope(owners=("jason",)))[0] == 1
    assert reports.totals(archive, scope(owners=("mandy", "")))[0] == len(items) - 1
    assert reports.totals(archive, scope(owners=("nobody",))) == (0, 0)
    mandys = reports.by_country(archive, scope(owners=("mandy",)))
    assert sum(s.inquiries for s in mandys) == 2


def test_reply_times_bucket_the_first_reply_like_the_weekly_summary(archive,
                                                                    tmp_path: Path) -> None:
    items = sorted(everything(archive), key=lambda i: (i.received_at, i.id))
    safe = [i for i in items if i.risk == "none"]
    risky = next(i for i in items if i.risk != "none")
    for item, hours in zip(safe, (2, 6, 7, 12.5, 30), strict=False):
        O.add_event(archive, item.id, "replied", at=item.received_at + timedelta(hours=hours))
    # a later reply does not move the first one; a risky inquiry answered counts too
    O.add_event(archive, safe[0].id, "replied", at=safe[0].received_at + timedelta(days=5))
    O.add_event(archive, risky.id, "replied", at=risky.received_at + timedelta(hours=1))
    found = reports.reply_times(archive, scope())
    assert found == {"0–6 h": 3, "6–12 h": 1, "12–24 h": 1, "over 24 h": 1,
                     "unanswered": len(safe) - 5}
    settings = Settings(data_dir=tmp_path)
    for week in reports.weekly_mix(archive, scope()):
        summary = customers.report(archive, settings, "weekly", week.week)
        one = reports.reply_times(archive, scope(start=summary.start, end=summary.end))
        assert {b: one[b] for b in summary.reply_buckets} == summary.reply_buckets
        assert one["unanswered"] == summary.unanswered
        assert sum(week.grades.values()) == summary.inquiries


def test_outcomes_by_grade_count_safe_inquiries_open_where_none(archive,
                                                                tmp_path: Path) -> None:
    items = everything(archive)
    safe = [i for i in items if i.risk == "none"]
    by_grade = {g: [i for i in safe if i.grade == g] for g in "ABCDE"}
    O.set_outcome(archive, by_grade["A"][0].id, "won")
    O.set_outcome(archive, by_grade["C"][0].id, "lost", reason="price")
    O.set_outcome(archive, by_grade["E"][0].id, "no_answer")
    O.set_outcome(archive, next(i for i in items if i.risk != "none").id, "lost",
                  reason="spam after all")
    found = reports.outcomes_by_grade(archive, scope())
    assert found["A"] == {"won": 1, "lost": 0, "no_answer": 0, "open": len(by_grade["A"]) - 1}
    assert found["C"]["lost"] == 1 and found["E"]["no_answer"] == 1
    assert {g: sum(found[g].values()) for g in "ABCDE"} == {
        g: len(by_grade[g]) for g in "ABCDE"}
    settings = Settings(data_dir=tmp_path)
    summary = customers.report(archive, settings, "monthly", date(2026, 11, 1))
    november = reports.outcomes_by_grade(archive, scope(start=summary.start, end=summary.end))
    assert {g: {k: n for k, n in c.items() if n} for g, c in november.items()
            if any(c.values())} == summary.outcomes


def test_countries_and_products_are_the_top_ones_with_their_risky_share(archive) -> None:
    items = everything(archive)
    countries = Counter(i.country for i in items)
    risky = Counter(i.country for i in items if i.risk != "none")
    top = reports.by_country(archive, scope(), top=5)
    assert len(top) == 5
    assert [s.inquiries for s in top] == sorted(countries.values(), reverse=True)[:5]
    for s in top:
        assert (s.inquiries, s.risky, s.safe) == (countries[s.key], risky[s.key],
                                                  countries[s.key] - risky[s.key])
    with archive.session() as session:
        rows = session.execute(select(InquiryRow.products, InquiryRow.risky)).all()
    named = Counter(p for products, _ in rows for p in products)
    named_risky = Counter(p for products, bad in rows if bad for p in products)
    products = reports.by_product(archive, scope(), top=3)
    assert [s.inquiries for s in products] == sorted(named.values(), reverse=True)[:3]
    assert all((s.inquiries, s.risky) == (named[s.key], named_risky[s.key]) for s in products)
    assert all(s.key.startswith("HX-") for s in products)


def test_keywords_are_the_buyers_own_words_per_country(archive) -> None:
    markets = {m.country: m for m in reports.keywords_by_market(archive, scope())}
    germany = markets["DE"]
    # "Suppentopf" and "SUPPENTOPF" are one word; each inquiry counts once per word
    assert germany.keywords[0] == ("suppentopf", 3)
    assert ("bratpfanne edelstahl", 1) in germany.keywords and germany.inquiries == 3
    assert dict(markets["FR"].keywords) == {"marmites inox": 1, "bacs gastronormes": 1}
    assert dict(markets["TR"].keywords) == {"düdüklü tencere": 1}  # lower-cased past ASCII
    assert next(iter(markets)) == "DE"  # the market with most such inquiries first
    # only safe inquiries speak for buyers: the spam that names "cookware set" is left out
    assert "" not in markets
    few = reports.keywords_by_market(archive, scope(), markets=2, per_market=1)
    assert [len(m.keywords) for m in few] == [1, 1] and few[0].country == "DE"
    early = scope(end=datetime(2026, 10, 19, tzinfo=CHINA))
    assert [(m.country, m.keywords) for m in reports.keywords_by_market(archive, early)] == [
        ("DE", [("suppentopf", 1)])]


def test_an_empty_period_gives_zeros_not_errors(archive) -> None:
    empty = scope(start=datetime(2020, 1, 1, tzinfo=UTC), end=datetime(2020, 2, 1, tzinfo=UTC))
    assert reports.totals(archive, empty) == (0, 0)
    assert reports.weekly_mix(archive, empty) == []
    assert set(reports.reply_times(archive, empty).values()) == {0}
    assert all(set(c.values()) == {0} for c in reports.outcomes_by_grade(archive, empty).values())
    assert reports.by_country(archive, empty) == [] == reports.by_product(archive, empty)
    assert reports.keywords_by_market(archive, empty) == []
