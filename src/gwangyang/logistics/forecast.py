"""Throughput forecasting with statsforecast: model choice by rolling-origin backtest, honest intervals.

The series may be monthly, quarterly, half-yearly, yearly, weekly, fortnightly, daily or business-daily: the
frequency is recognised from its dates (:mod:`gwangyang.logistics.frequency`), which sets the season (12, 4, 2, 1,
52, 26, 7, 5), the default horizon and the history the backtest needs (two seasons, at least 8 points); horizon and
holdout count periods of it. What was done to the series without being asked (holidays filled, ISO weeks 53 met by
a 52-week season) is said in the result's ``notes``.
Candidates are seasonal naive, AutoETS, AutoARIMA and AutoTheta; at a season over 24 (weeks, fortnights) MSTL with
a non-seasonal AutoARIMA takes AutoARIMA's place (:mod:`gwangyang.logistics.forecast_models`). Each is backtested on ``n_windows`` rolling
origins of ``horizon`` periods; the one with the lowest MASE (scaled by the in-sample seasonal-naive error, Hyndman &
Koehler 2006) wins. Its prediction intervals are then widened, if the backtest shows they were too narrow, by the
factor that would have made them cover ``level`` % of the backtest points (a split-conformal style calibration).
The reported backtest coverage is honest: each window is judged with the factor learnt from the other windows.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..written import as_written
from .forecast_input import MAX_ABS_VALUE as MAX_ABS_VALUE
from .forecast_input import load_series as load_series
from .forecast_input import numbers_with_separators as numbers_with_separators
from .forecast_input import series_frequency, validate_series
from .forecast_models import as_pandas, candidates, make_models, quiet, statsforecast_freq
from .frequency import MONTHLY, Frequency
from .holidays import calendar_note, filled_note
from .iso_weeks import week_53_note


def seasonal_naive_scale(y: np.ndarray, season_length: int) -> float:
    """In-sample mean absolute error of the seasonal naive forecast (MASE denominator)."""
    if len(y) <= season_length:
        raise InputError(f"series: need more than {season_length} periods to scale errors")
    scale = float(np.mean(np.abs(y[season_length:] - y[:-season_length])))
    return scale if scale > 0 else 1.0


@dataclass
class ForecastResult:
    """The chosen model, its forecast with intervals, and the backtest that chose it."""

    model: str
    level: int
    forecast: pd.DataFrame
    backtest: dict[str, Any]
    history: pd.DataFrame = field(repr=False)
    runtime_s: float = 0.0
    frequency: Frequency = MONTHLY
    notes: list[str] = field(default_factory=list)
    """What was done to the series without being asked, one line each (holidays filled, weeks 53)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: ``model``, ``level``, ``forecast``, ``backtest``, ``frequency``, ``notes``.

        ``forecast`` is ``[{"period", "ds", "mean", "lo", "hi"}]``: ``period`` names it as the frequency does
        (``2026-W14`` for ISO weeks, ``2024-01`` for months), ``ds`` is its first day; ``frequency`` is ``{"name",
        "alias", "season_length", "unit"}``; ``backtest["horizon"]`` counts its periods.
        """
        fc, f = self.forecast, self.frequency
        rows = [
            {
                "period": f.name_of(ds),
                "ds": f"{ds:%Y-%m-%d}",
                "mean": float(mean),
                "lo": float(lo),
                "hi": float(hi),
            }
            for ds, mean, lo, hi in zip(fc["ds"], fc["mean"], fc["lo"], fc["hi"], strict=True)
        ]
        return {
            "model": self.model,
            "level": self.level,
            "forecast": rows,
            "backtest": self.backtest,
            "runtime_s": self.runtime_s,
            "frequency": self.frequency.to_dict(),
            "notes": list(self.notes),
        }

    def summary(self) -> str:
        """A few lines for a terminal."""
        b, f = self.backtest, self.frequency
        lines = [
            f"{f.name} series (season {f.season_length}), {len(self.forecast)} {f.units} ahead; "
            f"model {self.model}: backtest MASE {b['mase']:.3f} (seasonal naive {b['models']['seasonal_naive']:.3f}), "
            f"{self.level} % interval coverage {b['coverage']:.0%} over {b['points']} points"
        ]
        lines += [
            f"  {f.name_of(r.ds):10}  {r.mean:14,.0f}  [{r.lo:14,.0f}, {r.hi:14,.0f}]"
            for r in self.forecast.itertuples()
        ]
        return "\n".join(lines)


def widening(ratio: np.ndarray, level: int) -> float:
    """Factor (at least 1) by which intervals must widen to cover ``level`` % of errors scaled by half-widths."""
    return max(1.0, float(np.quantile(ratio, level / 100.0, method="higher")))


def frequency_for(series: pd.DataFrame, season_length: int | None = None) -> Frequency:
    """The series' frequency (recognised from ``ds``), with ``season_length`` in place of its own when given."""
    frequency = series_frequency(series)
    if season_length is None or season_length == frequency.season_length:
        return frequency
    if season_length < 1:
        raise InputError(f"season_length: expected at least 1, got {as_written(season_length)}")
    return dataclasses.replace(frequency, season_length=season_length)


