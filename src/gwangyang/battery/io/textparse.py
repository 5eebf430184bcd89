"""Vectorised helpers the text readers share: find the header, read the table, parse numbers and durations (dates: :mod:`.textdates`).

Every helper raises :class:`~gwangyang.errors.CorruptFileError` with a one-line message naming the
file, never a pandas exception.
"""

from __future__ import annotations

import csv
import re
import warnings
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from ...errors import CorruptFileError, one_line

MAX_HEADER_LINES = 10_000
"""How far into a file a header line is looked for."""

_DURATION = (
    r"^(?:(?P<d>\d+)(?:\s*d(?:ays?)?,?\s*|[.-]))?(?P<h>\d+):(?P<m>\d{1,2}):(?P<s>\d{1,2}(?:[.,]\d*)?)$"
)
"""A duration with its days written apart: ``1d 02:03:04`` (Maccor), ``1.02:03:04.5`` (.NET's TimeSpan, which
Windows cycler software writes), ``1-02:03:04``, ``1 day, 02:03:04`` (Python), ``1 days 02:03:04`` (pandas);
or hours past 24 (``26:03:04``)."""


def _split_line(line: str, delimiter: str, quoted: bool) -> list[str]:
    """A header's names; a name in double quotes may hold the separator (as the rows' fields may)."""
    line = line.rstrip("\r\n").lstrip("\ufeff")
    if quoted and len(line) >= 2 and line.startswith('"') and line.endswith('"'):
        line = line[1:-1]
    elif '"' in line:
        return [name.strip() for name in next(csv.reader([line], delimiter=delimiter))]
    return [name.strip() for name in line.split(delimiter)]


def locate_header(
    path: Path,
    delimiter: str,
    encoding: str = "utf-8",
    marker: str | None = None,
    skip_lines: int = 0,
    quoted: bool = False,
) -> tuple[int, list[str]]:
    """Find a table's header line.

    Parameters
    ----------
    path
        The file.
    delimiter
        Field separator.
    encoding
        Text encoding (:func:`.textfile.scan_text` checks it on the whole file); undecodable bytes
        become U+FFFD.
    marker
        When given, the header is the first line that starts with it (after a BOM or an opening quote).
    skip_lines
        Otherwise, the number of lines above the header.
    quoted
        Lines are wrapped in one pair of double quotes.

    Returns
    -------
    tuple
        The header's 0-based line number and its column names (duplicates get ``.1``, ``.2``...).
    """
    index = -1
    found: str | None = None
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        for index, line in enumerate(handle):
            if index >= MAX_HEADER_LINES:
                break
            if marker is None:
                if index == skip_lines:
                    found = line
                    break
            elif line.lstrip('\ufeff"').startswith(marker.lstrip('"')):
                found = line
                break
    if found is None:
        if marker is None:
            raise CorruptFileError(f"{path}: the file ends before its header line {skip_lines + 1}.")
        raise CorruptFileError(
            f"{path}: no header line starting with {marker!r} in the first {min(index + 1, MAX_HEADER_LINES)} lines."
        )
    names = _split_line(found, delimiter, quoted)
    if len(names) < 2:
        raise CorruptFileError(
            f"{path}: the header on line {index + 1} has no {delimiter!r}-separated columns."
        )
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        count = seen.get(name, 0)
        seen[name] = count + 1
        unique.append(name if count == 0 else f"{name}.{count}")
    return index, unique


_HUGE_EXPONENT = re.compile(rb"[eE][-+]?\d{4}")
"""An exponent of four digits or more (damage, not data: pandas' float parser crashes on them)."""

_HUGE_BY_LETTER = ((b"e", re.compile(rb"e[-+]?\d{4}")), (b"E", re.compile(rb"E[-+]?\d{4}")))
""":data:`_HUGE_EXPONENT` as two patterns with a literal first byte, which the regex engine finds by
a fast scan: about ten times faster than the character class on text full of numbers."""

_PRECISION_BLOCK = 1 << 20
_OVERLAP = 8
"""An exponent the check must see is at most six bytes long (``e-1234``)."""


def huge_exponent(data: bytes) -> bool:
    """True when an ``e``/``E`` is followed by an exponent of four digits or more.

    A block without any ``e`` (most numeric data) is passed over at memchr speed; otherwise a regex
    search for a literal first byte (about 1 ms per MB, also where every number is written ``1.234E-001``).
    """
    return any(letter in data and pattern.search(data) is not None for letter, pattern in _HUGE_BY_LETTER)


def float_precision(source: Path | bytes) -> Literal["round_trip"] | None:
    """``"round_trip"`` when a file (or bytes) holds a number with a four-digit exponent, else None.

    pandas' fast float parser crashes the process on exponents past 2**31 (``1e4003333335`` in a
    damaged Basytec file); the round-trip parser reads them as inf, at about twice the cost, so it
    is used only where such a number is. Both files and bytes are looked at in blocks of 1 MiB, so
    that blocks without an ``e`` cost only a memchr. Readers that scan a file for its encoding get
    this from the same pass (:func:`.textfile.scan_text`).
    """
    if isinstance(source, bytes):
        for start in range(0, len(source), _PRECISION_BLOCK):
            if huge_exponent(source[max(0, start - _OVERLAP) : start + _PRECISION_BLOCK]):
                return "round_trip"
        return None
    tail = b""
    with open(source, "rb") as handle:
        while block := handle.read(_PRECISION_BLOCK):
            if huge_exponent(tail + block[:_OVERLAP]) or huge_exponent(block):
                return "round_trip"
            tail = block[-_OVERLAP:]
    return None


