"""``gwangyang port``: simulate a terminal, compare scenarios, plan berths, schedule quay cranes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..compute import make_executor
from ..port import service
from ..store import Store
from .common import err_console, print_json, progress_bar

app = typer.Typer(
    help="Smart port: terminal digital twin, berth allocation, quay-crane scheduling.", no_args_is_help=True
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
PlotOpt = Annotated[Path | None, typer.Option("--plot", help="Write a PNG figure to this file.")]
DaysOpt = Annotated[float, typer.Option("--days", help="Days of vessel arrivals to simulate.")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed (same seed, same result).")]
ExecutorOpt = Annotated[str, typer.Option("--executor", help="serial, processes or dask (replications).")]
WorkersOpt = Annotated[int | None, typer.Option("--workers", help="Workers for processes/dask.")]


@app.command("scenarios")
def scenarios_command(json_out: JsonOpt = False) -> None:
    """List the shipped scenarios."""
    items = service.describe_scenarios()
    if json_out:
        print_json(items)
    else:
        for item in items:
            err_console.print(f"{item['name']}: {item['description']}", highlight=False)


@app.command("simulate")
def simulate_command(
    scenario: Annotated[
        str, typer.Option("--scenario", help="Shipped scenario name or TOML file.")
    ] = "gwangyang-today",
    days: DaysOpt = 30.0,
    seed: SeedOpt = 0,
    replications: Annotated[
        int, typer.Option("--replications", help="Independent runs (seeds seed..seed+R-1).")
    ] = 1,
    warmup: Annotated[float, typer.Option("--warmup", help="Days left out of waiting statistics.")] = 0.0,
    executor: ExecutorOpt = "serial",
    workers: WorkersOpt = None,
    json_out: JsonOpt = False,
    plot: PlotOpt = None,
) -> None:
    """Simulate a terminal and report KPIs (with confidence intervals over replications)."""
    pool = make_executor(executor, workers=workers)
    try:
        with progress_bar(f"simulating {scenario}") as update:
            document, first = service.simulate(scenario, days, seed, replications, warmup, pool, update)
    finally:
        pool.close()
    if plot is not None:
        service.plot_simulation(first, plot)
    if json_out:
        print_json(document)
    else:
        err_console.print(
            first.summary() if replications == 1 else _ci_text(first.scenario, document), highlight=False
        )


def _ci_text(name: str, document: dict[str, Any]) -> str:
    lines = [f"{name}: {document['replications']} replications, 95 % confidence intervals"]
    for kpi, v in document["confidence_intervals"].items():
        if v.get("no_interval"):
            lines.append(f"  {kpi:24s} {v['mean']:14.3f}  (no interval: {v['no_interval']})")
        else:
            lines.append(f"  {kpi:24s} {v['mean']:14.3f}  [{v['ci_low']:.3f}, {v['ci_high']:.3f}]")
    return "\n".join(lines)


@app.command("compare")
def compare_command(
    a: Annotated[str, typer.Argument(help="Scenario A (name or TOML file).")],
    b: Annotated[str | None, typer.Argument(help="Scenario B (name or TOML file).")] = None,
    days: DaysOpt = 30.0,
    replications: Annotated[int, typer.Option("--replications", help="Paired replications.")] = 5,
    seed: SeedOpt = 0,
    warmup: Annotated[float, typer.Option("--warmup", help="Days left out of waiting statistics.")] = 0.0,
    policies: Annotated[
        str | None,
        typer.Option("--policies", help="AGV dispatch policies to compare on A, e.g. nearest,lookahead."),
    ] = None,
    fleet: Annotated[
        str | None, typer.Option("--fleet", help="AGV fleet sizes to compare on A, e.g. 11,22,33,44.")
    ] = None,
    hours: Annotated[float, typer.Option("--hours", help="Measured hours per AGV run.")] = 8.0,
    executor: ExecutorOpt = "serial",
    workers: WorkersOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Compare two scenarios' KPIs: B - A with 95 % confidence intervals (common random numbers).

    With ``--policies`` and/or ``--fleet`` it compares AGV dispatch policies and fleet sizes on
    scenario A instead (move-level model, ``gwangyang.port.agv``; same seeds for every variant), and
    gives the fleet-size curve (moves/hour per crane against AGVs).
    """
    if policies is not None or fleet is not None:
        if b is not None:
            raise typer.BadParameter("give one scenario with --policies/--fleet", param_hint="B")
        _compare_fleets(a, policies, fleet, replications, hours, seed, json_out)
        return
    if b is None:
        raise typer.BadParameter("scenario B is needed (or --policies/--fleet)", param_hint="B")
    pool = make_executor(executor, workers=workers)
    try:
        with progress_bar("comparing") as update:
            result = service.compare(a, b, days, replications, seed, warmup, pool, update)
    finally:
        pool.close()
    if json_out:
        print_json(result)
    else:
        import pandas as pd

        diff = pd.DataFrame([{"kpi": k, **v} for k, v in result["kpis"].items()])
        err_console.print(
            f"{result['b']} - {result['a']}: {days:g} days x {replications} replications", highlight=False
        )
        err_console.print(
            diff.to_string(index=False, float_format=lambda x: f"{x:.4g}", na_rep="—"),
            highlight=False,
            soft_wrap=True,
        )
        for warning in result.get("warnings", []):
            err_console.print(f"warning: {warning}", highlight=False)


