"""``gwangyang battery production ingest|list``: end-of-line and formation measurements per cell, kept in the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from ..battery import service
from ..store import Store, artifacts
from .common import err_console, options_named, print_json

app = typer.Typer(
    help="Production data: end-of-line and formation measurements per cell (OCV, ACIR, K-value, capacity, ...).",
    no_args_is_help=True,
)

StoreOpt = Annotated[
    Path | None, typer.Option("--store", help="Store folder (default $GWANGYANG_HOME or ./gwangyang-data).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]


@app.command("ingest")
def ingest_command(
    table: Annotated[
        Path, typer.Argument(help="Production table (CSV, .xlsx, .xls or Parquet), one row per cell.")
    ],
    id_column: Annotated[
        str | None,
        typer.Option(
            "--id-column", help="Column holding the cell id (default: cell_id, cellid, barcode, ...)."
        ),
    ] = None,
    store: StoreOpt = None,
    wait: Annotated[
        float,
        typer.Option("--wait", min=0, help="Seconds to wait for another writer of the store to finish."),
    ] = 0,
    org: Annotated[
        str | None,
        typer.Option("--org", help="Organisation the table belongs to; default: shared with everyone."),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Keep a production table in the store (the same file twice is a no-op); screen it with `battery screen`.

    A cell id that another organisation's table holds is refused (exit 2, one line naming the first such cell).
    """
    if org is not None:
        artifacts.check_name(org, "--org")
    with options_named("id_column"):
        report = service.ingest_production(Store(store, lock_wait=wait), table, id_column, org=org)
    if json_out:
        print_json(report)
        return
    if not report["appended"]:
        err_console.print(report["note"], highlight=False)
        return
    columns = report["columns"]
    err_console.print(
        f"ingested {report['source']}: {report['rows']} cells; measurements "
        f"{', '.join(columns['measurements']) or 'none canonical'}",
        highlight=False,
    )
    if columns["extra_numeric"] or columns["extra_text"]:
        err_console.print(
            f"kept extra columns: numeric {', '.join(columns['extra_numeric']) or '-'}; "
            f"text {', '.join(columns['extra_text']) or '-'}",
            highlight=False,
        )
    for warning in report["warnings"]:
        err_console.print(f"[yellow]warning  {escape(warning)}[/yellow]", highlight=False)
    err_console.print(
        f"{report['remeasured']} cells measured again; production data: {report['dataset']['cells']} cells in "
        f"{report['dataset']['tables']} tables, {report['cells_with_cycling_data']} with cycling data",
        highlight=False,
    )


@app.command("list")
def list_command(
    store: StoreOpt = None,
    limit: Annotated[int, typer.Option("--limit", min=0, help="Rows to show.")] = 20,
    json_out: JsonOpt = False,
) -> None:
    """The production data kept: tables, cells, columns and the first rows."""
    document = service.production_overview(Store(store), limit)
    if json_out:
        print_json(document)
        return
    for part in document["tables"]:
        err_console.print(f"{part['source']}: {part['rows']} rows ({part['ingested_at']})", highlight=False)
    err_console.print(
        f"{document['cells']} cells, {document['cells_with_cycling_data']} with cycling data; "
        f"columns: {', '.join(document['columns'])}",
        highlight=False,
    )
    for note in document["notes"]:
        err_console.print(f"note: {note}", highlight=False)
