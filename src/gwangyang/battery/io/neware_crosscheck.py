"""A Neware workbook's own cycle sheet, checked against the capacities read from its records.

BTSDA's workbook holds, besides the records, the cycler's per-cycle figures: BTSDA 8's ``cycle`` sheet
(``Cycle Index,Chg. Cap.(Ah),DChg. Cap.(Ah),...``; ``循环层`` with ``循环号,充电容量(mAh),放电容量(mAh),...`` on a
Chinese install), BTS 7.6's ``Cycle_<channel>`` and BTSDA 7.x's cycle level (``Cycle ID,Cap_Chg(mAh),
Cap_DChg(mAh),...,Engy_Chg(mWh),Engy_DChg(mWh)``; the names in :data:`CYCLE_SHEET_NAMES` and :data:`BASES`). They are
kept as ``vendor_cycles`` and each charge and discharge capacity and energy is compared with the cycle's figure from
the records (the largest of the counter, summed over the steps as the records read). A difference larger than one
unit of the sheet's last decimal (the most decimals any of the column's cells shows: BTSDA rounds its figures to a
fixed number of decimals, half a unit, and the records' own rounding, summed over a cycle's steps, stays well under
the other half) is warned about (``unknown_format``), naming the sheet, the first cycle and both numbers in the
sheet's unit. So are cycles the sheet lists that the records lack, and the other way round. A cycle sheet without a
cycle column, or without any capacity or energy column of a known name, is not checked, and a warning says so.

Where the records take their cycle and step from the step sheet (BTSDA 8, :mod:`.neware_stepjoin`), each step's
``Capacity`` there is checked the same way against the step's last record (:func:`check_step_capacities`); where
the records name their own cycle and step, :mod:`.neware_stepcheck` checks the step sheet's capacities so, besides
its types, times and dates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ...written import as_written
from .. import schema as s
from ..schema import CyclerData
from .neware_parts import cell_number, cell_texts
from .neware_zh import CYCLE_NAMES, translate

CYCLE_SHEET = re.compile(r"^(cycle|cycles|cycle_.*|循环层|循环数据|循环)([ _-]?\(?\d+\)?)?$", re.IGNORECASE)
"""BTSDA's cycle sheet (``cycle``, ``Cycle_1_1_2``, ``循环层``), or its continuation (``cycle_1``, ``cycle(2)``)."""
CYCLE_SHEET_NAMES = {
    **CYCLE_NAMES,
    "Cycle": "Cycle Index",
    "CyCle": "Cycle Index",
    "Cycle ID": "Cycle Index",
    "CycleID": "Cycle Index",
    "循环序号": "Cycle Index",
    "ToTal of Cycle": "Cycle Index",
    "Total of Cycle": "Cycle Index",
}
"""The cycle sheet's cycle column in BTSDA 8's English (BTS 7.6 ``Cycle`` and its ``Cycle_<channel>`` sheet's
``ToTal of Cycle``, BTSDA 7.x ``Cycle ID``/``CycleID``)."""
_UNIT = re.compile(r"^(?P<base>[^(]+?)\s*\((?P<unit>[^)]*)\)\s*$")
_AH = {"Ah": 1.0, "mAh": 1e-3, "uAh": 1e-6, "\u00b5Ah": 1e-6, "\u03bcAh": 1e-6}
_WH = {"Wh": 1.0, "mWh": 1e-3, "uWh": 1e-6, "\u00b5Wh": 1e-6, "\u03bcWh": 1e-6}
BASES = {
    "Chg. Cap.": "Chg. Cap.",
    "DChg. Cap.": "DChg. Cap.",
    "Cap_Chg": "Chg. Cap.",
    "Cap_DChg": "DChg. Cap.",
    "Capacitance_Chg": "Chg. Cap.",
    "Capacitance_DChg": "DChg. Cap.",
    "ChgCap": "Chg. Cap.",
    "DChgCap": "DChg. Cap.",
    "Capacity of charge": "Chg. Cap.",
    "Capacity of discharge": "DChg. Cap.",
    "Charge_Capacity": "Chg. Cap.",
    "Discharge_Capacity": "DChg. Cap.",
    "Chg. Energy": "Chg. Energy",
    "DChg. Energy": "DChg. Energy",
    "Engy_Chg": "Chg. Energy",
    "Engy_DChg": "DChg. Energy",
    "ChgEng": "Chg. Energy",
    "DChgEng": "DChg. Energy",
}
"""A cycle sheet's capacity and energy names (without the unit) in BTSDA 8's English: BTSDA 7.x/BtsControl's
``Cap_Chg(mAh)``, ``Engy_DChg(mWh)``, ``DChgCap(mAh)``, ``ChgEng(mWh)``; BTS 7.6's ``Capacity of charge(mAh)``
(its ``Cycle_<channel>`` sheet) and ``Charge_Capacity(mAh)`` (its ``Statis_<channel>`` sheet, a step a row);
``Capacitance_Chg`` only with a unit of charge (BTSDA 7.4's cycle report has ``Capacitance_Chg(F)``, a capacitance). Chinese names come from
:data:`.neware_zh.CYCLE_NAMES`."""
_CHECKED = (
    ("Chg. Cap.", s.CHARGE_CAPACITY, _AH),
    ("DChg. Cap.", s.DISCHARGE_CAPACITY, _AH),
    ("Chg. Energy", s.CHARGE_ENERGY, _WH),
    ("DChg. Energy", s.DISCHARGE_ENERGY, _WH),
)


