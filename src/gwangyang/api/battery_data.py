"""Read-only queries behind the battery API and pages: fleet summary, capacity fade, Q(V) and dQ/dV, pages of rows."""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, NotFoundError
from ..store import Store

logger = logging.getLogger(__name__)
MAX_PAGE_ROWS = 10_000
"""Most time-series rows one request returns."""


_CACHE: dict[tuple[str, str], tuple[tuple[Any, ...], Any]] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 512


def store_signature(store: Store) -> tuple[Any, ...]:
    """A cheap fingerprint of the store's cells: the modification times of the cell folders' parents.

    Adding, replacing or deleting a cell renames a folder inside its shard folder, which changes
    that shard's modification time; so an unchanged signature means unchanged cells.
    """
    if not store.cells_dir.exists():
        return ()
    entries: list[tuple[str, int]] = [("", store.cells_dir.stat().st_mtime_ns)]
    with os.scandir(store.cells_dir) as shards:
        entries.extend((e.name, e.stat().st_mtime_ns) for e in shards if e.is_dir())
    return tuple(sorted(entries))


def cached(store: Store, key: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, remembered until the store's cells change (the API answers read-mostly traffic)."""
    signature = store_signature(store)
    slot = (str(store.root), key)
    hit = _CACHE.get(slot)
    if hit is not None and hit[0] == signature:
        return hit[1]
    value = compute()
    with _CACHE_LOCK:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        _CACHE[slot] = (signature, value)
    return value


def to_json_bytes(value: Any) -> bytes:
    """Strict JSON (NaN is not allowed: the queries turn it into null)."""
    return json.dumps(value, allow_nan=False, separators=(",", ":")).encode()


def check_cell_id(cell_id: str) -> str:
    """Return ``cell_id`` if it is a cell id as ingest makes them (Unicode kept); refuse anything else.

    Refused: characters a file system cannot hold, a leading dot, ``..``.
    """
    from ..battery.io.base import safe_cell_id

    if not cell_id or safe_cell_id(cell_id) != cell_id or cell_id.startswith(".") or ".." in cell_id:
        raise InputError(
            f"cell id {cell_id[:60]!r}: expected a plain name (no '/', '\\', ':', '*', '?', '\"', '<', '>', '|', "
            "control characters, leading dot or '..')."
        )
    return cell_id


def _frame_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = json.loads(
        df.to_json(orient="records", date_format="iso", double_precision=15)
    )
    return out


def fleet_summary(store: Store) -> list[dict[str, Any]]:
    """One record per cell: its metadata and capacity figures from the cycle table.

    ``capacity_retention`` is the last cycle's discharge capacity over the largest one.
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
    out = []
    for meta in metas:
        cell_id = meta["cell_id"]
        row: dict[str, Any] = {
            k: meta.get(k)
            for k in (
                "cell_id",
                "vendor",
                "channel",
                "rows",
                "cycles",
                "first_time",
                "last_time",
                "nominal_capacity_ah",
            )
        }
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
        row["left_out_cycles"] = int(meta.get("cycles") or 0) - int(
            meta.get("usable_cycles", meta.get("cycles") or 0)
        )
        row["warnings"] = len(meta.get("warnings", []))
        out.append(row)
    return out


def usable_where(store: Store) -> str:
    """SQL condition keeping the complete ageing / RPT / reset cycles (all cycles of cells stored without flags)."""
    from ..battery.cycles import CAPACITY_KINDS

    columns = set(store.sql("SELECT * FROM cells_cycles LIMIT 0").columns)
    kinds = ", ".join(f"'{k}'" for k in CAPACITY_KINDS)
    clauses = ["TRUE"]
    if "complete" in columns:
        clauses.append("coalesce(complete, TRUE)")
    if "kind" in columns:
        clauses.append(f"coalesce(kind, 'aging') IN ({kinds})")
    return " AND ".join(clauses)


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


def cycles_table(store: Store, cell_id: str) -> list[dict[str, Any]]:
    """A cell's per-cycle summary as records (NaN becomes null)."""
    cycles = store.cycles(check_cell_id(cell_id)).drop(columns=["cell_id"], errors="ignore")
    return _frame_records(cycles)


def incremental_capacity(voltage_v: np.ndarray, capacity_ah: np.ndarray) -> np.ndarray:
    """Incremental capacity ``-dQ/dV`` (Ah/V) of a discharge curve sampled on a voltage grid.

    Central differences (``numpy.gradient``) over the grid; the sign is flipped so that the peaks
    of a discharge, where Q grows as V falls, are positive.

    Parameters
    ----------
    voltage_v
        Grid voltages (any order, no repeats).
    capacity_ah
        Discharge capacity at those voltages.

    Returns
    -------
    numpy.ndarray
        ``-dQ/dV`` at each grid point.
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


def curves(store: Store, cell_id: str, cycles: list[int] | None = None, count: int = 8) -> dict[str, Any]:
    """Q(V) and dQ/dV of some of a cell's cycles.

    Parameters
    ----------
    store
        The store.
    cell_id
        The cell.
    cycles
        Which cycles; default: ``count`` cycles spread over the cell's life.
    count
        How many cycles to pick when ``cycles`` is not given.
    """
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
    """One page of a cell's time series, read with DuckDB straight from Parquet (no whole-table load).

    Raises
    ------
    InputError
        Bad offset, limit or column name.
    """
    import duckdb
    import pyarrow.parquet as pq

    check_cell_id(cell_id)
    if offset < 0:
        raise InputError(f"offset: expected 0 or more, got {offset}.")
    if not 1 <= limit <= MAX_PAGE_ROWS:
        raise InputError(f"limit: expected 1 to {MAX_PAGE_ROWS}, got {limit}.")
    path = store.cell_dir(cell_id) / "timeseries.parquet"
    if not path.exists():
        raise NotFoundError(f"cell {cell_id!r}: not in store.")
    meta = pq.read_metadata(path)
    names = [n for n in meta.schema.names if n != "cell_id"]
    if columns:
        unknown = [c for c in columns if c not in names]
        if unknown:
            raise InputError(f"columns: unknown {unknown[:5]}; expected some of {names}.")
        names = columns
    select = ", ".join('"' + n.replace('"', '""') + '"' for n in names)
    con = duckdb.connect(":memory:")
    try:
        df = con.execute(
            f"SELECT {select} FROM read_parquet(?) LIMIT ? OFFSET ?", [str(path), limit, offset]
        ).df()
    finally:
        con.close()
    return {
        "cell_id": cell_id,
        "total": meta.num_rows,
        "offset": offset,
        "limit": limit,
        "columns": names,
        "rows": _frame_records(df),
    }


def _finite_or_none(value: Any) -> Any:
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite_or_none(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite_or_none(v) for v in value]
    return value


def cell_health(store: Store, cell_id: str) -> dict[str, Any]:
    """SOH per cycle, knee and RUL of a cell from its discharge capacities (``gwangyang.battery.health``).

    Raises
    ------
    InputError
        Too few cycles with a positive capacity.
    NotFoundError
        No such cell, or the health analysis is not installed.
    """
    from ..battery.cycles import usable_cycles

    cycles, left_out = usable_cycles(store.cycles(check_cell_id(cell_id)))
    try:
        from ..battery.health import health_report
    except ImportError as exc:
        raise NotFoundError("health analysis: not installed in this version.") from exc
    import warnings

    # numpy warns on short or flat histories (nan quantiles); the report carries those as null
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        report = health_report(cycles["cycle_index"].to_numpy(), cycles["discharge_capacity_ah"].to_numpy())
    return {"cell_id": cell_id, "left_out_cycles": left_out, **_finite_or_none(report)}


def fleet_health(store: Store) -> dict[str, dict[str, Any]]:
    """Per cell with enough cycles: predicted end of life (with interval) and a flag once SOH fell below 80 %."""
    out: dict[str, dict[str, Any]] = {}
    for meta in store.metas():
        try:
            report = cell_health(store, meta["cell_id"])
        except (InputError, NotFoundError):
            continue
        except Exception:  # a failing analysis of one cell must not take the fleet page down
            logger.exception("health analysis failed for cell %s", meta["cell_id"])
            continue
        rul = report.get("rul") or {}
        out[meta["cell_id"]] = {
            "eol_cycle": rul.get("eol_cycle"),
            "eol_lower": rul.get("eol_lower"),
            "eol_upper": rul.get("eol_upper"),
            "soh_last": report["soh"][-1] if report.get("soh") else None,
            "knee_cycle": (report.get("knee") or {}).get("knee_cycle"),
            "flag": "end of life (SOH < 80 %)" if report.get("eol_reached_cycle") is not None else None,
        }
    return out
