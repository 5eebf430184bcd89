"""Severson feature sets: checked against closed-form statistics of constructed Q(V) curves."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from gwangyang.battery.features import FEATURE_SETS, CellCurves, SeversonFeatures, cell_features
from gwangyang.errors import InputError

N_V = 1000


def _cell(
    delta: np.ndarray, capacity: np.ndarray | None = None, summary: pd.DataFrame | None = None
) -> CellCurves:
    """Q(V) for cycles 2..100 where Q_100 − Q_10 = ``delta`` and other cycles equal cycle 10."""
    base = np.linspace(0.0, 1.05, N_V)
    matrix = np.tile(base[:, None], (1, 99))
    matrix[:, 98] = base + delta
    return CellCurves("synthetic", matrix, capacity=capacity, summary=summary)


def _two_level(p: float = 0.25, c: float = 0.02) -> np.ndarray:
    delta = np.zeros(N_V)
    delta[: int(p * N_V)] = -c
    return delta


def test_variance_of_a_linear_difference() -> None:
    # ΔQ = linspace(a, b, n): sample variance (ddof=1) = (b − a)² n (n + 1) / (12 (n − 1)²).
    a, b = -0.02, 0.0
    features = cell_features(_cell(np.linspace(a, b, N_V)), "variance")
    expected = (b - a) ** 2 * N_V * (N_V + 1) / (12 * (N_V - 1) ** 2)
    assert features == {"log_var_dq": pytest.approx(np.log10(expected), abs=1e-12)}


def test_discharge_set_on_a_two_level_difference() -> None:
    # ΔQ is −c on a fraction p of the grid and 0 elsewhere: a scaled Bernoulli(p) sample, so
    # |skewness| = (1 − 2p)/sqrt(p(1 − p)), Pearson kurtosis = (1 − 3p(1 − p))/(p(1 − p)),
    # sample variance = c² p (1 − p) n/(n − 1), minimum = −c.
    p, c = 0.25, 0.02
    capacity = np.full(99, 1.05)
    capacity[0] = 1.04
    capacity[50] = 1.07
    features = cell_features(_cell(_two_level(p, c), capacity=capacity), "discharge")
    pq = p * (1 - p)
    assert list(features) == list(FEATURE_SETS["discharge"])
    assert features["log_abs_min_dq"] == pytest.approx(np.log10(c))
    assert features["log_var_dq"] == pytest.approx(np.log10(c**2 * pq * N_V / (N_V - 1)))
    assert features["log_abs_skew_dq"] == pytest.approx(np.log10((1 - 2 * p) / np.sqrt(pq)))
    assert features["log_abs_kurtosis_dq"] == pytest.approx(np.log10((1 - 3 * pq) / pq))
    assert features["discharge_capacity_2"] == pytest.approx(1.04)
    assert features["max_minus_discharge_capacity_2"] == pytest.approx(0.03)


def test_glitch_cycles_are_left_out_of_capacity_features() -> None:
    # Severson batch-1 files hold cycles read as ~31 Ah (train cell 2, cycle 12); they must not
    # become the "maximum capacity".
    capacity = np.full(99, 1.05)
    capacity[0] = 1.04
    capacity[10] = 30.97
    features = cell_features(_cell(_two_level(), capacity=capacity), "discharge")
    assert features["max_minus_discharge_capacity_2"] == pytest.approx(0.01)


def test_full_set_is_refused_without_its_inputs() -> None:
    with pytest.raises(InputError, match="needs per-cycle 'charge_time_s'"):
        cell_features(_cell(_two_level()), "full")
    summary = pd.DataFrame({"cycle_index": np.arange(2, 101), "charge_time_s": 600.0})
    with pytest.raises(InputError, match="temperature_integral_c_s"):
        cell_features(_cell(_two_level(), summary=summary), "full")


def test_full_set_values() -> None:
    cycles = np.arange(2, 101)
    capacity = 1.1 - 1e-4 * cycles  # a straight fade: slope −1e-4 Ah/cycle, intercept 1.1 Ah
    summary = pd.DataFrame(
        {
            "cycle_index": cycles,
            "charge_time_s": np.where(cycles <= 6, cycles * 100.0, 9999.0),  # cycles 2..6: mean 400 s
            "temperature_integral_c_s": 30.0 * 600.0,  # 30 °C for 600 s per cycle, 99 cycles
            "internal_resistance_ohm": 0.016 + 1e-5 * (cycles - 2),
        }
    )
    features = cell_features(_cell(_two_level(), capacity=capacity, summary=summary), "full")
    assert list(features) == list(FEATURE_SETS["full"])
    assert features["capacity_fade_slope"] == pytest.approx(-1e-4)
    assert features["capacity_fade_intercept"] == pytest.approx(1.1)
    assert features["mean_charge_time_2_6"] == pytest.approx(400.0)
    assert features["temperature_integral"] == pytest.approx(99 * 30.0 * 600.0)
    assert features["min_internal_resistance"] == pytest.approx(0.016)
    assert features["internal_resistance_last_minus_2"] == pytest.approx(98e-5)


def test_cycle_pair_is_configurable() -> None:
    cell = _cell(_two_level())
    cell.qdlin[:, 48] = cell.qdlin[:, 7] + np.linspace(-0.01, 0.0, N_V)  # cycle 50 vs cycle 9
    features = cell_features(cell, "variance", cycles=(9, 50))
    expected = 0.01**2 * N_V * (N_V + 1) / (12 * (N_V - 1) ** 2)
    assert features["log_var_dq"] == pytest.approx(np.log10(expected))
    with pytest.raises(InputError, match="needs cycle 120"):
        cell_features(cell, "variance", cycles=(10, 120))


def test_transformer_contract() -> None:
    cells = [_cell(_two_level(p)) for p in (0.1, 0.2, 0.3)]
    transformer = SeversonFeatures("discharge")
    out = clone(transformer).fit_transform(cells)
    assert out.shape == (3, 6)
    assert list(transformer.fit(cells).get_feature_names_out()) == list(FEATURE_SETS["discharge"])
    stacked = np.stack([c.qdlin for c in cells])
    np.testing.assert_allclose(SeversonFeatures("variance").fit_transform(stacked)[:, 0], out[:, 1])
    again = pickle.loads(pickle.dumps(transformer))
    np.testing.assert_array_equal(again.transform(cells), out)


def test_bad_input() -> None:
    with pytest.raises(InputError, match="NaN"):
        CellCurves("x", np.full((10, 99), np.nan))
    with pytest.raises(InputError, match="2-D"):
        CellCurves("x", np.zeros(10))
    with pytest.raises(InputError, match="3-D"):
        SeversonFeatures().fit_transform(np.zeros((1000, 99)))
    with pytest.raises(InputError, match="needs cycle 100"):
        cell_features(CellCurves("short", np.tile(np.linspace(0, 1, 50)[:, None], (1, 60))))
    with pytest.raises(InputError, match="feature set"):
        SeversonFeatures("nope").fit([])
    with pytest.raises(InputError, match="undefined"):
        cell_features(_cell(np.zeros(N_V)))  # identical cycles: log of a zero variance


def test_average_charge_rate_by_hand() -> None:
    from gwangyang.battery.policy import average_charge_rate

    # 5.4C to 40 %, 3.6C to 80 %: 0.4/5.4 + 0.4/3.6 hours to 80 % → 0.8 / 0.18519 = 4.32C.
    assert average_charge_rate("5.4C(40%)-3.6C") == pytest.approx(0.8 / (0.4 / 5.4 + 0.4 / 3.6))
    assert average_charge_rate("5.4C(40%)-3.6C") == pytest.approx(4.32)
    assert average_charge_rate("3.6C(80%)-3.6C") == pytest.approx(3.6)  # one step to 80 %
    assert average_charge_rate("1C(4%)-6C") == pytest.approx(0.8 / (0.04 + 0.76 / 6))
    for bad in ("fast", "5C-3C", "0C(40%)-3C"):
        with pytest.raises(InputError, match="charging policy"):
            average_charge_rate(bad, "c7")


def test_charging_set_is_multipair_plus_the_policys_rate() -> None:
    rng = np.random.default_rng(3)
    delta = -np.abs(rng.normal(0, 0.01, N_V))
    cell = _cell(delta, capacity=np.linspace(1.06, 1.05, 99))
    with pytest.raises(InputError, match="needs the cell's charging policy"):
        cell_features(cell, "charging")
    cell.policy = "6C(40%)-3C"
    values = cell_features(cell, "charging")
    assert list(values) == list(FEATURE_SETS["charging"])
    multipair = cell_features(cell, "multipair")
    assert all(values[k] == multipair[k] for k in multipair)
    assert values["log_average_charge_rate_80"] == pytest.approx(np.log10(0.8 / (0.4 / 6 + 0.4 / 3)))


def test_severson_cells_carry_their_policy() -> None:
    from gwangyang.battery.severson import load_severson
    from gwangyang.samples import sample_dir

    data = load_severson(sample_dir("severson"), split="train")
    assert [c.policy for c in data.cells] == data.table["policy"].astype(str).tolist()
