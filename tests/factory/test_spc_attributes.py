"""Attribute control charts (p, np, c, u), checked by hand and against Montgomery's worked examples
(Introduction to Statistical Quality Control, 6th ed., 2009)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.cli.main import main
from gwangyang.factory import service
from tests.battery.io.xlsx import write_xlsx

MONTGOMERY_ORANGE_JUICE_DEFECTIVES = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22]
MONTGOMERY_ORANGE_JUICE_DEFECTIVES += [8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7, 13, 9, 6]
"""Montgomery §7.2.1, Example 7.1 (Table 7.1): nonconforming cans in 30 samples of n = 50 (347 in all).
The text gives p̄ = 0.2313, UCL = 0.4102, LCL = 0.0524, and samples 15 and 23 above the UCL."""
MONTGOMERY_ORANGE_JUICE_N = 50
MONTGOMERY_ORANGE_JUICE_LIMITS = (0.2313, 0.4102, 0.0524)

MONTGOMERY_PCB_NONCONFORMITIES = [21, 24, 16, 12, 15, 5, 28, 20, 31, 25, 20, 24, 16]
MONTGOMERY_PCB_NONCONFORMITIES += [19, 10, 17, 13, 22, 18, 39, 30, 24, 16, 19, 17, 15]
"""Montgomery §7.3.1, Example 7.3: nonconformities in 26 samples of 100 printed circuit boards (516 in all).
The text gives c̄ = 19.85, UCL = 33.22, LCL = 6.48 (from c̄ rounded to 19.85: 19.85 ± 3 √19.85; from the exact
c̄ = 516/26 = 19.846 the limits are 33.211 and 6.481), and samples 6 and 20 outside the limits."""
MONTGOMERY_PCB_LIMITS = (19.85, 33.22, 6.48)


def _spc(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    code = main(["factory", "spc", *args, "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def _refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(["factory", "spc", *args])
    err = capsys.readouterr().err
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1, err
    return " ".join(err.split())


def _items(defectives: list[int], sizes: list[int], fail: str = "불합격", ok: str = "합격") -> pd.DataFrame:
    """One row per inspected item: the lot's label and its verdict."""
    rows = []
    for lot, (bad, n) in enumerate(zip(defectives, sizes, strict=True)):
        rows += [{"로트": f"로트-{lot + 1:02d}", "판정": fail if i < bad else ok} for i in range(n)]
    return pd.DataFrame(rows)


