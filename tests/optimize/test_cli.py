from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from gwangyang.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, (json.loads(out) if code == 0 and out.strip() else {})


def test_init_suggest_observe_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    state = str(tmp_path / "camp")
    code, doc = run(
        capsys, "optimize", "init", "attia2020", "--state", state, "--batch", "4", "--rounds", "2", "--json"
    )
    assert code == 0 and doc["round"] == 0 and doc["rounds"] == 2
    code, doc = run(capsys, "optimize", "suggest", "--state", state, "--json")
    assert code == 0 and len(doc["suggestions"]) == 4
    ids = [s["id"] for s in doc["suggestions"]]
    # Attia's 10-minute constraint holds for every suggestion (CC4 derived).
    for s in doc["suggestions"]:
        p = {**s["params"], **s["derived"]}
        assert sum(12.0 / p[k] for k in ("cc1", "cc2", "cc3", "cc4")) == pytest.approx(10.0)
    results = tmp_path / "results.csv"
    pd.DataFrame({"id": ids, "cycle_life": [900, 1000, 1100, 950], "std": 100}).to_csv(results, index=False)
    code, doc = run(
        capsys, "optimize", "observe", "--state", state, str(results), "--source", "predicted", "--json"
    )
    assert code == 0 and doc["recorded"] == 4 and doc["round"] == 1
    code, doc = run(capsys, "optimize", "status", "--state", state, "--json")
    assert code == 0 and doc["observations"] == 4 and doc["best_observed"]["value"] == 1100
    # the text status gives what the docs promise (best observed, recommendation, history) in words, not a dict
    best_id = ids[2]  # the 1100 row
    assert main(["optimize", "status", "--state", state]) == 0
    text = " ".join(capsys.readouterr().err.split())
    assert f"best observed: {best_id} (" in text and ") = 1100" in text
    assert "recommended: cc1=" in text and "cc4=" in text and "{'params'" not in text
    assert "round 0: 4 suggested, 4 observed, best 1100" in text


def test_bad_input_exits_2_and_keeps_state(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    space = tmp_path / "none.toml"
    space.write_text('constraints = ["x > 5"]\n[parameters.x]\ntype = "continuous"\nlow = 0.0\nhigh = 1.0\n')
    assert main(["optimize", "init", str(space), "--state", str(tmp_path / "n")]) == 2
    assert "no feasible point" in capsys.readouterr().err
    assert not (tmp_path / "n" / "state.json").exists()
    state = str(tmp_path / "camp")
    assert main(["optimize", "init", "attia2020", "--state", state, "--batch", "2"]) == 0
    capsys.readouterr()
    # A second start is refused in one line and exits 2 (the API answers it 409).
    assert main(["optimize", "init", "attia2020", "--state", state]) == 2
    assert "campaign 'camp': its folder already holds a campaign (state.json)" in capsys.readouterr().err
    assert main(["optimize", "suggest", "--state", state, "--json"]) == 0
    capsys.readouterr()
    before = (tmp_path / "camp" / "state.json").read_bytes()
    bad = tmp_path / "bad.csv"
    bad.write_text("id,value\nr000-000,nan\nr000-001,5\n")
    assert main(["optimize", "observe", "--state", state, str(bad)]) == 2
    assert "not a finite number" in capsys.readouterr().err
    bad.write_text("id,value\nzzz,1\n")
    assert main(["optimize", "observe", "--state", state, str(bad)]) == 2
    assert "'zzz' is not a suggestion" in capsys.readouterr().err
    assert (tmp_path / "camp" / "state.json").read_bytes() == before
    assert main(["optimize", "status", "--state", str(tmp_path / "nowhere")]) == 2
    assert main(["battery", "twin", "simulate", "4.8-5.2-5.2", "--cycles", "0"]) == 2


def test_propose_from_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "past.csv"
    pd.DataFrame(
        {"temp_c": [20.0, 30.0, 40.0, 25.0, 35.0], "binder": ["a", "b", "a", "b", "a"], "y": [1, 3, 2, 2, 3]}
    ).to_csv(table, index=False)
    code, doc = run(capsys, "optimize", "propose", str(table), "--objective", "y", "--batch", "3", "--json")
    assert code == 0 and len(doc["suggestions"]) == 3 and doc["experiments"] == 5
    assert all(20.0 <= s["params"]["temp_c"] <= 40.0 for s in doc["suggestions"])
    assert main(["optimize", "propose", str(table), "--objective", "nope"]) == 2


def test_init_with_history_says_which_columns_it_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A history table's columns the space does not name (Attia's cc4, a Korean note) were dropped without a word;
    they are now a warning kept with the campaign (status, API, page), as propose --space says it."""
    past = tmp_path / "지난 실험.csv"
    pd.DataFrame(
        {"cc1": [4.8, 8.0], "cc2": [5.2, 7.0], "cc3": [5.2, 5.6], "cc4": [4.0, 3.9], "비고": ["a", "b"]}
    ).assign(cycle_life=[1100, 600]).to_csv(past, index=False)
    state = str(tmp_path / "h")
    code, doc = run(
        capsys, "optimize", "init", "attia2020", "--state", state, "--history", str(past), "--json"
    )
    line = f"{past}: column(s) 'cc4', '비고' not parameters of the space 'attia2020'; left out."
    assert code == 0 and doc["observations"] == 2
    assert doc["warnings"] == [{"round": 0, "id": "history", "warning": line}]
    code, doc = run(capsys, "optimize", "status", "--state", state, "--json")
    assert code == 0 and [w["warning"] for w in doc["warnings"]] == [line]
    from gwangyang.api import i18n

    assert i18n.phrase(line, "ko") == (
        f"{past}: 열 'cc4', '비고'은(는) 탐색 공간 'attia2020'의 변수가 아닙니다; 제외했습니다."
    )


def test_init_with_history_fits_the_first_round(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    past = tmp_path / "past.csv"
    pd.DataFrame(
        {
            "cc1": [4.8, 8.0, 3.6],
            "cc2": [5.2, 7.0, 6.0],
            "cc3": [5.2, 5.6, 5.6],
            "cycle_life": [1100, 600, 900],
        }
    ).to_csv(past, index=False)
    state = str(tmp_path / "h")
    code, doc = run(
        capsys, "optimize", "init", "attia2020", "--state", state, "--history", str(past), "--json"
    )
    assert code == 0 and doc["observations"] == 3 and doc["best_observed"]["value"] == 1100
    assert doc["warnings"] == []
    code, doc = run(capsys, "optimize", "suggest", "--state", state, "--batch", "2", "--json")
    assert code == 0 and all(s["mean"] is not None for s in doc["suggestions"])
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"cc1": [9.9], "cc2": [5.2], "cc3": [5.2], "cycle_life": [1]}).to_csv(bad, index=False)
    assert main(["optimize", "init", "attia2020", "--state", str(tmp_path / "b"), "--history", str(bad)]) == 2
    assert "cc1=9.9 is outside the space" in capsys.readouterr().err
