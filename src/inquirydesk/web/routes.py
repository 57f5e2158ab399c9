"""The desk's routes: parse the request, call one service, render HTML or its JSON twin."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from inquirydesk.store import desk as people
from inquirydesk.web import services
from inquirydesk.web.app import check_csrf, current_user, render, session
from inquirydesk.web.i18n import LANGUAGES

router = APIRouter()
User = Annotated[people.User, Depends(current_user)]
Csrf = Depends(check_csrf)


def _store(request: Request):
    return request.app.state.store


def _filters(request: Request) -> dict[str, str]:
    return {k: request.query_params.get(k, "") for k in services.FILTERS}


# ---------------------------------------------------------------------- signing in


@router.get("/login", include_in_schema=False)
def login_page(request: Request) -> Response:
    return render(request, "login.html", {"error": ""})


@router.post("/login", include_in_schema=False, dependencies=[Csrf])
def login(request: Request, username: Annotated[str, Form()],
          password: Annotated[str, Form()]) -> Response:
    user = people.authenticate(_store(request), username, password)
    if user is None:
        return render(request, "login.html", {"error": "wrong"}, status=401)
    state = session(request)
    state["u"], state["l"] = user.username, state.get("l") or user.language
    return RedirectResponse("/inbox", status_code=303)


@router.post("/logout", include_in_schema=False, dependencies=[Csrf])
def logout(request: Request) -> Response:
    session(request)["u"] = None
    return RedirectResponse("/login", status_code=303)


@router.post("/language", include_in_schema=False, dependencies=[Csrf])
def switch_language(request: Request, lang: Annotated[str, Form()],
                    back: Annotated[str, Form()] = "/inbox") -> Response:
    if lang in LANGUAGES:
        session(request)["l"] = lang
        name = session(request).get("u")
        if name:
            people.set_language(_store(request), name, lang)
    target = back if back.startswith("/") and not back.startswith("//") else "/inbox"
    return RedirectResponse(target, status_code=303)


@router.get("/", include_in_schema=False)
def home() -> Response:
    return RedirectResponse("/inbox", status_code=303)


# ---------------------------------------------------------------------- inbox and risky


def _folder_page(request: Request, user: people.User, folder: str) -> Response:
    view = services.inbox(_store(request), user, _filters(request), folder=folder)
    block = "rows" if request.headers.get("hx-request") else None
    return render(request, "inbox.html", {"view": view}, block=block, user=user)


@router.get("/inbox", include_in_schema=False)
def inbox_page(request: Request, user: User) -> Response:
    return _folder_page(request, user, "inbox")


@router.get("/risky", include_in_schema=False)
def risky_page(request: Request, user: User) -> Response:
    return _folder_page(request, user, "risky")


@router.get("/api/inbox")
def inbox_json(request: Request, user: User) -> dict:
    """Safe inquiries by priority; filters: grade, owner, country, status, language, q."""
    return services.inbox(_store(request), user, _filters(request)).as_dict()


@router.get("/api/risky")
def risky_json(request: Request, user: User) -> dict:
    """Spam, phishing and scam: hidden from the inbox, never deleted."""
    return services.inbox(_store(request), user, _filters(request), folder="risky").as_dict()


# ---------------------------------------------------------------------- one inquiry


def _view(request: Request, user: people.User, inquiry_id: int):
    images = request.query_params.get("images") == "1"
    request.state.show_images = images
    app = request.app.state
    return services.inquiry(app.store, user, inquiry_id, app.settings, app.seller,
                            show_images=images)


@router.get("/inquiries/{inquiry_id}", include_in_schema=False)
def inquiry_page(request: Request, user: User, inquiry_id: int) -> Response:
    view = _view(request, user, inquiry_id)
    return render(request, "inquiry.html", {"view": view, "error": ""}, user=user)


@router.get("/api/inquiries/{inquiry_id}")
def inquiry_json(request: Request, user: User, inquiry_id: int) -> dict:
    """The inquiry: Table 1, evidence, fields, buyer facts, safe message, plan, draft."""
    return _view(request, user, inquiry_id).as_dict()


@router.get("/inquiries/{inquiry_id}/attachments/{index}", include_in_schema=False)
def attachment(request: Request, user: User, inquiry_id: int, index: int) -> Response:
    name, data = services.attachment(_store(request), user, inquiry_id, index)
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in name) or "attachment"
    return Response(data, media_type="application/octet-stream", headers={
        "Content-Disposition": f'attachment; filename="{safe}"',
        "Content-Security-Policy": "default-src 'none'; sandbox"})


@router.post("/inquiries/{inquiry_id}/not-spam", include_in_schema=False,
             dependencies=[Csrf])
def not_spam_form(request: Request, user: User, inquiry_id: int) -> Response:
    services.not_spam(_store(request), user, inquiry_id)
    return RedirectResponse(f"/inquiries/{inquiry_id}", status_code=303)


@router.post("/api/inquiries/{inquiry_id}/not-spam", dependencies=[Csrf])
def not_spam_json(request: Request, user: User, inquiry_id: int) -> dict:
    """Restore a risky inquiry to the inbox."""
    return services.not_spam(_store(request), user, inquiry_id).as_dict()


@router.post("/inquiries/{inquiry_id}/outcome", include_in_schema=False,
             dependencies=[Csrf])
def outcome_form(request: Request, user: User, inquiry_id: int,
                 result: Annotated[str, Form()],
                 reason: Annotated[str, Form()] = "") -> Response:
    services.record_outcome(_store(request), user, inquiry_id, result, reason)
    return RedirectResponse(f"/inquiries/{inquiry_id}", status_code=303)


@router.post("/api/inquiries/{inquiry_id}/outcome", dependencies=[Csrf])
async def outcome_json(request: Request, user: User, inquiry_id: int) -> JSONResponse:
    """Record won, lost (with "reason") or no_answer; body: {"result": ..., "reason": ...}."""
    body = await request.json()
    item = services.record_outcome(_store(request), user, inquiry_id,
                                   str(body.get("result", "")), str(body.get("reason", "")))
    return JSONResponse(item.as_dict())
