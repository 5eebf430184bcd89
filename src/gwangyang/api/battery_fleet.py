"""What the fleet page adds to each cell: predicted life with its interval and the reasons a cell is flagged.

Predicted life per store cell is the capacity-trend RUL of :mod:`gwangyang.battery.health`
(end of life at SOH 80 %, with its interval). A cell is flagged when it has reached end of life,
when :class:`gwangyang.battery.quality.anomalies.CycleAnomalyDetector` finds anomalies in its
cycles, or when :func:`gwangyang.battery.quality.anomalies.batch_outliers` finds its fade outside
the fleet's band (five cells or more).
"""

from __future__ import annotations

import logging
from typing import Any

from ..store import Store
from . import battery_data as data
from .jobs import finite_json

logger = logging.getLogger(__name__)


def cell_anomalies(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Anomalies per cell: per-cycle residuals and change points, and fleet fade outliers.

    Returns an empty mapping when the quality analysis is not installed.
    """
    try:
        from ..battery.cycles import usable_cycles
        from ..battery.quality.anomalies import CellState, CycleAnomalyDetector, batch_outliers
    except ImportError:
        return {}
    out: dict[str, list[dict[str, Any]]] = {}
    detector = CycleAnomalyDetector()
    for meta in store.metas():
        cell_id = meta["cell_id"]
        try:
            found = detector.update(CellState(cell_id), usable_cycles(store.cycles(cell_id))[0], final=True)
        except Exception:  # one bad cell must not take the fleet page down
            logger.exception("anomaly detection failed for cell %s", cell_id)
            continue
        if found:
            out[cell_id] = [a.to_dict() for a in found]
    if len(store.metas()) >= 5:
        table = store.sql("SELECT cell_id, cycle_index, discharge_capacity_ah FROM cells_cycles")
        for anomaly in batch_outliers(table):
            out.setdefault(anomaly.cell_id, []).append(anomaly.to_dict())
    cleaned: dict[str, list[dict[str, Any]]] = finite_json(out)
    return cleaned


def describe_flags(eol_flag: str | None, anomalies: list[dict[str, Any]]) -> str | None:
    """One line: end of life first, then the anomaly kinds with their first cycle."""
    parts = [eol_flag] if eol_flag else []
    first: dict[str, int] = {}
    for anomaly in anomalies:
        first.setdefault(anomaly["kind"], int(anomaly["cycle_index"]))
    parts.extend(f"{kind.replace('_', ' ')} (cycle {cycle})" for kind, cycle in first.items())
    return "; ".join(parts) or None


def fleet_extras(store: Store, cells: list[dict[str, Any]]) -> bool:
    """Fill each cell's ``predicted_life``, ``eol`` (cycle, lower, upper), ``flag`` and ``anomalies``.

    Returns
    -------
    bool
        True when the health analysis gave at least one cell a prediction.
    """
    health = data.cached(store, "fleet-health", lambda: data.fleet_health(store))
    anomalies = data.cached(store, "fleet-anomalies", lambda: cell_anomalies(store))
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
    return bool(health)
