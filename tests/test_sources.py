"""The input layer (paths → RawItems) and the seller profile."""

from __future__ import annotations

import datetime as dt
import json
import mailbox
import os
from pathlib import Path

import openpyxl
import pytest

from inquirydesk.pipeline.parse import parse
from inquirydesk.seller import SellerError, find_seller, load_seller
from inquirydesk.sources import (
    MappingError,
    is_corpus,
    iter_csv,
    iter_inputs,
    iter_jsonl,
    iter_mbox,
    iter_path,
    iter_xlsx,
)

MESSAGE = (b"From: Tom <tom@baker.com.au>\r\nSubject: %s\r\n"
           b"Date: Mon, 21 Sep 2026 08:00:00 +1000\r\n\r\nPlease quote 500 pcs.\r\n")
HEADER = "inquiry_id,received_at,buyer_name,buyer_email,message\n"
CHINESE_CSV = (
    "询盘编号,时间,买家姓名,公司名称,邮箱,电话,国家,主题,留言内容,备注\n"
    "AL-9,2026-09-05 11:00:00,王伟,宁波海曙贸易有限公司,wang@hs-trade.cn,+86 574 1234 5678,CN,"
    "野餐篮询价,\"您好，我们需要野餐篮 500 个，\n请报 FOB 宁波价格。\",内部\n"
)


def _message(subject: str) -> bytes:
    return MESSAGE % subject.encode()


# --------------------------------------------------------------------------- messages


def test_single_message_file(tmp_path: Path) -> None:
    path = tmp_path / "a.eml"
    path.write_bytes(_message("one"))
    [item] = iter_path(path)
    assert (item.source, item.channel, item.data) == (str(path), "file", _message("one"))
    assert parse(item).subject == "one"


def test_missing_path_is_an_error_item_and_parses_to_defects(tmp_path: Path) -> None:
    missing = tmp_path / "nope.eml"
    [item] = iter_inputs([missing])
    assert item.source == str(missing) and item.channel == "file"
    assert item.error is not None and str(missing) in item.error
    assert "No such file" in item.error
    inquiry = parse(item)
    assert inquiry.source == str(missing)
    assert inquiry.defects == (f"read error: {item.error}",)


def test_dangling_link_and_missing_csv_are_error_items(tmp_path: Path) -> None:
    link = tmp_path / "gone.eml"
    link.symlink_to(tmp_path / "target-that-does-not-exist")
    [item] = iter_path(link)
    assert item.error is not None and item.data is None
    [csv_item] = iter_path(tmp_path / "export.csv")
    assert csv_item.error is not None and "export.csv" in csv_item.error


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_is_an_error_item(tmp_path: Path) -> None:
    path = tmp_path / "locked.eml"
    path.write_bytes(_message("x"))
    path.chmod(0)
    [item] = iter_path(path)
    assert item.error is not None and "Permission denied" in item.error


def test_folder_dispatches_by_suffix_and_skips_hidden_files(tmp_path: Path) -> None:
    (tmp_path / "b.eml").write_bytes(_message("b"))
    (tmp_path / "a.txt").write_bytes(_message("a"))
    (tmp_path / ".hidden.eml").write_bytes(_message("hidden"))
    (tmp_path / "notes.md").write_text("not mail")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.eml").write_bytes(_message("nested"))
    (tmp_path / "export.csv").write_text(HEADER + "AL-1,2026-09-05T03:00:00+00:00,Ann,a@x.com,hi\n")
    (tmp_path / "api.jsonl").write_text(json.dumps({"inquiry_id": "J-1", "message": "hi"}) + "\n")
    box = mailbox.mbox(tmp_path / "box.mbox")
    box.add(_message("in box"))
    box.close()
    items = list(iter_path(tmp_path))
    assert [(i.source, i.channel) for i in items] == [
        (str(tmp_path / "a.txt"), "file"),
        (f"{tmp_path / 'api.jsonl'}#J-1", "api"),
        (str(tmp_path / "b.eml"), "file"),
        (f"{tmp_path / 'box.mbox'}#1", "mbox"),
        (f"{tmp_path / 'export.csv'}#AL-1", "platform"),
    ]


def test_mbox_sources_count_from_one(tmp_path: Path) -> None:
    path = tmp_path / "inbox.mbox"
    box = mailbox.mbox(path)
    for subject in ("first", "second"):
        box.add(_message(subject))
    box.close()
    items = list(iter_mbox(path))
    assert [i.source for i in items] == [f"{path}#1", f"{path}#2"]
    assert [parse(i).subject for i in items] == ["first", "second"]
    assert parse(items[0]).defects == ()  # the "From " separator line is not a header


