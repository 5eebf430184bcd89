"""GP-BUCB batches checked against a dense computation: each pick maximises the UCB after conditioning on the earlier ones."""

from __future__ import annotations

import numpy as np

from gwangyang.optimize.bayesopt import BatchBayesOpt, Observation
from gwangyang.optimize.space import SearchSpace


def test_batch_picks_match_dense_conditioning() -> None:
    space = SearchSpace.from_dict(
        {
            "objective": {"name": "수명", "direction": "minimize"},
            "parameters": {"층수": {"type": "integer", "low": 1, "high": 12}},
        }
    )
    observed = [(2, 900.0, 10.0), (6, 700.0, 10.0), (6, 740.0, 10.0), (10, 800.0, 30.0)]
    observations = [
        Observation(f"h{i}", {"층수": float(x)}, value, std) for i, (x, value, std) in enumerate(observed)
    ]
    bo = BatchBayesOpt(space, kappa=2.0, seed=5)
    picks = bo.suggest(observations, batch=4, round_index=1)
    candidates = bo.candidates(1)
    post = bo.posterior(observations, candidates, 1)

    # Dense route: the fitted latent kernel k, its white noise, each point's own variance, no rank-one updates.
    values = -np.array([v for _, v, _ in observed])  # minimised: the GP models -value
    center, scale = values.mean(), values.std()
    X = (np.array([[x] for x, _, _ in observed], dtype=float) - 1.0) / 11.0
    C = (candidates[["층수"]].to_numpy(dtype=float) - 1.0) / 11.0
    k = post.kernel
    own = (np.array([s for _, _, s in observed]) / scale) ** 2 + 1e-8
    K = k(X) + np.diag(post.noise + own)
    mean = -(center + scale * k(C, X) @ np.linalg.solve(K, (values - center) / scale))
    np.testing.assert_allclose(post.mean, mean, rtol=1e-6)

    chosen: list[int] = []
    for pick in picks:
        A = np.vstack([X, C[chosen]])
        noise = np.concatenate([post.noise + own, np.full(len(chosen), max(post.noise, 1e-6))])
        KA = k(A) + np.diag(noise)
        var = np.diag(k(C)) - np.einsum("ij,ji->i", k(C, A), np.linalg.solve(KA, k(A, C)))
        score = -mean / scale + 2.0 * np.sqrt(np.maximum(var, 0.0))
        score[chosen] = -np.inf
        j = int(np.argmax(score))
        assert pick.params == {"층수": int(candidates["층수"].iloc[j])}
        chosen.append(j)
    # Four distinct points.
    assert len({p.params["층수"] for p in picks}) == 4
