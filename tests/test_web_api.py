"""The machine API through FastAPI's TestClient: submitting inquiries (raw, JSON fields,
form-encoded), duplicates and failures, listing, assignees, assigning by hand and the pool,
the inquiry page's assignment controls, and a schemathesis run over the whole OpenAPI.

The archive is the bundled demo (``test_web.seed``: users boss, mandy and jason) in a
temporary SQLite file; with no assignment settings the seller profile's people are the
rules, so German buyers go to Mandy and Mexican ones to Jason.
"""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from test_web import find, seed, sign_in

from inquirydesk.store import Store, desk
from inquirydesk.store import assign as assigning
from inquirydesk.web import create_app, intake


def german(subject: str = "Anfrage Bratpfanne HX-FP301") -> str:
    return (f"From: Anna Schmidt <anna@kuechen-handel.de>\r\n"
            f"To: sales@hengxin-kitchenware.com\r\nSubject: {subject}\r\n"
            f"Date: Mon, 21 Sep 2026 08:00:00 +0200\r\n"
            f"Message-ID: <{uuid.uuid5(uuid.NAMESPACE_URL, subject)}@kuechen-handel.de>\r\n"
            f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            f"Sehr geehrte Damen und Herren,\r\nwir benötigen 2000 Stück Bratpfanne "
            f"HX-FP301, 28 cm, CIF Hamburg, Lieferung im November.\r\n"
            f"Mit freundlichen Grüßen\r\nAnna Schmidt\r\nKüchen Handel GmbH\r\n")


FORM = {"name": "Carlos Ruiz", "email": "carlos@cocinas-ruiz.com.mx", "company": "Cocinas Ruiz",
        "country": "Mexico", "phone": "+52 55 1234 5678", "subject": "Ollas para restaurante",
        "message": "Buenos días, necesitamos ollas de acero inoxidable para restaurantes.",
        "product": "HX-SP101", "quantity": "800 pcs", "source": "website contact"}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    application = create_app(seed(tmp_path_factory.mktemp("api")))
    yield application
    application.state.store.close()


@pytest.fixture
def store(app) -> Store:
    return app.state.store


@pytest.fixture(scope="module")
def tokens(app) -> dict[str, str]:
    store = app.state.store
    return {name: desk.add_token(store, name, "tests") for name in ("boss", "mandy", "jason")}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# ---------------------------------------------------------------------- submitting


def test_a_raw_message_is_judged_stored_and_assigned(app, store, tokens) -> None:
    machine = TestClient(app)
    sent = machine.post("/api/inquiries", headers=bearer(tokens["boss"]),
                        json={"raw": german()})
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert body["outcome"] == "new" and body["duplicate"] is False
    assert body["inquiry"]["country"] == "DE" and body["inquiry"]["channel"] == "api"
    assert body["inquiry"]["owner"] == "mandy"  # Germany is in Mandy's markets
    analysis = body["analysis"]
    assert analysis["grade"] in "ABCDE" and analysis["risk"] == "none"
    assert analysis["total"] > 0 and 0 < analysis["probability"] <= 1
    assert analysis["language"] == "de" and analysis["evidence"]
    kept = store.get(body["id"])
    assert kept.raw.startswith(b"From: Anna Schmidt") and kept.item.owner == "mandy"
    [entry] = assigning.history(store, body["id"])
    assert entry.rule == "seller:mandy"
    again = machine.post("/api/inquiries", headers=bearer(tokens["boss"]),
                         json={"raw": german()})
    assert again.status_code == 200
    assert again.json()["id"] == body["id"] and again.json()["duplicate"] is True


def test_contact_form_fields_as_json_and_form_encoded(app, store, tokens) -> None:
    machine = TestClient(app)
    sent = machine.post("/api/inquiries", headers=bearer(tokens["boss"]), json=FORM)
    assert sent.status_code == 201, sent.text
    item = sent.json()["inquiry"]
    assert item["country"] == "MX" and item["owner"] == "jason"
    kept = store.get(item["id"])
    assert kept.row["registered_country"] == "MX" and kept.row["product_id"] == "HX-SP101"
    assert "Quantity: 800 pcs" in kept.row["message"]
    assert "HX-SP101" in kept.record["fields"]["products"]
    # the same form posted as a website's form backend would: the same inquiry
    posted = machine.post("/api/inquiries", headers=bearer(tokens["boss"]), data=FORM)
    assert posted.status_code == 200 and posted.json()["id"] == item["id"]
    other = machine.post("/api/inquiries", headers=bearer(tokens["boss"]),
                         data={**FORM, "message": "Otra consulta: 200 sartenes HX-FP301."})
    assert other.status_code == 201 and other.json()["id"] != item["id"]


