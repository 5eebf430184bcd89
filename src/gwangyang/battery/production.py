"""Production tables: end-of-line and formation measurements per cell, read, named and checked before they are kept.

A table (CSV or Parquet) has one row per cell: its id, and often its lot, line and measurement date, and the
line's measurements (open-circuit voltage, AC internal resistance, K-value or self-discharge, capacity, ...).
Columns whose names say what they hold and in which unit are renamed to the canonical names
(:data:`MEASUREMENTS`; units converted where the name gives another one, such as mAh or Ω). Every other column is
kept under its own name: numeric ones as measurements (reported as extra columns), text ones as labels; a column
of digit codes with leading zeros (an operator ``001``, a material ``0420``) is text. A column named without a
unit (``OCV``) is kept as it is, and said so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..codes import digit_codes
from ..errors import CorruptFileError, InputError
from ..sheets import korean_datetimes
from ..written import as_written

ID_ALIASES = (
    "cell_id",
    "cellid",
    "cell",
    "cell_no",
    "cell_name",
    "barcode",
    "serial",
    "serial_no",
    "serial_number",
    "셀id",
    "셀_id",
    "셀번호",
    "셀",
    "바코드",
)
"""Normalised column names taken as the cell id, in order of preference."""

LABELS: dict[str, tuple[str, ...]] = {
    "lot": ("lot", "lot_id", "lot_no", "batch", "batch_id", "로트", "로트번호", "lot번호"),
    "line": ("line", "line_id", "production_line", "라인", "생산라인"),
    "date": (
        "date",
        "datetime",
        "timestamp",
        "test_date",
        "measured_at",
        "날짜",
        "일자",
        "측정일",
        "측정일시",
    ),
}
"""Canonical label columns and the normalised names taken for them."""

MEASUREMENTS: dict[str, tuple[tuple[str, float], ...]] = {
    "ocv_v": (("ocv_v", 1.0), ("ocv_mv", 1e-3), ("open_circuit_voltage_v", 1.0)),
    "acir_mohm": (("acir_mohm", 1.0), ("acir_ohm", 1e3), ("ac_ir_mohm", 1.0), ("imp_1khz_mohm", 1.0)),
    "k_value_mv_per_day": (
        ("k_value_mv_per_day", 1.0),
        ("k_value_mv_day", 1.0),
        ("k_value_mv_d", 1.0),
        ("kvalue_mv_day", 1.0),
        ("k_mv_per_day", 1.0),
        ("k_mv_day", 1.0),
        ("self_discharge_mv_per_day", 1.0),
        ("self_discharge_mv_day", 1.0),
    ),
    "capacity_ah": (("capacity_ah", 1.0), ("capacity_mah", 1e-3), ("discharge_capacity_ah", 1.0)),
    "dcir_mohm": (("dcir_mohm", 1.0), ("dcir_ohm", 1e3)),
    "thickness_mm": (("thickness_mm", 1.0),),
    "weight_g": (("weight_g", 1.0), ("mass_g", 1.0)),
}
"""Canonical measurement columns (unit in the name) and the normalised names taken for them, with the factor to the canonical unit."""

UNITLESS = {"ocv", "acir", "ir", "k", "k_value", "kvalue", "capacity", "dcir", "self_discharge", "impedance"}
"""Measurement names seen without a unit: kept under their own name, with a warning."""

NUMERIC_SHARE = 0.5
"""A column more than this share of whose values are numbers is numeric: a non-number in it is an error."""


def normalise(name: str) -> str:
    """A column name as compared with the aliases: lower case, Ω as ``ohm``, runs of punctuation and spaces as ``_``."""
    text = str(name).strip().lower().replace("ω", "ohm")  # lower() made Ω (ohm sign or omega) ω
    return re.sub(r"[\s\-/()\[\]{}.,:;%#]+", "_", text).strip("_")


@dataclass
class ProductionTable:
    """A checked production table and what was done to its columns.

    Attributes
    ----------
    frame
        One row per cell: ``cell_id`` (text) first, then labels and measurements.
    source
        File name, for messages.
    renamed
        Source column → canonical column, for the columns renamed.
    converted
        Canonical column → factor applied to reach its unit (only where it is not 1).
    measurements
        Canonical measurement columns found.
    extra_numeric, extra_text
        Columns kept under their own names: numeric ones (measurements too), text ones (labels).
    warnings
        Things the user should know (unitless names, empty columns), one line each.
    """

    frame: pd.DataFrame
    source: str
    renamed: dict[str, str] = field(default_factory=dict)
    converted: dict[str, float] = field(default_factory=dict)
    measurements: list[str] = field(default_factory=list)
    extra_numeric: list[str] = field(default_factory=list)
    extra_text: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def columns_report(self) -> dict[str, Any]:
        """JSON-ready account of the columns."""
        return {
            "renamed": self.renamed,
            "converted": self.converted,
            "measurements": self.measurements,
            "extra_numeric": self.extra_numeric,
            "extra_text": self.extra_text,
        }


def _as_text(column: pd.Series) -> pd.Series:
    """A label column as text: whole numbers without ``.0`` (``1001``, not ``1001.0``), missing kept missing."""
    if pd.api.types.is_float_dtype(column) and bool((column.dropna() % 1 == 0).all()):
        column = column.astype("Int64")
    if pd.api.types.is_numeric_dtype(column):
        return column.astype("string").astype(object).where(column.notna(), None)
    return column


def _read(path: Path, id_column: str | None) -> tuple[pd.DataFrame, str, list[str]]:
    """The raw table (id, lot and line read as text), the name of its id column and the reading notes.

    CSV (any encoding Excel saves, ``;`` or tab separators, title lines, thousands separators) and ``.xlsx``
    are read by :func:`gwangyang.sheets.read_sheet`, whose notes come back.
    """
    if not path.is_file():
        raise InputError(f"{path}: no such file.")
    if path.suffix.lower() in {".parquet", ".pq"}:
        try:
            import pyarrow.parquet as pq

            header = [c for c in pq.read_schema(path).names if not c.startswith("__index_level_")]
        except Exception as exc:
            raise CorruptFileError(f"{path.name}: not a readable Parquet table ({one(exc)}).") from exc
        return pd.read_parquet(path), _id_column(header, id_column, path.name), []
    from ..sheets import read_sheet

    sheet = read_sheet(path, path.name)
    raw = sheet.table
    chosen = _id_column(list(raw.columns), id_column, path.name)
    for column in raw.columns:
        if column == chosen or normalise(column) in LABELS["lot"] + LABELS["line"]:
            raw[column] = _as_text(raw[column])
    return raw, chosen, sheet.notes


def one(exc: BaseException) -> str:
    """First line of an exception's message (its type when it has none)."""
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _id_column(header: list[Any], given: str | None, source: str) -> str:
    if given:
        if given not in header:
            raise InputError(
                f"{source}: id column {given!r} is not a column (columns: {', '.join(map(str, header[:10]))})."
            )
        return given
    by_key = {normalise(c): c for c in reversed(header)}
    for alias in ID_ALIASES:
        if alias in by_key:
            return str(by_key[alias])
    raise InputError(
        f"{source}: no cell id column (expected one of {', '.join(ID_ALIASES[:7])}, ... or name it with "
        f"id_column); columns: {', '.join(map(str, header[:10]))}."
    )


