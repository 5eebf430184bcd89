"""Early-life sets from the store's cells: Q(V) from their discharge curves, life from their meta or capacity fade.

:func:`load_store` gives an :class:`~.severson.EarlyLifeSet` (as :func:`~.severson.load_severson` does for a folder
of ``Qdlin`` matrices), one :class:`~.features_curves.CellCurves` per cell (:func:`load_store_cell`): the store's
per-cycle discharge Q(V) over cycles 2..``last_cycle`` on the voltages they share, the cycle summaries, and charge
time and temperature integral from the time series. A cell's life is its meta ``cycle_life``, else the cycles to
80 % of its nominal (or initial) capacity (:func:`cycle_life_from_capacity`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import InputError
from .cycles import usable_cycles
from .features_curves import CellCurves
from .qdlin import MIN_CYCLES, QDLIN_FIRST_CYCLE
from .severson import EarlyLifeSet

if TYPE_CHECKING:
    from ..store import Store


def cycle_life_from_capacity(
    cycles: pd.DataFrame, nominal_ah: float | None = None, threshold: float = 0.8
) -> float | None:
    """Cycles to ``threshold`` × nominal capacity (or × the cell's initial capacity); None if not reached."""
    cap = pd.to_numeric(cycles["discharge_capacity_ah"], errors="coerce").to_numpy(dtype="float64")
    idx = cycles["cycle_index"].to_numpy()
    ok = np.isfinite(cap) & (cap > 0)
    if ok.sum() < 2:
        return None
    reference = nominal_ah if nominal_ah else float(np.median(cap[ok][:5]))
    below = np.flatnonzero(ok & (cap < threshold * reference))
    return float(idx[below[0]]) if len(below) else None


def load_store_cell(store: Store, cell_id: str, last_cycle: int = MIN_CYCLES) -> CellCurves:
    """Early-life curves of a store cell: Q(V), capacity and summary over cycles 2..``last_cycle``."""
    curves = store.curves(cell_id)
    if curves.empty:
        raise InputError(f"cell {cell_id!r}: has no discharge Q(V) curves in the store.")
    wide = curves.pivot_table(
        index="voltage_v", columns="cycle_index", values="discharge_capacity_ah", aggfunc="mean"
    )
    wide = wide.sort_index(ascending=False)
    needed = list(range(QDLIN_FIRST_CYCLE, last_cycle + 1))
    missing = [c for c in needed if c not in wide.columns]
    if missing:
        have = int(wide.columns.max()) if len(wide.columns) else 0
        raise InputError(
            f"cell {cell_id!r}: needs Q(V) for cycles {QDLIN_FIRST_CYCLE}–{last_cycle}; "
            f"{len(missing)} missing (last cycle {have}, first missing {missing[0]})."
        )
    matrix = wide[needed].dropna(axis=0, how="any")
    if len(matrix) < 10:
        raise InputError(
            f"cell {cell_id!r}: fewer than 10 voltage points shared by cycles {QDLIN_FIRST_CYCLE}–{last_cycle}."
        )
    cycles = store.cycles(cell_id)
    summary = cycles[["cycle_index", "discharge_capacity_ah", "internal_resistance_ohm"]].copy()
    summary = summary.merge(_timeseries_summary(store, cell_id), on="cycle_index", how="left")
    capacity = (
        summary.set_index("cycle_index")["discharge_capacity_ah"].reindex(needed).to_numpy(dtype="float64")
    )
    if not np.isfinite(capacity).all():
        capacity = matrix.to_numpy()[-1]
    return CellCurves(
        cell_id,
        matrix.to_numpy(),
        first_cycle=QDLIN_FIRST_CYCLE,
        capacity=capacity,
        summary=summary,
        voltages=matrix.index.to_numpy(dtype="float64"),
    )


def _timeseries_summary(store: Store, cell_id: str) -> pd.DataFrame:
    """Charge time and temperature integral (°C·s) per cycle from the canonical time series."""
    ts = store.timeseries(cell_id)
    if ts.empty:
        return pd.DataFrame(
            {"cycle_index": pd.Series(dtype="int64"), "charge_time_s": pd.Series(dtype="float64")}
        )
    time = ts["test_time_s"].to_numpy(dtype="float64")
    cycle = ts["cycle_index"].to_numpy()
    dt = np.diff(time, prepend=time[0])
    dt[np.r_[True, np.diff(cycle) != 0]] = 0.0
    frame = pd.DataFrame(
        {"cycle_index": cycle, "charge_dt": np.where(ts["current_a"].to_numpy() > 0, dt, 0.0)}
    )
    if "temperature_c" in ts.columns:
        frame["temp_dt"] = ts["temperature_c"].to_numpy(dtype="float64") * dt
    grouped = frame.groupby("cycle_index")
    out = pd.DataFrame({"charge_time_s": grouped["charge_dt"].sum()})
    if "temp_dt" in frame.columns:
        out["temperature_integral_c_s"] = grouped["temp_dt"].sum(min_count=1)
    return out.reset_index()


def load_store(
    store: Store, cell_ids: list[str] | None = None, require_life: bool = False, last_cycle: int = MIN_CYCLES
) -> EarlyLifeSet:
    """Early-life set from store cells; life is the meta ``cycle_life`` or cycles to 80 % capacity.

    With ``require_life`` (training), cells whose life is unknown are left out; with no such cell
    left, an error is raised. Q(V) is taken over cycles 2..``last_cycle`` (the model's later cycle).
    """
    metas = {m["cell_id"]: m for m in store.metas()}
    ids = cell_ids if cell_ids is not None else sorted(metas)
    cells, rows = [], []
    for cell_id in ids:
        meta = metas.get(cell_id) or store.meta(cell_id)
        life = meta.get("cycle_life")
        if life is None:
            # an incomplete cycle (cut by a file's end) must not end a cell's life early
            life = cycle_life_from_capacity(
                usable_cycles(store.cycles(cell_id))[0], meta.get("nominal_capacity_ah")
            )
        if require_life and life is None:
            continue
        if require_life and cell_ids is None:
            try:
                cells.append(load_store_cell(store, cell_id, last_cycle))
            except InputError:
                continue  # too short for early-life features
        else:
            cells.append(load_store_cell(store, cell_id, last_cycle))
        rows.append({"cell": cell_id, "cycle_life": np.nan if life is None else float(life)})
    if require_life and not cells:
        raise InputError(
            f"store {store.root}: no cell with a known cycle life and {last_cycle} cycles of Q(V) curves."
        )
    return EarlyLifeSet(cells, pd.DataFrame(rows, columns=["cell", "cycle_life"]))
