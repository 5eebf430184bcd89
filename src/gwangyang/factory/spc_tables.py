"""The SPC document of one table's column: attribute charts (p, np, c, u) or variables charts (I-MR, X̄-R).

Used by :func:`gwangyang.factory.service.spc`, which reads the table and picks the kind.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..errors import InputError
from ..files import jsonable
from .attribute_charts import attribute_report
from .attribute_tables import attribute_data, chart_entry, whole_counts
from .io import numeric_matrix
from .spc import SPCReport, spc_report
from .table_checks import text_columns


def attribute_document(
    data: pd.DataFrame,
    source: str,
    column: str,
    chart: str,
    size_column: str | None,
    subgroup_column: str | None,
    subgroup: int,
    rules: str,
    notes: list[str],
) -> tuple[dict[str, Any], SPCReport]:
    """The document of an attribute chart of ``column`` (``notes``: what reading the table did) and its report.

    See :func:`gwangyang.factory.attribute_tables.attribute_data` for the parameters; the document's ``chart``
    says which chart was drawn and why.
    """
    counted = attribute_data(data, column, source, chart, size_column, subgroup_column, subgroup)
    report = attribute_report(
        counted.kind,
        counted.counts,
        counted.sizes,
        f"{source}: column {column!r}",
        rules,
        counted.labels,
        counted.notes,
    )
    report.column = column
    entry = chart_entry(counted.kind, chart, counted.reason)
    return spc_document(entry, report, notes), report


def chart_summary(report: SPCReport) -> list[dict[str, Any]]:
    """One entry per chart of ``report``: its ``name``, ``points``, ``center`` and ``out_of_control`` count.

    What the CLI's lines and the factory page's summary say of every chart (not only the first).
    """
    return [
        {
            "name": chart.name,
            "points": int(chart.values.size),
            "center": float(chart.center),
            "out_of_control": int(chart.out_of_control.sum()),
        }
        for chart in report.charts
    ]


def spc_document(entry: dict[str, Any], report: SPCReport, notes: list[str]) -> dict[str, Any]:
    """The SPC document the CLI prints, the API answers and the page draws.

    Parameters
    ----------
    entry
        The ``chart`` entry (which chart and why).
    report
        The charts, run-rule violations and capability.
    notes
        What reading the table did; the report's own notes follow them in ``warnings``.

    Returns
    -------
    dict
        ``chart``, the report's entries, ``summary`` (:func:`chart_summary`) and ``warnings``.
    """
    return {
        "chart": entry,
        **jsonable(report.to_dict()),
        "summary": jsonable(chart_summary(report)),
        "warnings": notes + report.notes,
    }


def variables_report(
    data: pd.DataFrame,
    source: str,
    column: str,
    limits: tuple[float | None, float | None] | None,
    subgroup: int,
    rules: str,
    subgroup_column: str | None,
    asked: str,
) -> tuple[SPCReport, dict[str, Any]]:
    """The variables charts of ``column`` (I-MR, or X̄-R of subgroups; EWMA, CUSUM) and the ``chart`` entry.

    A column of labels is refused; whole numbers ≥ 0 charted as measurements by ``auto`` get a note that a
    c chart exists.
    """
    words = text_columns(data, [column]) if column in data.columns else {}
    if words:
        raise InputError(
            f"{source}: column {column!r} holds labels (e.g. {words[column]}), not measurements or pass/fail "
            "words (OK/NG, 합격/불합격); SPC charts here need numbers."
        )
    values = numeric_matrix(data, [column], source)[:, 0]
    labels = None
    if subgroup_column:
        if subgroup_column not in data.columns:
            shown = ", ".join(map(str, list(data.columns)[:8]))
            raise InputError(
                f"{source}: subgroup_column {subgroup_column!r} is not a column; columns are {shown}."
            )
        raw = data[subgroup_column]
        whole = pd.api.types.is_float_dtype(raw) and bool((raw.dropna() % 1 == 0).all())
        labels = raw.astype("Int64") if whole else raw
    report = spc_report(
        values,
        column,
        limits,
        subgroup,
        rules,
        subgroups=labels,
        subgroup_name=f"{source}: {subgroup_column}",
        where=f"{source}: column {column!r}",
    )
    kind = "I-MR" if labels is None and subgroup == 1 else "Xbar-R"
    reason = f"{column!r} holds measurements: {kind} charts, EWMA and CUSUM."
    if asked == "auto" and whole_counts(data[column]):
        report.notes.append(
            f"{source}: column {column!r} holds whole numbers ≥ 0 and is charted as measurements; if they count "
            "defects, ask for a c chart (or u with a size column)."
        )
    return report, chart_entry(kind, asked, reason)
