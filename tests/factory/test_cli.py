"""``gwangyang factory fit|score|spc`` end to end on the shipped TEP sample."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from gwangyang.cli.main import main
from gwangyang.demo import sample_dir

NORMAL = sample_dir("factory") / "tep_normal_d00.csv.gz"
FAULT = sample_dir("factory") / "tep_fault01_d01_te.csv.gz"


def run_json(capsys, argv):
    code = main(argv)
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def test_fit_and_score(tmp_path, capsys):
    monitor = tmp_path / "m.npz"
    fit = run_json(
        capsys, ["factory", "fit", str(NORMAL), "--time-column", "time_min", "--out", str(monitor), "--json"]
    )
    assert fit["method"] == "pca" and len(fit["columns"]) == 52 and fit["rows"] == 500
    plot = tmp_path / "s.png"
    scored = run_json(
        capsys, ["factory", "score", str(FAULT), "--monitor", str(monitor), "--json", "--plot", str(plot)]
    )
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(scored["rows"]) == 960 and set(scored["rows"][0]) == {"time", "t2", "q", "alarm"}
    # IDV(1) starts after sample 160 (480 min, data README): the long alarm starts within 10 samples of it
    # and blames the A feed (xmeas_01) or its valve (xmv_03) among the top variables.
    long = max(scored["alarms"], key=lambda a: a["rows"])
    assert 480 <= long["start"] <= 480 + 30
    assert {"xmeas_01", "xmv_03"} & {v["variable"] for v in long["top_variables"]}
    rows = pd.DataFrame(scored["rows"])
    assert rows["alarm"].iloc[170:].mean() > 0.95


@pytest.mark.parametrize("method", ["dpca", "kpca"])
def test_fit_other_methods(tmp_path, capsys, method):
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


def test_spc(tmp_path, capsys):
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
def test_bad_input_exits_2(tmp_path, capsys, argv, message):
    code = main([a.replace("{tmp}", str(tmp_path)) for a in argv])
    err = capsys.readouterr().err
    assert code == 2
    assert message in " ".join(err.split())


def test_non_numeric_and_constant_columns(tmp_path, capsys):
    data = pd.read_csv(NORMAL).iloc[:, :6]
    data["flat"] = 1.0
    data.to_csv(tmp_path / "ok.csv", index=False)
    fit = run_json(
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
