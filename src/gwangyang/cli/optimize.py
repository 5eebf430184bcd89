"""``gwangyang optimize``: closed-loop batched Bayesian optimisation; ``gwangyang battery twin``: the PyBaMM twin."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import InputError
from .common import err_console, print_json

app = typer.Typer(
    help="Closed-loop optimisation: propose the next batch of experiments, record results, resume.",
    no_args_is_help=True,
)
twin_app = typer.Typer(help="PyBaMM twin: simulate cells under a charging protocol.", no_args_is_help=True)

StateOpt = Annotated[Path, typer.Option("--state", help="Campaign folder (holds state.json).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]


def _space(spec: str) -> Any:
    from ..optimize.space import SPACES_DIR, SearchSpace, shipped_space

    path = Path(spec)
    if path.is_file():
        return SearchSpace.from_file(path)
    if (SPACES_DIR / f"{spec}.toml").is_file():
        return shipped_space(spec)
    raise InputError(f"{spec}: no such space file (nor a shipped space such as attia2020).")


def _show_suggestions(suggestions: list[dict[str, Any]]) -> None:
    for s in suggestions:
        params = ", ".join(
            f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in s["params"].items()
        )
        mean = "" if s.get("mean") is None else f"  mean {s['mean']:.4g} ± {s['std']:.3g}"
        err_console.print(f"{s['id']}: {params}{mean}", markup=False, highlight=False)


@app.command("init")
def init_command(
    space_file: Annotated[str, typer.Argument(help="Space TOML file, or a shipped space name (attia2020).")],
    state: StateOpt,
    batch: Annotated[int, typer.Option("--batch", help="Experiments per round (parallel channels).")] = 8,
    rounds: Annotated[int, typer.Option("--rounds", help="Budget in rounds.")] = 4,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the first design and the surrogate.")] = 0,
    kappa: Annotated[float, typer.Option("--kappa", help="UCB exploration weight.")] = 2.0,
    history: Annotated[
        Path | None, typer.Option("--history", help="CSV of past experiments (parameters and objective).")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Start a campaign in a folder from a search-space file."""
    from ..optimize.campaign import Campaign
    from ..optimize.process import history_observations, read_table

    space = _space(space_file)
    past = None if history is None else history_observations(space, read_table(history), source=str(history))
    campaign = Campaign.create(
        state, space, seed=seed, batch_size=batch, rounds=rounds, kappa=kappa, history=past
    )
    status = campaign.status()
    if json_out:
        print_json(status)
    else:
        err_console.print(
            f"campaign {space.name} in {state}: {rounds} round(s) of {batch}; {len(past or [])} past experiment(s)",
            markup=False,
        )