def test_a_signed_in_form_post_needs_its_csrf_token(app, store) -> None:
    browser = TestClient(app)
    token = sign_in(browser, "boss", "boss-pw")
    form = {**FORM, "message": "Necesitamos 300 woks HX-WK303 para nuestra cadena."}
    assert browser.post("/api/inquiries", data=form).status_code == 403
    sent = browser.post("/api/inquiries", data={**form, "csrf": token})
    assert sent.status_code == 201, sent.text
    assert "csrf" not in store.get(sent.json()["id"]).row


def test_salespeople_submit_but_see_only_what_is_theirs(app, tokens) -> None:
    machine = TestClient(app)
    form = {**FORM, "message": "Cotización de 100 ollas a presión HX-PC401, por favor."}
    sent = machine.post("/api/inquiries", headers=bearer(tokens["mandy"]), json=form)
    assert sent.status_code == 201
    body = sent.json()
    assert body["id"] and body["inquiry"] is None and body["analysis"] is None  # Jason's


def test_a_message_that_cannot_be_read_is_kept_as_a_failure(app, store, tokens) -> None:
    machine = TestClient(app)
    junk = "this is no e-mail at all, just words pasted into the API"
    sent = machine.post("/api/inquiries", headers=bearer(tokens["boss"]), json={"raw": junk})
    assert sent.status_code == 422
    body = sent.json()
    assert "not an RFC 5322 message" in body["error"]
    failure = next(f for f in store.failures() if f.id == body["failure_id"])
    assert "not an RFC 5322 message" in failure.error and failure.channel == "api"
    again = machine.post("/api/inquiries", headers=bearer(tokens["boss"]), json={"raw": junk})
    assert again.status_code == 422 and again.json()["failure_id"] == body["failure_id"]


@pytest.mark.parametrize(("body", "field"), [
    ({}, "message"),
    ({"name": "Bob", "message": "   "}, "message"),
    ({"raw": 5}, "raw"),
    ({"raw": ""}, "raw"),
    ({"raw": "From: a@b.c\n\nhi", "message": "hi"}, "raw"),
    ({"message": "hi", "email": "not-an-address"}, "email"),
    ({"message": "hi", "country": "Atlantis"}, "country"),
    ({"message": "hi", "name": {"first": "Bob"}}, "name"),
    ({"message": "x" * 100_001}, "message"),
    ([1, 2], "body"),
])
def test_missing_or_invalid_fields_are_400_naming_the_field(app, store, tokens, body,
                                                            field) -> None:
    before = store.stats()
    sent = TestClient(app).post("/api/inquiries", headers=bearer(tokens["boss"]), json=body)
    assert sent.status_code == 400
    assert field in sent.json()["error"]
    assert store.stats() == before  # nothing stored


def test_a_body_that_is_not_json_is_400(app, tokens) -> None:
    machine = TestClient(app)
    sent = machine.post("/api/inquiries", content=b"{oops",
                        headers={**bearer(tokens["boss"]), "Content-Type": "application/json"})
    assert sent.status_code == 400 and "JSON" in sent.json()["error"]
    sent = machine.post("/api/inquiries", content=b"hello",
                        headers={**bearer(tokens["boss"]), "Content-Type": "text/plain"})
    assert sent.status_code == 400


def test_without_a_token_or_session_nothing_goes_in(app, store) -> None:
    before = store.stats()
    machine = TestClient(app)
    assert machine.post("/api/inquiries", json=FORM).status_code == 401
    assert machine.post("/api/inquiries", json=FORM,
                        headers=bearer("idk_wrong")).status_code == 401
    assert machine.get("/api/inquiries").status_code == 401
    assert machine.get("/api/assignees").status_code == 401
    assert store.stats() == before


# ---------------------------------------------------------------------- listing and users


