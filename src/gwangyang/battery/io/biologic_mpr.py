"""BioLogic EC-Lab binary ``.mpr`` files, parsed from the format itself (no GPL code used or copied).

Layout, as read from the files and public format notes (galvani's and yadg's descriptions of the
format were read to learn which layouts and column ids exist; the code here is our own):

* a 52-byte file header: ``BIO-LOGIC MODULAR FILE``, a 0x1A byte, blanks and 4 zero bytes;
* then modules, each with a header: ``MODULE``, a 10-byte short name, a 25-byte long name, and
  either ``length, version`` (uint32 each) and an 8-byte ``MM/DD/YY`` date (EC-Lab before 11.50),
  or, from EC-Lab 11.50, a 0xFFFFFFFF marker, ``length``, ``version``, a module kind (uint32: 10 for
  settings and log, 11 for data) and the date;
* the ``VMP data`` module: ``n_points`` (uint32), ``n_columns`` (uint8), the column ids, then
  ``n_points`` fixed-width little-endian records filling the rest of the module. Where the column
  ids and records sit depends on the module's version (:data:`LAYOUTS`):

  - version 0 with a non-zero byte 5 (the oldest files): one byte per column id from byte 5,
    records from byte 100;
  - version 0 otherwise (EC-Lab 10 to 11.x, and every EC-Lab >= 11.50 file seen so far): the column
    count as uint16 at byte 4, column ids as uint16 from byte 6, records from byte 0x3EF;
  - versions 2 and 3: column ids as uint16 from byte 5, records from byte 0x195 (0x196 for 3).

  The fixtures are version 0 files in the second layout; versions 2 and 3 and the one-byte layout
  are tested on files built from this description. A version not listed is read with the column
  ids of the closest layout and the records taken from the end of the module, with a warning.
  Flag columns (mode, ox/red, error, ...) share one leading byte as bit fields;
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
    16: ("Analog IN 1/V", "<f4"),
    17: ("Analog IN 2/V", "<f4"),
    19: ("control/V", "<f4"),
    20: ("control/mA", "<f4"),
    23: ("dQ/mA.h", "<f8"),
    24: ("cycle number", "<f8"),
    26: ("Rapp/Ohm", "<f4"),
    27: ("Ewe-Ece/V", "<f4"),
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
    169: ("Cs/µF", "<f4"),
    172: ("Cp/µF", "<f4"),
    174: ("<Ewe>/V", "<f4"),
    178: ("(Q-Qo)/C", "<f4"),
    179: ("dQ/C", "<f4"),
    211: ("Q charge/discharge/mA.h", "<f8"),
    212: ("half cycle", "<u4"),
    213: ("z cycle", "<u4"),
    438: ("step time/s", "<f8"),
    462: ("Temperature/°C", "<f4"),
    467: ("Q charge/discharge/mA.h", "<f8"),
    468: ("half cycle", "<u4"),
    469: ("z cycle", "<u4"),
    471: ("<Ece>/V", "<f4"),
    498: ("Q charge/mA.h", "<f8"),
    499: ("Q discharge/mA.h", "<f8"),
    500: ("step time/s", "<f8"),
    501: ("Efficiency/%", "<f8"),
    502: ("Capacity/mA.h", "<f8"),
    505: ("Rdc/Ohm", "<f4"),
}
"""Data column ids -> (EC-Lab column name, numpy dtype).

