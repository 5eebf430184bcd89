"""Batched Bayesian optimisation: a Gaussian-process surrogate and a GP-BUCB batch acquisition.

Why scikit-learn's ``GaussianProcessRegressor`` and not Optuna's ``GPSampler`` or BoTorch:

* **Known, per-observation noise.** Early-predicted lives come with their own uncertainty; the
  surrogate must weigh a cell predicted ±200 cycles less than one measured to the end. scikit-learn
  takes a per-sample noise variance (``alpha`` as an array) on top of a learned ``WhiteKernel``;
  Optuna's GP sampler has no way to pass a trial's noise, and BoTorch would pull in torch (~1 GB)
  for the same model on a few hundred points.
* **Exact batches over a finite candidate set.** Attia's space is 224 protocols. GP-BUCB
  (Desautels, Krause & Burdick 2014, JMLR 15:4053; the batch rule Attia et al. 2020 used) picks
  the UCB maximiser, "hallucinates" its observation (the posterior variance shrinks, the mean
  does not move) and repeats, which needs only the latent covariance the fitted kernel gives.
  Optuna proposes trials one at a time through its own study storage.
* **Exact resumption.** A suggestion is a pure function of (space, observations, seed, round):
  the kernel fit uses ``random_state = seed + round``, so a loop stopped after any round and
  resumed from its state file proposes exactly what an unbroken run would.

Spaces larger than :data:`gwangyang.optimize.space.GRID_LIMIT` (or continuous) are searched over a
scrambled Sobol sample of feasible points, drawn anew each round.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from .space import SearchSpace


@dataclass
class Observation:
    """One observed outcome: the point, its objective value and that value's standard deviation.

    ``std`` is the known uncertainty of the value (e.g. of an early life prediction); 0 means the
    value is taken as measured, with only the noise the surrogate learns.
    """

    id: str
    params: dict[str, Any]
    value: float
    std: float = 0.0
    round: int = 0
    source: str = "measured"
    cell: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``cell`` only when set: a replicate cell of a suggestion)."""
        out = {
            "id": self.id,
            "params": dict(self.params),
            "value": self.value,
            "std": self.std,
            "round": self.round,
            "source": self.source,
        }
        if self.cell is not None:
            out["cell"] = self.cell
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Observation:
        """Inverse of :meth:`to_dict`."""
        return cls(
            id=str(data["id"]),
            params=dict(data["params"]),
            value=float(data["value"]),
            std=float(data.get("std", 0.0)),
            round=int(data.get("round", 0)),
            source=str(data.get("source", "measured")),
            cell=None if data.get("cell") is None else str(data["cell"]),
        )


@dataclass
class Suggestion:
    """One proposed experiment, with the surrogate's view of it when proposed."""

    id: str
    round: int
    params: dict[str, Any]
    mean: float | None = None
    std: float | None = None
    derived: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "round": self.round,
            "params": dict(self.params),
            "derived": dict(self.derived),
            "mean": self.mean,
            "std": self.std,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Suggestion:
        """Inverse of :meth:`to_dict`."""
        return cls(
            id=str(data["id"]),
            round=int(data["round"]),
            params=dict(data["params"]),
            mean=None if data.get("mean") is None else float(data["mean"]),
            std=None if data.get("std") is None else float(data["std"]),
            derived={k: float(v) for k, v in data.get("derived", {}).items()},
        )


def observations_table(observations: list[Observation]) -> pd.DataFrame:
    """Observations as a table: one column per parameter plus ``value`` and ``std``."""
    rows = [{**o.params, "value": o.value, "std": o.std} for o in observations]
    return pd.DataFrame(rows)


@dataclass
class Posterior:
    """The surrogate's latent mean and standard deviation at candidate points (objective units)."""

    candidates: pd.DataFrame
    mean: np.ndarray
    std: np.ndarray
    cross: np.ndarray  # whitened cross-covariance L^-1 K(X, C), for hallucinated updates
    kernel: Any
    features: np.ndarray
    scale: float
    noise: float


