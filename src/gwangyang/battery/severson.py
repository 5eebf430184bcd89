"""Load early-life Q(V) data: the Severson ``Qdlin`` folder layout, or cells in the store.

The folder layout (as in petermattia/revisit-severson-et-al)::

    <folder>/cells.csv              cell, split, cycle_life (optional), ...
    <folder>/<split>/<name>.csv.gz  voltages × cycles matrix: Q (Ah) on a linear voltage grid from
                                    3.6 V down to 2.0 V (rows; 1000 in Severson's export) for
                                    cycles 2, 3, ... (columns; 99, cycles 2..100, in the shared files)

where a ``cell`` of ``train_cell1`` in split ``train`` lives at ``train/cell1.csv.gz``. A folder
without ``cells.csv`` takes every matrix file (``*.csv.gz``, ``*.csv``) in it, named by file stem.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import CorruptFileError, InputError
from .cycles import usable_cycles
from .features_curves import SEVERSON_QDLIN_VOLTAGES, CellCurves
from .io.base import file_encoding

if TYPE_CHECKING:
    from ..store import Store

QDLIN_VOLTAGES = 1000
"""Rows of Severson's ``Qdlin`` export: a linear grid from 3.6 V down to 2.0 V. A file with another number of
rows is read on a linear grid over the same span (:func:`qdlin_voltages`)."""

QDLIN_SPAN_V: tuple[float, float] = (3.6, 2.0)
"""First and last voltage of a ``Qdlin`` matrix's rows (Severson et al. 2019's ``Qdlin``: 3.6 V down to 2.0 V)."""

MIN_QDLIN_VOLTAGES = 10
"""Fewest rows a ``Qdlin`` matrix may have (the ΔQ(V) statistics need 10 points in their window)."""

QDLIN_FIRST_CYCLE = 2
"""Cycle number of a ``Qdlin`` file's first column."""

MIN_CYCLES = 100
"""Early-life prediction needs cycles up to 100 (Severson's default pair is 10 and 100)."""


@dataclass
class EarlyLifeSet:
    """Cells with their Q(V) curves and, where known, their cycle life.

    Attributes
    ----------
    cells
        The cells, in table order.
    table
        One row per cell: ``cell``, ``cycle_life`` (NaN where unknown) and any other columns given.
    """

    cells: list[CellCurves]
    table: pd.DataFrame

    @property
    def cycle_life(self) -> np.ndarray:
        """Cycle life per cell (NaN where unknown)."""
        return pd.to_numeric(self.table["cycle_life"], errors="coerce").to_numpy(dtype="float64")

    def subset(self, mask: np.ndarray) -> EarlyLifeSet:
        """The cells where ``mask`` is true."""
        keep = np.asarray(mask, dtype=bool)
        return EarlyLifeSet(
            [c for c, k in zip(self.cells, keep, strict=True) if k], self.table[keep].reset_index(drop=True)
        )

    def sorted(self) -> EarlyLifeSet:
        """The same cells ordered by name, so that fold assignments do not depend on file order."""
        order = np.argsort(np.asarray([c.cell for c in self.cells], dtype=object), kind="stable")
        return EarlyLifeSet([self.cells[i] for i in order], self.table.iloc[order].reset_index(drop=True))

    def data_hash(self) -> str:
        """SHA-256 over cell names, Q(V) matrices and cycle lives: identifies a training set."""
        digest = hashlib.sha256()
        for cell, life in zip(self.cells, self.cycle_life, strict=True):
            digest.update(cell.cell.encode())
            digest.update(np.ascontiguousarray(cell.qdlin).tobytes())
            digest.update(np.float64(life).tobytes())
        return digest.hexdigest()


def qdlin_voltages(rows: int) -> np.ndarray:
    """Voltage of each row of a ``Qdlin`` matrix of ``rows`` rows: linear from 3.6 V down to 2.0 V.

    1000 rows give :data:`~gwangyang.battery.features_curves.SEVERSON_QDLIN_VOLTAGES` itself.
    """
    if rows == QDLIN_VOLTAGES:
        return SEVERSON_QDLIN_VOLTAGES
    return np.linspace(QDLIN_SPAN_V[0], QDLIN_SPAN_V[1], rows)


