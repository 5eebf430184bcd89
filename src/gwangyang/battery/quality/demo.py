"""The quality part of ``gwangyang demo``: screening, cycling anomalies and triage on shipped samples.

The summary is also written to ``<store>/quality/summary.json`` for the ``/quality`` page.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ...store import Store

FORMATION_COLUMNS: list[str] = [
    "form_final_discharge_capacity_ah",
    "form_6hr_rest_delta_voltage_v",
    "dcr_10s_5_soc_at_c3",
    "form_coulombic_efficiency",
]
"""Formation measurements screened: capacity, 6 h rest voltage drop (self-discharge), low-SOC DCR, efficiency."""

FORMATION_FAULTS: dict[int, tuple[str, float]] = {
    # cellid: (column, factor). Justification of the magnitudes:
    # self-discharge: the 6 h rest voltage drop is 22.6 ± 1.5 mV over the 39 cells (CV 6.6 %); a cell
    #   with a micro-short or contamination loses charge faster, and +50 % is a mild such defect;
    # resistance: a poor tab weld or dry spot raises the 10 s DCR by tens of per cent; +25 % is mild;
    # capacity: the final formation capacity is 2.366 ± 0.009 Ah (CV 0.4 %); -2 % is a typical
    #   grading tolerance, i.e. a cell just out of its capacity bin.
    5: ("form_6hr_rest_delta_voltage_v", 1.50),
    25: ("dcr_10s_5_soc_at_c3", 1.25),
    37: ("form_final_discharge_capacity_ah", 0.98),
}
"""Faults injected into the formation sample (keyed by ``cellid``)."""


def sample_formation() -> pd.DataFrame:
    """The shipped formation table (Weng et al. 2021 data, 39 cells, lot = formation × ageing)."""
    from ...demo import sample_dir

    return pd.read_csv(sample_dir("quality") / "formation_2022.csv")


def inject_formation_faults(
    table: pd.DataFrame, faults: dict[int, tuple[str, float]] = FORMATION_FAULTS
) -> pd.DataFrame:
    """A copy of ``table`` with each fault's column of its cell multiplied by the factor."""
    out = table.copy()
    for cellid, (column, factor) in faults.items():
        out.loc[out["cellid"] == cellid, column] *= factor
    return out


def sample_pulse() -> pd.DataFrame:
    """The shipped PulseBat table (Tao et al. 2024; 270 cells × 10 SOC)."""
    from ...demo import sample_dir

    return pd.read_csv(sample_dir("recycling") / "pulsebat_soc_all.csv.gz")


def split_cells(table: pd.DataFrame, every: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Train/test split by cell: every ``every``-th cell id (sorted) in the test part."""
    ids = np.array(sorted(table["id"].astype(str).unique()))
    test = set(ids[::every])
    mask = table["id"].astype(str).isin(test)
    return table.loc[~mask], table.loc[mask]


def summary_path(store: Store) -> Path:
    """Where the demo writes its quality summary."""
    return store.root / "quality" / "summary.json"


def quality_demo_step(store: Store) -> dict[str, Any]:
    """Run the quality part of the demo and write its summary for the ``/quality`` page.

    Screens the formation sample (clean and with :data:`FORMATION_FAULTS` injected), checks the store's
    cells for cycling anomalies, and triages held-out PulseBat cells (every fifth cell id).
    """
    from .monitor import check_cells
    from .pulse import PulseSOHEstimator, mape
    from .screening import screen
    from .triage import triage

    formation = sample_formation()
    clean = screen(formation, "cellid", "lot", FORMATION_COLUMNS, source="formation sample")
    faulty = screen(
        inject_formation_faults(formation), "cellid", "lot", FORMATION_COLUMNS, source="formation sample"
    )
    anomalies = check_cells(store) if len(store.cells()) else None
    train, test = split_cells(sample_pulse())
    estimator = PulseSOHEstimator(folds=3).fit(train)
    graded = triage(test.drop(columns=["soh"]), estimator, source="PulseBat held-out cells")
    truth = test.groupby(test["id"].astype(str))["soh"].first()
    predicted = pd.Series({c["id"]: c["soh"] for c in graded["cells"]})
    summary: dict[str, Any] = {
        "screening": {
            "n_cells": clean.n_cells,
            "flagged_clean": len(clean.flagged),
            "injected": {str(k): v[0] for k, v in FORMATION_FAULTS.items()},
            "flagged": [f.to_dict() for f in faulty.flagged],
            "lot_alarms": faulty.lot_alarms,
        },
        "anomalies": [] if anomalies is None else anomalies.anomalies,
        "triage": {
            "cells": graded["cells"],
            "totals": graded["totals"],
            "currency": graded["currency"],
            "prices_illustrative": graded["prices_illustrative"],
            "mape": round(mape(predicted[truth.index].to_numpy(), truth.to_numpy()), 4),
        },
    }
    path = summary_path(store)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(summary, default=float))
    os.replace(temporary, path)
    return {
        "screening_flagged": [f["id"] for f in summary["screening"]["flagged"]],
        "screening_flagged_clean": summary["screening"]["flagged_clean"],
        "anomalies": len(summary["anomalies"]),
        "triage_cells": graded["totals"]["cells"],
        "triage_by_grade": {g: t["cells"] for g, t in graded["totals"]["by_grade"].items()},
        "triage_mape": summary["triage"]["mape"],
        "material_value": graded["totals"]["value"],
    }
