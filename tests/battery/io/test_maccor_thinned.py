"""Maccor exports thinned (every Nth row kept) with counters that run on across steps: what a step passed after its
last kept row is written in the next step's first row, and is put back in its own step (``maccor_tails``).

No such file is at hand: the shared diagnostic exports are written with ``Amp-hr`` and ``Watt-hr`` carried on
through the test (``test_maccor_milli.running``) and thinned. The independent route: each cycle's charge and
discharge from the unthinned text itself, Maccor's own per-step ``Amp-hr`` / ``Watt-hr`` (each step's value at its
last row, restarting at every step; the ``S`` stop row of ``xTESLADIAG_000038.078`` its last discharge's last row)
summed by the step's ``C`` / ``D`` state. A thinned file's last cycle ends with no next step to carry its last
step's end: the last cycle is left out of the thinned comparisons.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.api import i18n
from gwangyang.battery.io import read_cycler

from .test_maccor_milli import running
from .variants import CYCLERS, TextExport, kinds, write

FILES = ("xTESLADIAG_000038.078", "PreDiag_000229_000229_truncated.034", "PreDiag_000412_00008Fshort.022")
COLUMNS = {
    "charge_capacity_ah": ("Amp-hr", "C"),
    "discharge_capacity_ah": ("Amp-hr", "D"),
    "charge_energy_wh": ("Watt-hr", "C"),
    "discharge_energy_wh": ("Watt-hr", "D"),
}


def export(name: str) -> TextExport:
    return TextExport.parse((CYCLERS / "maccor" / name).read_text(encoding="latin-1"), 1, "\t")


def reference(whole: TextExport) -> pd.DataFrame:
    """Per cycle, from the unthinned text: each step's Amp-hr / Watt-hr at its last row summed by its C / D state."""
    frame = pd.DataFrame(whole.rows, columns=whole.header)[["Cyc#", "Step", "Amp-hr", "Watt-hr", "State"]]
    frame[["Amp-hr", "Watt-hr"]] = frame[["Amp-hr", "Watt-hr"]].astype(float)
    frame["Cyc#"] = frame["Cyc#"].astype(int)
    key = ((frame["Cyc#"] != frame["Cyc#"].shift()) | (frame["Step"] != frame["Step"].shift())).cumsum()
    frame["way"] = frame["State"].where(frame["State"].isin(["C", "D"]))
    steps = frame.groupby(key).agg(
        cycle=("Cyc#", "first"),
        state=("way", "first"),
        ah=("Amp-hr", "last"),
        wh=("Watt-hr", "last"),
    )
    out = {}
    for column, (source, state) in COLUMNS.items():
        picked = steps[steps["state"] == state]
        out[column] = picked.groupby("cycle")["ah" if source == "Amp-hr" else "wh"].sum()
    return pd.DataFrame(out).fillna(0.0)


def per_cycle(path: Path) -> pd.DataFrame:
    return read_cycler(path).timeseries.groupby("cycle_index")[list(COLUMNS)].max()


def thinned(whole: TextExport, every: int, carried: bool) -> TextExport:
    variant = running(running(whole, "Amp-hr", True), "Watt-hr", True) if carried else whole.copy()
    variant.rows = variant.rows[::every]
    return variant


def worst(read: pd.DataFrame, expected: pd.DataFrame, last: bool = True) -> float:
    """The largest per-cycle difference over the four columns, as a share of each column's largest cycle (the
    last cycle left out where ``last`` is False)."""
    read = read if last else read.iloc[:-1]
    expected = expected.reindex(read.index).fillna(0.0)
    return max(float(np.abs(read[c] - expected[c]).max() / expected[c].max()) for c in COLUMNS)


@pytest.mark.parametrize("name", FILES)
def test_the_reference_is_the_unthinned_reading(name: str) -> None:
    assert worst(per_cycle(CYCLERS / "maccor" / name), reference(export(name))) < 1e-12


# per file and N = 5, 20, the worst per-cycle difference from the unthinned text (the last cycle left out), read from
# the thinned running export: 0.047 %, 0.016 % (xTESLADIAG); 0.0010 %, 0.0002 % (PreDiag 229); 0.010 %, 0.013 %
# (PreDiag 412), bounded here at 0.1 %. Before (a step's end counted in the next step): 4.2 %, 17.9 %; 0.012 %,
# 0.75 %; 0.094 %, 3.5 %. The thinned restarting export (the step ends in no row): 4.2 %, 17.6 %; 0.012 %, 0.75 %;
# 0.094 %, 3.4 %.
@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("every", [5, 20])
def test_a_thinned_running_counter_reads_the_unthinned_capacities(
    tmp_path: Path, name: str, every: int
) -> None:
    whole = export(name)
    expected = reference(whole)
    path = write(tmp_path, f"솎아낸_{every}_{name}", thinned(whole, every, True).render(), "latin-1")
    data = read_cycler(path)
    assert data.extra["counters"] == {
        "capacity_ah": "runs_on_through_cycles",
        "energy_wh": "runs_on_through_cycles",
    }
    assert kinds(data).count("counter_overridden") == 2
    note = next(w["detail"] for w in data.warnings if w["kind"] == "counter_overridden")
    assert note.startswith("column 'Amp-hr' runs on across steps and ")
    assert i18n.phrase(note, "ko").startswith("열 'Amp-hr'은(는) 스텝을 넘어 누적되며 ")
    read = data.timeseries.groupby("cycle_index")[list(COLUMNS)].max()
    assert worst(read, expected, last=False) < 1e-3
    # restarting, the same rows lose what each step passed after its last kept row: the charge reads less
    path = write(tmp_path, f"재시작_{every}_{name}", thinned(whole, every, False).render(), "latin-1")
    restarting = per_cycle(path)
    lost = (expected.reindex(restarting.index)["charge_capacity_ah"] - restarting["charge_capacity_ah"]).iloc[
        :-1
    ]
    assert lost.min() > -1e-9 and worst(restarting, expected, last=False) > worst(read, expected, last=False)


