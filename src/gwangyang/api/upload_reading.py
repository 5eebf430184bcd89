"""An upload route's one shape: receive the files, check their kinds and counts, read them, never keep the folder.

:func:`read_upload` streams the request into ``<store>/uploads/<id>/`` (:func:`.uploads.receive_files`), applies
the route's rules on its files (:func:`one_file`, :func:`one_table`, :func:`main_and_extra`, or
:func:`any_files` where the reader judges them) and its reader, and removes the folder whatever happens: after
the answer, a refusal or a reader's crash (or, for a route whose job takes the folder over, on failure only).
Each route states what differs: the kinds it takes, how it reads them, what it does with what was read.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from fastapi import Request
from fastapi.concurrency import run_in_threadpool

from ..store import artifacts
from .uploads import SavedUpload, UploadError, receive_files

Checked = TypeVar("Checked")
Read = TypeVar("Read")


async def read_upload(
    request: Request,
    check: Callable[[SavedUpload], Checked],
    read: Callable[[Checked, SavedUpload], Read],
    file_fields: tuple[str, ...] = (),
    keep: bool = False,
) -> Read:
    """Receive an upload into the store's uploads folder, check its files, read them; the folder never outlives it.

    Parameters
    ----------
    request
        The incoming request (its app's store and upload limit).
    check
        The route's rules on its files (their names' endings and counts: :func:`one_file`,
        :func:`main_and_extra`, :func:`one_table`), run first; what it returns is given to ``read``.
    read
        Reads the checked files and the form's text fields (``saved.fields``), in a worker thread.
    file_fields
        The multipart file fields (:func:`receive_files`); empty: ``files``.
    keep
        Leave the folder when ``read`` succeeds: it handed the folder to a job (submitted as its last step) that
        removes it.

    Returns
    -------
    object
        What ``read`` returned. The saved folder is removed when ``check`` or ``read`` raises (a refusal, a
        reader's crash) and, unless ``keep``, when they succeed.
    """
    uploads_dir = artifacts.uploads_dir(request.app.state.store)
    saved = await receive_files(request, uploads_dir, request.app.state.max_upload_bytes, file_fields)
    try:
        result = await run_in_threadpool(read, check(saved), saved)
    except BaseException:
        saved.discard()
        raise
    if not keep:
        saved.discard()
    return result


def any_files(saved: SavedUpload) -> list[Path]:
    """Every file of an upload, as sent (a route whose reader judges them)."""
    return saved.files


def one_file(suffixes: tuple[str, ...], noun: str = "table") -> Callable[[SavedUpload], Path]:
    """The check of an upload of exactly one file ending in one of ``suffixes``.

    Two files are 400 (``upload: expected one table file, got 2.``), another kind 415
    (``x.pdf: unknown table format (expected .csv, .parquet).``); ``noun`` names the kind.
    """

    def check(saved: SavedUpload) -> Path:
        if len(saved.files) != 1:
            raise UploadError(f"upload: expected one {noun} file, got {len(saved.files)}.")
        upload = saved.files[0]
        if not upload.name.lower().endswith(suffixes):
            raise UploadError(f"{upload.name}: unknown {noun} format (expected {', '.join(suffixes)}).", 415)
        return upload

    return check


def one_table(
    suffixes: tuple[str, ...], extra: str | None = None, what: str = ""
) -> Callable[[SavedUpload], tuple[Path, Path | None]]:
    """The check of an upload of one table ending in one of ``suffixes`` and, with ``extra``, at most one such file.

    Anything else is 415 naming what was sent: ``upload: expected one table (.csv, .xlsx) and at most one
    rules .toml, got a.csv, b.csv.``, ``what`` (``rules .toml``) naming the ``extra`` file.
    """
    with_extra = f" and at most one {what}" if extra else ""

    def check(saved: SavedUpload) -> tuple[Path, Path | None]:
        tables = [f for f in saved.files if f.name.lower().endswith(suffixes)]
        extras = [f for f in saved.files if extra and f.name.lower().endswith(extra)]
        if len(tables) != 1 or len(extras) > 1 or len(tables) + len(extras) != len(saved.files):
            names = ", ".join(f.name for f in saved.files) or "none"
            raise UploadError(
                f"upload: expected one table ({', '.join(suffixes)}){with_extra}, got {names}.", 415
            )
        return tables[0], extras[0] if extras else None

    return check


def main_and_extra(
    files: list[Path], main: tuple[str, ...], extra: str, unknown: str, counted: str, prefix: str = ""
) -> tuple[Path, Path | None]:
    """One file ending in ``main`` and at most one ending in ``extra``, in that order.

    Each file of another kind is 415, ``{prefix}{name}: {unknown}.``; other counts are 400, ``{prefix}{counted},
    got N and M.`` (``upload: `` when no ``prefix``). ``prefix`` names a group of files (``scenario A: ``).
    """
    for upload in files:
        if not upload.name.lower().endswith((*main, extra)):
            raise UploadError(f"{prefix}{upload.name}: {unknown}.", 415)
    mains = [f for f in files if not f.name.lower().endswith(extra)]
    extras = [f for f in files if f.name.lower().endswith(extra)]
    if len(mains) != 1 or len(extras) > 1:
        raise UploadError(f"{prefix or 'upload: '}{counted}, got {len(mains)} and {len(extras)}.")
    return mains[0], extras[0] if extras else None
