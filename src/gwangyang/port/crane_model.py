"""Quay-crane scheduling (QCSP) instances, schedules and the schedule checker: the model, not a solver.

The solvers (CP-SAT, and exact enumeration for small instances) are in :mod:`.cranes`.

Instance (TOML)::

    name = "example"
    bays = 10              # bays numbered 1..bays along the vessel
    safety_margin = 1      # bays that must stay free between two neighbouring cranes
    travel_time = 1        # time for a crane to move one bay
    [[cranes]]             # in rail order; ``initial_bay`` and ``ready_time``
    initial_bay = 1
    [[tasks]]              # ``bay``, ``time`` (processing) and optional ``after`` (task numbers, 0-based)
    bay = 2
    time = 30

Rules: a crane does one task at a time and needs ``travel_time`` per bay to move between tasks
(and from its initial bay); cranes never cross, and two cranes ``k < l`` working at the same time
must be at bays at least ``(l - k) * (safety_margin + 1)`` apart, so that every crane between them
fits; crane ``k`` can reach only the bays that leave room for the cranes on either side of it;
a task starts after the tasks listed in ``after`` end. The objective is the makespan. As in
Kim & Park (2004, EJOR 156:752), interference is checked while tasks are processed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError
from ..files import read_toml
from ..written import as_written


@dataclass(frozen=True)
class CraneTask:
    """One task: a bay, a processing time, and the tasks that must finish first."""

    bay: int
    time: int
    after: tuple[int, ...] = ()


@dataclass(frozen=True)
class CraneInstance:
    """A QCSP instance (see the module docstring)."""

    name: str
    bays: int
    tasks: tuple[CraneTask, ...]
    initial_bays: tuple[int, ...]
    ready_times: tuple[int, ...]
    safety_margin: int = 1
    travel_time: int = 1

    def __post_init__(self) -> None:
        if self.bays < 1:
            raise InputError(f"{self.name}: bays: must be >= 1, got {self.bays}")
        if self.safety_margin < 0 or self.travel_time < 0:
            raise InputError(f"{self.name}: safety_margin and travel_time must be >= 0")
        if not self.initial_bays:
            raise InputError(f"{self.name}: cranes: at least one crane is needed")
        if not self.tasks:
            raise InputError(f"{self.name}: tasks: at least one task is needed")
        if (len(self.initial_bays) - 1) * (self.safety_margin + 1) >= self.bays:
            raise InputError(
                f"{self.name}: cranes: {len(self.initial_bays)} cranes do not fit on {self.bays} bays"
            )
        gap = self.safety_margin + 1
        for k, bay in enumerate(self.initial_bays):
            if not 1 <= bay <= self.bays:
                raise InputError(
                    f"{self.name}: cranes[{k}].initial_bay: must be in 1..{self.bays}, got {bay}"
                )
            # Cranes on one rail never pass each other: listed out of order (or closer than the
            # margin) they were scheduled as if they could, through each other.
            if k and bay < self.initial_bays[k - 1] + gap:
                raise InputError(
                    f"{self.name}: cranes[{k}].initial_bay: must be >= {self.initial_bays[k - 1] + gap} "
                    f"(cranes are listed along the quay, {self.safety_margin} free bays apart; "
                    f"cranes[{k - 1}] is at bay {self.initial_bays[k - 1]}), got {bay}"
                )
        for k, ready in enumerate(self.ready_times):
            if ready < 0:
                raise InputError(f"{self.name}: cranes[{k}].ready_time: must be >= 0, got {ready}")
        for i, task in enumerate(self.tasks):
            if not 1 <= task.bay <= self.bays:
                raise InputError(f"{self.name}: tasks[{i}].bay: must be in 1..{self.bays}, got {task.bay}")
            if task.time <= 0:
                raise InputError(f"{self.name}: tasks[{i}].time: must be > 0, got {task.time}")
            for j in task.after:
                if not 0 <= j < len(self.tasks) or j == i:
                    raise InputError(f"{self.name}: tasks[{i}].after: {j} is not another task")
        if self._has_cycle():
            raise InputError(f"{self.name}: tasks: the 'after' precedences form a cycle")

    def _has_cycle(self) -> bool:
        state = [0] * len(self.tasks)

        def visit(i: int) -> bool:
            state[i] = 1
            for j in self.tasks[i].after:
                if state[j] == 1 or (state[j] == 0 and visit(j)):
                    return True
            state[i] = 2
            return False

        return any(state[i] == 0 and visit(i) for i in range(len(self.tasks)))

    @property
    def cranes(self) -> int:
        """Number of cranes."""
        return len(self.initial_bays)

    def reach(self, crane: int) -> tuple[int, int]:
        """The bays crane ``crane`` can reach, leaving room for the cranes on either side."""
        gap = self.safety_margin + 1
        return 1 + crane * gap, self.bays - (self.cranes - 1 - crane) * gap

    @classmethod
    def from_file(cls, path: str | Path) -> CraneInstance:
        """Read a TOML instance; errors name the file and the field."""
        return cls.from_dict(read_toml(path, "crane instance"), str(path))

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "instance") -> CraneInstance:
        """Build an instance from a dict shaped like the TOML file."""
        known = {"name", "bays", "safety_margin", "travel_time", "cranes", "tasks"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InputError(f"{source}: {unknown[0]}: unknown field (known: {', '.join(sorted(known))})")

        def integer(value: Any, where: str) -> int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise InputError(f"{source}: {where}: expected an integer, got {as_written(value)}")
            return value

        for key in ("bays", "cranes", "tasks"):
            if key not in data:
                raise InputError(f"{source}: {key}: required field is missing")
        cranes = data["cranes"]
        tasks = data["tasks"]
        if not isinstance(cranes, list) or not isinstance(tasks, list):
            raise InputError(f"{source}: cranes and tasks must be arrays of tables ([[cranes]], [[tasks]])")
        initial, ready = [], []
        for k, crane in enumerate(cranes):
            extra = set(crane) - {"initial_bay", "ready_time"}
            if extra:
                raise InputError(
                    f"{source}: cranes[{k}].{sorted(extra)[0]}: unknown field (known: initial_bay, ready_time)"
                )
            if "initial_bay" not in crane:
                raise InputError(f"{source}: cranes[{k}].initial_bay: required field is missing")
            initial.append(integer(crane["initial_bay"], f"cranes[{k}].initial_bay"))
            ready.append(integer(crane.get("ready_time", 0), f"cranes[{k}].ready_time"))
        parsed = []
        for i, task in enumerate(tasks):
            extra = set(task) - {"bay", "time", "after"}
            if extra:
                raise InputError(
                    f"{source}: tasks[{i}].{sorted(extra)[0]}: unknown field (known: bay, time, after)"
                )
            for key in ("bay", "time"):
                if key not in task:
                    raise InputError(f"{source}: tasks[{i}].{key}: required field is missing")
            after = task.get("after", [])
            if not isinstance(after, list):
                raise InputError(f"{source}: tasks[{i}].after: expected a list of task numbers")
            parsed.append(
                CraneTask(
                    integer(task["bay"], f"tasks[{i}].bay"),
                    integer(task["time"], f"tasks[{i}].time"),
                    tuple(integer(a, f"tasks[{i}].after") for a in after),
                )
            )
        name = str(data.get("name", Path(source).stem))
        try:
            return cls(
                name,
                integer(data["bays"], "bays"),
                tuple(parsed),
                tuple(initial),
                tuple(ready),
                integer(data.get("safety_margin", 1), "safety_margin"),
                integer(data.get("travel_time", 1), "travel_time"),
            )
        except InputError as exc:
            # Name the file, not the instance's own name, as the reader's other errors do.
            message = str(exc).removeprefix(f"{name}: ")
            raise InputError(f"{source}: {message}") from None


@dataclass
class CraneSchedule:
    """A crane schedule: ``table`` has ``task, crane, bay, start, end`` (0-based task and crane)."""

    instance: str
    method: str
    table: pd.DataFrame
    makespan: float
    lower_bound: float | None = None
    status: str = "FEASIBLE"
    wall_s: float = 0.0
    budget: float | None = None
    work: float | None = None

    def is_feasible(self, instance: CraneInstance) -> bool:
        """Whether the schedule passes :func:`check_schedule`."""
        return not check_schedule(instance, self.table)

    def summary(self) -> str:
        """One human line."""
        bound = "" if self.lower_bound is None else f", bound {self.lower_bound:g}"
        return f"{self.instance} {self.method}: makespan {self.makespan:g}{bound}, {self.status}, {self.wall_s:.2f} s"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``makespan, lower_bound, status, budget, work, schedule: [{task, crane, bay, start, end}]``."""
        return {
            "instance": self.instance,
            "method": self.method,
            "makespan": float(self.makespan),
            "lower_bound": None if self.lower_bound is None else float(self.lower_bound),
            "status": self.status,
            "wall_s": self.wall_s,
            "budget": self.budget,
            "work": self.work,
            "schedule": [{k: int(v) for k, v in row.items()} for row in self.table.to_dict(orient="records")],
        }


