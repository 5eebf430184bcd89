"""A container terminal scenario: berths, quay cranes, transport, yard, gate, arrivals, weather, energy.

Every part is a frozen dataclass that checks its values on creation; :meth:`Scenario.from_file`
reads a TOML file and names the offending field (``cranes[2].berth``) in any error.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from ..errors import InputError
from ..files import read_toml

GWANGYANG_TEU_2024 = 2.01e6
"""Gwangyang port's container throughput in 2024, TEU: "2.01 million TEU (+7.8 % on 1.86 M in 2023)"
(gj.newdaily.co.kr, 2025-02-04; quoted in ../shared/data/logistics/gwangyang-facts.md). The
``gwangyang-today`` scenario is calibrated to it."""

CraneKind = Literal["manual", "automated"]
TransportKind = Literal["truck", "agv", "lift-agv"]


def _positive(name: str, value: float, allow_zero: bool = False) -> None:
    if not (value >= 0 if allow_zero else value > 0):
        raise InputError(f"{name}: must be {'>= 0' if allow_zero else '> 0'}, got {value}")


@dataclass(frozen=True)
class Berth:
    """One quay berth.

    Parameters
    ----------
    name
        Unique berth name.
    length_m
        Quay length; a vessel longer than this cannot berth here.
    transport, yard
        Names of the transport pool and yard that serve this berth.
    open_from_h, open_to_h
        Daily opening hours (0 and 24 for round-the-clock).
    haul_m
        One-way distance from this berth to its yard; 0 means the transport pool's ``distance_m``.
    """

    name: str
    length_m: float
    transport: str
    yard: str
    open_from_h: float = 0.0
    open_to_h: float = 24.0
    haul_m: float = 0.0

    def __post_init__(self) -> None:
        _positive("length_m", self.length_m)
        _positive("haul_m", self.haul_m, allow_zero=True)
        if not 0 <= self.open_from_h < self.open_to_h <= 24:
            raise InputError(
                f"open_from_h/open_to_h: need 0 <= from < to <= 24, got {self.open_from_h}, {self.open_to_h}"
            )


@dataclass(frozen=True)
class CraneGroup:
    """Identical quay cranes installed at one berth.

    ``moves_per_hour`` is the net rate of one crane while it works; ``cycle_cv`` the coefficient
    of variation of one move's time (0: deterministic). Breakdowns arrive as a Poisson process
    (mean time between failures ``mtbf_h``; 0 disables) and take ``repair_h`` each.
    """

    berth: str
    count: int = 1
    kind: CraneKind = "manual"
    moves_per_hour: float = 28.0
    cycle_cv: float = 0.3
    mtbf_h: float = 0.0
    repair_h: float = 2.0
    kwh_per_move: float = 5.0

    def __post_init__(self) -> None:
        if self.count < 1:
            raise InputError(f"count: must be >= 1, got {self.count}")
        if self.kind not in ("manual", "automated"):
            raise InputError(f"kind: must be 'manual' or 'automated', got {self.kind!r}")
        _positive("moves_per_hour", self.moves_per_hour)
        _positive("cycle_cv", self.cycle_cv, allow_zero=True)
        _positive("mtbf_h", self.mtbf_h, allow_zero=True)
        _positive("repair_h", self.repair_h, allow_zero=True)
        _positive("kwh_per_move", self.kwh_per_move, allow_zero=True)


@dataclass(frozen=True)
class Transport:
    """A pool of horizontal-transport vehicles between quay and yard.

    One move takes a round trip of ``2 * distance_m`` at ``speed_kmh`` plus ``handling_min``.
    ``count = 0`` means transport is never a constraint (for analytic test cases).
    """

    name: str
    kind: TransportKind = "truck"
    count: int = 0
    per_crane: int = 4
    speed_kmh: float = 20.0
    distance_m: float = 500.0
    handling_min: float = 1.0
    kwh_per_km: float = 0.0
    diesel_l_per_km: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in ("truck", "agv", "lift-agv"):
            raise InputError(f"kind: must be truck, agv or lift-agv, got {self.kind!r}")
        _positive("count", self.count, allow_zero=True)
        if self.per_crane < 1:
            raise InputError(f"per_crane: must be >= 1, got {self.per_crane}")
        _positive("speed_kmh", self.speed_kmh)
        _positive("distance_m", self.distance_m, allow_zero=True)
        _positive("handling_min", self.handling_min, allow_zero=True)
        _positive("kwh_per_km", self.kwh_per_km, allow_zero=True)
        _positive("diesel_l_per_km", self.diesel_l_per_km, allow_zero=True)

    @property
    def cycle_h(self) -> float:
        """Hours of one vehicle's round trip for one move."""
        return self.cycle_h_for(self.distance_m)

    def cycle_h_for(self, distance_m: float) -> float:
        """Hours of one round trip of ``2 * distance_m`` plus handling."""
        return 2 * distance_m / 1000 / self.speed_kmh + self.handling_min / 60


