"""A Neware workbook's step or cycle sheet split over several sheets, joined; the sheets a workbook read leaves out.

Excel holds at most 1,048,576 rows a sheet (65,536 in an ``.xls``), so BTSDA goes on with a long table in further
sheets of the same name with a number (``step``, ``step_1``, ``step(2)``; ``cycle``, ``cycle_1``; ``工步层2``), or
under the channel's name (``Cycle_1_1_2``, ``Cycle_1_1_2_2``), each with the header again or without it. The
record sheets are joined by :func:`.neware_sheets.joined_records`; the step and cycle sheets here
(:func:`joined_parts`), in the workbook's order, and each data row keeps its sheet and row for messages. A later
sheet with another header, or whose first number (``Step Number``, ``Cycle Index``) does not come after the previous
sheet's last (another channel's, or the same sheet twice), is not joined: it is named in a warning saying why
(``unknown_column``), as every sheet the workbook read leaves out is (:func:`unread_sheets`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from ...written import as_written
from .. import schema as s
from .neware_zh import translate


def cell_number(value: object) -> float:
    """A workbook cell as a number: its value, or its text read as one; NaN for a bool, an empty or a text cell."""
    if isinstance(value, bool) or value is None:
        return math.nan
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return math.nan


def cell_texts(row: Sequence[object]) -> list[str]:
    """A workbook row's cells as stripped text (an empty cell ``""``): a header as the sheet writes it."""
    return [str(v).strip() if v is not None else "" for v in row]


def joined_parts(
    path: Path,
    sheets: Sequence[tuple[str, Sequence[Sequence[object]]]],
    names: Mapping[str, str],
    key: str,
) -> tuple[list[list[object]], list[tuple[str, int]], list[dict[str, str]]]:
    """A step or cycle table split over sheets, as one: header and rows, each row's sheet and row, and warnings.

    Parameters
    ----------
    path
        The workbook, named in the warnings.
    sheets
        Each part's name and rows, in the workbook's order; the first starts with the header.
    names
        The header's names in English (:mod:`.neware_zh`), to find ``key`` by.
    key
        The column whose numbers go on from one part to the next (``Step Number``, ``Cycle Index``); a part
        starting at or before the previous part's last is not joined.

    Returns
    -------
    tuple
        The header and data rows (empty rows and empty parts left out); each row's sheet and row (1-based; the
        header's first); an ``unknown_column`` warning for each part not joined, naming it and why.
    """
    filled = [(n, p) for n, p in sheets if any(any(v not in (None, "") for v in r) for r in p)]
    sheets = filled or sheets[:1]  # an empty part holds nothing to join (it would take the first's header)
    first, rows = sheets[0]
    header = cell_texts(rows[0]) if rows else []
    english = translate(header, dict(names))
    at = english.index(key) if key in english else None
    table: list[list[object]] = [list(rows[0])] if rows else []
    places: list[tuple[str, int]] = [(first, 1)]  # the header's (or, all parts empty, the first part's name)
    notes: list[dict[str, str]] = []
    last: tuple[str, float] | None = None
    for index, (sheet, part) in enumerate(sheets):
        skip = 1 if index == 0 else 0
        if index and part:
            cells = cell_texts(part[0])
            if cells[: len(header)] == header:
                skip = 1
            elif math.isnan(cell_number(part[0][0])) and any(cells):
                written = [c for c in cells if c]
                notes.append(
                    s.warning(
                        "unknown_column",
                        f"sheet {as_written(sheet, None)} not read: its header {as_written(written, None, python=True)} is not that of sheet {as_written(first, None)}, whose "
                        "rows it would go on with",
                        path,
                    )
                )
                continue
        body = [
            (list(r), i + 1) for i, r in enumerate(part) if i >= skip and any(v not in (None, "") for v in r)
        ]
        keys = [cell_number(r[at]) for r, _ in body if at is not None and at < len(r)]
        keys = [k for k in keys if math.isfinite(k)]
        if index and last is not None and keys and keys[0] <= last[1]:
            notes.append(
                s.warning(
                    "unknown_column",
                    f"sheet {as_written(sheet, None)} not read: its first {as_written(key, None)} is {keys[0]:.15g}, not after sheet {as_written(last[0], None)}'s "
                    f"last ({last[1]:.15g}) (another channel's, or the same rows twice)",
                    path,
                )
            )
            continue
        table += [r for r, _ in body]
        places += [(sheet, i) for _, i in body]
        if keys:
            last = (sheet, keys[-1])
    return table, places, notes


def unread_sheets(path: Path, reasons: Mapping[str, str]) -> list[dict[str, str]]:
    """One ``unknown_column`` warning naming the sheets of no kind the reader knows (none when there are none).

    Parameters
    ----------
    path
        The workbook, named in the warning.
    reasons
        Each sheet the workbook read left out, and why: ``"unknown"`` (no record, step, cycle or test information
        sheet) is warned about; the others (test information; a step sheet the records do not need) are kept in
        ``extra["sheets_not_read"]`` only.
    """
    unknown = [n for n, why in reasons.items() if why == "unknown"]
    if not unknown:
        return []
    return [
        s.warning(
            "unknown_column",
            f"sheet(s) not read, being no record, step, cycle or test information sheet: "
            f"{', '.join(map(repr, unknown))}",
            path,
        )
    ]
