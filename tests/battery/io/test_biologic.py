"""BioLogic readers: our own .mpr parser and the EC-Lab text exports (.mpt, ';' CSV)."""

from __future__ import annotations

import shutil
import struct
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gwangyang.battery.io import detect, read_cycler
from gwangyang.battery.io.biologic import BiologicMprReader, BiologicTextReader
from gwangyang.battery.io.biologic_mpr import Module, read_modules, read_mpr
from gwangyang.battery.schema import CyclerData
from gwangyang.errors import CorruptFileError, InputError, UnknownFormatError

BIOLOGIC = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "battery" / "cyclers" / "biologic"
CSV = BIOLOGIC / "test_loopsnewoutput_MB_CE1_short10k.csv"
MPT = BIOLOGIC / "Sample_data_biologic_no_header.mpt"
MPR_FILES = ("00_test_01_OCV_C01.mpr", "00_test_02_MB_C01.mpr", "00_test_04_MB_C01.mpr")

# TRI-AMDD/beep beep/structure/tests/test_cyclerpaths.py::TestBioLogicDatapath.test_from_csv, same file:
# first cycle charge 1.4618750 Ah, discharge 2.324598 Ah, raw test time 0 .. 102040.77 s, first date-time
# 2021-05-05T22:36:22.757 UTC (beep reads the file's clock as US/Pacific, i.e. 15:36:22.757 local).
BEEP_FIRST_CHARGE_AH = 1.4618750
BEEP_FIRST_DISCHARGE_AH = 2.324598
BEEP_TEST_TIME_MAX_S = 102040.77
# ImperialCollegeLondon/PyProBE tests/cyclers/test_biologic.py::test_read_and_process_biologic_no_header:
# last row time 281792.50213 s, current 0 A, voltage 2.9814022 V, temperature 24.506462 C.
PYPROBE_LAST_TIME_S = 281792.50213
PYPROBE_LAST_VOLTAGE_V = 2.9814022
PYPROBE_LAST_TEMPERATURE_C = 24.506462


def test_csv_export_matches_beep_and_its_own_columns() -> None:
    data = read_cycler(CSV)
    ts = data.timeseries
    assert data.vendor == "biologic"
    assert data.rows == 9999  # 10,000 lines less the header
    assert data.cycles == 3  # EC-Lab 'cycle number' 0, 1, 2 (full cycles)
    per_cycle = ts.groupby("cycle_index")[
        ["charge_capacity_ah", "discharge_capacity_ah", "charge_energy_wh", "discharge_energy_wh"]
    ].max()
    assert per_cycle.loc[0, "charge_capacity_ah"] == pytest.approx(BEEP_FIRST_CHARGE_AH, rel=5e-3)
    assert per_cycle.loc[0, "discharge_capacity_ah"] == pytest.approx(BEEP_FIRST_DISCHARGE_AH, rel=5e-3)
    assert ts["test_time_s"].min() == 0
    assert ts["test_time_s"].max() == pytest.approx(BEEP_TEST_TIME_MAX_S, abs=1e-3)
    assert data.start_time == pd.Timestamp("2021-05-05 15:36:22.757")
    # every cycle against the export's own 'Q charge' / 'Q discharge' / energy columns
    raw = pd.read_csv(CSV, sep=";")
    theirs = raw.groupby("cycle number").agg(
        charge=("Q charge/mA.h", "max"),
        discharge=("Q discharge/mA.h", "max"),
        charge_energy=("Energy charge/W.h", "max"),
        discharge_energy=("Energy discharge/W.h", "min"),
    )
    np.testing.assert_allclose(per_cycle["charge_capacity_ah"], theirs["charge"] / 1000, rtol=5e-3)
    np.testing.assert_allclose(per_cycle["discharge_capacity_ah"], theirs["discharge"] / 1000, rtol=5e-3)
    np.testing.assert_allclose(per_cycle["charge_energy_wh"], theirs["charge_energy"], rtol=5e-3)
    np.testing.assert_allclose(per_cycle["discharge_energy_wh"], -theirs["discharge_energy"], rtol=5e-3)
    # positive current charges: the charge counter grows only on positive current
    grows = ts["charge_capacity_ah"].diff() > 0
    assert ts.loc[grows, "current_a"].ge(0).all()