@dataclass(frozen=True)
class Yard:
    """Yard blocks and yard cranes; ``per_crane`` yard cranes serve one working quay crane.

    ``cranes = 0`` means the yard cranes are never a constraint. ``ground_slots`` (TEU ground slots
    per block) and ``tiers`` (stack height) give each block's capacity, ``ground_slots x tiers`` TEU;
    ``ground_slots = 0`` means the yard never fills (see :mod:`gwangyang.port.yard`).
    """

    name: str
    blocks: int = 1
    cranes: int = 0
    kind: CraneKind = "manual"
    per_crane: int = 2
    moves_per_hour: float = 20.0
    kwh_per_move: float = 3.0
    diesel_l_per_move: float = 0.0
    ground_slots: int = 0
    tiers: int = 5

    def capacity_teu(self) -> float:
        """TEU the yard holds (``blocks x ground_slots x tiers``; 0 when it is unconstrained)."""
        return float(self.blocks * self.ground_slots * self.tiers)

    def __post_init__(self) -> None:
        if self.blocks < 1:
            raise InputError(f"blocks: must be >= 1, got {self.blocks}")
        if self.ground_slots < 0:
            raise InputError(f"ground_slots: must be >= 0, got {self.ground_slots}")
        if self.tiers < 1:
            raise InputError(f"tiers: must be >= 1, got {self.tiers}")
        _positive("cranes", self.cranes, allow_zero=True)
        if self.per_crane < 1:
            raise InputError(f"per_crane: must be >= 1, got {self.per_crane}")
        if self.kind not in ("manual", "automated"):
            raise InputError(f"kind: must be 'manual' or 'automated', got {self.kind!r}")
        _positive("moves_per_hour", self.moves_per_hour)
        _positive("kwh_per_move", self.kwh_per_move, allow_zero=True)
        _positive("diesel_l_per_move", self.diesel_l_per_move, allow_zero=True)


@dataclass(frozen=True)
class Gate:
    """The truck gate: lanes and minutes per truck transaction; ``gate_share`` of boxes pass it.

    ``dwell_h`` is the mean time a box stays in the yard (after discharge or before loading); gate
    boxes meet their truck at the other end of the stay. See :mod:`gwangyang.port.landside`.
    ``appointments_per_hour > 0`` runs a truck appointment system with that many slots in every
    clock hour (:mod:`gwangyang.port.appointments`); 0: trucks come when they like.
    """

    lanes: int = 1
    minutes_per_truck: float = 2.0
    gate_share: float = 0.5
    dwell_h: float = 72.0
    appointments_per_hour: int = 0

    def __post_init__(self) -> None:
        if self.lanes < 1:
            raise InputError(f"lanes: must be >= 1, got {self.lanes}")
        if self.appointments_per_hour < 0:
            raise InputError(f"appointments_per_hour: must be >= 0, got {self.appointments_per_hour}")
        _positive("minutes_per_truck", self.minutes_per_truck)
        if not 0 <= self.gate_share <= 1:
            raise InputError(f"gate_share: must be in [0, 1], got {self.gate_share}")
        _positive("dwell_h", self.dwell_h)


@dataclass(frozen=True)
class Service:
    """A liner service: weekly calls, TEU exchanged per call and its spread, vessel length, ETA noise.

    ``berths`` lists the berths its vessels may use (empty: any berth long enough).
    """

    name: str
    calls_per_week: float
    teu_per_call: float
    teu_cv: float = 0.3
    length_m: float = 200.0
    eta_noise_h: float = 0.0
    max_cranes: int = 3
    berths: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _positive("calls_per_week", self.calls_per_week)
        _positive("teu_per_call", self.teu_per_call)
        _positive("teu_cv", self.teu_cv, allow_zero=True)
        _positive("length_m", self.length_m)
        _positive("eta_noise_h", self.eta_noise_h, allow_zero=True)
        if self.max_cranes < 1:
            raise InputError(f"max_cranes: must be >= 1, got {self.max_cranes}")


