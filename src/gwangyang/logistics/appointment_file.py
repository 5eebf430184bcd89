"""The gate appointments a problem file names (``[appointments] file``): a CSV of granted windows by id."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import CorruptFileError, InputError
from ..files import read_text
from .problem_tables import read_fields, read_string
from .times import format_time, parse_time


def read_appointments(raw: Any, base_dir: Path) -> dict[str, tuple[float, float]]:
    """The gate appointments of ``[appointments] file``: window per id.

    The file is a CSV with columns ``id, start, end`` (and any others), as written by
    :func:`gwangyang.port.appointments.write_appointments`.
    """
    import csv
    import io

    d = read_fields(raw, "appointments", {"file"}, {"file"})
    path = base_dir / read_string(d["file"], "appointments.file")
    try:
        text = read_text(path, "gate appointments CSV").removeprefix("\ufeff")  # Excel's byte-order mark
    except InputError as exc:
        raise type(exc)(f"appointments.file: {exc}") from exc
    try:
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise CorruptFileError(f"appointments.file: {path}: not a readable CSV ({exc})") from exc
    out: dict[str, tuple[float, float]] = {}
    for i, row in enumerate(rows):
        where = f"appointments.file {path.name} row {i + 2}"
        missing = [c for c in ("id", "start", "end") if not row.get(c)]
        if missing:
            raise InputError(f"{where}: missing {missing[0]!r} (columns id, start, end)")
        if row["id"] in out:
            raise InputError(f"{where}: id {row['id']!r} appears twice")
        opens, closes = parse_time(row["start"], f"{where}: start"), parse_time(row["end"], f"{where}: end")
        if closes < opens:  # each column named, as a user finds it in the CSV (not read_window's [0] and [1])
            raise InputError(
                f"{where}: start, end: window closes ({format_time(closes)}) before it opens ({format_time(opens)})"
            )
        out[row["id"]] = (opens, closes)
    return out
