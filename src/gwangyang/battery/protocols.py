"""Attia's six-step ten-minute fast-charging protocols (Attia et al. 2020, Nature 578:397).

A protocol charges from 0 to 80 % state of charge in four constant-current steps of 20 % SOC each
(CC1 on 0–20 %, CC2 on 20–40 %, CC3 on 40–60 %, CC4 on 60–80 %), then 1C CC-CV to the upper
voltage. A step of 20 % SOC at ``c`` C lasts ``0.2 / c`` hours = ``12 / c`` minutes, so with a total
charge time of 10 minutes CC4 is fixed by the other three::

    12/CC1 + 12/CC2 + 12/CC3 + 12/CC4 = 10   =>   CC4 = 12 / (10 - 12/CC1 - 12/CC2 - 12/CC3)

The published space takes CC1 from {3.6, 4.0, 4.4, 4.8, 5.2, 5.6, 6, 7, 8} C, CC2 from the same
values up to 7 C, CC3 up to 5.6 C, keeps CC4 ≤ 4.81 C and leaves out the one single-rate protocol
(4.8 C throughout): 224 protocols, as ``policies_all.csv`` of the paper's repository lists.

Readers for the paper's files (``batch/N.csv``, ``pred/N.csv``, ``validation/*.csv``) are here too.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import CorruptFileError, InputError
from ..written import as_written

STEP_SOC = 0.2
"""SOC window of each of the four constant-current steps."""
CHARGE_TIME_MIN = 10.0
"""Time to charge from 0 to 80 % SOC, minutes."""
CC1_VALUES: tuple[float, ...] = (3.6, 4.0, 4.4, 4.8, 5.2, 5.6, 6.0, 7.0, 8.0)
"""C-rates of CC1 in the published space (Attia et al. 2020, Methods)."""
CC2_VALUES: tuple[float, ...] = tuple(v for v in CC1_VALUES if v <= 7.0)
CC3_VALUES: tuple[float, ...] = tuple(v for v in CC1_VALUES if v <= 5.6)
CC4_MAX = 4.81
"""Upper limit of CC4 in C (Attia et al. 2020, Methods)."""
N_PROTOCOLS = 224
"""Size of the published space (``policies_all.csv``)."""


def cc4_from(cc1: float, cc2: float, cc3: float, charge_time_min: float = CHARGE_TIME_MIN) -> float:
    """CC4 (C-rate) that completes the 0–80 % charge in ``charge_time_min`` minutes.

    Returns ``inf`` when CC1–CC3 alone take the whole time or longer.

    Raises
    ------
    InputError
        A C-rate is not a positive finite number.
    """
    for name, value in (("cc1", cc1), ("cc2", cc2), ("cc3", cc3)):
        if not (math.isfinite(value) and value > 0):
            raise InputError(f"{name}: expected a positive C-rate, got {as_written(value)}.")
    minutes = 60.0 * STEP_SOC
    left = charge_time_min - minutes / cc1 - minutes / cc2 - minutes / cc3
    return float("inf") if left <= 0 else minutes / left


@dataclass(frozen=True)
class ChargingProtocol:
    """One four-step constant-current charging protocol (C-rates).

    Attributes
    ----------
    cc1, cc2, cc3, cc4
        C-rate of each 20 % SOC step.
    """

    cc1: float
    cc2: float
    cc3: float
    cc4: float

    @classmethod
    def from_rates(
        cls, cc1: float, cc2: float, cc3: float, charge_time_min: float = CHARGE_TIME_MIN
    ) -> ChargingProtocol:
        """The protocol with CC4 set by the charge time.

        Raises
        ------
        InputError
            CC1–CC3 leave no time for CC4.
        """
        cc4 = cc4_from(cc1, cc2, cc3, charge_time_min)
        if not math.isfinite(cc4):
            raise InputError(
                f"protocol {cc1:g}-{cc2:g}-{cc3:g}: CC1-CC3 take {charge_time_min:g} min or more; no time left for CC4."
            )
        return cls(float(cc1), float(cc2), float(cc3), cc4)

    @classmethod
    def parse(cls, text: str, charge_time_min: float = CHARGE_TIME_MIN) -> ChargingProtocol:
        """Read ``"4.8-5.2-5.2"`` (CC4 computed) or ``"4.8-5.2-5.2-4.16"`` (CC4 given), ``-`` or ``,`` separated.

        Raises
        ------
        InputError
            Not three or four numbers.
        """
        parts = [p for p in str(text).replace(",", "-").replace("_", "-").split("-") if p.strip()]
        try:
            rates = [float(p.strip().rstrip("Cc")) for p in parts]
        except ValueError:
            rates = []
        if len(rates) not in (3, 4):
            raise InputError(
                f"protocol {text!r}: expected 'CC1-CC2-CC3' or 'CC1-CC2-CC3-CC4' in C, e.g. 4.8-5.2-5.2 (four "
                "steps of 20 % SOC over 0-80 %); other steps or SOC windows: 'RATES@FROM-TO', e.g. 6-5-4-3-2@0-80."
            )
        if len(rates) == 3:
            return cls.from_rates(rates[0], rates[1], rates[2], charge_time_min=charge_time_min)
        if not all(math.isfinite(r) and r > 0 for r in rates):
            raise InputError(f"protocol {text!r}: C-rates must be positive numbers.")
        return cls(*rates)

    @property
    def rates(self) -> tuple[float, float, float, float]:
        """The four C-rates."""
        return (self.cc1, self.cc2, self.cc3, self.cc4)

    @property
    def name(self) -> str:
        """``"4.8-5.2-5.2-4.16"``, ``"8-6-5-4"``: CC4 (often computed, ``4.15999...``) to 3 decimals, zeros dropped.

        A display name only: the twin's cache key is :meth:`cache_document` (the rates), so results saved when CC4
        read ``4.160`` are found again (their stored warnings keep the old spelling). Dropping the trailing zeros
        loses nothing of ``.3f``, so two protocols share a name exactly when they did before.
        """
        cc4 = f"{self.cc4:.3f}".rstrip("0").rstrip(".")
        return f"{self.cc1:g}-{self.cc2:g}-{self.cc3:g}-{cc4}"

    start_soc = 0.0
    """SOC the charge starts from."""

    def steps(self) -> tuple[tuple[float, float], ...]:
        """``(C-rate, SOC width)`` of each step: 20 % each."""
        return tuple((c, STEP_SOC) for c in self.rates)

    def cache_document(self) -> list[float]:
        """What identifies the protocol in the twin's cache key (the four rates, as before other shapes)."""
        return [round(r, 9) for r in self.rates]

    def step_minutes(self) -> tuple[float, ...]:
        """Duration of each step in minutes (20 % SOC at each rate)."""
        return tuple(60.0 * STEP_SOC / c for c in self.rates)

    def charge_time_min(self) -> float:
        """Time to 80 % SOC in minutes."""
        return float(sum(self.step_minutes()))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"cc1": self.cc1, "cc2": self.cc2, "cc3": self.cc3, "cc4": self.cc4, "name": self.name}


