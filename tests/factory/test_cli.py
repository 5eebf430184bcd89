"""``gwangyang factory fit|score|spc|tep`` end to end on the shipped TEP sample and the Braatz files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from gwangyang.cli.main import main
from gwangyang.samples import sample_dir

NORMAL = sample_dir("factory") / "tep_normal_d00.csv.gz"
FAULT = sample_dir("factory") / "tep_fault01_d01_te.csv.gz"


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[Any, str]:
    """The JSON document a successful command prints, and its stderr (for tests of warnings)."""
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 0, captured.out + captured.err
    return json.loads(captured.out), captured.err


def run_json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> Any:
    return run(capsys, argv)[0]


def test_fit_and_score(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    monitor = tmp_path / "m.npz"
    fit = run_json(
        capsys, ["factory", "fit", str(NORMAL), "--time-column", "time_min", "--out", str(monitor), "--json"]
    )
    assert fit["method"] == "pca" and len(fit["columns"]) == 52 and fit["rows"] == 500
    plot = tmp_path / "s.png"
    scored = run_json(
        capsys, ["factory", "score", str(FAULT), "--monitor", str(monitor), "--json", "--plot", str(plot)]
    )
    png = plot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    # T², Q and the contribution panel of the alarm: 8.5 in at 100 dpi (two panels alone: 6 in)
    assert int.from_bytes(png[20:24], "big") == 850
    assert len(scored["rows"]) == 960 and set(scored["rows"][0]) == {"time", "t2", "q", "alarm"}
    # IDV(1) starts after sample 160 (480 min, data README): the long alarm starts within 10 samples of it
    # and blames the A feed (xmeas_01) or its valve (xmv_03) among the top variables.
    long = max(scored["alarms"], key=lambda a: a["rows"])
    assert 480 <= long["start"] <= 480 + 30
    assert {"xmeas_01", "xmv_03"} & {v["variable"] for v in long["top_variables"]}
    rows = pd.DataFrame(scored["rows"])
    assert rows["alarm"].iloc[170:].mean() > 0.95


@pytest.mark.parametrize("method", ["dpca", "kpca"])
def test_fit_other_methods(tmp_path: Path, capsys: pytest.CaptureFixture[str], method: str) -> None:
    fit = run_json(
        capsys,
        [
            "factory",
            "fit",
            str(NORMAL),
            "--time-column",
            "time_min",
            "--method",
            method,
            "--alpha",
            "0.05",
            "--out",
            str(tmp_path / "m.npz"),
            "--json",
        ],
    )
    assert fit["method"] == method and fit["alpha"] == 0.05


def test_spc(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plot = tmp_path / "c.png"
    report = run_json(
        capsys,
        [
            "factory",
            "spc",
            str(NORMAL),
            "--column",
            "xmeas_09",
            "--limits",
            "120.3,120.5",
            "--json",
            "--plot",
            str(plot),
        ],
    )
    values = pd.read_csv(NORMAL)["xmeas_09"].to_numpy()
    # The I chart's centre is the column mean; Pp is (U - L) / 6s with the sample standard deviation.
    assert report["charts"][0]["center"] == pytest.approx(values.mean())
    assert report["capability"]["pp"] == pytest.approx(0.2 / (6 * values.std(ddof=1)))
    assert plot.stat().st_size > 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["factory", "fit", str(NORMAL), "--time-column", "when", "--out", "{tmp}/m.npz"], "no time column"),
        (
            [
                "factory",
                "fit",
                str(NORMAL),
                "--time-column",
                "time_min",
                "--method",
                "svm",
                "--out",
                "{tmp}/m.npz",
            ],
            "method",
        ),
        (["factory", "score", str(FAULT), "--monitor", "{tmp}/missing.npz"], "no such monitor file"),
        (["factory", "spc", str(NORMAL), "--column", "nope"], "column 'nope' is missing"),
        (["factory", "spc", str(NORMAL), "--column", "xmeas_01", "--limits", "1"], "--limits"),
    ],
)
def test_bad_input_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code = main([a.replace("{tmp}", str(tmp_path)) for a in argv])
    err = capsys.readouterr().err
    assert code == 2
    assert message in " ".join(err.split())


def test_non_numeric_and_constant_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = pd.read_csv(NORMAL).iloc[:, :6]
    data["flat"] = 1.0
    data.to_csv(tmp_path / "ok.csv", index=False)
    fit, err = run(
        capsys,
        [
            "factory",
            "fit",
            str(tmp_path / "ok.csv"),
            "--time-column",
            "time_min",
            "--out",
            str(tmp_path / "m.npz"),
            "--json",
        ],
    )
    assert fit["dropped"] == ["flat"]
    assert "constant columns dropped: flat" in " ".join(err.split())
    data["text"] = np.where(np.arange(len(data)) == 3, "x", "1.0")
    data.to_csv(tmp_path / "bad.csv", index=False)
    code = main(
        [
            "factory",
            "fit",
            str(tmp_path / "bad.csv"),
            "--time-column",
            "time_min",
            "--out",
            str(tmp_path / "m2.npz"),
        ]
    )
    assert code == 2 and "column 'text'" in " ".join(capsys.readouterr().err.split())


def test_tep_reports_false_alarms_and_faults_beside_the_book(
    capsys: pytest.CaptureFixture[str], shared: Path
) -> None:
    from gwangyang.factory.tep_book import CHIANG_2000_PCA_T2_MISSED

    report = run_json(
        capsys, ["factory", "tep", str(shared / "factory" / "tep"), "--faults", "1,11", "--json"]
    )
    assert report["method"] == "pca" and report["k"] == 3
    assert report["false_alarm"]["t2"] <= 0.02 and report["false_alarm"]["q"] <= 0.02  # twice alpha = 0.01
    first, eleventh = report["faults"]
    assert first["chiang2000_pca_t2_rate"] == round(1 - CHIANG_2000_PCA_T2_MISSED[1], 3)
    # fault 1 (A/C feed ratio step): detected as by the book's PCA T² (0.992), alarm 15 min after its start
    assert first["t2_rate"] == pytest.approx(first["chiang2000_pca_t2_rate"], abs=0.01)
    assert first["alarm_delay_min"] <= first["chiang2000_pca_t2_delay_min"]
    assert eleventh["alarm_rate"] > 0.5 > eleventh["chiang2000_pca_t2_rate"]


def test_tep_bad_folder_and_faults(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["factory", "tep", str(tmp_path)]) == 2
    assert "d00.dat" in capsys.readouterr().err
    assert main(["factory", "tep", str(tmp_path), "--faults", "1,x"]) == 2
    assert "--faults" in capsys.readouterr().err


def test_too_few_normal_rows_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 52 variables need at least 54 rows for PCA (and 52 × 3 + 4 = 160 for dynamic PCA with 2 lags).
    pd.read_csv(NORMAL).iloc[:40].to_csv(tmp_path / "short.csv", index=False)
    argv = [
        "factory",
        "fit",
        str(tmp_path / "short.csv"),
        "--time-column",
        "time_min",
        "--out",
        str(tmp_path / "m.npz"),
    ]
    assert main(argv) == 2
    assert "40 normal rows are too few for 52 variables" in " ".join(capsys.readouterr().err.split())
    pd.read_csv(NORMAL).iloc[:150].to_csv(tmp_path / "short.csv", index=False)
    assert main([*argv, "--method", "dpca"]) == 2
    assert "needs at least 160" in " ".join(capsys.readouterr().err.split())


def test_score_many_tables_equals_scoring_each(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    monitor = tmp_path / "m.npz"
    run_json(
        capsys, ["factory", "fit", str(NORMAL), "--time-column", "time_min", "--out", str(monitor), "--json"]
    )
    each = [
        run_json(capsys, ["factory", "score", str(t), "--monitor", str(monitor), "--json"])
        for t in (FAULT, NORMAL)
    ]
    argv = ["factory", "score", str(FAULT), str(NORMAL), "--monitor", str(monitor), "--json"]
    for executor in ("serial", "processes"):
        many = run_json(capsys, [*argv, "--executor", executor, "--workers", "2"])
        assert many == [{"file": t.name, **d} for t, d in zip((FAULT, NORMAL), each, strict=True)]
    # the training run is the monitor's normal operation: few rows beyond a limit, the fault run many
    assert each[1]["summary"]["violations"] < each[0]["summary"]["violations"]
    assert main([*argv, "--plot", str(tmp_path / "p.png")]) == 2
    assert "--plot" in capsys.readouterr().err
