"""A PyBaMM twin: a cell cycled under a charging protocol, with SEI growth, lithium plating and cell-to-cell variation.

The twin runs a PyBaMM model (SPM, SPMe or DFN) of the parameter set and degradation options a
TOML file names (default: :data:`DEFAULT_CONFIG`, an A123 LFP cell (Prada2013) with O'Kane et al.
2022's solvent-diffusion-limited SEI and partially reversible plating). Each cycle charges with Attia's
four constant-current steps of 20 % SOC each (``12 / C`` minutes at ``C``; a step also ends at
``charge_limit_v``, reported per cycle and step and warned: :mod:`.twin_steps`), or the steps of a
:class:`~.step_protocol.StepProtocol` from the start of its SOC window (reached in every cycle by a 1 C charge
from the discharged cell: :mod:`.twin_start`), then CC-CV to the upper voltage, rests, and discharges at a constant rate to the
lower voltage, holding it until C/20 (Attia 2020's CC-CV discharge: every cycle starts where the first does,
:func:`~.twin_start.drift_warnings`). Cells differ by log-normal factors on the parameters listed in ``[variation]``,
drawn from ``(seed, cell)``.

The time series (:mod:`.twin_tables`) is written in the canonical schema (:mod:`gwangyang.battery.schema`: positive
current charges, capacities cumulative within a cycle) and ingests into the store like a cycler
file. Every simulation is cached on disk by a hash of all its inputs (protocol, cycles, config,
cell, seed and PyBaMM's version), so asking again costs a file read.

The config file is described in :mod:`.twin_config`.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import GwangyangError, InputError
from ..store import artifacts
from ..written import as_written
from .protocols import ChargingProtocol
from .step_protocol import StepProtocol, parse_protocol
from .twin_config import DEFAULT_CONFIG, TwinConfig
from .twin_limits import cycling_limits, limit_warnings
from .twin_parameters import parameter_values, pybamm_module
from .twin_start import (
    DRIFT_TOLERANCE_PCT,
    START_RATE_C,
    check_start_rate,
    drift_warnings,
    start_steps,
    start_table,
    start_warnings,
)
from .twin_steps import cc_limit_warnings, cc_step_table, check_rates, cycle_columns
from .twin_tables import twin_tables

Protocol = ChargingProtocol | StepProtocol
"""A charging protocol the twin runs: Attia's four steps, or steps over a SOC window."""

TWIN_VERSION = 5
"""Bumped when the twin's output for the same inputs changes (part of the cache key)."""


