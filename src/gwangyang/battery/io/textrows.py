"""Field counts of a text export's rows: a row that does not have its header's number of fields is refused.

pandas' C parser pads a row with fewer fields than its header with NaN, reads a row with one more field
than its header as an index plus shifted values, drops the extra fields of a longer row (``index_col=False``,
with a warning the readers silence) or skips it (``on_bad_lines="skip"``). A step name or remark that holds
the separator without quotes (``CC_Chg, 0.5C``, ``충전, 휴지``) makes such a row, and every value after it
lands in the next column: read as numbers, they would be wrong without a word. The readers therefore count
every row's fields before parsing, honouring CSV quoting (``"CC_Chg, 0.5C"`` is one field, as pandas reads
it; a doubled ``""`` inside quotes too; a quote that does not open a field quotes nothing), and refuse the
file in one line naming the line and both counts.

Counting is one ``bytes.count`` per line: 0.23-0.47 s for the IFE Neware export's lines repeated to 469,750
(2 shared cores, load about 5); a line holding a double quote is counted after its quoted fields are taken
out: 1.2-1.7 s for 197,870 record lines with every field quoted, as BTSDA 7 writes them.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from pathlib import Path

import numpy as np

from ...errors import CorruptFileError


def _quoted(sep: bytes) -> re.Pattern[bytes]:
    """A quoted field's pattern: an opening quote and what it quotes.

    The quote opens a field (at the line's start or right after ``sep``) and runs to its closing quote,
    ``""`` inside it a quote (the loop unrolled: about twice as fast as an alternation).
    """
    return re.compile(rb"(?<![^" + re.escape(sep) + rb'])"[^"]*(?:""[^"]*)*"')


_QUOTED = {sep: _quoted(sep) for sep in (b",", b";", b"\t", b"|")}
"""Per separator, :func:`_quoted`. A quote inside a field (``4_4C-"80PER, 1C"``) quotes nothing, as for
pandas' C parser and the csv module: its separators count."""
_PROBE = '\t,;"\n\r'


def field_counts(lines: Sequence[bytes], delimiter: bytes, quoting: bool = True) -> np.ndarray:
    """The number of fields of each line (a line without a separator has one).

    Parameters
    ----------
    lines
        Lines without their line feed (a carriage return at the end is no field).
    delimiter
        The one-byte separator.
    quoting
        Separators inside double quotes do not count (pandas' ``QUOTE_MINIMAL``); False: every one does.
    """
    counts = np.fromiter((line.count(delimiter) for line in lines), dtype=np.int64, count=len(lines))
    if quoting:
        quoted = _QUOTED.get(delimiter) or _quoted(delimiter)
        for i in [i for i, line in enumerate(lines) if b'"' in line]:
            counts[i] = quoted.sub(b"", lines[i]).count(delimiter)
    return counts + 1


def first_mismatch(
    counts: np.ndarray, allowed: Collection[int], blank: np.ndarray | None = None
) -> int | None:
    """Index of the first count not in ``allowed`` (``blank`` lines are passed over), or None."""
    wrong = ~np.isin(counts, np.fromiter(allowed, dtype=np.int64))
    if blank is not None:
        wrong &= ~blank
    found = np.flatnonzero(wrong)
    return int(found[0]) if len(found) else None


def mismatch_message(
    path: Path, line: int, found: int, expected: Collection[int], what: str, delimiter: bytes
) -> str:
    """The one-line refusal: the file, the 1-based line, the fields expected and found."""
    wanted = " or ".join(str(n) for n in sorted(expected))
    shown = {b"\t": "tab", b",": "comma", b";": "semicolon"}.get(delimiter, repr(delimiter.decode()))
    return (
        f"{path}: line {line} has {found} fields where {what} has {wanted}; a text field holding a {shown} "
        "without quotes would shift the values after it, so the file is refused rather than read shifted."
    )


def check_rows(
    path: Path,
    header_line: int,
    delimiter: str,
    expected: int | None,
    encoding: str = "utf-8",
    quoted_lines: bool = False,
    data: bytes | None = None,
    truncation_checked: bool = False,
    trailing_ok: bool = False,
) -> None:
    """Raise when a row below the header does not have the header's number of fields.

    Parameters
    ----------
    path
        The file (named in the message).
    header_line
        0-based line of the header; the rows below it are checked, blank lines passed over.
    delimiter
        The field separator (one character).
    expected
        The header's number of fields; None: counted on the header line (CSV quoting honoured). When
        the header ends with a separator (an empty last name, as EC-Lab writes) and the first row is one
        field shorter, every row must be: only that empty column is missing from them.
    encoding
        The file's encoding (:func:`.textfile.scan_text`).
    quoted_lines
        Each line is wrapped in one pair of double quotes and fields are not quoted (pandas'
        ``QUOTE_NONE``): every separator counts.
    data
        The file's bytes, when the caller has them.
    truncation_checked
        The caller refuses a short last line itself as a truncated file (:func:`.textparse.check_last_line`):
        a last line short of fields is left to it, with its own message.
    trailing_ok
        The caller parses with named columns and ``index_col=False`` (:func:`.textparse.read_table`): a row
        with one field more that ends with the separator (an empty last field) loses nothing and is taken.
        Without names pandas would read such rows' first field as an index, shifting the rest.

    Raises
    ------
    CorruptFileError
        The first row with another number of fields: its line, both counts.
    """
    raw = path.read_bytes() if data is None else data
    try:
        ascii_safe = _PROBE.encode(encoding) == _PROBE.encode("ascii")
    except (LookupError, UnicodeError):
        ascii_safe = False
    if not ascii_safe:
        raw = raw.decode(encoding, errors="replace").encode("utf-8")
    every = raw.split(b"\n")
    sep = delimiter.encode()
    head = every[header_line].rstrip(b"\r").removeprefix(b"\xef\xbb\xbf") if header_line < len(every) else b""
    if quoted_lines and head.strip().startswith(b'"'):
        head = head.strip()[1:-1]
    if expected is None:
        expected = int(field_counts([head], sep, quoting=not quoted_lines)[0])
    allowed = {expected}
    if head.endswith(sep):  # EC-Lab ends its header with a tab, not its rows: no shift
        first = next((line.rstrip(b"\r") for line in every[header_line + 1 :] if line.strip()), b"")
        if int(field_counts([first], sep, quoting=not quoted_lines)[0]) == expected - 1:
            allowed = {expected - 1}
    lines = every[header_line + 1 :]
    del every
    if lines and not lines[-1].strip():
        lines.pop()
    lines = [line.rstrip(b"\r") for line in lines]
    if quoted_lines:
        lines = [line.strip()[1:-1] if line.strip().startswith(b'"') else line for line in lines]
    counts = field_counts(lines, sep, quoting=not quoted_lines)
    blank = np.fromiter((not line.strip() for line in lines), dtype=bool, count=len(lines))
    seen = counts
    if trailing_ok:  # one empty field after the last: pandas drops it under named columns, nothing shifts
        ends = np.fromiter((line.endswith(sep) for line in lines), dtype=bool, count=len(lines))
        seen = np.where(ends & (counts == max(allowed) + 1), counts - 1, counts)
    at = first_mismatch(seen, allowed, blank)
    last = int(np.flatnonzero(~blank)[-1]) if (~blank).any() else -1
    if at == last and truncation_checked and counts[at] < min(allowed):
        return
    if at is not None:
        raise CorruptFileError(
            mismatch_message(
                path,
                header_line + 2 + at,
                int(counts[at]),
                allowed,
                f"the header (line {header_line + 1})",
                delimiter.encode(),
            )
        )


def check_levels(
    path: Path,
    lines: list[bytes],
    kinds: np.ndarray,
    allowed: dict[int, tuple[int, ...]],
    headers: dict[int, str],
    first_line: int,
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
            line = int(rows[at]) + first_line
            raise CorruptFileError(mismatch_message(path, line, int(found[at]), counts, headers[kind], b","))
