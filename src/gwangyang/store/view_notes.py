"""Warnings of the SQL views: a column that is text in some cells' files and numbers in others'.

A table view reads its files with DuckDB's ``read_parquet(..., union_by_name=true)``, which makes such a
column text (every value, numbers written as DuckDB writes them: ``7``, ``1.0``, ``true``) without a word.
The views find those columns from the files' footers (:func:`.table_union.union_of`, the same type rules)
and :func:`mixed_warnings` words one warning per column, naming the table, the column and, for text and
for the other types, how many files hold it so, example cells and one file. The query's answer carries them
(``attrs['warnings']`` of :func:`.query.run_sql`; the CLI prints them on stderr, the API answers
``warnings``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pyarrow as pa

from .union_types import MixedColumn

EXAMPLE_CELLS = 3
"""Cells named at most for each side of a warning (then ``...``)."""

ViewNote = tuple[str, str, str]
"""A view's warning: the table, the column it is about, the line."""

Example = tuple[int, list[str], str]
"""What one side of a warning names: how many files, example cells, one example file."""


def _is_text(kind: str) -> bool:
    return kind in (str(pa.string()), str(pa.large_string()))


def mixed_warning(table: str, column: str, text: Example, others: Example, other_types: Sequence[str]) -> str:
    """One warning: ``column`` of ``table`` is text in some files (``text``) and ``other_types`` in others."""

    def side(example: Example) -> str:
        count, cells, file = example
        named = ", ".join(cells[:EXAMPLE_CELLS]) + (", ..." if len(cells) > EXAMPLE_CELLS else "")
        return f"{count} file(s) (cells {named}: {file})"

    return (
        f"table {table}: column {column!r} is text in {side(text)} and {'/'.join(other_types)} in {side(others)}: "
        "the view reads it as text (numbers as DuckDB writes them: 7, 1.0, true)."
    )


def mixed_warnings(
    table: str, mixed: Sequence[MixedColumn], example: Callable[[Sequence[str]], Example]
) -> list[str]:
    """One warning per column read as text; ``example(names)`` tells the files, cells and one file of some names.

    The names are those given to :func:`.table_union.union_of` (the views: files; an organisation's views,
    in memory: cells).
    """
    out = []
    for one in mixed:
        texts = [name for kind, names in one.files if _is_text(kind) for name in names]
        others = [name for kind, names in one.files if not _is_text(kind) for name in names]
        kinds = [kind for kind, _names in one.files if not _is_text(kind)]
        out.append(mixed_warning(table, one.column, example(texts), example(others), kinds))
    return out


def file_examples(files: Sequence[str], cells_of: Callable[[str], list[str]]) -> Example:
    """Files (the view's names): how many, the cells of the first, that file."""
    return len(files), cells_of(files[0]), files[0]


def cell_examples(cells: Sequence[str], file_of: Callable[[str], str]) -> Example:
    """Cells (an organisation's views): how many files hold them, the cells of the first file, that file."""
    first = file_of(cells[0])
    files = {file_of(c) for c in cells}
    return len(files), [c for c in cells if file_of(c) == first], first
