"""The columns of a table over all its data files, as the SQL view reads them (union by name).

A table's files hold different columns when the cells do (an extra column in one cell, a commit of
later cells): DuckDB's ``read_parquet(..., union_by_name=true)`` behind the table view
(:mod:`.views`) takes every file's columns in order of first appearance, the missing ones as nulls,
and one type per column. :func:`union_of` gives the same from the files' footers, for readers that
are not DuckDB (:mod:`.dask_tables`); :func:`conform` brings one file's rows to it and
:func:`to_pandas` converts them with dtypes fixed in advance (every partition as the ``meta``).

Types follow DuckDB's: integers of any width and floats widen (``int32`` and ``int64`` to ``int64``,
an integer and a float to ``float64``), a boolean beside a number becomes that number; a text column
beside another type makes the column text, numbers written as DuckDB writes them (``7``, ``1.0``,
``true``), and :class:`MixedColumnWarning` names the column and the files of each type.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..errors import InputError

FOOTER_THREADS = 8
"""Footers read at once (an object store answers each in a round trip)."""


_NULLABLE = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.uint8(): pd.UInt8Dtype(),
    pa.uint16(): pd.UInt16Dtype(),
    pa.uint32(): pd.UInt32Dtype(),
    pa.uint64(): pd.UInt64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}
"""Integer and boolean columns that may hold nulls: pandas' masked dtypes (as the SQL view's ``df()`` gives them)."""


class MixedColumnWarning(UserWarning):
    """A column is text in some of a table's files and numbers (or booleans) in others: it is read as text."""


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


@dataclass(frozen=True)
class TableUnion:
    """The union of a table's files: columns in the view's order, one type each, which may hold nulls.

    Attributes
    ----------
    schema
        One field per column, in order of first appearance over the files, with the common type.
    nullable
        Columns that may hold a null: missing from a file, or with nulls (or no statistics) in one.
    as_text
        Columns whose files disagree between text and another type (read as text).
    mixed
        The same columns with the files of each type, in the schema's order.
    notes
        Columns whose values are read another way, with a line saying how (times without a zone beside
        times with one: read as UTC).
    clashes
        Columns whose types combine neither way (a time beside a number), with the one-line refusal naming
        the files: typed ``null`` here, refused by whatever reads them.
    """

    schema: pa.Schema
    nullable: frozenset[str]
    as_text: frozenset[str]
    mixed: tuple[MixedColumn, ...] = ()
    notes: tuple[tuple[str, str], ...] = ()
    clashes: tuple[tuple[str, str], ...] = ()


def read_footers(fs: Any, paths: Sequence[str], local: bool) -> list[pq.FileMetaData]:
    """The Parquet footers of ``paths`` (in their order), read a few at a time."""

    def one(path: str) -> pq.FileMetaData:
        with open(path, "rb") if local else fs.open(path, "rb") as handle:
            return pq.ParquetFile(handle).metadata

    if len(paths) == 1:
        return [one(paths[0])]
    with ThreadPoolExecutor(min(FOOTER_THREADS, len(paths))) as pool:
        return list(pool.map(one, paths))


def may_hold_nulls(footer: pq.FileMetaData, name: str) -> bool:
    """Whether a file's top-level column ``name`` may hold a null (no statistics: it may)."""
    index = [i for i in range(footer.num_columns) if footer.schema.column(i).path == name]
    if len(index) != 1:  # nested: the leaves say nothing simple; the dtype does not depend on it
        return True
    for g in range(footer.num_row_groups):
        stats = footer.row_group(g).column(index[0]).statistics
        if stats is None or not stats.has_null_count or stats.null_count > 0:
            return True
    return False


INT64_MAX = (1 << 63) - 1
"""The largest ``int64``: a ``uint64`` column beside signed integers is read as ``int64`` when its values fit."""


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


