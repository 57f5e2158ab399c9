"""Who is asking: signed session cookies for people, bearer tokens for machines, and CSRF.

The session is a cookie signed with itsdangerous (username, CSRF token, language, and the
user's session epoch when it was opened); it holds no secret and cannot be forged without
the key.  A signed cookie cannot be taken back, so each request checks its epoch against
the user's (``inquirydesk.store.desk.session_user``): bumping the epoch (new password,
user disabled, "sign out everywhere") ends every session of that user.

Every POST made with the cookie must carry the session's CSRF token (form field ``csrf``
or header ``X-CSRF-Token``); bearer-token requests carry no ambient credentials and need
none.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

if TYPE_CHECKING:
    from inquirydesk.store.desk import User

COOKIE = "inquirydesk_session"
MAX_AGE = 14 * 24 * 3600


def secret_key(data_dir: Path) -> str:
    """The key that signs sessions: kept in ``data_dir/desk-secret.key``, made once."""
    path = data_dir / "desk-secret.key"
    if path.is_file():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


class Sessions:
    def __init__(self, key: str):
        self.signer = URLSafeTimedSerializer(key, salt="inquirydesk-session")

    def load(self, cookie: str | None) -> dict[str, Any]:
        """The session in the cookie; a fresh anonymous one (with a CSRF token) otherwise."""
        if cookie:
            try:
                data = self.signer.loads(cookie, max_age=MAX_AGE)
                if isinstance(data, dict) and data.get("c"):
                    return data
            except BadSignature:
                pass
        return {"u": None, "c": secrets.token_urlsafe(24), "l": None}

    def dump(self, session: dict[str, Any]) -> str:
        return self.signer.dumps(session)


def open_session(session: dict[str, Any], user: User) -> None:
    """Sign ``user`` in on this session, in the user's current session epoch."""
    session["u"], session["e"] = user.username, user.epoch
    session["l"] = session.get("l") or user.language


def csrf_ok(session: dict[str, Any], offered: str | None) -> bool:
    return bool(offered) and hmac.compare_digest(str(session.get("c", "")), str(offered))
