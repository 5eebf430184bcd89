"""BTS 7.6's step statistics sheet (``Statis_<channel>``), checked against the records beside it.

BTS 7.6's "export to Excel" writes, besides ``Info``, ``Cycle_<channel>`` and the records in ``Detail_<channel>``,
a ``Statis_<channel>`` sheet: a row a step, ``Channel,CyCle,Step,Raw Step ID,Status,Start Voltage(V),End
Voltage(V),Start Current(mA),End Current(mA),CapaCity(mAh),Endure Time(h:min:s.ms),Relative Time(h:min:s.ms),
Absolute Time,Charge_Capacity(mAh),Discharge_Capacity(mAh),Net Engy_DChg(mWh),Engy_Chg(mWh),Engy_DChg(mWh)`` (the
names as a Django model of such a workbook's tables has them; the Chinese names in :data:`STATIS_NAMES` are those
of BTSDA's Chinese step level, none seen in a BTS 7.6 file). It is checked two ways (:func:`check_statis`):

* as a step sheet (:func:`.neware_stepcheck.check_step_sheet`): each step's ``Status``, ``Endure Time`` (the
  step's last record's time within the step) and ``CapaCity`` (its last record's); ``Relative Time`` and
  ``Absolute Time`` are not checked (whether they are the step's start or end is not known);
* per cycle (:func:`check_statis_cycles`): ``Charge_Capacity``, ``Discharge_Capacity``, ``Engy_Chg`` and
  ``Engy_DChg`` summed over each cycle's steps against the cycle's totals from the records (the largest of each
  counter in the cycle, as :func:`.neware_crosscheck.check_cycle_sheet` takes them). Each step's figure is
  rounded to the sheet's last decimal (half a unit) and the records' own to theirs, so a cycle's sum may stray a
  unit of the last decimal a step summed (the steps with a figure other than 0): a larger difference is warned
  about (``unknown_format``) once a column, naming the sheet, the row of the cycle's first step, the cycle, both
  numbers and how many cycles differ. Cycles the sheet lists that the records lack, and the other way round, are
  named as for the cycle sheet.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ...written import as_written
from .. import schema as s
from ..schema import CyclerData
from .neware_crosscheck import CYCLE_SHEET_NAMES, beyond_last_decimal, capacity_columns, decimals
from .neware_parts import cell_number, cell_texts
from .neware_stepcheck import STEP_CHECK_NAMES, check_step_sheet
from .neware_zh import translate

STATIS_SHEET = re.compile(r"^statis(_.*)?$", re.IGNORECASE)
"""BTS 7.6's step statistics sheet (``Statis_1_1_2``), or its continuation (``Statis_1_1_2_2``)."""
STATIS_NAMES = {
    **STEP_CHECK_NAMES,
    "CyCle": "Cycle Index",
    "工步": "Step Index",
    "CapaCity": "Capacity",
    "Endure Time": "Step Time",
    "持续时间": "Step Time",
}
"""The step statistics sheet's names in BTSDA 8's English, as :func:`.neware_stepcheck.check_step_sheet` reads them
(``Cycle``/``Step``/``Status`` and the Chinese step names from :data:`.neware_stepcheck.STEP_CHECK_NAMES`)."""

Place = tuple[str, int]


def check_statis(
    path: Path,
    sheet: str,
    rows: Sequence[Sequence[object]],
    places: Sequence[Place],
    records: Sequence[Sequence[object]],
    origins: Sequence[Place],
    data: CyclerData,
) -> list[dict[str, str]]:
    """The warnings where a ``Statis_...`` sheet disagrees with the records, step by step and cycle by cycle.

    Parameters
    ----------
    path
        The workbook, named in the warnings.
    sheet, rows
        The sheet's name and rows (header first); several sheets joined (:func:`.neware_parts.joined_parts`).
    places
        Each of ``rows``' sheet and row in the workbook (the header's first).
    records, origins
        The record sheets' header and data rows, joined, and each data row's sheet and row.
    data
        The records as read (their per-cycle capacities and energies).

    Returns
    -------
    list
        The step sheet's warnings (:func:`.neware_stepcheck.check_step_sheet`) and the per-cycle ones
        (:func:`check_statis_cycles`).
    """
    notes = check_step_sheet(path, sheet, rows, places, records, origins, STATIS_NAMES)
    return notes + check_statis_cycles(path, sheet, rows, places, data)


