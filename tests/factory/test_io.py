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


def test_a_time_column_of_mixed_date_forms_is_named_in_warnings(
    tep: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """200 daily TEP samples whose dates alternate ``2024-01-02`` and ``03/01/2024`` (day first, as in Europe).

    Read row by row, ``03/01/2024`` was 1 March and ``13/01/2024`` 13 January: the rows went back and forth in
    time, and the only word was "goes back 37 time(s)".
    """
    import datetime as dt
    import json

    from gwangyang.cli.main import main

    values = read_tep(tep / "d00.dat.gz").iloc[:200, 1:4]
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(200)]
    written = [d.isoformat() if i % 2 else d.strftime("%d/%m/%Y") for i, d in enumerate(days)]
    path = tmp_path / "일지 1.csv"
    values.assign(일자=written).to_csv(path, index=False)
    # by hand: the day-first rows whose day is 12 or less and not the month are the ones read month first
    misread = [i for i, d in enumerate(days) if i % 2 == 0 and d.day <= 12 and d.day != d.month]
    day_first = next(i for i, d in enumerate(days) if i % 2 == 0 and d.day > 12)
    assert (len(misread), misread[0], day_first) == (37, 2, 12)
    code = main(
        ["factory", "fit", str(path), "--time-column", "일자", "--out", str(tmp_path / "m.npz"), "--json"]
    )
    out = capsys.readouterr()
    assert code == 0, out.err
    assert json.loads(out.out)["warnings"][:2] == [
        "일지 1.csv: time column '일자' mixes 2 date forms (e.g. '01/01/2024' in data row 1, '2024-01-02' in data "
        "row 2); each row is read on its own; write one form, year first (2024-01-05).",
        "일지 1.csv: time column '일자': '13/01/2024' (data row 13) is day first, but 37 date(s) such as "
        "'03/01/2024' (data row 3) are read month first; write dates year first (2024-01-05).",
    ]
    # one form throughout: no word
    values.assign(일자=[d.isoformat() for d in days]).to_csv(path, index=False)
    assert (
        main(
            ["factory", "fit", str(path), "--time-column", "일자", "--out", str(tmp_path / "m.npz"), "--json"]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["warnings"] == []


def test_an_empty_column_and_a_single_variable_are_said_as_what_they_are(tep: Path, tmp_path: Path) -> None:
    from gwangyang.factory import service

    data = read_tep(tep / "d00.dat.gz").iloc[:, :3]  # time_min and two TEP variables, 500 samples
    first, second = data.columns[1], data.columns[2]
    path = tmp_path / "라인 1.csv"
    data.assign(**{second: np.nan}).to_csv(path, index=False)
    summary, monitor, notes = service.fit_monitor(path, "time_min")
    # an empty column was 'not numbers (e.g. (empty))'; now it is the one variable left, which is said too
    assert notes == [
        f"라인 1.csv: columns with no values left out of the monitor: {second!r}.",
        f"라인 1.csv: one variable ({first!r}) to monitor: its Q statistic is always 0 and T² is its squared z-score; "
        f"for one variable the SPC charts (gwangyang factory spc --column {first!r}) say more.",
    ]
    assert monitor.columns == [first] and summary["limits"]["q"] == 0.0  # one axis: nothing off the model
    # two variables: neither line
    data.to_csv(path, index=False)
    assert service.fit_monitor(path, "time_min")[2] == []