def _transposed(matrix: np.ndarray) -> bool:
    """Whether Q spreads along the rows rather than down the columns (cycles as rows, voltages as columns).

    Down a column (3.6 V to 2.0 V) Q runs from about 0 to the cell's capacity; along a row (cycle to
    cycle) it changes by the fade, a few per cent. Interquartile ranges, so that a few glitch cycles
    (the batch-1 files hold cycles logged at ~31 Ah) do not decide.
    """
    if min(matrix.shape) < 4:
        return False
    percentile = np.percentile if np.isfinite(matrix).all() else np.nanpercentile  # the NaN one is slow
    low, high = percentile(matrix, [25, 75], axis=0)
    down = float(np.median(high - low))
    low, high = percentile(matrix, [25, 75], axis=1)
    across = float(np.median(high - low))
    return across > down


def read_qdlin(path: Path, cell: str | None = None, min_cycles: int = MIN_CYCLES) -> CellCurves:
    """Read one ``Qdlin`` matrix file (CSV, optionally gzipped).

    Rows are voltages on a linear grid from 3.6 V down to 2.0 V (:func:`qdlin_voltages`: 1000 in
    Severson's export, any number from :data:`MIN_QDLIN_VOLTAGES` read on the same span), columns
    cycles 2, 3, ... (99 in the shared files; more are kept).

    Parameters
    ----------
    path
        The file.
    cell
        Cell name; default: the file name without ``.csv.gz``.
    min_cycles
        The last cycle the file must reach.

    Returns
    -------
    CellCurves
    """
    name = cell or path.name.removesuffix(".gz").removesuffix(".csv")
    matrix, first_cycle, voltages = _read_matrix(path)
    layout = "a voltages × cycles matrix (rows 3.6 V down to 2.0 V, columns cycles 2, 3, ...)"
    if matrix.ndim != 2 or matrix.shape[0] < MIN_QDLIN_VOLTAGES or matrix.shape[1] < 1:
        raise InputError(
            f"{path}: expected {layout} of at least {MIN_QDLIN_VOLTAGES} voltages, got shape {matrix.shape}."
        )
    if _transposed(matrix):
        raise InputError(
            f"{path}: expected {layout}; Q rises along the rows of this {matrix.shape[0]} × {matrix.shape[1]} "
            "matrix, so its rows look like cycles (transposed?)."
        )
    if not np.isfinite(matrix).all():
        raise InputError(
            f"{path}: Q(V) matrix holds {int((~np.isfinite(matrix)).sum())} NaN or empty values."
        )
    last = first_cycle + matrix.shape[1] - 1
    if last < min_cycles:
        raise InputError(
            f"{path}: has cycles {first_cycle}–{last}; early-life prediction needs {min_cycles} cycles."
        )
    if voltages is None:
        voltages = qdlin_voltages(matrix.shape[0])
    return CellCurves(name, matrix, first_cycle=first_cycle, voltages=voltages)


_NUMBER = re.compile(r"(\d+)")


