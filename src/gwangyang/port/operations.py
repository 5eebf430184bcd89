"""How a terminal scenario is operated: its automated vehicles' model and its decision policies.

:class:`Automation` holds the layout, traffic and batteries of the AGV model and how it joins the
terminal simulation; :class:`Policies` the berth, crane and dispatch decisions. Both are frozen
dataclasses that check their values on creation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..errors import InputError
from ..written import as_written
from .field_checks import check_positive


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
        Share of moves that are discharges (the rest are loads); also the share of boxes whose
        yard stay starts at the quay (the rest end theirs there) in the gate model
        (:func:`gwangyang.port.landside.box_flows`), for any transport. Default 0.5.
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
            raise InputError(
                f"horizontal_transport: must be pool or agv, got {as_written(self.horizontal_transport)}"
            )
        if self.dispatch not in ("nearest", "earliest_due", "lookahead"):
            raise InputError(
                f"dispatch: must be nearest, earliest_due or lookahead, got {as_written(self.dispatch)}"
            )
        check_positive("fleet_hours", self.fleet_hours)
        for name in ("quay_lane_m", "yard_depth_m", "block_m", "gap_m", "charge_kw"):
            check_positive(name, getattr(self, name))
        for name in ("quay_transfer_min", "yard_transfer_min", "battery_kwh", "swap_min"):
            check_positive(name, getattr(self, name), allow_zero=True)
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
            raise InputError(f"berth: must be fcfs, spt or optimal, got {as_written(self.berth)}")
        if self.cranes not in ("all", "max_per_vessel"):
            raise InputError(f"cranes: must be all or max_per_vessel, got {as_written(self.cranes)}")
        if self.dispatch not in ("fifo", "nearest", "earliest_due"):
            raise InputError(
                f"dispatch: must be fifo, nearest or earliest_due, got {as_written(self.dispatch)}"
            )
