"""Text exports cut inside their last line, whatever the cut leaves of it: the line is dropped with a warning.

A last line that is whole though no line break follows may be kept (its last field shows it whole); a line cut
short never is.

Each shared text sample (every text reader: Arbin CSV, Maccor text and CSV, Neware BTS CSV, Basytec, Novonix,
BioLogic ``.mpt`` and ``;`` CSV, a column map) is cut in one of its data lines, inside its last field, right
after a separator, right after a line break and inside a middle field. The independent route counts in Python
the data lines the cut leaves whole: the rows read must be the whole sample's rows less the data lines
below the last line break kept, and the table the same as the sample cut at that line break; a cut that does
not fall on a line break must bring a ``truncated_file`` warning that says the file looks truncated. The cut
copies have Korean names.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gwangyang.battery.io import read_cycler
from gwangyang.battery.schema import CyclerData

CYCLERS = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "battery" / "cyclers"
MAPS = Path(__file__).resolve().parents[3] / "src" / "gwangyang" / "battery" / "io" / "maps"
PRIME = MAPS / "cellpy_custom.toml"
PREFIX = "절단_"
SAMPLES = {
    "arbin/FastCharge_000025_CH8.csv": b",",
    "arbin/2017-05-09_test-TC-contact_CH33.csv": b",",
    "maccor/maccor_test_file_4267-66-6519.041": b"\t",
    "maccor/PredictionDiagnostics_000151_test.052": b"\t",
    "maccor/sample_data_maccor.csv": b",",
    "neware/nw_regular_export_ife_example.csv": b",",
    "basytec/sample_data_basytec.txt": b"\t",
    "novonix/test_Nova_Form-CH01-01_short.csv": b",",
    "biologic/Sample_data_biologic_no_header.mpt": b"\t",
    "biologic/test_loopsnewoutput_MB_CE1_short10k.csv": b";",
    "bad/custom_good_small.csv": b";",
}
WHERE = ["inside the last field", "after a separator", "after a line break", "inside a middle field"]


def _is_row(name: str, line: bytes) -> bool:
    """Whether a line of a sample is one data row (Neware: its record lines, which start with two commas)."""
    if name.startswith("neware"):
        return line.startswith(b",,")
    return bool(line.strip())


def _write(source: Path, folder: Path, data: bytes) -> Path:
    """``data`` under the sample's name with a Korean prefix, its companion files beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (PREFIX + source.name)
    path.write_bytes(data)
    for companion in source.parent.glob(f"{source.stem}_*etadata.csv"):
        shutil.copy(companion, folder / (PREFIX + companion.name))
    return path


def _read(path: Path, name: str) -> CyclerData:
    return read_cycler(path, column_map=PRIME if name.startswith("bad/") else None)


_WHOLE: dict[str, CyclerData] = {}


def _whole(name: str, folder: Path) -> CyclerData:
    """The sample read whole (a line break added where it ends without one)."""
    if name not in _WHOLE:
        raw = (CYCLERS / name).read_bytes()
        ended = raw if raw.endswith((b"\n", b"\r")) else raw + b"\n"
        _WHOLE[name] = _read(_write(CYCLERS / name, folder / "whole", ended), name)
    return _WHOLE[name]


