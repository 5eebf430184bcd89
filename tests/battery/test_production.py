"""Production data: a table of end-of-line measurements kept in the store, read back, queried and screened.

The tables are drawn from distributions like a cell line's (OCV around 3.6 V with millivolt spread,
log-normal AC resistance, gamma-distributed K-value, capacity in mAh with a 0.3 % spread), with a few
planted defects; every figure is checked against pandas on the source table.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery import service
from gwangyang.battery.production import read_production_table
from gwangyang.battery.quality.screening import screen
from gwangyang.errors import InputError, NotFoundError
from gwangyang.store import Store
from gwangyang.store import production as dataset

DEFECTS = {"셀-L2-0007": ("K-value (mV/day)", 8.0), "셀-L1-0100": ("capacity_mAh", 0.97)}
"""Planted defects: cell → (column, factor): a self-discharging cell and a low-capacity one."""


def line_table(cells_per_lot: int = 300, seed: int = 0) -> pd.DataFrame:
    """Two lots of a cell line's end-of-line measurements, Korean ids and a Korean extra column."""
    rng = np.random.default_rng(seed)
    frames = []
    for lot in ("L1", "L2"):
        n = cells_per_lot
        frames.append(
            pd.DataFrame(
                {
                    "셀ID": [f"셀-{lot}-{k:04d}" for k in range(n)],
                    "Lot": lot,
                    "Line": "광양-1",
                    "Date": pd.Timestamp("2026-03-02") + pd.to_timedelta(rng.integers(0, 48, n), unit="h"),
                    "OCV (V)": 3.600 + 0.0015 * rng.standard_normal(n),
                    "ACIR (mΩ)": rng.lognormal(np.log(18.0), 0.03, n),
                    "K-value (mV/day)": rng.gamma(20.0, 0.0025, n),
                    "capacity_mAh": 5000.0 + 15.0 * rng.standard_normal(n),
                    "두께_mm": 5.2 + 0.01 * rng.standard_normal(n),
                    "grade": rng.choice(["A", "B"], n, p=[0.95, 0.05]),
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    for cell, (column, factor) in DEFECTS.items():
        table.loc[table["셀ID"] == cell, column] *= factor
    return table


@pytest.fixture
def table_csv(tmp_path: Path) -> Path:
    path = tmp_path / "eol_2026-03.csv"
    line_table().to_csv(path, index=False)
    return path


def test_ingest_renames_converts_and_keeps_every_column(tmp_path: Path, table_csv: Path) -> None:
    store = Store(tmp_path / "store")
    report = service.ingest_production(store, table_csv)
    source = pd.read_csv(table_csv)
    assert report["appended"] and report["rows"] == len(source) == 600
    assert report["columns"]["renamed"] == {
        "셀ID": "cell_id",
        "Lot": "lot",
        "Line": "line",
        "Date": "date",
        "OCV (V)": "ocv_v",
        "ACIR (mΩ)": "acir_mohm",
        "K-value (mV/day)": "k_value_mv_per_day",
        "capacity_mAh": "capacity_ah",
    }
    assert report["columns"]["converted"] == {"capacity_ah": 0.001}
    assert report["columns"]["extra_numeric"] == ["두께_mm"] and report["columns"]["extra_text"] == ["grade"]
    assert report["dataset"] == {"tables": 1, "cells": 600} and report["cells_with_cycling_data"] == 0
    kept = dataset.read(store)
    assert kept["cell_id"].tolist() == source["셀ID"].tolist()
    np.testing.assert_allclose(kept["capacity_ah"], source["capacity_mAh"] / 1000.0, rtol=1e-15)
    np.testing.assert_array_equal(kept["두께_mm"], source["두께_mm"])
    assert kept["grade"].tolist() == source["grade"].tolist()
    assert (kept["date"] == pd.to_datetime(source["Date"])).all()


def test_same_file_twice_is_a_no_op_and_a_later_table_replaces_its_cells(
    tmp_path: Path, table_csv: Path
) -> None:
    store = Store(tmp_path / "store")
    first = service.ingest_production(store, table_csv)
    again = service.ingest_production(store, table_csv)
    assert not again["appended"] and "already in the production data" in again["note"]
    assert len(dataset.parts(store)) == 1 and len(list((store.production_dir() / "parts").iterdir())) == 1
    retest = line_table().iloc[:10].copy()
    retest["OCV (V)"] = 3.55
    path = tmp_path / "retest.parquet"
    retest.to_parquet(path)
    second = service.ingest_production(store, path)
    assert second["remeasured"] == 10 and second["dataset"] == {"tables": 2, "cells": 600}
    kept = dataset.read(store).set_index("cell_id")
    assert len(kept) == 600 and (kept["ocv_v"].iloc[:10] == 3.55).all()
    original = pd.read_csv(table_csv).set_index("셀ID")
    np.testing.assert_array_equal(kept["ocv_v"].iloc[10:], original["OCV (V)"].iloc[10:])
    assert first["hash"] != second["hash"]
    # the SQL view agrees: one row per cell, the retest's values
    answer = service.query_store(
        store,
        "SELECT count(*), count(DISTINCT cell_id), sum(CASE WHEN ocv_v = 3.55 THEN 1 ELSE 0 END) FROM production",
    )
    assert answer["rows"] == [[600, 600, 10]]


def test_sql_over_production_equals_pandas(tmp_path: Path, table_csv: Path) -> None:
    store = Store(tmp_path / "store")
    service.ingest_production(store, table_csv)
    answer = service.query_store(
        store,
        "SELECT lot, count(*) AS cells, avg(capacity_ah) AS mean_ah, max(acir_mohm) AS worst "
        "FROM production GROUP BY lot ORDER BY lot;",
    )
    source = pd.read_csv(table_csv)
    expected = source.groupby("Lot").agg(
        cells=("셀ID", "size"), mean_ah=("capacity_mAh", "mean"), worst=("ACIR (mΩ)", "max")
    )
    assert answer["columns"] == ["lot", "cells", "mean_ah", "worst"]
    assert [r[0] for r in answer["rows"]] == ["L1", "L2"] and [r[1] for r in answer["rows"]] == [300, 300]
    np.testing.assert_allclose([r[2] for r in answer["rows"]], expected["mean_ah"] / 1000.0, rtol=1e-12)
    np.testing.assert_allclose([r[3] for r in answer["rows"]], expected["worst"], rtol=1e-15)
    limited = service.query_store(store, 'SELECT cell_id, "두께_mm" FROM production', max_rows=25)
    assert limited["row_count"] == 25 and limited["truncated"]
    assert limited["rows"][0][0].startswith("셀-")


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("DROP VIEW production", "read-only here; expected a SELECT statement, got DROP"),
        ("SELECT 1; SELECT 2", "expected one SELECT statement, got 2 statements"),
        ("COPY (SELECT 1) TO 'x.csv'", "read-only here; expected a SELECT statement, got COPY"),
        ("SET threads = 1", "got SET"),
        ("SELECT * FROM read_csv('/etc/passwd')", "Permission Error"),
        ("SELECT nothing FROM production", "nothing"),
        ("   ", "got nothing"),
    ],
)
def test_sql_refuses_anything_but_one_select(tmp_path: Path, table_csv: Path, query: str, words: str) -> None:
    store = Store(tmp_path / "store")
    service.ingest_production(store, table_csv)
    with pytest.raises(InputError, match="query: ") as caught:
        service.query_store(store, query)
    assert words in str(caught.value) and "\n" not in str(caught.value)


def test_sql_time_limit_interrupts(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    with pytest.raises(InputError, match=r"time limit of 0\.2 s"):
        service.query_store(store, "SELECT count(*) FROM range(1000000000000) a", time_limit_s=0.2)


def test_screen_from_store_equals_screening_the_file(tmp_path: Path, table_csv: Path) -> None:
    store = Store(tmp_path / "store")
    with pytest.raises(NotFoundError, match="production ingest"):
        service.screen_production(store)
    service.ingest_production(store, table_csv)
    from_store = service.screen_production(store)
    source = pd.read_csv(table_csv)
    measured = ["OCV (V)", "ACIR (mΩ)", "K-value (mV/day)", "capacity_mAh", "두께_mm"]
    by_file = screen(source, "셀ID", "Lot", measured).to_dict()
    assert from_store["n_cells"] == by_file["n_cells"] == 600
    assert {f["id"] for f in from_store["flagged"]} == {f["id"] for f in by_file["flagged"]}
    assert set(DEFECTS) <= {f["id"] for f in from_store["flagged"]}
    top = {f["id"]: f for f in from_store["flagged"]}
    assert top["셀-L2-0007"]["drivers"][0] == "k_value_mv_per_day" and top["셀-L2-0007"]["lot"] == "L2"
    assert top["셀-L1-0100"]["drivers"][0] == "capacity_ah"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda t: t.drop(columns=["셀ID"]), "no cell id column (expected one of cell_id"),
        (lambda t: t.assign(**{"OCV (V)": t["OCV (V)"].astype(object).where(t.index != 4, "ERR")}),
         "column 'OCV (V)' is numeric but data row 5 holds 'ERR'"),
        (lambda t: pd.concat([t, t.iloc[[3]]]), "cell id '셀-L1-0003' appears 2 times (data rows 4, 601)"),
        (lambda t: t.assign(**{"셀ID": t["셀ID"].where(t.index != 2, "")}), "is empty in data row 3"),
        (lambda t: t.assign(Date=t["Date"].astype(str).where(t.index != 1, "yesterday")),
         "column 'Date' data row 2 is not a date: 'yesterday'"),
        (lambda t: t.assign(ACIR_ohm=0.018), "columns 'ACIR (mΩ)' and 'ACIR_ohm' both give 'acir_mohm'"),
        (lambda t: t.iloc[:0], "no rows"),
    ],
)  # fmt: skip
def test_bad_tables_are_refused_naming_file_and_column(tmp_path: Path, change, words: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.csv"
    change(line_table()).to_csv(path, index=False)
    store = Store(tmp_path / "store")
    with pytest.raises(InputError) as caught:
        service.ingest_production(store, path)
    message = str(caught.value)
    assert message.startswith("bad.csv: ") and words in message and "\n" not in message
    assert dataset.parts(store) == []


def test_a_column_of_another_kind_than_stored_is_refused(tmp_path: Path, table_csv: Path) -> None:
    store = Store(tmp_path / "store")
    service.ingest_production(store, table_csv)
    later = line_table(cells_per_lot=20, seed=1)
    later["두께_mm"] = "thick"
    path = tmp_path / "later.csv"
    later.to_csv(path, index=False)
    with pytest.raises(
        InputError, match="column '두께_mm' holds text here but number in the production data"
    ):
        service.ingest_production(store, path)


def test_a_text_column_with_few_numbers_stays_text_and_unitless_names_are_warned(tmp_path: Path) -> None:
    table = pd.DataFrame(
        {"cell_id": ["a", "b", "c", "d"], "note": ["1", "ok", "bent", "scratch"], "OCV": 3.6}
    )
    path = tmp_path / "t.csv"
    table.to_csv(path, index=False)
    checked = read_production_table(path)
    assert checked.extra_text == ["note"] and checked.extra_numeric == ["OCV"]
    assert any("'OCV' names no unit" in w for w in checked.warnings)


def test_a_killed_append_leaves_the_dataset_as_it_was(
    tmp_path: Path, table_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path / "store")
    service.ingest_production(store, table_csv)
    before = dataset.read(store)
    other = tmp_path / "other.csv"
    line_table(seed=2).to_csv(other, index=False)

    def killed(src: object, dst: object) -> None:
        raise KeyboardInterrupt  # the process dies between writing the part and renaming it

    monkeypatch.setattr(dataset.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        service.ingest_production(store, other)
    monkeypatch.undo()
    pd.testing.assert_frame_equal(dataset.read(store), before)
    assert len(dataset.parts(store)) == 1
    service.ingest_production(store, other)  # the next append clears what the killed one left
    assert len(list((store.production_dir() / "parts").iterdir())) == 2


def test_a_column_empty_so_far_takes_numbers_later(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    first = pd.DataFrame(
        {"cell_id": ["a", "b", "c"], "ocv_v": [3.6, 3.61, 3.59], "remark": [None, None, None]}
    )
    first.to_parquet(tmp_path / "first.parquet")
    report = service.ingest_production(store, tmp_path / "first.parquet")
    assert any("'remark' is empty in every row" in w for w in report["warnings"])
    later = pd.DataFrame({"cell_id": ["d"], "ocv_v": [3.6], "remark": [1.5]})
    later.to_parquet(tmp_path / "later.parquet")
    service.ingest_production(store, tmp_path / "later.parquet")
    assert dataset.read(store).set_index("cell_id")["remark"].tolist()[3] == 1.5


def test_two_organisations_appending_one_cell_at_once_keep_one_row(tmp_path: Path) -> None:
    """The ownership check runs under the write lock: of two racing appends of cell '셀-1', one is refused."""
    import threading

    from gwangyang.errors import CellConflictError

    root = tmp_path / "store"
    Store(root).root.mkdir(parents=True)
    outcomes: dict[str, str] = {}
    start = threading.Barrier(2)

    def run(org: str, value: float) -> None:
        table = pd.DataFrame({"cell_id": ["셀-1", f"셀-{org}"], "ocv_v": [value, value]})
        start.wait()
        try:
            dataset.append(Store(root, lock_wait=60), table, f"{org}.csv", f"hash-{org}", org)
            outcomes[org] = "kept"
        except CellConflictError as exc:
            outcomes[org] = str(exc)

    threads = [threading.Thread(target=run, args=args) for args in (("광양", 3.6), ("B", 3.7))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    kept = [org for org, outcome in outcomes.items() if outcome == "kept"]
    assert len(kept) == 1
    (refused,) = [o for o in outcomes.values() if o != "kept"]
    assert "cell '셀-1' is another organisation's" in refused and kept[0] not in refused
    assert [p.org for p in dataset.parts(Store(root))] == kept
    frame = dataset.read(Store(root))
    assert frame["cell_id"].tolist() == ["셀-1", f"셀-{kept[0]}"]
    assert frame["ocv_v"].tolist() == [{"광양": 3.6, "B": 3.7}[kept[0]]] * 2
    assert len(list((root / "production" / "parts").iterdir())) == 1
