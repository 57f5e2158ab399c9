"""The rules page and the settings: use cases behind ``routes_admin`` (pattern: ``services``).

Rules: the effective rulebook listed; a change (user-rulebook YAML) tried on one stored
inquiry before it is saved, and saved only when it loads and its examples pass.
Settings: the seller profile, its catalog imported from an Excel sheet, the IMAP
mailboxes of the settings file, and the desk's users.

Every file written here (user rulebook, seller.yaml, settings file) is written whole to a
temporary file, checked by the same loader the app uses, the old one kept as ``.bak``,
and only then put in place: a mistake never leaves a half-written or unloadable file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from pydantic import ValidationError

from inquirydesk.engine import Engine
from inquirydesk.model import RawItem, Seller
from inquirydesk.rules.engine import check_examples
from inquirydesk.rules.rulebook import (
    GROUPS,
    Rule,
    Rulebook,
    RulebookError,
    default_path,
    load_layers,
    load_rulebook,
)
from inquirydesk.seller import SellerError, load_seller
from inquirydesk.settings import Mailbox, Settings
from inquirydesk.store import Store, StoreHistory
from inquirydesk.store import desk as people
from inquirydesk.store.analysis import judge, understand
from inquirydesk.store.desk import User
from inquirydesk.web.services import Invalid, NotFound, require, stored

CHANGE = "your change"  # the source name a tried change's mistakes are reported under
MAX_TEXT = 200_000  # characters of rulebook YAML a form may send
MAX_SHEET = 5_000_000  # bytes of an uploaded catalog workbook
MIN_PASSWORD = 8
EDITORS = ("admin", "manager")


class Refused(Invalid):
    """A rulebook that cannot be used: the loader's message, its rule id and line."""

    def __init__(self, error: RulebookError):
        super().__init__(str(error))
        self.rule, self.line = error.rule, error.line


