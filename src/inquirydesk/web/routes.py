"""The desk's routes: parse the request, call one service, render HTML or its JSON twin."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi import Path as FastPath
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from inquirydesk.store import desk as people
from inquirydesk.web import intake, services
from inquirydesk.web.auth import open_session
from inquirydesk.web.app import RowId, check_csrf, current_user, render, session
from inquirydesk.web.i18n import LANGUAGES

router = APIRouter()


class OutcomeBody(BaseModel):
    result: Literal["won", "lost", "no_answer"]
    reason: str = Field("", max_length=2000, description="required when the result is lost")


class DraftBody(BaseModel):
    subject: str = ""
    text: str = Field(min_length=1, max_length=100_000)

User = Annotated[people.User, Depends(current_user)]
Csrf = Depends(check_csrf)


def _store(request: Request):
    return request.app.state.store


def _filters(request: Request) -> dict[str, str]:
    return {k: request.query_params.get(k, "") for k in services.FILTERS}


def _page(request: Request) -> int:
    try:
        return max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        raise services.Invalid("page must be a whole number from 1") from None


def _inbox(request: Request, user: people.User, folder: str) -> services.InboxView:
    return services.inbox(_store(request), user, _filters(request), folder=folder,
                          page=_page(request), settings=request.app.state.settings)


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
    open_session(state, user)
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
    view = _inbox(request, user, folder)
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
    """Inquiries awaiting our reply, by grade and the reply due first (100 a page).

    Filters: grade, owner ("pool" for unassigned), country, status (new, replied,
    closed, all; default new), language, q (words, Chinese included); page.
    """
    return _inbox(request, user, "inbox").as_dict()


@router.get("/api/risky")
def risky_json(request: Request, user: User) -> dict:
    """Spam, phishing and scam: hidden from the inbox, never deleted (filter: risk)."""
    return _inbox(request, user, "risky").as_dict()


# ---------------------------------------------------------------------- one inquiry


def _view(request: Request, user: people.User, inquiry_id: int):
    images = request.query_params.get("images") == "1"
    request.state.show_images = images
    app = request.app.state
    return services.inquiry(app.store, user, inquiry_id, app.settings, app.seller,
                            show_images=images)


@router.get("/inquiries/{inquiry_id}", include_in_schema=False)
def inquiry_page(request: Request, user: User, inquiry_id: RowId) -> Response:
    view = _view(request, user, inquiry_id)
    assign = intake.assign_form(_store(request), user, view.item)
    return render(request, "inquiry.html", {"view": view, "error": "", "assign": assign},
                  user=user)


@router.get("/api/inquiries/{inquiry_id}")
def inquiry_json(request: Request, user: User, inquiry_id: RowId) -> dict:
    """The inquiry: Table 1, evidence, fields, buyer facts, safe message, plan, draft."""
    return _view(request, user, inquiry_id).as_dict()


@router.get("/inquiries/{inquiry_id}/attachments/{index}", include_in_schema=False)
def attachment(request: Request, user: User, inquiry_id: RowId,
               index: Annotated[int, FastPath(ge=0, le=10_000)]) -> Response:
    name, data = services.attachment(_store(request), user, inquiry_id, index)
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in name) or "attachment"
    return Response(data, media_type="application/octet-stream", headers={
        "Content-Disposition": f'attachment; filename="{safe}"',
        "Content-Security-Policy": "default-src 'none'; sandbox"})


@router.post("/inquiries/{inquiry_id}/not-spam", include_in_schema=False,
             dependencies=[Csrf])
def not_spam_form(request: Request, user: User, inquiry_id: RowId) -> Response:
    services.not_spam(_store(request), user, inquiry_id)
    return RedirectResponse(f"/inquiries/{inquiry_id}", status_code=303)


@router.post("/api/inquiries/{inquiry_id}/not-spam", dependencies=[Csrf])
def not_spam_json(request: Request, user: User, inquiry_id: RowId) -> dict:
    """Restore a risky inquiry to the inbox."""
    return services.not_spam(_store(request), user, inquiry_id).as_dict()


@router.post("/inquiries/{inquiry_id}/outcome", include_in_schema=False,
             dependencies=[Csrf])
def outcome_form(request: Request, user: User, inquiry_id: RowId,
                 result: Annotated[str, Form()],
                 reason: Annotated[str, Form()] = "") -> Response:
    services.record_outcome(_store(request), user, inquiry_id, result, reason)
    return RedirectResponse(f"/inquiries/{inquiry_id}", status_code=303)


@router.post("/api/inquiries/{inquiry_id}/outcome", dependencies=[Csrf])
def outcome_json(request: Request, user: User, inquiry_id: RowId, body: OutcomeBody) -> dict:
    """Record won, lost (with "reason") or no_answer; the inquiry is closed."""
    return services.record_outcome(_store(request), user, inquiry_id, body.result,
                                   body.reason).as_dict()


# ---------------------------------------------------------------------- the reply


@router.post("/inquiries/{inquiry_id}/draft", include_in_schema=False, dependencies=[Csrf])
def draft_form(request: Request, user: User, inquiry_id: RowId,
               text: Annotated[str, Form()] = "", subject: Annotated[str, Form()] = "",
               action: Annotated[str, Form()] = "save") -> Response:
    if action == "reset":
        services.forget_draft(_store(request), user, inquiry_id)
    else:
        services.save_draft(_store(request), user, inquiry_id, subject, text)
    return RedirectResponse(f"/inquiries/{inquiry_id}#draft", status_code=303)


@router.put("/api/inquiries/{inquiry_id}/draft", dependencies=[Csrf])
def draft_json(request: Request, user: User, inquiry_id: RowId,
               body: DraftBody) -> dict:
    """Save the reply as edited: {"subject": ..., "text": ...}."""
    saved = services.save_draft(_store(request), user, inquiry_id, body.subject, body.text)
    return {"inquiry_id": saved.inquiry_id, "subject": saved.subject, "text": saved.text,
            "by": saved.by, "at": saved.at.isoformat()}


@router.delete("/api/inquiries/{inquiry_id}/draft", dependencies=[Csrf])
def draft_reset_json(request: Request, user: User, inquiry_id: RowId) -> dict:
    """Forget the edit; the planner's draft is shown again."""
    return {"reset": services.forget_draft(_store(request), user, inquiry_id)}


@router.post("/inquiries/{inquiry_id}/replied", include_in_schema=False,
             dependencies=[Csrf])
def replied_form(request: Request, user: User, inquiry_id: RowId) -> Response:
    services.mark_replied(_store(request), user, inquiry_id)
    return RedirectResponse(f"/inquiries/{inquiry_id}", status_code=303)


@router.post("/api/inquiries/{inquiry_id}/replied", dependencies=[Csrf])
def replied_json(request: Request, user: User, inquiry_id: RowId) -> dict:
    """We answered the buyer: status "replied"; the follow-up plan counts from now."""
    return services.mark_replied(_store(request), user, inquiry_id).as_dict()
