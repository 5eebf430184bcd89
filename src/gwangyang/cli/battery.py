"""``gwangyang battery``: ingest cycler files, list cells and cycles, export, plot (via :mod:`gwangyang.battery.service`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from ..battery import service
from ..compute import make_executor
from ..store import Store, artifacts
from .common import EXIT_BAD_INPUT, EXIT_FAILED, err_console, options_named, print_json, progress_bar
from .life import app as life_app
from .life import fleet_command, health_command
from .production import app as production_app
from .quality import anomalies, formation, screen, triage
from .store_admin import sql_command

app = typer.Typer(help="Battery data: ingest cycler files, query cells and cycles.", no_args_is_help=True)
app.add_typer(life_app, name="life")
app.add_typer(production_app, name="production")
app.command("health")(health_command)
app.command("fleet")(fleet_command)
app.command("screen")(screen)
app.command("anomalies")(anomalies)
app.command("triage")(triage)
app.command("formation")(formation)
app.command("sql")(sql_command)

StoreOpt = Annotated[
    Path | None, typer.Option("--store", help="Store folder (default $GWANGYANG_HOME or ./gwangyang-data).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]


@app.command("ingest")
def ingest_command(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively).")],
    store: StoreOpt = None,
    executor: Annotated[str, typer.Option("--executor", help="serial, processes or dask.")] = "serial",
    workers: Annotated[int | None, typer.Option("--workers", help="Workers for processes/dask.")] = None,
    chemistry: Annotated[
        str | None, typer.Option("--chemistry", help="Voltage grid of Q(V): lfp, nmc, lco, lmo, nca.")
    ] = None,
    cell_id: Annotated[
        str | None, typer.Option("--cell-id", help="Stitch all files into one cell with this id.")
    ] = None,
    column_map: Annotated[
        Path | None, typer.Option("--column-map", help="TOML column map for any other cycler's CSV.")
    ] = None,
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Replace stored cells of the same id instead of continuing them."),
    ] = False,
    json_out: JsonOpt = False,
    wait: Annotated[
        float,
        typer.Option("--wait", min=0, help="Seconds to wait for another writer of the store to finish."),
    ] = 0,
    org: Annotated[
        str | None,
        typer.Option("--org", help="Organisation the cells belong to; default: shared with everyone."),
    ] = None,
) -> None:
    """Ingest cycler files into the store; carries on past bad files (exit 1 if any failed, 2 if every file was unreadable).

    A file named after a stored cell is stitched onto it only when it continues it (same cycler,
    channel, and a later start); otherwise it fails naming both, unless --cell-id or --replace.
    """
    if org is not None:
        artifacts.check_name(org, "--org")
    target = Store(store, lock_wait=wait)
    pool = make_executor(executor, workers=workers)
    try:
        with progress_bar("ingesting") as update:
            report = service.ingest_files(
                target, paths, pool, update, chemistry, cell_id, column_map, replace=replace, org=org
            )
    finally:
        pool.close()
    if json_out:
        print_json(report.to_dict())
    else:
        for item in report.ingested:
            err_console.print(
                f"ingested {item['file']} -> {item['cell_id']} ({item['rows']} rows, {item['cycles']} cycles)"
            )
        for item in report.skipped:
            err_console.print(f"skipped  {item['file']}: {item['reason']}")
        for item in report.failed:
            err_console.print(f"[red]failed[/red]   {escape(item['error'])}", highlight=False)
        print_warnings(report.warnings)
        err_console.print(
            f"{len(report.ingested)} ingested, {len(report.skipped)} skipped, {len(report.failed)} failed; store {target.root}"
        )
    if not report.ok:
        raise typer.Exit(EXIT_BAD_INPUT if report.bad_input else EXIT_FAILED)


@app.command("cells")
def cells_command(store: StoreOpt = None, json_out: JsonOpt = False) -> None:
    """List the cells in the store with their capacity figures."""
    cells = service.list_cells(Store(store))
    if json_out:
        print_json(cells)
        return
    if not cells:
        err_console.print("no cells in store")
    for cell in cells:
        q = cell["max_discharge_capacity_ah"]
        err_console.print(
            f"{cell['cell_id']:40} {cell['vendor'] or '':10} {cell['rows'] or 0:>8} rows {cell['cycles'] or 0:>6} cycles"
            + (f"  Qmax {q:.4f} Ah" if q is not None else ""),
            highlight=False,
        )


@app.command("cycles")
def cycles_command(
    cell_id: Annotated[str, typer.Argument(help="Cell id, as `gwangyang battery cells` lists it.")],
    store: StoreOpt = None,
    json_out: JsonOpt = False,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write capacity and efficiency against cycle to a PNG.")
    ] = None,
) -> None:
    """Per-cycle summary of one cell."""
    import pandas as pd

    document = service.cell_cycles(Store(store), cell_id)
    if plot is not None:
        service.plot_cycles(document, plot)
    if json_out:
        print_json(document)
    else:
        err_console.print(pd.DataFrame(document["cycles"]).to_string(index=False, max_rows=60))
        print_warnings(service.cell_warnings(Store(store), cell_id))


def print_warnings(warnings: list[dict[str, str]]) -> None:
    """One yellow line per warning: ``warning  CELL (FILE) KIND: DETAIL``."""
    for item in warnings:
        where = f"{item['cell_id']} ({item['file']})" if item.get("file") else item["cell_id"]
        err_console.print(
            f"[yellow]warning  {escape(where)} {item['kind']}: {escape(item['detail'])}[/yellow]",
            highlight=False,
            markup=True,
        )


@app.command("steps")
def steps_command(
    cell_id: Annotated[str, typer.Argument(help="Cell id, as `gwangyang battery cells` lists it.")],
    store: StoreOpt = None,
    json_out: JsonOpt = False,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write current and voltage with the steps shaded to a PNG.")
    ] = None,
) -> None:
    """Steps of one cell: type, times, capacities, mean current and voltage, the cycler's step index."""
    import pandas as pd

    target = Store(store)
    document = service.cell_steps(target, cell_id)
    if plot is not None:
        service.plot_steps(target, document, plot)
    if json_out:
        print_json(document)
    else:
        err_console.print(pd.DataFrame(document["steps"]).to_string(index=False, max_rows=60))


