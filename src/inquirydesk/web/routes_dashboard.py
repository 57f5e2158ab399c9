"""Dashboards: charts of the archive, each with its JSON twin."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from inquirydesk.store import desk as people
from inquirydesk.web import dashboard as services
from inquirydesk.web.app import current_user, lang_of, render

router = APIRouter()
User = Annotated[people.User, Depends(current_user)]


def _dashboard(request: Request, user: people.User) -> services.DashboardView:
    state = request.app.state
    asked = {k: request.query_params.get(k, "") for k in services.FILTERS}
    return services.dashboard(state.store, user, asked, state.settings.timezone, state.seller)


@router.get("/dashboard", include_in_schema=False)
def dashboard_page(request: Request, user: User) -> Response:
    view = _dashboard(request, user)
    names = partial(services.country_name, lang_of(request, user))
    return render(request, "dashboard.html", {"view": view, "country_name": names,
                                              "other": services.OTHER}, user=user)


@router.get("/api/dashboard")
def dashboard_json(request: Request, user: User) -> dict:
    """Grade and risk mix per week, reply times, outcomes by grade, countries, products and
    buyers' keywords by country; filters since, until (YYYY-MM-DD; default the last 12
    weeks) and owner (managers and admins; "pool" = unassigned)."""
    return _dashboard(request, user).as_dict()
