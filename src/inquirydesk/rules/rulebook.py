"""The rulebook: rules, weights, caps and thresholds as validated data.

The shipped ``default.yaml`` is the seeds' Table 1 made explicit.  A user file is
merged over it by rule id: it may change a weight or a reason, disable a rule
(``enabled: false``), or add rules of its own.  Any mistake is refused with the rule
id and the line it stands on; a half-valid rulebook is never used.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

from inquirydesk.model import BUSINESS_TYPES, INTENTS, RISKS, SCORE_ITEMS
from inquirydesk.rules.matchers import Compiled, MatcherError, Screen, compile_matcher

POINT_GROUPS = SCORE_ITEMS  # identity, product, detail, terms, engagement
LABEL_GROUPS = {"risk": RISKS[1:], "intent": INTENTS, "business": BUSINESS_TYPES}
GROUPS = (*POINT_GROUPS, "authenticity", *LABEL_GROUPS)
RULE_KEYS = {"id", "group", "when", "points", "factor", "label", "reason", "examples",
             "enabled", "description"}


class RulebookError(ValueError):
    """A rulebook that cannot be used, with where the problem stands."""

    def __init__(self, message: str, *, path: str = "", rule: str = "", line: int = 0):
        self.path, self.rule, self.line = path, rule, line
        where = ", ".join(x for x in (path, f"rule {rule}" if rule else "",
                                      f"line {line}" if line else "") if x)
        super().__init__(f"{where}: {message}" if where else message)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    group: str
    reason: str
    compiled: Compiled = field(compare=False, repr=False)
    spec: Mapping[str, Any] = field(compare=False, repr=False)  # ``when`` as written
    points: float | None = None
    factor: float | None = None
    label: str = ""
    examples: Mapping[str, tuple] = field(default_factory=dict, compare=False, repr=False)
    source: str = "default"  # "default" or the user file's path
    line: int = 0


@dataclass(frozen=True)
class Rulebook:
    rules: tuple[Rule, ...]
    settings: Mapping[str, Any]
    hash: str
    screener: Screen = field(default_factory=Screen, compare=False, repr=False)

    def __post_init__(self) -> None:
        groups: dict[str, tuple[Rule, ...]] = {}
        for rule in self.rules:
            groups[rule.group] = (*groups.get(rule.group, ()), rule)
        object.__setattr__(self, "_groups", groups)

    def group(self, name: str) -> tuple[Rule, ...]:
        return self._groups.get(name, ())  # type: ignore[attr-defined]

    def screen(self, subject):
        """The subject with what one pass of every pattern over its texts found."""
        return replace(subject, hits=self.screener.scan(subject.texts))

    def grade(self, total: float) -> str:
        for grade, floor in sorted(self.settings["grades"].items(), key=lambda kv: -kv[1]):
            if total >= floor:
                return grade
        return "E"

    def probability(self, total: float) -> float:
        """Deal probability, interpolated between the rulebook's anchor points."""
        anchors = self.settings["probability"]
        if total <= anchors[0][0]:
            return anchors[0][1]
        for (x0, y0), (x1, y1) in pairwise(anchors):
            if total <= x1:
                return round(y0 + (y1 - y0) * (total - x0) / (x1 - x0), 3)
        return anchors[-1][1]


# --------------------------------------------------------------------------- loading


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line each mapping starts on."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def default_path() -> Path:
    return Path(str(resources.files("inquirydesk.rules") / "default.yaml"))


