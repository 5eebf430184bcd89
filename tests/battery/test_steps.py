"""Steps and cycles from the signal.

Independent routes: for Maccor's diagnostic exports, the vendor's own columns (``Cyc#``, ``Step``,
``Amp-hr`` reset at each step, ``State`` C/D/R) summed by step straight from the raw text with pandas;
the cycle kinds against BEEP's description of its PreDiag protocol (``beep/structure/diagnostic.py``
and its ``diagnostic_parameters``: a reset cycle, an HPPC cycle, three reference performance tests at
0.2C, 1C and 2C, then ageing cycles); for the segmentation, random step sequences whose steps are
known by construction (Hypothesis).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gwangyang.battery.cycles import cycle_summary
from gwangyang.battery.io import read_cycler
from gwangyang.battery.pairing import apply_signal_cycles
from gwangyang.battery.steps import step_table

MACCOR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "battery" / "cyclers" / "maccor"
DIAGNOSTIC = (
    "PreDiag_000412_00008Fshort.022",
    "PreDiag_000229_000229_truncated.034",
    "xTESLADIAG_000038.078",
)


def vendor_steps(path: Path) -> pd.DataFrame:
    """The vendor's steps: runs of equal (Cyc#, Step), with Amp-hr's maximum signed by State."""
    raw = pd.read_csv(
        path,
        sep="\t",
        skiprows=1,
        encoding="latin-1",
        usecols=["Cyc#", "Step", "Amp-hr", "State"],
        index_col=False,
    )
    run = ((raw["Step"] != raw["Step"].shift()) | (raw["Cyc#"] != raw["Cyc#"].shift())).cumsum()
    charge = raw["Amp-hr"].where(raw["State"] == "C", 0.0)
    discharge = raw["Amp-hr"].where(raw["State"] == "D", 0.0)
    return pd.DataFrame(
        {
            "cycle": raw["Cyc#"].groupby(run).first(),
            "step": raw["Step"].groupby(run).first(),
            "charge": charge.groupby(run).max(),
            "discharge": discharge.groupby(run).max(),
            "rows": run.groupby(run).size(),
        }
    ).reset_index(drop=True)


def _structured(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    return apply_signal_cycles(read_cycler(path).timeseries)


def test_maccor_diagnostic_steps_match_the_vendor_columns() -> None:
    for name in DIAGNOSTIC:
        ts, steps, _notes = _structured(MACCOR / name)
        vendor = vendor_steps(MACCOR / name)
        # each vendor step is one or more of ours (a CC-CV step logged as one is two of ours)
        run = np.r_[0, np.cumsum(vendor["rows"].to_numpy())[:-1]]
        assert np.isin(run, steps["first_row"].to_numpy()).all(), name
        ours = steps.groupby(np.searchsorted(run, steps["first_row"].to_numpy(), side="right") - 1)
        charge = ours["charge_capacity_ah"].sum().to_numpy()
        discharge = ours["discharge_capacity_ah"].sum().to_numpy()
        assert len(charge) == len(vendor), name
        assert np.allclose(charge, vendor["charge"], rtol=5e-3, atol=1e-6), name
        assert np.allclose(discharge, vendor["discharge"], rtol=5e-3, atol=1e-6), name
        # cycles: the vendor's step capacities summed by our cycle give our cycle capacities
        cycles = cycle_summary(ts, steps).set_index("cycle_index")
        cycle_of_run = steps["cycle_index"].to_numpy()[np.searchsorted(steps["first_row"].to_numpy(), run)]
        summed = vendor.assign(cycle=cycle_of_run).groupby("cycle")[["charge", "discharge"]].sum()
        assert np.allclose(cycles["charge_capacity_ah"], summed["charge"], rtol=5e-3, atol=1e-5), name
        assert np.allclose(cycles["discharge_capacity_ah"], summed["discharge"], rtol=5e-3, atol=1e-5), name


def test_prediag_cycle_kinds_follow_beeps_protocol() -> None:
    ts, steps, notes = _structured(MACCOR / "PreDiag_000412_00008Fshort.022")
    cycles = cycle_summary(ts, steps)
    kinds = cycles["kind"].tolist()
    # Cyc# 1 reset (0.69 A), 2 HPPC (18 pulses), 3-5 RPT at 0.97 A, 4.85 A and 9.69 A discharge,
    # then ageing cycles; the block repeats at Cyc# 36-40
    assert kinds[1:6] == ["reset", "hppc", "rpt", "rpt", "rpt"]
    assert kinds[36:41] == ["reset", "hppc", "rpt", "rpt", "rpt"]
    assert set(kinds[6:36]) == {"aging"}
    # the vendor cycles whose steps hold the HPPC pulse loop (steps 11-15, or 43-47 later in the test)
    hppc = cycles.loc[cycles["kind"] == "hppc", "vendor_cycle_index"].tolist()
    assert hppc == [2, 37, 142, 221, 256]
    # Cyc# 219 holds the end of an ageing loop (cut at 3.72 V) and a whole reset cycle (steps 3-6)
    assert notes == ["cycler cycle 219 holds 2 charge/discharge loops; split into one cycle each"]
    assert len(cycles) == ts["vendor_cycle_index"].nunique() + 1
    assert cycles["vendor_cycle_index"].tolist().count(219) == 2


def test_loops_under_one_counter_are_split(tmp_path: Path) -> None:
    # the case: a Maccor export whose Cyc# stays put over many loops came in as one big cycle
    source = MACCOR / "xTESLADIAG_000038.078"
    lines = source.read_text(encoding="latin-1").splitlines(keepends=True)
    flat = [lines[0], lines[1]]
    for line in lines[2:]:
        fields = line.split("\t")
        fields[1] = "1"
        flat.append("\t".join(fields))
    target = tmp_path / "flat_counter.078"
    target.write_text("".join(flat), encoding="latin-1")
    ts, steps, notes = _structured(target)
    reference, ref_steps, _ = _structured(source)
    ours = cycle_summary(ts, steps)
    theirs = cycle_summary(reference, ref_steps)
    assert len(notes) == 1 and "holds 24 charge/discharge loops" in notes[0]
    assert len(ours) == len(theirs) == 24
    assert np.allclose(ours["discharge_capacity_ah"], theirs["discharge_capacity_ah"], rtol=1e-9)
    assert ours["discharge_capacity_ah"].max() < 4.0
    assert set(ours["vendor_cycle_index"]) == {1}


def test_truncated_last_cycles_are_incomplete() -> None:
    for name, last_complete in (
        ("xTESLADIAG_000038.078", False),
        ("PreDiag_000229_000229_truncated.034", False),
    ):
        ts, steps, _ = _structured(MACCOR / name)
        cycles = cycle_summary(ts, steps)
        assert bool(cycles["complete"].iloc[-1]) is last_complete
    ts, steps, _ = _structured(MACCOR / "xTESLADIAG_000038.078")
    cycles = cycle_summary(ts, steps)
    # cycles 1-22 are whole 4.7 A cycles of 3.78-3.99 Ah
    middle = cycles.iloc[1:23]
    assert middle["complete"].all() and middle["discharge_capacity_ah"].between(3.7, 4.0).all()


# ---- random step sequences -------------------------------------------------------------------

DT = 10.0
LONG_DT = 120.0

blocks = st.sampled_from(
    ["rest", "charge", "discharge", "cccv_charge", "cccv_discharge", "pulse", "ocv", "rest_drift"]
)
RESTS = ("rest", "ocv", "rest_drift")
"""Zero-current blocks: ``ocv`` a long rest whose voltage settles, ``rest_drift`` a long rest still
drifting at its end (a ``rest`` step)."""


@st.composite
def sequences(draw: st.DrawFn) -> list[tuple[str, int, float]]:
    """Steps (type, rows, current magnitude) as a cycler logs them; adjacent steps differ in mode."""
    kinds = draw(st.lists(blocks, min_size=1, max_size=12))
    out: list[tuple[str, int, float]] = []
    for kind in kinds:
        amps = draw(st.floats(0.05, 5.0))
        rows = draw(st.integers(8, 40))
        if kind == "pulse":
            steps_ = [("pulse", draw(st.integers(2, 5)), amps * draw(st.sampled_from([1, -1])))]
        elif kind.startswith("cccv"):
            sign = 1 if kind.endswith("charge") and not kind.endswith("discharge") else -1
            direction = "charge" if sign > 0 else "discharge"
            steps_ = [
                (f"cc_{direction}", rows, sign * amps),
                (f"cv_{direction}", draw(st.integers(5, 30)), sign * amps),
            ]
        elif kind in RESTS:
            steps_ = [(kind, max(rows, 16) if kind == "ocv" else rows, 0.0)]
        else:
            sign = 1 if kind == "charge" else -1
            steps_ = [(f"cc_{kind}", rows, sign * amps)]
        if out and (out[-1][0] not in RESTS) and (steps_[0][0] not in RESTS):
            out.append(("rest", 3, 0.0))  # between two active steps, as cyclers do (and pulses need)
        if out and out[-1][0] in RESTS and steps_[0][0] in RESTS:
            continue
        out.extend(steps_)
    return out


def synthesize(sequence: list[tuple[str, int, float]]) -> pd.DataFrame:
    """A time series for a step sequence: CC ramps the voltage, CV holds it while the current decays.

    ``ocv`` and ``rest_drift`` rests log a row every :data:`LONG_DT` s (so 16 rows pass the 30 min
    an OCV needs): ``ocv`` relaxes by 20 mV with a 5 min time constant (|dV/dt| < 0.1 uV/s at its
    end, under the 4 uV/s limit), ``rest_drift`` drifts at 20 uV/s throughout.
    """
    time: list[float] = []
    current: list[float] = []
    voltage: list[float] = []
    t, v = 0.0, 3.6
    for kind, rows, amps in sequence:
        dt = {"pulse": 5.0, "ocv": LONG_DT, "rest_drift": LONG_DT}.get(kind, DT)
        if kind == "rest":
            i = np.zeros(rows)
            u = np.full(rows, v)
        elif kind == "ocv":
            i = np.zeros(rows)
            u = v - 0.02 * (1.0 - np.exp(-dt * np.arange(rows) / 300.0))
        elif kind == "rest_drift":
            i = np.zeros(rows)
            u = v + 20e-6 * dt * np.arange(rows)
        elif kind.startswith("cc") or kind == "pulse":
            i = np.full(rows, amps)
            u = v + np.sign(amps) * np.linspace(0.02, 0.3, rows)
        else:  # cv: hold 25 mV beyond where the CC ended, current decays to a tenth
            i = amps * np.geomspace(1.0, 0.1, rows)
            u = np.full(rows, v + np.sign(amps) * 0.025)
        time.extend(t + dt * np.arange(rows))
        t += dt * rows
        current.extend(i)
        voltage.extend(u)
        v = float(u[-1])
    return pd.DataFrame(
        {
            "test_time_s": np.array(time),
            "cycle_index": np.ones(len(time), dtype="int64"),
            "current_a": np.array(current),
            "voltage_v": np.array(voltage),
        }
    )


@settings(max_examples=60, deadline=None)
@given(sequences(), st.booleans())
def test_random_step_sequences_come_back(sequence: list[tuple[str, int, float]], numbered: bool) -> None:
    ts = synthesize(sequence)
    if numbered:
        ts["step_index"] = np.repeat(np.arange(1, len(sequence) + 1), [rows for _, rows, _ in sequence])
    steps = step_table(ts)
    types = ["rest" if kind == "rest_drift" else kind for kind, _, _ in sequence]
    assert steps["type"].tolist() == types
    firsts = np.r_[0, np.cumsum([rows for _, rows, _ in sequence])[:-1]]
    assert steps["first_row"].tolist() == firsts.tolist()
    # charge moved per step: the current integrated over each step's own intervals (trapezoid), plus
    # the interval joining it to a previous step of the same direction
    current, time = ts["current_a"].to_numpy(), ts["test_time_s"].to_numpy()
    expected = np.zeros(len(sequence))
    owner = np.repeat(np.arange(len(sequence)), [rows for _, rows, _ in sequence])
    for r in range(1, len(ts)):
        if current[r] > 0 and current[r - 1] > 0:
            expected[owner[r]] += (current[r] + current[r - 1]) / 2 * (time[r] - time[r - 1]) / 3600
    assert np.allclose(steps["charge_capacity_ah"], expected, rtol=1e-9, atol=1e-12)


def test_counter_that_goes_back_is_renumbered_and_reported() -> None:
    # three charge/discharge loops; the cycler's counter restarts at 1 for the third (a restarted schedule)
    sequence = [("cc_charge", 10, 1.0), ("rest", 3, 0.0), ("cc_discharge", 10, -1.0), ("rest", 3, 0.0)] * 3
    ts = synthesize(sequence)
    per_loop = sum(rows for _, rows, _ in sequence[:4])
    ts["cycle_index"] = np.repeat([1, 2, 1], per_loop)
    ts["step_index"] = np.repeat(np.arange(len(sequence)) % 4 + 1, [rows for _, rows, _ in sequence])
    out, steps, notes = apply_signal_cycles(ts)
    assert notes == ["cycler cycle counter goes back from 2 to 1; renumbered"]
    assert out["cycle_index"].unique().tolist() == [1, 2, 3]
    assert out.groupby("cycle_index")["vendor_cycle_index"].first().tolist() == [1, 2, 1]
    cycles = cycle_summary(out, steps)
    # each loop: 10 rows at 1 A, 10 s apart -> 9 intervals of 10 s = 0.025 Ah each way
    np.testing.assert_allclose(cycles["charge_capacity_ah"], 0.025, rtol=1e-12)
    np.testing.assert_allclose(cycles["discharge_capacity_ah"], 0.025, rtol=1e-12)
    assert cycles["kind"].tolist() == ["aging"] * 3


FIXTURES = sorted(
    p
    for p in (MACCOR.parent).rglob("*")
    if p.is_file() and p.parent.name != "bad" and not p.name.lower().endswith("_metadata.csv")
)


def test_every_fixture_steps_follow_the_vendor_and_add_up_to_its_cycles() -> None:
    """For every cycler fixture: each run of the vendor's (cycle, step) counters starts a step of ours,
    the steps' charge and discharge add up to each cycle's (the maximum of the vendor's within-cycle
    counters) within 0.5 %, and there are as many cycles as the vendor's plus the splits reported."""
    checked = 0
    for path in FIXTURES:
        data = read_cycler(path)
        vendor = data.timeseries
        ts, steps, notes = apply_signal_cycles(vendor)
        firsts = set(steps["first_row"].tolist())
        keys = [c for c in ("cycle_index", "step_index") if c in vendor.columns]
        runs = np.flatnonzero(np.any([np.r_[True, np.diff(vendor[c].to_numpy()) != 0] for c in keys], axis=0))
        assert set(runs.tolist()) <= firsts, path.name
        cycles = cycle_summary(ts, steps).set_index("cycle_index")
        summed = steps.groupby("cycle_index")[["charge_capacity_ah", "discharge_capacity_ah"]].sum()
        for column in ("charge_capacity_ah", "discharge_capacity_ah"):
            np.testing.assert_allclose(
                summed[column], cycles[column], rtol=5e-3, atol=1e-6, err_msg=path.name
            )
        splits = sum(int(n.split(" holds ")[1].split()[0]) - 1 for n in notes if " holds " in n)
        resets = any("goes back" in n for n in notes)
        if not resets:
            assert len(cycles) == vendor["cycle_index"].nunique() + splits, path.name
        checked += 1
    assert checked >= 20


