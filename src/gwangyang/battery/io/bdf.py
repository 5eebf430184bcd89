"""Battery Data Format (BDF) of the Battery Data Alliance: write a cell as BDF, read BDF files.

BDF is a table of cycler time series with fixed column labels and units (``Test Time / s``,
``Voltage / V``, ``Current / A``, ...), as CSV (``.bdf``, ``.bdf.csv``) or Parquet
(``.bdf.parquet``); PyBaMM, PyBOP, cellpy and navani users exchange data in it. The labels
here follow the BDF application ontology **version 1.3.0** (battery-data-alliance/
battery-data-format-ontology; the required and recommended quantities of the format's README, and
the cycle-level capacity and energy labels of 1.3.0). Machine-readable names
(``test_time_second``, ...) are read as well as labels; the older label ``Step Index / 1`` is read
as the cycler's step.

Conventions: current is positive while charging, as in our canonical table. Capacities and
energies are written per cycle (``Cycle Charging Capacity / Ah``: accumulated since the cycle's
start), which is our canonical convention; BDF's interval-agnostic ``Charging Capacity / Ah`` is
not read (its interval is not stated), so capacities of such files are integrated from current.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from ...errors import CorruptFileError
from .. import schema as s
from ..schema import CyclerData
from .base import Reader, head_text, looks_binary, safe_cell_id
from .textfile import scan_text
from .textrows import check_rows

BDF_VERSION = "1.3.0"
"""BDF ontology version whose labels are written."""

LABELS: dict[str, str] = {
    s.TIME: "Test Time / s",
    s.VOLTAGE: "Voltage / V",
    s.CURRENT: "Current / A",
    s.CYCLE: "Cycle Count / 1",
    s.STEP: "Step ID",
    s.CHARGE_CAPACITY: "Cycle Charging Capacity / Ah",
    s.DISCHARGE_CAPACITY: "Cycle Discharging Capacity / Ah",
    s.CHARGE_ENERGY: "Cycle Charging Energy / Wh",
    s.DISCHARGE_ENERGY: "Cycle Discharging Energy / Wh",
    s.TEMPERATURE: "Temperature T1 / degC",
    s.RESISTANCE: "Internal Resistance / ohm",
}
"""Canonical column -> BDF label."""

UNIX_TIME = "Unix Time / s"
STEP_COUNT = "Step Count / 1"

MACHINE_NAMES: dict[str, str] = {
    "test_time_second": "Test Time / s",
    "voltage_volt": "Voltage / V",
    "current_ampere": "Current / A",
    "cycle_count": "Cycle Count / 1",
    "step_id": "Step ID",
    "step_count": STEP_COUNT,
    "unix_time_second": UNIX_TIME,
    "cycle_charging_capacity_ah": "Cycle Charging Capacity / Ah",
    "cycle_discharging_capacity_ah": "Cycle Discharging Capacity / Ah",
    "cycle_charging_energy_wh": "Cycle Charging Energy / Wh",
    "cycle_discharging_energy_wh": "Cycle Discharging Energy / Wh",
    "temperature_t1_celsius": "Temperature T1 / degC",
    "internal_resistance_ohm": "Internal Resistance / ohm",
    "step_index": "Step Index / 1",
}
"""BDF machine-readable names -> labels (files may use either)."""

LEGACY: dict[str, str] = {"Step Index / 1": s.STEP, "Internal Resistance / Ohm": s.RESISTANCE}
"""Labels of earlier BDF versions -> canonical columns."""

REQUIRED = ("Test Time / s", "Voltage / V", "Current / A")


def to_bdf(ts: pd.DataFrame, steps: pd.DataFrame | None = None) -> pd.DataFrame:
    """A canonical time series as a BDF table (labels of :data:`BDF_VERSION`).

    Parameters
    ----------
    ts
        Canonical time series.
    steps
        Its steps table; gives ``Step Count / 1`` (our step number of each row).
    """
    out = pd.DataFrame(index=ts.index)
    for column, label in LABELS.items():
        if column in ts.columns:
            out[label] = ts[column].to_numpy()
    if s.DATE_TIME in ts.columns:
        stamps = pd.to_datetime(ts[s.DATE_TIME])
        seconds = (stamps - pd.Timestamp("1970-01-01")).dt.total_seconds()
        out.insert(1, UNIX_TIME, seconds.to_numpy())
    if steps is not None and len(steps):
        from ..steps import steps_for_rows

        out[STEP_COUNT] = steps_for_rows(steps, len(ts))
    return out


def _labelled(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns={c: MACHINE_NAMES.get(str(c).strip(), str(c).strip()) for c in frame.columns})


def from_bdf(frame: pd.DataFrame, source: Path) -> tuple[pd.DataFrame, list[str]]:
    """A BDF table as a canonical time series, and the BDF columns that were not read."""
    frame = _labelled(frame)
    missing = [label for label in REQUIRED if label not in frame.columns]
    if missing:
        raise CorruptFileError(f"{source}: BDF file lacks the required column(s) {', '.join(missing)}.")
    to_canonical = {label: column for column, label in LABELS.items()} | LEGACY
    out = pd.DataFrame(
        {column: frame[label] for label, column in to_canonical.items() if label in frame.columns}
    )
    if s.CYCLE not in out.columns:
        out[s.CYCLE] = 0  # cycles come from the signal at ingest
    if UNIX_TIME in frame.columns:
        seconds = pd.to_numeric(frame[UNIX_TIME], errors="coerce")
        out[s.DATE_TIME] = pd.to_datetime(seconds, unit="s", errors="coerce")
    used = set(to_canonical) | {UNIX_TIME, STEP_COUNT}
    return s.finalize(out, source), [str(c) for c in frame.columns if c not in used]


def _labels(names: list[str]) -> set[str]:
    return {MACHINE_NAMES.get(name.strip().strip('"'), name.strip().strip('"')) for name in names}


class BdfReader:
    """BDF CSV (a header of BDF labels or machine names) and BDF Parquet (``*.bdf.parquet``, or BDF columns)."""

    name = "bdf"

    def can_load(self, path: Path, head: bytes) -> bool:
        """A CSV header or a Parquet schema holding BDF's three required columns."""
        if head.startswith(b"PAR1"):
            try:
                names = pq.read_schema(path).names
            except (OSError, ValueError):
                return False
            return set(REQUIRED) <= _labels(names)
        if looks_binary(head):
            return False
        return set(REQUIRED) <= _labels(head_text(head).split("\n", 1)[0].strip("\r").split(","))

    def read(self, path: Path) -> CyclerData:
        """Read the file; columns the canonical table has no place for are named in a warning."""
        path = Path(path)
        notes: list[dict[str, str]] = []
        if read_magic(path) == b"PAR1":
            frame = pd.read_parquet(path)
        else:
            text = scan_text(path)
            notes = text.warnings
            check_rows(path, 0, ",", None, text.encoding)
            frame = pd.read_csv(
                path,
                low_memory=False,
                encoding=text.encoding,
                encoding_errors="replace",
                float_precision=text.float_precision,
            )
        ts, unread = from_bdf(frame, path)
        warnings = [*notes, *s.unread_columns(unread, path, "BDF column(s)")]
        start = None
        if s.DATE_TIME in ts.columns and ts[s.DATE_TIME].notna().any():
            first = int(np.flatnonzero(ts[s.DATE_TIME].notna().to_numpy())[0])
            start = pd.Timestamp(ts[s.DATE_TIME].iloc[first]) - pd.Timedelta(
                seconds=float(ts[s.TIME].iloc[first])
            )
        stem = path.name.split(".bdf")[0] if ".bdf" in path.name else path.stem
        return CyclerData(
            timeseries=ts,
            vendor=self.name,
            source=path,
            cell_id=safe_cell_id(stem),
            start_time=start,
            extra={"format": "bdf", "bdf_version_written": BDF_VERSION},
            warnings=warnings,
        )


def read_magic(path: Path) -> bytes:
    """The first four bytes of a file."""
    with open(path, "rb") as handle:
        return handle.read(4)


READERS: list[Reader] = [BdfReader()]
