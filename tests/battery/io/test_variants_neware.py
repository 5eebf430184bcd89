"""Neware BTSDA three-level CSV exports as customers' machines write them: the IFE example with its
record columns in milli-units, in cp949 (``T1(℃)``), with dates in other forms, and in BTSDA 7's layout.
Each reads to the original's per-cycle figures, which match Neware's own cycle totals in the file, or is
warned about. The variants every vendor's export gets (record columns moved, added or left out, BOM,
cut, appended, a Korean file name) are in ``test_variants_common.py``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from gwangyang.battery.io import read_cycler
from gwangyang.battery.schema import CyclerData
from gwangyang.errors import CorruptFileError

from .variant_layouts import NEWARE_CSV
from .variants import (
    RecordExport,
    assert_same_cycles,
    assert_same_dates,
    kinds,
    korean_clock,
    neware_totals_match,
    per_cycle,
    restamp,
    warned,
    write,
)

SOURCE = NEWARE_CSV.path


@pytest.fixture(scope="module")
def original() -> CyclerData:
    return read_cycler(SOURCE)


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return SOURCE.read_text(encoding="latin-1").splitlines()


@pytest.fixture(scope="module")
def export() -> RecordExport:
    return RecordExport.parse_levels(SOURCE.read_text(encoding="latin-1"))


def test_original_matches_neware_cycle_totals(original: CyclerData) -> None:
    assert len(per_cycle(original)) == 20
    neware_totals_match(original)


def test_milli_units(tmp_path: Path, original: CyclerData, export: RecordExport) -> None:
    variant = export.copy()
    for column in ("Current(A)", "Capacity(Ah)"):
        variant.map_column(column, lambda v: repr(float(v) * 1000.0))
    variant.rename({"Current(A)": "Current(mA)", "Capacity(Ah)": "Capacity(mAh)"})
    data = read_cycler(write(tmp_path, "milli.csv", variant.render()))
    assert_same_cycles(original, data)


@pytest.mark.parametrize("micro", ["uA", "\u00b5A", "\u03bcA"])
def test_micro_units(tmp_path: Path, original: CyclerData, export: RecordExport, micro: str) -> None:
    # BTSDA writes micro as u, the micro sign or Greek mu; each reads back to the original's amperes
    variant = export.copy()
    for column in ("Current(A)", "Capacity(Ah)", "Energy(Wh)"):
        variant.map_column(column, lambda v: repr(float(v) * 1e6))
    unit = micro[:-1]
    variant.rename({"Current(A)": f"Current({micro})", "Capacity(Ah)": f"Capacity({unit}Ah)"})
    variant.rename({"Energy(Wh)": f"Energy({unit}Wh)"})
    data = read_cycler(write(tmp_path, "micro.csv", variant.render()))
    assert_same_cycles(original, data)
    np.testing.assert_allclose(data.timeseries["current_a"], original.timeseries["current_a"], rtol=1e-12)


@pytest.mark.parametrize(("old", "new"), [("Capacity(Ah)", "Capacity(mAh/g)"), ("Current(A)", "Current(C)")])
def test_a_unit_not_known_is_refused_in_one_line(
    tmp_path: Path, export: RecordExport, old: str, new: str
) -> None:
    # read with a factor of 1, a per-gram capacity would pass for amp-hours
    path = write(tmp_path, "per_gram.csv", export.copy().rename({old: new}).render())
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and repr(new) in message
    assert f"unit {new[new.index('(') + 1 : -1]!r} not known" in message


def _days_apart(form: str) -> Callable[[str], str]:
    """``H:MM:SS`` with hours past 24 rewritten with the days apart: ``d.hh:mm:ss`` (.NET), ``d-hh:mm:ss``..."""

    def change(value: str) -> str:
        h, m, sec = value.split(":")
        days, hours = divmod(int(h), 24)
        return form.format(d=days, h=hours, m=m, s=sec) if days else value

    return change


@pytest.mark.parametrize("form", ["{d}.{h:02d}:{m}:{s}", "{d}-{h:02d}:{m}:{s}", "{d} days {h:02d}:{m}:{s}"])
def test_total_time_with_days_apart(
    tmp_path: Path, original: CyclerData, export: RecordExport, form: str
) -> None:
    # the 28 h test: 1.04:00:00 is 1 day and 4 hours (100,800 s), as 28:00:00 is
    variant = export.copy().map_column("Total Time", _days_apart(form))
    assert any(form.split("{h")[0].format(d=1) in row[variant.index("Total Time")] for row in variant.rows)
    data = read_cycler(write(tmp_path, "days.csv", variant.render()))
    np.testing.assert_array_equal(data.timeseries["test_time_s"], original.timeseries["test_time_s"])
    assert_same_cycles(original, data)


def test_cp949_korean_windows(tmp_path: Path, original: CyclerData, export: RecordExport) -> None:
    text = export.copy().add_column("비고", lambda i: "정상").render().replace("(?)", "(℃)")
    data = read_cycler(write(tmp_path, "korean.csv", text, "cp949"))
    assert_same_cycles(original, data)
    np.testing.assert_allclose(data.timeseries["temperature_c"], original.timeseries["temperature_c"])
    assert "'비고'" in warned(data, "unknown_column")


@pytest.mark.parametrize("form", ["%Y-%m-%d %H:%M:%S.%f", "%Y/%m/%d %H:%M:%S", "korean"])
def test_dates_in_other_forms(tmp_path: Path, original: CyclerData, export: RecordExport, form: str) -> None:
    change = restamp("%Y-%m-%d %H:%M:%S", korean_clock if form == "korean" else (lambda m: m.strftime(form)))
    variant = export.copy().map_column("Date", change)
    data = read_cycler(write(tmp_path, "dates.csv", variant.render(), "cp949"))
    assert_same_cycles(original, data)
    assert_same_dates(original, data)
    assert data.start_time == original.start_time and kinds(data) == []


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
    neware_totals_match(data)
    # test time from the steps' own clocks (1 s resolution), each step starting where Realtime says (never before
    # the previous record): Realtime itself is 1 s ahead of to 6 s behind Total Time over the 28 h test (the PC's
    # clock), the rebuilt time 1 s ahead to 5 s behind (summing the steps alone falls 18 s behind)
    total = original.timeseries["test_time_s"]
    lag = total - data.timeseries["test_time_s"]
    wall = (original.timeseries["date_time"] - original.timeseries["date_time"].iloc[0]).dt.total_seconds()
    assert (total - wall).min() == -1.0 and (total - wall).max() == 6.0
    assert total.iloc[-1] > 100_000 and lag.min() == -1.0 and lag.max() == 5.0


def test_rows_without_a_number_are_left_out_with_a_warning(
    tmp_path: Path, original: CyclerData, export: RecordExport
) -> None:
    # a record whose voltage is no number cannot be kept; it used to go without a word
    variant = export.copy()
    at = variant.index("Voltage(V)")
    variant.rows[10][at] = "n/a"
    data = read_cycler(write(tmp_path, "nan.csv", variant.render()))
    assert data.rows == original.rows - 1
    assert "1 of 9295 row(s) left out" in warned(data, "rows_dropped")
    assert "data row 11" in warned(data, "rows_dropped")
