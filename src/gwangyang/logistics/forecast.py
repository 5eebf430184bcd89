"""Monthly throughput forecasting with statsforecast: model choice by rolling-origin backtest, honest intervals.

Candidates are seasonal naive, AutoETS, AutoARIMA and AutoTheta. Each is backtested on ``n_windows`` rolling
origins of ``horizon`` months; the one with the lowest MASE (scaled by the in-sample seasonal-naive error, Hyndman &
Koehler 2006) wins. Its prediction intervals are then widened, if the backtest shows they were too narrow, by the
factor that would have made them cover ``level`` % of the backtest points (a split-conformal style calibration).
The reported backtest coverage is honest: each window is judged with the factor learnt from the other windows.
"""

from __future__ import annotations

import io
import re
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import CorruptFileError, InputError, one_line
from ..files import read_bytes, read_text

MAX_ABS_VALUE = 1e100
"""Largest magnitude accepted: the models square and sum values, which overflows near 1e154."""

MODELS = ("seasonal_naive", "ets", "arima", "theta")
"""Candidate model names, simplest first (ties go to the simpler)."""


def load_series(path: str | Path, date_column: str, target: str) -> pd.DataFrame:
    """Read a monthly series from CSV or Parquet as columns ``ds`` (month start) and ``y``.

    Raises
    ------
    InputError
        A missing, unreadable or folder path (:func:`gwangyang.files.read_bytes`); a missing column, unparsable
        dates, non-numeric or missing values, a gap in the months.
    CorruptFileError
        A CSV that is not UTF-8 text (a cp949 export is refused at its first non-UTF-8 byte, not guessed) or not
        CSV; a Parquet file that is not Parquet (truncated, garbage).
    """
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        from pyarrow.lib import ArrowException

        raw = read_bytes(path, "Parquet table")
        try:
            table = pd.read_parquet(io.BytesIO(raw))
        except (ValueError, OSError, ArrowException) as exc:  # read from memory: only the content can fail
            raise CorruptFileError(one_line(f"{path}: not a readable Parquet table ({exc})")) from exc
    else:
        text = read_text(path, "CSV table")
        try:
            table = pd.read_csv(io.StringIO(text))
        except ValueError as exc:  # pandas' ParserError and EmptyDataError are ValueErrors
            raise CorruptFileError(one_line(f"{path}: not a readable CSV table ({exc})")) from exc
    for column, role in ((date_column, "--date-column"), (target, "--target")):
        if column not in table.columns:
            raise InputError(
                f"{path}: no column {column!r} ({role}); columns are {', '.join(map(str, table.columns[:8]))}"
            )
    raw_dates = table[date_column]
    if pd.api.types.is_numeric_dtype(raw_dates) and not pd.api.types.is_bool_dtype(raw_dates):
        example = raw_dates.dropna().iloc[0] if raw_dates.notna().any() else "nothing"
        raise InputError(
            f"{path}: column {date_column!r} holds numbers (e.g. {example}), not dates; "
            "write the months as dates (2024-01 or 2024-01-01)"
        )
    try:
        with warnings.catch_warnings():  # pandas' "could not infer format" would print before our message
            warnings.simplefilter("ignore", UserWarning)
            ds = pd.to_datetime(raw_dates)
    except (ValueError, TypeError, OverflowError) as exc:
        raise InputError(f"{path}: column {date_column!r} does not hold dates") from exc
    if ds.isna().any():  # an empty cell, e.g. of a row cut short: not a gap in the months
        first = int(np.flatnonzero(ds.isna().to_numpy())[0]) + 1
        raise InputError(
            f"{path}: column {date_column!r} has {int(ds.isna().sum())} missing date(s), the first in data row {first}"
        )
    problem = spacing_problem(ds)
    if problem is not None:
        raise InputError(f"{path}: column {date_column!r} holds {problem}; {ONE_ROW_A_MONTH}")
    y = numbers_with_separators(table[target])
    if y.isna().any():
        first = int(np.flatnonzero(y.isna().to_numpy())[0])
        raise InputError(
            f"{path}: column {target!r} has {int(y.isna().sum())} missing or non-numeric value(s), "
            f"the first in data row {first + 1} ({table[target].iloc[first]!r})"
        )
    series = pd.DataFrame({"ds": ds.dt.to_period("M").dt.to_timestamp(), "y": y.astype(float)}).sort_values(
        "ds"
    )
    return validate_series(series, str(path))


THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
"""A number written with thousands separators, as port statistics often are (``185,511``)."""


def numbers_with_separators(column: pd.Series) -> pd.Series:
    """A column as floats; text like ``185,511`` (commas every three digits) is read as 185511, nothing else changes.

    Cells that are neither numbers nor such text are NaN (the caller names them).
    """
    values = pd.to_numeric(column, errors="coerce")
    if values.isna().any() and column.dtype == object:
        text = column.astype(str).str.strip()
        grouped = text.str.match(THOUSANDS) & values.isna() & column.notna()
        values = values.where(
            ~grouped, pd.to_numeric(text.where(grouped).str.replace(",", ""), errors="coerce")
        )
    return values


