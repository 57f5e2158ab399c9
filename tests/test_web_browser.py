"""The web desk in a real browser (Debian's chromium via Playwright): sign in, the inbox,
an inquiry, the language switch; and hostile HTML that must neither run nor load anything.

Skipped, with the reason, where /usr/bin/chromium or Playwright is missing.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"browser tests need Debian's chromium at {CHROMIUM}")
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="browser tests need the playwright package")
uvicorn = pytest.importorskip("uvicorn")

from test_web import find, seed  # noqa: E402

from inquirydesk.web import create_app  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    app = create_app(seed(tmp_path_factory.mktemp("browser")))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the desk did not start"
    yield f"http://127.0.0.1:{port}", app.state.store
    server.should_exit = True
    thread.join(5)
    app.state.store.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    opened = context.new_page()
    opened.set_default_timeout(5000)
    requests: list[str] = []
    opened.on("request", lambda r: requests.append(r.url))
    opened.requests = requests
    yield opened
    context.close()


def sign_in(page, base: str, name: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", password)
    page.click("form.login button[type=submit]")
    page.wait_for_url(f"{base}/inbox")


def test_sign_in_triage_open_an_inquiry_and_switch_language(desk, page) -> None:
    base, store = desk
    sign_in(page, base, "mandy", "mandy-pw")
    assert page.locator("h1").inner_text() == "收件箱"
    rows = page.locator("table.inbox tbody tr")
    assert rows.count() > 5
    page.locator("a.subject", has_text="RE: Quotation").click()
    page.wait_for_url(f"{base}/inquiries/{find(store, 'RE: Quotation')}")
    assert page.locator("table.table1").is_visible()
    assert "Rachel" in page.locator("dl.facts").first.inner_text()
    assert "HX-CS201" in page.locator("textarea#draft").input_value()
    page.click("#lang-switch")
    page.wait_for_load_state()
    assert page.locator("#not-spam").count() == 0
    assert "Table 1" in page.locator("h2").first.inner_text()
    page.click("#nav-inbox")
    assert page.locator("h1").inner_text() == "Inbox"


def test_hostile_html_runs_nothing_and_loads_nothing_from_outside(desk, page) -> None:
    base, store = desk
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, base, "boss", "boss-pw")
    page.goto(f"{base}/inquiries/{find(store, 'Hostile HTML')}")
    assert "stockpots" in page.locator("#message").inner_text()
    page.wait_for_timeout(300)  # let anything that might fire, fire
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#message form, #message iframe, #message script").count() == 0
    # the remote image stays blocked even when asked for, as it is plain http
    page.click("#show-images")
    page.wait_for_load_state()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    outside = [u for u in page.requests if not u.startswith(base)]
    assert outside == [], outside
    assert errors == []


def test_edit_a_draft_mark_it_replied_and_record_the_outcome(desk, page) -> None:
    base, store = desk
    sign_in(page, base, "mandy", "mandy-pw")
    inquiry = find(store, "RE: Quotation")
    page.goto(f"{base}/inquiries/{inquiry}")
    page.fill("textarea#draft", "Dear Rachel,\n\nPrices for HX-CS201 attached. 谢谢\n")
    page.click("#save-draft")
    page.wait_for_url(f"{base}/inquiries/{inquiry}#draft")
    assert "谢谢" in page.locator("textarea#draft").input_value()
    assert page.locator("#draft-saved").is_visible()
    page.reload()
    assert "Prices for HX-CS201 attached" in page.locator("textarea#draft").input_value()
    page.click("#mark-replied")
    page.wait_for_load_state()
    assert page.locator("#mark-replied").count() == 0
    assert store.get(inquiry).item.status == "replied"
    page.fill("form.outcome input[name=reason]", "price too high")
    page.click("form.outcome button[value=lost]")
    page.wait_for_load_state()
    assert store.get(inquiry).item.status == "closed"
    assert "price too high" in page.locator("#events").inner_text()


def test_a_salesperson_cannot_open_another_salespersons_inquiry(desk, page) -> None:
    base, store = desk
    sign_in(page, base, "mandy", "mandy-pw")
    jasons = find(store, "Cotización")
    assert "Cotización" not in page.locator("table.inbox").inner_text()
    response = page.goto(f"{base}/inquiries/{jasons}")
    assert response.status == 403
    assert page.locator("textarea#draft").count() == 0


def test_every_page_keeps_to_the_content_security_policy(desk, page) -> None:
    """No page of our own may trip the policy (an inline style or script would) or throw."""
    base, store = desk
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text)
            if "Content Security Policy" in m.text or m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    sign_in(page, base, "boss", "boss-pw")
    inquiry = find(store, "RE: Quotation")
    buyer = store.get(inquiry).item.buyer_id
    for path in ("/inbox", "/risky", "/today", "/buyers", f"/buyers/{buyer}", "/dashboard",
                 "/rules", "/settings", f"/inquiries/{inquiry}"):
        response = page.goto(base + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").count() >= 1, path
    assert problems == []