def _ended(tmp_path: Path) -> Path:
    """The .mpt sample with the line break it lacks at its end (PyProBE reads its last row whole)."""
    ended = tmp_path / "ended" / MPT.name
    ended.parent.mkdir(exist_ok=True)
    ended.write_bytes(MPT.read_bytes() + b"\n")
    return ended


def test_mpt_without_final_line_break(tmp_path: Path) -> None:
    # as shipped, the sample's 14th line (13th row) has no line break after it, but its last field has the
    # form of every row above (0.0000000E+000): read whole; one digit of its exponent cut, it is dropped
    raw = MPT.read_bytes()
    assert raw.count(b"\n") == 13 and raw.endswith(b"E+000")
    data = read_cycler(MPT)
    assert data.rows == 13 and "truncated_file" not in [w["kind"] for w in data.warnings]
    cut = tmp_path / "잘림.mpt"
    cut.write_bytes(raw[:-1])
    data = read_cycler(cut)
    assert data.rows == 12
    (warned,) = [w["detail"] for w in data.warnings if w["kind"] == "truncated_file"]
    assert "looks truncated" in warned and "line 14" in warned


def test_mpt_without_header_matches_pyprobe(tmp_path: Path) -> None:
    data = read_cycler(_ended(tmp_path))
    ts = data.timeseries
    assert data.rows == 13
    assert data.cycles == 1
    last = ts.iloc[-1]
    assert last["test_time_s"] == pytest.approx(PYPROBE_LAST_TIME_S, abs=1e-4)
    assert last["current_a"] == 0
    assert last["voltage_v"] == pytest.approx(PYPROBE_LAST_VOLTAGE_V, abs=1e-6)
    assert last["temperature_c"] == pytest.approx(PYPROBE_LAST_TEMPERATURE_C, abs=1e-5)


def test_mpr_record_layout_is_physically_consistent() -> None:
    # Checks of the column table that need no other parser: dq = I·dt/3600 row by row, (Q-Qo) is the
    # running sum of dq, and |Energy| = |Q|·|Ewe| (all columns of the file itself).
    table = read_mpr(BIOLOGIC / "00_test_04_MB_C01.mpr").data
    dt = np.diff(table["time/s"].to_numpy())
    current = table["I/mA"].to_numpy()
    dq = table["dq/mA.h"].to_numpy()[1:]
    np.testing.assert_allclose(dq, current[1:] * dt / 3600, rtol=0.05)
    np.testing.assert_allclose(np.cumsum(table["dq/mA.h"]), table["(Q-Qo)/mA.h"], rtol=1e-9, atol=1e-15)
    energy = np.abs(table["(Q-Qo)/mA.h"]) * np.abs(table["Ewe/V"]) / 1000
    np.testing.assert_allclose(table["|Energy|/W.h"], energy, rtol=2e-3, atol=1e-15)
    assert table["mode"].eq(2).all()  # a potentiostatic (CV) hold, as the control column says
    assert table["control/V"].to_numpy() == pytest.approx(-1.649957, abs=1e-6)


@pytest.mark.parametrize(
    ("name", "rows", "start"),
    [
        ("00_test_01_OCV_C01.mpr", 2, "2023-12-07 14:22:24.183"),
        ("00_test_02_MB_C01.mpr", 11, "2023-12-08 09:49:52.346"),
        ("00_test_04_MB_C01.mpr", 1501, "2023-12-08 09:49:52.346"),
    ],
)
def test_mpr_files(name: str, rows: int, start: str) -> None:
    # rows: the n_points each file's data module declares; start: the LOG module's OLE date, which
    # falls on the module header dates (12/07/23 and 12/08/23)
    data = read_cycler(BIOLOGIC / name)
    ts = data.timeseries
    assert data.rows == rows
    assert data.cycles == 1
    assert data.start_time == pd.Timestamp(start)
    table = read_mpr(BIOLOGIC / name).data
    if "Q charge/discharge/mA.h" in table.columns:
        # the file's own Q charge/discharge (negative on discharge, mA.h) at the end of the half cycle
        vendor_discharge = -table["Q charge/discharge/mA.h"].min() / 1000
        assert ts["discharge_capacity_ah"].max() == pytest.approx(vendor_discharge, rel=5e-3)
        assert ts["charge_capacity_ah"].max() == 0
        vendor_energy = table["|Energy|/W.h"].iloc[-1]
        assert ts["discharge_energy_wh"].max() == pytest.approx(vendor_energy, rel=5e-3)
    else:
        assert ts["current_a"].eq(0).all()  # open circuit: no current column, mode 3 throughout


