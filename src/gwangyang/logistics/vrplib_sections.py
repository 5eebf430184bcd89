"""The text layer of VRPLIB files: specifications and sections, each known or refused by name.

:func:`parse` splits a file into its ``KEY : value`` specifications and its sections, refusing a name this
project does not handle (:data:`REFUSED`) or does not know; :class:`Reader` checks and converts the numbers
of the sections (rows per node or per vehicle, ranges, node numbering). :mod:`.vrplib_format` builds the
routing :class:`~gwangyang.logistics.instance.Instance` from them.

The files (``.vrp``, ``.sol``, Solomon ``.txt``) are read with :func:`gwangyang.files.read_text`, as UTF-8:
bytes that are not UTF-8 are refused, not guessed. Every number, keyword and section name of these formats is
ASCII, so such a byte can only sit in a name or comment, written in another encoding (cp949/EUC-KR, Latin-1...)
or spoilt on the way; decoding it by a guessed encoding would put a wrong name on the results without anyone
noticing, and reading it as U+FFFD would lose it. The message names the file, the byte offset and line of the
first such byte; Korean names and comments in UTF-8 are read as they are.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .. import files
from ..errors import CorruptFileError, InputError

MAX_COORDINATE = 1e9
"""Largest coordinate magnitude accepted: beyond it the scaled integer distances would overflow."""

MAX_VALUE = 1e12
"""Largest magnitude of any other number (distance, demand, time, cost): beyond it scaled integers would overflow."""

SPECIFICATIONS = {
    "NAME",
    "COMMENT",
    "TYPE",
    "DIMENSION",
    "VEHICLES",
    "CAPACITY",
    "EDGE_WEIGHT_TYPE",
    "EDGE_WEIGHT_FORMAT",
    "NODE_COORD_TYPE",
    "DISPLAY_DATA_TYPE",
    "SERVICE_TIME",
    "RELEASE_TIME",
    "DISTANCE",
    "VEHICLES_DEPOT",
    "VEHICLES_MAX_RELOADS",
    "VEHICLES_MAX_DURATION",
    "VEHICLES_MAX_DISTANCE",
    "VEHICLES_FIXED_COST",
    "VEHICLES_UNIT_DISTANCE_COST",
}

NODE_SECTIONS = {
    "NODE_COORD_SECTION",
    "DEMAND_SECTION",
    "LINEHAUL_SECTION",
    "BACKHAUL_SECTION",
    "SERVICE_TIME_SECTION",
    "TIME_WINDOW_SECTION",
    "RELEASE_TIME_SECTION",
    "PICKUP_AND_DELIVERY_SECTION",
    "DISPLAY_DATA_SECTION",
    "PRIZE_SECTION",
}

VEHICLE_SECTIONS = {
    "CAPACITY_SECTION",
    "VEHICLES_DEPOT_SECTION",
    "VEHICLES_RELOAD_DEPOT_SECTION",
    "VEHICLES_MAX_RELOADS_SECTION",
    "VEHICLES_MAX_DURATION_SECTION",
    "VEHICLES_MAX_DISTANCE_SECTION",
    "VEHICLES_FIXED_COST_SECTION",
    "VEHICLES_UNIT_DISTANCE_COST_SECTION",
}

OTHER_SECTIONS = {
    "EDGE_WEIGHT_SECTION",
    "DEPOT_SECTION",
    "MUTUALLY_EXCLUSIVE_GROUP_SECTION",
    "VEHICLES_ALLOWED_CLIENTS_SECTION",
}
"""Sections with their own row layout: the matrix, the depots, client groups (``group node node ...``, any number
of rows) and the clients each vehicle may visit (``vehicle node node ...``, one row per vehicle)."""

REFUSED: dict[str, str] = {}
"""Sections of PyVRP's dialect that this reader refuses (rather than solve a different problem): none at present
(``PRIZE_SECTION``, ``MUTUALLY_EXCLUSIVE_GROUP_SECTION`` and ``VEHICLES_ALLOWED_CLIENTS_SECTION`` are read)."""


def euclidean(coords: np.ndarray) -> np.ndarray:
    """All-pairs Euclidean distances of planar points."""
    diff = coords[:, None, :] - coords[None, :, :]
    return np.asarray(np.sqrt((diff**2).sum(axis=2)))


def parse(
    path: Path, lines: dict[str, list[int]] | None = None
) -> tuple[dict[str, str], dict[str, list[list[str]]]]:
    """Specifications and sections of a VRPLIB file; an unknown or refused name is an error naming it.

    ``lines``, when given, receives the file's line number of each row of each section (for messages).
    """
    header: dict[str, str] = {}
    where: dict[str, list[int]] = lines if lines is not None else {}
    sections: dict[str, list[list[str]]] = {}
    current: str | None = None
    for number, raw in enumerate(files.read_text(path, "VRPLIB file").splitlines(), start=1):
        line = raw.strip()
        if not line or line == "EOF":
            continue
        section = re.match(r"^([A-Z_]+_SECTION)\b\s*:?\s*(.*)$", line)
        spec = re.match(r"^([A-Z][A-Z0-9_]*)\s*:\s*(.*)$", line)
        if section:
            current = section.group(1)
            known(path, current)
            if current in sections:
                raise CorruptFileError(f"{path}: line {number}: {current} appears twice")
            sections[current] = []
            where[current] = []
            if section.group(2):
                sections[current].append(section.group(2).split())
                where[current].append(number)
        elif spec and not line[0].isdigit():
            key = spec.group(1)
            known(path, key)
            header[key] = spec.group(2).strip().strip('"')
            current = None
        elif current is not None:
            sections[current].append(line.split())
            where[current].append(number)
        else:
            raise CorruptFileError(
                f"{path}: line {number}: expected 'KEY : value' or a section, got {line[:40]!r}"
            )
    return header, sections


def known(path: Path, name: str) -> None:
    """Refuse a specification or section that is refused (:data:`REFUSED`) or unknown, naming it."""
    if name in REFUSED:
        raise InputError(f"{path}: {name} ({REFUSED[name]}) is not supported")
    if name.endswith("_SECTION"):
        if name not in NODE_SECTIONS | VEHICLE_SECTIONS | OTHER_SECTIONS:
            raise InputError(f"{path}: unknown section {name}; it is refused rather than ignored")
    elif name not in SPECIFICATIONS:
        raise InputError(f"{path}: unknown specification {name}; it is refused rather than ignored")


def number(path: Path, where: str, text: str) -> float:
    """``text`` as a finite number of at most :data:`MAX_VALUE`; else a :class:`CorruptFileError` naming ``where``."""
    try:
        value = float(text)
    except ValueError as exc:
        raise CorruptFileError(f"{path}: {where}: expected a number, got {text!r}") from exc
    if not math.isfinite(value):
        raise CorruptFileError(f"{path}: {where}: expected a finite number, got {text!r}")
    if abs(value) > MAX_VALUE:
        raise CorruptFileError(f"{path}: {where}: {text} is too large (at most {MAX_VALUE:g} is supported)")
    return value


class Reader:
    """State of one file being read: its specifications, sections and node numbering."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: dict[str, list[int]] = {}
        self.header, self.sections = parse(path, self.lines)
        if "DIMENSION" not in self.header:
            raise CorruptFileError(f"{path}: missing specification DIMENSION")
        self.n = int(self.spec_number("DIMENSION", 2))
        ids: list[int] | None = None
        for name in (
            "NODE_COORD_SECTION",
            "DEMAND_SECTION",
            "LINEHAUL_SECTION",
            "PICKUP_AND_DELIVERY_SECTION",
        ):
            if name in self.sections:
                ids = [self.integer(name, row[0]) for row in self.rows(name, self.n, 1)]
                break
        self.ids = ids if ids is not None else list(range(1, self.n + 1))
        if len(set(self.ids)) != self.n:
            raise CorruptFileError(f"{path}: node numbers repeat")
        self.known_ids = set(self.ids)
        # After the node count check, so that a file cut short is reported where it was cut.
        demands = {"DEMAND_SECTION", "LINEHAUL_SECTION", "PICKUP_AND_DELIVERY_SECTION"} & set(self.sections)
        if not demands and ("CAPACITY" in self.header or "CAPACITY_SECTION" in self.sections):
            raise CorruptFileError(f"{path}: missing DEMAND_SECTION for CAPACITY")

    def spec_number(self, key: str, minimum: float = 0.0) -> float:
        """The number of specification ``key``, at least ``minimum``."""
        value = number(self.path, key, self.header[key])
        if value < minimum:
            raise CorruptFileError(f"{self.path}: {key} must be at least {minimum:g}, got {value:g}")
        return value

    def integer(self, where: str, text: str) -> int:
        """``text`` as an integer; ``where`` names it in the error."""
        value = number(self.path, where, text)
        if not value.is_integer():
            raise CorruptFileError(f"{self.path}: {where}: expected an integer, got {text!r}")
        return int(value)

    def rows(self, name: str, count: int, width: int) -> list[list[str]]:
        """The ``count`` non-empty rows of section ``name``, each of at least ``width`` fields."""
        rows = [r for r in self.sections[name] if r]
        if len(rows) != count:
            expected = f"DIMENSION = {count}" if name in NODE_SECTIONS else f"VEHICLES = {count}"
            raise CorruptFileError(f"{self.path}: {name} has {len(rows)} rows, expected {expected}")
        for row in rows:
            if len(row) < width:
                raise CorruptFileError(
                    f"{self.path}: {name}: expected {width} numbers per row, got {' '.join(row)!r}"
                )
        return rows

    def node_values(self, name: str, width: int, minimum: float | None = 0.0) -> dict[int, list[float]]:
        """Values of a node section by node number (``width`` numbers after the node number)."""
        out: dict[int, list[float]] = {}
        for row in self.rows(name, self.n, 1 + width):
            node = self.integer(name, row[0])
            if node not in self.known_ids:
                raise CorruptFileError(f"{self.path}: {name} names node {node}, which no other section has")
            values = [number(self.path, f"{name} node {node}", v) for v in row[1:]]
            if len(values) != width and width > 0:
                raise CorruptFileError(
                    f"{self.path}: {name} node {node}: expected {width} numbers, got {len(values)}"
                )
            if minimum is not None and any(v < minimum for v in values):
                raise CorruptFileError(
                    f"{self.path}: {name} node {node}: values must be >= {minimum:g}, got {' '.join(row[1:])}"
                )
            out[node] = values
        return out

    def vehicle_values(
        self, name: str, count: int, uniform: Callable[[], list[float]] | None
    ) -> list[list[float]]:
        """Per-vehicle values from ``name`` (a section), else the uniform specification, else ``uniform()``."""
        section = f"{name}_SECTION" if not name.endswith("_SECTION") else name
        if section in self.sections:
            rows = self.rows(section, count, 2)
            out: list[list[float]] = [[] for _ in range(count)]
            for row in rows:
                vehicle = self.integer(section, row[0])
                if not 1 <= vehicle <= count:
                    raise CorruptFileError(f"{self.path}: {section} names vehicle {vehicle} of {count}")
                values = [number(self.path, f"{section} vehicle {vehicle}", v) for v in row[1:]]
                if any(v < 0 for v in values):
                    raise CorruptFileError(f"{self.path}: {section} vehicle {vehicle}: values must be >= 0")
                out[vehicle - 1] = values
            return out
        key = name.removesuffix("_SECTION")
        if key in self.header:
            values = [number(self.path, key, v) for v in self.header[key].split()]
            if any(v < 0 for v in values):
                raise CorruptFileError(f"{self.path}: {key} must be >= 0")
            return [values] * count
        return [uniform() if uniform else []] * count

    def numbered_rows(self, name: str) -> list[tuple[int, list[str]]]:
        """The non-empty rows of section ``name`` with the file's line number of each."""
        at = self.lines.get(name, [])
        return [(line, row) for line, row in zip(at, self.sections[name], strict=True) if row]

    def node_list(self, name: str, line: int, fields: list[str]) -> list[int]:
        """Node numbers of one row of ``name`` (at ``line``), each a node of the file; else an error naming the line."""
        out = []
        for text in fields:
            node = self.integer(f"{name} line {line}", text)
            if node not in self.known_ids:
                raise CorruptFileError(
                    f"{self.path}: {name} line {line}: names node {node}, which is not a node of the file"
                )
            out.append(node)
        return out
