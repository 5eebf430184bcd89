"""``gwangyang routes solve`` and ``gwangyang forecast``: truck routing and throughput forecasting."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..compute import make_executor
from ..errors import InputError
from ..logistics import forecast_service, service
from .common import err_console, options_named, print_json, progress_bar

app = typer.Typer(
    help="Truck routing: our problem files, VRPLIB .vrp and Solomon .txt.", no_args_is_help=True
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]


@app.command("solve")
def solve_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Problem files (.toml/.json), VRPLIB .vrp or Solomon .txt; several are solved apart."
        ),
    ],
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Wall-clock seconds for the solver (per file).")
    ] = 10.0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (workers use seed, seed+1, ...).")] = 0,
    solver: Annotated[
        str, typer.Option("--solver", help="pyvrp (parallel seeds) or ortools (baseline).")
    ] = "pyvrp",
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            help="One file: parallel PyVRP searches (default: all cores). Several: workers of --executor.",
        ),
    ] = None,
    executor: Annotated[
        str, typer.Option("--executor", help="serial, processes or dask (several files, one search each).")
    ] = "serial",
    max_iterations: Annotated[
        int | None,
        typer.Option(
            "--max-iterations",
            help="One file, pyvrp: stop each search after this many iterations too (a run that does not "
            "depend on the machine's speed, within the time limit).",
        ),
    ] = None,
    json_out: JsonOpt = False,
    plot: Annotated[Path | None, typer.Option("--plot", help="Write a PNG map of the routes.")] = None,
    geojson: Annotated[Path | None, typer.Option("--geojson", help="Write the routes as GeoJSON.")] = None,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write one row per stop as CSV.")] = None,
    sol: Annotated[
        Path | None,
        typer.Option(
            "--sol",
            help="One VRPLIB or Solomon file: a .sol to score against (its cost in our units, its routes "
            "re-checked; the result's gap to it).",
        ),
    ] = None,
) -> None:
    """Solve routing problems; prints cost, distance, routes (file node numbers or order ids) and unserved orders.

    With several files each is solved by one search, as an independent item of ``--executor``; ``--json``
    prints one document per file (with its ``file``) in the order given.
    """
    if len(files) > 1:
        if any(o is not None for o in (plot, geojson, csv_out, max_iterations, sol)):
            raise InputError(
                "--plot, --geojson, --csv, --max-iterations and --sol: give one problem file, not several."
            )
        pool = make_executor(executor, workers=workers)
        try:
            with progress_bar(f"{solver} on {len(files)} files") as update:
                views = service.solve_many(files, time_limit, seed, solver, pool, update)
        finally:
            pool.close()
        if json_out:
            print_json(views)
        else:
            for view in views:
                err_console.print(service.view_summary(view), markup=False, highlight=False)
                for note in view.get("notes", []):
                    err_console.print(f"note: {note}", style="yellow", markup=False, highlight=False)
        return
    loaded = service.read_route_file(files[0], solution=sol)
    with progress_bar(f"{solver} on {loaded.instance.name}") as update:
        view, result = service.solve_route_file(
            loaded, time_limit, seed, solver, workers, update, max_iterations
        )
    service.export_routes(result, loaded.instance, plot, geojson, csv_out)
    if json_out:
        print_json(view)
    else:
        err_console.print(result.summary(), markup=False, highlight=False)
        if "best_known" in view:
            err_console.print(service.gap_line(view), markup=False, highlight=False)
        for note in view["notes"]:
            err_console.print(f"note: {note}", style="yellow", markup=False, highlight=False)


def forecast_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV or Parquet table with one row per month, quarter, half-year, year, week, fortnight, day "
            "or business day."
        ),
    ],
    date_column: Annotated[
        str, typer.Option("--date-column", help="Column holding the dates; their spacing sets the frequency.")
    ],
    target: Annotated[str, typer.Option("--target", help="Column to forecast.")],
    horizon: Annotated[
        int | None,
        typer.Option(
            "--horizon",
            # in parentheses: Rich reads "[default: ...]" as markup and drops it from the help
            help="Periods ahead (default: 12 months, 8 quarters, 4 half-years, 3 years, 13 weeks, "
            "6 fortnights, 14 days, 10 business days).",
            show_default=False,
        ),
    ] = None,
    level: Annotated[int, typer.Option("--level", help="Prediction-interval level, percent.")] = 90,
    windows: Annotated[int, typer.Option("--windows", help="Rolling origins in the backtest.")] = 3,
    json_out: JsonOpt = False,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write history, forecast and interval to a PNG.")
    ] = None,
    csv_out: Annotated[
        Path | None,
        typer.Option("--csv", help="Write one row per period ahead as CSV (period, ds, mean, lo, hi)."),
    ] = None,
    working_days: Annotated[
        str | None,
        typer.Option(
            "--working-days",
            help="Working weekdays of a daily series, e.g. Mon-Sat, 월~토, 월,화,수,목,금 (default: read from "
            "the dates).",
        ),
    ] = None,
) -> None:
    """Forecast a series: model chosen by rolling-origin backtest (MASE), intervals checked for coverage.

    Monthly, quarterly, half-yearly, yearly, weekly, fortnightly, daily or business-daily (ISO weeks such as
    2024-W01 or 2024년 1주 read as weeks, and named 2024-W01 in the output): the frequency is read from the dates,
    and sets the season (12, 4, 2, 1, 52, 26, 7, 5; 6 for a Monday-to-Saturday week, whose Sundays are closed
    days, not gaps) and the default horizon. Holidays of a business-day series are filled and named in a note.
    """
    if windows < 1:
        raise InputError(f"--windows: expected at least 1, got {windows}")
    working = None if working_days is None else forecast_service.working_days(working_days, "--working-days")
    with progress_bar("forecasting") as update, options_named("date_column", "target"):
        update(0, 1)
        view, result = forecast_service.forecast_file(
            file, date_column, target, horizon, level, windows, working
        )
        update(1, 1)
    if plot is not None:
        forecast_service.plot_forecast(result, plot, title=f"{target} ({file.name})")
    if csv_out is not None:
        forecast_service.write_forecast_csv(view, csv_out)
    if json_out:
        print_json(view)
    else:
        err_console.print(result.summary(), markup=False, highlight=False)
        for note in view["notes"]:
            err_console.print(f"note: {note}", style="yellow", markup=False, highlight=False)
