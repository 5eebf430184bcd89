"""The columns of a table over all its data files, as the SQL views read them (union by name).

A table's files hold different columns when the cells do (an extra column in one cell, a commit of
later cells). :func:`union_of` gives the view's columns from the files' footers (the columns the files'
live cells have, in the order :mod:`.view_files` gives, missing ones as nulls) with one type each
(:func:`.union_types.common_type`: DuckDB's rules, text beside numbers as text); the views cast to it
(:mod:`.view_sql`), Dask reads it (:mod:`.dask_tables`): :func:`conform` brings one file's rows to it and
:func:`to_pandas` converts them with dtypes fixed in advance (every partition as the ``meta``).
:class:`MixedColumnWarning` names a column read as text and the files of each type.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..errors import InputError
from .footer_cache import Fields, fields_of, no_nulls
from .union_types import MixedColumn, common_type, largest_in

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


def may_hold_nulls(footer: pq.FileMetaData, name: str) -> bool:
    """Whether a file's top-level column ``name`` may hold a null (no statistics, or nested: it may)."""
    return name not in no_nulls(footer)


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
    schemas: Sequence[tuple[str, Fields]],
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
    """The united schema of named column lists, how many hold each column, the columns read as text, the notes, the clashes.

    Columns in ``order`` (default: first appearance over the schemas); ``largest(name, column)`` as for
    :func:`.union_types.common_type`.
    """
    kinds_of: dict[str, list[tuple[pa.DataType, str]]] = {}
    present: dict[str, int] = {}
    for name, columns in schemas:
        for column, kind in columns:
            kinds_of.setdefault(column, []).append((kind, name))
            present[column] = present.get(column, 0) + 1
    fields = []
    mixed = []
    notes = []
    clashes: list[tuple[str, str]] = []
    for column in kinds_of if order is None else order:
        kinds = kinds_of.get(column, [])
        top = None if largest is None else (lambda name, c=column: largest(name, c))
        try:
            kind, text, note = common_type(column, kinds, table, top)
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
    schemas: list[tuple[str, Fields]] = []
    for k, (name, footer) in enumerate(files):
        own = fields_of(footer)  # kept with the footer: a view made again walks no schema
        kept = None if keep is None else keep[k]
        if kept is not None:
            own = tuple(f for f in own if f[0] in kept)
        schemas.append((name, own))
    footer_of = dict(files)

    def largest(name: str, column: str) -> int | None:
        return largest_in(footer_of[name], column)

    schema, present, mixed, notes, clashes = _union(table, schemas, warn, order, largest)
    nullable = {c for c in schema.names if present.get(c, 0) < len(files)}
    for k, ((_name, footer), (_same, own)) in enumerate(zip(files, schemas, strict=True)):
        may = (lambda c, f=footer: may_hold_nulls(f, c)) if nulls is None else (lambda c, k=k: nulls(k, c))
        nullable |= {c for c, _t in own if c not in nullable and may(c)}
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
    schemas = [(name, tuple((f.name, f.type) for f in data.schema)) for name, data in tables]
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