def test_mpr_is_contiguous_with_next_technique() -> None:
    # 02_MB and 04_MB are two techniques of one run (same LOG start): 04 starts where 02 ended.
    first = read_cycler(BIOLOGIC / "00_test_02_MB_C01.mpr").timeseries
    second = read_cycler(BIOLOGIC / "00_test_04_MB_C01.mpr").timeseries
    assert 0 < second["test_time_s"].iloc[0] - first["test_time_s"].iloc[-1] < 0.01


@pytest.mark.parametrize(
    ("name", "kind"),
    [(name, BiologicMprReader) for name in MPR_FILES]
    + [(CSV.name, BiologicTextReader), (MPT.name, BiologicTextReader)],
)
def test_detection_by_content(name: str, kind: type, tmp_path: Path) -> None:
    assert isinstance(detect(BIOLOGIC / name), kind)
    renamed = tmp_path / "renamed.txt"
    shutil.copy(BIOLOGIC / name, renamed)
    assert isinstance(detect(renamed), kind)


def test_unknown_column_id_is_named(tmp_path: Path) -> None:
    raw = bytearray((BIOLOGIC / "00_test_04_MB_C01.mpr").read_bytes())
    data_at = raw.find(b"MODULEVMP data") + 65
    ids_at = data_at + 6
    assert struct.unpack_from("<H", raw, ids_at + 2 * 8)[0] == 4  # the 9th id is time/s
    struct.pack_into("<H", raw, ids_at + 2 * 8, 999)
    broken = tmp_path / "unknown_id.mpr"
    broken.write_bytes(bytes(raw))
    # an unknown id is skipped when the module's size gives its width; here it hid time/s
    with pytest.raises(CorruptFileError, match="column id 999"):
        read_cycler(broken)


@pytest.mark.parametrize("name", MPR_FILES)
def test_truncated_mpr_is_corrupt(name: str, tmp_path: Path) -> None:
    raw = (BIOLOGIC / name).read_bytes()
    for size in (10, 60, 100, len(raw) // 2, len(raw) - 1):
        cut = tmp_path / f"cut{size}.mpr"
        cut.write_bytes(raw[:size])
        with pytest.raises(CorruptFileError) as info:
            read_cycler(cut, vendor="biologic")
        assert str(cut) in str(info.value) and "\n" not in str(info.value)


def test_module_walk_finds_three_modules() -> None:
    raw = (BIOLOGIC / "00_test_04_MB_C01.mpr").read_bytes()
    modules = read_modules(raw, Path("x.mpr"))
    assert [m.short_name for m in modules] == ["VMP Set", "VMP data", "VMP LOG"]
    assert sum(len(m.data) + 65 for m in modules) + 52 == len(raw)  # modules tile the file exactly


@pytest.mark.parametrize("suffix", [".mpr", ".mpt", ".csv"])
def test_random_bytes_and_empty(suffix: str, tmp_path: Path) -> None:
    junk = tmp_path / f"junk{suffix}"
    junk.write_bytes(np.random.default_rng(1).integers(0, 256, 5000, dtype=np.uint8).tobytes())
    with pytest.raises(UnknownFormatError, match="junk"):
        read_cycler(junk)
    for reader in (BiologicMprReader(), BiologicTextReader()):
        with pytest.raises(CorruptFileError, match="junk"):
            reader.read(junk)
    empty = tmp_path / f"empty{suffix}"
    empty.write_bytes(b"")
    with pytest.raises(CorruptFileError, match="empty"):
        read_cycler(empty)
    for reader in (BiologicMprReader(), BiologicTextReader()):
        with pytest.raises(CorruptFileError, match="empty"):
            reader.read(empty)


_TEXT_FILES = {
    name: (BIOLOGIC / name).read_bytes().splitlines(keepends=True)[:400] for name in (CSV.name, MPT.name)
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(_TEXT_FILES)),
    start=st.integers(0, 300),
    length=st.integers(0, 200),
    keep_header=st.booleans(),
    edits=st.lists(st.tuples(st.integers(0, 30000), st.binary(min_size=0, max_size=4)), max_size=6),
)
def test_fuzz_text_exports(
    name: str, start: int, length: int, keep_header: bool, edits: list[tuple[int, bytes]]
) -> None:
    lines = _TEXT_FILES[name]
    raw = bytearray((lines[0] if keep_header else b"") + b"".join(lines[1 + start : 1 + start + length]))
    for position, patch in edits:
        at = min(position, len(raw))
        raw[at : at + len(patch)] = patch
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("fuzz" + Path(name).suffix)
        path.write_bytes(bytes(raw))
        try:
            result = BiologicTextReader().read(path)
        except InputError as exc:
            assert "\n" not in str(exc)
        else:
            assert isinstance(result, CyclerData) and result.rows > 0


