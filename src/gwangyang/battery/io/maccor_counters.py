"""Maccor's capacity and energy columns in milli-units, and counters that run on across steps.

Maccor writes ``Amp-hr`` / ``Watt-hr`` restarting at every step; some exports (WMG's, cellpy's ``maccor_txt``
"WMG" model; PyProBE and ionworks read ``mAmps`` / ``mAmp-hr`` / ``mWatt-hr`` too) write milli-units, and an
export may carry the counter on across steps instead. Read as restarting, such a counter is counted again at
every step (a cycle's capacity summed over its charge, rest and discharge).

* :func:`milli_map`: a header with ``mAmps``, ``mAmp-hr`` / ``mAmp-h``, ``mWatt-hr`` / ``mWatt-h`` is read from
  them, scaled to A, Ah, Wh; a header with both a milli-unit column and its SI one is refused (which holds the
  data is a guess).
* :class:`StepCounters`: each step change is judged from the signal. The counter at a step's first row is what
  it gained since the step began (restarting) or the previous step's last value plus that (running on). What it
  can have gained is bounded by the current over the time since the step began (``|I| t``, for energy
  ``|I V| t``, half as much again and the written resolution as slack): ``t`` is Maccor's step time at that row
  (``Step (Sec)``, ``StepTime``, ``Step Time``) where the file has one, else the interval since the previous
  row; on a rest (a step of two rows or more none of which passes current) it is nothing, so a restarting
  counter reads 0 there and a running one holds the last value. A counter moves one way within a step (the
  same whichever reading), so carried on, the first row lies beyond the previous step's last value in the new
  step's direction (where the two steps go the same way or the previous one rests), and restarting it lies on
  that side of 0. Changes where only one reading fits decide; where both fit either reading gives nearly the
  same values. A step change written at the previous row's time (Maccor's control steps, state O, repeat the
  last record) decides nothing, nor one whose first row passes no current unless the step is a rest. Step
  changes within a cycle and cycle changes are judged apart (a counter may run on through a cycle and restart
  with the next; where it runs on across steps and the step time shows rows left out before a cycle's first row,
  restarting there may hold up to the current over the whole time since the row before: the cycle's earlier
  steps, unwritten in a thinned export). A group where some
  changes restart and others run on is refused in one line naming the file, the column and a line of each, and
  what the user can do (:data:`COLUMN_MAP_HINT`). Where no change decides (steps too short to tell), the group is read
  as restarting, as Maccor writes its counters (all eight shared Maccor files), with an ``unknown_format``
  warning giving how much the other reading differs by, unless that is over :data:`UNDECIDED_SHARE` (5 %) of
  the column's largest value: then it is refused. One that runs on is brought to per-step values (the value
  less the previous step's last), read then as the usual layout is; what a step passed after its last row
  (a thinned export), written in the next step's first row, is put back in its step (:mod:`.maccor_tails`). What
  was found is in ``extra["counters"]``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from ...errors import CorruptFileError
from ...written import as_written
from .. import schema as s
from .column_map import DIRECTIONS, SPLIT_CAPACITY, SPLIT_ENERGY, STATE_CODES, ColumnMap, ColumnSpec
from .maccor_states import state_directions
from .maccor_tails import SLACK, doubt_warning, lost_warning, step_tails
from .state_codes import state_warning

MILLI: dict[str, tuple[str, ...]] = {
    s.CURRENT: ("mAmps",),
    SPLIT_CAPACITY: ("mAmp-hr", "mAmp-h"),
    SPLIT_ENERGY: ("mWatt-hr", "mWatt-h"),
}
"""Per canonical column, Maccor's milli-unit names for it (scaled by 1e-3)."""
RESOLUTION = 1e-5
"""The written resolution, as a share of the column's largest value (7 significant digits and some)."""
LEFT_OUT_S = 1.0
"""A step beginning more than this after the row before its first (by its step time) shows rows left out there."""
STEP_TIME = "step_time_s"
"""The key under which the hook finds Maccor's step time (seconds since the step began), where the file has one."""
STEP_TIME_SPEC = ColumnSpec(
    sources=("Step (Sec)", "StepTime", "Step Time", "Step Time (sec)", "Step Time (Sec)"), format="duration"
)
"""Maccor's step time columns (the text export's and the CSV export's), read for :class:`StepCounters` alone."""
UNDECIDED_SHARE = 0.05
"""Where no step change decides, the most the two readings may differ by in all, as a share of the column's
largest value, for the file to be read as restarting, with a warning. Restarting is Maccor's own layout (every
real export at hand), so a file with very short steps is read, not refused, unless a running counter misread
would be off by more than ten times the 0.5 % the readers are held to."""

