"""The VRPLIB sections of client choices (PyVRP's dialect): prizes, mutually exclusive groups, allowed clients.

- ``PRIZE_SECTION`` (``node prize``, one row per node): a client with a prize above 0 is optional;
- ``MUTUALLY_EXCLUSIVE_GROUP_SECTION`` (``group node node ...``): exactly one client of each group is served;
- ``VEHICLES_ALLOWED_CLIENTS_SECTION`` (``vehicle node node ...``, one row per vehicle): the clients it may serve.

:func:`gwangyang.logistics.vrplib_format.read_vrplib` calls these; a bad row is refused in one line naming the file,
the section and the line.
"""

from __future__ import annotations

import numpy as np

from ..errors import CorruptFileError
from .vrplib_sections import Reader
from .vrplib_sections import number as read_number

ALLOWED = "VEHICLES_ALLOWED_CLIENTS_SECTION"
GROUPS = "MUTUALLY_EXCLUSIVE_GROUP_SECTION"


def read_prizes(r: Reader, depot_ids: list[int], clients: list[int]) -> np.ndarray:
    """Prize of each client from ``PRIZE_SECTION`` (``node prize``, one row per node); zeros without it."""
    name = "PRIZE_SECTION"
    if name not in r.sections:
        return np.zeros(len(clients))
    rows = r.numbered_rows(name)
    first = rows[0][0] if rows else 0
    if len(rows) != r.n:
        raise CorruptFileError(
            f"{r.path}: {name} (from line {first}) has {len(rows)} rows, expected DIMENSION = {r.n}"
        )
    prizes: dict[int, float] = {}
    for line, row in rows:
        where = f"{name} line {line}"
        if len(row) != 2:
            raise CorruptFileError(f"{r.path}: {where}: expected 'node prize', got {' '.join(row)!r}")
        node = r.node_list(name, line, row[:1])[0]
        if node in prizes:
            raise CorruptFileError(f"{r.path}: {where}: node {node} is given a prize twice")
        value = read_number(r.path, where, row[1])
        if value < 0:
            raise CorruptFileError(f"{r.path}: {where}: node {node}: a prize must be >= 0, got {row[1]}")
        if node in depot_ids and value != 0:
            raise CorruptFileError(f"{r.path}: {where}: depot node {node} cannot have a prize, got {row[1]}")
        prizes[node] = value
    return np.array([prizes[i] for i in clients], dtype=float)


def read_groups(r: Reader, depot_ids: list[int], index: dict[int, int]) -> dict[str, tuple[int, ...]]:
    """The file's group number → client indices, of ``MUTUALLY_EXCLUSIVE_GROUP_SECTION``; groups of one dropped."""
    nd = len(depot_ids)
    seen: dict[int, int] = {}
    numbers: set[int] = set()
    out: dict[str, tuple[int, ...]] = {}
    for line, row in r.numbered_rows(GROUPS):
        where = f"{r.path}: {GROUPS} line {line}"
        group = r.integer(f"{GROUPS} line {line}", row[0])
        if group in numbers:
            raise CorruptFileError(f"{where}: group {group} appears twice")
        numbers.add(group)
        members = r.node_list(GROUPS, line, row[1:])
        for node in members:
            if node in depot_ids:
                raise CorruptFileError(f"{where}: group {group} names depot node {node}; groups hold clients")
            if node in seen:
                raise CorruptFileError(
                    f"{where}: node {node} is in group {group} and in group {seen[node]}; a client is in one group"
                )
            seen[node] = group
        if len(members) > 1:
            out[str(group)] = tuple(index[node] - nd for node in members)
    return out


def read_allowed(
    r: Reader, count: int, depot_ids: list[int], index: dict[int, int]
) -> list[tuple[int, ...] | None]:
    """Clients (indices, sorted) each vehicle may visit; ``None`` where that is every client."""
    nd = len(depot_ids)
    rows = r.numbered_rows(ALLOWED)
    first = rows[0][0] if rows else 0
    if len(rows) != count:
        raise CorruptFileError(
            f"{r.path}: {ALLOWED} (from line {first}) has {len(rows)} rows, expected VEHICLES = {count}"
        )
    out: list[tuple[int, ...] | None] = [None] * count
    done: set[int] = set()
    for line, row in rows:
        where = f"{r.path}: {ALLOWED} line {line}"
        vehicle = r.integer(f"{ALLOWED} line {line}", row[0])
        if not 1 <= vehicle <= count or vehicle in done:
            raise CorruptFileError(f"{where}: names vehicle {vehicle}; expected each of 1..{count} once")
        done.add(vehicle)
        nodes = r.node_list(ALLOWED, line, row[1:])
        depots = [node for node in nodes if node in depot_ids]
        if depots:
            raise CorruptFileError(
                f"{where}: vehicle {vehicle} names depot node {depots[0]}; list clients only"
            )
        if not nodes:
            raise CorruptFileError(f"{where}: vehicle {vehicle} may visit no client")
        chosen = tuple(sorted({index[node] - nd for node in nodes}))
        out[vehicle - 1] = None if len(chosen) == r.n - nd else chosen
    return out
