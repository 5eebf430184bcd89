r"""Field counts of a text export's rows: a row that does not have its header's number of fields is refused.

pandas' C parser pads a row with fewer fields than its header with NaN, reads a row with one more field
than its header as an index plus shifted values, drops the extra fields of a longer row (``index_col=False``,
with a warning the readers silence) or skips it (``on_bad_lines="skip"``). A step name or remark that holds
the separator without quotes (``CC_Chg, 0.5C``, ``충전, 휴지``) makes such a row, and every value after it
lands in the next column: read as numbers, they would be wrong without a word. The readers therefore count
every row's fields before parsing, honouring CSV quoting (``"CC_Chg, 0.5C"`` is one field, as pandas reads
it; a doubled ``""`` inside quotes too; a quote that does not open a field quotes nothing), and refuse the
file in one line naming the line and both counts.

A line break inside a quoted field (RFC 4180: a comments column, ``"charge\r\nrest"``) does not end the
record, as for pandas and the csv module: the record's lines are counted as one, and a refusal names the
line the record starts on; a quote the file ends inside is refused in one line too. :func:`check_rows` reads
the file once, in blocks of :data:`BLOCK_BYTES`, never whole into memory (quote state carried from block to
block).

Counting is one ``bytes.count`` per line; a line holding a double quote is counted after its quoted fields
are taken out, and only where a quoted field does not close on its line are the lines scanned one by one.
``benchmarks/battery_field_counts.py --repeat 3`` (2 shared cores, load about 7): 469,750 plain lines (33.6 MiB)
0.75 s, peak memory 26 MiB (the earlier whole-file count: 137 MiB, 0.34-0.91 s in the same runs); 197,870 lines
with every field quoted 1.6 s, 24 MiB (earlier 73 MiB); the plain lines with a two-line quoted comment on every
tenth record 1.8 s, 26 MiB; Python's csv module counts them in 1.0, 0.5 and 1.1 s.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
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
BLOCK_BYTES = 1 << 22
"""How much of a file :func:`check_rows` reads at a time."""


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


def _scan(line: bytes, sep: bytes, pattern: re.Pattern[bytes], inside: bool) -> tuple[int, bool]:
    """Separators of a line outside quoted fields, and whether it ends inside one (RFC 4180: the record goes on).

    ``inside``: the line starts inside a quoted field opened on a line above. The quoted fields that close
    are taken out in one scan; a quote left that opens a field is one that does not (the char after a closing
    quote is never a quote, so taking fields out makes no new field start), and only such a line is scanned
    again field by field.
    """
    if inside:
        closing = _GOES_ON.match(line)
        if closing is None or closing.group(1) is None:
            return 0, True
        line = line[closing.end() :]  # never starts with a quote: that would have been a doubled one
    rest = _QUOTED[sep].sub(b"", line) if sep in _QUOTED else _quoted(sep).sub(b"", line)
    if b'"' not in rest or _opens(sep).search(rest) is None:  # every quoted field closes on the line
        return rest.count(sep), False
    closes = pattern.findall(line)  # one does not: it runs to the line's end (the slow path, rare)
    return pattern.sub(b"", line).count(sep), bool(closes) and not closes[-1]


@cache
def _opens(sep: bytes) -> re.Pattern[bytes]:
    """A quote that opens a field; left where quoted fields are taken out, it is one that does not close."""
    return re.compile(rb"(?<![^" + re.escape(sep) + rb'])"')


_GOES_ON = re.compile(rb'[^"]*(?:""[^"]*)*(")?')
"""The rest of a quoted field on a line it goes on to: its text and the closing quote, when the line has it."""
_OPEN = {sep: re.compile(_quoted(sep).pattern[:-1] + rb'(")?') for sep in (b",", b";", b"\t", b"|")}
"""Per separator, a quoted field that may not close on its line (its closing quote the one group)."""


@dataclass
class _Records:
    """Records of a text export read block by block.

    A record's lines are joined where a quoted field holds a line break; each record gives its first line
    (1-based), its field count, whether it is blank and whether it ends with the separator (with ``ends``).
    """

    sep: bytes
    quoting: bool
    ends: bool = False
    inside: bool = False
    pending: tuple[int, int, bool] | None = None  # (first line, separators, ends with sep) of an open record
    line: int = 0  # lines read so far

    def feed(self, lines: list[bytes]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The records that end in ``lines`` (and any left open above): first lines, counts, blank, ends."""
        n = len(lines)
        seps = np.fromiter((line.count(self.sep) for line in lines), dtype=np.int64, count=n)
        blank = np.fromiter((not line.strip() for line in lines), dtype=bool, count=n)
        if self.ends:
            ends = np.fromiter((line.endswith(self.sep) for line in lines), dtype=bool, count=n)
        else:
            ends = np.zeros(n, dtype=bool)
        numbers = self.line + 1 + np.arange(n)
        self.line += n
        marked = [i for i, line in enumerate(lines) if b'"' in line] if self.quoting else []
        closed = _QUOTED.get(self.sep) or _quoted(self.sep)
        rests = [closed.sub(b"", lines[i]) for i in marked]
        opens = _opens(self.sep)
        still_open = [b'"' in rest and opens.search(rest) is not None for rest in rests]
        counted = [rest.count(self.sep) for rest in rests]
        if not self.inside and not any(still_open):  # every line a record of its own
            seps[marked] = counted
            return numbers, seps + 1, blank, ends
        goes_on = np.zeros(n, dtype=bool)
        pattern = _OPEN.get(self.sep) or re.compile(_quoted(self.sep).pattern[:-1] + rb'(")?')
        inside, begin = self.inside, 0
        for k, i in enumerate([*marked, n]):
            if inside:  # lines without a quote inside an open field: all of them the field's
                goes_on[begin:i] = True
                seps[begin:i] = 0
                if i < n:
                    goes_on[i] = True
            if i < n:
                if inside or still_open[k]:  # the line goes on from, or into, another: field by field
                    seps[i], inside = _scan(lines[i], self.sep, pattern, inside)
                else:
                    seps[i] = counted[k]
            begin = i + 1
        self.inside = inside
        starts = np.flatnonzero(~goes_on)
        lead = int(starts[0]) if len(starts) else n
        head: tuple[list[int], list[int], list[bool], list[bool]] = ([], [], [], [])
        if self.pending is not None:
            at, total, tail_end = self.pending
            total += int(seps[:lead].sum())
            tail_end = bool(ends[lead - 1]) if lead else tail_end
            self.pending = (at, total, tail_end)
            if lead < n or not inside:
                head = ([at], [total + 1], [False], [tail_end])
                self.pending = None
        keep = len(starts) - (1 if inside and len(starts) else 0)
        if len(starts):
            sums = np.add.reduceat(seps, starts)
            stops = np.r_[starts[1:], n] - 1
            if inside:
                self.pending = (int(numbers[starts[-1]]), int(sums[-1]), bool(ends[-1]))
            starts, sums, stops = starts[:keep], sums[:keep], stops[:keep]
        else:
            sums = stops = starts
        return (
            np.r_[np.asarray(head[0], dtype=np.int64), numbers[starts]],
            np.r_[np.asarray(head[1], dtype=np.int64), sums + 1],
            np.r_[np.asarray(head[2], dtype=bool), blank[starts] & (stops == starts)],
            np.r_[np.asarray(head[3], dtype=bool), ends[stops]],
        )


