"""The rules page (try a change before saving) and settings (seller, catalog, mailboxes, users).

Thin routes over ``admin``: each page has a JSON twin built by the same call.  A form
that cannot be carried out shows its page again with the error and what was typed;
saving the rulebook or the seller profile drops the cached engine, so the next analysis
uses what was saved.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response

from inquirydesk.rules.rulebook import RulebookError
from inquirydesk.seller import SellerError
from inquirydesk.store import desk as people
from inquirydesk.web import admin, services
from inquirydesk.web.app import check_csrf, current_user, engine, forget_engine, render

router = APIRouter()
User = Annotated[people.User, Depends(current_user)]
Csrf = Depends(check_csrf)
Text = Annotated[str, Form()]


def _state(request: Request) -> Any:
    return request.app.state


def _adopt(request: Request, **changes: Any) -> None:
    """New settings for the running desk (where a save created a file), engine dropped."""
    state = _state(request)
    if changes:
        state.settings = state.settings.model_copy(update=changes)
    forget_engine(request)


async def _json(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise services.Invalid("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise services.Invalid("the body must be a JSON object")
    return body


def _see(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


# ---------------------------------------------------------------------- rules


def _rules(request: Request, user: people.User) -> admin.RulesView:
    try:
        book = engine(request).rulebook
    except (RulebookError, SellerError) as exc:
        raise services.Invalid(str(exc)) from None
    filters = {k: request.query_params.get(k, "") for k in ("group", "q")}
    return admin.rules_view(_state(request).settings, user, book, filters)


def _rules_page(request: Request, user: people.User, *, status: int = 200,
                **context: Any) -> Response:
    ctx = {"view": _rules(request, user), "change": "", "inquiry_id": "", "trial": None,
           "error": None, "saved": request.query_params.get("saved", ""), **context}
    return render(request, "rules.html", ctx, user=user, status=status)


def _refusal(exc: services.Invalid) -> dict[str, Any]:
    return {"error": str(exc), "rule": getattr(exc, "rule", ""), "line": getattr(exc, "line", 0)}


@router.get("/rules", include_in_schema=False)
def rules_page(request: Request, user: User) -> Response:
    return _rules_page(request, user)


@router.get("/api/rules")
def rules_json(request: Request, user: User) -> dict:
    """The effective rulebook (defaults merged with the user file); filters group, q."""
    return _rules(request, user).as_dict()


def _trial(request: Request, user: people.User, change: str, inquiry_id: Any):
    state = _state(request)
    try:
        number = int(str(inquiry_id).strip())
    except ValueError:
        raise services.Invalid("give the number of a stored inquiry to try the change on") \
            from None
    return admin.try_change(state.store, user, state.settings, state.seller, change, number)


@router.post("/rules/try", include_in_schema=False, dependencies=[Csrf])
def try_form(request: Request, user: User, change: Text = "",
             inquiry_id: Text = "") -> Response:
    try:
        trial = _trial(request, user, change, inquiry_id)
    except (services.Invalid, services.NotFound) as exc:
        return _rules_page(request, user, status=400, change=change, inquiry_id=inquiry_id,
                           error=_refusal(exc))
    return _rules_page(request, user, change=change, inquiry_id=inquiry_id, trial=trial)


@router.post("/api/rules/try", dependencies=[Csrf])
async def try_json(request: Request, user: User) -> Response:
    """Re-judge a stored inquiry with a change (not saved): {"change": YAML, "inquiry_id"}."""
    body = await _json(request)
    try:
        trial = _trial(request, user, str(body.get("change") or ""), body.get("inquiry_id", ""))
    except admin.Refused as exc:
        return JSONResponse(_refusal(exc), status_code=400)
    return JSONResponse(trial.as_dict())


def _save_rules(request: Request, user: people.User, change: str) -> admin.SavedRules:
    saved = admin.save_change(_state(request).settings, user, change)
    _adopt(request, **({"rules": Path(saved.path)} if saved.setting_was_unset else {}))
    return saved


@router.post("/rules/save", include_in_schema=False, dependencies=[Csrf])
def save_form(request: Request, user: User, change: Text = "",
              inquiry_id: Text = "") -> Response:
    try:
        _save_rules(request, user, change)
    except services.Invalid as exc:
        return _rules_page(request, user, status=400, change=change, inquiry_id=inquiry_id,
                           error=_refusal(exc))
    return _see("/rules?saved=1")


@router.post("/api/rules/save", dependencies=[Csrf])
async def save_json(request: Request, user: User) -> Response:
    """Merge a change into the user rulebook (validated; the old file kept as .bak)."""
    body = await _json(request)
    try:
        saved = _save_rules(request, user, str(body.get("change") or ""))
    except admin.Refused as exc:
        return JSONResponse(_refusal(exc), status_code=400)
    return JSONResponse(saved.as_dict())


# ---------------------------------------------------------------------- settings


def _settings(request: Request, user: people.User) -> dict[str, Any]:
    state = _state(request)
    out = {"seller": admin.seller_view(state.settings, user),
           "mailboxes": admin.mailboxes_view(state.settings, admin.settings_file(state), user)}
    if user.role == "admin":
        out["users"] = admin.users_view(state.store, user)
    return out


def _settings_page(request: Request, user: people.User, *, status: int = 200,
                   **context: Any) -> Response:
    ctx = {**_settings(request, user), "error": "", "preview": None, "new_token": None,
           "seller_form": None, "mailbox_form": None,
           "saved": request.query_params.get("saved", ""), **context}
    return render(request, "settings.html", ctx, user=user, status=status)


def _failed(request: Request, user: people.User, exc: Exception, **context: Any) -> Response:
    status = 404 if isinstance(exc, services.NotFound) else 400
    return _settings_page(request, user, status=status, error=str(exc), **context)


@router.get("/settings", include_in_schema=False)
def settings_page(request: Request, user: User) -> Response:
    return _settings_page(request, user)


@router.get("/api/settings")
def settings_json(request: Request, user: User) -> dict:
    """Seller profile, mailboxes (no passwords) and, for admins, users and tokens."""
    return {k: v.as_dict() for k, v in _settings(request, user).items()}


@router.get("/api/settings/seller")
def seller_json(request: Request, user: User) -> dict:
    """The seller profile's text fields, people and catalog."""
    return admin.seller_view(_state(request).settings, user).as_dict()


