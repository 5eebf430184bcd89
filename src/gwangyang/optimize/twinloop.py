"""The closed loop on the PyBaMM twin: try the optimiser on simulated cells before spending cycler time.

The objective of a protocol is the twin's :meth:`~gwangyang.battery.twin.TwinResult.lli_life` (cycles
until 20 % of the lithium inventory is lost, at the rate of the first few cycles): deterministic, and
cached by the twin, so a dense grid and a loop over the same space share simulations.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .bayesopt import BatchBayesOpt, Observation
from .space import SearchSpace
from .twin_protocol import point_protocol, space_protocol_check


def twin_objective(
    params: dict[str, Any],
    cycles: int = 2,
    config: Any = None,
    cache_dir: str | Path | None = None,
    source: str = "space",
) -> float:
    """The twin's LLI life of a point's protocol (:func:`~.twin_protocol.point_protocol`; warnings: :func:`twin_evaluation`)."""
    return twin_evaluation(params, cycles, config, cache_dir, source)[0]


def twin_evaluation(
    params: dict[str, Any],
    cycles: int = 2,
    config: Any = None,
    cache_dir: str | Path | None = None,
    source: str = "space",
    derived: Collection[str] = (),
    start_c: float = 1.0,
) -> tuple[float, list[str]]:
    """The twin's LLI life of a point's protocol and the twin's warnings.

    The point (parameters and derived columns) is read as a protocol by
    :func:`~.twin_protocol.point_protocol`: Attia's ``cc1``-``cc3`` (CC4 the point's own, e.g. a space's derived
    ``cc4`` of another charge time, else the one of the 10-minute charge), ``cc1``..``ccN`` with the steps' ends
    ``soc1``.. and the window ``soc_from``/``soc_to``, or a text ``protocol``.

    The warnings are the config's voltages beyond its parameter set's cut-offs
    (:func:`~gwangyang.battery.twin_limits.limit_warnings`), the CC steps that ended on ``charge_limit_v``
    (:func:`~gwangyang.battery.twin_steps.cc_limit_warnings`; the value is then of a protocol that charged
    less than it says) and a start short of the window's ``FROM`` (:mod:`~gwangyang.battery.twin_start`), reached
    from the discharged cell at ``start_c`` C.

    Raises
    ------
    InputError
        A point the twin cannot run, in one line naming ``source`` and the parameter.
    """
    from ..battery.twin import simulate
    from ..battery.twin_config import DEFAULT_CONFIG, TwinConfig
    from ..battery.twin_limits import limit_warnings

    protocol = point_protocol(params, source, derived)
    config = config or TwinConfig.from_file(DEFAULT_CONFIG)
    warnings = limit_warnings(config)
    result = simulate(protocol, cycles=cycles, config=config, cache_dir=cache_dir, start_c=start_c)
    return result.lli_life(), [*warnings, *result.warnings]


def twin_results(
    suggestions: list[dict[str, Any]],
    cycles: int = 2,
    config: Any = None,
    cache_dir: str | Path | None = None,
    source: str = "space",
    start_c: float = 1.0,
) -> list[dict[str, Any]]:
    """Rows ``{id, value, warnings}`` of a campaign's suggestions (``{id, params, derived}``) simulated on the twin.

    Every suggestion is read as a protocol before the first simulation (a space the twin cannot run is refused
    without simulating any; so is a ``start_c`` the twin does not run). Recorded with ``source="twin"``
    (:meth:`~gwangyang.optimize.campaign.Campaign.record`), the warnings stay with the round: the campaign's
    status lists them.
    """
    from ..battery.twin_start import check_start_rate

    start_c = check_start_rate(start_c)
    for s in suggestions:
        point_protocol({**s["params"], **s.get("derived", {})}, source, set(s.get("derived", {})))
    rows = []
    for s in suggestions:
        derived = s.get("derived", {})
        value, warnings = twin_evaluation(
            {**s["params"], **derived}, cycles, config, cache_dir, source, set(derived), start_c
        )
        rows.append({"id": s["id"], "value": value, "warnings": warnings})
    return rows


def space_objective(
    space: SearchSpace, cycles: int = 2, config: Any = None, cache_dir: str | Path | None = None
) -> Callable[[dict[str, Any]], float]:
    """The twin's LLI life as the objective of a space's points (for :func:`dense_grid` and :func:`twin_loop`).

    Raises
    ------
    InputError
        A space the twin cannot run, naming its file and the parameter, before any simulation.
    """
    space_protocol_check(space.names, list(space.derived), space.source)
    derived = set(space.derived)

    def objective(point: dict[str, Any]) -> float:
        return twin_evaluation(point, cycles, config, cache_dir, space.source, derived)[0]

    return objective


def dense_grid(
    space: SearchSpace,
    objective: Callable[[dict[str, Any]], float],
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """The objective at every point of a discrete space (column ``value``); points carry their derived columns."""
    grid = space.grid()
    values = []
    for i, row in enumerate(grid[[*space.names, *space.derived]].to_dict("records")):
        values.append(objective({str(k): v for k, v in row.items()}))
        if progress is not None:
            progress(i + 1, len(grid))
    return grid.assign(value=values)


@dataclass
class TwinLoopResult:
    """A loop's recommendation, its objective, and how many simulations it used."""

    recommended: dict[str, Any]
    value: float
    simulations: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return dict(self.__dict__)


def twin_loop(
    space: SearchSpace,
    objective: Callable[[dict[str, Any]], float],
    batch: int = 3,
    rounds: int = 3,
    seed: int = 0,
    kappa: float = 2.0,
) -> TwinLoopResult:
    """Batched BO on the twin; recommends the best protocol simulated (the twin is noise-free)."""
    bo = BatchBayesOpt(space, kappa=kappa, seed=seed, allow_repeats=False)
    observations: list[Observation] = []
    for r in range(rounds):
        for s in bo.suggest(observations, batch, r):
            value = objective({**s.params, **s.derived})
            observations.append(Observation(s.id, s.params, value, 0.0, r, "twin"))
    sign = 1.0 if space.direction == "maximize" else -1.0
    best = max(observations, key=lambda o: sign * o.value)
    return TwinLoopResult(best.params, best.value, len(observations))
