"""A production table's column kinds against the stored tables read with it, and code columns across uploads.

A column keeps one kind (number, text, time) in the tables a reader reads together (:func:`kinds_scope`); a table
that holds another kind is refused in one line naming the file and the column. One mix is not refused: a code
column. An operator ``101`` of March's table was read as a number (no leading zero) and ``001`` of April's as text
(:func:`gwangyang.codes.digit_codes`); both are codes. When every stored value of the column and every value of
the new table is a digit string or a whole number (below 2⁵³), and one side holds digit strings:

* the store holds the column as text (codes): the new table's numbers are kept as their decimal text (``101`` →
  ``'101'``), so the column stays text for every later upload;
* the store holds it as whole numbers: the new table's codes are kept as text, and readers get the column as text
  (the stored numbers as ``'101'``; :func:`gwangyang.store.production.read` casts a column of numbers and text
  to text). Stored parts are never rewritten (a part is its file's rows, named by its content hash).

Each is one warning line naming the file and the column. Measurements (``1.5`` beside ``'001'``) and words are
refused as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ...errors import InputError
from ...store import Store
from ...store import production as dataset
from ..production import ProductionTable, kind

if TYPE_CHECKING:
    from .production import Visible

_EXACT = 2**53
"""Whole numbers a float holds exactly: the ones a code can be."""
_DIGITS = r"^\d+$"


def kinds_scope(org: str | None) -> Visible | None:
    """The tables a new table of organisation ``org`` must agree with in each column's kind.

    Those some reader other than an admin would read together with it: ``org``'s own and the shared ones
    (None, the shared data's readers: every organisation's, so every table). An admin, who reads every
    organisation's tables at once, gets a column of two kinds as text (see :func:`.production.mixed_notes`).
    """
    if org is None:
        return None
    return lambda owner: owner is None or owner == org


def _codes(values: pd.Series) -> str | None:
    """``'text'`` or ``'number'`` when every filled value of a new table's column could be a code, else None."""
    present = values.dropna()
    if pd.api.types.is_bool_dtype(values):
        return None
    if pd.api.types.is_numeric_dtype(values):
        numbers = present.to_numpy(dtype="float64")
        whole = bool(((numbers % 1 == 0) & (abs(numbers) < _EXACT)).all())
        return "number" if whole else None
    if all(isinstance(v, str) for v in present) and present.astype(str).str.fullmatch(r"\d+").all():
        return "text"
    return None


def _stored_codes(store: Store, part: dataset.Part, column: str) -> tuple[str, str] | None:
    """A stored part's column as (``'text'`` or ``'number'`` or ``'none'``, an example) when it could be codes."""
    values = pq.read_table(store.production_dir() / part.file, columns=[column]).column(column)
    values = values.drop_null()
    if len(values) == 0:
        return "none", ""
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        if pc.all(pc.match_substring_regex(values, _DIGITS)).as_py():
            return "text", str(values[0].as_py())
        return None
    if pa.types.is_integer(values.type) or pa.types.is_floating(values.type):
        numbers = values.cast(pa.float64())
        whole = pc.all(pc.equal(pc.floor(numbers), numbers)).as_py()
        small = pc.all(pc.less(pc.abs(numbers), float(_EXACT))).as_py()
        if whole and small:
            return "number", str(int(values[0].as_py()))
    return None


def _as_codes(values: pd.Series) -> pd.Series:
    """Whole numbers as their decimal text (``101.0`` → ``'101'``), missing kept missing."""
    text = values.astype("Int64").astype("string").astype(object)
    return text.where(values.notna(), None)


def kinds_check(
    store: Store, table: ProductionTable, name: str, org: str | None
) -> Callable[[list[dataset.Part]], None]:
    """The test that ``table`` (file ``name``) agrees with the stored tables of :func:`kinds_scope` in each column's kind.

    Called with the committed parts: once before the append, and again by the append under the store's write
    lock (so two racing uploads of one organisation cannot both pass with other kinds of one column). It
    remembers the parts it has read, so under the lock it reads only the footers of those committed since. A code
    column (see the module's notes) is made text in ``table.frame`` (in place: the frame the append writes), moved
    to ``extra_text`` and said in ``table.warnings``. Raises the one-line ``InputError`` naming the first column
    whose kind differs otherwise.
    """
    scope = kinds_scope(org)
    stored: dict[str, list[Any]] = {}
    read: set[str] = set()
    seen: list[dataset.Part] = []
    values: dict[tuple[str, str], tuple[str, str] | None] = {}  # a stored part's column, read once

    def codes_stored(column: str) -> dict[str, str] | None:
        """The column's stored kinds that are codes, each with an example; None when a stored value is not one."""
        found: dict[str, str] = {}
        for part in seen:
            if column not in part.columns:
                continue
            if (part.file, column) not in values:
                values[(part.file, column)] = _stored_codes(store, part, column)
            held = values[(part.file, column)]
            if held is None:
                return None
            found.setdefault(held[0], held[1])
        found.pop("none", None)
        return found

    def codes(column: str, now: str, before: list[str]) -> bool:
        """Whether the column is a code column here; if so, the table's column is made text and said."""
        if now not in ("number", "text") or set(before) - {"number", "text"}:
            return False
        mine = _codes(table.frame[column])
        held = codes_stored(column) if mine is not None else None
        if mine is None or held is None or "text" not in {mine, *held}:
            return False
        frame = table.frame
        if frame[column].isna().all():  # an empty column (said already): no value to read either way
            if mine == "number":
                frame[column] = pd.Series(None, index=frame.index, dtype=object)
            return True
        if mine == "number":
            frame[column] = _as_codes(frame[column])
            if column in table.extra_numeric:
                table.extra_numeric.remove(column)
                table.extra_text.append(column)
            example = next((v for v in frame[column] if v is not None), "")
            warning = (
                f"{name}: column {column!r} holds codes as text in the production data already stored: its "
                f"numbers are kept as text too (e.g. {example!r})."
            )
        elif "text" in held:  # the store's codes are text already (its numbers were widened before)
            return True
        else:
            example = next((v for v in frame[column] if isinstance(v, str)), "")
            warning = (
                f"{name}: column {column!r} holds codes as text here (e.g. {example!r}) but whole numbers in the "
                f"production data already stored: kept as text, and the stored numbers are read as text "
                f"(e.g. {held.get('number', '')!r})."
            )
        if warning not in table.warnings:
            table.warnings.append(warning)
        return True

    def check(known: list[dataset.Part]) -> None:
        fresh = [p for p in known if p.file not in read]
        for column, types in dataset.column_types(store, scope, fresh).items():
            kinds = stored.setdefault(column, [])
            kinds.extend(t for t in types if t not in kinds)
        read.update(p.file for p in fresh)
        seen.extend(p for p in fresh if scope is None or scope(p.org))
        for column in [str(c) for c in table.frame.columns]:
            now = kind(table.frame[column].dtype)
            before = [
                k for k in dict.fromkeys(kind(t) for t in stored.get(column, [])) if k not in ("none", now)
            ]
            if now == "none" or not before or codes(column, now, before):
                continue
            raise InputError(
                f"{name}: column {column!r} holds {now} here but {' and '.join(before)} in the production data "
                "already stored; rename it or fix its values."
            )

    return check
