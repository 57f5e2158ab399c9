"""The rules page, the settings pages and session revocation, through FastAPI's TestClient.

The bundled demo is imported once per module; each test gets its own copy of that data
folder (archive, session key, seller.yaml), so saving rules, editing the seller profile
or disabling a user never leaks into another test.  Users: ada (admin), boss (manager),
mandy and jason (salespeople).  The desk's user functions are also run on both backends.
"""

from __future__ import annotations

import json
import re
import shutil
from io import BytesIO
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from openpyxl import Workbook
from starlette.requests import Request
from test_web import DEMO, find, seed, sign_in

from inquirydesk.model import RawItem
from inquirydesk.rules.rulebook import load_rulebook
from inquirydesk.seller import load_seller
from inquirydesk.settings import Settings
from inquirydesk.store import Store, desk
from inquirydesk.web import create_app
from inquirydesk.web.app import engine

pytest_plugins = ["test_store_backends"]  # the store fixture, on SQLite and PostgreSQL

GN_ORDER = "Nachbestellung GN-Behälter"  # a grade-B reorder in the demo
DOUBT_GN = """rules:
  - id: mine.doubt_gn
    group: authenticity
    factor: 0.3
    when: {regex: 'GN'}
    reason: We doubt every GN order this week.
"""
BAD_REGEX = """rules:
  - id: mine.fine
    group: intent
    label: irrelevant
    points: 2
    when: {regex: 'tents?'}
    reason: We make no tents.
  - id: mine.broken
    group: intent
    label: irrelevant
    points: 2
    when: {regex: '(('}
    reason: A pattern that does not compile.
"""
MAILBOX_SECRET = "hunter2-imap-secret"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """The demo archive, users and a seller profile, made once per module."""
    folder = tmp_path_factory.mktemp("seeded")
    settings = seed(folder)
    shutil.copy(DEMO / "seller.yaml", folder / "seller.yaml")
    with Store.open(settings.database) as store:
        desk.add_user(store, "ada", "ada-password", role="admin", language="en")
    return folder


