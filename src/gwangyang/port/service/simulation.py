"""The port's simulation use cases: the shipped scenarios, a simulation, two scenarios compared, AGV fleets compared.

Each function returns one JSON-ready document that the CLI prints with ``--json``, the API returns as a job's
result and the port page shows. Replications are independent items of an :class:`~gwangyang.compute.Executor`
(serial, processes or Dask).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ...compute import Executor, Progress
from ...errors import InputError
from ...files import jsonable


def scenarios() -> list[str]:
    """Names of the shipped terminal scenarios."""
    from ..terminal import shipped_scenarios

    return shipped_scenarios()


def describe_scenarios() -> list[dict[str, str]]:
    """Each shipped scenario's name and description."""
    from ..terminal import load_scenario

    return [{"name": n, "description": load_scenario(n).description} for n in scenarios()]


def check_shipped(field: str, name: str) -> str:
    """``name`` if it is a shipped scenario, else an ``InputError`` naming ``field``."""
    names = scenarios()
    if name not in names:
        raise InputError(f"{field}: expected one of {', '.join(names)}, got {name[:60]!r}.")
    return name


def simulate(
    scenario: str | Path,
    days: float = 30.0,
    seed: int = 0,
    replications_count: int = 1,
    warmup_days: float = 0.0,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> tuple[dict[str, Any], Any]:
    """Simulate a terminal: the first replication's result, with KPI means and confidence intervals over ``replications_count`` runs.

    Returns
    -------
    (dict, SimulationResult)
        The document, and the first replication's result (for plots).
    """
    from ..compare import replicate, summarize
    from ..simulation import simulate as run
    from ..terminal import load_scenario

    model = load_scenario(scenario)
    first = run(model, days, seed, warmup_days)
    document: dict[str, Any] = first.to_dict(include_vessels=False)
    if replications_count > 1:
        table = replicate(model, days, replications_count, seed, warmup_days, progress, executor)
        summary = summarize(table)
        document["kpis"] = {k: v["mean"] for k, v in summary.items()}
        document["confidence_intervals"] = summary
        document["replications"] = replications_count
    elif progress is not None:
        progress(1, 1)
    document["berth_plan"] = first.to_dict()["gantt"]
    return jsonable(document), first


def compare_fleets(
    scenario: str | Path,
    policies: str | Sequence[str] | None = None,
    fleet: str | Sequence[int] | None = None,
    replications_count: int = 5,
    hours: float = 8.0,
    seed: int = 0,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """AGV dispatch policies and fleet sizes of one scenario compared with common random numbers.

    ``policies`` and ``fleet`` are lists or comma-separated text (``"nearest,lookahead"``, ``"11,22,44"``);
    by default every policy at the scenario's own fleet size.

    Returns
    -------
    dict
        :func:`gwangyang.port.fleet_compare.compare_fleets`'s document: ``runs`` (KPI means with 95 % intervals per
        policy and fleet size), ``differences`` between policies, the fleet-size ``curve`` and the ``warnings``
        (why an interval is missing: null limits).
    """
    from ..agv_dispatch import DISPATCH
    from ..agv_plan import plan_from_scenario
    from ..fleet_compare import compare_fleets as run_fleets
    from ..terminal import load_scenario

    plan = plan_from_scenario(load_scenario(scenario))
    if policies is None:
        names = list(DISPATCH)
    elif isinstance(policies, str):
        names = [p.strip() for p in policies.split(",") if p.strip()]
    else:
        names = list(policies)
    if fleet is None:
        sizes = [plan.agvs]
    elif isinstance(fleet, str):
        try:
            sizes = [int(n) for n in fleet.split(",")]
        except ValueError:
            raise InputError(f"--fleet: expected whole numbers separated by commas, got {fleet!r}") from None
    else:
        sizes = [int(n) for n in fleet]
    result: dict[str, Any] = jsonable(
        run_fleets(plan, names, sizes, replications_count, hours, seed, progress=progress)
    )
    return result


def compare(
    a: str | Path,
    b: str | Path,
    days: float = 30.0,
    replications_count: int = 5,
    seed: int = 0,
    warmup_days: float = 0.0,
    executor: Executor | None = None,
    progress: Progress | None = None,
    level: float = 0.95,
) -> dict[str, Any]:
    """Simulate both scenarios with the same seeds (common random numbers) and compare their KPIs.

    The ``2 x replications_count`` simulations are independent items of ``executor``.

    Returns
    -------
    dict
        ``a``, ``b``, ``days``, ``replications``, ``level`` and per KPI its unit, A and B means, B - A with its
        confidence interval and the relative change.
    """
    from ..compare import compare as run
    from ..terminal import load_scenario

    comparison = run(
        load_scenario(a),
        load_scenario(b),
        days,
        replications_count,
        seed,
        warmup_days,
        level,
        progress,
        executor,
    )
    result: dict[str, Any] = jsonable(comparison.to_dict())
    return result


def plot_simulation(result: Any, path: Path) -> Path:
    """Queue, berth occupancy and yard of a simulation's first days, as a PNG."""
    from ..plots import plot_simulation as draw

    return draw(result, path)
