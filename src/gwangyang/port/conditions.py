"""What a terminal scenario works in: the gate, the liner services and arrivals, weather and energy.

The traffic that calls (:class:`Service`, :class:`Arrivals`), the truck gate and yard dwell
(:class:`Gate`), the weather downtime (:class:`Weather`) and the emission factors
(:class:`Energy`); each a frozen dataclass that checks its values on creation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..errors import InputError
from ..written import as_written
from .field_checks import check_positive


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
        check_positive("minutes_per_truck", self.minutes_per_truck)
        if not 0 <= self.gate_share <= 1:
            raise InputError(f"gate_share: must be in [0, 1], got {self.gate_share}")
        check_positive("dwell_h", self.dwell_h)


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
        check_positive("calls_per_week", self.calls_per_week)
        check_positive("teu_per_call", self.teu_per_call)
        check_positive("teu_cv", self.teu_cv, allow_zero=True)
        check_positive("length_m", self.length_m)
        check_positive("eta_noise_h", self.eta_noise_h, allow_zero=True)
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
            raise InputError(f"process: must be scheduled, poisson or file, got {as_written(self.process)}")
        if self.process == "file" and not self.schedule:
            raise InputError("schedule: a file is needed when process = 'file'")
        if self.process != "file" and not self.services:
            raise InputError("services: at least one service is needed")
        # Settings the chosen process would not read are refused, not ignored.
        if self.process != "file" and self.schedule:
            raise InputError(
                f"schedule: only read with process = 'file' (process is {as_written(self.process)})"
            )
        if self.process == "file" and self.services:
            raise InputError(
                "services: not used with process = 'file' (the call list gives the calls); remove them, "
                "or choose process = 'scheduled' or 'poisson'"
            )
        for i, service in enumerate(self.services):
            if self.process == "poisson" and service.eta_noise_h > 0:
                raise InputError(
                    f"services[{i}].eta_noise_h: only used with process = 'scheduled' (Poisson arrivals have "
                    f"no timetable to miss), got {service.eta_noise_h}"
                )


@dataclass(frozen=True)
class Weather:
    """Weather downtime: a fraction of the time cranes stop, in events of ``mean_event_h``."""

    downtime_fraction: float = 0.0
    mean_event_h: float = 12.0

    def __post_init__(self) -> None:
        if not 0 <= self.downtime_fraction < 1:
            raise InputError(f"downtime_fraction: must be in [0, 1), got {self.downtime_fraction}")
        check_positive("mean_event_h", self.mean_event_h)


@dataclass(frozen=True)
class Energy:
    """Emission factors: kg CO2 per kWh of grid electricity and per litre of diesel; kWh per litre."""

    grid_kg_co2_per_kwh: float = 0.46
    diesel_kg_co2_per_l: float = 2.68
    diesel_kwh_per_l: float = 10.0

    def __post_init__(self) -> None:
        check_positive("grid_kg_co2_per_kwh", self.grid_kg_co2_per_kwh, allow_zero=True)
        check_positive("diesel_kg_co2_per_l", self.diesel_kg_co2_per_l, allow_zero=True)
        check_positive("diesel_kwh_per_l", self.diesel_kwh_per_l, allow_zero=True)
