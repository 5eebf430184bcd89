"""A companion file beside a data file read with a column map: read as its cycler reads it, or said unread.

A user who reads an Arbin CSV or a Novonix export through a column map (a layout the built-in reader refuses, a
column renamed) still has its ``<stem>_Metadata.csv`` / ``<stem>_metadata.csv`` beside it, and expects what it
says (the channel, the start and end, the vendor's per-cycle table) to be read as without a map. So:

* a map whose ``name`` is a built-in reader's that reads a companion (``arbin``: :func:`.arbin_meta.apply_metadata`,
  the channel, the start and end held against the rows, labels; ``novonix``: :func:`.novonix_summary.read_summary`,
  the vendor's per-cycle table) reads it as that reader does, with the same warnings and refusals;
* any other map reads the data file only, and each companion beside it is named once, in an ``orphan_companion``
  warning saying why it was not used (the ingest's own companion check leaves such files to this warning:
  :func:`gwangyang.battery.grouping.companion_warnings`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ...written import as_written
from .. import schema as s
from ..schema import CyclerData
from .column_map import ColumnMap


def _arbin(data: CyclerData, path: Path) -> Path | None:
    from .arbin_meta import apply_metadata, companion_of

    apply_metadata(data, path)
    return companion_of(path)


def _novonix(data: CyclerData, path: Path) -> Path | None:
    from .novonix_summary import read_summary, summary_path

    cycles, notes = read_summary(path)
    data.vendor_cycles = cycles
    data.warnings.extend(notes)
    return summary_path(path) if cycles is not None else None


COMPANION_READERS: dict[str, Callable[[CyclerData, Path], Path | None]] = {
    "arbin": _arbin,
    "novonix": _novonix,
}
"""The map names (as built-in readers name themselves) whose companion is read, and how (the companion read)."""


def read_map_companions(data: CyclerData, path: Path, cmap: ColumnMap, beside: list[Path]) -> None:
    """Read the companion beside ``path`` as the map's cycler does, or warn once per companion that it was not.

    Parameters
    ----------
    data
        What the map read from ``path``; the companion's values and warnings are added to it.
    path
        The data file.
    cmap
        The column map (its ``name`` picks the companion reader).
    beside
        The companions beside ``path`` (:func:`.registry.companions_of`).

    Raises
    ------
    CorruptFileError
        The companion's shape is broken (as without a map); the message names the companion.
    """
    if not beside:
        return
    reader = COMPANION_READERS.get(cmap.name.strip().lower())
    read = reader(data, path) if reader is not None else None
    for companion in beside:
        if read is not None and companion.resolve() == read.resolve():
            continue
        why = (
            f"the column map {cmap.origin} is named {as_written(cmap.name)}, and only maps named "
            f"{' or '.join(COMPANION_READERS)} read their cycler's companion"
            if reader is None
            else f"the {cmap.name.strip().lower()} companion reader looks for another name"
        )
        detail = f"{companion.name}: a companion (metadata) file beside {path.name}, not read: {why}"
        data.warnings.append(s.warning("orphan_companion", detail, companion))
