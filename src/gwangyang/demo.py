"""The main job: load the shipped sample data into a fresh store and run every capability's analysis.

Each capability adds one step to :data:`STEPS`: a name and a function that takes the store and
returns a JSON-ready summary. Steps run in order; each sees what the earlier ones stored.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from importlib import resources
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
        cells.append(
            {
                "cell_id": meta["cell_id"],
                "vendor": meta["vendor"],
                "rows": meta["rows"],
                "cycles": meta["cycles"],
                "max_discharge_capacity_ah": float(discharge.max()) if len(discharge) else None,
                "last_discharge_capacity_ah": float(discharge.iloc[-1]) if len(discharge) else None,
                "median_coulombic_efficiency": float(cycles["coulombic_efficiency"].median()),
            }
        )
    return {"ingested": len(report.ingested), "failed": report.failed, "cells": cells}


STEPS: list[tuple[str, Step]] = [("battery", battery_step)]
"""The demo's steps, in order."""


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
    for name, step in STEPS:
        if progress is not None:
            progress(name)
        summary[name] = step(store)
    return summary