def _seller_written(request: Request) -> None:
    """The seller profile changed: where the settings named none, they now name it."""
    settings = _state(request).settings
    _adopt(request, **({"seller": admin.seller_target(settings)} if settings.seller is None
                       else {}))


def _save_seller(request: Request, user: people.User, values: dict[str, Any]):
    view = admin.save_seller(_state(request).settings, user, values)
    _seller_written(request)
    return view


@router.post("/settings/seller", include_in_schema=False, dependencies=[Csrf])
async def seller_form(request: Request, user: User) -> Response:
    form = await request.form()
    values = {k: str(form.get(k, "")) for k in admin.SELLER_FIELDS if k in form}
    try:
        _save_seller(request, user, values)
    except services.Invalid as exc:
        return _failed(request, user, exc, seller_form=values)
    return _see("/settings?saved=seller#seller")


@router.post("/api/settings/seller", dependencies=[Csrf])
async def seller_save_json(request: Request, user: User) -> dict:
    """Change text fields: {"company": ..., "moq": ..., "timezone": ...}; others kept."""
    return _save_seller(request, user, await _json(request)).as_dict()


async def _sheet(file: UploadFile) -> admin.Sheet:
    return admin.read_sheet(await file.read(admin.MAX_SHEET + 1))


@router.post("/settings/catalog/preview", include_in_schema=False, dependencies=[Csrf])
async def catalog_preview_form(request: Request, user: User,
                               file: Annotated[UploadFile, File()],
                               mode: Text = "merge") -> Response:
    try:
        sheet = await _sheet(file)
        preview = admin.preview_catalog(_state(request).settings, user, sheet.items, mode)
    except services.Invalid as exc:
        return _failed(request, user, exc)
    return _settings_page(request, user, preview=preview)


@router.post("/settings/catalog/apply", include_in_schema=False, dependencies=[Csrf])
def catalog_apply_form(request: Request, user: User, items: Text = "",
                       mode: Text = "merge") -> Response:
    try:
        admin.apply_catalog(_state(request).settings, user, admin.items_from_json(items), mode)
    except services.Invalid as exc:
        return _failed(request, user, exc)
    _seller_written(request)
    return _see("/settings?saved=catalog#catalog")


