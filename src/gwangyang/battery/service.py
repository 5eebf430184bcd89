"""The battery use cases, once: what the CLI, the API, the pages and the demo call.

Each function takes the store (or a file) and plain parameters and returns one JSON-ready document; every
surface shows that document. Use cases: ingest; cells, cycles, curves (Q(V) and dQ/dV) and time series;
health and RUL (one template rule); cycling anomalies (one incremental check); cycle-life models (fit, list,
predict; kept in the store); screening, triage and formation ranking; the twin. Functions that loop over many
cells take an :class:`~gwangyang.compute.Executor`.
"""

from __future__ import annotations

import json
import logging
import threading
import warnings
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..compute import Executor, SerialExecutor
from ..errors import CellConflictError, InputError, NotFoundError, one_line
from ..files import jsonable
from ..store import Store, artifacts
from ..store.store import CELL_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

    from .ingest import IngestReport

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)``."""

MAX_PAGE_ROWS = 10_000
"""Most time-series rows one request returns."""

CELL_ID_LENGTH = 120
"""Longest cell id accepted by name."""

TEMPLATE_CAPACITY_TOLERANCE = 0.25
"""A shipped RUL template serves cells whose initial capacity is within this fraction of its own."""

DEMO_MODEL = "demo"
"""Name of the cycle-life model the demo keeps."""

SAMPLE_SPLITS = ("train", "test1")
"""Splits of the shipped Severson sample a request may name."""

QUALITY_SUMMARY = "summary"
"""Name of the demo's quality summary (``quality/summary.json``)."""


# names and caching -------------------------------------------------------------------------------------


def check_cell_id(cell_id: str) -> str:
    """Return ``cell_id`` if it is a cell id as ingest makes them (Unicode kept); refuse anything else.

    Refused: characters a file system cannot hold, a leading dot, ``..``, more than
    :data:`CELL_ID_LENGTH` characters (see :func:`gwangyang.battery.io.base.safe_cell_id`).
    """
    from .io.base import safe_cell_id

    if (
        not isinstance(cell_id, str)
        or not 0 < len(cell_id) <= CELL_ID_LENGTH
        or safe_cell_id(cell_id) != cell_id
        or cell_id.startswith(".")
        or ".." in cell_id
    ):
        shown = cell_id[:60] if isinstance(cell_id, str) else cell_id
        raise InputError(
            f"cell id {shown!r}: expected a plain name (no '/', '\\', ':', '*', '?', '\"', '<', '>', '|', "
            "control characters, leading dot or '..')."
        )
    return cell_id


_CACHE: dict[tuple[str, str], tuple[tuple[Any, ...], Any]] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 512


def store_signature(store: Store) -> tuple[Any, ...]:
    """A cheap fingerprint of the store's cells (the catalog's file names; see :meth:`Store.signature`).

    Every commit adds a catalog file, so an unchanged signature means unchanged cells.
    """
    return store.signature()


