"""Neware files: binary ``.nda`` / ``.ndax`` through NewareNDA, and the BTS CSV export (:mod:`.neware_bts`).

NewareNDA returns, per record: ``Cycle`` (regenerated the way BTSDA numbers cycles), ``Step``
(a running count of steps), ``Step_Index`` (the step of the schedule), ``Status`` (``CC_Chg``,
``CC_DChg``, ``Rest``, ...), ``Time`` (seconds **within the step**), ``Voltage`` (V),
``Current(mA)`` (negative on discharge), ``Charge_Capacity(mAh)`` / ``Discharge_Capacity(mAh)`` and
the energies in mWh (each **reset at every step**), ``Timestamp`` (wall clock, 1 s resolution) and
auxiliary channels such as ``T1``. We convert milli-units to A/Ah/Wh, build the test time from the
step times (:func:`.neware_steptime.step_test_time`, the wall clock counted for pauses only), and make the counters
cumulative within a cycle.
"""

from __future__ import annotations

import logging
import re
import struct
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ...errors import CorruptFileError, GwangyangError, one_line
from ...written import as_written
from .. import schema as s
from ..schema import CyclerData, cumulative_from_steps, finalize
from .base import Reader, safe_cell_id
from .neware_bts import NewareBtsCsvReader
from .neware_steptime import step_test_time
from .neware_time import PAUSE_TOLERANCE_S

NDA_MAGIC = b"NEWARE"
ZIP_MAGIC = b"PK\x03\x04"
NDAX_MEMBERS = (b"TestInfo.xml", b"VersionInfo.xml", b"data.ndc", b"Step.xml")

_UNIT = re.compile(r"^(?P<base>.+)\((?P<unit>m?A|m?Ah|m?Wh)\)$")
_SCALE = {"mA": 1e-3, "A": 1.0, "mAh": 1e-3, "Ah": 1.0, "mWh": 1e-3, "Wh": 1.0}


def _column(df: pd.DataFrame, base: str) -> tuple[np.ndarray, float] | None:
    """A NewareNDA column by base name whatever its unit, and the factor to SI (A, Ah, Wh)."""
    for name in df.columns:
        match = _UNIT.match(str(name))
        if match and match.group("base") == base:
            return df[name].to_numpy(dtype="float64"), _SCALE[match.group("unit")]
    return None


def _nda_truncated(path: Path) -> bool:
    """True when an ``.nda`` (version 29) header records a larger file than there is.

    Bytes 64, 68 and 72 hold the data section's offset, its length and the file length; we trust
    them only when they agree with each other (offset + length = file length).
    """
    with open(path, "rb") as handle:
        head = handle.read(76)
    if len(head) < 76 or head[14] != 29:
        return False
    data_at, data_len, total = struct.unpack_from("<III", head, 64)
    return data_at + data_len == total and total > path.stat().st_size


def from_newarenda(df: pd.DataFrame, source: Path) -> pd.DataFrame:
    """Map a NewareNDA table onto the canonical schema (units, time, cumulative counters)."""
    for name in ("Cycle", "Step", "Time", "Voltage"):
        if name not in df.columns:
            raise CorruptFileError(f"{source}: NewareNDA gave no {name!r} column.")
    current = _column(df, "Current")
    if current is None:
        raise CorruptFileError(f"{source}: NewareNDA gave no current column.")
    step = df["Step"].to_numpy(dtype="int64")
    cycle = df["Cycle"].to_numpy(dtype="int64")
    stamps = df["Timestamp"].to_numpy(dtype="datetime64[ns]") if "Timestamp" in df.columns else None
    time, disagreement = step_test_time(
        df["Time"].to_numpy(dtype="float64"), cycle, step, stamps, pauses_only=True
    )
    out = pd.DataFrame(
        {
            s.TIME: time,
            s.CYCLE: cycle,
            s.STEP: df["Step_Index"].to_numpy() if "Step_Index" in df.columns else step,
            s.CURRENT: current[0] * current[1],
            s.VOLTAGE: df["Voltage"].to_numpy(dtype="float64"),
        }
    )
    for base, target in (
        ("Charge_Capacity", s.CHARGE_CAPACITY),
        ("Discharge_Capacity", s.DISCHARGE_CAPACITY),
        ("Charge_Energy", s.CHARGE_ENERGY),
        ("Discharge_Energy", s.DISCHARGE_ENERGY),
    ):
        found = _column(df, base)
        if found is not None:
            out[target] = cumulative_from_steps(np.abs(found[0]) * found[1], cycle, step)
    temperature = next((c for c in df.columns if re.fullmatch(r"T\d*", str(c))), None)
    if temperature is not None:
        out[s.TEMPERATURE] = df[temperature].to_numpy(dtype="float64")
    if stamps is not None:
        out[s.DATE_TIME] = stamps
    if stamps is not None and disagreement is not None:
        out.attrs[s.WARNINGS_ATTR] = [_clock_warning(df, time, stamps, disagreement, source)]
    return finalize(out, source)


