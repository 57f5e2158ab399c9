"""The web desk: ``create_app(settings)`` → a FastAPI app of thin routes over ``services``.

Each page has a JSON twin under ``/api`` built by the same service call.  Every response
carries a strict Content-Security-Policy: scripts and styles only from our own static
files, images only from ourselves (or ``data:``), no frames, forms only to ourselves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi import Path as FastPath
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from jinja2_fragments import render_block

from inquirydesk import services as core
from inquirydesk.settings import Settings
from inquirydesk.store import Store
from inquirydesk.store import assign as assigning
from inquirydesk.store import desk as people
from inquirydesk.web import services
from inquirydesk.web.auth import COOKIE, MAX_AGE, Sessions, csrf_ok, secret_key
from inquirydesk.web.i18n import Formats, language

HERE = Path(__file__).resolve().parent
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:{extra}; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; frame-src 'none'; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


# A stored row's id in a path: out-of-range numbers are a clear 422, never a database error.
RowId = Annotated[int, FastPath(ge=1, le=2**31 - 1)]


class NeedLogin(Exception):
    pass


class BadCsrf(Exception):
    pass


def create_app(settings: Settings, *, store: Store | None = None) -> FastAPI:
    app = FastAPI(title="InquiryDesk", docs_url="/api/docs", openapi_url="/api/openapi.json",
                  redoc_url=None)
    app.state.settings = settings
    app.state.store = store or Store.open(settings.database)
    app.state.seller = core.seller_for([], settings.seller)
    assigning.configure(app.state.store, assigning.Rules.of(settings.assignment,
                                                            app.state.seller))
    app.state.engine = None  # see engine(request)
    app.state.sessions = Sessions(secret_key(settings.data_dir))
    app.state.templates = Environment(loader=FileSystemLoader(HERE / "templates"),
                                      autoescape=select_autoescape(["html"]))
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _handlers(app)
    _middleware(app)
    from inquirydesk.web import routes, routes_admin, routes_api, routes_buyers, routes_dashboard

    for module in (routes, routes_buyers, routes_dashboard, routes_admin, routes_api):
        app.include_router(module.router)
    return app


# ---------------------------------------------------------------------- request helpers


def engine(request: Request):
    """The analysis engine (settings' seller and rules), built on first use and kept.

    ``forget_engine`` drops it after the rulebook or the seller profile changed.
    """
    state = request.app.state
    if getattr(state, "engine", None) is None:
        from inquirydesk.archive import engine_for

        state.engine = engine_for(state.settings)
    return state.engine


def forget_engine(request: Request) -> None:
    request.app.state.engine = None
    request.app.state.seller = core.seller_for([], request.app.state.settings.seller)
    assigning.configure(request.app.state.store, assigning.Rules.of(
        request.app.state.settings.assignment, request.app.state.seller))


def session(request: Request) -> dict[str, Any]:
    if not hasattr(request.state, "session"):
        request.state.session = request.app.state.sessions.load(request.cookies.get(COOKIE))
    return request.state.session


def current_user(request: Request) -> people.User:
    """The signed-in user (session cookie) or the token's owner (``Authorization: Bearer``)."""
    store = request.app.state.store
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        user = people.user_for_token(store, auth[7:].strip())
        request.state.by_token = user is not None
    else:
        user = people.session_user(store, session(request))
    if user is None:
        raise NeedLogin
    return user


async def check_csrf(request: Request) -> None:
    """POSTs made with the session cookie must carry its CSRF token."""
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        current_user(request)  # a valid token, or 401
        return
    offered = request.headers.get("x-csrf-token")
    if offered is None and "form" in request.headers.get("content-type", ""):
        offered = (await request.form()).get("csrf")
    if not csrf_ok(session(request), offered):
        raise BadCsrf


def lang_of(request: Request, user: people.User | None = None) -> str:
    chosen = session(request).get("l")
    return language(chosen or (user.language if user else None))


def render(request: Request, name: str, context: dict[str, Any], *, block: str | None = None,
           status: int = 200, user: people.User | None = None) -> HTMLResponse:
    settings: Settings = request.app.state.settings
    fmt = Formats(lang_of(request, user), settings.timezone)
    ctx = {"request": request, "user": user, "csrf": session(request)["c"], "fmt": fmt,
           "_": fmt.gettext, "lang": fmt.lang, "query": _query, **context}
    env: Environment = request.app.state.templates
    html = (render_block(env, name, block, ctx) if block
            else env.get_template(name).render(ctx))
    return HTMLResponse(html, status_code=status)


def _query(params: dict[str, str], **changes: str) -> str:
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v})


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(NeedLogin)
    async def _login(request: Request, exc: NeedLogin) -> Response:
        if wants_json(request):
            return JSONResponse({"error": "sign in or send an API token"}, status_code=401)
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(BadCsrf)
    async def _csrf(request: Request, exc: BadCsrf) -> Response:
        return JSONResponse({"error": "missing or wrong CSRF token; reload the page"},
                            status_code=403)

    def _error(status: int):
        async def handler(request: Request, exc: Exception) -> Response:
            if wants_json(request):
                return JSONResponse({"error": str(exc)}, status_code=status)
            return render(request, "error.html", {"status": status, "message": str(exc)},
                          status=status)
        return handler

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = [f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body') or 'body'}: "
                    f"{e.get('msg', 'invalid')}" for e in exc.errors()]
        message = "; ".join(problems) or "invalid request"
        if wants_json(request):
            return JSONResponse({"error": message, "problems": problems}, status_code=422)
        return render(request, "error.html", {"status": 422, "message": message},
                      status=422)

    app.add_exception_handler(services.NotFound, _error(404))
    app.add_exception_handler(services.Forbidden, _error(403))
    app.add_exception_handler(services.Invalid, _error(400))


def _middleware(app: FastAPI) -> None:
    @app.middleware("http")
    async def headers(request: Request, call_next) -> Response:
        response = await call_next(request)
        extra = " https:" if getattr(request.state, "show_images", False) else ""
        response.headers["Content-Security-Policy"] = CSP.format(extra=extra)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        state = getattr(request.state, "session", None)
        if state is not None and getattr(request.state, "session_dirty", True):
            response.set_cookie(COOKIE, request.app.state.sessions.dump(state), max_age=MAX_AGE,
                                httponly=True, samesite="lax",
                                secure=request.url.scheme == "https")
        return response
