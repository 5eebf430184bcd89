"""Neware BTSDA three-level CSV exports as customers' machines write them: the IFE example with its
record columns moved, added or left out, in milli-units, with a BOM or in cp949 (``T1(℃)``), with
dates in other forms, cut, appended to itself, under a Korean name. Each reads to the original's
per-cycle figures, which match Neware's own cycle totals in the file, or is warned about."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from gwangyang.battery.io import read_cycler
from gwangyang.battery.schema import CyclerData

from .variants import (
    CYCLERS,
    assert_appended,
    assert_cut,
    assert_same_cycles,
    assert_same_dates,
    kinds,
    korean_clock,
    per_cycle,
    restamp,
    warned,
    write,
)

SOURCE = CYCLERS / "neware" / "nw_regular_export_ife_example.csv"
WRITTEN_TO = 1e-5
"""The cycle level writes capacities and energies to 5 decimals."""


@pytest.fixture(scope="module")
def original() -> CyclerData:
    return read_cycler(SOURCE)


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return SOURCE.read_text(encoding="latin-1").splitlines()


def _records(
    lines: list[str],
    header: Callable[[list[str]], list[str]],
    row: Callable[[list[str]], list[str]],
) -> str:
    """The export with its record level (lines starting ``,,``) rewritten field by field."""
    out = []
    for index, line in enumerate(lines):
        if index == 2:
            line = ",," + ",".join(header(line[2:].split(",")))
        elif index > 2 and line.startswith(",,"):
            line = ",," + ",".join(row(line[2:].split(",")))
        out.append(line)
    return "\r\n".join(out) + "\r\n"


def _vendor_totals_match(data: CyclerData) -> None:
    assert data.vendor_cycles is not None
    vendor = data.vendor_cycles.set_index("cycle_index")
    ours = per_cycle(data)
    for column in ours.columns:
        np.testing.assert_allclose(ours[column].to_numpy(), vendor.loc[ours.index, column], atol=WRITTEN_TO)


def test_original_matches_neware_cycle_totals(original: CyclerData) -> None:
    assert len(per_cycle(original)) == 20
    _vendor_totals_match(original)


def test_record_columns_in_another_order(tmp_path: Path, original: CyclerData, lines: list[str]) -> None:
    width = len(lines[2][2:].split(","))
    order = [1, 0, *range(width - 1, 1, -1)]
    text = _records(
        lines, lambda h: [h[i] for i in order], lambda r: [r[i] if i < len(r) else "" for i in order]
    )
    data = read_cycler(write(tmp_path, "moved.csv", text))
    assert_same_cycles(original, data)
    assert_same_dates(original, data)
    assert kinds(data) == []


def test_an_unknown_record_column_is_warned_about(
    tmp_path: Path, original: CyclerData, lines: list[str]
) -> None:
    data = read_cycler(
        write(tmp_path, "extra.csv", _records(lines, lambda h: [*h, "Probe"], lambda r: [*r, "1"]))
    )
    assert_same_cycles(original, data)
    assert "'Probe'" in warned(data, "unknown_column")


def test_energy_left_out(tmp_path: Path, original: CyclerData, lines: list[str]) -> None:
    at = lines[2][2:].split(",").index("Energy(Wh)")
    text = _records(lines, lambda h: h[:at] + h[at + 1 :], lambda r: r[:at] + r[at + 1 :])
    data = read_cycler(write(tmp_path, "no_energy.csv", text))
    assert_same_cycles(original, data, ("charge_capacity_ah", "discharge_capacity_ah"))
    assert "charge_energy_wh" not in data.timeseries.columns and kinds(data) == []


def test_milli_units(tmp_path: Path, original: CyclerData, lines: list[str]) -> None:
    header = lines[2][2:].split(",")
    current, capacity = header.index("Current(A)"), header.index("Capacity(Ah)")

    def milli(row: list[str]) -> list[str]:
        row = list(row)
        for i in (current, capacity):
            row[i] = repr(float(row[i]) * 1000.0)
        return row

    renamed = {"Current(A)": "Current(mA)", "Capacity(Ah)": "Capacity(mAh)"}
    data = read_cycler(
        write(tmp_path, "milli.csv", _records(lines, lambda h: [renamed.get(x, x) for x in h], milli))
    )
    assert_same_cycles(original, data)


def test_bom(tmp_path: Path, original: CyclerData, lines: list[str]) -> None:
    data = read_cycler(write(tmp_path, "bom.csv", "\r\n".join(lines) + "\r\n", "utf-8-sig"))
    assert_same_cycles(original, data)
    _vendor_totals_match(data)


def test_cp949_korean_windows(tmp_path: Path, original: CyclerData, lines: list[str]) -> None:
    text = _records(lines, lambda h: [*h, "비고"], lambda r: [*r, "정상"]).replace("(?)", "(℃)")
    data = read_cycler(write(tmp_path, "korean.csv", text, "cp949"))
    assert_same_cycles(original, data)
    np.testing.assert_allclose(data.timeseries["temperature_c"], original.timeseries["temperature_c"])
    assert "'비고'" in warned(data, "unknown_column")


@pytest.mark.parametrize("form", ["%Y-%m-%d %H:%M:%S.%f", "%Y/%m/%d %H:%M:%S", "korean"])
def test_dates_in_other_forms(tmp_path: Path, original: CyclerData, lines: list[str], form: str) -> None:
    at = lines[2][2:].split(",").index("Date")
    change = restamp("%Y-%m-%d %H:%M:%S", korean_clock if form == "korean" else (lambda m: m.strftime(form)))

    def row(r: list[str]) -> list[str]:
        r = list(r)
        r[at] = change(r[at])
        return r

    data = read_cycler(write(tmp_path, "dates.csv", _records(lines, lambda h: h, row), "cp949"))
    assert_same_cycles(original, data)
    assert_same_dates(original, data)
    assert data.start_time == original.start_time and kinds(data) == []


def test_cut_inside_its_last_row(tmp_path: Path, original: CyclerData, lines: list[str]) -> None:
    text = "\r\n".join(lines) + "\r\n"
    assert_cut(original, read_cycler(write(tmp_path, "cut.csv", text, cut=len(lines[-1]) // 2)))


def test_a_second_test_appended(tmp_path: Path, original: CyclerData, lines: list[str]) -> None:
    data = read_cycler(write(tmp_path, "twice.csv", "\r\n".join(lines + lines[3:]) + "\r\n"))
    assert_appended(original, data)


def test_korean_file_name(tmp_path: Path, original: CyclerData, lines: list[str]) -> None:
    data = read_cycler(write(tmp_path, "셀_1번.csv", "\r\n".join(lines) + "\r\n"))
    assert_same_cycles(original, data)
    assert data.cell_id == "셀_1번"


def _btsda7(lines: list[str]) -> str:
    """The export in BTSDA 7's layout (as BEEP reads it): ``Cycle ID``, ``Step ID``, records with the
    time within the step only, milli-units, ``Realtime``; fields quoted, text behind a tab."""
    record = lines[2][2:].split(",")
    at = {
        name: record.index(name)
        for name in ("DataPoint", "Time", "Voltage(V)", "Current(A)", "Capacity(Ah)", "Energy(Wh)", "Date")
    }

    def quoted(fields: list[str]) -> str:
        return ",".join(f'"{f}"' if f else "" for f in fields)

    out = [quoted(lines[0].replace("Cycle Index", "Cycle ID").split(","))]
    out.append("," + quoted(lines[1][1:].replace("Step Index", "Step ID").split(",")))
    out.append(
        ',,"Record ID","Time(h:min:s.ms)","Voltage(V)","Current(mA)","Capacity(mAh)","Energy(mWh)","Realtime"'
    )
    for line in lines[3:]:
        if line.startswith(",,"):
            r = line[2:].split(",")
            milli = [repr(float(r[at[n]]) * 1000.0) for n in ("Current(A)", "Capacity(Ah)", "Energy(Wh)")]
            fields = [
                r[at["DataPoint"]],
                "\t" + r[at["Time"]],
                r[at["Voltage(V)"]],
                *milli,
                "\t" + r[at["Date"]],
            ]
            out.append(",," + quoted(fields))
        elif line.startswith(","):
            out.append("," + quoted(line[1:].split(",")))
        else:
            out.append(quoted(line.split(",")))
    return "\r\n".join(out) + "\r\n"


def test_btsda7_layout(tmp_path: Path, original: CyclerData, lines: list[str]) -> None:
    data = read_cycler(write(tmp_path, "btsda7.csv", _btsda7(lines)))
    assert data.vendor == "neware" and kinds(data) == []
    assert_same_cycles(original, data)
    assert_same_dates(original, data)
    _vendor_totals_match(data)
    # test time from the steps' own clocks (1 s resolution): what passes between a step's last record and
    # the next step's start is not written, so over the 28 h test it falls behind Total Time by at most 5 s
    lag = original.timeseries["test_time_s"] - data.timeseries["test_time_s"]
    assert original.timeseries["test_time_s"].iloc[-1] > 100_000 and lag.between(0, 5).all()
