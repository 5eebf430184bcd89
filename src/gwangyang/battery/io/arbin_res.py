"""Arbin ``.res`` databases (Microsoft Access / Jet), read through ``mdb-export`` from mdbtools."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import CorruptFileError, InputError, one_line
from .. import schema as s
from ..schema import CyclerData
from .arbin import _base_data, _copy_texts, _number, _numeric, _text, canonical_table
from .base import Reader
from .companion_time import data_end
from .cut_end import SAME_CLOCK_S, cut_warning, longest_interval
from .textfile import scan_text

_JET_MAGIC = (b"Standard Jet DB", b"Standard ACE DB")
_OLE_EPOCH = np.datetime64("1899-12-30T00:00:00", "ns")


def _ole_to_datetime(days: np.ndarray) -> np.ndarray:
    """OLE automation dates (days since 1899-12-30, Access ``DateTime``) to naive datetime64, to the millisecond.

    A double holds today's days to about a microsecond: 45131.78472222222 is 18:50:00 less 0.5 µs, read to the
    nanosecond 18:49:59.999999488; to the millisecond it is 18:50:00.000.
    """
    ok = np.isfinite(days) & (days > 0) & (days < 2.9e6)
    nanos = np.round(np.where(ok, days, 0.0) * 86400e3).astype("int64") * 1_000_000
    out = _OLE_EPOCH + nanos.astype("timedelta64[ns]")
    out[~ok] = np.datetime64("NaT")
    return out


class ArbinResReader:
    """Arbin ``.res`` result database (MS Access), exported table by table with mdbtools' ``mdb-export``."""

    name = "arbin"

    def can_load(self, path: Path, head: bytes) -> bool:
        """Jet/ACE database header with Arbin's table names; or any file named ``.res`` (Arbin's alone)."""
        if head[4:19] in _JET_MAGIC:
            return "Channel_Normal_Table".encode("utf-16-le") in head or path.suffix.lower() == ".res"
        return path.suffix.lower() == ".res"

    def read(self, path: Path) -> CyclerData:
        """Read ``Channel_Normal_Table``, ``Global_Table``, ``Channel_Statistic_Table`` and ``Event_Table``."""
        with open(path, "rb") as handle:
            header = handle.read(21)
        if header[4:19] not in _JET_MAGIC:
            raise CorruptFileError(f"{path}: not an Arbin .res file (no MS Access 'Standard Jet DB' header).")
        page = 2048 if header[20] == 0 else 4096  # Jet 3 pages are 2 KiB, Jet 4 and ACE pages 4 KiB
        if path.stat().st_size % page:
            raise CorruptFileError(
                f"{path}: Arbin .res database is truncated (size not a whole number of pages)."
            )
        normal = _mdb_table(path, "Channel_Normal_Table")
        notes = list(normal.attrs.pop(s.WARNINGS_ATTR, []))
        if len(normal) == 0:
            raise CorruptFileError(f"{path}: Arbin .res has no data rows in Channel_Normal_Table.")
        order = [c for c in ("Test_ID", "Data_Point") if c in normal.columns]
        if order:  # mdb-export gives rows in storage order, not logging order
            normal = normal.sort_values(order, kind="stable").reset_index(drop=True)
        dates = None
        if "DateTime" in normal.columns:
            with np.errstate(all="ignore"):
                dates = _ole_to_datetime(_numeric(normal["DateTime"].to_numpy()))
        ts = canonical_table(
            {c: normal[c].to_numpy() for c in normal.columns if c != "DateTime"}, path, dates
        )
        data = _base_data(path, ts)
        table = _mdb_table(path, "Global_Table")
        data.warnings.extend([*notes, *table.attrs.pop(s.WARNINGS_ATTR, [])])
        if len(table):
            row = table.iloc[0]
            data.channel = _text(row.get("Channel_Number", row.get("Channel_Index")))
            start = _ole_to_datetime(np.array([_number(row.get("Start_DateTime"))]))[0]
            data.start_time = None if np.isnat(start) else pd.Timestamp(start)
            if data.start_time is not None:
                data.extra["test_start"] = data.start_time.isoformat()
            _copy_texts(
                data,
                row,
                (
                    ("Test_Name", "test_name"),
                    ("Schedule_File_Name", "schedule"),
                    ("Item_ID", "barcode"),
                    ("Creator", "creator"),
                    ("Comments", "comments"),
                ),
            )
        data.vendor_cycles = _res_statistics(path, normal)
        _apply_end(data, path)
        return data


