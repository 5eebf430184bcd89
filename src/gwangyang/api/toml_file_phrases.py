"""A TOML input file that does not read, as the pages show it: the crane instance, search space and triage rules.

:func:`gwangyang.files.read_toml` refuses a file that is not UTF-8 TOML in one sentence naming the file and what it
should be (its ``what``), tomllib's reason inside: ``광양.toml: not a TOML rules file (not valid TOML: Invalid value
(at line 3, column 15)).`` The scenario's and the twin config's sentences have patterns of their own
(:mod:`.port_file_phrases`, :mod:`.twin_phrases`); the other callers' ``what`` are one pattern here, the ``what`` a term
(:data:`TOML_FILE_TERMS`) and the reason the ``rest``, read again by :data:`.port_file_phrases.TOML_PHRASES`
(``올바르지 않은 값 (3행 15열)``).
"""

from __future__ import annotations

import re

from .phrases import N_, phrase

TOML_FILE_TERMS: tuple[str, ...] = (
    # the ``what`` of read_toml's callers (gwangyang.port.crane_model, gwangyang.optimize.space,
    # gwangyang.battery.quality.triage): the ``word`` of the patterns below
    N_("crane instance"),
    N_("space"),
    N_("rules"),
)
"""What a TOML file should be, as :func:`gwangyang.files.read_toml` names it (translated as a term)."""

_WHAT = "|".join(re.escape(what) for what in TOML_FILE_TERMS)

TOML_FILE_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    phrase(N_("%(file)s: not a TOML %(word)s file (not valid TOML: %(rest)s)."), file=r".+?", word=_WHAT),
    phrase(N_("%(file)s: no such %(word)s file."), file=r".+?", word=_WHAT),
)
"""Patterns of :func:`gwangyang.files.read_toml`'s refusals for the ``what`` of :data:`TOML_FILE_TERMS`."""
