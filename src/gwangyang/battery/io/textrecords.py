r"""Physical lines into records, where a double-quoted field holds a line break (RFC 4180).

A remark or comment column may hold a line break inside its quotes (``"charge\r\nrest"``): pandas and the
csv module read such a field whole, and the record goes on past the break. A reader that sorts an export's
lines before parsing them (Neware's three-level BTS CSV gives each line's level by its leading commas) joins
such lines first, with :func:`join_records`, so that the second line of a comment is not taken for a row of
its own; :func:`check_levels` then counts each level's fields. The quote state is that of :mod:`.textrows` (a quote that opens a field quotes, ``""`` inside it is
a quote, a quote inside an unquoted field quotes nothing).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...errors import CorruptFileError
from .textrows import _Records, field_counts, first_mismatch, mismatch_message


def join_records(
    path: Path, lines: list[bytes], sep: bytes = b",", first_line: int = 1
) -> tuple[list[bytes], np.ndarray]:
    r"""The records of ``lines``: lines joined (by ``\n``) where a quoted field goes on past a line break.

    Parameters
    ----------
    path
        The file (named in the refusal).
    lines
        Its lines, without line breaks.
    sep
        The one-byte separator.
    first_line
        The 1-based line number of ``lines[0]`` (for the refusal).

    Returns
    -------
    tuple
        The records, and for each the 0-based index in ``lines`` of its first line. Lines without a double
        quote are returned as they are, each its own record.

    Raises
    ------
    CorruptFileError
        A quoted field the file ends inside: the line it opens on.
    """
    if not any(b'"' in line for line in lines):
        return lines, np.arange(len(lines))
    records = _Records(sep, quoting=True)
    first = records.feed(lines)[0] - 1
    if records.inside and records.pending is not None:
        raise CorruptFileError(
            f"{path}: line {records.pending[0] - 1 + first_line} opens a double-quoted field that is never "
            "closed (the file ends inside it); a quote that opens a field must be closed by another."
        )
    if len(first) == len(lines):
        return lines, first
    stops = [*first[1:].tolist(), len(lines)]
    return [b"\n".join(lines[a:b]) for a, b in zip(first.tolist(), stops, strict=True)], first


def check_levels(
    path: Path,
    lines: list[bytes],
    kinds: np.ndarray,
    allowed: dict[int, tuple[int, ...]],
    headers: dict[int, str],
    first_line: int,
    starts: np.ndarray | None = None,
) -> None:
    """Refuse the first comma-separated row whose field count is not its level's (a nested export's levels).

    A row that ends with a comma may have one field more: an empty one after the last, which shifts nothing
    where the caller parses the levels with spare columns (Neware BTS CSV).

    Parameters
    ----------
    path
        The file (named in the message).
    lines
        The rows below the headers, without line feeds.
    kinds
        Each row's level (rows of a level not in ``allowed``, such as blank ones, are passed over).
    allowed
        Per level, the field counts its rows may have.
    headers
        Per level, how the message names its header (``"the record header (line 3)"``).
    first_line
        The 1-based line of ``lines[0]``.
    starts
        Where ``lines`` are records joined across quoted line breaks (:func:`.textrecords.join_records`): the
        0-based line each starts on; None: one line each.

    Raises
    ------
    CorruptFileError
        The first such row: its line, the counts found and allowed.
    """
    for kind, counts in allowed.items():
        rows = np.flatnonzero(kinds == kind)
        chosen = [lines[i] for i in rows]
        found = field_counts(chosen, b",")
        trailing = np.fromiter(
            (line.rstrip().endswith(b",") for line in chosen), dtype=bool, count=len(chosen)
        )
        at = first_mismatch(np.where(trailing & ~np.isin(found, counts), found - 1, found), counts)
        if at is not None:
            line = int(rows[at] if starts is None else starts[rows[at]]) + first_line
            raise CorruptFileError(mismatch_message(path, line, int(found[at]), counts, headers[kind], b","))