LAST_DECIMAL_SLACK = 1e-6
"""How far past one unit of the sheet's last decimal a difference may go and still be within it, as a fraction of
the unit: ``10.0**-places`` is not exact in binary, and the two numbers, their difference and the unit conversion
(mAh to Ah and back) each round, so a difference of exactly one unit (``0.02257 - 0.02256``) reads
``1.0000000000001e-05``. That rounding is about ``2.2e-16`` of the numbers compared, under a millionth of the unit
for any number below 4.5e9 units (45,000 Ah at five decimals), while a real disagreement in the sheet's last digit
is a whole unit."""


def beyond_last_decimal(theirs: np.ndarray, mine: np.ndarray, unit: float | np.ndarray) -> np.ndarray:
    """Where the sheet's number and the records' differ by more than ``unit``, a unit of the sheet's last decimal.

    Parameters
    ----------
    theirs, mine
        The sheet's numbers and the records', in the sheet's unit.
    unit
        One unit of the sheet's last decimal (``10.0**-places``, :func:`decimals`); or an allowance a number
        (several units, where the sheet's numbers are sums of rounded ones).

    Returns
    -------
    numpy.ndarray
        True where both are numbers and they differ by more than ``unit``, give or take
        :data:`LAST_DECIMAL_SLACK` of it (the floats' own rounding).
    """
    close = unit * (1 + LAST_DECIMAL_SLACK)
    return np.isfinite(theirs) & np.isfinite(mine) & (np.abs(theirs - mine) > close)


def decimals(values: Iterable[float]) -> int:
    """The most decimals any of the values shows (as the shortest text that reads back to it), at most 12."""
    most = 0
    for value in values:
        if np.isfinite(value):
            text = repr(float(value))
            if "e-" in text:
                mantissa, exponent = text.split("e-")
                shown = len(mantissa.split(".")[1]) if "." in mantissa else 0
                most = max(most, shown + int(exponent))
            elif "." in text and not text.endswith(".0"):
                most = max(most, len(text.split(".")[1]))
    return min(most, 12)


def capacity_columns(
    english: list[str], written: list[str], column: Callable[[int], np.ndarray]
) -> list[tuple[str, str, float, np.ndarray]]:
    """The cycle sheet's capacity and energy columns known: name as written, target, factor to Ah/Wh, values."""
    found = []
    for base, target, units in _CHECKED:
        for at, name in enumerate(english):
            match = _UNIT.match(name)
            if (
                match
                and BASES.get(match.group("base").strip()) == base
                and match.group("unit").strip() in units
            ):
                factor = units[match.group("unit").strip()]
                found.append((written[at], target, factor, column(at)))
                break
    return found


def _not_checked(path: Path, sheet: str, why: str) -> list[dict[str, str]]:
    return [
        s.warning(
            "unknown_format", f"sheet {as_written(sheet, None)} not checked against the records: {why}", path
        )
    ]


