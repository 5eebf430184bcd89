"""Arbin cycler files: CSV exports (with ``_Metadata.csv``), DataPro / MITS Pro ``.xlsx`` exports, ``.res`` databases.

All three carry the same channel columns (``Test_Time``, ``Cycle_Index``, ``Current``, ``Voltage``,
``Charge_Capacity`` ...; the ``.xlsx`` adds units in brackets). Arbin positive current charges, as
in the canonical schema. Arbin capacity and energy counters either run over the whole test (MITS
Pro exports such as CALCE's) or restart every cycle (``.res`` of newer software); both become
cumulative within the cycle.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ...errors import CorruptFileError, InputError, one_line
from .. import schema as s
from ..schema import CyclerData, finalize
from .base import Reader, head_text, looks_binary, safe_cell_id

_CANONICAL: dict[str, str] = {
    "test_time": s.TIME,
    "cycle_index": s.CYCLE,
    "step_index": s.STEP,
    "current": s.CURRENT,
    "voltage": s.VOLTAGE,
    "charge_capacity": s.CHARGE_CAPACITY,
    "discharge_capacity": s.DISCHARGE_CAPACITY,
    "charge_energy": s.CHARGE_ENERGY,
    "discharge_energy": s.DISCHARGE_ENERGY,
    "internal_resistance": s.RESISTANCE,
}
_COUNTERS = (s.CHARGE_CAPACITY, s.DISCHARGE_CAPACITY, s.CHARGE_ENERGY, s.DISCHARGE_ENERGY)
_ARBIN_NAME = {s.TIME: "Test_Time", s.CURRENT: "Current", s.VOLTAGE: "Voltage"}
_UNIT_SCALE = {
    "ms": 1e-3,
    "min": 60.0,
    "h": 3600.0,
    "ma": 1e-3,
    "mv": 1e-3,
    "mah": 1e-3,
    "mwh": 1e-3,
    "mohm": 1e-3,
}
_DATE_KEYS = ("date_time", "datetime")
_CHANNEL_SHEET = re.compile(r"^Channel_", re.IGNORECASE)
_STATISTICS_SHEET = re.compile(r"^Statistics_", re.IGNORECASE)
_INFO_SHEETS = {"global_info", "info"}
_JET_MAGIC = (b"Standard Jet DB", b"Standard ACE DB")
_OLE_EPOCH = np.datetime64("1899-12-30T00:00:00", "ns")


def _key(name: object) -> tuple[str, str]:
    """Arbin header to (normalised name, unit): ``"Test_Time(s)"`` -> ``("test_time", "s")``."""
    text = str(name)
    unit = re.search(r"\(([^)]*)\)", text)
    bare = re.sub(r"\([^)]*\)", " ", text)
    return re.sub(r"[^a-z0-9]+", "_", bare.lower()).strip("_"), (
        unit.group(1).strip().lower() if unit else ""
    )


def _target(key: str) -> str | None:
    if key in _CANONICAL:
        return _CANONICAL[key]
    if key.startswith(("temperature", "aux_temperature")):
        return s.TEMPERATURE
    return None


def _forward_fill(values: np.ndarray) -> np.ndarray:
    """Fill NaNs with the last finite value before them (leading NaNs with the first finite value)."""
    finite = np.isfinite(values)
    if finite.all() or not finite.any():
        return values
    index = np.where(finite, np.arange(len(values)), 0)
    np.maximum.accumulate(index, out=index)
    filled = values[index]
    first = int(np.argmax(finite))
    filled[:first] = values[first]
    return filled


def within_cycle(values: np.ndarray, cycles: np.ndarray) -> np.ndarray:
    """Turn an Arbin capacity or energy counter into one cumulative within each cycle.

    Works whether the counter runs over the whole test or restarts with each cycle: a drop to
    below half its previous value is taken as a restart and undone, so the counter runs over the
    test; each cycle then counts from the counter's value at the previous cycle's last row (not
    its own first row, so what a cycle gathered before its first logged row is kept). The first
    cycle counts from zero, unless the counter starts above what the cycle adds (a file that
    begins mid-test), when it counts from its first row as
    :func:`gwangyang.battery.schema.cumulative_within_cycle` does.

    Parameters
    ----------
    values
        Counter per row (NaN where not logged).
    cycles
        Cycle index per row, non-decreasing.

    Returns
    -------
    numpy.ndarray
        The counter, restarting near zero with each cycle; never negative.
    """
    with np.errstate(all="ignore"):
        counter = np.nan_to_num(
            _forward_fill(np.asarray(values, dtype="float64")), nan=0.0, posinf=0.0, neginf=0.0
        )
        if len(counter) == 0:
            return counter
        previous = np.r_[counter[:1], counter[:-1]]
        restart = (counter < 0.5 * previous) & (previous - counter > 1e-12)
        running = counter + np.cumsum(np.where(restart, previous, 0.0))
        starts = np.r_[0, np.flatnonzero(np.diff(cycles) != 0) + 1]
        lengths = np.diff(np.r_[starts, len(running)])
        baseline = np.r_[0.0, running[starts[1:] - 1]]
        first_end = starts[1] - 1 if len(starts) > 1 else len(running) - 1
        if running[0] > running[first_end] - running[0]:
            baseline[0] = running[0]
        return np.maximum(running - np.repeat(baseline, lengths), 0.0)


def _increasing(cycles: np.ndarray) -> np.ndarray:
    """Cycle numbers that never decrease: where the cycler restarts its count, carry on after the last."""
    drops = np.diff(cycles, prepend=cycles[:1])
    offset = np.cumsum(np.where(drops < 0, 1 - drops, 0.0))
    return cycles + offset


def _numeric(column: Any) -> np.ndarray:
    """Any column (numbers, text, blanks) to float64, with NaN where not a number.

    Text is parsed by Python's ``float`` (through numpy), never by ``pandas.to_numeric``, whose
    parser crashes the process on exponents past 2**31 (pandas issue 63089).
    """
    array = np.asarray(column)
    if array.dtype.kind in "fiub":
        return array.astype("float64")
    try:
        return array.astype("float64")
    except (TypeError, ValueError, OverflowError):
        return np.frompyfunc(_number, 1, 1)(array).astype("float64")


def _epoch_to_datetime(seconds: np.ndarray) -> np.ndarray:
    """Unix seconds to naive UTC datetime64; NaT where missing or out of range."""
    ok = np.isfinite(seconds) & (seconds > 0) & (seconds < 4.1e9)
    micros = np.where(ok, seconds, 0.0) * 1e6
    out = micros.astype("int64").astype("datetime64[us]").astype("datetime64[ns]")
    out[~ok] = np.datetime64("NaT")
    return out


def _ole_to_datetime(days: np.ndarray) -> np.ndarray:
    """OLE automation dates (days since 1899-12-30, Access ``DateTime``) to naive datetime64."""
    ok = np.isfinite(days) & (days > 0) & (days < 2.9e6)
    nanos = (np.where(ok, days, 0.0) * 86400e9).astype("int64")
    out = _OLE_EPOCH + nanos.astype("timedelta64[ns]")
    out[~ok] = np.datetime64("NaT")
    return out


def canonical_table(
    columns: dict[str, Any], source: Path, date_time: np.ndarray | None = None
) -> pd.DataFrame:
    """Map Arbin channel columns onto the canonical schema.

    Parameters
    ----------
    columns
        Arbin column name (any case, units in brackets allowed) to values.
    source
        The file, named in errors.
    date_time
        Wall-clock time per row, when known.

    Returns
    -------
    pandas.DataFrame
        The canonical table (see :func:`gwangyang.battery.schema.finalize`).

    Raises
    ------
    CorruptFileError
        ``Test_Time``, ``Current`` or ``Voltage`` is missing, or no valid row is left.
    """
    table: dict[str, np.ndarray] = {}
    with np.errstate(all="ignore"):
        for name, values in columns.items():
            key, unit = _key(name)
            target = _target(key)
            if target is not None and target not in table:
                table[target] = _numeric(values) * _UNIT_SCALE.get(unit, 1.0)
        missing = [_ARBIN_NAME[c] for c in (s.TIME, s.CURRENT, s.VOLTAGE) if c not in table]
        if missing:
            raise CorruptFileError(
                f"{source}: not a complete Arbin export: missing column(s) {', '.join(missing)}."
            )
        rows = len(table[s.TIME])
        cycles = table.get(s.CYCLE)
        if cycles is None or not np.isfinite(cycles).any():
            # a channel that logs no cycle (BEEP's TC-contact test) is one cycle; Arbin counts from 1
            cycles = np.ones(rows)
        table[s.CYCLE] = _increasing(np.nan_to_num(_forward_fill(cycles), nan=1.0))
        for counter in _COUNTERS:
            if counter in table:
                table[counter] = within_cycle(table[counter], table[s.CYCLE])
        if s.RESISTANCE in table:
            resistance = table[s.RESISTANCE]
            table[s.RESISTANCE] = np.where(resistance > 0, resistance, np.nan)  # 0 means not measured
    frame = pd.DataFrame(table)
    if date_time is not None and len(date_time) == rows:
        frame[s.DATE_TIME] = date_time
    return finalize(frame, source)


def _base_data(path: Path, ts: pd.DataFrame) -> CyclerData:
    return CyclerData(timeseries=ts, vendor="arbin", source=path, cell_id=safe_cell_id(path.stem))


def _number(value: Any) -> float:
    """A number, or NaN when the value is not one."""
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        return float("nan")


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


class ArbinCsvReader:
    """Arbin CSV export (MITS Pro / BEEP style), with ``<stem>_Metadata.csv`` read when present."""

    name = "arbin"

    def can_load(self, path: Path, head: bytes) -> bool:
        """A comma-separated header with Arbin's ``Data_Point``/``Test_Time``/``Cycle_Index`` columns."""
        lines = [line for line in head_text(head).splitlines() if line.strip()]
        if not lines:
            return False
        keys = {_key(cell)[0] for cell in lines[0].split(",")}
        return {"test_time", "current"} <= keys and bool(keys & {"data_point", "cycle_index", "step_index"})

    def read(self, path: Path) -> CyclerData:
        """Read the CSV and its metadata companion."""
        try:
            # round_trip parses floats with Python's parser: the default one crashes on huge exponents
            raw = pd.read_csv(path, encoding="latin-1", low_memory=False, float_precision="round_trip")
        except Exception as exc:
            raise CorruptFileError(
                one_line(f"{path}: not a readable Arbin CSV ({type(exc).__name__}: {exc}).")
            ) from exc
        dates = None
        for name in raw.columns:
            if _key(name)[0] in _DATE_KEYS:
                values = raw[name].to_numpy()
                with np.errstate(all="ignore"):
                    seconds = _numeric(values)
                # MITS Pro writes unix seconds; other exports write text dates
                dates = _epoch_to_datetime(seconds) if np.isfinite(seconds).any() else _datetimes(values)
                break
        ts = canonical_table({str(c): raw[c].to_numpy() for c in raw.columns}, path, dates)
        data = _base_data(path, ts)
        _apply_csv_metadata(data, path)
        return data


