"""The dashboards through FastAPI's TestClient: the page's tables and the JSON twin agree,
the period and owner filters, who sees which numbers, bad input, 中文.

The archive is the web tests' seeded demo (``test_web.seed``: jason owns the Mexican
inquiry, mandy the Australian one) with a reply and an outcome recorded here.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from test_web import find, seed, sign_in

from inquirydesk.store import Store
from inquirydesk.store import outcomes as O
from inquirydesk.web import create_app
from inquirydesk.web.i18n import translations

PERIOD = "since=2026-10-01&until=2026-11-30"
TEMPLATE = "src/inquirydesk/web/templates/dashboard.html"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    application = create_app(seed(tmp_path_factory.mktemp("dashboard")))
    store: Store = application.state.store
    mandys, jasons = find(store, "RE: Quotation"), find(store, "Cotización")
    O.add_event(store, mandys, "replied", at=store.get(mandys).item.received_at
                + timedelta(hours=3))
    O.set_outcome(store, jasons, "won", by="jason")
    yield application
    application.state.store.close()


@pytest.fixture
def store(app) -> Store:
    return app.state.store


@pytest.fixture
def client(app) -> TestClient:
    return TestClient(app)


class Tables(HTMLParser):
    """Each table's body rows: [label, numbers (data-value), row attributes] by table id."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, list[tuple[str, list[int], dict[str, str]]]] = {}
        self._table = self._row = None
        self._cell: list[str] | None = None
        self._label = ""
        self._in_body = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "table" and "chart-data" in a.get("class", ""):
            self._table = self.tables.setdefault(a["id"], [])
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._table is not None and self._in_body:
            self._row = ([], a)
            self._label = ""
        elif tag in ("th", "td") and self._row is not None:
            if "data-value" in a:
                self._row[0].append(int(a["data-value"]))
            self._cell = [] if tag == "th" else None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "th" and self._cell is not None:
            self._label, self._cell = "".join(self._cell).strip(), None
        elif tag == "tr" and self._row is not None and self._row[0]:
            self._table.append((self._label, self._row[0], self._row[1]))
            self._row = None
        elif tag == "table":
            self._table, self._in_body = None, False


def test_signing_in_is_needed(client) -> None:
    assert client.get("/dashboard", follow_redirects=False).headers["location"] == "/login"
    assert client.get("/api/dashboard").status_code == 401


def test_the_pages_tables_show_the_twins_numbers(client) -> None:
    sign_in(client, "boss", "boss-pw")
    page = client.get(f"/dashboard?{PERIOD}")
    data = client.get(f"/api/dashboard?{PERIOD}").json()
    assert page.status_code == 200
    tables = Tables(page.text).tables
    weeks = data["weeks"]
    assert [n for _, n, _ in tables["grades-table"]] == [
        [w["grades"][g] for g in "ABCDE"] for w in weeks]
    assert [label for label, _, _ in tables["grades-table"]] == [w["week"] for w in weeks]
    assert [n for _, n, _ in tables["risks-table"]] == [
        [w["risks"][r] for r in ("none", "spam", "phishing", "scam")] for w in weeks]
    assert [(a["data-key"], n) for _, [n], a in tables["replies-table"]] == list(
        data["reply_times"].items())
    assert [n for _, n, _ in tables["outcomes-table"]] == [
        [c["won"], c["lost"], c["no_answer"], c["open"]] for c in data["outcomes"].values()]
    assert [(a["data-country"], n) for _, n, a in tables["countries-table"]] == [
        (c["country"], [c["inquiries"] - c["risky"], c["risky"]]) for c in data["countries"]]
    assert [(a["data-product"], n) for _, n, a in tables["products-table"]] == [
        (p["product"], [p["inquiries"] - p["risky"], p["risky"]]) for p in data["products"]]
    assert [a["data-label"] for _, _, a in tables["keywords-table"]] == [
        f"{m['country']} · {k['keyword']}" for m in data["keywords"] for k in m["keywords"]]
    # one canvas per table, the scripts from our own static files
    assert len(re.findall(r"<canvas data-table=", page.text)) == len(tables) == 7
    assert '<script src="/static/dashboard.js"' in page.text and "<style" not in page.text
    assert " style=" not in page.text


def test_the_numbers_add_up_and_follow_the_archive(client, store) -> None:
    sign_in(client, "boss", "boss-pw")
    data = client.get(f"/api/dashboard?{PERIOD}").json()
    everything = store.inbox(limit=500)  # safe and risky alike
    assert data["inquiries"] == len(everything)
    assert sum(sum(w["grades"].values()) for w in data["weeks"]) == len(everything)
    assert sum(c["inquiries"] for c in data["countries"]) == len(everything)
    assert data["countries"][-1]["country"] == "other"  # beyond the top ten
    assert data["reply_times"]["0–6 h"] == 1
    assert data["outcomes"]["A"]["won"] == 1 and data["win_rates"]["A"] == 1.0
    assert data["win_rates"]["E"] is None
    names = {p["product"]: p["name"] for p in data["products"]}
    assert names["HX-SP101"].startswith("Commercial stockpot")
    assert {"country": "FR", "inquiries": 1, "keywords": [
        {"keyword": "bacs gastronormes", "inquiries": 1},
        {"keyword": "marmites inox", "inquiries": 1}]} in data["keywords"]


