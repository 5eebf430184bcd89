"""Fleet features straight from the store's datasets, on Dask (a cluster at ``$DASK_SCHEDULER_ADDRESS``, or local).

One row per cell from the ``cycles`` and ``timeseries`` datasets: the figures a screening or a
dashboard starts from. The same function without Dask (:func:`fleet_features_serial`) reads cell
by cell; the two agree to the last bit on the counts and extremes, and to rounding on the means.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from .store import Store

FEATURES = (
    "cycles",
    "max_discharge_capacity_ah",
    "min_discharge_capacity_ah",
    "mean_discharge_capacity_ah",
    "rows",
    "max_voltage_v",
    "min_voltage_v",
    "duration_s",
)
"""Columns of the fleet feature table (indexed by ``cell_id``)."""


def _finish(cycles: pd.DataFrame, series: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "cycles": cycles["n"],
            "max_discharge_capacity_ah": cycles["qmax"],
            "min_discharge_capacity_ah": cycles["qmin"],
            "mean_discharge_capacity_ah": cycles["qsum"] / cycles["n"],
        }
    ).join(
        pd.DataFrame(
            {
                "rows": series["n"],
                "max_voltage_v": series["vmax"],
                "min_voltage_v": series["vmin"],
                "duration_s": series["tmax"] - series["tmin"],
            }
        ),
        how="outer",
    )
    out.index = pd.Index([str(c) for c in out.index], dtype=object, name="cell_id")
    return out.sort_index()[list(FEATURES)]


def _aggregate(cycles: Any, series: Any) -> tuple[Any, Any]:
    by_cell = cycles.groupby("cell_id")["discharge_capacity_ah"]
    cycle_figures = by_cell.agg(["count", "max", "min", "sum"]).rename(
        columns={"count": "n", "max": "qmax", "min": "qmin", "sum": "qsum"}
    )
    grouped = series.groupby("cell_id")
    series_figures = grouped.agg({"voltage_v": ["count", "max", "min"], "test_time_s": ["max", "min"]})
    return cycle_figures, series_figures


def _flatten(series_figures: pd.DataFrame) -> pd.DataFrame:
    series_figures.columns = ["n", "vmax", "vmin", "tmax", "tmin"]
    return series_figures


def fleet_features(store: Store, scheduler: str | None = None) -> pd.DataFrame:
    """Per-cell features of every cell, computed by Dask over the snapshot's Parquet files.

    Parameters
    ----------
    store
        The store (a local folder or an fsspec URL).
    scheduler
        A Dask scheduler address; default ``$DASK_SCHEDULER_ADDRESS``; with neither, Dask's local
        threads run it.
    """
    import dask

    cycles = store.dask("cycles", ["cell_id", "discharge_capacity_ah"])
    series = store.dask("timeseries", ["cell_id", "voltage_v", "test_time_s"])
    cycle_figures, series_figures = _aggregate(cycles, series)
    address = scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS")
    if address:
        from distributed import Client

        with Client(address) as client:
            computed = client.compute([cycle_figures, series_figures], sync=True)
    else:
        computed = list(dask.compute(cycle_figures, series_figures))
    return _finish(computed[0], _flatten(computed[1]))


def fleet_features_serial(store: Store) -> pd.DataFrame:
    """The same features read cell by cell with pandas (the reference for :func:`fleet_features`)."""
    cycle_parts = []
    series_parts = []
    for cell_id in store.cells()["cell_id"]:
        cycle_parts.append(store.table(cell_id, "cycles", ["cell_id", "discharge_capacity_ah"]))
        series_parts.append(store.table(cell_id, "timeseries", ["cell_id", "voltage_v", "test_time_s"]))
    cycle_figures, series_figures = _aggregate(pd.concat(cycle_parts), pd.concat(series_parts))
    return _finish(cycle_figures, _flatten(series_figures))