def test_ocv_rests_are_the_long_settled_ones() -> None:
    """Over every fixture: a zero-current step is ``ocv`` exactly when it lasts 30 min and a straight
    line fitted (numpy.polyfit) to its voltage over its last 10 min (at least two rows) has a slope
    under 4 uV/s; the PreDiag .034 file's 3 h rest before its first charge is one."""
    from gwangyang.battery.step_types import OCV_MAX_DVDT, OCV_MIN_REST_S

    found = 0
    for path in FIXTURES:
        ts, steps, _ = apply_signal_cycles(read_cycler(path).timeseries)
        time, volts = ts["test_time_s"].to_numpy(), ts["voltage_v"].to_numpy()
        rests = steps[steps["type"].isin(["rest", "ocv"])]
        for first, rows, duration, kind, number in zip(
            rests["first_row"],
            rests["rows"],
            rests["duration_s"],
            rests["type"],
            rests["step_number"],
            strict=True,
        ):
            t = time[first : first + rows]
            v = volts[first : first + rows]
            tail = max(int(np.sum(t >= t[-1] - 600.0)), 2)
            flat = (
                duration >= OCV_MIN_REST_S
                and rows >= 2
                and abs(np.polyfit(t[-tail:] - t[-1], v[-tail:], 1)[0]) < OCV_MAX_DVDT
            )
            assert (kind == "ocv") == flat, (path.name, number)
            found += kind == "ocv"
    assert found >= 3
    _, steps, _ = _structured(MACCOR / "PreDiag_000229_000229_truncated.034")
    first = steps.iloc[0]
    assert first["type"] == "ocv" and first["duration_s"] == pytest.approx(3 * 3600, rel=1e-3)


