"""A small manufacturer's own sensor tables: Korean Excel exports, Korean names, times and status columns.

Tables are generated here; T² is checked against the Mahalanobis distance computed with plain numpy (with
every component kept, Hotelling's T² of standardised rows is ``zᵀ R⁻¹ z``, R the correlation matrix).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from gwangyang.cli.main import main
from gwangyang.errors import InputError
from gwangyang.factory import service
from gwangyang.factory.fitting import fit_table
from gwangyang.factory.io import read_table_notes
from tests.battery.io.xlsx import write_xlsx

NAMES = ["온도(℃)", "압력 [bar]", "유량(L/min)"]
TOKEN = "test-token-0123456789"


@pytest.fixture
def fresh_client(tmp_path: Path) -> Iterator[TestClient]:
    """A client of an empty store of its own."""
    from gwangyang.api import create_app

    app = create_app(tmp_path / "store", token=TOKEN)
    with TestClient(app, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        yield client


def _process(rows: int, seed: int, shift: float = 0.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(rows, 1))
    X = latent @ np.array([[1.0, 0.8, -0.5]]) + 0.3 * rng.normal(size=(rows, 3))
    X[:, 1] += shift
    return np.array([180.0, 5.0, 1200.0]) + X * np.array([2.0, 0.1, 15.0])


def _korean_time(i: int) -> str:
    hour, minute = divmod(13 * 60 + i, 60)  # from 오후 1:00, one row a minute
    half = "오후" if hour >= 12 else "오전"
    return f"2024. 3. 5. {half} {hour - 12 if hour > 12 else hour}:{minute:02d}:00"


def _excel_csv(path: Path, X: np.ndarray) -> Path:
    """As Korean Excel saves a report sheet: cp949, a title line, thousands separators, a status column."""
    lines = ["1라인 공정 데이터,,,,,", "시간," + ",".join(NAMES) + ",상태,설비코드"]
    for i, row in enumerate(X):
        flow = f'"{row[2]:,.3f}"'
        lines.append(f"{_korean_time(i)},{row[0]:.4f},{row[1]:.5f},{flow},{'정상' if i % 7 else '이상'},7")
    path.write_bytes(("\n".join(lines) + "\n").encode("cp949"))
    return path


def test_excel_export_fits_and_t2_matches_numpy(tmp_path: Path) -> None:
    X = _process(300, 1)
    path = _excel_csv(tmp_path / "1라인.csv", X)
    table, notes = read_table_notes(path, "시간", "1라인.csv")
    assert table["시간"].iloc[61] == pd.Timestamp("2024-03-05 14:01:00")
    assert notes == [
        "1라인.csv: 1 line(s) above the header (line 2) skipped, the first: '1라인 공정 데이터'.",
        "1라인.csv: column '유량(L/min)' holds numbers written with thousands separators; read as numbers.",
    ]
    with pytest.warns(UserWarning) as caught:
        fit = fit_table(table, "시간", "pca", 0.01, holdout=0.0, source="1라인.csv", n_components=3)
    said = [str(w.message) for w in caught]
    assert said == [
        "1라인.csv: columns that are not numbers left out of the monitor: '상태' (e.g. '이상').",
        "1라인.csv: constant columns dropped: 설비코드.",
    ]
    assert fit.monitor.columns == NAMES
    # T² of new rows by plain numpy, from the generated numbers (so the reading is checked too)
    rounded = np.column_stack([np.round(X[:, 0], 4), np.round(X[:, 1], 5), np.round(X[:, 2], 3)])
    new = _process(50, 2, shift=0.3)
    Z = (new - rounded.mean(axis=0)) / rounded.std(axis=0, ddof=1)
    expected = np.einsum("ij,ij->i", Z, np.linalg.solve(np.corrcoef(rounded.T), Z.T).T)
    scored = fit.monitor.score_table(pd.DataFrame(new, columns=NAMES).assign(시간=np.arange(50)))
    np.testing.assert_allclose(scored.t2, expected, rtol=1e-8)


def test_cli_and_api_keep_korean_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fresh_client: TestClient
) -> None:
    _excel_csv(tmp_path / "정상.csv", _process(300, 3))
    drift = _process(120, 4)
    drift[60:, 1] += 1.0  # 압력 rises by 10 σ of its noise: an alarm blamed on 압력
    rows = [["2호기 점검 기록"], [], ["시간", *NAMES]] + [
        [float(i), *map(float, r)] for i, r in enumerate(drift)
    ]
    write_xlsx(tmp_path / "점검.xlsx", {"표지": [["작성자", "김"]], "데이터": rows})
    monitor = tmp_path / "m.npz"
    code = main(
        [
            "factory",
            "fit",
            str(tmp_path / "정상.csv"),
            "--time-column",
            "시간",
            "--out",
            str(monitor),
            "--json",
        ]
    )
    out = capsys.readouterr()
    assert code == 0, out.err
    assert json.loads(out.out)["columns"] == NAMES
    plot = (
        tmp_path / "점검.png"
    )  # Korean names in the contribution chart: no missing-glyph warning (-W error)
    code = main(
        [
            "factory",
            "score",
            str(tmp_path / "점검.xlsx"),
            "--monitor",
            str(monitor),
            "--json",
            "--plot",
            str(plot),
        ]
    )
    out = capsys.readouterr()
    assert code == 0, out.err
    document = json.loads(out.out)
    assert "압력 [bar]" in out.out  # written as it is, not \\u escapes
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    alarm = max(document["alarms"], key=lambda a: a["rows"])
    assert alarm["top_variables"][0]["variable"] == "압력 [bar]" and alarm["start_index"] >= 60
    assert any("sheet '데이터' read" in n for n in document["warnings"])
    # the API: fit on the CSV, score the workbook; the same names come back
    fitted = fresh_client.post(
        "/api/v1/factory/monitors",
        params={"wait": 60},
        data={"name": "line2", "time_column": "시간"},
        files={"files": ("정상.csv", (tmp_path / "정상.csv").read_bytes())},
    )
    assert fitted.status_code == 201, fitted.text
    assert fitted.json()["job"]["result"]["columns"] == NAMES
    scored = fresh_client.post(
        "/api/v1/factory/monitors/line2/score",
        params={"wait": 60},
        files={"files": ("점검.xlsx", (tmp_path / "점검.xlsx").read_bytes())},
    )
    assert scored.status_code == 201, scored.text
    result = scored.json()["job"]["result"]
    assert max(result["alarms"], key=lambda a: a["rows"])["top_variables"][0]["variable"] == "압력 [bar]"
    # the page draws the job the address names from the job's document, setting names as text (factory.js)
    job = scored.json()["job"]["id"]
    page = fresh_client.get(f"/factory?job={job}")
    assert page.status_code == 200 and job in page.text
    assert "압력 [bar]" in fresh_client.get(f"/api/v1/jobs/{job}").text


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("시간,온도\n지금,1\n나중,2\n", "time column '시간' holds '지금' (data row 1)"),
        (
            "시간,온도\n1,1.5\n2,x\n3,2.5\n",
            "column '온도' has non-numeric values (1, e.g. 'x' in data row 2)",
        ),
        ("시간,온도\n1,1.5\n,2\n3,2.5\n", "time column '시간' is empty in 1 row(s), the first data row 2"),
    ],
)
def test_bad_tables_exit_2_naming_file_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fresh_client: TestClient, content: str, words: str
) -> None:
    path = tmp_path / "라인.csv"
    path.write_text(content, encoding="utf-8")
    code = main(["factory", "fit", str(path), "--time-column", "시간", "--out", str(tmp_path / "m.npz")])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2 and "라인.csv" in err and words in err
    assert not (tmp_path / "m.npz").exists()
    with pytest.raises(InputError, match=r"라인\.csv"):
        service.fit_monitor(path, "시간", source="라인.csv")
    response = fresh_client.post(
        "/api/v1/factory/monitors",
        params={"wait": 60},
        data={"name": "bad", "time_column": "시간"},
        files={"files": ("라인.csv", content.encode("utf-8"))},
    )
    assert response.status_code == 422 and words in response.json()["detail"]


def test_sensor_dropouts_are_left_out_and_said(tmp_path: Path) -> None:
    X = _process(300, 5)
    normal = pd.DataFrame(X, columns=NAMES).assign(시간=np.arange(300.0))
    gappy = normal.copy()
    gappy.loc[[10, 11, 200], "압력 [bar]"] = np.nan
    gappy.to_csv(tmp_path / "fit.csv", index=False)
    summary, monitor, notes = service.fit_monitor(tmp_path / "fit.csv", "시간", holdout=0.0, source="fit.csv")
    assert summary["rows"] == 297
    assert (
        "fit.csv: 3 row(s) with an empty value not used in the fit (the first: data row 11, column '압력 [bar]')."
        in notes
    )
    today = pd.DataFrame(_process(80, 6), columns=NAMES).assign(시간=np.arange(80.0))
    today.loc[40, "유량(L/min)"] = np.nan
    today.to_csv(tmp_path / "today.csv", index=False)
    monitor.save(tmp_path / "m.npz")
    document, _ = service.score_file(tmp_path / "today.csv", tmp_path / "m.npz", "today.csv")
    assert document["warnings"] == [
        "today.csv: 1 row(s) with an empty value not scored (the first: data row 41, column '유량(L/min)')."
    ]
    assert len(document["rows"]) == 79 and 40.0 not in [r["time"] for r in document["rows"]]
    expected = monitor.score_table(today.drop(index=40).reset_index(drop=True)).t2
    np.testing.assert_allclose([r["t2"] for r in document["rows"]], expected, rtol=1e-9, atol=1e-12)


def test_more_variables_than_rows_and_chosen_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = np.random.default_rng(8)
    wide = pd.DataFrame(rng.normal(size=(20, 30)), columns=[f"센서{i:02d}" for i in range(30)])
    wide.insert(0, "시간", np.arange(20.0))
    path = tmp_path / "넓은.csv"
    wide.to_csv(path, index=False)
    out = tmp_path / "m.npz"
    code = main(["factory", "fit", str(path), "--time-column", "시간", "--out", str(out)])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2 and not out.exists()
    assert (
        "넓은.csv: 20 normal rows are too few for 30 variables (method pca needs at least 32); give more rows, "
        in err
    )
    assert "fewer variables with --columns." in err
    code = main(
        [
            "factory",
            "fit",
            str(path),
            "--time-column",
            "시간",
            "--columns",
            "센서01, 센서05",
            "--out",
            str(out),
            "--json",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert json.loads(captured.out)["columns"] == ["센서01", "센서05"]
    code = main(
        ["factory", "fit", str(path), "--time-column", "시간", "--columns", "센서99", "--out", str(out)]
    )
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2 and "넓은.csv: --columns: '센서99' is not a variable of the table" in err


def test_api_fit_with_columns(tmp_path: Path, fresh_client: TestClient) -> None:
    _excel_csv(tmp_path / "정상.csv", _process(300, 3))
    answer = fresh_client.post(
        "/api/v1/factory/monitors",
        params={"wait": 60},
        data={"name": "two", "time_column": "시간", "columns": "온도(℃),압력 [bar]"},
        files={"files": ("정상.csv", (tmp_path / "정상.csv").read_bytes())},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["job"]["result"]["columns"] == ["온도(℃)", "압력 [bar]"]


def test_a_short_table_falls_back_to_analytic_limits_and_says_so() -> None:
    X = _process(25, 9)
    table = pd.DataFrame(X, columns=NAMES).assign(시간=np.arange(25.0))
    with pytest.warns(UserWarning, match=r"short.csv: 25 rows are too few to hold 0.3 of them out"):
        fit = fit_table(table, "시간", "pca", 0.01, holdout=0.3, source="short.csv", n_components=2)
    assert fit.to_dict()["holdout"] == 0.0 and fit.to_dict()["limit_scale"] == {"t2": 1.0, "q": 1.0}
    # the analytic T² limit (Montgomery/Tracy: a(n+1)(n-1)/(n(n-a)) F_a,n-a) by scipy
    from scipy import stats

    n, a = 25, 2
    expected = a * (n + 1) * (n - 1) / (n * (n - a)) * stats.f.ppf(0.99, a, n - a)
    assert fit.to_dict()["limits"]["t2"] == pytest.approx(expected, rel=1e-9)


def test_names_spelt_with_other_spaces_are_matched_and_said(tmp_path: Path) -> None:
    X = _process(200, 10)
    pd.DataFrame(X, columns=NAMES).assign(시간=np.arange(200.0)).to_csv(tmp_path / "fit.csv", index=False)
    _, monitor, _ = service.fit_monitor(tmp_path / "fit.csv", "시간", holdout=0.0)
    monitor.save(tmp_path / "m.npz")
    other = ["온도 (℃)", "압력 [BAR]", "유량(L/min)"]
    today = pd.DataFrame(_process(30, 11), columns=other).assign(**{"시 간": np.arange(30.0)})
    today.to_csv(tmp_path / "today.csv", index=False)
    document, _ = service.score_file(tmp_path / "today.csv", tmp_path / "m.npz", "today.csv")
    assert document["warnings"] == [
        "today.csv: column '시 간' read as the monitor's '시간'.",
        "today.csv: column '온도 (℃)' read as the monitor's '온도(℃)'.",
        "today.csv: column '압력 [BAR]' read as the monitor's '압력 [bar]'.",
    ]
    expected = monitor.score_table(
        pd.DataFrame(_process(30, 11), columns=NAMES).assign(시간=np.arange(30.0))
    ).t2
    np.testing.assert_allclose([r["t2"] for r in document["rows"]], expected, rtol=1e-9)
    pd.DataFrame(_process(30, 11), columns=["온도", "압력", "유량"]).assign(시간=np.arange(30.0)).to_csv(
        tmp_path / "bad.csv", index=False
    )
    with pytest.raises(
        InputError, match=r"^bad.csv: column '온도\(℃\)' of the monitor is missing; the table has '온도'"
    ):
        service.score_file(tmp_path / "bad.csv", tmp_path / "m.npz", "bad.csv")


def test_date_and_clock_in_two_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    X = _process(120, 12)
    stamps = pd.Timestamp("2024-03-05 23:00:00") + pd.to_timedelta(np.arange(120), unit="min")
    table = pd.DataFrame(X, columns=NAMES)
    table.insert(0, "시각", stamps.strftime("%H:%M:%S"))
    table.insert(0, "일자", stamps.strftime("%Y.%m.%d"))
    table.to_csv(tmp_path / "둘.csv", index=False, encoding="cp949")
    out = tmp_path / "m.npz"
    code = main(
        [
            "factory",
            "fit",
            str(tmp_path / "둘.csv"),
            "--time-column",
            "일자+시각",
            "--out",
            str(out),
            "--json",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert json.loads(captured.out)["columns"] == NAMES  # the date and clock are not variables
    assert "둘.csv: the time is '일자' and '시각' joined." in " ".join(captured.err.split())
    document, _ = service.score_file(tmp_path / "둘.csv", out, "둘.csv")
    assert document["rows"][61]["time"] == "2024-03-06T00:01:00"  # past midnight, the next day's date
