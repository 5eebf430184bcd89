"""Ingest cycler files into the store: discover and group them into tests (see :mod:`.grouping`), read and summarise in parallel, commit.

Workers read and summarise a group of files (one test) and write it whole into a staging folder
inside the store (:func:`gwangyang.battery.build.build_cell`); the calling process, holding the store's write lock, commits the staged cells as
their results arrive, many at a time (one catalog commit each). A bad file fails only its own test.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..compute import Executor, SerialExecutor
from ..errors import GwangyangError, WorkerLostError
from ..store.store import Store
from .build import IngestOutcome, IngestTask, build_cell
from .cycles import VoltageGrid
from .grouping import companion_warnings, discover, group_files, is_multipart
from .io.base import file_hash

COMMIT_CELLS = 64
"""Staged cells committed together (one catalog commit, one data file per table and lot)."""

COMMIT_S = 1.0
"""Seconds after which staged cells are committed even if fewer than :data:`COMMIT_CELLS` wait."""


@dataclass
class IngestReport:
    """Result of an ingest: per file, ingested, skipped or failed."""

    ingested: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``{"ingested": [...], "skipped": [...], "failed": [...], "warnings": [...], "cells": [...]}``.

        Each warning is ``{"file", "cell_id", "kind", "detail"}`` (see :data:`~gwangyang.battery.schema.WARNING_KINDS`);
        ``cells`` are the ids of the cells ingested, sorted. A failed item carries ``"conflict": True``
        when the file's cell id clashes with a stored cell, ``"bad_input": True`` when the file
        cannot be read (its error names the file and the field).
        """
        return {
            "ingested": self.ingested,
            "skipped": self.skipped,
            "failed": self.failed,
            "warnings": self.warnings,
            "cells": sorted({item["cell_id"] for item in self.ingested}),
        }

    @property
    def ok(self) -> bool:
        """True when no file failed."""
        return not self.failed

    @property
    def bad_input(self) -> bool:
        """True when no file was ingested and every one that failed is unreadable input (CLI exit 2)."""
        return bool(self.failed) and not self.ingested and all(item.get("bad_input") for item in self.failed)


