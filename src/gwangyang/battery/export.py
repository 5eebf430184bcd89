"""Export a stored cell's canonical time series as Parquet, CSV or the Battery Data Format."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError, NotFoundError
from ..store.store import Store, write_parquet


def export_cell(store: Store, cell_id: str, fmt: str, out: Path) -> Path:
    """Export a cell's canonical time series as Parquet, CSV or BDF.

    ``bdf`` writes the Battery Data Alliance's Battery Data Format (see
    :mod:`gwangyang.battery.io.bdf`): CSV, or Parquet when ``out`` ends in ``.parquet``.

    Raises
    ------
    InputError
        Unknown format.
    NotFoundError
        No such cell.
    """
    if fmt not in {"parquet", "csv", "bdf"}:
        raise InputError(f"format: expected parquet, csv or bdf, got {fmt!r}.")
    if not store.has(cell_id):
        raise NotFoundError(f"cell {cell_id!r}: not in store {store.place}.")
    ts = store.timeseries(cell_id)
    if fmt == "bdf":
        from .io.bdf import to_bdf

        try:
            steps = store.steps(cell_id)
        except NotFoundError:
            steps = None  # a cell ingested before steps were kept
        ts = to_bdf(ts.drop(columns=["cell_id"], errors="ignore"), steps)
        fmt = "parquet" if out.suffix.lower() == ".parquet" else "csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    if fmt == "parquet":
        write_parquet(ts, tmp)
    else:
        ts.to_csv(tmp, index=False)
    tmp.replace(out)
    return out