def read_table(
    path: Path,
    header_line: int,
    names: list[str],
    usecols: list[str],
    delimiter: str,
    encoding: str = "utf-8",
    decimal: str = ".",
    quoted: bool = False,
    precision: Literal["round_trip", "scan"] | None = "scan",
) -> pd.DataFrame:
    """Read the rows below a header line, only the columns asked for, with pandas' C parser.

    ``precision`` is pandas' ``float_precision``; ``"scan"`` looks at the file for it
    (:func:`float_precision`). Bytes that do not decode in ``encoding`` become U+FFFD: the caller
    checks the file first (:func:`.textfile.scan_text`) and warns about them.
    """
    if precision == "scan":
        precision = float_precision(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = pd.read_csv(
                path,
                sep=delimiter,
                header=None,
                names=names,
                usecols=usecols,
                skiprows=header_line + 1,
                encoding=encoding,
                encoding_errors="replace",
                decimal=decimal,
                low_memory=False,
                index_col=False,
                quoting=csv.QUOTE_NONE if quoted else csv.QUOTE_MINIMAL,
                engine="c",
                float_precision=precision,
            )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, OverflowError) as exc:
        raise CorruptFileError(
            one_line(f"{path}: cannot parse the table below line {header_line + 1} ({exc}).")
        ) from None
    if quoted:
        for column in frame.columns:
            if frame[column].dtype == object:
                frame[column] = frame[column].astype(str).str.strip('"')
    return frame


_GROUPED = r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d*)?"
"""A number with its thousands grouped by commas and a decimal point (or none)."""


def to_float(series: pd.Series, decimal: str = ".") -> np.ndarray:
    """Numbers of a column as float64 (thousands grouped as ``1,234.5`` too); anything else becomes NaN."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series.to_numpy(dtype="float64", na_value=np.nan)
    text = series.astype(str).str.strip().str.strip('"')
    if decimal == ",":
        text = text.str.replace(",", ".", regex=False)
    values = numbers(text)
    missing = values.isna().to_numpy() & series.notna().to_numpy()
    if decimal == "." and missing.any():
        # thousands grouped with commas (a Maccor export with Windows' digit grouping, as cellpy's
        # maccor_txt "thousands" setting reads): 1,234,567.5 is 1234567.5; "1,5" stays unread
        grouped = text[missing].str.fullmatch(_GROUPED, na=False)
        if grouped.any():
            index = grouped.index[grouped.to_numpy()]
            values.loc[index] = numbers(text.loc[index].str.replace(",", "", regex=False))
    return values.to_numpy(dtype="float64", na_value=np.nan)


def numbers(values: pd.Series) -> pd.Series:
    """``pandas.to_numeric(values, errors="coerce")``, safe from a parser crash.

    Numbers whose exponent has four digits or more (``1e4003333335``: damage, not data) become NaN,
    since pandas' parser crashes the process on them.
    """
    if values.dtype == object:
        text = values.astype(str)
        huge = text.str.contains(_HUGE_EXPONENT.pattern.decode(), regex=True, na=False)
        if huge.any():
            values = values.mask(huge)
    return pd.to_numeric(values, errors="coerce")


def parse_duration(series: pd.Series, decimal: str = ".") -> np.ndarray:
    """Seconds from ``[Nd ]HH:MM:SS[.f]`` text or plain numbers (Maccor ``TestTime``; ``,f``; see :data:`_DURATION`)."""
    numbers = to_float(series, decimal)
    missing = np.isnan(numbers)
    if not missing.any():
        return numbers
    parts = series[missing].astype(str).str.strip().str.extract(_DURATION)
    parts["s"] = parts["s"].str.replace(",", ".", regex=False)  # a decimal-comma export
    days = pd.to_numeric(parts["d"], errors="coerce").fillna(0.0)
    seconds = (
        days * 86400.0
        + pd.to_numeric(parts["h"], errors="coerce") * 3600.0
        + pd.to_numeric(parts["m"], errors="coerce") * 60.0
        + pd.to_numeric(parts["s"], errors="coerce")
    )
    numbers[missing] = seconds.to_numpy(dtype="float64", na_value=np.nan)
    return numbers


_ONE_MARK = r"(?:^|[^\d.,])\d+{mark}\d+(?:[eE][-+]?\d+)?(?=$|[^\d.,])"
"""A number with one decimal mark (``3,45`` or ``3.45``), not part of a longer run of digits and marks."""


def sniff_decimal(path: Path, header_line: int, delimiter: str, encoding: str, lines: int = 50) -> str:
    """``","`` when the rows below a header write decimal commas (a European-locale export), else ``"."``.

    Only a file whose fields are not comma-separated can carry decimal commas; it does when its
    first rows hold numbers such as ``3,45`` and none such as ``3.45``. Points between digits that are
    no such number (a day-first date ``21.10.2019``, as a German Windows writes dates) say nothing.
    """
    if delimiter == ",":
        return "."
    sample: list[str] = []
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        for index, line in enumerate(handle):
            if index > header_line + lines:
                break
            if index > header_line:
                sample.append(line)
    text = "".join(sample)
    comma = re.search(_ONE_MARK.format(mark=","), text, re.MULTILINE)
    point = re.search(_ONE_MARK.format(mark=r"\."), text, re.MULTILINE)
    return "," if comma and not point else "."


def cycle_gaps(cycles: np.ndarray) -> tuple[int, float, float] | None:
    """The first row where the cycle index skips a cycle or goes back: ``(row, before, after)``."""
    if len(cycles) < 2:
        return None
    step = np.diff(cycles)
    bad = np.flatnonzero((step > 1) | (step < 0))
    if len(bad) == 0:
        return None
    row = int(bad[0]) + 1
    return row, float(cycles[row - 1]), float(cycles[row])
