"""Fitting and using early-life models on data sets: training cells, the default interval, fit and predict.

:func:`fit_life` fits a :class:`~gwangyang.battery.life.CycleLifeRegressor` pipeline on cells of known
life (a Severson-layout folder or store cells, :func:`load_training_set`) with the interval for a new
batch by default (:data:`DEFAULT_CONFORMAL`, :func:`cross_batch_interval`); :func:`predict_life`
predicts cells from folders, matrix files or the store with a saved model.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError, one_line
from .features_curves import CellCurves
from .life import LIFE_MODELS, conformal_mode, make_life_model
from .life_groups import DEFAULT_CONFORMAL as DEFAULT_CONFORMAL
from .life_groups import NO_GROUPS_WARNING as NO_GROUPS_WARNING
from .life_groups import batch_notes
from .life_groups import cross_batch_interval as cross_batch_interval
from .life_groups import cross_batch_params as cross_batch_params
from .life_groups import interval_groups as interval_groups
from .life_predict import life_metrics, predict_cells, unpredictable
from .policy import policy_notes

if TYPE_CHECKING:
    from ..store import Store
    from .modelfile import ModelFile
    from .severson import EarlyLifeSet


STORE_PREFIX = "store:"
"""A dataset or cell named ``store:...`` comes from the store, not from a folder."""


def load_training_set(
    dataset: str | Path, split: str | None = None, store: Store | None = None, last_cycle: int = 100
) -> tuple[EarlyLifeSet, str]:
    """Cells of known cycle life to fit on, and a description of where they came from.

    Parameters
    ----------
    dataset
        A folder in the Severson layout whose ``cells.csv`` gives ``cycle_life``; or ``store:``
        (every store cell of known life with 100 cycles of Q(V) curves); or ``store:ID,ID,...``.
    split
        Keep only the ``cells.csv`` rows of this split (folders only).
    store
        The store for ``store:`` datasets (default: :class:`gwangyang.store.Store` ()).
    last_cycle
        The last cycle a folder's matrices must reach (the later cycle of the ΔQ(V) pair).

    Returns
    -------
    tuple
        The :class:`~gwangyang.battery.severson.EarlyLifeSet`, sorted by cell name, and its source.
    """
    from .early_life_store import load_store
    from .severson import load_severson

    text = str(dataset)
    if text.startswith(STORE_PREFIX):
        from ..store import Store as StoreClass

        opened = store if store is not None else StoreClass()
        ids = [part for part in text.removeprefix(STORE_PREFIX).split(",") if part]
        data = load_store(opened, ids or None, require_life=True, last_cycle=int(last_cycle))
        missing = [i for i in ids if i not in set(data.table["cell"])]
        if missing:
            raise InputError(f"{text}: cell {missing[0]!r} has no known cycle life.")
        return data.sorted(), f"store {opened.root}"
    return load_severson(
        Path(text), split=split, require_life=True, min_cycles=int(last_cycle)
    ).sorted(), text


def fit_life(
    data: EarlyLifeSet,
    model: str = "variance",
    cycles: tuple[int, int] = (10, 100),
    coverage: float = 0.9,
    conformal: str = DEFAULT_CONFORMAL,
    out: str | Path | None = None,
    source: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Fit a cycle-life model on cells of known life; optionally save it.

    Parameters
    ----------
    data
        Training cells (see :func:`load_training_set`).
    model
        One of :data:`LIFE_MODELS`, or ``auto``: the model of lowest cross-validated RMSE on ``data``
        with folds by batch, else by charging policy, else shuffled
        (:func:`~gwangyang.battery.life_select.select_life_model`).
    cycles
        Cycle pair (a, b) of ΔQ(V) = Q_b − Q_a.
    coverage, conformal
        See :class:`CycleLifeRegressor`. ``group-cv+`` (the default, :data:`DEFAULT_CONFORMAL`) is
        the interval for cells of another batch (:func:`cross_batch_interval`): folds by batch; by
        charging policy with the lot shift where the cells hold one batch; shuffled CV+ folds with
        the lot shift, and a warning, where they name neither. The other modes fold cells at
        random (shuffled), whatever batches they hold.
    out
        Model file to write (:func:`gwangyang.battery.modelfile.save_model`); None: do not save.
    source
        Where the cells came from (recorded in the model file).
    progress
        Called as ``progress(done, total)`` during the ``auto`` selection.

    Returns
    -------
    dict
        JSON-ready summary: ``model``, ``feature_set``, ``out``, ``cells``, ``training_hash``,
        ``interval_factor`` (typical interval [ŷ / f, ŷ · f]: the conformal quantile of the
        out-of-fold residuals), ``interval`` (``conformal``: the mode run, ``folds_by``: ``batch``,
        ``policy`` or ``shuffled``, ``lot_shift``), ``warnings``, ``train`` metrics (in-sample),
        ``versions``; with ``auto``, ``selection`` (:func:`~gwangyang.battery.life_select.select_life_model`)
        and ``model`` the chosen one; and the fitted pipeline under ``pipeline`` (drop it before printing).
    """
    from .life_select import AUTO_MODEL, select_life_model
    from .modelfile import library_versions, save_model

    selection: dict[str, Any] | None = None
    if model == AUTO_MODEL:
        selection = select_life_model(data, cycles, progress)
        model = str(selection["chosen"])
    if model not in LIFE_MODELS:
        raise InputError(f"model: expected {AUTO_MODEL} or one of {', '.join(LIFE_MODELS)}, got {model!r}.")
    conformal = conformal_mode(conformal)
    pipeline = make_life_model(model, cycles=cycles, coverage=coverage, conformal=conformal)
    groups: np.ndarray | None = None
    folds_by = "one cell" if conformal == "jackknife+" else "shuffled"
    warnings: list[str] = []
    if conformal == "group-cv+":
        params, groups, note = cross_batch_interval(data)
        pipeline[-1].set_params(**params)
        conformal = str(params["conformal"])
        folds_by = interval_groups(data)[1] or "shuffled"
        if note is not None:
            warnings.append(f"{source or 'training cells'}: {note}.")
    if conformal == "group-cv+" or selection is not None:
        # folds by batch: one batch whose date is spelt two ways in cells.csv was made one group
        warnings.extend(f"{source or 'training cells'}: {note}." for note in batch_notes(data))
    pipeline.fit(data.cells, data.cycle_life, **({} if groups is None else {"regressor__groups": groups}))
    feature_set = LIFE_MODELS[model][0]
    if feature_set == "charging":
        warnings.extend(
            f"{source or 'training cells'}: {note}." for note in policy_notes(data.cells).values()
        )
    predicted, lower, upper = pipeline[-1].predict_interval(pipeline[:-1].transform(data.cells))
    training_hash = data.data_hash()
    versions = library_versions()
    if out is not None:
        info = {
            "cycles": list(cycles),
            "coverage": coverage,
            "conformal": conformal,
            "folds_by": folds_by,
            "lot_shift": bool(pipeline[-1].lot_shift),
            "training_cells": len(data.cells),
            "source": source,
            **({} if selection is None else {"selection": selection}),
        }
        versions = save_model(out, pipeline, model, feature_set, training_hash, info).versions
    return {
        "model": model,
        "feature_set": feature_set,
        "out": None if out is None else str(out),
        "cells": len(data.cells),
        "training_hash": training_hash,
        "interval_factor": float(10.0 ** pipeline[-1].log_halfwidth_),
        "interval": {"conformal": conformal, "folds_by": folds_by, "lot_shift": bool(pipeline[-1].lot_shift)},
        "warnings": warnings,
        "train": life_metrics(data.cycle_life, predicted, lower, upper),
        "versions": versions,
        **({} if selection is None else {"selection": selection}),
        "pipeline": pipeline,
    }


