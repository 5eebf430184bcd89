"""Cycling anomalies of the cells in a store, checked incrementally.

Each cell's detector state (:class:`~gwangyang.battery.quality.anomalies.CellState`) and the
anomalies found so far are kept in ``<store>/quality/anomalies/<hash>.json``; a re-check reads the
cell's per-cycle summary and feeds the detector only the cycles after the last one it saw, so the
history is not recomputed. A cell whose stored cycles end before the saved state (re-ingested with
less data) is checked from scratch. Batch outliers (a cell whose fade leaves the band of the cells
checked together) are recomputed over the cells of each call.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ...errors import NotFoundError
from ...files import write_json
from ...store import Store, artifacts
from ..cycles import usable_cycles
from .anomalies import Anomaly, CellState, CycleAnomalyDetector, batch_outliers


def state_path(store: Store, cell_id: str) -> Path:
    """File holding one cell's detector state."""
    return artifacts.anomaly_state_path(store, cell_id)


def _load(path: Path, cell_id: str) -> tuple[CellState, list[dict[str, Any]]]:
    if path.exists():
        data = json.loads(path.read_text())
        if data.get("state", {}).get("cell_id") == cell_id:
            return CellState.from_dict(data["state"]), list(data["anomalies"])
    return CellState(cell_id), []


def _save(path: Path, state: CellState, anomalies: list[dict[str, Any]]) -> None:
    write_json(path, {"state": state.to_dict(), "anomalies": anomalies})


@dataclass
class CheckReport:
    """Anomalies of the checked cells and how many cycles each check read."""

    anomalies: list[dict[str, Any]] = field(default_factory=list)
    new_cycles: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"anomalies": self.anomalies, "new_cycles": self.new_cycles}


def check_cells(
    store: Store,
    cell_ids: list[str] | None = None,
    detector: CycleAnomalyDetector | None = None,
    recompute: bool = False,
) -> CheckReport:
    """Check cells of the store for cycling anomalies, continuing from their saved state.

    Parameters
    ----------
    store
        The store.
    cell_ids
        Cells to check; default every cell in the store.
    detector
        Detector settings; default :class:`CycleAnomalyDetector`.
    recompute
        Ignore saved states and check every cycle again.

    Returns
    -------
    CheckReport
        Every anomaly known for the cells (``{"cell_id", "cycle_index", "kind", "severity", ...,
        "new"}``; ``new`` marks those found by this call) and the cycles read per cell. The last cycles
        of a cell, which the detector decides only once later cycles confirm them, are decided as if the
        data ended there and reported with ``"pending": true`` (their state is not saved), so a check
        reports what a one-off check of the whole history (``final=True``) reports.
    """
    detector = detector or CycleAnomalyDetector()
    known = set(store.cells()["cell_id"].astype(str))
    ids = list(cell_ids) if cell_ids else sorted(known)
    for cell_id in ids:
        if cell_id not in known:
            raise NotFoundError(f"cell {cell_id!r}: not in store {store.place}.")
    report = CheckReport()
    capacity = []
    for cell_id in ids:
        cycles, _left_out = usable_cycles(store.cycles(cell_id))
        path = state_path(store, cell_id)
        state, previous = (CellState(cell_id), []) if recompute else _load(path, cell_id)
        if len(cycles) and int(cycles["cycle_index"].max()) < state.last_cycle:
            state, previous = CellState(cell_id), []
        fresh = int((cycles["cycle_index"] > state.last_cycle).sum()) if len(cycles) else 0
        found = [a.to_dict() for a in detector.update(state, cycles)] if len(cycles) else []
        _save(path, state, previous + found)
        # the last cycles are decided as if no more would come, on a copy of the state (not saved): a later
        # check with more cycles decides them for good
        pending = [
            a.to_dict()
            for a in detector.update(CellState.from_dict(state.to_dict()), cycles.iloc[:0], final=True)
        ]
        report.new_cycles[cell_id] = fresh
        report.anomalies.extend({**a, "new": False} for a in previous)
        report.anomalies.extend({**a, "new": True} for a in found)
        report.anomalies.extend({**a, "new": True, "pending": True} for a in pending)
        if "discharge_capacity_ah" in cycles:
            capacity.append(cycles[["cycle_index", "discharge_capacity_ah"]].assign(cell_id=cell_id))
    if capacity:
        outliers: list[Anomaly] = batch_outliers(pd.concat(capacity, ignore_index=True))
        report.anomalies.extend({**a.to_dict(), "new": True} for a in outliers)
    report.anomalies.sort(key=lambda a: (a["cell_id"], a["cycle_index"], a["kind"]))
    return report


def saved_anomalies(store: Store) -> list[dict[str, Any]]:
    """Anomalies found by earlier checks of every cell (read from the saved states; checks nothing)."""
    folder = artifacts.anomaly_states_dir(store)
    out: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.json")) if folder.exists() else []:
        try:
            out.extend(json.loads(path.read_text())["anomalies"])
        except (OSError, ValueError, KeyError):
            continue
    out.sort(key=lambda a: (a["cell_id"], a["cycle_index"], a["kind"]))
    return out
