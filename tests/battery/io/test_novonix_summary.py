"""Novonix's ``_metadata.csv`` per-cycle summary cut, with garbage bytes, unknown columns or bad values.

The independent route is Python's csv module on the (cut) bytes: no row, a row without the header's fields
or an unclosed quote must be refused in one line naming the summary; otherwise ``vendor_cycles`` must hold
what the csv module reads of ``Cycle``, ``Qc``, ``Qd``, ``Ec``, ``Ed`` and ``CE``, and a summary ending with no
line break must bring a ``truncated_file`` warning naming it and its last column; a header alone, an
``unknown_format`` warning and no per-cycle figures.
"""

from __future__ import annotations

import csv
import io
import math
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gwangyang.battery.io import read_cycler
from gwangyang.errors import CorruptFileError

NOVONIX = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "battery" / "cyclers" / "novonix"
DATA = NOVONIX / "test_Nova_Form-CH01-01_short.csv"
WHOLE = (NOVONIX / "test_Nova_Form-CH01-01_short_metadata.csv").read_bytes()
READ = {"Cycle": "cycle_index", "Qc": "charge_capacity_ah", "Qd": "discharge_capacity_ah"}
NAME = "노바_셀_metadata.csv"


def pair(folder: Path, summary: bytes) -> Path:
    path = folder / "노바_셀.csv"
    shutil.copy(DATA, path)
    (folder / NAME).write_bytes(summary)
    return path


def expected(summary: bytes) -> list[dict[str, str]] | None:
    """The csv module's rows of a (cut) summary, or None where it must be refused."""
    text = summary.decode("latin-1")
    if not summary or text.count('"') % 2:
        return None
    records = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    if not records or (len(records) < 2 and not summary.endswith((b"\n", b"\r"))):
        return None
    if any(len(r) != len(records[0]) for r in records[1:]):
        return None
    return [dict(zip(records[0], r, strict=True)) for r in records[1:]]


def check_cut(folder: Path, summary: bytes) -> None:
    path = pair(folder, summary)
    rows = expected(summary)
    if rows is None:
        with pytest.raises(CorruptFileError) as caught:
            read_cycler(path)
        assert "\n" not in str(caught.value) and str(caught.value).startswith(str(folder / NAME))
        return
    data = read_cycler(path)
    if not rows:  # its header alone
        assert data.vendor_cycles is None
        assert [(w["file"], w["kind"]) for w in data.warnings] == [(NAME, "unknown_format")]
        return
    assert data.vendor_cycles is not None
    for column, canonical in READ.items():
        assert data.vendor_cycles[canonical].tolist() == [float(r[column]) for r in rows]
    if summary.endswith((b"\n", b"\r")):
        assert data.warnings == []
    else:
        assert [(w["file"], w["kind"]) for w in data.warnings] == [(NAME, "truncated_file")]
        assert "'SlipD'" in data.warnings[0]["detail"]


def three_cycles() -> bytes:
    """The shared summary with two more cycles (Qc, Qd scaled), as Novonix writes a longer test."""
    head, row = WHOLE.decode().splitlines()
    fields = next(csv.reader([row]))
    lines = [head]
    for cycle in (1, 2, 3):
        out = [str(cycle - 1), str(cycle), *fields[2:]]
        out[15] = str(float(fields[15]) * (1 - 0.01 * cycle))  # Qc
        out[17] = str(float(fields[17]) * (1 - 0.02 * cycle))  # Qd
        lines.append(",".join(out))
    return ("\r\n".join(lines) + "\r\n").encode()


LONG = three_cycles()


def test_three_cycles_route() -> None:
    rows = expected(LONG)
    assert rows is not None and [r["Cycle"] for r in rows] == ["1", "2", "3"]
    assert float(rows[2]["Qd"]) == pytest.approx(0.076631919 * 0.94)


@pytest.mark.parametrize(
    "offset",
    [0, 30, WHOLE.index(b"\n") + 1, 200, len(WHOLE) - 3, len(WHOLE) - 2, len(WHOLE) - 1, len(WHOLE)],
)
def test_shared_summary_cut_at(tmp_path: Path, offset: int) -> None:
    check_cut(tmp_path, WHOLE[:offset])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(offset=st.integers(min_value=0, max_value=len(LONG)))
def test_longer_summary_cut_anywhere(tmp_path: Path, offset: int) -> None:
    folder = tmp_path / f"cut{offset}"
    folder.mkdir(exist_ok=True)
    check_cut(folder, LONG[:offset])


@pytest.mark.parametrize("bad", [b"0.0766\x0031919", b"0.0766\x80\x81", b"n/a", b"inf"])
def test_value_that_is_no_number(tmp_path: Path, bad: bytes) -> None:
    # pandas' to_numeric reads '0.0766\x0031919' as 0.0766: it must not be read
    rows = expected(LONG)
    assert rows is not None
    first = f",{rows[0]['Qd']},".encode()
    assert LONG.count(first) == 1
    data = read_cycler(pair(tmp_path, LONG.replace(first, b"," + bad + b",")))
    assert data.vendor_cycles is not None
    qd = data.vendor_cycles["discharge_capacity_ah"].tolist()
    assert math.isnan(qd[0]) and qd[1:] == [float(r["Qd"]) for r in rows[1:]]
    notes = [w for w in data.warnings if w["kind"] == "unknown_format"]
    assert len(notes) == 1 and notes[0]["file"] == NAME
    assert "column 'Qd': 1 of 3 values are no finite number" in notes[0]["detail"]


def test_unknown_column_named(tmp_path: Path) -> None:
    head, row = WHOLE.decode().splitlines()
    data = read_cycler(pair(tmp_path, f"{head},비고\n{row},정상\n".encode()))
    assert [(w["file"], w["kind"]) for w in data.warnings] == [(NAME, "unknown_column")]
    assert "'비고'" in data.warnings[0]["detail"]
    assert data.vendor_cycles is not None and data.vendor_cycles["cycle_index"].tolist() == [1]
