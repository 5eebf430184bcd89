"""Replay Attia et al.'s closed-loop campaign (Nature 578:397, 2020) against an oracle.

The oracle is a Gaussian process fitted to every early-predicted life the paper recorded in its
four rounds (``pred/0.csv`` … ``pred/3.csv``), with a learned noise level: its mean over the 224
protocols is taken as each protocol's true life and its noise as the spread of an early
prediction. A replayed campaign observes ``oracle mean + noise`` for each suggestion, with the
noise's standard deviation passed to the surrogate, and recommends the protocol of best posterior
mean; we report that protocol's rank among the 224 by oracle mean (1 = best).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..battery.protocols import read_predictions
from .bayesopt import BatchBayesOpt, Observation
from .space import SearchSpace, attia_space_dict

ATTIA_RECOMMENDED = (4.8, 5.2, 5.2)
"""CLO's top protocol after four rounds, 4.8C-5.2C-5.2C-4.160C (Attia et al. 2020, Fig. 3)."""
ATTIA_PROTOCOLS = 224
"""Candidate protocols (Attia et al. 2020, abstract and Methods; ``policies_all.csv``)."""
ATTIA_ROUNDS = 4
"""Rounds of closed-loop optimisation (Attia et al. 2020, Fig. 2)."""
ATTIA_BATCH = 48
"""Cells tested per round, i.e. parallel cycler channels (Attia et al. 2020, Methods)."""
ATTIA_EARLY_CYCLES = 100
"""Cycles measured before the early prediction of life (Attia et al. 2020, Methods)."""
ATTIA_DAYS_CLO = 16
"""Days CLO took to find the top protocols (Attia et al. 2020, abstract)."""
ATTIA_DAYS_EXHAUSTIVE = 500
"""Days an exhaustive search without early prediction would take: "over 500" (Attia et al. 2020, abstract)."""


@dataclass
class Oracle:
    """Oracle lives of every protocol of a space: ``table`` (parameters, derived, ``life``) and ``noise`` (cycles)."""

    table: pd.DataFrame
    noise: float

    def rank(self, params: dict[str, Any]) -> int:
        """Rank (1 = longest life) of a protocol among the oracle's."""
        mask = np.ones(len(self.table), dtype=bool)
        for key, value in params.items():
            mask &= np.isclose(self.table[key].to_numpy(dtype="float64"), float(value))
        if not mask.any():
            raise KeyError(params)
        life = float(self.table.loc[mask, "life"].iloc[0])
        return int((self.table["life"] > life).sum()) + 1

    def life(self, params: dict[str, Any]) -> float:
        """Oracle life of a protocol."""
        rank = self.rank(params)
        return float(self.table["life"].sort_values(ascending=False).iloc[rank - 1])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        best = self.table.sort_values("life", ascending=False).iloc[0]
        return {
            "protocols": len(self.table),
            "noise_cycles": self.noise,
            "best": {k: float(best[k]) for k in ("cc1", "cc2", "cc3", "cc4", "life")},
        }