def load_prediction_inputs(
    items: Sequence[str],
    store: Store | None = None,
    last_cycle: int = 100,
    errors: list[dict[str, str]] | None = None,
) -> tuple[list[CellCurves], list[float]]:
    """Cells to predict: Severson-layout folders or matrix files, or store cell ids (``store:`` optional).

    Returns the cells and each one's known cycle life (a folder's ``cells.csv`` column ``cycle_life``),
    NaN where unknown (matrix files, store cells). With ``errors``, a folder's cells that cannot be read, and
    store cells with too few cycles of curves, are listed there (``{"cell", "error"}``) and the others kept, as
    a kept model's prediction lists them. One name given by two items (``cell1``
    of two batch folders) becomes ``<folder>_<name>`` (:func:`distinct_across_items`); an item given
    twice is refused.
    """
    from .early_life_store import load_store_cell
    from .severson import load_severson

    cells: list[CellCurves] = []
    known: list[float] = []
    given: list[str] = []
    opened = store
    for item in _once(items):
        path = Path(item)
        if not item.startswith(STORE_PREFIX) and path.exists():
            before = len(errors) if errors is not None else 0
            try:
                data = load_severson(path, min_cycles=int(last_cycle), errors=errors)
            except InputError:
                if errors is None or len(errors) == before:
                    raise
                continue  # no cell of this folder could be read: each is listed in errors
            cells.extend(data.cells)
            known.extend(float(v) for v in data.cycle_life)
            given.extend([item] * len(data.cells))
            continue
        if opened is None:
            from ..store import Store as StoreClass

            opened = StoreClass()
        cell_id = item.removeprefix(STORE_PREFIX)
        try:
            cells.append(load_store_cell(opened, cell_id, last_cycle))
        except InputError as exc:  # too few cycles of curves (a missing cell is NotFoundError, raised)
            if errors is None:
                raise
            errors.append({"cell": cell_id, "error": one_line(str(exc))})
            continue
        known.append(float("nan"))
        given.append(item)
    if not cells:
        raise InputError(str(errors[0]["error"]) if errors else "predict: no cells given.")
    distinct_across_items(cells, given)
    return cells, known


