"""The desk's people: users, their API tokens, and "not spam" decisions.  All SQL here.

    desk_users      username, display name, argon2 password hash, role, language,
                    disabled, session epoch
    desk_tokens     API tokens for machines: only a SHA-256 of the token is stored
    desk_not_spam   who restored which risky inquiry to the inbox, and when

Browser sessions are signed cookies (``inquirydesk.web.auth``), so they need no table;
each cookie carries the user's session epoch from when it was opened, and a session is
good only while the epoch is unchanged.  A new password, disabling the user or "sign out
everywhere" bumps the epoch and so ends every session of that user at once.  A disabled
user cannot sign in and their API tokens stop working (they are kept for re-enabling).
Migration ``0003_desk`` creates these tables (``0005_people`` adds the last two columns)
and imports this module, so the models are part of ``Base.metadata`` wherever the archive
is opened.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, false, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from inquirydesk.store.schema import Base, InquiryRow, utcnow

if TYPE_CHECKING:
    from inquirydesk.store.database import Store

ROLES = ("admin", "manager", "salesperson")
LANGUAGES = ("zh", "en")
_hasher = PasswordHasher()


class DeskError(ValueError):
    """A user, token or decision the desk cannot record."""


class UserRow(Base):
    __tablename__ = "desk_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    display_name: Mapped[str] = mapped_column(Text, default="")
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))  # one of ROLES
    language: Mapped[str] = mapped_column(String(8), default="zh")  # one of LANGUAGES
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # sessions opened in an earlier epoch are over (see the module docstring)
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class TokenRow(Base):
    __tablename__ = "desk_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("desk_users.id", ondelete="CASCADE"),
                                         index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NotSpamRow(Base):
    __tablename__ = "desk_not_spam"

    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), primary_key=True)
    old_risk: Mapped[str] = mapped_column(String(16))
    by: Mapped[str] = mapped_column(String(120), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    display_name: str
    role: str
    language: str
    disabled: bool = False
    epoch: int = 0  # the session epoch a session cookie must carry

    @property
    def sees_all(self) -> bool:
        """Managers and admins see every inquiry; salespeople their own and the pool."""
        return self.role in ("admin", "manager")


def _user(row: UserRow) -> User:
    return User(row.id, row.username, row.display_name or row.username, row.role,
                row.language, bool(row.disabled), row.session_epoch or 0)


def _check(role: str, language: str) -> None:
    if role not in ROLES:
        raise DeskError(f"role {role!r} is not one of {', '.join(ROLES)}")
    if language not in LANGUAGES:
        raise DeskError(f"language {language!r} is not one of {', '.join(LANGUAGES)}")


def add_user(store: Store, username: str, password: str, *, role: str = "salesperson",
             display_name: str = "", language: str = "zh") -> User:
    """A new user; the password is kept only as an argon2 hash."""
    _check(role, language)
    if not username.strip() or not password:
        raise DeskError("a user needs a name and a password")
    row = UserRow(username=username.strip(), display_name=display_name,
                  password_hash=_hasher.hash(password), role=role, language=language,
                  created_at=utcnow())
    try:
        with store.session.begin() as session:
            session.add(row)
            session.flush()
            return _user(row)
    except IntegrityError:
        raise DeskError(f"user {username!r} exists already") from None


def authenticate(store: Store, username: str, password: str) -> User | None:
    """The user when the password is right and the user not disabled, else None (same
    work either way)."""
    with store.session() as session:
        row = session.scalar(select(UserRow).where(UserRow.username == username.strip()))
    try:
        _hasher.verify(row.password_hash if row else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return None
    return _user(row) if row is not None and not row.disabled else None


_DUMMY = _hasher.hash(secrets.token_hex(8))


def get_user(store: Store, username: str) -> User | None:
    with store.session() as session:
        row = session.scalar(select(UserRow).where(UserRow.username == username))
        return _user(row) if row else None


def users(store: Store) -> list[User]:
    with store.session() as session:
        return [_user(r) for r in session.scalars(select(UserRow).order_by(UserRow.username))]


def set_language(store: Store, username: str, language: str) -> None:
    _check("admin", language)
    with store.session.begin() as session:
        session.execute(update(UserRow).where(UserRow.username == username)
                        .values(language=language))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_token(store: Store, username: str, label: str = "") -> str:
    """A new API token for ``username``; shown once, stored only as its SHA-256."""
    token = "idk_" + secrets.token_urlsafe(32)
    with store.session.begin() as session:
        row = session.scalar(select(UserRow).where(UserRow.username == username))
        if row is None:
            raise DeskError(f"no user {username!r}")
        session.add(TokenRow(user_id=row.id, token_hash=_digest(token), label=label,
                             created_at=utcnow()))
    return token


def user_for_token(store: Store, token: str) -> User | None:
    """The token's owner; None for an unknown token or a disabled owner."""
    with store.session() as session:
        row = session.scalar(select(UserRow).join(TokenRow, TokenRow.user_id == UserRow.id)
                             .where(TokenRow.token_hash == _digest(token),
                                    UserRow.disabled.is_(False)))
        return _user(row) if row else None