@router.post("/api/settings/catalog/preview", dependencies=[Csrf])
async def catalog_preview_json(request: Request, user: User,
                               file: Annotated[UploadFile, File()],
                               mode: Text = "merge") -> dict:
    """What importing an .xlsx (id, name, category, keywords, price range) would change."""
    sheet = await _sheet(file)
    return admin.preview_catalog(_state(request).settings, user, sheet.items, mode).as_dict()


@router.post("/api/settings/catalog", dependencies=[Csrf])
async def catalog_json(request: Request, user: User, file: Annotated[UploadFile, File()],
                       mode: Text = "merge") -> dict:
    """Import an .xlsx into the seller profile's catalog (mode merge or replace)."""
    sheet = await _sheet(file)
    diff = admin.apply_catalog(_state(request).settings, user, sheet.items, mode)
    _seller_written(request)
    return diff.as_dict()


# ---------------------------------------------------------------------- mailboxes


@router.get("/api/settings/mailboxes")
def mailboxes_json(request: Request, user: User) -> dict:
    """The IMAP mailboxes (never their passwords) and the settings file they live in."""
    state = _state(request)
    return admin.mailboxes_view(state.settings, admin.settings_file(state), user).as_dict()


def _save_mailbox(request: Request, user: people.User, values: dict[str, Any]) -> None:
    state = _state(request)
    boxes = admin.save_mailbox(admin.settings_file(state), user, values,
                               str(values.pop("original", "") or ""))
    _adopt(request, mailboxes=boxes)


@router.post("/settings/mailboxes", include_in_schema=False, dependencies=[Csrf])
async def mailbox_form(request: Request, user: User) -> Response:
    form = await request.form()
    values: dict[str, Any] = {k: str(v) for k, v in form.items() if k != "csrf"}
    values["read_only"] = "read_only" in form
    try:
        _save_mailbox(request, user, dict(values))
    except (services.Invalid, services.NotFound) as exc:
        values.pop("password", None)
        return _failed(request, user, exc, mailbox_form=values)
    return _see("/settings?saved=mailboxes#mailboxes")


@router.post("/api/settings/mailboxes", dependencies=[Csrf])
async def mailbox_json(request: Request, user: User) -> dict:
    """Add a mailbox, or change the one named "original" (an empty password keeps it)."""
    _save_mailbox(request, user, await _json(request))
    return mailboxes_json(request, user)


@router.post("/settings/mailboxes/remove", include_in_schema=False, dependencies=[Csrf])
def mailbox_remove_form(request: Request, user: User, name: Text = "") -> Response:
    try:
        _remove_mailbox(request, user, name)
    except (services.Invalid, services.NotFound) as exc:
        return _failed(request, user, exc)
    return _see("/settings?saved=mailboxes#mailboxes")


@router.post("/api/settings/mailboxes/{name}/remove", dependencies=[Csrf])
def mailbox_remove_json(request: Request, user: User, name: str) -> dict:
    """Remove a mailbox from the settings file."""
    _remove_mailbox(request, user, name)
    return mailboxes_json(request, user)


def _remove_mailbox(request: Request, user: people.User, name: str) -> None:
    boxes = admin.remove_mailbox(admin.settings_file(_state(request)), user, name)
    _adopt(request, mailboxes=boxes)


# ---------------------------------------------------------------------- users


def _store(request: Request):
    return _state(request).store


@router.get("/api/users")
def users_json(request: Request, user: User) -> dict:
    """Every user (admins only) with role, language, disabled and API tokens."""
    return admin.users_view(_store(request), user).as_dict()


def _user_form(request: Request, user: people.User, action) -> Response:
    try:
        action()
    except (services.Invalid, services.NotFound) as exc:
        return _failed(request, user, exc)
    return _see("/settings?saved=users#users")


def _user_dict(done: people.User) -> dict[str, Any]:
    return {"username": done.username, "display_name": done.display_name, "role": done.role,
            "language": done.language, "disabled": done.disabled}


@router.post("/settings/users", include_in_schema=False, dependencies=[Csrf])
async def add_user_form(request: Request, user: User) -> Response:
    values = dict(await request.form())
    return _user_form(request, user, lambda: admin.add_user(_store(request), user, values))


@router.post("/api/users", dependencies=[Csrf])
async def add_user_json(request: Request, user: User) -> dict:
    """Add a user: {"username", "password", "role", "language", "display_name"}."""
    return _user_dict(admin.add_user(_store(request), user, await _json(request)))


