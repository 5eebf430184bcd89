"""One vessel call as the terminal simulation sees it: arrival, TEU and moves, size, due time."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VesselCall:
    """One vessel call: when it arrives, how many TEU and crane moves it brings, its size.

    ``due_h`` is the scheduled departure (ETA plus a nominal port stay) used by earliest-due dispatch.
    """

    vessel: int
    service: str
    eta_h: float
    arrival_h: float
    teu: float
    moves: int
    length_m: float
    max_cranes: int
    due_h: float
    berths: tuple[str, ...] = ()
    name: str = ""
    """The vessel's name in a call list (any script); generated calls have none."""
    row: int = 0
    """The call's row in its call list (1 = first data row); 0 for generated calls."""

    @property
    def label(self) -> str:
        """The name, or the vessel number of a generated call."""
        return self.name or str(self.vessel)
