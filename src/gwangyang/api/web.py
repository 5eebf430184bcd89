"""The dashboard's shared pieces: templates, page authentication, login, static files (Plotly.js from the package)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from ..accounts import User
from .auth import COOKIE, current_user, require_token, required_role, user_for_token

WEB_DIR = Path(__file__).resolve().parents[1] / "web"
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"


class LoginRequiredError(Exception):
    """A page was asked for without the token; answered with a redirect to ``/login``."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class TokenInQueryError(Exception):
    """A page was opened with ``?token=...``; answered by setting the cookie and dropping the query."""

    def __init__(self, token: str, clean_url: str) -> None:
        super().__init__(clean_url)
        self.token = token
        self.clean_url = clean_url


def make_templates() -> Jinja2Templates:
    """The Jinja2 environment of the pages (autoescaping on)."""
    return Jinja2Templates(directory=str(TEMPLATES_DIR))


def plotly_js_path() -> Path:
    """Plotly.js as shipped in the installed ``plotly`` wheel (no CDN: the site may have no internet)."""
    local = STATIC_DIR / "plotly.min.js"
    if local.exists():
        return local
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


def page_auth(request: Request) -> None:
    """Dependency of every page: accept the cookie or bearer token, else redirect to the login page."""
    query_token = request.query_params.get("token")
    if query_token is not None:
        params = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
        query = "&".join(f"{quote(k)}={quote(v)}" for k, v in params)
        raise TokenInQueryError(query_token, request.url.path + (f"?{query}" if query else ""))
    user = current_user(request)
    if user is None:
        raise LoginRequiredError(request.url.path)
    role = required_role(request)
    if not user.can(role):
        raise HTTPException(
            status_code=403, detail=f"user {user.name!r} is a {user.role}; this needs the {role} role."
        )


def page_admin(request: Request) -> None:
    """Dependency of the admin pages: :func:`page_auth`, then 403 unless the user is an admin."""
    page_auth(request)
    user: User = request.state.user
    if not user.can("admin"):
        raise HTTPException(
            status_code=403, detail=f"user {user.name!r} is a {user.role}; this page is for admins."
        )


def _safe_next(path: str) -> str:
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else "/"


def set_token_cookie(response: Response, token: str, request: Request | None = None) -> None:
    """Store the token in an HttpOnly, SameSite=Strict cookie; ``Secure`` when the request came over TLS.

    Behind a TLS proxy the scheme is https only when uvicorn trusts the proxy's ``X-Forwarded-Proto``
    (``gwangyang serve --forwarded-allow-ips``).
    """
    secure = request is not None and request.url.scheme == "https"
    response.set_cookie(
        COOKIE, token, httponly=True, samesite="strict", secure=secure, max_age=30 * 24 * 3600
    )


def render(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """Render a page with the navigation of every loaded part."""
    templates: Jinja2Templates = request.app.state.templates
    user: User | None = getattr(request.state, "user", None)
    base = {
        "parts": request.app.state.parts,
        "path": request.url.path,
        "user": user,
        # Forms that ingest, fit or run jobs are shown only to those allowed to send them.
        "can_write": user is not None and user.can("operator"),
        "is_admin": user is not None and user.can("admin"),
    }
    response: HTMLResponse = templates.TemplateResponse(
        request, template, {**base, **context}, status_code=status_code
    )
    return response


router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request, _: Annotated[None, Depends(page_auth)]) -> Response:
    """The first part's home page."""
    parts = request.app.state.parts
    return RedirectResponse(parts[0].home if parts else "/docs", status_code=303)


@router.get("/login")
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    """The login form (the one page besides ``/health`` open without a token)."""
    return render(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login")
def login(request: Request, token: Annotated[str, Form()], next: Annotated[str, Form()] = "/") -> Response:
    """Check a token typed into the form; on success set the cookie and go on to ``next``."""
    user = user_for_token(request, token)
    if user is None:
        return render(
            request, "login.html", {"next": _safe_next(next), "error": "Wrong token."}, status_code=401
        )
    request.state.user = user  # for the audit log
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_token_cookie(response, token.strip(), request)
    return response


@router.post("/logout")
def logout() -> Response:
    """Forget the cookie."""
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/static/{name}", dependencies=[Depends(require_token)])
def static(name: str) -> FileResponse:
    """A file of ``web/static`` (names listed there only), or Plotly.js from the plotly package."""
    if name == "plotly.min.js":
        path = plotly_js_path()
    elif name in {entry for entry in os.listdir(STATIC_DIR) if not entry.startswith(".")}:
        path = STATIC_DIR / name
    else:
        raise HTTPException(status_code=404, detail=f"static file {name[:60]!r}: not found.")
    media = {".js": "text/javascript", ".css": "text/css"}.get(path.suffix, "application/octet-stream")
    return FileResponse(path, media_type=media, headers={"Cache-Control": "private, max-age=3600"})
