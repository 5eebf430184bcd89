"""A column map's refusals as the pages show them: the generic reader's TOML file and its fields.

:class:`gwangyang.battery.io.column_map.ColumnMap` refuses a map naming the file and the field
(``맵.toml: columns.voltage_v.scale: expected a finite non-zero number, got 0.0.``); the file, the field, the column
names and the values stay as the map writes them, the rest reads Korean. A refusal whose reason follows ``"; "``
(``unknown column; expected one of ...``) is two parts: the second is :data:`COLUMN_MAP_TERMS` or the ``expected one
of`` pattern here, whose list takes only the map's own key lists (the store's ``expected one of`` names views).
tomllib's reason inside ``not a valid TOML column map (...)`` is the ``rest``, read again by
:data:`.port_file_phrases.TOML_PHRASES`. :mod:`.i18n` tries these before the readers' patterns.
"""

from __future__ import annotations

import re

from .phrases import N_, phrase

COLUMN_MAP_TERMS: tuple[str, ...] = (
    # closing parts (after "; ") of the refusals below, translated by the catalogue as they are
    N_("name the file's column."),
    N_("it is required."),
)
"""Closing parts of a column map's refusals (after ``"; "``); listed for the extractor."""

_KEY_LISTS: tuple[tuple[str, ...], ...] = (
    # [columns]'s names, in gwangyang.battery.io.column_map.KNOWN_COLUMNS's order
    (
        "test_time_s",
        "cycle_index",
        "step_index",
        "vendor_cycle_index",
        "current_a",
        "voltage_v",
        "charge_capacity_ah",
        "discharge_capacity_ah",
        "charge_energy_wh",
        "discharge_energy_wh",
        "temperature_c",
        "internal_resistance_ohm",
        "date_time",
        "capacity_ah",
        "energy_wh",
    ),
    # each table's keys, sorted as the refusal lists them: the top level, [file], [options], a column, [state]
    ("columns", "file", "name", "options", "state"),
    ("decimal", "delimiter", "encoding", "header_marker", "known_columns", "quoted_lines", "skip_lines"),
    ("allow_cycle_gaps", "on_invalid"),
    ("convention", "datetime_format", "format", "optional", "scale", "sign", "source"),
    ("charge", "discharge", "follow", "neutral", "source"),
)
"""The lists a column map's ``expected one of`` gives (the API imports no reader: ``test_i18n_column_map.py`` checks
them against the refusals)."""
_NAMES = "|".join(re.escape(", ".join(keys)) for keys in _KEY_LISTS)
"""The key lists a column map's ``expected one of`` gives (its columns, each table's keys), as it joins them."""

_FILE = r".+?"
_COLUMN = r"[^:]+"
"""A ``[columns]`` key as the map writes it (``voltage_v``, or an unknown one such as ``전압``)."""

COLUMN_MAP_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # the file itself
    phrase(N_("%(file)s: column-map file not found (shipped maps: %(names)s)."), file=_FILE),
    phrase(N_("%(file)s: not a valid TOML column map (%(rest)s)."), file=_FILE),
    # [file] and [options]
    phrase(N_("%(file)s: file.delimiter: expected one character, got %(value)s."), file=_FILE),
    phrase(N_("%(file)s: file.skip_lines: expected a number >= 0, got %(value)s."), file=_FILE),
    phrase(N_("%(file)s: file.decimal: expected '.', ',' or 'auto', got %(value)s."), file=_FILE),
    phrase(N_("%(file)s: file.encoding: unknown encoding %(value)s."), file=_FILE),
    phrase(N_("%(file)s: options.on_invalid: expected 'error' or 'drop', got %(value)s."), file=_FILE),
    # a key a table does not know, a value of the wrong kind (every table)
    phrase(N_("%(file)s: %(field)s: unknown field"), file=_FILE, field=r"[^:]+"),
    phrase(N_("expected one of %(names)s."), names=_NAMES),
    phrase(
        N_("%(file)s: %(field)s: expected a table, got %(kind)s."),
        file=_FILE,
        field=r"file|options|columns|state",
    ),
    phrase(
        N_("%(file)s: %(field)s: expected %(kind)s, got %(value)s."),
        file=_FILE,
        field=r"(?:name|(?:file|options|columns\.[^:]+)\.\w+)",
        kind=r"str|int|float|bool",
    ),
    phrase(
        N_("%(file)s: %(field)s: expected a column name or a list of names, got %(value)s."),
        file=_FILE,
        field=r"(?:file\.known_columns|state\.\w+|columns\.[^:]+\.(?:source|datetime_format))",
    ),
    phrase(
        N_("%(file)s: columns.%(column)s.%(key)s: expected one of %(choices)s, got %(value)s."),
        file=_FILE,
        column=_COLUMN,
        key=r"sign|convention|format",
    ),
    # [columns]
    phrase(N_("%(file)s: columns.%(column)s: unknown column"), file=_FILE, column=_COLUMN),
    phrase(
        N_("%(file)s: columns.%(column)s: expected a table with at least 'source'."),
        file=_FILE,
        column=_COLUMN,
    ),
    phrase(N_("%(file)s: columns.%(column)s.source: missing"), file=_FILE, column=_COLUMN),
    phrase(
        N_("%(file)s: columns.%(column)s.scale: expected a finite non-zero number, got %(value)s."),
        file=_FILE,
        column=_COLUMN,
    ),
    phrase(
        N_("%(file)s: columns.%(column)s.sign: only current_a takes a sign convention."),
        file=_FILE,
        column=_COLUMN,
    ),
    phrase(
        N_("%(file)s: columns.%(column)s.convention: only capacity and energy columns take one."),
        file=_FILE,
        column=_COLUMN,
    ),
    phrase(
        N_(
            "%(file)s: columns.%(column)s.convention: expected 'per_cycle', 'per_step' or 'running', got %(value)s."
        ),
        file=_FILE,
        column=_COLUMN,
    ),
    phrase(
        N_(
            "%(file)s: columns.%(column)s.convention: expected 'per_cycle', 'per_step' or 'test_cumulative', got "
            "%(value)s."
        ),
        file=_FILE,
        column=_COLUMN,
    ),
    phrase(
        N_("%(file)s: columns.%(column)s.format: only test_time_s and date_time take a format."),
        file=_FILE,
        column=_COLUMN,
    ),
    phrase(
        N_("%(file)s: columns.%(column)s.optional: %(name)s is required and cannot be optional."),
        file=_FILE,
        column=_COLUMN,
    ),
    phrase(N_("%(file)s: columns.%(column)s: missing"), file=_FILE, column=_COLUMN),
    phrase(N_("%(file)s: columns.current_a.sign: 'unsigned' needs a [state] table."), file=_FILE),
    phrase(
        N_("%(file)s: columns.%(column)s.convention: 'per_step' needs columns.step_index."),
        file=_FILE,
        column=_COLUMN,
    ),
    phrase(
        N_("%(file)s: columns.%(column)s: give either it or %(charge)s/%(discharge)s, not both."),
        file=_FILE,
        column=_COLUMN,
        charge=r"\w+",
        discharge=r"\w+",
    ),
    # [state]
    phrase(N_("%(file)s: state.%(key)s: missing."), file=_FILE, key=r"source|charge|discharge"),
)
"""Patterns of a column map's refusals, each with the msgid that translates it."""