def _numeric(values: pd.Series, column: str, source: str, must: bool) -> pd.Series | None:
    """The column as float64; None when it is text or digit codes (``001``; only when ``must`` is False).

    Raises on a stray non-number.
    """
    if pd.api.types.is_bool_dtype(values):
        return values.astype("float64")
    if pd.api.types.is_numeric_dtype(values):
        out = values.astype("float64")
    else:
        texts = values.astype(str).str.strip()
        present = values.notna() & (texts != "")
        if not must and digit_codes(pd.unique(texts[present].to_numpy())):
            return None  # 001, 0420: an operator's or a material's code keeps its zeros as text
        out = pd.to_numeric(values.where(present), errors="coerce")
        bad = present & out.isna()
        if bad.any():
            share = 1.0 - bad.sum() / max(int(present.sum()), 1)
            if not must and share <= NUMERIC_SHARE:
                return None
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(
                f"{source}: column {column!r} is numeric but data row {row + 1} holds {as_written(values.iloc[row])}."
            )
        out = out.astype("float64")
    infinite = np.isinf(out.to_numpy())
    if infinite.any():
        row = int(np.flatnonzero(infinite)[0])
        raise InputError(
            f"{source}: column {column!r} data row {row + 1} is infinite ({as_written(values.iloc[row])})."
        )
    return out


