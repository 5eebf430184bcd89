"""``gwangyang port``: simulate a terminal, compare scenarios, plan berths, schedule quay cranes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from .common import err_console, print_json, progress_bar

app = typer.Typer(
    help="Smart port: terminal digital twin, berth allocation, quay-crane scheduling.", no_args_is_help=True
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
PlotOpt = Annotated[Path | None, typer.Option("--plot", help="Write a PNG figure to this file.")]
DaysOpt = Annotated[float, typer.Option("--days", help="Days of vessel arrivals to simulate.")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed (same seed, same result).")]


@app.command("scenarios")
def scenarios_command(json_out: JsonOpt = False) -> None:
    """List the shipped scenarios."""
    from ..port.terminal import load_scenario, shipped_scenarios

    items = [{"name": n, "description": load_scenario(n).description} for n in shipped_scenarios()]
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
    json_out: JsonOpt = False,
    plot: PlotOpt = None,
) -> None:
    """Simulate a terminal and report KPIs (with confidence intervals over replications)."""
    from ..port.compare import replicate, summarize
    from ..port.terminal import load_scenario

    model = load_scenario(scenario)
    with progress_bar(f"simulating {model.name}") as update:
        table, results = replicate(model, days, replications, seed, warmup, update)
    first = results[0]
    document: dict[str, Any] = first.to_dict(include_vessels=False)
    if replications > 1:
        summary = summarize(table)
        document["kpis"] = {k: v["mean"] for k, v in summary.items()}
        document["confidence_intervals"] = summary
        document["replications"] = replications
    document["berth_plan"] = first.to_dict()["gantt"]
    if plot is not None:
        from ..port.plots import plot_simulation

        plot_simulation(first, plot)
    if json_out:
        print_json(document)
    else:
        err_console.print(
            first.summary() if replications == 1 else _ci_text(model.name, document), highlight=False
        )


def _ci_text(name: str, document: dict[str, Any]) -> str:
    lines = [f"{name}: {document['replications']} replications, 95 % confidence intervals"]
    for kpi, v in document["confidence_intervals"].items():
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
    json_out: JsonOpt = False,
) -> None:
    """Compare two scenarios' KPIs: B - A with 95 % confidence intervals (common random numbers).

    With ``--policies`` and/or ``--fleet`` it compares AGV dispatch policies and fleet sizes on
    scenario A instead (move-level model, ``gwangyang.port.agv``; same seeds for every variant), and
    gives the fleet-size curve (moves/hour per crane against AGVs).
    """
    from ..port.terminal import load_scenario

    first = load_scenario(a)
    if policies is not None or fleet is not None:
        if b is not None:
            raise typer.BadParameter("give one scenario with --policies/--fleet", param_hint="B")
        _compare_fleets(first, policies, fleet, replications, hours, seed, json_out)
        return
    if b is None:
        raise typer.BadParameter("scenario B is needed (or --policies/--fleet)", param_hint="B")
    from ..port.compare import compare

    second = load_scenario(b)
    with progress_bar("comparing") as update:
        result = compare(first, second, days, replications, seed, warmup, progress=update)
    if json_out:
        print_json(result.to_dict())
    else:
        diff = result.differences()
        err_console.print(
            f"{result.b} - {result.a}: {days:g} days x {replications} replications", highlight=False
        )
        err_console.print(
            diff.to_string(index=False, float_format=lambda x: f"{x:.4g}"), highlight=False, soft_wrap=True
        )


def _compare_fleets(
    scenario: Any,
    policies: str | None,
    fleet: str | None,
    replications: int,
    hours: float,
    seed: int,
    json_out: bool,
) -> None:
    from ..errors import InputError
    from ..port.agv import DISPATCH, compare_fleets, plan_from_scenario

    plan = plan_from_scenario(scenario)
    names = [p.strip() for p in (policies or ",".join(DISPATCH)).split(",") if p.strip()]
    try:
        sizes = [int(n) for n in fleet.split(",")] if fleet else [plan.agvs]
    except ValueError:
        raise InputError(f"--fleet: expected whole numbers separated by commas, got {fleet!r}") from None
    with progress_bar("AGV runs") as update:
        document = compare_fleets(plan, names, sizes, replications, hours, seed, progress=update)
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
            + ", ".join(
                f"{name} {v['mean']:.3f} [{v['ci_low']:.3f}, {v['ci_high']:.3f}]" for name, v in k.items()
            ),
            highlight=False,
        )
    for diff in document["differences"]:
        v = diff["kpis"]["moves_per_hour_per_crane"]
        err_console.print(
            f"  {diff['dispatch']} - {diff['versus']} at {diff['agvs']} AGVs: moves/h per crane "
            f"{v['mean']:+.3f} [{v['ci_low']:+.3f}, {v['ci_high']:+.3f}]",
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
    json_out: JsonOpt = False,
    plot: PlotOpt = None,
) -> None:
    """Berth allocation (Lagrangian bound, CP-SAT, simulated annealing), against FCFS, greedy and SPT.

    Prints each method's total service time and the lower bounds (CP-SAT's own, the assignment
    relaxation, the Lagrangian of the time-indexed formulation).
    """
    from ..port.berth_model import BerthInstance
    from ..port.berths import solve_cpsat, solve_fcfs, solve_greedy, solve_spt

    data = BerthInstance.from_file(instance)
    fcfs, greedy, spt = solve_fcfs(data), solve_greedy(data), solve_spt(data)
    with progress_bar("CP-SAT") as update:
        steps = [0]

        def tick(objective: float, bound: float) -> None:
            steps[0] += 1
            update(steps[0], 0)

        plan = solve_cpsat(data, time_limit, seed, workers, callback=tick)
    document = plan.to_dict()
    document["fcfs_objective"] = fcfs.objective
    document["greedy_objective"] = greedy.objective
    document["spt_objective"] = spt.objective
    document["improvement_over_fcfs"] = (fcfs.objective - plan.objective) / fcfs.objective
    if plot is not None:
        from ..port.plots import plot_berth_plan

        plot_berth_plan(plan, plot)
    if json_out:
        print_json(document)
    else:
        for item in (fcfs, greedy, spt, plan):
            err_console.print(item.summary(), highlight=False)
        extra = plan.extra
        err_console.print(
            f"bounds: CP-SAT {extra['cpsat_bound']:g}, assignment {extra['assignment_bound']:g}, "
            f"Lagrangian {extra['lagrangian_bound']}; best plan {(fcfs.objective - plan.objective) / fcfs.objective:.1%} "
            "below FCFS",
            highlight=False,
        )


@app.command("cranes")
def cranes_command(
    instance: Annotated[Path, typer.Argument(help="Quay-crane scheduling instance (TOML).")],
    time_limit: Annotated[float, typer.Option("--time-limit", help="Seconds for CP-SAT.")] = 10.0,
    seed: SeedOpt = 0,
    workers: Annotated[int, typer.Option("--workers", help="CP-SAT workers (0: all cores).")] = 0,
    json_out: JsonOpt = False,
    plot: PlotOpt = None,
) -> None:
    """Quay-crane schedule minimising the makespan with CP-SAT."""
    from ..port.cranes import CraneInstance, solve_cranes

    data = CraneInstance.from_file(instance)
    schedule = solve_cranes(data, time_limit, seed, workers)
    if plot is not None:
        from ..port.plots import plot_crane_schedule

        plot_crane_schedule(schedule, plot)
    if json_out:
        print_json(schedule.to_dict())
    else:
        err_console.print(schedule.summary(), highlight=False)
        err_console.print(schedule.table.to_string(index=False), highlight=False)