def test_listing_pages_with_limit_and_offset_and_the_inbox_filters(app, tokens) -> None:
    machine = TestClient(app)
    boss = bearer(tokens["boss"])
    whole = machine.get("/api/inquiries?limit=500&status=all", headers=boss).json()
    ids = [i["id"] for i in whole["items"]]
    assert len(ids) > 6 and whole["more"] is False
    window = machine.get("/api/inquiries?limit=4&offset=3&status=all", headers=boss).json()
    assert [i["id"] for i in window["items"]] == ids[3:7] and window["more"] is True
    german_only = machine.get("/api/inquiries?country=de&status=all", headers=boss).json()
    assert german_only["count"] and {i["country"] for i in german_only["items"]} == {"DE"}
    risky = machine.get("/api/inquiries?folder=risky", headers=boss).json()
    assert risky["count"] and all(i["risk"] != "none" for i in risky["items"])
    mine = machine.get("/api/inquiries?limit=500&status=all",
                       headers=bearer(tokens["mandy"])).json()
    assert {i["owner"] for i in mine["items"]} <= {"mandy", ""}
    assert machine.get("/api/inquiries?limit=0", headers=boss).status_code == 422
    assert machine.get("/api/inquiries?folder=bin", headers=boss).status_code == 422


def test_assignees_lists_names_and_roles_to_everyone(app, tokens) -> None:
    people = TestClient(app).get("/api/assignees", headers=bearer(tokens["jason"])).json()
    roles = {p["username"]: p["role"] for p in people}
    assert roles["boss"] == "manager" and roles["mandy"] == "salesperson"
    assert next(p for p in people if p["username"] == "mandy")["display_name"] == "Mandy"


# ---------------------------------------------------------------------- assigning


def _pool_inquiry(store: Store) -> int:
    return next(i.id for i in store.inbox(limit=200) if i.owner == "")


def test_a_salesperson_claims_from_the_pool_and_releases_their_own(app, store,
                                                                  tokens) -> None:
    mandy = TestClient(app)
    headers = bearer(tokens["mandy"])
    pooled = _pool_inquiry(store)
    claimed = mandy.post(f"/api/inquiries/{pooled}/assign", headers=headers,
                         json={"owner": "mandy"})
    assert claimed.status_code == 200 and claimed.json()["owner"] == "mandy"
    # another salesperson cannot take it, nor can Mandy hand it on
    assert TestClient(app).post(f"/api/inquiries/{pooled}/assign",
                                headers=bearer(tokens["jason"]),
                                json={"owner": "jason"}).status_code == 403
    assert mandy.post(f"/api/inquiries/{pooled}/assign", headers=headers,
                      json={"owner": "jason"}).status_code == 403
    released = mandy.post(f"/api/inquiries/{pooled}/assign", headers=headers,
                          json={"owner": ""})
    assert released.status_code == 200 and released.json()["owner"] == ""
    log = mandy.get(f"/api/inquiries/{pooled}/assignments", headers=headers).json()
    assert [(e["owner"], e["by"], e["rule"]) for e in log][-2:] == [
        ("mandy", "mandy", ""), ("", "mandy", "")]


def test_a_salesperson_cannot_touch_anothers_inquiry_or_give_pool_ones_away(
        app, store, tokens) -> None:
    jasons = find(store, "Cotización")
    mandy = TestClient(app)
    headers = bearer(tokens["mandy"])
    assert mandy.post(f"/api/inquiries/{jasons}/assign", headers=headers,
                      json={"owner": "mandy"}).status_code == 403
    assert mandy.post(f"/api/inquiries/{_pool_inquiry(store)}/assign", headers=headers,
                      json={"owner": "jason"}).status_code == 403
    assert store.get(jasons).item.owner == "jason"


def test_a_manager_assigns_anything_to_anyone(app, store, tokens) -> None:
    boss = TestClient(app)
    headers = bearer(tokens["boss"])
    jasons = find(store, "Cotización")
    moved = boss.post(f"/api/inquiries/{jasons}/assign", headers=headers,
                      json={"owner": "mandy"})
    assert moved.status_code == 200 and moved.json()["owner"] == "mandy"
    assert boss.post(f"/api/inquiries/{jasons}/assign", headers=headers,
                     json={"owner": "nobody"}).status_code == 400
    desk.add_user(store, "gone", "gone-pw")
    desk.set_disabled(store, "gone")
    refused = boss.post(f"/api/inquiries/{jasons}/assign", headers=headers,
                        json={"owner": "gone"})
    assert refused.status_code == 400 and "disabled" in refused.json()["error"]
    assert "gone" not in {p["username"] for p in boss.get("/api/assignees",
                                                          headers=headers).json()}
    assert boss.post("/api/inquiries/999999/assign", headers=headers,
                     json={"owner": "mandy"}).status_code == 404
    assert boss.post(f"/api/inquiries/{jasons}/assign", headers=headers,
                     json={"owner": 5}).status_code == 422
    back = boss.post(f"/api/inquiries/{jasons}/assign", headers=headers,
                     json={"owner": "jason"})
    assert back.json()["owner"] == "jason"
    log = assigning.history(store, jasons)
    assert [(e.previous, e.owner, e.by) for e in log][-2:] == [
        ("jason", "mandy", "boss"), ("mandy", "jason", "boss")]


