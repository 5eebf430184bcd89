"""The main job: load the shipped sample data into a fresh store and run every capability's analysis.

Each capability adds one step to :data:`STEPS`: a name and a function that takes the store and
returns a JSON-ready summary. Steps run in order; each sees what the earlier ones stored.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from importlib import import_module, resources
from pathlib import Path
from typing import Any

from .store import Store

Step = Callable[[Store], dict[str, Any]]


def sample_dir(part: str) -> Path:
    """Folder of the sample data shipped in the package for one part (``battery``, ``port``...)."""
    return Path(str(resources.files("gwangyang") / "data" / "samples" / part))


def battery_step(store: Store) -> dict[str, Any]:
    """Ingest the shipped cycler samples and summarise each cell."""
    from .battery.ingest import ingest

    report = ingest([sample_dir("battery")], store=store)
    cells = []
    for meta in store.metas():
        cycles = store.cycles(meta["cell_id"])
        discharge = cycles["discharge_capacity_ah"]
        efficiency = cycles["coulombic_efficiency"].dropna()
        cells.append(
            {
                "cell_id": meta["cell_id"],
                "vendor": meta["vendor"],
                "rows": meta["rows"],
                "cycles": meta["cycles"],
                "max_discharge_capacity_ah": float(discharge.max()) if len(discharge) else None,
                "last_discharge_capacity_ah": float(discharge.iloc[-1]) if len(discharge) else None,
                "median_coulombic_efficiency": float(efficiency.median()) if len(efficiency) else None,
            }
        )
    return {"ingested": len(report.ingested), "failed": report.failed, "cells": cells}


def lazy_step(module: str, *names: str) -> Step:
    """A step that imports ``module`` when it runs and calls the first of ``names`` it defines."""

    def step(store: Store) -> dict[str, Any]:
        imported = import_module(module)
        for name in names:
            function = getattr(imported, name, None)
            if callable(function):
                result: dict[str, Any] = function(store)
                return result
        raise AttributeError(f"{module} defines none of {', '.join(names)}")

    step.module = module  # type: ignore[attr-defined]
    return step


STEPS: list[tuple[str, Step]] = [
    ("battery", battery_step),
    ("life", lazy_step("gwangyang.battery.life_demo", "life_demo_step", "demo_step")),
    ("quality", lazy_step("gwangyang.battery.quality.demo", "quality_demo_step", "demo_step")),
    ("optimize", lazy_step("gwangyang.optimize.demo", "optimize_demo_step", "demo_step")),
    ("port", lazy_step("gwangyang.port.demo", "port_demo_step", "demo_step")),
    ("logistics", lazy_step("gwangyang.logistics.demo", "logistics_demo_step", "demo_step")),
    ("factory", lazy_step("gwangyang.factory.demo", "factory_demo_step", "demo_step")),
]
"""The demo's steps, in order; a step whose module is not in this installation is left out."""


def available_steps() -> list[tuple[str, Step]]:
    """The steps of :data:`STEPS` whose modules exist."""
    from importlib.util import find_spec

    kept = []
    for name, step in STEPS:
        module = getattr(step, "module", None)
        if module is None or find_spec(module) is not None:
            kept.append((name, step))
    return kept


def run_demo(store_dir: Path, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Build a fresh store at ``store_dir`` from the samples and run every step.

    Returns
    -------
    dict
        Each step's summary under its name, and the store's path.
    """
    if store_dir.exists():
        shutil.rmtree(store_dir)
    store = Store(store_dir)
    store.root.mkdir(parents=True)
    summary: dict[str, Any] = {"store": str(store.root)}
    for name, step in available_steps():
        if progress is not None:
            progress(name)
        summary[name] = step(store)
    return summary
