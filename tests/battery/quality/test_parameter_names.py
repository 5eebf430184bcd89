"""Errors of the services name the parameter a Python or API caller gave (``id_column``, ``limits``), not a CLI
option they never typed; the CLI names its own options (``--id-column``, ``--limits``) in the same errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gwangyang.battery import service
from gwangyang.battery.quality.screening import screen
from gwangyang.cli.main import main
from gwangyang.demo import FORMATION_COLUMNS
from gwangyang.errors import InputError
from gwangyang.factory.service import parse_limits
from gwangyang.samples import formation_table, sample_file
from gwangyang.store import Store

FORMATION = sample_file("quality", "formation_2022.csv")


def _err(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, " ".join(capsys.readouterr().err.split())


def test_the_services_name_their_parameters(tmp_path: Path) -> None:
    table = formation_table()
    with pytest.raises(InputError, match=r"^table: id_column 'serial' is not a column \(columns: cellid"):
        screen(table, "serial", None, FORMATION_COLUMNS)
    with pytest.raises(InputError, match=r"^table: lot_column 'batch' is not a column"):
        screen(table, "cellid", "batch", FORMATION_COLUMNS)
    with pytest.raises(InputError, match=r"formation_2022.csv: id_column '셀번호' is not a column\.$"):
        service.rank_formation(FORMATION, id_column="셀번호")
    plain = tmp_path / "plain.csv"
    table.drop(columns=["dcr_10s_5_soc_at_c3"]).to_csv(plain, index=False)
    with pytest.raises(InputError, match=r"name the feature columns in features\.$"):
        service.rank_formation(plain)
    with pytest.raises(InputError, match=r"^limits: expected numbers L,U, got 'a,b'\.$"):
        parse_limits("a,b")
    with pytest.raises(InputError, match=r"^limits: expected L,U \(either may be empty\), got '1'\.$"):
        parse_limits("1")
    nameless = tmp_path / "nameless.csv"
    table.drop(columns=["cellid"]).to_csv(nameless, index=False)
    with pytest.raises(InputError, match=r"or name it with id_column\); columns: lot"):
        service.ingest_production(Store(tmp_path / "store"), nameless)
    # none of them names an option
    for call in (
        lambda: screen(table, "serial", None, FORMATION_COLUMNS),
        lambda: parse_limits("a,b"),
        lambda: service.rank_formation(plain),
    ):
        with pytest.raises(InputError) as caught:
            call()
        assert "--" not in str(caught.value)


def test_the_cli_names_its_options(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    table = tmp_path / "formation.csv"
    formation_table().to_csv(table, index=False)
    code, err = _err(
        capsys, "battery", "screen", str(table), "--id-column", "cellid", "--lot-column", "batch"
    )
    assert code == 2 and "formation.csv: --lot-column 'batch' is not a column" in err
    code, err = _err(capsys, "battery", "formation", str(FORMATION), "--id-column", "셀번호")
    assert code == 2 and err.endswith("formation_2022.csv: --id-column '셀번호' is not a column.")
    plain = tmp_path / "plain.csv"
    formation_table().drop(columns=["dcr_10s_5_soc_at_c3"]).to_csv(plain, index=False)
    code, err = _err(capsys, "battery", "formation", str(plain))
    assert code == 2 and err.endswith("name the feature columns in --features.")
    code, err = _err(capsys, "factory", "spc", str(table), "--column", "lot", "--limits", "a,b")
    assert code == 2 and err.endswith("--limits: expected numbers L,U, got 'a,b'.")
    nameless = tmp_path / "nameless.csv"
    formation_table().drop(columns=["cellid"]).to_csv(nameless, index=False)
    code, err = _err(
        capsys, "battery", "production", "ingest", str(nameless), "--store", str(tmp_path / "store")
    )
    assert code == 2 and "or name it with --id-column); columns: lot" in err


def test_a_column_spelt_as_a_parameter_is_left_as_it_is(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A table whose columns are called ``limits`` or ``id_column``: the CLI rewrites the parameter, not them."""
    table = tmp_path / "t.csv"
    pd.DataFrame({"id_column": ["a", "b", "c"], "limits": [1.0, 2.0, 3.0]}).to_csv(table, index=False)
    code, err = _err(capsys, "battery", "screen", str(table), "--id-column", "limits", "--lot-column", "x")
    assert code == 2 and "t.csv: --lot-column 'x' is not a column (columns: id_column, limits...)" in err