COLUMN_MAP_HINT = (
    "read it with a column map (--column-map) that gives capacity_ah and energy_wh the convention per_step "
    "(restarting at each step) or running (running on across steps)."
)
"""What a user can do where the counters cannot be told from the signal (the closing part of those refusals)."""


def milli_map(cmap: ColumnMap, names: list[str], path: Path) -> ColumnMap:
    """The map with each column the header writes in milli-units read from that column, scaled to SI.

    Raises
    ------
    CorruptFileError
        The header holds a milli-unit column and its SI one (or two milli-unit spellings) for one quantity.
    """
    columns = dict(cmap.columns)
    for canonical, milli in MILLI.items():
        found = [name for name in milli if name in names]
        if not found or canonical not in columns:
            continue
        spec = columns[canonical]
        both = [name for name in spec.sources if name in names] + found
        if len(both) > 1:
            raise CorruptFileError(
                f"{path}: Maccor export has both {as_written(both[0], None)} and {as_written(both[1], None)} for {canonical}; which holds the "
                "data is a guess, one of them is expected."
            )
        columns[canonical] = dataclasses.replace(spec, sources=(found[0],), scale=spec.scale * 1e-3)
    return dataclasses.replace(cmap, columns=columns)


class StepCounters:
    """The hook :func:`.generic.read_mapped` calls on a Maccor table's values before it splits the counters.

    Parameters
    ----------
    path
        The file (named in a refusal).
    sources
        Per counter column (``capacity_ah``, ``energy_wh``), and for ``state``, the header name it is read from.
    """

    def __init__(self, path: Path, sources: dict[str, str]) -> None:
        self.path = path
        self.sources = sources
        self.first_line = 0
        self.notes: list[dict[str, str]] = []
        """Warnings: a group of changes none of which decides, read as restarting (:data:`UNDECIDED_SHARE`)."""
        self.found: dict[str, str] = {}
        """Per counter column: ``per_step`` (restarts at every step), ``runs_on`` (carried across step changes,
        restarting at cycle changes or not: ``runs_on_through_cycles``)."""

    def __call__(self, values: dict[str, np.ndarray], first_line: int) -> dict[str, np.ndarray]:
        """Per-step values for each counter column that runs on; the others as they are.

        ``first_line``: the file line of the first data row (a refusal names rows by line).
        """
        self.first_line = first_line
        time = np.asarray(values[s.TIME], dtype="float64")
        current = np.abs(np.nan_to_num(np.asarray(values[s.CURRENT], dtype="float64")))
        cycles = np.asarray(values[s.CYCLE], dtype="float64")
        steps = values.get(s.STEP)
        step_time = values.get(STEP_TIME)
        if step_time is not None:
            step_time = np.asarray(step_time, dtype="float64")
        out = dict(values)
        codes = values.get(STATE_CODES)
        if codes is not None:  # each row's way from the state letters (:mod:`.maccor_states`)
            out[DIRECTIONS], unknown = state_directions(codes, cycles, steps)
            state_name = self.sources.get("state", "State")
            for letter, row, count in unknown:
                self.notes.append(
                    state_warning(
                        self.path, state_name, letter, first_line + row, count, "this reader does not know"
                    )
                )
        for column, rate in ((SPLIT_CAPACITY, current), (SPLIT_ENERGY, None)):
            if column not in values or steps is None:
                continue
            if rate is None:
                rate = current * np.abs(np.nan_to_num(np.asarray(values[s.VOLTAGE], dtype="float64")))
            counter = np.nan_to_num(np.asarray(values[column], dtype="float64"))
            out[column], self.found[column] = self._per_step(
                column, counter, rate, (time, step_time), cycles, steps
            )
        return out

    def _per_step(
        self,
        column: str,
        counter: np.ndarray,
        rate: np.ndarray,
        clocks: tuple[np.ndarray, np.ndarray | None],
        cycles: np.ndarray,
        steps: np.ndarray,
    ) -> tuple[np.ndarray, str]:
        time, step_time = clocks
        starts = step_starts(cycles, np.asarray(steps, dtype="float64"))
        if not len(starts):
            return counter, "per_step"
        before = starts - 1
        resolution = RESOLUTION * float(np.abs(counter).max()) + 1e-12
        dt = np.clip(np.nan_to_num(time[starts] - time[before]), 0.0, None)
        window = dt if step_time is None else step_window(step_time[starts], dt)
        rate_near = SLACK * np.maximum(rate[starts], rate[before]) / 3600.0
        heading = step_directions(counter, rate, starts, resolution)
        new_dir, old_dir = heading[1:], heading[:-1]
        rest = new_dir == 0
        # the most each reading allows at the step's first row: what the new step can have gained since it
        # began (nothing on a rest), and for the one that runs on, what the last step gained after its last row too
        gained = np.where(rest, 0.0, rate_near * window) + resolution
        carried = np.where(rest, SLACK * rate[before] / 3600.0, rate_near) * dt + resolution
        # a step change written at the previous row's time (Maccor's control steps, state O, repeat the last
        # record) tells nothing, nor a step whose first row passes no current unless all of it is a rest
        telling = (dt > 0) & ((rate[starts] > 0) | rest)
        jump = counter[starts] - counter[before]
        restarts = (
            telling
            & (np.abs(counter[starts]) <= gained)
            & (np.nan_to_num(new_dir * counter[starts]) >= -resolution)
        )
        # a counter moves one way within a step: carried on, the first row lies beyond the last step's last
        # value in the new step's direction (or the last step's, into a rest), unless the two steps went opposite ways
        ahead = np.where(rest, old_dir, np.where((old_dir == new_dir) | (old_dir == 0), new_dir, np.nan))
        runs_on = telling & (np.abs(jump) <= carried) & (np.nan_to_num(ahead * jump) >= -resolution)
        new_cycle = cycles[starts] != cycles[before]
        shown = self.sources.get(column, column)
        verdict: dict[str, bool] = {}
        for group, name in ((~new_cycle, "step"), (new_cycle, "cycle")):
            if name == "cycle" and verdict["step"]:
                # carried across steps, a counter restarting with each cycle holds at a cycle's first row what the
                # cycle's earlier steps passed, unwritten where rows were left out (a thinned export: the step time
                # shows the step began over a second after the row before): up to the current over that whole time
                unwritten = telling & (dt - window > LEFT_OUT_S)
                bound = SLACK * rate_near * dt + resolution
                restarts = restarts | (unwritten & (np.abs(counter[starts]) <= bound))
            reset_rows = starts[group & restarts & ~runs_on]
            carry_rows = starts[group & runs_on & ~restarts]
            if len(reset_rows) and len(carry_rows):
                raise CorruptFileError(
                    f"{self.path}: column {as_written(shown, None)}: the counter restarts at some {name} changes (line "
                    f"{self.first_line + int(reset_rows[0])}) and runs on at others (line "
                    f"{self.first_line + int(carry_rows[0])}); per-step and cumulative values cannot be told "
                    f"apart safely; {COLUMN_MAP_HINT}"
                )
            both = group & restarts & runs_on
            differ = float(np.abs(counter[before[both]]).sum())
            if not len(reset_rows) and not len(carry_rows) and differ > resolution:
                # no change decides, and the two readings differ by more than the written resolution
                line = self.first_line + int(starts[both][0])
                if differ > UNDECIDED_SHARE * float(np.abs(counter).max()):
                    raise CorruptFileError(
                        f"{self.path}: column {as_written(shown, None)}: too little passes before each {name} change (first at "
                        f"line {line}) to tell whether the counter restarts or runs on; per-step and cumulative "
                        f"values cannot be told apart safely; {COLUMN_MAP_HINT}"
                    )
                self.notes.append(
                    s.warning(
                        "unknown_format",
                        f"column {as_written(shown, None)}: too little passes before each {name} change (first at line {line}) "
                        f"to tell whether it restarts or runs on; read as restarting, the other reading differs "
                        f"by {differ:.3g} in all",
                        self.path,
                    )
                )
            verdict[name] = len(carry_rows) > 0
        if not verdict["step"] and not verdict["cycle"]:
            if step_time is not None:  # restarting: what a step passed after its last row is in no row
                gap = dt - step_window(step_time[starts], dt)
                note = lost_warning(
                    self.path,
                    shown,
                    np.where(rate[before] > 0, rate[before], 0.0),
                    gap,
                    float(np.abs(counter).max()),
                    self.first_line + before,
                )
                if note is not None:
                    self.notes.append(note)
            return counter, "per_step"
        carried = np.where(new_cycle, verdict["cycle"], verdict["step"])
        changes = _Changes(starts, jump, dt, (old_dir, new_dir), carried)
        tails = self._tails(shown, counter, rate, step_time, changes)
        base = np.zeros(len(counter))
        base[starts] = np.where(carried, counter[before] + tails, 0.0)
        # each step's base all through it: its first row's, carried forward
        segment = np.cumsum(np.isin(np.arange(len(counter)), starts))
        first_base = np.r_[0.0, base[starts]]
        per_step = counter - first_base[segment]
        np.add.at(per_step, before, tails)  # what a step passed after its last row, back in that step
        return per_step, "runs_on_through_cycles" if verdict["cycle"] else "runs_on"

    def _tails(
        self,
        shown: str,
        counter: np.ndarray,
        rate: np.ndarray,
        step_time: np.ndarray | None,
        changes: _Changes,
    ) -> np.ndarray:
        """Per step change: what the previous step passed after its last row (:mod:`.maccor_tails`).

        0 where the counter restarts or the tail is within the written resolution; noted (``counter_overridden``)
        where moved, warned about where it cannot be told (no step time).
        """
        starts, carried = changes.starts, changes.carried
        before = starts - 1
        largest = float(np.abs(counter).max())
        if step_time is None:
            moving = carried & (changes.dt > 0) & (changes.heading[0] != 0)
            if moving.any():
                note = doubt_warning(
                    self.path,
                    shown,
                    changes.jump[moving],
                    rate[before[moving]],
                    changes.dt[moving],
                    largest,
                    self.first_line + int(starts[moving][0]),
                )
                if note is not None:
                    self.notes.append(note)
            return np.zeros(len(starts))
        window = step_window(step_time[starts], changes.dt)
        tails = step_tails(changes.jump, (rate[before], rate[starts]), (changes.dt, window), changes.heading)
        tails = np.where(carried, np.nan_to_num(tails), 0.0)
        moved = np.abs(tails) > RESOLUTION * largest
        tails = np.where(moved, tails, 0.0)  # a whole export's: a step time rounded, within the resolution
        if moved.any():
            self.notes.append(
                s.warning(
                    "counter_overridden",
                    f"column {as_written(shown, None)} runs on across steps and {int(moved.sum())} steps went on after their last "
                    f"row (first at line {self.first_line + int(before[moved][0])}): {float(np.abs(tails).sum()):.4g} "
                    "in all, written in the next step's first row, is put back in its step's last row",
                    self.path,
                )
            )
        return tails


