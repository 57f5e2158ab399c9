"""The users page: the desk's users and their API tokens, managed by admins.

Admins add users, change roles, languages and names, reset passwords, disable accounts
and make or revoke tokens; no admin can demote or disable their own account.  Anyone may
end their own sessions everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from inquirydesk.store import Store
from inquirydesk.store import desk as people
from inquirydesk.store.desk import User
from inquirydesk.web.services import Invalid, NotFound, require

MIN_PASSWORD = 8


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