def test_mpt_with_header_and_decimal_commas(tmp_path: Path) -> None:
    # An EC-Lab header ('Nb header lines' counts the column line) and a European locale's decimal
    # commas around the PyProBE sample's rows must give the same table as the bare sample.
    lines = MPT.read_text(encoding="latin-1").splitlines()
    preamble = [
        "EC-Lab ASCII FILE",
        "Nb header lines : 5",
        "",
        "Acquisition started on : 12/07/2023 14:22:24.000",
    ]
    with_header = tmp_path / "with_header.mpt"
    with_header.write_text("\n".join([*preamble, *lines]) + "\n", encoding="latin-1")
    commas = tmp_path / "commas.mpt"
    commas.write_text(
        "\n".join([*preamble, lines[0], *(line.replace(".", ",") for line in lines[1:])]) + "\n",
        encoding="latin-1",
    )
    bare = read_cycler(_ended(tmp_path)).timeseries
    for path in (with_header, commas):
        data = read_cycler(path)
        assert isinstance(detect(path), BiologicTextReader)
        assert data.start_time == pd.Timestamp("2023-12-07 14:22:24")
        pd.testing.assert_frame_equal(data.timeseries.drop(columns="date_time"), bare)
        assert data.timeseries["date_time"].iloc[0] == pd.Timestamp("2023-12-07 14:22:24") + pd.Timedelta(
            seconds=bare["test_time_s"].iloc[0]
        )


def test_open_circuit_text_without_current(tmp_path: Path) -> None:
    # The PyProBE sample is an OCV record (mode 3 on every row); without its I/mA column it still
    # reads, with zero current. Without the mode column too, dq/mA.h (zero) says no current flowed,
    # with a warning; with neither mode, dq nor control/V/mA, nothing says it: error.
    rows = [line.split("\t") for line in MPT.read_text(encoding="latin-1").splitlines()]
    current_at = rows[0].index("I/mA")
    mode_at = rows[0].index("mode")
    no_current = tmp_path / "ocv.mpt"
    no_current.write_text(
        "\n".join("\t".join(r[:current_at] + r[current_at + 1 :]) for r in rows) + "\n", encoding="latin-1"
    )
    data = read_cycler(no_current)
    assert data.rows == 13 and data.timeseries["current_a"].eq(0).all()
    neither = tmp_path / "neither.mpt"
    keep = [i for i in range(len(rows[0])) if i not in (current_at, mode_at)]
    neither.write_text(
        "\n".join("\t".join(r[i] for i in keep if i < len(r)) for r in rows) + "\n", encoding="latin-1"
    )
    data = read_cycler(neither)
    assert data.timeseries["current_a"].eq(0).all()
    assert [w["kind"] for w in data.warnings] == ["current_derived"]
    nothing = tmp_path / "nothing.mpt"
    drop = {current_at, mode_at, rows[0].index("dq/mA.h"), rows[0].index("control/V/mA")}
    keep = [i for i in range(len(rows[0])) if i not in drop]
    nothing.write_text(
        "\n".join("\t".join(r[i] for i in keep if i < len(r)) for r in rows), encoding="latin-1"
    )
    with pytest.raises(CorruptFileError, match="current"):
        BiologicTextReader().read(nothing)


# ---- GCPL without I/mA ---------------------------------------------------------------------