def _common_type(
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
                "(DuckDB would read HUGEINT, pandas float64); write the column as one type."
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


def _warn(table: str, mixed: MixedColumn) -> None:
    """:class:`MixedColumnWarning` for a column read as text, naming the files of each type."""
    named = "; ".join(
        f"{t} in {', '.join(files[:3])}{' ...' if len(files) > 3 else ''}" for t, files in mixed.files
    )
    warnings.warn(
        f"table {table}: column {mixed.column!r} is {named}: read as text, as the SQL view reads it.",
        MixedColumnWarning,
        stacklevel=5,
    )


def _union(
    table: str,
    schemas: Sequence[tuple[str, pa.Schema]],
    warn: bool,
    order: Sequence[str] | None = None,
    largest: Callable[[str, str], int | None] | None = None,
) -> tuple[
    pa.Schema,
    dict[str, int],
    tuple[MixedColumn, ...],
    tuple[tuple[str, str], ...],
    tuple[tuple[str, str], ...],
]:
    """The united schema of named schemas, how many hold each column, the columns read as text, the notes, the clashes.

    Columns in ``order`` (default: first appearance over the schemas); ``largest(name, column)`` as for
    :func:`_common_type`.
    """
    kinds_of: dict[str, list[tuple[pa.DataType, str]]] = {}
    present: dict[str, int] = {}
    for name, schema in schemas:
        for field in schema:
            kinds_of.setdefault(field.name, []).append((field.type, name))
            present[field.name] = present.get(field.name, 0) + 1
    fields = []
    mixed = []
    notes = []
    clashes: list[tuple[str, str]] = []
    for column in kinds_of if order is None else order:
        kinds = kinds_of.get(column, [])
        top = None if largest is None else (lambda name, c=column: largest(name, c))
        try:
            kind, text, note = _common_type(column, kinds, table, top)
        except InputError as exc:  # refused where the column is read (the others still are)
            fields.append(pa.field(column, pa.null()))
            clashes.append((column, str(exc)))
            continue
        fields.append(pa.field(column, kind))
        if note is not None:
            notes.append((column, note))
        if text is not None:
            mixed.append(text)
            if warn:
                _warn(table, text)
    return pa.schema(fields), present, tuple(mixed), tuple(notes), tuple(clashes)


def _largest(footer: pq.FileMetaData, name: str) -> int | None:
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


def union_of(
    table: str,
    files: Sequence[tuple[str, pq.FileMetaData]],
    warn: bool = True,
    keep: Sequence[frozenset[str] | None] | None = None,
    order: Sequence[str] | None = None,
    nulls: Callable[[int, str], bool] | None = None,
) -> TableUnion:
    """The union by name of the files' columns (``files``: a name for messages and the footer, in the view's order).

    With ``warn``, each column read as text is a :class:`MixedColumnWarning` too (it is in ``mixed`` either way).
    ``keep``: for each file, the columns its live cells have (None: all; any other is read as nulls and types
    nothing); ``order``: the columns' order (default: first appearance over the files); ``nulls(k, column)``:
    whether file ``k``'s column may hold a null among the rows read (default: its statistics say so).
    """
    schemas = []
    for k, (name, footer) in enumerate(files):
        own = footer.schema.to_arrow_schema()
        kept = None if keep is None else keep[k]
        if kept is not None:
            own = pa.schema([f for f in own if f.name in kept])
        schemas.append((name, own))
    footer_of = dict(files)

    def largest(name: str, column: str) -> int | None:
        return _largest(footer_of[name], column)

    schema, present, mixed, notes, clashes = _union(table, schemas, warn, order, largest)
    nullable = {c for c in schema.names if present.get(c, 0) < len(files)}
    for k, ((_name, footer), (_same, own)) in enumerate(zip(files, schemas, strict=True)):
        may = (lambda c, f=footer: may_hold_nulls(f, c)) if nulls is None else (lambda c, k=k: nulls(k, c))
        nullable |= {f.name for f in own if f.name not in nullable and may(f.name)}
    return TableUnion(schema, frozenset(nullable), frozenset(m.column for m in mixed), mixed, notes, clashes)


def union_of_schemas(
    table: str, tables: Sequence[tuple[str, pa.Table]], order: Sequence[str] | None = None
) -> TableUnion:
    """The union by name of named tables in memory, every column nullable; no warning (see ``mixed``).

    ``order``: the columns' order (default: first appearance over the tables).
    """

    def largest(name: str, column: str) -> int | None:
        values = by_name[name][column]
        top = pc.max(values).as_py() if len(values) else 0
        return None if top is None and values.null_count < len(values) else int(top or 0)

    by_name = dict(tables)
    schemas = [(name, data.schema) for name, data in tables]
    schema, _present, mixed, notes, clashes = _union(table, schemas, False, order, largest)
    return TableUnion(
        schema, frozenset(schema.names), frozenset(m.column for m in mixed), mixed, notes, clashes
    )


def _as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Values as DuckDB casts them to text (floats as Python's ``repr``: ``1.0``; booleans ``true``)."""
    kind = column.type
    if pa.types.is_floating(kind):
        values = [None if v is None else repr(float(v)) for v in column.to_pylist()]
        return pa.chunked_array([pa.array(values, pa.string())])
    if pa.types.is_boolean(kind):
        values = [None if v is None else ("true" if v else "false") for v in column.to_pylist()]
        return pa.chunked_array([pa.array(values, pa.string())])
    return pc.cast(column, pa.string())


def conform(data: pa.Table, union: TableUnion, columns: Sequence[str]) -> pa.Table:
    """One file's rows with ``columns`` of the union: missing ones as nulls, each in the union's type."""
    arrays = []
    fields = []
    for name in columns:
        field = union.schema.field(name)
        if name not in data.column_names:
            column = pa.chunked_array([pa.nulls(data.num_rows, field.type)])
        else:
            column = data[name]
            if name in union.as_text and not column.type.equals(field.type):
                column = _as_text(column)
            if not column.type.equals(field.type):
                column = column.cast(field.type)
        arrays.append(column)
        fields.append(field)
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def to_pandas(data: pa.Table, union: TableUnion, pyarrow_strings: bool) -> pd.DataFrame:
    """A conformed table as pandas, each column's dtype fixed by the union, not by the rows at hand.

    Integers and booleans that may hold nulls are pandas' masked dtypes (``Int64``, ``boolean``), the
    others numpy's; text is ``string[pyarrow]`` when ``pyarrow_strings`` (Dask's default), else objects.
    """
    out = {}
    for name in data.column_names:
        column = data[name]
        kind = column.type
        if name in union.nullable and kind in _NULLABLE:
            out[name] = column.to_pandas(types_mapper=_NULLABLE.get)
        elif pyarrow_strings and (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            out[name] = column.to_pandas(types_mapper={kind: pd.StringDtype("pyarrow")}.get)
        else:
            out[name] = column.to_pandas()
    return pd.DataFrame(out, columns=list(data.column_names))