class BatchBayesOpt:
    """GP-UCB with GP-BUCB batches over a :class:`SearchSpace`.

    Parameters
    ----------
    space
        The search space.
    kappa
        UCB exploration weight: a candidate's score is ``mean + kappa * std``.
    seed
        Seed of the initial design, the candidate sample and the kernel fit.
    n_candidates
        Candidate points per round for spaces that are not a small finite grid.
    allow_repeats
        Whether a point observed in an earlier round may be proposed again (useful with noisy,
        early-predicted observations, as in Attia et al.); never twice within one batch.
    """

    def __init__(
        self,
        space: SearchSpace,
        kappa: float = 2.0,
        seed: int = 0,
        n_candidates: int = 4096,
        allow_repeats: bool = True,
    ) -> None:
        if not np.isfinite(kappa) or kappa < 0:
            raise InputError(f"kappa: expected a number >= 0, got {kappa!r}.")
        if n_candidates < 1:
            raise InputError(f"n_candidates: expected a positive count, got {n_candidates!r}.")
        self.space = space
        self.kappa = float(kappa)
        self.seed = int(seed)
        self.n_candidates = int(n_candidates)
        self.allow_repeats = bool(allow_repeats)

    def _params(self, row: pd.Series) -> dict[str, Any]:
        """A candidate's parameters as plain values; integer parameters as ints (3, not 3.0)."""
        return {
            p.name: round(float(row[p.name])) if p.kind == "integer" else _plain(row[p.name])
            for p in self.space.parameters
        }

    def _sign(self) -> float:
        return 1.0 if self.space.direction == "maximize" else -1.0

    def candidates(self, round_index: int) -> pd.DataFrame:
        """The candidate points of a round (the whole grid when the space is a small grid)."""
        return self.space.candidates(self.n_candidates, seed=self.seed * 7919 + round_index)

    def posterior(
        self, observations: list[Observation], candidates: pd.DataFrame, round_index: int = 0
    ) -> Posterior:
        """Fit the surrogate to the observations and predict at the candidates.

        Raises
        ------
        InputError
            No observations, or a value or standard deviation that is not finite.
        """
        from scipy.linalg import solve_triangular
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.gaussian_process import GaussianProcessRegressor
        from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel
        from threadpoolctl import threadpool_limits

        if not observations:
            raise InputError("observations: the surrogate needs at least one observation.")
        table = observations_table(observations)
        values = table["value"].to_numpy(dtype="float64") * self._sign()
        stds = table["std"].to_numpy(dtype="float64")
        if not (np.isfinite(values).all() and np.isfinite(stds).all() and (stds >= 0).all()):
            raise InputError("observations: values and standard deviations must be finite (std >= 0).")
        X = self.space.encode(table)
        C = self.space.encode(candidates)
        center = float(values.mean())
        scale = float(values.std()) if len(values) > 1 and values.std() > 0 else max(abs(center), 1.0)
        y = (values - center) / scale
        alpha = (stds / scale) ** 2 + 1e-8
        dims = X.shape[1]
        kernel = ConstantKernel(1.0, (1e-2, 1e2)) * Matern(
            length_scale=np.full(dims, 0.5), length_scale_bounds=(0.05, 20.0), nu=2.5
        ) + WhiteKernel(0.05, (1e-6, 1.0))
        gp = GaussianProcessRegressor(
            kernel=kernel,
            alpha=alpha,
            normalize_y=False,
            n_restarts_optimizer=2,
            random_state=self.seed + round_index,
        )
        # Small matrices: one BLAS thread is fastest, and many threads on a shared machine are far slower.
        with warnings.catch_warnings(), threadpool_limits(1):
            warnings.simplefilter("ignore", ConvergenceWarning)
            gp.fit(X, y)
        latent = gp.kernel_.k1
        k_cx = latent(C, X)
        mean_n = k_cx @ gp.alpha_
        cross = solve_triangular(gp.L_, k_cx.T, lower=True)
        var_n = np.maximum(latent.diag(C) - np.sum(cross**2, axis=0), 0.0)
        noise = float(gp.kernel_.k2.noise_level)
        return Posterior(
            candidates=candidates,
            mean=self._sign() * (center + scale * mean_n),
            std=scale * np.sqrt(var_n),
            cross=cross,
            kernel=latent,
            features=C,
            scale=scale,
            noise=noise,
        )

    def suggest(
        self, observations: list[Observation], batch: int, round_index: int, prefix: str | None = None
    ) -> list[Suggestion]:
        """Propose ``batch`` points for round ``round_index``.

        With no observations the batch is a seeded random draw of distinct candidates; otherwise
        GP-BUCB: each pick maximises ``mean + kappa * std`` under the variance left after the
        earlier picks of the batch are hallucinated as observed.

        Raises
        ------
        InputError
            ``batch`` below 1, or fewer distinct feasible candidates than ``batch``.
        """
        if batch < 1:
            raise InputError(f"batch: expected at least 1, got {batch!r}.")
        candidates = self.candidates(round_index)
        prefix = prefix if prefix is not None else f"r{round_index:03d}"
        names = self.space.names
        available = np.ones(len(candidates), dtype=bool)
        if observations and not self.allow_repeats:
            seen = {tuple(o.params[n] for n in names) for o in observations}
            keys = list(candidates[names].itertuples(index=False, name=None))
            available &= np.array([k not in seen for k in keys])
        if available.sum() < batch:
            raise InputError(
                f"batch: {batch} requested but only {int(available.sum())} feasible candidate(s) are left in {self.space.source}."
            )
        picks: list[int] = []
        means: list[float | None] = []
        stds: list[float | None] = []
        if not observations:
            rng = np.random.default_rng([self.seed, round_index])
            order = rng.permutation(np.flatnonzero(available))
            picks = [int(i) for i in order[:batch]]
            means = [None] * batch
            stds = [None] * batch
        else:
            post = self.posterior(observations, candidates, round_index)
            sign = self._sign()
            var = (post.std / post.scale) ** 2
            updates: list[np.ndarray] = []
            hallucinated_noise = max(post.noise, 1e-6)
            for _ in range(batch):
                score = sign * post.mean / post.scale + self.kappa * np.sqrt(np.maximum(var, 0.0))
                score = np.where(available, score, -np.inf)
                j = int(np.argmax(score))
                picks.append(j)
                means.append(float(post.mean[j]))
                stds.append(float(post.std[j]))
                available[j] = False
                cov = (
                    post.kernel(post.features, post.features[j : j + 1])[:, 0]
                    - post.cross.T @ post.cross[:, j]
                )
                for u in updates:
                    cov = cov - u * u[j]
                u_new = cov / np.sqrt(max(var[j], 0.0) + hallucinated_noise)
                updates.append(u_new)
                var = var - u_new**2
        out = []
        derived_names = list(self.space.derived)
        for k, j in enumerate(picks):
            row = candidates.iloc[j]
            out.append(
                Suggestion(
                    id=f"{prefix}-{k:03d}",
                    round=round_index,
                    params=self._params(row),
                    mean=means[k],
                    std=stds[k],
                    derived={n: float(row[n]) for n in derived_names},
                )
            )
        return out

    def recommend(self, observations: list[Observation], round_index: int = 0) -> dict[str, Any]:
        """The candidate with the best posterior mean, with that mean and its standard deviation."""
        candidates = self.candidates(round_index)
        post = self.posterior(observations, candidates, round_index)
        j = int(np.argmax(self._sign() * post.mean))
        row = candidates.iloc[j]
        return {
            "params": self._params(row),
            "derived": {n: float(row[n]) for n in self.space.derived},
            "mean": float(post.mean[j]),
            "std": float(post.std[j]),
        }


def _plain(value: Any) -> Any:
    """Numpy scalars to plain Python values (JSON-ready, exact round trip)."""
    if isinstance(value, np.generic):
        return value.item()
    return value
