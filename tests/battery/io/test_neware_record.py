"""Neware BTSDA's record table as a flat CSV (cellpy's ``neware_txt`` and PyProBE's ``Neware`` layout).

No such file is at hand: each test writes the IFE three-level export's records as that table (the cycle and
step each record belongs to in ``Cycle Index``/``Step Index``/``Step Type``, the per-step capacity split into
``Chg. Cap.``/``DChg. Cap.`` by the step type, as BTSDA does), and expects the same per-cycle figures as the
three-level reading, which match Neware's own cycle totals in the file (an independent route).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gwangyang.battery.io import detect, read_cycler
from gwangyang.battery.schema import CyclerData
from gwangyang.errors import CorruptFileError, GwangyangError

from .variant_layouts import NEWARE_CSV
from .variants import assert_same_cycles, kinds, neware_totals_match, warned, write

HEADER = [
    "DataPoint",
    "Cycle Index",
    "Step Index",
    "Step Type",
    "Time",
    "Total Time",
    "Current(A)",
    "Voltage(V)",
    "Capacity(Ah)",
    "Chg. Cap.(Ah)",
    "DChg. Cap.(Ah)",
    "Energy(Wh)",
    "Chg. Energy(Wh)",
    "DChg. Energy(Wh)",
    "Date",
    "Power(W)",
    "T1(°C)",
]


def _records() -> list[dict[str, str]]:
    """The IFE export's records, each with its cycle, step and step type, and split capacities."""
    lines = NEWARE_CSV.path.read_text(encoding="latin-1").splitlines()
    record = lines[2][2:].split(",")
    out = []
    cycle = step = kind = ""
    for line in lines[3:]:
        if not line.startswith(","):
            fields = line.split(",")
            cycle = fields[0]
            if len(fields) > 8:  # the first step rides on the first cycle line
                step, kind = fields[8], fields[10]
        elif not line.startswith(",,"):
            fields = line[1:].split(",")
            step, kind = fields[0], fields[2]
        else:
            r = dict(zip(record, line[2:].split(","), strict=False))
            charge, discharge = "DChg" not in kind and "Chg" in kind, "DChg" in kind
            out.append(
                {
                    "DataPoint": r["DataPoint"],
                    "Cycle Index": cycle,
                    "Step Index": step,
                    "Step Type": kind,
                    "Time": r["Time"],
                    "Total Time": r["Total Time"],
                    "Current(A)": r["Current(A)"],
                    "Voltage(V)": r["Voltage(V)"],
                    "Capacity(Ah)": r["Capacity(Ah)"],
                    "Chg. Cap.(Ah)": r["Capacity(Ah)"] if charge else "0.000000000",
                    "DChg. Cap.(Ah)": r["Capacity(Ah)"] if discharge else "0.000000000",
                    "Energy(Wh)": r["Energy(Wh)"],
                    "Chg. Energy(Wh)": r["Energy(Wh)"] if charge else "0.00000",
                    "DChg. Energy(Wh)": r["Energy(Wh)"] if discharge else "0.00000",
                    "Date": r["Date"],
                    "Power(W)": r["Power(W)"],
                    "T1(°C)": r["T1(?)"],
                }
            )
    return out


RECORDS = _records()


def _table(
    header: list[str] = HEADER, rename: dict[str, str] | None = None, scale: dict[str, float] | None = None
) -> str:
    rename, scale = rename or {}, scale or {}
    rows = [",".join(rename.get(h, h) for h in header)]
    for r in RECORDS:
        rows.append(
            ",".join(repr(float(r[h]) * scale[h]) if h in scale else r.get(h, "정상") for h in header)
        )
    return "\r\n".join(rows) + "\r\n"


@pytest.fixture(scope="module")
def original() -> CyclerData:
    data = read_cycler(NEWARE_CSV.path)
    neware_totals_match(data)
    return data


