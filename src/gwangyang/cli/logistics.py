"""``gwangyang routes solve`` and ``gwangyang forecast``: truck routing and monthly throughput forecasting."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError
from ..logistics import service
from .common import err_console, print_json, progress_bar

app = typer.Typer(
    help="Truck routing: our problem files, VRPLIB .vrp and Solomon .txt.", no_args_is_help=True
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]


@app.command("solve")
def solve_command(
    file: Annotated[Path, typer.Argument(help="Problem file (.toml/.json), VRPLIB .vrp or Solomon .txt.")],
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Wall-clock seconds for the solver.")
    ] = 10.0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (workers use seed, seed+1, ...).")] = 0,
    solver: Annotated[
        str, typer.Option("--solver", help="pyvrp (parallel seeds) or ortools (baseline).")
    ] = "pyvrp",
    workers: Annotated[
        int | None, typer.Option("--workers", help="Parallel PyVRP searches (default: all cores).")
    ] = None,
    json_out: JsonOpt = False,
    plot: Annotated[Path | None, typer.Option("--plot", help="Write a PNG map of the routes.")] = None,
    geojson: Annotated[Path | None, typer.Option("--geojson", help="Write the routes as GeoJSON.")] = None,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write one row per stop as CSV.")] = None,
) -> None:
    """Solve a routing problem; prints cost, distance, routes (file node numbers or order ids) and unserved orders."""
    instance, problem = service.read_problem(file)
    with progress_bar(f"{solver} on {instance.name}") as update:
        view, result = service.solve_routes(instance, problem, time_limit, seed, solver, workers, update)
    service.export_routes(result, instance, plot, geojson, csv_out)
    if json_out:
        print_json(view)
    else:
        err_console.print(result.summary(), markup=False, highlight=False)


def forecast_command(
    file: Annotated[Path, typer.Argument(help="CSV or Parquet table with one row per month.")],
    date_column: Annotated[str, typer.Option("--date-column", help="Column holding the month.")],
    target: Annotated[str, typer.Option("--target", help="Column to forecast.")],
    horizon: Annotated[int, typer.Option("--horizon", help="Months ahead.")] = 12,
    level: Annotated[int, typer.Option("--level", help="Prediction-interval level, percent.")] = 90,
    windows: Annotated[int, typer.Option("--windows", help="Rolling origins in the backtest.")] = 3,
    json_out: JsonOpt = False,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write history, forecast and interval to a PNG.")
    ] = None,
) -> None:
    """Forecast a monthly series: model chosen by rolling-origin backtest (MASE), intervals checked for coverage."""
    if windows < 1:
        raise InputError(f"--windows: expected at least 1, got {windows}")
    with progress_bar("forecasting") as update:
        update(0, 1)
        view, result = service.forecast_file(file, date_column, target, horizon, level, windows)
        update(1, 1)
    if plot is not None:
        service.plot_forecast(result, plot, title=f"{target} ({file.name})")
    if json_out:
        print_json(view)
    else:
        err_console.print(result.summary(), markup=False, highlight=False)
