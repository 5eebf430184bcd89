"""The ``VMP data`` module of a BioLogic ``.mpr`` file, decoded into a table (see :mod:`.biologic_mpr`).

The module holds ``n_points`` (uint32), ``n_columns`` (uint8), the column ids, then ``n_points``
fixed-width little-endian records filling the rest of the module. Where the column ids and records sit
depends on the module's version (:data:`LAYOUTS`):

- version 0 with a non-zero byte 5 (the oldest files): one byte per column id from byte 5,
  records from byte 100;
- version 0 otherwise (EC-Lab 10 to 11.x, and every EC-Lab >= 11.50 file seen so far): the column
  count as uint16 at byte 4, column ids as uint16 from byte 6, records from byte 0x3EF;
- versions 2 and 3: column ids as uint16 from byte 5, records from byte 0x195 (0x196 for 3).

The fixtures are version 0 files in the second layout; versions 2 and 3 and the one-byte layout
are tested on files built from this description. A version not listed is read with the column
ids of the closest layout and the records taken from the end of the module, with a warning.
Flag columns (mode, ox/red, error, ...) share one leading byte as bit fields
(:data:`~.biologic_mpr_columns.FLAG_BITS`).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ...errors import CorruptFileError
from .. import schema as s
from .biologic_mpr_columns import COLUMNS, FLAG_BITS

if TYPE_CHECKING:
    from pathlib import Path

    from .biologic_mpr import Module


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