def enumerate_protocols(
    cc1_values: tuple[float, ...] = CC1_VALUES,
    cc2_values: tuple[float, ...] = CC2_VALUES,
    cc3_values: tuple[float, ...] = CC3_VALUES,
    cc4_max: float = CC4_MAX,
    charge_time_min: float = CHARGE_TIME_MIN,
) -> pd.DataFrame:
    """Every feasible protocol of the grid, as a table ``cc1, cc2, cc3, cc4``.

    The defaults give Attia's 224; the single-rate protocol (all four equal) is left out, as the
    paper does.
    """
    rows = []
    for cc1, cc2, cc3 in itertools.product(cc1_values, cc2_values, cc3_values):
        cc4 = cc4_from(cc1, cc2, cc3, charge_time_min)
        if not math.isfinite(cc4) or cc4 > cc4_max:
            continue
        if cc1 == cc2 == cc3 and math.isclose(cc4, cc1, rel_tol=1e-9):
            continue
        rows.append((float(cc1), float(cc2), float(cc3), cc4))
    return pd.DataFrame(rows, columns=["cc1", "cc2", "cc3", "cc4"])


def _read_numeric(path: Path, columns: int, what: str) -> np.ndarray:
    """The first ``columns`` columns of a headerless numeric CSV (a header row of names is skipped)."""
    values = _numeric_table(path, columns, what)
    values = values[:, :columns]
    bad = ~np.isfinite(values).all(axis=1)
    if bad.any():
        row = int(np.flatnonzero(bad)[0]) + 1
        raise CorruptFileError(f"{path}: row {row} is not {columns} finite numbers ({what}).")
    return values


