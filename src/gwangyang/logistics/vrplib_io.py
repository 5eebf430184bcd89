"""Read the standard benchmark files: VRPLIB CVRP ``.vrp`` (with ``.sol``) and Solomon VRPTW ``.txt``.

VRPLIB ``EUC_2D`` distances are Euclidean rounded to the nearest integer (TSPLIB's ``nint``), the convention of the
best-known costs of Uchoa et al. (2017). Solomon distances are unrounded Euclidean, as in the distance-only
best-known solutions; travel time equals distance. Client labels are the files' own node numbers.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import numpy as np

from ..errors import CorruptFileError, InputError, UnknownFormatError
from .instance import Instance, VehicleSpec


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError as exc:
        raise InputError(f"{path}: file not found") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a folder, expected a file") from exc


def euclidean(coords: np.ndarray) -> np.ndarray:
    """All-pairs Euclidean distances of planar points."""
    diff = coords[:, None, :] - coords[None, :, :]
    return np.asarray(np.sqrt((diff**2).sum(axis=2)))


def read_vrplib(path: str | Path) -> Instance:
    """Read a VRPLIB CVRP instance (``EUC_2D``, ``CEIL_2D`` or ``EXPLICIT FULL_MATRIX``).

    Raises
    ------
    CorruptFileError
        A missing section or header, a short or non-numeric section, an unknown edge-weight type.
    """
    path = Path(path)
    lines = [line.strip() for line in _text(path).splitlines()]
    header: dict[str, str] = {}
    sections: dict[str, list[list[str]]] = {}
    current: str | None = None
    for number, line in enumerate(lines, start=1):
        if not line or line == "EOF":
            continue
        match = re.match(r"^([A-Z_]+)\s*:\s*(.*)$", line)
        if match and not match.group(1).endswith("_SECTION"):
            header[match.group(1)] = match.group(2).strip().strip('"')
            current = None
        elif re.match(r"^[A-Z_]+_SECTION\b", line):
            current = line.split()[0].rstrip(":")
            sections[current] = []
        elif current is not None:
            sections[current].append(line.split())
        else:
            raise CorruptFileError(
                f"{path}: line {number}: expected 'KEY : value' or a section, got {line[:40]!r}"
            )
    for key in ("DIMENSION", "CAPACITY"):
        if key not in header:
            raise CorruptFileError(f"{path}: missing header {key}")
    try:
        n, capacity = int(header["DIMENSION"]), float(header["CAPACITY"])
    except ValueError as exc:
        raise CorruptFileError(f"{path}: DIMENSION and CAPACITY must be numbers") from exc
    if n < 2 or capacity <= 0:
        raise CorruptFileError(f"{path}: DIMENSION must be >= 2 and CAPACITY positive")
    demand_rows = _section(path, sections, "DEMAND_SECTION", n, 2)
    node_ids = [int(r[0]) for r in demand_rows]
    demand_by_id = {int(r[0]): float(r[1]) for r in demand_rows}
    depots = [int(r[0]) for r in sections.get("DEPOT_SECTION", [["1"], ["-1"]]) if r and r[0] != "-1"]
    if not depots or any(d not in demand_by_id for d in depots):
        raise CorruptFileError(f"{path}: DEPOT_SECTION must name node ids from DEMAND_SECTION")
    order = depots + [i for i in node_ids if i not in depots]
    kind = header.get("EDGE_WEIGHT_TYPE", "")
    coords = np.zeros((n, 2))
    if "NODE_COORD_SECTION" in sections:
        rows = {
            int(r[0]): (float(r[1]), float(r[2]))
            for r in _section(path, sections, "NODE_COORD_SECTION", n, 3)
        }
        if set(rows) != set(node_ids):
            raise CorruptFileError(f"{path}: NODE_COORD_SECTION and DEMAND_SECTION name different nodes")
        coords = np.array([rows[i] for i in order])
    if kind in ("EUC_2D", "CEIL_2D"):
        if "NODE_COORD_SECTION" not in sections:
            raise CorruptFileError(f"{path}: {kind} needs a NODE_COORD_SECTION")
        exact = euclidean(coords)
        distance = np.floor(exact + 0.5) if kind == "EUC_2D" else np.ceil(exact)
    elif kind == "EXPLICIT" and header.get("EDGE_WEIGHT_FORMAT") == "FULL_MATRIX":
        values = [float(v) for row in sections.get("EDGE_WEIGHT_SECTION", []) for v in row]
        if len(values) != n * n:
            raise CorruptFileError(f"{path}: EDGE_WEIGHT_SECTION has {len(values)} numbers, expected {n * n}")
        full = np.array(values).reshape(n, n)
        position = {node: k for k, node in enumerate(node_ids)}
        perm = [position[i] for i in order]
        distance = full[np.ix_(perm, perm)]
    else:
        raise CorruptFileError(
            f"{path}: EDGE_WEIGHT_TYPE {kind or '(missing)'} not supported (EUC_2D, CEIL_2D, EXPLICIT FULL_MATRIX)"
        )
    clients = order[len(depots) :]
    demand = np.array([[demand_by_id[i]] for i in clients])
    if (demand > capacity).any():
        bad = clients[int(np.argmax(demand[:, 0] > capacity))]
        raise CorruptFileError(f"{path}: node {bad} demands more than CAPACITY {capacity:g}")
    m = len(clients)
    return Instance(
        name=header.get("NAME", path.stem),
        source="vrplib",
        location_names=[str(i) for i in order],
        coordinates=coords,
        num_depots=len(depots),
        distance=distance,
        duration=distance.copy(),
        client_location=np.arange(len(depots), n),
        client_label=list(clients),
        demand=demand,
        service=np.zeros(m),
        tw_early=np.zeros(m),
        tw_late=np.full(m, np.inf),
        vehicles=[VehicleSpec("vehicle", m, (capacity,))],
        depot_tw=np.array([[0.0, np.inf]] * len(depots)),
    )


def _section(
    path: Path, sections: dict[str, list[list[str]]], name: str, n: int, width: int
) -> list[list[str]]:
    if name not in sections:
        raise CorruptFileError(f"{path}: missing {name}")
    rows = [r for r in sections[name] if r]
    if len(rows) != n:
        raise CorruptFileError(f"{path}: {name} has {len(rows)} rows, expected DIMENSION = {n}")
    for row in rows:
        try:
            if len(row) < width:
                raise ValueError
            [float(v) for v in row[:width]]
        except ValueError as exc:
            raise CorruptFileError(
                f"{path}: {name}: expected {width} numbers per row, got {' '.join(row)!r}"
            ) from exc
    return rows


def read_solomon(path: str | Path) -> Instance:
    """Read a Solomon VRPTW instance (``VEHICLE`` then ``CUSTOMER`` table; customer 0 is the depot)."""
    path = Path(path)
    lines = [line.split() for line in _text(path).splitlines()]
    tokens = [t for t in lines if t]
    try:
        v_at = next(i for i, t in enumerate(tokens) if t[0].upper() == "VEHICLE")
        count, capacity = int(tokens[v_at + 2][0]), float(tokens[v_at + 2][1])
        c_at = next(i for i, t in enumerate(tokens) if t[0].upper() == "CUSTOMER")
    except (StopIteration, IndexError, ValueError) as exc:
        raise CorruptFileError(
            f"{path}: expected a Solomon file with VEHICLE (NUMBER, CAPACITY) and CUSTOMER sections"
        ) from exc
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
    if (table[:, 5] < table[:, 4]).any():
        bad = int(table[np.argmax(table[:, 5] < table[:, 4]), 0])
        raise CorruptFileError(f"{path}: customer {bad}: due date is before ready time")
    coords = table[:, 1:3]
    distance = euclidean(coords)
    m = len(table) - 1
    horizon = (float(table[0, 4]), float(table[0, 5]))
    return Instance(
        name=tokens[0][0],
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
        from .model import RoutingProblem

        instance: Instance = RoutingProblem.from_file(path).to_instance()
        return instance
    head = _text(path)[:2000].upper()
    if suffix == ".vrp" or "NODE_COORD_SECTION" in head or "DIMENSION" in head:
        return read_vrplib(path)
    if "VEHICLE" in head and "CUSTOMER" in head:
        return read_solomon(path)
    raise UnknownFormatError(f"{path}: not a problem file (.toml/.json), a VRPLIB .vrp or a Solomon .txt")


def read_vrplib_solution(path: str | Path) -> tuple[list[list[int]], float]:
    """Routes (client numbers, 1-based as in the file) and the cost of a VRPLIB ``.sol`` file."""
    path = Path(path)
    routes: list[list[int]] = []
    cost = math.nan
    for line in _text(path).splitlines():
        if line.lower().startswith("route"):
            routes.append([int(v) for v in line.split(":", 1)[1].split()])
        elif line.lower().startswith("cost"):
            cost = float(line.split()[1])
    if not routes or math.isnan(cost):
        raise CorruptFileError(f"{path}: expected 'Route #k: ...' lines and a 'Cost N' line")
    return routes, cost


def best_known(path: str | Path) -> float:
    """Best-known cost of an instance: from its ``.sol`` beside it, or from ``bks.csv`` in its folder."""
    path = Path(path)
    sol = path.with_suffix(".sol")
    if sol.exists():
        return read_vrplib_solution(sol)[1]
    bks = path.parent / "bks.csv"
    if bks.exists():
        with bks.open(newline="") as handle:
            for row in csv.DictReader(handle):
                if row.get("instance", "").upper() == path.stem.upper():
                    return float(row["best_known_distance"])
    raise InputError(f"{path}: no best-known solution (.sol beside it or bks.csv in its folder)")
