"""The SPC document's ``summary``: one entry per chart (name, points, centre, points out of control), the same in
the service's document, the CLI's JSON and lines, and the API's answer; the counts checked by hand with numpy."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from gwangyang.api.app import create_app
from gwangyang.cli.main import main
from gwangyang.factory import service
from tests.api.conftest import AUTH, TOKEN
from tests.factory.test_spc_attributes import _items


def _thickness(path: Path) -> np.ndarray:
    rng = np.random.default_rng(7)
    values = np.round(2.0 + 0.01 * rng.normal(size=25), 5)
    values[20] += 0.08  # one shift: out of control on I (and on MR, next to it)
    pd.DataFrame({"두께": values}).to_csv(path, index=False, encoding="cp949")
    return values


def test_summary_names_every_chart_with_counts_by_hand(tmp_path: Path) -> None:
    values = _thickness(tmp_path / "두께.csv")
    document, _ = service.spc(tmp_path / "두께.csv", "두께")
    summary = document["summary"]
    assert [s["name"] for s in summary] == ["I", "MR", "EWMA", "CUSUM+", "CUSUM-"]
    assert [s["points"] for s in summary] == [25, 24, 25, 25, 25]
    # Montgomery §6.4 by hand: x̄ ± 3 MR̄/1.128, MR above 3.267 MR̄
    mr = np.abs(np.diff(values))
    sigma = mr.mean() / 1.1284
    i_out = int((np.abs(values - values.mean()) > 3 * sigma).sum())
    mr_out = int((mr > (1 + 3 * 0.8525 / 1.1284) * mr.mean()).sum())
    assert summary[0]["out_of_control"] == i_out == 1 and summary[1]["out_of_control"] == mr_out == 2
    assert summary[0]["center"] == pytest.approx(values.mean(), rel=1e-12)
    assert summary[1]["center"] == pytest.approx(mr.mean(), rel=1e-12)
    for line, chart in zip(summary, document["charts"], strict=True):  # the drawn charts agree
        assert line["out_of_control"] == len(chart["out_of_control"]) and line["points"] == len(
            chart["values"]
        )


def test_attribute_summary_is_the_one_chart(tmp_path: Path) -> None:
    path = tmp_path / "검사.csv"
    _items([1, 2, 5, 0], [10, 20, 10, 20]).to_csv(path, index=False, encoding="cp949")
    document, _ = service.spc(path, "판정", subgroup_column="로트")
    assert document["summary"] == [
        {"name": "p", "points": 4, "center": pytest.approx(8 / 60, rel=1e-12), "out_of_control": 1}
    ]


def test_cli_lines_and_json_and_api_carry_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "두께.csv"
    _thickness(path)
    direct, _ = service.spc(path, "두께")
    assert main(["factory", "spc", str(path), "--column", "두께"]) == 0
    lines = capsys.readouterr().err.splitlines()
    for entry in direct["summary"]:
        expected = (
            f"{entry['name']:7} {entry['points']} point(s), centre {entry['center']:.4g}: "
            f"{entry['out_of_control']} out of control"
        )
        assert expected in lines
    assert f"{len(direct['rule_violations'])} run-rule violation(s) (nelson, I chart)" in lines
    assert main(["factory", "spc", str(path), "--column", "두께", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"] == direct["summary"]
    with TestClient(create_app(tmp_path / "store", token=TOKEN), headers=AUTH) as client:
        reply = client.post(
            "/api/v1/factory/spc", files={"files": ("두께.csv", path.read_bytes())}, data={"column": "두께"}
        )
    assert reply.status_code == 200, reply.text
    assert reply.json()["summary"] == direct["summary"]
