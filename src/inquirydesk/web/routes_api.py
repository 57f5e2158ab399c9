"""The machine API: submit an inquiry (raw message or fields), list, assign; plus the
inquiry page's assignment form.  Thin routes over ``web.intake``.

Requests and answers are described by the pydantic models below, so
``/api/openapi.json`` tells a client exactly what to send and what comes back.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from inquirydesk.store import InboxItem
from inquirydesk.store import desk as people
from inquirydesk.web import intake
from inquirydesk.web.app import RowId, check_csrf, current_user, engine
from inquirydesk.web.services import Invalid

router = APIRouter()
User = Annotated[people.User, Depends(current_user)]
# Who first, then CSRF: a request with neither token nor session is told to sign in (401).
Signed = [Depends(current_user), Depends(check_csrf)]
# Ids fit both backends' INTEGER: a larger one is refused (422) before it reaches SQL.
InquiryId = RowId


# ---------------------------------------------------------------------- the models


class Error(BaseModel):
    error: str = Field(description="what was wrong, naming the field where one was")


# One inquiry as the inbox lists it: the store's own row type, described for OpenAPI.
InquiryItem = InboxItem


class RawSubmission(BaseModel):
    raw: str = Field(description="the RFC 5322 message text, headers first")


class FormSubmission(BaseModel):
    """A website contact form's fields; only ``message`` is required."""

    message: str = Field(description="the buyer's inquiry text")
    name: str | None = None
    email: str | None = None
    company: str | None = None
    country: str | None = Field(None, description="an ISO code or a country name")
    phone: str | None = None
    website: str | None = None
    subject: str | None = None
    product: str | None = Field(None, description="a catalog id or the product's name")
    quantity: str | None = None
    source: str | None = Field(None, description="which form or page it came from")


class Analysis(BaseModel):
    grade: str
    risk: str
    total: float
    probability: float
    intent: str
    business_type: str
    country: str | None
    language: str | None
    evidence: list[dict[str, Any]]


class Submitted(BaseModel):
    id: int | None = Field(description="the inquiry (none for a bounce notice)")
    outcome: str = Field(description="new, duplicate or bounce")
    duplicate: bool
    input_id: int
    inquiry: InquiryItem | None = Field(description="none where you may not see it")
    analysis: Analysis | None


class Failed(BaseModel):
    error: str = Field(description="why the message could not be read")
    failure_id: int = Field(description="the kept input; it is judged again when re-sent")


class Listing(BaseModel):
    folder: str
    filters: dict[str, str]
    limit: int
    offset: int
    count: int
    more: bool
    items: list[InquiryItem]


class Person(BaseModel):
    username: str
    display_name: str
    role: str


class AssignBody(BaseModel):
    owner: str = Field("", description='a desk username; "" releases it to the pool')


class Assignment(BaseModel):
    inquiry_id: int
    owner: str
    previous: str
    rule: str = Field(description='the rule that assigned it; "" by hand')
    by: str = Field(description='who assigned it by hand; "" for a rule')
    reason: str
    at: datetime | None


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Error}, 401: {"model": Error}, 403: {"model": Error},
    404: {"model": Error}, 422: {"model": Error}}


def _body_schema() -> dict[str, Any]:
    form = FormSubmission.model_json_schema()
    either = {"oneOf": [RawSubmission.model_json_schema(), form]}
    return {"required": True, "content": {
        "application/json": {"schema": either},
        "application/x-www-form-urlencoded": {"schema": form}}}


# ---------------------------------------------------------------------- submitting


@router.post("/api/inquiries", dependencies=Signed, status_code=201,
             openapi_extra={"requestBody": _body_schema()},
             responses={**ERRORS, 201: {"model": Submitted, "description": "a new inquiry"},
                        200: {"model": Submitted, "description": "already stored"},
                        202: {"model": Submitted, "description": "a bounce notice"},
                        422: {"model": Failed, "description": "kept as a failure"}})
async def submit(request: Request, user: User) -> JSONResponse:
    """Submit one inquiry: {"raw": message} or contact-form fields (JSON or form-encoded).

    It is judged at once, stored once (a duplicate answers 200 with the stored id) and
    assigned by the assignment rules; a message that cannot be read is kept as a
    failure (422).
    """
    body = await _submission(request)
    app = request.app.state
    done = intake.submit(app.store, user, engine(request),
                         intake.rules(app.settings, app.seller), body)
    return JSONResponse(done.as_dict(), status_code=done.status_code)


async def _submission(request: Request) -> Any:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.form()
        return {k: v for k, v in form.items() if k != "csrf"}
    if kind not in ("application/json", ""):
        raise Invalid(f"send JSON or a form, not {kind}")
    try:
        return json.loads(await request.body() or b"null")
    except (ValueError, UnicodeDecodeError):
        raise Invalid("body: not valid JSON") from None


# ---------------------------------------------------------------------- listing


@router.get("/api/inquiries", response_model=Listing, responses=ERRORS)
def list_inquiries(request: Request, user: User,
                   limit: Annotated[int, Query(ge=1, le=500)] = 50,
                   offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
                   folder: Annotated[str, Query(pattern="^(inbox|risky)$")] = "inbox",
                   grade: str = "", risk: str = "", owner: str = "", country: str = "",
                   status: str = "", language: str = "", q: str = "") -> dict:
    """Inquiries in inbox order from ``offset``; the inbox's filters (``owner=pool``: the
    pool; ``status=all``: every status; the inbox shows new ones by default)."""
    filters = {"grade": grade, "risk": risk, "owner": owner, "country": country,
               "status": status, "language": language, "q": q}
    return intake.listing(request.app.state.store, user, filters, folder=folder, limit=limit,
                          offset=offset).as_dict()


@router.get("/api/assignees", response_model=list[Person], responses=ERRORS)
def assignees(request: Request, user: User) -> list[dict[str, str]]:
    """Who inquiries can go to: every enabled desk user's name and role (for pickers)."""
    return intake.assignees(request.app.state.store, user)


# ---------------------------------------------------------------------- assigning


@router.post("/api/inquiries/{inquiry_id}/assign", dependencies=Signed,
             response_model=InquiryItem, responses=ERRORS)
def assign_json(request: Request, user: User, inquiry_id: InquiryId,
                body: AssignBody) -> dict:
    """Give the inquiry to a user or release it to the pool ("owner": "").

    Managers and admins: any inquiry to anyone.  Salespeople: claim a pool inquiry for
    themselves or release their own.
    """
    return intake.assign(request.app.state.store, user, inquiry_id, body.owner).as_dict()


@router.post("/inquiries/{inquiry_id}/assign", include_in_schema=False, dependencies=Signed)
def assign_form(request: Request, user: User, inquiry_id: InquiryId,
                owner: Annotated[str, Form()] = "") -> Response:
    intake.assign(request.app.state.store, user, inquiry_id, owner)
    return RedirectResponse(f"/inquiries/{inquiry_id}", status_code=303)


@router.get("/api/inquiries/{inquiry_id}/assignments", response_model=list[Assignment],
            responses=ERRORS)
def assignments(request: Request, user: User, inquiry_id: InquiryId) -> list[dict[str, Any]]:
    """Who gave the inquiry to whom, when, and by which rule or by hand."""
    return intake.history(request.app.state.store, user, inquiry_id)