# ---------------------------------------------------------------------- files


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _read_mapping(path: Path | None) -> dict[str, Any]:
    """A YAML file's top-level mapping ({} when the file is absent)."""
    if path is None or not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise Invalid(f"{path}: cannot read: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise Invalid(f"{path}: the file is not a YAML mapping")
    return data


def write_checked(path: Path, data: Mapping[str, Any], check: Callable[[Path], None]) -> str:
    """Write ``data`` as YAML to ``path`` once ``check`` accepts it; the old file becomes
    ``path.bak``.  Returns the backup's path ("" when there was no file before)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = path.with_name(f".{path.name}.new")
    fresh.write_text(_dump(dict(data)), encoding="utf-8")
    try:
        check(fresh)
    except BaseException:
        fresh.unlink(missing_ok=True)
        raise
    backup = ""
    if path.exists():
        backup = str(path.with_name(path.name + ".bak"))
        shutil.copy2(path, backup)
    os.replace(fresh, path)
    return backup


# ---------------------------------------------------------------------- the rulebook


@dataclass(frozen=True, slots=True)
class RuleRow:
    id: str
    group: str
    points: float | None
    factor: float | None
    label: str
    when: str  # the matcher as written, in YAML flow style
    reason: str
    description: str
    origin: str  # "default", "overridden" (the user file changes it) or "added"
    source: str
    line: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class RulesView:
    hash: str
    rules_file: str  # the user rulebook in use ("" when only the defaults are)
    save_to: str  # where "save" writes
    groups: tuple[str, ...]
    filters: dict[str, str]
    rules: list[RuleRow]
    disabled: list[str]  # default rules the user file switches off
    total: int  # rules in the rulebook, before filtering
    can_change: bool

    def as_dict(self) -> dict[str, Any]:
        return {"hash": self.hash, "rules_file": self.rules_file, "save_to": self.save_to,
                "groups": list(self.groups), "filters": self.filters, "total": self.total,
                "count": len(self.rules), "rules": [r.as_dict() for r in self.rules],
                "disabled": self.disabled, "can_change": self.can_change}


@cache
def _default_entries() -> dict[str, dict[str, Any]]:
    return _entries(yaml.safe_load(default_path().read_text(encoding="utf-8")) or {})


def _entries(data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    rules = data.get("rules") if isinstance(data, Mapping) else None
    return {r["id"]: r for r in rules or [] if isinstance(r, dict) and isinstance(r.get("id"), str)}


def _flow(spec: Any) -> str:
    return yaml.safe_dump(spec, default_flow_style=True, allow_unicode=True,
                          width=10_000).strip()


def _row(rule: Rule, descriptions: Mapping[str, str]) -> RuleRow:
    if rule.source == "default":
        origin = "default"
    else:
        origin = "overridden" if rule.id in _default_entries() else "added"
    return RuleRow(rule.id, rule.group, rule.points, rule.factor, rule.label, _flow(rule.spec),
                   rule.reason, descriptions.get(rule.id, ""), origin, rule.source, rule.line)


def rules_target(settings: Settings) -> Path:
    """Where the user rulebook is saved: ``settings.rules``, else ``data_dir/rules.yaml``."""
    return settings.rules or settings.data_dir / "rules.yaml"


def rules_view(settings: Settings, user: User, rulebook: Rulebook,
               filters: Mapping[str, str]) -> RulesView:
    """The effective rulebook, filtered by ``group`` and a ``q`` over ids, reasons and
    matchers; visible to everyone signed in."""
    group = str(filters.get("group") or "").strip()
    q = str(filters.get("q") or "").strip().lower()
    if group and group not in GROUPS:
        raise Invalid(f"group {group!r} is not one of {', '.join(GROUPS)}")
    user_entries = _entries(_read_mapping(settings.rules))
    descriptions = {k: str(v.get("description") or "")
                    for k, v in {**_default_entries(), **user_entries}.items()}
    rows = sorted((_row(r, descriptions) for r in rulebook.rules),
                  key=lambda r: GROUPS.index(r.group))  # per group, rulebook order within
    shown = [r for r in rows if (not group or r.group == group) and (
        not q or q in " ".join((r.id, r.reason, r.description, r.when, r.label)).lower())]
    disabled = sorted(k for k, v in user_entries.items() if v.get("enabled") is False)
    return RulesView(rulebook.hash, str(settings.rules or ""), str(rules_target(settings)),
                     GROUPS, {"group": group, "q": q}, shown, disabled, len(rows),
                     user.role in EDITORS)


def _base_layers(settings: Settings) -> list[tuple[str, str]]:
    path = settings.rules
    if path is None or not path.is_file():
        return []
    try:
        return [(str(path), path.read_text(encoding="utf-8"))]
    except (OSError, UnicodeDecodeError) as exc:
        raise Invalid(f"{path}: cannot read: {exc}") from None


def _layered(layers: list[tuple[str, str]]) -> Rulebook:
    try:
        return load_layers(*layers)
    except RulebookError as exc:
        raise Refused(exc) from None


def _change_text(text: str) -> str:
    if not text.strip():
        raise Invalid("the change is empty: write rules in the user-rulebook format")
    if len(text) > MAX_TEXT:
        raise Invalid(f"the change is longer than {MAX_TEXT} characters")
    return text


@dataclass(frozen=True, slots=True)
class TrialView:
    inquiry: dict[str, Any]  # id, subject, and its stored grade, total, risk
    before: dict[str, Any]
    after: dict[str, Any]
    added: list[dict[str, Any]]  # evidence only the change brings
    removed: list[dict[str, Any]]  # evidence the change takes away
    reweighed: list[dict[str, Any]]  # the same evidence with another weight
    examples: list[str]  # the change's rule examples that fail
    hashes: dict[str, str]

    @property
    def changed(self) -> bool:
        return any(self.before[k] != self.after[k] for k in ("grade", "risk", "total"))

    def as_dict(self) -> dict[str, Any]:
        return {"inquiry": self.inquiry, "before": self.before, "after": self.after,
                "changed": self.changed,
                "evidence": {"added": self.added, "removed": self.removed,
                             "reweighed": self.reweighed},
                "examples_failing": self.examples, "rulebook": self.hashes}


def _summary(record: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("grade", "total", "risk", "probability", "items", "intent", "business_type",
            "evidence")
    return {k: record.get(k) for k in keys}


def _key(evidence: Mapping[str, Any]) -> tuple[str, str]:
    return str(evidence.get("rule")), str(evidence.get("quote", ""))


def _evidence_diff(before: list[dict], after: list[dict]) -> tuple[list, list, list]:
    old = {_key(e): e for e in before}
    new = {_key(e): e for e in after}
    added = [e for k, e in new.items() if k not in old]
    removed = [e for k, e in old.items() if k not in new]
    reweighed = [{"rule": e["rule"], "quote": e.get("quote", ""),
                  "before": {w: old[k].get(w) for w in ("points", "factor")},
                  "after": {w: e.get(w) for w in ("points", "factor")}}
                 for k, e in new.items() if k in old and
                 (old[k].get("points"), old[k].get("factor")) != (e.get("points"),
                                                                  e.get("factor"))]
    return added, removed, reweighed


def try_change(store: Store, user: User, settings: Settings, seller: Seller, text: str,
               inquiry_id: int) -> TrialView:
    """Judge a stored inquiry with the current rulebook and with ``text`` merged over it
    (nothing saved): grade, total, risk, Table 1 and evidence, before and after."""
    require(user, *EDITORS)
    text = _change_text(text)
    found = stored(store, user, inquiry_id)
    base = _base_layers(settings)
    before_book, after_book = _layered(base), _layered([*base, (CHANGE, text)])
    if found.raw is None and found.row is None:
        raise Invalid(f"inquiry {inquiry_id} has no stored input to judge again")
    item = RawItem(found.item.source, found.item.channel, data=found.raw, row=found.row)
    before, after = (_judge(store, Engine(seller, book), item)
                     for book in (before_book, after_book))
    added, removed, reweighed = _evidence_diff(before["evidence"] or [],
                                               after["evidence"] or [])
    failing = [f"{f.rule} (line {f.line}): should {'not ' if f.expected == 'no_match' else ''}"
               f"match {f.example!r}" for f in check_examples(after_book, only_source=CHANGE)]
    return TrialView(
        {"id": inquiry_id, "subject": found.item.subject, "grade": found.item.grade,
         "total": found.item.total, "risk": found.item.risk},
        before, after, added, removed, reweighed, failing,
        {"before": before_book.hash, "after": after_book.hash})


def _judge(store: Store, engine: Engine, item: RawItem) -> dict[str, Any]:
    """The stored input judged as a re-analysis would: against the stored history."""
    understood = understand(engine, item)
    if isinstance(understood, str):
        raise Invalid(understood)
    with store.session() as session:
        echoes = StoreHistory(session, [understood.seen]).echoes(understood.seen)
    values = judge(engine, (understood, echoes))
    if isinstance(values, str):
        raise Invalid(values)
    return _summary(values["analysis"])


@dataclass(frozen=True, slots=True)
class SavedRules:
    path: str
    backup: str
    hash: str
    setting_was_unset: bool  # the settings named no user rulebook: they must now

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _merged_user_rules(base: Mapping[str, Any], change: Mapping[str, Any]) -> dict[str, Any]:
    """``change`` merged into the user file the way the loader merges layers: by rule id
    (a weight kind replaces the other), settings key by key."""
    out = dict(base)
    rules = [dict(r) for r in base.get("rules") or []]
    where = {r.get("id"): i for i, r in enumerate(rules)}
    for raw in change.get("rules") or []:
        if raw["id"] not in where:
            where[raw["id"]] = len(rules)
            rules.append(dict(raw))
            continue
        merged = {**rules[where[raw["id"]]], **raw}
        for kind, other in (("factor", "points"), ("points", "factor")):
            if kind in raw:
                merged.pop(other, None)
        rules[where[raw["id"]]] = merged
    settings = dict(base.get("settings") or {})
    for key, value in (change.get("settings") or {}).items():
        old = settings.get(key)
        settings[key] = {**old, **value} if isinstance(old, dict) and isinstance(
            value, dict) else value
    out["rules"] = rules
    if settings:
        out["settings"] = settings
    return out


def save_change(settings: Settings, user: User, text: str) -> SavedRules:
    """Merge a change into the user rulebook, once it loads and its examples pass."""
    require(user, *EDITORS)
    text = _change_text(text)
    book = _layered([*_base_layers(settings), (CHANGE, text)])
    failing = check_examples(book, only_source=CHANGE)
    if failing:
        raise Invalid("examples fail: " + "; ".join(
            f"{f.rule} (line {f.line}) {f.expected} {f.example!r}" for f in failing))
    merged = _merged_user_rules(_read_mapping(settings.rules), yaml.safe_load(text) or {})
    target = rules_target(settings)

    def loads(path: Path) -> None:
        try:
            load_rulebook(path)
        except RulebookError as exc:
            raise Refused(exc) from None

    backup = write_checked(target, merged, loads)
    return SavedRules(str(target), backup, load_rulebook(target).hash, settings.rules is None)


# ---------------------------------------------------------------------- the seller profile

SELLER_FIELDS = ("company", "website", "address", "phone", "moq", "payment_terms",
                 "lead_time", "port", "timezone")


def seller_target(settings: Settings) -> Path:
    """The seller profile: ``settings.seller``, else ``data_dir/seller.yaml``."""
    return settings.seller or settings.data_dir / "seller.yaml"


@dataclass(frozen=True, slots=True)
class SellerView:
    path: str
    exists: bool
    fields: dict[str, str]
    people: list[dict[str, Any]]
    catalog: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def seller_view(settings: Settings, user: User) -> SellerView:
    require(user, *EDITORS)
    path = seller_target(settings)
    data = _read_mapping(path)
    people_ = [p if isinstance(p, dict) else {"name": str(p)} for p in data.get("people") or []]
    catalog = [c for c in data.get("catalog") or [] if isinstance(c, dict)]
    return SellerView(str(path), path.is_file(),
                      {k: _plain(data.get(k)) for k in SELLER_FIELDS}, people_, catalog)


def _plain(value: Any) -> str:
    return "" if value is None else str(value)


def _load_seller(path: Path) -> None:
    try:
        load_seller(path)
    except SellerError as exc:
        raise Invalid(str(exc)) from None


def save_seller(settings: Settings, user: User, values: Mapping[str, Any]) -> SellerView:
    """Write the profile's text fields; everything the form does not show is kept."""
    require(user, *EDITORS)
    unknown = sorted(set(values) - set(SELLER_FIELDS))
    if unknown:
        raise Invalid(f"unknown seller fields {unknown}; the form edits "
                      f"{', '.join(SELLER_FIELDS)}")
    path = seller_target(settings)
    data = _read_mapping(path)
    for key in SELLER_FIELDS:
        if key not in values:
            continue
        text = str(values[key] or "").strip()
        if len(text) > 2000:
            raise Invalid(f"{key} is longer than 2000 characters")
        if key == "timezone" and text:
            _zone(text)
        if text:
            data[key] = text
        else:
            data.pop(key, None)
    write_checked(path, data, _load_seller)
    return seller_view(settings, user)


def _zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        raise Invalid(f"timezone {name!r} is not a zone name like Asia/Shanghai") from None


# ---------------------------------------------------------------------- catalog from Excel

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
    data = _read_mapping(path)
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
    write_checked(path, data, _load_seller)
    return CatalogDiff(diff.mode, diff.added, diff.changed, diff.unchanged, diff.removed,
                       diff.items, applied=True)


# ---------------------------------------------------------------------- mailboxes

SECURITY = ("tls", "starttls", "none")


def settings_file(state: Any) -> Path:
    """The settings file the desk writes mailboxes to: ``app.state.settings_file`` when
    set, else the file ``load_settings`` reads (``INQUIRYDESK_CONFIG`` or
    ``inquirydesk.yaml``)."""
    explicit = getattr(state, "settings_file", None)
    if explicit is not None:
        return Path(explicit)
    return Path(os.environ.get("INQUIRYDESK_CONFIG", "inquirydesk.yaml"))


@dataclass(frozen=True, slots=True)
class MailboxesView:
    file: str
    writable: bool  # the desk was started with a settings file it can write to
    mailboxes: list[dict[str, Any]]  # passwords never leave: only whether one is set

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _public(box: Mailbox) -> dict[str, Any]:
    out = box.model_dump(exclude={"password"})
    out["password_set"] = bool(box.password.get_secret_value())
    return out


def mailboxes_view(settings: Settings, path: Path, user: User) -> MailboxesView:
    require(user, *EDITORS)
    return MailboxesView(str(path), path.is_file(), [_public(m) for m in settings.mailboxes])


def _entry(values: Mapping[str, Any], old: Mapping[str, Any]) -> dict[str, Any]:
    folders = values.get("folders", old.get("folders", ["INBOX"]))
    if isinstance(folders, str):
        folders = [f.strip() for f in folders.split(",") if f.strip()]
    entry = {**old, **{k: v for k, v in values.items() if k in Mailbox.model_fields}}
    entry["folders"] = folders or ["INBOX"]
    if not str(values.get("password") or ""):
        entry.pop("password", None)
        if old.get("password"):
            entry["password"] = old["password"]  # an empty field keeps the password
    for key in ("name", "host", "username", "owner", "security"):
        if key in entry:
            entry[key] = str(entry[key] or "").strip()
    try:
        entry["port"] = int(entry.get("port", 993))
    except (TypeError, ValueError):
        raise Invalid("port must be a number such as 993") from None
    if entry.get("security", "tls") not in SECURITY:
        raise Invalid(f"security must be one of {', '.join(SECURITY)}")
    try:
        Mailbox(**entry)
    except ValidationError as exc:
        raise Invalid("mailbox: " + "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())) from None
    if not entry["name"] or not entry["host"] or not entry["username"]:
        raise Invalid("a mailbox needs a name, a host and a username")
    return entry


def _mailbox_file(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    if not path.is_file():
        raise Invalid(f"the desk was started without a settings file ({path}); write the "
                      "mailboxes there and start it again")
    data = _read_mapping(path)
    boxes = data.get("mailboxes") or []
    if not isinstance(boxes, list) or not all(isinstance(b, dict) for b in boxes):
        raise Invalid(f"{path}: mailboxes must be a list of mappings")
    return data, boxes


def _write_mailboxes(path: Path, data: dict[str, Any], boxes: list) -> list[Mailbox]:
    data["mailboxes"] = boxes
    write_checked(path, data, lambda fresh: None)
    return [Mailbox(**b) for b in boxes]


def save_mailbox(path: Path, user: User, values: Mapping[str, Any],
                 original: str = "") -> list[Mailbox]:
    """Add a mailbox, or change the one named ``original``; returns them all."""
    require(user, *EDITORS)
    data, boxes = _mailbox_file(path)
    names = [str(b.get("name")) for b in boxes]
    if original and original not in names:
        raise NotFound(f"no mailbox {original!r}")
    old = boxes[names.index(original)] if original else {}
    entry = _entry(values, old)
    if entry["name"] != original and entry["name"] in names:
        raise Invalid(f"a mailbox named {entry['name']!r} exists already")
    if original:
        boxes[names.index(original)] = entry
    else:
        boxes.append(entry)
    return _write_mailboxes(path, data, boxes)


def remove_mailbox(path: Path, user: User, name: str) -> list[Mailbox]:
    require(user, *EDITORS)
    data, boxes = _mailbox_file(path)
    kept = [b for b in boxes if str(b.get("name")) != name]
    if len(kept) == len(boxes):
        raise NotFound(f"no mailbox {name!r}")
    return _write_mailboxes(path, data, kept)


# ---------------------------------------------------------------------- users


@dataclass(frozen=True, slots=True)
class UsersView:
    users: list[dict[str, Any]]
    roles: tuple[str, ...] = people.ROLES
    languages: tuple[str, ...] = people.LANGUAGES
    new_token: dict[str, str] = field(default_factory=dict)  # shown once, just made

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def users_view(store: Store, user: User) -> UsersView:
    require(user, "admin")
    tokens: dict[str, list[dict[str, Any]]] = {}
    for token in people.tokens(store):
        tokens.setdefault(token.username, []).append(token.as_dict())
    return UsersView([{"username": u.username, "display_name": u.display_name, "role": u.role,
                       "language": u.language, "disabled": u.disabled,
                       "tokens": tokens.get(u.username, [])} for u in people.users(store)])


def _desk(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except people.DeskError as exc:
        if str(exc).startswith("no user"):
            raise NotFound(str(exc)) from None
        raise Invalid(str(exc)) from None


def _password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"a password needs at least {MIN_PASSWORD} characters")
    return password


_USERNAME = re.compile(r"[\w.@+-]{1,120}")


def add_user(store: Store, admin: User, values: Mapping[str, Any]) -> User:
    """A new user; names are letters, digits and . _ - @ + (they appear in URLs)."""
    require(admin, "admin")
    name = str(values.get("username") or "").strip()
    if not _USERNAME.fullmatch(name):
        raise Invalid("a username is 1 to 120 letters, digits or . _ - @ +")
    return _desk(lambda: people.add_user(
        store, name,
        _password(str(values.get("password") or "")),
        role=str(values.get("role") or "salesperson"),
        display_name=str(values.get("display_name") or "").strip(),
        language=str(values.get("language") or "zh")))


def _not_self(admin: User, username: str, what: str) -> None:
    if admin.username == username:
        raise Invalid(f"you cannot {what} your own account; ask another admin")


def change_user(store: Store, admin: User, username: str, values: Mapping[str, Any]) -> User:
    """Role, language or display name."""
    require(admin, "admin")
    role = values.get("role") or None
    if role and role != "admin":
        _not_self(admin, username, "demote")
    return _desk(lambda: people.update_user(
        store, username, role=role, language=values.get("language") or None,
        display_name=values.get("display_name")))


def reset_password(store: Store, admin: User, username: str, password: str) -> User:
    """A new password: the user's open sessions end."""
    require(admin, "admin")
    return _desk(lambda: people.set_password(store, username, _password(password)))


def set_disabled(store: Store, admin: User, username: str, disabled: bool) -> User:
    require(admin, "admin")
    if disabled:
        _not_self(admin, username, "disable")
    return _desk(lambda: people.set_disabled(store, username, disabled))


def sign_out_everywhere(store: Store, user: User, username: str) -> User:
    """End every session of ``username``: one's own, or (admins) anyone's."""
    if username != user.username:
        require(user, "admin")
    return _desk(lambda: people.end_sessions(store, username))


def make_token(store: Store, admin: User, username: str, label: str = "") -> str:
    require(admin, "admin")
    return _desk(lambda: people.add_token(store, username, label.strip()))


def revoke_token(store: Store, admin: User, token_id: int) -> None:
    require(admin, "admin")
    if not people.revoke_token(store, token_id):
        raise NotFound(f"no API token {token_id}")

