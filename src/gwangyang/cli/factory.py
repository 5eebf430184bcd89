"""``gwangyang factory``: fit a process monitor on a normal period, score new data, univariate SPC, TEP benchmark."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..compute import make_executor
from ..errors import InputError
from ..factory import service
from .common import err_console, options_named, print_json, progress_bar

app = typer.Typer(
    help="Factory process monitoring: SPC charts, multivariate fault detection, alarms.", no_args_is_help=True
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
PlotOpt = Annotated[Path | None, typer.Option("--plot", help="Write a PNG plot to this file.")]


@app.command("fit")
def fit_command(
    table: Annotated[
        Path, typer.Argument(help="CSV, Excel or Parquet table of normal operation (or a TEP .dat file).")
    ],
    time_column: Annotated[str, typer.Option("--time-column", help="Name of the time column.")],
    out: Annotated[Path, typer.Option("--out", help="Monitor file to write (.npz).")],
    method: Annotated[str, typer.Option("--method", help="pca, dpca or kpca.")] = "pca",
    alpha: Annotated[float, typer.Option("--alpha", help="False-alarm rate of each control limit.")] = 0.01,
    k: Annotated[int, typer.Option("--k", help="Consecutive violations that raise an alarm.")] = 3,
    holdout: Annotated[
        float,
        typer.Option("--holdout", help="Share of the last rows that checks (and widens) the limits; 0: off."),
    ] = 0.3,
    columns: Annotated[
        str | None,
        typer.Option("--columns", help="Variables to monitor, comma-separated (default: every numeric one)."),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Learn normal operation from a table and save the monitor."""
    with options_named("columns"):
        chosen = service.parse_columns(columns)
        document, monitor, notes = service.fit_monitor(
            table, time_column, method, alpha, k, holdout, None, chosen
        )
    for note in notes:
        err_console.print(f"warning: {note}", markup=False, highlight=False)
    monitor.save(out)
    summary = {**document, "monitor": str(out), "warnings": notes}  # as the API's answer and score's JSON
    if json_out:
        print_json(summary)
        return
    err_console.print(
        f"{summary['method']} monitor on {summary['rows']} rows × {len(summary['columns'])} variables, "
        f"{summary['n_components']} components; limits T² {summary['limits']['t2']:.4g}, Q {summary['limits']['q']:.4g}; "
        f"wrote {out}",
        markup=False,
        highlight=False,
    )


@app.command("score")
def score_command(
    tables: Annotated[
        list[Path],
        typer.Argument(
            help="CSV, Excel or Parquet tables to score (or TEP .dat files); several are scored apart."
        ),
    ],
    monitor: Annotated[Path, typer.Option("--monitor", help="Monitor file written by `factory fit`.")],
    executor: Annotated[
        str, typer.Option("--executor", help="serial, processes or dask (several tables).")
    ] = "serial",
    workers: Annotated[int | None, typer.Option("--workers", help="Workers for processes/dask.")] = None,
    json_out: JsonOpt = False,
    plot: PlotOpt = None,
) -> None:
    """Score every row: T², Q, alarm; list alarms with their top contributing variables.

    With several tables each is an independent item of ``--executor``; ``--json`` prints one document per
    table (with its ``file``) in the order given.
    """
    if len(tables) > 1:
        if plot is not None:
            raise InputError("--plot: give one table, not several.")
        pool = make_executor(executor, workers=workers)
        try:
            with progress_bar(f"scoring {len(tables)} tables") as update:
                documents = service.score_many(tables, monitor, pool, update)
        finally:
            pool.close()
        if json_out:
            print_json(documents)
            return
        for document in documents:
            _warn(document)
            summary = document["summary"]
            err_console.print(
                f"{document['file']}: {summary['rows']} rows, {summary['violations']} beyond a limit, "
                f"{summary['alarms']} alarm(s)",
                markup=False,
                highlight=False,
            )
        return
    table = tables[0]
    document, result = service.score_file(table, monitor)
    if plot is not None:
        service.plot_scores(result, plot, title=f"{table.name}: {result.method}")
    if json_out:
        print_json(document)
        return
    _warn(document)
    summary = result.summary()
    err_console.print(
        f"{summary['rows']} rows, {summary['violations']} beyond a limit, {summary['alarms']} alarm(s)"
    )
    for alarm in result.alarms:
        names = ", ".join(f"{v['variable']} ({v['share']:.0%})" for v in alarm.top_variables)
        # a column such as '압력 [bar]' is text, not Rich markup (its '[bar]' vanished from the line)
        err_console.print(
            f"alarm {alarm.start} .. {alarm.end} ({alarm.rows} rows): {names}", markup=False, highlight=False
        )


def _warn(document: dict[str, Any]) -> None:
    """Print a document's ``warnings`` (what reading its table did) on stderr."""
    for note in document.get("warnings", []):
        err_console.print(f"warning: {note}", markup=False, highlight=False)


