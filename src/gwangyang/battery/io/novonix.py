"""Novonix cycler files: the HPC text export and its ``*_metadata.csv`` per-cycle companion.

The table is read through ``maps/novonix.toml``: Capacity (Ah) and Energy (Wh) run on through the
steps of a cycle; their changes count as charge or discharge by the sign of the step's current. The ``[Summary]``
section gives the channel, start time and nominal capacity; the companion file (same name plus
``_metadata.csv``), when present, gives Novonix's own per-cycle figures (``vendor_cycles``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from .. import schema as s
from ..schema import CyclerData
from .base import Reader, file_encoding, head_text, looks_binary, safe_cell_id
from .generic import ColumnMap, load_shipped_map, read_mapped
from .novonix_summary import read_summary, summary_path
from .textdates import parse_stamp


@cache
def _map() -> ColumnMap:
    return load_shipped_map("novonix")


def parse_summary(path: Path) -> dict[str, str]:
    """The ``key: value`` lines of the ``[Summary]`` section."""
    fields: dict[str, str] = {}
    with open(path, encoding=file_encoding(path), errors="replace") as handle:
        for index, line in enumerate(handle):
            text = line.strip().strip('"')
            if text == "[End Summary]" or index > 200:
                break
            key, sep, value = text.partition(":")
            if sep:
                fields[key.strip()] = value.strip()
    return fields


def _float(text: str | None) -> float | None:
    try:
        value = float(text) if text else None
    except ValueError:
        return None
    return value if value is not None and np.isfinite(value) and value > 0 else None


class NovonixReader:
    """Novonix HPC export with a ``[Summary]`` header and a ``[Data]`` table."""

    name = "novonix"

    def can_load(self, path: Path, head: bytes) -> bool:
        """A ``[Summary]`` section naming Novonix, or the Novonix data header."""
        if looks_binary(head):
            return False
        text = head_text(head)
        start = text.lstrip()[:400]
        return (
            start.startswith("[Summary]") and "Novonix" in start
        ) or "Date and Time,Cycle Number,Step Type" in text

    def companion_of(self, path: Path) -> Path | None:
        """The ``<stem>_metadata.csv`` per-cycle summary read with ``path``, or None."""
        summary = summary_path(path)
        return summary if summary.is_file() else None

    def read(self, path: Path) -> CyclerData:
        """Read the export and, when present, its ``_metadata.csv`` companion."""
        path = Path(path)
        table = s.finalize(read_mapped(path, _map()), path)
        vendor_cycles, notes = read_summary(path)
        summary = parse_summary(path)
        start = parse_stamp(summary.get("Started"), ("%Y-%m-%d %I:%M:%S %p",))
        extra: dict[str, Any] = {
            key.lower().replace(" ", "_"): summary[key]
            for key in ("Cell", "Protocol", "Serial Number", "Version")
            if summary.get(key)
        }
        return CyclerData(
            timeseries=table,
            vendor=self.name,
            source=path,
            cell_id=safe_cell_id(path.stem),
            channel=summary.get("Channel") or None,
            start_time=start,
            nominal_capacity_ah=_float(summary.get("Capacity (Ah)")),
            vendor_cycles=vendor_cycles,
            extra=extra,
            warnings=notes,
        )


READERS: list[Reader] = [NovonixReader()]
