"""The PyBaMM twin: simulate cells under a charging protocol."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...files import jsonable
from ...store import Store
from ..step_protocol import MAX_C_RATE
from ..twin_start import MIN_START_RATE_C

if TYPE_CHECKING:
    pass

START_C_RANGE: tuple[float, float] = (MIN_START_RATE_C, MAX_C_RATE)
"""The C-rates ``start_c`` may take, C/20 to 10 C (:func:`~gwangyang.battery.twin_start.check_start_rate`), for the
interfaces' own checks (the API's field bounds)."""


def check_protocol(text: str) -> str:
    """``text`` if it is a charging protocol (``CC1-CC2-CC3``, ``CC1-CC2-CC3-CC4`` or ``RATES@FROM-TO``, in C and % SOC), else an ``InputError``."""
    from ..step_protocol import parse_protocol
    from ..twin_steps import check_rates

    check_rates(parse_protocol(text))  # a step above 10 C is refused before any job
    return text


def simulate_twin(
    protocol: str,
    cycles: int = 3,
    cells: int = 1,
    config: Path | None = None,
    model: str | None = None,
    seed: int = 0,
    store: Store | None = None,
    start_c: float = 1.0,
) -> tuple[dict[str, Any], list[Any]]:
    """Simulate cells on the PyBaMM twin (cached and ingested when a store is given).

    ``start_c`` is the C-rate of the charge from the discharged cell to a ``RATES@FROM-TO`` protocol's ``FROM``
    (:func:`~gwangyang.battery.twin_start.check_start_rate`: from C/20 to 10 C, checked before the config).

    Returns
    -------
    (dict, list)
        ``{"cells": [...], "warnings": [...]}`` (the config's voltages beyond its parameter set's cut-offs,
        :func:`~gwangyang.battery.twin_limits.limit_warnings`; then one line per cell whose CC steps ended on
        ``charge_limit_v``, :func:`~gwangyang.battery.twin_steps.cc_limit_warnings`) and the :class:`~gwangyang.battery.twin.TwinResult` objects.
    """
    from ..twin import simulate_cells
    from ..twin_config import DEFAULT_CONFIG, TwinConfig
    from ..twin_limits import limit_warnings
    from ..twin_start import check_start_rate

    start_c = check_start_rate(start_c)
    cfg = TwinConfig.from_file(config or DEFAULT_CONFIG)
    if model is not None:
        cfg = cfg.with_model(model)
    warnings = limit_warnings(cfg)  # before any simulation: a window where no cycle can run is refused
    results = simulate_cells(
        protocol, cycles=cycles, cells=cells, config=cfg, seed=seed, store=store, start_c=start_c
    )
    warnings += [w for r in results for w in r.warnings]  # CC steps ended on charge_limit_v (per cell)
    return jsonable({"cells": [r.to_dict() for r in results], "warnings": warnings}), results