def check_table(raw: pd.DataFrame, id_column: str, source: str) -> ProductionTable:
    """Rename, convert and check a raw production table (see the module's notes).

    Raises
    ------
    InputError
        No rows; an empty or duplicated cell id; two columns for one canonical name; a non-number in a
        numeric column; a date that is not a date.
    """
    if raw.empty:
        raise InputError(f"{source}: no rows.")
    ids = raw[id_column]
    text_ids = ids.astype(str).str.strip() if not pd.api.types.is_float_dtype(ids) else None
    if text_ids is None:  # a Parquet float id column: integral numbers are ids, anything else is refused
        if ids.isna().any() or (ids % 1 != 0).any():
            raise InputError(
                f"{source}: id column {id_column!r} holds non-integral numbers; ids must be names."
            )
        text_ids = ids.astype("int64").astype(str)
    empty = ids.isna().to_numpy() | (text_ids == "").to_numpy()
    if empty.any():
        raise InputError(
            f"{source}: id column {id_column!r} is empty in data row {int(np.flatnonzero(empty)[0]) + 1}."
        )
    duplicated = text_ids.duplicated(keep=False)
    if duplicated.any():
        dup = text_ids[duplicated].iloc[0]
        rows = (np.flatnonzero((text_ids == dup).to_numpy()) + 1).tolist()
        raise InputError(
            f"{source}: cell id {dup!r} appears {len(rows)} times (data rows {', '.join(map(str, rows[:5]))}); "
            f"one row per cell expected, refused ({int(duplicated.sum())} rows with repeated ids)."
        )
    out: dict[str, pd.Series] = {"cell_id": text_ids.reset_index(drop=True)}
    table = ProductionTable(pd.DataFrame(), source)
    if id_column != "cell_id":
        table.renamed[str(id_column)] = "cell_id"
    label_of = {alias: name for name, aliases in LABELS.items() for alias in aliases}
    unit_of = {alias: (name, factor) for name, aliases in MEASUREMENTS.items() for alias, factor in aliases}
    origin: dict[str, str] = {"cell_id": str(id_column)}
    for column in raw.columns:
        if column == id_column:
            continue
        values = raw[column].reset_index(drop=True)
        key = normalise(column)
        target, factor = label_of.get(key), 1.0
        if target is None and key in unit_of:
            target, factor = unit_of[key]
        name = target or str(column)
        if name in origin:
            raise InputError(
                f"{source}: columns {origin[name]!r} and {column!r} both give {name!r}; keep one of them."
            )
        origin[name] = str(column)
        if target is not None and name != column:
            table.renamed[str(column)] = name
        if target in LABELS and target != "date":
            out[name] = values.astype("string").str.strip().astype(object).where(values.notna(), None)
        elif target == "date":
            korean = None
            if values.dtype == object and values.notna().any():  # 2024. 3. 5. 오후 2:13:00, 2024년 3월 5일
                korean = korean_datetimes(values.dropna().astype(str))
            if korean is not None:
                parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
                parsed[values.notna()] = korean.to_numpy()
            else:
                parsed = pd.to_datetime(values, errors="coerce")
            bad = values.notna() & parsed.isna()
            if bad.any():
                row = int(np.flatnonzero(bad.to_numpy())[0])
                raise InputError(
                    f"{source}: column {column!r} data row {row + 1} is not a date: {as_written(values.iloc[row])}."
                )
            out[name] = parsed
        elif target is not None:
            numbers = _numeric(values, str(column), source, must=True)
            assert numbers is not None
            if factor != 1.0:
                numbers = numbers * factor
                table.converted[name] = factor
            out[name] = numbers
            table.measurements.append(name)
        else:
            numbers = _numeric(values, str(column), source, must=False)
            if numbers is None:
                out[name] = values.astype(object).where(values.notna(), None)
                table.extra_text.append(name)
            else:
                out[name] = numbers
                table.extra_numeric.append(name)
                if key in UNITLESS:
                    table.warnings.append(
                        f"{source}: column {column!r} names no unit; kept as {name!r} (name it e.g. ocv_v, "
                        "acir_mohm, k_value_mv_per_day or capacity_ah to make it canonical)."
                    )
            if out[name].isna().all():
                table.warnings.append(f"{source}: column {column!r} is empty in every row; kept.")
    table.frame = pd.DataFrame(out)
    return table


def read_production_table(path: str | Path, id_column: str | None = None) -> ProductionTable:
    """Read and check a production table file (CSV, ``.xlsx`` or Parquet); see :func:`check_table`."""
    path = Path(path)
    raw, chosen, notes = _read(path, id_column)
    table = check_table(raw, chosen, path.name)
    table.warnings[:0] = notes
    return table


def kind(dtype: Any) -> str:
    """``number``, ``time``, ``text`` or ``none`` (no value at all): what a column holds, for comparing tables kept at different times."""
    text = str(dtype)
    if text == "null":
        return "none"
    if text.startswith(("timestamp", "datetime", "date")):
        return "time"
    if text in {"bool"} or text.startswith(("int", "uint", "float", "double", "halffloat")):
        return "number"
    return "text"
