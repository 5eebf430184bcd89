"""Users' SQL over the store's views (read-only, row and time limits), and migration of first-layout stores."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from gwangyang.cli.main import main
from gwangyang.errors import InputError
from gwangyang.store import Store
from gwangyang.store.catalog import TABLES
from gwangyang.store.legacy import shard
from tests.helpers import ARBIN
from tests.store.first_layout import first_layout_store
from tests.store.test_layout import formation_cell, put

CYCLERS = ARBIN.parent
FILES = [
    ARBIN / "FastCharge_000025_CH8.csv",
    CYCLERS / "neware" / "nw_regular_export_ife_example.csv",
    CYCLERS / "maccor" / "PredictionDiagnostics_000109_tztest.010",
]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, " ".join(err.split())


@pytest.fixture
def fleet(store_dir: Path) -> Store:
    store = Store(store_dir)
    put(store, [formation_cell(f"c{k:02d}", f"lot{k % 2}", k) for k in range(10)])
    return store


def test_views_answer_fleet_questions(fleet: Store) -> None:
    per_lot = fleet.sql(
        "SELECT lot, avg(q) AS mean_q FROM (SELECT cell_id, max(discharge_capacity_ah) AS q FROM cycles "
        "GROUP BY cell_id) JOIN cells USING (cell_id) GROUP BY lot ORDER BY lot"
    )
    expected = {}
    for lot in ("lot0", "lot1"):
        qs = [
            fleet.cycles(c)["discharge_capacity_ah"].max()
            for c in fleet.cells()["cell_id"]
            if int(c[1:]) % 2 == int(lot[-1])
        ]
        expected[lot] = sum(qs) / len(qs)
    assert dict(zip(per_lot["lot"], per_lot["mean_q"], strict=True)) == pytest.approx(expected)
    # the first names of the views still work
    assert fleet.sql("SELECT count(*) AS n FROM cells_timeseries")["n"].iloc[0] == 3000


@pytest.mark.parametrize(
    "query",
    [
        "DELETE FROM cells",
        "CREATE TABLE x AS SELECT 1",
        "COPY (SELECT 1) TO '/tmp/x.csv'",
        "SELECT 1; SELECT 2",
        "ATTACH '/tmp/evil.db'",
    ],
)
def test_only_one_select_is_run(fleet: Store, query: str) -> None:
    with pytest.raises(InputError, match="query"):
        fleet.sql(query)


def test_a_select_cannot_read_other_files(fleet: Store, tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n")
    with pytest.raises(InputError, match="query"):
        fleet.sql(f"SELECT * FROM read_csv('{secret}')")
    with pytest.raises(InputError, match="query"):
        fleet.sql("SELECT * FROM timeseries; SET enable_external_access=true")


def test_row_and_time_limits(fleet: Store) -> None:
    df = fleet.sql("SELECT * FROM timeseries", max_rows=25)
    assert len(df) == 25 and df.attrs["truncated"]
    df = fleet.sql("SELECT * FROM cells", max_rows=25)
    assert len(df) == 10 and not df.attrs["truncated"]
    with pytest.raises(InputError, match="time limit"):
        fleet.sql(
            "SELECT count(*) FROM range(1000000000) a, range(1000000000) b WHERE a.range + b.range < 0",
            timeout_s=0.5,
        )


def test_cli_sql_json_and_csv(fleet: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    query = "SELECT cell_id, max(discharge_capacity_ah) AS q FROM cycles GROUP BY cell_id ORDER BY cell_id"
    code, out, _ = run(capsys, "battery", "sql", query, "--store", str(fleet.root), "--json")
    assert code == 0
    document = json.loads(out)
    expected = [float(fleet.cycles(c)["discharge_capacity_ah"].max()) for c in fleet.cells()["cell_id"]]
    assert [r["q"] for r in document["rows"]] == pytest.approx(expected)
    target = tmp_path / "q.csv"
    code, _, _ = run(capsys, "battery", "sql", query, "--store", str(fleet.root), "--csv", str(target))
    assert code == 0 and pd.read_csv(target)["q"].tolist() == pytest.approx(expected)
    code, _, err = run(capsys, "battery", "sql", "DROP TABLE cells", "--store", str(fleet.root))
    assert code == 2 and "read-only" in err
    code, _, err = run(
        capsys, "battery", "sql", "SELECT * FROM timeseries", "--store", str(fleet.root), "--max-rows", "5"
    )
    assert code == 0 and "--max-rows 5" in err


def test_a_first_layout_store_opens_and_migrates_with_nothing_lost(
    store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cells = first_layout_store(store_dir, FILES)
    old_files = {
        (c, t): pq.read_table(store_dir / "cells" / shard(c) / c / f"{t}.parquet")
        for c in cells
        for t in TABLES
        if (store_dir / "cells" / shard(c) / c / f"{t}.parquet").exists()
    }
    old_metas = [json.loads((store_dir / "cells" / shard(c) / c / "meta.json").read_text()) for c in cells]
    store = Store(store_dir)
    assert store.is_legacy()
    # it opens: every read and query works before migration
    assert store.metas() == sorted(old_metas, key=lambda m: m["cell_id"])
    for (cell_id, table), data in old_files.items():
        assert store.arrow(cell_id, table).equals(data)
    counted = store.sql("SELECT count(*) AS n FROM timeseries")["n"].iloc[0]
    assert counted == sum(m["rows"] for m in old_metas)
    code, out, _ = run(capsys, "store", "info", "--store", str(store_dir), "--json")
    assert code == 0 and json.loads(out)["layout"].startswith("first") and json.loads(out)["catalog"] is None

    code, out, _ = run(capsys, "store", "migrate", "--store", str(store_dir), "--json")
    assert code == 0
    report = json.loads(out)
    lines = dict(  # the text output of the same report: `rows` was printed as a Python dict
        line.split(None, 1) for line in _text_of_report(report).splitlines()
    )
    assert lines["rows"] == ", ".join(f"{table} {n}" for table, n in report["rows"].items())
    assert report["migrated"] == len(cells)
    assert (report["catalog"], report["catalog_note"]) == (
        "folded",
        "no checkpoint yet; folded 1 log file into checkpoint v1 (form 2)",  # the migration's one commit
    )
    assert report["rows"]["timeseries"] == sum(m["rows"] for m in old_metas)
    migrated = Store(store_dir)
    assert not migrated.is_legacy() and not (store_dir / "cells").exists()
    assert migrated.metas() == sorted(old_metas, key=lambda m: m["cell_id"])
    for (cell_id, table), data in old_files.items():
        assert migrated.arrow(cell_id, table).equals(data)
        assert migrated.table(cell_id, table).equals(data.to_pandas())
    assert len(migrated.files("timeseries")) == 1
    code, out, _ = run(capsys, "store", "info", "--store", str(store_dir), "--json")
    assert code == 0 and json.loads(out)["cells"] == len(cells)
    assert migrated.sql("SELECT count(*) AS n FROM timeseries")["n"].iloc[0] == counted
    assert migrated.known_hashes().keys() == {s["hash"] for m in old_metas for s in m["sources"]}
    code, out, _ = run(capsys, "store", "migrate", "--store", str(store_dir), "--json")
    assert code == 0 and json.loads(out)["migrated"] == 0


def test_the_first_write_to_a_first_layout_store_migrates_it(store_dir: Path) -> None:
    from gwangyang.battery.ingest import ingest

    first_layout_store(store_dir, FILES[:1])
    report = ingest(FILES[:1], store=Store(store_dir))  # the same file: a no-op, nothing written
    assert not report.ingested and Store(store_dir).is_legacy()
    report = ingest(FILES[1:2], store=Store(store_dir))
    assert report.ok and len(report.ingested) == 1
    store = Store(store_dir)
    assert not store.is_legacy() and len(store.metas()) == 2


def test_cli_compact(fleet: Store, capsys: pytest.CaptureFixture[str]) -> None:
    put(fleet, [formation_cell("c03", "lot1", 77)])
    before = fleet.sql("SELECT cell_id, sum(q) AS s FROM timeseries GROUP BY ALL ORDER BY cell_id")
    code, out, _ = run(capsys, "store", "compact", "--store", str(fleet.root), "--json", "--retain", "0")
    assert code == 0
    report = json.loads(out)
    assert report["files_before"] == 6 and report["files_after"] == 4
    after = Store(fleet.root).sql("SELECT cell_id, sum(q) AS s FROM timeseries GROUP BY ALL ORDER BY cell_id")
    pd.testing.assert_frame_equal(before, after)


def test_cli_sql_text_says_how_many_rows_it_leaves_out(
    fleet: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    """The text answer shows 60 rows at most; past that it says how many there are, not only '...'."""
    by_hand = sum(len(fleet.timeseries(c)) for c in fleet.cells()["cell_id"])
    assert by_hand == 10 * 300  # ten formation cells of 300 rows each
    code, _, err = run(capsys, "battery", "sql", "SELECT * FROM timeseries", "--store", str(fleet.root))
    assert code == 0
    assert (
        f"note: {by_hand} rows; the first 30 and the last 30 are shown (all of them with --csv FILE or --json)."
        in err
    )
    code, _, err = run(
        capsys, "battery", "sql", "SELECT * FROM timeseries LIMIT 60", "--store", str(fleet.root)
    )
    assert code == 0 and "note:" not in err  # 60 rows: every one shown


def _text_of_report(report: dict[str, object]) -> str:
    """What ``store migrate`` prints without ``--json`` for ``report``."""
    import io

    from rich.console import Console

    from gwangyang.cli import store_admin

    buffer = io.StringIO()
    original = store_admin.err_console
    store_admin.err_console = Console(file=buffer, width=200)
    try:
        store_admin._show(dict(report), json_out=False)
    finally:
        store_admin.err_console = original
    return buffer.getvalue()
