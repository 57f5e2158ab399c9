"""The dashboards in a real browser (Debian's chromium via Playwright): every chart draws
from its table under the desk's Content-Security-Policy, with no script errors.

Skipped, with the reason, where /usr/bin/chromium or Playwright is missing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"browser tests need Debian's chromium at {CHROMIUM}")
pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package")

# the running desk, the browser and a fresh page come from the desk's own browser tests
from test_web_browser import browser, desk, page, sign_in  # noqa: E402, F401


def test_the_charts_draw_without_errors_or_csp_violations(desk, page) -> None:  # noqa: F811
    base, _ = desk
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error"
            and "Failed to load resource" not in m.text else None)  # see failed, below
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400
            and not r.url.endswith("/favicon.ico") else None)  # the desk has no icon
    page.add_init_script("window.__csp = []; document.addEventListener("
                         "'securitypolicyviolation', e => window.__csp.push(e.violatedDirective))")
    sign_in(page, base, "boss", "boss-pw")
    page.goto(f"{base}/dashboard?since=2026-10-01&until=2026-11-30")
    page.wait_for_function("document.querySelectorAll('canvas[data-drawn]').length === 7")
    canvases = page.locator("canvas[data-table]")
    assert canvases.count() == 7
    for i in range(canvases.count()):
        box = canvases.nth(i).bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100
    # stacked weekly grades: one series per grade; a bar was painted (not all blank)
    assert page.locator("canvas[data-table=grades-table]").get_attribute("data-drawn") == "5"
    painted = page.evaluate("""() => {
        const c = document.querySelector('canvas[data-table=grades-table]');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n; }""")
    assert painted > 1000
    assert page.evaluate("window.__csp") == []
    outside = [u for u in page.requests if not u.startswith(base)]
    assert outside == [] and errors == [] and failed == [], (outside, errors, failed)