def test_without_the_step_time_the_amount_is_warned(tmp_path: Path) -> None:
    """No ``Step (Sec)``: the step a jump belongs to cannot be told; the warning's amount bounds what is misread."""
    whole = export("xTESLADIAG_000038.078")
    variant = thinned(whole, 5, True).drop("Step (Sec)")
    data = read_cycler(write(tmp_path, "걸음시간없음.078", variant.render(), "latin-1"))
    notes = [w["detail"] for w in data.warnings if "no step time" in w["detail"]]
    assert len(notes) == 2 and notes[0].startswith(
        "column 'Amp-hr' runs on across steps and the file has no step"
    )
    amount = float(notes[0].split("up to ")[1].split(" ")[0])
    read = data.timeseries.groupby("cycle_index")[list(COLUMNS)].max()
    expected = reference(whole).reindex(read.index)
    misread = float(
        (expected["charge_capacity_ah"] - read["charge_capacity_ah"]).iloc[:-1].abs().sum()
    )  # the charges' ends counted as discharge (or lost in a rest)
    assert 0.1 < misread <= amount


def _amount(data_warnings: list[dict[str, str]], column: str) -> float:
    (note,) = [
        w["detail"] for w in data_warnings if w["kind"] == "truncated_file" and f"{column!r}" in w["detail"]
    ]
    return float(note.split("about ")[1].split(" ")[0])


# xTESLADIAG thinned every 5th / 20th row, restarting: charge and discharge in no row 1.492 / 10.062 Ah against the
# unthinned text; warned about 1.451 / 9.821 (each step's last current over the time it went on)
@pytest.mark.parametrize("every", [5, 20])
def test_a_thinned_restarting_counter_warns_what_is_in_no_row(tmp_path: Path, every: int) -> None:
    whole = export("xTESLADIAG_000038.078")
    data = read_cycler(
        write(tmp_path, f"재시작_{every}.078", thinned(whole, every, False).render(), "latin-1")
    )
    read = data.timeseries.groupby("cycle_index")[list(COLUMNS)].max()
    expected = reference(whole).reindex(read.index)
    lost = float(
        (expected["charge_capacity_ah"] - read["charge_capacity_ah"]).sum()
        + (expected["discharge_capacity_ah"] - read["discharge_capacity_ah"]).sum()
    )
    assert _amount(data.warnings, "Amp-hr") == pytest.approx(lost, rel=0.05)
    korean = i18n.phrase(next(w["detail"] for w in data.warnings if w["kind"] == "truncated_file"), "ko")
    assert korean.startswith("열 'Amp-hr'은(는) 스텝마다 다시 시작하며 ")


def test_the_shared_thinned_export_is_warned() -> None:
    """``PreDiag_000412_00008Fshort.022`` keeps about a row a step: by hand, at each step change after a row passing
    current, that row's current over the time to the new step's beginning (the time between the rows less the new
    step's ``Step (Sec)``)."""
    whole = export("PreDiag_000412_00008Fshort.022")
    rows = whole.rows
    at = {name: whole.index(name) for name in ("Cyc#", "Step", "Test (Sec)", "Step (Sec)", "Amps")}
    lost, count, first = 0.0, 0, None
    for k in range(1, len(rows)):
        before, row = rows[k - 1], rows[k]
        if (row[at["Cyc#"]], row[at["Step"]]) == (before[at["Cyc#"]], before[at["Step"]]):
            continue
        dt = float(row[at["Test (Sec)"]]) - float(before[at["Test (Sec)"]])
        since = float(row[at["Step (Sec)"]])
        gap = dt - since if 0 <= since <= dt else 0.0
        amps = abs(float(before[at["Amps"]]))
        if gap > 0 and amps > 0:
            lost += amps * gap / 3600.0
            count += 1
            first = first or k + 2  # the file line of the step's last row (the header on line 2)
    data = read_cycler(CYCLERS / "maccor" / "PreDiag_000412_00008Fshort.022")
    assert (count, first, round(lost)) == (1334, 2840, 2064)
    assert _amount(data.warnings, "Amp-hr") == pytest.approx(lost, rel=1e-3)
    (note,) = [w["detail"] for w in data.warnings if "'Amp-hr'" in w["detail"]]
    assert note.startswith(
        f"column 'Amp-hr' restarts at each step and {count} steps went on after their last row "
    )
