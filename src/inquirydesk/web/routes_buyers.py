"""Buyer pages and the signed-in person's Today list, each with its JSON twin."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from inquirydesk.store import desk as people
from inquirydesk.web import buyers as services
from inquirydesk.web.app import RowId, check_csrf, current_user, render
from inquirydesk.web.services import Invalid

router = APIRouter()
User = Annotated[people.User, Depends(current_user)]
Csrf = Depends(check_csrf)


def _app(request: Request):
    return request.app.state


def _buyers(request: Request, user: people.User) -> services.BuyersView:
    asked = {k: request.query_params.get(k, "") for k in services.BUYER_FILTERS}
    return services.buyers(_app(request).store, user, _app(request).settings, asked)


def _buyer(request: Request, user: people.User, buyer_id: int) -> services.BuyerView:
    return services.buyer(_app(request).store, user, _app(request).settings, buyer_id)


def _today(request: Request, user: people.User) -> services.TodayView:
    return services.today(_app(request).store, user, _app(request).settings,
                          request.query_params.get("owner", ""))


# ---------------------------------------------------------------------- buyers


@router.get("/buyers", include_in_schema=False)
def buyers_page(request: Request, user: User) -> Response:
    view = _buyers(request, user)
    return render(request, "buyers.html", {"view": view, "data": view.as_dict(),
                                           "grades": services.VALUE_GRADES,
                                           "stages": services.LIFECYCLES}, user=user)


@router.get("/api/buyers")
def buyers_json(request: Request, user: User) -> dict:
    """Buyers the user may see, by value grade then recency; q, value, lifecycle, page."""
    return _buyers(request, user).as_dict()


@router.get("/buyers/{buyer_id}", include_in_schema=False)
def buyer_page(request: Request, user: User, buyer_id: RowId) -> Response:
    view = _buyer(request, user, buyer_id)
    return render(request, "buyer.html", {"view": view, "data": view.as_dict()}, user=user)


@router.get("/api/buyers/{buyer_id}")
def buyer_json(request: Request, user: User, buyer_id: RowId) -> dict:
    """One buyer: facts, inquiries, orders, value grade, lifecycle, loyalty, look-alikes."""
    return _buyer(request, user, buyer_id).as_dict()


@router.post("/buyers/{buyer_id}/merge", include_in_schema=False, dependencies=[Csrf])
def merge_form(request: Request, user: User, buyer_id: RowId,
               other: Annotated[str, Form()] = "") -> Response:
    services.merge(_app(request).store, user, buyer_id, other)
    return RedirectResponse(f"/buyers/{buyer_id}", status_code=303)


@router.post("/api/buyers/{buyer_id}/merge", dependencies=[Csrf])
async def merge_json(request: Request, user: User, buyer_id: RowId) -> JSONResponse:
    """Merge buyer {"other": id} into this one (managers and admins); undo from the CLI."""
    try:
        body = await request.json()
    except ValueError:
        raise Invalid('send a JSON body such as {"other": 12}') from None
    other = body.get("other", "") if isinstance(body, dict) else ""
    merged = services.merge(_app(request).store, user, buyer_id, str(other))
    return JSONResponse(services.merge_dict(merged))


# ---------------------------------------------------------------------- today


@router.get("/today", include_in_schema=False)
def today_page(request: Request, user: User) -> Response:
    view = _today(request, user)
    return render(request, "today.html", {"view": view, "data": view.as_dict()}, user=user)


@router.get("/api/today")
def today_json(request: Request, user: User) -> dict:
    """Today's replies, follow-ups and calls: yours, or (managers) everyone's or one owner's."""
    return _today(request, user).as_dict()
