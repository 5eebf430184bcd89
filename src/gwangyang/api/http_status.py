"""The HTTP status that answers each :class:`~gwangyang.errors.GwangyangError`, and the API's own too-many-waiters error.

:func:`status_of` is the one mapping from an error to its status, for the API's error handler and for the
records of failed jobs alike: 4xx for bad input, a missing object or a busy store, 500 for the rest;
:func:`retry_after` says which of them are worth trying again.
"""

from __future__ import annotations

from ..errors import (
    CellConflictError,
    ConflictError,
    GwangyangError,
    InputError,
    NotFoundError,
    StoreError,
    UnknownFormatError,
)
from .uploads import UploadError


class TooManyWaitersError(GwangyangError):
    """More requests wait for jobs than :data:`.jobs.MAX_WAITERS`; answered with 429."""


def status_of(exc: GwangyangError) -> int:
    """The HTTP status that answers an error: 4xx for bad input or a busy store, 500 for the rest."""
    if isinstance(exc, UploadError):
        return exc.status_code
    if isinstance(exc, TooManyWaitersError):
        return 429
    if isinstance(exc, UnknownFormatError):
        return 415
    if isinstance(exc, (CellConflictError, ConflictError)):
        return 409
    if isinstance(exc, InputError):
        return 400
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, StoreError):
        return 409
    return 500


def retry_after(exc: GwangyangError) -> bool:
    """Whether the answer carries ``Retry-After``: a store busy with another writer (409) or too many waiters (429).

    A name or cell conflict (:class:`~gwangyang.errors.ConflictError`, :class:`~gwangyang.errors.CellConflictError`:
    409 too) stays until the request changes, so trying again later would not help.
    """
    status = status_of(exc)
    return status == 429 or (status == 409 and not isinstance(exc, (CellConflictError, ConflictError)))