ONE_ROW_A_MONTH = (
    "the forecaster takes one row per month (add up each month's rows first, or give a monthly series)"
)
"""What a series of another frequency is told to do."""

COARSER = {3: "quarterly", 6: "half-yearly", 12: "yearly"}
"""Months between dates → the name of a series coarser than monthly."""


def spacing_problem(dates: Any) -> str | None:
    """None for dates a month apart (gaps allowed: they are reported by :func:`validate_series`); else what they are.

    A series of several dates within a month (daily, weekly) or of dates 3, 6 or 12 months apart (quarterly,
    half-yearly, yearly; at least three dates) is named by the median spacing of its distinct dates, so it is
    refused as such rather than collapsed into repeated months or read as a monthly series full of gaps.
    """
    unique = pd.DatetimeIndex(pd.Series(dates).dropna().unique()).sort_values()
    if len(unique) < 2:
        return None
    days = float(np.median(np.diff(unique.asi8))) / 86_400e9
    if days < 20:
        name = "sub-daily" if days < 1 else "daily" if days < 5 else "weekly"
        return f"{name} dates (a median of {days:.3g} days apart)"
    months = np.diff(unique.to_period("M").asi8)
    step = int(np.median(months))
    if len(unique) >= 3 and step in COARSER:
        return f"{COARSER[step]} dates ({step} months apart)"
    return None


def validate_series(series: pd.DataFrame, where: str = "series") -> pd.DataFrame:
    """Check a ``ds``/``y`` frame: at least one month, every month known, unique and consecutive, finite values.

    Returns the frame with a clean index.
    """
    if len(series) == 0:
        raise InputError(f"{where}: no months; expected a monthly series")
    missing = series["ds"].isna().to_numpy()
    if missing.any():
        raise InputError(f"{where}: month {int(np.argmax(missing)) + 1} is not a date (empty or NaT)")
    if series["ds"].duplicated().any():
        raise InputError(
            f"{where}: month {series['ds'][series['ds'].duplicated()].iloc[0]:%Y-%m} appears twice"
        )
    expected = pd.date_range(series["ds"].iloc[0], periods=len(series), freq="MS")
    if not (pd.DatetimeIndex(series["ds"]) == expected).all():
        present = pd.DatetimeIndex(series["ds"])
        full = pd.date_range(present.min(), present.max(), freq="MS")
        absent = full.difference(present)
        detail = (
            f": {absent[0]:%Y-%m} is missing ({len(absent)} month(s) missing in all)"
            if len(absent) and present.isin(full).all()
            else " (dates that are not month starts)"
        )
        raise InputError(f"{where}: months must be consecutive with no gaps{detail}")
    values = series["y"].to_numpy()
    if not np.isfinite(values).all():
        raise InputError(f"{where}: values must be finite")
    if len(values) and np.abs(values).max() > MAX_ABS_VALUE:
        raise InputError(
            f"{where}: values must lie within ±{MAX_ABS_VALUE:.0e} (the models square them); "
            f"got {np.abs(values).max():.3g}; rescale the series"
        )
    return series.reset_index(drop=True)


@contextmanager
def quiet() -> Iterator[None]:
    """Silence the convergence warnings of ARIMA's order search, so results do not depend on warning filters."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _pandas(frame: Any) -> pd.DataFrame:
    """The answer of statsforecast as a pandas frame (it returns the type of its input; the input is pandas)."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame from statsforecast, got {type(frame).__name__}")
    return frame


def _models(names: tuple[str, ...], season_length: int) -> list[Any]:
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta, SeasonalNaive

    make = {
        "seasonal_naive": lambda: SeasonalNaive(season_length=season_length, alias="seasonal_naive"),
        "ets": lambda: AutoETS(season_length=season_length, alias="ets"),
        "arima": lambda: AutoARIMA(season_length=season_length, approximation=True, alias="arima"),
        "theta": lambda: AutoTheta(season_length=season_length, alias="theta"),
    }
    unknown = [n for n in names if n not in make]
    if unknown:
        raise InputError(f"models: unknown model {unknown[0]!r} (expected {', '.join(MODELS)})")
    return [make[n]() for n in names]


