"""A terminal scenario's equipment: berths, quay cranes, horizontal-transport pools and yards.

Each is a frozen dataclass that checks its values on creation (a one-line error naming the field);
:class:`gwangyang.port.terminal.Scenario` ties them together by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..errors import InputError
from ..written import as_written
from .field_checks import check_positive

CraneKind = Literal["manual", "automated"]
TransportKind = Literal["truck", "agv", "lift-agv"]


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
        Daily opening hours (0 and 24 for round-the-clock; from 22 to 6 for a night shift across midnight).
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
        check_positive("length_m", self.length_m)
        check_positive("haul_m", self.haul_m, allow_zero=True)
        if not (
            0 <= self.open_from_h < 24 and 0 <= self.open_to_h <= 24 and self.open_from_h != self.open_to_h
        ):
            raise InputError(
                "open_from_h/open_to_h: need hours of the day, 0 <= from < 24, 0 <= to <= 24, from != to "
                f"(from > to: open across midnight), got {self.open_from_h}, {self.open_to_h}"
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
            raise InputError(f"kind: must be 'manual' or 'automated', got {as_written(self.kind)}")
        check_positive("moves_per_hour", self.moves_per_hour)
        check_positive("cycle_cv", self.cycle_cv, allow_zero=True)
        check_positive("mtbf_h", self.mtbf_h, allow_zero=True)
        check_positive("repair_h", self.repair_h, allow_zero=True)
        check_positive("kwh_per_move", self.kwh_per_move, allow_zero=True)


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
            raise InputError(f"kind: must be truck, agv or lift-agv, got {as_written(self.kind)}")
        check_positive("count", self.count, allow_zero=True)
        if self.per_crane < 1:
            raise InputError(f"per_crane: must be >= 1, got {self.per_crane}")
        check_positive("speed_kmh", self.speed_kmh)
        check_positive("distance_m", self.distance_m, allow_zero=True)
        check_positive("handling_min", self.handling_min, allow_zero=True)
        check_positive("kwh_per_km", self.kwh_per_km, allow_zero=True)
        check_positive("diesel_l_per_km", self.diesel_l_per_km, allow_zero=True)

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
        check_positive("cranes", self.cranes, allow_zero=True)
        if self.per_crane < 1:
            raise InputError(f"per_crane: must be >= 1, got {self.per_crane}")
        if self.kind not in ("manual", "automated"):
            raise InputError(f"kind: must be 'manual' or 'automated', got {as_written(self.kind)}")
        check_positive("moves_per_hour", self.moves_per_hour)
        check_positive("kwh_per_move", self.kwh_per_move, allow_zero=True)
        check_positive("diesel_l_per_move", self.diesel_l_per_move, allow_zero=True)
