"""The error answers of the API as the OpenAPI document declares them: one builder, used by every route.

Every refused request gets ``{"detail": "one line"}`` (:func:`gwangyang.api.app._error_response` and
FastAPI's handler of ``HTTPException``); a body or parameter that fails validation answers 422 with one line naming
each field and what was expected and FastAPI's records in ``errors`` (:mod:`.request_errors`). A job awaited with
``?wait=`` that failed answers 422 with its one line and no ``errors``. :func:`errors` builds a route's ``responses=`` from the statuses it can give; routers declare
401 and 403 (the token and the role) and 503 (a store that cannot serve) once with :data:`AUTH_ERRORS`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .phrases import N_


class ErrorBody(BaseModel):
    """A refused request: one line that names the file, field or object and what was expected."""

    detail: str = Field(description="One line; never a server path or a traceback.")


class FieldError(BaseModel):
    """One field that failed validation (FastAPI's error record)."""

    model_config = ConfigDict(extra="allow")

    loc: list[str | int] = Field(description="Where: ``body``, ``query``, ``path``, then the field's name.")
    msg: str
    type: str


class ValidationErrorBody(BaseModel):
    """422: one line naming each field that failed validation and what was expected (records in ``errors``), or a failed job's line."""

    detail: str = Field(description="One line: each field's place and what was expected, `; `-separated.")
    errors: list[FieldError] | None = Field(
        None, description="The fields that failed validation (FastAPI's records); absent for a failed job."
    )


RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}
}

WHY: dict[int, str] = {
    400: N_("Bad input: one line naming the file or field and what was expected."),
    401: N_("Missing or unknown token."),
    403: N_("The user's role is too low for this request (or a cross-site request carried the cookie)."),
    404: N_("No such object (or another organisation's, which answers the same)."),
    409: N_(
        "The store is busy with another writer (try again after `Retry-After`), or a name or cell "
        "conflicts with one stored."
    ),
    413: N_("The upload is larger than the server's limit, or an archive would expand past it."),
    415: N_("Not a multipart/form-data upload, or a file no reader recognises (the detail names it)."),
    422: N_(
        "A field failed validation (the line names it and what was expected), or the job awaited with `wait` failed (one line)."
    ),
    429: N_("Too many requests wait for jobs at once; try again after `Retry-After`."),
    503: N_(
        "The store cannot serve the request: missing, unreadable or damaged (its token or users file, a "
        "manifest); trying again will not help until it is mended, so there is no `Retry-After`."
    ),
}
"""What each error status means, as the OpenAPI document says it (marked for the catalogue: ``/openapi.json`` in Korean)."""


def errors(*codes: int, **why: str) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route (or router) that can answer with ``codes``.

    Parameters
    ----------
    *codes
        HTTP statuses from :data:`WHY`.
    **why
        A route's own description of a status, keyed ``_<code>`` (``_404="No such cell."``).

    Returns
    -------
    dict
        ``{code: {"model", "description"[, "headers"]}}`` for FastAPI: the body is :class:`ErrorBody`,
        :class:`ValidationErrorBody` for 422; 409 and 429 may carry ``Retry-After`` (a busy store, too many
        waiters: :func:`.http_status.retry_after`; not a name taken, nor a 503).
    """
    unknown = [code for code in codes if code not in WHY] + [k for k in why if int(k[1:]) not in codes]
    if unknown:
        raise ValueError(f"errors: no such status or description {unknown}")
    responses: dict[int | str, dict[str, Any]] = {}
    for code in sorted(set(codes)):
        entry: dict[str, Any] = {
            "model": ValidationErrorBody if code == 422 else ErrorBody,
            "description": why.get(f"_{code}", WHY[code]),
        }
        if code in (409, 429):
            entry["headers"] = RETRY_AFTER
        responses[code] = entry
    return responses


AUTH_ERRORS = errors(401, 403, 503)
"""The errors of every route behind the token (a router's ``responses=``): the token, the role, and a store that
cannot serve (the token and users files are read on every request)."""

JOB_ERRORS = (422, 429)
"""What ``?wait=`` adds to a route that submits a job: the job failed (422), too many waiters (429)."""

UPLOAD_ERRORS = (400, 413, 415)
"""What reading a multipart upload can answer (:func:`gwangyang.api.uploads.receive_files`)."""