def build_oracle(clo_folder: str | Path, seed: int = 0) -> Oracle:
    """Fit the oracle GP to Attia's recorded early predictions."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel
    from threadpoolctl import threadpool_limits

    space = SearchSpace.from_dict(attia_space_dict(), source="attia2020")
    data = read_predictions(clo_folder)
    grid = space.grid()
    X = space.encode(data)
    y = data["predicted_life"].to_numpy(dtype="float64")
    center, scale = float(y.mean()), float(y.std())
    kernel = ConstantKernel(1.0) * Matern(length_scale=np.full(X.shape[1], 0.5), nu=2.5) + WhiteKernel(0.3)
    gp = GaussianProcessRegressor(kernel=kernel, n_restarts_optimizer=3, random_state=seed)
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        gp.fit(X, (y - center) / scale)
    latent = gp.kernel_.k1
    mean = latent(space.encode(grid), X) @ gp.alpha_
    table = grid.copy()
    table["life"] = center + scale * mean
    return Oracle(table=table, noise=float(scale * np.sqrt(gp.kernel_.k2.noise_level)))


@dataclass
class ReplayResult:
    """One replayed campaign: what it recommended and where that ranks by the oracle."""

    method: str
    seed: int
    experiments: int
    recommended: dict[str, Any]
    rank: int
    life: float
    best_rank_by_round: list[int]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return dict(self.__dict__)


def _observe(oracle: Oracle, points: list[dict[str, Any]], rng: np.random.Generator) -> np.ndarray:
    lives = np.array([oracle.life(p) for p in points])
    return lives + rng.normal(0.0, oracle.noise, size=len(lives))


def replay_bo(
    oracle: Oracle,
    rounds: int = ATTIA_ROUNDS,
    batch: int = ATTIA_BATCH,
    seed: int = 0,
    kappa: float = 2.0,
    track: bool = False,
) -> ReplayResult:
    """Run our batched BO against the oracle and rank its recommendation.

    With ``track`` the recommendation after every round is ranked too (``best_rank_by_round``;
    one more surrogate fit per round).
    """
    space = SearchSpace.from_dict(attia_space_dict(), source="attia2020")
    bo = BatchBayesOpt(space, kappa=kappa, seed=seed)
    rng = np.random.default_rng([seed, 1])
    observations: list[Observation] = []
    ranks = []
    for r in range(rounds):
        suggestions = bo.suggest(observations, batch, r)
        values = _observe(oracle, [s.params for s in suggestions], rng)
        for s, v in zip(suggestions, values, strict=True):
            observations.append(Observation(s.id, s.params, float(v), oracle.noise, r, "predicted"))
        if track:
            ranks.append(oracle.rank(bo.recommend(observations, r)["params"]))
    best = bo.recommend(observations, rounds)
    params = best["params"]
    return ReplayResult(
        "bayesopt",
        seed,
        rounds * batch,
        {**params, **best["derived"]},
        oracle.rank(params),
        oracle.life(params),
        ranks,
    )


def replay_random(
    oracle: Oracle, experiments: int = ATTIA_ROUNDS * ATTIA_BATCH, seed: int = 0
) -> ReplayResult:
    """Random search with the same budget: test random protocols once each, keep the best observed."""
    rng = np.random.default_rng([seed, 2])
    table = oracle.table
    picks = rng.choice(len(table), size=min(experiments, len(table)), replace=False)
    points = [{k: float(table.iloc[i][k]) for k in ("cc1", "cc2", "cc3")} for i in picks]
    values = _observe(oracle, points, rng)
    best = points[int(np.argmax(values))]
    return ReplayResult("random", seed, len(points), best, oracle.rank(best), oracle.life(best), [])


def curve_bo(
    oracle: Oracle, batch: int = 8, rounds: int = 28, seed: int = 0, kappa: float = 2.0
) -> list[int]:
    """Oracle rank of our recommendation after each round (experiments = ``batch * (i + 1)``)."""
    return replay_bo(
        oracle, rounds=rounds, batch=batch, seed=seed, kappa=kappa, track=True
    ).best_rank_by_round


def curve_sequential(oracle: Oracle, experiments: int, seed: int = 0, order: str = "random") -> list[int]:
    """Oracle rank of the best protocol so far, after each experiment of random or grid search.

    Protocols are tested in a random order (``"random"``) or in grid order (``"grid"``), each once
    before any is repeated; the recommendation is the protocol with the best mean observation.
    """
    rng = np.random.default_rng([seed, 3])
    n = len(oracle.table)
    lives = oracle.table["life"].to_numpy(dtype="float64")
    ranks_all = (lives[None, :] > lives[:, None]).sum(axis=1) + 1
    sums = np.zeros(n)
    counts = np.zeros(n)
    out = []
    sequence: list[int] = []
    while len(sequence) < experiments:
        sequence.extend(rng.permutation(n).tolist() if order == "random" else list(range(n)))
    for i in sequence[:experiments]:
        sums[i] += lives[i] + rng.normal(0.0, oracle.noise)
        counts[i] += 1
        means = np.where(counts > 0, sums / np.maximum(counts, 1), -np.inf)
        out.append(int(ranks_all[int(np.argmax(means))]))
    return out


def experiments_to_reach(ranks: list[int], top: int, step: int = 1) -> float:
    """Experiments after which the recommendation ranks ``top`` or better and stays there (``inf`` if never).

    "Stays" guards against a lucky noisy observation: a recommendation that enters the top and
    falls out again has not found it.
    """
    settled = float("inf")
    for i in range(len(ranks) - 1, -1, -1):
        if ranks[i] > top:
            break
        settled = float((i + 1) * step)
    return settled