def _compare_fleets(
    scenario: str,
    policies: str | None,
    fleet: str | None,
    replications: int,
    hours: float,
    seed: int,
    json_out: bool,
) -> None:
    with progress_bar("AGV runs") as update:
        document = service.compare_fleets(scenario, policies, fleet, replications, hours, seed, update)
    if json_out:
        print_json(document)
        return
    err_console.print(
        f"{document['scenario']}: {document['cranes']} cranes, {hours:g} h x {replications} replications "
        "(seeds shared), 95 % intervals",
        highlight=False,
    )
    for run in document["runs"]:
        k = run["kpis"]
        err_console.print(
            f"  {run['dispatch']:13s} {run['agvs']:4d} AGVs: "
            + ", ".join(f"{name} {v['mean']:.3f} {_fleet_interval(v, '.3f')}" for name, v in k.items()),
            highlight=False,
        )
    for diff in document["differences"]:
        v = diff["kpis"]["moves_per_hour_per_crane"]
        err_console.print(
            f"  {diff['dispatch']} - {diff['versus']} at {diff['agvs']} AGVs: moves/h per crane "
            f"{v['mean']:+.3f} {_fleet_interval(v, '+.3f')}",
            highlight=False,
        )
    for warning in document.get("warnings", []):
        err_console.print(f"warning: {warning}", highlight=False)


def _fleet_interval(value: dict[str, Any], spec: str) -> str:
    """``[low, high]`` of a fleet KPI, or ``(no interval)`` (the warnings say why)."""
    if value.get("no_interval"):
        return "(no interval)"
    return f"[{value['ci_low']:{spec}}, {value['ci_high']:{spec}}]"


