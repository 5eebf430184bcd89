"""Lot screening of production tables as cell makers export them: cp949 or semicolon CSV with decimal
commas, a title line, a status column, a constant column, a missing value. Robust z-scores are checked
against the Iglewicz & Hoaglin formula computed with numpy on the generated numbers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery.service.quality import screen_table
from gwangyang.cli.main import main

N = 40


def _cells(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    table = pd.DataFrame(
        {
            "셀ID": [f"C{i:03d}" for i in range(N)],
            "로트": np.repeat(["A", "B"], N // 2),
            "OCV(V)": np.round(3.6 + 0.002 * rng.normal(size=N), 5),
            "ACIR(mΩ)": np.round(20 + 0.3 * rng.normal(size=N), 3),
            "판정": np.where(np.arange(N) % 9 == 0, "NG", "OK"),
            "설비": 7.0,
        }
    )
    table.loc[5, "ACIR(mΩ)"] = 30.0  # a cell with a bad weld
    return table


def _robust_z(values: np.ndarray) -> np.ndarray:
    median = np.median(values)
    return 0.6745 * (values - median) / np.median(np.abs(values - median))


@pytest.mark.parametrize("layout", ["cp949", "semicolon"])
def test_exported_tables_screen_as_the_clean_one(tmp_path: Path, layout: str) -> None:
    table = _cells()
    path = tmp_path / "생산.csv"
    if layout == "cp949":
        path.write_bytes(("EOL 검사 결과\n" + table.to_csv(index=False)).encode("cp949"))
    else:
        path.write_text(table.to_csv(index=False, sep=";", decimal=","), encoding="utf-8-sig")
    document = screen_table(path, "셀ID", "로트")
    clean = screen_table(table.drop(columns=["판정", "설비"]), "셀ID", "로트")
    assert document["flagged"] == clean["flagged"]
    top = document["flagged"][0]
    assert top["id"] == "C005"
    lot_a = table.loc[table["로트"] == "A", "ACIR(mΩ)"].to_numpy()
    expected = f"ACIR(mΩ) high (robust z +{_robust_z(lot_a)[5]:.1f})"
    assert top["reasons"][0] == expected
    said = [n for n in document["notes"] if "decimal commas" not in n and "above the header" not in n]
    assert said == [
        "생산.csv: columns that are not numbers not screened: '판정' (e.g. 'NG').",
        "생산.csv: column '설비' holds one value (7.0) in every cell; left out.",
    ]


def test_constant_column_no_longer_adds_false_flags() -> None:
    table = _cells().drop(columns=["판정"])
    with_flat = screen_table(table, "셀ID", "로트")
    without = screen_table(table.drop(columns=["설비"]), "셀ID", "로트")
    assert [f["id"] for f in with_flat["flagged"]] == [f["id"] for f in without["flagged"]]


def test_missing_value_is_said_in_the_cli_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = _cells().drop(columns=["판정", "설비"])
    table.loc[3, "OCV(V)"] = np.nan
    path = tmp_path / "결측.csv"
    table.to_csv(path, index=False, encoding="cp949")
    code = main(["battery", "screen", str(path), "--id-column", "셀ID", "--lot-column", "로트", "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "결측.csv: column 'OCV(V)' is missing for 1 cell(s) (first 'C003')" in out.out
    assert json.loads(out.out)["flagged"][0]["id"] == "C005"


def test_api_screens_a_workbook_and_refuses_a_wrong_id_column(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from gwangyang.api import create_app
    from tests.battery.io.xlsx import write_xlsx

    table = _cells().drop(columns=["설비"])
    rows = [["EOL 검사 결과"], list(table.columns), *table.astype(object).to_numpy().tolist()]
    book = write_xlsx(tmp_path / "생산.xlsx", {"결과": rows}).read_bytes()
    token = "test-token-0123456789"
    with TestClient(
        create_app(tmp_path / "store", token=token), headers={"Authorization": f"Bearer {token}"}
    ) as c:
        ok = c.post(
            "/api/v1/quality/screen",
            data={"id_column": "셀ID", "lot_column": "로트"},
            files={"files": ("생산.xlsx", book)},
        )
        assert ok.status_code == 200, ok.text
        assert ok.json()["flagged"][0]["id"] == "C005"
        assert ok.json()["flagged"][0]["reasons"][0].startswith("ACIR(mΩ) high")
        bad = c.post(
            "/api/v1/quality/screen", data={"id_column": "cell_id"}, files={"files": ("생산.xlsx", book)}
        )
        assert (
            bad.status_code == 400
            and "생산.xlsx: id_column 'cell_id' is not a column" in bad.json()["detail"]
        )


def test_bad_tables_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = _cells().drop(columns=["판정", "설비"]).astype({"OCV(V)": object})
    table.loc[7, "OCV(V)"] = "측정불가"
    path = tmp_path / "오류.csv"
    table.to_csv(path, index=False, encoding="cp949")
    code = main(["battery", "screen", str(path), "--id-column", "셀ID", "--lot-column", "로트", "--json"])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2
    assert "오류.csv: column 'OCV(V)' holds numbers but '측정불가' for cell 'C007' (data row 8)" in err
    code = main(["battery", "screen", str(path), "--id-column", "cell", "--json"])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2 and "오류.csv: --id-column 'cell' is not a column" in err