def _read_matrix(path: Path) -> tuple[np.ndarray, int, np.ndarray | None]:
    """The Q(V) matrix of a file, its first cycle and its voltages (None: the linear 3.6-2.0 V grid).

    Severson's export is numbers only. A copy written with a header row (cycle numbers ``2,3,...`` or names
    ``cycle_2,...``: the first cycle is read from it) or with a first column of voltages (taken as the grid;
    rows running up from 2.0 V are turned to run down) holds the same curves.
    """
    header: np.ndarray | None = None
    try:
        values = pd.read_csv(path, header=None, dtype="float64", encoding="utf-8-sig").to_numpy()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file.") from exc
    except ValueError:
        values, header = _read_with_names(path)  # a row of names above the numbers
    except (pd.errors.ParserError, pd.errors.EmptyDataError, OSError, EOFError) as exc:
        raise CorruptFileError(f"{path}: not a numeric Q(V) matrix ({type(exc).__name__}).") from exc
    first_cycle = QDLIN_FIRST_CYCLE
    if header is None and len(values) > 1:
        row = values[0]
        if _consecutive(row, 1) or (len(row) > 2 and np.isnan(row[0]) and _consecutive(row[1:], 1)):
            header, values = row, values[1:]  # a row of cycle numbers (above a voltage column: blank there)
    body = values[:, 1:]
    voltages = None
    if values.shape[1] > 1 and _voltage_column(values[:, 0], body):
        voltages, values = values[:, 0], body
        if header is not None:
            header = header[1:]
        if voltages[0] < voltages[-1]:  # rows from low to high voltage: turned to run down
            voltages, values = voltages[::-1].copy(), values[::-1].copy()
    if header is not None:
        numbers = [int(m.group(1)) if (m := _NUMBER.search(str(h))) else None for h in header]
        if (
            numbers
            and all(n is not None for n in numbers)
            and _consecutive(np.array(numbers, dtype=float), 0)
        ):
            first_cycle = int(numbers[0])  # type: ignore[arg-type]
        elif any(n is not None for n in numbers):
            raise InputError(
                f"{path}: the header row names cycles {header[0]!r}...{header[-1]!r}, not consecutive ones."
            )
    return values, first_cycle, voltages


