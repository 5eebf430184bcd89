"""The factory use cases, once: fit a process monitor, score tables (one or many), SPC charts, monitors in the store.

Each returns the document the CLI prints with ``--json``, the API returns as a job's result and the factory page
draws. Scoring many files takes an :class:`~gwangyang.compute.Executor` (each file is an independent item).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..compute import Executor, SerialExecutor
from ..errors import InputError, NotFoundError
from ..files import jsonable
from ..store import Store, artifacts

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)``."""

METHODS = ("pca", "dpca", "kpca")
"""Monitor methods."""

TABLE_SUFFIXES = (
    ".csv",
    ".csv.gz",
    ".txt",
    ".tsv",
    ".xlsx",
    ".xlsm",
    ".xls",
    ".parquet",
    ".pq",
    ".dat",
    ".dat.gz",
)
"""Table files the factory reads."""


def check_method(method: str) -> str:
    """``method`` if it is one of :data:`METHODS`."""
    if method not in METHODS:
        raise InputError(f"method: expected one of {', '.join(METHODS)}, got {method[:20]!r}.")
    return method


def fit_monitor(
    table: Path,
    time_column: str,
    method: str = "pca",
    alpha: float = 0.01,
    k: int = 3,
    holdout: float = 0.3,
    source: str | None = None,
    columns: list[str] | None = None,
) -> tuple[dict[str, Any], Any, list[str]]:
    """Learn normal operation from a table (``columns``: the variables to use; default every numeric one).

    Returns
    -------
    (dict, StreamingMonitor, list)
        The fit summary (method, rows, columns, components, limits, training violation rates), the monitor
        (save it with :func:`save_monitor` or ``monitor.save``) and the warnings (constant columns left out).
    """
    from .fitting import fit_table
    from .io import ConstantColumnWarning, read_table_notes

    if not time_column:
        raise InputError("time_column: expected the name of the table's time column.")
    check_method(method)
    data, notes = read_table_notes(table, time_column, source or table.name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConstantColumnWarning)
        result = fit_table(
            data,
            time_column,
            method,
            alpha,
            k=k,
            holdout=holdout,
            columns=columns,
            source=source or table.name,
        )
    notes += [str(w.message) for w in caught]
    return jsonable(result.to_dict()), result.monitor, notes


def fit_store_monitor(
    store: Store,
    name: str,
    table: Path,
    time_column: str,
    method: str = "pca",
    alpha: float = 0.01,
    k: int = 3,
    holdout: float = 0.3,
    source: str | None = None,
    columns: list[str] | None = None,
) -> dict[str, Any]:
    """:func:`fit_monitor`, kept in the store as ``name``; the summary with ``name`` and ``warnings``."""
    path = artifacts.monitor_path(store, name)
    summary, monitor, notes = fit_monitor(table, time_column, method, alpha, k, holdout, source, columns)
    monitor.save(path)
    return {"name": name, **summary, "warnings": notes}


def monitor_file(store: Store, name: str) -> Path:
    """The file of a kept monitor.

    Raises
    ------
    NotFoundError
        No monitor of that name.
    """
    path = artifacts.monitor_path(store, name)
    if not path.exists():
        raise NotFoundError(f"monitor {name!r}: not in store.")
    return path


def list_monitors(store: Store) -> list[dict[str, Any]]:
    """Name, method, time column, variables and alarm run length of each kept monitor."""
    from .streaming import StreamingMonitor

    out = []
    for name in artifacts.monitor_names(store):
        monitor = StreamingMonitor.load(artifacts.monitor_path(store, name))
        out.append(
            {
                "name": name,
                "method": monitor.method,
                "time_column": monitor.time_column,
                "columns": len(monitor.columns),
                "k": monitor.k,
            }
        )
    return out


