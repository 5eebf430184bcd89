"""Dynamic discrete berth allocation (DBAP): instances, plans, the independent plan checker and the objective.

Instance format (Kramer, Lalla-Ruiz, Iori & Voß 2019, EJOR 278:170; files of github.com/elalla/DBAP),
whitespace-separated integers::

    N                      number of vessels
    M                      number of berths
    a_1 ... a_N            vessel arrival times
    s_1 ... s_M            berth opening times
    h_i1 ... h_iM          N rows: handling time of vessel i at berth k; 99999 = not allowed
    e_1 ... e_M            berth closing times
    d_1 ... d_N            latest departure time of each vessel
    w_1 ... w_N            (optional) vessel weights; the objective here ignores them, as the paper does

A vessel served at berth ``k`` starts no earlier than ``max(a_i, s_k)``, occupies the berth for
``h_ik``, and must end by ``min(e_k, d_i)``. The objective is total service time
``sum_i (end_i - a_i)`` (waiting plus handling).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import CorruptFileError, InputError

FORBIDDEN = 99999
"""Handling time that marks a berth a vessel may not use."""

MAX_VESSELS = 20_000
MAX_BERTHS = 500
MAX_PAIRS = 2_000_000
"""Largest counts (and vessels x berths) a file may declare, checked before anything is allocated;
far above any terminal's plan, small enough that reading one stays within a few hundred MB."""
MAX_TIME = 10**12
"""Largest magnitude of a time in a file (far beyond any plan, far below int64)."""
BOM = b"\xef\xbb\xbf"
"""The byte-order mark an editor may put before the first number (read past, like the spacing)."""

MAX_TOKEN_BYTES = 32
"""Bytes one number may take in a file, spacing included; a bigger file is refused unread."""


