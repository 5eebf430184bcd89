"""The battery twin's warnings as the pages show them: cycling voltages beside the parameter set's cut-offs.

:func:`gwangyang.battery.twin_limits.limit_warnings` names the config file, the ``[cycling]`` key, its voltage and
the set's cut-off; the patterns keep them as they are. :mod:`.i18n` tries them after the other patterns.
"""

from __future__ import annotations

import re

from .phrases import N_, phrase

_VOLTS = r"-?[\d.]+(?:e[-+]?\d+)?"
"""A voltage as ``:g`` writes it."""

TWIN_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    phrase(
        N_(
            "%(where)s: cycling.%(key)s = %(v)s V is above %(name)s's upper voltage cut-off %(cut)s V: the twin "
            "charges past the cell's rated window (capacities and retention above the nominal are possible)."
        ),
        key=r"upper_voltage_v|charge_limit_v",
        v=_VOLTS,
        cut=_VOLTS,
    ),
    phrase(
        N_(
            "%(where)s: cycling.lower_voltage_v = %(v)s V is below %(name)s's lower voltage cut-off %(cut)s V: the "
            "twin discharges past the cell's rated window."
        ),
        v=_VOLTS,
        cut=_VOLTS,
    ),
    phrase(
        N_(
            "%(where)s: cycling.charge_limit_v = %(v)s V is above upper_voltage_v = %(upper)s V: the "
            "constant-current steps may charge past the voltage the CV step holds."
        ),
        v=_VOLTS,
        upper=_VOLTS,
    ),
)
"""Patterns of the twin's voltage warnings, each with the msgid that translates it."""
