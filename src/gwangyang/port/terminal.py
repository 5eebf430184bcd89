"""A container terminal scenario: the whole terminal, and reading it from TOML.

:class:`Scenario` ties the parts together (equipment in :mod:`gwangyang.port.equipment`, traffic and
surroundings in :mod:`gwangyang.port.conditions`, automation and policies in
:mod:`gwangyang.port.operations`; every part is a frozen dataclass that checks its values on
creation) and checks their cross-references; :meth:`Scenario.from_file` reads a TOML file and names
the offending field (``cranes[2].berth``) in any error; the shipped scenarios load by name.
"""

from __future__ import annotations

import dataclasses
import types
import typing
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from ..errors import InputError
from ..files import read_toml
from ..written import as_written
from .conditions import Arrivals, Energy, Gate, Weather
from .equipment import Berth, CraneGroup, Transport, Yard
from .field_checks import check_positive
from .operations import Automation, Policies

GWANGYANG_TEU_2024 = 2.01e6
"""Gwangyang port's container throughput in 2024, TEU: "2.01 million TEU (+7.8 % on 1.86 M in 2023)"
(gj.newdaily.co.kr, 2025-02-04; quoted in ../shared/data/logistics/gwangyang-facts.md). The
``gwangyang-today`` scenario is calibrated to it."""


