"""Novonix cycler files: the HPC text export and its ``*_metadata.csv`` per-cycle companion.

The table is read through ``maps/novonix.toml``: Capacity (Ah) and Energy (Wh) run on through the
steps of a cycle; their changes count as charge or discharge by the sign of the step's current. The ``[Summary]``
section gives the channel, start time and nominal capacity; the companion file (same name plus
``_metadata.csv``), when present, gives Novonix's own per-cycle figures (``vendor_cycles``).

The summary's ``Started`` is held against the rows (:func:`started_warnings`); it gives no end or duration. Both
are the cycler PC's clock, written to the second (the shared export: ``Started`` and its first row both
``2022-04-11 10:58:07 AM``, at run time 0):

* the rows' own start (the first row's ``Date and Time`` less its ``Run Time``) more than
  :data:`STARTED_TOLERANCE_S` from ``Started``: a ``start_time_mismatch`` warning (the summary may belong to another
  test, or the clock was changed); ``Started`` stays the cell's start;
* else the first row later than ``Started`` by more than the file's longest logging interval and the clock's
  :data:`.cut_end.SAME_CLOCK_S`: a ``truncated_file`` warning (rows at the file's start are missing);
* a ``Started`` that is no date this reader knows: an ``unknown_format`` warning (the start is then unknown).

The start is kept in ``extra`` too (``test_start``, as written: local time), stored with the cell's metadata.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ...written import as_written
from .. import schema as s
from ..schema import CyclerData
from .base import Reader, file_encoding, head_text, looks_binary, safe_cell_id
from .column_map import ColumnMap, load_shipped_map
from .companion_time import data_start
from .cut_end import SAME_CLOCK_S, longest_interval
from .generic import read_mapped
from .novonix_summary import read_summary, summary_path
from .textdates import parse_stamp

STARTED_TOLERANCE_S = 60.0
"""How far (seconds) the rows' start may be from ``Started`` before it is reported: each is written to the second
(2 s would do on one clock); a minute leaves room for a channel's start-up, and is still far from another test's."""


def started_warnings(
    path: Path, text: str | None, start: pd.Timestamp | None, table: pd.DataFrame
) -> list[dict[str, str]]:
    """The warnings ``Started`` (``text``, read as ``start``) gives against the rows (see the module docstring).

    Parameters
    ----------
    path
        The export (named in the warnings).
    text, start
        The summary's ``Started`` as written, and as read (None when it is none or not a date).
    table
        The canonical table (``date_time``, ``test_time_s``: the run time).

    Returns
    -------
    list of dict
        None, one ``unknown_format``, ``start_time_mismatch`` or ``truncated_file`` warning.
    """
    if start is None:
        if text and text.strip():
            return [
                s.warning(
                    "unknown_format",
                    f"[Summary] 'Started' holds {as_written(text.strip())}, no date this reader knows; the test's start is "
                    "not read",
                    path,
                )
            ]
        return []
    own = data_start(table)
    if own is None:
        return []
    apart = (own - start).total_seconds()
    if abs(apart) > STARTED_TOLERANCE_S:
        detail = (
            f"[Summary] gives the test's start (Started) as {start:%Y-%m-%d %H:%M:%S}, {path.name}'s rows as "
            f"{own:%Y-%m-%d %H:%M:%S} (its first row's date and time less its run time): {abs(apart):.0f} s "
            f"{'later' if apart > 0 else 'earlier'}, more than the {STARTED_TOLERANCE_S:.0f} s allowed; the summary "
            "may belong to another test, or the clock was changed; Started is kept as the cell's start"
        )
        return [s.warning("start_time_mismatch", detail, path)]
    dated = table[s.DATE_TIME].dropna()  # the canonical table's: datetime64, found in data_start
    first = pd.Timestamp(dated.iloc[0])
    run = float(table[s.TIME].loc[dated.index[0]]) / 3600.0
    late = (first - start).total_seconds()
    interval = longest_interval(table)
    if late <= interval + SAME_CLOCK_S:
        return []
    detail = (
        f"{path.name}'s first row is at {first:%Y-%m-%d %H:%M:%S} (run time {run:.4f} h), [Summary] gives "
        f"the test's start (Started) as {start:%Y-%m-%d %H:%M:%S}: {late:.1f} s later, more than the "
        f"{interval + SAME_CLOCK_S:.1f} s allowed (its longest logging interval, {interval:.1f} s, and "
        f"{SAME_CLOCK_S:.1f} s for the clock); rows at its start are missing, the file looks cut"
    )
    return [s.warning("truncated_file", detail, path)]


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
        notes += started_warnings(path, summary.get("Started"), start, table)
        extra: dict[str, Any] = {
            key.lower().replace(" ", "_"): summary[key]
            for key in ("Cell", "Protocol", "Serial Number", "Version")
            if summary.get(key)
        }
        if start is not None:
            extra["test_start"] = start.isoformat()
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
