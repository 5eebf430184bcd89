"""Maccor text exports in the layout cellpy's ``maccor_txt`` models two and four (KIT, SIMBA project) read:
twelve lines above a header that starts ``Rec`` (no ``#``), ``Cycle C`` or ``Cycle P``, ``TestTime``,
``Cap. [Ah]``, ``Ener. [Wh]``, ``Current [A]`` unsigned, ``Voltage [V]``, the state in ``Md``, ``DPT Time``;
tab-separated, decimal commas, day-first dates, blank lines. Each is generated from a shared MacTest32
export and must read to its per-cycle capacities, energies and wall clock, and to the discharge capacity per
cycle summed by hand from the original's own ``Amp-hr`` (the last value of each discharge step).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gwangyang.battery import schema as s
from gwangyang.battery.io import detect, read_cycler
from gwangyang.battery.schema import CyclerData
from gwangyang.errors import CorruptFileError, InputError

from .variant_layouts import MACCOR_TEXT
from .variants import TextExport, assert_same_cycles, assert_same_dates, kinds

KIT_NAMES = {
    "Rec#": "Rec",
    "Cyc#": "Cycle C",
    "Test (Sec)": "TestTime",
    "Step (Sec)": "StepTime",
    "Amp-hr": "Cap. [Ah]",
    "Watt-hr": "Ener. [Wh]",
    "Amps": "Current [A]",
    "Volts": "Voltage [V]",
    "State": "Md",
    "DPt Time": "DPT Time",
}
KEPT = ["Rec", "Cycle P", "Cycle C", "Step", "TestTime", "StepTime", "Cap. [Ah]", "Ener. [Wh]"]
KEPT += ["Current [A]", "Voltage [V]", "Md", "DPT Time"]
"""cellpy's ``columns_to_keep`` of model two, in its order."""
PREAMBLE = [
    "Today's Date\t21.10.2019",
    "Date of Test:\t10.10.2019",
    "Filename:\tC:\\Data\\KIT\\cell_007.txt",
    "Procedure:\tCCCV_1C.000",
    "Comment/Barcode:\tSIMBA cell 7",
    "",
    "Operator:\tB. Müller",
    "Channel:\t7",
    "",
    "Mass [g]:\t0,015",
    "Cell:\tNMC811/graphite",
    "",
]
"""Twelve lines above the header (cellpy's ``skiprows = 12``), blank ones among them."""


@pytest.fixture(scope="module")
def original() -> tuple[CyclerData, TextExport]:
    path = MACCOR_TEXT.path
    return read_cycler(path), TextExport.parse(path.read_text(encoding="latin-1"), 1, "\t")


def _kit(export: TextExport, cycle: str = "Cycle C") -> TextExport:
    """The export in KIT's layout: renamed, cellpy's columns only, current unsigned, decimal commas."""
    variant = export.copy().rename({**KIT_NAMES, "Cyc#": cycle})
    for name in [n for n in variant.header if n not in KEPT]:
        variant.drop(name)
    variant.map_column("Current [A]", lambda v: v.lstrip("-"))
    variant.decimal_comma("\t")
    variant.map_column("DPT Time", _day_first)
    variant.pre = list(PREAMBLE)
    variant.post = ["", ""]
    return variant


def _day_first(value: str) -> str:
    return datetime.strptime(value, "%m/%d/%Y %H:%M:%S").strftime("%d.%m.%Y %H:%M:%S")


def _write(folder: Path, name: str, variant: TextExport) -> Path:
    path = folder / name
    path.write_bytes(variant.render().encode("latin-1"))
    return path


def _discharge_by_hand(path: Path) -> dict[int, float]:
    """Per cycle, the sum over its discharge steps of each step's last ``Amp-hr`` (Maccor's own counter)."""
    last: dict[tuple[int, int], float] = {}
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="latin-1").split("\n", 1)[1]), delimiter="\t")
    for row in rows:
        if row["State"] == "D":
            last[(int(row["Cyc#"]), int(row["Step"]))] = float(row["Amp-hr"])
    totals: dict[int, float] = defaultdict(float)
    for (cycle, _), value in last.items():
        totals[cycle] += value
    return dict(totals)


