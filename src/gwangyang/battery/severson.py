"""Load early-life Q(V) data in the Severson ``Qdlin`` folder layout (cells in the store: :mod:`.early_life_store`).

The folder layout (as in petermattia/revisit-severson-et-al)::

    <folder>/cells.csv              cell, split, cycle_life (optional), ...
    <folder>/<split>/<name>.csv.gz  voltages × cycles matrix: Q (Ah) on a linear voltage grid from
                                    3.6 V down to 2.0 V (rows; 1000 in Severson's export) for
                                    cycles 2, 3, ... (columns; 99, cycles 2..100, in the shared files)

where a ``cell`` of ``train_cell1`` in split ``train`` lives at ``train/cell1.csv.gz``. A folder
without ``cells.csv`` takes every matrix file (``*.csv.gz``, ``*.csv``) in it, named by file stem.

A ``cells.csv`` may give the same name in two splits (each split folder numbering its cells from 1, as
the data set's own folders do): such a cell is named ``<split>_<cell>`` (``test2_cell1``), so that every
prediction, error and warning names one cell; names given once stay as written.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import CorruptFileError, InputError
from .features_curves import CellCurves
from .io.base import file_encoding
from .qdlin import MIN_CYCLES, read_qdlin


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


def _split_name(part: str | None) -> str | None:
    """A split as read from ``cells.csv`` (None where the row gives none)."""
    text = None if part is None else str(part).strip()
    return text if text and text.lower() != "nan" else None


def unique_cell_names(names: list[str], splits: list[str | None], source: Path) -> list[str]:
    """Cell names that tell the cells apart: a name given in two splits or more becomes ``<split>_<name>``.

    A name given once is kept as written (``train_cell1`` of the shared table stays ``train_cell1``); a name
    already starting with its split's ``<split>_`` is not prefixed twice.

    Raises
    ------
    InputError
        Two rows still name one cell (the same name in the same split, or in rows without a split).
    """
    counts = Counter(names)
    out = []
    for name, part in zip(names, splits, strict=True):
        split = _split_name(part)
        if counts[name] > 1 and split is not None and not name.startswith(split + "_"):
            name = f"{split}_{name}"
        out.append(name)
    seen: dict[str, int] = {}
    for row, (name, part) in enumerate(zip(out, splits, strict=True)):
        if name in seen:
            split = _split_name(part)
            where = f"split {split!r}" if split is not None else "rows without a split"
            raise InputError(
                f"{source}: cell {names[row]!r} is listed twice in {where} (rows {seen[name] + 2} and "
                f"{row + 2}); give each cell once, or its split in a 'split' column."
            )
        seen[name] = row
    return out


def _cell_file(folder: Path, cell: str, split: str | None, label: str | None = None) -> Path:
    """The matrix file of ``cell`` (as ``cells.csv`` names it); errors name it ``label`` (its unique name)."""
    shown = label or cell
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
            f"{folder / 'cells.csv'}: cell {shown!r} has {len(found)} matrix files ({found[0]}, {found[1]}); "
            "give its split in a 'split' column."
        )
    raise InputError(
        f"{folder / 'cells.csv'}: cell {shown!r} has no matrix file (looked for {candidates[0]})."
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
        given = table["cell"].astype(str).tolist()
        # names told apart over the whole table, so that a cell has one name whichever split is asked
        unique = unique_cell_names(
            given,
            table["split"].tolist() if "split" in table.columns else [None] * len(table),
            root / "cells.csv",
        )
        if unique != given:
            table["cell"] = unique
        if split is not None:
            if "split" not in table.columns:
                raise InputError(f"{root / 'cells.csv'}: no 'split' column to select split {split!r} from.")
            chosen = (table["split"].astype(str) == split).to_numpy()
            given = [name for name, keep in zip(given, chosen, strict=True) if keep]
            table = table[chosen].reset_index(drop=True)
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
        for k, (name, part, policy, as_given) in enumerate(
            zip(table["cell"].astype(str), splits, policies, given, strict=True)
        ):
            try:
                path = _cell_file(root, as_given, part, label=name)
                cell = read_qdlin(path, cell=name, min_cycles=min_cycles)
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
