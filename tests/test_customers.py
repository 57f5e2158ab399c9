"""The customer archive: buyers across mailboxes, merges, events and threads, outcomes,
orders, value grades, lifecycle, 80/20, reactivation, exports, today and reports.
Every test runs on SQLite and, when reachable, PostgreSQL."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest
from test_store_backends import mail, message

from inquirydesk import customers
from inquirydesk.engine import Engine
from inquirydesk.settings import Settings
from inquirydesk.store import Store
from inquirydesk.store import buyers as B
from inquirydesk.store import hooks
from inquirydesk.store import outcomes as O

pytest_plugins = ["test_store_backends"]

NOW = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def ingest(store: Store, engine: Engine, *items) -> None:
    store.ingest(list(items), engine, committed=hooks.committed(store))


def inquiry_ids(store: Store) -> dict[str, int]:
    return {i.subject: i.id for i in store.inbox(limit=500)}


def two_mailboxes(store: Store, engine: Engine) -> dict[str, int]:
    ingest(store, engine,
           mail("a.eml", message("Stockpots for our restaurants",
                                 sender="Tom Baker <tom@baker-trading.com.au>")),
           mail("b.eml", message("Frying pans 300 pcs", sender="Tom <buying@baker-trading.com.au>",
                                 date="Tue, 22 Sep 2026 08:00:00 +1000")),
           mail("c.eml", message("Cookware from Peru", sender="Luis Rojas <luis.rojas@gmail.com>",
                                 body="Please quote 800 pcs HX-SP101 CIF Callao.")),
           mail("d.eml", message("Kettles", sender="Ana <ana.p@gmail.com>",
                                 body="Price for 200 kettles?")))
    return inquiry_ids(store)


def test_buyers_are_linked_across_mailboxes_by_company_domain_not_free_mail(
        store: Store, engine: Engine) -> None:
    ids = two_mailboxes(store, engine)
    got = {s: store.get(i).item.buyer_id for s, i in ids.items()}
    assert None not in got.values()
    assert got["Stockpots for our restaurants"] == got["Frying pans 300 pcs"]
    assert len({got["Cookware from Peru"], got["Kettles"], got["Frying pans 300 pcs"]}) == 3
    links = B.merges(store, got["Frying pans 300 pcs"])
    assert [(m.rule, m.quote, m.manual) for m in links] == [
        ("domain", "baker-trading.com.au", False)]
    assert len(B.buyers(store)) == 3


def test_ingest_links_buyers_and_linking_again_changes_nothing(store: Store,
                                                               engine: Engine) -> None:
    store.ingest([mail("a.eml", message("Pots", sender="x@pots-import.de")),
                  mail("b.eml", message("Pans", sender="y@pots-import.de"))], engine)
    buyers = {i.buyer_id for i in store.inbox()}
    assert len(buyers) == 1 and None not in buyers  # one company domain, one buyer
    assert B.link_buyers(store) == 0


def test_merge_explained_and_unmerge_restores_grouping(store: Store, engine: Engine) -> None:
    ids = two_mailboxes(store, engine)
    luis = store.get(ids["Cookware from Peru"]).item.buyer_id
    ana = store.get(ids["Kettles"]).item.buyer_id
    O.add_order(store, ana, amount=1000, date=NOW)
    m = B.merge(store, luis, ana, by="lily", reason="same WhatsApp +51 999 111 222")
    assert (m.rule, m.manual, m.by, m.source_buyer_id) == ("hand", True, "lily", ana)
    assert m.quote == "same WhatsApp +51 999 111 222"
    assert store.get(ids["Kettles"]).item.buyer_id == luis
    assert [o.buyer_id for o in O.orders(store)] == [luis]
    assert ana not in {b.id for b in B.buyers(store)}
    with pytest.raises(B.BuyerError):
        B.merge(store, luis, ana)  # merged away already
    undone = B.unmerge(store, m.id, by="lily")
    assert undone.undone_at is not None
    assert store.get(ids["Kettles"]).item.buyer_id == ana
    assert [o.buyer_id for o in O.orders(store)] == [ana]
    assert {luis, ana} <= {b.id for b in B.buyers(store)}
    with pytest.raises(B.BuyerError):
        B.unmerge(store, m.id)


def test_unmerging_an_automatic_link_gives_the_inquiry_its_own_buyer(
        store: Store, engine: Engine) -> None:
    ids = two_mailboxes(store, engine)
    tom = store.get(ids["Stockpots for our restaurants"]).item.buyer_id
    link = B.merges(store, tom)[0]
    B.unmerge(store, link.id)
    other = store.get(ids["Frying pans 300 pcs"]).item.buyer_id
    assert other not in (None, tom)
    # They still share the domain, but a person split them: no suggestion to rejoin.
    assert all({s.buyer_id, s.other_id} != {tom, other} for s in B.suggestions(store))


def test_suggestions_for_shared_phone_across_buyers(store: Store, engine: Engine) -> None:
    body = "Need 500 pcs HX-SP101. Tel: +49 30 1234 5678"
    ingest(store, engine,
           mail("a.eml", message("Pots A", sender="Max Weber <max@kochwelt.de>", body=body)),
           mail("b.eml", message("Pots B", sender="Max Weber <maxweber@web-mail-xyz.de>",
                                 body=body)))
    bs = {i.buyer_id for i in store.inbox()}
    keys = [k for b in bs for k in B.buyer(store, b).keys]
    if not any(k[0] == "phone" for k in keys):
        pytest.skip("the engine found no phone in this body")
    # A shared phone links automatically (phone comes before domain).
    assert len(bs) == 1


def test_suggest_after_conflicting_keys(store: Store, engine: Engine) -> None:
    ingest(store, engine,
           mail("a.eml", message("Order 1", sender="sales@alpha-imports.com")),
           mail("b.eml", message("Order 2", sender="bob@beta-imports.com")))
    ids = inquiry_ids(store)
    a = store.get(ids["Order 1"]).item.buyer_id
    b = store.get(ids["Order 2"]).item.buyer_id
    with store.session.begin() as session:  # the same phone on both, as an import might
        session.add_all([B.BuyerKey(buyer_id=a, kind="phone", value="4930123456"),
                         B.BuyerKey(buyer_id=b, kind="phone", value="4930123456")])
    found = B.suggestions(store)
    assert [(s.buyer_id, s.other_id, s.rule, s.quote) for s in found] == [
        (min(a, b), max(a, b), "phone", "4930123456")]


def test_thread_answer_by_in_reply_to_records_buyer_answered(store: Store,
                                                             engine: Engine) -> None:
    ingest(store, engine, mail("a.eml", message("Stockpots", message_id="<q1@baker>")))
    first = inquiry_ids(store)["Stockpots"]
    answer = message("Our order details", message_id="<q2@baker>",
                     date="Wed, 23 Sep 2026 08:00:00 +1000",
                     extra="In-Reply-To: <ours-77@hengxin>\nReferences: <q1@baker>\n"
                           " <ours-77@hengxin>\n")
    ingest(store, engine, mail("b.eml", answer))
    ingest(store, engine, mail("b.eml", answer))  # again: recorded once
    got = O.events(store, first)
    assert [(e.kind, e.detail) for e in got] == [
        ("buyer_answered", f"inquiry {inquiry_ids(store)['Our order details']}")]


def test_thread_answer_by_re_subject_within_30_days(store: Store, engine: Engine) -> None:
    ingest(store, engine,
           mail("a.eml", message("Frying pans", date="Mon, 01 Jun 2026 08:00:00 +0000")),
           mail("b.eml", message("Re: Frying pans", date="Tue, 09 Jun 2026 08:00:00 +0000")),
           mail("c.eml", message("Re: Woks", date="Tue, 01 Sep 2026 08:00:00 +0000")))
    ids = inquiry_ids(store)
    assert [e.kind for e in O.events(store, ids["Frying pans"])] == ["buyer_answered"]
    assert O.events(store, ids["Re: Frying pans"]) == []
    assert [e for e in O.events(store) if e.detail == f"inquiry {ids['Re: Woks']}"] == []


def test_events_outcomes_and_orders(store: Store, engine: Engine) -> None:
    ids = two_mailboxes(store, engine)
    pots = ids["Stockpots for our restaurants"]
    O.add_event(store, pots, "replied", at=NOW, by="lily")
    assert store.get(pots).item.status == "replied"
    with pytest.raises(O.OutcomeError, match="reason"):
        O.set_outcome(store, pots, "lost")
    with pytest.raises(O.OutcomeError):
        O.set_outcome(store, pots, "maybe")
    with pytest.raises(O.OutcomeError):
        O.add_event(store, pots, "dance")
    O.set_outcome(store, pots, "lost", reason="price too high", by="lily")
    O.set_outcome(store, pots, "won", by="lily")  # the latest word counts
    assert O.outcomes(store)[pots].result == "won"
    assert store.get(pots).item.status == "closed"
    assert [e.kind for e in O.events(store, pots)] == ["replied", "outcome", "outcome"]
    buyer = store.get(pots).item.buyer_id
    order = O.add_order(store, buyer, amount=12500.5, currency="eur", profit=2100,
                        date=NOW, products="HX-SP101", quantity=500, paid="late",
                        inquiry_id=pots)
    assert (order.currency, order.paid, order.inquiry_id) == ("EUR", "late", pots)
    with pytest.raises(O.OutcomeError):
        O.add_order(store, buyer, amount=1, date=NOW, paid="never")
    with pytest.raises(O.OutcomeError):
        O.add_order(store, 99999, amount=1, date=NOW)


# --------------------------------------------------------------------------- value


def facts(buyer: int, amount: float, profit: float, paid: str = "on_time",
          days_ago: int = 10, currency: str = "USD") -> customers.OrderFacts:
    return customers.OrderFacts(buyer, NOW - timedelta(days=days_ago), amount, currency,
                                profit, paid)


def test_value_grade_weights_from_settings() -> None:
    orders = [facts(1, 100_000, 20_000), facts(2, 50_000, 4_000, "late"),
              facts(3, 5_000, 100, "unpaid"), facts(3, 900_000, 1, days_ago=365 * 3)]
    rows = customers.value_grades(orders, Settings().value, NOW)
    by = {r.buyer_id: r for r in rows}
    assert by[1].score == 100.0 and by[1].grade == "key"
    # credit 50*.1 + amount 50*.3 + profit 20*.6 = 5 + 15 + 12
    assert by[2].score == 32.0 and by[2].grade == "ordinary"
    assert by[3].orders == 1  # the order three years ago is outside the window
    tilted = Settings(value={"credit": 0.5, "amount": 0.5, "profit": 0, "major_at": 30})
    assert {r.buyer_id: r.grade for r in customers.value_grades(orders, tilted.value, NOW)}[2] \
        == "major"


def test_pareto_finds_the_buyers_making_80_percent() -> None:
    orders = [facts(1, 600, 0), facts(2, 250, 0), facts(3, 100, 0), facts(4, 50, 0)]
    report = customers.pareto(customers.value_grades(orders, Settings().value, NOW))
    assert [r.buyer_id for r in report.top] == [1, 2]
    assert report.total_usd == 1000 and report.top[-1].cumulative == pytest.approx(0.85)
    assert report.top_share_of_buyers == 0.5


def test_currency_conversion_and_unknown_currency() -> None:
    assert customers.usd(100, "eur") == pytest.approx(108)
    with pytest.raises(ValueError):
        customers.usd(1, "XXX")


def test_lifecycle_and_loyalty_definitions() -> None:
    fact = customers.InquiryFacts
    recent_a = fact(NOW - timedelta(days=20), "A", "none", "ready_buyer")
    old_c = fact(NOW - timedelta(days=400), "C", "none", "info_gathering")
    spam = fact(NOW, "E", "spam", "not_inquiry")
    assert customers.lifecycle([spam], [], NOW) == "non-customer"
    assert customers.lifecycle([old_c, spam], [], NOW) == "potential"
    assert customers.lifecycle([recent_a], [], NOW) == "target"
    lost_a = fact(NOW - timedelta(days=20), "A", "none", "ready_buyer", "lost")
    assert customers.lifecycle([lost_a], [], NOW) == "potential"
    assert customers.lifecycle([], [facts(1, 1, 1, days_ago=30)], NOW) == "current"
    assert customers.lifecycle([], [facts(1, 1, 1, days_ago=500)], NOW) == "lost"
    assert customers.loyalty([], NOW) == ""
    assert customers.loyalty([facts(1, 1, 1, days_ago=30)], NOW) == "new"
    assert customers.loyalty([facts(1, 1, 1, days_ago=400)], NOW) == "old"
    three = [facts(1, 1, 1, days_ago=d) for d in (20, 200, 420)]
    assert customers.loyalty(three, NOW) == "loyal"
    assert customers.loyalty([*three[:2], facts(1, 1, 1, "unpaid", 420)], NOW) == "old"


def test_customers_and_value_report_from_the_store(store: Store, engine: Engine) -> None:
    ids = two_mailboxes(store, engine)
    tom = store.get(ids["Stockpots for our restaurants"]).item.buyer_id
    luis = store.get(ids["Cookware from Peru"]).item.buyer_id
    O.add_order(store, tom, amount=90_000, profit=18_000, date=NOW - timedelta(days=5))
    O.add_order(store, luis, amount=10_000, profit=500, date=NOW - timedelta(days=800),
                paid="late")
    got = {c.id: c for c in customers.customers(store, Settings(), NOW)}
    assert (got[tom].lifecycle, got[tom].loyalty, got[tom].value_grade) == ("current", "new",
                                                                          "key")
    assert (got[luis].lifecycle, got[luis].loyalty, got[luis].value_grade) == ("lost", "old",
                                                                              "")
    rows, top = customers.value_report(store, Settings(), NOW)
    assert [r.buyer_id for r in rows] == [tom] and [t.buyer_id for t in top.top] == [tom]


# --------------------------------------------------------------------------- reactivation


def test_reactivate_leaves_out_customers_bouncing_spam_and_dates(store: Store,
                                                                 engine: Engine,
                                                                 tmp_path) -> None:
    ids = two_mailboxes(store, engine)
    ingest(store, engine, mail("s.eml", message(
        "Dear customer", sender="x@promo-mail.top",
        body="Dear customer, your account has been suspended. Verify your password at "
             "http://paypa1-verify.top/login immediately or your mailbox will be deleted.")))
    tom = store.get(ids["Stockpots for our restaurants"]).item.buyer_id
    O.add_order(store, tom, amount=5000, date=NOW - timedelta(days=3))
    store.mark_bounced("ana.p@gmail.com")
    rows = customers.reactivate(store, now=NOW)
    mailboxes = [r.mailbox for r in rows]
    assert mailboxes == ["luis.rojas@gmail.com"]
    r = rows[0]
    assert r.number == 1 and r.grade in "ABC" and r.inquiry_date in ("2026-09-20",
                                                                     "2026-09-21")
    assert customers.reactivate(store, since=datetime(2026, 10, 1, tzinfo=UTC), now=NOW) == []
    out = tmp_path / "old.xlsx"
    customers.reactivation_xlsx(rows, out)
    sheet = openpyxl.load_workbook(out).active
    assert [c.value for c in sheet[1]][:10] == list(customers.REACTIVATION_COLUMNS[:10])
    assert sheet.cell(2, 3).value == "luis.rojas@gmail.com"
    assert sheet.cell(2, 10).value == r.language


def test_regrade_rules() -> None:
    assert customers.regrade("A", "Tom", "Baker Pty", [], "x") == "A"
    assert customers.regrade("B", "Tom", "", ["+61"], "x") == "A"
    assert customers.regrade("A", "", "", [], "x") == "B"
    assert customers.regrade("D", "", "", [], "x") == "C"


def test_exports_csv_and_xlsx(store: Store, engine: Engine, tmp_path) -> None:
    two_mailboxes(store, engine)
    rows = customers.inquiry_rows(store)
    customers.write_table(rows, customers.INQUIRY_COLUMNS, "csv", tmp_path / "i.csv")
    with open(tmp_path / "i.csv", encoding="utf-8-sig", newline="") as f:
        read = list(csv.DictReader(f))
    assert len(read) == 4 and {r["subject"] for r in read} >= {"Kettles"}
    brows = customers.buyer_rows(store, Settings(), NOW)
    customers.write_table(brows, customers.BUYER_COLUMNS, "xlsx", tmp_path / "b.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "b.xlsx").active
    assert sheet.max_row == 4 and sheet.cell(1, 8).value == "lifecycle"
    with pytest.raises(ValueError):
        customers.write_table(rows, customers.INQUIRY_COLUMNS, "pdf", tmp_path / "x")


# --------------------------------------------------------------------------- today, reports


def test_tracked_today_and_reports_from_the_store(store: Store, engine: Engine) -> None:
    ids = two_mailboxes(store, engine)
    pots, pans = ids["Stockpots for our restaurants"], ids["Frying pans 300 pcs"]
    got = store.get(pots).item.received_at
    O.add_event(store, pots, "replied", at=got + timedelta(hours=3))
    O.add_event(store, pots, "replied", at=got + timedelta(hours=30))
    O.add_event(store, pots, "note", at=got + timedelta(hours=31), detail="likes red")
    O.set_outcome(store, pans, "no_answer")
    items = {t.id: t for t in customers.tracked(store)}
    assert items[str(pots)].replied == got + timedelta(hours=3)
    assert [k for _, k in items[str(pots)].events] == ["replied", "replied"]
    assert items[str(pans)].outcome == "no_answer"
    store.update(pots, owner="lily")
    now = datetime(2026, 9, 22, 3, 0, tzinfo=UTC)
    tasks = customers.today_list(store, Settings(), now)
    assert str(pans) not in {t.id for t in tasks}
    assert all(t.owner == "lily" for t in customers.today_list(store, Settings(), now, "lily"))
    summary = customers.report(store, Settings(), "weekly", date(2026, 9, 21))
    assert summary.inquiries == 4 and summary.replied == 1
    assert summary.reply_buckets["0–6 h"] == 1
    assert "Weekly summary" in customers.render_report(summary, "text")
    assert "<" in customers.render_report(summary, "html")
    assert customers.render_report(summary, "xlsx")[:2] == b"PK"
    with pytest.raises(ValueError):
        customers.report(store, Settings(), "yearly", date(2026, 9, 21))