def ingest(
    paths: Iterable[str | Path],
    store: Store | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    chemistry: str | None = None,
    cell_id: str | None = None,
    column_map: str | Path | None = None,
    replace: bool = False,
    org: str | None = None,
) -> IngestReport:
    """Ingest files and folders into the store.

    Parameters
    ----------
    paths
        Files or folders (searched recursively).
    store
        Target store; default: the default store.
    executor
        Where to read and summarise; default: serial.
    progress
        ``progress(done, total)`` in tests.
    chemistry
        Chemistry whose voltage grid to use for Q(V) curves; default: a grid from each cell's data.
    cell_id
        Treat all files as one test with this cell id.
    column_map
        TOML column map: read every file with the generic CSV reader.
    replace
        Replace a stored cell of the same id instead of stitching onto it. Without it, files named
        after a stored cell are stitched onto it only when they continue it (same cycler, channel
        and serial where known, starting after its end; see
        :func:`~gwangyang.battery.stitch.continuation_problem`), or, for parts of one test and with
        ``cell_id``, when they come from the same cycler; otherwise they fail with a one-line
        error naming both (``report.failed`` items with ``"conflict": True``).
    org
        Organisation the new cells belong to (kept as ``org`` in their metadata); None: shared with
        everyone. A file named after another organisation's cell fails as a conflict, and one whose
        content another organisation stored is skipped without naming that cell.

    Returns
    -------
    IngestReport
        What was ingested, skipped (already in the store) and failed, per file.
    """
    store = store or Store()
    executor = executor or SerialExecutor()
    report = IngestReport()
    if column_map is not None:  # a bad map is one usage error, not one failure per file
        from .io.column_map import ColumnMap

        ColumnMap.from_file(column_map)
    paths = list(paths)
    files = discover(paths)
    # a companion no data file given reads (one beside a file read with a column map: the map's reader says)
    report.warnings.extend(companion_warnings(paths, files, mapped=column_map is not None))
    store.root.mkdir(parents=True, exist_ok=True)
    with store.write_lock():
        store.recover()
        known = store.known_hashes()
        owners = {meta["cell_id"]: meta.get("org") for meta in store.metas()}
        tasks: list[IngestTask] = []
        seen: dict[str, str] = {}
        for name, members in group_files(files, cell_id).items():
            hashes = [file_hash(p) for p in members]
            fresh = []
            for path, digest in zip(members, hashes, strict=True):
                if digest in known and owners.get(known[digest]) not in (None, org):
                    report.skipped.append(
                        {"file": str(path), "reason": "already in store, in another organisation's cell"}
                    )
                elif digest in known:
                    report.skipped.append(
                        {"file": str(path), "reason": f"already in store as cell {known[digest]}"}
                    )
                elif digest in seen:
                    report.skipped.append({"file": str(path), "reason": f"same content as {seen[digest]}"})
                else:
                    seen[digest] = str(path)
                    fresh.append((path, digest))
            if not fresh:
                continue
            if store.has(name) and owners.get(name) != org:
                for path, _ in fresh:
                    error = f"{path.name}: cell {name} is another organisation's; give the file another name."
                    report.failed.append({"file": str(path), "error": error, "conflict": True})
                continue
            existing = None if replace else store.stage_existing(name)
            # Parts of a test (dated or numbered files) and files given a cell id extend a stored cell
            # of the same cycler; any other file under a stored cell's name must continue it.
            append = cell_id is not None or is_multipart(members)
            tasks.append(
                IngestTask(
                    cell_id=name,
                    files=[str(p) for p, _ in fresh],
                    hashes=[d for _, d in fresh],
                    staging=str(store.staging_path(f"{name}-{fresh[0][1][:12]}")),
                    existing=None if existing is None else str(existing),
                    chemistry=chemistry,
                    column_map=None if column_map is None else str(column_map),
                    on_existing="append" if append else "continue",
                    org=org,
                )
            )

        def commit(_index: int, outcome: IngestOutcome) -> None:
            if outcome.errors or outcome.staged is None:
                failed_files = {f for f, _ in outcome.errors}
                for file_name, error in outcome.errors:
                    item: dict[str, Any] = {"file": file_name, "error": error}
                    if outcome.conflict:
                        item["conflict"] = True
                    elif outcome.bad_input:
                        item["bad_input"] = True
                    report.failed.append(item)
                for file_name in outcome.files:
                    if file_name not in failed_files:
                        report.failed.append(
                            {
                                "file": file_name,
                                "error": f"{file_name}: not ingested: another file of test "
                                f"{outcome.cell_id} failed.",
                                **({"bad_input": True} if outcome.bad_input else {}),
                            }
                        )
                if outcome.staged:
                    shutil.rmtree(outcome.staged, ignore_errors=True)
                return
            pending.append(outcome)
            if len(pending) >= COMMIT_CELLS or time.monotonic() - started[0] >= COMMIT_S:
                flush()

        def flush() -> None:
            """Commit the staged cells waiting (one catalog commit for many cells)."""
            if pending:
                store.commit_many([(Path(o.staged), o.cell_id) for o in pending if o.staged is not None])
            for done in pending:
                report.warnings.extend(done.warnings)
                for file_name in done.files:
                    report.ingested.append(
                        {"file": file_name, "cell_id": done.cell_id, "rows": done.rows, "cycles": done.cycles}
                    )
            pending.clear()
            started[0] = time.monotonic()

        pending: list[IngestOutcome] = []
        started = [time.monotonic()]
        try:
            try:
                executor.map(build_cell, tasks, progress=progress, on_result=commit)
            finally:
                flush()
        except WorkerLostError as exc:  # report the tests that never came back, keep what did
            finished = {item["file"] for item in report.ingested} | {item["file"] for item in report.failed}
            for task in tasks:
                for file_name in task.files:
                    if file_name not in finished:
                        report.failed.append(
                            {"file": file_name, "error": f"{file_name}: not ingested: {exc}"}
                        )
        store.clear_staging()
    return report


def vendor_conflicts(paths: Iterable[str | Path], store: Store, cell_id: str | None = None) -> list[str]:
    """Cheap check before an ingest: files named after a stored cell of another cycler (one line each).

    Looks only at each file's head (no full read); the full check (channel, serial, times) runs in
    :func:`ingest`.
    """
    from .io.registry import detect

    out = []
    for name, members in group_files(discover(paths), cell_id).items():
        if not store.has(name):
            continue
        vendor = store.meta(name).get("vendor")
        for path in members:
            try:
                found = detect(path).name
            except GwangyangError:
                continue
            if found != vendor:
                out.append(
                    f"{path.name}: cell {name!r} already holds {vendor} data; this {found} file does not "
                    "continue it; give it another cell id or replace the cell."
                )
    return out


__all__ = [
    "IngestReport",
    "IngestTask",
    "VoltageGrid",
    "build_cell",
    "discover",
    "group_files",
    "ingest",
    "vendor_conflicts",
]
