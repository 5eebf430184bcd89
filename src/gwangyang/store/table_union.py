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
from collections.abc import Sequence
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
    """

    schema: pa.Schema
    nullable: frozenset[str]
    as_text: frozenset[str]
    mixed: tuple[MixedColumn, ...] = ()


def read_footers(fs: Any, paths: Sequence[str], local: bool) -> list[pq.FileMetaData]:
    """The Parquet footers of ``paths`` (in their order), read a few at a time."""

    def one(path: str) -> pq.FileMetaData:
        with open(path, "rb") if local else fs.open(path, "rb") as handle:
            return pq.ParquetFile(handle).metadata

    if len(paths) == 1:
        return [one(paths[0])]
    with ThreadPoolExecutor(min(FOOTER_THREADS, len(paths))) as pool:
        return list(pool.map(one, paths))


def _may_hold_nulls(footer: pq.FileMetaData, name: str) -> bool:
    """Whether a file's top-level column ``name`` may hold a null (no statistics: it may)."""
    index = [i for i in range(footer.num_columns) if footer.schema.column(i).path == name]
    if len(index) != 1:  # nested: the leaves say nothing simple; the dtype does not depend on it
        return True
    for g in range(footer.num_row_groups):
        stats = footer.row_group(g).column(index[0]).statistics
        if stats is None or not stats.has_null_count or stats.null_count > 0:
            return True
    return False


def _common_type(
    name: str, kinds: list[tuple[pa.DataType, str]], table: str
) -> tuple[pa.DataType, MixedColumn | None]:
    """One type for a column that files hold as ``kinds`` (type, file); and the files of each type if it became text."""
    types = list(dict.fromkeys(t for t, _f in kinds if not pa.types.is_null(t)))
    if not types:
        return pa.null(), None
    if len(types) == 1:
        return types[0], None
    texts = [t for t in types if pa.types.is_string(t) or pa.types.is_large_string(t)]
    if texts:
        by_type: dict[str, list[str]] = {}
        for t, file in kinds:
            if not pa.types.is_null(t):
                by_type.setdefault(str(t), []).append(file)
        mixed = MixedColumn(name, tuple((t, tuple(files)) for t, files in by_type.items()))
        return (pa.large_string() if any(pa.types.is_large_string(t) for t in texts) else pa.string()), mixed
    numbers = [t for t in types if not pa.types.is_boolean(t)]  # a boolean beside a number: that number
    try:
        unified = pa.unify_schemas(
            [pa.schema([pa.field(name, t)]) for t in numbers or types], promote_options="permissive"
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        files = ", ".join(f"{f} ({t})" for t, f in kinds[:4])
        raise InputError(f"table {table}: column {name!r} has types that do not combine: {files}.") from None
    return unified.field(name).type, None


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
    table: str, schemas: Sequence[tuple[str, pa.Schema]], warn: bool
) -> tuple[pa.Schema, dict[str, int], tuple[MixedColumn, ...]]:
    """The united schema of named schemas (view order), how many hold each column, the columns read as text."""
    order: dict[str, list[tuple[pa.DataType, str]]] = {}
    present: dict[str, int] = {}
    for name, schema in schemas:
        for field in schema:
            order.setdefault(field.name, []).append((field.type, name))
            present[field.name] = present.get(field.name, 0) + 1
    fields = []
    mixed = []
    for column, kinds in order.items():
        kind, text = _common_type(column, kinds, table)
        fields.append(pa.field(column, kind))
        if text is not None:
            mixed.append(text)
            if warn:
                _warn(table, text)
    return pa.schema(fields), present, tuple(mixed)


def union_of(table: str, files: Sequence[tuple[str, pq.FileMetaData]], warn: bool = True) -> TableUnion:
    """The union by name of the files' columns (``files``: a name for messages and the footer, in the view's order).

    With ``warn``, each column read as text is a :class:`MixedColumnWarning` too (it is in ``mixed`` either way).
    """
    schemas = [(name, footer.schema.to_arrow_schema()) for name, footer in files]
    schema, present, mixed = _union(table, schemas, warn)
    nullable = {c for c in schema.names if present[c] < len(files)}
    for (_name, footer), (_same, own) in zip(files, schemas, strict=True):
        nullable |= {f.name for f in own if f.name not in nullable and _may_hold_nulls(footer, f.name)}
    return TableUnion(schema, frozenset(nullable), frozenset(m.column for m in mixed), mixed)


def union_of_schemas(table: str, schemas: Sequence[tuple[str, pa.Schema]]) -> TableUnion:
    """The union by name of named schemas (tables in memory), every column nullable; no warning (see ``mixed``)."""
    schema, _present, mixed = _union(table, schemas, warn=False)
    return TableUnion(schema, frozenset(schema.names), frozenset(m.column for m in mixed), mixed)


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