def _read(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RulebookError(f"cannot read: {exc}", path=str(path)) from None
    return _parse(text, str(path))


def _parse(text: str, source: str) -> dict:
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RulebookError(f"not valid YAML: {getattr(exc, 'problem', exc)}", path=source,
                            line=mark.line + 1 if mark else 0) from None
    if data is None:
        return {"rules": [], "settings": {}}
    if not isinstance(data, dict):
        raise RulebookError("the top level must be a mapping with 'rules'", path=source)
    unknown = set(data) - {"rules", "settings", "version", "__line__"}
    if unknown:
        raise RulebookError(f"unknown top-level keys {sorted(unknown)}", path=source)
    return data


def load_rulebook(user_path: str | Path | None = None) -> Rulebook:
    """The shipped rulebook, with the user's file merged over it when given."""
    if user_path is None:
        return _assemble([])
    return _assemble([(str(user_path), _read(Path(user_path)))])


def load_layers(*layers: tuple[str, str]) -> Rulebook:
    """The shipped rulebook with user layers merged over it in order, each given as
    ``(source, YAML text)``: the web desk tries a change over the user's file before it
    is saved.  Mistakes name the layer's source, the rule id and the line in its text."""
    return _assemble([(source, _parse(text, source)) for source, text in layers])


def _assemble(layers: list[tuple[str, dict]]) -> Rulebook:
    base = _read(default_path())
    entries = _index(base.get("rules") or [], "default")
    settings = _strip(base.get("settings") or {})
    for source, user in layers:
        _merge_rules(entries, user.get("rules") or [], source)
        settings = _merge_settings(settings, _strip(user.get("settings") or {}))
    screener = Screen()
    rules = tuple(_build(e, screener) for e in entries.values()
                  if e.get("enabled", True) is not False)
    _check_settings(settings, layers[-1][0] if layers else str(default_path()))
    return Rulebook(rules, settings, _hash(entries, settings), screener)


def _index(raw_rules: list, source: str) -> dict[str, dict]:
    entries: dict[str, dict] = {}
    for raw in _rule_list(raw_rules, source):
        if raw["id"] in entries:
            raise RulebookError("duplicate rule id", path=source, rule=raw["id"],
                                line=raw["__line__"])
        entries[raw["id"]] = {**raw, "__source__": source}
    return entries


def _rule_list(raw_rules: Any, source: str) -> list[dict]:
    if not isinstance(raw_rules, list):
        raise RulebookError("'rules' must be a list", path=source)
    out = []
    for raw in raw_rules:
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not raw["id"]:
            line = raw.get("__line__", 0) if isinstance(raw, dict) else 0
            raise RulebookError("every rule needs an 'id' string", path=source, line=line)
        unknown = set(raw) - RULE_KEYS - {"__line__"}
        if unknown:
            raise RulebookError(f"unknown keys {sorted(unknown)}", path=source, rule=raw["id"],
                                line=raw["__line__"])
        out.append(raw)
    return out


def _merge_rules(entries: dict[str, dict], raw_rules: list, source: str) -> None:
    seen: set[str] = set()
    for raw in _rule_list(raw_rules, source):
        if raw["id"] in seen:
            raise RulebookError("duplicate rule id", path=source, rule=raw["id"],
                                line=raw["__line__"])
        seen.add(raw["id"])
        base = entries.get(raw["id"], {})
        merged = {**base, **raw, "__source__": source}
        # a new matcher replaces the weight kind too: points and factor never mix
        if "factor" in raw:
            merged.pop("points", None)
        if "points" in raw:
            merged.pop("factor", None)
        entries[raw["id"]] = merged


def _build(entry: dict, screener: Screen) -> Rule:
    rule_id, line, source = entry["id"], entry.get("__line__", 0), entry["__source__"]

    def fail(message: str) -> RulebookError:
        return RulebookError(message, path=source, rule=rule_id, line=line)

    group = entry.get("group")
    if group not in GROUPS:
        raise fail(f"group must be one of {', '.join(GROUPS)}, not {group!r}")
    if not isinstance(entry.get("reason"), str) or not entry["reason"].strip():
        raise fail("a rule needs a one-line 'reason' a salesperson can read")
    if "when" not in entry:
        raise fail("a rule needs a 'when' matcher")
    try:
        compiled = compile_matcher(_strip(entry["when"]), user=source != "default",
                                   screen=screener)
    except MatcherError as exc:
        raise fail(str(exc)) from None
    points, factor, label = _weights(entry, group, fail)
    return Rule(id=rule_id, group=group, reason=entry["reason"].strip(), compiled=compiled,
                spec=_strip(entry["when"]), points=points, factor=factor, label=label,
                examples=_examples(entry.get("examples"), fail), source=source, line=line)


def _weights(entry: dict, group: str, fail) -> tuple[float | None, float | None, str]:
    points, factor, label = entry.get("points"), entry.get("factor"), entry.get("label", "")
    if group == "authenticity":
        if not isinstance(factor, (int, float)) or not 0 <= factor <= 1:
            raise fail("an authenticity rule needs a 'factor' between 0 and 1")
        return None, float(factor), ""
    if not isinstance(points, (int, float)) or isinstance(points, bool):
        raise fail(f"a {group} rule needs numeric 'points'")
    if group in LABEL_GROUPS:
        if label not in LABEL_GROUPS[group]:
            raise fail(f"label must be one of {', '.join(LABEL_GROUPS[group])}")
    elif label:
        raise fail(f"a {group} rule takes no label")
    return float(points), None, label


def _examples(raw: Any, fail) -> dict[str, tuple]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or set(raw) - {"match", "no_match", "__line__"}:
        raise fail("'examples' takes 'match' and 'no_match' lists")
    out = {}
    for key in ("match", "no_match"):
        items = raw.get(key) or []
        if not isinstance(items, list) or not all(isinstance(i, (str, dict)) for i in items):
            raise fail(f"examples.{key} must be a list of texts or mappings")
        out[key] = tuple(_strip(i) if isinstance(i, dict) else i for i in items)
    return out


def _strip(value: Any) -> Any:
    """Drop the loader's line markers."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _merge_settings(base: dict, user: dict) -> dict:
    merged = dict(base)
    for key, value in user.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = {**base[key], **value}
        else:
            merged[key] = value
    return merged


def _check_settings(settings: Mapping[str, Any], path: str) -> None:
    def need(ok: bool, message: str) -> None:
        if not ok:
            raise RulebookError(f"settings: {message}", path=path)

    caps = settings.get("caps", {})
    need(isinstance(caps, dict) and set(caps) == set(POINT_GROUPS),
         f"caps must name {', '.join(POINT_GROUPS)}")
    grades = settings.get("grades", {})
    need(isinstance(grades, dict) and set(grades) == {"A", "B", "C", "D"},
         "grades must give the floors of A, B, C and D")
    floors = [grades[g] for g in "ABCD"]
    need(floors == sorted(floors, reverse=True), "grade floors must fall from A to D")
    anchors = settings.get("probability", [])
    need(isinstance(anchors, list) and len(anchors) >= 2
         and all(isinstance(a, list) and len(a) == 2 for a in anchors)
         and [a[0] for a in anchors] == sorted(a[0] for a in anchors),
         "probability must be a rising list of [total, probability] pairs")
    thresholds = settings.get("risk_threshold", {})
    need(isinstance(thresholds, dict) and set(thresholds) == set(RISKS[1:]),
         "risk_threshold must give spam, phishing and scam")
    need(isinstance(settings.get("risk_total"), (int, float)),
         "risk_total must give the points all risk verdicts together need")
    factors = settings.get("verdict_factor", {})
    need(isinstance(factors, dict) and set(factors) == set(RISKS[1:]),
         "verdict_factor must give spam, phishing and scam")
    need(settings.get("intent_default") in INTENTS, "intent_default must be an intent")
    need(settings.get("business_default") in BUSINESS_TYPES,
         "business_default must be a business type")


def _hash(entries: Mapping[str, dict], settings: Mapping[str, Any]) -> str:
    effective = {
        "rules": [_strip({k: v for k, v in e.items() if not k.startswith("__")})
                  for e in entries.values()],
        "settings": settings,
    }
    blob = json.dumps(effective, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]
