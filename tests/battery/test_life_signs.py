"""The early-life elastic nets learn the physical direction of each degradation feature unconstrained.

A larger ΔQ(V) between early and later cycles (variance, |min|) means faster capacity loss, and a
faster charge means more lithium plating: both shorten life (Severson et al. 2019, Fig. 2; Attia et
al. 2020). Issue 17 asked for monotone constraints; on the shared cells the unconstrained fits already
have these signs, so constraining them changes nothing (docs/life.md, "Monotone constraints"). This
test keeps that so: a sign flip would mean a model that predicts longer life from faster fade.
"""

from __future__ import annotations

import numpy as np
import pytest

from gwangyang.battery.features import FEATURE_SETS
from gwangyang.battery.life import make_life_model
from gwangyang.battery.severson import load_severson
from tests.conftest import SHARED

SHORTENS_LIFE = ("log_var_dq", "log_abs_min_dq", "log_average_charge_rate_80")
"""Prefixes of features whose larger values mean a shorter life."""


@pytest.mark.parametrize("model", ["variance", "robust", "multipair", "charging"])
def test_degradation_features_never_lengthen_life(model: str) -> None:
    data = load_severson(SHARED / "battery" / "severson", require_life=True)
    pipeline = make_life_model(model).fit(data.cells, data.cycle_life)
    coefficients = np.asarray(pipeline[-1].model_[-1].coef_)
    names = FEATURE_SETS[model]
    assert len(coefficients) == len(names)
    signed = {n: c for n, c in zip(names, coefficients, strict=True) if n.startswith(SHORTENS_LIFE)}
    assert signed, "the set has at least one degradation feature"
    assert all(c <= 0 for c in signed.values()), signed
    # and the fit leans on them: not all zeroed out by the penalty
    assert min(signed.values()) < 0
