"""The optimisation use cases, once: spaces, process proposals, campaigns (start, suggest, observe, status), the campaigns kept in the store, and the demo's replayed round.

A campaign lives in a folder: the CLI names it with ``--state``; the API and the pages name a campaign kept in
the store (``optimize/campaigns/<name>``, :func:`campaign_folder`). Both reach the same functions and documents.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import GwangyangError, InputError, NotFoundError
from ..files import jsonable
from ..store import Store, artifacts

DEFAULT_SPACE = "attia2020"
"""The shipped space a campaign starts from when none is named."""


def shipped_spaces() -> list[str]:
    """Names of the shipped search spaces."""
    from .space import SPACES_DIR

    return sorted(p.stem for p in SPACES_DIR.glob("*.toml"))


def describe_spaces() -> dict[str, Any]:
    """Every shipped space as a space document, with its number of feasible grid points."""
    from .space import shipped_space

    out = {}
    for name in shipped_spaces():
        space = shipped_space(name)
        out[name] = {**space.to_dict(), "feasible_points": len(space.grid())}
    result: dict[str, Any] = jsonable(out)
    return result


def resolve_space(spec: Any, allow_files: bool = False) -> Any:
    """The :class:`~gwangyang.optimize.space.SearchSpace` ``spec`` names: a shipped name, a space document, or (``allow_files``: the CLI only; a request never names a server file) a TOML file."""
    from .space import SearchSpace, shipped_space

    if isinstance(spec, dict):
        return SearchSpace.from_dict(spec, source="space")
    if not isinstance(spec, str):
        raise InputError("space: expected a shipped space name or a space document.")
    if allow_files and Path(spec).is_file():
        return SearchSpace.from_file(Path(spec))
    if spec in shipped_spaces():
        return shipped_space(spec)
    if allow_files:
        raise InputError(f"{spec}: no such space file (nor a shipped space such as {DEFAULT_SPACE}).")
    return shipped_space(spec)


def propose(
    table: Any,
    objective: str | None,
    batch: int = 4,
    space: Any = None,
    direction: str = "maximize",
    seed: int = 0,
    source: str = "table",
) -> dict[str, Any]:
    """The next batch of process experiments after a table of past ones, and the surrogate's best point."""
    import pandas as pd

    from .process import propose as run

    if isinstance(table, Path):
        from .process import read_table

        table = read_table(table)
    elif isinstance(table, list):
        if not table:
            raise InputError("rows: expected a non-empty list of experiments.")
        table = pd.DataFrame(table)
    if not isinstance(objective, str):
        raise InputError("objective: expected the name of the objective column.")
    result: dict[str, Any] = jsonable(
        run(table, objective, batch=batch, space=space, direction=direction, seed=seed, source=source)
    )
    return result


def campaign_folder(store: Store, name: str) -> Path:
    """The folder of the campaign ``name`` kept in the store."""
    return artifacts.campaign_dir(store, name)


def _require(folder: Path) -> None:
    from .campaign import STATE_FILE

    if not (folder / STATE_FILE).is_file():
        raise NotFoundError(f"campaign {folder.name!r}: no such campaign.")


def _open(folder: Path) -> Any:
    from .campaign import Campaign

    _require(folder)
    return Campaign.open(folder)


LOCK_WAIT_S = 120.0
"""How long a change waits for another (a suggestion fits a GP: seconds)."""


def _changing(folder: Path) -> Any:
    """A lock held while a campaign is opened, changed and saved.

    Without it two requests that record results at once each read the state, add their own rows and
    save: the second save drops the first's results.
    """
    from ..store.lock import WriteLock
    from .campaign import CAMPAIGN_LOCK

    _require(folder)  # a missing campaign is refused before the lock would make its folder
    return WriteLock(folder, wait=LOCK_WAIT_S, name=CAMPAIGN_LOCK, what=f"campaign {folder.name!r}")


def create_campaign(
    folder: Path,
    space: Any,
    batch: int = 8,
    rounds: int = 4,
    seed: int = 0,
    kappa: float = 2.0,
    history: Path | None = None,
) -> dict[str, Any]:
    """Start a campaign in ``folder``; its status (with ``history`` past experiments, when given)."""
    from .campaign import Campaign
    from .process import history_observations, read_table, unused_columns

    past, notes = None, []
    if history is not None:
        table = read_table(history)
        past = history_observations(space, table, source=str(history))
        notes = unused_columns(table, space, space.objective, str(history))
    campaign = Campaign.create(
        folder, space, seed=seed, batch_size=batch, rounds=rounds, kappa=kappa, history=past, notes=notes
    )
    result: dict[str, Any] = jsonable(campaign.status())
    return result


def campaign_status(folder: Path) -> dict[str, Any]:
    """Rounds, best observed, the surrogate's recommendation, pending suggestions."""
    result: dict[str, Any] = jsonable(_open(folder).status())
    return result


def suggest(folder: Path, batch: int | None = None) -> dict[str, Any]:
    """The open round's batch (proposing a new round when none is open): ``{"round", "suggestions"}``."""
    with _changing(folder):
        campaign = _open(folder)
        suggestions = [s.to_dict() for s in campaign.suggest(batch)]
    result: dict[str, Any] = jsonable({"round": campaign.state.round, "suggestions": suggestions})
    return result


