"""Cells, cycles, steps, curves (Q(V) and dQ/dV), time-series pages and exports of the store's cells."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ...errors import InputError, NotFoundError
from ...store import Store
from ...store.cell_reads import CELL_COLUMNS
from .common import _records, check_cell_id

if TYPE_CHECKING:
    pass

MAX_PAGE_ROWS = 10_000
"""Most time-series rows one request returns."""


def usable_where(store: Store) -> str:
    """SQL condition keeping the cycles :func:`~gwangyang.battery.cycles.usable_cycles` keeps.

    The complete ageing / RPT / reset cycles whose coulombic efficiency is at most
    :data:`~gwangyang.battery.cycles.HEALTH_EFFICIENCY_MAX` (or unknown); all cycles of cells stored without flags.
    """
    from ..cycles import CAPACITY_KINDS, HEALTH_EFFICIENCY_MAX

    columns = set(store.sql("SELECT * FROM cells_cycles LIMIT 0").columns)
    kinds = ", ".join(f"'{k}'" for k in CAPACITY_KINDS)
    clauses = ["TRUE"]
    if "complete" in columns:
        clauses.append("coalesce(complete, TRUE)")
    if "kind" in columns:
        clauses.append(f"coalesce(kind, 'aging') IN ({kinds})")
    if "coulombic_efficiency" in columns:
        clauses.append(
            "(coulombic_efficiency IS NULL OR isnan(coulombic_efficiency) OR isinf(coulombic_efficiency) "
            f"OR coulombic_efficiency <= {HEALTH_EFFICIENCY_MAX!r})"
        )
    return " AND ".join(clauses)


def _left_out_by_cell(store: Store) -> dict[str, dict[str, int]]:
    """Per cell: ``{"total": n, reason: count, ...}`` of the cycles :func:`usable_where` leaves out (one query)."""
    from ..cycles import left_out_reasons

    columns = [
        c
        for c in ("cell_id", "complete", "kind", "coulombic_efficiency")
        if c in set(store.sql("SELECT * FROM cells_cycles LIMIT 0").columns)
    ]
    table = store.sql(f"SELECT {', '.join(columns)} FROM cells_cycles")
    out: dict[str, dict[str, int]] = {}
    for cell_id, group in table.groupby("cell_id", sort=False):
        reasons = left_out_reasons(group)
        out[str(cell_id)] = {"total": sum(reasons.values()), **reasons}
    return out


def list_cells(store: Store) -> list[dict[str, Any]]:
    """One record per cell: its metadata and capacity figures from its complete capacity cycles.

    ``capacity_retention`` is the last cycle's discharge capacity over the largest one;
    ``left_out_cycles`` counts the cycles the figures leave out (incomplete, pulse, or with an implausible
    coulombic efficiency), ``left_out_reasons`` says why (``{reason: count}``, see
    :func:`~gwangyang.battery.cycles.left_out_reasons`), ``warnings`` the ingest's warnings about the cell.
    """
    metas = store.metas()
    if not metas:
        return []
    stats = store.sql(
        "SELECT cell_id, max(discharge_capacity_ah) AS max_q, "
        "arg_max(discharge_capacity_ah, cycle_index) AS last_q, "
        "arg_min(discharge_capacity_ah, cycle_index) AS first_q, "
        "median(coulombic_efficiency) AS median_ce "
        f"FROM cells_cycles WHERE {usable_where(store)} GROUP BY cell_id"
    ).set_index("cell_id")
    left_out = _left_out_by_cell(store)
    out = []
    for meta in metas:
        cell_id = meta["cell_id"]
        row: dict[str, Any] = {k: meta.get(k) for k in CELL_COLUMNS}
        figures: dict[str, float | None] = {"max_q": None, "last_q": None, "first_q": None, "median_ce": None}
        if cell_id in stats.index:
            for key in figures:
                value = stats.at[cell_id, key]
                number = float(value) if isinstance(value, (int, float, np.number)) else float("nan")
                figures[key] = number if np.isfinite(number) else None
        row["first_discharge_capacity_ah"] = figures["first_q"]
        row["max_discharge_capacity_ah"] = figures["max_q"]
        row["last_discharge_capacity_ah"] = figures["last_q"]
        row["median_coulombic_efficiency"] = figures["median_ce"]
        max_q, last_q = figures["max_q"], figures["last_q"]
        row["capacity_retention"] = last_q / max_q if max_q and last_q is not None else None
        row["left_out_cycles"] = left_out.get(cell_id, {}).get("total", 0)
        row["left_out_reasons"] = {k: v for k, v in left_out.get(cell_id, {}).items() if k != "total"}
        row["warnings"] = len(meta.get("warnings", []))
        out.append(row)
    return out


def cell_meta(store: Store, cell_id: str) -> dict[str, Any]:
    """A cell's metadata without server paths (vendor, channel, sources and their hashes, voltage grid)."""
    meta = store.meta(check_cell_id(cell_id))
    for source in meta.get("sources", []):
        source.pop("file", None)
    return meta


def capacity_fade(store: Store) -> list[dict[str, Any]]:
    """Discharge capacity against cycle for every cell (one record per cell, arrays of equal length)."""
    if not store.metas():
        return []
    table = store.sql(
        "SELECT cell_id, cycle_index, discharge_capacity_ah FROM cells_cycles "
        f"WHERE {usable_where(store)} ORDER BY cell_id, cycle_index"
    )
    out = []
    for cell_id, group in table.groupby("cell_id", sort=True):
        q = group["discharge_capacity_ah"].astype("float64")
        out.append(
            {
                "cell_id": str(cell_id),
                "cycle_index": group["cycle_index"].astype("int64").tolist(),
                "discharge_capacity_ah": [None if not np.isfinite(v) else float(v) for v in q],
            }
        )
    return out


