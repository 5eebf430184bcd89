"""``gwangyang optimize``: closed-loop batched Bayesian optimisation; ``gwangyang battery twin``: the PyBaMM twin."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..optimize import service
from .common import err_console, print_json

app = typer.Typer(
    help="Closed-loop optimisation: propose the next batch of experiments, record results, resume.",
    no_args_is_help=True,
)
twin_app = typer.Typer(help="PyBaMM twin: simulate cells under a charging protocol.", no_args_is_help=True)

StateOpt = Annotated[Path, typer.Option("--state", help="Campaign folder (holds state.json).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]


def _space(spec: str) -> Any:
    return service.resolve_space(spec, allow_files=True)


def _params_text(params: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in params.items())


def _show_suggestions(suggestions: list[dict[str, Any]]) -> None:
    for s in suggestions:
        mean = "" if s.get("mean") is None else f"  mean {s['mean']:.4g} ± {s['std']:.3g}"
        err_console.print(f"{s['id']}: {_params_text(s['params'])}{mean}", markup=False, highlight=False)


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
    space = _space(space_file)
    status = service.create_campaign(state, space, batch, rounds, seed, kappa, history)
    if json_out:
        print_json(status)
    else:
        err_console.print(
            f"campaign {space.name} in {state}: {rounds} round(s) of {batch}; {status['observations']} past experiment(s)",
            markup=False,
        )


@app.command("suggest")
def suggest_command(
    state: StateOpt,
    batch: Annotated[int | None, typer.Option("--batch", help="Size of this round's batch.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """The open round's batch of experiments (proposing one when no round is open)."""
    document = service.suggest(state, batch)
    if json_out:
        print_json(document)
    else:
        _show_suggestions(document["suggestions"])


@app.command("observe")
def observe_command(
    state: StateOpt,
    results_file: Annotated[
        Path,
        typer.Argument(
            help="CSV or JSON: id, value (or the objective), optional std, cell (replicates), status (failed)."
        ),
    ],
    source: Annotated[
        str, typer.Option("--source", help="measured, predicted (early prediction) or twin (simulated).")
    ] = "measured",
    json_out: JsonOpt = False,
) -> None:
    """Record results of the open round's suggestions (all rows checked before any is kept)."""
    out = service.observe(state, results_file, source=source)
    for text in out["warnings"]:
        err_console.print(f"warning: {text}", markup=False, highlight=False)
    if json_out:
        print_json(out)
    else:
        failed = f", {len(out['failed'])} failed run(s)" if out["failed"] else ""
        err_console.print(f"recorded {out['recorded']} result(s){failed}; round {out['round']}", markup=False)


@app.command("observe-twin")
def observe_twin_command(
    state: StateOpt,
    cycles: Annotated[int, typer.Option("--cycles", help="Cycles simulated per suggestion.")] = 2,
    config: Annotated[
        Path | None, typer.Option("--config", help="Twin TOML config (default: the shipped A123 cell).")
    ] = None,
    start_c: Annotated[
        float,
        typer.Option(
            "--start-c",
            help="C-rate of the charge from the discharged cell to a protocol's FROM (0.05 to 10).",
        ),
    ] = 1.0,
    json_out: JsonOpt = False,
) -> None:
    """Simulate the open round's suggestions on the PyBaMM twin and record their LLI life (source twin)."""
    out = service.observe_twin(state, cycles, config, start_c=start_c)
    for text in out["warnings"]:
        err_console.print(f"warning: {text}", markup=False, highlight=False)
    if json_out:
        print_json(out)
    else:
        err_console.print(f"recorded {out['recorded']} twin result(s); round {out['round']}", markup=False)


@app.command("status")
def status_command(state: StateOpt, json_out: JsonOpt = False) -> None:
    """Rounds done, best observed, the surrogate's recommendation, pending suggestions."""
    status = service.campaign_status(state)
    if json_out:
        print_json(status)
        return
    err_console.print(
        f"{status['space']}: round {status['round']} of {status['rounds']}, {status['observations']} observation(s)",
        markup=False,
    )
    best = status["best_observed"]
    if best:
        err_console.print(
            f"best observed: {best['id']} ({_params_text(best['params'])}) = {best['value']:.4g}",
            markup=False,
            highlight=False,
        )
    recommended = status["recommended"]
    if recommended:
        derived = f" ({_params_text(recommended['derived'])})" if recommended.get("derived") else ""
        err_console.print(
            f"recommended: {_params_text(recommended['params'])}{derived}, "
            f"mean {recommended['mean']:.4g} ± {recommended['std']:.3g}",
            markup=False,
            highlight=False,
        )
    for entry in status["history"]:
        best_value = "-" if entry["best_value"] is None else f"{entry['best_value']:.4g}"
        err_console.print(
            f"  round {entry['round']}: {entry['suggested']} suggested, {entry['observed']} observed, "
            f"best {best_value}",
            markup=False,
            highlight=False,
        )
    for w in status.get("warnings", []):
        err_console.print(
            f"warning: round {w['round']}, {w['id']}: {w['warning']}", markup=False, highlight=False
        )


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
    space = None if space_file is None else _space(space_file)
    out = service.propose(
        table, objective, batch, space, "minimize" if minimize else "maximize", seed, str(table)
    )
    if json_out:
        print_json(out)
    else:
        for note in out["warnings"]:
            err_console.print(f"warning: {note}", markup=False, highlight=False)
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
    out = service.replay_attia(clo, seeds, bo_seeds, rounds, batch)
    if json_out:
        print_json(out)
    else:
        err_console.print(
            f"rank among {out['oracle']['protocols']} (1 = best): ours {out['ours_median_rank']:g}, "
            f"Attia {out['attia_rank']}, random {out['random_median_rank']:g}",
            markup=False,
        )


@twin_app.command("simulate")
def twin_simulate_command(
    protocol: Annotated[
        str,
        typer.Argument(
            help="CC1-CC2-CC3 (CC4 from 10 minutes) or CC1-CC2-CC3-CC4, in C; other steps: RATES@FROM-TO (% SOC), e.g. 6-5-4-3-2@0-80."
        ),
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
    start_c: Annotated[
        float,
        typer.Option(
            "--start-c",
            help="C-rate of the charge from the discharged cell to a RATES@FROM-TO protocol's FROM (0.05 to 10).",
        ),
    ] = 1.0,
    json_out: JsonOpt = False,
) -> None:
    """Simulate cells under a charging protocol with SEI growth and lithium plating."""
    from ..battery import service as battery_service
    from ..store import Store

    out, results = battery_service.simulate_twin(
        protocol, cycles, cells, config, model, seed, None if store is None else Store(store), start_c
    )
    for text in out["warnings"]:
        err_console.print(f"warning: {text}", markup=False, highlight=False)
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