def conflict(instance: CraneInstance, i: int, ki: int, j: int, kj: int) -> tuple[bool, int]:
    """Whether tasks i (crane ki) and j (crane kj) may not overlap in time, and the gap between them."""
    bi, bj = instance.tasks[i].bay, instance.tasks[j].bay
    if ki == kj:
        return True, instance.travel_time * abs(bi - bj)
    gap = instance.safety_margin + 1
    if ki < kj:
        return bj - bi < (kj - ki) * gap, 0
    return bi - bj < (ki - kj) * gap, 0


def check_schedule(instance: CraneInstance, table: pd.DataFrame) -> list[str]:
    """Every rule a schedule breaks (empty list: feasible); independent of any solver."""
    problems = []
    if sorted(table["task"].tolist()) != list(range(len(instance.tasks))):
        return ["not every task is scheduled exactly once"]
    values = table[["task", "crane", "start", "end"]].to_numpy(dtype="int64").tolist()
    rows = {i: (k, s, e) for i, k, s, e in values}
    for i, (k, s, e) in rows.items():
        task = instance.tasks[i]
        lo, hi = instance.reach(k) if 0 <= k < instance.cranes else (1, 0)
        if not lo <= task.bay <= hi:
            problems.append(f"task {i}: crane {k} cannot reach bay {task.bay}")
            continue
        if e - s != task.time:
            problems.append(f"task {i}: lasts {e - s}, not {task.time}")
        first = instance.ready_times[k] + instance.travel_time * abs(task.bay - instance.initial_bays[k])
        if s < first:
            problems.append(f"task {i}: starts {s} before crane {k} can get there ({first})")
        for j in task.after:
            if s < rows[j][2]:
                problems.append(f"task {i}: starts {s} before task {j} ends {rows[j][2]}")
    for i in rows:
        for j in rows:
            if i < j:
                (ki, si, ei), (kj, sj, ej) = rows[i], rows[j]
                clash, gap = conflict(instance, i, ki, j, kj)
                if clash and not (ei + gap <= sj or ej + gap <= si):
                    problems.append(f"tasks {i} and {j} interfere (cranes {ki}, {kj})")
    return problems
