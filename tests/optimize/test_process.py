from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.errors import InputError
from gwangyang.optimize.process import history_observations, propose, space_from_table


def formation_table(shared: Path) -> pd.DataFrame:
    raw = pd.read_csv(shared / "battery" / "formation" / "correlation_data_2022.csv")
    return pd.DataFrame(
        {
            "formation": np.where(raw["is_baseline_formation"] == 1, "baseline", "fast"),
            "aging": np.where(raw["is_room_temp_aging"] == 1, "room", "45C"),
            "cycles_to_80_pct": raw["cycles_to_80_pct"],
        }
    )


def test_formation_table_recommends_the_best_condition(shared: Path) -> None:
    # Weng et al. 2021 (Joule 5:2971): fast formation gives longer life than the baseline.
    table = formation_table(shared)
    out = propose(table, "cycles_to_80_pct", batch=2, kappa=0.0)
    means = table.groupby(["formation", "aging"])["cycles_to_80_pct"].mean()
    best = means.idxmax()
    assert (out["recommended"]["params"]["formation"], out["recommended"]["params"]["aging"]) == best
    assert best[0] == "fast"
    # The GP's posterior mean at the best condition is close to that group's sample mean (10 cells).
    assert out["recommended"]["mean"] == pytest.approx(means.max(), rel=0.05)
    assert out["experiments"] == 39


def test_continuous_table_moves_toward_the_analytic_optimum() -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 10, 30)
    y = -((x - 6.3) ** 2)
    out = propose(pd.DataFrame({"x": x, "y": y}), "y", batch=1, kappa=0.0)
    assert out["recommended"]["params"]["x"] == pytest.approx(6.3, abs=0.3)


def test_bad_tables() -> None:
    table = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [1.0, float("nan"), 2.0]})
    space = space_from_table(table, "y")
    with pytest.raises(InputError, match=r"row 2: y is nan, not a finite number"):
        history_observations(space, table)
    with pytest.raises(InputError, match="no objective column 'z'"):
        space_from_table(table, "z")
    with pytest.raises(InputError, match="takes one value only"):
        space_from_table(pd.DataFrame({"x": [1.0, 1.0], "y": [1.0, 2.0]}), "y")


def test_cp949_table_with_korean_headers_and_units(tmp_path: Path) -> None:
    """Excel on Korean Windows writes cp949; headers with units and spaces; the optimum is known by construction."""
    from gwangyang.optimize import service

    rows = []
    for temperature in (25.0, 35.0, 45.0):
        for binder in ("수계", "유계"):
            for layers in (1, 3):
                life = 1000 - (temperature - 35) ** 2 - 30 * layers + (50 if binder == "수계" else 0)
                rows.append({"온도 (°C)": temperature, "바인더": binder, "층수": layers, " 수명": life})
    path = tmp_path / "과거 실험.csv"
    pd.DataFrame(rows).to_csv(path, index=False, encoding="cp949")
    out = service.propose(path, "수명", batch=3, source=str(path))
    # By hand: 35 °C, 수계, 1 layer gives 1000 - 0 - 30 + 50 = 1020, the table's best.
    assert out["best_observed"]["value"] == 1020.0
    assert out["best_observed"]["params"] == {"온도 (°C)": 35.0, "바인더": "수계", "층수": 1}
    assert out["space"]["parameters"]["층수"] == {"type": "integer", "low": 1.0, "high": 3.0}
    assert out["recommended"]["params"]["바인더"] == "수계"
    assert out["recommended"]["params"]["층수"] == 1
    assert abs(out["recommended"]["params"]["온도 (°C)"] - 35.0) < 5.0


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        # what the removed process._shown wrote (repr of the cell, numpy's scalars as their Python values)
        (None, "None"),
        (float("nan"), "nan"),
        (np.float64("inf"), "inf"),
        ("열다섯", "'열다섯'"),
        ("x" * 80, repr("x" * 80)),  # whole: a cell is never cut
    ],
)
def test_a_bad_objective_cell_is_shown_as_before(cell: object, shown: str) -> None:
    # an object column keeps the cell as pandas read it: None and True stay Python's, not JSON's null and true
    table = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": pd.Series([1.0, cell, 2.0], dtype=object)})
    space = space_from_table(pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [1.0, 2.0, 3.0]}), "y")
    with pytest.raises(InputError) as caught:
        history_observations(space, table, source="실험.csv")
    assert str(caught.value) == f"실험.csv: row 2: y is {shown}, not a finite number."


