"""BioLogic EC-Lab binary ``.mpr`` files, parsed from the format itself (no GPL code used or copied).

Layout, as read from the files and public format notes:

* a 52-byte file header: ``BIO-LOGIC MODULAR FILE``, a 0x1A byte, blanks and 4 zero bytes;
* then modules, each with a header: ``MODULE``, a 10-byte short name, a 25-byte long name, and
  either ``length, version`` (uint32 each) and an 8-byte ``MM/DD/YY`` date (older EC-Lab), or, from
  EC-Lab 11.50, a 0xFFFFFFFF marker, ``length``, a reserved uint32, ``version`` and the date;
* the ``VMP data`` module: ``n_points`` (uint32), ``n_columns`` (uint8 up to version 3, uint16 after;
  the version <= 3 layout follows format notes only, no fixture of it is at hand),
  the column ids (uint16 each), then ``n_points`` fixed-width little-endian records at the end of
  the module. Flag columns (mode, ox/red, error, ...) share one leading byte as bit fields;
* ``VMP LOG`` holds the acquisition start as an OLE automation date (days since 1899-12-30).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import CorruptFileError
from .. import schema as s

MAGIC = b"BIO-LOGIC MODULAR FILE"
FILE_HEADER_BYTES = 52
MODULE_TAG = b"MODULE"

FLAG_BITS: dict[int, tuple[str, int]] = {
    1: ("mode", 0x03),
    2: ("ox/red", 0x04),
    3: ("error", 0x08),
    21: ("control changes", 0x10),
    31: ("Ns changes", 0x20),
    65: ("counter inc.", 0x80),
}
"""Flag column ids -> (name, bit mask in the record's leading flags byte).

``mode`` (1 CC, 2 CV, 3 open circuit) agrees with the fixtures (a CV hold reads 2, an OCV record 3) and
``ox/red`` is 0 on their reducing current; the masks of ids 21, 31 and 65 come from format notes only.
"""

COLUMNS: dict[int, tuple[str, str]] = {
    4: ("time/s", "<f8"),
    5: ("control/V/mA", "<f4"),
    6: ("Ewe/V", "<f4"),
    7: ("dq/mA.h", "<f8"),
    8: ("I/mA", "<f4"),
    9: ("Ece/V", "<f4"),
    11: ("<I>/mA", "<f8"),
    13: ("(Q-Qo)/mA.h", "<f8"),
    19: ("control/V", "<f4"),
    20: ("control/mA", "<f4"),
    24: ("cycle number", "<f8"),
    26: ("Rapp/Ohm", "<f4"),
    32: ("freq/Hz", "<f4"),
    33: ("|Ewe|/V", "<f4"),
    34: ("|I|/A", "<f4"),
    35: ("Phase(Z)/deg", "<f4"),
    36: ("|Z|/Ohm", "<f4"),
    37: ("Re(Z)/Ohm", "<f4"),
    38: ("-Im(Z)/Ohm", "<f4"),
    39: ("I Range", "<u2"),
    69: ("R/Ohm", "<f4"),
    70: ("P/W", "<f4"),
    74: ("|Energy|/W.h", "<f8"),
    76: ("<I>/mA", "<f4"),
    77: ("<Ewe>/V", "<f4"),
    123: ("Energy charge/W.h", "<f8"),
    124: ("Energy discharge/W.h", "<f8"),
    125: ("Capacitance charge/µF", "<f8"),
    126: ("Capacitance discharge/µF", "<f8"),
    131: ("Ns", "<u2"),
    174: ("<Ewe>/V", "<f4"),
    467: ("Q charge/discharge/mA.h", "<f8"),
    468: ("half cycle", "<u4"),
}
"""Data column ids -> (EC-Lab column name, numpy dtype).

Ids 1, 3, 4, 6, 7, 8, 13, 19, 39, 74, 131, 467 and 468 occur in the fixtures and were checked
there: the record width they imply matches each file's data length exactly, ``dq`` equals
``I·dt/3600`` row by row, ``(Q-Qo)`` is the running sum of ``dq``, and ``|Energy|`` is
``|Q|·|Ewe|``; their widths also match the digits EC-Lab prints for the same quantities in ``.mpt``
exports (15 significant digits for float64, 8 for float32). The others follow public format notes.
"""


@dataclass
class Module:
    """One module of an ``.mpr`` file."""

    short_name: str
    long_name: str
    version: int
    date: str
    data: bytes


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
            length, _reserved, version = struct.unpack_from("<III", raw, offset + 45)
            date_at, body = offset + 57, offset + 65
        else:
            length, version = first, struct.unpack_from("<I", raw, offset + 45)[0]
            date_at, body = offset + 49, offset + 57
        end = body + length
        if end > len(raw):
            raise CorruptFileError(
                f"{source}: .mpr file truncated: module {long!r} needs {end} bytes, file has {len(raw)}."
            )
        date = raw[date_at : date_at + 8].decode("latin-1")
        modules.append(Module(short, long, int(version), date, raw[body:end]))
        offset = end
    return modules


DATA_OFFSETS: dict[int, int] = {2: 0x195, 3: 0x196, 11: 0x3EF}
"""Where the records start in the data module, by module version (version 11: EC-Lab 11.50 files)."""
EXACT_VERSIONS = frozenset({11})
"""Versions whose records were seen to fill the module exactly, so any width error shows."""


def _record_fields(ids: list[int]) -> list[tuple[str, str | None]]:
    """Record fields in file order; an id this reader does not know has no dtype (``None``)."""
    fields: list[tuple[str, str | None]] = []
    if any(i in FLAG_BITS for i in ids):
        fields.append(("flags", "u1"))
    seen: set[str] = set()
    for column_id in ids:
        if column_id in FLAG_BITS:
            continue
        if column_id not in COLUMNS:
            fields.append((f"unknown column {column_id}", None))
            continue
        name, dtype = COLUMNS[column_id]
        while name in seen:  # two ids with one name: keep both, the second renamed
            name += "_"
        seen.add(name)
        fields.append((name, dtype))
    return fields


def _unknown_width(module: Module, n_points: int, known: int, unknown: int) -> int | None:
    """Width of each unknown column when the module's size tells it (records fill it from a known offset)."""
    data_at = DATA_OFFSETS.get(module.version)
    if data_at is None or n_points <= 0 or unknown == 0:
        return None
    total = len(module.data) - data_at
    if total % n_points:
        return None
    missing = total // n_points - known
    if missing <= 0 or missing % unknown or missing // unknown not in (1, 2, 4, 8):
        return None
    return missing // unknown


def parse_data_module(module: Module, source: Path) -> tuple[pd.DataFrame, list[int]]:
    """Decode the ``VMP data`` module into a table (flag columns unpacked from the flags byte).

    A column id this reader does not know is skipped, with an ``unknown_column`` warning in the
    table's ``attrs``, when the module's size gives its width (one unknown column, or several of
    one width); otherwise the file cannot be read.
    """
    payload = module.data
    if len(payload) < 6:
        raise CorruptFileError(f"{source}: .mpr data module too short ({len(payload)} bytes).")
    (n_points,) = struct.unpack_from("<I", payload, 0)
    if module.version <= 3:
        n_columns, ids_at = payload[4], 5
    else:
        (n_columns,), ids_at = struct.unpack_from("<H", payload, 4), 6
    if ids_at + 2 * n_columns > len(payload):
        raise CorruptFileError(f"{source}: .mpr data module truncated in its column list.")
    ids = [int(i) for i in np.frombuffer(payload, "<u2", count=n_columns, offset=ids_at)]
    fields = _record_fields(ids)
    unknown = [name for name, dtype in fields if dtype is None]
    if unknown:
        known = sum(np.dtype(dtype).itemsize for _, dtype in fields if dtype is not None)
        width = _unknown_width(module, n_points, known, len(unknown))
        if width is None:
            raise CorruptFileError(
                f"{source}: .mpr data column id(s) {', '.join(u.rsplit(' ', 1)[1] for u in unknown)} not known "
                "to this reader, and the module's size does not tell their width "
                "(please report the file's EC-Lab version and technique)."
            )
    else:
        width = 0
    dtype = np.dtype([(name, dt if dt is not None else f"V{width}") for name, dt in fields])
    data_at = DATA_OFFSETS.get(module.version, len(payload) - n_points * dtype.itemsize)
    needed = data_at + n_points * dtype.itemsize
    exact = module.version in EXACT_VERSIONS
    if data_at < ids_at + 2 * n_columns or needed > len(payload) or (exact and needed != len(payload)):
        raise CorruptFileError(
            f"{source}: .mpr data module holds {len(payload)} bytes, but {n_points} records of "
            f"{dtype.itemsize} bytes from byte {data_at} need {needed} (damaged file, or a column "
            f"width this reader gets wrong among ids {ids})."
        )
    records = np.frombuffer(payload, dtype, count=n_points, offset=data_at)
    table = pd.DataFrame(
        {name: records[name] for name in dtype.names or () if name != "flags" and name not in unknown}
    )
    if "flags" in (dtype.names or ()):
        flags = records["flags"]
        for column_id in ids:
            if column_id in FLAG_BITS:
                name, mask = FLAG_BITS[column_id]
                shift = (mask & -mask).bit_length() - 1
                table[name] = ((flags & mask) >> shift).astype("uint8")
    for name in unknown:
        s.add_table_warning(
            table,
            "unknown_column",
            f".mpr data column id {name.rsplit(' ', 1)[1]} ({width} bytes a record) is not known to this reader; skipped",
            source,
        )
    return table, ids


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