def _data_line(name: str, raw: bytes) -> tuple[int, int]:
    """Start and end (before its line break) of a data line about two thirds into the sample."""
    end = raw.rfind(b"\n", 0, len(raw) * 2 // 3)
    while True:
        start = raw.rfind(b"\n", 0, end) + 1
        line = raw[start:end].rstrip(b"\r")
        if _is_row(name, line) and line.count(SAMPLES[name]) >= 2:
            return start, start + len(line)
        end = start - 1


def _reaches_end(name: str, kept: bytes) -> bool:
    """Whether the rows kept reach the test's recorded end (an Arbin companion's ``Last_End_DateTime``, Unix
    seconds) within the allowance the reader documents: the longest logging interval plus 300 s between clocks.
    Counted here from the CSV's own ``DateTime`` column (the third); True for samples without such a companion."""
    companion = (CYCLERS / name).with_name(Path(name).stem + "_Metadata.csv")
    if not name.startswith("arbin/") or not companion.exists():
        return True
    meta = companion.read_text().splitlines()
    end = float(meta[1].split(",")[meta[0].lower().split(",").index("last_end_datetime")])
    rows = [line.split(b",") for line in kept.splitlines()[1:] if line.strip()]
    times = [float(row[2]) for row in rows]
    if end < times[0]:
        return True  # an end before the start is refused as impossible and not held against the rows
    longest = max(b - a for a, b in itertools.pairwise(times))
    return end - times[-1] <= longest + 300.0


def _cut_at(name: str, raw: bytes, where: str) -> int:
    start, end = _data_line(name, raw)
    sep = SAMPLES[name]
    if where == "inside the last field":
        last = raw.rfind(sep, start, end) + 1
        return last + max(1, (end - last) // 2) if end - last > 1 else end
    if where == "after a separator":
        return raw.rfind(sep, start, end) + 1
    if where == "after a line break":
        return start
    return raw.index(sep, raw.index(sep, start) + 1) - 1  # inside the second field


def _check(name: str, cut: int, folder: Path) -> None:
    source = CYCLERS / name
    raw = source.read_bytes()
    data = raw[:cut]
    kept = data[: max(data.rfind(b"\n"), data.rfind(b"\r")) + 1]
    # the independent route: the sample's data lines below the last whole line kept, counted in Python
    lost = sum(_is_row(name, line) for line in raw[len(kept) :].replace(b"\r", b"").split(b"\n"))
    read = _read(_write(source, folder / "cut", data), name)
    warned = [w["detail"] for w in read.warnings if w["kind"] == "truncated_file"]
    # a last line that is whole though no line break follows (the cut fell on its end) may be kept, when its
    # last field shows it whole; then it is read as the sample cut after that line's break reads
    whole_line = cut == len(raw) or raw[cut : cut + 1] in (b"\n", b"\r")
    if whole_line and _is_row(name, data[len(kept) :]) and not warned:
        kept = raw[: cut + (1 if cut < len(raw) else 0)]
        lost -= 1
    assert read.rows == _whole(name, folder).rows - lost
    reference = _read(
        _write(source, folder / "kept", kept if kept.endswith((b"\n", b"\r")) else kept + b"\n"), name
    )
    pd.testing.assert_frame_equal(read.timeseries, reference.timeseries)
    # an Arbin file with its companion is also held against the test's recorded end (its own check and words)
    ended = [d for d in warned if "gives the test's end" in d]
    assert len(ended) == (0 if _reaches_end(name, kept) else 1)
    warned = [d for d in warned if d not in ended]
    if len(kept) >= len(data) or not data[len(kept) :].strip():
        assert warned == []
    else:
        (detail,) = warned
        line = kept.count(b"\n") + 1 if b"\n" in kept else kept.count(b"\r") + 1
        assert "looks truncated" in detail and f"line {line} " in detail
        assert read.warnings[0]["file"] == PREFIX + source.name


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("name", list(SAMPLES))
def test_cut_sample(tmp_path: Path, name: str, where: str) -> None:
    raw = (CYCLERS / name).read_bytes()
    _check(name, _cut_at(name, raw, where), tmp_path)


@pytest.mark.parametrize("name", list(SAMPLES))
def test_cut_one_byte_short(tmp_path: Path, name: str) -> None:
    # the last byte of the sample gone (a digit, or the line break): every whole line but the cut one read
    raw = (CYCLERS / name).read_bytes().rstrip(b"\r\n")
    _check(name, len(raw) - 1, tmp_path)


BASYTEC = "basytec/sample_data_basytec.txt"
_BASYTEC_RAW = (CYCLERS / BASYTEC).read_bytes()
_FIRST_ROW = _BASYTEC_RAW.index(b"\n", _BASYTEC_RAW.index(b"~Time[s]")) + 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(_BASYTEC_RAW.index(b"\n", _FIRST_ROW) + 1, len(_BASYTEC_RAW)))
def test_basytec_cut_anywhere_in_its_rows(tmp_path_factory: pytest.TempPathFactory, cut: int) -> None:
    _check(BASYTEC, cut, tmp_path_factory.mktemp("cut"))


def _sample_lines(rows: int, end: bytes = b"\n") -> bytes:
    """A small Maccor CSV export (the sample's preamble and header, ``rows`` rows)."""
    lines = (CYCLERS / "maccor" / "sample_data_maccor.csv").read_bytes().split(b"\n")
    return end.join(lines[: 3 + rows])


def test_blank_last_line_is_no_record(tmp_path: Path) -> None:
    path = _write(CYCLERS / "maccor" / "sample_data_maccor.csv", tmp_path, _sample_lines(10) + b"\n  \t")
    data = read_cycler(path)
    assert data.rows == 10 and "truncated_file" not in [w["kind"] for w in data.warnings]


def test_carriage_return_lines_cut(tmp_path: Path) -> None:
    # old Mac line ends: the cut last line is found among them, named by its number
    raw = _sample_lines(10, b"\r") + b"\r" + _sample_lines(11, b"\r").split(b"\r")[-1][:-3]
    path = _write(CYCLERS / "maccor" / "sample_data_maccor.csv", tmp_path, raw)
    data = read_cycler(path)
    (detail,) = [w["detail"] for w in data.warnings if w["kind"] == "truncated_file"]
    assert data.rows == 10 and "line 14 " in detail


def test_header_and_a_cut_row_refused_naming_the_file(tmp_path: Path) -> None:
    raw = _sample_lines(1)[:-2]
    path = _write(CYCLERS / "maccor" / "sample_data_maccor.csv", tmp_path, raw)
    with pytest.raises(Exception) as info:
        read_cycler(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message and "looks truncated" in message
    assert "gwangyang-cut-" not in message


def test_utf16_export_cut(tmp_path: Path) -> None:
    raw = _sample_lines(10) + b"\n" + _sample_lines(11).split(b"\n")[-1][:-2]
    path = tmp_path / "셀 1번.csv"
    path.write_bytes(raw.decode("latin-1").encode("utf-16"))
    data = read_cycler(path)
    (warned,) = [w for w in data.warnings if w["kind"] == "truncated_file"]
    assert data.rows == 10 and warned["file"] == "셀 1번.csv" and "line 14 " in warned["detail"]


def test_last_field_of_varying_form_cannot_show_it_whole(tmp_path: Path) -> None:
    # the temperatures above are written 22.2591, 22.26, 22.2591, ...: nothing shows whether an unterminated
    # last 22.2591 is whole, so it is dropped with the warning; written alike above, it is read
    lines = _sample_lines(11).split(b"\n")
    varied = [line[:-2] if i % 2 and line.endswith(b"22.2591") else line for i, line in enumerate(lines[:-1])]
    path = _write(
        CYCLERS / "maccor" / "sample_data_maccor.csv", tmp_path / "varied", b"\n".join([*varied, lines[-1]])
    )
    data = read_cycler(path)
    (detail,) = [w["detail"] for w in data.warnings if w["kind"] == "truncated_file"]
    assert data.rows == 10 and "line 14 " in detail
    alike = _write(CYCLERS / "maccor" / "sample_data_maccor.csv", tmp_path / "alike", _sample_lines(11))
    data = read_cycler(alike)
    assert data.rows == 11 and "truncated_file" not in [w["kind"] for w in data.warnings]