def _apply_csv_metadata(data: CyclerData, path: Path) -> None:
    companion = next(
        (
            p
            for p in (
                path.with_name(f"{path.stem}_Metadata.csv"),
                path.with_name(f"{path.stem}_metadata.csv"),
            )
            if p.is_file()
        ),
        None,
    )
    if companion is None:
        return
    try:
        meta = pd.read_csv(companion, encoding="latin-1", dtype=str, keep_default_na=False)
    except Exception as exc:
        raise CorruptFileError(one_line(f"{companion}: not a readable Arbin metadata file ({exc}).")) from exc
    if len(meta) == 0:
        raise CorruptFileError(f"{companion}: Arbin metadata file has no row.")
    row = {_key(k)[0]: v.strip() for k, v in meta.iloc[0].items() if isinstance(v, str) and v.strip()}
    channel = _number(row.get("iv_ch_id"))
    if 0 <= channel < 1e6:
        data.channel = str(int(channel) + 1)  # IV_Ch_ID counts from 0: BEEP's CH33 file says 32
    start = _number(row.get("first_start_datetime"))
    if 0 < start < 4.1e9:
        data.start_time = pd.Timestamp(float(start), unit="s", tz="UTC")
    names = {
        "schedule_file_name": "schedule",
        "item_id": "barcode",
        "test_id": "test_id",
        "device_id": "device_id",
        "iv_ch_id": "iv_ch_id",
        "databases": "databases",
    }
    data.extra.update({out: row[key] for key, out in names.items() if key in row})
    data.extra["metadata_file"] = companion.name


