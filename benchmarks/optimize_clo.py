"""Closed-loop optimisation: experiments to find a top protocol, suggestion time, twin speed.

Data: ../shared/data/battery/clo (Attia et al. 2020, Nature 578:397; chueh-ermon/battery-fast-charging-optimization).
The oracle is a Gaussian process fitted to all 185 early-predicted lives the paper recorded in its
four rounds, with its learned noise (see :mod:`gwangyang.optimize.replay`).

    .venv/bin/python benchmarks/optimize_clo.py            # 5 BO seeds, 20 random seeds, twin 10 cycles
    .venv/bin/python benchmarks/optimize_clo.py --quick    # 2 BO seeds, twin 3 cycles
    .venv/bin/python benchmarks/optimize_clo.py --twin     # the twin's rows only (timings and the twin loop)

Peers, in the same run on the same oracle: random search and grid search (each protocol tested in
turn, recommending the best mean observation), and the paper's own CLO (published numbers below).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from gwangyang.optimize.bayesopt import BatchBayesOpt, Observation
from gwangyang.optimize.replay import (
    ATTIA_BATCH,
    ATTIA_DAYS_CLO,
    ATTIA_DAYS_EXHAUSTIVE,
    ATTIA_PROTOCOLS,
    ATTIA_RECOMMENDED,
    ATTIA_ROUNDS,
    build_oracle,
    curve_bo,
    curve_sequential,
    experiments_to_reach,
    replay_bo,
    replay_random,
)
from gwangyang.optimize.space import shipped_space

CLO = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "battery" / "clo"
TOP1 = max(1, int(0.01 * ATTIA_PROTOCOLS))  # rank <= 2 of 224
TOP5 = int(0.05 * ATTIA_PROTOCOLS)  # rank <= 11 of 224
ATTIA_EXPERIMENTS = ATTIA_ROUNDS * ATTIA_BATCH
"""Cells CLO used: 4 rounds of 48 (Attia et al. 2020, Fig. 2)."""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--twin", action="store_true", help="the twin's rows only (no oracle replay)")
    args = parser.parse_args()
    bo_seeds = 2 if args.quick else 5
    random_seeds = 20
    twin_cycles = 3 if args.quick else 10
    if not args.twin:
        replay_rows(bo_seeds, random_seeds)
    twin_timings(twin_cycles)
    if not args.quick:
        twin_grid_loop(bo_seeds, random_seeds)


def replay_rows(bo_seeds: int, random_seeds: int) -> None:
    """Replays of Attia's campaign on the oracle: rank, experiments to the top, suggestion time."""

    t0 = time.perf_counter()
    oracle = build_oracle(CLO)
    print(
        f"oracle: {len(oracle.table)} protocols, noise {oracle.noise:.0f} cycles ({time.perf_counter() - t0:.1f} s)"
    )
    attia = dict(zip(("cc1", "cc2", "cc3"), ATTIA_RECOMMENDED, strict=True))

    # 1. Attia's setting: 4 rounds of 48; rank of the recommendation among the 224.
    ours = [replay_bo(oracle, seed=s).rank for s in range(bo_seeds)]
    rand = [replay_random(oracle, ATTIA_EXPERIMENTS, seed=s).rank for s in range(random_seeds)]
    print(
        f"\n4 rounds x 48 = {ATTIA_EXPERIMENTS} experiments: rank among {ATTIA_PROTOCOLS} by the oracle (1 = best)"
    )
    print(f"  ours (median of {bo_seeds} seeds)      {np.median(ours):6.1f}   {ours}")
    print(f"  Attia's CLO recommendation      {oracle.rank(attia):6d}   (4.8C-5.2C-5.2C-4.160C)")
    print(f"  random search (median of {random_seeds})   {np.median(rand):6.1f}")

    # 2. Experiments to reach the top 1 % and top 5 %.
    batch = 8
    limit = 3 * ATTIA_PROTOCOLS
    bo_curves = [curve_bo(oracle, batch=batch, rounds=limit // batch // 3, seed=s) for s in range(bo_seeds)]
    rnd_curves = [curve_sequential(oracle, limit, seed=s, order="random") for s in range(random_seeds)]
    grid_curves = [curve_sequential(oracle, limit, seed=s, order="grid") for s in range(random_seeds)]
    print(
        f"\nexperiments until the recommendation is in the top and stays (median; BO in rounds of {batch} up to "
        f"{limit // 3}, random and grid up to {limit}; 'inf' = not within its budget)"
    )
    print(f"  {'method':<14}{'top 1 %':>10}{'top 5 %':>10}{'ratio 1 %':>11}{'ratio 5 %':>11}")
    ours_reach = {
        top: float(np.median([experiments_to_reach(c, top, batch) for c in bo_curves]))
        for top in (TOP1, TOP5)
    }
    for name, curves, step in (
        ("ours (BO)", bo_curves, batch),
        ("random", rnd_curves, 1),
        ("grid", grid_curves, 1),
    ):
        reach = {
            top: float(np.median([experiments_to_reach(c, top, step) for c in curves]))
            for top in (TOP1, TOP5)
        }
        ratio = [  # '–' where ours did not reach the top within its budget (no ratio to it)
            f"{reach[top] / ours_reach[top]:.2f}" if np.isfinite(ours_reach[top]) else "–"
            for top in (TOP1, TOP5)
        ]
        print(f"  {name:<14}{reach[TOP1]:>10.0f}{reach[TOP5]:>10.0f}{ratio[0]:>11}{ratio[1]:>11}")
    print(
        f"  paper: CLO {ATTIA_DAYS_CLO} days vs > {ATTIA_DAYS_EXHAUSTIVE} days exhaustive (Attia et al. 2020, abstract)"
    )

    # 3. Suggestion time per round for 48 channels (GP fit + GP-BUCB batch), after 3 rounds of data.
    space = shipped_space("attia2020")
    bo = BatchBayesOpt(space, seed=0)
    rng = np.random.default_rng(0)
    observations: list[Observation] = []
    for r in range(3):
        for s in bo.suggest(observations, ATTIA_BATCH, r):
            value = oracle.life(s.params) + rng.normal(0, oracle.noise)
            observations.append(Observation(s.id, s.params, float(value), oracle.noise, r))
    t0 = time.perf_counter()
    bo.suggest(observations, ATTIA_BATCH, 3)
    print(
        f"\nsuggestion time, 48 channels after {len(observations)} observations: {time.perf_counter() - t0:.2f} s"
    )


def twin_timings(twin_cycles: int) -> None:
    """Twin: simulation time per 100 cycles for SPM, SPMe, DFN (after one untimed cycle that imports PyBaMM)."""
    from gwangyang.battery.twin import simulate
    from gwangyang.battery.twin_config import TwinConfig

    config = TwinConfig.from_file()
    base = None
    t0 = time.perf_counter()
    simulate("4.8-5.2-5.2", cycles=1, config=config)  # PyBaMM's import and first solve were charged to SPM
    print(
        f"\ntwin: 4.8C-5.2C-5.2C-4.16C, A123 LFP (Prada2013) with OKane2022 SEI + plating, "
        f"{twin_cycles} cycles, scaled to 100 (warm-up: 1 SPM cycle, {time.perf_counter() - t0:.1f} s)"
    )
    for model in ("SPM", "SPMe", "DFN"):
        t0, c0 = time.perf_counter(), time.process_time()
        simulate("4.8-5.2-5.2", cycles=twin_cycles, config=config.with_model(model))
        per100 = (time.perf_counter() - t0) * 100 / twin_cycles
        cpu100 = (
            (time.process_time() - c0) * 100 / twin_cycles
        )  # this process's CPU: less hostage to the load
        base = base or cpu100
        print(
            f"  {model:<5} {per100:8.1f} s per 100 cycles ({cpu100:6.1f} s CPU)   ratio to SPM (CPU) "
            f"{cpu100 / base:5.2f}"
        )


def twin_grid_loop(bo_seeds: int, random_seeds: int) -> None:
    """Loop on the twin vs its dense grid (attia_coarse: 37 protocols, 2 cycles each, LLI life)."""
    import tempfile
    from functools import partial

    from gwangyang.optimize.twinloop import dense_grid, twin_loop, twin_objective

    space = shipped_space("attia_coarse")
    with tempfile.TemporaryDirectory() as cache:
        objective = partial(twin_objective, cycles=2, cache_dir=cache)
        t0 = time.perf_counter()
        grid = dense_grid(space, objective)
        grid_s = time.perf_counter() - t0
        best = float(grid["value"].max())
        budget = len(grid) // 4
        ours = [twin_loop(space, objective, batch=3, rounds=budget // 3, seed=s) for s in range(bo_seeds)]
    rng = np.random.default_rng(0)
    values = grid["value"].to_numpy()
    rand = [float(values[rng.choice(len(values), budget, replace=False)].max()) for _ in range(random_seeds)]
    print(
        f"\ntwin loop: dense grid {len(grid)} simulations ({grid_s:.0f} s), best LLI life {best:.0f} cycles"
    )
    print(
        f"  ours, {ours[0].simulations} simulations: fraction of best {[round(r.value / best, 3) for r in ours]}"
    )
    print(f"  random, {budget} simulations (median of {random_seeds}): {np.median(rand) / best:.3f}")
    print(f"  simulations ratio grid / ours: {len(grid) / ours[0].simulations:.1f}")


if __name__ == "__main__":
    main()
