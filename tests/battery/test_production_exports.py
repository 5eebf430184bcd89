"""Production tables as Korean Excel saves them: cp949 with a title line and thousands separators, barcodes
with leading zeros, a workbook; the values kept are checked against the generated table."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery.production import read_production_table
from gwangyang.cli.main import main
from tests.battery.io.xlsx import write_xlsx


def _table(n: int = 30) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    return pd.DataFrame(
        {
            "바코드": [f"{k:08d}" for k in range(n)],
            "Lot": np.repeat([101, 102], n // 2),
            "OCV (V)": np.round(3.6 + 0.0015 * rng.standard_normal(n), 5),
            "capacity_mAh": np.round(5000.0 + 15.0 * rng.standard_normal(n), 1),
        }
    )


def test_cp949_export_with_title_and_thousands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = _table()
    lines = ["EOL 검사 결과 (2026-03-02)", ",".join(table.columns)]
    lines += [f'{r.바코드},{r.Lot},{r._3},"{r.capacity_mAh:,.1f}"' for r in table.itertuples()]
    path = tmp_path / "검사.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("cp949"))
    checked = read_production_table(path, "바코드")
    frame = checked.frame
    assert frame["cell_id"].tolist() == table["바코드"].tolist()  # 00000007 keeps its zeros
    assert frame["lot"].tolist() == [str(v) for v in table["Lot"]]  # 101, not 101.0
    np.testing.assert_allclose(frame["capacity_ah"], table["capacity_mAh"] / 1000.0, rtol=1e-12)
    assert checked.warnings[:2] == [
        "검사.csv: 1 line(s) above the header (line 2) skipped, the first: 'EOL 검사 결과 (2026-03-02)'.",
        "검사.csv: column 'capacity_mAh' holds numbers written with thousands separators; read as numbers.",
    ]
    code = main(
        [
            "battery",
            "production",
            "ingest",
            str(path),
            "--id-column",
            "바코드",
            "--store",
            str(tmp_path / "s"),
            "--json",
        ]
    )
    out = capsys.readouterr()
    assert code == 0, out.err
    document = json.loads(out.out)
    assert document["rows"] == 30 and document["columns"]["renamed"]["바코드"] == "cell_id"
    assert document["warnings"][0].startswith("검사.csv: 1 line(s) above the header")


def test_workbook(tmp_path: Path) -> None:
    table = _table(10)
    rows = [list(table.columns), *table.astype(object).to_numpy().tolist()]
    path = write_xlsx(tmp_path / "검사.xlsx", {"결과": rows})
    frame = read_production_table(path, "바코드").frame
    assert frame["cell_id"].tolist() == table["바코드"].tolist()
    np.testing.assert_allclose(frame["ocv_v"], table["OCV (V)"], rtol=1e-12)


def test_korean_dates(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text(
        "셀ID,측정일,OCV (V)\nA1,2026. 3. 2. 오후 2:05:00,3.6\nA2,2026년 3월 3일,3.61\nA3,,3.62\n",
        encoding="utf-8",
    )
    frame = read_production_table(path).frame
    assert [str(t) for t in frame["date"]] == ["2026-03-02 14:05:00", "2026-03-03 00:00:00", "NaT"]
