"""Write variants of a real cycler text export: columns moved, added, dropped or renamed, another
encoding, separator or decimal mark, dates written another way, rows cut or a test appended.

Used by ``test_variants_*.py``: each variant is written to a temporary folder, never committed. The
vendors' layouts the shared tests run on are in :mod:`.variant_layouts`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from gwangyang.battery import schema as s
from gwangyang.battery.schema import CyclerData

CYCLERS = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "battery" / "cyclers"
COUNTERS = (s.CHARGE_CAPACITY, s.DISCHARGE_CAPACITY, s.CHARGE_ENERGY, s.DISCHARGE_ENERGY)
CAPACITIES = (s.CHARGE_CAPACITY, s.DISCHARGE_CAPACITY)


@dataclass
class TextExport:
    """A delimited text export split into preamble lines, a header and rows of fields."""

    pre: list[str]
    header: list[str]
    rows: list[list[str]]
    sep: str
    quoted: bool = False
    post: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, text: str, header_index: int, sep: str, quoted: bool = False) -> TextExport:
        """Split ``text``: the header is line ``header_index``; blank lines after the rows are kept apart."""
        lines = text.splitlines()
        body = lines[header_index + 1 :]
        while body and not body[-1].strip():
            body.pop()

        def fields(line: str) -> list[str]:
            if quoted and line.startswith('"') and line.endswith('"'):
                line = line[1:-1]
            return line.split(sep)

        return cls(lines[:header_index], fields(lines[header_index]), [fields(x) for x in body], sep, quoted)

    def copy(self) -> TextExport:
        """A deep copy to change."""
        return copy.deepcopy(self)

    def render(self, newline: str = "\r\n") -> str:
        """The text again (Windows line ends, as the vendors' software writes them)."""

        def line(items: list[str]) -> str:
            joined = self.sep.join(items)
            return f'"{joined}"' if self.quoted else joined

        lines = [*self.pre, line(self.header), *(line(r) for r in self.rows), *self.post]
        return newline.join(lines) + newline

    def index(self, name: str) -> int:
        """Position of a column."""
        return self.header.index(name)

    def reorder(self, order: list[int]) -> TextExport:
        """Columns in another order (positions of the current header)."""
        self.header = [self.header[i] for i in order]
        self.rows = [[r[i] if i < len(r) else "" for i in order] for r in self.rows]
        return self

    def add_column(self, name: str, values: Callable[[int], str], at: int | None = None) -> TextExport:
        """A column the reader does not know, at the end or at position ``at``."""
        at = len(self.header) if at is None else at
        self.header.insert(at, name)
        for i, row in enumerate(self.rows):
            row.insert(at, values(i))
        return self

    def drop(self, name: str) -> TextExport:
        """Leave a column out."""
        i = self.index(name)
        del self.header[i]
        for row in self.rows:
            if i < len(row):
                del row[i]
        return self

    def rename(self, names: dict[str, str]) -> TextExport:
        """Another header naming."""
        self.header = [names.get(n, n) for n in self.header]
        return self

    def map_column(self, name: str, change: Callable[[str], str]) -> TextExport:
        """Rewrite each value of a column."""
        i = self.index(name)
        for row in self.rows:
            if i < len(row):
                row[i] = change(row[i])
        return self

    def decimal_comma(self, sep: str = ";") -> TextExport:
        """A European-locale export: decimal commas, fields separated by ``sep``."""
        self.sep = sep
        self.rows = [[re.sub(r"(?<=\d)\.(?=\d)", ",", v) for v in r] for r in self.rows]
        return self

    def append_test(self, change: Callable[[TextExport], None] | None = None) -> TextExport:
        """The same rows again after the last: a second test appended, its counters starting again."""
        again = self.copy()
        if change is not None:
            change(again)
        self.rows = self.rows + again.rows
        return self

    def last_row_length(self) -> int:
        """Characters of the last row as written (a cut half way through it lands inside it)."""
        return len(self.sep.join(self.rows[-1]))


@dataclass
class RecordExport(TextExport):
    """Neware BTSDA's three-level CSV: cycle lines, step lines (``,``) and record lines (``,,``).

    ``header`` and ``rows`` are the record level's, so the column edits of :class:`TextExport` apply to
    records; the cycle and step lines stay where they are.
    """

    lines: list[str | int] = field(default_factory=list)
    """Each line after the headers: a cycle or step line as it is, or the index of a record row."""

    @classmethod
    def parse_levels(cls, text: str) -> RecordExport:
        """Split ``text``: cycle and step headers, the record header (line 3), then the three levels' lines."""
        lines = text.splitlines()
        rows: list[list[str]] = []
        kept: list[str | int] = []
        for line in lines[3:]:
            if line.startswith(",,"):
                kept.append(len(rows))
                rows.append(line[2:].split(","))
            else:
                kept.append(line)
        return cls(lines[:2], lines[2][2:].split(","), rows, ",", lines=kept)

    def render(self, newline: str = "\r\n") -> str:
        """The text again, record lines behind their two commas."""
        body = [",," + self.sep.join(self.rows[x]) if isinstance(x, int) else x for x in self.lines]
        return newline.join([*self.pre, ",," + self.sep.join(self.header), *body]) + newline

    def append_test(self, change: Callable[[TextExport], None] | None = None) -> RecordExport:
        """Every cycle, step and record line again after the last: a second test appended."""
        again = copy.deepcopy(self)
        if change is not None:
            change(again)
        offset = len(self.rows)
        self.lines = self.lines + [x + offset if isinstance(x, int) else x for x in again.lines]
        self.rows = self.rows + again.rows
        return self

    def last_row_length(self) -> int:
        """Characters of the last line as written."""
        last = self.lines[-1]
        return len(last) if isinstance(last, str) else 2 + len(self.sep.join(self.rows[last]))


def write(folder: Path, name: str, text: str, encoding: str = "utf-8", cut: int | None = None) -> Path:
    """Write a variant; ``cut``: drop that many bytes from the end (a file cut inside its last row)."""
    path = folder / name
    data = text.encode(encoding)
    path.write_bytes(data if cut is None else data[:-cut])
    return path


def per_cycle(data: CyclerData) -> pd.DataFrame:
    """Per vendor cycle: the largest capacity and energy counters (each cycle's totals)."""
    ts = data.timeseries
    present = [c for c in COUNTERS if c in ts.columns]
    return ts.groupby(s.CYCLE)[present].max()


def assert_same_cycles(
    original: CyclerData, variant: CyclerData, counters: tuple[str, ...] = COUNTERS
) -> None:
    """Per-cycle capacities and energies equal within float tolerance."""
    a, b = per_cycle(original), per_cycle(variant)
    present = [c for c in counters if c in a.columns]
    assert list(b.index) == list(a.index)
    assert [c for c in present if c not in b.columns] == []
    np.testing.assert_allclose(b[present].to_numpy(), a[present].to_numpy(), rtol=1e-9, atol=1e-12)


def assert_same_dates(original: CyclerData, variant: CyclerData) -> None:
    """The same wall clock on every row (to the millisecond)."""
    a = original.timeseries[s.DATE_TIME].to_numpy(dtype="datetime64[ms]")
    b = variant.timeseries[s.DATE_TIME].to_numpy(dtype="datetime64[ms]")
    assert not np.isnat(b).any()
    np.testing.assert_array_equal(b, a)


def assert_appended(original: CyclerData, variant: CyclerData) -> None:
    """A file holding the original's rows twice reads as two tests one after the other.

    The second test's cycles are numbered on after the first's; each half has the original's
    per-cycle figures; time never goes back; a ``test_restarted`` warning names the file.
    """
    a, b = per_cycle(original), per_cycle(variant)
    n = len(a)
    assert len(b) == 2 * n
    assert b.index[n] > b.index[n - 1]
    for half in (b.iloc[:n], b.iloc[n:]):
        np.testing.assert_allclose(half.to_numpy(), a.to_numpy(), rtol=1e-9, atol=1e-12)
    assert (np.diff(variant.timeseries[s.TIME].to_numpy()) >= 0).all()
    (note,) = [w for w in variant.warnings if w["kind"] == "test_restarted"]
    assert note["file"] == variant.source.name
    assert len(variant.timeseries) == 2 * len(original.timeseries)


def assert_cut(original: CyclerData, variant: CyclerData) -> None:
    """A file cut inside its last row: that row dropped with a ``truncated_file`` warning, the rest the same."""
    assert len(variant.timeseries) == len(original.timeseries) - 1
    ts = original.timeseries.iloc[:-1]
    present = [c for c in COUNTERS if c in ts.columns]
    expected = ts.groupby(s.CYCLE)[present].max()
    np.testing.assert_allclose(
        per_cycle(variant)[present].to_numpy(), expected.to_numpy(), rtol=1e-9, atol=1e-12
    )
    assert "truncated_file" in kinds(variant)


def korean_clock(moment: datetime) -> str:
    """A date-time as Korean Windows writes it: ``2019-10-21 오후 1:00:02``."""
    half = "오전" if moment.hour < 12 else "오후"
    return f"{moment:%Y-%m-%d} {half} {moment.hour % 12 or 12}:{moment:%M:%S}"


def restamp(source_format: str, write_as: Callable[[datetime], str]) -> Callable[[str], str]:
    """Rewrite a date value read with ``source_format`` (values that do not fit are left as they are)."""

    def change(value: str) -> str:
        try:
            moment = datetime.strptime(value.strip(), source_format)
        except ValueError:
            return value
        return write_as(moment)

    return change


def kinds(data: CyclerData) -> list[str]:
    """The kinds of a read's warnings."""
    return [w["kind"] for w in data.warnings]


def warned(data: CyclerData, kind: str) -> str:
    """The detail of the one warning of a kind (it names the file)."""
    (found,) = [w for w in data.warnings if w["kind"] == kind]
    assert found["file"] == data.source.name
    return found["detail"]


WRITTEN_TO = 1e-5
"""Neware's cycle level writes capacities and energies to 5 decimals."""


def neware_totals_match(data: CyclerData) -> None:
    """Per-cycle figures equal Neware's own cycle totals in the file (to the decimals it writes)."""
    assert data.vendor_cycles is not None
    vendor = data.vendor_cycles.set_index("cycle_index")
    ours = per_cycle(data)
    for column in ours.columns:
        np.testing.assert_allclose(ours[column].to_numpy(), vendor.loc[ours.index, column], atol=WRITTEN_TO)
