"""The rules page: the effective rulebook listed, a change tried, a change saved.

A change is user-rulebook YAML layered over the rulebook in use.  It is tried on one
stored inquiry (judged before and after, nothing saved), and saved into the user rulebook
only when it loads and its own rule examples pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

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
from inquirydesk.settings import Settings
from inquirydesk.store import Store, StoreHistory
from inquirydesk.store.analysis import judge, understand
from inquirydesk.store.desk import User
from inquirydesk.web.admin.files import EDITORS, read_mapping, write_checked
from inquirydesk.web.services import Invalid, require, stored

CHANGE = "your change"  # the source name a tried change's mistakes are reported under
MAX_TEXT = 200_000  # characters of rulebook YAML a form may send


class Refused(Invalid):
    """A rulebook that cannot be used: the loader's message, its rule id and line."""

    def __init__(self, error: RulebookError):
        super().__init__(str(error))
        self.rule, self.line = error.rule, error.line


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
    user_entries = _entries(read_mapping(settings.rules))
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
    merged = _merged_user_rules(read_mapping(settings.rules), yaml.safe_load(text) or {})
    target = rules_target(settings)

    def loads(path: Path) -> None:
        try:
            load_rulebook(path)
        except RulebookError as exc:
            raise Refused(exc) from None

    backup = write_checked(target, merged, loads)
    return SavedRules(str(target), backup, load_rulebook(target).hash, settings.rules is None)