def check_length(length: int, frequency: Frequency, horizon: int, n_windows: int) -> None:
    """Refuse a series shorter than ``n_windows`` windows of ``horizon`` plus the history before the first origin.

    The history is two seasons, at least :data:`~gwangyang.logistics.frequency.MIN_HISTORY` points: 24 months,
    8 quarters, 8 half-years, 8 years, 104 weeks, 52 fortnights, 14 days, 10 business days.
    """
    f = frequency
    if n_windows < 1:
        raise InputError(f"windows: expected at least 1, got {as_written(n_windows)}")
    if length < horizon * n_windows + f.min_history:
        raise InputError(
            f"series: {length} {f.units} is too short for {n_windows} backtest windows of {horizon} {f.units} "
            f"plus {f.min_history} {f.units} of history (two seasons of {f.season_length}, at least 8); "
            f"shorten --horizon or --windows"
        )


def backtest(
    series: pd.DataFrame,
    horizon: int,
    level: int = 90,
    season_length: int | None = None,
    n_windows: int = 3,
    models: tuple[str, ...] | None = None,
    frequency: Frequency | None = None,
) -> tuple[pd.DataFrame, dict[str, float], float]:
    """Rolling-origin backtest of every model, ``horizon`` periods of the series' frequency per window.

    ``season_length`` defaults to the frequency's (12 for months, 4 for quarters...); ``models`` to the candidates
    at that season (:func:`gwangyang.logistics.forecast_models.candidates`).

    Returns
    -------
    tuple
        The cross-validation table (``ds``, ``cutoff``, ``y`` and per model mean/lo/hi columns), MASE per model,
        and the MASE scale (in-sample seasonal-naive MAE before the first origin).
    """
    from statsforecast import StatsForecast

    f = frequency if frequency is not None else frequency_for(series, season_length)
    season_length = f.season_length
    check_length(len(series), f, horizon, n_windows)
    models = candidates(season_length) if models is None else models
    frame = series[["ds", "y"]].assign(unique_id="series")
    engine = StatsForecast(models=make_models(models, season_length), freq=statsforecast_freq(f), n_jobs=1)
    with quiet():
        cv = as_pandas(
            engine.cross_validation(
                df=frame, h=horizon, n_windows=n_windows, step_size=horizon, level=[level]
            )
        )
    first = cv["cutoff"].min()
    scale = seasonal_naive_scale(series.loc[series["ds"] <= first, "y"].to_numpy(), season_length)
    mase = {m: float(np.mean(np.abs(cv["y"] - cv[m]))) / scale for m in models}
    return cv, mase, scale


def forecast(
    series: pd.DataFrame,
    horizon: int | None = None,
    level: int = 90,
    season_length: int | None = None,
    n_windows: int = 3,
    models: tuple[str, ...] | None = None,
    calibrate: bool = True,
) -> ForecastResult:
    """Choose a model by backtest, refit it on the whole series and forecast ``horizon`` periods with intervals.

    Parameters
    ----------
    series
        Columns ``ds`` (period starts: months, quarters, half-years, years, weeks, fortnights, days or business
        days) and ``y``.
    horizon
        Periods ahead; default the frequency's (12 months, 8 quarters, 4 half-years, 3 years, 13 weeks,
        6 fortnights, 14 days, 10 business days).
    season_length
        Periods in a season; default the frequency's (12, 4, 2, 1, 52, 26, 7, 5; the working days of a week for
        another business-day calendar, 6 for Monday to Saturday).
    level
        Prediction-interval level in percent.
    n_windows
        Rolling origins in the backtest.
    models
        Candidate names; default :func:`gwangyang.logistics.forecast_models.candidates` at the season (``mstl``
        in place of ``arima`` past 24).
    calibrate
        Widen the chosen model's intervals when the backtest shows them too narrow.
    """
    from statsforecast import StatsForecast

    if not 0 < level < 100:
        raise InputError(f"level: expected a percentage between 0 and 100, got {as_written(level)}")
    started = time.perf_counter()
    series = validate_series(series)
    f = frequency_for(series, season_length)
    season_length = f.season_length
    notes = series_notes(series, f)
    series = series[["ds", "y"]]
    horizon = f.horizon if horizon is None else horizon
    if horizon < 1:
        raise InputError(f"horizon: expected at least 1 {f.unit}, got {horizon}")
    models = candidates(season_length) if models is None else models
    cv, mase, _ = backtest(series, horizon, level, season_length, n_windows, models, f)
    chosen = min(models, key=lambda m: (round(mase[m], 9), models.index(m)))
    lo, hi = cv[f"{chosen}-lo-{level}"].to_numpy(), cv[f"{chosen}-hi-{level}"].to_numpy()
    mean, actual = cv[chosen].to_numpy(), cv["y"].to_numpy()
    half = np.maximum(np.where(actual >= mean, hi - mean, mean - lo), 1e-12)
    ratio = np.abs(actual - mean) / half
    window = cv["cutoff"].rank(method="dense").to_numpy()
    widen = widening(ratio, level) if calibrate else 1.0
    # Honest coverage: each backtest window judged with the widening learnt from the other windows only.
    held_out = np.ones(len(ratio))
    if calibrate and n_windows > 1:
        for w in np.unique(window):
            held_out[window == w] = widening(ratio[window != w], level)
    covered = ratio <= held_out + 1e-12
    engine = StatsForecast(models=make_models((chosen,), season_length), freq=statsforecast_freq(f), n_jobs=1)
    with quiet():
        ahead = as_pandas(engine.forecast(df=series.assign(unique_id="series"), h=horizon, level=[level]))
    centre = ahead[chosen].to_numpy()
    table = pd.DataFrame(
        {
            "ds": pd.to_datetime(ahead["ds"]).to_numpy(),
            "mean": centre,
            "lo": centre - widen * (centre - ahead[f"{chosen}-lo-{level}"].to_numpy()),
            "hi": centre + widen * (ahead[f"{chosen}-hi-{level}"].to_numpy() - centre),
        }
    )
    report = {
        "mase": mase[chosen],
        "coverage": float(covered.mean()),
        "coverage_uncalibrated": float((ratio <= 1.0 + 1e-12).mean()),
        "interval_widening": widen,
        "windows": n_windows,
        "horizon": horizon,
        "points": len(cv),
        "models": mase,
    }
    runtime = time.perf_counter() - started
    return ForecastResult(chosen, level, table, report, series, runtime, f, notes)