class ArbinXlsxReader:
    """Arbin DataPro / MITS Pro Excel export: ``Global_Info`` or ``Info``, ``Channel_*`` and ``Statistics_*`` sheets."""

    name = "arbin"

    def can_load(self, path: Path, head: bytes) -> bool:
        """A workbook with a ``Channel_*`` sheet beside ``Global_Info``/``Info``; or a damaged file named .xlsx.

        A file named ``.xlsx`` that is no readable zip is claimed too, so that reading it says it is
        damaged rather than of an unknown cycler.
        """
        excel_name = path.suffix.lower() in {".xlsx", ".xlsm"}
        if not head.startswith(b"PK\x03\x04"):
            return excel_name and looks_binary(head)
        try:
            sheets = _sheet_names(path)
        except Exception:
            return excel_name
        lowered = {n.lower() for n in sheets}
        return bool(lowered & _INFO_SHEETS) and any(_CHANNEL_SHEET.match(n) for n in sheets)

    def read(self, path: Path) -> CyclerData:
        """Read every ``Channel_*`` sheet (in order), the info sheet and the statistics sheet."""
        import fastexcel
        from python_calamine import CalamineWorkbook

        # fastexcel logs a warning for each text column it could not type; we convert those ourselves
        logging.getLogger("fastexcel").setLevel(logging.ERROR)

        try:
            book = CalamineWorkbook.from_path(str(path))
            sheets = list(book.sheet_names)
            channel_names = [n for n in sheets if _CHANNEL_SHEET.match(n)]
            # the big sheets go straight to Arrow (fastexcel, on calamine): twice as fast as Python rows
            fast = fastexcel.read_excel(str(path)) if channel_names else None
            channel_tables = [fast.load_sheet_by_name(n).to_arrow() for n in channel_names] if fast else []
            info = next(
                (book.get_sheet_by_name(n).to_python() for n in sheets if n.lower() in _INFO_SHEETS), []
            )
            stats = [book.get_sheet_by_name(n).to_python() for n in sheets if _STATISTICS_SHEET.match(n)]
        except Exception as exc:
            raise CorruptFileError(
                one_line(f"{path}: not a readable Excel workbook ({type(exc).__name__}: {exc}).")
            ) from exc
        if not channel_tables:
            raise CorruptFileError(f"{path}: Arbin workbook has no Channel_* sheet.")
        columns, dates = _table_columns(channel_tables, path)
        data = _base_data(path, canonical_table(columns, path, dates))
        _apply_info(data, info)
        if stats and len(stats[0]) > 1:
            data.vendor_cycles = _statistics(stats[0])
        return data


