"""Platform exports (CSV, XLSX) as ``RawItem`` rows keyed by the corpus schema's columns.

B2B platforms export inquiries with their own headers, often in Chinese and often in
GBK.  Headers are matched, case- and spacing-insensitively, against a user mapping
first and then the built-in ``ALIASES``; columns that match nothing are left out.
Nothing here raises for a bad file: a file that cannot be read becomes one ``RawItem``
with ``error`` set, a row the CSV reader chokes on becomes one too, and a row with the
wrong number of cells is still yielded with the cells it has.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, time
from pathlib import Path

import yaml
from charset_normalizer import from_bytes
from python_calamine import CalamineError, CalamineWorkbook

from inquirydesk.model import RawItem

# The columns of the corpus schema's platform.csv, in its order.
COLUMNS = (
    "inquiry_id", "received_at", "product_id", "buyer_name", "buyer_company", "buyer_title",
    "buyer_email", "buyer_phone", "buyer_website", "registered_country", "ip_country",
    "registered_at", "product_views_30d", "inquiries_sent_30d", "suppliers_contacted",
    "verified_buyer", "subject", "message", "attachments",
)

# Headers seen in platform exports (Alibaba.com, Made-in-China, Global Sources, 1688 and
# generic CRM exports), by the column they mean.  Matching ignores case, spaces, "_"
# and "-", and a trailing colon; the schema's own names always match.
ALIASES: dict[str, tuple[str, ...]] = {
    "inquiry_id": ("询盘编号", "询盘ID", "询盘号", "询价单号", "编号", "Inquiry ID", "Inquiry No",
                   "Inquiry Number", "RFQ ID", "ID"),
    "received_at": ("时间", "询盘时间", "发送时间", "接收时间", "创建时间", "日期", "Received",
                    "Received Time", "Date", "Time", "Sent At", "Created At", "Inquiry Time",
                    "Date Received"),
    "product_id": ("产品编号", "产品ID", "商品编号", "型号", "Product ID", "Product No", "Item No",
                   "Model No", "SKU"),
    "buyer_name": ("买家姓名", "买家", "姓名", "联系人", "客户姓名", "Buyer Name", "Buyer", "Name",
                   "Contact", "Contact Name", "Contact Person", "Customer Name", "Full Name"),
    "buyer_company": ("公司名称", "公司", "买家公司", "客户公司", "Company", "Company Name",
                      "Buyer Company", "Organization"),
    "buyer_title": ("职位", "职务", "Job Title", "Position", "Buyer Title"),
    "buyer_email": ("邮箱", "电子邮箱", "邮件", "邮件地址", "Email", "E-mail", "Email Address",
                    "Buyer Email", "Mail"),
    "buyer_phone": ("电话", "手机", "联系电话", "手机号", "Phone", "Telephone", "Tel", "Mobile",
                    "Phone Number", "Buyer Phone", "WhatsApp"),
    "buyer_website": ("网站", "公司网站", "网址", "Website", "Web", "URL", "Homepage",
                      "Company Website", "Buyer Website"),
    "registered_country": ("国家", "国家/地区", "注册国家", "买家国家", "Country",
                           "Country/Region", "Buyer Country", "Registered Country"),
    "ip_country": ("IP国家", "IP所在地", "IP地区", "IP Country", "IP Location"),
    "registered_at": ("注册时间", "注册日期", "Registered", "Registration Date", "Member Since",
                      "Registered At", "Joined"),
    "product_views_30d": ("30天浏览产品数", "近30天浏览", "近30天浏览产品数", "Product Views",
                          "Product Views 30d", "Views 30d"),
    "inquiries_sent_30d": ("30天询盘数", "近30天询盘数", "近30天发送询盘数", "Inquiries Sent",
                           "Inquiries Sent 30d", "Inquiries 30d"),
    "suppliers_contacted": ("联系供应商数", "发送供应商数", "Suppliers Contacted", "Suppliers"),
    "verified_buyer": ("认证买家", "是否认证", "Verified", "Verified Buyer"),
    "subject": ("主题", "标题", "询盘主题", "Subject"),
    "message": ("留言内容", "内容", "询盘内容", "消息", "留言", "正文", "Message", "Content",
                "Body", "Inquiry Content", "Inquiry Message", "Message Content", "Text"),
    "attachments": ("附件", "Attachments", "Attachment", "Files"),
}


class MappingError(ValueError):
    """A user column mapping names a column the schema does not have."""


def normalise_header(name: str) -> str:
    """The form headers are compared in: "Buyer-Name:" and "buyer_name" are alike."""
    name = name.replace("\ufeff", "").strip().rstrip(":：*").strip()
    return re.sub(r"[\s_\-]+", " ", name).lower()


_ALIAS_INDEX = {normalise_header(alias): column
                for column, aliases in ALIASES.items() for alias in (column, *aliases)}


def read_mapping(path: str | Path) -> dict[str, str]:
    """A column mapping file: YAML of ``their header: schema column``; raises MappingError."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise MappingError(f"{path}: cannot read the column mapping: {exc}") from None
    if not isinstance(data, dict):
        raise MappingError(f"{path}: a column mapping is a YAML mapping of "
                           "'their column: our column'")
    return {str(k): str(v) for k, v in data.items()}


