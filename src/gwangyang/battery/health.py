"""The health report of a cell: SOH per cycle, knee and knee onset, and RUL with its interval.

SOH and end of life are :mod:`~gwangyang.battery.soh`, the knee :mod:`~gwangyang.battery.knee`,
the RUL :class:`~gwangyang.battery.rul.TemplateRUL`; :func:`cell_health` reports a store cell, with
the other store cells of its nominal capacity as RUL templates (:func:`store_templates`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .cycles import left_out_reasons, usable_cycles
from .rul import TemplateRUL
from .soh import capacity_curve, eol_cycle, state_of_health

if TYPE_CHECKING:
    from ..store import Store

KNEE_MIN_AFTER_FRACTION = 0.1
"""A knee is reported only when the series runs on after it for this fraction of its span ..."""

KNEE_MIN_AFTER_POINTS = 5
"""... and for at least this many cycles: a break in the last few points cannot be told from noise."""


def _knee_support(x: np.ndarray, knee: float | None, name: str) -> str | None:
    """Why a knee (or onset) at ``knee`` is not reported, or None if the series supports it."""
    if knee is None:
        return None
    after = int(np.sum(x > knee))
    needed_span = KNEE_MIN_AFTER_FRACTION * float(x[-1] - x[0])
    if after < KNEE_MIN_AFTER_POINTS or float(x[-1] - knee) < needed_span:
        return (
            f"{name} at cycle {knee:.0f} is not reported: the series ends {x[-1] - knee:.0f} cycles "
            f"({after} points) after it; at least {max(KNEE_MIN_AFTER_POINTS, math.ceil(needed_span))} "
            "are needed to tell a knee from the end of the data"
        )
    return None


def _fade_speeds_up(x: np.ndarray, soh: np.ndarray, knee: float | None) -> str | None:
    """Why a break at ``knee`` is not a knee because the fade does not speed up after it, or None.

    A knee is where capacity fade accelerates (Fermín-Cueto et al. 2020, *Energy and AI* 1:100006; Bacon–Watts
    finds any break of slope): the least-squares slope of SOH after the break must be steeper than before it.
    An early conditioning drop that levels off (CALCE CS2_35's first 104 cycles: a break at 31, -1.5e-3 per
    cycle before, -6.3e-4 after) is a break, not a knee.
    """
    if knee is None:
        return None
    before, after = x <= knee, x >= knee
    if before.sum() < 2 or after.sum() < 2:
        return None
    slope_before = float(np.polyfit(x[before], soh[before], 1)[0])
    slope_after = float(np.polyfit(x[after], soh[after], 1)[0])
    if slope_after < slope_before:
        return None
    return (
        f"no knee: the fade does not speed up after the break at cycle {knee:.0f} (SOH slope {slope_before:.2e} "
        f"per cycle before, {slope_after:.2e} after; a knee is where it steepens)"
    )


def _onset_order(onset: float | None, knee: float | None) -> str | None:
    """Why an onset after its knee is not reported (the single and double Bacon–Watts fits disagree), or None."""
    if onset is None or knee is None or onset <= knee:
        return None
    return (
        f"knee onset at cycle {onset:.0f} is not reported: it falls after the knee at cycle {knee:.0f} "
        "(the double Bacon–Watts fit and the single one disagree: the curve has no clear knee onset yet)"
    )


def health_report(
    cycles: Any,
    capacity: Any,
    templates: dict[str, tuple[Any, Any]] | None = None,
    threshold: float = 0.8,
    coverage: float = 0.9,
) -> dict[str, Any]:
    """SOH per cycle, knee and knee onset (Bacon–Watts), and RUL with interval, JSON-ready."""
    from .knee import MIN_POINTS, find_knee

    x, y = capacity_curve(cycles, capacity)
    soh = state_of_health(y)
    knee: dict[str, Any] = {"knee_cycle": None, "onset_cycle": None, "method": "bacon-watts", "notes": []}
    if len(x) < MIN_POINTS or np.ptp(soh) <= 0:
        knee["notes"].append(f"no knee sought: {len(x)} cycles with a changing SOH, {MIN_POINTS} needed")
    else:
        found = find_knee(x, soh, "bacon-watts")
        knee.update(knee_cycle=found.knee_cycle, onset_cycle=found.onset_cycle, method=found.method)
        why = _knee_support(x, found.knee_cycle, "knee") or _fade_speeds_up(x, soh, found.knee_cycle)
        if why is not None:
            # Without a knee there is no onset of it either.
            knee.update(knee_cycle=None, onset_cycle=None)
            knee["notes"].append(why)
        else:
            why = _knee_support(x, found.onset_cycle, "knee onset") or _onset_order(
                found.onset_cycle, found.knee_cycle
            )
            if why is not None:
                knee["onset_cycle"] = None
                knee["notes"].append(why)
    model = TemplateRUL(threshold, coverage).fit(templates or {})
    reached = eol_cycle(x, soh, threshold)
    rul = model.predict(x, y).to_dict()
    return {
        "cycles": x.tolist(),
        "soh": soh.tolist(),
        "initial_capacity_ah": float(np.median(y[:5])),
        "threshold": threshold,
        "knee": knee,
        "eol_reached_cycle": reached,
        "rul": rul,
        "templates": sorted(model.templates_),
    }


def store_templates(store: Store, cell_id: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Capacity curves of the other store cells with the same nominal capacity: RUL templates.

    Parameters
    ----------
    store
        The store.
    cell_id
        The cell whose RUL is wanted (left out).

    Returns
    -------
    dict
        ``{cell_id: (cycles, discharge capacity)}``; :class:`TemplateRUL` keeps those that reached end of life.
    """
    metas = {m["cell_id"]: m for m in store.metas()}
    nominal = metas.get(cell_id, {}).get("nominal_capacity_ah")
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for other, meta in metas.items():
        if other == cell_id or meta.get("nominal_capacity_ah") != nominal:
            continue
        cycles, _left_out = usable_cycles(store.cycles(other))
        out[other] = (
            cycles["cycle_index"].to_numpy(dtype="float64"),
            cycles["discharge_capacity_ah"].to_numpy(dtype="float64"),
        )
    return out


