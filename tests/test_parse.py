"""The parse stage: RawItem → Inquiry, compared against golden files and checked by hand.

Regenerate the golden files after an intended change with ``UPDATE_GOLDEN=1 pytest``.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import zipfile
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inquirydesk.model import Hop, Inquiry, RawItem
from inquirydesk.pipeline.parse import html_to_text, parse, sniff, split_quoted

DATA = Path(__file__).parent / "data" / "parse"
MESSAGES = sorted(DATA.glob("*.eml"))


def inquiry_to_golden(inquiry: Inquiry) -> dict[str, Any]:
    """A stable, JSON-ready dict of everything an Inquiry holds."""
    return _plain(inquiry)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in sorted(value.items())}
    return value


def _parse_file(path: Path) -> Inquiry:
    return parse(RawItem(f"parse/{path.name}", "file", data=path.read_bytes()))


@pytest.mark.parametrize("path", MESSAGES, ids=[p.stem for p in MESSAGES])
def test_matches_golden(path: Path) -> None:
    got = inquiry_to_golden(_parse_file(path))
    golden = path.with_suffix(".json")
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert got == json.loads(golden.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- messages


def test_plain_message_headers_and_hops() -> None:
    inquiry = _parse_file(DATA / "plain.eml")
    assert inquiry.sender is not None
    assert inquiry.sender.name == "Joséphine Moreau"
    assert inquiry.sender.email == "j.moreau@atelier-moreau.fr"
    assert inquiry.reply_to is not None and inquiry.reply_to.name == "Moreau, Josephine"
    assert [a.email for a in inquiry.to] == ["lily@example-outdoor.com",
                                             "sales@example-outdoor.com"]
    assert inquiry.to[1].name == "Sales Team"
    assert inquiry.cc == ()  # "undisclosed-recipients:;" names nobody
    assert inquiry.subject == "Demande de prix – paniers pique-nique PB-201"
    assert inquiry.date == datetime(2026, 9, 15, 4, 2, tzinfo=timezone(timedelta(hours=2)))
    assert inquiry.date.utcoffset() == timedelta(hours=2)  # the sender's own offset is kept
    assert inquiry.mailer == "Microsoft Outlook 16.0"
    assert inquiry.headers["x-originating-ip"] == "[81.56.12.40]"
    assert inquiry.headers["organization"] == "Atelier Moreau SARL"
    first, second = inquiry.received
    assert (first.from_host, first.ip, first.by) == (
        "mail.atelier-moreau.fr", "81.56.12.40", "mx.example-outdoor.com")
    # The HELO was an IP literal; the address the server saw is the one that counts.
    assert (second.from_host, second.ip) == ("192.168.1.23", "81.56.12.40")
    assert "2 000 pièces" in inquiry.body  # quoted-printable, a no-break space normalised
    assert "\n\n\n" not in inquiry.body
    assert [link.url for link in inquiry.links] == [
        "https://www.atelier-moreau.fr/catalogue.pdf", "www.atelier-moreau.fr"]
    assert inquiry.defects == ()


def test_html_only_phishing_form_and_deceptive_link() -> None:
    inquiry = _parse_file(DATA / "html_phish.eml")
    anchor, form = inquiry.links
    assert anchor.text == "https://www.alibaba.com/signin"
    assert anchor.host == "login-check.xn--80ak6aa92e.com"  # userinfo is not the host
    assert anchor.url.endswith("verify?id=7&u=lily")  # entities decoded
    assert form.in_form and form.host == "login-check.xn--80ak6aa92e.com"
    assert all("hidden.example" not in link.url for link in inquiry.links)  # a comment
    assert "Please verify your account within 24 hours" in inquiry.body
    assert "Account | lily@example-outdoor.com\nStatus | Suspended" in inquiry.body
    assert "color: red" not in inquiry.body and "tracker" not in inquiry.body
    assert inquiry.html.startswith("<html>")
    assert inquiry.list_unsubscribe
    assert "spf=fail" in inquiry.auth_results and "does not designate" in inquiry.auth_results


def test_zip_with_executable_and_html_form_attachment() -> None:
    inquiry = _parse_file(DATA / "zip_exe.eml")
    archive, page = inquiry.attachments
    assert archive.filename == "Payment_advice.zip"
    assert archive.kind == "archive" and archive.declared_type == "application/zip"
    assert archive.inner_names == ("invoice_2026.pdf.exe", "readme.txt")
    assert archive.inner_kinds == ("executable", "text")
    assert page.filename == "stätement.htm"  # RFC 2231
    assert (page.kind, page.has_form) == ("html", True)
    assert inquiry.body == "Please see the attached payment advice."
    assert inquiry.links[0].text == "payment advice"  # the HTML alternative still gives links
    assert inquiry.charsets == ("us-ascii",)


def test_gb2312_base64_body_and_encoded_headers() -> None:
    inquiry = _parse_file(DATA / "gb2312.eml")
    assert inquiry.subject == "询价：野餐篮"
    assert inquiry.sender is not None and inquiry.sender.name == "李明"
    assert inquiry.charsets == ("gb2312",)
    assert "需要野餐篮 PB-201 共 3000 个" in inquiry.body
    assert inquiry.date is not None and inquiry.date.utcoffset() == timedelta(hours=8)


def test_reply_keeps_only_the_new_text() -> None:
    inquiry = _parse_file(DATA / "reply.eml")
    assert inquiry.body.startswith("Hi Lily,")
    assert inquiry.body.endswith("Thanks,\nTom")  # the signature survives
    assert "Yes: 52x36x30 cm" in inquiry.body  # an inline answer is new text
    assert "> Can you confirm" in inquiry.quoted and "USD 9.80" in inquiry.quoted
    assert "USD 9.80" not in inquiry.body
    assert inquiry.references == ("<q0@example-outdoor.com>", "<q1@example-outdoor.com>")
    assert inquiry.in_reply_to == "<q1@example-outdoor.com>"
    assert inquiry.mailer == "Mozilla Thunderbird"  # from User-Agent


def test_chinese_reply_header_starts_the_quote() -> None:
    inquiry = _parse_file(DATA / "reply_cn.eml")
    assert inquiry.body == "好的，请安排样品。"
    assert inquiry.quoted.startswith("发件人：")


def test_broken_date_and_charset_become_defects() -> None:
    inquiry = _parse_file(DATA / "broken.eml")
    assert inquiry.date is None
    assert "unparseable date" in inquiry.defects
    assert "undecodable charset x-foo" in inquiry.defects
    assert inquiry.body == "Need 500 pcs, café style."  # fell back to Windows-1252
    assert inquiry.sender is not None and (inquiry.sender.name, inquiry.sender.email) == (
        "someone", "")
    assert "no from address" in inquiry.defects


def test_garbage_is_all_body_with_defects() -> None:
    inquiry = _parse_file(DATA / "garbage.eml")
    assert "no headers" in inquiry.defects and "missing date" in inquiry.defects
    assert inquiry.sender is None
    assert "\x00" not in inquiry.body


def test_read_error_and_empty_items() -> None:
    failed = parse(RawItem("x.eml", "file", error="x.eml: Permission denied"))
    assert failed.source == "x.eml" and failed.defects == ("read error: x.eml: Permission denied",)
    assert parse(RawItem("y.eml", "file", data=b"  \r\n")).defects == ("empty message",)
    assert parse(RawItem("z", "file")).defects == ("empty item",)


@pytest.mark.parametrize("path", MESSAGES, ids=[p.stem for p in MESSAGES])
def test_truncated_messages_never_raise(path: Path) -> None:
    data = path.read_bytes()
    for cut in range(0, len(data), 7):
        inquiry = parse(RawItem("cut", "file", data=data[:cut]))
        assert not any(d.startswith("parse error") for d in inquiry.defects)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    inquiry = parse(RawItem("fuzz", "file", data=data))
    assert not any(d.startswith("parse error") for d in inquiry.defects)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("From:Date:Received:;<>@()[]=?bqBQ\"\n\t -"
                                              "Content-Type:multipart/mixed;boundary=x--xé中")),
               max_size=400))
def test_header_soup_never_raises(text: str) -> None:
    inquiry = parse(RawItem("fuzz", "file", data=text.encode("utf-8")))
    assert not any(d.startswith("parse error") for d in inquiry.defects)


# --------------------------------------------------------------------------- pieces


def test_received_formats() -> None:
    def hop(received: str) -> Hop:
        raw = f"Received: {received}\nFrom: a@b.c\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\nx"
        return parse(RawItem("r", "file", data=raw.encode())).received[0]

    qmail = hop("from unknown (HELO mail.x.com) (203.0.113.9)\n  by mx.y.com with SMTP; "
                "2 Sep 2002 10:26:06 -0000")
    assert (qmail.from_host, qmail.ip, qmail.by) == ("unknown", "203.0.113.9", "mx.y.com")
    assert qmail.when == datetime(2002, 9, 2, 10, 26, 6, tzinfo=UTC)
    exim = hop("from [198.51.100.7] (helo=pc1)\n\tby smtp.z.net with esmtpa (Exim 4.96)")
    assert (exim.from_host, exim.ip, exim.by, exim.when) == (
        "198.51.100.7", "198.51.100.7", "smtp.z.net", None)
    ipv6 = hop("from host.example (host.example [IPv6:2001:db8::1]) by mx.q.org; "
               "Tue, 3 Sep 2002 01:02:03 +0530")
    assert ipv6.ip == "2001:db8::1"
    assert ipv6.when is not None and ipv6.when.utcoffset() == timedelta(hours=5, minutes=30)
    local = hop("by mx.q.org (Postfix, from userid 1000) id 1; Tue, 3 Sep 2002 01:02:03 +0000")
    assert (local.from_host, local.ip, local.by) == ("", "", "mx.q.org")


def test_split_quoted_outlook_and_false_alarm() -> None:
    outlook = ("Please quote 2 containers.\n\nBest regards\nAnna\n\n"
               "________________________________\nFrom: Lily Chen\nSent: Monday, 7 Sep 2026\n"
               "To: Anna\nSubject: Offer\n\nDear Anna, our offer...")
    new, quoted = split_quoted(outlook)
    assert new == "Please quote 2 containers.\n\nBest regards\nAnna"
    assert quoted.startswith("________________________________\nFrom: Lily Chen")
    order = "Shipment details:\nFrom: Ningbo\nTo: Hamburg\nDate: March 2027\nQty 2x40HQ"
    assert split_quoted(order) == (order, "")


def test_html_to_text_keeps_table_rows_and_paragraphs() -> None:
    html = ("<html><head><title>t</title></head><body><h1>Offer</h1><p>Dear&nbsp;buyer,"
            "<br>see below.</p><table><tr><th>Item</th><th>Qty</th></tr>"
            "<tr><td>PB-201</td><td>2,000 pcs</td></tr></table><div>Bye</div>"
            "<script>alert(1)</script></body></html>")
    assert html_to_text(html) == (
        "Offer\n\nDear\xa0buyer,\nsee below.\n\nItem | Qty\nPB-201 | 2,000 pcs\n\nBye")


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "filename", "kind"), [
    (b"", "a.bin", "empty"),
    (b"%PDF-1.7\n...", "a.pdf", "pdf"),
    (b"MZ\x90\x00" + bytes(60), "a.pdf", "executable"),  # the bytes decide, not the name
    (b"\x7fELF\x02\x01", "a", "executable"),
    (b"\x1f\x8b\x08\x00", "a.gz", "archive"),
    (b"Rar!\x1a\x07\x01\x00", "a.rar", "archive"),
    (b"7z\xbc\xaf\x27\x1c\x00\x04", "a.7z", "archive"),
    (bytes(32769) + b"CD001", "a.iso", "disk_image"),
    (b"\x89PNG\r\n\x1a\n", "a.png", "image"),
    (b"\xff\xd8\xff\xe0", "a.jpg", "image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "a.doc", "office"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "_VBA_PROJECT".encode("utf-16-le"), "a.xls",
     "office_macro"),
    (_zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"}), "a.docx", "office"),
    (_zip({"[Content_Types].xml": b"<x/>", "xl/vbaProject.bin": b"\x00"}), "a.xlsm",
     "office_macro"),
    (_zip({"a.txt": b"hello"}), "a.zip", "archive"),
    (b"<html><form action=x><input type=password></form></html>", "a.htm", "html"),
    (b"var s = new ActiveXObject('WScript.Shell');", "a.txt", "script"),
    (b"alert(1)", "invoice.js", "script"),
    (b"Hello,\nplease find our price list.\n", "a.txt", "text"),
    ("报价单\n".encode("gbk"), "a.txt", "text"),
    (bytes(range(256)) * 4, "a.dat", "unknown"),
])
def test_sniff(data: bytes, filename: str, kind: str) -> None:
    assert sniff(data, filename) == kind


def test_encoded_words_split_inside_a_character() -> None:
    # "中文" in UTF-8 is six bytes; this mailer cut the first character across two words.
    subject = "=?utf-8?B?5Lit?= =?utf-8?B?5paH?= ok"
    raw = f"From: a@b.c\nSubject: {subject}\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\nx"
    assert parse(RawItem("s", "file", data=raw.encode())).subject == "中文 ok"
    split = "=?utf-8?Q?=E4=B8?= =?utf-8?Q?=AD?="
    raw = f"From: a@b.c\nSubject: {split}\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\nx"
    assert parse(RawItem("s", "file", data=raw.encode())).subject == "中"


# --------------------------------------------------------------------------- platform rows


def test_platform_row() -> None:
    row = {
        "inquiry_id": "AL-1", "received_at": "2026-09-07T07:40:00+02:00", "product_id": "PB-201",
        "buyer_name": "Mette Kristensen", "buyer_email": "Mette@Havecenter.DK",
        "buyer_company": "Havecenter Nord ApS", "registered_country": "dk",
        "registered_at": "2020/02/17", "product_views_30d": "1,234", "inquiries_sent_30d": "3.0",
        "suppliers_contacted": "1", "verified_buyer": "TRUE", "subject": "Hampers",
        "message": "Hello,\r\nprices please: www.havecenter.dk/x\r\n\r\n\r\n\r\nMette",
        "attachments": "brief.pdf; logo.png",
    }
    inquiry = parse(RawItem("platform.csv#AL-1", "platform", row=row))
    assert inquiry.channel == "platform"
    assert inquiry.sender is not None
    assert (inquiry.sender.name, inquiry.sender.email) == ("Mette Kristensen",
                                                           "mette@havecenter.dk")
    assert inquiry.date == datetime(2026, 9, 7, 7, 40, tzinfo=timezone(timedelta(hours=2)))
    assert inquiry.body == "Hello,\nprices please: www.havecenter.dk/x\n\nMette"
    assert [link.host for link in inquiry.links] == ["www.havecenter.dk"]
    facts = inquiry.platform
    assert facts is not None
    assert (facts.inquiry_id, facts.product_id, facts.registered_country) == ("AL-1", "PB-201",
                                                                              "DK")
    assert facts.registered_at == date(2020, 2, 17)
    assert (facts.product_views_30d, facts.inquiries_sent_30d, facts.suppliers_contacted) == (
        1234, 3, 1)
    assert facts.verified_buyer is True
    assert [(a.filename, a.kind, a.size) for a in inquiry.attachments] == [
        ("brief.pdf", "unknown", 0), ("logo.png", "unknown", 0)]
    assert inquiry.defects == ()


def test_platform_row_bad_values_become_defects() -> None:
    row = {"inquiry_id": "AL-2", "received_at": "yesterday", "product_views_30d": "many",
           "verified_buyer": "perhaps", "registered_at": "2020-13-45", "buyer_email": "none"}
    inquiry = parse(RawItem("p#AL-2", "platform", row=row))
    assert inquiry.date is None
    facts = inquiry.platform
    assert facts is not None
    assert facts.product_views_30d is None and facts.verified_buyer is None
    assert facts.registered_at is None
    assert set(inquiry.defects) == {
        "unparseable date", "bad product_views_30d: 'many'", "bad verified_buyer: 'perhaps'",
        "bad registered_at: '2020-13-45'", "bad buyer_email: 'none'", "no text body"}


def test_platform_row_without_zone_is_utc() -> None:
    inquiry = parse(RawItem("p#3", "platform", row={"received_at": "2026-09-05 03:00:00",
                                                    "message": "hi"}))
    assert inquiry.date == datetime(2026, 9, 5, 3, tzinfo=UTC)
    assert inquiry.defects == ("date without zone, assumed UTC",)