def _sheet_names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    return re.findall(r"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"", workbook)


def _table_columns(tables: list[Any], path: Path) -> tuple[dict[str, np.ndarray], np.ndarray | None]:
    """Stack the channel sheets (Arrow tables, each with its own header) into one array per column."""
    import pyarrow as pa

    header = list(tables[0].column_names)
    kept = []
    for table in tables:
        if list(table.column_names) != header:
            raise CorruptFileError(f"{path}: Arbin Channel sheets have different header rows.")
        if table.num_rows:
            kept.append(table)
    if not kept or not header:
        raise CorruptFileError(f"{path}: Arbin Channel sheet has no data row.")
    columns: dict[str, np.ndarray] = {}
    dates = None
    for name in header:
        key = _key(name)[0]
        if key not in _DATE_KEYS and _target(key) is None:
            continue
        chunks = [table.column(name) for table in kept]
        if len({str(chunk.type) for chunk in chunks}) > 1:
            chunks = [chunk.cast(pa.string()) for chunk in chunks]
        pieces = [piece for chunk in chunks for piece in getattr(chunk, "chunks", [chunk])]
        column = pa.chunked_array(pieces, type=chunks[0].type)
        kind = column.type
        if key in _DATE_KEYS:
            if pa.types.is_timestamp(kind):
                dates = column.cast(pa.timestamp("ns")).to_numpy(zero_copy_only=False)
            else:
                dates = _datetimes(np.asarray(column.to_pylist(), dtype=object))
        elif pa.types.is_floating(kind) or pa.types.is_integer(kind) or pa.types.is_boolean(kind):
            columns[name] = column.cast(pa.float64()).fill_null(float("nan")).to_numpy()
        else:
            columns[name] = _numeric(np.asarray(column.to_pylist(), dtype=object))
    return columns, dates


def _datetimes(column: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # text cells would make pandas warn about guessing a format
        stamps = pd.to_datetime(column, errors="coerce")
    if getattr(stamps, "tz", None) is not None:
        stamps = stamps.tz_localize(None)
    return np.asarray(stamps, dtype="datetime64[ns]")


def _apply_info(data: CyclerData, info: list[list[Any]]) -> None:
    """Channel, start time, schedule and test name from the ``Global_Info`` / ``Info`` sheet."""
    for k, row in enumerate(info[:-1]):
        keys = [_key(c)[0] for c in row]
        if "channel" in keys and any(k_.startswith("start_date") for k_ in keys):
            values = dict(zip(keys, info[k + 1], strict=False))
            data.channel = _text(values.get("channel"))
            start = next((v for k_, v in values.items() if k_.startswith("start_date")), None)
            if start not in (None, ""):
                stamp = (
                    pd.Timestamp(start)
                    if not isinstance(start, str)
                    else pd.to_datetime(start, errors="coerce")
                )
                data.start_time = None if pd.isna(stamp) else stamp
            for key, out in (
                ("schedule_file_name", "schedule"),
                ("item_id", "barcode"),
                ("creator", "creator"),
                ("comments", "comments"),
                ("software_version", "software_version"),
            ):
                text = _text(values.get(key))
                if text:
                    data.extra[out] = text
            break
    if len(info) > 1 and len(info[1]) > 3 and _text(info[1][3]):
        data.extra["test_name"] = _text(info[1][3])


def _statistics(rows: list[list[Any]]) -> pd.DataFrame:
    """The vendor's per-cycle table; its counters run over the test, so per-cycle values are differences."""
    header = [_key(h)[0] for h in rows[0]]
    body = np.array(rows[1:], dtype=object)
    out = pd.DataFrame()
    for j, key in enumerate(header):
        target = _target(key)
        if target in (s.CYCLE, *_COUNTERS, s.RESISTANCE) and target not in out.columns:
            out[target] = _numeric(body[:, j])
        elif key in {"charge_time", "discharge_time"}:
            out[f"{key}_s"] = _numeric(body[:, j])
    with np.errstate(all="ignore"):
        for counter in _COUNTERS:
            if counter in out.columns:
                values = out[counter].to_numpy()
                if np.all(np.diff(values) >= 0):
                    out[counter] = np.diff(values, prepend=0.0)
        if s.RESISTANCE in out.columns:
            out[s.RESISTANCE] = out[s.RESISTANCE].where(out[s.RESISTANCE] > 0)
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
        """Read ``Channel_Normal_Table``, ``Global_Table`` and ``Channel_Statistic_Table``."""
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
        if len(table):
            row = table.iloc[0]
            data.channel = _text(row.get("Channel_Number", row.get("Channel_Index")))
            start = _ole_to_datetime(np.array([_number(row.get("Start_DateTime"))]))[0]
            data.start_time = None if np.isnat(start) else pd.Timestamp(start)
            for key, out in (
                ("Test_Name", "test_name"),
                ("Schedule_File_Name", "schedule"),
                ("Item_ID", "barcode"),
                ("Creator", "creator"),
                ("Comments", "comments"),
            ):
                text = _text(row.get(key))
                if text:
                    data.extra[out] = text
        data.vendor_cycles = _res_statistics(path, normal)
        return data


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
    try:
        return pd.read_csv(
            io.BytesIO(done.stdout), encoding="latin-1", low_memory=False, float_precision="round_trip"
        )
    except Exception as exc:
        raise CorruptFileError(one_line(f"{path}: unreadable {table} in Arbin .res ({exc}).")) from exc


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


READERS: list[Reader] = [ArbinResReader(), ArbinXlsxReader(), ArbinCsvReader()]
