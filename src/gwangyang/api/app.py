"""The FastAPI app: API under ``/api/v1``, pages, jobs and ``/health``, for one store."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from ..accounts import Directory
from ..errors import GwangyangError, one_line
from ..store import Store
from .audit import AuditMiddleware
from .auth import require_token, resolve_token, user_for_token
from .docs_assets import DOCS_ASSETS, docs_asset_path
from .error_responses import AUTH_ERRORS, errors
from .fields import JobId
from .http_status import retry_after, status_of
from .jobs import JobManager
from .openapi_i18n import language_headers, localised_openapi, redoc_page, swagger_page
from .orgs import ScopedJobsDep
from .parts import load_parts
from .request_errors import validation_error
from .uploads import DEFAULT_MAX_UPLOAD_BYTES, scrub_paths
from .web import LoginRequiredError, TokenInQueryError, make_templates, page_language, set_token_cookie
from .web import router as web_router

API_VERSION = "v1"

log = logging.getLogger("gwangyang.api")

STORE_LOCK_WAIT_S = 120.0
"""How long a job waits for another writer (a CLI ingest) before it fails with 409."""

jobs_router = APIRouter(
    prefix="/api/v1/jobs", tags=["jobs"], dependencies=[Depends(require_token)], responses=AUTH_ERRORS
)


@jobs_router.get("", summary="Recent jobs, newest first, a page at a time", responses=errors(422))
def list_jobs(
    jobs: ScopedJobsDep,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[dict[str, Any]]:
    """The jobs' records (the user's organisation's and shared ones), newest first: ``limit`` of them after ``offset``; ``X-Total-Count`` has how many there are."""
    page = jobs.list(limit, offset)
    response.headers["X-Total-Count"] = str(jobs.count())
    return page


@jobs_router.get(
    "/{job_id}", summary="One job: status, progress, result or error", responses=errors(400, 404)
)
def get_job(job_id: JobId, jobs: ScopedJobsDep) -> dict[str, Any]:
    """A job's record: ``status`` is queued, running, done or failed (404 for another organisation's)."""
    return jobs.get(job_id)


def _error_response(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, GwangyangError)
    store: Store = request.app.state.store
    root = str(store.root)
    message = scrub_paths(one_line(str(exc)), root)
    headers = {"Retry-After": "5"} if retry_after(exc) else None  # not for a name taken (409 too)
    return JSONResponse({"detail": message}, status_code=status_of(exc), headers=headers)


def _internal_error(request: Request, exc: Exception) -> Response:
    # A bug: the traceback goes to the server's log, the client gets one line without paths.
    log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse(
        {"detail": f"internal error: {type(exc).__name__} (details in the server log)."}, status_code=500
    )


_METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")


def _routed(request: Request, method: str) -> bool:
    scope = {**request.scope, "method": method}
    return any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes)


async def _http_error(request: Request, exc: Exception) -> Response:
    # Starlette's 405 names only the first route of the path in ``Allow`` (GET of GET+DELETE): name them all.
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 405:
        methods = [m for m in _METHODS if _routed(request, m)]
        if methods:
            exc.headers = {**(exc.headers or {}), "Allow": ", ".join(methods)}
    return await http_exception_handler(request, exc)


def _login_redirect(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequiredError)
    return RedirectResponse(f"/login?next={exc.next_path}", status_code=303)


def _token_in_query(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TokenInQueryError)
    if user_for_token(request, exc.token) is None:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    response = RedirectResponse(exc.clean_url, status_code=303)
    set_token_cookie(response, exc.token.strip(), request)
    return response


def create_app(
    store_root: str | os.PathLike[str] | None = None,
    token: str | None = None,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
) -> FastAPI:
    """Build the app for one store.

    Parameters
    ----------
    store_root
        Store folder; default: ``$GWANGYANG_HOME`` or ``./gwangyang-data``. Created if missing.
    token
        The bearer token; default: ``$GWANGYANG_TOKEN``, else the store's ``.api-token`` file
        (created on first start; ``app.state.token.created`` tells the caller to print it once).
    max_upload_bytes
        Largest upload accepted.

    Returns
    -------
    fastapi.FastAPI
        The app; serve it with uvicorn.
    """
    store = Store(store_root, lock_wait=STORE_LOCK_WAIT_S)
    store.root.mkdir(parents=True, exist_ok=True)
    token_info = resolve_token(store.root, token)
    jobs = JobManager(store.root)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown(wait=False)  # a long job must not keep a stopping server alive

    from .. import __version__

    app = FastAPI(
        title="Gwangyang AI platform",
        version=__version__,
        description="Batteries, port, logistics and factories. Send `Authorization: Bearer <token>` on every call.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.store = store
    app.state.token = token_info
    app.state.users = Directory(store)
    app.state.jobs = jobs
    app.state.max_upload_bytes = max_upload_bytes
    app.state.templates = make_templates()
    app.state.parts = load_parts()
    app.state.openapi_documents = {}

    app.add_exception_handler(GwangyangError, _error_response)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, _internal_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(LoginRequiredError, _login_redirect)
    app.add_exception_handler(TokenInQueryError, _token_in_query)
    app.add_middleware(AuditMiddleware, store=store)

    @app.get("/health", tags=["platform"], summary="Liveness (no token needed)")
    async def health() -> dict[str, str]:  # in the event loop: no thread pool, no GIL hand-offs
        """``{"status": "ok"}`` while the server runs."""
        return {"status": "ok", "version": __version__}

    @app.get("/openapi.json", include_in_schema=False, dependencies=[Depends(require_token)])
    def openapi(request: Request) -> Response:
        # In the pages' language (?lang=, cookie, Accept-Language, server default): /docs asks with ?lang=.
        lang = page_language(request)
        documents: dict[str, dict[str, Any]] = app.state.openapi_documents
        if lang not in documents:
            documents[lang] = localised_openapi(app.openapi(), lang)
        return JSONResponse(documents[lang], headers=language_headers(lang))

    # Swagger UI and ReDoc from the fastapi-offline wheel: plant networks are often offline.
    @app.get(DOCS_ASSETS + "/{name}", include_in_schema=False, dependencies=[Depends(require_token)])
    def docs_asset(name: str) -> Response:
        return FileResponse(docs_asset_path(name))

    @app.get("/docs", include_in_schema=False, dependencies=[Depends(require_token)])
    def docs(request: Request) -> Response:
        return swagger_page(page_language(request), DOCS_ASSETS)

    @app.get("/redoc", include_in_schema=False, dependencies=[Depends(require_token)])
    def redoc(request: Request) -> Response:
        return redoc_page(page_language(request), DOCS_ASSETS)

    from .pages.accounts import router as accounts_pages
    from .routes.accounts import router as accounts_api

    app.include_router(jobs_router)
    app.include_router(accounts_api)
    app.include_router(accounts_pages)
    app.include_router(web_router)
    for part in app.state.parts:
        app.include_router(part.api)
        if part.pages is not None:
            app.include_router(part.pages())
    return app


def store_of(app: FastAPI) -> Path:
    """The store folder an app serves."""
    store: Store = app.state.store
    return store.root