def seasonal_naive_scale(y: np.ndarray, season_length: int) -> float:
    """In-sample mean absolute error of the seasonal naive forecast (MASE denominator)."""
    if len(y) <= season_length:
        raise InputError(f"series: need more than {season_length} months to scale errors")
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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: ``{"model", "level", "forecast": [{"ds", "mean", "lo", "hi"}], "backtest"}``."""
        fc = self.forecast
        rows = [
            {"ds": f"{ds:%Y-%m-%d}", "mean": float(mean), "lo": float(lo), "hi": float(hi)}
            for ds, mean, lo, hi in zip(fc["ds"], fc["mean"], fc["lo"], fc["hi"], strict=True)
        ]
        return {
            "model": self.model,
            "level": self.level,
            "forecast": rows,
            "backtest": self.backtest,
            "runtime_s": self.runtime_s,
        }

    def summary(self) -> str:
        """A few lines for a terminal."""
        b = self.backtest
        lines = [
            f"model {self.model}: backtest MASE {b['mase']:.3f} (seasonal naive {b['models']['seasonal_naive']:.3f}), "
            f"{self.level} % interval coverage {b['coverage']:.0%} over {b['points']} points"
        ]
        lines += [
            f"  {r.ds:%Y-%m}  {r.mean:14,.0f}  [{r.lo:14,.0f}, {r.hi:14,.0f}]"
            for r in self.forecast.itertuples()
        ]
        return "\n".join(lines)


def widening(ratio: np.ndarray, level: int) -> float:
    """Factor (at least 1) by which intervals must widen to cover ``level`` % of errors scaled by half-widths."""
    return max(1.0, float(np.quantile(ratio, level / 100.0, method="higher")))


def backtest(
    series: pd.DataFrame,
    horizon: int,
    level: int = 90,
    season_length: int = 12,
    n_windows: int = 3,
    models: tuple[str, ...] = MODELS,
) -> tuple[pd.DataFrame, dict[str, float], float]:
    """Rolling-origin backtest of every model.

    Returns
    -------
    tuple
        The cross-validation table (``ds``, ``cutoff``, ``y`` and per model mean/lo/hi columns), MASE per model,
        and the MASE scale (in-sample seasonal-naive MAE before the first origin).
    """
    from statsforecast import StatsForecast

    if len(series) < horizon * n_windows + 2 * season_length:
        raise InputError(
            f"series: {len(series)} months is too short for {n_windows} backtest windows of {horizon} "
            f"months plus two seasons of history"
        )
    frame = series.assign(unique_id="series")
    engine = StatsForecast(models=_models(models, season_length), freq="MS", n_jobs=1)
    with quiet():
        cv = _pandas(
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
    horizon: int,
    level: int = 90,
    season_length: int = 12,
    n_windows: int = 3,
    models: tuple[str, ...] = MODELS,
    calibrate: bool = True,
) -> ForecastResult:
    """Choose a model by backtest, refit it on the whole series and forecast ``horizon`` months with intervals.

    Parameters
    ----------
    series
        Columns ``ds`` (month starts) and ``y``.
    horizon
        Months ahead.
    level
        Prediction-interval level in percent.
    n_windows
        Rolling origins in the backtest.
    calibrate
        Widen the chosen model's intervals when the backtest shows them too narrow.
    """
    from statsforecast import StatsForecast

    if horizon < 1:
        raise InputError(f"horizon: expected at least 1 month, got {horizon}")
    if not 0 < level < 100:
        raise InputError(f"level: expected a percentage between 0 and 100, got {level}")
    started = time.perf_counter()
    series = validate_series(series)
    cv, mase, _ = backtest(series, horizon, level, season_length, n_windows, models)
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
    engine = StatsForecast(models=_models((chosen,), season_length), freq="MS", n_jobs=1)
    with quiet():
        ahead = _pandas(engine.forecast(df=series.assign(unique_id="series"), h=horizon, level=[level]))
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
    return ForecastResult(chosen, level, table, report, series, time.perf_counter() - started)


def holdout_evaluation(
    series: pd.DataFrame,
    holdout: int = 12,
    level: int = 90,
    season_length: int = 12,
    n_windows: int = 3,
) -> dict[str, Any]:
    """Hold out the last ``holdout`` months, forecast them from the rest, and score against the truth.

    Returns
    -------
    dict
        ``model``, ``mase`` (holdout MAE over the training series' in-sample seasonal-naive MAE),
        ``seasonal_naive_mase`` (the same for the seasonal naive forecast), ``coverage`` of the ``level`` %
        intervals on the held-out months, and ``runtime_s``.
    """
    series = validate_series(series)
    train, test = series.iloc[:-holdout], series.iloc[-holdout:]
    result = forecast(train, holdout, level, season_length, n_windows)
    truth = test["y"].to_numpy()
    scale = seasonal_naive_scale(train["y"].to_numpy(), season_length)
    naive = np.resize(train["y"].to_numpy()[-season_length:], holdout)
    fc = result.forecast
    return {
        "model": result.model,
        "mase": float(np.mean(np.abs(truth - fc["mean"].to_numpy()))) / scale,
        "seasonal_naive_mase": float(np.mean(np.abs(truth - naive))) / scale,
        "coverage": float(((truth >= fc["lo"].to_numpy()) & (truth <= fc["hi"].to_numpy())).mean()),
        "level": level,
        "runtime_s": result.runtime_s,
        "backtest": result.backtest,
    }


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
    ax.set_title(title or "monthly forecast")
    ax.legend(loc="upper left")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
