"""BioLogic EC-Lab binary ``.mpr`` files, parsed from the format itself (no GPL code used or copied).

Layout, as read from the files and public format notes (galvani's and yadg's descriptions of the
format were read to learn which layouts and column ids exist; the code here is our own):

* a 52-byte file header: ``BIO-LOGIC MODULAR FILE``, a 0x1A byte, blanks and 4 zero bytes;
* then modules, each with a header: ``MODULE``, a 10-byte short name, a 25-byte long name, and
  either ``length, version`` (uint32 each) and an 8-byte ``MM/DD/YY`` date (EC-Lab before 11.50),
  or, from EC-Lab 11.50, a 0xFFFFFFFF marker, ``length``, ``version``, a module kind (uint32: 10 for
  settings and log, 11 for data) and the date;
* the ``VMP data`` module: the records, decoded by :mod:`.biologic_mpr_data` (where its layouts
  are described) with the column ids of :mod:`.biologic_mpr_columns`;
* ``VMP LOG`` holds the acquisition start as an OLE automation date (days since 1899-12-30).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import CorruptFileError
from .biologic_mpr_data import parse_data_module

MAGIC = b"BIO-LOGIC MODULAR FILE"
FILE_HEADER_BYTES = 52
MODULE_TAG = b"MODULE"


@dataclass
class Module:
    """One module of an ``.mpr`` file."""

    short_name: str
    long_name: str
    version: int
    date: str
    data: bytes
    kind: int | None = None
    """The module kind of an EC-Lab >= 11.50 header (10 settings and log, 11 data); None before."""


@dataclass
class MprFile:
    """The parts of an ``.mpr`` file a reader needs."""

    data: pd.DataFrame
    start_time: pd.Timestamp | None = None
    modules: list[str] = field(default_factory=list)
    column_ids: list[int] = field(default_factory=list)


def read_modules(raw: bytes, source: Path) -> list[Module]:
    """Split an ``.mpr`` file into its modules.

    Raises
    ------
    CorruptFileError
        Bad magic, a module header that does not start with ``MODULE``, or a module running past
        the end of the file (truncated).
    """
    if not raw.startswith(MAGIC):
        raise CorruptFileError(f"{source}: not a BioLogic .mpr file (no 'BIO-LOGIC MODULAR FILE' magic).")
    modules: list[Module] = []
    offset = FILE_HEADER_BYTES
    while offset < len(raw):
        if raw[offset : offset + 6] != MODULE_TAG:
            raise CorruptFileError(f"{source}: .mpr module header expected at byte {offset}; file damaged.")
        if offset + 57 > len(raw):
            raise CorruptFileError(f"{source}: .mpr file truncated inside a module header at byte {offset}.")
        short = raw[offset + 6 : offset + 16].decode("latin-1").strip()
        long = raw[offset + 16 : offset + 41].decode("latin-1").strip()
        (first,) = struct.unpack_from("<I", raw, offset + 41)
        if first == 0xFFFFFFFF:  # EC-Lab >= 11.50 header
            if offset + 65 > len(raw):
                raise CorruptFileError(
                    f"{source}: .mpr file truncated inside a module header at byte {offset}."
                )
            length, version, kind = struct.unpack_from("<III", raw, offset + 45)
            date_at, body = offset + 57, offset + 65
        else:
            length, version = first, struct.unpack_from("<I", raw, offset + 45)[0]
            date_at, body, kind = offset + 49, offset + 57, None
        end = body + length
        if end > len(raw):
            raise CorruptFileError(
                f"{source}: .mpr file truncated: module {long!r} needs {end} bytes, file has {len(raw)}."
            )
        date = raw[date_at : date_at + 8].decode("latin-1")
        modules.append(Module(short, long, int(version), date, raw[body:end], kind))
        offset = end
    return modules


def _start_time(log: Module | None) -> pd.Timestamp | None:
    """Acquisition start: the first plausible OLE date in the LOG module, within a week of its header date."""
    if log is None:
        return None
    try:
        stamp = pd.to_datetime(log.date, format="%m/%d/%y")
    except (ValueError, TypeError):
        return None
    ole = (stamp - pd.Timestamp("1899-12-30")).days
    raw = log.data
    if len(raw) < 8:
        return None
    # every 8-byte window as a float64, then the first within a week of the header date
    windows = np.lib.stride_tricks.sliding_window_view(np.frombuffer(raw, "u1"), 8)
    values = windows.copy().view("<f8").ravel()
    hits = np.flatnonzero(np.isfinite(values) & (np.abs(values - ole) < 7))
    if not len(hits):
        return None
    return pd.Timestamp("1899-12-30") + pd.to_timedelta(float(values[hits[0]]), unit="D").round("ms")


def read_mpr(path: Path) -> MprFile:
    """Read an ``.mpr`` file's data table and start time.

    Raises
    ------
    CorruptFileError
        The file is not an ``.mpr``, is truncated, has no data module, or uses unknown column ids.
    """
    raw = path.read_bytes()
    modules = read_modules(raw, path)
    data_modules = [m for m in modules if m.short_name == "VMP data"]
    if not data_modules:
        raise CorruptFileError(
            f"{path}: .mpr file has no 'VMP data' module (modules: "
            f"{', '.join(m.short_name for m in modules) or 'none'})."
        )
    table, ids = parse_data_module(data_modules[0], path)
    log = next((m for m in modules if m.short_name == "VMP LOG"), None)
    return MprFile(
        data=table, start_time=_start_time(log), modules=[m.short_name for m in modules], column_ids=ids
    )
