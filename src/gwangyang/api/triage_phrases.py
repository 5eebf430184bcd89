"""Triage's refusals as the pages show them: the rules file's keys and limits, and the cell table's columns.

:meth:`gwangyang.battery.quality.triage.TriageRules.from_toml` refuses a rules file whose keys it does not know or
whose limits are no numbers or out of range (``광양 규칙.toml: [reuse] unknown key 'max_soh'.``), and
:func:`~gwangyang.battery.quality.triage.triage` a cell table without what grading needs. The file, the keys, the
element and the values stay as the English gives them. A rules file that is no TOML at all is
:mod:`.toml_file_phrases`'s. :mod:`.i18n` tries these before the readers' patterns.
"""

from __future__ import annotations

import re

from .phrases import N_, phrase

_FILE = r".+?"
_GRADE = r"second_life|reuse"
_TABLE = r"prices_per_kg|recovery"
_G = r"-?(?:\d+(?:\.\d*)?(?:e[+-]?\d+)?|inf|nan)"
"""A float as Python writes it (``1.5``, ``-1.0``, ``1e-05``, ``inf``)."""

TRIAGE_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # gwangyang.battery.quality.triage.TriageRules.from_toml: the rules file's keys
    phrase(N_("%(file)s: unknown key %(key)s (expected %(known)s)."), file=_FILE, key=r"'.*'|\".*\""),
    phrase(N_("%(file)s: [%(grade)s] unknown key %(key)s."), file=_FILE, grade=_GRADE),
    phrase(N_("%(file)s: [%(grade)s] needs min_soh."), file=_FILE, grade=_GRADE),
    phrase(N_("%(file)s: [%(grade)s] limits must be numbers."), file=_FILE, grade=_GRADE),
    phrase(N_("%(file)s: [%(table)s] must map elements to numbers."), file=_FILE, table=_TABLE),
    # TriageRules.validate: the limits
    phrase(
        N_("%(file)s: %(grade)s.min_soh must be in (0, 1.2], got %(value)s."),
        file=_FILE,
        grade=_GRADE,
        value=_G,
    ),
    phrase(N_("%(file)s: reuse.min_soh must not exceed second_life.min_soh."), file=_FILE),
    phrase(
        N_("%(file)s: recovery rate of %(element)s must be in [0, 1], got %(value)s."), file=_FILE, value=_G
    ),
    phrase(N_("%(file)s: price of %(element)s must not be negative, got %(value)s."), file=_FILE, value=_G),
    # triage: the cell table
    phrase(
        N_("%(file)s: column %(column)s must be numeric, found %(value)s."), file=_FILE, column=r"'[^']*'"
    ),
    phrase(N_("%(file)s: no cells."), file=_FILE),
    phrase(N_("%(file)s: nominal_capacity_ah must be a positive number in every row."), file=_FILE),
    phrase(N_("%(file)s: pulse voltages given but no pulse estimator."), file=_FILE),
    phrase(N_("%(file)s: needs pulse voltages u1_v..u21_v or a soh column."), file=_FILE),
)
"""Patterns of triage's refusals (its rules file's and its cell table's), each with the msgid that translates it."""