def check_statis_cycles(
    path: Path,
    sheet: str,
    rows: Sequence[Sequence[object]],
    places: Sequence[Place],
    data: CyclerData,
) -> list[dict[str, str]]:
    """The warnings where a ``Statis_...`` sheet's capacities and energies, summed a cycle, are not the records'.

    Parameters
    ----------
    path
        The workbook, named in the warnings.
    sheet, rows, places
        The sheet's name, rows (header first) and each row's sheet and row in the workbook.
    data
        The records as read.

    Returns
    -------
    list
        ``unknown_format`` warnings: one a column that differs (its first cycle), one for the cycles the sheet lists
        that the records lack, one for the other way round. None where the sheet has no cycle column or no
        ``Charge_Capacity``, ``Discharge_Capacity``, ``Engy_Chg``, ``Engy_DChg`` (the step check says the rest).
    """
    if not rows:
        return []
    written = cell_texts(rows[0])
    english = translate(translate(written, STATIS_NAMES), CYCLE_SHEET_NAMES)
    where = list(places) or [(sheet, i + 1) for i in range(len(rows))]
    numbered = [(where[i], r) for i, r in enumerate(rows) if i and any(v not in (None, "") for v in r)]
    if "Cycle Index" not in english or not numbered:
        return []

    def column(at: int) -> np.ndarray:
        return np.array([cell_number(r[at]) if at < len(r) else np.nan for _, r in numbered], dtype="float64")

    cycles = column(english.index("Cycle Index"))
    found = capacity_columns(english, written, column)
    table = data.timeseries
    found = [f for f in found if f[1] in table.columns]
    if not found:
        return []
    known = np.isfinite(cycles)
    firsts = pd.Series(np.flatnonzero(known)).groupby(cycles[known]).first()
    ours = table.groupby(s.CYCLE)[[t for _, t, _, _ in found]].max()
    notes = []
    listed = set(firsts.index.tolist())
    missing = sorted(listed - set(ours.index.tolist()))
    unlisted = sorted(set(ours.index.tolist()) - listed)
    if missing:
        notes.append(
            s.warning(
                "unknown_format",
                f"sheet {as_written(sheet, None)} lists {len(missing)} cycle(s) the records do not hold, first "
                f"cycle {missing[0]:.15g}",
                path,
            )
        )
    if unlisted:
        notes.append(
            s.warning(
                "unknown_format",
                f"the records hold {len(unlisted)} cycle(s) sheet {as_written(sheet, None)} does not list, first "
                f"cycle {unlisted[0]:.15g}",
                path,
            )
        )
    shared = firsts[firsts.index.isin(ours.index)]
    for name, target, factor, values in found:
        places_shown = decimals(values)
        unit = 10.0**-places_shown
        frame = pd.DataFrame({"cycle": cycles[known], "value": values[known]})
        frame["steps"] = np.isfinite(frame["value"]) & (frame["value"] != 0)
        grouped = frame.groupby("cycle")
        summed = pd.DataFrame({"value": grouped["value"].sum(min_count=1), "steps": grouped["steps"].sum()})
        summed = summed.loc[shared.index]
        theirs = summed["value"].to_numpy()
        mine = ours.loc[shared.index, target].to_numpy() / factor
        allowance = unit * np.maximum(summed["steps"].to_numpy(), 1)
        bad = np.flatnonzero(beyond_last_decimal(theirs, mine, allowance))
        if len(bad):
            k = int(bad[0])
            (part, row) = numbered[int(shared.iloc[k])][0]
            notes.append(
                s.warning(
                    "unknown_format",
                    f"sheet {as_written(part, None)} row {row} (cycle {shared.index[k]:.15g}): "
                    f"{as_written(name, None)} summed over the cycle's {int(summed['steps'].iloc[k])} step(s) is "
                    f"{theirs[k]:.{places_shown}f} there but {mine[k]:.{places_shown + 3}f} from the records "
                    f"({len(bad)} cycle(s) differ by more than {unit:.0e}, a unit of the sheet's last decimal, "
                    "a step summed)",
                    path,
                )
            )
    return notes