def check_mapping(mapping: Mapping[str, str] | None) -> dict[str, str]:
    """A user mapping {their header: schema column}, normalised; raises MappingError."""
    checked = {}
    for theirs, ours in (mapping or {}).items():
        column = normalise_header(str(ours)).replace(" ", "_")
        if column not in COLUMNS:
            raise MappingError(f"column mapping: {ours!r} (for {theirs!r}) is not one of "
                               f"{', '.join(COLUMNS)}")
        checked[normalise_header(str(theirs))] = column
    return checked


def column_for(header: str, mapping: Mapping[str, str]) -> str | None:
    """The schema column a header means, given a checked user mapping."""
    key = normalise_header(header)
    return mapping.get(key) or _ALIAS_INDEX.get(key)


def cell_text(value: object) -> str:
    """A spreadsheet or JSON value as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # spreadsheets store every number as a float
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


EXPORT_ENCODINGS = ["gb18030", "big5", "cp1252", "cp1251", "cp1254", "cp1256", "shift_jis"]


def decode_export(data: bytes) -> str:
    """Text of an export: UTF-8 (with or without BOM), else what charset_normalizer finds."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Only the encodings platform exports are really saved in: left free, the detector
    # takes a short GBK file for Korean or a French one for Central European.
    best = from_bytes(data, cp_isolation=EXPORT_ENCODINGS).best()
    # No guess at all is most likely a short Chinese export; GB18030 covers GB2312 and GBK.
    encoding = best.encoding if best else "gb18030"
    if encoding in ("gb2312", "gbk"):
        encoding = "gb18030"
    return data.decode(encoding, "replace")


def iter_csv(path: str | Path, mapping: Mapping[str, str] | None = None,
             name: str | None = None) -> Iterator[RawItem]:
    """Rows of a CSV export; ``name`` (default: the path as given) prefixes each source."""
    name = str(path) if name is None else name
    try:
        text = decode_export(Path(path).read_bytes()).replace("\x00", "")
    except OSError as exc:
        yield RawItem(name, "platform", error=f"{path}: {exc.strerror or exc}")
        return
    yield from rows_to_items(_csv_rows(text), name, "platform", check_mapping(mapping))


def iter_xlsx(path: str | Path, mapping: Mapping[str, str] | None = None,
              name: str | None = None) -> Iterator[RawItem]:
    """Rows of the first non-empty sheet of an XLSX (or XLS, ODS) export."""
    name = str(path) if name is None else name
    try:
        rows = _sheet_rows(path)
    except (CalamineError, OSError, ValueError) as exc:
        yield RawItem(name, "platform", error=f"{path}: cannot read the workbook: {exc}")
        return
    yield from rows_to_items(rows, name, "platform", check_mapping(mapping))


def _sheet_rows(path: str | Path) -> list[list[str]]:
    workbook = CalamineWorkbook.from_path(str(path))
    try:
        for index in range(len(workbook.sheet_names)):
            rows = workbook.get_sheet_by_index(index).to_python(skip_empty_area=True)
            if rows:
                return [[cell_text(cell) for cell in row] for row in rows]
        return []
    finally:
        workbook.close()


def _csv_rows(text: str) -> Iterator[list[str] | str]:
    """CSV rows; a row the reader cannot parse comes as a string saying why."""
    first_line = text.split("\n", 1)[0]
    # European Excel writes ";", some exports use tabs: the header line tells which.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield f"line {reader.line_num}: {exc}"


def rows_to_items(rows: Iterable[list[str] | str], name: str, channel: str,
                  mapping: Mapping[str, str]) -> Iterator[RawItem]:
    """RawItems from a header row and data rows; ``mapping`` is a checked user mapping."""
    columns: list[str | None] | None = None
    number = 0
    for row in rows:
        if isinstance(row, str):
            yield RawItem(f"{name}#{row.partition(':')[0].replace(' ', '-')}", channel,
                          error=f"{name}: {row}")
            continue
        if not any(cell.strip() for cell in row):
            continue
        if columns is None:
            columns = _header_columns(row, mapping)
            if not any(columns):
                yield RawItem(name, channel, error=f"{name}: no known column in the header "
                              f"{row[:8]!r}; pass a column mapping")
                return
            continue
        number += 1
        values = _row_values(columns, row)
        yield RawItem(f"{name}#{values.get('inquiry_id') or f'row-{number}'}", channel,
                      row=values)


def _header_columns(header: list[str], mapping: Mapping[str, str]) -> list[str | None]:
    columns: list[str | None] = []
    for cell in header:
        column = column_for(cell, mapping)
        columns.append(column if column not in columns else None)  # the first one wins
    return columns


def _row_values(columns: list[str | None], row: list[str]) -> dict[str, str]:
    values = dict.fromkeys((c for c in columns if c), "")
    for column, cell in zip(columns, row, strict=False):  # short or long rows keep their cells
        if column:
            values[column] = cell.strip() if column == "inquiry_id" else cell
    return values
