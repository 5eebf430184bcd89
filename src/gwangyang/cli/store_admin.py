"""``gwangyang store``: look after the store (info, compact, migrate); and ``gwangyang battery sql``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..store import Store
from ..store.catalog_parts import FORM
from ..store.query import SQL_MAX_ROWS, SQL_TIMEOUT_S
from .common import err_console, print_json, records

app = typer.Typer(help="Look after the store: its layout, compaction, migration.", no_args_is_help=True)

StoreOpt = Annotated[
    Path | None, typer.Option("--store", help="Store folder (default $GWANGYANG_HOME or ./gwangyang-data).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]


def _show(document: dict[str, object], json_out: bool) -> None:
    if json_out:
        print_json(document)
    else:
        for key, value in document.items():
            err_console.print(f"{key:14} {_value_text(value)}", highlight=False, markup=False)


def _value_text(value: object) -> str:
    """A value of the text output: a mapping as ``name value, ...`` (``rows`` of a migration), not Python's repr."""
    if isinstance(value, dict):
        return ", ".join(f"{key} {_value_text(item)}" for key, item in value.items()) or "none"
    if isinstance(value, list | tuple):
        return ", ".join(_value_text(item) for item in value) or "none"
    return str(value)


def _form_text(form: dict[str, Any] | None) -> str:
    """The ``catalog`` line of ``store info`` (text)."""
    if form is None:
        return "none (first layout)"
    log = f"{form['log_files']} log files after it"
    if form["form"] is None:
        return f"no checkpoint yet, {form['log_files']} log files (`gwangyang store migrate` writes one of form {int(FORM)})"
    head = f"checkpoint v{form['checkpoint_version']}: {form['checkpoint_cells']} cells in {form['checkpoint_row_groups']} row groups"
    if form["form"] == int(FORM):
        return f"form {form['form']} (current); {head}; {log}"
    return f"form {form['form']} (old: `gwangyang store migrate` upgrades it); {head}; {log}"


@app.command("info")
def info_command(store: StoreOpt = None, json_out: JsonOpt = False) -> None:
    """The store's layout, catalog version and form, cells and live data files per table."""
    target = Store(store)
    snap = target.snapshot()
    document: dict[str, object] = {
        "store": str(target.root),
        "layout": "first (a folder per cell; run `gwangyang store migrate`)"
        if target.is_legacy()
        else "catalog",
        "version": snap.version,
        "cells": len(snap.ids),
    }
    form = target.catalog_form()
    document["catalog"] = form if json_out else _form_text(form)
    for name in ("timeseries", "cycles", "curves", "steps"):
        document[f"{name}_files"] = len(snap.files(name))
    _show(document, json_out)


@app.command("compact")
def compact_command(
    store: StoreOpt = None,
    json_out: JsonOpt = False,
    retain: Annotated[
        float,
        typer.Option(
            "--retain", min=0, help="Keep replaced files this many seconds for readers still on them."
        ),
    ] = 600.0,
    wait: Annotated[float, typer.Option("--wait", min=0, help="Seconds to wait for another writer.")] = 0.0,
) -> None:
    """Merge small data files and drop replaced rows, in one commit (readers are not disturbed)."""
    _show(Store(store, lock_wait=wait).compact(retain_s=retain), json_out)


@app.command("migrate")
def migrate_command(
    store: StoreOpt = None,
    json_out: JsonOpt = False,
    wait: Annotated[float, typer.Option("--wait", min=0, help="Seconds to wait for another writer.")] = 0.0,
) -> None:
    """Convert a store of the first layout (a folder per cell) to the catalog layout, and its catalog to the current form; nothing is lost."""
    _show(Store(store, lock_wait=wait).migrate(), json_out)


SHOWN_ROWS = 60
"""Rows the text answer of ``battery sql`` shows at most (the first and the last half); a note gives the count."""


def sql_command(
    query: Annotated[
        str, typer.Argument(help="One SELECT over cells, cycles, timeseries, curves, steps, production.")
    ],
    store: StoreOpt = None,
    json_out: JsonOpt = False,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write the rows to this CSV file.")] = None,
    max_rows: Annotated[int, typer.Option("--max-rows", min=1, help="Rows returned at most.")] = SQL_MAX_ROWS,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.001, help="Stop the query after this many seconds.")
    ] = SQL_TIMEOUT_S,
) -> None:
    """Query the store with SQL (read-only): views cells, cycles, timeseries, curves, steps and production.

    Example: gwangyang battery sql "SELECT cell_id, max(discharge_capacity_ah) FROM cycles GROUP BY cell_id"
    """
    df = Store(store).sql(query, max_rows=max_rows, timeout_s=timeout)
    truncated = bool(df.attrs.get("truncated"))
    if truncated:
        err_console.print(f"warning: more rows than --max-rows {max_rows}; the first {max_rows} are shown.")
    warned = list(df.attrs.get("warnings", []))  # columns read as text: text in some cells, numbers in others
    for line in warned:
        err_console.print(f"warning: {line}", highlight=False, markup=False)
    if "production" in query.lower():
        from ..battery.service import mixed_notes

        for note in mixed_notes(Store(store), None, "text in the view production"):
            err_console.print(f"note: {note}", highlight=False)
    if csv_out is not None:
        tmp = csv_out.with_name(csv_out.name + ".tmp")
        df.to_csv(tmp, index=False)
        tmp.replace(csv_out)
    if json_out:
        print_json(
            {"columns": list(df.columns), "rows": records(df), "truncated": truncated, "warnings": warned}
        )
    elif csv_out is None:
        err_console.print(df.to_string(index=False, max_rows=SHOWN_ROWS), highlight=False, markup=False)
        if len(df) > SHOWN_ROWS:
            half = SHOWN_ROWS // 2
            err_console.print(
                f"note: {len(df)} rows; the first {half} and the last {half} are shown "
                "(all of them with --csv FILE or --json).",
                highlight=False,
                markup=False,
            )