@app.command("timelapse")
def timelapse_command(
    scenario: Annotated[
        str, typer.Option("--scenario", help="Shipped scenario name or TOML file.")
    ] = service.TIMELAPSE_SCENARIO,
    minutes: Annotated[
        float, typer.Option("--minutes", help="Minutes shown, after a quarter-hour warm-up.")
    ] = 10.0,
    step: Annotated[float, typer.Option("--step", help="Seconds between frames.")] = 15.0,
    keep: Annotated[
        bool, typer.Option("--keep", help="Keep it in the store: the port page shows it (as the demo's).")
    ] = False,
    store: Annotated[
        Path | None,
        typer.Option("--store", help="Store folder (default $GWANGYANG_HOME or ./gwangyang-data)."),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """A time-lapse of a scenario's AGVs (move-level model, seed 0): every vehicle's position per frame."""
    target = Store(store) if keep else None  # a wrong --store fails before the simulation
    document = service.timelapse(scenario, minutes, step)
    where = service.keep_timelapse(target, document) if target is not None else None
    if json_out:
        print_json(document)
        return
    err_console.print(
        f"{document['scenario']}: {document['agvs']} AGVs, {document['cranes']} quay cranes "
        f"({document['dispatch']}), {len(document['frames'])} frames every {document['step_s']:g} s"
        + (f"; kept in {where}" if where is not None else ""),
        highlight=False,
    )


@app.command("berths")
def berths_command(
    instance: Annotated[Path, typer.Argument(help="DBAP instance file (Kramer et al. 2019 format).")],
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Seconds for the whole solve (heuristics, CP-SAT, bounds).")
    ] = 60.0,
    seed: SeedOpt = 0,
    workers: Annotated[
        int, typer.Option("--workers", help="CP-SAT workers (0: one, whose LP gives the strongest bound).")
    ] = 0,
    budget: Annotated[
        float | None,
        typer.Option(
            "--budget",
            help="Reproducible: the work of about this many seconds on two quiet cores, counted, not "
            "timed (the same plan on every run, whatever the load); replaces --time-limit.",
        ),
    ] = None,
    json_out: JsonOpt = False,
    plot: PlotOpt = None,
) -> None:
    """Berth allocation (Lagrangian bound, CP-SAT, simulated annealing), against FCFS, greedy and SPT.

    Prints each method's total service time and the lower bounds (CP-SAT's own, the assignment
    relaxation, the Lagrangian of the time-indexed formulation).
    """
    with progress_bar("CP-SAT") as update:
        document, plan = service.plan_berths_file(instance, time_limit, seed, workers, update, budget)
    if plot is not None:
        service.plot_berth_plan(plan, plot)
    if json_out:
        print_json(document)
    else:
        for method in ("fcfs", "greedy", "spt"):
            err_console.print(
                f"{method}: total service time {document[method + '_objective']:g}", highlight=False
            )
        err_console.print(plan.summary(), highlight=False)
        extra = plan.extra

        def shown(bound: float | None) -> str:
            limit = "the time limit" if budget is None else "the budget"
            return f"none within {limit}" if bound is None else f"{bound:g}"

        err_console.print(
            f"bounds: CP-SAT {shown(extra['cpsat_bound'])}, assignment {extra['assignment_bound']:g}, "
            f"Lagrangian {shown(extra['lagrangian_bound'])}; best plan "
            f"{document['improvement_over_fcfs']:.1%} below FCFS",
            highlight=False,
        )
        for warning in extra.get("warnings", []):
            err_console.print(f"warning: {warning}", highlight=False)


@app.command("cranes")
def cranes_command(
    instance: Annotated[Path, typer.Argument(help="Quay-crane scheduling instance (TOML).")],
    time_limit: Annotated[float, typer.Option("--time-limit", help="Seconds for CP-SAT.")] = 10.0,
    seed: SeedOpt = 0,
    workers: Annotated[int, typer.Option("--workers", help="CP-SAT workers (0: all cores).")] = 0,
    budget: Annotated[
        float | None,
        typer.Option(
            "--budget",
            help="Reproducible: CP-SAT's deterministic seconds (counted work, not timed; one worker, or "
            "--workers interleaved): the same schedule on every run, whatever the load; replaces --time-limit.",
        ),
    ] = None,
    json_out: JsonOpt = False,
    plot: PlotOpt = None,
) -> None:
    """Quay-crane schedule minimising the makespan with CP-SAT."""
    document, schedule = service.schedule_cranes(instance, time_limit, seed, workers, budget)
    if plot is not None:
        service.plot_crane_schedule(schedule, plot)
    if json_out:
        print_json(document)
    else:
        err_console.print(schedule.summary(), highlight=False)
        err_console.print(schedule.table.to_string(index=False), highlight=False)
