"""The archive's store: idempotent ingestion, failures, bounces, history, inbox, search,
re-analysis.  Every test runs on SQLite and, when reachable, PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from test_store_bounces import DSN
from test_store_backends import DEMO, mail, message, row

from inquirydesk.engine import Engine, Understood
from inquirydesk.model import Analysis, RawItem, Seller
from inquirydesk.pipeline.history import History
from inquirydesk.records import GRADE_ORDER, to_record
from inquirydesk.sources import iter_inputs
from inquirydesk.store import Store, StoreError
from inquirydesk.store.schema import InputRow

pytest_plugins = ["test_store_backends"]  # the store, store_url and engine fixtures


def _count_inputs(store: Store) -> int:
    with store.session() as session:
        return session.scalar(select(func.count(InputRow.id))) or 0


# --------------------------------------------------------------------------- idempotency


def test_the_same_message_three_times_is_one_record(store: Store, engine: Engine) -> None:
    data = message("Stockpots for our restaurants")
    first = store.ingest([mail("inbox/a.eml", data)], engine)
    second = store.ingest([mail("inbox/a.eml", data)], engine)
    third = store.ingest([mail("elsewhere/copy.eml", data), mail("again.eml", data)], engine)
    assert (first.new, first.known) == (1, 0)
    assert (second.new, second.known) == (0, 1)
    assert (third.new, third.known) == (0, 2)
    assert store.stats()["inquiries"] == 1 and _count_inputs(store) == 1


def test_copies_from_other_mailboxes_and_mbox_exports_are_the_same_message(
        store: Store, engine: Engine) -> None:
    original = message("Cookware set inquiry", crlf=False)
    head, _, body = original.partition(b"\n\n")
    other_mailbox = (b"Received: from mx2.example (mx2.example [203.0.113.9])\n\tby mx.our-host"
                     b"\nDelivered-To: info@hengxin-kitchenware.com\nX-Spam-Score: 0.1\n"
                     + head + b"\n\n" + body.replace(b"\n", b"  \r\n") + b"\r\n\r\n")
    mbox_copy = b"From tom@baker-trading.com.au Mon Sep 21 00:00:00 2026\n" + head + \
        b"\nStatus: RO\nX-Mozilla-Status: 0001\n\n" + body
    summary = store.ingest([mail("a.eml", original), mail("b.eml", other_mailbox),
                            mail("c.mbox#1", mbox_copy, "mbox")], engine)
    assert (summary.new, summary.known) == (1, 2)


def test_different_messages_are_different_records(store: Store, engine: Engine) -> None:
    same_text = "Please quote 500 pcs of HX-SP101."
    items = [mail("a.eml", message("Quote", body=same_text, message_id="<1@x>")),
             mail("b.eml", message("Quote", body=same_text, message_id="<2@x>")),
             mail("c.eml", message("Quote", body=same_text + " Thanks.", message_id="<1@x>"))]
    assert store.ingest(items, engine).new == 3


def test_platform_rows_are_known_by_channel_and_inquiry_id(store: Store,
                                                           engine: Engine) -> None:
    assert store.ingest([row("AL-1"), row("AL-2")], engine).new == 2
    # The same inquiry exported again, with a changed cell, is still the same inquiry.
    again = store.ingest([row("AL-1", "changed text in a later export")], engine)
    assert (again.new, again.known) == (0, 1)
    # Another platform that numbers its inquiries alike needs its own channel key.
    other = store.ingest([row("AL-1")], engine, channel_key="made-in-china")
    assert other.new == 1
    # Rows without an id are known by their cells.
    no_id = [row("", "Need 300 woks HX-WK303"), row("", "Need 300 woks HX-WK303")]
    assert store.ingest(no_id, engine).new == 1


def _dying(items: list[RawItem], after: int) -> Iterator[RawItem]:
    """The items, until the import is killed after ``after`` of them."""
    for number, item in enumerate(items):
        if number == after:
            raise KeyboardInterrupt
        yield item


def test_an_import_killed_halfway_and_run_again_loses_and_doubles_nothing(
        store: Store, engine: Engine) -> None:
    items = [mail(f"m{n}.eml", message(f"Stockpots order {n}", message_id=f"<{n}@t>"))
             for n in range(23)]
    with pytest.raises(KeyboardInterrupt):
        store.ingest(_dying(items, 13), engine, batch_size=5)
    assert store.stats()["inquiries"] == 10  # two whole batches committed, the third lost
    summary = store.ingest(items, engine, batch_size=5)
    assert (summary.new, summary.known) == (13, 10)
    assert store.stats()["inquiries"] == 23 and _count_inputs(store) == 23
    sources = sorted(i.source for i in store.inbox(limit=100))
    assert sources == sorted(i.source for i in items)


# --------------------------------------------------------------------------- failures


class _BrokenRules(Engine):
    """An engine with a bug that bites on one message: what a faulty rule change does."""

    def judge(self, understood: Understood, history: History | None = None) -> Analysis:
        if "boom" in understood.inquiry.subject:
            raise ZeroDivisionError("a rule divided by zero")
        return super().judge(understood, history)


def test_failures_are_stored_raw_listed_and_tried_again(store: Store, engine: Engine) -> None:
    broken = _BrokenRules(seller=engine.seller, rulebook=engine.rulebook)
    boom = message("boom: stockpots")
    items = [mail("ok.eml", message("fine")), mail("boom.eml", boom),
             RawItem("gone.eml", "file", error="gone.eml: No such file or directory")]
    summary = store.ingest(items, broken)
    assert (summary.new, summary.failed) == (1, 2)
    assert {f.source: f.error for f in summary.failures} == {
        "boom.eml": "analyse error: ZeroDivisionError: a rule divided by zero",
        "gone.eml": "read error: gone.eml: No such file or directory"}
    listed = store.failures()
    assert [f.source for f in listed] == ["boom.eml", "gone.eml"]
    with store.session() as session:
        kept = session.scalar(select(InputRow.raw).where(InputRow.source == "boom.eml"))
    assert kept == boom  # the raw bytes, exactly
    # Coming again, failures are tried again (and fail again: still one record each).
    assert store.ingest(items, broken).failed == 2
    assert len(store.failures()) == 2 and _count_inputs(store) == 3
    # Once the rules are mended, the message is analysed; once the file is back, it is read.
    mended = store.ingest([mail("boom.eml", boom), mail("gone.eml", message("back"))], engine)
    assert (mended.new, mended.failed) == (2, 0)
    assert store.failures() == []
    assert store.stats()["inquiries"] == 3


def test_reanalysis_mends_failures_and_reports_them(store: Store, engine: Engine) -> None:
    broken = _BrokenRules(seller=engine.seller, rulebook=engine.rulebook)
    store.ingest([mail("boom.eml", message("boom: woks"))], broken)
    [change] = store.reanalyze(engine)
    assert (change.source, change.old_grade, change.old_risk) == ("boom.eml", None, None)
    assert change.new_grade in GRADE_ORDER
    assert store.failures() == [] and store.get(change.id) is not None


# --------------------------------------------------------------------------- bounces

def test_delivery_failures_mark_the_address_and_are_not_inquiries(store: Store,
                                                                  engine: Engine) -> None:
    summary = store.ingest([mail("bounce.eml", DSN), mail("a.eml", message("woks"))], engine)
    assert (summary.new, summary.bounces) == (1, 1)
    assert store.is_bouncing("old.buyer@gone-importer.com")
    assert store.is_bouncing("  OLD.BUYER@gone-importer.COM ")
    assert not store.is_bouncing("sunny@hengxin-kitchenware.com")
    assert [i.source for i in store.inbox()] == ["a.eml"]
    assert store.stats()["bounce"] == 1
    again = store.ingest([mail("bounce.eml", DSN)], engine)
    assert (again.known, again.bounces) == (1, 0)
    store.mark_bounced("Someone@Example.com")
    assert store.bouncing() == ["old.buyer@gone-importer.com", "someone@example.com"]


# --------------------------------------------------------------------------- the record


def test_each_stored_record_is_what_the_engine_says(store: Store, engine: Engine) -> None:
    items = list(iter_inputs([DEMO]))
    store.ingest(items, engine)
    expected = {to_record(a)["source"]: to_record(a) for a in engine.analyze_batch(items)}
    stored = {}
    for item in store.inbox(limit=1000):
        full = store.get(item.id)
        assert full is not None
        stored[item.source] = full.record
        assert full.rulebook == engine.rulebook.hash
    assert stored == expected


def test_get_returns_the_raw_input_and_the_columns(store: Store, engine: Engine) -> None:
    data = message("Stock pots", sender="Jane Roe <jane@roe-gastro.de>")
    store.ingest([mail("a.eml", data), row("AL-7")], engine, owner="Mandy")
    by_source = {i.source: i for i in store.inbox()}
    email = store.get(by_source["a.eml"].id)
    assert email is not None and email.raw == data and email.row is None
    assert email.item.sender_email == "jane@roe-gastro.de"
    assert email.item.owner == "Mandy" and email.item.status == "new"
    assert email.message_id and email.fingerprint.startswith("msg:")
    assert email.item.received_at == datetime(2026, 9, 20, 22, 0, tzinfo=UTC)
    platform = store.get(by_source["export.csv#AL-7"].id)
    assert platform is not None and platform.raw is None
    assert platform.row is not None and platform.row["inquiry_id"] == "AL-7"
    assert platform.fingerprint == "row:platform:AL-7"
    assert store.get(10_000) is None


# --------------------------------------------------------------------------- history


def test_repeats_are_seen_across_imports_as_within_one(store: Store, engine: Engine) -> None:
    first = mail("1.eml", message("Price for stockpots", date="Mon, 21 Sep 2026 08:00 +1000"))
    second = mail("2.eml", message("Price for stockpots again",
                                   date="Thu, 24 Sep 2026 08:00:00 +1000"))
    store.ingest([first], engine)
    store.ingest([second], engine)
    together = {a.source: to_record(a) for a in engine.analyze_batch([first, second])}
    alone = to_record(engine.analyze(second))
    stored = {i.source: store.get(i.id).record for i in store.inbox()}  # type: ignore[union-attr]
    assert stored["2.eml"] == together["2.eml"]
    rules = {e["rule"] for e in stored["2.eml"]["evidence"]}
    assert "auth.repeat_sender" in rules
    assert "auth.repeat_sender" not in {e["rule"] for e in alone["evidence"]}


# --------------------------------------------------------------------------- inbox


def _priority(item) -> tuple:
    return (item.risk != "none", GRADE_ORDER[item.grade], -item.total,
            -item.received_at.timestamp(), -item.id)


def test_the_inbox_is_in_priority_order_and_filters(store: Store, engine: Engine) -> None:
    store.ingest(iter_inputs([DEMO]), engine)
    everything = store.inbox(limit=1000)
    assert len(everything) == store.stats()["inquiries"] >= 20
    assert everything == sorted(everything, key=_priority)
    pages = store.inbox(limit=10) + store.inbox(limit=10, offset=10)
    assert pages == everything[:20]
    for name in ("grade", "risk", "country", "language"):
        value = getattr(everything[0], name)
        chosen = [i for i in everything if getattr(i, name) == value]
        assert store.inbox(limit=1000, **{name: value}) == chosen
    assert store.inbox(grade="a", limit=1000) == store.inbox(grade="A", limit=1000)
    ab = store.inbox(grade=["A", "B"], limit=1000)
    assert ab == [i for i in everything if i.grade in "AB"]
    country = everything[0].country
    both = store.inbox(grade=everything[0].grade, country=country.lower(), limit=1000)
    assert both == [i for i in everything if (i.grade, i.country) == (everything[0].grade,
                                                                      country)]


def test_owner_and_status(store: Store, engine: Engine) -> None:
    store.ingest([mail("a.eml", message("pots")), mail("b.eml", message("pans"))], engine)
    a, b = sorted(store.inbox(), key=lambda i: i.source)
    store.update(a.id, status="replied", owner="Jason")
    assert [i.id for i in store.inbox(status="replied")] == [a.id]
    assert [i.id for i in store.inbox(owner="Jason")] == [a.id]
    assert [i.id for i in store.inbox(status="new")] == [b.id]
    with pytest.raises(StoreError, match="status"):
        store.update(b.id, status="lost in space")


# --------------------------------------------------------------------------- search

CHINESE = "您好，我们需要无缝钢管500吨，请报FOB天津价格。另外需要不锈钢锅。"


def test_search_finds_chinese_words_without_segmentation(store: Store, engine: Engine) -> None:
    store.ingest([mail("zh.eml", message("询价 无缝钢管", body=CHINESE,
                                         sender="王伟 <wang@hs-trade.cn>")),
                  mail("en.eml", message("Seamless pipes", body="We need SEAMLESS pipe, "
                                         "100% tested, 50_000 m."))], engine)

    def found(text: str) -> list[str]:
        return [i.source for i in store.search(text)]

    assert found("无缝钢管") == ["zh.eml"]
    assert found("钢管") == ["zh.eml"]  # two characters: below a trigram, still found
    assert found("天津 钢管") == ["zh.eml"]
    assert found("锅") == ["zh.eml"]
    assert found("铝锅") == []
    assert found("seamless") == ["en.eml"]  # case does not matter
    assert found("Seamless PIPE") == ["en.eml"]
    assert found("wang@hs-trade") == ["zh.eml"]  # the sender is searchable
    assert found("100%") == ["en.eml"] and found("0_0") == ["en.eml"]
    assert found("1%0") == [] and found("5_0") == []  # % and _ are not wildcards
    assert found("   ") == []
    assert len(store.search("e", limit=1)) == 1


# --------------------------------------------------------------------------- re-analysis


def test_reanalysis_reports_what_changed_grade(store: Store, engine: Engine) -> None:
    items = list(iter_inputs([DEMO]))
    no_catalog = Engine(seller=Seller(), rulebook=engine.rulebook)
    store.ingest(items, no_catalog)
    before = {i.source: i for i in store.inbox(limit=1000)}
    store.update(next(iter(before.values())).id, status="replied", owner="Sunny")
    changes = store.reanalyze(engine)
    after = {i.source: i for i in store.inbox(limit=1000)}
    changed = {s for s in before if (before[s].grade, before[s].risk)
               != (after[s].grade, after[s].risk)}
    assert changed and {c.source for c in changes} == changed
    for c in changes:
        assert (c.old_grade, c.new_grade) == (before[c.source].grade, after[c.source].grade)
    expected = {to_record(a)["source"]: to_record(a)["grade"] for a in engine.analyze_batch(items)}
    assert {s: i.grade for s, i in after.items()} == expected
    # Owner, status and identity survive; doing it again changes nothing.
    assert [(i.status, i.owner) for i in after.values() if i.status != "new"] == [
        ("replied", "Sunny")]
    assert {s: i.id for s, i in after.items()} == {s: i.id for s, i in before.items()}
    assert store.reanalyze(engine) == []


def test_reanalysis_since_a_date(store: Store, engine: Engine) -> None:
    store.ingest([mail("old.eml", message("old", date="Mon, 02 Mar 2026 08:00:00 +0000")),
                  mail("new.eml", message("new", date="Mon, 21 Sep 2026 08:00:00 +0000"))],
                 Engine(seller=Seller(), rulebook=engine.rulebook))
    changes = store.reanalyze(engine, since=datetime(2026, 6, 1, tzinfo=UTC))
    assert {c.source for c in changes} <= {"new.eml"}
    old = next(i for i in store.inbox() if i.source == "old.eml")
    assert store.get(old.id).analysed_at < store.get(  # type: ignore[union-attr]
        next(i for i in store.inbox() if i.source == "new.eml").id).analysed_at  # type: ignore[union-attr]


# --------------------------------------------------------------------------- workers


def test_worker_processes_give_the_same_archive(store: Store, engine: Engine) -> None:
    base = list(iter_inputs([DEMO]))
    items = [replace(item, source=f"{n}/{item.source}",
                     data=item.data.replace(b"Message-ID: <", f"Message-ID: <{n}.".encode(), 1)
                     if item.data else None,
                     row={**item.row, "inquiry_id": f"{n}-{item.row['inquiry_id']}"}
                     if item.row else None)
             for n in range(4) for item in base]
    assert len(items) > 64  # enough for the worker pool to start
    with Store.open("sqlite://") as one_process:
        one_process.ingest(items, engine, workers=1)
        expected = {i.source: one_process.get(i.id).record  # type: ignore[union-attr]
                    for i in one_process.inbox(limit=1000)}
    assert store.ingest(items, engine, workers=2).new == len(expected)
    got = {i.source: store.get(i.id).record for i in store.inbox(limit=1000)}  # type: ignore[union-attr]
    assert got == expected
