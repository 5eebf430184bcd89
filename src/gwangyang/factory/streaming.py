"""Score new rows one at a time or in batches with constant memory, and keep alarm state.

A row *violates* when its T² or Q exceeds the control limit; an *alarm* is raised on the ``k``-th
consecutive violation and lasts while violations continue. The state between calls is the last
``lags`` standardised rows (dynamic PCA), the current run of violations, and the open alarm's
running totals (peak statistics and summed variable contributions): its size does not grow with
the number of rows scored, so scoring a table row by row or in one batch gives the same result.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, ModelFileError
from ..store import artifacts
from ..written import as_written
from .io import numeric_matrix
from .monitor import _Monitor
from .persist import monitor_from_state, monitor_state, read_npz, write_npz


def _json_time(value: Any) -> Any:
    if isinstance(value, (pd.Timestamp, dt.datetime, np.datetime64)):
        return pd.Timestamp(value).isoformat()
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    return value


@dataclass
class Alarm:
    """One alarm: from the row that raised it to the last row of its run of violations."""

    start: Any
    end: Any
    start_index: int
    end_index: int
    rows: int
    peak_t2: float
    peak_q: float
    top_variables: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "start": _json_time(self.start),
            "end": _json_time(self.end),
            "start_index": self.start_index,
            "end_index": self.end_index,
            "rows": self.rows,
            "peak_t2": self.peak_t2,
            "peak_q": self.peak_q,
            "top_variables": self.top_variables,
        }


@dataclass
class ScoreResult:
    """Statistics, violations, alarm flags per row and the alarms of one scored table."""

    method: str
    time: np.ndarray
    t2: np.ndarray
    q: np.ndarray
    violation: np.ndarray
    alarm: np.ndarray
    t2_limit: float
    q_limit: float
    k: int
    alarms: list[Alarm] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """One row per scored row: ``time``, ``t2``, ``q``, ``violation``, ``alarm``."""
        return pd.DataFrame(
            {"time": self.time, "t2": self.t2, "q": self.q, "violation": self.violation, "alarm": self.alarm}
        )

    def summary(self) -> dict[str, Any]:
        """Counts of rows, violations, alarm rows and alarms."""
        return {
            "rows": len(self.t2),
            "violations": int(self.violation.sum()),
            "alarm_rows": int(self.alarm.sum()),
            "alarms": len(self.alarms),
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: ``rows`` as ``{"time", "t2", "q", "alarm"}`` and ``alarms`` with top variables."""
        rows = [
            {
                "time": _json_time(t),
                "t2": None if np.isnan(a) else float(a),
                "q": None if np.isnan(b) else float(b),
                "alarm": bool(c),
            }
            for t, a, b, c in zip(self.time, self.t2, self.q, self.alarm, strict=True)
        ]
        return {
            "method": self.method,
            "limits": {"t2": self.t2_limit, "q": self.q_limit},
            "k": self.k,
            "summary": self.summary(),
            "rows": rows,
            "alarms": [a.to_dict() for a in self.alarms],
        }