def score_file(table: Path, monitor: Path, source: str | None = None) -> tuple[dict[str, Any], Any]:
    """Score every row of a table with a monitor file: T², Q, alarms with their top variables.

    Returns
    -------
    (dict, ScoreResult)
        The document (with ``warnings``: what reading the table did) and the result (for plots).
    """
    from .io import parse_time, read_table_notes
    from .streaming import StreamingMonitor
    from .table_checks import complete_rows, date_form_notes, join_time_columns, match_columns, time_notes

    fitted = StreamingMonitor.load(monitor)
    data, notes = read_table_notes(table, None, source or table.name)
    data, joined = join_time_columns(data, fitted.time_column, source or table.name)
    notes += [joined] if joined else []
    data, renamed = match_columns(data, [fitted.time_column, *fitted.columns], source or table.name)
    notes += renamed
    if fitted.time_column in data.columns:
        notes += date_form_notes(data[fitted.time_column], fitted.time_column, source or table.name)
    data = parse_time(data, fitted.time_column, source or table.name)
    notes += time_notes(data[fitted.time_column], fitted.time_column, source or table.name)
    data, gaps = complete_rows(data, fitted.columns, source or table.name)
    if gaps:
        lagged = " (dynamic PCA joins the rows either side of a gap)" if fitted.method == "dpca" else ""
        notes.append(gaps[:-1] + lagged + ".")
    result = fitted.score_table(data, source=source or table.name)
    return {**jsonable(result.to_dict()), "warnings": notes}, result


def score_store_monitor(store: Store, name: str, table: Path, source: str | None = None) -> dict[str, Any]:
    """:func:`score_file` with a kept monitor; the document names the monitor and the file."""
    document, _ = score_file(table, monitor_file(store, name), source)
    return {"monitor": name, "file": source or table.name, **document}


def _score_item(item: tuple[str, str]) -> dict[str, Any]:
    table, monitor = item
    document, _ = score_file(Path(table), Path(monitor))
    return {"file": Path(table).name, **document}


def score_many(
    tables: Sequence[Path], monitor: Path, executor: Executor | None = None, progress: Progress | None = None
) -> list[dict[str, Any]]:
    """:func:`score_file` of many tables with one monitor, each an independent item of ``executor``."""
    items = [(str(t), str(monitor)) for t in tables]
    return (executor or SerialExecutor()).map(_score_item, items, progress=progress)


def parse_columns(text: str | None) -> list[str] | None:
    """Variable names ``"a,b,c"`` (spaces around names ignored), or None for every numeric column."""
    if text is None or not text.strip():
        return None
    names = [name.strip() for name in text.split(",") if name.strip()]
    if len(set(names)) < len(names):
        raise InputError(f"columns: a name is given twice in {text[:60]!r}.")
    return names


def parse_limits(text: str | None) -> tuple[float | None, float | None] | None:
    """Specification limits ``"L,U"`` (either may be empty), or None."""
    if text is None:
        return None
    parts = text.split(",")
    if len(parts) != 2:
        raise InputError(f"limits: expected L,U (either may be empty), got {text!r}.")
    try:
        lower, upper = (float(p) if p.strip() else None for p in parts)
    except ValueError as exc:
        raise InputError(f"limits: expected numbers L,U, got {text!r}.") from exc
    return lower, upper


