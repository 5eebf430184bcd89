"""Basytec cycler files: the text export with ``~``-prefixed metadata lines.

The table is read through ``maps/basytec.toml`` (Ah-Cyc-Charge / Ah-Cyc-Discharge are already
per cycle); ``~Start of Test`` gives the start time, and each row's ``date_time`` is the start plus
its test time, as Basytec's own converter does. Current and voltage take the unit in their header's
brackets (``I[A]``, ``I[mA]``, ``I[µA]``; ``U[V]``, ``U[mV]``), as PyProBE's Basytec reader does (``I[*]``,
``U[*]``); another unit is refused in one line.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ...errors import CorruptFileError
from ...written import as_written
from .. import schema as s
from ..schema import CyclerData
from .base import Reader, file_encoding, head_text, looks_binary, safe_cell_id
from .column_map import ColumnMap, load_shipped_map
from .generic import read_mapped
from .textdates import parse_stamp

MAX_SECONDS = 1e10
"""A test time beyond about 300 years is damage: it gets no date_time (and its row fails the checks)."""


_MICRO = ("u", "\u00b5", "\u03bc")
_UNITS = {
    s.CURRENT: ("I", {"A": 1.0, "mA": 1e-3, **{f"{m}A": 1e-6 for m in _MICRO}}),
    s.VOLTAGE: ("U", {"V": 1.0, "mV": 1e-3}),
}
"""Canonical column -> (Basytec's letter, the units its brackets may hold and their factors to SI)."""


@cache
def _map() -> ColumnMap:
    return load_shipped_map("basytec")


def header_names(path: Path) -> list[str]:
    """The column names of the table's header (the first line starting ``~Time[``), or [] when none."""
    with open(path, encoding=file_encoding(path), errors="replace") as handle:
        for index, line in enumerate(handle):
            if line.startswith("~Time["):
                return [name.strip() for name in line.rstrip("\r\n").split("\t")]
            if index > 500:
                break
    return []


def column_map(path: Path) -> ColumnMap:
    """The shipped map, its current and voltage in the units the file's header gives.

    Raises
    ------
    CorruptFileError
        The current or voltage column is in a unit not known (``I[C]``).
    """
    base = _map()
    columns = dict(base.columns)
    for name in header_names(path):
        for canonical, (letter, factors) in _UNITS.items():
            match = re.fullmatch(rf"{letter}\[(.*)\]", name)
            if match is None or name in columns[canonical].sources:
                continue
            unit = match.group(1).strip()
            if unit not in factors:
                raise CorruptFileError(
                    f"{path}: Basytec column {as_written(name, None)}: unit {as_written(unit, None)} not known to this reader "
                    f"(expected one of {', '.join(factors)})."
                )
            columns[canonical] = replace(columns[canonical], sources=(name,), scale=factors[unit])
    return replace(base, columns=columns)


def parse_preamble(path: Path) -> dict[str, str]:
    """The ``~Key: value`` lines above the table."""
    fields: dict[str, str] = {}
    with open(path, encoding=file_encoding(path), errors="replace") as handle:
        for index, line in enumerate(handle):
            if not line.startswith("~") or line.startswith("~Time[s]") or index > 500:
                break
            key, sep, value = line[1:].partition(":")
            if sep:
                fields[key.strip()] = value.strip()
    return fields


class BasytecReader:
    """Basytec text export headed ``~Resultfile from Basytec``."""

    name = "basytec"

    def can_load(self, path: Path, head: bytes) -> bool:
        """The ``~Resultfile from Basytec`` banner, or a ``~Time[s]`` tab-separated header."""
        if looks_binary(head):
            return False
        text = head_text(head)
        return text.startswith("~Resultfile from Basytec") or "\n~Time[s]\t" in text

    def read(self, path: Path) -> CyclerData:
        """Read the export."""
        path = Path(path)
        table = read_mapped(path, column_map(path))
        preamble = parse_preamble(path)
        start = parse_stamp(preamble.get("Start of Test"), ("%d.%m.%Y %H:%M:%S",))
        if start is not None:
            seconds = table[s.TIME].to_numpy(dtype="float64")
            seconds = np.where(np.abs(seconds) < MAX_SECONDS, seconds, np.nan)  # damage would overflow
            table[s.DATE_TIME] = start + pd.to_timedelta(seconds, unit="s")
        elif preamble.get("Start of Test"):
            s.add_table_warning(
                table,
                "unknown_format",
                f"~Start of Test: {as_written(preamble['Start of Test'])} is no date this reader knows; no date_time",
                path,
            )
        table = s.finalize(table, path)
        extra: dict[str, Any] = {
            key.lower().replace(" ", "_").replace("(", "").replace(")", ""): value
            for key, value in preamble.items()
            if key in ("Name of Test", "Battery", "Testplan", "Operator (Test)", "End of Test") and value
        }
        return CyclerData(
            timeseries=table,
            vendor=self.name,
            source=path,
            cell_id=safe_cell_id(path.stem),
            channel=preamble.get("Testchannel") or None,
            start_time=start,
            extra=extra,
        )


READERS: list[Reader] = [BasytecReader()]