def test_p_chart_of_unequal_lots_by_hand(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 1, 2, 5, 0 nonconforming in lots of 10, 20, 10, 20: p̄ = 8/60 = 0.133333.
    # n = 10: σ = √(0.133333 × 0.866667 / 10) = 0.107497, UCL = 0.133333 + 0.322490 = 0.455824, LCL < 0 → 0.
    # n = 20: σ = √(0.133333 × 0.866667 / 20) = 0.076012, UCL = 0.133333 + 0.228035 = 0.361368, LCL → 0.
    # Lot 3 (5/10 = 0.5) is above its UCL.
    table = _items([1, 2, 5, 0], [10, 20, 10, 20]).sample(frac=1.0, random_state=3)  # lots interleaved
    order = list(dict.fromkeys(table["로트"]))
    path = tmp_path / "검사 결과.csv"
    table.to_csv(path, index=False, encoding="cp949")
    document = _spc(capsys, str(path), "--column", "판정", "--subgroup-column", "로트")
    assert document["chart"] == {
        "type": "p",
        "chosen": "auto",
        "reason": "'판정' holds pass/fail words and subgroups of 10 to 20 items: p chart.",
    }
    chart = document["charts"][0]
    by_lot = {lot: i for i, lot in enumerate(order)}
    want_upper = {"로트-01": 0.455824, "로트-02": 0.361368, "로트-03": 0.455824, "로트-04": 0.361368}
    want_p = {"로트-01": 0.1, "로트-02": 0.1, "로트-03": 0.5, "로트-04": 0.0}
    assert chart["subgroups"] == order and chart["name"] == "p"
    assert chart["center"] == pytest.approx(0.133333, abs=1e-6)
    for lot, i in by_lot.items():
        assert chart["upper"][i] == pytest.approx(want_upper[lot], abs=1e-6)
        assert chart["values"][i] == pytest.approx(want_p[lot])
    assert chart["lower"] == [0.0] * 4
    assert chart["out_of_control"] == [by_lot["로트-03"]]
    assert {"rule": 1, "description": "1 point beyond 3σ", "index": by_lot["로트-03"]} in document[
        "rule_violations"
    ]
    assert document["capability"] is None and document["warnings"] == []


def test_p_chart_matches_montgomery_example_7_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "캔.csv"
    pd.DataFrame(
        {
            "표본": range(1, 31),
            "불량수": MONTGOMERY_ORANGE_JUICE_DEFECTIVES,
            "검사수": MONTGOMERY_ORANGE_JUICE_N,
        }
    ).to_csv(path, index=False)
    document = _spc(capsys, str(path), "--column", "불량수", "--size-column", "검사수", "--chart", "p")
    assert document["chart"]["type"] == "p" and document["chart"]["chosen"] == "asked"
    chart = document["charts"][0]
    center, upper, lower = MONTGOMERY_ORANGE_JUICE_LIMITS
    assert chart["center"] == pytest.approx(center, abs=5e-5)
    assert chart["upper"] == pytest.approx([upper] * 30, abs=5e-5)
    assert chart["lower"] == pytest.approx([lower] * 30, abs=5e-5)
    assert chart["out_of_control"] == [14, 22]  # samples 15 and 23


def test_np_chart_of_ok_ng_items_in_consecutive_subgroups(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The same 30 samples as one OK/NG row per can, 50 rows a sample: np̄ = 50 × 0.2313 = 11.57,
    # limits 50 × (0.4102, 0.0524) = 20.51, 2.62 (Montgomery's p limits times n).
    table = _items(MONTGOMERY_ORANGE_JUICE_DEFECTIVES, [50] * 30, fail="NG", ok="OK")
    table["판정"] = table["판정"].where(np.arange(len(table)) % 7 != 0, table["판정"].str.lower())  # ok, ng
    path = tmp_path / "판정.xlsx"
    write_xlsx(path, {"검사": [["판정"], *([v] for v in table["판정"])]})
    document = _spc(capsys, str(path), "--column", "판정", "--subgroup", "50")
    assert document["chart"]["type"] == "np" and document["chart"]["chosen"] == "auto"
    chart = document["charts"][0]
    center, upper, lower = MONTGOMERY_ORANGE_JUICE_LIMITS
    assert chart["center"] == pytest.approx(50 * center, abs=50 * 5e-5)
    assert chart["upper"][0] == pytest.approx(50 * upper, abs=50 * 5e-5)
    assert chart["lower"][0] == pytest.approx(50 * lower, abs=50 * 5e-5)
    assert chart["values"] == MONTGOMERY_ORANGE_JUICE_DEFECTIVES
    assert chart["out_of_control"] == [14, 22]


def test_c_chart_matches_montgomery_example_7_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "기판.csv"
    pd.DataFrame({"기판 묶음": range(1, 27), "결점수": MONTGOMERY_PCB_NONCONFORMITIES}).to_csv(
        path, index=False
    )
    plot = tmp_path / "c 관리도.png"
    document = _spc(capsys, str(path), "--column", "결점수", "--plot", str(plot))
    assert document["chart"]["type"] == "c" and document["chart"]["chosen"] == "auto"
    chart = document["charts"][0]
    center, upper, lower = MONTGOMERY_PCB_LIMITS
    assert chart["center"] == pytest.approx(center, abs=5e-3)
    assert chart["upper"][0] == pytest.approx(upper, abs=0.01)  # the text's rounding of c̄ moves them 0.004
    assert chart["lower"][0] == pytest.approx(lower, abs=0.01)
    assert chart["upper"][0] == pytest.approx(516 / 26 + 3 * np.sqrt(516 / 26), abs=1e-12)
    assert chart["out_of_control"] == [5, 19]  # samples 6 and 20
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_u_chart_by_hand(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 1, 2, 1, 25 defects on 1, 1, 1, 2.5 m² of sheet: ū = 29 / 5.5 = 5.272727.
    # 1 m²: UCL = 5.272727 + 3 √5.272727 = 5.272727 + 6.888726 = 12.161453, LCL < 0 → 0.
    # 2.5 m²: UCL = 5.272727 + 3 √(5.272727 / 2.5) = 5.272727 + 4.356813 = 9.629540, LCL = 0.915914.
    # The last sheet (25 / 2.5 = 10 per m²) is above its UCL.
    path = tmp_path / "강판.csv"
    pd.DataFrame({"결함": [1, 2, 1, 25], "면적(m2)": [1, 1, 1, 2.5]}).to_csv(path, index=False)
    document = _spc(capsys, str(path), "--column", "결함", "--size-column", "면적(m2)")
    assert document["chart"]["type"] == "u" and "'면적(m2)'" in document["chart"]["reason"]
    chart = document["charts"][0]
    assert chart["center"] == pytest.approx(5.272727, abs=1e-6)
    assert chart["values"] == pytest.approx([1, 2, 1, 10])
    assert chart["upper"] == pytest.approx([12.161453] * 3 + [9.629540], abs=1e-6)
    assert chart["lower"] == pytest.approx([0.0] * 3 + [0.915914], abs=1e-6)
    assert chart["out_of_control"] == [3]


def test_whole_number_measurements_stay_variables_and_say_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "온도.csv"
    pd.DataFrame({"온도": [150, 151, 149, 150, 152, 148, 150, 151]}).to_csv(path, index=False)
    document = _spc(capsys, str(path), "--column", "온도")
    assert document["chart"]["type"] == "I-MR" and document["charts"][0]["name"] == "I"
    assert document["warnings"] == [
        "온도.csv: column '온도' holds whole numbers ≥ 0 and is charted as measurements; if they count defects, "
        "ask for a c chart (or u with a size column)."
    ]
    assert _spc(capsys, str(path), "--column", "온도", "--chart", "c")["charts"][0]["center"] == 150.125


@pytest.mark.parametrize(
    ("table", "options", "words"),
    [
        (
            "로트,판정\n1,합격\n1,합격\n2,합격\n2,합격\n",
            ["--subgroup-column", "로트"],
            "t.csv: column '판정': every item passes (no nonconforming item)",
        ),
        (
            "결점수,검사수\n3,10\n2,0\n1,10\n",
            ["--size-column", "검사수"],
            "t.csv: column '검사수' has '0' in data row 2; expected a subgroup size above 0.",
        ),
        (
            "판정\nOK\nNG\nOK\nOK\n",
            ["--subgroup", "0"],
            "t.csv: column '판정': subgroup size 0; expected 1 or more",
        ),
        (
            "결점수\n3\n-1\n2\n",
            [],
            "t.csv: column '결점수': negative count -1 in data row 2; expected counts ≥ 0.",
        ),
        (
            "결점수\n3\n1.5\n2\n",
            ["--chart", "c"],
            "t.csv: column '결점수': 1.5 in data row 2 is not a whole count.",
        ),
        (
            "로트,판정\n1,양품\n1,보류\n2,불량\n2,양품\n",
            ["--subgroup-column", "로트"],
            "t.csv: column '판정': '보류' in data row 2 is neither a pass word",
        ),
        (
            "로트,판정\n1,OK\n1,NG\n2,NG\n2,OK\n",
            ["--subgroup-column", "로트", "--chart", "u"],
            "t.csv: column '판정': holds pass/fail words (nonconforming items), but u charts count",
        ),
        (
            "결점수\n3\n1\n2\n",
            ["--chart", "np"],
            "t.csv: column '결점수': np chart of counts: give the items",
        ),
        ("결점수\n3\n1\n2\n", ["--chart", "x"], "--chart: expected one of auto, variables, p, np, c, u"),
        (
            "결점수,검사수\n3,2\n1,10\n",
            ["--size-column", "검사수", "--chart", "p"],
            "t.csv: column '결점수': subgroup 1 has 3 nonconforming of 2 inspected",
        ),
        ("결점수\n0\n0\n0\n", [], "t.csv: column '결점수': every count is 0"),
        (
            "로트,판정\n1,OK\n1,NG\n2,NG\n2,OK\n",
            ["--subgroup-column", "로트", "--limits", "0,1"],
            "specification limits (capability) are for measurements",
        ),
    ],
)
def test_bad_attribute_input_is_refused_in_one_line_naming_the_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], table: str, options: list[str], words: str
) -> None:
    path = tmp_path / "t.csv"
    path.write_text(table, encoding="utf-8")
    column = (
        table.split(",")[1].split("\n")[0] if table.startswith("로트") else table.split(",")[0].split("\n")[0]
    )
    assert words in _refused(capsys, str(path), "--column", column, *options)


def test_api_and_cli_give_the_same_attribute_chart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from fastapi.testclient import TestClient

    from gwangyang.api import create_app

    path = tmp_path / "검사 결과.csv"
    _items([1, 2, 5, 0], [10, 20, 10, 20], fail="불량", ok="양품").to_csv(path, index=False, encoding="cp949")
    cli = _spc(capsys, str(path), "--column", "판정", "--subgroup-column", "로트", "--rules", "western")
    direct, _ = service.spc(path, "판정", subgroup_column="로트", rules="western")
    token = "test-token-0123456789"
    with TestClient(
        create_app(tmp_path / "store", token=token), headers={"Authorization": f"Bearer {token}"}
    ) as c:
        ok = c.post(
            "/api/v1/factory/spc",
            data={"column": "판정", "subgroup_column": "로트", "rules": "western"},
            files={"files": (path.name, path.read_bytes())},
        )
        assert ok.status_code == 200, ok.text
        assert ok.json() == cli == json.loads(json.dumps(direct))
        assert ok.json()["chart"]["type"] == "p"
        bad = c.post(
            "/api/v1/factory/spc",
            data={"column": "판정", "chart": "c", "subgroup_column": "로트"},
            files={"files": (path.name, path.read_bytes())},
        )
        assert bad.status_code == 400
        assert bad.json()["detail"].startswith("검사 결과.csv: column '판정': holds pass/fail words")
