"""Per-cycle anomalies in cycling data, found incrementally.

For each metric of the per-cycle summary (discharge capacity, coulombic efficiency, internal
resistance) the value of cycle *t* is compared with a robust local prediction from the ``window``
cycles before it: the median of the last three values plus the median cycle-to-cycle slope. The
residual is scaled by the noise level of that window (1.4826 × MAD of the cycle-to-cycle changes,
divided by √2). A residual beyond ``threshold`` noise levels (and beyond ``min_relative`` of the value)
is an event; the ``persist`` cycles after it decide its kind: still shifted → a step (change point),
back in the band → a spike. A window whose noise level is ``noise_factor`` times the one before it
is noise. Every decision depends only on ``2 window`` cycles before and ``persist`` after, so a
detector that keeps that tail as its state gives, on new cycles, exactly what a full recomputation
would, without recomputing the history.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ...errors import InputError

METRICS: dict[str, dict[str, str]] = {
    # metric column: kind names for (low spike, low step, high spike, high step); "" = not reported
    "discharge_capacity_ah": {
        "low_spike": "capacity_drop",
        "low_step": "capacity_step",
        "high_spike": "capacity_spike",
        "high_step": "capacity_step",
    },
    "coulombic_efficiency": {
        "low_spike": "efficiency_dip",
        "low_step": "efficiency_dip",
        "high_spike": "",
        "high_step": "",
    },
    "internal_resistance_ohm": {
        "low_spike": "",
        "low_step": "",
        "high_spike": "resistance_jump",
        "high_step": "resistance_jump",
    },
}
"""Metrics watched and the anomaly kind each pattern is reported as."""


@dataclass
class Anomaly:
    """One anomaly: where, what, and how far from the expected value in noise levels."""

    cell_id: str
    cycle_index: int
    kind: str
    severity: float
    metric: str
    value: float
    expected: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


@dataclass
class MetricState:
    """What the detector keeps of one metric between checks: the tail it still needs."""

    cycles: list[int] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    decided_through: int = -(10**9)
    quiet_until: int = -(10**9)


@dataclass
class CellState:
    """Detector state of one cell (JSON-serialisable)."""

    cell_id: str
    last_cycle: int = -(10**9)
    metrics: dict[str, MetricState] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "cell_id": self.cell_id,
            "last_cycle": self.last_cycle,
            "metrics": {k: asdict(v) for k, v in self.metrics.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CellState:
        """Rebuild from :meth:`to_dict`."""
        return cls(
            data["cell_id"],
            int(data["last_cycle"]),
            {k: MetricState(**v) for k, v in data["metrics"].items()},
        )


class CycleAnomalyDetector:
    """Residual and change-point detector over per-cycle summaries.

    Parameters
    ----------
    window
        Cycles of context before a cycle.
    threshold
        Residual, in noise levels, that makes an event.
    persist
        Cycles after an event that decide step versus spike.
    min_relative
        Smallest relative deviation reported, so a very quiet signal does not flag tiny wiggles.
    noise_factor
        Ratio of a window's noise level to the previous window's that reports noise.
    min_context
        Fewest earlier cycles needed before a cycle is judged (the first cycles use what there is).
    """

    def __init__(
        self,
        window: int = 15,
        threshold: float = 6.0,
        persist: int = 3,
        min_relative: float = 0.002,
        noise_factor: float = 4.0,
        min_context: int = 6,
    ) -> None:
        self.min_context = min_context
        self.window = window
        self.threshold = threshold
        self.persist = persist
        self.min_relative = min_relative
        self.noise_factor = noise_factor

    def _validate(self) -> None:
        if self.window < 5:
            raise InputError(f"window must be at least 5 cycles, got {self.window}.")
        if not 4 <= self.min_context <= self.window:
            raise InputError(f"min_context must be between 4 and window, got {self.min_context}.")
        if self.persist < 1:
            raise InputError(f"persist must be at least 1 cycle, got {self.persist}.")
        if not self.threshold > 0 or not self.noise_factor > 1:
            raise InputError("threshold must be positive and noise_factor above 1.")

    @staticmethod
    def _noise(values: np.ndarray) -> float:
        diffs = np.diff(values)
        if len(diffs) < 2:
            return float("nan")
        return float(1.4826 * np.median(np.abs(diffs - np.median(diffs))) / np.sqrt(2))

    def _scan(self, cell_id: str, metric: str, state: MetricState, final: bool) -> list[Anomaly]:
        x = np.asarray(state.values, dtype="float64")
        c = np.asarray(state.cycles, dtype="int64")
        w, m = self.window, self.persist
        kinds = METRICS[metric]
        found: list[Anomaly] = []
        last_decidable = len(x) - 1 if final else len(x) - 1 - m
        for t in range(self.min_context, last_decidable + 1):
            if c[t] <= state.decided_through:
                continue
            state.decided_through = int(c[t])
            if c[t] <= state.quiet_until:
                continue
            context = x[max(0, t - w) : t]
            slope = float(np.median(np.diff(context)))
            expected = float(np.median(context[-3:]) + 2.0 * slope)
            floor = self.min_relative * max(abs(expected), 1e-12)
            sigma = max(self._noise(context), floor / self.threshold)
            residual = x[t] - expected
            if np.isfinite(sigma) and abs(residual) > self.threshold * sigma:
                after = x[t + 1 : t + 1 + m] - (
                    expected + slope * np.arange(1, len(x[t + 1 : t + 1 + m]) + 1)
                )
                shifted = (
                    len(after) == m
                    and np.all(np.sign(after) == np.sign(residual))
                    and np.all(np.abs(after) > 0.5 * abs(residual))
                )
                side = "high" if residual > 0 else "low"
                kind = kinds[f"{side}_{'step' if shifted else 'spike'}"]
                if kind:
                    severity = abs(residual) / sigma
                    found.append(
                        Anomaly(
                            cell_id, int(c[t]), kind, round(float(severity), 2), metric, float(x[t]), expected
                        )
                    )
                state.quiet_until = int(c[min(t + m, len(c) - 1)]) if shifted else int(c[t])
                continue
            if t >= 2 * w:
                before = self._noise(x[t - 2 * w : t - w])
                now = self._noise(x[t - w + 1 : t + 1])
                if before > 0 and now > self.noise_factor * before and now * self.threshold > floor:
                    found.append(
                        Anomaly(
                            cell_id, int(c[t]), "noise", round(now / before, 2), metric, float(x[t]), expected
                        )
                    )
                    state.quiet_until = int(c[t]) + w
        keep = 2 * w + m + 1
        state.cycles, state.values = state.cycles[-keep:], state.values[-keep:]
        return found

    def update(self, state: CellState, cycles: pd.DataFrame, final: bool = False) -> list[Anomaly]:
        """Check the cycles newer than ``state.last_cycle``, updating ``state`` in place.

        Parameters
        ----------
        state
            The cell's detector state (a fresh ``CellState(cell_id)`` the first time).
        cycles
            Per-cycle summary with ``cycle_index`` and any of the :data:`METRICS` columns; rows at or
            before ``state.last_cycle`` are ignored.
        final
            Decide the last ``persist`` cycles too (no more cycles will come).

        Returns
        -------
        list of Anomaly
            Anomalies newly decided, in cycle order.
        """
        self._validate()
        if "cycle_index" not in cycles.columns:
            raise InputError("cycles: column 'cycle_index' is required.")
        index = cycles["cycle_index"].to_numpy()
        newer = np.flatnonzero(index > state.last_cycle)
        order = newer[np.argsort(index[newer], kind="stable")]
        fresh_index = index[order]
        found: list[Anomaly] = []
        for metric in METRICS:
            if metric not in cycles.columns:
                continue
            ms = state.metrics.setdefault(metric, MetricState())
            column = cycles[metric]
            if not pd.api.types.is_float_dtype(column):
                column = pd.to_numeric(column, errors="coerce")
            values = column.to_numpy(dtype="float64", na_value=np.nan)[order]
            good = np.isfinite(values) & (values > 0)
            ms.cycles.extend(int(v) for v in fresh_index[good])
            ms.values.extend(float(v) for v in values[good])
            found.extend(self._scan(state.cell_id, metric, ms, final))
        if len(fresh_index):
            state.last_cycle = int(fresh_index.max())
        return sorted(found, key=lambda a: (a.cycle_index, a.metric))


def batch_outliers(
    capacity: pd.DataFrame, threshold: float = 5.0, persist: int = 5, min_cells: int = 5
) -> list[Anomaly]:
    """Cells whose normalised fade leaves their batch's band.

    Parameters
    ----------
    capacity
        Long table with ``cell_id``, ``cycle_index``, ``discharge_capacity_ah``.
    threshold
        Distance below the batch median, in robust spreads (1.4826 MAD across cells), that counts.
    persist
        Consecutive cycles outside the band before a cell is reported (at the first of them).
    min_cells
        Fewest cells with data at a cycle for the band to be defined there.

    Returns
    -------
    list of Anomaly
        Kind ``batch_outlier``, one per cell at most.
    """
    table = capacity.pivot_table(index="cycle_index", columns="cell_id", values="discharge_capacity_ah")
    if table.shape[1] < min_cells:
        return []
    first = table.apply(lambda s: s.dropna().iloc[:5].median())
    normalised = table / first
    median = normalised.median(axis=1)
    spread = 1.4826 * normalised.sub(median, axis=0).abs().median(axis=1)
    counts = normalised.notna().sum(axis=1)
    spread = spread.clip(lower=1e-4)
    z = normalised.sub(median, axis=0).div(spread, axis=0)
    z[counts < min_cells] = np.nan
    found = []
    for cell in z.columns:
        below = (z[cell] < -threshold).to_numpy()
        runs = np.convolve(below.astype(int), np.ones(persist, dtype=int), mode="valid")
        hits = np.flatnonzero(runs >= persist)
        if len(hits):
            k = int(hits[0])
            cycle = int(z.index[k])
            found.append(
                Anomaly(
                    str(cell),
                    cycle,
                    "batch_outlier",
                    round(float(-z[cell].iloc[k]), 2),
                    "discharge_capacity_ah",
                    float(table[cell].iloc[k]),
                    float(median.iloc[k] * first[cell]),
                )
            )
    return found
