"""Writing per-cycle summaries of real Severson cells straight into a store, as ingest would."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from gwangyang.store import Store
from gwangyang.store.store import write_parquet

SEVERSON = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "battery" / "severson"


def severson_capacity(split: str, n: int) -> pd.DataFrame:
    """Discharge capacity per cycle (cycles 2..100) of a Severson cell: the Q at 2.0 V of each Qdlin column."""
    matrix = pd.read_csv(SEVERSON / split / f"cell{n}.csv.gz", header=None).to_numpy()
    q = matrix.max(axis=0)
    return pd.DataFrame({"cycle_index": np.arange(2, 2 + len(q)), "discharge_capacity_ah": q})


def put_cycles(store: Store, cell_id: str, cycles: pd.DataFrame) -> None:
    """Write (or replace) one cell holding only a per-cycle summary."""
    store.root.mkdir(parents=True, exist_ok=True)
    staged = store.staging_dir()
    n = int(cycles["cycle_index"].max())
    ts = pd.DataFrame({"test_time_s": np.arange(n, dtype=float), "cycle_index": np.arange(1, n + 1)})
    curves = pd.DataFrame({"cycle_index": [1], "voltage_v": [3.3], "discharge_capacity_ah": [0.0]})
    for name, table in (("timeseries", ts), ("cycles", cycles), ("curves", curves)):
        write_parquet(table.assign(cell_id=cell_id), staged / f"{name}.parquet")
    info = {"cell_id": cell_id, "vendor": "test", "rows": n, "cycles": len(cycles), "sources": []}
    (staged / "meta.json").write_text(json.dumps(info))
    with store.write_lock():
        store.commit(staged, cell_id)