@pytest.fixture
def app(seeded: Path, tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(seeded, data)
    application = create_app(Settings(data_dir=data, seller=data / "seller.yaml"))
    application.state.settings_file = tmp_path / "absent.yaml"
    yield application
    application.state.store.close()


@pytest.fixture
def store(app) -> Store:
    return app.state.store


def client_of(app, name: str, password: str) -> tuple[TestClient, str]:
    client = TestClient(app)
    return client, sign_in(client, name, password)


def textarea(html: str, name: str) -> str:
    found = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    return found.group(1) if found else ""


def app_engine(app):
    return engine(Request({"type": "http", "app": app}))


def workbook(*rows: list) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------------- the rules page


def test_the_rules_page_lists_the_effective_rulebook_by_group(app, tmp_path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text("rules:\n"
                    "  - id: identity.company_domain\n    points: 25\n"
                    "  - id: spam.unsubscribe\n    enabled: false\n"
                    "  - id: mine.tents\n    group: intent\n    label: irrelevant\n"
                    "    points: 6\n    when: {regex: '\\btents?\\b'}\n"
                    "    reason: We make no tents.\n    description: Our one product line.\n")
    app.state.settings = app.state.settings.model_copy(update={"rules": mine})
    client, _ = client_of(app, "mandy", "mandy-pw")

    listed = client.get("/api/rules").json()
    by_id = {r["id"]: r for r in listed["rules"]}
    assert listed["total"] == len(load_rulebook(mine).rules) == listed["count"]
    assert by_id["identity.company_domain"]["origin"] == "overridden"
    assert by_id["identity.company_domain"]["points"] == 25
    assert by_id["mine.tents"]["origin"] == "added"
    assert by_id["mine.tents"]["description"] == "Our one product line."
    assert "tents" in by_id["mine.tents"]["when"]
    assert by_id["phish.credential_form"]["origin"] == "default"
    assert "spam.unsubscribe" not in by_id and listed["disabled"] == ["spam.unsubscribe"]
    assert listed["can_change"] is False

    risk = client.get("/api/rules?group=risk").json()
    assert risk["count"] > 0 and {r["group"] for r in risk["rules"]} == {"risk"}
    found = client.get("/api/rules?q=tents").json()
    assert [r["id"] for r in found["rules"]] == ["mine.tents"]
    assert client.get("/api/rules?group=nonsense").status_code == 400

    page = client.get("/rules?group=intent")
    assert page.status_code == 200
    assert 'id="rule-mine.tents"' in page.text and "try-form" not in page.text
    assert 'id="rule-phish.credential_form"' not in page.text  # another group


def test_trying_a_change_shows_the_grade_change_and_saves_nothing(app, store) -> None:
    client, token = client_of(app, "boss", "boss-pw")
    found = find(store, GN_ORDER)
    stored = store.get(found).item

    trial = client.post("/api/rules/try", headers={"X-CSRF-Token": token},
                        json={"change": DOUBT_GN, "inquiry_id": found})
    assert trial.status_code == 200, trial.text
    result = trial.json()
    assert result["before"]["grade"] == stored.grade == "B"
    assert result["before"]["total"] == pytest.approx(stored.total)
    assert result["after"]["grade"] != result["before"]["grade"]
    assert result["after"]["total"] == pytest.approx(result["before"]["total"] * 0.3, abs=1)
    assert result["after"]["items"]["factor"] < result["before"]["items"]["factor"]
    assert [e["rule"] for e in result["evidence"]["added"]] == ["mine.doubt_gn"]
    assert result["evidence"]["removed"] == [] and result["changed"] is True
    assert result["rulebook"]["before"] != result["rulebook"]["after"]

    page = client.post("/rules/try", data={"change": DOUBT_GN, "inquiry_id": str(found),
                                           "csrf": token})
    assert page.status_code == 200
    assert f'id="after-grade">{result["after"]["grade"]}<' in page.text
    assert "mine.doubt_gn" in page.text
    assert textarea(page.text, "change").startswith("rules:")  # the change is kept

    assert not (app.state.settings.data_dir / "rules.yaml").exists()
    assert app.state.settings.rules is None
    assert store.get(found).item.grade == "B"


def test_a_broken_change_is_refused_with_the_rule_id_and_line(app, store) -> None:
    client, token = client_of(app, "boss", "boss-pw")
    found = find(store, GN_ORDER)
    refused = client.post("/api/rules/try", headers={"X-CSRF-Token": token},
                          json={"change": BAD_REGEX, "inquiry_id": found})
    assert refused.status_code == 400
    body = refused.json()
    assert body["rule"] == "mine.broken" and body["line"] == 8
    assert "mine.broken" in body["error"] and "line 8" in body["error"]

    unparsable = client.post("/api/rules/save", headers={"X-CSRF-Token": token},
                             json={"change": "rules:\n  - id: x\n   group: [risk\n"})
    assert unparsable.status_code == 400 and unparsable.json()["line"] == 3

    page = client.post("/rules/save", data={"change": BAD_REGEX, "inquiry_id": str(found),
                                            "csrf": token})
    assert page.status_code == 400
    assert 'id="rules-error"' in page.text and "mine.broken" in page.text
    assert "line 8" in page.text
    assert "(('" in textarea(page.text, "change").replace("&#39;", "'")  # nothing lost
    assert not (app.state.settings.data_dir / "rules.yaml").exists()

    for change, inquiry, status in (("", found, 400), (DOUBT_GN, 99999, 404),
                                    (DOUBT_GN, "abc", 400)):
        answer = client.post("/api/rules/try", headers={"X-CSRF-Token": token},
                             json={"change": change, "inquiry_id": inquiry})
        assert answer.status_code == status and answer.json()["error"]


def test_saving_writes_the_file_keeps_a_backup_and_new_analyses_use_it(app, store) -> None:
    client, token = client_of(app, "ada", "ada-password")
    before = app_engine(app).rulebook.hash
    target = app.state.settings.data_dir / "rules.yaml"

    saved = client.post("/rules/save", data={"change": DOUBT_GN, "csrf": token},
                        follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/rules?saved=1"
    assert app.state.settings.rules == target and target.is_file()
    assert not target.with_name("rules.yaml.bak").exists()
    assert app.state.engine is None  # dropped: the next analysis builds it anew
    rulebook = app_engine(app).rulebook
    assert rulebook.hash != before and "mine.doubt_gn" in {r.id for r in rulebook.rules}

    found = store.get(find(store, GN_ORDER))
    fresh = app_engine(app).analyze(RawItem("again.eml", "file", data=found.raw))
    assert "mine.doubt_gn" in {e.rule for e in fresh.evidence}

    listed = client.get("/api/rules").json()
    assert listed["rules_file"] == str(target)
    assert {r["id"]: r["origin"] for r in listed["rules"]}["mine.doubt_gn"] == "added"

    softer = DOUBT_GN.replace("factor: 0.3", "factor: 0.9")
    again = client.post("/api/rules/save", headers={"X-CSRF-Token": token},
                        json={"change": softer + "  - id: identity.company_domain\n"
                                                  "    points: 25\n"})
    assert again.status_code == 200, again.text
    result = again.json()
    assert result["backup"] == str(target) + ".bak"
    assert "factor: 0.3" in Path(result["backup"]).read_text()
    written = yaml.safe_load(target.read_text())
    assert [r["id"] for r in written["rules"]] == ["mine.doubt_gn", "identity.company_domain"]
    assert written["rules"][0]["factor"] == 0.9
    assert result["hash"] == app_engine(app).rulebook.hash == load_rulebook(target).hash

    failing = DOUBT_GN + "    examples: {match: ['nothing of the kind']}\n"
    refused = client.post("/api/rules/save", headers={"X-CSRF-Token": token},
                          json={"change": failing})
    assert refused.status_code == 400 and "examples fail" in refused.json()["error"]
    assert yaml.safe_load(target.read_text()) == written


def test_salespeople_get_403_on_settings_and_on_changing_rules(app, store) -> None:
    client, token = client_of(app, "mandy", "mandy-pw")
    headers = {"X-CSRF-Token": token}
    assert client.get("/rules").status_code == 200
    assert client.get("/settings").status_code == 403
    for path in ("/api/settings", "/api/settings/seller", "/api/settings/mailboxes",
                 "/api/users"):
        assert client.get(path).status_code == 403, path
    assert client.post("/api/rules/save", headers=headers,
                       json={"change": DOUBT_GN}).status_code == 403
    assert client.post("/api/rules/try", headers=headers,
                       json={"change": DOUBT_GN, "inquiry_id": 1}).status_code == 403
    assert client.post("/rules/save", data={"change": DOUBT_GN, "csrf": token}
                       ).status_code == 403
    assert client.post("/api/settings/seller", headers=headers,
                       json={"moq": "1 pc"}).status_code == 403
    assert not (app.state.settings.data_dir / "rules.yaml").exists()
    assert "1 pc" not in (app.state.settings.data_dir / "seller.yaml").read_text()

    manager, _ = client_of(app, "boss", "boss-pw")
    assert manager.get("/settings").status_code == 200
    assert manager.get("/api/users").status_code == 403  # users: admins only
    assert "users" not in manager.get("/api/settings").json()


# ---------------------------------------------------------------------- seller and catalog


def test_the_seller_profile_edit_round_trips_and_keeps_the_rest(app) -> None:
    client, token = client_of(app, "boss", "boss-pw")
    path = app.state.settings.data_dir / "seller.yaml"
    original = yaml.safe_load(path.read_text())

    shown = client.get("/api/settings/seller").json()
    assert shown["fields"]["port"] == "Guangzhou Nansha"
    assert [p["english_name"] for p in shown["people"]] == ["Mandy", "Jason", "Sunny"]

    saved = client.post("/settings/seller", follow_redirects=False, data={
        "csrf": token, "company": original["company"], "moq": "500 pcs per item",
        "port": "Shenzhen Yantian", "timezone": "Asia/Shanghai", "lead_time": ""})
    assert saved.status_code == 303
    again = client.get("/api/settings/seller").json()["fields"]
    assert again["moq"] == "500 pcs per item" and again["port"] == "Shenzhen Yantian"
    assert again["timezone"] == "Asia/Shanghai" and again["lead_time"] == ""
    written = yaml.safe_load(path.read_text())
    assert written["catalog"] == original["catalog"] and written["people"] == original["people"]
    assert written["company_zh"] == original["company_zh"] and "lead_time" not in written
    assert path.with_name("seller.yaml.bak").read_text().startswith("company:")
    assert app.state.seller.port == "Shenzhen Yantian"  # the desk reloaded it
    assert app_engine(app).seller.moq == "500 pcs per item"

    bad = client.post("/settings/seller", data={"csrf": token, "moq": "1 pc",
                                                "timezone": "Mars/Olympus"})
    assert bad.status_code == 400 and "Mars/Olympus" in bad.text
    assert 'value="1 pc"' in bad.text  # what was typed is still there
    assert yaml.safe_load(path.read_text())["moq"] == "500 pcs per item"
    unknown = client.post("/api/settings/seller", headers={"X-CSRF-Token": token},
                          json={"catalog": "nothing"})
    assert unknown.status_code == 400 and "catalog" in unknown.json()["error"]


def test_a_catalog_sheet_is_previewed_then_imported(app) -> None:
    client, token = client_of(app, "boss", "boss-pw")
    path = app.state.settings.data_dir / "seller.yaml"
    before = path.read_text()
    sheet = workbook(["ID", "Name", "Category", "Keywords", "Price range"],
                     ["HX-SP101", "Stockpot AISI 304, 12-60 L", "stockpots",
                      "stockpot, soup pot；汤桶", "USD 9.5-35"],
                     [None, None, None, None, None],
                     ["HX-TK901", "Stainless tea kettle 3 L", "kettles", "tea kettle, 水壶", 12])

    preview = client.post("/api/settings/catalog/preview", headers={"X-CSRF-Token": token},
                          files={"file": ("catalog.xlsx", sheet, XLSX)})
    assert preview.status_code == 200, preview.text
    diff = preview.json()
    assert [i["id"] for i in diff["added"]] == ["HX-TK901"]
    assert diff["added"][0]["price_range_usd"] == [12.0, 12.0]
    changed = {c["id"]: c["fields"] for c in diff["changed"]}
    assert set(changed) == {"HX-SP101"}
    assert changed["HX-SP101"]["price_range_usd"] == [[9.0, 32.0], [9.5, 35.0]]
    assert changed["HX-SP101"]["keywords"][1] == ["stockpot", "soup pot", "汤桶"]
    assert diff["removed"] == [] and path.read_text() == before  # nothing written yet

    page = client.post("/settings/catalog/preview", data={"csrf": token, "mode": "merge"},
                       files={"file": ("catalog.xlsx", sheet, XLSX)})
    assert page.status_code == 200 and 'id="catalog-preview"' in page.text
    items = re.search(r"name=\"items\" value='([^']*)'", page.text).group(1)
    applied = client.post("/settings/catalog/apply", follow_redirects=False,
                          data={"csrf": token, "mode": "merge",
                                "items": items.replace("&#34;", '"').replace("&quot;", '"')})
    assert applied.status_code == 303
    seller = load_seller(path)
    ids = [c.id for c in seller.catalog]
    assert ids[-1] == "HX-TK901" and "HX-CS201" in ids and len(ids) == 14
    assert next(c for c in seller.catalog if c.id == "HX-SP101").keywords == (
        "stockpot", "soup pot", "汤桶")
    assert app_engine(app).seller.catalog == seller.catalog

    replaced = client.post("/api/settings/catalog", headers={"X-CSRF-Token": token},
                           data={"mode": "replace"},
                           files={"file": ("catalog.xlsx", sheet, XLSX)})
    assert replaced.status_code == 200 and replaced.json()["applied"] is True
    assert "HX-CS201" in replaced.json()["removed"]
    assert [c.id for c in load_seller(path).catalog] == ["HX-SP101", "HX-TK901"]


def test_a_bad_catalog_sheet_is_refused_naming_row_and_column(app) -> None:
    client, token = client_of(app, "boss", "boss-pw")
    path = app.state.settings.data_dir / "seller.yaml"
    before = path.read_text()

    def preview(data: bytes, name: str = "catalog.xlsx"):
        return client.post("/api/settings/catalog/preview", headers={"X-CSRF-Token": token},
                           files={"file": (name, data, XLSX)})

    bad = preview(workbook(["id", "name", "category", "keywords", "price range"],
                           ["HX-1", "Pot", "pots", "pot", "9-12"],
                           ["HX-2", None, "pots", "pot", "9-12"],
                           ["HX-3", "Pan", "pans", "pan", "cheap"],
                           ["HX-1", "Pot again", "pots", "pot", "10-20"],
                           ["HX-4", "Lid", "lids", "lid", "20-10"]))
    assert bad.status_code == 400
    error = bad.json()["error"]
    assert "row 3, column B (name)" in error
    assert "row 4, column E (price)" in error and "'cheap'" in error
    assert "row 5, column A (id): HX-1 is also on row 2" in error
    assert "row 6, column E (price)" in error  # a range that runs backwards

    missing = preview(workbook(["model", "category"], ["HX-1", "pots"]))
    assert missing.status_code == 400 and "missing: name" in missing.json()["error"]
    junk = preview(b"this is no workbook", "catalog.xlsx")
    assert junk.status_code == 400 and "not an Excel workbook" in junk.json()["error"]
    empty = preview(workbook(["id", "name"]))
    assert empty.status_code == 400 and "no items" in empty.json()["error"]

    page = client.post("/settings/catalog/preview", data={"csrf": token},
                       files={"file": ("c.xlsx", workbook(["id", "name"], ["HX-9", None]),
                                       XLSX)})
    assert page.status_code == 400 and "row 2, column B (name)" in page.text
    damaged = client.post("/settings/catalog/apply", data={"csrf": token, "items": "[{"})
    assert damaged.status_code == 400
    assert path.read_text() == before


# ---------------------------------------------------------------------- mailboxes


def test_mailboxes_are_listed_without_passwords_and_edited_in_the_settings_file(
        app, tmp_path) -> None:
    client, token = client_of(app, "boss", "boss-pw")
    headers = {"X-CSRF-Token": token}
    absent = client.get("/settings")
    assert 'id="no-settings-file"' in absent.text
    refused = client.post("/api/settings/mailboxes", headers=headers,
                          json={"name": "sales", "host": "imap.example.com", "username": "u"})
    assert refused.status_code == 400 and "without a settings file" in refused.json()["error"]

    config = tmp_path / "inquirydesk.yaml"
    config.write_text(yaml.safe_dump({"timezone": "Asia/Shanghai", "mailboxes": [
        {"name": "sales", "host": "imap.example.com", "username": "sales@example.com",
         "password": MAILBOX_SECRET, "owner": "mandy"}]}))
    app.state.settings_file = config
    app.state.settings = Settings(**{**app.state.settings.model_dump(exclude={"mailboxes"}),
                                     **yaml.safe_load(config.read_text())})
    listed = client.get("/api/settings/mailboxes")
    assert listed.json()["mailboxes"][0]["password_set"] is True
    assert MAILBOX_SECRET not in listed.text and MAILBOX_SECRET not in client.get(
        "/settings").text

    added = client.post("/settings/mailboxes", follow_redirects=False, data={
        "csrf": token, "original": "", "name": "info", "host": "imap.example.org",
        "port": "143", "security": "starttls", "username": "info@example.org",
        "password": "pw-info", "folders": "INBOX, Quotes", "owner": ""})
    assert added.status_code == 303
    renamed = client.post("/api/settings/mailboxes", headers=headers, json={
        "original": "sales", "name": "sales-de", "host": "imap.example.com",
        "username": "sales@example.com", "password": "", "read_only": False})
    assert renamed.status_code == 200, renamed.text
    written = yaml.safe_load(config.read_text())
    assert written["timezone"] == "Asia/Shanghai"
    boxes = {b["name"]: b for b in written["mailboxes"]}
    assert boxes["sales-de"]["password"] == MAILBOX_SECRET  # an empty field keeps it
    assert boxes["sales-de"]["read_only"] is False and boxes["sales-de"]["owner"] == "mandy"
    assert boxes["info"]["port"] == 143 and boxes["info"]["folders"] == ["INBOX", "Quotes"]
    assert [m.name for m in app.state.settings.mailboxes] == ["sales-de", "info"]
    assert config.with_name("inquirydesk.yaml.bak").is_file()

    bad = client.post("/settings/mailboxes", data={
        "csrf": token, "name": "x", "host": "h", "username": "u", "port": "nine",
        "security": "tls"})
    assert bad.status_code == 400 and "port" in bad.text and 'value="nine"' in bad.text
    duplicate = client.post("/api/settings/mailboxes", headers=headers, json={
        "name": "info", "host": "h", "username": "u"})
    assert duplicate.status_code == 400 and "exists already" in duplicate.json()["error"]

    removed = client.post("/api/settings/mailboxes/info/remove", headers=headers)
    assert [m["name"] for m in removed.json()["mailboxes"]] == ["sales-de"]
    assert client.post("/api/settings/mailboxes/info/remove",
                       headers=headers).status_code == 404


# ---------------------------------------------------------------------- users and sessions


def test_admins_add_users_change_roles_and_disable_them(app, store) -> None:
    client, token = client_of(app, "ada", "ada-password")
    headers = {"X-CSRF-Token": token}
    made = client.post("/settings/users", follow_redirects=False, data={
        "csrf": token, "username": "lily", "display_name": "Lily", "password": "lily-pass-1",
        "role": "salesperson", "language": "en"})
    assert made.status_code == 303
    assert client.post("/api/users", headers=headers, json={
        "username": "lily", "password": "another-pass"}).status_code == 400  # exists
    assert client.post("/api/users", headers=headers, json={
        "username": "tom", "password": "short"}).status_code == 400

    promoted = client.post("/settings/users/lily", follow_redirects=False,
                           data={"csrf": token, "role": "manager", "language": "zh",
                                 "display_name": "Lily Chen"})
    assert promoted.status_code == 303
    lily = desk.get_user(store, "lily")
    assert (lily.role, lily.language, lily.display_name) == ("manager", "zh", "Lily Chen")
    assert client.post("/api/users/lily", headers=headers,
                       json={"role": "boss"}).status_code == 400
    assert client.post("/api/users/nobody", headers=headers,
                       json={"role": "manager"}).status_code == 404

    made_token = client.post("/api/users/lily/tokens", headers=headers, json={"label": "erp"})
    machine = TestClient(app)
    bearer = {"Authorization": f"Bearer {made_token.json()['token']}"}
    assert machine.get("/api/inbox", headers=bearer).status_code == 200
    listed = {u["username"]: u for u in client.get("/api/users").json()["users"]}
    assert [t["label"] for t in listed["lily"]["tokens"]] == ["erp"]

    lily_client, _ = client_of(app, "lily", "lily-pass-1")
    assert client.post("/settings/users/lily/disable", data={"csrf": token},
                       follow_redirects=False).status_code == 303
    assert machine.get("/api/inbox", headers=bearer).status_code == 401
    assert lily_client.get("/inbox", follow_redirects=False).headers["location"] == "/login"
    login = TestClient(app)
    csrf = re.search(r'name="csrf" value="([^"]+)"', login.get("/login").text).group(1)
    assert login.post("/login", data={"username": "lily", "password": "lily-pass-1",
                                      "csrf": csrf}).status_code == 401
    assert client.get("/api/users").json()["users"][
        [u["username"] for u in client.get("/api/users").json()["users"]].index("lily")
    ]["disabled"] is True

    assert client.post("/api/users/lily/enable", headers=headers).json()["disabled"] is False
    assert machine.get("/api/inbox", headers=bearer).status_code == 200
    revoked = client.post(f"/api/tokens/{listed['lily']['tokens'][0]['id']}/revoke",
                          headers=headers)
    assert revoked.status_code == 200
    assert machine.get("/api/inbox", headers=bearer).status_code == 401
    assert client.post("/api/users/ada/disable", headers=headers).status_code == 400


def test_a_password_reset_ends_every_open_session_of_that_user(app) -> None:
    admin_client, token = client_of(app, "ada", "ada-password")
    mandy, _ = client_of(app, "mandy", "mandy-pw")
    jason, _ = client_of(app, "jason", "jason-pw")
    assert mandy.get("/inbox").status_code == 200

    reset = admin_client.post("/settings/users/mandy/password", follow_redirects=False,
                              data={"csrf": token, "password": "mandy-new-pw"})
    assert reset.status_code == 303
    assert mandy.get("/inbox", follow_redirects=False).headers["location"] == "/login"
    assert mandy.get("/api/inbox").status_code == 401
    assert jason.get("/inbox").status_code == 200  # other people's sessions go on

    again, _ = client_of(app, "mandy", "mandy-new-pw")
    assert again.get("/inbox").status_code == 200

    csrf = re.search(r'name="csrf" value="([^"]+)"', again.get("/inbox").text).group(1)
    out = again.post("/sign-out-everywhere", data={"csrf": csrf}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert again.get("/inbox", follow_redirects=False).status_code == 303
    assert jason.post("/api/users/mandy/sign-out",
                      headers={"X-CSRF-Token": sign_in(jason, "jason", "jason-pw")}
                      ).status_code == 403


def test_the_pages_speak_chinese_and_carry_no_inline_code(app) -> None:
    client, _ = client_of(app, "ada", "ada-password")
    client.post("/language", data={"lang": "zh", "csrf": re.search(
        r'name="csrf" value="([^"]+)"', client.get("/rules").text).group(1)})
    for path in ("/rules", "/settings"):
        html = client.get(path).text
        assert "<script>" not in html and "<style" not in html and "style=" not in html
        assert 'src="/static/admin.js"' in html
    assert "规则" in client.get("/rules").text and "卖家资料" in client.get("/settings").text


# ---------------------------------------------------------------------- the desk's people


def test_session_epochs_disabled_users_and_tokens_on_both_backends(store_url: str) -> None:
    with Store.open(store_url) as store:
        _people_on(store)


def _people_on(store: Store) -> None:
    desk.add_user(store, "kim", "kim-password", role="salesperson")
    kim = desk.authenticate(store, "kim", "kim-password")
    session = {"u": "kim", "e": kim.epoch}
    assert desk.session_user(store, session) == kim
    assert desk.session_user(store, {"u": "kim"}) == kim  # epoch 0: never bumped yet

    token = desk.add_token(store, "kim", "erp")
    assert desk.user_for_token(store, token).username == "kim"
    desk.end_sessions(store, "kim")
    assert desk.session_user(store, session) is None
    bumped = desk.get_user(store, "kim")
    assert bumped.epoch == kim.epoch + 1
    assert desk.session_user(store, {"u": "kim", "e": bumped.epoch}) == bumped

    desk.set_disabled(store, "kim")
    assert desk.authenticate(store, "kim", "kim-password") is None
    assert desk.user_for_token(store, token) is None
    assert desk.session_user(store, {"u": "kim", "e": bumped.epoch + 1}) is None
    desk.set_disabled(store, "kim", False)
    assert desk.user_for_token(store, token).username == "kim"

    changed = desk.set_password(store, "kim", "kim-new-password")
    assert desk.authenticate(store, "kim", "kim-password") is None
    assert desk.authenticate(store, "kim", "kim-new-password") == changed
    assert desk.update_user(store, "kim", role="manager").role == "manager"
    with pytest.raises(desk.DeskError):
        desk.update_user(store, "kim", language="fr")
    with pytest.raises(desk.DeskError):
        desk.end_sessions(store, "nobody")

    listed = desk.tokens(store, "kim")
    assert [t.label for t in listed] == ["erp"] and json.dumps(listed[0].as_dict())
    assert desk.revoke_token(store, listed[0].id) is True
    assert desk.revoke_token(store, listed[0].id) is False
    assert desk.user_for_token(store, token) is None
