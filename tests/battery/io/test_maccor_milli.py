"""Maccor text exports in milli-units (``mAmps``, ``mAmp-hr``, ``mWatt-hr``, WMG's) and with counters that run on
across steps instead of restarting at each.

No such file is at hand: each test writes the shared diagnostic export ``xTESLADIAG_000038.078`` (24 cycles, HPPC
pulses, resets and RPTs) that way, values kept, and expects the original's reading. The independent route: the
charge each step passes, integrated from the current over time (``numpy.trapezoid``), matches the per-step
capacity read from every variant.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gwangyang.battery import schema as s
from gwangyang.battery.io import read_cycler
from gwangyang.battery.io.maccor_counters import StepCounters
from gwangyang.battery.schema import CyclerData
from gwangyang.cli.main import main
from gwangyang.errors import CorruptFileError

from .variants import CYCLERS, TextExport, assert_same_cycles, kinds, per_cycle, write

SOURCE = CYCLERS / "maccor" / "xTESLADIAG_000038.078"
MILLI = {"Amps": "mAmps", "Amp-hr": "mAmp-hr", "Watt-hr": "mWatt-hr"}


@pytest.fixture(scope="module")
def original() -> CyclerData:
    data = read_cycler(SOURCE)
    assert data.extra["counters"] == {"capacity_ah": "per_step", "energy_wh": "per_step"}
    return data


@pytest.fixture(scope="module")
def export() -> TextExport:
    return TextExport.parse(SOURCE.read_text(encoding="latin-1"), 1, "\t")


def running(export: TextExport, name: str, through_cycles: bool = False, net: bool = False) -> TextExport:
    """The per-step counter ``name`` carried on across steps (through a cycle, or the whole test); ``net``:
    discharge counted down."""
    variant = export.copy()
    at, cycle_at, step_at, state_at = (variant.index(n) for n in (name, "Cyc#", "Step", "State"))
    base = last = 0.0
    previous: tuple[str, str] | None = None
    for row in variant.rows:
        key = (row[cycle_at], row[step_at])
        if previous is not None and key != previous:
            base = last if through_cycles or key[0] == previous[0] else 0.0
        value = float(row[at]) * (-1.0 if net and row[state_at] == "D" else 1.0)
        last = base + value
        row[at] = repr(last)
        previous = key
    return variant


def milli(export: TextExport) -> TextExport:
    variant = export.copy()
    for name in MILLI:
        variant.map_column(name, lambda v: repr(float(v) * 1000.0))
    return variant.rename(MILLI)


def step_charge(data: CyclerData) -> pd.DataFrame:
    """Per step: the charge the read counters gained over it, and the current integrated over its rows."""
    ts = data.timeseries
    total = (ts["charge_capacity_ah"] + ts["discharge_capacity_ah"]).to_numpy()
    cycles, steps = ts["cycle_index"].to_numpy(), ts["step_index"].to_numpy()
    start = np.r_[True, (np.diff(cycles) != 0) | (np.diff(steps) != 0)]
    first = np.flatnonzero(start)
    new_cycle = np.r_[True, cycles[first[1:]] != cycles[first[1:] - 1]]
    before = np.where(new_cycle, 0.0, total[np.maximum(first - 1, 0)])
    rows = []
    for k, (a, b) in enumerate(zip(first, np.r_[first[1:], len(ts)], strict=True)):
        time = ts["test_time_s"].to_numpy()[a:b]
        current = np.abs(ts["current_a"].to_numpy()[a:b])
        if b - a > 1 and current[-1] == 0:
            # a stop row (S) writes the current after the stop; the step ran to it at the row before's current
            # (xTESLADIAG: 4.700 A x 7.00 s = 0.009139 Ah, its counter's)
            current[-1] = current[-2]
        rows.append((total[b - 1] - before[k], np.trapezoid(current, time) / 3600.0, b - a))
    return pd.DataFrame(rows, columns=["read_ah", "integrated_ah", "rows"])


def assert_integrates(data: CyclerData) -> None:
    """Each step of 20 rows or more holding over 0.1 Ah (47): read and integrated charge within 0.01 % (the
    original's largest difference is 0.0018 %)."""
    steps = step_charge(data)
    big = steps[(steps["rows"] >= 20) & (steps["read_ah"] > 0.1)]
    assert len(big) >= 40
    np.testing.assert_allclose(big["read_ah"], big["integrated_ah"], rtol=1e-4)


def assert_same(original: CyclerData, data: CyclerData) -> None:
    assert_same_cycles(original, data)
    for column in ("current_a", "charge_capacity_ah", "discharge_capacity_ah", "charge_energy_wh"):
        np.testing.assert_allclose(
            data.timeseries[column], original.timeseries[column], rtol=1e-9, atol=1e-12
        )


def test_the_original_integrates(original: CyclerData) -> None:
    assert_integrates(original)


def test_milli_units(tmp_path: Path, original: CyclerData, export: TextExport) -> None:
    data = read_cycler(write(tmp_path, "셀_밀리.078", milli(export).render(), "latin-1"))
    assert_same(original, data)
    assert data.cell_id == "셀_밀리.078" and kinds(data) == kinds(original)
    assert data.timeseries["current_a"].abs().max() == pytest.approx(
        original.timeseries["current_a"].abs().max()
    )


VARIANTS: dict[str, tuple[Callable[[TextExport], TextExport], str]] = {
    "within_cycle": (lambda e: running(running(e, "Amp-hr"), "Watt-hr"), "runs_on"),
    "through_cycles": (
        lambda e: running(running(e, "Amp-hr", True), "Watt-hr", True),
        "runs_on_through_cycles",
    ),
    "net": (lambda e: running(running(e, "Amp-hr", net=True), "Watt-hr", net=True), "runs_on"),
}


@pytest.mark.parametrize("name", list(VARIANTS))
@pytest.mark.parametrize("units", ["si", "milli"])
def test_counters_that_run_on(
    tmp_path: Path, original: CyclerData, export: TextExport, name: str, units: str
) -> None:
    change, found = VARIANTS[name]
    variant = change(export)
    if units == "milli":
        variant = milli(variant)
    data = read_cycler(write(tmp_path, f"누적_{name}.078", variant.render(), "latin-1"))
    assert data.extra["counters"] == {"capacity_ah": found, "energy_wh": found}
    assert_same(original, data)
    assert_integrates(data)


def test_read_as_restarting_a_running_counter_counts_twice(
    tmp_path: Path, original: CyclerData, export: TextExport, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the check prevents: without it, cycle 1's discharge (3.98 Ah) reads as 7.96 Ah (its charge added)."""
    path = write(tmp_path, "twice.078", running(export, "Amp-hr").render(), "latin-1")
    checked = per_cycle(read_cycler(path))["discharge_capacity_ah"]
    monkeypatch.setattr(StepCounters, "__call__", lambda self, values, first_line: values)
    unchecked = per_cycle(read_cycler(path))["discharge_capacity_ah"]
    expected = per_cycle(original)["discharge_capacity_ah"]
    assert checked.iloc[1] == pytest.approx(expected.iloc[1], rel=1e-12) == pytest.approx(3.9787, abs=1e-4)
    assert unchecked.iloc[1] == pytest.approx(7.9638, abs=1e-4)


def test_mixed_restarts_are_refused(tmp_path: Path, export: TextExport) -> None:
    variant = running(export, "Amp-hr")
    at, cycle_at = variant.index("Amp-hr"), variant.index("Cyc#")
    # cycle 5 written as the original: restarting at its steps, while the others run on
    original_rows = {i: r[at] for i, r in enumerate(export.rows) if r[cycle_at] == "5"}
    for i, value in original_rows.items():
        variant.rows[i][at] = value
    variant = milli(variant)
    path = write(tmp_path, "mixed.078", variant.render(), "latin-1")
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and "'mAmp-hr'" in message
    assert "restarts at some step changes (line" in message and "cannot be told apart" in message


def test_both_units_are_refused(tmp_path: Path, export: TextExport) -> None:
    variant = export.copy().add_column("mAmps", lambda i: "0.0")
    path = write(tmp_path, "both.078", variant.render(), "latin-1")
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and "'Amps' and 'mAmps'" in message


def test_cut_inside_the_last_row(tmp_path: Path, original: CyclerData, export: TextExport) -> None:
    path = write(tmp_path, "잘림.078", milli(running(export, "Amp-hr")).render(), "latin-1", cut=40)
    data = read_cycler(path)
    assert data.rows == original.rows - 1 and "truncated_file" in kinds(data)
    np.testing.assert_allclose(
        data.timeseries["discharge_capacity_ah"],
        original.timeseries["discharge_capacity_ah"].iloc[:-1],
        rtol=1e-9,
    )


def test_ingest_through_the_cli(
    tmp_path: Path, store_dir: Path, export: TextExport, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    good = write(folder, "밀리 셀.078", milli(running(export, "Amp-hr", True)).render(), "latin-1")
    variant = running(export, "Amp-hr")
    at, cycle_at = variant.index("Amp-hr"), variant.index("Cyc#")
    for i, row in enumerate(export.rows):
        if row[cycle_at] == "5":
            variant.rows[i][at] = row[at]
    bad = write(folder, "섞임.078", variant.render(), "latin-1")
    code = main(["battery", "ingest", str(SOURCE), str(good), str(bad), "--store", str(store_dir), "--json"])
    report = json.loads(capsys.readouterr().out)
    (failed,) = report["failed"]
    # the bad file fails alone (one line naming it and the column); the others are ingested: exit 1
    assert (
        code == 1
        and failed["bad_input"] is True
        and "섞임.078" in failed["error"]
        and "'Amp-hr'" in failed["error"]
    )
    cycles = []
    for cell in ("xTESLADIAG_000038", "밀리 셀"):
        assert main(["battery", "cycles", cell, "--store", str(store_dir), "--json"]) == 0
        rows = json.loads(capsys.readouterr().out)["cycles"]
        cycles.append(np.array([[row["charge_capacity_ah"], row["discharge_capacity_ah"]] for row in rows]))
    assert len(cycles[0]) > 20
    np.testing.assert_allclose(cycles[1], cycles[0], rtol=1e-9)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([1.0, -1.0, 0.0]),  # charge, discharge, rest
            st.floats(0.05, 5.0),  # current magnitude (A)
            st.integers(2, 15),  # rows
            st.floats(1.0, 30.0),  # seconds between rows
        ),
        min_size=2,
        max_size=12,
    ),
    st.integers(1, 4),
)
def test_random_step_sequences(steps: list[tuple[float, float, int, float]], per_cycle_steps: int) -> None:
    """Random schedules: a counter restarting at each step, and the same counter carried on through each
    cycle, both read as the restarting one, read as restarting with a warning where the steps are too short to
    tell (off by 5 % of the largest value at most), or refused where reading so could be off by more."""
    time, current, cycle, step, per_step = [], [], [], [], []
    now = 0.0
    for k, (sign, amps, rows, dt) in enumerate(steps):
        gained = 0.0
        for _ in range(rows):
            now += dt
            gained += amps * abs(sign) * dt / 3600.0
            time.append(now)
            current.append(sign * amps)
            cycle.append(k // per_cycle_steps)
            step.append(k)
            per_step.append(gained)
    values = {
        s.TIME: np.array(time),
        s.CURRENT: np.array(current),
        s.VOLTAGE: np.full(len(time), 3.7),
        s.CYCLE: np.array(cycle, dtype="float64"),
        s.STEP: np.array(step, dtype="float64"),
    }
    truth = np.array(per_step)
    carried = truth.copy()
    starts = np.flatnonzero(np.diff(values[s.STEP]) != 0) + 1
    for a in starts:
        if values[s.CYCLE][a] == values[s.CYCLE][a - 1]:
            end = starts[starts > a][0] if (starts > a).any() else len(truth)
            carried[a:end] += carried[a - 1]
    moving = values[s.CURRENT] != 0  # what a rest carries is counted as neither charge nor discharge
    largest = float(carried.max())
    for counter in (truth, carried):  # read back to the truth, or refused (steps too short to tell)
        hook = StepCounters(Path("random.078"), {"capacity_ah": "Amp-hr"})
        try:
            out = hook({**values, "capacity_ah": counter}, 3)["capacity_ah"]
        except CorruptFileError as exc:
            assert "cannot be told apart safely" in str(exc) and "\n" not in str(exc)
            continue
        # a running counter with no step time: what may belong to the step before is warned about (maccor_tails)
        undecided = [n for n in hook.notes if "no step time" not in n["detail"]]
        if undecided:  # undecided, read as restarting: off by at most 5 % of the largest value in all
            assert "read as restarting" in undecided[0]["detail"]
            assert np.abs(out - truth)[moving].max() <= 0.05 * largest + 1e-12
        else:
            np.testing.assert_allclose(out[moving], truth[moving], rtol=1e-12, atol=1e-15)


def thinned(counter: list[float], step_time: bool) -> str:
    """A Maccor text export of a CV charge (step 1) then a 2 A discharge (step 2) in one cycle, rows thinned as in
    the shared ``...short.022`` file: the discharge's first row comes 30 s after the charge's last, 0.1 s into
    the discharge. Amp-hr is ``counter`` (in units of 1/3600 Ah), Watt-hr that at 3.7 V."""
    header = ["Rec#", "Cyc#", "Step", "Test (Sec)", *(["Step (Sec)"] if step_time else [])]
    header += ["Amp-hr", "Watt-hr", "Amps", "Volts", "State"]
    rows = [(1, 1.0, 1.0, 2.0, "C"), (1, 2.0, 2.0, 0.01, "C"), (2, 32.0, 0.1, 2.0, "D")]
    rows += [(2, 33.0, 1.1, 2.0, "D"), (2, 34.0, 2.1, 2.0, "D")]
    lines = ["Today's Date 12/07/2026  Date of Test:\t12/07/2026\t Filename:\tthinned.001", "\t".join(header)]
    for rec, ((step, test, since, amps, state), value) in enumerate(zip(rows, counter, strict=True), 1):
        ah = value / 3600.0
        cells = [rec, 1, step, test, *([since] if step_time else []), ah, ah * 3.7, amps, 3.7, state]
        lines.append("\t".join(str(cell) for cell in cells))
    return "\n".join(lines) + "\n"


# restarting: the discharge's first row 0.1 s x 2 A = 0.2; carried on, the charge's 3 plus 0.1 it gained after
# its last row (at under 0.01 A) come before that
RESTARTING = [2.0, 3.0, 0.2, 2.2, 4.2]
CARRIED = [2.0, 3.0, 3.3, 5.3, 7.3]


@pytest.mark.parametrize("step_time", [True, False])
def test_thinned_restarting_counter(tmp_path: Path, step_time: bool) -> None:
    """The discharge's first row (0.2) lies below the charge's last value (3): carried on, a counter that grows
    in both steps cannot have gone back; read per step (the old rule, 0.2 and 3 both within 1.5 x 2 A x 30 s = 90,
    could not tell), discharge 4.2/3600 Ah as written."""
    path = tmp_path / "재시작.001"
    path.write_text(thinned(RESTARTING, step_time), encoding="utf-8")
    data = read_cycler(path)
    assert data.extra["counters"] == {"capacity_ah": "per_step", "energy_wh": "per_step"}
    assert "unknown_format" not in kinds(data)
    assert data.timeseries["discharge_capacity_ah"].iloc[-1] == pytest.approx(4.2 / 3600.0, rel=1e-9)
    assert data.timeseries["charge_capacity_ah"].iloc[-1] == pytest.approx(3.0 / 3600.0, rel=1e-9)


def test_thinned_running_counter_told_by_the_step_time(tmp_path: Path) -> None:
    """0.1 s into the discharge at 2 A a restarting counter shows at most 1.5 x 2 x 0.1 = 0.3 (and the written
    resolution); 3.3 is more: carried on. Of the jump of 0.3 the discharge's own 0.1 s at 2 A is 0.2; the 0.1 the
    charge gained after its last row (within 1.5 x 0.01 A x 29.9 s) is put back in the charge (maccor_tails): the
    charge reads 3.1, the discharge 7.3 - 3.1 = 4.2 (it read 4.3 before, the charge's 0.1 counted in it). Without
    the step time (the interval since the charge's last row, 30 s, allows 90) nothing decides, and read as
    restarting it would be off by 3 of 7.3: refused."""
    path = tmp_path / "누적.001"
    path.write_text(thinned(CARRIED, True), encoding="utf-8")
    data = read_cycler(path)
    assert data.extra["counters"] == {"capacity_ah": "runs_on", "energy_wh": "runs_on"}
    assert data.timeseries["charge_capacity_ah"].iloc[-1] == pytest.approx(3.1 / 3600.0, rel=1e-9)
    assert data.timeseries["discharge_capacity_ah"].iloc[-1] == pytest.approx(4.2 / 3600.0, rel=1e-9)
    assert data.timeseries["discharge_energy_wh"].iloc[-1] == pytest.approx(4.2 * 3.7 / 3600.0, rel=1e-9)
    assert kinds(data) == ["counter_overridden", "counter_overridden"]
    path.write_text(thinned(CARRIED, False), encoding="utf-8")
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and "'Amp-hr'" in message
    assert "too little passes before each step change (first at line 5)" in message


def test_a_rest_decides() -> None:
    """A 2 A charge of two rows 30 s apart (1/60 Ah), then a rest: restarting, the rest's rows are 0; carried on,
    they hold 1/60. The old rule passed rests over: no change decided, and the readings differing by all of 1/60,
    both were refused."""
    values = {
        s.TIME: np.array([30.0, 60.0, 90.0, 120.0]),
        s.CURRENT: np.array([2.0, 2.0, 0.0, 0.0]),
        s.VOLTAGE: np.full(4, 3.7),
        s.CYCLE: np.zeros(4),
        s.STEP: np.array([1.0, 1.0, 2.0, 2.0]),
    }
    charge = np.array([1.0, 2.0]) / 120.0
    for counter, found in (
        (np.r_[charge, 0.0, 0.0], "per_step"),
        (np.r_[charge, charge[1], charge[1]], "runs_on"),
    ):
        hook = StepCounters(Path("rest.078"), {"capacity_ah": "Amp-hr"})
        out = hook({**values, "capacity_ah": counter}, 3)["capacity_ah"]
        assert hook.found == {"capacity_ah": found} and not hook.notes
        np.testing.assert_allclose(out, [1 / 120, 1 / 60, 0.0, 0.0], rtol=0, atol=1e-15)