@dataclass(frozen=True)
class BerthInstance:
    """A DBAP instance; times are integers, ``handling[i, k] < 0`` where berth ``k`` is not allowed."""

    name: str
    arrival: np.ndarray
    opening: np.ndarray
    closing: np.ndarray
    handling: np.ndarray
    deadline: np.ndarray

    @property
    def vessels(self) -> int:
        """Number of vessels."""
        return len(self.arrival)

    @property
    def berths(self) -> int:
        """Number of berths."""
        return len(self.opening)

    def allowed(self, vessel: int, berth: int) -> bool:
        """Whether ``vessel`` may be served at ``berth``."""
        return bool(self.handling[vessel, berth] >= 0)

    @classmethod
    def from_file(cls, path: str | Path) -> BerthInstance:
        """Read an instance file (format in the module docstring)."""
        path = Path(path)
        try:
            with path.open("rb") as handle:  # the counts first: they bound what the rest may hold
                head = handle.read(64).removeprefix(BOM).split()
            size = path.stat().st_size
        except FileNotFoundError:
            raise InputError(f"{path}: no such berth instance file") from None
        n, m = (int(t) if t.isdigit() and len(t) < 10 else -1 for t in [*head, b"", b""][:2])
        if not (1 <= n <= MAX_VESSELS and 1 <= m <= MAX_BERTHS and n * m <= MAX_PAIRS):
            raise CorruptFileError(
                f"{path}: the first two numbers must be the vessel and berth counts "
                f"(1 to {MAX_VESSELS} vessels, 1 to {MAX_BERTHS} berths, {MAX_PAIRS} pairs at most), "
                f"got {' '.join(t.decode('utf-8', 'replace')[:20] for t in head[:2]) or 'nothing'!r}"
            )
        need = 2 + n + m + n * m + m + n
        if size > (need + n) * MAX_TOKEN_BYTES:
            raise CorruptFileError(
                f"{path}: {size} bytes is more than {n}x{m} numbers can take; not a berth instance"
            )
        try:
            text = path.read_bytes().removeprefix(BOM).decode("ascii")
        except UnicodeDecodeError:
            raise CorruptFileError(f"{path}: not a text berth instance (non-ASCII bytes)") from None
        values, lines = _numbers(text, path)
        if len(values) < 2 or values[0] < 1 or values[1] < 1:
            raise CorruptFileError(f"{path}: the first two numbers must be the vessel and berth counts")
        if len(values) < need:
            raise CorruptFileError(
                f"{path}: line {lines[-1]}: truncated: {n} vessels x {m} berths need {need} numbers, "
                f"found {len(values)} ({_describe(len(values), n, m)} is missing)"
            )
        if len(values) not in (need, need + n):
            extra = need if len(values) < need + n else need + n
            raise CorruptFileError(
                f"{path}: line {lines[extra]}: {len(values)} numbers, expected {need} or {need + n} "
                f"(with vessel weights) for {n}x{m}; number {extra + 1} is one too many"
            )
        for pos in range(2, len(values)):
            if values[pos] < 0:
                raise CorruptFileError(
                    f"{path}: line {lines[pos]}: {_describe(pos, n, m)} is {values[pos]}; times are >= 0 "
                    f"(a berth a vessel may not use is written {FORBIDDEN})"
                )
            if values[pos] == 0 and 2 + n + m <= pos < 2 + n + m + n * m:
                raise CorruptFileError(
                    f"{path}: line {lines[pos]}: {_describe(pos, n, m)}: a handling time of 0 is not understood "
                    f"(not allowed: {FORBIDDEN})"
                )
        pos = 2
        arrival = np.array(values[pos : pos + n], dtype=np.int64)
        pos += n
        opening = np.array(values[pos : pos + m], dtype=np.int64)
        pos += m
        handling = np.array(values[pos : pos + n * m], dtype=np.int64).reshape(n, m)
        pos += n * m
        closing = np.array(values[pos : pos + m], dtype=np.int64)
        pos += m
        deadline = np.array(values[pos : pos + n], dtype=np.int64)
        markers = np.unique(handling[handling >= FORBIDDEN])
        if len(markers) > 1:  # one big number repeated is a "not allowed" marker; several are not understood
            first = 2 + n + m + int(np.flatnonzero(handling.ravel() == markers[1])[0])
            raise CorruptFileError(
                f"{path}: line {lines[first]}: {_describe(first, n, m)} is {values[first]}, and the file also "
                f"holds {markers[0]}: a berth a vessel may not use is written with one number >= {FORBIDDEN} "
                "(99999 in the DBAP files); several are not understood (times in seconds?)"
            )
        handling = np.where(handling >= FORBIDDEN, -1, handling)
        where = _Lines(lines, n, m)
        return cls.build(path.stem, arrival, opening, closing, handling, deadline, str(path), where)

    @classmethod
    def build(
        cls,
        name: str,
        arrival: Any,
        opening: Any,
        closing: Any,
        handling: Any,
        deadline: Any,
        source: str = "instance",
        where: _Lines | None = None,
    ) -> BerthInstance:
        """Make and check an instance from arrays (``handling < 0``: not allowed).

        Every vessel needs a berth it may use whose window holds it: ``max(a_i, s_k) + h_ik <= min(e_k, d_i)``
        for some allowed ``k``; else no plan exists and the error names the vessel (and, from a file, its lines).
        """
        at = where or _Lines(None, 0, 0)
        arrival, opening, closing, deadline = (
            np.asarray(x, dtype=np.int64) for x in (arrival, opening, closing, deadline)
        )
        handling = np.asarray(handling, dtype=np.int64)
        n, m = len(arrival), len(opening)
        if handling.shape != (n, m) or len(closing) != m or len(deadline) != n:
            raise InputError(f"{source}: handling must be {n}x{m}, closing {m} long and deadline {n} long")
        if (closing < opening).any():
            k = int(np.flatnonzero(closing < opening)[0])
            raise CorruptFileError(
                f"{source}: {at.closing(k)}berth {k} closes ({closing[k]}) before it opens ({opening[k]})"
            )
        if (handling == 0).any():
            i, k = (int(x) for x in np.argwhere(handling == 0)[0])
            raise CorruptFileError(f"{source}: {at.handling(i, k)}a handling time of 0 is not understood")
        no_berth = ~(handling > 0).any(axis=1)
        if no_berth.any():
            i = int(np.flatnonzero(no_berth)[0])
            raise CorruptFileError(f"{source}: {at.handling(i, 0)}vessel {i} has no allowed berth")
        earliest = np.maximum(arrival[:, None], opening[None, :]) + handling
        latest = np.minimum(closing[None, :], deadline[:, None])
        fits = ((handling > 0) & (earliest <= latest)).any(axis=1)
        if not fits.all():
            i = int(np.flatnonzero(~fits)[0])
            raise CorruptFileError(
                f"{source}: {at.deadline(i)}vessel {i} (arrival {arrival[i]}, deadline {deadline[i]}) fits no "
                f"allowed berth's window (start >= max(arrival, opening), start + handling <= min(closing, "
                f"deadline)); no plan exists"
            )
        return cls(name, arrival, opening, closing, handling, deadline)