Ids 1, 3, 4, 6, 7, 8, 13, 19, 39, 74, 131, 467 and 468 occur in the fixtures and were checked
there (211-213 are 467-469 as files that keep only a column id's low byte list them): the record width they imply matches each file's data length exactly, ``dq`` equals
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


@dataclass(frozen=True)
class Layout:
    """Where a data module keeps its column ids and records (see the module docstring)."""

    name: str
    count_bytes: int
    """Width of the column count at byte 4 (1 or 2)."""
    ids_at: int
    id_bytes: int
    """Width of each column id (1 or 2)."""
    records_at: int | None
    """First byte of the records; None: they end the module (a version not known)."""


LAYOUTS: dict[str, Layout] = {
    "0, one-byte ids": Layout("0, one-byte ids", 1, 5, 1, 100),
    "0": Layout("0", 2, 6, 2, 0x3EF),
    "2": Layout("2", 1, 5, 2, 0x195),
    "3": Layout("3", 1, 5, 2, 0x196),
}
"""The data module layouts by version (see the module docstring)."""


def layout(module: Module) -> tuple[Layout, bool]:
    """The layout of a ``VMP data`` module, and whether its version is a known one."""
    if module.version == 0:
        one_byte = len(module.data) > 5 and module.data[5] != 0
        return LAYOUTS["0, one-byte ids" if one_byte else "0"], True
    if str(module.version) in LAYOUTS:
        return LAYOUTS[str(module.version)], True
    closest = LAYOUTS["2"] if module.version < 2 else LAYOUTS["0"]
    return Layout(f"{module.version} (ids as in version {closest.name})", *_ids_of(closest), None), False


def _ids_of(known: Layout) -> tuple[int, int, int]:
    return known.count_bytes, known.ids_at, known.id_bytes


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


def _runs(fields: list[tuple[str, str | None]]) -> list[list[int]]:
    """Positions of the unknown fields, grouped into runs of adjacent ones."""
    runs: list[list[int]] = []
    for k, (_name, dtype) in enumerate(fields):
        if dtype is None:
            if runs and runs[-1][-1] == k - 1:
                runs[-1].append(k)
            else:
                runs.append([k])
    return runs


def _size_unknown(
    fields: list[tuple[str, str | None]], width: int | None
) -> tuple[list[tuple[str, str]], list[str]] | None:
    """Give the unknown fields widths from the record ``width``.

    One run of them takes what the known fields leave; runs apart from one another share it equally
    (1, 2, 4 or 8 bytes each). Returns the sized fields (a run of several kept as one) and one line per run, or None when the
    width cannot be shared out.
    """
    runs = _runs(fields)
    if width is None:
        return None
    missing = width - sum(np.dtype(dt).itemsize for _, dt in fields if dt is not None)
    if missing <= 0:
        return None
    if len(runs) == 1:
        widths = [missing]
    elif missing % len(runs) == 0 and missing // len(runs) in (1, 2, 4, 8) and all(len(r) == 1 for r in runs):
        widths = [missing // len(runs)] * len(runs)
    else:
        return None
    sized: list[tuple[str, str]] = []
    lines: list[str] = []
    first_of = {run[0]: (run, w) for run, w in zip(runs, widths, strict=True)}
    inside = {k for run in runs for k in run}
    for k, (name, dtype) in enumerate(fields):
        if k in first_of:
            run, w = first_of[k]
            ids = ", ".join(fields[j][0].rsplit(" ", 1)[1] for j in run)
            label = f"id {ids}" if len(run) == 1 else f"ids {ids}"
            sized.append((f"unknown {ids}", f"V{w}"))
            lines.append(f".mpr data column {label} ({w} bytes a record) not known to this reader; skipped")
        elif k not in inside and dtype is not None:
            sized.append((name, dtype))
    return sized, lines


def parse_data_module(module: Module, source: Path) -> tuple[pd.DataFrame, list[int]]:
    """Decode the ``VMP data`` module into a table (flag columns unpacked from the flags byte).

    A column id this reader does not know is skipped, with an ``unknown_column`` warning in the
    table's ``attrs``, when the module's size gives its width (one run of unknown columns, or
    several of one width); a data module version not known is read with an ``unknown_format``
    warning (see :func:`layout`). Otherwise the file cannot be read.
    """
    payload = module.data
    if len(payload) < 6:
        raise CorruptFileError(f"{source}: .mpr data module too short ({len(payload)} bytes).")
    (n_points,) = struct.unpack_from("<I", payload, 0)
    shape, known_version = layout(module)
    n_columns = payload[4] if shape.count_bytes == 1 else struct.unpack_from("<H", payload, 4)[0]
    ids_end = shape.ids_at + shape.id_bytes * n_columns
    if ids_end > len(payload):
        raise CorruptFileError(f"{source}: .mpr data module truncated in its column list.")
    id_type = "u1" if shape.id_bytes == 1 else "<u2"
    ids = [int(i) for i in np.frombuffer(payload, id_type, count=n_columns, offset=shape.ids_at)]
    fields = _record_fields(ids)
    lines: list[str] = []
    if any(dtype is None for _, dtype in fields):
        room = None if shape.records_at is None else len(payload) - shape.records_at
        width = room // n_points if room is not None and n_points > 0 and room % n_points == 0 else None
        sized = _size_unknown(fields, width)
        if sized is None:
            unknown = [name.rsplit(" ", 1)[1] for name, dtype in fields if dtype is None]
            raise CorruptFileError(
                f"{source}: .mpr data column id(s) {', '.join(unknown)} not known to this reader, and the "
                "module's size does not tell their widths (please report the file's EC-Lab version and technique)."
            )
        final, lines = sized
    else:
        final = [(name, dtype) for name, dtype in fields if dtype is not None]
    dtype = np.dtype(final)
    data_at = shape.records_at if shape.records_at is not None else len(payload) - n_points * dtype.itemsize
    needed = data_at + n_points * dtype.itemsize
    if (
        data_at < ids_end
        or needed > len(payload)
        or (shape.records_at is not None and needed != len(payload))
    ):
        raise CorruptFileError(
            f"{source}: .mpr data module (version {shape.name}) holds {len(payload)} bytes, but {n_points} "
            f"records of {dtype.itemsize} bytes from byte {data_at} need {needed} (damaged file, or a "
            f"column width this reader gets wrong among ids {ids})."
        )
    records = np.frombuffer(payload, dtype, count=n_points, offset=data_at)
    names = [name for name in dtype.names or () if name != "flags" and not name.startswith("unknown ")]
    table = pd.DataFrame({name: records[name] for name in names})
    if "flags" in (dtype.names or ()):
        flags = records["flags"]
        for column_id in ids:
            if column_id in FLAG_BITS:
                name, mask = FLAG_BITS[column_id]
                shift = (mask & -mask).bit_length() - 1
                table[name] = ((flags & mask) >> shift).astype("uint8")
    for line in lines:
        s.add_table_warning(table, "unknown_column", line, source)
    if not known_version:
        s.add_table_warning(
            table,
            "unknown_format",
            f".mpr data module version {module.version} not known to this reader: read as version "
            f"{shape.name}, the records taken from the end of the module",
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
