"""Arbin CSV exports (MITS Pro / BEEP style), with their ``<stem>_Metadata.csv`` companion.

The channel columns are mapped by :func:`.arbin.canonical_table`, as for the other Arbin formats.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import CorruptFileError, one_line
from ...written import as_written
from .. import schema as s
from ..schema import CyclerData
from .arbin import (
    _DATE_KEYS,
    _base_data,
    _epoch_to_datetime,
    _key,
    _numeric,
    canonical_table,
    unknown_columns,
)
from .arbin_meta import apply_metadata, companion_of
from .base import Reader, head_text, read_head
from .textdates import parse_datetime, unread_dates
from .textfile import scan_text
from .textrows import check_rows


def _layout(head: bytes) -> tuple[str, str] | None:
    """Field separator and decimal mark of an Arbin CSV head, or None when its header is not Arbin's.

    Arbin's export follows the Windows list separator: ``,`` with decimal points, or ``;`` with
    decimal commas on European locales.
    """
    lines = [line for line in head_text(head).splitlines() if line.strip()]
    if not lines:
        return None
    for sep in (",", ";", "\t"):
        keys = {_key(cell.strip().strip('"'))[0] for cell in lines[0].split(sep)}
        if {"test_time", "current"} <= keys and bool(keys & {"data_point", "cycle_index", "step_index"}):
            sample = "\n".join(lines[1:20])
            comma = (
                sep != "," and re.search(r"\d,\d", sample) is not None and not re.search(r"\d\.\d", sample)
            )
            return sep, "," if comma else "."
    return None


class ArbinCsvReader:
    """Arbin CSV export (MITS Pro / BEEP style), with ``<stem>_Metadata.csv`` read when present.

    Columns are found by name whatever their order and units (``Current(mA)``); columns Arbin
    writes that are not read are passed over, any other is named in an ``unknown_column``
    warning. Text dates that fit no known form are warned about (``unknown_format``).
    """

    name = "arbin"

    def can_load(self, path: Path, head: bytes) -> bool:
        """A header with Arbin's ``Data_Point``/``Test_Time``/``Cycle_Index`` columns (``,`` or ``;``)."""
        return _layout(head) is not None

    def companion_of(self, path: Path) -> Path | None:
        """The ``<stem>_Metadata.csv`` (or ``_metadata.csv``) read with ``path``, or None."""
        return companion_of(path)

    def read(self, path: Path) -> CyclerData:
        """Read the CSV and its metadata companion."""
        head = read_head(path)
        sep, decimal = _layout(head) or (",", ".")
        text = scan_text(path)
        check_rows(path, 0, sep, None, text.encoding)
        try:
            raw = pd.read_csv(
                path,
                sep=sep,
                decimal=decimal,
                encoding=text.encoding,
                encoding_errors="replace",
                low_memory=False,
                float_precision=text.float_precision,  # round_trip where a huge exponent would crash the C parser
            )
        except Exception as exc:
            raise CorruptFileError(
                one_line(f"{path}: not a readable Arbin CSV ({type(exc).__name__}: {exc}).")
            ) from exc
        raw.columns = [str(c).strip() for c in raw.columns]
        notes = [*text.warnings, *unknown_columns(raw.columns, path)]
        dates = None
        for name in raw.columns:
            if _key(name)[0] in _DATE_KEYS:
                values = raw[name].to_numpy()
                with np.errstate(all="ignore"):
                    seconds = _numeric(values)
                # MITS Pro writes unix seconds; other exports write text dates
                if np.isfinite(seconds).any():
                    dates = _epoch_to_datetime(seconds)
                else:
                    dates = parse_datetime(raw[name])
                    unread = unread_dates(raw[name], dates)
                    if unread is not None:
                        notes.append(
                            s.warning(
                                "unknown_format",
                                f"column {as_written(name, None)} (date_time): {unread[0]} of {len(raw)} values are no date "
                                f"this reader knows, e.g. {as_written(unread[1])}; left empty there",
                                path,
                            )
                        )
                break
        ts = canonical_table({str(c): raw[c].to_numpy() for c in raw.columns}, path, dates, notes)
        data = _base_data(path, ts)
        apply_metadata(data, path)
        return data


READERS: list[Reader] = [ArbinCsvReader()]
"""The CSV reader; the ``.res`` and ``.xlsx`` readers are in :mod:`.arbin_res` and :mod:`.arbin_xlsx`."""