def check_cycle_sheet(
    path: Path,
    sheet: str,
    rows: Sequence[Sequence[object]],
    data: CyclerData,
    places: Sequence[tuple[str, int]] = (),
) -> tuple[pd.DataFrame | None, list[dict[str, str]]]:
    """The cycle sheet as ``vendor_cycles`` and the warnings where it disagrees with the records.

    Parameters
    ----------
    path
        The workbook, named in the warnings.
    sheet, rows
        The cycle sheet's name and rows (header first); several sheets joined (:func:`.neware_parts.joined_parts`).
    data
        The records as read.
    places
        Each row's sheet and row in the workbook (the header's first); a cycle that differs is named with its sheet.

    Returns
    -------
    tuple
        The sheet's cycles, capacities in Ah and energies in Wh (None when it has no cycle column or none of
        them, which is warned about: the sheet is not checked), and the warnings.
    """
    if not rows:
        return None, []
    written = cell_texts(rows[0])
    english = translate(written, CYCLE_SHEET_NAMES)
    if "Cycle Index" not in english:
        return None, _not_checked(
            path, sheet, "no cycle column ('Cycle Index', 'Cycle ID', 'Cycle', '循环号')"
        )
    numbered = [(i, r) for i, r in enumerate(rows) if i and any(v not in (None, "") for v in r)]
    body = [r for _, r in numbered]
    where = list(places) or [(sheet, i + 1) for i in range(len(rows))]

    def column(at: int) -> np.ndarray:
        return np.array([cell_number(r[at]) if at < len(r) else np.nan for r in body], dtype="float64")

    cycles = column(english.index("Cycle Index"))
    found = capacity_columns(english, written, column)
    if not found:
        why = "no charge or discharge capacity (Ah, mAh) or energy (Wh, mWh) column of a name known"
        return None, _not_checked(path, sheet, why)
    vendor = pd.DataFrame({s.CYCLE: cycles})
    for _, target, factor, values in found:
        vendor[target] = values * factor
    sheets = np.array([where[i][0] for i, _ in numbered], dtype=object)[np.isfinite(cycles)]
    vendor = vendor[np.isfinite(cycles)].reset_index(drop=True)
    table = data.timeseries
    ours = table.groupby(s.CYCLE)[[t for _, t, _, _ in found if t in table.columns]].max()
    notes = []
    listed = set(vendor[s.CYCLE].tolist())
    missing = sorted(listed - set(ours.index.tolist()))
    unlisted = sorted(set(ours.index.tolist()) - listed)
    if missing:
        notes.append(
            s.warning(
                "unknown_format",
                f"sheet {as_written(sheet, None)} lists {len(missing)} cycle(s) the records do not hold, first cycle {missing[0]:.15g}",
                path,
            )
        )
    if unlisted:
        notes.append(
            s.warning(
                "unknown_format",
                f"the records hold {len(unlisted)} cycle(s) sheet {as_written(sheet, None)} does not list, first cycle "
                f"{unlisted[0]:.15g}",
                path,
            )
        )
    held = vendor[s.CYCLE].isin(ours.index).to_numpy()
    shared, shared_sheets = vendor[held], sheets[held]
    for name, target, factor, values in found:
        if target not in ours.columns:
            continue
        places_shown = decimals(values)
        tolerance = 10.0**-places_shown
        theirs = shared[target].to_numpy() / factor
        mine = ours.loc[shared[s.CYCLE], target].to_numpy() / factor
        bad = np.flatnonzero(beyond_last_decimal(theirs, mine, tolerance))
        if len(bad):
            k = int(bad[0])
            notes.append(
                s.warning(
                    "unknown_format",
                    f"sheet {as_written(shared_sheets[k], None)} cycle {shared[s.CYCLE].iloc[k]:.15g}: {as_written(name, None)} is "
                    f"{theirs[k]:.{places_shown}f} there but {mine[k]:.{places_shown + 3}f} from the records "
                    f"({len(bad)} cycle(s) differ by more than {tolerance:.0e}, a unit of the sheet's last decimal)",
                    path,
                )
            )
    return vendor, notes


def check_step_capacities(
    path: Path,
    step_header: Sequence[str],
    steps: Sequence[tuple[tuple[str, int], Sequence[object]]],
    record_header: Sequence[str],
    last_records: Sequence[Sequence[object]],
) -> list[dict[str, str]]:
    """A warning where the step sheet's ``Capacity`` of a step differs from its last record's (BTSDA 8's join).

    Parameters
    ----------
    path
        The workbook, named in the warning.
    step_header
        The step sheet's header in English (:data:`.neware_stepjoin.STEP_SHEET_NAMES`).
    steps
        Each step with records: its sheet and row, and its cells, in the order of ``last_records``.
    record_header, last_records
        The record header in English, and each of those steps' last record.

    Returns
    -------
    list
        One ``unknown_format`` warning naming the first step that differs by more than a unit of the sheet's last
        decimal, both numbers in the sheet's unit (none when they agree or a sheet has no ``Capacity`` column).
    """

    def capacity(header: Sequence[str]) -> tuple[int, float] | None:
        for at, name in enumerate(header):
            match = _UNIT.match(name)
            if match and match.group("base").strip() == "Capacity" and match.group("unit").strip() in _AH:
                return at, _AH[match.group("unit").strip()]
        return None

    theirs_at, mine_at = capacity(step_header), capacity(record_header)
    if theirs_at is None or mine_at is None or not steps:
        return []
    theirs = np.array([cell_number(r[theirs_at[0]]) if theirs_at[0] < len(r) else np.nan for _, r in steps])
    mine = np.array([cell_number(r[mine_at[0]]) if mine_at[0] < len(r) else np.nan for r in last_records])
    mine = np.abs(mine) * mine_at[1] / theirs_at[1]  # in the sheet's unit
    places = decimals(theirs)
    tolerance = 10.0**-places
    bad = np.flatnonzero(beyond_last_decimal(np.abs(theirs), mine, tolerance))
    if not len(bad):
        return []
    k = int(bad[0])
    (step_sheet, row), cells = steps[k]
    cycle, index = (
        f"{cell_number(cells[step_header.index(n)]):.15g}" if n in step_header else "?"
        for n in ("Cycle Index", "Step Index")
    )
    name = step_header[theirs_at[0]]
    return [
        s.warning(
            "unknown_format",
            f"sheet {as_written(step_sheet, None)} row {row} (cycle {cycle}, step {index}): {as_written(name, None)} is {theirs[k]:.{places}f} there "
            f"but {mine[k]:.{places + 3}f} from the step's last record ({len(bad)} step(s) differ by more than "
            f"{tolerance:.0e}, a unit of the sheet's last decimal)",
            path,
        )
    ]
