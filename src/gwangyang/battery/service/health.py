"""Health and RUL (one template rule), cycling anomalies (one incremental check) and the fleet overview."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from ...compute import Executor, SerialExecutor
from ...errors import InputError, NotFoundError
from ...files import jsonable
from ...store import Store
from .cells import capacity_fade, list_cells
from .common import cached, check_cell_id

if TYPE_CHECKING:
    pass

TEMPLATE_CAPACITY_TOLERANCE = 0.25
"""A shipped RUL template serves cells whose initial capacity is within this fraction of its own."""


def _similar_templates(
    templates: dict[str, tuple[Any, Any]], capacity: np.ndarray
) -> dict[str, tuple[Any, Any]]:
    positive = capacity[np.isfinite(capacity) & (capacity > 0)]
    if len(positive) == 0:
        return {}
    initial = float(np.median(positive[:5]))
    return {
        name: curve
        for name, curve in templates.items()
        if abs(float(np.median(curve[1][:5])) / initial - 1.0) <= TEMPLATE_CAPACITY_TOLERANCE
    }


def rul_templates(store: Store, cell_id: str) -> dict[str, tuple[Any, Any]]:
    """The RUL templates of a store cell, one rule everywhere: the shipped run-to-failure curves whose initial capacity is within :data:`TEMPLATE_CAPACITY_TOLERANCE` of the cell's, and the other store cells of the same nominal capacity (:func:`gwangyang.battery.health.store_templates`)."""
    from ...samples import life_templates
    from ..cycles import usable_cycles
    from ..health import store_templates

    capacity = usable_cycles(store.cycles(cell_id))[0]["discharge_capacity_ah"].to_numpy(dtype="float64")
    return {**_similar_templates(life_templates(), capacity), **store_templates(store, cell_id)}


def name_cell(cell_id: str, message: str) -> str:
    """``message`` led by ``cell 'ID': `` (the id as Python's ``repr`` writes it: Unicode kept), unless it is already."""
    lead = f"cell {cell_id!r}: "
    return message if message.startswith(lead) else lead + message


def cell_health(store: Store, cell_id: str, threshold: float = 0.8, coverage: float = 0.9) -> dict[str, Any]:
    """SOH per cycle, knee and knee onset, and RUL with interval of one store cell.

    Returns
    -------
    dict
        ``cell_id`` and the keys of :func:`gwangyang.battery.health.health_report` (``cycles``, ``soh``,
        ``initial_capacity_ah``, ``threshold``, ``knee``, ``eol_reached_cycle``, ``rul``, ``templates``);
        JSON-ready (NaN becomes null).

    Raises
    ------
    InputError
        Too few cycles with a positive capacity, or a bad threshold or coverage; the message is led by
        ``cell 'ID': `` (one answer for the CLI, the API, the cell page and the demo).
    NotFoundError
        No such cell.
    """
    from ..health import cell_health as run_health

    check_cell_id(cell_id)
    try:
        templates = rul_templates(store, cell_id)
        # numpy warns on short or flat histories (nan quantiles); the report carries those as null
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            report = run_health(store, cell_id, threshold=threshold, coverage=coverage, templates=templates)
    except InputError as exc:  # e.g. "capacity: needs at least 3 cycles ...": say which cell
        raise type(exc)(name_cell(cell_id, str(exc))) from exc
    report.pop("cell", None)
    result: dict[str, Any] = jsonable({"cell_id": cell_id, **report})
    return result


def _fleet_row(item: tuple[str, str]) -> tuple[str, dict[str, Any] | None]:
    """One cell's row of :func:`fleet_health` (run on any worker: opens the store by its path)."""
    root, cell_id = item
    try:
        report = cell_health(Store(root), cell_id)
    except (InputError, NotFoundError):
        return cell_id, None
    rul = report.get("rul") or {}
    return cell_id, {
        "eol_cycle": rul.get("eol_cycle"),
        "eol_lower": rul.get("eol_lower"),
        "eol_upper": rul.get("eol_upper"),
        "soh_last": report["soh"][-1] if report.get("soh") else None,
        "knee_cycle": (report.get("knee") or {}).get("knee_cycle"),
        "flag": "end of life (SOH < 80 %)" if report.get("eol_reached_cycle") is not None else None,
    }


def fleet_health(store: Store, executor: Executor | None = None) -> dict[str, dict[str, Any]]:
    """Per cell with enough cycles: predicted end of life (with interval), last SOH, knee, and a flag once SOH fell below 80 %. The cells are independent items of ``executor`` (serial by default)."""
    items = [(str(store.root), meta["cell_id"]) for meta in store.metas()]
    rows = (executor or SerialExecutor()).map(_fleet_row, items)
    return {cell_id: row for cell_id, row in rows if row is not None}


def check_anomalies(
    store: Store, cell_ids: list[str] | None = None, recompute: bool = False
) -> dict[str, Any]:
    """Cycling anomalies of store cells, checked incrementally from each cell's saved detector state.

    The one anomaly check of the platform: the CLI, the API, the quality page and the cell pages show it.

    Returns
    -------
    dict
        ``anomalies`` (``cell_id``, ``cycle_index``, ``kind``, ``severity``, ..., ``new``) and ``new_cycles``
        read per cell.
    """
    from ..quality.monitor import check_cells

    for cell_id in cell_ids or []:
        check_cell_id(cell_id)
    result: dict[str, Any] = jsonable(check_cells(store, cell_ids or None, recompute=recompute).to_dict())
    return result


def anomalies_by_cell(store: Store) -> dict[str, list[dict[str, Any]]]:
    """:func:`check_anomalies` of every cell, grouped by cell (remembered until the cells change)."""

    def compute() -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        if not store.metas():
            return out
        for anomaly in check_anomalies(store)["anomalies"]:
            out.setdefault(anomaly["cell_id"], []).append(anomaly)
        return out

    result: dict[str, list[dict[str, Any]]] = cached(store, "anomalies", compute)
    return result


def describe_flags(eol_flag: str | None, anomalies: list[dict[str, Any]]) -> str | None:
    """One line: end of life first, then the anomaly kinds with their first cycle."""
    parts = [eol_flag] if eol_flag else []
    first: dict[str, int] = {}
    for anomaly in anomalies:
        first.setdefault(anomaly["kind"], int(anomaly["cycle_index"]))
    parts.extend(f"{kind.replace('_', ' ')} (cycle {cycle})" for kind, cycle in first.items())
    return "; ".join(parts) or None


def fleet_overview(store: Store) -> dict[str, Any]:
    """What the fleet page shows: each cell's figures with its predicted life, flags and anomalies."""
    cells = [dict(c) for c in cached(store, "cells", lambda: list_cells(store))]
    health = cached(store, "fleet-health", lambda: fleet_health(store))
    anomalies = anomalies_by_cell(store)
    for cell in cells:
        found = health.get(cell["cell_id"], {})
        eol = found.get("eol_cycle")
        low, high = found.get("eol_lower"), found.get("eol_upper")
        cell["eol"] = {"cycle": eol, "lower": low, "upper": high}
        if eol is None:
            cell["predicted_life"] = None
        elif low is not None and high is not None:
            cell["predicted_life"] = f"{eol:.0f} [{low:.0f}, {high:.0f}]"
        else:
            cell["predicted_life"] = f"{eol:.0f}"
        cell["anomalies"] = anomalies.get(cell["cell_id"], [])
        cell["flag"] = describe_flags(found.get("flag"), cell["anomalies"])
    return {
        "cells": cells,
        "life_available": bool(health),
        "fade": cached(store, "fade", lambda: capacity_fade(store)),
    }