@dataclasses.dataclass(frozen=True)
class _Changes:
    """The step changes of one counter.

    Their first rows, the jump and the time between rows there, the previous and the new step's directions, and
    whether the counter runs on across each.
    """

    starts: np.ndarray
    jump: np.ndarray
    dt: np.ndarray
    heading: tuple[np.ndarray, np.ndarray]
    carried: np.ndarray


def step_starts(cycles: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """Rows (after the first) where a new step or cycle begins."""
    change = (np.diff(cycles) != 0) | (np.diff(np.nan_to_num(steps, nan=-1.0)) != 0)
    return np.flatnonzero(change) + 1


def step_directions(
    counter: np.ndarray, rate: np.ndarray, starts: np.ndarray, resolution: float
) -> np.ndarray:
    """Per step (the rows before ``starts[0]`` the first): the way its counter moves, the same whichever reading.

    1 or -1 where it moves by more than ``resolution`` and only that way, 0 on a rest (two rows or more, none
    passing current), NaN where it cannot be told (a step of one row, or one that moves both ways or too little).
    """
    first = np.r_[0, starts]
    last = np.r_[starts, len(counter)] - 1
    inner = np.r_[0.0, np.diff(counter)]
    inner[starts] = 0.0  # a step change is no move within a step
    lowest, highest = np.minimum.reduceat(inner, first), np.maximum.reduceat(inner, first)
    moved = counter[last] - counter[first]
    heading = np.full(len(first), np.nan)
    heading[(moved > resolution) & (lowest >= -resolution)] = 1.0
    heading[(moved < -resolution) & (highest <= resolution)] = -1.0
    still = (np.maximum.reduceat(rate, first) == 0) & (last > first) & (np.abs(moved) <= resolution)
    heading[still] = 0.0
    return heading


def step_window(step_time: np.ndarray, dt: np.ndarray) -> np.ndarray:
    """How long each step ran before its first row: its step time there, where it fits within the interval."""
    fits = np.isfinite(step_time) & (step_time >= 0) & (step_time <= dt)
    return np.where(fits, step_time, dt)
