"""The buyer pages and the Today list through FastAPI's TestClient.

The archive is the bundled demo (``test_web.seed``) plus two orders and two inquiries
received an hour or two ago: one from a demo buyer that mandy already serves, now owned
by jason (so that buyer has inquiries of two salespeople), and one from a new buyer owned
by mandy (so Today has fresh work whatever the date).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from fastapi.testclient import TestClient
from test_web import DEMO, csrf_of, find, seed, sign_in

from inquirydesk import customers
from inquirydesk.model import RawItem
from inquirydesk.services import make_engine
from inquirydesk.store import Store
from inquirydesk.store import buyers as buyer_store
from inquirydesk.store import outcomes as outcome_store
from inquirydesk.store.schema import BuyerKey
from inquirydesk.web import buyers as pages
from inquirydesk.web import create_app
from inquirydesk.web.services import Invalid

RACHEL = "rachel@kurrajongkitchen.com.au"


def inquiry_mail(sender: str, subject: str, body: str, hours_ago: float, tag: str) -> bytes:
    sent = format_datetime(datetime.now(UTC) - timedelta(hours=hours_ago))
    return (f"From: {sender}\nTo: sales@hengxin-kitchenware.com\nSubject: {subject}\n"
            f"Date: {sent}\nMessage-ID: <{tag}@buyers.test>\nMIME-Version: 1.0\n"
            f"Content-Type: text/plain; charset=utf-8\n\n{body}\n").encode()


FRESH_FOR_JASON = inquiry_mail(
    f"Rachel Nguyen <{RACHEL}>", "Second range: stockpots HX-SP101 for Q2",
    "Hi team,\n\nfurther to our cookware order we also need 800 pcs stockpot HX-SP101, "
    "FOB Ningbo, delivery in May, payment T/T 30/70. Please quote.\n\nBest regards,\n"
    "Rachel Nguyen\nPurchasing Manager\nKurrajong Kitchen Supplies Pty Ltd", 1, "fresh-jason")
FRESH_FOR_MANDY = inquiry_mail(
    "Lena Fischer <lena.fischer@kuechenwelt-handel.de>", "Stockpots HX-SP101, 500 pcs",
    "Dear Hengxin team,\n\nwe are a kitchenware importer in Hamburg supplying 40 shops. "
    "Please quote 500 pcs stockpot HX-SP101, FOB Ningbo, delivery within 45 days, payment "
    "T/T.\n\nBest regards,\nLena Fischer\nEinkauf, Küchenwelt Handels GmbH\n"
    "Tel +49 40 5550 1234", 2, "fresh-mandy")


def build(tmp_path_factory, name: str):
    settings = seed(tmp_path_factory.mktemp(name))
    app = create_app(settings)
    store: Store = app.state.store
    store.ingest([RawItem("fresh-jason.eml", "file", data=FRESH_FOR_JASON),
                  RawItem("fresh-mandy.eml", "file", data=FRESH_FOR_MANDY)],
                 make_engine([DEMO]), workers=1)
    store.update(find(store, "Second range"), owner="jason")
    store.update(find(store, "Stockpots HX-SP101"), owner="mandy")
    katrin = store.get(find(store, "Nachbestellung")).item.buyer_id
    saudi = store.get(find(store, "طلب عرض سعر")).item.buyer_id
    outcome_store.add_order(store, katrin, amount=12000, profit=2400, products="GN pans",
                            quantity=500, date=datetime.now(UTC) - timedelta(days=30))
    outcome_store.add_order(store, saudi, amount=3000, currency="EUR", profit=300,
                            paid="late", date=datetime.now(UTC) - timedelta(days=60))
    return app


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    application = build(tmp_path_factory, "buyers")
    yield application
    application.state.store.close()


@pytest.fixture
def store(app) -> Store:
    return app.state.store


def client_for(app, name: str) -> TestClient:
    client = TestClient(app)
    sign_in(client, name, f"{name}-pw")
    return client


def buyer_of(store: Store, subject_start: str) -> int:
    return store.get(find(store, subject_start)).item.buyer_id


# ---------------------------------------------------------------------- the list


def test_the_list_and_its_json_twin_show_every_buyer_best_value_first(app, store) -> None:
    boss = client_for(app, "boss")
    data = boss.get("/api/buyers").json()
    assert data["total"] == len(buyer_store.buyers(store)) == data["count"]
    ranked = [b["id"] for b in data["buyers"]]
    # The two buyers with orders lead, the larger (key) first; the rest newest first.
    assert ranked[:2] == [buyer_of(store, "Nachbestellung"), buyer_of(store, "طلب عرض سعر")]
    assert [b["value_grade"] for b in data["buyers"][:2]] == ["key", "ordinary"]
    rest = [b["last_seen"] for b in data["buyers"][2:]]
    assert rest == sorted(rest, reverse=True)
    by_id = {c.id: c for c in customers.customers(store, app.state.settings)}
    for b in data["buyers"]:
        assert (b["lifecycle"], b["value_grade"], b["orders"]) == (
            by_id[b["id"]].lifecycle, by_id[b["id"]].value_grade, by_id[b["id"]].orders)
    page = boss.get("/buyers").text
    assert all(f'href="/buyers/{i}"' in page for i in ranked)
    assert page.index(f'href="/buyers/{ranked[0]}"') < page.index(f'href="/buyers/{ranked[2]}"')
    assert "Key buyer" in page and "Current customer" in page


def test_search_finds_buyers_by_name_company_email_and_phone_in_any_script(app) -> None:
    boss = client_for(app, "boss")

    def names(q: str) -> list[str]:
        return [b["name"] for b in boss.get("/api/buyers", params={"q": q}).json()["buyers"]]

    assert names("周海燕") == ["周海燕"]
    assert names("金瑞") == ["周海燕"]  # the company, in Chinese
    assert names("jinrui-trade") == ["周海燕"]
    assert names("KATRIN nordgastro") == ["Katrin Vogt"]  # every word, any case
    assert names("Lena") == ["Lena Fischer"]
    assert names("55501234") == ["Lena Fischer"]  # a phone, from the buyer's keys
    assert names("no-such-buyer-anywhere") == []
    page = boss.get("/buyers", params={"q": "周海燕"}).text
    assert "周海燕" in page and "Katrin Vogt" not in page


def test_filters_by_value_grade_and_lifecycle_and_pages(app, store) -> None:
    boss = client_for(app, "boss")
    key = boss.get("/api/buyers?value=key").json()["buyers"]
    assert [b["id"] for b in key] == [buyer_of(store, "Nachbestellung")]
    none = boss.get("/api/buyers?value=none").json()
    assert none["total"] and all(b["value_grade"] == "" for b in none["buyers"])
    target = boss.get("/api/buyers?lifecycle=target").json()["buyers"]
    assert target and all(b["lifecycle"] == "target" for b in target)
    assert boss.get("/api/buyers?page=2").json()["buyers"] == []
    boss_user = _user(store, "boss")
    everyone = pages.buyers(store, boss_user, app.state.settings, {}).rows
    pieces = [pages.buyers(store, boss_user, app.state.settings, {"page": str(n)},
                           per_page=5) for n in range(1, 7)]
    assert pieces[0].pages == -(-len(everyone) // 5)
    assert [c.id for p in pieces for c in p.rows] == [c.id for c in everyone]


def _user(store: Store, name: str):
    from inquirydesk.store import desk

    return desk.get_user(store, name)


def test_bad_filters_get_a_clear_error_not_a_crash(app) -> None:
    boss = client_for(app, "boss")
    for query in ("page=0", "page=two", "value=gold", "lifecycle=sleeping"):
        response = boss.get(f"/api/buyers?{query}")
        assert response.status_code == 400, query
        assert query.split("=")[1] in response.json()["error"]
    assert boss.get("/buyers?value=gold").status_code == 400
    with pytest.raises(Invalid):
        pages.buyers(boss.app.state.store, _user(boss.app.state.store, "boss"),
                     boss.app.state.settings, {"page": "-1"})


# ---------------------------------------------------------------------- who sees what


def test_salespeople_see_buyers_of_their_own_and_pool_inquiries(app, store) -> None:
    mexican = buyer_of(store, "Cotización")  # jason's only
    rachel = buyer_of(store, "RE: Quotation")  # mandy's, and now jason's too
    lena = buyer_of(store, "Stockpots HX-SP101")  # mandy's
    katrin = buyer_of(store, "Nachbestellung")  # the pool's
    mandy = client_for(app, "mandy")
    seen = {b["id"] for b in mandy.get("/api/buyers").json()["buyers"]}
    assert {rachel, lena, katrin} <= seen and mexican not in seen
    assert mandy.get(f"/api/buyers/{mexican}").status_code == 403
    assert "error" in mandy.get(f"/api/buyers/{mexican}").json()
    assert mandy.get(f"/buyers/{mexican}").status_code == 403
    jason = client_for(app, "jason")
    assert mexican in {b["id"] for b in jason.get("/api/buyers").json()["buyers"]}
    assert lena not in {b["id"] for b in jason.get("/api/buyers").json()["buyers"]}
    assert client_for(app, "boss").get(f"/api/buyers/{mexican}").status_code == 200


def test_a_buyer_shared_by_two_salespeople_shows_each_only_their_inquiries(app, store) -> None:
    rachel = buyer_of(store, "RE: Quotation")
    mandys, jasons = find(store, "RE: Quotation"), find(store, "Second range")
    assert store.get(jasons).item.buyer_id == rachel  # the same address: the same buyer
    mine = client_for(app, "mandy").get(f"/api/buyers/{rachel}").json()
    assert [i["id"] for i in mine["inquiries"]] == [mandys]
    assert mine["hidden_inquiries"] == 1 and mine["buyer"]["inquiries"] == 2
    page = client_for(app, "mandy").get(f"/buyers/{rachel}").text
    assert f'href="/inquiries/{mandys}"' in page and f"/inquiries/{jasons}" not in page
    assert "Second range" not in page
    theirs = client_for(app, "jason").get(f"/api/buyers/{rachel}").json()
    assert [i["id"] for i in theirs["inquiries"]] == [jasons]
    everything = client_for(app, "boss").get(f"/api/buyers/{rachel}").json()
    assert {i["id"] for i in everything["inquiries"]} == {mandys, jasons}
    assert {i["owner"] for i in everything["inquiries"]} == {"mandy", "jason"}
    assert everything["hidden_inquiries"] == 0


def test_unknown_buyers_are_404_as_json_and_as_a_page(app) -> None:
    boss = client_for(app, "boss")
    response = boss.get("/api/buyers/999999")
    assert response.status_code == 404 and "999999" in response.json()["error"]
    assert boss.get("/buyers/999999").status_code == 404
    assert "error" in boss.get("/api/buyers/not-a-number").json()
    assert TestClient(app).get("/api/buyers").status_code == 401


# ---------------------------------------------------------------------- one buyer


def test_the_buyer_page_explains_value_lifecycle_and_loyalty(app, store) -> None:
    katrin = buyer_of(store, "Nachbestellung")
    boss = client_for(app, "boss")
    data = boss.get(f"/api/buyers/{katrin}").json()
    rows, _ = customers.value_report(store, app.state.settings)
    row = next(r for r in rows if r.buyer_id == katrin)
    value = data["value"]
    assert (value["grade"], value["score"], value["credit"], value["amount"],
            value["profit"]) == (row.grade, row.score, row.credit, row.amount, row.profit)
    weights = value["weights"]
    assert value["score"] == pytest.approx(weights["credit"] * value["credit"]
                                           + weights["amount"] * value["amount"]
                                           + weights["profit"] * value["profit"], abs=0.1)
    assert (data["lifecycle"], data["loyalty"]) == ("current", "new")
    assert [(o["products"], o["amount"], o["paid"]) for o in data["orders"]] == [
        ("GN pans", 12000.0, "on_time")]
    page = boss.get(f"/buyers/{katrin}").text
    assert "Key buyer" in page and "GN pans" in page and "Current customer" in page
    assert "An order in the last 365 days." in page and "New customer" in page
    saudi = client_for(app, "boss").get(
        f"/api/buyers/{buyer_of(store, 'طلب عرض سعر')}").json()
    assert saudi["value"]["credit"] == 50.0  # paid late
    lena = client_for(app, "mandy").get(
        f"/api/buyers/{buyer_of(store, 'Stockpots HX-SP101')}").json()
    assert lena["value"] is None and lena["orders"] == [] and lena["loyalty"] == ""


def test_pages_speak_chinese_for_mandy(app, store) -> None:
    mandy = client_for(app, "mandy")
    page = mandy.get("/buyers").text
    assert "价值等级" in page and "生命周期" in page and "Value grade" not in page
    detail = mandy.get(f"/buyers/{buyer_of(store, 'Nachbestellung')}").text
    assert "重点客户" in detail and "现有客户" in detail
    assert "截止（我方时间）" in mandy.get("/today").text


# ---------------------------------------------------------------------- today


def test_today_lists_mandys_own_tasks_and_everyones_for_the_boss(app, store) -> None:
    settings = app.state.settings
    mandys, jasons = find(store, "Stockpots HX-SP101"), find(store, "Second range")
    mandy = client_for(app, "mandy").get("/api/today").json()
    ids = [t["inquiry_id"] for t in mandy["tasks"]]
    assert mandys in ids and jasons not in ids
    assert {t["owner"] for t in mandy["tasks"]} == {"mandy"}
    planned = customers.today_list(store, settings, owner="mandy")
    assert [(t["id"], t["kind"]) for t in mandy["tasks"]] == [(t.id, t.kind) for t in planned]
    fresh = next(t for t in mandy["tasks"] if t["inquiry_id"] == mandys)
    assert fresh["kind"] == "reply" and fresh["buyer_timezone"] == "Europe/Berlin"
    assert fresh["seller_timezone"] == settings.timezone
    due = datetime.fromisoformat(fresh["due_seller_local"])
    assert due == datetime.fromisoformat(fresh["due_buyer_local"])  # one moment, two clocks
    assert mandy["overdue"] == sum(t["overdue"] for t in mandy["tasks"])

    boss = client_for(app, "boss")
    everyone = boss.get("/api/today").json()
    assert {mandys, jasons} <= {t["inquiry_id"] for t in everyone["tasks"]}
    assert everyone["count"] == len(customers.today_list(store, settings))
    only_jason = boss.get("/api/today?owner=jason").json()["tasks"]
    assert jasons in [t["inquiry_id"] for t in only_jason]
    assert {t["owner"] for t in only_jason} == {"jason"}
    pool = boss.get("/api/today?owner=pool").json()["tasks"]
    assert pool and {t["owner"] for t in pool} == {""}


def test_today_page_links_each_task_and_marks_the_overdue(app, store) -> None:
    boss = client_for(app, "boss")
    data = boss.get("/api/today?owner=mandy").json()
    page = boss.get("/today?owner=mandy").text
    for t in data["tasks"]:
        assert f'href="/inquiries/{t["inquiry_id"]}"' in page
    assert page.count('class="overdue-mark"') == data["overdue"]
    assert 'value="jason"' in page  # the owner filter lists the people
    assert "Europe/Berlin" in page


def test_salespeople_cannot_read_another_ones_today(app) -> None:
    mandy = client_for(app, "mandy")
    response = mandy.get("/api/today?owner=jason")
    assert response.status_code == 403 and "jason" in response.json()["error"]
    pool = mandy.get("/api/today?owner=pool").json()["tasks"]
    assert {t["owner"] for t in pool} <= {""}


# ---------------------------------------------------------------------- merging


@pytest.fixture(scope="module")
def merging(tmp_path_factory):
    """A second archive: the merge tests change who is who."""
    application = build(tmp_path_factory, "merging")
    yield application
    application.state.store.close()


def _share_a_phone(store: Store, a: int, b: int) -> None:
    """Two buyers holding the same phone, as an import of an old address book leaves them."""
    with store.session.begin() as session:
        session.add_all([BuyerKey(buyer_id=a, kind="phone", value="4940555012345"),
                         BuyerKey(buyer_id=b, kind="phone", value="4940555012345")])


def test_merging_a_suggested_buyer_needs_a_manager_and_the_csrf_token(merging) -> None:
    store = merging.state.store
    keep, other = buyer_of(store, "Nachbestellung"), buyer_of(store, "Stockpots HX-SP101")
    _share_a_phone(store, keep, other)
    boss = TestClient(merging)
    token = sign_in(boss, "boss", "boss-pw")
    shown = boss.get(f"/api/buyers/{keep}").json()
    assert [(s["id"], s["rule"], s["quote"]) for s in shown["suggestions"]] == [
        (other, "phone", "4940555012345")]
    assert shown["can_merge"] is True
    assert f'name="other" value="{other}"' in boss.get(f"/buyers/{keep}").text

    mandy = TestClient(merging)
    mandy_token = sign_in(mandy, "mandy", "mandy-pw")
    assert mandy.get(f"/api/buyers/{other}").json()["can_merge"] is False
    assert 'name="other"' not in mandy.get(f"/buyers/{other}").text
    refused = mandy.post(f"/buyers/{other}/merge", data={"csrf": mandy_token, "other": keep})
    assert refused.status_code == 403
    assert boss.post(f"/buyers/{keep}/merge", data={"csrf": "forged", "other": other}
                     ).status_code == 403
    assert buyer_store.buyer(store, other).inquiries == 1  # nothing moved

    done = boss.post(f"/buyers/{keep}/merge", data={"csrf": token, "other": str(other)},
                     follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/buyers/{keep}"
    after = boss.get(f"/api/buyers/{keep}").json()
    assert find(store, "Stockpots HX-SP101") in [i["id"] for i in after["inquiries"]]
    assert after["suggestions"] == []
    assert [(m["rule"], m["by"], m["source_buyer_id"]) for m in after["merges"]
            if m["manual"]] == [("hand", "boss", other)]
    gone = boss.get(f"/api/buyers/{other}")
    assert gone.status_code == 404 and f"merged into buyer {keep}" in gone.json()["error"]
    assert other not in [b["id"] for b in boss.get("/api/buyers").json()["buyers"]]
    assert csrf_of(boss.get(f"/buyers/{keep}").text) == token


def test_the_merge_api_refuses_bad_requests_and_changes_nothing(merging) -> None:
    store = merging.state.store
    keep = buyer_of(store, "Cotización")
    boss = TestClient(merging)
    token = sign_in(boss, "boss", "boss-pw")
    headers = {"x-csrf-token": token}
    before = len(buyer_store.buyers(store))
    for body, status in ((b"not json", 400), (b'{"other": "x"}', 400),
                         (f'{{"other": {keep}}}'.encode(), 400),
                         (b'{"other": 999999}', 400)):
        response = boss.post(f"/api/buyers/{keep}/merge", content=body, headers=headers)
        assert response.status_code == status, body
        assert response.json()["error"]
    missing = boss.post("/api/buyers/999999/merge", json={"other": keep}, headers=headers)
    assert missing.status_code == 404
    assert len(buyer_store.buyers(store)) == before
    other = buyer_of(store, "Demande de catalogue")
    merged = boss.post(f"/api/buyers/{keep}/merge", json={"other": other}, headers=headers)
    assert merged.status_code == 200
    assert merged.json()["source_buyer_id"] == other and merged.json()["by"] == "boss"
    assert len(buyer_store.buyers(store)) == before - 1