class StreamingMonitor:
    """A fitted monitor with its columns, time column and alarm state.

    Parameters
    ----------
    estimator
        A fitted :class:`~.monitor.PCAMonitor`, :class:`~.monitor.DynamicPCAMonitor` or
        :class:`~.monitor.KernelPCAMonitor`.
    columns
        The variables, in the order the estimator was fitted on.
    time_column
        Name of the time column of the tables it scores.
    k
        Consecutive violations that raise an alarm.
    top
        Variables named per alarm.
    dropped
        Columns left out at fitting (constant), kept for the record.
    """

    def __init__(
        self,
        estimator: _Monitor,
        columns: Sequence[str],
        time_column: str = "time",
        k: int = 3,
        top: int = 5,
        dropped: Sequence[str] = (),
    ) -> None:
        if not isinstance(k, int) or k < 1:
            raise InputError(f"k: expected a positive number of consecutive violations, got {as_written(k)}.")
        self.estimator = estimator
        self.columns = [str(c) for c in columns]
        self.time_column = time_column
        self.k = k
        self.top = top
        self.dropped = [str(c) for c in dropped]
        self.reset()

    # ---- state ------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget history and alarm state."""
        m = len(self.columns)
        self._buffer = np.zeros((0, m))
        self._run = 0
        self._index = 0
        self._open: dict[str, Any] | None = None
        self._open_contrib = np.zeros(m)

    @property
    def method(self) -> str:
        """Short name of the monitoring method (``pca``, ``dpca``, ``kpca``)."""
        return str(monitor_state(self.estimator)[0]["method"])

    @property
    def in_alarm(self) -> bool:
        """Whether an alarm is open."""
        return self._open is not None

    # ---- scoring ----------------------------------------------------------------------
    def update(self, row: Any, time: Any = None) -> tuple[dict[str, Any], Alarm | None]:
        """Score one row (a mapping by column name or a sequence in column order).

        Returns
        -------
        tuple
            ``{"time", "t2", "q", "violation", "alarm"}`` for the row, and the alarm it closed, if any.
        """
        if isinstance(row, (dict, pd.Series)):
            missing = [c for c in self.columns if c not in row]
            if missing:
                raise InputError(f"row: column {missing[0]!r} is missing.")
            values = [row[c] for c in self.columns]
            time = row.get(self.time_column, time) if time is None else time
        else:
            values = list(row)
        try:
            matrix = np.asarray(values, dtype=np.float64).reshape(1, -1)
        except (TypeError, ValueError) as exc:
            raise InputError(f"row: expected {len(self.columns)} numbers.") from exc
        batch = self.score_batch(matrix, [time])
        closed = batch.alarms[0] if batch.alarms else None
        return (
            {
                "time": time,
                "t2": float(batch.t2[0]),
                "q": float(batch.q[0]),
                "violation": bool(batch.violation[0]),
                "alarm": bool(batch.alarm[0]),
            },
            closed,
        )

    def score_batch(self, X: np.ndarray, times: Sequence[Any] | np.ndarray | None = None) -> ScoreResult:
        """Score consecutive rows after those already seen; the result lists the alarms they closed."""
        est = self.estimator
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != len(self.columns):
            raise InputError(f"rows: expected {len(self.columns)} columns, got shape {X.shape}.")
        if not np.isfinite(X).all():
            raise InputError("rows: hold missing or infinite values.")
        n = X.shape[0]
        times = np.arange(self._index, self._index + n) if times is None else np.asarray(times, dtype=object)
        Z = np.vstack([self._buffer, est._standardize(X)])
        E = est._embed(Z)
        t2, q = est._stats(E) if len(E) else (np.zeros(0), np.zeros(0))
        t2, q = est._pad(t2, n), est._pad(q, n)
        with np.errstate(invalid="ignore"):
            violation = (t2 > est.t2_limit_) | (q > est.q_limit_)
        # Consecutive-violation count, vectorised: distance to the last non-violating row.
        position = np.arange(n)
        last_ok = np.maximum.accumulate(np.where(~violation, position, -1))
        run = np.where(last_ok < 0, position + 1 + self._run, position - last_ok)
        alarm = run >= self.k
        closed = self._track(alarm, t2, q, E, times, n)
        lags = est.lags
        self._buffer = Z[len(Z) - lags :].copy()  # a copy: a view would keep the whole batch alive
        self._run = int(run[-1]) if n else self._run
        self._index += n
        return ScoreResult(
            self.method,
            times,
            t2,
            q,
            violation,
            alarm,
            float(est.t2_limit_),
            float(est.q_limit_),
            self.k,
            closed,
        )

    def _track(
        self, alarm: np.ndarray, t2: np.ndarray, q: np.ndarray, E: np.ndarray, times: np.ndarray, n: int
    ) -> list[Alarm]:
        """Update the open alarm's totals and close the alarms that ended in this batch (one pass per segment)."""
        closed: list[Alarm] = []
        if not alarm.any() and self._open is None:
            return closed
        offset = n - len(E)  # rows without history have no embedded row
        flags = alarm.astype(np.int8)
        edges = np.diff(np.concatenate([[1 if self._open is not None else 0], flags, [0]]))
        starts, ends = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]
        if self._open is not None:
            starts = np.concatenate([[0], starts])  # the open alarm continues from the last batch
        for a, b in zip(starts, ends, strict=True):  # alarm rows a..b-1 (b == a: it ended before row a)
            if self._open is None:
                self._open = {
                    "start": times[a],
                    "start_index": self._index + int(a),
                    "rows": 0,
                    "peak_t2": 0.0,
                    "peak_q": 0.0,
                }
                self._open_contrib = np.zeros(len(self.columns))
            if b > a:
                contrib = self.estimator._fold(self.estimator._contrib(E[a - offset : b - offset]))
                self._open.update(
                    end=times[b - 1],
                    end_index=self._index + int(b) - 1,
                    rows=self._open["rows"] + int(b - a),
                    peak_t2=max(self._open["peak_t2"], float(np.max(t2[a:b]))),
                    peak_q=max(self._open["peak_q"], float(np.max(q[a:b]))),
                )
                self._open_contrib += contrib.sum(axis=0)
            if b < n:
                closed.append(self._close())
        return closed

    def _close(self) -> Alarm:
        assert self._open is not None
        total = float(self._open_contrib.sum())
        order = np.argsort(self._open_contrib)[::-1][: self.top]
        top = [
            {"variable": self.columns[j], "share": float(self._open_contrib[j] / total) if total > 0 else 0.0}
            for j in order
        ]
        alarm = Alarm(top_variables=top, **self._open)
        self._open = None
        return alarm

    def flush(self) -> Alarm | None:
        """Close the open alarm, if any, and return it (at the end of a table)."""
        return self._close() if self._open is not None else None

    def score_table(self, table: pd.DataFrame, source: str = "table") -> ScoreResult:
        """Score a whole table from a fresh state (the monitor's own state is left as it was)."""
        if self.time_column not in table.columns:
            raise InputError(f"{source}: no time column {self.time_column!r}.")
        X = numeric_matrix(table, self.columns, source)
        fresh = copy.copy(self)
        fresh.reset()
        result = fresh.score_batch(X, table[self.time_column].to_numpy(dtype=object))
        last = fresh.flush()
        if last is not None:
            result.alarms.append(last)
        return result

    # ---- persistence ------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write the monitor and its alarm state to one ``.npz`` file; returns the path."""
        description, arrays = monitor_state(self.estimator)
        stream = {
            "columns": self.columns,
            "time_column": self.time_column,
            "k": self.k,
            "top": self.top,
            "dropped": self.dropped,
            "run": self._run,
            "index": self._index,
            "open": None if self._open is None else {key: _json_time(v) for key, v in self._open.items()},
        }
        payload = {f"m.{key}": value for key, value in arrays.items()}
        payload["s.buffer"] = self._buffer
        payload["s.contrib"] = self._open_contrib
        write_npz(path, {"monitor": description, "stream": stream}, payload)
        return Path(path)

    @classmethod
    def load(cls, path: str | Path) -> StreamingMonitor:
        """Read a file written by :meth:`save`."""
        header, arrays = read_npz(path)
        try:
            description, stream = header["monitor"], header["stream"]
            estimator = monitor_from_state(
                description, {k[2:]: v for k, v in arrays.items() if k.startswith("m.")}
            )
            out = cls(
                estimator,
                stream["columns"],
                stream["time_column"],
                int(stream["k"]),
                int(stream["top"]),
                stream["dropped"],
            )
            out._buffer, out._open_contrib = arrays["s.buffer"], arrays["s.contrib"]
            out._run, out._index, out._open = int(stream["run"]), int(stream["index"]), stream["open"]
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelFileError(f"{path}: monitor file is incomplete ({exc}).") from exc
        return out


def store_monitor_path(store_root: str | Path, name: str) -> Path:
    """Where a named monitor lives in a store (see :func:`gwangyang.store.artifacts.monitor_path`)."""
    return artifacts.monitor_path(store_root, name)
