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
    column_map: Path | None = None,
) -> dict[str, Any]:
    """Ingest a folder of uploaded files for organisation ``org``; the report names files without the server's folders.

    Parameters
    ----------
    store, folder, chemistry, progress, org
        The store, the upload's folder, the cells' chemistry, ``progress(done, total)`` and the organisation.
    column_map
        The upload's column map, a file in ``folder`` (:func:`upload_parts`): every other file is read with it, as
        ``gwangyang battery ingest --column-map`` reads them (:func:`ingest_files`).

    Raises
    ------
    CellConflictError
        Every file failed and the first one names a stored cell it does not continue (HTTP 409).
    InputError
        Every file failed (the first reader's message); the folder is removed.
    """
    import shutil

    paths = [folder] if column_map is None else sorted(p for p in folder.iterdir() if p != column_map)
    try:
        report = ingest_files(
            store, paths, progress=progress, chemistry=chemistry, column_map=column_map, org=org
        ).to_dict()
    except BaseException:  # a busy store, a bug: the upload stays nowhere
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if not report["ingested"]:  # duplicates or failures: nothing in the store refers to the files
        shutil.rmtree(folder, ignore_errors=True)
    for key in ("ingested", "skipped", "failed", "warnings"):
        for item in report[key]:
            item["file"] = Path(item["file"]).name
            for text in ("error", "detail", "reason"):  # a map's warnings name it by its path
                if text in item:
                    item[text] = item[text].replace(str(folder) + "/", "")
    if report["failed"] and not report["ingested"] and not report["skipped"]:
        shutil.rmtree(folder, ignore_errors=True)
        if report["failed"][0].get("conflict"):
            raise CellConflictError(report["failed"][0]["error"])
        raise InputError(report["failed"][0]["error"])
    return report


def upload_parts(files: Sequence[Path]) -> tuple[list[Path], Path | None]:
    """An upload's cycler files and its column map: the one ``.toml`` among them, if any.

    Raises
    ------
    InputError
        Two maps or more, or a map without a cycler file (companions alone are none).
    """
    from ..io.registry import is_companion

    maps = [p for p in files if p.suffix.lower() == ".toml"]
    data = [p for p in files if p not in maps]
    if len(maps) > 1:
        names = ", ".join(p.name for p in maps)
        raise InputError(f"upload: expected at most one column map (.toml), got {len(maps)}: {names}.")
    if maps and all(is_companion(p) for p in data):
        raise InputError(
            f"upload: column map {maps[0].name} without a cycler file; send the files it reads with it."
        )
    return data, maps[0] if maps else None


def upload_conflicts(files: Sequence[Path], store: Store) -> list[str]:
    """One line per uploaded file named after a stored cell of another cycler (checked before the job runs)."""
    from ..ingest import vendor_conflicts

    return vendor_conflicts(list(files), store)


def check_cycler_files(files: Sequence[Path], column_map: Path | None = None, upload: bool = False) -> None:
    """Refuse files no reader recognises (a cheap content check, no full read); companions pass.

    Parameters
    ----------
    files
        The cycler files.
    column_map
        A column map to read them with: the map is loaded (its refusals) and the files are left to its reader, as
        the ingest leaves them (:func:`ingest_files`).
    upload
        The files were uploaded: the refusal of a file no reader knows says to upload a map with it, not to use the
        CLI's ``--column-map`` (:func:`gwangyang.battery.io.registry.detect`'s ``hint``).

    Raises
    ------
    UnknownFormatError
        No reader recognises a file.
    InputError
        A reader recognises it but its header is bad; or the column map is not valid TOML or a field of it is wrong.
    """
    from ..io.registry import COLUMN_MAP_HINT, UPLOAD_COLUMN_MAP_HINT, detect, is_companion

    if column_map is not None:
        from ..io.column_map import ColumnMap

        ColumnMap.from_file(column_map)
        return
    for path in files:
        if not is_companion(path):
            detect(path, UPLOAD_COLUMN_MAP_HINT if upload else COLUMN_MAP_HINT)