def _gcpl_text_without_current(tmp_path: Path, with_control: bool) -> Path:
    """An EC-Lab text export (.mpt, tab-separated) of the CSV's real columns, less ``I/mA``.

    EC-Lab's GCPL files carry ``control/V/mA`` (the set current in galvanostatic mode, the set
    voltage otherwise), ``mode`` (1 galvanostatic, 2 potentiostatic, 3 rest) and ``ox/red`` beside
    ``dq/mA.h``. The CSV export records the set values as ``control/mA`` and ``control/V``; its
    ``mode`` column is not EC-Lab's, so mode is the control that was set, and ox/red the sign of the
    set current (or of dq where none was set).
    """
    raw = pd.read_csv(CSV, sep=";", low_memory=False, index_col=False, dtype=str)
    raw.columns = [c.strip() for c in raw.columns]
    control_ma = pd.to_numeric(raw["control/mA"], errors="coerce").fillna(0.0)
    control_v = pd.to_numeric(raw["control/V"], errors="coerce").fillna(0.0)
    dq = pd.to_numeric(raw["dq/mA.h"], errors="coerce").fillna(0.0)
    mode = np.where(control_ma != 0, 1, np.where(control_v != 0, 2, 3))
    out = pd.DataFrame(
        {
            "mode": mode,
            "ox/red": np.where(np.where(mode == 1, control_ma, dq) > 0, 1, 0),
            "time/s": raw["time/s"],
            "Ecell/V": raw["Ecell/V"],
            "dq/mA.h": raw["dq/mA.h"],
            "(Q-Qo)/mA.h": raw["(Q-Qo)/mA.h"],
            "cycle number": raw["cycle number"],
            "Ns": raw["Ns"],
        }
    )
    if with_control:
        out.insert(3, "control/V/mA", np.where(mode == 1, control_ma, control_v))
    path = tmp_path / ("gcpl_control.mpt" if with_control else "gcpl_dq.mpt")
    out.to_csv(path, sep="\t", index=False)
    return path


@pytest.mark.parametrize("with_control", [True, False])
def test_gcpl_without_current_column_gives_the_same_cycles(tmp_path: Path, with_control: bool) -> None:
    from gwangyang.battery.cycles import cycle_summary
    from gwangyang.battery.pairing import apply_signal_cycles

    reference = read_cycler(CSV)
    data = read_cycler(_gcpl_text_without_current(tmp_path, with_control))
    assert data.vendor == "biologic"
    (note,) = [w for w in data.warnings if w["kind"] == "current_derived"]
    assert ("control/V/mA in galvanostatic mode" in note["detail"]) is with_control
    ours = cycle_summary(*apply_signal_cycles(data.timeseries)[:2])
    theirs = cycle_summary(*apply_signal_cycles(reference.timeseries)[:2])
    assert len(ours) == len(theirs) == 3
    for column in ("charge_capacity_ah", "discharge_capacity_ah"):
        np.testing.assert_allclose(ours[column], theirs[column], rtol=5e-3)
    assert ours["complete"].tolist() == theirs["complete"].tolist()
    # the derived current follows the measured I/mA: within 2 % on rows where current flows
    measured = reference.timeseries["current_a"].to_numpy()
    derived = data.timeseries["current_a"].to_numpy()
    flowing = np.abs(measured) > 0.1
    assert np.median(np.abs(derived[flowing] / measured[flowing] - 1)) < 0.02
    assert np.all(np.sign(derived[flowing]) == np.sign(measured[flowing]))


def test_unknown_mpr_column_is_skipped_with_a_warning(tmp_path: Path) -> None:
    source = BIOLOGIC / "00_test_04_MB_C01.mpr"
    raw = source.read_bytes()
    ids = [1, 2, 3, 21, 31, 65, 131, 39, 4, 19, 6, 8, 7, 13, 74, 467, 468]
    listed = struct.pack(f"<{len(ids)}H", *ids)
    assert raw.count(listed) == 1
    # id 74 (|Energy|/W.h, 8 bytes) renamed to an id no reader knows: the module's size gives its width
    renamed = struct.pack(f"<{len(ids)}H", *[9999 if i == 74 else i for i in ids])
    path = tmp_path / source.name
    path.write_bytes(raw.replace(listed, renamed))
    data = read_cycler(path)
    reference = read_cycler(source)
    (warned,) = [w for w in data.warnings if w["kind"] == "unknown_column"]
    assert "9999" in warned["detail"] and "8 bytes" in warned["detail"]
    pd.testing.assert_frame_equal(data.timeseries, reference.timeseries)
    # two unknown ids of different widths cannot be sized: the file is refused, in one line
    both = struct.pack(f"<{len(ids)}H", *[9999 if i == 74 else 9998 if i == 6 else i for i in ids])
    path.write_bytes(raw.replace(listed, both))
    with pytest.raises(CorruptFileError) as info:
        read_cycler(path)
    assert "9998" in str(info.value) and "\n" not in str(info.value)


