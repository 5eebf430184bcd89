"""Column maps: the validated form of a TOML file that names a cycler file's columns.

The format is described in :mod:`gwangyang.battery.io.generic`, the reader that uses these maps.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import InputError, one_line
from ...written import as_written
from .. import schema as s

STATE_CODES = "state_codes"
"""The key under which a counters hook of :func:`.generic.read_mapped` finds the state column's text (stripped)."""
DIRECTIONS = "row_directions"
"""The key under which such a hook may return each row's direction (+1 charge, -1 discharge, 0), used in place of
the ``[state]`` codes'."""
SPLIT_CAPACITY = "capacity_ah"
SPLIT_ENERGY = "energy_wh"
SPLIT_COLUMNS = {
    SPLIT_CAPACITY: (s.CHARGE_CAPACITY, s.DISCHARGE_CAPACITY),
    SPLIT_ENERGY: (s.CHARGE_ENERGY, s.DISCHARGE_ENERGY),
}
MAGNITUDE_COLUMNS = (
    s.CHARGE_CAPACITY,
    s.DISCHARGE_CAPACITY,
    s.CHARGE_ENERGY,
    s.DISCHARGE_ENERGY,
    SPLIT_CAPACITY,
    SPLIT_ENERGY,
)
KNOWN_COLUMNS: tuple[str, ...] = (*s.CANONICAL_COLUMNS, SPLIT_CAPACITY, SPLIT_ENERGY)
SIGNS = ("positive_charge", "negative_charge", "unsigned")
CONVENTIONS = ("per_cycle", "per_step", "test_cumulative", "running")
FORMATS = ("number", "duration", "datetime", "excel_days")
_COLUMN_KEYS = {"source", "scale", "sign", "convention", "format", "datetime_format", "optional"}
_FILE_KEYS = {
    "delimiter",
    "header_marker",
    "skip_lines",
    "encoding",
    "decimal",
    "quoted_lines",
    "known_columns",
}
_OPTION_KEYS = {"allow_cycle_gaps", "on_invalid"}


@dataclass(frozen=True)
class ColumnSpec:
    """Where one canonical column comes from and how to convert it."""

    sources: tuple[str, ...]
    scale: float = 1.0
    sign: str = "positive_charge"
    convention: str = "per_cycle"
    format: str = "number"
    datetime_formats: tuple[str, ...] = ()
    optional: bool = False


@dataclass(frozen=True)
class StateSpec:
    """A state column whose codes say whether a row charges or discharges.

    ``follow``: codes whose row takes its step's direction (that of the step's last charge or discharge row before
    it; none in a step of its own), as Maccor's ``S`` (the test stopped), ``O`` (a control step) and ``P`` (a
    pause). ``neutral``: codes that count neither way (a rest). Rows whose code the map names in none of the four
    count neither way and are warned about.
    """

    sources: tuple[str, ...]
    charge: tuple[str, ...]
    discharge: tuple[str, ...]
    follow: tuple[str, ...] = ()
    neutral: tuple[str, ...] = ()


