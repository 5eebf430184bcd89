"""Missing measurements are filled with their lot's median for the multivariate scores: the count is in the
document, the CLI's last line and the quality page, and the scores equal those of the table filled by pandas."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery.quality.screening import screen
from gwangyang.battery.service.quality import save_quality_summary, screen_table
from gwangyang.cli.main import main
from gwangyang.store import Store

COLUMNS = ["OCV(V)", "ACIR(mΩ)"]


def _cells() -> pd.DataFrame:
    """Lots A and B of 20 cells and lot C of 2 (too few to screen); 4 missing values, 3 of them in A and B."""
    rng = np.random.default_rng(4)
    n = 42
    table = pd.DataFrame(
        {
            "셀ID": [f"C{i:03d}" for i in range(n)],
            "로트": ["A"] * 20 + ["B"] * 20 + ["C"] * 2,
            "OCV(V)": np.round(3.6 + 0.002 * rng.normal(size=n), 5),
            "ACIR(mΩ)": np.round(20 + 0.3 * rng.normal(size=n), 3),
        }
    )
    table.loc[5, "ACIR(mΩ)"] = 30.0  # a bad weld
    table.loc[[2, 3], "OCV(V)"] = np.nan  # lot A
    table.loc[25, "ACIR(mΩ)"] = np.nan  # lot B
    table.loc[41, "OCV(V)"] = np.nan  # lot C: not screened, not filled
    return table


def test_filled_values_are_counted_and_equal_a_pandas_median_fill() -> None:
    table = _cells()
    result = screen(table, "셀ID", "로트", COLUMNS)
    assert result.filled == {"OCV(V)": 2, "ACIR(mΩ)": 1} and result.filled_values == 3
    assert result.to_dict()["filled_values"] == 3
    assert "lot C: only 2 cell(s), not screened against each other." in result.notes
    # the same lots filled by pandas with each lot's median of the values present
    by_pandas = table.copy()
    for column in COLUMNS:
        by_pandas[column] = by_pandas[column].fillna(by_pandas.groupby("로트")[column].transform("median"))
    filled = screen(by_pandas, "셀ID", "로트", COLUMNS)
    assert filled.filled_values == 0
    pd.testing.assert_series_equal(result.scores["mahalanobis2"], filled.scores["mahalanobis2"], rtol=1e-12)
    pd.testing.assert_series_equal(result.scores["iforest_score"], filled.scores["iforest_score"], rtol=1e-12)


def test_the_count_is_in_the_cli_json_and_its_last_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "결측.csv"
    _cells().to_csv(path, index=False, encoding="cp949")
    args = ["battery", "screen", str(path), "--id-column", "셀ID", "--lot-column", "로트"]
    assert main([*args, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["filled_values"] == 3 and document["filled"] == {"OCV(V)": 2, "ACIR(mΩ)": 1}
    assert (
        "결측.csv: column 'OCV(V)' is missing for 3 cell(s) (first 'C002'); each is filled with its lot's median"
        in " ".join(document["notes"])
    )
    assert main(args) == 0
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.endswith("lot alarms; 3 missing value(s) filled with the lot median")


def test_api_document_and_quality_page_show_the_count(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from gwangyang.api import create_app

    table = _cells()
    token = "test-token-0123456789"
    store = Store(tmp_path / "store")
    direct = screen_table(table, "셀ID", "로트", COLUMNS)
    save_quality_summary(store, {"screening": {**direct, "injected": {}, "flagged_clean": 0}})
    with TestClient(create_app(store.root, token=token), headers={"Authorization": f"Bearer {token}"}) as c:
        answer = c.post(
            "/api/v1/quality/screen",
            data={"id_column": "셀ID", "lot_column": "로트"},
            files={"files": ("결측.csv", table.to_csv(index=False).encode("cp949"))},
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["filled_values"] == 3 and answer.json()["filled"] == direct["filled"]
        html = c.get("/quality").text
        assert 'data-testid="screening-filled">Missing values filled with their lot\'s median: 3.</p>' in html
        korean = c.get("/quality", headers={"Accept-Language": "ko"}).text
        assert "결측값을 로트 중앙값으로 채운 수: 3." in korean