def session_user(store: Store, state: Mapping[str, Any]) -> User | None:
    """The user a session names while the session is good: the user exists, is not
    disabled, and the session was opened in the user's current epoch (``"e"``)."""
    name = state.get("u")
    user = get_user(store, str(name)) if name else None
    if user is None or user.disabled or state.get("e", 0) != user.epoch:
        return None
    return user


def update_user(store: Store, username: str, *, role: str | None = None,
                language: str | None = None, display_name: str | None = None) -> User:
    """Change a user's role, language or display name (sessions go on)."""
    current = _existing(store, username)
    _check(role or current.role, language or current.language)
    values = {k: v for k, v in (("role", role), ("language", language),
                                ("display_name", display_name)) if v is not None}
    return _change(store, username, values)


def set_password(store: Store, username: str, password: str) -> User:
    """A new password; every open session of the user ends."""
    if not password:
        raise DeskError("the new password is empty")
    return _change(store, username, {"password_hash": _hasher.hash(password)}, end=True)


def set_disabled(store: Store, username: str, disabled: bool = True) -> User:
    """Disable (sessions end, sign-in and tokens refused) or enable a user again."""
    return _change(store, username, {"disabled": disabled}, end=disabled)


def end_sessions(store: Store, username: str) -> User:
    """Sign the user out everywhere: every session opened so far ends."""
    return _change(store, username, {}, end=True)


def _existing(store: Store, username: str) -> User:
    user = get_user(store, username)
    if user is None:
        raise DeskError(f"no user {username!r}")
    return user


def _change(store: Store, username: str, values: dict[str, Any], *, end: bool = False) -> User:
    if end:
        values = {**values, "session_epoch": UserRow.session_epoch + 1}
    with store.session.begin() as session:
        done = session.execute(update(UserRow).where(UserRow.username == username)
                               .values(**values)) if values else None
        if done is not None and done.rowcount == 0:
            raise DeskError(f"no user {username!r}")
    return _existing(store, username)


@dataclass(frozen=True, slots=True)
class Token:
    """An API token as the desk lists it: never the token itself."""

    id: int
    username: str
    label: str
    created_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "username": self.username, "label": self.label,
                "created_at": self.created_at.isoformat()}


def tokens(store: Store, username: str | None = None) -> list[Token]:
    """Every API token (or one user's), oldest first."""
    query = (select(TokenRow.id, UserRow.username, TokenRow.label, TokenRow.created_at)
             .join(UserRow, UserRow.id == TokenRow.user_id).order_by(TokenRow.id))
    if username is not None:
        query = query.where(UserRow.username == username)
    with store.session() as session:
        return [Token(*row) for row in session.execute(query)]


def revoke_token(store: Store, token_id: int) -> bool:
    """Delete a token; False when there was none with that id."""
    with store.session.begin() as session:
        row = session.get(TokenRow, token_id)
        if row is None:
            return False
        session.delete(row)
        return True


def mark_not_spam(store: Store, inquiry_id: int, by: str = "") -> bool:
    """Put a risky inquiry back in the inbox (risk "none"); the old verdict is kept here.

    Returns False when there is no such inquiry.  A later re-analysis judges it afresh.
    """
    with store.session.begin() as session:
        row = session.get(InquiryRow, inquiry_id)
        if row is None:
            return False
        if row.risky:
            old = session.get(NotSpamRow, inquiry_id)
            if old is None:
                session.add(NotSpamRow(inquiry_id=inquiry_id, old_risk=row.risk, by=by,
                                       at=utcnow()))
            row.risk, row.risky, row.updated_at = "none", False, utcnow()
        return True