def observe(
    folder: Path, results: Sequence[dict[str, Any]] | Path, source: str = "measured"
) -> dict[str, Any]:
    """Record results of the open round's suggestions (all rows checked before any is kept).

    ``results``: rows ``{id, value[, std]}``, or a CSV or JSON file of them.
    """
    from .results import read_results

    rows: Any = read_results(results) if isinstance(results, Path) else list(results)
    where = str(results) if isinstance(results, Path) else "results"
    if len(rows) == 0:
        raise InputError(f"{where}: expected a non-empty list of {{id, value[, std]}}.")
    with _changing(folder):
        campaign = _open(folder)
        checked = campaign.record(rows, source=source, where=where)
    return {
        "recorded": len(checked.observations),
        "failed": checked.failed,
        "round": campaign.state.round,
        "pending": [s.id for s in campaign.pending],
        "warnings": [f"{ident}: {line}" for ident, lines in checked.warnings.items() for line in lines],
    }


def observe_twin(
    folder: Path,
    cycles: int = 2,
    config: Path | None = None,
    cache_dir: Path | None = None,
    start_c: float = 1.0,
) -> dict[str, Any]:
    """Simulate the open round's pending suggestions on the PyBaMM twin and record them (``source="twin"``).

    The twin's warnings (voltages beyond the parameter set's cut-offs, CC steps that ended on ``charge_limit_v``)
    are kept with the round: the answer's ``warnings`` and the status's ``warnings`` list them. ``start_c`` is the
    C-rate of the charge to a protocol's ``FROM`` (:func:`~gwangyang.battery.twin_start.check_start_rate`).

    Raises
    ------
    InputError
        No pending suggestion (run ``suggest`` first), a space the twin cannot run (named with the parameter:
        :func:`~.twin_protocol.point_protocol`), or a bad config.
    """
    from ..battery.twin_config import TwinConfig
    from .twinloop import twin_results

    campaign = _open(folder)
    pending = [s.to_dict() for s in campaign.pending]
    if not pending:
        raise InputError(f"campaign {folder.name!r}: no pending suggestion to simulate; run suggest first.")
    cfg = None if config is None else TwinConfig.from_file(config)
    where = f"space {campaign.space.name!r}"
    return observe(folder, twin_results(pending, cycles, cfg, cache_dir, where, start_c), source="twin")


def campaigns(store: Store) -> list[dict[str, Any]]:
    """Status of every campaign kept in the store with its observed ``values`` (round, value).

    A broken campaign is listed with its error, its files named from the store (``campaigns/<name>/state.json``).
    """
    from .campaign import STATE_FILE, Campaign

    out = []
    for name in artifacts.campaign_names(store, STATE_FILE):
        try:
            campaign = Campaign.open(campaign_folder(store, name))
            values = [{"round": o["round"], "value": o["value"]} for o in campaign.state.observations]
            out.append({"name": name, **campaign.status(), "values": values})
        except GwangyangError as exc:
            # named from the store (campaigns/<name>/state.json): the API and the pages never show its folder
            out.append({"name": name, "error": str(exc).replace(str(store.root) + os.sep, "")})
    result: list[dict[str, Any]] = jsonable(out)
    return result


def replay_attia(
    clo: Path, seeds: int = 20, bo_seeds: int = 3, rounds: int = 4, batch: int = 48
) -> dict[str, Any]:
    """Replay Attia's closed loop against an oracle of its recorded early predictions, beside random search."""
    import numpy as np

    from .replay import ATTIA_RECOMMENDED, build_oracle, replay_bo, replay_random

    if seeds < 1 or bo_seeds < 1:
        raise InputError("--seeds and --bo-seeds: expected at least 1.")
    if not clo.is_dir():
        raise InputError(f"{clo}: no such CLO data folder.")
    oracle = build_oracle(clo)
    ours = [replay_bo(oracle, rounds=rounds, batch=batch, seed=s, track=True) for s in range(bo_seeds)]
    random = [replay_random(oracle, rounds * batch, seed=s) for s in range(seeds)]
    attia = dict(zip(("cc1", "cc2", "cc3"), ATTIA_RECOMMENDED, strict=True))
    result: dict[str, Any] = jsonable(
        {
            "oracle": oracle.to_dict(),
            "experiments": rounds * batch,
            "ours": [r.to_dict() for r in ours],
            "ours_median_rank": float(np.median([r.rank for r in ours])),
            "attia_rank": oracle.rank(attia),
            "random_median_rank": float(np.median([r.rank for r in random])),
        }
    )
    return result


def demo_campaign(store: Store, name: str = "attia-replay", batch: int = 48) -> dict[str, Any]:
    """Start a campaign in the store on the shipped Attia space and run one round against the shipped oracle of recorded early predictions (Attia et al. 2020): the campaign the Optimize page shows after the demo.

    Returns
    -------
    dict
        The campaign's status after the round, the oracle's size, and the rank of the recommendation among
        the oracle's protocols (1 = best).
    """
    from ..samples import sample_dir
    from .replay import build_oracle

    oracle = build_oracle(sample_dir("optimize") / "clo")
    folder = campaign_folder(store, name)
    create_campaign(folder, resolve_space(DEFAULT_SPACE), batch=batch, rounds=4, seed=0)
    first = suggest(folder)
    results = [
        {"id": s["id"], "value": oracle.life(s["params"]), "std": oracle.noise} for s in first["suggestions"]
    ]
    observe(folder, results, source="predicted")
    status = campaign_status(folder)
    recommended = status.get("recommended") or {}
    params = recommended.get("params") if isinstance(recommended, dict) else None
    return {
        "campaign": name,
        "protocols": len(oracle.table),
        "round_0_tested": len(results),
        "status": status,
        "recommended_rank": oracle.rank(params) if params else None,
    }
