"""Readers of sensor tables and of the Braatz TEP files, good and bad input."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.errors import CorruptFileError, InputError, UnknownFormatError
from gwangyang.factory.io import (
    TEP_VARIABLES,
    numeric_matrix,
    read_table,
    read_tep,
    read_tep_case,
)


@pytest.fixture
def tep(shared: Path) -> Path:
    return shared / "factory" / "tep"


def test_read_tep_transposed_training_file(tep: Path) -> None:
    # The data README: d00.dat is stored transposed, 52 rows x 500 samples.
    table = read_tep(tep / "d00.dat.gz")
    assert table.shape == (500, 53)
    assert list(table.columns[1:]) == list(TEP_VARIABLES)
    assert table["time_min"].iloc[-1] == 499 * 3.0
    # First value of the file's first row (xmeas_01 at sample 0) and second row (xmeas_02), read by zcat.
    assert table["xmeas_01"].iloc[0] == pytest.approx(0.24987)
    assert table["xmeas_02"].iloc[0] == pytest.approx(3642.6)


def test_read_tep_test_file_not_transposed(tep: Path) -> None:
    table = read_tep_case(tep, 1, test=True)
    assert table.shape == (960, 53)
    # d01_te.dat's first line starts 2.5025000e-01 3.6572000e+03 (zcat | head -1).
    assert table[["xmeas_01", "xmeas_02"]].iloc[0].tolist() == pytest.approx([0.25025, 3657.2])


def test_read_table_csv_and_parquet(tmp_path: Path) -> None:
    frame = pd.DataFrame({"t": ["2024-01-01 00:00", "2024-01-01 00:01"], "a": [1.0, 2.0]})
    frame.to_csv(tmp_path / "x.csv", index=False)
    table = read_table(tmp_path / "x.csv", "t")
    assert pd.api.types.is_datetime64_any_dtype(table["t"])
    frame.to_parquet(tmp_path / "x.parquet")
    assert read_table(tmp_path / "x.parquet", "t")["a"].tolist() == [1.0, 2.0]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_table(tmp_path / "nope.csv")


def test_unknown_extension(tmp_path: Path) -> None:
    (tmp_path / "x.xyz").write_text("a,b\n1,2\n")
    with pytest.raises(UnknownFormatError, match=r"x\.xyz"):
        read_table(tmp_path / "x.xyz")


def test_no_time_column(tmp_path: Path) -> None:
    pd.DataFrame({"a": [1, 2]}).to_csv(tmp_path / "x.csv", index=False)
    with pytest.raises(InputError, match="no time column 'time'"):
        read_table(tmp_path / "x.csv", "time")


def test_time_column_not_parseable(tmp_path: Path) -> None:
    pd.DataFrame({"time": ["soon", "later"], "a": [1, 2]}).to_csv(tmp_path / "x.csv", index=False)
    with pytest.raises(InputError, match="expected numbers or date-times"):
        read_table(tmp_path / "x.csv", "time")


def test_non_numeric_values_name_the_column() -> None:
    table = pd.DataFrame({"a": [1.0, 2.0], "b": ["1.5", "oops"]})
    with pytest.raises(
        InputError, match=r"column 'b' has non-numeric values \(1, e.g. 'oops' in data row 2\)"
    ):
        numeric_matrix(table, ["a", "b"])


def test_missing_values_name_the_column() -> None:
    table = pd.DataFrame({"a": [1.0, np.nan]})
    with pytest.raises(
        InputError, match=r"column .a. has 1 missing or infinite value.s., the first in data row 2"
    ):
        numeric_matrix(table, ["a"])


def test_empty_csv(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("")
    with pytest.raises(CorruptFileError, match=r"x\.csv"):
        read_table(tmp_path / "x.csv")


def test_tep_wrong_width(tmp_path: Path) -> None:
    path = tmp_path / "d99.dat.gz"
    with gzip.open(path, "wt") as stream:
        stream.write("1 2 3\n4 5 6\n")
    with pytest.raises(CorruptFileError, match="expected 52 TEP variables"):
        read_tep(path)


def test_tep_garbage(tmp_path: Path) -> None:
    path = tmp_path / "d98.dat"
    path.write_text("not numbers at all\n")
    with pytest.raises(CorruptFileError, match=r"d98\.dat"):
        read_tep(path)


def test_tep_case_missing(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no TEP file d05_te\.dat"):
        read_tep_case(tmp_path, 5)
