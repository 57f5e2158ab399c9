"""The seller profile page: seller.yaml's text fields shown and saved.

Only the fields the form shows are written; people, catalog and anything else in the file
are kept as they are.  ``check_seller`` is also the check the catalog import writes under.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from inquirydesk.seller import SellerError, load_seller
from inquirydesk.settings import Settings
from inquirydesk.store.desk import User
from inquirydesk.web.admin.files import EDITORS, read_mapping, write_checked
from inquirydesk.web.services import Invalid, require

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
    data = read_mapping(path)
    people_ = [p if isinstance(p, dict) else {"name": str(p)} for p in data.get("people") or []]
    catalog = [c for c in data.get("catalog") or [] if isinstance(c, dict)]
    return SellerView(str(path), path.is_file(),
                      {k: _plain(data.get(k)) for k in SELLER_FIELDS}, people_, catalog)


def _plain(value: Any) -> str:
    return "" if value is None else str(value)


def check_seller(path: Path) -> None:
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
    data = read_mapping(path)
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
    write_checked(path, data, check_seller)
    return seller_view(settings, user)


def _zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        raise Invalid(f"timezone {name!r} is not a zone name like Asia/Shanghai") from None