@dataclass(frozen=True)
class Arrivals:
    """How vessels arrive: from services, Poisson, or a schedule file.

    ``scheduled``: regular weekly calls per service with ETA noise;
    ``poisson`` (exponential inter-arrival times at the services' total rate) or a ``schedule``
    CSV file (columns ``vessel, arrival_h, teu, length_m`` and optional ``service, max_cranes``).
    """

    process: Literal["scheduled", "poisson", "file"] = "scheduled"
    services: tuple[Service, ...] = ()
    schedule: str = ""

    def __post_init__(self) -> None:
        if self.process not in ("scheduled", "poisson", "file"):
            raise InputError(f"process: must be scheduled, poisson or file, got {self.process!r}")
        if self.process == "file" and not self.schedule:
            raise InputError("schedule: a file is needed when process = 'file'")
        if self.process != "file" and not self.services:
            raise InputError("services: at least one service is needed")


@dataclass(frozen=True)
class Weather:
    """Weather downtime: a fraction of the time cranes stop, in events of ``mean_event_h``."""

    downtime_fraction: float = 0.0
    mean_event_h: float = 12.0

    def __post_init__(self) -> None:
        if not 0 <= self.downtime_fraction < 1:
            raise InputError(f"downtime_fraction: must be in [0, 1), got {self.downtime_fraction}")
        _positive("mean_event_h", self.mean_event_h)


@dataclass(frozen=True)
class Energy:
    """Emission factors: kg CO2 per kWh of grid electricity and per litre of diesel; kWh per litre."""

    grid_kg_co2_per_kwh: float = 0.46
    diesel_kg_co2_per_l: float = 2.68
    diesel_kwh_per_l: float = 10.0

    def __post_init__(self) -> None:
        _positive("grid_kg_co2_per_kwh", self.grid_kg_co2_per_kwh, allow_zero=True)
        _positive("diesel_kg_co2_per_l", self.diesel_kg_co2_per_l, allow_zero=True)
        _positive("diesel_kwh_per_l", self.diesel_kwh_per_l, allow_zero=True)


@dataclass(frozen=True)
class Automation:
    """Layout, traffic and batteries of an automated terminal's AGVs (see :mod:`gwangyang.port.agv`).

    The quay cranes, the vehicle count, speed and energy, and the yard blocks come from the berths
    that use ``transport`` (a pool of kind ``agv`` or ``lift-agv``); this table adds what the
    move-level model needs. Distances in metres, times in minutes.

    Parameters
    ----------
    transport
        The AGV pool ("" = the first pool of kind agv or lift-agv).
    quay_lane_m
        From the quay cranes' handover points to the quay-parallel driving lane.
    yard_depth_m
        From the quay lane to the yard lane in front of the blocks' handover points.
    block_m
        From the yard lane to a block's handover point.
    gap_m
        Road length one AGV takes up: a lane segment holds ``max(1, length / gap_m)`` AGVs.
    quay_transfer_min, yard_transfer_min
        Time an AGV spends at a quay crane (box on or off) and at a block's handover rack.
    discharge_share
        Share of moves that are discharges (the rest are loads).
    moves_per_run
        A crane discharges, then loads, runs of this many moves (one vessel bay), so that
        discharges and loads mix across cranes.
    release_ahead
        Jobs each crane makes known ahead of the one it works on (the dispatcher's look-ahead).
    battery_kwh
        Usable battery per AGV (0: no batteries).
    charge_below
        An AGV goes to a station when its charge falls below this share after a job.
    charge_kw
        Charging power; ``swap_min > 0`` swaps batteries in that time instead.
    stations, chargers
        Charging (or swapping) stations at the ends of the yard lane, and places at each.
    horizontal_transport
        ``pool``: in ``port simulate`` the pool's vehicles work in fixed gangs per crane (as any
        pool); ``agv``: the cranes it serves are held up as the move-level model says for that many
        working cranes sharing the fleet (:mod:`gwangyang.port.fleet_rates`).
    dispatch
        The move-level model's dispatch policy in ``port simulate`` (``nearest``, ``earliest_due``,
        ``lookahead``).
    fleet_hours
        Measured hours of each move-level run behind ``horizontal_transport = "agv"``.
    """

    transport: str = ""
    quay_lane_m: float = 30.0
    yard_depth_m: float = 120.0
    block_m: float = 20.0
    gap_m: float = 25.0
    quay_transfer_min: float = 0.5
    yard_transfer_min: float = 0.5
    discharge_share: float = 0.5
    moves_per_run: int = 40
    release_ahead: int = 2
    battery_kwh: float = 0.0
    charge_below: float = 0.2
    charge_kw: float = 100.0
    swap_min: float = 0.0
    stations: int = 2
    chargers: int = 3
    horizontal_transport: Literal["pool", "agv"] = "pool"
    dispatch: str = "nearest"
    fleet_hours: float = 2.0

    def __post_init__(self) -> None:
        if self.horizontal_transport not in ("pool", "agv"):
            raise InputError(f"horizontal_transport: must be pool or agv, got {self.horizontal_transport!r}")
        if self.dispatch not in ("nearest", "earliest_due", "lookahead"):
            raise InputError(f"dispatch: must be nearest, earliest_due or lookahead, got {self.dispatch!r}")
        _positive("fleet_hours", self.fleet_hours)
        for name in ("quay_lane_m", "yard_depth_m", "block_m", "gap_m", "charge_kw"):
            _positive(name, getattr(self, name))
        for name in ("quay_transfer_min", "yard_transfer_min", "battery_kwh", "swap_min"):
            _positive(name, getattr(self, name), allow_zero=True)
        if not 0 <= self.discharge_share <= 1:
            raise InputError(f"discharge_share: must be in [0, 1], got {self.discharge_share}")
        if not 0 <= self.charge_below < 1:
            raise InputError(f"charge_below: must be in [0, 1), got {self.charge_below}")
        for name in ("moves_per_run", "release_ahead", "stations", "chargers"):
            if getattr(self, name) < 1:
                raise InputError(f"{name}: must be >= 1, got {getattr(self, name)}")


