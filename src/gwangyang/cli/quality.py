"""``gwangyang battery screen|anomalies|triage|formation``: cell quality from the line to recycling."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from ..battery import service
from ..errors import InputError
from ..store import Store
from .common import err_console, options_named, print_json

JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
StoreOpt = Annotated[
    Path | None, typer.Option("--store", help="Store folder (default $GWANGYANG_HOME or ./gwangyang-data).")
]


def _split(columns: list[str] | None) -> list[str] | None:
    if not columns:
        return None
    out = [c.strip() for item in columns for c in item.split(",") if c.strip()]
    return out or None


def screen(
    table: Annotated[
        Path | None,
        typer.Argument(
            help="Per-cell measurement table (CSV, .xlsx, .xls or Parquet), one row per cell; "
            "default: the store's production data (`battery production ingest`)."
        ),
    ] = None,
    id_column: Annotated[
        str | None, typer.Option("--id-column", help="Column holding the cell id (needed with a TABLE).")
    ] = None,
    lot_column: Annotated[
        str | None, typer.Option("--lot-column", help="Column holding the lot; cells are compared within it.")
    ] = None,
    columns: Annotated[
        list[str] | None,
        typer.Option(
            "--columns", help="Measurement columns (comma-separated or repeated); default all numeric."
        ),
    ] = None,
    z_threshold: Annotated[
        float, typer.Option("--z-threshold", help="Robust z beyond which a cell is flagged.")
    ] = 3.5,
    contamination: Annotated[
        float | None,
        typer.Option("--contamination", help="Let the Isolation Forest flag this share of cells."),
    ] = None,
    from_store: Annotated[
        bool,
        typer.Option("--from-store", help="Screen the store's production data (the default without TABLE)."),
    ] = False,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Screen a production table, or the store's production data: flagged cells with their reasons and the measurements behind them."""
    if table is not None and from_store:
        raise InputError("give a TABLE or --from-store, not both.")
    if table is None:
        if id_column is not None or lot_column is not None:
            raise InputError(
                "--id-column/--lot-column: only with a TABLE (the production data has cell_id and lot)."
            )
        result = service.screen_production(Store(store), _split(columns), z_threshold, contamination)
    else:
        if not id_column:
            raise InputError(
                f"{table.name}: --id-column is needed with a TABLE (the column holding the cell id)."
            )
        with options_named("id_column", "lot_column"):
            result = service.screen_table(
                table, id_column, lot_column, _split(columns), z_threshold, contamination, source=table.name
            )
    if json_out:
        print_json(result)
        return
    for cell in result["flagged"]:
        lot = f" (lot {cell['lot']})" if cell.get("lot") is not None else ""
        err_console.print(
            f"{cell['id']}{lot}: score {cell['score']:.2f}; " + "; ".join(cell["reasons"]), highlight=False
        )
    for alarm in result["lot_alarms"]:
        where = "all cells" if alarm.get("lot") is None else f"lot {alarm['lot']}"  # no lot column: one lot
        err_console.print(
            f"{where}: {alarm['measurement']} {alarm['direction']}, {alarm['rule']}",
            highlight=False,
        )
    for note in result.get("notes", []):
        err_console.print(f"note: {note}", highlight=False)
    err_console.print(
        f"{len(result['flagged'])} of {result['n_cells']} cells flagged; {len(result['lot_alarms'])} lot alarms; "
        f"{result.get('filled_values', 0)} missing value(s) filled with the lot median"
    )


