"""Delimited text as Excel and line software save it: the encoding, the separator and the cells below a header.

:func:`read_text_head` decodes a file (UTF-8 with or without a BOM, UTF-16, cp949) and picks the separator
(``,`` ``;`` tab ``|``) that splits its lines alike; :func:`text_body` reads the rows below a header with
pandas' C parser. :mod:`gwangyang.sheets` finds the header and turns the cells into columns.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .codes import digit_codes
from .errors import CorruptFileError

MISSING = frozenset({"", "-", "na", "n/a", "#n/a", "nan", "null", "none", "#value!", "#div/0!"})
"""Cell texts read as a missing value (compared in lower case)."""

_DELIMITERS = (",", ";", "\t", "|")


def decode(raw: bytes, source: str) -> str:
    """Text of a file: UTF-8 (BOM or not), UTF-16 with a BOM, else cp949 (Korean Windows)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    for encoding in ("utf-8", "cp949"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CorruptFileError(f"{source}: not text in UTF-8, UTF-16 or cp949 (the encodings Excel saves).")


def _delimiter(lines: list[str]) -> str:
    """The separator that splits the sample's later lines into one number (at least 2) of fields."""
    best, best_key = ",", (-1.0, 0)
    for delimiter in _DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        tail = counts[len(counts) // 3 :] or counts
        width = Counter(tail).most_common(1)[0][0]
        if width < 2:
            continue
        share = sum(c == width for c in counts) / len(counts)  # the header line counts too
        key = (round(share, 2), width)
        if key > best_key:
            best, best_key = delimiter, key
    return best


HEAD_ROWS = 500
"""Rows of a text file in which the header and the first row of values are looked for."""


@dataclass
class Text:
    """A decoded text table: its first rows (with the physical line each ends on), text and separator."""

    head: list[list[Any]]
    ends: list[int]
    text: str
    delimiter: str


def read_text_head(path: Path, source: str) -> Text:
    """Decode a text table (gunzipped where its name ends in ``.gz``), pick its separator, parse its first rows.

    Raises
    ------
    CorruptFileError
        The file cannot be read or decoded, or holds no line; one line naming it (``source``).
    """
    try:
        raw = path.read_bytes()
        if path.name.lower().endswith(".gz"):
            raw = gzip.decompress(raw)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise CorruptFileError(f"{source}: cannot be read ({exc}).") from exc
    text = decode(raw, source).replace("\x00", "")
    lines = [line for line in text.splitlines()[: 4 * HEAD_ROWS] if line.strip()][:200]
    if not lines:
        raise CorruptFileError(f"{source}: the table is empty.")
    delimiter = _delimiter(lines)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    head, ends = [], []
    for row in reader:
        head.append(list(row))
        ends.append(reader.line_num)
        if len(head) >= HEAD_ROWS:
            break
    return Text(head, ends, text, delimiter)


_NA_TEXTS = sorted({form for m in MISSING for form in (m, m.upper(), m.capitalize())})
""":data:`MISSING` as pandas' ``na_values`` (it compares exactly; these are the spellings met)."""


def _whole(column: pd.Series) -> bool:
    """Integers as pandas read them, or whole floats with missing cells (``001`` beside an empty cell is 1.0)."""
    if pd.api.types.is_integer_dtype(column):
        return True
    if not pd.api.types.is_float_dtype(column) or not column.isna().any():
        return False
    values = column.to_numpy()
    values = values[~np.isnan(values)]
    return bool(values.size) and bool(np.all(values == np.floor(values)))


def text_body(found: Text, header: int, width: int, source: str) -> pd.DataFrame:
    """The rows below the header, read by pandas' C parser: numbers as numbers, the rest as text cells.

    Columns of whole numbers are read again as text, and those of digit codes (:func:`gwangyang.codes.digit_codes`)
    kept so: ``00123`` keeps its zeros, with or without empty cells. A ragged file is read with :mod:`csv`.
    """
    options: dict[str, Any] = {
        "sep": found.delimiter,
        "header": None,
        "names": list(range(width)),
        "skiprows": found.ends[header],
        "skip_blank_lines": True,
        "skipinitialspace": True,
        "keep_default_na": False,
        "na_values": _NA_TEXTS,
        "engine": "c",
    }
    try:
        body = pd.read_csv(io.StringIO(found.text), **options)
        whole = [c for c in body.columns if _whole(body[c])]
        if whole:
            codes = pd.read_csv(io.StringIO(found.text), **{**options, "usecols": whole, "dtype": str})
            for c in whole:
                cells = codes[c].str.strip()
                if digit_codes(pd.unique(cells.dropna().to_numpy())):
                    body[c] = cells
    except (pd.errors.ParserError, ValueError):
        rows = list(csv.reader(io.StringIO(found.text, newline=""), delimiter=found.delimiter))
        start = found.ends[header]  # the csv reader's row index equals the line's where no field spans lines
        body = pd.DataFrame([r for r in rows[start:] if r]).astype(object)
        if body.shape[1] > width:
            extra = body.iloc[:, width:].fillna("").astype(str).apply(lambda c: c.str.strip())
            filled = (extra != "").any(axis=1).to_numpy()
            if filled.any():
                raise CorruptFileError(
                    f"{source}: data row {int(np.nonzero(filled)[0][0]) + 1} has more fields than the header."
                ) from None
            body = body.iloc[:, :width]
    return body