def test_the_kit_layout_reads_to_the_original(
    tmp_path: Path, original: tuple[CyclerData, TextExport]
) -> None:
    data0, export = original
    variant = _kit(export)
    assert variant.header == [n for n in KEPT if n != "Cycle P"]
    assert variant.rows[1][4] == "30,0000" or "," in variant.rows[1][4]
    path = _write(tmp_path, "cell_007.txt", variant)
    assert detect(path).name == "maccor"
    data = read_cycler(path)
    assert data.rows == data0.rows
    assert_same_cycles(data0, data)
    assert_same_dates(data0, data)
    np.testing.assert_allclose(data.timeseries[s.CURRENT], data0.timeseries[s.CURRENT], rtol=1e-12)
    assert kinds(data) == kinds(data0)
    assert (
        data.extra["filename"] == "C:\\Data\\KIT\\cell_007.txt" and data.extra["procedure"] == "CCCV_1C.000"
    )
    by_hand = _discharge_by_hand(MACCOR_TEXT.path)
    read = data.timeseries.groupby(s.CYCLE)[s.DISCHARGE_CAPACITY].max()
    assert sorted(by_hand) == [c for c in read.index if read[c] > 0]
    np.testing.assert_allclose(
        [read[c] for c in sorted(by_hand)], [by_hand[c] for c in sorted(by_hand)], rtol=1e-9
    )


def test_cycle_p_and_durations(tmp_path: Path, original: tuple[CyclerData, TextExport]) -> None:
    # model two names the cycle "Cycle P"; TestTime written as Maccor's "0d 00:00:30,0000"
    data0, export = original

    def duration(value: str) -> str:
        seconds = float(value)
        whole = int(seconds)
        days, rest = divmod(whole, 86400)
        return f"{days}d {rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}{f'{seconds - whole:.4f}'[1:]}"

    variant = export.copy().map_column("Test (Sec)", duration)
    assert variant.rows[-1][3].startswith("8d ")
    path = _write(tmp_path, "cycle_p.txt", _kit(variant, cycle="Cycle P"))
    data = read_cycler(path)
    assert_same_cycles(data0, data)
    np.testing.assert_allclose(data.timeseries[s.TIME], data0.timeseries[s.TIME], atol=1e-6)


def test_a_missing_kit_column_is_refused_by_name(
    tmp_path: Path, original: tuple[CyclerData, TextExport]
) -> None:
    _, export = original
    path = _write(tmp_path, "no_md.txt", _kit(export).drop("Md"))
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and "'State' or 'Md'" in message


def test_a_kit_file_cut_inside_a_row(tmp_path: Path, original: tuple[CyclerData, TextExport]) -> None:
    data0, export = original
    variant = _kit(export)
    variant.post = []
    text = variant.render().encode("latin-1")
    path = tmp_path / "cut.txt"
    path.write_bytes(text[:-25])  # the last row's date, state and a voltage digit
    data = read_cycler(path)
    assert data.rows == data0.rows - 1
    assert "truncated_file" in kinds(data)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=st.binary(min_size=1, max_size=200), at=st.integers(min_value=0, max_value=4000))
def test_garbage_in_a_kit_file(
    tmp_path: Path, original: tuple[CyclerData, TextExport], junk: bytes, at: int
) -> None:
    # bytes dropped into the file: read (with warnings) or refused in one line naming the file, never a traceback
    _, export = original
    text = _kit(export).render().encode("latin-1")
    path = tmp_path / "junk.txt"
    path.write_bytes(text[:at] + junk + text[at:])
    try:
        data = read_cycler(path)
    except InputError as exc:
        assert "\n" not in str(exc) and path.name in str(exc)
    else:
        assert data.rows > 0
