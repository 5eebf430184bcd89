"""The HTTP status that answers each :class:`~gwangyang.errors.GwangyangError`, and the API's own too-many-waiters error.

:func:`status_of` is the one mapping from an error to its status, for the API's error handler and for the
records of failed jobs alike: 4xx for bad input, a missing object or a busy store, 503 for a store that cannot
serve (missing, unreadable, damaged), 500 for the rest; :func:`retry_after` says which of them are worth trying
again: only a busy store (409) and too many waiters (429).

=========================================  ======  ===========
error                                      status  Retry-After
=========================================  ======  ===========
``StoreBusyError`` (another writer)        409     yes
``ConflictError``, ``CellConflictError``   409     no
``NotFoundError`` (no such object)         404     no
``StoreError`` (missing, unreadable)       503     no
``TooManyWaitersError``                    429     yes
=========================================  ======  ===========
"""

from __future__ import annotations

from ..errors import (
    CellConflictError,
    ConflictError,
    GwangyangError,
    InputError,
    NotFoundError,
    StoreBusyError,
    StoreError,
    UnknownFormatError,
)
from .uploads import UploadError


class TooManyWaitersError(GwangyangError):
    """More requests wait for jobs than :data:`.jobs.MAX_WAITERS`; answered with 429."""


def status_of(exc: GwangyangError) -> int:
    """The HTTP status that answers an error: 4xx for bad input or a busy store, 503 for a broken store, else 500.

    A store that is missing, unreadable or damaged (a plain :class:`~gwangyang.errors.StoreError`: the token or
    users file unreadable, a store at a URL asked to write, a manifest that is no manifest) answers 503: the server
    cannot serve the request until someone mends it, and nothing the client changes would help.
    """
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
    if isinstance(exc, StoreBusyError):
        return 409
    if isinstance(exc, StoreError):
        return 503
    return 500


def retry_after(exc: GwangyangError) -> bool:
    """Whether the answer carries ``Retry-After``: a store busy with another writer (409) or too many waiters (429).

    A name or cell conflict (:class:`~gwangyang.errors.ConflictError`, :class:`~gwangyang.errors.CellConflictError`:
    409 too) stays until the request changes, and a missing or unreadable store (503) until someone mends it, so
    trying again later would not help. A failed job awaited with ``wait`` answers as its record says
    (:class:`JobFailedError`).
    """
    if isinstance(exc, JobFailedError):
        return exc.retry
    return isinstance(exc, (TooManyWaitersError, StoreBusyError))


class JobFailedError(UploadError):
    """A job awaited with ``wait`` that failed: its one line, its record's status and whether to try again."""

    def __init__(self, message: str, status_code: int, retry: bool) -> None:
        super().__init__(message, status_code)
        self.retry = retry