@app.command("suggest")
def suggest_command(
    state: StateOpt,
    batch: Annotated[int | None, typer.Option("--batch", help="Size of this round's batch.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """The open round's batch of experiments (proposing one when no round is open)."""
    from ..optimize.campaign import Campaign

    campaign = Campaign.open(state)
    suggestions = [s.to_dict() for s in campaign.suggest(batch)]
    if json_out:
        print_json({"round": campaign.state.round, "suggestions": suggestions})
    else:
        _show_suggestions(suggestions)


@app.command("observe")
def observe_command(
    state: StateOpt,
    results_file: Annotated[
        Path, typer.Argument(help="CSV or JSON: id, value (or the objective), optional std.")
    ],
    source: Annotated[
        str, typer.Option("--source", help="measured or predicted (early prediction).")
    ] = "measured",
    json_out: JsonOpt = False,
) -> None:
    """Record results of the open round's suggestions (all rows checked before any is kept)."""
    from ..optimize.campaign import Campaign, read_results

    campaign = Campaign.open(state)
    new = campaign.observe(read_results(results_file), source=source)
    out = {"recorded": len(new), "round": campaign.state.round, "pending": [s.id for s in campaign.pending]}
    if json_out:
        print_json(out)
    else:
        err_console.print(f"recorded {len(new)} result(s); round {campaign.state.round}", markup=False)


@app.command("status")
def status_command(state: StateOpt, json_out: JsonOpt = False) -> None:
    """Rounds done, best observed, the surrogate's recommendation, pending suggestions."""
    from ..optimize.campaign import Campaign

    status = Campaign.open(state).status()
    if json_out:
        print_json(status)
        return
    err_console.print(
        f"{status['space']}: round {status['round']} of {status['rounds']}, {status['observations']} observation(s)",
        markup=False,
    )
    if status["recommended"]:
        err_console.print(f"recommended: {status['recommended']}", markup=False, highlight=False)


@app.command("propose")
def propose_command(
    table: Annotated[
        Path, typer.Argument(help="CSV of past experiments: parameter columns and the objective.")
    ],
    objective: Annotated[str, typer.Option("--objective", help="Column of the measured objective.")],
    batch: Annotated[int, typer.Option("--batch", help="Experiments to propose.")] = 4,
    space_file: Annotated[
        str | None, typer.Option("--space", help="Space file; default: the table's ranges and categories.")
    ] = None,
    minimize: Annotated[bool, typer.Option("--minimize", help="Lower objective is better.")] = False,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    json_out: JsonOpt = False,
) -> None:
    """Propose the next batch of process experiments from a table of past ones."""
    from ..optimize.process import propose, read_table

    data = read_table(table)
    space = None if space_file is None else _space(space_file)
    out = propose(
        data,
        objective,
        batch=batch,
        space=space,
        direction="minimize" if minimize else "maximize",
        seed=seed,
        source=str(table),
    )
    if json_out:
        print_json(out)
    else:
        _show_suggestions(out["suggestions"])


@app.command("replay")
def replay_command(
    clo: Annotated[Path, typer.Option("--clo", help="Attia et al. 2020 CLO data folder (pred/, batch/).")],
    seeds: Annotated[int, typer.Option("--seeds", help="Random-search seeds (median reported).")] = 20,
    bo_seeds: Annotated[int, typer.Option("--bo-seeds", help="Seeds of our loop.")] = 3,
    rounds: Annotated[int, typer.Option("--rounds")] = 4,
    batch: Annotated[int, typer.Option("--batch")] = 48,
    json_out: JsonOpt = False,
) -> None:
    """Replay Attia's closed loop against an oracle of its recorded early predictions."""
    import numpy as np

    from ..optimize.replay import ATTIA_RECOMMENDED, build_oracle, replay_bo, replay_random

    if seeds < 1 or bo_seeds < 1:
        raise InputError("--seeds and --bo-seeds: expected at least 1.")
    if not clo.is_dir():
        raise InputError(f"{clo}: no such CLO data folder.")
    oracle = build_oracle(clo)
    ours = [replay_bo(oracle, rounds=rounds, batch=batch, seed=s, track=True) for s in range(bo_seeds)]
    random = [replay_random(oracle, rounds * batch, seed=s) for s in range(seeds)]
    attia = dict(zip(("cc1", "cc2", "cc3"), ATTIA_RECOMMENDED, strict=True))
    out = {
        "oracle": oracle.to_dict(),
        "experiments": rounds * batch,
        "ours": [r.to_dict() for r in ours],
        "ours_median_rank": float(np.median([r.rank for r in ours])),
        "attia_rank": oracle.rank(attia),
        "random_median_rank": float(np.median([r.rank for r in random])),
    }
    if json_out:
        print_json(out)
    else:
        err_console.print(
            f"rank among {len(oracle.table)} (1 = best): ours {out['ours_median_rank']:g}, "
            f"Attia {out['attia_rank']}, random {out['random_median_rank']:g}",
            markup=False,
        )


@twin_app.command("simulate")
def twin_simulate_command(
    protocol: Annotated[
        str, typer.Argument(help="CC1-CC2-CC3 (CC4 from 10 minutes) or CC1-CC2-CC3-CC4, in C.")
    ],
    cycles: Annotated[int, typer.Option("--cycles", help="Cycles to simulate.")] = 3,
    cells: Annotated[int, typer.Option("--cells", help="Cells (each with its own parameter variation).")] = 1,
    store: Annotated[
        Path | None, typer.Option("--store", help="Store to cache and ingest into (default: no store).")
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="Twin TOML config (model, parameters).")
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", help="SPM, SPMe or DFN (overrides the config).")
    ] = None,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    json_out: JsonOpt = False,
) -> None:
    """Simulate cells under a charging protocol with SEI growth and lithium plating."""
    from ..battery.twin import DEFAULT_CONFIG, TwinConfig, simulate_cells
    from ..store import Store

    cfg = TwinConfig.from_file(config or DEFAULT_CONFIG)
    if model is not None:
        cfg = cfg.with_model(model)
    results = simulate_cells(
        protocol,
        cycles=cycles,
        cells=cells,
        config=cfg,
        seed=seed,
        store=None if store is None else Store(store),
    )
    out = {"cells": [r.to_dict() for r in results]}
    if json_out:
        print_json(out)
    else:
        for r in results:
            last = r.cycles.iloc[-1]
            err_console.print(
                f"{r.cell_id}: {len(r.cycles)} cycle(s), last discharge {last['discharge_capacity_ah']:.4f} Ah, "
                f"LLI {last['lli_percent']:.4f} %{' (cached)' if r.cached else ''}",
                markup=False,
            )