def test_prediction_diagnostics_pairs_each_charge_with_the_discharge_after_it() -> None:
    """The low coulombic efficiency of the .010 file's ageing cycles is the cell's, not a pairing error.

    BEEP's PredictionDiagnostics template (``beep/tests/test_files/PredictionDiagnostics_parameters.csv``:
    CC 2C to 30 % SOC, CC to 4.1 V, CV 4.1 V, 5 min rest, CC discharge to 2.7 V, 15 min rest) charges
    first, as Maccor's ``Cyc#`` does here: steps 61 (CC 9.68 A, 540 s), 62, 63 (CV 4.1 V, 1800 s), 64
    (rest 300 s), 65 (0.97 A to 2.7 V), 66 (rest 900 s). Maccor's own ``Amp-hr`` per (Cyc#, Step) gives
    2.583 Ah in and 1.839 Ah out for Cyc# 87 (1.452 + 1.131 Ah; 1.839 Ah): the cell, at 38 % of its
    4.84 Ah, loses ~0.7 Ah a cycle to side reactions (its 0.2C discharge falls 1.94 -> 1.84 -> 1.75 Ah).
    Pairing a discharge with the next charge instead would not help (1.94 / 2.58 = 0.75).
    """
    path = MACCOR / "PredictionDiagnostics_000109_tztest.010"
    ts, steps, notes = _structured(path)
    vendor = vendor_steps(path)
    by_cycle = vendor.groupby("cycle")[["charge", "discharge"]].sum()
    cycles = cycle_summary(ts, steps).set_index("cycle_index")
    for cycle in (87, 88):
        # each vendor cycle starts with its charge and ends with its discharge's rest
        kinds = steps.loc[steps["cycle_index"] == cycle, "type"].tolist()
        assert kinds[0] == "cc_charge" and kinds[-2:] == ["cc_discharge", "rest"], kinds
        for column, vendor_column in (
            ("charge_capacity_ah", "charge"),
            ("discharge_capacity_ah", "discharge"),
        ):
            assert cycles.loc[cycle, column] == pytest.approx(by_cycle.loc[cycle, vendor_column], rel=5e-3)
        assert bool(cycles.loc[cycle, "complete"])
    assert cycles.loc[87, "charge_capacity_ah"] == pytest.approx(1.451990 + 1.131308, rel=5e-3)
    assert cycles.loc[87, "discharge_capacity_ah"] == pytest.approx(1.839455, rel=5e-3)
    assert cycles.loc[87, "coulombic_efficiency"] == pytest.approx(1.839455 / 2.583298, rel=5e-3)
    assert cycles.loc[88, "coulombic_efficiency"] == pytest.approx(1.746085 / (1.451990 + 0.969639), rel=5e-3)
    # Cyc# 89 is the end of the test: a 2C charge stopped at 4.4 V after 0.28 Ah, a discharge to
    # 2.7 V (step 70), then a charge to 3.85 V (step 71): the last charge has no discharge after it
    assert notes == ["cycler cycle 89 holds 2 charge/discharge loops; split into one cycle each"]
    assert cycles.loc[89, "charge_capacity_ah"] == pytest.approx(
        by_cycle["charge"].loc[89] - 0.483982, rel=5e-3
    )
    assert cycles.loc[89, "discharge_capacity_ah"] == pytest.approx(by_cycle.loc[89, "discharge"], rel=5e-3)
    assert not bool(cycles.loc[90, "complete"]) and cycles.loc[90, "charge_capacity_ah"] == pytest.approx(
        0.483982, rel=5e-3
    )
