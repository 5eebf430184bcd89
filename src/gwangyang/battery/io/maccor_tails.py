"""A running Maccor counter's gain after a step's last row, put back in that step.

Maccor writes a row at the end of each step; a thinned export (every Nth row kept, or rows logged only every so
often) has a step's last row before the step ended. A counter that restarts at each step then loses what the step
passed after that row (it is in no row). A counter that runs on across steps keeps it, but in the next step's first
row: read as the jump at the step change, it is counted in the next step, and in that step's direction (a charge's
end counted as discharge, or lost in a rest). The jump holds two parts:

* the new step's own gain since it began: its step time (``Step (Sec)``) at its first row, at that row's current
  (``|I|``; for energy ``|I V|``), in the new step's direction (a rest gains nothing);
* the previous step's tail, the rest: in the previous step's direction, and no more than its last row's rate over
  the time from that row to the new step's beginning (half as much again, as :mod:`.maccor_counters` allows).

The new step's part is the better known: it begins at its set point (a constant current, or a voltage whose
current is high at first and written at once), while a step's end is often a constant voltage's decaying current.
The tail is added to the previous step's last row (which then holds what the step passed by its end) and taken from
the new step's rows. In a whole export the new step's step time at its first row is the time since the previous
row, and the tail is nothing.

Without a step time column the two parts cannot be told apart: the most that may belong to the previous step (the
jump, or the previous step's current over the time since its last row where less) is summed over the step changes,
and where it is over :data:`DOUBT_SHARE` of the column's largest value it is an ``unknown_format`` warning with the
amount (:func:`doubt_warning`). A counter that restarts at each step holds a step's end in no row: where the step
time shows steps going on after their last row, what they passed there (their last rate over that time) is a
``truncated_file`` warning with the amount (:func:`lost_warning`; the shared ``PreDiag_000412_00008Fshort.022``,
thinned to about a row a step: 1,334 of its 2,108 step changes, about 2,064 Ah; on a CV step's end the last rate
overestimates, its current decaying).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...written import as_written
from .. import schema as s

SLACK = 1.5
"""How much more than ``rate * dt`` a counter may gain over one interval, the rate changing within it: here after a
step's last row, and in :mod:`.maccor_counters` between any two rows."""
DOUBT_SHARE = 0.005
"""Below this share of the column's largest value (the 0.5 % the readers are held to), the charge that may be in the
wrong step is not warned about."""


def step_tails(
    jump: np.ndarray,
    rate: tuple[np.ndarray, np.ndarray],
    time: tuple[np.ndarray, np.ndarray],
    heading: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """Per step change: the signed part of the counter's jump that the previous step passed after its last row.

    Parameters
    ----------
    jump
        The counter at the new step's first row less at the previous step's last row.
    rate
        The rate (``|I|``, per hour to Ah; or ``|I V|``) at the previous step's last row and at the new step's first.
    time
        The time between the two rows (s), and the new step's step time at its first row (s, within it).
    heading
        The previous step's and the new step's direction (1, -1, 0 on a rest, NaN unknown).

    Returns
    -------
    numpy.ndarray
        The tail (0 where the previous step rests or the step time shows no time after its last row).
    """
    dt, step_time = time
    old_dir, new_dir = heading
    bound = SLACK * rate[0] * np.clip(dt - step_time, 0.0, None) / 3600.0
    own = rate[1] * step_time / 3600.0
    # the new step's gain in its direction (a rest's: none; a step whose way is unknown: the jump's)
    way = np.where(np.isnan(new_dir), np.sign(jump), new_dir)
    tails = jump - way * own
    # in the previous step's direction (where known), and no more than its current allows after its last row
    back = np.where(np.isnan(old_dir), np.sign(tails), old_dir)
    size = np.clip(back * tails, 0.0, bound)
    return np.where(old_dir == 0, 0.0, back * size)


def doubt_warning(
    path: Path,
    shown: str,
    jump: np.ndarray,
    rate_before: np.ndarray,
    dt: np.ndarray,
    largest: float,
    first_line: int,
) -> dict[str, str] | None:
    """An ``unknown_format`` warning with the charge that may be counted in the wrong step (no step time); or None.

    ``jump``, ``rate_before``, ``dt``: per step change where the counter runs on and the previous step does not
    rest; ``first_line``: the file line of the first such change.
    """
    doubt = float(np.minimum(np.abs(jump), rate_before * dt / 3600.0).sum())
    if not len(jump) or doubt <= DOUBT_SHARE * largest:
        return None
    detail = (
        f"column {as_written(shown, None)} runs on across steps and the file has no step time: of what it gains at {len(jump)} step "
        f"changes (first at line {first_line}), up to {doubt:.4g} in all may have been passed by the step before, "
        "after its last row, and is counted in the step after"
    )
    return s.warning("unknown_format", detail, path)


def lost_warning(
    path: Path,
    shown: str,
    rate_before: np.ndarray,
    gap: np.ndarray,
    largest: float,
    lines: np.ndarray,
) -> dict[str, str] | None:
    """A ``truncated_file`` warning with what a restarting counter's steps passed after their last row; or None.

    Per step change: the previous step's rate at its last row (``|I|``, ``|I V|``), the time from that row to the new
    step's beginning (s: the time between the rows less the new step's step time at its first row), and the file line
    of that last row. A restarting counter holds what a step passed after its last row in no row (a thinned export):
    its steps and cycles read that much less. Warned where the estimate is over :data:`DOUBT_SHARE` of the column's
    largest value.
    """
    lost = rate_before * np.clip(gap, 0.0, None) / 3600.0
    going = lost > 0
    total = float(lost.sum())
    if not going.any() or total <= DOUBT_SHARE * largest:
        return None
    detail = (
        f"column {as_written(shown, None)} restarts at each step and {int(going.sum())} steps went on after their last row (first at "
        f"line {int(lines[going][0])}, up to {float(gap.max()):.0f} s): about {total:.4g} in all, at each one's last "
        "rate, is in no row, and those steps and their cycles read that much less"
    )
    return s.warning("truncated_file", detail, path)