def _apply_end(data: CyclerData, path: Path) -> None:
    """The test's end from ``Event_Table`` (its latest event, ``Test end``) kept, and held against the last row.

    Kept in ``extra`` (``test_end``: the event's date and time, the cycler PC's clock as ``DateTime``;
    ``test_end_s``: its test time). An end well after the last row's test time is a ``truncated_file`` warning
    (:mod:`.cut_end`: the same test clock, so :data:`.cut_end.SAME_CLOCK_S` for the clocks). A database without
    the table or an event in it gives no end, as older ones do.
    """
    try:
        events = _mdb_table(path, "Event_Table")
    except CorruptFileError:
        return
    data.warnings.extend(events.attrs.pop(s.WARNINGS_ATTR, []))
    if "Test_Time" not in events.columns or not len(events):
        return
    times = _numeric(events["Test_Time"].to_numpy())
    if not np.isfinite(times).any():
        return
    latest = int(np.nanargmax(times))
    end_s = float(times[latest])
    data.extra["test_end_s"] = end_s
    stamp = None
    if "DateTime" in events.columns:
        moment = _ole_to_datetime(np.array([_number(events["DateTime"].iloc[latest])]))[0]
        stamp = None if np.isnat(moment) else pd.Timestamp(moment)
        if stamp is not None:
            data.extra["test_end"] = stamp.isoformat()
    ts = data.timeseries
    last_s = float(ts[s.TIME].iloc[-1])
    last_stamp = data_end(ts)
    shown: tuple[pd.Timestamp | float, pd.Timestamp | float] = (
        (last_stamp, stamp) if stamp is not None and last_stamp is not None else (last_s, end_s)
    )
    note = cut_warning(path, "Event_Table", *shown, end_s - last_s, SAME_CLOCK_S, longest_interval(ts))
    if note is not None:
        data.warnings.append(note)


def _mdb_table(path: Path, table: str) -> pd.DataFrame:
    """One table of an Access database as a DataFrame, through ``mdb-export``."""
    exe = shutil.which("mdb-export")
    if exe is None:
        raise InputError(
            f"{path}: reading Arbin .res files needs mdbtools' mdb-export (apt-get install mdbtools)."
        )
    try:
        done = subprocess.run([exe, str(path), table], capture_output=True, timeout=600, check=False)
    except subprocess.TimeoutExpired as exc:
        raise CorruptFileError(f"{path}: mdb-export did not finish reading table {table}.") from exc
    if b"beyond EOF" in done.stderr:
        raise CorruptFileError(f"{path}: Arbin .res database is truncated (table {table} runs past the end).")
    if done.returncode != 0:
        reason = one_line(done.stderr.decode("utf-8", "replace"))[:200] or f"exit code {done.returncode}"
        raise CorruptFileError(f"{path}: not a readable Arbin .res database (mdb-export {table}: {reason}).")
    if not done.stdout.strip():
        raise CorruptFileError(f"{path}: Arbin .res database has no table {table}.")
    # mdbtools writes UTF-8 (Korean test names and comments included); checked like a text export
    text = scan_text(path, data=done.stdout)
    try:
        frame = pd.read_csv(
            io.BytesIO(done.stdout),
            encoding=text.encoding,
            encoding_errors="replace",
            low_memory=False,
            float_precision="round_trip",
        )
    except Exception as exc:
        raise CorruptFileError(one_line(f"{path}: unreadable {table} in Arbin .res ({exc}).")) from exc
    if text.warnings:
        frame.attrs[s.WARNINGS_ATTR] = [
            {**w, "detail": f"mdb-export {table}: {w['detail']}"} for w in text.warnings
        ]
    return frame


def _res_statistics(path: Path, normal: pd.DataFrame) -> pd.DataFrame | None:
    """The vendor's per-cycle times from ``Channel_Statistic_Table``, keyed to cycles via ``Data_Point``."""
    try:
        stats = _mdb_table(path, "Channel_Statistic_Table")
    except CorruptFileError:
        return None
    if len(stats) == 0 or "Data_Point" not in stats.columns or "Data_Point" not in normal.columns:
        return None
    cycles = pd.Series(
        _numeric(normal["Cycle_Index"].to_numpy()), index=_numeric(normal["Data_Point"].to_numpy())
    )
    cycles = cycles[~cycles.index.duplicated()]
    out = pd.DataFrame({s.CYCLE: cycles.reindex(_numeric(stats["Data_Point"].to_numpy())).to_numpy()})
    for name, target in (
        ("Charge_Time", "charge_time_s"),
        ("Discharge_Time", "discharge_time_s"),
        ("Vmax_On_Cycle", "max_voltage_v"),
    ):
        if name in stats.columns:
            out[target] = _numeric(stats[name].to_numpy())
    return out


READERS: list[Reader] = [ArbinResReader()]