def _once(items: Sequence[str]) -> list[str]:
    """``items``, refusing one folder, file or store cell given twice (its cells would be predicted twice)."""
    seen: dict[str, str] = {}
    for item in items:
        on_disk = not item.startswith(STORE_PREFIX) and Path(item).exists()
        key = str(Path(item).resolve()) if on_disk else STORE_PREFIX + item.removeprefix(STORE_PREFIX)
        if key in seen:
            raise InputError(
                f"predict: {item!r} is given twice (as {seen[key]!r} before); give each folder, "
                "file or cell once."
            )
        seen[key] = item
    return list(items)


def item_label(item: str) -> str:
    """The name that tells same-named cells of different items apart.

    A folder's name, a matrix file's folder name, ``store`` for a store cell.
    """
    if item.startswith(STORE_PREFIX) or not Path(item).exists():
        return "store"
    path = Path(item).resolve()
    return path.name if path.is_dir() else path.parent.name


def distinct_across_items(cells: Sequence[CellCurves], given: Sequence[str]) -> None:
    """Rename, in place, cells of one name that come from different items to ``<label>_<name>``.

    ``given[k]`` is the folder, file or store cell that ``cells[k]`` came from; the label is
    :func:`item_label` (a folder ``batch2`` and a folder ``batch3`` both holding ``cell1`` give
    ``batch2_cell1`` and ``batch3_cell1``), as a ``cells.csv`` name given in two splits becomes
    ``<split>_<name>``. Names given by one item only stay as written.

    Raises
    ------
    InputError
        Two items with the same label give one name (``a/batch`` and ``b/batch`` both holding ``cell1``):
        the rows could not be told apart.
    """
    sources: dict[str, set[str]] = {}
    for cell, item in zip(cells, given, strict=True):
        sources.setdefault(cell.cell, set()).add(item)
    clashing = {name for name, items in sources.items() if len(items) > 1}
    if not clashing:
        return
    renamed: dict[str, str] = {}
    for cell, item in zip(cells, given, strict=True):
        if cell.cell in clashing:
            new = f"{item_label(item)}_{cell.cell}"
            if new in renamed and renamed[new] != item:
                raise InputError(
                    f"predict: cell {cell.cell!r} is given by {renamed[new]!r} and by {item!r}, whose "
                    "folders have one name; rename a folder or a cell so that each prediction names one cell."
                )
            renamed[new] = item
            cell.cell = new
    doubled = sorted(n for n, k in Counter(cell.cell for cell in cells).items() if k > 1)
    if doubled:
        raise InputError(
            f"predict: cell {doubled[0]!r} is named by two items after telling same-named cells apart by "
            "folder; rename a folder or a cell so that each prediction names one cell."
        )


def predict_life(
    model: str | Path | ModelFile,
    items: Sequence[str],
    store: Store | None = None,
    errors: list[dict[str, str]] | None = None,
) -> list[dict[str, Any]]:
    """Predicted cycle life with its conformal interval for each cell.

    Parameters
    ----------
    model
        A model file from :func:`fit_life` (or an already loaded :class:`~gwangyang.battery.modelfile.ModelFile`).
    items
        Severson-layout folders or files, or store cell ids.
    store
        The store holding the cell ids.
    errors
        Where given, a folder's cells that cannot be read are listed here (``{"cell", "error"}``) and
        the others predicted; where None, the first such cell's error is raised.

    Returns
    -------
    list of dict
        ``{"cell", "predicted_cycle_life", "lower", "upper"}`` per cell, ``warning`` where the cell lies
        beyond the training range, and ``cycle_life`` where a folder's ``cells.csv`` gives it.
    """
    from .modelfile import ModelFile, load_model

    loaded = model if isinstance(model, ModelFile) else load_model(model)
    pair = tuple(loaded.info.get("cycles", (10, 100)))
    cells, lives = load_prediction_inputs(items, store, int(pair[1]), errors)
    bad = unpredictable(loaded.model, cells)
    if bad:
        if errors is None:
            raise InputError(next(iter(bad.values())))
        errors.extend({"cell": cells[k].cell, "error": error} for k, error in bad.items())
        cells = [c for k, c in enumerate(cells) if k not in bad]
        lives = [life for k, life in enumerate(lives) if k not in bad]
        if not cells:
            raise InputError(next(iter(bad.values())))
    rows = predict_cells(loaded.model, cells)
    for row, life in zip(rows, lives, strict=True):
        if np.isfinite(life):
            row["cycle_life"] = life
    return rows


def score_predictions(rows: Sequence[dict[str, Any]]) -> dict[str, float] | None:
    """RMSE, mean % error, coverage and mean width over the rows that carry an observed ``cycle_life``.

    None where no row does. The one scoring of predictions against known lives: the CLI prints it.
    """
    scored = [r for r in rows if r.get("cycle_life") is not None]
    if not scored:
        return None

    def column(key: str) -> np.ndarray:
        return np.array([float(r[key]) for r in scored])

    return life_metrics(
        column("cycle_life"), column("predicted_cycle_life"), column("lower"), column("upper")
    )