def _blocks(path: Path, data: bytes | None, encoding: str) -> Iterator[bytes]:
    """The file's bytes in blocks of whole lines (UTF-8, or the file's own ASCII-compatible encoding)."""
    try:
        ascii_safe = _PROBE.encode(encoding) == _PROBE.encode("ascii")
    except (LookupError, UnicodeError):
        ascii_safe = False
    decoder = None if ascii_safe else codecs.getincrementaldecoder(encoding)(errors="replace")
    rest = b""

    def pieces() -> Iterator[bytes]:
        if data is not None:
            for start in range(0, len(data), BLOCK_BYTES):
                yield data[start : start + BLOCK_BYTES]
            return
        with open(path, "rb") as handle:
            while block := handle.read(BLOCK_BYTES):
                yield block

    for block in pieces():
        if decoder is not None:
            block = decoder.decode(block).encode("utf-8")
        block = rest + block
        cut = block.rfind(b"\n") + 1
        rest = block[cut:]
        if cut:
            yield block[:cut]
    if decoder is not None:
        rest += decoder.decode(b"", final=True).encode("utf-8")
    if rest:
        yield rest + b"\n"


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
) -> int | None:
    """Raise when a record below the header does not have the header's number of fields.

    The file is read once, in blocks of :data:`BLOCK_BYTES` (never whole into memory). A line break inside a
    double-quoted field (RFC 4180; a remark or comment column) does not end the record: its lines are one
    record, counted together, and named by the line it starts on.

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
        ``QUOTE_NONE``): every separator counts, and a line break always ends a record.
    data
        The file's bytes, when the caller has them.
    truncation_checked
        The caller refuses a short last record itself as a truncated file (with the count this returns): a
        last record short of fields is left to it, with its own message.
    trailing_ok
        The caller parses with named columns and ``index_col=False`` (:func:`.textparse.read_table`): a row
        with one field more that ends with the separator (an empty last field) loses nothing and is taken.
        Without names pandas would read such rows' first field as an index, shifting the rest.

    Returns
    -------
    int or None
        The field count of the last non-blank record (None: no rows).

    Raises
    ------
    CorruptFileError
        The first record with another number of fields: its line, both counts; or a quoted field that the
        file ends inside.
    """
    sep = delimiter.encode()
    records = _Records(sep, quoting=not quoted_lines, ends=trailing_ok)
    allowed: set[int] | None = None
    held: tuple[int, int] | None = None  # a short last record, left to the caller when nothing follows it
    last: int | None = None
    header_seen = header_ends = False
    for block in _blocks(path, data, encoding):
        lines = block.split(b"\n")[:-1]
        if not header_seen:
            skip = header_line - records.line
            if skip >= len(lines):
                records.line += len(lines)
                continue
            head = lines[skip].rstrip(b"\r").removeprefix(b"\xef\xbb\xbf")
            if quoted_lines and head.strip().startswith(b'"'):
                head = head.strip()[1:-1]
            if expected is None:
                expected = int(field_counts([head], sep, quoting=not quoted_lines)[0])
            header_seen, header_ends = True, head.endswith(sep)
            records.line += skip + 1
            lines = lines[skip + 1 :]
        lines = [line.rstrip(b"\r") for line in lines]
        if quoted_lines:
            lines = [line.strip()[1:-1] if line.strip().startswith(b'"') else line for line in lines]
        first, counts, blank, ends = records.feed(lines)
        rows = np.flatnonzero(~blank)
        if not len(rows):
            continue
        if allowed is None:
            allowed = {int(expected or 0)}
            if header_ends and int(counts[rows[0]]) == expected - 1:  # type: ignore[operator]
                allowed = {int(expected) - 1}  # type: ignore[arg-type]  # EC-Lab ends its header with a tab
        if held is not None:
            _refuse(path, header_line, held[0], held[1], allowed, delimiter)
        seen = counts
        if trailing_ok:  # one empty field after the last: pandas drops it under named columns, nothing shifts
            seen = np.where(ends & (counts == max(allowed) + 1), counts - 1, counts)
        at = first_mismatch(seen[rows], allowed)
        last = int(counts[rows[-1]])
        if at is None:
            continue
        if at == len(rows) - 1 and truncation_checked and counts[rows[at]] < min(allowed):
            held = (int(first[rows[at]]), int(counts[rows[at]]))
            continue
        _refuse(path, header_line, int(first[rows[at]]), int(counts[rows[at]]), allowed, delimiter)
    if records.pending is not None and records.inside:
        raise CorruptFileError(
            f"{path}: line {records.pending[0]} opens a double-quoted field that is never closed (the file ends "
            "inside it); a quote that opens a field must be closed by another."
        )
    return last


def _refuse(path: Path, header_line: int, line: int, found: int, allowed: set[int], delimiter: str) -> None:
    raise CorruptFileError(
        mismatch_message(
            path, line, found, allowed, f"the header (line {header_line + 1})", delimiter.encode()
        )
    )