def _numeric_table(path: Path, columns: int, what: str) -> np.ndarray:
    """Every column of a numeric CSV as floats, at least ``columns`` wide; a first row of names is left out.

    The paper's files have no header; a copy written with one (``CC1,CC2,CC3``) holds the same numbers.
    """
    if not path.is_file():
        raise InputError(f"{path}: no such file ({what}).")
    try:
        table = pd.read_csv(path, header=None, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise CorruptFileError(f"{path}: not a CSV of {what} ({type(exc).__name__}).") from exc
    values = table.apply(pd.to_numeric, errors="coerce").to_numpy(dtype="float64")
    if len(values) > 1 and not np.isfinite(values[0]).any():
        values = values[1:]  # a header row: names, no numbers
    if values.ndim != 2 or values.shape[1] < columns or len(values) == 0:
        raise CorruptFileError(f"{path}: expected {columns} numeric columns of {what}, got {table.shape[1]}.")
    return values


def read_policies(path: str | Path) -> pd.DataFrame:
    """Read a protocol list (``policies_all.csv`` or a ``batch/N.csv``): 3 or 4 columns, no header.

    Returns
    -------
    pandas.DataFrame
        ``cc1, cc2, cc3, cc4`` (CC4 computed when the file has three columns).

    Raises
    ------
    InputError
        Missing file, rows that are not numbers, or more than four columns (another number of steps).
    """
    path = Path(path)
    values = _numeric_table(path, 3, "protocol C-rates")
    if values.shape[1] > 4:
        # Reading the first four of five steps gave other protocols than the file's, without a word.
        raise InputError(
            f"{path}: {values.shape[1]} columns; expected 3 or 4 C-rates (CC1-CC3[, CC4]: four steps of "
            f"{STEP_SOC:.0%} SOC from 0 to 80 %); a protocol of other steps is written 'RATES@FROM-TO' for the "
            "twin (6-5-4-3-2@0-80), or as a space of one parameter per step."
        )
    if values.shape[1] == 4:
        values = _read_numeric(path, 4, "protocol C-rates")
        return pd.DataFrame(values, columns=["cc1", "cc2", "cc3", "cc4"])
    first = _read_numeric(path, 3, "protocol C-rates")
    cc4 = [cc4_from(*row) for row in first]
    return pd.DataFrame({"cc1": first[:, 0], "cc2": first[:, 1], "cc3": first[:, 2], "cc4": cc4})


def read_predictions(folder: str | Path) -> pd.DataFrame:
    """Early-predicted lives of Attia's four rounds (``pred/0.csv`` … ``pred/3.csv``).

    Returns
    -------
    pandas.DataFrame
        ``round, cc1, cc2, cc3, cc4, predicted_life`` (one row per tested cell).
    """
    folder = Path(folder)
    pred = folder / "pred" if (folder / "pred").is_dir() else folder
    files = sorted(pred.glob("*.csv"), key=_round_order)
    if not files:
        raise InputError(f"{pred}: no round files N.csv of early predictions.")
    parts: list[pd.DataFrame] = []
    for path in files:
        part = _round_file(path)
        number = re.search(r"\d+", path.stem)  # 0.csv as the paper names them; round_0.csv, 라운드1.csv too
        part.insert(0, "round", int(number.group()) if number else len(parts))
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


CC4_TOLERANCE = 0.01
"""C-rate within which a file's fourth column is CC4 as :func:`cc4_from` computes it (the paper's files give
it to three decimals)."""


def _round_order(path: Path) -> tuple[int, str]:
    """Round files in the order of the number in their name (``2.csv`` before ``10.csv``)."""
    number = re.search(r"\d+", path.stem)
    return (int(number.group()) if number else -1, path.stem)


def _round_file(path: Path) -> pd.DataFrame:
    """One round's early predictions: ``cc1, cc2, cc3, cc4, predicted_life`` or ``cc1, cc2, cc3, predicted_life``.

    The paper's ``pred/N.csv`` give CC4; a file of four columns gives the life after CC3 (CC4 is then
    computed), unless its fourth column is CC4 itself, which is a protocol list without lives.
    """
    what = "cc1, cc2, cc3, [cc4,] predicted life"
    values = _numeric_table(path, 4, what)
    if values.shape[1] >= 5:
        values = _read_numeric(path, 5, what)
        return pd.DataFrame(values, columns=["cc1", "cc2", "cc3", "cc4", "predicted_life"])
    values = _read_numeric(path, 4, what)
    cc4 = np.array([cc4_from(*row[:3]) for row in values])
    if np.all(np.abs(values[:, 3] - cc4) <= CC4_TOLERANCE):
        raise CorruptFileError(
            f"{path}: its four columns are CC1-CC4 (the fourth is the ten-minute CC4): a protocol list "
            "without the predicted lives."
        )
    return pd.DataFrame(
        {
            "cc1": values[:, 0],
            "cc2": values[:, 1],
            "cc3": values[:, 2],
            "cc4": cc4,
            "predicted_life": values[:, 3],
        }
    )


def _rate_column(name: Any) -> Any:
    """``C1``..``C4`` however written (``c1``, ``CC1``, `` C1 ``); other column names as they are."""
    text = str(name).strip().upper()
    text = text[1:] if text in ("CC1", "CC2", "CC3", "CC4") else text
    return text if text in ("C1", "C2", "C3", "C4") else name


def _cell_values(table: pd.DataFrame, row: int) -> np.ndarray:
    """The lives of one protocol's cells: every column but C1-C4, empty cells left out."""
    cells = [
        c for c in table.columns if c not in ("C1", "C2", "C3", "C4") and not str(c).startswith("Unnamed")
    ]
    return pd.to_numeric(table[cells].iloc[row], errors="coerce").dropna().to_numpy(dtype="float64")


def _rates_key(table: pd.DataFrame, row: int, path: Path) -> tuple[float, float, float]:
    """CC1-CC3 of a validation row, rounded to 3 decimals (as the files write them) to match the other file."""
    values = pd.to_numeric(table[["C1", "C2", "C3"]].iloc[row], errors="coerce").to_numpy(dtype="float64")
    if not np.isfinite(values).all():
        raise CorruptFileError(f"{path}: row {row + 1} has no numeric C1, C2, C3.")
    return (round(float(values[0]), 3), round(float(values[1]), 3), round(float(values[2]), 3))


def read_validation(folder: str | Path) -> pd.DataFrame:
    """Attia's validation: final and early-predicted lives of 9 protocols × 5 cells.

    Returns
    -------
    pandas.DataFrame
        ``cc1, cc2, cc3, cc4, final_mean, final_std, predicted_mean, cells`` per protocol.
    """
    folder = Path(folder)
    base = folder / "validation" if (folder / "validation").is_dir() else folder
    out = []
    tables = {}
    for name in ("final_results", "predictions"):
        path = base / f"{name}.csv"
        if not path.is_file():
            raise InputError(f"{path}: no such file (Attia validation {name}).")
        table = pd.read_csv(path, encoding="utf-8-sig")
        table.columns = [_rate_column(c) for c in table.columns]
        if not {"C1", "C2", "C3"} <= set(table.columns):
            raise CorruptFileError(f"{path}: expected columns C1, C2, C3 and one per cell.")
        tables[name] = table
    final, pred = tables["final_results"], tables["predictions"]
    early_by_rates: dict[tuple[float, float, float], np.ndarray] = {}
    for i in range(len(pred)):
        key = _rates_key(pred, i, base / "predictions.csv")
        early_by_rates[key] = _cell_values(pred, i)
    for i in range(len(final)):
        rates = _rates_key(final, i, base / "final_results.csv")
        lives = _cell_values(final, i)
        # the two files are matched by protocol, not by row: either may list them in another order
        early = early_by_rates.get(rates, np.empty(0))
        out.append(
            {
                "cc1": rates[0],
                "cc2": rates[1],
                "cc3": rates[2],
                "cc4": cc4_from(*rates),
                "final_mean": float(lives.mean()) if len(lives) else float("nan"),
                "final_std": float(lives.std(ddof=1)) if len(lives) > 1 else float("nan"),
                "predicted_mean": float(early.mean()) if len(early) else float("nan"),
                "cells": len(lives),
            }
        )
    return pd.DataFrame(out)
