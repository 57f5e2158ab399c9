"""Shared ground of the settings pages: who may edit, and how their YAML files are read
and written.

Every file the admin pages write (user rulebook, seller.yaml, settings file) goes through
``write_checked``: written whole to a temporary file, checked by the same loader the app
uses, the old one kept as ``.bak``, and only then put in place, so a mistake never leaves
a half-written or unloadable file.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from inquirydesk.web.services import Invalid

EDITORS = ("admin", "manager")  # the roles that may change rules and settings


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def read_mapping(path: Path | None) -> dict[str, Any]:
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