def cell_cycles(store: Store, cell_id: str) -> dict[str, Any]:
    """A cell's per-cycle summary: ``{"cell_id", "cycles": [records]}`` (NaN becomes null)."""
    cycles = store.cycles(check_cell_id(cell_id)).drop(columns=["cell_id"], errors="ignore")
    return {"cell_id": cell_id, "cycles": _records(cycles)}


def cell_steps(store: Store, cell_id: str) -> dict[str, Any]:
    """A cell's steps (type, times, capacities, mean current and voltage): ``{"cell_id", "steps": [records]}``."""
    steps = store.steps(check_cell_id(cell_id)).drop(columns=["cell_id"], errors="ignore")
    return {"cell_id": cell_id, "steps": _records(steps)}


def cell_warnings(store: Store, cell_id: str) -> list[dict[str, Any]]:
    """The ingest's warnings about a cell (``file``, ``cell_id``, ``kind``, ``detail``)."""
    warnings_: list[dict[str, Any]] = store.meta(check_cell_id(cell_id)).get("warnings", [])
    return warnings_


def incremental_capacity(voltage_v: np.ndarray, capacity_ah: np.ndarray) -> np.ndarray:
    """Incremental capacity ``-dQ/dV`` (Ah/V) of a discharge curve sampled on a voltage grid.

    Central differences (``numpy.gradient``) over the grid; the sign is flipped so that the peaks
    of a discharge, where Q grows as V falls, are positive.
    """
    if len(voltage_v) < 2:
        return np.full(len(voltage_v), np.nan)
    return -np.gradient(np.asarray(capacity_ah, dtype="float64"), np.asarray(voltage_v, dtype="float64"))


def pick_cycles(available: list[int], count: int) -> list[int]:
    """Up to ``count`` cycles spread evenly over ``available`` (first and last included)."""
    if len(available) <= count:
        return list(available)
    index = np.unique(np.round(np.linspace(0, len(available) - 1, count)).astype(int))
    return [available[i] for i in index]


def cell_curves(
    store: Store, cell_id: str, cycles: list[int] | None = None, count: int = 8
) -> dict[str, Any]:
    """Q(V) and dQ/dV of some of a cell's cycles (``cycles``, or ``count`` spread over its life)."""
    table = store.curves(check_cell_id(cell_id))
    available = sorted(int(c) for c in table["cycle_index"].unique()) if len(table) else []
    if cycles:
        missing = sorted(set(cycles) - set(available))
        if missing:
            raise NotFoundError(f"cell {cell_id!r}: no discharge curve for cycle(s) {missing[:10]}.")
        chosen = sorted(set(cycles))
    else:
        chosen = pick_cycles(available, count)
    out = []
    for cycle in chosen:
        part = table[table["cycle_index"] == cycle]
        volts = part["voltage_v"].to_numpy(dtype="float64")
        caps = part["discharge_capacity_ah"].to_numpy(dtype="float64")
        out.append(
            {
                "cycle_index": cycle,
                "voltage_v": volts.tolist(),
                "discharge_capacity_ah": caps.tolist(),
                "dqdv_ah_per_v": [
                    None if not np.isfinite(v) else float(v) for v in incremental_capacity(volts, caps)
                ],
            }
        )
    return {"cell_id": cell_id, "cycles_available": available, "curves": out}


def timeseries_page(
    store: Store, cell_id: str, offset: int = 0, limit: int = 1000, columns: list[str] | None = None
) -> dict[str, Any]:
    """One page of a cell's time series (the store reads only the cell's row groups, only the columns asked)."""
    check_cell_id(cell_id)
    if offset < 0:
        raise InputError(f"offset: expected 0 or more, got {offset}.")
    if not 1 <= limit <= MAX_PAGE_ROWS:
        raise InputError(f"limit: expected 1 to {MAX_PAGE_ROWS}, got {limit}.")
    if not store.has(cell_id):
        raise NotFoundError(f"cell {cell_id!r}: not in store.")
    names = [n for n in store.columns(cell_id, "timeseries") if n != "cell_id"]
    if columns:
        unknown = [c for c in columns if c not in names]
        if unknown:
            raise InputError(f"columns: unknown {unknown[:5]}; expected some of {names}.")
        names = columns
    whole = store.arrow(cell_id, "timeseries", names)
    df = whole.slice(offset, limit).to_pandas()
    return {
        "cell_id": cell_id,
        "total": whole.num_rows,
        "offset": offset,
        "limit": limit,
        "columns": names,
        "rows": _records(df),
    }


def export_cell(store: Store, cell_id: str, fmt: str, out: Path) -> Path:
    """Write a cell's canonical time series to ``out`` (parquet or csv)."""
    from ..export import export_cell as run_export

    if out.is_dir():
        raise InputError(f"{out}: is a folder; give an output file name.")
    run_export(store, cell_id, fmt, out)
    return out


def plot_cycles(document: dict[str, Any], path: Path) -> Path:
    """Capacity and efficiency against cycle of a :func:`cell_cycles` document, as a PNG."""
    import pandas as pd

    from ..plots import plot_cycles as draw

    return draw(pd.DataFrame(document["cycles"]), document["cell_id"], path)


def plot_steps(store: Store, document: dict[str, Any], path: Path) -> Path:
    """Voltage and current against time with the steps of a :func:`cell_steps` document shaded, as a PNG."""
    import pandas as pd

    from ..plots import plot_steps as draw

    cell_id = document["cell_id"]
    return draw(store.timeseries(cell_id), pd.DataFrame(document["steps"]), cell_id, path)
