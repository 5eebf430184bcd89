"""One type for a column that a table's files (or cells) hold in different types, as DuckDB reads them.

:func:`common_type` gives the type the views read a column as (:mod:`.table_union`, :mod:`.view_sql`):
integers of any width and floats widen; a ``uint64`` beside signed integers is ``int64`` when its files'
statistics say its values fit (else refused in one line); a boolean beside a number is that number; text beside
another type is text (:class:`MixedColumn`); dictionaries read as their values; times in ``s``, ``ms``, ``us``
as ``us`` and beside ``ns`` as ``ns``, zoned ones as UTC instants, those without a zone beside zoned ones as UTC
(with a note). Types that combine neither way are refused, naming the files.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import InputError


@dataclass(frozen=True)
class MixedColumn:
    """A column that is text in some of a table's files and another type in others (read as text).

    Attributes
    ----------
    column
        The column's name.
    files
        Each type the files hold it as (``str`` of the Arrow type: ``string``, ``int64`` ...), in order of first
        appearance, with the names of the files (or cells) that hold it so, in the order given.
    """

    column: str
    files: tuple[tuple[str, tuple[str, ...]], ...]


INT64_MAX = (1 << 63) - 1
"""The largest ``int64``: a ``uint64`` column beside signed integers is read as ``int64`` when its values fit."""


@functools.lru_cache(maxsize=256)
def normal_type(kind: pa.DataType) -> pa.DataType:
    """A file's column type as DuckDB reads it: dictionaries as their values, times in ``us`` or ``ns``, zones as UTC.

    DuckDB reads a Parquet timestamp in ``s``, ``ms`` or ``us`` as ``TIMESTAMP`` (microseconds), one in ``ns``
    as ``TIMESTAMP_NS``, and one with any zone as an instant (``TIMESTAMP WITH TIME ZONE``, shown in the
    connection's zone: UTC on the store's connections).
    """
    if pa.types.is_dictionary(kind):
        return normal_type(kind.value_type)
    if pa.types.is_timestamp(kind):
        return pa.timestamp("ns" if kind.unit == "ns" else "us", None if kind.tz is None else "UTC")
    return kind


def _is_signed(kind: pa.DataType) -> bool:
    return pa.types.is_signed_integer(kind)


def _times(name: str, kinds: list[tuple[pa.DataType, str]], table: str) -> tuple[pa.DataType, str | None]:
    """One timestamp type for times in several units and zones (DuckDB's), and a note when some had no zone."""
    unit = "ns" if any(t.unit == "ns" for t, _f in kinds) else "us"
    aware = [f for t, f in kinds if t.tz is not None]
    naive = [f for t, f in kinds if t.tz is None]
    if not aware:
        return pa.timestamp(unit), None
    if not naive:
        return pa.timestamp(unit, "UTC"), None

    def some(files: list[str]) -> str:
        return ", ".join(files[:3]) + (" ..." if len(files) > 3 else "")

    note = (
        f"table {table}: column {name!r} has times without a zone in {len(naive)} file(s) ({some(naive)}) and "
        f"with one in {len(aware)} ({some(aware)}): the view reads those without a zone as UTC."
    )
    return pa.timestamp(unit, "UTC"), note


def common_type(
    name: str,
    kinds: list[tuple[pa.DataType, str]],
    table: str,
    largest: Callable[[str], int | None] | None = None,
) -> tuple[pa.DataType, MixedColumn | None, str | None]:
    """One type for a column that files hold as ``kinds`` (type, file).

    Also the files of each type if it became text, and a note when values are read another way (times
    without a zone beside times with one). ``largest(file)``: the column's largest value in a file (its
    statistics; None: not known), asked of ``uint64`` files beside signed integers.
    """
    kinds = [(normal_type(t), f) for t, f in kinds if not pa.types.is_null(t)]
    types = list(dict.fromkeys(t for t, _f in kinds))
    if not types:
        return pa.null(), None, None
    if len(types) == 1:
        return types[0], None, None
    texts = [t for t in types if pa.types.is_string(t) or pa.types.is_large_string(t)]
    if texts:
        by_type: dict[str, list[str]] = {}
        for t, file in kinds:
            by_type.setdefault(str(t), []).append(file)
        mixed = MixedColumn(name, tuple((t, tuple(files)) for t, files in by_type.items()))
        return (
            (pa.large_string() if any(pa.types.is_large_string(t) for t in texts) else pa.string()),
            mixed,
            None,
        )
    if all(pa.types.is_timestamp(t) for t in types):
        kind, note = _times(name, kinds, table)
        return kind, None, note
    numbers = [t for t in types if not pa.types.is_boolean(t)]  # a boolean beside a number: that number
    if (
        pa.uint64() in numbers
        and any(_is_signed(t) for t in numbers)
        and not any(map(pa.types.is_floating, numbers))
    ):
        big = [f for t, f in kinds if t == pa.uint64()]
        beyond = [f for f in big if largest is None or (top := largest(f)) is None or top > INT64_MAX]
        if beyond:
            signed = next(f for t, f in kinds if _is_signed(t))
            raise InputError(
                f"table {table}: column {name!r} is uint64 in {beyond[0]} (values past {INT64_MAX}, or not known "
                f"from its statistics) and a signed integer in {signed}: no integer type holds both exactly "
                "(DuckDB would read HUGEINT, pandas float64): write the column as one type."
            )
        numbers = [pa.int64() if t == pa.uint64() else t for t in numbers]
    try:
        unified = pa.unify_schemas(
            [pa.schema([pa.field(name, t)]) for t in numbers or types], promote_options="permissive"
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        files = ", ".join(f"{f} ({t})" for t, f in kinds[:4])
        raise InputError(f"table {table}: column {name!r} has types that do not combine: {files}.") from None
    return unified.field(name).type, None, None


def largest_in(footer: pq.FileMetaData, name: str) -> int | None:
    """The largest value of a file's integer column ``name`` from its statistics (None: not known)."""
    index = [i for i in range(footer.num_columns) if footer.schema.column(i).path == name]
    if len(index) != 1:
        return None
    top = None
    for g in range(footer.num_row_groups):
        stats = footer.row_group(g).column(index[0]).statistics
        if stats is None or not stats.has_min_max:
            if footer.row_group(g).num_rows:
                return None
            continue
        top = int(stats.max) if top is None else max(top, int(stats.max))
    return top if top is not None else 0
