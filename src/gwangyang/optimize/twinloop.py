"""The closed loop on the PyBaMM twin: try the optimiser on simulated cells before spending cycler time.

The objective of a protocol is the twin's :meth:`~gwangyang.battery.twin.TwinResult.lli_life` (cycles
until 20 % of the lithium inventory is lost, at the rate of the first few cycles): deterministic, and
cached by the twin, so a dense grid and a loop over the same space share simulations.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..battery.protocols import ChargingProtocol
from ..errors import InputError
from .bayesopt import BatchBayesOpt, Observation
from .space import SearchSpace


def twin_objective(
    params: dict[str, Any], cycles: int = 2, config: Any = None, cache_dir: str | Path | None = None
) -> float:
    """The twin's LLI life of a protocol ``{"cc1", "cc2", "cc3"[, "cc4"]}`` (its warnings: :func:`twin_evaluation`)."""
    return twin_evaluation(params, cycles, config, cache_dir)[0]


def twin_evaluation(
    params: dict[str, Any], cycles: int = 2, config: Any = None, cache_dir: str | Path | None = None
) -> tuple[float, list[str]]:
    """The twin's LLI life of a protocol ``{"cc1", "cc2", "cc3"[, "cc4"]}`` and the twin's warnings.

    The warnings are the config's voltages beyond its parameter set's cut-offs
    (:func:`~gwangyang.battery.twin_limits.limit_warnings`) and the CC steps that ended on ``charge_limit_v``
    (:func:`~gwangyang.battery.twin_steps.cc_limit_warnings`): the value is then of a protocol that charged
    less than it says.

    CC4 is the point's own (a space's derived ``cc4``, e.g. of another charge time) when given, else
    the one of Attia's 10-minute charge.

    Raises
    ------
    InputError
        The point has no ``cc1``, ``cc2`` or ``cc3`` (a space that is not of charging protocols).
    """
    from ..battery.twin import simulate
    from ..battery.twin_config import DEFAULT_CONFIG, TwinConfig
    from ..battery.twin_limits import limit_warnings

    missing = [k for k in ("cc1", "cc2", "cc3") if k not in params]
    if missing:
        raise InputError(
            f"twin objective: the space needs C-rate parameters cc1, cc2, cc3 (and may derive cc4); "
            f"{', '.join(missing)} missing among {', '.join(map(str, params))}."
        )
    more = sorted(k for k in params if re.fullmatch(r"cc([5-9]|\d\d+)", str(k)))
    if more:
        # A space of more steps was simulated as its first four, without a word.
        raise InputError(
            f"twin objective: the twin loop runs Attia's four steps of 20 % SOC (cc1-cc4); {', '.join(more)} "
            "cannot be simulated there (`gwangyang battery twin simulate` takes other steps as RATES@FROM-TO)."
        )
    rates = [float(params[k]) for k in ("cc1", "cc2", "cc3")]
    if "cc4" in params:
        cc4 = float(params["cc4"])
        if not (math.isfinite(cc4) and cc4 > 0):
            raise InputError(f"twin objective: cc4 = {cc4!r}; expected a positive C-rate.")
        protocol = ChargingProtocol(rates[0], rates[1], rates[2], cc4)
    else:
        protocol = ChargingProtocol.from_rates(*rates)
    config = config or TwinConfig.from_file(DEFAULT_CONFIG)
    warnings = limit_warnings(config)
    result = simulate(protocol, cycles=cycles, config=config, cache_dir=cache_dir)
    return result.lli_life(), [*warnings, *result.warnings]


def twin_results(
    suggestions: list[dict[str, Any]],
    cycles: int = 2,
    config: Any = None,
    cache_dir: str | Path | None = None,
) -> list[dict[str, Any]]:
    """Rows ``{id, value, warnings}`` of a campaign's suggestions (``{id, params, derived}``) simulated on the twin.

    Recorded with ``source="twin"`` (:meth:`~gwangyang.optimize.campaign.Campaign.record`), the warnings stay
    with the round: the campaign's status lists them.
    """
    rows = []
    for s in suggestions:
        value, warnings = twin_evaluation({**s["params"], **s.get("derived", {})}, cycles, config, cache_dir)
        rows.append({"id": s["id"], "value": value, "warnings": warnings})
    return rows


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