def test_the_default_period_is_twelve_weeks_to_today(client, app) -> None:
    sign_in(client, "boss", "boss-pw")
    data = client.get("/api/dashboard").json()
    today = datetime.now(ZoneInfo(app.state.settings.timezone)).date()
    assert data["filters"]["until"] == today.isoformat()
    weeks = [date.fromisoformat(w["week"]) for w in data["weeks"]]
    assert len(weeks) == 12 and weeks[-1] <= today < weeks[-1] + timedelta(days=7)
    assert date.fromisoformat(data["filters"]["since"]) == weeks[0]


def test_the_period_filter_narrows_every_chart(client, store) -> None:
    sign_in(client, "boss", "boss-pw")
    late = client.get("/api/dashboard?since=2026-11-04&until=2026-11-30").json()
    cut = datetime(2026, 11, 4, tzinfo=ZoneInfo("Asia/Shanghai"))
    everything = store.inbox(limit=500)  # safe and risky alike
    assert late["inquiries"] == sum(i.received_at >= cut for i in everything)
    assert [w["week"] for w in late["weeks"]] == ["2026-11-02", "2026-11-09", "2026-11-16",
                                                  "2026-11-23", "2026-11-30"]
    assert "FR" in [c["country"] for c in late["countries"]]
    assert "DE" not in [c["country"] for c in late["countries"]]  # 20 October


def test_salespeople_see_their_own_and_the_pool(client, app, store) -> None:
    sign_in(client, "boss", "boss-pw")
    everyone = client.get(f"/api/dashboard?{PERIOD}").json()
    jason = client.get(f"/api/dashboard?{PERIOD}&owner=jason").json()
    pool = client.get(f"/api/dashboard?{PERIOD}&owner=pool").json()
    assert jason["inquiries"] == 1 and jason["countries"] == [
        {"country": "MX", "inquiries": 1, "risky": 0}]
    assert pool["inquiries"] == everyone["inquiries"] - 2  # mandy's and jason's
    mandy = TestClient(app)
    sign_in(mandy, "mandy", "mandy-pw")
    hers = mandy.get(f"/api/dashboard?{PERIOD}").json()
    assert hers["inquiries"] == everyone["inquiries"] - 1
    assert "MX" not in [c["country"] for c in hers["countries"]]
    assert hers["outcomes"]["A"]["won"] == 0  # jason's deal is not hers to see
    assert hers["reply_times"]["0–6 h"] == 1  # her own reply
    assert mandy.get(f"/api/dashboard?{PERIOD}&owner=jason").json()["inquiries"] == 0
    assert mandy.get(f"/api/dashboard?{PERIOD}&owner=mandy").json()["inquiries"] == 1
    assert mandy.get(f"/api/dashboard?{PERIOD}&owner=pool").json()["inquiries"] == \
        pool["inquiries"]
    assert 'name="owner"' in mandy.get("/dashboard").text  # mine / pool, as a choice


@pytest.mark.parametrize("query, message", [
    ("since=yesterday", "since: 'yesterday' is not a date"),
    ("until=2026-13-01", "until: '2026-13-01' is not a date"),
    ("since=2026-11-30&until=2026-10-01", "is after until"),
    ("since=1900-01-01&until=2026-01-01", "at most"),
])
def test_bad_dates_are_a_clear_400(client, query: str, message: str) -> None:
    sign_in(client, "boss", "boss-pw")
    answer = client.get(f"/api/dashboard?{query}")
    assert answer.status_code == 400 and message in answer.json()["error"]
    page = client.get(f"/dashboard?{query}")
    assert page.status_code == 400 and message.split(":")[0] in page.text


def test_chinese_labels_for_every_string(client) -> None:
    with open(TEMPLATE, encoding="utf-8") as f:
        strings = set(re.findall(r"""_\((["'])(.+?)\1\)""", f.read()))
    zh = translations("zh")
    missing = [s for _, s in strings if zh.gettext(s) == s]
    assert missing == []
    sign_in(client, "mandy", "mandy-pw")  # mandy reads Chinese
    page = client.get(f"/dashboard?{PERIOD}").text
    assert "<h1>数据看板</h1>" in page and "各市场买家使用的关键词" in page
    assert "FR 法国" in page and "尚未回复" in page
