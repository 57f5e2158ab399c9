"""The seller profile's catalog imported from an Excel sheet: read, previewed, applied.

The sheet's first row names its columns (English or Chinese headers); every row is checked
and all problems are reported at once.  A preview lists what would be added, changed or
(in "replace" mode) removed; applying merges the items into seller.yaml.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from io import BytesIO
from typing import Any

from inquirydesk.settings import Settings
from inquirydesk.store.desk import User
from inquirydesk.web.admin.files import EDITORS, read_mapping, write_checked
from inquirydesk.web.admin.seller import check_seller, seller_target, seller_view
from inquirydesk.web.services import Invalid, require

MAX_SHEET = 5_000_000  # bytes of an uploaded catalog workbook

_HEADERS = {
    "id": ("id", "item id", "item", "model", "sku", "型号", "编号", "货号"),
    "name": ("name", "product name", "product", "品名", "名称", "产品名称"),
    "category": ("category", "类别", "分类", "品类"),
    "keywords": ("keywords", "keyword", "关键词"),
    "price": ("price range", "price range usd", "price_range_usd", "price usd", "price",
              "价格", "价格区间", "价格范围"),
    "price_min": ("price min", "min price", "price from", "最低价"),
    "price_max": ("price max", "max price", "price to", "最高价"),
}
_SPLIT = re.compile(r"[,;，；、|\n]+")
_RANGE = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:[-–—~～]|to|至)\s*(\d+(?:\.\d+)?)$")


def _header(value: Any) -> str:
    return re.sub(r"[\s_\-()（）]+", " ", _cell(value).lower()).strip()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass(frozen=True, slots=True)
class Sheet:
    """Catalog items read from a workbook; ``columns``: which fields the sheet gives."""

    items: list[dict[str, Any]]
    columns: tuple[str, ...]


def read_sheet(data: bytes) -> Sheet:
    """The first worksheet of an .xlsx: a header row naming id, name and any of category,
    keywords, price range (or price min / price max), then one item a row."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    if len(data) > MAX_SHEET:
        raise Invalid(f"the workbook is larger than {MAX_SHEET // 1_000_000} MB")
    try:
        book = load_workbook(BytesIO(data), read_only=True, data_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
    except Exception as exc:  # any unreadable upload is the user's file, not our bug
        raise Invalid(f"not an Excel workbook (.xlsx): {type(exc).__name__}") from None
    if not rows:
        raise Invalid("the first worksheet is empty")
    columns = _columns(rows[0])

    def where(row: int, field_: str) -> str:
        return f"row {row}, column {get_column_letter(columns[field_] + 1)} ({field_})"

    items, problems, seen = [], [], {}
    for number, values in enumerate(rows[1:], start=2):
        cells = {f: _cell(values[i]) if i < len(values) else "" for f, i in columns.items()}
        if not any(cells.values()):
            continue
        try:
            item = _item(cells, lambda f, n=number: where(n, f))
        except Invalid as exc:
            problems.append(str(exc))
            continue
        if item["id"] in seen:
            problems.append(f"{where(number, 'id')}: {item['id']} is also on row "
                            f"{seen[item['id']]}")
        seen[item["id"]] = number
        items.append(item)
    if problems:
        raise Invalid("; ".join(problems[:10]) + (" …" if len(problems) > 10 else ""))
    if not items:
        raise Invalid("the sheet has a header row but no items")
    given = tuple(f for f in ("category", "keywords") if f in columns)
    has_price = bool({"price", "price_min", "price_max"} & set(columns))
    return Sheet(items, ("id", "name", *given, *(("price_range_usd",) if has_price else ())))


def _columns(header: tuple) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, value in enumerate(header):
        name = _header(value)
        for field_, aliases in _HEADERS.items():
            if name in aliases and field_ not in found:
                found[field_] = index
    missing = [f for f in ("id", "name") if f not in found]
    if missing:
        raise Invalid(f"row 1 must name the columns; missing: {', '.join(missing)} (columns: "
                      "id, name, category, keywords, price range)")
    return found


def _item(cells: Mapping[str, str], where: Callable[[str], str]) -> dict[str, Any]:
    if not cells["id"]:
        raise Invalid(f"{where('id')}: an item needs an id")
    if not cells["name"]:
        raise Invalid(f"{where('name')}: item {cells['id']} needs a name")
    item: dict[str, Any] = {"id": cells["id"], "name": cells["name"]}
    if "category" in cells:
        item["category"] = cells["category"]
    if "keywords" in cells:
        item["keywords"] = [k.strip() for k in _SPLIT.split(cells["keywords"]) if k.strip()]
    if {"price", "price_min", "price_max"} & set(cells):
        item["price_range_usd"] = _price(cells, where)
    return item


def _price(cells: Mapping[str, str], where: Callable[[str], str]) -> list[float] | None:
    if cells.get("price"):
        text = re.sub(r"(?i)us\$|usd|\$|美元", "", cells["price"]).strip()
        match = _RANGE.match(text)
        try:
            low, high = (float(match[1]), float(match[2])) if match else (float(text),) * 2
        except ValueError:
            raise Invalid(f"{where('price')}: {cells['price']!r} is not a price range like "
                          "9.5-32") from None
        column = "price"
    elif cells.get("price_min") or cells.get("price_max"):
        low_text = cells.get("price_min") or cells.get("price_max", "")
        high_text = cells.get("price_max") or low_text
        column = "price_min" if cells.get("price_min") else "price_max"
        try:
            low, high = float(low_text), float(high_text)
        except ValueError:
            raise Invalid(f"{where(column)}: prices must be numbers") from None
    else:
        return None
    if low < 0 or high < low:
        raise Invalid(f"{where(column)}: the range must run from a low price to a higher one")
    return [low, high]


@dataclass(frozen=True, slots=True)
class CatalogDiff:
    mode: str  # "merge" (items not in the sheet stay) or "replace"
    added: list[dict[str, Any]]
    changed: list[dict[str, Any]]  # id and {field: [old, new]}
    unchanged: list[str]
    removed: list[str]
    items: list[dict[str, Any]]  # the sheet's items, as they will be written
    applied: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _catalog_diff(current: list[dict[str, Any]], items: list[dict[str, Any]],
                  mode: str) -> CatalogDiff:
    if mode not in ("merge", "replace"):
        raise Invalid(f"mode {mode!r} is not merge or replace")
    old = {str(c.get("id")): c for c in current}
    added, changed, unchanged = [], [], []
    for item in items:
        before = old.get(item["id"])
        if before is None:
            added.append(item)
            continue
        fields_ = {k: [before.get(k), v] for k, v in item.items() if before.get(k) != v}
        (changed.append({"id": item["id"], "fields": fields_}) if fields_
         else unchanged.append(item["id"]))
    ids = {i["id"] for i in items}
    removed = [k for k in old if k not in ids] if mode == "replace" else []
    return CatalogDiff(mode, added, changed, unchanged, removed, items)


def items_from_json(text: str) -> list[dict[str, Any]]:
    """The items a preview carried to its "apply" form, checked again."""
    try:
        raw = json.loads(text)
    except ValueError:
        raise Invalid("the preview's items are not readable; upload the sheet again") from None
    if not isinstance(raw, list) or not raw:
        raise Invalid("the preview carries no items; upload the sheet again")
    out = []
    for entry in raw:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not \
                isinstance(entry.get("name"), str) or set(entry) - {
                    "id", "name", "category", "keywords", "price_range_usd"}:
            raise Invalid("the preview's items are damaged; upload the sheet again")
        out.append(entry)
    return out


def preview_catalog(settings: Settings, user: User, items: list[dict[str, Any]],
                    mode: str = "merge") -> CatalogDiff:
    """What importing ``items`` would change in the seller profile's catalog."""
    require(user, *EDITORS)
    return _catalog_diff(seller_view(settings, user).catalog, items, mode)


def apply_catalog(settings: Settings, user: User, items: list[dict[str, Any]],
                  mode: str = "merge") -> CatalogDiff:
    """Import ``items`` into the seller profile (a sheet's empty price clears the price)."""
    diff = preview_catalog(settings, user, items, mode)
    path = seller_target(settings)
    data = read_mapping(path)
    sheet = {i["id"]: i for i in items}
    catalog = []
    for entry in data.get("catalog") or []:
        key = str(entry.get("id")) if isinstance(entry, dict) else ""
        if key in sheet:
            merged = {**entry, **sheet.pop(key)}
            catalog.append({k: v for k, v in merged.items() if v is not None})
        elif mode == "merge":
            catalog.append(entry)
    catalog += [{k: v for k, v in i.items() if v is not None} for i in sheet.values()]
    data["catalog"] = catalog
    write_checked(path, data, check_seller)
    return CatalogDiff(diff.mode, diff.added, diff.changed, diff.unchanged, diff.removed,
                       diff.items, applied=True)