@dataclass(frozen=True)
class Scenario:
    """A whole terminal: its equipment, its traffic and its operating policies.

    ``teu_per_move`` converts crane moves (boxes) to TEU; ``chunk_moves`` is how many moves a
    crane does between simulation events (larger is faster, coarser).
    """

    name: str
    berths: tuple[Berth, ...]
    cranes: tuple[CraneGroup, ...]
    transport: tuple[Transport, ...]
    yards: tuple[Yard, ...]
    arrivals: Arrivals
    gate: Gate = field(default_factory=Gate)
    weather: Weather = field(default_factory=Weather)
    energy: Energy = field(default_factory=Energy)
    policies: Policies = field(default_factory=Policies)
    automation: Automation = field(default_factory=Automation)
    teu_per_move: float = 1.6
    chunk_moves: int = 25
    description: str = ""
    base_dir: str = ""

    def __post_init__(self) -> None:
        if not self.berths:
            raise InputError("berths: at least one berth is needed")
        check_positive("teu_per_move", self.teu_per_move)
        if self.chunk_moves < 1:
            raise InputError(f"chunk_moves: must be >= 1, got {self.chunk_moves}")
        _unique("berths", [b.name for b in self.berths])
        _unique("transport", [t.name for t in self.transport])
        _unique("yards", [y.name for y in self.yards])
        berths = {b.name for b in self.berths}
        pools = {t.name for t in self.transport}
        yards = {y.name for y in self.yards}
        for i, crane in enumerate(self.cranes):
            if crane.berth not in berths:
                raise InputError(
                    f"cranes[{i}].berth: {crane.berth!r} is not a berth (known: {', '.join(sorted(berths))})"
                )
        for i, berth in enumerate(self.berths):
            if berth.transport not in pools:
                raise InputError(f"berths[{i}].transport: {berth.transport!r} is not a transport pool")
            if berth.yard not in yards:
                raise InputError(f"berths[{i}].yard: {berth.yard!r} is not a yard")
        for i, service in enumerate(self.arrivals.services):
            for name in service.berths:
                if name not in berths:
                    raise InputError(f"arrivals.services[{i}].berths: {name!r} is not a berth")
            allowed = [b for b in self.berths if not service.berths or b.name in service.berths]
            longest = max(b.length_m for b in allowed)
            if service.length_m > longest:
                # Its vessels would wait for ever and be left out of every KPI.
                raise InputError(
                    f"arrivals.services[{i}].length_m: {service.length_m:g} m is longer than every berth "
                    f"its vessels may use (longest {longest:g} m)"
                )
        if self.automation.transport and self.automation.transport not in pools:
            raise InputError(f"automation.transport: {self.automation.transport!r} is not a transport pool")
        self._check_gangs()
        with_cranes = {c.berth for c in self.cranes}
        for i, berth in enumerate(self.berths):
            if berth.name not in with_cranes:
                raise InputError(f"berths[{i}]: berth {berth.name!r} has no quay crane")

    def _check_gangs(self) -> None:
        """Every pool of vehicles or yard cranes that works in gangs has at least one gang.

        The AGV pool of the move-level model (``automation.horizontal_transport = "agv"``) works
        vehicle by vehicle and is not checked.
        """
        fleet = ""
        if self.automation.horizontal_transport == "agv":
            agvs = [t.name for t in self.transport if t.kind in ("agv", "lift-agv")]
            fleet = self.automation.transport or (agvs[0] if agvs else "")
            if not fleet:
                raise InputError(
                    "automation.horizontal_transport: 'agv' needs a transport pool of kind agv or lift-agv"
                )
            i = [t.name for t in self.transport].index(fleet)
            # The move-level model simulates each AGV: "count = 0, unconstrained" means nothing to it.
            if self.transport[i].count < 1:
                raise InputError(
                    f"transport[{i}].count: the AGV pool of the move-level model "
                    "(automation.horizontal_transport = 'agv') needs at least one AGV, got 0"
                )
            if not any(b.transport == fleet for b in self.berths):
                raise InputError(f"automation.transport: the AGV pool {fleet!r} serves no berth")
        for i, pool in enumerate(self.transport):
            if 0 < pool.count < pool.per_crane and pool.name != fleet:
                raise InputError(
                    f"transport[{i}].count: {pool.count} vehicles are fewer than one gang of per_crane = "
                    f"{pool.per_crane} (lower per_crane, or count = 0 for a pool that never holds the cranes up)"
                )
        for i, yard in enumerate(self.yards):
            if 0 < yard.cranes < yard.per_crane:
                raise InputError(
                    f"yards[{i}].cranes: {yard.cranes} yard cranes are fewer than one gang of per_crane = "
                    f"{yard.per_crane} (lower per_crane, or cranes = 0 for yard cranes that never hold the quay up)"
                )

    def cranes_at(self, berth: str) -> list[CraneGroup]:
        """The crane groups installed at a berth."""
        return [c for c in self.cranes if c.berth == berth]

    def to_dict(self) -> dict[str, Any]:
        """The scenario as a JSON-ready dict."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "scenario") -> Scenario:
        """Build a scenario from a dict (as read from TOML); errors name ``source`` and the field."""
        return _build(cls, data, source, "")

    @classmethod
    def from_file(cls, path: str | Path) -> Scenario:
        """Read a TOML scenario file.

        ``base_dir``, the folder ``arrivals.schedule`` is read relative to, is the file's folder; a file that
        sets it is refused.

        Raises
        ------
        InputError
            One line naming the file and the field: unknown field, wrong type, bad value.
        """
        path = Path(path)
        data = read_toml(path, "scenario")
        if "base_dir" in data:
            # The folder a call list is read from is the file's own (set here): a file that chose another
            # could make a server read any file it can reach (an uploaded scenario on the API).
            raise InputError(
                f"{path}: base_dir: not a scenario field (a call list is read relative to the scenario "
                "file's folder: write arrivals.schedule relative to it)"
            )
        data["base_dir"] = str(path.resolve().parent)
        return _build(cls, data, str(path), "")


def _unique(what: str, names: list[str]) -> None:
    seen: set[str] = set()
    for i, name in enumerate(names):
        if name in seen:
            raise InputError(f"{what}[{i}].name: duplicate name {name!r}")
        seen.add(name)


def _check_type(value: Any, hint: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    if origin is Literal:
        return value  # checked by __post_init__, which lists the allowed values
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError(f"{where}: expected a number, got {as_written(value)}")
        return float(value)
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputError(f"{where}: expected an integer, got {as_written(value)}")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise InputError(f"{where}: expected a string, got {as_written(value)}")
        # Hangul typed on one system and pasted from another (macOS file names are decomposed, NFD)
        # looks the same but compares unequal: names are matched in their composed form (NFC).
        return unicodedata.normalize("NFC", value)
    return value


def _build(cls: Any, data: Any, source: str, prefix: str) -> Any:
    where = prefix or "scenario"
    if not isinstance(data, dict):
        raise InputError(f"{source}: {where}: expected a table, got {as_written(data)}")
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        name = f"{prefix}.{unknown[0]}" if prefix else unknown[0]
        # base_dir is set by the loader, never by a file (a file that sets it is refused): not offered as known
        fields = sorted(set(known) - {"base_dir"})
        raise InputError(f"{source}: {name}: unknown field (known: {', '.join(fields)})")
    kwargs: dict[str, Any] = {}
    for name, spec in known.items():
        full = f"{prefix}.{name}" if prefix else name
        if name not in data:
            if spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING:
                raise InputError(f"{source}: {full}: required field is missing")
            continue
        hint = hints[name]
        value = data[name]
        if typing.get_origin(hint) is tuple and typing.get_args(hint)[0] is str:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise InputError(f"{source}: {full}: expected a list of strings")
            kwargs[name] = tuple(unicodedata.normalize("NFC", v) for v in value)
        elif typing.get_origin(hint) is tuple:
            item = typing.get_args(hint)[0]
            plural = {Berth: "berths", CraneGroup: "cranes", Transport: "transport", Yard: "yards"}.get(item)
            if not isinstance(value, list):
                raise InputError(f"{source}: {full}: expected an array of tables ([[{plural or name}]])")
            kwargs[name] = tuple(_build(item, v, source, f"{full}[{i}]") for i, v in enumerate(value))
        elif dataclasses.is_dataclass(hint):
            kwargs[name] = _build(hint, value, source, full)
        elif isinstance(hint, types.UnionType):
            kwargs[name] = value
        else:
            kwargs[name] = _check_type(value, hint, f"{source}: {full}")
    try:
        return cls(**kwargs)
    except InputError as exc:
        message = str(exc)
        if prefix and not message.startswith(("cranes[", "berths[")):
            message = f"{prefix}.{message}"
        raise InputError(f"{source}: {message}") from None


def scenario_dir() -> Path:
    """Folder of the scenarios shipped with the package."""
    return Path(str(resources.files("gwangyang.port") / "scenarios"))


def shipped_scenarios() -> list[str]:
    """Names of the shipped scenarios (``gwangyang-today``, ``gwangyang-automated``)."""
    return sorted(p.stem for p in scenario_dir().glob("*.toml"))


def load_scenario(name_or_file: str | Path) -> Scenario:
    """A shipped scenario by name, or a TOML file by path."""
    path = Path(name_or_file)
    if path.suffix.lower() != ".toml" and not path.exists():
        candidate = scenario_dir() / f"{name_or_file}.toml"
        if not candidate.exists():
            raise InputError(
                f"scenario: {name_or_file!r} is neither a file nor a shipped scenario ({', '.join(shipped_scenarios())})"
            )
        path = candidate
    return Scenario.from_file(path)
