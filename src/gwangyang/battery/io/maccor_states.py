"""Maccor's ``State`` column (``Md`` in KIT's export): which way each row counts.

What the letters mean, as BEEP (``beep/structure/maccor.py``: C charge, D discharge), cellpy's ``maccor_txt``
models (C, D and R rest) and batdata's Maccor extractor (R hold, C, D, O and S unknown) read them, and as the
eight shared Maccor files write them (``ES`` is the end status beside it):

* ``C`` charge, ``D`` discharge: the row's ``Amp-hr`` / ``Watt-hr`` is the step's counter so far.
* ``R`` rest (no current; ``ES`` 0 at a step's first row, 1 logged by time, 129 the rest's end).
* ``S`` the test stopped (``ES`` 192): written once, in the step that was running, with the current 0 and that
  step's counter at the stop (``xTESLADIAG_000038.078``'s last row: 2.2376 Ah of discharge, the row before
  2.2285 Ah).
* ``O`` a control step (advance cycle, goto; ``ES`` 193): a row of a new step repeating the last record
  (``PredictionDiagnostics_000109_tztest.010``: step 72 repeats step 71's 0.4840 Ah at its end).
* ``P`` a pause step (``ES`` 199, ``maccor_test_file_4267-66-6519.041``), no current.
* ``FRA`` an impedance (frequency response) point (``ES`` 17, the ``.041``), no counter.

``ES`` at or over 128 marks a step's last row (BEEP's ``end_step_code_min``/``max``, 128 to 255); the codes below
128 say why a row was logged (0 the step's first row, 1 by time, 5 by a voltage or current change, 17 an impedance
point). This reader needs none of them: a step ends where ``Step`` or ``Cyc#`` changes.

Each row's direction: +1 for ``C``, -1 for ``D``; ``S``, ``O`` and ``P`` rows take their step's direction (that of
the step's last ``C`` or ``D`` row before them, none in a step of their own), so a stop row counts as its step's
last row, with its counter; ``R`` and ``FRA`` rows count neither way. A letter not listed here (or an empty state)
counts neither way and is an ``unknown_format`` warning naming it, its first line and its count.
"""

from __future__ import annotations

import numpy as np

from .state_codes import code_directions

CHARGE = ("C",)
DISCHARGE = ("D",)
FOLLOW = ("S", "O", "P")
"""States whose row takes its step's direction: the test stopped, a control step, a pause."""
NEUTRAL = ("R", "FRA")
"""States whose row counts neither way: a rest, an impedance point."""


def state_directions(
    codes: np.ndarray, cycles: np.ndarray, steps: np.ndarray | None
) -> tuple[np.ndarray, list[tuple[str, int, int]]]:
    """Each row's direction from Maccor's state letters (see the module docstring), and the unknown letters.

    Parameters
    ----------
    codes
        The state column's text per row, stripped (empty where none).
    cycles, steps
        The cycle and step index per row (a step is a run of rows with both the same).

    Returns
    -------
    tuple
        The directions (+1, -1, 0) and, per unknown letter, the letter, its first row and its count.
    """
    return code_directions(codes, cycles, steps, (CHARGE, DISCHARGE, FOLLOW, NEUTRAL))