@router.post("/settings/users/{username}", include_in_schema=False, dependencies=[Csrf])
async def change_user_form(request: Request, user: User, username: str) -> Response:
    values = dict(await request.form())
    return _user_form(request, user,
                      lambda: admin.change_user(_store(request), user, username, values))


@router.post("/api/users/{username}", dependencies=[Csrf])
async def change_user_json(request: Request, user: User, username: str) -> dict:
    """Change "role", "language" or "display_name"."""
    body = await _json(request)
    return _user_dict(admin.change_user(_store(request), user, username, body))


@router.post("/settings/users/{username}/password", include_in_schema=False,
             dependencies=[Csrf])
def password_form(request: Request, user: User, username: str,
                  password: Text = "") -> Response:
    return _user_form(request, user,
                      lambda: admin.reset_password(_store(request), user, username, password))


@router.post("/api/users/{username}/password", dependencies=[Csrf])
async def password_json(request: Request, user: User, username: str) -> dict:
    """A new password {"password"}; the user's open sessions end."""
    body = await _json(request)
    return _user_dict(admin.reset_password(_store(request), user, username,
                                           str(body.get("password") or "")))


def _switch(request: Request, user: people.User, username: str, disabled: bool):
    return admin.set_disabled(_store(request), user, username, disabled)


@router.post("/settings/users/{username}/disable", include_in_schema=False,
             dependencies=[Csrf])
def disable_form(request: Request, user: User, username: str) -> Response:
    return _user_form(request, user, lambda: _switch(request, user, username, True))


@router.post("/settings/users/{username}/enable", include_in_schema=False,
             dependencies=[Csrf])
def enable_form(request: Request, user: User, username: str) -> Response:
    return _user_form(request, user, lambda: _switch(request, user, username, False))


@router.post("/api/users/{username}/disable", dependencies=[Csrf])
def disable_json(request: Request, user: User, username: str) -> dict:
    """Disable: sessions end, sign-in and API tokens are refused."""
    return _user_dict(_switch(request, user, username, True))


@router.post("/api/users/{username}/enable", dependencies=[Csrf])
def enable_json(request: Request, user: User, username: str) -> dict:
    """Enable a disabled user again (their tokens work again)."""
    return _user_dict(_switch(request, user, username, False))


@router.post("/settings/users/{username}/sign-out", include_in_schema=False,
             dependencies=[Csrf])
def sign_out_form(request: Request, user: User, username: str) -> Response:
    return _user_form(request, user,
                      lambda: admin.sign_out_everywhere(_store(request), user, username))


@router.post("/api/users/{username}/sign-out", dependencies=[Csrf])
def sign_out_json(request: Request, user: User, username: str) -> dict:
    """End every session of a user (their own: anyone; others': admins)."""
    return _user_dict(admin.sign_out_everywhere(_store(request), user, username))


@router.post("/sign-out-everywhere", include_in_schema=False, dependencies=[Csrf])
def sign_out_everywhere(request: Request, user: User) -> Response:
    admin.sign_out_everywhere(_store(request), user, user.username)
    return _see("/login")


@router.post("/settings/users/{username}/tokens", include_in_schema=False,
             dependencies=[Csrf])
def token_form(request: Request, user: User, username: str, label: Text = "") -> Response:
    try:
        token = admin.make_token(_store(request), user, username, label)
    except (services.Invalid, services.NotFound) as exc:
        return _failed(request, user, exc)
    return _settings_page(request, user, new_token={"username": username, "token": token})


@router.post("/api/users/{username}/tokens", dependencies=[Csrf])
async def token_json(request: Request, user: User, username: str) -> dict:
    """A new API token {"label"}: returned once, only its hash is kept."""
    body = await _json(request)
    return {"username": username,
            "token": admin.make_token(_store(request), user, username,
                                      str(body.get("label") or ""))}


@router.post("/settings/tokens/{token_id}/revoke", include_in_schema=False,
             dependencies=[Csrf])
def revoke_form(request: Request, user: User, token_id: int) -> Response:
    return _user_form(request, user,
                      lambda: admin.revoke_token(_store(request), user, token_id))


@router.post("/api/tokens/{token_id}/revoke", dependencies=[Csrf])
def revoke_json(request: Request, user: User, token_id: int) -> dict:
    """Revoke an API token: it stops working at once."""
    admin.revoke_token(_store(request), user, token_id)
    return {"revoked": token_id}