def test_the_assign_form_redirects_back_and_needs_csrf(app, store) -> None:
    browser = TestClient(app)
    token = sign_in(browser, "boss", "boss-pw")
    pooled = _pool_inquiry(store)
    assert browser.post(f"/inquiries/{pooled}/assign",
                        data={"owner": "jason"}).status_code == 403
    done = browser.post(f"/inquiries/{pooled}/assign", follow_redirects=False,
                        data={"owner": "jason", "csrf": token})
    assert done.status_code == 303 and done.headers["location"] == f"/inquiries/{pooled}"
    assert store.get(pooled).item.owner == "jason"
    browser.post(f"/inquiries/{pooled}/assign", data={"owner": "", "csrf": token})
    assert store.get(pooled).item.owner == ""


def _partial(app, store, username: str, inquiry_id: int, lang: str = "en") -> str:
    from inquirydesk.web.i18n import Formats

    user = desk.get_user(store, username)
    fmt = Formats(lang, "Asia/Shanghai")
    form = intake.assign_form(store, user, store.get(inquiry_id).item)
    return app.state.templates.get_template("_assign.html").render(
        assign=form, user=user, csrf="token-1", _=fmt.gettext)


def test_the_assignment_controls_fit_the_role(app, store) -> None:
    pooled = _pool_inquiry(store)
    manager = _partial(app, store, "boss", pooled)
    assert 'name="owner"' in manager and '<option value="jason"' in manager
    assert 'value="token-1"' in manager and "assign-claim" not in manager
    salesperson = _partial(app, store, "mandy", pooled)
    assert "assign-claim" in salesperson and "<select" not in salesperson
    assert 'value="mandy"' in salesperson
    store.update(pooled, owner="mandy")
    try:
        own = _partial(app, store, "mandy", pooled, lang="zh")
        assert "assign-release" in own and "退回公海" in own and "assign-claim" not in own
    finally:
        store.update(pooled, owner="")
    assert _partial(app, store, "mandy", find(store, "RE: Quotation")).count("<form") == 1


# ---------------------------------------------------------------------- the schema


def test_the_openapi_describes_the_submit_and_assign_bodies(app) -> None:
    spec = TestClient(app).get("/api/openapi.json").json()
    submit = spec["paths"]["/api/inquiries"]["post"]
    assert set(submit["requestBody"]["content"]) == {
        "application/json", "application/x-www-form-urlencoded"}
    assert {"200", "201", "400", "401", "422"} <= set(submit["responses"])
    assert "get" in spec["paths"]["/api/inquiries"] and "/api/assignees" in spec["paths"]
    assert "post" in spec["paths"]["/api/inquiries/{inquiry_id}/assign"]


def test_every_api_operation_answers_within_its_schema(tmp_path) -> None:
    """Schemathesis over the whole OpenAPI, on an archive of its own: no server error
    and every documented answer matches its schema (bounded and derandomised)."""
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    application = create_app(seed(tmp_path))
    try:
        headers = bearer(desk.add_token(application.state.store, "boss", "schemathesis"))
        schema = schemathesis.openapi.from_asgi("/api/openapi.json", application)
        failures = []
        for result in schema.get_all_operations():
            operation = result.ok()

            @given(case=operation.as_strategy())
            @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            def run(case) -> None:
                case.call_and_validate(headers=headers, checks=[
                    not_a_server_error, response_schema_conformance])

            try:
                run()
            except Exception as exc:  # every operation's failure is reported, not the first
                failures.append(f"{operation.label}: {str(exc)[:2000]}")
    finally:
        application.state.store.close()
    assert failures == [], "\n\n".join(failures)


EXAMPLES = 15  # cases per operation