def test_corpus_folder_source_names(tmp_path: Path) -> None:
    (tmp_path / "seller.yaml").write_text("company: Example Outdoor\n")
    (tmp_path / "emails").mkdir()
    (tmp_path / "emails" / "e002.eml").write_bytes(_message("two"))
    (tmp_path / "emails" / "e001.eml").write_bytes(_message("one"))
    (tmp_path / "platform.csv").write_text(
        HEADER + "AL-7,2026-09-05T03:00:00+00:00,Ann,a@x.com,hi\n,,Bob,,no id\n")
    (tmp_path / "labels.jsonl").write_text('{"id": "e001"}\n')
    assert is_corpus(tmp_path) and not is_corpus(tmp_path / "emails")
    assert [i.source for i in iter_inputs([tmp_path])] == [
        "emails/e001.eml", "emails/e002.eml", "platform.csv#AL-7", "platform.csv#row-2"]
    seller = find_seller(tmp_path)
    assert seller is not None and seller.company == "Example Outdoor"
    assert find_seller(tmp_path / "emails") is None


# --------------------------------------------------------------------------- platform exports


def test_gbk_csv_with_chinese_headers(tmp_path: Path) -> None:
    path = tmp_path / "询盘导出.csv"
    path.write_bytes(CHINESE_CSV.encode("gbk"))
    [item] = iter_csv(path)
    assert item.source == f"{path}#AL-9" and item.channel == "platform"
    assert item.row is not None
    assert item.row["buyer_name"] == "王伟"
    assert item.row["buyer_company"] == "宁波海曙贸易有限公司"
    assert item.row["message"] == "您好，我们需要野餐篮 500 个，\n请报 FOB 宁波价格。"
    assert "备注" not in item.row  # unknown columns are left out
    inquiry = parse(item)
    assert inquiry.subject == "野餐篮询价"
    assert inquiry.platform is not None and inquiry.platform.buyer_phone == "+86 574 1234 5678"