def cached(store: Store, key: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, remembered until the store's cells change (pages and the API answer read-mostly traffic)."""
    signature = store_signature(store)
    slot = (str(store.root), key)
    hit = _CACHE.get(slot)
    if hit is not None and hit[0] == signature:
        return hit[1]
    value = compute()
    with _CACHE_LOCK:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        _CACHE[slot] = (signature, value)
    return value


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = json.loads(
        df.to_json(orient="records", date_format="iso", double_precision=15)
    )
    return out


# ingest -----------------------------------------------------------------------------------------------


def ingest_files(
    store: Store,
    paths: Sequence[str | Path],
    executor: Executor | None = None,
    progress: Progress | None = None,
    chemistry: str | None = None,
    cell_id: str | None = None,
    column_map: str | Path | None = None,
    replace: bool = False,
) -> IngestReport:
    """Ingest cycler files and folders into the store (see :func:`gwangyang.battery.ingest.ingest`)."""
    from .ingest import ingest

    return ingest(
        paths,
        store=store,
        executor=executor,
        progress=progress,
        chemistry=chemistry,
        cell_id=cell_id,
        column_map=column_map,
        replace=replace,
    )


def check_chemistry(chemistry: str | None) -> str | None:
    """``chemistry`` if it names a voltage grid (lfp, nmc...), else an ``InputError``."""
    from .cycles import CHEMISTRY_GRIDS

    if chemistry is not None and chemistry.lower() not in CHEMISTRY_GRIDS:
        raise InputError(f"chemistry: expected one of {', '.join(CHEMISTRY_GRIDS)}, got {chemistry[:20]!r}.")
    return chemistry


def ingest_upload(
    store: Store, folder: Path, chemistry: str | None, progress: Progress | None = None
) -> dict[str, Any]:
    """Ingest a folder of uploaded files; the report names files without the server's folders.

    Raises
    ------
    CellConflictError
        Every file failed and the first one names a stored cell it does not continue (HTTP 409).
    InputError
        Every file failed (the first reader's message); the folder is removed.
    """
    import shutil

    try:
        report = ingest_files(store, [folder], progress=progress, chemistry=chemistry).to_dict()
    except BaseException:  # a busy store, a bug: the upload stays nowhere
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if not report["ingested"]:  # duplicates or failures: nothing in the store refers to the files
        shutil.rmtree(folder, ignore_errors=True)
    for items in report.values():
        for item in items:
            item["file"] = Path(item["file"]).name
            if "error" in item:
                item["error"] = item["error"].replace(str(folder) + "/", "")
    if report["failed"] and not report["ingested"] and not report["skipped"]:
        shutil.rmtree(folder, ignore_errors=True)
        if report["failed"][0].get("conflict"):
            raise CellConflictError(report["failed"][0]["error"])
        raise InputError(report["failed"][0]["error"])
    report["cells"] = sorted({item["cell_id"] for item in report["ingested"]})
    return report


def upload_conflicts(files: Sequence[Path], store: Store) -> list[str]:
    """One line per uploaded file named after a stored cell of another cycler (checked before the job runs)."""
    from .ingest import vendor_conflicts

    return vendor_conflicts(list(files), store)


# cells, cycles, curves ---------------------------------------------------------------------------------


def usable_where(store: Store) -> str:
    """SQL condition keeping the complete ageing / RPT / reset cycles (all cycles of cells stored without flags)."""
    from .cycles import CAPACITY_KINDS

    columns = set(store.sql("SELECT * FROM cells_cycles LIMIT 0").columns)
    kinds = ", ".join(f"'{k}'" for k in CAPACITY_KINDS)
    clauses = ["TRUE"]
    if "complete" in columns:
        clauses.append("coalesce(complete, TRUE)")
    if "kind" in columns:
        clauses.append(f"coalesce(kind, 'aging') IN ({kinds})")
    return " AND ".join(clauses)


def list_cells(store: Store) -> list[dict[str, Any]]:
    """One record per cell: its metadata and capacity figures from its complete capacity cycles.

    ``capacity_retention`` is the last cycle's discharge capacity over the largest one;
    ``left_out_cycles`` counts the incomplete and pulse cycles the figures leave out, ``warnings``
    the ingest's warnings about the cell.
    """
    metas = store.metas()
    if not metas:
        return []
    stats = store.sql(
        "SELECT cell_id, max(discharge_capacity_ah) AS max_q, "
        "arg_max(discharge_capacity_ah, cycle_index) AS last_q, "
        "arg_min(discharge_capacity_ah, cycle_index) AS first_q, "
        "median(coulombic_efficiency) AS median_ce "
        f"FROM cells_cycles WHERE {usable_where(store)} GROUP BY cell_id"
    ).set_index("cell_id")
    out = []
    for meta in metas:
        cell_id = meta["cell_id"]
        row: dict[str, Any] = {k: meta.get(k) for k in CELL_COLUMNS}
        figures: dict[str, float | None] = {"max_q": None, "last_q": None, "first_q": None, "median_ce": None}
        if cell_id in stats.index:
            for key in figures:
                value = stats.at[cell_id, key]
                number = float(value) if isinstance(value, (int, float, np.number)) else float("nan")
                figures[key] = number if np.isfinite(number) else None
        row["first_discharge_capacity_ah"] = figures["first_q"]
        row["max_discharge_capacity_ah"] = figures["max_q"]
        row["last_discharge_capacity_ah"] = figures["last_q"]
        row["median_coulombic_efficiency"] = figures["median_ce"]
        max_q, last_q = figures["max_q"], figures["last_q"]
        row["capacity_retention"] = last_q / max_q if max_q and last_q is not None else None
        row["left_out_cycles"] = int(meta.get("cycles") or 0) - int(
            meta.get("usable_cycles", meta.get("cycles") or 0)
        )
        row["warnings"] = len(meta.get("warnings", []))
        out.append(row)
    return out


def cell_meta(store: Store, cell_id: str) -> dict[str, Any]:
    """A cell's metadata without server paths (vendor, channel, sources and their hashes, voltage grid)."""
    meta = store.meta(check_cell_id(cell_id))
    for source in meta.get("sources", []):
        source.pop("file", None)
    return meta


def capacity_fade(store: Store) -> list[dict[str, Any]]:
    """Discharge capacity against cycle for every cell (one record per cell, arrays of equal length)."""
    if not store.metas():
        return []
    table = store.sql(
        "SELECT cell_id, cycle_index, discharge_capacity_ah FROM cells_cycles "
        f"WHERE {usable_where(store)} ORDER BY cell_id, cycle_index"
    )
    out = []
    for cell_id, group in table.groupby("cell_id", sort=True):
        q = group["discharge_capacity_ah"].astype("float64")
        out.append(
            {
                "cell_id": str(cell_id),
                "cycle_index": group["cycle_index"].astype("int64").tolist(),
                "discharge_capacity_ah": [None if not np.isfinite(v) else float(v) for v in q],
            }
        )
    return out


def cell_cycles(store: Store, cell_id: str) -> dict[str, Any]:
    """A cell's per-cycle summary: ``{"cell_id", "cycles": [records]}`` (NaN becomes null)."""
    cycles = store.cycles(check_cell_id(cell_id)).drop(columns=["cell_id"], errors="ignore")
    return {"cell_id": cell_id, "cycles": _records(cycles)}


def cell_steps(store: Store, cell_id: str) -> dict[str, Any]:
    """A cell's steps (type, times, capacities, mean current and voltage): ``{"cell_id", "steps": [records]}``."""
    steps = store.steps(check_cell_id(cell_id)).drop(columns=["cell_id"], errors="ignore")
    return {"cell_id": cell_id, "steps": _records(steps)}


def cell_warnings(store: Store, cell_id: str) -> list[dict[str, Any]]:
    """The ingest's warnings about a cell (``file``, ``cell_id``, ``kind``, ``detail``)."""
    warnings_: list[dict[str, Any]] = store.meta(check_cell_id(cell_id)).get("warnings", [])
    return warnings_


def incremental_capacity(voltage_v: np.ndarray, capacity_ah: np.ndarray) -> np.ndarray:
    """Incremental capacity ``-dQ/dV`` (Ah/V) of a discharge curve sampled on a voltage grid.

    Central differences (``numpy.gradient``) over the grid; the sign is flipped so that the peaks
    of a discharge, where Q grows as V falls, are positive.
    """
    if len(voltage_v) < 2:
        return np.full(len(voltage_v), np.nan)
    return -np.gradient(np.asarray(capacity_ah, dtype="float64"), np.asarray(voltage_v, dtype="float64"))


def pick_cycles(available: list[int], count: int) -> list[int]:
    """Up to ``count`` cycles spread evenly over ``available`` (first and last included)."""
    if len(available) <= count:
        return list(available)
    index = np.unique(np.round(np.linspace(0, len(available) - 1, count)).astype(int))
    return [available[i] for i in index]


def cell_curves(
    store: Store, cell_id: str, cycles: list[int] | None = None, count: int = 8
) -> dict[str, Any]:
    """Q(V) and dQ/dV of some of a cell's cycles (``cycles``, or ``count`` spread over its life)."""
    table = store.curves(check_cell_id(cell_id))
    available = sorted(int(c) for c in table["cycle_index"].unique()) if len(table) else []
    if cycles:
        missing = sorted(set(cycles) - set(available))
        if missing:
            raise NotFoundError(f"cell {cell_id!r}: no discharge curve for cycle(s) {missing[:10]}.")
        chosen = sorted(set(cycles))
    else:
        chosen = pick_cycles(available, count)
    out = []
    for cycle in chosen:
        part = table[table["cycle_index"] == cycle]
        volts = part["voltage_v"].to_numpy(dtype="float64")
        caps = part["discharge_capacity_ah"].to_numpy(dtype="float64")
        out.append(
            {
                "cycle_index": cycle,
                "voltage_v": volts.tolist(),
                "discharge_capacity_ah": caps.tolist(),
                "dqdv_ah_per_v": [
                    None if not np.isfinite(v) else float(v) for v in incremental_capacity(volts, caps)
                ],
            }
        )
    return {"cell_id": cell_id, "cycles_available": available, "curves": out}


def timeseries_page(
    store: Store, cell_id: str, offset: int = 0, limit: int = 1000, columns: list[str] | None = None
) -> dict[str, Any]:
    """One page of a cell's time series (the store reads only the cell's row groups, only the columns asked)."""
    check_cell_id(cell_id)
    if offset < 0:
        raise InputError(f"offset: expected 0 or more, got {offset}.")
    if not 1 <= limit <= MAX_PAGE_ROWS:
        raise InputError(f"limit: expected 1 to {MAX_PAGE_ROWS}, got {limit}.")
    if not store.has(cell_id):
        raise NotFoundError(f"cell {cell_id!r}: not in store.")
    names = [n for n in store.columns(cell_id, "timeseries") if n != "cell_id"]
    if columns:
        unknown = [c for c in columns if c not in names]
        if unknown:
            raise InputError(f"columns: unknown {unknown[:5]}; expected some of {names}.")
        names = columns
    whole = store.arrow(cell_id, "timeseries", names)
    df = whole.slice(offset, limit).to_pandas()
    return {
        "cell_id": cell_id,
        "total": whole.num_rows,
        "offset": offset,
        "limit": limit,
        "columns": names,
        "rows": _records(df),
    }


def export_cell(store: Store, cell_id: str, fmt: str, out: Path) -> Path:
    """Write a cell's canonical time series to ``out`` (parquet or csv)."""
    from .ingest import export_cell as run_export

    if out.is_dir():
        raise InputError(f"{out}: is a folder; give an output file name.")
    run_export(store, cell_id, fmt, out)
    return out


# health and RUL ----------------------------------------------------------------------------------------


def _similar_templates(
    templates: dict[str, tuple[Any, Any]], capacity: np.ndarray
) -> dict[str, tuple[Any, Any]]:
    positive = capacity[np.isfinite(capacity) & (capacity > 0)]
    if len(positive) == 0:
        return {}
    initial = float(np.median(positive[:5]))
    return {
        name: curve
        for name, curve in templates.items()
        if abs(float(np.median(curve[1][:5])) / initial - 1.0) <= TEMPLATE_CAPACITY_TOLERANCE
    }


def rul_templates(store: Store, cell_id: str) -> dict[str, tuple[Any, Any]]:
    """The RUL templates of a store cell, one rule everywhere: the shipped run-to-failure curves whose initial capacity is within :data:`TEMPLATE_CAPACITY_TOLERANCE` of the cell's, and the other store cells of the same nominal capacity (:func:`gwangyang.battery.health.store_templates`)."""
    from ..samples import life_templates
    from .cycles import usable_cycles
    from .health import store_templates

    capacity = usable_cycles(store.cycles(cell_id))[0]["discharge_capacity_ah"].to_numpy(dtype="float64")
    return {**_similar_templates(life_templates(), capacity), **store_templates(store, cell_id)}


def cell_health(store: Store, cell_id: str, threshold: float = 0.8, coverage: float = 0.9) -> dict[str, Any]:
    """SOH per cycle, knee and knee onset, and RUL with interval of one store cell.

    Returns
    -------
    dict
        ``cell_id`` and the keys of :func:`gwangyang.battery.health.health_report` (``cycles``, ``soh``,
        ``initial_capacity_ah``, ``threshold``, ``knee``, ``eol_reached_cycle``, ``rul``, ``templates``);
        JSON-ready (NaN becomes null).

    Raises
    ------
    InputError
        Too few cycles with a positive capacity, or a bad threshold or coverage.
    NotFoundError
        No such cell.
    """
    from .health import cell_health as run_health

    check_cell_id(cell_id)
    templates = rul_templates(store, cell_id)
    # numpy warns on short or flat histories (nan quantiles); the report carries those as null
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        report = run_health(store, cell_id, threshold=threshold, coverage=coverage, templates=templates)
    report.pop("cell", None)
    result: dict[str, Any] = jsonable({"cell_id": cell_id, **report})
    return result


def _fleet_row(item: tuple[str, str]) -> tuple[str, dict[str, Any] | None]:
    """One cell's row of :func:`fleet_health` (run on any worker: opens the store by its path)."""
    root, cell_id = item
    try:
        report = cell_health(Store(root), cell_id)
    except (InputError, NotFoundError):
        return cell_id, None
    rul = report.get("rul") or {}
    return cell_id, {
        "eol_cycle": rul.get("eol_cycle"),
        "eol_lower": rul.get("eol_lower"),
        "eol_upper": rul.get("eol_upper"),
        "soh_last": report["soh"][-1] if report.get("soh") else None,
        "knee_cycle": (report.get("knee") or {}).get("knee_cycle"),
        "flag": "end of life (SOH < 80 %)" if report.get("eol_reached_cycle") is not None else None,
    }


def fleet_health(store: Store, executor: Executor | None = None) -> dict[str, dict[str, Any]]:
    """Per cell with enough cycles: predicted end of life (with interval), last SOH, knee, and a flag once SOH fell below 80 %. The cells are independent items of ``executor`` (serial by default)."""
    items = [(str(store.root), meta["cell_id"]) for meta in store.metas()]
    rows = (executor or SerialExecutor()).map(_fleet_row, items)
    return {cell_id: row for cell_id, row in rows if row is not None}


# anomalies --------------------------------------------------------------------------------------------


def check_anomalies(
    store: Store, cell_ids: list[str] | None = None, recompute: bool = False
) -> dict[str, Any]:
    """Cycling anomalies of store cells, checked incrementally from each cell's saved detector state.

    The one anomaly check of the platform: the CLI, the API, the quality page and the cell pages show it.

    Returns
    -------
    dict
        ``anomalies`` (``cell_id``, ``cycle_index``, ``kind``, ``severity``, ..., ``new``) and ``new_cycles``
        read per cell.
    """
    from .quality.monitor import check_cells

    for cell_id in cell_ids or []:
        check_cell_id(cell_id)
    result: dict[str, Any] = jsonable(check_cells(store, cell_ids or None, recompute=recompute).to_dict())
    return result


def anomalies_by_cell(store: Store) -> dict[str, list[dict[str, Any]]]:
    """:func:`check_anomalies` of every cell, grouped by cell (remembered until the cells change)."""

    def compute() -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        if not store.metas():
            return out
        for anomaly in check_anomalies(store)["anomalies"]:
            out.setdefault(anomaly["cell_id"], []).append(anomaly)
        return out

    result: dict[str, list[dict[str, Any]]] = cached(store, "anomalies", compute)
    return result


def describe_flags(eol_flag: str | None, anomalies: list[dict[str, Any]]) -> str | None:
    """One line: end of life first, then the anomaly kinds with their first cycle."""
    parts = [eol_flag] if eol_flag else []
    first: dict[str, int] = {}
    for anomaly in anomalies:
        first.setdefault(anomaly["kind"], int(anomaly["cycle_index"]))
    parts.extend(f"{kind.replace('_', ' ')} (cycle {cycle})" for kind, cycle in first.items())
    return "; ".join(parts) or None


def fleet_overview(store: Store) -> dict[str, Any]:
    """What the fleet page shows: each cell's figures with its predicted life, flags and anomalies."""
    cells = [dict(c) for c in cached(store, "cells", lambda: list_cells(store))]
    health = cached(store, "fleet-health", lambda: fleet_health(store))
    anomalies = anomalies_by_cell(store)
    for cell in cells:
        found = health.get(cell["cell_id"], {})
        eol = found.get("eol_cycle")
        low, high = found.get("eol_lower"), found.get("eol_upper")
        cell["eol"] = {"cycle": eol, "lower": low, "upper": high}
        if eol is None:
            cell["predicted_life"] = None
        elif low is not None and high is not None:
            cell["predicted_life"] = f"{eol:.0f} [{low:.0f}, {high:.0f}]"
        else:
            cell["predicted_life"] = f"{eol:.0f}"
        cell["anomalies"] = anomalies.get(cell["cell_id"], [])
        cell["flag"] = describe_flags(found.get("flag"), cell["anomalies"])
    return {
        "cells": cells,
        "life_available": bool(health),
        "fade": cached(store, "fade", lambda: capacity_fade(store)),
    }


# cycle-life models -------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def severson_sample(split: str) -> Any:
    """A split (``train`` or ``test1``) of the shipped Severson sample, cells of known life (read once)."""
    from ..samples import sample_dir
    from .severson import load_severson

    if split not in SAMPLE_SPLITS:
        raise InputError(f"sample: expected one of {', '.join(SAMPLE_SPLITS)}, got {split!r}.")
    return load_severson(sample_dir("severson"), split=split, require_life=True)


def fit_life_model(
    store: Store,
    name: str = DEMO_MODEL,
    model: str = "variance",
    dataset: str = "sample",
    coverage: float = 0.9,
    conformal: str = "cv+",
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Fit a cycle-life model on cells of known life, keep it in the store with its record, return the record.

    Parameters
    ----------
    store
        The store (the model is kept as ``models/life/<name>``).
    name
        Model name.
    model
        One of :data:`gwangyang.battery.life.LIFE_MODELS`.
    dataset
        ``sample`` (shipped Severson train split; its test1 split is predicted and scored) or ``store``
        (store cells of known life; they are predicted back).
    coverage, conformal
        See :class:`gwangyang.battery.life.CycleLifeRegressor`.
    progress
        Called as ``progress(done, total)`` over the three stages.

    Returns
    -------
    dict
        ``name``, ``model``, ``dataset``, ``source``, ``coverage``, ``conformal``, ``training_cells``,
        ``interval_factor``, ``train`` metrics, ``test`` metrics (sample only) and ``predictions``
        (cell, predicted cycle life, lower, upper, observed cycle life).
    """
    from .life import fit_life, life_metrics, predict_cells
    from .severson import load_store

    model_path = artifacts.life_model_path(store, name)
    report = progress or (lambda done, total: None)
    report(0, 3)
    if dataset == "sample":
        train, held = severson_sample("train"), severson_sample("test1")
        source = "shipped Severson sample (train split)"
    elif dataset == "store":
        train, held = load_store(store, require_life=True), None
        source = f"store cells of known life ({store.root.name})"
    else:
        raise InputError(f"dataset: expected 'sample' or 'store', got {dataset!r}.")
    report(1, 3)
    model_path.parent.mkdir(parents=True, exist_ok=True)
    fitted = fit_life(train, model, coverage=coverage, conformal=conformal, out=model_path, source=source)
    pipeline = fitted.pop("pipeline")
    report(2, 3)
    scored = held if held is not None else train
    rows = predict_cells(pipeline, scored.cells)
    for row, life in zip(rows, scored.cycle_life, strict=True):
        row["cycle_life"] = float(life) if np.isfinite(life) else None
    summary: dict[str, Any] = {
        "name": name,
        "model": model,
        "dataset": dataset,
        "source": source,
        "coverage": coverage,
        "conformal": conformal,
        "training_cells": len(train.cells),
        "interval_factor": fitted["interval_factor"],
        "train": fitted["train"],
    }
    if held is not None:
        summary["test"] = life_metrics(
            held.cycle_life,
            np.array([r["predicted_cycle_life"] for r in rows]),
            np.array([r["lower"] for r in rows]),
            np.array([r["upper"] for r in rows]),
        )
    summary["predictions"] = rows
    summary = jsonable(summary)
    artifacts.save(store, "life-model", name, summary)
    report(3, 3)
    return summary


def list_life_models(store: Store) -> list[dict[str, Any]]:
    """Models kept in the store, newest first: their records without the predictions, with ``saved_at``."""
    out = []
    for name in artifacts.names(store, "life-model"):
        if not artifacts.life_model_path(store, name).exists():
            continue
        try:
            record = artifacts.load(store, "life-model", name)
        except NotFoundError:
            continue
        record.pop("predictions", None)
        record["saved_at"] = artifacts.modified(store, "life-model", name)
        out.append(record)
    out.sort(key=lambda r: r["saved_at"], reverse=True)
    return out


def life_model_record(store: Store, name: str) -> dict[str, Any]:
    """A kept model's record (metrics and fit-time predictions)."""
    if not artifacts.life_model_path(store, name).exists():
        raise NotFoundError(
            f"life model {name!r}: not in store (fit one with POST /api/v1/battery/life/fit)."
        )
    record: dict[str, Any] = artifacts.load(store, "life-model", name)
    return record


def newest_life_model(store: Store) -> dict[str, Any] | None:
    """The newest kept model's record with its fit-time predictions, or None."""
    for entry in list_life_models(store):
        try:
            return life_model_record(store, entry["name"])
        except (InputError, NotFoundError):
            continue
    return None


_LOADED: dict[str, tuple[int, Any]] = {}
_LOADED_LOCK = threading.Lock()


def _loaded_model(path: Path, name: str) -> Any:
    """A model file, loaded once per file version."""
    from .modelfile import load_model

    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise NotFoundError(
            f"life model {name!r}: not in store (fit one with POST /api/v1/battery/life/fit)."
        ) from None
    key = str(path)
    with _LOADED_LOCK:
        hit = _LOADED.get(key)
        if hit is None or hit[0] != stamp:
            hit = (stamp, load_model(path))
            _LOADED[key] = hit
    return hit[1]


def _store_cell_curves(item: tuple[str, str, int]) -> tuple[Any, str | None]:
    """One store cell's early-cycle curves, or the reason it has none (runs on any worker)."""
    from .severson import load_store_cell

    root, cell_id, last_cycle = item
    try:
        return load_store_cell(Store(root), cell_id, last_cycle), None
    except InputError as exc:
        return None, one_line(str(exc))


def predict_life(
    store: Store,
    name: str,
    cells: list[str] | None = None,
    sample: str | None = None,
    executor: Executor | None = None,
) -> dict[str, Any]:
    """Predicted cycle life with its interval, by a kept model, for store cells or a split of the shipped sample.

    A store cell that cannot be predicted (fewer than 100 cycles of Q(V) curves) is listed under ``errors``
    with the reason; the others are predicted. The store cells' curves are read as independent items of
    ``executor`` (serial by default); the model predicts them together.
    """
    from .life import predict_cells

    if (cells is None) == (sample is None):
        raise InputError("predict: give either 'cells' (store cell ids) or 'sample' (train or test1).")
    loaded = _loaded_model(artifacts.life_model_path(store, name), name)
    pipeline = loaded.model
    last_cycle = int(tuple(loaded.info.get("cycles", (10, 100)))[1])
    errors: list[dict[str, str]] = []
    observed: list[float | None]
    if sample is not None:
        data = severson_sample(sample)
        inputs = list(data.cells)
        observed = [float(v) for v in data.cycle_life]
    else:
        assert cells is not None
        if not cells:
            raise InputError("cells: expected at least one store cell id.")
        for cell_id in cells:
            store.meta(check_cell_id(cell_id))
        items = [(str(store.root), cell_id, last_cycle) for cell_id in cells]
        loaded_cells = (executor or SerialExecutor()).map(_store_cell_curves, items)
        inputs, observed = [], []
        for cell_id, (curves, error) in zip(cells, loaded_cells, strict=True):
            if error is not None:
                errors.append({"cell": cell_id, "error": error})
                continue
            inputs.append(curves)
            observed.append(None)
    rows = predict_cells(pipeline, inputs) if inputs else []
    coverage = float(pipeline[-1].coverage)
    for row, life in zip(rows, observed, strict=True):
        row["cycle_life"] = life
        row["coverage"] = coverage
    result: dict[str, Any] = jsonable({"model": name, "predictions": rows, "errors": errors})
    return result


def fit_life_file(
    dataset: str,
    out: Path,
    model: str = "variance",
    split: str | None = None,
    coverage: float = 0.9,
    conformal: str = "cv+",
    cycles: tuple[int, int] = (10, 100),
    store: Store | None = None,
) -> dict[str, Any]:
    """Fit a cycle-life model on a Severson-layout folder (or ``store:`` cells) and write it to a model file."""
    from .life import fit_life, load_training_set

    data, source = load_training_set(dataset, split, store)
    summary = fit_life(data, model, cycles, coverage, conformal, out=out, source=source)
    summary.pop("pipeline")
    result: dict[str, Any] = jsonable(summary)
    return result


def predict_life_file(model: Path, items: Sequence[str], store: Store | None = None) -> list[dict[str, Any]]:
    """Predicted cycle life with its interval by a model file, for folders, files or store cell ids."""
    from .life import predict_life as run_predict

    result: list[dict[str, Any]] = jsonable(run_predict(model, items, store))
    return result


# quality ----------------------------------------------------------------------------------------------


def read_quality_table(path: Path) -> pd.DataFrame:
    """A per-cell table (CSV or Parquet; a PulseBat folder is read as one table)."""
    from .quality.pulse import read_pulsebat
    from .quality.tables import read_table

    return read_pulsebat(path) if path.is_dir() else read_table(path)


def _table(table: Path | pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """A per-cell table and its name for messages (a DataFrame is taken as it is)."""
    if isinstance(table, Path):
        return read_quality_table(table), table.name
    return table, "table"


def screen_table(
    table: Path | pd.DataFrame,
    id_column: str,
    lot_column: str | None = None,
    columns: list[str] | None = None,
    z_threshold: float = 3.5,
    contamination: float | None = None,
    source: str | None = None,
) -> dict[str, Any]:
    """Screen a per-cell production table (a file or a DataFrame): flagged cells with reasons and driving measurements, lot alarms, notes."""
    from .quality.screening import screen

    if not id_column:
        raise InputError("id_column: expected the name of the table's cell-id column.")
    frame, name = _table(table)
    result = screen(
        frame,
        id_column,
        lot_column,
        columns,
        z_threshold=z_threshold,
        contamination=contamination,
        source=source or name,
    )
    document: dict[str, Any] = jsonable(result.to_dict())
    return document


def fit_pulse_estimator(
    table: Path | pd.DataFrame, model: str = "gbr", folds: int = 5, source: str | None = None
) -> Any:
    """A pulse SOH estimator fitted on a pulse table with measured ``soh``."""
    from .quality.pulse import PulseSOHEstimator

    frame, name = _table(table)
    return PulseSOHEstimator(model=model, folds=folds).fit(frame, source or name)


@lru_cache(maxsize=4)
def shipped_pulse_estimator(model: str = "gbr") -> Any:
    """The pulse SOH estimator trained on the shipped PulseBat sample (fitted once per process and model)."""
    from ..samples import pulse_table
    from .quality.pulse import PulseSOHEstimator

    return PulseSOHEstimator(model=model).fit(pulse_table(), "shipped PulseBat data")


def triage_table(
    table: Path | pd.DataFrame,
    rules: Path | None = None,
    train: Path | None = None,
    model: str = "gbr",
    source: str | None = None,
    estimator: Any = None,
) -> dict[str, Any]:
    """Grade retired cells into second life, reuse or recycle, with their material value.

    Pulse tables (``u1_v`` ... ``u21_v``) are estimated with ``estimator``, else a model trained on ``train``,
    else on the shipped PulseBat sample; tables with ``soh`` are graded as they are. Rules default to
    :class:`~gwangyang.battery.quality.triage.TriageRules` ().
    """
    from .quality.pulse import PULSE_COLUMNS
    from .quality.triage import TriageRules, triage

    cells, name = _table(table)
    chosen = TriageRules.from_toml(rules) if rules is not None else TriageRules()
    if estimator is None and all(c in cells.columns for c in PULSE_COLUMNS):
        estimator = (
            shipped_pulse_estimator(model)
            if train is None
            else fit_pulse_estimator(train, model, source=str(train))
        )
    result: dict[str, Any] = jsonable(triage(cells, estimator, chosen, source=source or name))
    return result


def evaluate_triage(table: Path, model: str = "gbr") -> dict[str, Any]:
    """SOH MAPE per cell type, within the type and with its chemistry held out, beside Tao et al. 2024."""
    from .quality.pulse import evaluate

    result: dict[str, Any] = jsonable(evaluate(read_quality_table(table), model=model).to_dict())
    return result


def rank_formation(
    table: Path,
    target: str = "cycles_to_80_pct",
    features: list[str] | None = None,
    covariates: list[str] | None = None,
    id_column: str = "cellid",
) -> dict[str, Any]:
    """Rank cells by expected life from formation data; leave-one-out Spearman correlation."""
    from .quality.formation import leave_one_out
    from .quality.tables import read_table

    data = read_table(table)
    if id_column not in data.columns:
        raise InputError(f"{table}: --id-column {id_column!r} is not a column.")
    result: dict[str, Any] = jsonable(leave_one_out(data, target, features, covariates, id_column).to_dict())
    return result


def save_quality_summary(store: Store, summary: dict[str, Any]) -> Path:
    """Keep the quality summary (screening, anomalies, triage) the quality page shows."""
    return artifacts.save(store, "quality", QUALITY_SUMMARY, summary)


def quality_summary(store: Store) -> dict[str, Any] | None:
    """The quality summary kept in the store, if any."""
    try:
        result: dict[str, Any] = artifacts.load(store, "quality", QUALITY_SUMMARY)
    except NotFoundError:
        return None
    return result


def quality_overview(store: Store) -> dict[str, Any]:
    """What the quality page shows: the kept summary's screening and triage and :func:`check_anomalies`'s list."""
    data = quality_summary(store) or {}
    found = [a for cell in anomalies_by_cell(store).values() for a in cell]
    found.sort(key=lambda a: (a["cell_id"], a["cycle_index"], a["kind"]))
    triage = data.get("triage") or {}
    return {
        "screening": data.get("screening"),
        "anomalies": found,
        "triage": triage,
        "triage_cells": sorted(triage.get("cells", []), key=lambda c: c["soh"]),
    }


# twin -------------------------------------------------------------------------------------------------


def simulate_twin(
    protocol: str,
    cycles: int = 3,
    cells: int = 1,
    config: Path | None = None,
    model: str | None = None,
    seed: int = 0,
    store: Store | None = None,
) -> tuple[dict[str, Any], list[Any]]:
    """Simulate cells on the PyBaMM twin (cached and ingested when a store is given).

    Returns
    -------
    (dict, list)
        ``{"cells": [...]}`` and the :class:`~gwangyang.battery.twin.TwinResult` objects.
    """
    from .twin import simulate_cells
    from .twin_config import DEFAULT_CONFIG, TwinConfig

    cfg = TwinConfig.from_file(config or DEFAULT_CONFIG)
    if model is not None:
        cfg = cfg.with_model(model)
    results = simulate_cells(protocol, cycles=cycles, cells=cells, config=cfg, seed=seed, store=store)
    return jsonable({"cells": [r.to_dict() for r in results]}), results


# files the CLI writes ----------------------------------------------------------------------------------


def plot_cycles(document: dict[str, Any], path: Path) -> Path:
    """Capacity and efficiency against cycle of a :func:`cell_cycles` document, as a PNG."""
    import pandas as pd

    from .plots import plot_cycles as draw

    return draw(pd.DataFrame(document["cycles"]), document["cell_id"], path)


def plot_steps(store: Store, document: dict[str, Any], path: Path) -> Path:
    """Voltage and current against time with the steps of a :func:`cell_steps` document shaded, as a PNG."""
    import pandas as pd

    from .plots import plot_steps as draw

    cell_id = document["cell_id"]
    return draw(store.timeseries(cell_id), pd.DataFrame(document["steps"]), cell_id, path)


def check_cycler_files(files: Sequence[Path]) -> None:
    """Refuse files no reader recognises (a cheap content check, no full read); companions pass.

    Raises
    ------
    UnknownFormatError
        No reader recognises a file.
    InputError
        A reader recognises it but its header is bad.
    """
    from .io.registry import detect, is_companion

    for path in files:
        if not is_companion(path):
            detect(path)


def soh_mape(predicted: Any, measured: Any) -> float:
    """Mean absolute percentage error of estimated SOH against measured SOH, as a fraction."""
    from .quality.pulse import mape

    return mape(np.asarray(predicted, dtype="float64"), np.asarray(measured, dtype="float64"))