@app.command("curves")
def curves_command(
    cell_id: Annotated[str, typer.Argument(help="Cell id.")],
    cycle: Annotated[
        list[int] | None, typer.Option("--cycle", help="Cycles (repeat); default: spread over life.")
    ] = None,
    count: Annotated[int, typer.Option("--count", help="Cycles to pick when none are named.")] = 8,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Discharge Q(V) and incremental capacity dQ/dV of some of a cell's cycles."""
    document = service.cell_curves(Store(store), cell_id, cycle or None, count)
    if json_out:
        print_json(document)
        return
    for curve in document["curves"]:
        peaks = [v for v in curve["dqdv_ah_per_v"] if v is not None]
        err_console.print(
            f"cycle {curve['cycle_index']}: {len(curve['voltage_v'])} points, "
            f"max dQ/dV {max(peaks) if peaks else float('nan'):.4g} Ah/V",
            highlight=False,
        )


@app.command("export")
def export_command(
    cell_id: Annotated[str, typer.Argument(help="Cell id.")],
    out: Annotated[Path, typer.Argument(help="Output file.")],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="parquet, csv or bdf (Battery Data Format; Parquet if OUT ends .parquet). "
            "Default: csv when OUT ends .csv, else parquet.",
        ),
    ] = None,
    store: StoreOpt = None,
) -> None:
    """Export a cell's canonical time series."""
    if fmt is None:
        fmt = "csv" if out.suffix.lower() == ".csv" else "parquet"
    with options_named("format"):
        service.export_cell(Store(store), cell_id, fmt, out)
    err_console.print(f"wrote {out}")