@dataclass
class TwinResult:
    """One simulated cell: canonical time series, per-cycle summary and what produced them."""

    cell_id: str
    timeseries: pd.DataFrame
    cycles: pd.DataFrame
    meta: dict[str, Any]
    cached: bool = False

    @property
    def warnings(self) -> list[str]:
        """What the simulation did not do as asked (CC steps ended on ``charge_limit_v``: :mod:`.twin_steps`)."""
        return list(self.meta.get("warnings", []))

    def first_cycle_apart(self) -> bool:
        """True when the later cycles started beyond :data:`~.twin_start.DRIFT_TOLERANCE_PCT` from cycle 1's start.

        Then cycle 1 is not one of the series: it charged from the empty cell (PyBaMM's ``initial_soc = 0``), the
        others from where a CC-only discharge left it (``discharge_cv_cutoff_c = 0``: 15.8 % of the nominal capacity
        fuller on the A123 config), and its fade to cycle 2 was less than half the later ones'
        (:mod:`.twin_start`). With the shipped CC-CV discharge every cycle starts within 1.2 % of cycle 1's start.
        False without a ``start_drift_pct`` column.
        """
        if "start_drift_pct" not in self.cycles:
            return False
        drift = self.cycles["start_drift_pct"].to_numpy(dtype="float64")
        return bool(np.any(np.abs(drift[1:]) > DRIFT_TOLERANCE_PCT))

    def life_estimate(self, threshold: float = 0.8) -> float:
        """Cycles to ``threshold`` of the first cycle's discharge capacity, by a least-squares line through the fade.

        Every cycle counts, cycle 1 too: ``n1 + (1 - threshold) q1 / -slope``. Where the later cycles started away
        from cycle 1's start (:meth:`first_cycle_apart`: a CC-only discharge) cycle 1 is left out and the line and
        the reference are cycle 2's on (three cycles at least). Returns ``inf`` when the capacity does not fade.

        Raises
        ------
        InputError
            Fewer than 2 cycles, or 3 where cycle 1 is left out.
        """
        q = self.cycles["discharge_capacity_ah"].to_numpy(dtype="float64")
        n = self.cycles["cycle_index"].to_numpy(dtype="float64")
        if self.first_cycle_apart():
            if len(q) < 3:
                raise InputError(
                    f"{self.cell_id}: a life estimate needs at least 3 cycles here: cycle 1 is left out, the later "
                    f"ones started more than {DRIFT_TOLERANCE_PCT:g} % of the nominal capacity from its start."
                )
            q, n = q[1:], n[1:]
        if len(q) < 2:
            raise InputError(f"{self.cell_id}: a life estimate needs at least 2 cycles.")
        slope = float(np.polyfit(n, q, 1)[0])
        if slope >= 0:
            return float("inf")
        return float(n[0] + (1.0 - threshold) * q[0] / -slope)

    def lli_life(self, threshold: float = 0.8) -> float:
        """Cycles until the loss of lithium inventory reaches ``1 - threshold``, at its mean rate so far.

        Deterministic and smooth in the protocol, so a good objective for a few-cycle twin loop.
        """
        lli = float(self.cycles["lli_percent"].iloc[-1])
        if lli <= 0:
            return float("inf")
        return float(100.0 * (1.0 - threshold) * len(self.cycles) / lli)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (no time series)."""
        return {
            "cell_id": self.cell_id,
            "lli_life": _finite_or_none(self.lli_life()),
            "cached": self.cached,
            "rows": len(self.timeseries),
            "cycles": self.cycles.to_dict("records"),
            "life_estimate": _finite_or_none(self.life_estimate())
            if len(self.cycles) > (2 if self.first_cycle_apart() else 1)
            else None,
            "meta": self.meta,
        }


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def cache_key(
    protocol: Protocol, cycles: int, config: TwinConfig, cell: int, seed: int, start_c: float = START_RATE_C
) -> str:
    """SHA-256 of every input of a simulation (and the twin's and PyBaMM's versions).

    ``start_c`` is part of it for a protocol starting above 0 % SOC only (from 0 % no charge to the start is run).
    """
    from importlib.metadata import version

    document: dict[str, Any] = {
        "protocol": protocol.cache_document(),
        "cycles": int(cycles),
        "config": config.to_dict(),
        "cell": int(cell),
        "seed": int(seed),
        "twin": TWIN_VERSION,
        "pybamm": version("pybamm"),
    }
    if protocol.start_soc > 0:
        document["start_c"] = float(start_c)
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def cell_factors(config: TwinConfig, cell: int, seed: int) -> dict[str, float]:
    """Log-normal multipliers of the varied parameters for one cell (median 1)."""
    rng = np.random.default_rng([int(seed), int(cell)])
    return {k: float(np.exp(rng.normal(0.0, v))) for k, v in sorted(config.variation.items())}


def experiment_steps(
    protocol: Protocol, limits: dict[str, float], start_c: float = START_RATE_C
) -> list[str]:
    """One cycle as PyBaMM experiment steps: each CC step of width ``w`` at ``c`` C lasts ``60 w / c`` minutes.

    A protocol starting above 0 % SOC first charges the discharged cell to its start at ``start_c`` (:mod:`.twin_start`). The
    discharge holds ``lower_voltage_v`` until ``discharge_cv_cutoff_c`` (Attia 2020's CC-CV discharge; none at 0),
    so every cycle starts from the cell the first one starts from (:func:`~.twin_start.drift_warnings`).
    """
    upper, lower = limits["upper_voltage_v"], limits["lower_voltage_v"]
    limit = limits["charge_limit_v"]
    steps = start_steps(protocol, limit, start_c)
    steps += [
        f"Charge at {c:.6g}C for {60 * w / c:.6g} minutes or until {limit:g} V" for c, w in protocol.steps()
    ]
    steps += [
        f"Charge at 1C until {upper:g} V",
        f"Hold at {upper:g} V until C/{1 / limits['cv_cutoff_c']:.6g}",
        f"Rest for {limits['rest_min']:g} minutes",
        f"Discharge at {limits['discharge_c']:.6g}C until {lower:g} V",
    ]
    if limits["discharge_cv_cutoff_c"] > 0:
        # Attia 2020's CC-CV discharge: a CC discharge alone left the A123 SPM 15 % of its capacity (twin_start).
        steps.append(f"Hold at {lower:g} V until C/{1 / limits['discharge_cv_cutoff_c']:.6g}")
    steps.append(f"Rest for {limits['rest_min']:g} minutes")
    return steps


def _run(
    protocol: Protocol, cycles: int, config: TwinConfig, factors: dict[str, float], start_c: float
) -> tuple[Any, float]:
    """The PyBaMM solution and the ``charge_limit_v`` its CC steps ran to."""
    pybamm = pybamm_module()
    values = parameter_values(config, factors)
    # Refuses a window where no cycle can run (the service reports the warnings).
    limit_warnings(config, values)
    try:
        model = getattr(pybamm.lithium_ion, config.model)(options=dict(config.options))
    except pybamm.OptionError as exc:
        raise InputError(f"{config.source}: model.options: {exc}") from exc
    limits = cycling_limits(config, values)
    experiment = pybamm.Experiment(
        [tuple(experiment_steps(protocol, limits, start_c))] * cycles,
        period=f"{limits['period_s']:g} seconds",
    )
    simulation = pybamm.Simulation(model, parameter_values=values, experiment=experiment)
    try:
        # Every cycle starts from the discharged cell and charges to FROM first (the first one too).
        solution = simulation.solve(initial_soc=0.0)
    except pybamm.SolverError as exc:
        raise GwangyangError(f"twin: protocol {protocol.name} failed to simulate: {exc}") from exc
    steps = len(experiment_steps(protocol, limits, start_c))
    # An infeasible step ends the solution early; the last cycle is then cut, not missing.
    complete = 0 if solution is None else len(solution.cycles)
    if complete and len(solution.cycles[-1].steps) < steps:
        complete -= 1
    if complete < cycles:
        raise GwangyangError(
            f"twin: protocol {protocol.name} stopped after {complete} complete of {cycles} cycle(s) (limits of {config.parameter_set})."
        )
    return solution, limits["charge_limit_v"]


def simulate(
    protocol: Protocol | str,
    cycles: int = 3,
    config: TwinConfig | None = None,
    cell: int = 0,
    seed: int = 0,
    cache_dir: str | Path | None = None,
    start_c: float = START_RATE_C,
) -> TwinResult:
    """Simulate one cell under a protocol (or read it from the cache).

    Parameters
    ----------
    protocol
        A :class:`ChargingProtocol`, a :class:`~.step_protocol.StepProtocol`, or the text of either
        (``"4.8-5.2-5.2"``, ``"6-5-4-3-2@0-80"``).
    cycles
        Number of cycles.
    config
        Model and parameters; default: :data:`DEFAULT_CONFIG`.
    cell, seed
        Which cell of the variation (with ``[variation]`` in the config, cells differ).
    cache_dir
        Folder of the cache (``STORE/twin-cache``); None: no cache.
    start_c
        C-rate of the charge from the discharged cell to a ``RATES@FROM-TO`` protocol's ``FROM`` (default 1 C;
        from C/20 to 10 C, :func:`~.twin_start.check_start_rate`).

    Raises
    ------
    InputError
        A bad protocol, cycle count or config.
    GwangyangError
        PyBaMM could not run the protocol to the end.
    """
    if isinstance(protocol, str):
        protocol = parse_protocol(protocol)
    check_rates(protocol)
    if not isinstance(cycles, int) or cycles < 1:
        raise InputError(f"cycles: expected a positive whole number, got {as_written(cycles)}.")
    if cell < 0:
        raise InputError(f"cell: expected an index >= 0, got {as_written(cell)}.")
    start_c = check_start_rate(start_c)
    config = config or TwinConfig.from_file(DEFAULT_CONFIG)
    key = cache_key(protocol, cycles, config, cell, seed, start_c)
    cell_id = f"twin-{key[:16]}"
    cache = None if cache_dir is None else Path(cache_dir)
    if cache is not None and (cache / f"{key}.json").is_file():
        meta = json.loads((cache / f"{key}.json").read_text())
        return TwinResult(
            cell_id,
            pd.read_parquet(cache / f"{key}.parquet"),
            pd.DataFrame(meta.pop("cycles")),
            meta,
            cached=True,
        )
    factors = cell_factors(config, cell, seed)
    solution, limit_v = _run(protocol, cycles, config, factors, start_c)
    # The config's own capacity where it overrides the set's (the C-rates were taken from it too).
    nominal = float(parameter_values(config)["Nominal cell capacity [A.h]"])
    ts, table = twin_tables(solution, nominal)
    steps = cc_step_table(solution, protocol, nominal, pybamm_module())
    starts = start_table(solution, protocol, nominal, pybamm_module())
    table = table.merge(starts, on="cycle_index", how="left")
    table = table.merge(cycle_columns(steps, protocol, nominal, starts), on="cycle_index", how="left")
    from importlib.metadata import version

    meta = {
        "cell_id": cell_id,
        "key": key,
        "protocol": protocol.to_dict(),
        "cycles_requested": cycles,
        "config": config.to_dict(),
        "cell": cell,
        "seed": seed,
        "factors": factors,
        "nominal_capacity_ah": nominal,
        "charge_limit_v": limit_v,
        "start_c": start_c,
        "cc_steps": [
            {
                **row,
                "step": int(row["step"]),
                "cycle_index": int(row["cycle_index"]),
                "at_limit": bool(row["at_limit"]),
            }
            for row in steps.to_dict("records")
        ],
        "warnings": [
            *start_warnings(starts, protocol, limit_v, cell, start_c),
            *drift_warnings(starts, protocol, float(config.limits["lower_voltage_v"]), cell),
            *cc_limit_warnings(steps, table, protocol, limit_v, cell),
        ],
        "pybamm": version("pybamm"),
    }
    result = TwinResult(cell_id, ts, table, meta)
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = cache / f"{key}.parquet.tmp"
        ts.to_parquet(tmp, index=False)
        os.replace(tmp, cache / f"{key}.parquet")
        tmp = cache / f"{key}.json.tmp"
        tmp.write_text(json.dumps({**meta, "cycles": table.to_dict("records")}, indent=1))
        os.replace(tmp, cache / f"{key}.json")
    return result


def _column_map(columns: list[str]) -> str:
    """A column map that reads a canonical CSV as it is: each canonical column from its own name."""
    tables = "".join(f'[columns.{name}]\nsource = "{name}"\n' for name in columns)
    return f'name = "pybamm-twin"\n{tables}'


def ingest_twin(result: TwinResult, store: Any) -> dict[str, Any]:
    """Ingest a simulated cell into a store through the ordinary ingest pipeline.

    The time series is written as a canonical CSV in the store's twin cache and read back with a
    column map, so the store holds the cell exactly as it holds a cycler's; ingesting the same
    simulation twice is a no-op (same content hash).
    """
    from .ingest import ingest

    folder = artifacts.twin_cache_dir(store.root) / "csv"
    folder.mkdir(parents=True, exist_ok=True)
    column_map = folder / "canonical.toml"
    column_map.write_text(_column_map(list(result.timeseries.columns)))
    path = folder / f"{result.cell_id}.csv"
    if not path.is_file():
        tmp = folder / f"{result.cell_id}.tmp"
        result.timeseries.to_csv(tmp, index=False, float_format="%.9g")
        os.replace(tmp, path)
    report = ingest([path], store=store, cell_id=result.cell_id, column_map=column_map)
    if report.failed:
        raise GwangyangError(f"twin: ingest of {result.cell_id} failed: {report.failed[0]['error']}")
    return report.to_dict()


def simulate_cells(
    protocol: Protocol | str,
    cycles: int = 3,
    cells: int = 1,
    config: TwinConfig | None = None,
    seed: int = 0,
    store: Any = None,
    start_c: float = START_RATE_C,
) -> list[TwinResult]:
    """Simulate ``cells`` cells (cached in the store's twin cache, and ingested when a store is given).

    ``start_c``: the C-rate of the charge to the protocol's ``FROM`` (:func:`simulate`).
    """
    if cells < 1:
        raise InputError(f"cells: expected at least 1, got {as_written(cells)}.")
    cache = None if store is None else artifacts.twin_cache_dir(store.root)
    out = []
    for cell in range(cells):
        result = simulate(protocol, cycles, config, cell=cell, seed=seed, cache_dir=cache, start_c=start_c)
        if store is not None:
            ingest_twin(result, store)
        out.append(result)
    return out
