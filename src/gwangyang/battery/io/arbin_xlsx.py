"""Arbin DataPro / MITS Pro ``.xlsx`` exports: ``Channel_*`` sheets, an info sheet and a statistics sheet.

The workbook is opened by :func:`gwangyang.workbook.open_workbook` (refused as every workbook of the package is);
the channel sheets go to Arrow with fastexcel, the small sheets are read as the opener gives them. Columns become
canonical through :func:`.arbin.canonical_table`, as for the other Arbin formats. The statistics sheet's last test
time is the test's end, held against the channel sheets' last row (``truncated_file``, :func:`_check_end`).
"""

from __future__ import annotations

import logging
import re
import zipfile
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ...errors import CorruptFileError
from ...written import as_written
from .. import schema as s
from ..schema import CyclerData
from .arbin import (
    _COUNTERS,
    _DATE_KEYS,
    _base_data,
    _copy_texts,
    _key,
    _numeric,
    _target,
    _text,
    canonical_table,
    unknown_columns,
)
from .base import Reader, looks_binary
from .cut_end import SAME_CLOCK_S, cut_warning, longest_interval
from .textdates import parse_datetime, unread_dates

_CHANNEL_SHEET = re.compile(r"^Channel(?:_|\s*\d)", re.IGNORECASE)
"""``Channel_11_1`` (DataPro, MITS Pro 7), ``Channel1_1`` or ``Channel 1_1`` (MITS Pro 8 / SQL Server exports,
which cellpy's ``arbin_sql_xlsx`` finds by the word ``Channel`` and which carry no info sheet)."""
_STATISTICS_SHEET = re.compile(r"^Statistics_", re.IGNORECASE)
_INFO_SHEETS = {"global_info", "info"}


class ArbinXlsxReader:
    """Arbin DataPro / MITS Pro Excel export: ``Global_Info`` or ``Info``, ``Channel_*`` and ``Statistics_*`` sheets."""

    name = "arbin"

    def can_load(self, path: Path, head: bytes) -> bool:
        """A workbook with a ``Channel_*`` or ``Channel1_1`` sheet (an info sheet beside it or not); or a damaged .xlsx.

        A workbook with such a sheet but no Arbin columns is refused when read, in one line.

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
        return any(_CHANNEL_SHEET.match(n) for n in sheets)

    def read(self, path: Path) -> CyclerData:
        """Read every ``Channel_*`` sheet (in order), the info sheet and the statistics sheet."""
        import fastexcel

        from ...workbook import open_workbook, read_guarded

        # fastexcel logs a warning for each text column it could not type; we convert those ourselves
        logging.getLogger("fastexcel").setLevel(logging.ERROR)

        book = open_workbook(path)  # refused as every workbook of the package is (encrypted, damaged, cut)
        sheets = book.names
        channel_names = [n for n in sheets if _CHANNEL_SHEET.match(n)]
        # the big sheets go straight to Arrow (fastexcel, on calamine): twice as fast as Python rows
        channel_tables: list[Any] = []
        if channel_names:
            fast = read_guarded(str(path), lambda: fastexcel.read_excel(str(path)))
            for name in channel_names:
                sheet = read_guarded(str(path), partial(fast.load_sheet_by_name, name))
                channel_tables.append(read_guarded(str(path), sheet.to_arrow))
        info = next((book.rows(n) for n in sheets if n.lower() in _INFO_SHEETS), [])
        stats = [(n, book.rows(n)) for n in sheets if _STATISTICS_SHEET.match(n)]
        if not channel_tables:
            raise CorruptFileError(f"{path}: Arbin workbook has no Channel_* sheet.")
        columns, dates, notes = _table_columns(channel_tables, path)
        data = _base_data(path, canonical_table(columns, path, dates, notes))
        _apply_info(data, info)
        if stats and len(stats[0][1]) > 1:
            data.vendor_cycles = _statistics(stats[0][1])
            _check_end(data, path, *stats[0])
        return data


def _sheet_names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    return re.findall(r"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"", workbook)


def _table_columns(
    tables: list[Any], path: Path
) -> tuple[dict[str, np.ndarray], np.ndarray | None, list[dict[str, str]]]:
    """Stack the channel sheets (Arrow tables, each with its own header) into one array per column.

    Also returns the warnings: columns that are not Arbin's, text dates of no known form.
    """
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
    notes = unknown_columns(header, path)
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
                text = pd.Series(column.to_pylist(), dtype=object).astype(str)
                dates = parse_datetime(text)
                unread = unread_dates(text.where(pd.Series(column.to_pylist()).notna()), dates)
                if unread is not None:
                    notes.append(
                        s.warning(
                            "unknown_format",
                            f"column {as_written(name, None)} (date_time): {unread[0]} of {len(text)} values are no date "
                            f"this reader knows, e.g. {as_written(unread[1])}; left empty there",
                            path,
                        )
                    )
        elif pa.types.is_floating(kind) or pa.types.is_integer(kind) or pa.types.is_boolean(kind):
            columns[name] = column.cast(pa.float64()).fill_null(float("nan")).to_numpy()
        else:
            columns[name] = _numeric(np.asarray(column.to_pylist(), dtype=object))
    return columns, dates, notes


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
                if (
                    data.start_time is not None
                ):  # no end in the DataPro and MITS Pro 7 info sheets at hand: the statistics sheet's (_check_end)
                    data.extra["test_start"] = data.start_time.isoformat()
            _copy_texts(
                data,
                values,
                (
                    ("schedule_file_name", "schedule"),
                    ("item_id", "barcode"),
                    ("creator", "creator"),
                    ("comments", "comments"),
                    ("software_version", "software_version"),
                ),
            )
            break
    if len(info) > 1 and len(info[1]) > 3 and _text(info[1][3]):
        data.extra["test_name"] = _text(info[1][3])


def _check_end(data: CyclerData, path: Path, name: str, rows: list[list[Any]]) -> None:
    """Hold the statistics sheet's last ``Test_Time`` (its last cycle's end) against the data's last row.

    The sheet's rows are each cycle's last values on the rows' own test clock (the shared CALCE workbook's last,
    573585.82 s, is its channel sheet's last row's), so an end later than the last row by more than the file's
    longest logging interval and :data:`.cut_end.SAME_CLOCK_S` means rows at its end are missing
    (:func:`.cut_end.cut_warning`: ``truncated_file``). The end is kept as ``extra.test_end_s``. The info sheets
    (``Global_Info``, ``Info``) record no end, so a workbook without a statistics sheet is not checked.
    """
    header = [_target(_key(h)[0]) for h in rows[0]]
    if s.TIME not in header:
        return
    at = header.index(s.TIME)
    ends = _numeric(np.array([row[at] if at < len(row) else "" for row in rows[1:]], dtype=object))
    ends = ends[np.isfinite(ends)]
    times = pd.to_numeric(data.timeseries[s.TIME], errors="coerce").to_numpy(dtype="float64")
    times = times[np.isfinite(times)]
    if not len(ends) or not len(times):
        return
    end_s, last_s = float(ends.max()), float(times.max())
    data.extra["test_end_s"] = end_s
    note = cut_warning(
        path, name, last_s, end_s, end_s - last_s, SAME_CLOCK_S, longest_interval(data.timeseries)
    )
    if note is not None:
        data.warnings.append(note)


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


READERS: list[Reader] = [ArbinXlsxReader()]