def _numbers(text: str, path: Path) -> tuple[list[int], list[int]]:
    """The file's numbers and the line (1-based) of each; a word that is not a whole number names its line."""
    values: list[int] = []
    lines: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        for token in line.split():
            try:
                value = int(token)
            except ValueError:
                value = None
                try:
                    real = float(token)
                except ValueError:
                    real = math.nan
                if math.isfinite(real) and real.is_integer():
                    value = int(real)  # 12.0 or 1e3: a whole number written another way
            if value is None:
                raise CorruptFileError(
                    f"{path}: line {number}: expected integers, found {token[:20]!r}"
                ) from None
            if abs(value) > MAX_TIME:
                raise CorruptFileError(
                    f"{path}: line {number}: number {str(value)[:30]} is out of range (at most {MAX_TIME})"
                )
            values.append(value)
            lines.append(number)
    return values, lines


def _describe(pos: int, n: int, m: int) -> str:
    """What the ``pos``-th number (0-based) of an ``n`` x ``m`` instance file is."""
    sections = (
        ("arrival time of vessel", n),
        ("opening time of berth", m),
        ("handling time of vessel", n * m),
        ("closing time of berth", m),
        ("deadline of vessel", n),
        ("weight of vessel", n),
    )
    pos -= 2
    if pos < 0:
        return "the vessel count" if pos == -2 else "the berth count"
    for label, size in sections:
        if pos < size:
            if label.startswith("handling"):
                return f"{label} {pos // m} at berth {pos % m}"
            return f"{label} {pos}"
        pos -= size
    return "a number beyond the instance"


@dataclass(frozen=True)
class _Lines:
    """Line prefixes (``"line 7: "``) of an instance file's numbers, for errors; empty for arrays."""

    lines: list[int] | None
    n: int
    m: int

    def _at(self, pos: int) -> str:
        return "" if self.lines is None else f"line {self.lines[pos]}: "

    def handling(self, vessel: int, berth: int) -> str:
        """Where the handling time of ``vessel`` at ``berth`` is."""
        return self._at(2 + self.n + self.m + vessel * self.m + berth)

    def closing(self, berth: int) -> str:
        """Where the closing time of ``berth`` is."""
        return self._at(2 + self.n + self.m + self.n * self.m + berth)

    def deadline(self, vessel: int) -> str:
        """Where the deadline of ``vessel`` is."""
        return self._at(2 + self.n + 2 * self.m + self.n * self.m + vessel)


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """Relative gap between a plan's objective ``O`` and a lower bound ``B``: ``|O - B| / max(1, |O|)``.

    This is how OR-Tools CP-SAT defines it (``relative_gap_limit`` in ``ortools/sat/sat_parameters.proto``:
    "Relative: abs(O - B) / max(1, abs(O))"), so it is defined for a zero objective and a zero
    bound alike: ``O = 0, B = 0`` gives 0; ``O = 5, B = 0`` gives 1; ``O = 0.5, B = 0`` gives 0.5.

    Parameters
    ----------
    objective
        The objective of the best plan (minimisation); None: no plan.
    bound
        A proved lower bound; None: no bound.

    Returns
    -------
    float or None
        The gap (>= 0), or None where the plan or the bound is missing or not finite.
    """
    if objective is None or bound is None:
        return None
    o, b = float(objective), float(bound)
    if not (math.isfinite(o) and math.isfinite(b)):
        return None
    return abs(o - b) / max(1.0, abs(o))


