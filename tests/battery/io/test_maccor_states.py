"""Maccor's State letters: a stop (``S``) row counts as its step's last row; an unknown letter is warned about.

The independent route: the vendor's own counters. Maccor's ``Amp-hr`` / ``Watt-hr`` restart at every step, so a
cycle's charge (discharge) is the sum, over its steps whose rows are ``C`` (``D``), of the counter at the step's
last row, whatever that row's state: read here from the text with the standard library alone.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from gwangyang.api import i18n
from gwangyang.battery.io import read_cycler

from .variants import CYCLERS, TextExport, write

TESLA = CYCLERS / "maccor" / "xTESLADIAG_000038.078"


def vendor_totals(path: Path) -> dict[int, dict[str, float]]:
    """Per cycle: the counters at each C / D step's last row, summed by that step's state."""
    with open(path, encoding="latin-1", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    header = rows[1]
    at = {name: header.index(name) for name in ("Cyc#", "Step", "Amp-hr", "Watt-hr", "State")}
    steps: list[list[list[str]]] = []
    for row in rows[2:]:
        if len(row) < len(header) - 1:
            continue
        key = (row[at["Cyc#"]], row[at["Step"]])
        if steps and (steps[-1][0][at["Cyc#"]], steps[-1][0][at["Step"]]) == key:
            steps[-1].append(row)
        else:
            steps.append([row])
    totals: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for step in steps:
        ways = [r[at["State"]] for r in step if r[at["State"]] in ("C", "D")]
        if not ways:
            continue
        name = "charge" if ways[0] == "C" else "discharge"
        totals[int(step[0][at["Cyc#"]])][f"{name}_capacity_ah"] += float(step[-1][at["Amp-hr"]])
        totals[int(step[0][at["Cyc#"]])][f"{name}_energy_wh"] += float(step[-1][at["Watt-hr"]])
    return totals


def per_cycle(path: Path) -> dict[int, dict[str, float]]:
    frame = read_cycler(path).timeseries.groupby("cycle_index")[
        ["charge_capacity_ah", "discharge_capacity_ah", "charge_energy_wh", "discharge_energy_wh"]
    ]
    table: dict[Any, Any] = frame.max().to_dict("index")
    return {int(k): {str(c): float(x) for c, x in v.items()} for k, v in table.items()}


def same(read: dict[int, dict[str, float]], vendor: dict[int, dict[str, float]]) -> float:
    return max(abs(read[c][k] - vendor.get(c, {}).get(k, 0.0)) for c in read for k in read[c])


def test_the_stop_row_is_the_last_discharge_row() -> None:
    read, vendor = per_cycle(TESLA), vendor_totals(TESLA)
    assert same(read, vendor) < 1e-9
    # the file's last row: S, ES 192, 2.2376479483 Ah (the row before, D: 2.2285093601)
    assert read[23]["discharge_capacity_ah"] == pytest.approx(2.2376479483, abs=1e-9)
    assert read[23]["discharge_energy_wh"] == pytest.approx(8.5212919436, abs=1e-9)


def _tesla() -> TextExport:
    return TextExport.parse(TESLA.read_text(encoding="latin-1"), 1, "\t")


def test_a_stop_within_a_charge_counts_as_charge_and_alone_counts_neither(tmp_path: Path) -> None:
    export = _tesla()
    state, amps, ahr = export.index("State"), export.index("Amps"), export.index("Amp-hr")
    # the last row of cycle 1's first charge step made a stop row (current 0), its counter kept
    step, cycle = export.index("Step"), export.index("Cyc#")
    k = next(
        i
        for i in range(1, len(export.rows) - 1)
        if export.rows[i][state] == "C"
        and export.rows[i][cycle] == "1"
        and export.rows[i + 1][step] != export.rows[i][step]
    )
    edited = export.copy()
    edited.rows[k][state], edited.rows[k][amps] = "S", "0.0000000000"
    path = write(tmp_path, "정지_충전.078", edited.render(), "latin-1")
    read, vendor = per_cycle(path), vendor_totals(path)
    assert same(read, vendor) < 1e-9
    assert read[1]["charge_capacity_ah"] == pytest.approx(
        per_cycle(TESLA)[1]["charge_capacity_ah"], abs=1e-12
    )
    # a stop row in a step of its own (a new step number) counts neither way
    alone = export.copy()
    alone.rows[-1][step] = "99"
    path = write(tmp_path, "정지_단독.078", alone.render(), "latin-1")
    assert per_cycle(path)[23]["discharge_capacity_ah"] == pytest.approx(2.2285093601, abs=1e-9)
    assert float(alone.rows[-1][ahr]) == pytest.approx(2.2376479483)


def test_an_unknown_state_letter_is_warned(tmp_path: Path) -> None:
    export = _tesla()
    state = export.index("State")
    rows = [i for i, row in enumerate(export.rows) if row[state] == "D"][:3]
    for i in rows:
        export.rows[i][state] = "X"
    data = read_cycler(write(tmp_path, "모름.078", export.render(), "latin-1"))
    (note,) = [w["detail"] for w in data.warnings if "does not know" in w["detail"]]
    assert note == (
        "column 'State': 3 rows have the state 'X', which this reader does not know (first at line "
        f"{rows[0] + 3}); they are counted as neither charge nor discharge"
    )
    assert i18n.phrase(note, "ko").startswith("열 'State': 3개 행의 상태 'X'")


@pytest.mark.parametrize("path", sorted((CYCLERS / "maccor").glob("*.0*")), ids=lambda p: p.name)
def test_every_shared_text_export_reads_as_its_counters(path: Path) -> None:
    """All seven: ``O`` (``.010``: a control step repeating step 71's last record), ``P`` and ``FRA`` (``.041``) count
    neither way; no letter unknown."""
    assert same(per_cycle(path), vendor_totals(path)) < 1e-9
    assert not [w for w in read_cycler(path).warnings if "does not know" in w["detail"]]