def test_utf8_bom_semicolon_csv(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("\ufeffInquiry ID;Buyer Name;E-mail;Message\nX1;Zoë;z@x.nl;Hallo\n"
                     .encode("utf-8"))
    [item] = iter_csv(path)
    assert item.row == {"inquiry_id": "X1", "buyer_name": "Zoë", "buyer_email": "z@x.nl",
                        "message": "Hallo"}


def test_user_mapping_wins_over_aliases(tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    path.write_text("Ticket,Contact,Notes,Message\nT-1,Ann Lee,call back,hello\n")
    mapping = {"ticket": "inquiry_id", "Notes": "message", "Message": "subject"}
    [item] = iter_inputs([path], mapping=mapping)
    assert item.source == f"{path}#T-1"
    assert item.row == {"inquiry_id": "T-1", "buyer_name": "Ann Lee", "message": "call back",
                        "subject": "hello"}


def test_bad_mapping_raises_before_reading() -> None:
    with pytest.raises(MappingError, match="buyer_nmae"):
        iter_inputs(["whatever.csv"], mapping={"Name": "buyer_nmae"})


def test_malformed_rows_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(HEADER + "AL-1,2026-09-05T03:00:00+00:00\n"
                    "AL-2,2026-09-05T03:00:00+00:00,Bob,b@x.com,hi,extra,cells\n"
                    "\n"
                    ",2026-09-05T03:00:00+00:00,Cy,c@x.com,no id\n")
    items = list(iter_csv(path))
    assert [i.source for i in items] == [f"{path}#AL-1", f"{path}#AL-2", f"{path}#row-3"]
    assert items[0].row is not None and items[0].row["buyer_name"] == ""
    assert items[1].row is not None and items[1].row["message"] == "hi"
    assert parse(items[0]).defects == ("no text body",)


def test_header_without_known_columns_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("foo,bar\n1,2\n")
    [item] = iter_csv(path)
    assert item.error is not None and "column mapping" in item.error


def test_xlsx_export(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["询盘编号", "时间", "买家姓名", "内容", "30天询盘数", "认证买家", "注册时间"])
    sheet.append(["AL-5", dt.datetime(2026, 9, 5, 3, 0), "Ann", "Need 2 x 40HQ", 12, True,
                  dt.date(2021, 6, 3)])
    sheet.append([None, None, "Bob", "no id", None, None, None])
    workbook.save(path)
    first, second = iter_xlsx(path)
    assert first.source == f"{path}#AL-5"
    assert first.row is not None
    assert first.row["received_at"] == "2026-09-05T03:00:00"
    assert first.row["inquiries_sent_30d"] == "12"
    assert first.row["verified_buyer"] == "true"
    assert second.source == f"{path}#row-2"
    inquiry = parse(first)
    assert inquiry.platform is not None and inquiry.platform.inquiries_sent_30d == 12
    assert inquiry.platform.registered_at == dt.date(2021, 6, 3)
    assert inquiry.body == "Need 2 x 40HQ"


def test_broken_xlsx_is_an_error_item(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    [item] = iter_path(path)
    assert item.error is not None and item.channel == "platform"


def test_jsonl_api_rows(tmp_path: Path) -> None:
    path = tmp_path / "api.jsonl"
    path.write_text("\n".join([
        json.dumps({"inquiry_id": "A-1", "buyer_name": "Ann", "product_views_30d": 5,
                    "verified_buyer": False, "attachments": ["a.pdf", "b.png"]}),
        "{not json",
        json.dumps(["a list"]),
        json.dumps({"Email": "x@y.com", "message": "no id"}),
    ]) + "\n")
    items = list(iter_jsonl(path))
    assert [i.source for i in items] == [f"{path}#A-1", f"{path}#line-2", f"{path}#line-3",
                                         f"{path}#row-4"]
    assert items[0].channel == "api"
    assert items[0].row == {"inquiry_id": "A-1", "buyer_name": "Ann", "product_views_30d": "5",
                            "verified_buyer": "false", "attachments": "a.pdf;b.png"}
    assert items[1].error is not None and items[2].error is not None
    assert items[3].row == {"buyer_email": "x@y.com", "message": "no id"}


# --------------------------------------------------------------------------- seller


SELLER_YAML = """\
company: Ningbo Example Outdoor Co., Ltd.
short_names: [Example Outdoor, EO]
people:
  - {name: Chen Lili, english_name: Lily, email: Lily@Example-Outdoor.com, markets: [UK, Nordics]}
  - Wang Hao
general_emails: [Sales@example-outdoor.com]
website: www.example-outdoor.com
phone: +86 574 8765 3120
founded: 2009
certificates: [BSCI, ISO9001]
does_not_make: [tents]
catalog:
  - {id: PB-201, name: 4-person picnic basket, category: picnic baskets,
     keywords: [picnic basket, hamper]}
  - {id: CB-501, name: cooler box 25 L, category: cooler boxes}
  - {id: PB-202, name: 2-person picnic basket, category: picnic baskets}
"""


def test_load_seller(tmp_path: Path) -> None:
    path = tmp_path / "seller.yaml"
    path.write_text(SELLER_YAML)
    seller = load_seller(path)
    assert seller.company == "Ningbo Example Outdoor Co., Ltd."
    assert seller.short_names == ("Example Outdoor", "EO")
    assert seller.people[0].email == "lily@example-outdoor.com"
    assert seller.people[0].markets == ("UK", "Nordics")
    assert seller.people[1].name == "Wang Hao"
    assert seller.emails == ("sales@example-outdoor.com",)
    assert seller.phone == "+86 574 8765 3120"
    assert seller.catalog[0].keywords == ("picnic basket", "hamper")
    assert seller.categories == ("picnic baskets", "cooler boxes")
    assert seller.does_not_make == ("tents",) and seller.known


def test_broken_seller_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "seller.yaml"
    path.write_text("company: X\ncatalog:\n  - {id: A, name: [unclosed\n")
    with pytest.raises(SellerError, match=rf"{path}:4:"):
        load_seller(path)


@pytest.mark.parametrize("text", ["- a list\n", "catalog: {id: A}\n", "catalog:\n  - name: no id\n",
                                  "people: [[nested]]\n"])
def test_misshapen_seller_yaml(tmp_path: Path, text: str) -> None:
    path = tmp_path / "seller.yaml"
    path.write_text(text)
    with pytest.raises(SellerError, match=str(path)):
        load_seller(path)


def test_missing_seller_file(tmp_path: Path) -> None:
    with pytest.raises(SellerError, match="cannot read"):
        load_seller(tmp_path / "seller.yaml")