@dataclass(frozen=True)
class ColumnMap:
    """A validated column map (see :mod:`gwangyang.battery.io.generic` for the TOML format)."""

    columns: dict[str, ColumnSpec]
    name: str = "generic"
    delimiter: str = ","
    skip_lines: int = 0
    header_marker: str | None = None
    encoding: str = "utf-8"
    decimal: str = "."
    quoted_lines: bool = False
    allow_cycle_gaps: bool = False
    on_invalid: str = "error"
    state: StateSpec | None = None
    origin: str = "column map"
    known_columns: tuple[str, ...] = ()
    encoding_given: bool = False
    """Whether the map wrote ``file.encoding`` (an explicit ``utf-8`` refuses a UTF-16 file; the default reads it)."""

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> ColumnMap:
        """Load and validate a TOML column map.

        Parameters
        ----------
        path
            A TOML file, or the name of a map shipped with the package (``cellpy_custom``,
            ``maccor_text``, ``maccor_csv``, ``novonix``, ``basytec``, ``example``).

        Raises
        ------
        InputError
            The file is missing, not TOML, or a field is wrong (the message names the field).
        """
        path = Path(path)
        if not path.is_file() and path.parent == Path(".") and path.stem in shipped_maps():
            return load_shipped_map(path.stem)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, IsADirectoryError):
            names = ", ".join(shipped_maps())
            raise InputError(f"{path}: column-map file not found (shipped maps: {names}).") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(one_line(f"{path}: not a valid TOML column map ({exc}).")) from None
        return cls.from_dict(data, origin=str(path))

    @classmethod
    def from_dict(cls, data: dict[str, Any], origin: str = "column map") -> ColumnMap:
        """Validate a column map given as a dictionary (the parsed TOML)."""
        _check_keys(data, {"name", "file", "options", "columns", "state"}, origin, "")
        file = _table(data, "file", origin)
        options = _table(data, "options", origin)
        _check_keys(file, _FILE_KEYS, origin, "file.")
        _check_keys(options, _OPTION_KEYS, origin, "options.")
        delimiter = _get(file, "delimiter", str, ",", origin, "file.")
        if len(delimiter) != 1:
            raise InputError(
                f"{origin}: file.delimiter: expected one character, got {as_written(delimiter)}."
            )
        skip = _get(file, "skip_lines", int, 0, origin, "file.")
        if skip < 0:
            raise InputError(f"{origin}: file.skip_lines: expected a number >= 0, got {skip}.")
        decimal = _get(file, "decimal", str, ".", origin, "file.")
        if decimal not in (".", ",", "auto"):
            raise InputError(
                f"{origin}: file.decimal: expected '.', ',' or 'auto', got {as_written(decimal)}."
            )
        encoding = _get(file, "encoding", str, "utf-8", origin, "file.")
        try:
            if encoding != "auto":
                "".encode(encoding)
        except LookupError:
            raise InputError(f"{origin}: file.encoding: unknown encoding {as_written(encoding)}.") from None
        on_invalid = _get(options, "on_invalid", str, "error", origin, "options.")
        if on_invalid not in ("error", "drop"):
            raise InputError(
                f"{origin}: options.on_invalid: expected 'error' or 'drop', got {as_written(on_invalid)}."
            )
        columns = _parse_columns(_table(data, "columns", origin), origin)
        state = _parse_state(data, origin)
        _check_consistency(columns, state, origin)
        return cls(
            columns=columns,
            name=_get(data, "name", str, "generic", origin, ""),
            delimiter=delimiter,
            skip_lines=skip,
            header_marker=_get(file, "header_marker", str, None, origin, "file."),
            encoding=encoding,
            encoding_given="encoding" in file,
            decimal=decimal,
            quoted_lines=_get(file, "quoted_lines", bool, False, origin, "file."),
            allow_cycle_gaps=_get(options, "allow_cycle_gaps", bool, False, origin, "options."),
            on_invalid=on_invalid,
            state=state,
            origin=origin,
            known_columns=(
                _names(file["known_columns"], origin, "file.known_columns") if "known_columns" in file else ()
            ),
        )


