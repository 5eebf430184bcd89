"""The units a Neware BTSDA CSV export writes in its headers' brackets, and a column found by its name without unit.

``Current(mA)``, ``Capacity(Ah)``, ``Energy(mWh)``: each level of the three-level export (:mod:`.neware_bts`) names
its columns with the unit in brackets, or a form (``Time(h:min:s.ms)``). :func:`find_column` finds a column by its
name without them and gives the factor that brings its unit to A, Ah, Wh, V or W (:data:`BTS_UNITS`); a unit of no
known kind is refused, as a factor of 1 would be wrong by orders of magnitude.
"""

from __future__ import annotations

import re
from pathlib import Path

from ...errors import CorruptFileError
from ...written import as_written

UNIT_NAME = re.compile(r"^(?P<base>[^(]+?)\s*\((?P<unit>[^)]*)\)\s*$")
"""A header name with its unit or form in brackets: ``Capacity(Ah)`` is ``Capacity`` in ``Ah``."""
BTS_UNITS = {
    "A": 1.0,
    "mA": 1e-3,
    "Ah": 1.0,
    "mAh": 1e-3,
    "Wh": 1.0,
    "mWh": 1e-3,
    "V": 1.0,
    "mV": 1e-3,
    "W": 1.0,
    "mW": 1e-3,
    "uA": 1e-6,
    "\u00b5A": 1e-6,
    "\u03bcA": 1e-6,
    "uAh": 1e-6,
    "\u00b5Ah": 1e-6,
    "\u03bcAh": 1e-6,
    "uWh": 1e-6,
    "\u00b5Wh": 1e-6,
    "\u03bcWh": 1e-6,
    "%": 1.0,
}
"""Units BTSDA writes in a header's brackets, and the factor to A, Ah, Wh, V, W (``u``, ``µ`` and Greek ``μ``
for micro). A used column in any other unit (``Capacity(mAh/g)``, a per-gram export) is refused."""


def find_column(
    header: list[str],
    base: str,
    path: Path | None = None,
    units: bool = True,
    written: list[str] | None = None,
) -> tuple[int, float] | None:
    """Position of a column by its name without unit, and the factor that brings its unit to SI.

    ``units=False`` finds a column whose brackets hold a form, not a unit (``Time(h:min:s.ms)``);
    ``written``: the header as the file has it (Chinese names), named in a refusal.

    Raises
    ------
    CorruptFileError
        The column's unit is none of :data:`BTS_UNITS` (``path`` names the file): read with a factor of 1,
        a per-gram or micro-unit column would be wrong by orders of magnitude.
    """
    for position, name in enumerate(header):
        name = name.strip()
        match = UNIT_NAME.match(name)
        if match and match.group("base").strip() == base:
            unit = match.group("unit").strip()
            if not units:
                return position, 1.0
            if unit not in BTS_UNITS:
                shown = written[position].strip() if written else name
                raise CorruptFileError(
                    f"{path}: Neware BTS CSV column {as_written(shown, None)}: unit {as_written(unit, None)} not known to this reader "
                    f"(expected one of {', '.join(sorted(BTS_UNITS))})."
                )
            return position, BTS_UNITS[unit]
        if name == base:
            return position, 1.0
    return None
