"""The faults the demo injects into the shipped formation sample, and the held-out split of the PulseBat sample.

Data preparation only (the demo's quality step itself is :func:`gwangyang.demo.quality_step`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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


def inject_formation_faults(
    table: pd.DataFrame, faults: dict[int, tuple[str, float]] = FORMATION_FAULTS
) -> pd.DataFrame:
    """A copy of ``table`` with each fault's column of its cell multiplied by the factor."""
    out = table.copy()
    for cellid, (column, factor) in faults.items():
        out.loc[out["cellid"] == cellid, column] *= factor
    return out


def split_cells(table: pd.DataFrame, every: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Train/test split by cell: every ``every``-th cell id (sorted) in the test part."""
    ids = np.array(sorted(table["id"].astype(str).unique()))
    test = set(ids[::every])
    mask = table["id"].astype(str).isin(test)
    return table.loc[~mask], table.loc[mask]
