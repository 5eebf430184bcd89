"""The dashboard's shared pieces: templates, page authentication, login, static files (Plotly.js from the package)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import jinja2
from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from ..accounts import User
from . import i18n
from .auth import COOKIE, current_user, require_token, required_role, user_for_token
from .openapi_i18n import document_texts
from .phrases import N_

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


def make_templates() -> dict[str, Jinja2Templates]:
    """One Jinja2 environment per language (autoescaping on), with ``_``/``ngettext`` and locale-aware filters.

    Each environment has its catalogue installed once (``jinja2.ext.i18n``, new style: ``_("%(n)s cells", n=3)``),
    so concurrent requests in different languages never share a ``gettext``.
    """
    environments = {}
    for lang in i18n.LANGUAGES:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
            autoescape=True,
            extensions=["jinja2.ext.i18n"],
        )
        templates = Jinja2Templates(env=env)
        env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
        env.globals.update(lang=lang, languages=i18n.LANGUAGE_NAMES)
        env.filters.update(
            number=lambda value, digits=None, group=False, lang=lang: i18n.number(value, lang, digits, group),
            percent=lambda value, digits=1, lang=lang: i18n.percent(value, lang, digits),
            when=lambda value, lang=lang: i18n.when(value, lang),
            phrase=lambda value, lang=lang: i18n.phrase(value, lang),
        )
        environments[lang] = templates
    return environments


def page_language(request: Request) -> str:
    """The language of this page: ``?lang=``, the language cookie, ``Accept-Language``, the server default."""
    return i18n.request_language(
        request.query_params.get("lang"),
        request.cookies.get(i18n.LANG_COOKIE),
        request.headers.get("accept-language"),
    )


def language_url(request: Request, lang: str) -> str:
    """The page's address with ``?lang=<lang>`` (other query parameters kept): the switch's link."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("lang", "token")]
    params.append(("lang", lang))
    return request.url.path + "?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in params)


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
            status_code=403,
            detail=f"user {user.name!r} has the {user.role} role; this needs the {role} role.",
        )


def page_admin(request: Request) -> None:
    """Dependency of the admin pages: :func:`page_auth`, then 403 unless the user is an admin."""
    page_auth(request)
    user: User = request.state.user
    if not user.can("admin"):
        raise HTTPException(
            status_code=403, detail=f"user {user.name!r} has the {user.role} role; this page is for admins."
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
    lang = page_language(request)
    templates: Jinja2Templates = request.app.state.templates[lang]
    user: User | None = getattr(request.state, "user", None)
    base = {
        "switch": {other: language_url(request, other) for other in i18n.LANGUAGES if other != lang},
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
    chosen = i18n.normalise(request.query_params.get("lang"))
    if chosen is not None and chosen != request.cookies.get(i18n.LANG_COOKIE):
        response.set_cookie(i18n.LANG_COOKIE, chosen, samesite="lax", max_age=365 * 24 * 3600)
    response.headers["Content-Language"] = lang
    response.headers["Vary"] = "Accept-Language, Cookie"
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
        error = N_("Wrong token.")
        return render(request, "login.html", {"next": _safe_next(next), "error": error}, status_code=401)
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


@router.get("/static/i18n/{lang}.js", dependencies=[Depends(require_token)])
def messages_script(lang: str, request: Request) -> Response:
    """The catalogue of ``lang`` for the pages' scripts: ``window.gwangyangMessages = {msgid: text}``, and ``window.gwangyangPhrases`` (:func:`~gwangyang.api.i18n.script_phrases`).

    The OpenAPI document's texts are left out (the server translates them, see :mod:`.openapi_i18n`):
    they would double what every page loads.
    """
    import gzip
    import json

    if i18n.normalise(lang) != lang:
        raise HTTPException(
            status_code=404, detail=f"language {lang[:20]!r}: not one of {list(i18n.LANGUAGES)}."
        )
    state = request.app.state
    if getattr(state, "openapi_texts", None) is None:
        state.openapi_texts = document_texts(request.app.openapi())
    if getattr(state, "message_scripts", None) is None:
        state.message_scripts = {}
    scripts: dict[str, tuple[bytes, bytes]] = state.message_scripts
    if lang not in scripts:  # the catalogue is fixed while the server runs: built and compressed once
        # a msgid with a %(name)s placeholder is a composed line's: it reaches the scripts as its pattern's template
        # (gwangyangPhrases), never by its own text, so it is left out (123 kB of the 326 kB of ko.js)
        messages = {
            k: v for k, v in i18n.messages(lang).items() if k not in state.openapi_texts and "%(" not in k
        }
        body = "window.gwangyangMessages = " + json.dumps(messages, ensure_ascii=False) + ";\n"
        body += (
            "window.gwangyangPhrases = " + json.dumps(i18n.script_phrases(lang), ensure_ascii=False) + ";\n"
        )
        body += "window.gwangyangValues = " + json.dumps(i18n.script_values(lang), ensure_ascii=False) + ";\n"
        plain = body.encode("utf-8")
        scripts[lang] = (plain, gzip.compress(plain, compresslevel=9, mtime=0))
    plain, packed = scripts[lang]
    headers = {"Cache-Control": "private, max-age=3600", "Vary": "Accept-Encoding"}
    if _accepts_gzip(request.headers.get("accept-encoding", "")):
        headers["Content-Encoding"] = "gzip"
        return Response(packed, media_type="text/javascript; charset=utf-8", headers=headers)
    return Response(plain, media_type="text/javascript; charset=utf-8", headers=headers)


def _accepts_gzip(accept_encoding: str) -> bool:
    """Whether an ``Accept-Encoding`` header takes gzip (``gzip`` or ``*``, not with ``q=0``)."""
    for part in accept_encoding.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            q = params.strip().lower().replace(" ", "")
            return q not in ("q=0", "q=0.", "q=0.0", "q=0.00", "q=0.000")
    return False


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