# ---- .mpr data module versions, built from the documented layouts ------------------------------
# The fixtures are EC-Lab 11.50 files (data module version 0, two-byte ids, records from 0x3EF).
# For the other layouts no file is at hand: each test writes the fixture's own records in that
# layout, with pre-11.50 module headers (length, version, date), as galvani's and yadg's notes on
# the format describe them, and expects the same table back.


def _rebuilt(tmp_path: Path, name: str, version: int, payload_of: Callable[[Module], bytes]) -> Path:
    source = BIOLOGIC / name
    raw = source.read_bytes()
    parts = [raw[:52]]
    for module in read_modules(raw, source):
        data = payload_of(module) if module.short_name == "VMP data" else module.data
        header = module.short_name.encode().ljust(10) + module.long_name.encode().ljust(25)
        version_of = version if module.short_name == "VMP data" else 0
        parts.append(
            b"MODULE" + header + struct.pack("<II", len(data), version_of) + module.date.encode() + data
        )
    out = tmp_path / f"v{version}_{name}"
    out.write_bytes(b"".join(parts))
    return out


def _parts(module: Module) -> tuple[int, list[int], bytes]:
    data = module.data
    (n_points,) = struct.unpack_from("<I", data, 0)
    (n_columns,) = struct.unpack_from("<H", data, 4)
    ids = list(struct.unpack_from(f"<{n_columns}H", data, 6))
    return n_points, ids, data[0x3EF:]


def _two_byte(records_at: int) -> Callable[[Module], bytes]:
    def build(module: Module) -> bytes:
        n_points, ids, records = _parts(module)
        head = struct.pack("<IB", n_points, len(ids)) + struct.pack(f"<{len(ids)}H", *ids)
        return head.ljust(records_at, b"\0") + records

    return build


def _one_byte(module: Module) -> bytes:
    n_points, ids, records = _parts(module)
    low = [i - 256 if i in (467, 468) else i for i in ids]  # Q charge/discharge and half cycle as 211, 212
    head = struct.pack("<IB", n_points, len(ids)) + bytes(low)
    return head.ljust(100, b"\0") + records


@pytest.mark.parametrize(
    ("version", "build"),
    [(2, _two_byte(0x195)), (3, _two_byte(0x196)), (0, _one_byte)],
    ids=["version 2", "version 3", "version 0 one-byte ids"],
)
def test_mpr_data_module_versions_read_alike(
    tmp_path: Path, version: int, build: Callable[[Module], bytes]
) -> None:
    for name in ("00_test_02_MB_C01.mpr", "00_test_04_MB_C01.mpr"):
        original = read_mpr(BIOLOGIC / name)
        rebuilt = read_mpr(_rebuilt(tmp_path, name, version, build))
        pd.testing.assert_frame_equal(rebuilt.data, original.data)
        assert rebuilt.start_time == original.start_time
        assert not rebuilt.data.attrs.get("gwangyang_warnings")
    data = read_cycler(_rebuilt(tmp_path, "00_test_04_MB_C01.mpr", version, build))
    pd.testing.assert_frame_equal(data.timeseries, read_cycler(BIOLOGIC / "00_test_04_MB_C01.mpr").timeseries)


def test_unknown_mpr_version_is_read_with_a_warning(tmp_path: Path) -> None:
    original = read_mpr(BIOLOGIC / "00_test_04_MB_C01.mpr").data
    # version 1 (never described): two-byte ids from byte 5 as in 2 and 3, records at the module's end
    path = _rebuilt(tmp_path, "00_test_04_MB_C01.mpr", 1, _two_byte(0x200))
    data = read_cycler(path)
    (warned,) = [w for w in data.warnings if w["kind"] == "unknown_format"]
    assert "version 1" in warned["detail"] and "\n" not in warned["detail"]
    pd.testing.assert_frame_equal(read_mpr(path).data, original)


