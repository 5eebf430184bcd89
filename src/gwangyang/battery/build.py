"""One test read, stitched, summarised and staged: what an ingest worker does (:func:`build_cell`).

A worker reads the files of one test (see :mod:`.grouping`), stitches them onto the stored cell they
continue (if any), derives cycles from the signal, the steps table, the cycle summary, the quality
checks and the Q(V) curves, and writes it all, with the cell's ``meta.json``, into its own staging
folder. It touches nothing else; :func:`gwangyang.battery.ingest.ingest` commits what it staged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import CellConflictError, GwangyangError, InputError, one_line
from ..files import read_json, write_json
from ..store.store import write_parquet
from . import schema as s
from .checks import check_cycles
from .cycles import cycle_summary, default_grid, discharge_curves, usable_cycles
from .io.registry import read_cycler
from .pairing import apply_signal_cycles
from .schema import CyclerData
from .steps import step_table
from .stitch import continuation_problem, stitch

SCHEMA_VERSION = 1
"""Version of a stored cell's layout (``meta.json`` ``schema_version``)."""


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
    bad_input: bool = False


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
        except InputError as exc:
            outcome.errors.append((name, one_line(str(exc))))
            outcome.bad_input = True
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
    advice = "ingest it as another cell or replace the stored one (CLI: --cell-id NAME, --replace)"
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