def anomalies(
    cell_ids: Annotated[
        list[str] | None, typer.Argument(help="Cells to check (default: every cell).")
    ] = None,
    store: StoreOpt = None,
    recompute: Annotated[bool, typer.Option("--recompute", help="Ignore saved detector state.")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Cycling anomalies of cells in the store; re-checks read only the cycles added since the last check."""
    report = service.check_anomalies(Store(store), cell_ids or None, recompute=recompute)
    if json_out:
        print_json(report)
        return
    for a in report["anomalies"]:
        mark = "new " if a["new"] else "    "
        err_console.print(
            f"{mark}{a['cell_id']} cycle {a['cycle_index']}: {a['kind']} (severity {a['severity']})",
            highlight=False,
        )
    read = sum(report["new_cycles"].values())
    err_console.print(
        f"{len(report['anomalies'])} anomalies in {len(report['new_cycles'])} cells; {read} new cycles read"
    )


def triage(
    table: Annotated[
        Path,
        typer.Argument(
            help="Cells: id, chemistry, nominal_capacity_ah and u1_v..u21_v (or soh); CSV, .xlsx, .xls or "
            "Parquet, or a PulseBat folder or workbook."
        ),
    ],
    rules: Annotated[Path | None, typer.Option("--rules", help="Grading rules and prices (TOML).")] = None,
    train: Annotated[
        Path | None,
        typer.Option(
            "--train", help="Pulse table with measured soh to train on (default: shipped PulseBat data)."
        ),
    ] = None,
    model: Annotated[str, typer.Option("--model", help="gbr or ridge.")] = "gbr",
    evaluate: Annotated[
        bool,
        typer.Option(
            "--evaluate",
            help="Instead of grading: SOH MAPE per cell type of TABLE (with soh; a PulseBat folder works too), "
            "within the type and with its chemistry held out, beside Tao et al. 2024.",
        ),
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Grade retired cells into second life, reuse or recycle, with their material value."""
    if evaluate:
        result = service.evaluate_triage(table, model)
        if json_out:
            print_json(result)
            return
        bound = result["tao_2024_unseen_mape_bound"]
        err_console.print(f"SOH MAPE ({model}); Tao et al. 2024: below {100 * bound:.0f} % under unseen SOC")
        for name, within in result["within_type_mape"].items():
            held = result["held_out_type_mape"].get(name)
            held_text = f"{100 * held:5.2f} %" if held is not None else "  —"
            err_console.print(
                f"  {name:12s} within type {100 * within:5.2f} %   chemistry held out {held_text}"
            )
        return
    result = service.triage_table(table, rules, train, model, source=table.name)
    if json_out:
        print_json(result)
        return
    for cell in result["cells"]:
        interval = f" [{cell['soh_low']:.3f}, {cell['soh_high']:.3f}]" if cell["soh_low"] is not None else ""
        err_console.print(
            f"{cell['id']}: SOH {cell['soh']:.3f}{interval} -> {cell['grade']}, "
            f"{cell['value']:.2f} {result['currency']}",
            highlight=False,
        )
    totals = result["totals"]
    parts = ", ".join(f"{g} {t['cells']}" for g, t in totals["by_grade"].items())
    note = " (illustrative prices)" if result["prices_illustrative"] else ""
    err_console.print(
        f"{totals['cells']} cells: {parts}; materials {totals['value']:.2f} {result['currency']}{note}"
    )


def formation(
    table: Annotated[Path, typer.Argument(help="Formation table with measured life, one row per cell.")],
    target: Annotated[str, typer.Option("--target", help="Measured life column.")] = "cycles_to_80_pct",
    features: Annotated[
        list[str] | None, typer.Option("--features", help="Formation features (default dcr_10s_5_soc_at_c3).")
    ] = None,
    covariates: Annotated[
        list[str] | None,
        typer.Option(
            "--covariates",
            help="Test-condition columns (default is_room_temp_aging where the table has it; 'none' for none).",
        ),
    ] = None,
    id_column: Annotated[str, typer.Option("--id-column", help="Cell id column.")] = "cellid",
    json_out: JsonOpt = False,
) -> None:
    """Rank cells by expected life from formation data; leave-one-out Spearman correlation."""
    with options_named("id_column", "features"):
        result = service.rank_formation(table, target, _split(features), _split(covariates), id_column)
    if json_out:
        print_json(result)
        return
    err_console.print(
        f"leave-one-out Spearman rho {result['spearman']:.3f}, skill {result['skill']:.2f} over "
        f"{len(result['predictions'])} cells ({', '.join(result['features'])} -> {target})"
    )
    for text in result["warnings"]:
        err_console.print(f"[yellow]warning  {escape(text)}[/yellow]", highlight=False)