def series_notes(series: pd.DataFrame, frequency: Frequency) -> list[str]:
    """Lines on what the forecaster does to a checked series unasked: a working calendar, filled holidays, weeks 53."""
    notes = [calendar_note(series, frequency), filled_note(series)]
    if frequency.name in ("weekly", "fortnightly"):
        notes.append(week_53_note(series["ds"], frequency.season_length))
    return [note for note in notes if note]


def holdout_evaluation(
    series: pd.DataFrame,
    holdout: int | None = None,
    level: int = 90,
    season_length: int | None = None,
    n_windows: int = 3,
    models: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """Hold out the last ``holdout`` periods (default the frequency's horizon), forecast them, score against the truth.

    Returns
    -------
    dict
        ``model``, ``mase`` (holdout MAE over the training series' in-sample seasonal-naive MAE),
        ``seasonal_naive_mase`` (the same for the seasonal naive forecast), ``smape`` (percent: the mean of
        ``200 |y - f| / (|y| + |f|)``), ``coverage`` of the ``level`` % intervals on the held-out periods,
        ``runtime_s``, ``frequency`` and ``notes``. ``models``: the candidates (default per season).
    """
    series = validate_series(series)
    f = frequency_for(series, season_length)
    season_length = f.season_length
    holdout = f.horizon if holdout is None else holdout
    if not 1 <= holdout < len(series):
        raise InputError(f"holdout: expected 1 to {len(series) - 1} {f.units}, got {holdout}")
    train, test = series.iloc[:-holdout], series.iloc[-holdout:]
    result = forecast(train, holdout, level, season_length, n_windows, models)
    truth = test["y"].to_numpy()
    scale = seasonal_naive_scale(train["y"].to_numpy(), season_length)
    naive = np.resize(train["y"].to_numpy()[-season_length:], holdout)
    fc = result.forecast
    mean = fc["mean"].to_numpy()
    return {
        "model": result.model,
        "mase": float(np.mean(np.abs(truth - mean))) / scale,
        "smape": smape(truth, mean),
        "seasonal_naive_mase": float(np.mean(np.abs(truth - naive))) / scale,
        "coverage": float(((truth >= fc["lo"].to_numpy()) & (truth <= fc["hi"].to_numpy())).mean()),
        "level": level,
        "runtime_s": result.runtime_s,
        "backtest": result.backtest,
        "frequency": f.to_dict(),
        "notes": result.notes,
    }


def smape(truth: np.ndarray, forecast: np.ndarray) -> float:
    """Symmetric MAPE in percent: the mean of ``200 |y - f| / (|y| + |f|)`` (0 where both are 0)."""
    denominator = np.abs(truth) + np.abs(forecast)
    ratio = np.divide(
        2 * np.abs(truth - forecast), denominator, out=np.zeros(len(truth)), where=denominator > 0
    )
    return 100.0 * float(np.mean(ratio))


def plot_forecast(result: ForecastResult, path: str | Path, title: str = "") -> None:
    """Write the history, the forecast and its interval to a PNG."""
    from ..plotting import pyplot

    plt = pyplot()

    fig, ax = plt.subplots(figsize=(9, 4.5))
    history = result.history.iloc[-60:]
    ax.plot(history["ds"], history["y"], color="black", lw=1.2, label="history")
    fc = result.forecast
    ax.plot(fc["ds"], fc["mean"], color="tab:blue", lw=1.5, label=f"forecast ({result.model})")
    ax.fill_between(
        fc["ds"], fc["lo"], fc["hi"], color="tab:blue", alpha=0.2, label=f"{result.level} % interval"
    )
    ax.set_title(title or f"{result.frequency.name} forecast")
    ax.legend(loc="upper left")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
