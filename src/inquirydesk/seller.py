"""The seller profile: ``seller.yaml`` as a ``Seller``.

A profile is configuration the seller writes by hand, so mistakes raise ``SellerError``
naming the file and, for YAML syntax errors, the line: better to stop than to judge
every inquiry against a half-read catalog.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from inquirydesk.model import CatalogItem, Person, Seller
from inquirydesk.sources.files import is_corpus


class SellerError(ValueError):
    """seller.yaml cannot be read or does not have the expected shape."""


def load_seller(path: str | Path) -> Seller:
    """The ``Seller`` a seller.yaml describes."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SellerError(f"{path}: cannot read the seller profile: {exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SellerError(_yaml_problem(path, exc)) from exc
    if data is None:
        return Seller()
    if not isinstance(data, Mapping):
        raise SellerError(f"{path}: a seller profile is a YAML mapping (company: ..., ...)")
    try:
        return _seller(data)
    except (TypeError, ValueError) as exc:
        raise SellerError(f"{path}: {exc}") from exc


def find_seller(path: str | Path) -> Seller | None:
    """The seller a corpus folder carries; None for any other path."""
    return load_seller(Path(path) / "seller.yaml") if is_corpus(path) else None


def _yaml_problem(path: str | Path, exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is None:
        return f"{path}: invalid YAML: {problem}"
    return f"{path}:{mark.line + 1}:{mark.column + 1}: invalid YAML: {problem}"


def _seller(data: Mapping[str, Any]) -> Seller:
    catalog = tuple(_catalog_item(entry) for entry in _list(data, "catalog"))
    categories = _texts(data, "categories") or tuple(
        dict.fromkeys(item.category for item in catalog if item.category))
    return Seller(
        company=_text(data.get("company")),
        short_names=_texts(data, "short_names"),
        people=tuple(_person(entry) for entry in _list(data, "people")),
        emails=tuple(e.lower() for e in _texts(data, "general_emails") or _texts(data, "emails")),
        website=_text(data.get("website")),
        platform_store=_text(data.get("platform_store")),
        address=_text(data.get("address")),
        phone=_text(data.get("phone")),
        certificates=_texts(data, "certificates"),
        moq=_text(data.get("moq")),
        payment_terms=_text(data.get("payment_terms")),
        lead_time=_text(data.get("lead_time")),
        port=_text(data.get("port")),
        main_markets=_texts(data, "main_markets"),
        does_not_make=_texts(data, "does_not_make"),
        catalog=catalog,
        categories=categories,
    )


def _person(entry: Any) -> Person:
    if isinstance(entry, str):  # a bare name
        return Person(entry.strip())
    entry = _mapping(entry, "people")
    return Person(
        name=_text(entry.get("name")),
        english_name=_text(entry.get("english_name")),
        email=_text(entry.get("email")).lower(),
        markets=_texts(entry, "markets"),
        role=_text(entry.get("role")),
    )


def _catalog_item(entry: Any) -> CatalogItem:
    entry = _mapping(entry, "catalog")
    item_id = _text(entry.get("id"))
    if not item_id:
        raise ValueError(f"a catalog item has no id: {dict(entry)!r:.80}")
    return CatalogItem(
        id=item_id,
        name=_text(entry.get("name")),
        category=_text(entry.get("category")),
        keywords=_texts(entry, "keywords"),
    )


def _mapping(entry: Any, key: str) -> Mapping[str, Any]:
    if not isinstance(entry, Mapping):
        raise TypeError(f"each entry of {key} is a mapping, not {entry!r:.80}")
    return entry


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise TypeError(f"{key} is a list")
    return value


def _texts(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """A list of strings; a single string is a one-item list."""
    value = data.get(key)
    if isinstance(value, str | int | float):
        value = [value]
    return tuple(text for item in _list({key: value}, key) if (text := _text(item)))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Mapping | list):
        raise TypeError(f"expected a single value, not {value!r:.80}")
    return str(value).strip()
