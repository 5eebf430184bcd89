"""Read any routing file by its kind: our problem file, a VRPLIB ``.vrp`` (with ``.sol``) or a Solomon VRPTW ``.txt``.

VRPLIB files are read by :mod:`gwangyang.logistics.vrplib_format` (every section honoured or refused; distances
rounded by the convention of the family's best-known solutions, e.g. TSPLIB ``nint`` for the X instances of Uchoa
et al. 2017). Solomon distances are unrounded Euclidean, as in the distance-only
best-known solutions; travel time equals distance. Client labels are the files' own node numbers.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import CorruptFileError, InputError, UnknownFormatError
from ..files import read_text
from .instance import Instance, VehicleSpec
from .vrplib_format import CONVENTIONS, read_vrplib
from .vrplib_sections import MAX_COORDINATE, MAX_VALUE, euclidean, parse
from .vrplib_solution import read_solution


def read_solomon(path: str | Path) -> Instance:
    """Read a Solomon VRPTW instance (``VEHICLE`` then ``CUSTOMER`` table; customer 0 is the depot)."""
    path = Path(path)
    lines = [line.split() for line in read_text(path, "Solomon file").splitlines()]
    tokens = [t for t in lines if t]
    name = " ".join(tokens[0]) if tokens else path.stem  # the first line, spaces (of a Korean name) kept
    try:
        v_at = next(i for i, t in enumerate(tokens) if t[0].upper() == "VEHICLE")
        c_at = next(i for i, t in enumerate(tokens) if t[0].upper() == "CUSTOMER")
        # the first row of numbers after VEHICLE (after its 'NUMBER CAPACITY' heading, where there is one)
        row = next(t for t in tokens[v_at + 1 : c_at] if t[0][:1].isdigit())
        count, capacity = int(row[0]), float(row[1])
    except (StopIteration, IndexError, ValueError) as exc:
        raise CorruptFileError(
            f"{path}: expected a Solomon file with VEHICLE (NUMBER, CAPACITY) and CUSTOMER sections"
        ) from exc
    if count < 1 or not 0 < capacity <= MAX_VALUE:
        raise CorruptFileError(
            f"{path}: VEHICLE NUMBER must be >= 1 and CAPACITY positive, got {count} and {capacity:g}"
        )
    rows = []
    for t in tokens[c_at + 1 :]:
        if t[0].isdigit():
            try:
                if len(t) != 7:
                    raise ValueError
                rows.append([float(v) for v in t])
            except ValueError as exc:
                raise CorruptFileError(f"{path}: customer row needs 7 numbers, got {' '.join(t)!r}") from exc
    if len(rows) < 2 or rows[0][0] != 0:
        raise CorruptFileError(f"{path}: expected the depot (customer 0) and at least one customer")
    table = np.array(rows)
    for column, field in ((1, "XCOORD"), (2, "YCOORD")):
        bad = ~np.isfinite(table[:, column]) | (np.abs(table[:, column]) > MAX_COORDINATE)
        if bad.any():
            customer = int(table[np.argmax(bad), 0])
            raise CorruptFileError(
                f"{path}: customer {customer}: {field} must be a finite number within +-{MAX_COORDINATE:g}"
            )
    for column, field in ((3, "DEMAND"), (4, "READY TIME"), (5, "DUE DATE"), (6, "SERVICE TIME")):
        bad = ~np.isfinite(table[:, column]) | (table[:, column] < 0) | (table[:, column] > MAX_VALUE)
        if bad.any():
            customer = int(table[np.argmax(bad), 0])
            raise CorruptFileError(
                f"{path}: customer {customer}: {field} must be a finite non-negative number up to {MAX_VALUE:g}, "
                f"got {table[np.argmax(bad), column]:g}"
            )
    if (table[:, 5] < table[:, 4]).any():
        bad = int(table[np.argmax(table[:, 5] < table[:, 4]), 0])
        raise CorruptFileError(f"{path}: customer {bad}: due date is before ready time")
    coords = table[:, 1:3]
    distance = euclidean(coords)
    m = len(table) - 1
    horizon = (float(table[0, 4]), float(table[0, 5]))
    return Instance(
        name=name,
        source="solomon",
        location_names=[str(int(i)) for i in table[:, 0]],
        coordinates=coords,
        num_depots=1,
        distance=distance,
        duration=distance.copy(),
        client_location=np.arange(1, m + 1),
        client_label=[int(i) for i in table[1:, 0]],
        demand=table[1:, 3:4],
        service=table[1:, 6],
        tw_early=table[1:, 4],
        tw_late=table[1:, 5],
        vehicles=[VehicleSpec("vehicle", count, (capacity,), shift_start=horizon[0], shift_end=horizon[1])],
        depot_tw=np.array([horizon]),
        distance_scale=1000.0,
        duration_scale=1000.0,
        ceil_durations=True,
    )


def read_instance(path: str | Path) -> Instance:
    """Read our problem file (``.toml``/``.json``), a VRPLIB ``.vrp`` or a Solomon ``.txt``, by extension and content."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".toml", ".json"):
        from .problem import RoutingProblem

        instance: Instance = RoutingProblem.from_file(path).to_instance()
        return instance
    head = read_text(path, "VRPLIB .vrp or Solomon .txt file")[:2000].upper()
    if suffix == ".vrp" or "NODE_COORD_SECTION" in head or "DIMENSION" in head:
        return read_vrplib(path)
    if "VEHICLE" in head and "CUSTOMER" in head:
        return read_solomon(path)
    raise UnknownFormatError(f"{path}: not a problem file (.toml/.json), a VRPLIB .vrp or a Solomon .txt")


