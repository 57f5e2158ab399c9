"""The mailboxes page: the IMAP mailboxes of the settings file listed, added, changed
and removed.

The settings file is the one the desk was started with (``settings_file``); each change
rewrites it checked and returns every mailbox, for the routes to adopt.  Passwords never
leave the desk (a view says only whether one is set), and an empty password field keeps
the stored one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from inquirydesk.settings import Mailbox, Settings
from inquirydesk.store.desk import User
from inquirydesk.web.admin.files import EDITORS, read_mapping, write_checked
from inquirydesk.web.services import Invalid, NotFound, require

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
    data = read_mapping(path)
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