def _check_keys(table: dict[str, Any], allowed: set[str], origin: str, prefix: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise InputError(
            f"{origin}: {prefix}{unknown[0]}: unknown field; expected one of {', '.join(sorted(allowed))}."
        )


def _table(data: dict[str, Any], key: str, origin: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise InputError(f"{origin}: {key}: expected a table, got {type(value).__name__}.")
    return value


def _get(table: dict[str, Any], key: str, kind: type, default: Any, origin: str, prefix: str) -> Any:
    if key not in table:
        return default
    value = table[key]
    ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok:
        raise InputError(f"{origin}: {prefix}{key}: expected {kind.__name__}, got {as_written(value)}.")
    return value


def _names(value: Any, origin: str, field: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(v, str) and v for v in items):
        raise InputError(
            f"{origin}: {field}: expected a column name or a list of names, got {as_written(value)}."
        )
    return tuple(items)


def _parse_columns(table: dict[str, Any], origin: str) -> dict[str, ColumnSpec]:
    columns: dict[str, ColumnSpec] = {}
    for canonical, spec in table.items():
        where = f"columns.{canonical}"
        if canonical not in KNOWN_COLUMNS:
            raise InputError(
                f"{origin}: {where}: unknown column; expected one of {', '.join(KNOWN_COLUMNS)}."
            )
        if not isinstance(spec, dict):
            raise InputError(f"{origin}: {where}: expected a table with at least 'source'.")
        _check_keys(spec, _COLUMN_KEYS, origin, where + ".")
        if "source" not in spec:
            raise InputError(f"{origin}: {where}.source: missing; name the file's column.")
        scale = float(_get(spec, "scale", float, 1.0, origin, where + "."))
        if not np.isfinite(scale) or scale == 0:
            raise InputError(f"{origin}: {where}.scale: expected a finite non-zero number, got {scale}.")
        sign = _choice(spec, "sign", SIGNS, origin, where)
        if "sign" in spec and canonical != s.CURRENT:
            raise InputError(f"{origin}: {where}.sign: only current_a takes a sign convention.")
        convention = _choice(spec, "convention", CONVENTIONS, origin, where)
        if "convention" in spec and canonical not in MAGNITUDE_COLUMNS:
            raise InputError(f"{origin}: {where}.convention: only capacity and energy columns take one.")
        if (canonical in SPLIT_COLUMNS) != (convention == "running") and convention in (
            "test_cumulative",
            "running",
        ):
            expected = (
                "'per_cycle', 'per_step' or 'running'"
                if canonical in SPLIT_COLUMNS
                else "'per_cycle', 'per_step' or 'test_cumulative'"
            )
            raise InputError(
                f"{origin}: {where}.convention: expected {expected}, got {as_written(convention)}."
            )
        fmt = _choice(spec, "format", FORMATS, origin, where)
        formats = (
            _names(spec["datetime_format"], origin, where + ".datetime_format")
            if "datetime_format" in spec
            else ()
        )
        if fmt != "number" and canonical not in (s.TIME, s.DATE_TIME):
            raise InputError(f"{origin}: {where}.format: only test_time_s and date_time take a format.")
        if canonical == s.DATE_TIME and fmt not in ("datetime", "excel_days"):
            fmt = "datetime"
        optional = _get(spec, "optional", bool, False, origin, where + ".")
        if optional and canonical in s.REQUIRED_COLUMNS:
            raise InputError(f"{origin}: {where}.optional: {canonical} is required and cannot be optional.")
        columns[canonical] = ColumnSpec(
            _names(spec["source"], origin, where + ".source"), scale, sign, convention, fmt, formats, optional
        )
    return columns


def _choice(spec: dict[str, Any], key: str, choices: tuple[str, ...], origin: str, where: str) -> str:
    value = spec.get(key, choices[0])
    if value not in choices:
        raise InputError(
            f"{origin}: {where}.{key}: expected one of {', '.join(choices)}, got {as_written(value)}."
        )
    return str(value)


def _parse_state(data: dict[str, Any], origin: str) -> StateSpec | None:
    if "state" not in data:
        return None
    table = _table(data, "state", origin)
    _check_keys(table, {"source", "charge", "discharge", "follow", "neutral"}, origin, "state.")
    for key in ("source", "charge", "discharge"):
        if key not in table:
            raise InputError(f"{origin}: state.{key}: missing.")
    return StateSpec(
        _names(table["source"], origin, "state.source"),
        _names(table["charge"], origin, "state.charge"),
        _names(table["discharge"], origin, "state.discharge"),
        _names(table["follow"], origin, "state.follow") if "follow" in table else (),
        _names(table["neutral"], origin, "state.neutral") if "neutral" in table else (),
    )


def _check_consistency(columns: dict[str, ColumnSpec], state: StateSpec | None, origin: str) -> None:
    for required in s.REQUIRED_COLUMNS:
        if required not in columns:
            raise InputError(f"{origin}: columns.{required}: missing; it is required.")
    if columns[s.CURRENT].sign == "unsigned" and state is None:
        raise InputError(f"{origin}: columns.current_a.sign: 'unsigned' needs a [state] table.")
    for name, spec in columns.items():
        if spec.convention == "per_step" and s.STEP not in columns:
            raise InputError(f"{origin}: columns.{name}.convention: 'per_step' needs columns.step_index.")
    for split, (charge, discharge) in SPLIT_COLUMNS.items():
        if split in columns and (charge in columns or discharge in columns):
            raise InputError(f"{origin}: columns.{split}: give either it or {charge}/{discharge}, not both.")


def shipped_maps() -> list[str]:
    """Names of the column maps shipped in ``gwangyang/battery/io/maps/``."""
    folder = resources.files(__package__).joinpath("maps")
    return sorted(entry.name[:-5] for entry in folder.iterdir() if entry.name.endswith(".toml"))


def load_shipped_map(name: str) -> ColumnMap:
    """Load a column map shipped in ``gwangyang/battery/io/maps/<name>.toml``."""
    text = resources.files(__package__).joinpath("maps", f"{name}.toml").read_text(encoding="utf-8")
    return ColumnMap.from_dict(tomllib.loads(text), origin=f"maps/{name}.toml")