def spc(
    table: Path,
    column: str,
    limits: tuple[float | None, float | None] | None = None,
    subgroup: int = 1,
    rules: str = "nelson",
    subgroup_column: str | None = None,
    chart: str = "auto",
    size_column: str | None = None,
) -> tuple[dict[str, Any], Any]:
    """Control charts of one column: variables (Shewhart, EWMA, CUSUM, capability) or attributes (p, np, c, u).

    ``chart`` ``auto`` picks from the column (see :mod:`gwangyang.factory.attribute_tables`): pass/fail words
    give an np or p chart, counts of defects a c chart, or a u chart with ``size_column``; other numbers the
    variables charts (I-MR, or X̄-R of ``subgroup`` consecutive rows or of ``subgroup_column``'s labels, 2 to 10
    rows each). The document's ``chart`` entry says which was drawn and why.

    Returns
    -------
    (dict, SPCReport)
        The document (with ``warnings``: what reading the table did, and notes on the subgroups) and the
        report (for plots).
    """
    from .attribute_tables import check_chart, wants_attribute
    from .io import read_table_notes
    from .spc_tables import attribute_document, spc_document, variables_report
    from .table_checks import complete_rows

    check_chart(chart)
    data, notes = read_table_notes(table, source=table.name)
    if column in data.columns:
        data, gaps = complete_rows(data, [column], table.name, "charted")
        notes += [gaps] if gaps else []
    if column in data.columns and wants_attribute(data[column], column, chart, size_column, table.name):
        if limits is not None:
            raise InputError(
                f"{table.name}: column {column!r}: specification limits (capability) are for measurements, "
                "not an attribute chart."
            )
        return attribute_document(
            data, table.name, column, chart, size_column, subgroup_column, subgroup, rules, notes
        )
    if size_column is not None:
        raise InputError(f"{table.name}: size_column is for an attribute chart (p, np, u), not measurements.")
    report, entry = variables_report(
        data, table.name, column, limits, subgroup, rules, subgroup_column, chart
    )
    return spc_document(entry, report, notes), report


def evaluate_tep(
    folder: Path,
    method: str = "pca",
    alpha: float = 0.01,
    k: int = 3,
    holdout: float = 0.3,
    faults: list[int] | None = None,
    fault_start: int | None = None,
) -> Any:
    """The Tennessee Eastman benchmark report (fit on d00, false alarms on d00_te, detection per fault).

    ``faults`` None: every ``dNN_te.dat[.gz]`` in the folder; ``fault_start`` None: sample 160, as in the Braatz files.
    """
    from .evaluate import evaluate_tep as run
    from .io import TEP_FAULT_START

    start = TEP_FAULT_START if fault_start is None else fault_start
    return run(folder, method, alpha=alpha, k=k, faults=faults, fault_start=start, holdout=holdout)


def latest_score_job(store: Store) -> str | None:
    """Id of the newest finished ``factory.score`` job (what the factory page shows first), or None."""
    record = artifacts.latest_job(store, "factory.score")
    return None if record is None else str(record["id"])


def plot_scores(result: Any, path: Path, title: str = "") -> Path:
    """T² and Q of a scoring with their limits and alarms, as a PNG."""
    from .plots import plot_scores as draw

    return draw(result, path, title=title)


def plot_charts(report: Any, path: Path, title: str = "") -> Path:
    """An SPC report's charts, as a PNG."""
    from .plots import plot_charts as draw

    return draw(report.charts, path, title=title)


def fault_detection(result: dict[str, Any], fault_start: int | None = None) -> dict[str, Any]:
    """How a scoring of a TEP fault run detects the fault that enters at ``fault_start`` (default: sample 160).

    Returns
    -------
    dict
        ``first_alarm`` after the fault's start, ``detection_delay_min`` (minutes after the fault's introduction;
        the first faulty sample counts as 3 minutes, as in Chiang, Russell & Braatz 2000) and
        ``false_alarms_before_fault``.
    """
    from .evaluate import detection_delay
    from .io import TEP_FAULT_START

    start = TEP_FAULT_START if fault_start is None else fault_start
    flags = [bool(row["alarm"]) for row in result["rows"]]
    after = [a for a in result["alarms"] if a["end_index"] >= start]
    return {
        "first_alarm": after[0] if after else None,
        "detection_delay_min": detection_delay(flags, start),
        "false_alarms_before_fault": sum(1 for a in result["alarms"] if a["end_index"] < start),
    }


def tep_time_column() -> str:
    """The time column of the Tennessee Eastman tables (as read by :func:`gwangyang.factory.io.read_tep`)."""
    from .io import TEP_TIME_COLUMN

    return str(TEP_TIME_COLUMN)