def solution_score(
    instance: Instance, instance_path: str | Path, solution_path: str | Path
) -> dict[str, Any]:
    """A ``.sol`` file's cost as the best known for ``instance``, and its routes re-scored by our checker.

    The file's cost is converted to ours by the factor of the VRPLIB family's convention (:data:`CONVENTIONS`,
    as :func:`best_known` does; Solomon files: 1). Its routes are numbered as the instance file numbers its
    locations (VRPLIB: node less one, depot 0; Solomon: customer number, depot 0).

    Returns
    -------
    dict
        ``{"file", "cost", "checked_cost", "feasible"}``: the ``.sol`` cost in our units, the cost of its routes
        by :func:`~gwangyang.logistics.check.check_solution` and whether they are feasible on the instance.

    Raises
    ------
    InputError
        An instance that is not VRPLIB or Solomon, or a solution that visits a location the instance lacks.
    CorruptFileError
        A ``.sol`` without routes or cost.
    """
    from .check import check_solution
    from .vrplib_solution import solution_visits

    solution_path = Path(solution_path)
    if instance.source not in ("vrplib", "solomon"):
        given = "our problem file (.toml or .json)" if instance.source == "problem" else repr(instance.source)
        raise InputError(
            f"{solution_path.name}: a .sol scores a VRPLIB .vrp or Solomon .txt file, not {given}"
        )
    routes, cost = read_solution(solution_path)
    factor = 1.0
    if instance.source == "vrplib":
        kind = parse(Path(instance_path))[0].get("TYPE", "CVRP").split()[0].upper()
        factor = CONVENTIONS.get(kind, ("nint", 1.0))[1]
    else:
        routes = [[n - 1 for n in route] for route in routes]  # Solomon numbers customers as the file does
    try:
        checked = check_solution(instance, solution_visits(instance, routes))
    except InputError as exc:
        raise InputError(f"{solution_path.name}: {exc}") from exc
    return {
        "file": solution_path.name,
        "cost": cost * factor,
        "checked_cost": checked.cost,
        "feasible": checked.is_feasible(),
    }


def read_vrplib_solution(path: str | Path) -> tuple[list[list[int]], float]:
    """Routes (location numbers as written, depots first from 0) and the cost of a VRPLIB ``.sol`` file."""
    return read_solution(path)


def best_known(path: str | Path) -> float:
    """Best-known cost of an instance in our cost units: from its ``.sol`` beside it, or ``bks.csv`` in its folder.

    A ``.sol`` cost is converted by the factor of its family's convention (:data:`~.vrplib_format.CONVENTIONS`:
    e.g. MDVRPTW files give it in thousandths).
    """
    path = Path(path)
    sol = path.with_suffix(".sol")
    if sol.exists():
        kind = parse(path)[0].get("TYPE", "CVRP").split()[0].upper() if path.suffix == ".vrp" else ""
        return read_solution(sol)[1] * CONVENTIONS.get(kind, ("nint", 1.0))[1]
    bks = path.parent / "bks.csv"
    if bks.exists():
        return _bks_row(bks, path)
    raise InputError(f"{path}: no best-known solution (.sol beside it or bks.csv in its folder)")


BKS_NAME_COLUMNS = ("instance", "name", "problem")
"""Column of a ``bks.csv`` that names the instance (the first present, case and spacing ignored)."""

BKS_VALUE_COLUMNS = ("best_known_distance", "best_known", "bks", "distance", "cost", "objective", "value")
"""Column of a ``bks.csv`` that holds the best-known cost (the first present, case and spacing ignored)."""


def _bks_row(bks: Path, path: Path) -> float:
    """The best-known cost of ``path`` in the table ``bks``; its instance column matched to the file's stem or name."""
    reader = csv.DictReader(io.StringIO(read_text(bks, "best-known table (bks.csv)"), newline=""))
    fields = {str(f).strip().lower().replace(" ", "_"): f for f in reader.fieldnames or []}
    name_col = next((fields[c] for c in BKS_NAME_COLUMNS if c in fields), None)
    value_col = next((fields[c] for c in BKS_VALUE_COLUMNS if c in fields), None)
    if name_col is None or value_col is None:
        raise CorruptFileError(
            f"{bks}: expected an instance column ({', '.join(BKS_NAME_COLUMNS)}) and a best-known column "
            f"({', '.join(BKS_VALUE_COLUMNS)}); columns are {', '.join(map(str, reader.fieldnames or []))}"
        )
    wanted = {path.stem.strip().upper(), path.name.strip().upper()}
    for line, row in enumerate(reader, start=2):
        if (row.get(name_col) or "").strip().upper() in wanted:
            text = (row.get(value_col) or "").strip()
            try:
                value = float(text)
            except ValueError:
                value = math.nan
            if not (math.isfinite(value) and value >= 0):
                raise CorruptFileError(f"{bks}: line {line}: {value_col} {text!r} is not a cost")
            return value
    raise InputError(f"{path}: no row for {path.stem} in {bks} (column {name_col!r})")
