"""BioLogic (EC-Lab / BT-Lab) files: binary ``.mpr`` and text exports (``.mpt`` with or without header, ``;`` CSV).

Both readers hand EC-Lab's table to :func:`.biologic_table.to_canonical`, whose docstring gives the
conventions of the canonical table (current sign, cycles, steps, capacities); the ``.mpr`` format is parsed
by :mod:`.biologic_mpr`. The text reader finds the header after EC-Lab's ``Nb header lines`` (or on line 1),
checks every row's field count (:func:`.textrows.check_rows`), and warns about columns that are not EC-Lab's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ...errors import CorruptFileError, GwangyangError, one_line
from .. import schema as s
from ..schema import CyclerData
from .base import Reader, head_text, looks_binary, safe_cell_id
from .biologic_mpr import MAGIC, read_mpr
from .biologic_table import (
    CONTROL,
    CURRENT_NAMES,
    DATE_FORMATS,
    TEMPERATURE,
    USED,
    VOLTAGE_NAMES,
    to_canonical,
)
from .textdates import parse_stamp
from .textfile import scan_text
from .textrows import check_rows

_TEXT_MAGIC = ("EC-Lab ASCII FILE", "BT-Lab ASCII FILE")
_HEADER_LINES = re.compile(r"Nb header lines\s*:\s*(\d+)")
_STARTED = re.compile(r"Acquisition started on\s*:\s*(.+)")
_SIGNATURE = frozenset({*CURRENT_NAMES, "mode", "ox/red", "Ns", CONTROL, "(Q-Qo)/mA.h"})
"""Beside ``time/s`` and a voltage, a header needs one of these (an OCV export has no current)."""
_UNITLESS = frozenset(
    {
        "mode",
        "ox",
        "error",
        "control changes",
        "Ns changes",
        "counter inc.",
        "Ns",
        "I Range",
        "half cycle",
        "cycle number",
        "x",
        "Tech Num",
        "End buf",
        "z cycle",
        "Loop",
        "step time",
    }
)
"""EC-Lab columns without a unit; any other column without ``name/unit`` form is not EC-Lab's and is warned about."""
_CAUGHT = (ValueError, TypeError, KeyError, IndexError, OverflowError, UnicodeError, AttributeError)


class BiologicMprReader:
    """EC-Lab binary ``.mpr`` files (read by our own parser, :mod:`.biologic_mpr`)."""

    name = "biologic"

    def can_load(self, path: Path, head: bytes) -> bool:
        """True when the file starts with the ``BIO-LOGIC MODULAR FILE`` magic."""
        return head.startswith(MAGIC)

    def read(self, path: Path) -> CyclerData:
        """Read an ``.mpr`` file into the canonical schema."""
        path = Path(path)
        mpr = read_mpr(path)
        if mpr.data.empty:
            raise CorruptFileError(f"{path}: .mpr data module holds no data points.")
        timeseries = to_canonical(mpr.data, path, mpr.start_time)
        return CyclerData(
            timeseries=timeseries,
            vendor=self.name,
            source=path,
            cell_id=safe_cell_id(path.stem),
            start_time=mpr.start_time,
            extra={"format": "mpr", "modules": mpr.modules, "column_ids": mpr.column_ids},
        )


def _header_line(text: str) -> tuple[int, str | None]:
    """Lines to skip before the column header, and the start time, of an EC-Lab text export."""
    lines = text.splitlines()
    if lines and lines[0].strip().startswith(_TEXT_MAGIC):
        match = _HEADER_LINES.search("\n".join(lines[:3]))
        if match is None:
            return -1, None
        count = int(match.group(1))
        # the whole header, however long (a modulo-bat or multi-technique settings block runs past 200 lines)
        started = next((m.group(1).strip() for line in lines[:count] if (m := _STARTED.search(line))), None)
        return count - 1, started
    return 0, None


def _separator(line: str) -> str:
    return "\t" if "\t" in line else ";" if ";" in line else ","


def _is_biologic_header(line: str) -> bool:
    names = {part.strip() for part in re.split(r"[\t;]", line)}
    return "time/s" in names and bool(names & set(VOLTAGE_NAMES)) and bool(names & _SIGNATURE)


class BiologicTextReader:
    """EC-Lab / BT-Lab text exports: ``.mpt`` (with or without its header) and ``;``-separated CSV."""

    name = "biologic"

    def can_load(self, path: Path, head: bytes) -> bool:
        """True for an EC-Lab ASCII header, or a first line of EC-Lab column names (tab or ``;``)."""
        if looks_binary(head):
            return False
        text = head_text(head)
        first = text.split("\n", 1)[0].strip("\r")
        if first.strip().startswith(_TEXT_MAGIC):
            return True
        return _is_biologic_header(first)

    def read(self, path: Path) -> CyclerData:
        """Read a text export into the canonical schema."""
        path = Path(path)
        try:
            return self._read(path)
        except GwangyangError:
            raise
        except _CAUGHT as exc:
            raise CorruptFileError(one_line(f"{path}: not a readable BioLogic text export ({exc}).")) from exc

    def _read(self, path: Path) -> CyclerData:
        with open(path, "rb") as handle:
            head = handle.read(1 << 20)
        scan = scan_text(path)
        text = head.decode(scan.encoding, errors="replace")
        skip, started = _header_line(text)
        if skip < 0:
            raise CorruptFileError(f"{path}: EC-Lab text header has no 'Nb header lines' entry.")
        lines = text.splitlines()
        if skip >= len(lines):
            raise CorruptFileError(f"{path}: EC-Lab text export ends inside its {skip}-line header.")
        header = lines[skip]
        if not _is_biologic_header(header):
            raise CorruptFileError(f"{path}: no EC-Lab column header (time/s, Ewe/V or Ecell/V, I/mA) found.")
        sep = _separator(header)
        sample = "\n".join(lines[skip + 1 : skip + 20])
        decimal = "," if sep != "," and re.search(r"\d,\d", sample) else "."
        check_rows(path, skip, sep, None, scan.encoding)
        table = pd.read_csv(
            path,
            sep=sep,
            skiprows=skip,
            encoding=scan.encoding,
            encoding_errors="replace",
            decimal=decimal,
            float_precision=scan.float_precision,
            low_memory=False,
            on_bad_lines="skip",
            usecols=lambda name: str(name).strip() in USED or bool(TEMPERATURE.match(str(name).strip())),
        )
        table.columns = [str(c).strip() for c in table.columns]
        table = table.loc[:, [not c.startswith("Unnamed:") for c in table.columns]]
        if table.empty:
            raise CorruptFileError(f"{path}: BioLogic text export has a header but no data rows.")
        start_time = parse_stamp(started, DATE_FORMATS)
        unknown = [
            n
            for n in (part.strip() for part in header.split(sep))
            if n and "/" not in n and n not in _UNITLESS and not TEMPERATURE.match(n)
        ]
        notes = [*scan.warnings, *s.unread_columns(unknown, path)]
        if notes:
            table.attrs[s.WARNINGS_ATTR] = notes
        timeseries = to_canonical(table, path, start_time)
        if start_time is None and s.DATE_TIME in timeseries.columns:
            start_time = pd.Timestamp(timeseries[s.DATE_TIME].iloc[0])
        return CyclerData(
            timeseries=timeseries,
            vendor=self.name,
            source=path,
            cell_id=safe_cell_id(path.stem),
            start_time=start_time,
            extra={"format": "mpt" if sep == "\t" else "csv"},
        )


READERS: list[Reader] = [BiologicMprReader(), BiologicTextReader()]