def _clock_warning(
    df: pd.DataFrame,
    time: np.ndarray,
    stamps: np.ndarray,
    disagreement: tuple[float, int],
    source: Path,
) -> dict[str, str]:
    """The warning that the test time built from the steps and the records' ``Timestamp`` disagree.

    Names the first record over :data:`~.neware_time.PAUSE_TOLERANCE_S` (its place, its ``Index`` where NewareNDA
    gives one), the test time built there and the Timestamp's (seconds after the first stamped record's, from
    the built time there), and the largest disagreement.
    """
    largest, row = disagreement
    first = int(np.flatnonzero(~np.isnat(stamps))[0])
    wall = float(time[first] + (stamps[row] - stamps[first]) / np.timedelta64(1, "s"))
    stamp = pd.Timestamp(stamps[row]).isoformat(sep=" ")
    why = f"(over {PAUSE_TOLERANCE_S:g} s: a pause is counted only where a step starts)"
    if "Index" in df.columns:
        detail = (
            f"record {row + 1} (Index {as_written(df['Index'].iloc[row])}): the test time built from the time "
            f"within each step is {time[row]:.6g} s but its Timestamp {stamp} says {wall:.6g} s, up to "
            f"{largest:.3g} s apart {why}"
        )
    else:
        detail = (
            f"record {row + 1}: the test time built from the time within each step is {time[row]:.6g} s but its "
            f"Timestamp {stamp} says {wall:.6g} s, up to {largest:.3g} s apart {why}"
        )
    return s.warning(
        "unknown_format",
        detail,
        source,
    )


def _newarenda_read(path: Path, kind: str) -> pd.DataFrame:
    """Call NewareNDA's reader for the detected kind (its ``read`` goes by file extension, we by content)."""
    from NewareNDA.NewareNDA import read_nda
    from NewareNDA.NewareNDAx import read_ndax

    logger = logging.getLogger("newarenda")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # its own messages repeat the error we raise
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if kind == "ndax":
                return read_ndax(str(path), software_cycle_number=True, cycle_mode="chg")
            return read_nda(str(path), software_cycle_number=True, cycle_mode="chg")
    finally:
        logger.setLevel(level)


def _newarenda_metadata(path: Path, kind: str) -> dict[str, Any]:
    """NewareNDA's metadata for the file, or an empty dict (older NewareNDA has none; never fatal)."""
    try:
        from importlib import import_module

        module = import_module("NewareNDA.NewareNDAx" if kind == "ndax" else "NewareNDA.NewareNDA")
        function = getattr(module, f"read_{kind}_metadata", None)
        if function is None:
            return {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            metadata = function(path)
        return metadata if isinstance(metadata, dict) else {}
    except Exception:  # metadata is a nicety: a file whose data reads must not fail on it
        return {}


class NewareNdaReader:
    """Neware BTS binary files, ``.nda`` (magic ``NEWARE``) and ``.ndax`` (a zip of ``data.ndc`` and XML)."""

    name = "neware"

    def can_load(self, path: Path, head: bytes) -> bool:
        """True for the ``NEWARE`` magic, or a zip whose first members are Neware's."""
        if head.startswith(NDA_MAGIC):
            return True
        return head.startswith(ZIP_MAGIC) and any(member in head for member in NDAX_MEMBERS)

    def read(self, path: Path) -> CyclerData:
        """Read an ``.nda`` / ``.ndax`` file with NewareNDA."""
        path = Path(path)
        with open(path, "rb") as handle:
            zipped = handle.read(4) == ZIP_MAGIC
        kind = "ndax" if zipped else "nda"
        if zipped and not zipfile.is_zipfile(path):
            raise CorruptFileError(
                f"{path}: Neware .ndax file is truncated or damaged (no zip directory at its end)."
            )
        if kind == "nda" and _nda_truncated(path):
            raise CorruptFileError(
                f"{path}: Neware .nda file is truncated (its header records a longer file)."
            )
        try:
            df = _newarenda_read(path, kind)
        except GwangyangError:
            raise
        except MemoryError:
            raise
        except Exception as exc:  # NewareNDA raises anything (EOFError, BadZipFile, struct.error) on damage
            raise CorruptFileError(
                one_line(f"{path}: not a readable Neware .{kind} file ({type(exc).__name__}: {exc}).")
            ) from exc
        metadata = _newarenda_metadata(path, kind)
        if df is None or len(df) == 0:
            raise CorruptFileError(f"{path}: Neware .{kind} file holds no records.")
        timeseries = from_newarenda(df, path)
        start = pd.Timestamp(timeseries[s.DATE_TIME].iloc[0]) if s.DATE_TIME in timeseries.columns else None
        info = metadata.get("TestInfo", {}).get("TestInfo", {})
        channel = None
        if info.get("DevID") is not None:
            channel = f"{info.get('DevID')}-{info.get('UnitID')}-{info.get('ChlID')}"
        extra: dict[str, object] = {"format": kind}
        for key in ("StepName", "Barcode", "SN"):
            if info.get(key):
                extra[key.lower()] = info[key]
        if metadata.get("active_mass_mg") is not None:
            extra["active_mass_mg"] = metadata["active_mass_mg"]
        return CyclerData(
            timeseries=timeseries,
            vendor=self.name,
            source=path,
            cell_id=safe_cell_id(path.stem),
            channel=channel,
            start_time=start,
            extra=extra,
        )


READERS: list[Reader] = [NewareNdaReader(), NewareBtsCsvReader()]
