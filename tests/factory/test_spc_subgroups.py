"""X̄-R charts of subgroups a table names in a column (a lot, a sample number), checked by hand against
Montgomery's tabled constants (Introduction to Statistical Quality Control, 6th ed., Appendix Table VI)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.cli.main import main
from gwangyang.factory.spc import spc_report

# Montgomery, Appendix Table VI: A2 and D4 for n = 5 (D3 = 0); d2 for n = 3, 4, 5.
A2_N5, D4_N5 = 0.577, 2.114
D2_TABLE = {3: 1.693, 4: 2.059, 5: 2.326}


def _lots(sizes: list[int], seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    labels = np.repeat([f"로트-{i:02d}" for i in range(len(sizes))], sizes)
    return pd.DataFrame({"로트": labels, "두께(mm)": 2.0 + 0.01 * rng.normal(size=labels.size)})


def test_equal_subgroups_from_a_column_match_montgomery(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = _lots([5] * 20).sample(frac=1.0, random_state=1)  # rows of a lot need not be next to each other
    path = tmp_path / "두께.csv"
    table.to_csv(path, index=False, encoding="cp949")
    code = main(["factory", "spc", str(path), "--column", "두께(mm)", "--subgroup-column", "로트", "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    document = json.loads(out.out)
    xbar, r = document["charts"][0], document["charts"][1]
    order = list(dict.fromkeys(table["로트"]))  # subgroups in the order they first appear
    groups = table.groupby("로트")["두께(mm)"]
    means, ranges = groups.mean()[order].to_numpy(), (groups.max() - groups.min())[order].to_numpy()
    assert xbar["subgroups"] == order and xbar["sizes"] == [5] * 20
    np.testing.assert_allclose(xbar["values"], means, rtol=1e-12)
    np.testing.assert_allclose(r["values"], ranges, rtol=1e-12)
    grand, r_bar = means.mean(), ranges.mean()
    np.testing.assert_allclose(xbar["upper"][0], grand + A2_N5 * r_bar, rtol=1e-3)
    np.testing.assert_allclose(xbar["lower"][0], grand - A2_N5 * r_bar, rtol=1e-3)
    np.testing.assert_allclose(r["upper"][0], D4_N5 * r_bar, rtol=1e-3)
    assert r["lower"][0] == 0.0
    assert document["warnings"] == []


def test_unequal_subgroups_get_their_own_limits() -> None:
    sizes = [3, 4, 5, 5, 4, 3, 5, 4]
    table = _lots(sizes, seed=2)
    report = spc_report(table["두께(mm)"], "두께(mm)", subgroups=table["로트"], subgroup_name="t.csv: 로트")
    xbar, r = report.charts[0], report.charts[1]
    groups = table.groupby("로트", sort=False)["두께(mm)"]
    ranges = (groups.max() - groups.min()).to_numpy()
    sigma = np.mean([rng / D2_TABLE[n] for rng, n in zip(ranges, sizes, strict=True)])
    grand = table["두께(mm)"].mean()  # the size-weighted mean of the subgroup means
    np.testing.assert_allclose(xbar.center, grand, rtol=1e-12)
    np.testing.assert_allclose(xbar.upper, grand + 3 * sigma / np.sqrt(sizes), rtol=1e-3)
    np.testing.assert_allclose(
        r.extra["center_per_subgroup"], [D2_TABLE[n] * sigma for n in sizes], rtol=1e-3
    )
    assert report.notes == [
        "t.csv: 로트: subgroups of unequal size (3 to 5 rows); each has its own limits from σ̂ = mean(Rᵢ/d2(nᵢ))."
    ]


def test_consecutive_subgroups_say_what_is_left_over() -> None:
    values = np.random.default_rng(3).normal(size=23)
    report = spc_report(values, "x", subgroup_size=5)
    assert len(report.charts[0].values) == 4
    assert report.notes == [
        "x: the last 3 value(s) do not fill a subgroup of 5 and are not on the X̄-R charts "
        "(EWMA, CUSUM and capability use every value)."
    ]


def test_the_left_over_note_and_the_constant_refusal_name_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 23 values in subgroups of 5: 4 subgroups (20 values), 3 left over; the note names the file as the others do
    path = tmp_path / "두께 표.csv"
    values = np.random.default_rng(3).normal(size=23)
    pd.DataFrame({"두께": values, "고정": 5.0}).to_csv(path, index=False)
    code = main(["factory", "spc", str(path), "--column", "두께", "--subgroup", "5", "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    document = json.loads(out.out)
    assert len(document["charts"][0]["values"]) == 23 // 5
    assert document["warnings"] == [
        "두께 표.csv: column '두께': the last 3 value(s) do not fill a subgroup of 5 and are not on the X̄-R charts "
        "(EWMA, CUSUM and capability use every value)."
    ]
    assert main(["factory", "spc", str(path), "--column", "고정"]) == 2
    assert capsys.readouterr().err.strip() == (
        "error: 두께 표.csv: column '고정': constant; control charts are undefined."
    )


@pytest.mark.parametrize(
    ("sizes", "option", "words"),
    [
        (
            [5, 5, 1],
            "로트",
            "subgroup '로트-02' has 1 row(s); expected 2 to 10 rows, not 1 row (a range needs 2).",
        ),
        ([5, 12], "로트", "subgroup '로트-01' has 12 row(s)"),
        ([5, 5], "lot", "--subgroup-column 'lot' is not a column"),
    ],
)
def test_bad_subgroups_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sizes: list[int], option: str, words: str
) -> None:
    path = tmp_path / "두께.csv"
    _lots(sizes).to_csv(path, index=False)
    code = main(["factory", "spc", str(path), "--column", "두께(mm)", "--subgroup-column", option])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2 and "두께.csv" in err and words in err


def test_api_subgroup_column(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from gwangyang.api import create_app

    token = "test-token-0123456789"
    content = _lots([4] * 10).to_csv(index=False).encode("utf-8")
    with TestClient(
        create_app(tmp_path / "store", token=token), headers={"Authorization": f"Bearer {token}"}
    ) as c:
        ok = c.post(
            "/api/v1/factory/spc",
            data={"column": "두께(mm)", "subgroup_column": "로트"},
            files={"files": ("두께.csv", content)},
        )
        assert ok.status_code == 200, ok.text
        assert ok.json()["charts"][0]["sizes"] == [4] * 10 and ok.json()["column"] == "두께(mm)"
        bad = c.post(
            "/api/v1/factory/spc",
            data={"column": "두께(mm)", "subgroup_column": "lot"},
            files={"files": ("두께.csv", content)},
        )
        assert (
            bad.status_code == 400
            and "두께.csv: subgroup_column 'lot' is not a column" in bad.json()["detail"]
        )


def test_a_pass_fail_column_without_subgroups_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "판정.csv"
    path.write_text("번호,판정\n1,OK\n2,NG\n3,OK\n", encoding="cp949")
    code = main(["factory", "spc", str(path), "--column", "판정"])
    err = " ".join(capsys.readouterr().err.split())
    assert (
        code == 2
        and "판정.csv: column '판정': holds pass/fail words, one item per row; give a subgroup" in err
    )


def test_a_label_column_is_refused_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "상태.csv"
    path.write_text("번호,상태\n1,가동\n2,정지\n3,가동\n", encoding="cp949")
    code = main(["factory", "spc", str(path), "--column", "상태"])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2 and "상태.csv: column '상태' holds labels (e.g. '가동'), not measurements" in err
