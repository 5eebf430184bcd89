"""Ingest: cycler files (or an upload folder) into the store."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...compute import Executor
from ...errors import CellConflictError, InputError
from ...store import Store
from .common import Progress

if TYPE_CHECKING:
    from ..ingest import IngestReport


def ingest_files(
    store: Store,
    paths: Sequence[str | Path],
    executor: Executor | None = None,
    progress: Progress | None = None,
    chemistry: str | None = None,
    cell_id: str | None = None,
    column_map: str | Path | None = None,
    replace: bool = False,
    org: str | None = None,
) -> IngestReport:
    """Ingest cycler files and folders into the store (see :func:`gwangyang.battery.ingest.ingest`)."""
    from ..ingest import ingest

    return ingest(
        paths,
        store=store,
        executor=executor,
        progress=progress,
        chemistry=chemistry,
        cell_id=cell_id,
        column_map=column_map,
        replace=replace,
        org=org,
    )


def check_chemistry(chemistry: str | None) -> str | None:
    """``chemistry`` if it names a voltage grid (lfp, nmc...), else an ``InputError``."""
    from ..cycles import CHEMISTRY_GRIDS

    if chemistry is not None and chemistry.lower() not in CHEMISTRY_GRIDS:
        raise InputError(f"chemistry: expected one of {', '.join(CHEMISTRY_GRIDS)}, got {chemistry[:20]!r}.")
    return chemistry


def ingest_upload(
    store: Store,
    folder: Path,
    chemistry: str | None,
    progress: Progress | None = None,
    org: str | None = None,
) -> dict[str, Any]:
    """Ingest a folder of uploaded files for organisation ``org``; the report names files without the server's folders.

    Raises
    ------
    CellConflictError
        Every file failed and the first one names a stored cell it does not continue (HTTP 409).
    InputError
        Every file failed (the first reader's message); the folder is removed.
    """
    import shutil

    try:
        report = ingest_files(store, [folder], progress=progress, chemistry=chemistry, org=org).to_dict()
    except BaseException:  # a busy store, a bug: the upload stays nowhere
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if not report["ingested"]:  # duplicates or failures: nothing in the store refers to the files
        shutil.rmtree(folder, ignore_errors=True)
    for key in ("ingested", "skipped", "failed", "warnings"):
        for item in report[key]:
            item["file"] = Path(item["file"]).name
            if "error" in item:
                item["error"] = item["error"].replace(str(folder) + "/", "")
    if report["failed"] and not report["ingested"] and not report["skipped"]:
        shutil.rmtree(folder, ignore_errors=True)
        if report["failed"][0].get("conflict"):
            raise CellConflictError(report["failed"][0]["error"])
        raise InputError(report["failed"][0]["error"])
    return report


def upload_conflicts(files: Sequence[Path], store: Store) -> list[str]:
    """One line per uploaded file named after a stored cell of another cycler (checked before the job runs)."""
    from ..ingest import vendor_conflicts

    return vendor_conflicts(list(files), store)


def check_cycler_files(files: Sequence[Path]) -> None:
    """Refuse files no reader recognises (a cheap content check, no full read); companions pass.

    Raises
    ------
    UnknownFormatError
        No reader recognises a file.
    InputError
        A reader recognises it but its header is bad.
    """
    from ..io.registry import detect, is_companion

    for path in files:
        if not is_companion(path):
            detect(path)