def cell_health(
    store: Store,
    cell_id: str,
    threshold: float = 0.8,
    coverage: float = 0.9,
    templates: dict[str, tuple[Any, Any]] | None = None,
) -> dict[str, Any]:
    """SOH per cycle, knee, knee onset and RUL with interval of one store cell.

    Parameters
    ----------
    store
        The store.
    cell_id
        The cell.
    threshold
        End-of-life SOH (fraction of the initial capacity).
    coverage
        Nominal coverage of the RUL interval.
    templates
        Capacity curves of cells run to end of life, ``{name: (cycles, capacity)}``; default:
        :func:`store_templates` (other store cells of the same nominal capacity).

    Returns
    -------
    dict
        ``cell``, ``left_out_cycles`` (incomplete and HPPC cycles, and complete ones with an implausible
        coulombic efficiency, see :func:`~gwangyang.battery.cycles.usable_cycles`), ``left_out_reasons``
        (``{reason: count}``, :func:`~gwangyang.battery.cycles.left_out_reasons`) plus :func:`health_report`'s keys;
        JSON-ready (no NaN or infinity).

    Raises
    ------
    InputError
        Fewer than 3 cycles with a positive capacity, or a bad threshold or coverage.
    NotFoundError
        No such cell in the store.
    """
    stored = store.cycles(cell_id)
    cycles, left_out = usable_cycles(stored)
    if templates is None:
        templates = store_templates(store, cell_id)
    report = health_report(
        cycles["cycle_index"].to_numpy(dtype="float64"),
        cycles["discharge_capacity_ah"].to_numpy(dtype="float64"),
        templates=templates,
        threshold=threshold,
        coverage=coverage,
    )
    return {
        "cell": cell_id,
        "left_out_cycles": left_out,
        "left_out_reasons": left_out_reasons(stored),
        **report,
    }