def test_adjacent_unknown_mpr_columns_are_skipped_together(tmp_path: Path) -> None:
    source = BIOLOGIC / "00_test_04_MB_C01.mpr"
    raw = source.read_bytes()
    ids = [1, 2, 3, 21, 31, 65, 131, 39, 4, 19, 6, 8, 7, 13, 74, 467, 468]
    listed = struct.pack(f"<{len(ids)}H", *ids)
    # dq (8 bytes) and (Q-Qo) (8 bytes) side by side become two ids no reader knows
    renamed = struct.pack(f"<{len(ids)}H", *[{7: 9001, 13: 9002}.get(i, i) for i in ids])
    path = tmp_path / source.name
    path.write_bytes(raw.replace(listed, renamed))
    table = read_mpr(path).data
    original = read_mpr(source).data
    (warned,) = table.attrs["gwangyang_warnings"]
    assert warned["kind"] == "unknown_column" and "9001, 9002 (16 bytes a record)" in warned["detail"]
    pd.testing.assert_frame_equal(table, original.drop(columns=["dq/mA.h", "(Q-Qo)/mA.h"]))
    # the reader goes on from I/mA: the same cycles and capacities (I dt integrates to dq row by row)
    ours = read_cycler(path).timeseries
    theirs = read_cycler(source).timeseries
    np.testing.assert_allclose(ours["charge_capacity_ah"], theirs["charge_capacity_ah"], rtol=5e-3, atol=1e-6)


def test_start_time_found_in_a_long_header(tmp_path: Path) -> None:
    """A settings block of 300 lines puts 'Acquisition started on' past line 200: still read (the whole header)."""
    lines = MPT.read_text(encoding="latin-1").splitlines()
    settings = [f"setting {k} : {k}" for k in range(300)]
    preamble = [
        "EC-Lab ASCII FILE",
        f"Nb header lines : {3 + len(settings) + 2}",
        "",
        *settings,
    ]  # + column line
    preamble.append("Acquisition started on : 12/07/2023 14:22:24.000")
    path = tmp_path / "long_header.mpt"
    path.write_text("\n".join([*preamble, *lines]) + "\n", encoding="latin-1")
    data = read_cycler(path)
    assert data.start_time == pd.Timestamp("2023-12-07 14:22:24")
    pd.testing.assert_frame_equal(
        data.timeseries.drop(columns="date_time"), read_cycler(_ended(tmp_path)).timeseries
    )


def test_mpr_columns_of_other_techniques_are_read_by_their_widths(tmp_path: Path) -> None:
    # galvani's column table holds ids of EIS and multi-electrode techniques the fixtures lack. Two of the
    # fixture's columns renamed to such ids (|Energy| 8 bytes -> 182 'step time/s', float64; control/V
    # 4 bytes -> 96 '|Ece|/V', float32): two unknown ids of different widths could not be sized and the file
    # was refused; now each is read at its own width and holds the bytes of the column it replaced
    source = BIOLOGIC / "00_test_04_MB_C01.mpr"
    raw = source.read_bytes()
    ids = [1, 2, 3, 21, 31, 65, 131, 39, 4, 19, 6, 8, 7, 13, 74, 467, 468]
    listed = struct.pack(f"<{len(ids)}H", *ids)
    renamed = struct.pack(f"<{len(ids)}H", *[{74: 182, 19: 96}.get(i, i) for i in ids])
    path = tmp_path / source.name
    path.write_bytes(raw.replace(listed, renamed))
    table = read_mpr(path).data
    original = read_mpr(source).data
    assert not table.attrs.get("gwangyang_warnings")
    np.testing.assert_array_equal(table["step time/s"], original["|Energy|/W.h"])
    np.testing.assert_array_equal(table["|Ece|/V"], original["control/V"])
    assert table["|Ece|/V"].dtype == np.float32 and table["step time/s"].dtype == np.float64
    pd.testing.assert_frame_equal(read_cycler(path).timeseries, read_cycler(source).timeseries)
