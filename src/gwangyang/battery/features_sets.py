"""Names of the Severson feature sets: which features each set holds, in column order.

Feature sets follow Severson et al. 2019, Nature Energy 4:383, Table 1 and Supplementary Table 1;
ΔQ(V) = Q_b(V) − Q_a(V) for the cycle pair (a, b), default (10, 100)
(:mod:`~gwangyang.battery.features_dq`):

* ``variance``: log10 var ΔQ(V);
* ``discharge``: log10 |min|, log10 var, log10 |skewness|, log10 |kurtosis| of ΔQ(V), discharge
  capacity at cycle 2, and max discharge capacity − capacity at cycle 2;
* ``full``: log10 |min| and log10 var of ΔQ(V), slope and intercept of a line through discharge
  capacity over cycles 2–b, capacity at cycle 2, mean charge time of cycles 2–6, temperature
  integral over cycles 2–b, minimum internal resistance over cycles 2–b, and resistance at cycle b
  minus cycle 2;
* ``extended`` (ours): every candidate feature of the paper's Supplementary Table 1 that Q(V) alone
  gives: the discharge set plus the capacity-fade line over cycles 2–b and over the last ten
  cycles, mean of ΔQ(V), ΔQ at the lowest voltage, and capacity at cycle b;
* ``robust`` (ours): log10 var and log10 |min| of ΔQ(V) between the median Q(V) of the last ten
  cycles up to b and of cycles a..a+10 (a median over cycles ignores one-cycle glitches and chamber
  temperature swings that move a single cycle's curve), plus the two capacity features;
* ``multipair`` (ours): log10 var ΔQ(V) against cycle b from cycles a, 20, 30 and 40, plus the two
  capacity features;
* ``charging`` (ours): the ``multipair`` set plus log10 of the charging policy's average C-rate up to
  80 % state of charge (:func:`~gwangyang.battery.policy.average_charge_rate`, from the policy name, e.g.
  ``5.4C(40%)-3.6C``; Severson et al.'s cells all charge in two constant-current steps to 80 %, then
  1C CC-CV). The charging rate drives fast-charge degradation (lithium plating), and on the shared
  cells it explains part of what differs between the two 2017 batches, whose policies differ. It
  needs each cell's policy (``cells.csv`` column ``policy``) and is refused without it (store cells
  carry none);
* ``ensemble`` (ours): the columns of :data:`ENSEMBLE_MEMBERS` side by side, named
  ``member:feature``, for a regressor that fits one model per block and averages them
  (``CycleLifeRegressor(method="ensemble")``).

The values are computed by :func:`~gwangyang.battery.features_cell.cell_features`.
"""

from __future__ import annotations

FEATURE_SETS: dict[str, tuple[str, ...]] = {
    "variance": ("log_var_dq",),
    "discharge": (
        "log_abs_min_dq",
        "log_var_dq",
        "log_abs_skew_dq",
        "log_abs_kurtosis_dq",
        "discharge_capacity_2",
        "max_minus_discharge_capacity_2",
    ),
    "full": (
        "log_abs_min_dq",
        "log_var_dq",
        "capacity_fade_slope",
        "capacity_fade_intercept",
        "discharge_capacity_2",
        "mean_charge_time_2_6",
        "temperature_integral",
        "min_internal_resistance",
        "internal_resistance_last_minus_2",
    ),
    "extended": (
        "log_abs_min_dq",
        "log_var_dq",
        "log_abs_skew_dq",
        "log_abs_kurtosis_dq",
        "discharge_capacity_2",
        "max_minus_discharge_capacity_2",
        "capacity_fade_slope",
        "capacity_fade_intercept",
        "capacity_fade_slope_last_10",
        "capacity_fade_intercept_last_10",
        "log_abs_mean_dq",
        "dq_at_lowest_voltage",
        "discharge_capacity_last",
    ),
    "robust": (
        "log_var_dq_median",
        "log_abs_min_dq_median",
        "discharge_capacity_2",
        "max_minus_discharge_capacity_2",
    ),
    "multipair": (
        "log_var_dq",
        "log_var_dq_20",
        "log_var_dq_30",
        "log_var_dq_40",
        "discharge_capacity_2",
        "max_minus_discharge_capacity_2",
    ),
}
"""Feature names of each set, in the order of the columns that
:class:`~gwangyang.battery.features.SeversonFeatures` returns."""

FEATURE_SETS["charging"] = (*FEATURE_SETS["multipair"], "log_average_charge_rate_80")

ENSEMBLE_MEMBERS: tuple[str, ...] = ("discharge", "multipair", "extended", "robust")
"""Feature sets of the ``ensemble`` set: their columns side by side, one block per set."""

FEATURE_SETS["ensemble"] = tuple(
    f"{member}:{name}" for member in ENSEMBLE_MEMBERS for name in FEATURE_SETS[member]
)