@dataclass(frozen=True)
class Policies:
    """Pluggable decisions: berth allocation, crane assignment, vehicle dispatch.

    ``berth``: ``fcfs`` (first come, first served), ``spt`` (shortest handling first) or ``optimal``
    (re-solve the berth allocation of the waiting vessels at each event; see
    :func:`gwangyang.port.berth_policies.optimal_policy`). ``cranes``: every crane of the berth or at most
    the vessel's ``max_cranes``. ``dispatch``: a freed vehicle gang (and yard-crane gang) serves the
    waiting requests in order (``fifo``), the one at the berth with the shortest haul first
    (``nearest``), or the one whose vessel is due first (``earliest_due``).
    """

    berth: Literal["fcfs", "spt", "optimal"] = "fcfs"
    cranes: Literal["all", "max_per_vessel"] = "max_per_vessel"
    dispatch: Literal["fifo", "nearest", "earliest_due"] = "fifo"

    def __post_init__(self) -> None:
        if self.berth not in ("fcfs", "spt", "optimal"):
            raise InputError(f"berth: must be fcfs, spt or optimal, got {self.berth!r}")
        if self.cranes not in ("all", "max_per_vessel"):
            raise InputError(f"cranes: must be all or max_per_vessel, got {self.cranes!r}")
        if self.dispatch not in ("fifo", "nearest", "earliest_due"):
            raise InputError(f"dispatch: must be fifo, nearest or earliest_due, got {self.dispatch!r}")


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
        _positive("teu_per_move", self.teu_per_move)
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
        with_cranes = {c.berth for c in self.cranes}
        for i, berth in enumerate(self.berths):
            if berth.name not in with_cranes:
                raise InputError(f"berths[{i}]: berth {berth.name!r} has no quay crane")

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

        Raises
        ------
        InputError
            One line naming the file and the field: unknown field, wrong type, bad value.
        """
        path = Path(path)
        data = read_toml(path, "scenario")
        data.setdefault("base_dir", str(path.resolve().parent))
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
            raise InputError(f"{where}: expected a number, got {value!r}")
        return float(value)
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputError(f"{where}: expected an integer, got {value!r}")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise InputError(f"{where}: expected a string, got {value!r}")
        return value
    return value


def _build(cls: Any, data: Any, source: str, prefix: str) -> Any:
    where = prefix or "scenario"
    if not isinstance(data, dict):
        raise InputError(f"{source}: {where}: expected a table, got {data!r}")
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        name = f"{prefix}.{unknown[0]}" if prefix else unknown[0]
        raise InputError(f"{source}: {name}: unknown field (known: {', '.join(sorted(known))})")
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
            kwargs[name] = tuple(value)
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
