"""The AGV time-lapse the port page plays: computed from a scenario, kept in the store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...compute import Progress
from ...store import Store
from .kept import load_run, save_run

TIMELAPSE_SCENARIO = "gwangyang-automated"
"""The scenario whose yard and AGVs the port page shows as a time-lapse."""

TIMELAPSE_RUN = "timelapse"
"""Name under which the demo keeps the port page's time-lapse (``port/runs/timelapse.json``)."""

TIMELAPSE_COMMAND = "gwangyang port timelapse --keep"
"""The command the port page names when no time-lapse is kept and it cannot compute one."""


def timelapse(
    scenario: str | Path = TIMELAPSE_SCENARIO,
    minutes: float = 10.0,
    step_s: float = 15.0,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """A time-lapse of a scenario's AGVs (:func:`gwangyang.port.timelapse.timelapse`, seed 0).

    Its dispatch policy is the scenario's ``automation.dispatch``. The port page shows the kept one
    (:func:`keep_timelapse`; the demo keeps one), else the newest ``port.timelapse`` job's.
    """
    from ..agv_plan import plan_from_scenario
    from ..terminal import load_scenario
    from ..timelapse import timelapse as run_timelapse

    loaded = load_scenario(scenario)
    plan = plan_from_scenario(loaded, loaded.automation.dispatch)
    document: dict[str, Any] = run_timelapse(plan, minutes, seed=0, step_s=step_s)
    if progress is not None:
        progress(1, 1)
    return document


def keep_timelapse(store: Store, document: dict[str, Any]) -> Path:
    """Keep a time-lapse for the port page (``port/runs/timelapse.json``, :data:`TIMELAPSE_RUN`)."""
    return save_run(store, TIMELAPSE_RUN, document)


def kept_timelapse(store: Store) -> dict[str, Any] | None:
    """The kept time-lapse, or None when none is kept (stores made before the demo kept one)."""
    return load_run(store, TIMELAPSE_RUN)