def test_as_written_python_is_the_old_cell_shown() -> None:
    # the removed process._shown, against the as_written option that replaced it, on what a cell can hold
    from gwangyang.written import as_written

    def old(value: object) -> str:
        return repr(value.item() if isinstance(value, np.generic) else value)

    cells: list[object] = [
        None,
        True,
        np.bool_(False),
        7,
        np.int64(-3),
        2.5,
        np.float64("nan"),
        "'따옴표'",
        "x" * 80,
        [1, None],
    ]
    cells += [pd.Timestamp("2026-12-07"), {"a": True}]
    assert [as_written(c, None, python=True) for c in cells] == [old(c) for c in cells]


def _clo_round(shared: Path) -> pd.DataFrame:
    """Attia et al. 2020's first round of early predictions (CC1-CC4, predicted life), 45 rows."""
    names = ["cc1", "cc2", "cc3", "cc4", "life"]
    return pd.read_csv(shared / "battery" / "clo" / "pred" / "0.csv", header=None, names=names)


def test_a_table_of_experiments_that_cannot_be_read_as_one_is_refused_in_one_line(
    shared: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gwangyang.cli.main import main

    table = _clo_round(shared)
    empty = tmp_path / "빈 표.csv"
    empty.write_bytes(b"")
    twice = tmp_path / "twice.csv"  # cc1 twice: pandas read the second as 'cc1.1', a parameter nobody named
    table.to_csv(twice, index=False, header=["cc1", "cc1", "cc3", "cc4", "life"])
    stripped = tmp_path / "stripped.csv"  # ' life' and 'life' are one name once Excel's spaces are stripped
    table.assign(extra=table["life"]).to_csv(
        stripped, index=False, header=["cc1", "cc2", "cc3", " life", "cc4", "life"]
    )
    dated = tmp_path / "dated.csv"  # a log's date column was proposed as a category ('date=2024-01-06')
    days = [f"2024-01-{i % 28 + 1:02d}" if i % 2 else f"{i % 28 + 1:02d}/01/2024" for i in range(len(table))]
    table.assign(date=days)[["date", *table.columns]].to_csv(dated, index=False)
    lines = {
        empty: f"{empty}: the file is empty; expected a header row and a row per experiment.",
        twice: f"{twice}: column name 'cc1' appears more than once (columns 1 and 2); expected one column per "
        "parameter.",
        stripped: f"{stripped}: column name 'life' appears more than once (columns 4 and 6); expected one column "
        "per parameter.",
        dated: f"{dated}: column 'date' holds dates (e.g. '01/01/2024' in row 1), not a process setting; drop the "
        "column, or give a space file naming the parameters.",
    }
    for path, line in lines.items():
        code = main(["optimize", "propose", str(path), "--objective", "life", "--batch", "2", "--json"])
        out = capsys.readouterr()
        assert (code, out.out, out.err.strip()) == (2, "", f"error: {line}"), path
    # the same table without the date column proposes, over the 45 experiments
    table.to_csv(dated, index=False)
    assert main(["optimize", "propose", str(dated), "--objective", "life", "--batch", "2", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["experiments"] == 45
    assert document["best_observed"]["value"] == table["life"].max()


def test_columns_a_space_leaves_out_are_said(
    shared: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gwangyang.cli.main import main

    # Attia's table carries CC4, which the attia2020 space derives from CC1-CC3: it was dropped without a word
    path = tmp_path / "1차.csv"
    _clo_round(shared).assign(operator="김").to_csv(path, index=False)
    args = ["optimize", "propose", str(path), "--objective", "life", "--space", "attia2020", "--batch", "2"]
    assert main([*args, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    line = f"{path}: column(s) 'cc4', 'operator' not parameters of the space 'attia2020'; left out."
    assert document["warnings"] == [line]
    assert document["experiments"] == 45 and set(document["suggestions"][0]["params"]) == {
        "cc1",
        "cc2",
        "cc3",
    }
    assert main(args) == 0
    assert capsys.readouterr().err.startswith(f"warning: {line}")
    # without a space every column is a parameter: no warning
    _clo_round(shared).to_csv(path, index=False)
    assert main(["optimize", "propose", str(path), "--objective", "life", "--batch", "2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["warnings"] == []