@dataclass
class BerthPlan:
    """A berth plan and how it was found.

    ``assignments`` has one row per vessel: ``vessel, berth, start, end`` (0-based, file order).
    """

    instance: str
    method: str
    assignments: pd.DataFrame
    objective: float
    lower_bound: float | None = None
    status: str = "FEASIBLE"
    wall_s: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def gap(self) -> float | None:
        """Relative gap to the lower bound as OR-Tools defines it (:func:`relative_gap`); None without a bound."""
        return relative_gap(self.objective, self.lower_bound)

    def is_feasible(self, instance: BerthInstance) -> bool:
        """Whether the plan passes :func:`check_plan`."""
        return not check_plan(instance, self.assignments)

    def summary(self) -> str:
        """One human line."""
        gap = self.gap
        if self.lower_bound is None or gap is None:
            bound = ", no lower bound"
        else:
            bound = f", bound {self.lower_bound:g} (gap {100 * gap:.3f} %)"
        return f"{self.instance} {self.method}: objective {self.objective:g}{bound}, {self.status}, {self.wall_s:.1f} s"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``objective, lower_bound, gap, status, assignments: [{vessel, berth, start, end}]``."""
        return {
            "instance": self.instance,
            "method": self.method,
            "objective": float(self.objective),
            "lower_bound": None if self.lower_bound is None else float(self.lower_bound),
            "gap": self.gap,
            "status": self.status,
            "wall_s": self.wall_s,
            "assignments": [
                {k: int(v) for k, v in row.items()} for row in self.assignments.to_dict(orient="records")
            ],
            **self.extra,
        }


def check_plan(instance: BerthInstance, assignments: pd.DataFrame) -> list[str]:
    """Every rule a plan breaks (empty list: feasible); independent of any solver."""
    problems: list[str] = []
    if sorted(assignments["vessel"].tolist()) != list(range(instance.vessels)):
        problems.append("not every vessel is served exactly once")
        return problems
    for i, k, s, e in assignments[["vessel", "berth", "start", "end"]].to_numpy(dtype=np.int64).tolist():
        if not 0 <= k < instance.berths or not instance.allowed(i, k):
            problems.append(f"vessel {i}: berth {k} not allowed")
            continue
        if s < instance.arrival[i]:
            problems.append(f"vessel {i}: starts {s} before it arrives {instance.arrival[i]}")
        if s < instance.opening[k]:
            problems.append(f"vessel {i}: starts {s} before berth {k} opens {instance.opening[k]}")
        if e != s + instance.handling[i, k]:
            problems.append(f"vessel {i}: end {e} != start + handling {s + instance.handling[i, k]}")
        if e > instance.closing[k] or e > instance.deadline[i]:
            problems.append(
                f"vessel {i}: ends {e} after berth close {instance.closing[k]} or deadline {instance.deadline[i]}"
            )
    for k, group in assignments.groupby("berth"):
        spans = group.sort_values("start")[["start", "end"]].to_numpy()
        for (s0, e0), (s1, _) in itertools.pairwise(spans.tolist()):
            if s1 < e0:
                problems.append(f"berth {k!r}: overlap [{s0}, {e0}) and start {s1}")
    return problems


def objective(instance: BerthInstance, assignments: pd.DataFrame) -> int:
    """Total service time ``sum(end - arrival)``."""
    ends = assignments.sort_values("vessel")["end"].to_numpy()
    return int((ends - instance.arrival).sum())
