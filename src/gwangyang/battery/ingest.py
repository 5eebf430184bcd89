"""Ingest cycler files into the store: discover and group them into tests (see :mod:`.grouping`), read and summarise in parallel, commit.

Workers read and summarise a group of files (one test) and write it whole into a staging folder
inside the store; the calling process, holding the store's write lock, commits the staged cells as
their results arrive, many at a time (one catalog commit each). A bad file fails only its own test.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..compute import Executor, SerialExecutor
from ..errors import CellConflictError, GwangyangError, InputError, NotFoundError, WorkerLostError, one_line
from ..files import read_json, write_json
from ..store.store import Store, write_parquet
from . import schema as s
from .checks import check_cycles
from .cycles import (
    VoltageGrid,
    cycle_summary,
    default_grid,
    discharge_curves,
    usable_cycles,
)
from .grouping import discover, group_files, is_multipart
from .io.base import file_hash
from .io.registry import read_cycler
from .pairing import apply_signal_cycles
from .schema import CyclerData
from .steps import step_table
from .stitch import continuation_problem, stitch

SCHEMA_VERSION = 1

COMMIT_CELLS = 64
"""Staged cells committed together (one catalog commit, one data file per table and lot)."""

COMMIT_S = 1.0
"""Seconds after which staged cells are committed even if fewer than :data:`COMMIT_CELLS` wait."""


@dataclass
class IngestTask:
    """One test to ingest: the files that make it and where to stage it (picklable)."""

    cell_id: str
    files: list[str]
    hashes: list[str]
    staging: str
    existing: str | None = None
    chemistry: str | None = None
    column_map: str | None = None
    on_existing: str = "continue"
    """With an ``existing`` cell: ``continue`` (stitch only a file that continues it, else refuse)
    or ``append`` (parts of one test, or ``--cell-id``: stitch whatever their times)."""
    org: str | None = None
    """Organisation the cell belongs to (the ``org`` of its metadata); None: shared with everyone."""


@dataclass
class IngestOutcome:
    """What a worker did with one task."""

    cell_id: str
    files: list[str]
    staged: str | None = None
    rows: int = 0
    cycles: int = 0
    vendor: str | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)
    conflict: bool = False


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
        ``cells`` are the ids of the cells ingested, sorted.
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


def _first_last_time(data: CyclerData) -> tuple[str | None, str | None]:
    ts = data.timeseries
    if s.DATE_TIME in ts.columns:
        stamps = pd.to_datetime(ts[s.DATE_TIME]).dropna()
        if len(stamps):
            return stamps.min().isoformat(), stamps.max().isoformat()
    if data.start_time is not None:
        start = pd.Timestamp(data.start_time)
        end = start + pd.to_timedelta(float(ts[s.TIME].iloc[-1] - ts[s.TIME].iloc[0]), unit="s")
        return start.isoformat(), end.isoformat()
    return None, None


def _existing_part(existing: Path) -> CyclerData:
    meta = read_json(existing / "meta.json")
    ts = pd.read_parquet(existing / "timeseries.parquet").drop(columns=["cell_id"], errors="ignore")
    start = pd.Timestamp(meta["start_time"]) if meta.get("start_time") else None
    steps_file = existing / "steps.parquet"
    steps = (
        pd.read_parquet(steps_file).drop(columns=["cell_id"], errors="ignore")
        if steps_file.exists()
        else None
    )
    return CyclerData(
        timeseries=ts,
        vendor=meta["vendor"],
        source=Path(meta["sources"][0]["name"]),
        cell_id=meta["cell_id"],
        channel=meta.get("channel"),
        start_time=start,
        nominal_capacity_ah=meta.get("nominal_capacity_ah"),
        extra=meta.get("extra", {}),
        steps=steps,
    )


def _structure(part: CyclerData) -> None:
    """Cycles from the signal and the steps table of one file (in place); disagreements become warnings."""
    ts, steps, notes = apply_signal_cycles(part.timeseries)
    part.timeseries, part.steps = ts, steps
    for note in notes:
        part.warnings.append(s.warning("counter_overridden", note, part.source, part.cell_id))


def _edges(data: CyclerData, cycles: np.ndarray) -> tuple[set[int] | None, set[int] | None]:
    """Positions of the cycles each stitched file starts and ends with (None: one file)."""
    parts = data.extra.get("parts")
    if not parts or "first_cycle" not in parts[0]:
        return None, None
    heads, tails = set(), set()
    for k, part in enumerate(parts):
        if not part.get("continues_cycle"):
            heads.add(int(np.searchsorted(cycles, part["first_cycle"])))
        following = parts[k + 1] if k + 1 < len(parts) else None
        if following is None or not following.get("continues_cycle"):
            tails.add(int(np.searchsorted(cycles, part["last_cycle"])))
    return heads, tails


def _file_of(data: CyclerData) -> Callable[[int], str]:
    """The source file a cycle of the (stitched) data came from."""
    parts = data.extra.get("parts")
    if not parts or "first_cycle" not in parts[0]:
        return lambda _cycle: data.source.name
    firsts = np.array([p["first_cycle"] for p in parts])
    names = [p["file"] for p in parts]
    return lambda cycle: names[max(int(np.searchsorted(firsts, cycle, side="right")) - 1, 0)]


def build_cell(task: IngestTask) -> IngestOutcome:
    """Read, stitch, summarise and stage one test (runs in a worker; touches only its staging folder)."""
    outcome = IngestOutcome(cell_id=task.cell_id, files=task.files)
    parts: list[CyclerData] = []
    for name in task.files:
        try:
            parts.append(read_cycler(name, column_map=task.column_map))
        except GwangyangError as exc:
            outcome.errors.append((name, one_line(str(exc))))
        except Exception as exc:
            outcome.errors.append((name, one_line(f"{name}: {type(exc).__name__}: {exc}")))
    if outcome.errors:
        return outcome
    try:
        sources = [
            {
                "file": str(Path(n).resolve()),
                "name": Path(n).name,
                "hash": h,
                "size_bytes": Path(n).stat().st_size,
                "vendor": p.vendor,
                "rows": p.rows,
            }
            for n, h, p in zip(task.files, task.hashes, parts, strict=True)
        ]
        for part in parts:
            part.cell_id = task.cell_id
            _structure(part)
        if task.existing is not None:
            old = read_json(Path(task.existing) / "meta.json")
            _check_continues(task, old, parts)
            sources = old["sources"] + sources
            previous = _existing_part(Path(task.existing))
            if previous.steps is None:
                _structure(previous)
            parts.insert(0, previous)
        vendors = {p.vendor for p in parts[1 if task.existing is not None else 0 :]}
        if len(vendors) > 1:
            raise InputError(
                f"cell {task.cell_id}: files of one test come from different cyclers ({sorted(vendors)})."
            )
        data = stitch(parts, cell_id=task.cell_id) if len(parts) > 1 else parts[0]
        ts = data.timeseries
        steps = data.steps if data.steps is not None else step_table(ts)
        heads, tails = _edges(data, np.unique(ts[s.CYCLE].to_numpy()))
        cycles = cycle_summary(ts, steps, heads, tails)
        warnings = [w for p in parts[1 if task.existing is not None else 0 :] for w in p.warnings]
        warnings += check_cycles(cycles, data.nominal_capacity_ah, _file_of(data), task.cell_id, steps)
        for item in warnings:
            item["cell_id"] = task.cell_id
        grid = default_grid(ts, task.chemistry)
        curves = discharge_curves(ts, grid)
        staged = Path(task.staging)
        staged.mkdir(parents=True, exist_ok=False)
        tables = (("timeseries", ts), ("cycles", cycles), ("curves", curves), ("steps", steps))
        for name, table in tables:
            table = table.copy()
            table.insert(0, "cell_id", task.cell_id)
            write_parquet(table, staged / f"{name}.parquet")
        first, last = _first_last_time(data)
        meta: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "cell_id": task.cell_id,
            "vendor": data.vendor,
            "channel": data.channel,
            "start_time": pd.Timestamp(data.start_time).isoformat() if data.start_time is not None else None,
            "first_time": first,
            "last_time": last,
            "rows": len(ts),
            "cycles": int(ts[s.CYCLE].nunique()),
            "complete_cycles": int(cycles["complete"].sum()),
            "usable_cycles": len(usable_cycles(cycles)[0]),
            "steps": len(steps),
            "nominal_capacity_ah": data.nominal_capacity_ah,
            "columns": [c for c in ts.columns],
            "grid": None
            if grid is None
            else {"low_v": grid.low_v, "high_v": grid.high_v, "points": grid.points},
            "sources": sources,
            "extra": data.extra,
            "warnings": warnings,
            "ingested_at": datetime.now(UTC).isoformat(),
            "org": task.org,
        }
        # Strict JSON: NaN or numpy values in a reader's extras or warnings become null / plain values.
        write_json(staged / "meta.json", meta, indent=1)
        outcome.staged = str(staged)
        outcome.rows = len(ts)
        outcome.cycles = int(meta["cycles"])
        outcome.vendor = data.vendor
        outcome.warnings = warnings
    except CellConflictError as exc:
        outcome.errors.append((task.files[0], one_line(str(exc))))
        outcome.conflict = True
    except GwangyangError as exc:
        outcome.errors.append((task.files[0], one_line(str(exc))))
    except Exception as exc:
        outcome.errors.append((task.files[0], one_line(f"{task.files[0]}: {type(exc).__name__}: {exc}")))
    return outcome


def _check_continues(task: IngestTask, old: dict[str, Any], parts: list[CyclerData]) -> None:
    """Refuse files that do not continue the stored cell they are named after (see ``continuation_problem``)."""
    names = ", ".join(source["name"] for source in old.get("sources", [])[:3]) or "earlier files"
    held = f"cell {task.cell_id!r} already holds {names} ({old.get('vendor')})"
    advice = "use --cell-id to name another cell or --replace to replace it"
    for part in sorted(parts, key=lambda p: (p.start_time is None, str(p.start_time))):
        if task.on_existing == "append":
            problem = None
            if part.vendor != old.get("vendor"):
                problem = f"it comes from another cycler ({part.vendor})"
        else:
            problem = continuation_problem(old, part)
        if problem is not None:
            raise CellConflictError(
                f"{part.source}: {held}; this file does not continue it: {problem}; {advice}."
            )


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
    files = discover(paths)
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
                    report.failed.append(item)
                for file_name in outcome.files:
                    if file_name not in failed_files:
                        report.failed.append(
                            {
                                "file": file_name,
                                "error": f"{file_name}: not ingested: another file of test "
                                f"{outcome.cell_id} failed.",
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


def export_cell(store: Store, cell_id: str, fmt: str, out: Path) -> Path:
    """Export a cell's canonical time series as Parquet, CSV or BDF.

    ``bdf`` writes the Battery Data Alliance's Battery Data Format (see
    :mod:`gwangyang.battery.io.bdf`): CSV, or Parquet when ``out`` ends in ``.parquet``.

    Raises
    ------
    InputError
        Unknown format.
    NotFoundError
        No such cell.
    """
    if fmt not in {"parquet", "csv", "bdf"}:
        raise InputError(f"--format: expected parquet, csv or bdf, got {fmt!r}.")
    if not store.has(cell_id):
        raise NotFoundError(f"cell {cell_id!r}: not in store {store.root}.")
    ts = store.timeseries(cell_id)
    if fmt == "bdf":
        from .io.bdf import to_bdf

        try:
            steps = store.steps(cell_id)
        except NotFoundError:
            steps = None  # a cell ingested before steps were kept
        ts = to_bdf(ts.drop(columns=["cell_id"], errors="ignore"), steps)
        fmt = "parquet" if out.suffix.lower() == ".parquet" else "csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    if fmt == "parquet":
        write_parquet(ts, tmp)
    else:
        ts.to_csv(tmp, index=False)
    tmp.replace(out)
    return out


__all__ = [
    "IngestReport",
    "VoltageGrid",
    "discover",
    "export_cell",
    "group_files",
    "ingest",
    "vendor_conflicts",
]
