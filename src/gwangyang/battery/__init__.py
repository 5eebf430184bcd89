"""Battery analytics: cycler readers, schema, cycle summaries, Q(V), health and RUL, cycle life, quality, a twin.

The readers, the schema, the cycle summaries and the ingest are imported with the package; the parts that need
scikit-learn or PyBaMM (life, health, twin) are imported on first use of their names, so ``import gwangyang.battery``
stays light: ``from gwangyang.battery import CycleLifeRegressor`` works all the same.
"""

from importlib import import_module
from typing import Any

from .cycles import VoltageGrid as VoltageGrid
from .cycles import discharge_curves as discharge_curves
from .cycles import summarize_cycles as summarize_cycles
from .ingest import IngestReport as IngestReport
from .ingest import ingest as ingest
from .io import read_cycler as read_cycler
from .schema import CyclerData as CyclerData

_LAZY: dict[str, str] = {
    "CycleLifeRegressor": "life",
    "LIFE_MODELS": "life",
    "fit_life": "life",
    "make_life_model": "life",
    "predict_life": "life",
    "TemplateRUL": "rul",
    "cell_health": "health",
    "health_report": "health",
    "find_knee": "knee",
    "TwinConfig": "twin_config",
    "TwinResult": "twin",
    "simulate_cells": "twin",
}
"""Public names imported on first use, and the module that is their home."""

__all__ = [
    "CyclerData",
    "IngestReport",
    "VoltageGrid",
    "discharge_curves",
    "ingest",
    "read_cycler",
    "summarize_cycles",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