def test_read_matches_the_three_level_export(tmp_path: Path, original: CyclerData) -> None:
    path = write(tmp_path, "record.csv", _table())
    assert detect(path).name == "neware"
    data = read_cycler(path)
    assert data.rows == original.rows == len(RECORDS) and kinds(data) == []
    assert_same_cycles(original, data)
    for column in ("test_time_s", "current_a", "voltage_v", "temperature_c", "step_index"):
        np.testing.assert_allclose(data.timeseries[column], original.timeseries[column])
    assert data.start_time == original.start_time
    assert (data.timeseries["date_time"] == original.timeseries["date_time"]).all()


def test_milli_and_micro_units_and_cumulative_time(tmp_path: Path, original: CyclerData) -> None:
    rename = {
        "Current(A)": "Current(mA)",
        "Chg. Cap.(Ah)": "Chg. Cap.(µAh)",
        "DChg. Cap.(Ah)": "DChg. Cap.(µAh)",
    }
    rename |= {"Chg. Energy(Wh)": "Chg. Energy(mWh)", "DChg. Energy(Wh)": "DChg. Energy(mWh)"}
    rename |= {"Total Time": "Cumulative Time", "Capacity(Ah)": "Capacity(mAh)", "Energy(Wh)": "Energy(mWh)"}
    scale = {"Current(A)": 1e3, "Chg. Cap.(Ah)": 1e6, "DChg. Cap.(Ah)": 1e6, "Chg. Energy(Wh)": 1e3}
    scale |= {"DChg. Energy(Wh)": 1e3, "Capacity(Ah)": 1e3, "Energy(Wh)": 1e3}
    data = read_cycler(write(tmp_path, "milli.csv", _table(rename=rename, scale=scale)))
    assert_same_cycles(original, data)
    np.testing.assert_allclose(data.timeseries["current_a"], original.timeseries["current_a"], rtol=1e-12)


def test_single_capacity_column_is_split_by_the_current(tmp_path: Path, original: CyclerData) -> None:
    header = [h for h in HEADER if not h.startswith(("Chg.", "DChg."))]
    data = read_cycler(write(tmp_path, "single.csv", _table(header)))
    assert_same_cycles(original, data)


def test_unknown_columns_are_named(tmp_path: Path, original: CyclerData) -> None:
    # a column of the operator's, in Korean Windows' encoding: read around, and named
    data = read_cycler(write(tmp_path, "korean.csv", _table([*HEADER, "비고"]), "cp949"))
    assert "'비고'" in warned(data, "unknown_column")
    assert_same_cycles(original, data)


@pytest.mark.parametrize(
    ("old", "new"),
    [("Chg. Cap.(Ah)", "Chg. Cap.(mAh/g)"), ("Current(A)", "Current(C)"), ("Voltage(V)", "Voltage(kV)")],
)
def test_a_unit_not_known_is_refused_in_one_line(tmp_path: Path, old: str, new: str) -> None:
    path = write(tmp_path, "unit.csv", _table(rename={old: new}))
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and repr(new) in message and "not known" in message


def test_no_total_time_nor_step_time_is_refused(tmp_path: Path) -> None:
    # with the time within each step only, the test time is built from the steps (test_neware_steptime.py)
    path = write(tmp_path, "notime.csv", _table([h for h in HEADER if h not in ("Total Time", "Time")]))
    with pytest.raises(CorruptFileError, match="Total Time"):
        read_cycler(path)


def test_cut_inside_a_row_keeps_the_rows_before(tmp_path: Path, original: CyclerData) -> None:
    path = write(tmp_path, "cut.csv", _table(), cut=20)
    data = read_cycler(path)
    assert data.rows == original.rows - 1 and "truncated_file" in kinds(data)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(min_size=0, max_size=400))
def test_garbage_after_the_header_is_refused_or_read(
    tmp_path_factory: pytest.TempPathFactory, junk: bytes
) -> None:
    path = tmp_path_factory.mktemp("junk") / "junk.csv"
    path.write_bytes(",".join(HEADER).encode() + b"\r\n" + junk)
    try:
        data = read_cycler(path)
    except GwangyangError as exc:  # refused in one line naming the file (damaged, or no text at all)
        assert "\n" not in str(exc) and str(path) in str(exc)
    else:
        assert np.isfinite(data.timeseries["voltage_v"]).all()