@app.command("spc")
def spc_command(
    table: Annotated[Path, typer.Argument(help="CSV, Excel or Parquet table (or a TEP .dat file).")],
    column: Annotated[str, typer.Option("--column", help="Variable to chart.")],
    limits: Annotated[
        str | None, typer.Option("--limits", help="Specification limits L,U for capability.")
    ] = None,
    subgroup: Annotated[
        int,
        typer.Option(
            "--subgroup", help="Subgroup size: 1 for I-MR, 2-10 for X̄-R; pass/fail items per subgroup."
        ),
    ] = 1,
    rules: Annotated[str, typer.Option("--rules", help="Run rules: nelson or western.")] = "nelson",
    subgroup_column: Annotated[
        str | None,
        typer.Option(
            "--subgroup-column", help="Column of subgroup labels (lot, sample): X̄-R of 2-10 rows each."
        ),
    ] = None,
    chart: Annotated[
        str,
        typer.Option(
            "--chart",
            help="auto (from the column), variables (I-MR, X̄-R), p, np (pass/fail items), c or u (defect counts).",
        ),
    ] = "auto",
    size_column: Annotated[
        str | None,
        typer.Option(
            "--size-column", help="Column of items inspected (p, np) or units inspected (u) per row."
        ),
    ] = None,
    json_out: JsonOpt = False,
    plot: PlotOpt = None,
) -> None:
    """Control charts of one column: measurements (Shewhart, EWMA, CUSUM, capability) or p, np, c, u charts."""
    with options_named("limits"):
        parsed = service.parse_limits(limits)
    with options_named("subgroup_column", "size_column", "chart"):
        document, report = service.spc(
            table, column, parsed, subgroup, rules, subgroup_column, chart, size_column
        )
    if plot is not None:
        kind = document["chart"]["type"]
        service.plot_charts(report, plot, title=f"{table.name}: {column} ({kind})")
    if json_out:
        print_json(document)
        return
    _warn(document)
    err_console.print(f"chart: {document['chart']['reason']}", markup=False, highlight=False)
    for line in document["summary"]:
        err_console.print(
            f"{line['name']:7} {line['points']} point(s), centre {line['center']:.4g}: "
            f"{line['out_of_control']} out of control",
            markup=False,
            highlight=False,
        )
    first = document["summary"][0]["name"]
    err_console.print(f"{len(report.rule_violations)} run-rule violation(s) ({rules}, {first} chart)")
    if report.capability is not None:
        cap = report.capability
        fmt = lambda v: "-" if v is None else f"{v:.3f}"  # noqa: E731
        err_console.print(f"Cp {fmt(cap.cp)}  Cpk {fmt(cap.cpk)}  Pp {fmt(cap.pp)}  Ppk {fmt(cap.ppk)}")


@app.command("tep")
def tep_command(
    folder: Annotated[
        Path,
        typer.Argument(
            help="Folder of the Braatz TEP files (d00.dat, d00_te.dat, dNN_te.dat, optionally .gz)."
        ),
    ],
    method: Annotated[str, typer.Option("--method", help="pca, dpca or kpca.")] = "pca",
    alpha: Annotated[float, typer.Option("--alpha", help="False-alarm rate of each control limit.")] = 0.01,
    k: Annotated[int, typer.Option("--k", help="Consecutive violations that raise an alarm.")] = 3,
    holdout: Annotated[
        float,
        typer.Option("--holdout", help="Share of the last rows that checks (and widens) the limits; 0: off."),
    ] = 0.3,
    faults: Annotated[
        str,
        typer.Option(
            "--faults", help="Comma-separated fault numbers (default: every dNN_te.dat in the folder)."
        ),
    ] = "",
    fault_start: Annotated[
        int,
        typer.Option(
            "--fault-start", help="Index of the first faulty sample of each test file (Braatz: 160)."
        ),
    ] = 160,
    json_out: JsonOpt = False,
) -> None:
    """Tennessee Eastman benchmark: fit on d00, false alarms on d00_te, detection per fault beside the book."""
    chosen: list[int] | None = None
    if faults.strip():
        try:
            chosen = [int(part) for part in faults.split(",")]
        except ValueError as exc:
            raise InputError(f"--faults: expected comma-separated fault numbers, got {faults!r}.") from exc
        if any(f < 1 for f in chosen):
            raise InputError(f"--faults: expected fault numbers >= 1, got {faults!r}.")
    if fault_start < 1:
        raise InputError(f"--fault-start: expected a sample index >= 1, got {fault_start}.")
    with err_console.status(f"TEP: fitting {method} on d00 and scoring the test runs..."):
        report = service.evaluate_tep(folder, method, alpha, k, holdout, chosen, fault_start)
    for note in report.notes:
        err_console.print(f"note: {note}", markup=False, highlight=False)
    for warning in report.warnings:
        err_console.print(f"warning: {warning}", markup=False, highlight=False)
    if json_out:
        print_json(report.to_dict())
        return
    err_console.print(
        f"{method}, {report.n_components} components, alpha {alpha}, k {k}: false alarms on d00_te "
        f"T² {report.false_alarm_t2:.4f}, Q {report.false_alarm_q:.4f}, alarm {report.false_alarm_alarm:.4f}",
        highlight=False,
    )
    err_console.print("fault  T² rate  Q rate  alarm rate | book T² rate  book Q rate | alarm delay min")
    for fault in report.faults:
        row = fault.to_dict()
        delay = "-" if fault.alarm_delay_min is None else f"{fault.alarm_delay_min:.0f}"
        book_t2, book_q = (
            "—" if row[key] is None else f"{row[key]:.3f}"
            for key in ("chiang2000_pca_t2_rate", "chiang2000_pca_q_rate")
        )
        err_console.print(
            f"{fault.fault:5d}  {fault.t2_rate:7.3f}  {fault.q_rate:6.3f}  {fault.alarm_rate:10.3f} | "
            f"{book_t2:>12}  {book_q:>11} | {delay:>15}",
            highlight=False,
        )