def _read_with_names(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """The numbers below a first row of names, and that row; CorruptFileError where a value below is not a number."""
    try:
        raw = pd.read_csv(path, header=None, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError, OSError, EOFError) as exc:
        raise CorruptFileError(f"{path}: not a numeric Q(V) matrix ({type(exc).__name__}).") from exc
    text = np.char.strip(raw.to_numpy(dtype=str))
    values = raw.apply(lambda col: pd.to_numeric(col.str.strip(), errors="coerce")).to_numpy(dtype="float64")
    unread = np.isnan(values) & ~np.isin(text, ["", "nan", "NaN", "NA"])
    if len(values) >= 2 and unread[0].any() and not unread[1:].any():
        return values[1:], raw.to_numpy(dtype=str)[0]
    shown = text[1:][unread[1:]] if unread[1:].any() else text[unread]
    example = f" (value {str(shown[0])[:20]!r})" if len(shown) else ""
    raise CorruptFileError(f"{path}: not a numeric Q(V) matrix{example}.")


def _consecutive(row: np.ndarray, least: int) -> bool:
    """Whether a row is whole numbers counting up by one from at least ``least`` (cycle numbers)."""
    return bool(
        len(row) >= 2
        and np.isfinite(row).all()
        and (row == np.round(row)).all()
        and row[0] >= least
        and (np.diff(row) == 1).all()
    )


def _voltage_column(column: np.ndarray, rest: np.ndarray) -> bool:
    """Whether a first column holds the voltages.

    It must be strictly monotonic within 0.5-5 V, span 0.5 V or more, and run against the Q of the other
    columns (Q grows as the voltage falls); a Q column starts near 0 Ah and so never passes.
    """
    if len(column) < 3 or not np.isfinite(column).all() or rest.shape[1] == 0:
        return False
    steps = np.diff(column)
    if not ((steps < 0).all() or (steps > 0).all()):
        return False
    if column.min() < 0.5 or column.max() > 5.0 or np.ptp(column) < 0.5:
        return False
    q_trend = np.nanmedian(rest[-1] - rest[0])
    return bool(np.sign(q_trend) == -np.sign(column[-1] - column[0]))


def _cell_file(folder: Path, cell: str, split: str | None) -> Path:
    candidates = []
    if split:
        short = cell.removeprefix(split + "_")
        candidates += [
            folder / split / f"{name}{ext}" for name in (short, cell) for ext in (".csv.gz", ".csv")
        ]
    candidates += [folder / f"{cell}.csv.gz", folder / f"{cell}.csv"]
    for path in candidates:
        if path.exists():
            return path
    # a file in a folder other than its split's (e.g. cells.csv without a split column, files in sub-folders)
    found = sorted(p for ext in (".csv.gz", ".csv") for p in folder.rglob(f"{cell}{ext}") if p.is_file())
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise InputError(
            f"{folder / 'cells.csv'}: cell {cell!r} has {len(found)} matrix files ({found[0]}, {found[1]}); "
            "give its split in a 'split' column."
        )
    raise InputError(
        f"{folder / 'cells.csv'}: cell {cell!r} has no matrix file (looked for {candidates[0]})."
    )


def load_severson(
    folder: str | Path,
    split: str | None = None,
    require_life: bool = False,
    min_cycles: int = MIN_CYCLES,
    errors: list[dict[str, str]] | None = None,
) -> EarlyLifeSet:
    """Load a folder in the Severson ``Qdlin`` layout.

    Parameters
    ----------
    folder
        The folder (with ``cells.csv``, or holding matrix files ``*.csv.gz`` / ``*.csv`` directly), or one
        matrix file. A cell's file is looked for in its split's folder, then beside ``cells.csv``, then
        anywhere below.
    split
        Keep only the rows of ``cells.csv`` whose ``split`` is this (``train``, ``test1``...).
    require_life
        Refuse cells without a ``cycle_life``.
    min_cycles
        The last cycle every matrix must reach (the later cycle of the model's ΔQ(V) pair).
    errors
        Where given, a cell whose file cannot be read is left out and listed here as ``{"cell", "error"}``
        (a batch with one damaged file still gives the others); the first error is raised when no cell
        is left. Where None, the first error is raised.

    Returns
    -------
    EarlyLifeSet
    """
    root = Path(folder)
    mark = len(errors) if errors is not None else 0  # this folder's first error, where none can be read
    if root.is_file():
        cell = read_qdlin(root, min_cycles=min_cycles)
        table = pd.DataFrame({"cell": [cell.cell], "cycle_life": [np.nan]})
    elif not root.is_dir():
        raise InputError(f"{root}: no such folder or file.")
    elif (root / "cells.csv").exists():
        try:
            # saved by Excel: a BOM, or Korean names in cp949 (io.base.file_encoding tells)
            table = pd.read_csv(root / "cells.csv", encoding=file_encoding(root / "cells.csv"))
        except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise CorruptFileError(
                f"{root / 'cells.csv'}: not a readable CSV ({type(exc).__name__})."
            ) from exc
        if "cell" not in table.columns:
            raise InputError(
                f"{root / 'cells.csv'}: expected a 'cell' column, got {', '.join(map(str, table.columns))}."
            )
        if split is not None:
            if "split" not in table.columns:
                raise InputError(f"{root / 'cells.csv'}: no 'split' column to select split {split!r} from.")
            table = table[table["split"].astype(str) == split].reset_index(drop=True)
            if table.empty:
                raise InputError(f"{root / 'cells.csv'}: no cell has split {split!r}.")
        if "cycle_life" not in table.columns:
            table["cycle_life"] = np.nan
        splits = table["split"].astype(str) if "split" in table.columns else pd.Series([None] * len(table))
        policies = (
            table["policy"].where(table["policy"].notna(), None)
            if "policy" in table.columns
            else pd.Series([None] * len(table))
        )
        cells = []
        read = np.ones(len(table), dtype=bool)
        for k, (name, part, policy) in enumerate(
            zip(table["cell"].astype(str), splits, policies, strict=True)
        ):
            try:
                cell = read_qdlin(_cell_file(root, name, part), cell=name, min_cycles=min_cycles)
            except InputError as exc:
                read[k] = _left_out(exc, name, errors)
                continue
            cell.policy = None if policy is None else str(policy)
            cells.append(cell)
        if not read.all():
            if not cells:
                raise InputError(str(errors[mark]["error"]) if errors else f"{root}: no readable cell.")
            table = table[read].reset_index(drop=True)
        return _checked(EarlyLifeSet(cells, table), root, require_life)
    else:
        # every matrix file: cell1.csv.gz in the shared export, any name (b3c1.csv.gz, 셀1.csv) elsewhere
        files = sorted(
            (p for pattern in ("*.csv.gz", "*.csv") for p in root.glob(pattern) if p.is_file()),
            key=lambda p: _natural(p.name),
        )
        if not files:
            raise InputError(f"{root}: no cells.csv and no matrix files (*.csv.gz, *.csv).")
        cells = []
        for path in files:
            try:
                cells.append(read_qdlin(path, min_cycles=min_cycles))
            except InputError as exc:
                _left_out(exc, path.name.removesuffix(".gz").removesuffix(".csv"), errors)
        if not cells:
            raise InputError(str(errors[mark]["error"]) if errors else f"{root}: no readable cell.")
        table = pd.DataFrame({"cell": [c.cell for c in cells], "cycle_life": np.nan})
        return _checked(EarlyLifeSet(cells, table), root, require_life)
    return _checked(EarlyLifeSet([cell], table), root, require_life)


def _left_out(exc: InputError, cell: str, errors: list[dict[str, str]] | None) -> bool:
    """Record a cell that could not be read (False: it is left out), or raise where no list is kept."""
    if errors is None:
        raise exc
    errors.append({"cell": cell, "error": str(exc)})
    return False


def _natural(name: str) -> tuple[str, int]:
    match = re.search(r"(\d+)", name)
    return (name[: match.start()], int(match.group(1))) if match else (name, -1)


def _checked(data: EarlyLifeSet, root: Path, require_life: bool) -> EarlyLifeSet:
    if require_life:
        life = data.cycle_life
        if np.isnan(life).any():
            missing = data.table["cell"][np.isnan(life)].tolist()
            raise InputError(
                f"{root}: cycle_life is unknown for {len(missing)} cell(s), e.g. {missing[0]!r}."
            )
        if (life <= 0).any():
            raise InputError(f"{root}: cycle_life must be positive.")
    return data


def cycle_life_from_capacity(
    cycles: pd.DataFrame, nominal_ah: float | None = None, threshold: float = 0.8
) -> float | None:
    """Cycles to ``threshold`` × nominal capacity (or × the cell's initial capacity); None if not reached."""
    cap = pd.to_numeric(cycles["discharge_capacity_ah"], errors="coerce").to_numpy(dtype="float64")
    idx = cycles["cycle_index"].to_numpy()
    ok = np.isfinite(cap) & (cap > 0)
    if ok.sum() < 2:
        return None
    reference = nominal_ah if nominal_ah else float(np.median(cap[ok][:5]))
    below = np.flatnonzero(ok & (cap < threshold * reference))
    return float(idx[below[0]]) if len(below) else None


def load_store_cell(store: Store, cell_id: str, last_cycle: int = MIN_CYCLES) -> CellCurves:
    """Early-life curves of a store cell: Q(V), capacity and summary over cycles 2..``last_cycle``."""
    curves = store.curves(cell_id)
    if curves.empty:
        raise InputError(f"cell {cell_id!r}: has no discharge Q(V) curves in the store.")
    wide = curves.pivot_table(
        index="voltage_v", columns="cycle_index", values="discharge_capacity_ah", aggfunc="mean"
    )
    wide = wide.sort_index(ascending=False)
    needed = list(range(QDLIN_FIRST_CYCLE, last_cycle + 1))
    missing = [c for c in needed if c not in wide.columns]
    if missing:
        have = int(wide.columns.max()) if len(wide.columns) else 0
        raise InputError(
            f"cell {cell_id!r}: needs Q(V) for cycles {QDLIN_FIRST_CYCLE}–{last_cycle}; "
            f"{len(missing)} missing (last cycle {have}, first missing {missing[0]})."
        )
    matrix = wide[needed].dropna(axis=0, how="any")
    if len(matrix) < 10:
        raise InputError(
            f"cell {cell_id!r}: fewer than 10 voltage points shared by cycles {QDLIN_FIRST_CYCLE}–{last_cycle}."
        )
    cycles = store.cycles(cell_id)
    summary = cycles[["cycle_index", "discharge_capacity_ah", "internal_resistance_ohm"]].copy()
    summary = summary.merge(_timeseries_summary(store, cell_id), on="cycle_index", how="left")
    capacity = (
        summary.set_index("cycle_index")["discharge_capacity_ah"].reindex(needed).to_numpy(dtype="float64")
    )
    if not np.isfinite(capacity).all():
        capacity = matrix.to_numpy()[-1]
    return CellCurves(
        cell_id,
        matrix.to_numpy(),
        first_cycle=QDLIN_FIRST_CYCLE,
        capacity=capacity,
        summary=summary,
        voltages=matrix.index.to_numpy(dtype="float64"),
    )


def _timeseries_summary(store: Store, cell_id: str) -> pd.DataFrame:
    """Charge time and temperature integral (°C·s) per cycle from the canonical time series."""
    ts = store.timeseries(cell_id)
    if ts.empty:
        return pd.DataFrame(
            {"cycle_index": pd.Series(dtype="int64"), "charge_time_s": pd.Series(dtype="float64")}
        )
    time = ts["test_time_s"].to_numpy(dtype="float64")
    cycle = ts["cycle_index"].to_numpy()
    dt = np.diff(time, prepend=time[0])
    dt[np.r_[True, np.diff(cycle) != 0]] = 0.0
    frame = pd.DataFrame(
        {"cycle_index": cycle, "charge_dt": np.where(ts["current_a"].to_numpy() > 0, dt, 0.0)}
    )
    if "temperature_c" in ts.columns:
        frame["temp_dt"] = ts["temperature_c"].to_numpy(dtype="float64") * dt
    grouped = frame.groupby("cycle_index")
    out = pd.DataFrame({"charge_time_s": grouped["charge_dt"].sum()})
    if "temp_dt" in frame.columns:
        out["temperature_integral_c_s"] = grouped["temp_dt"].sum(min_count=1)
    return out.reset_index()


def load_store(
    store: Store, cell_ids: list[str] | None = None, require_life: bool = False, last_cycle: int = MIN_CYCLES
) -> EarlyLifeSet:
    """Early-life set from store cells; life is the meta ``cycle_life`` or cycles to 80 % capacity.

    With ``require_life`` (training), cells whose life is unknown are left out; with no such cell
    left, an error is raised. Q(V) is taken over cycles 2..``last_cycle`` (the model's later cycle).
    """
    metas = {m["cell_id"]: m for m in store.metas()}
    ids = cell_ids if cell_ids is not None else sorted(metas)
    cells, rows = [], []
    for cell_id in ids:
        meta = metas.get(cell_id) or store.meta(cell_id)
        life = meta.get("cycle_life")
        if life is None:
            # an incomplete cycle (cut by a file's end) must not end a cell's life early
            life = cycle_life_from_capacity(
                usable_cycles(store.cycles(cell_id))[0], meta.get("nominal_capacity_ah")
            )
        if require_life and life is None:
            continue
        if require_life and cell_ids is None:
            try:
                cells.append(load_store_cell(store, cell_id, last_cycle))
            except InputError:
                continue  # too short for early-life features
        else:
            cells.append(load_store_cell(store, cell_id, last_cycle))
        rows.append({"cell": cell_id, "cycle_life": np.nan if life is None else float(life)})
    if require_life and not cells:
        raise InputError(
            f"store {store.root}: no cell with a known cycle life and {last_cycle} cycles of Q(V) curves."
        )
    return EarlyLifeSet(cells, pd.DataFrame(rows, columns=["cell", "cycle_life"]))
