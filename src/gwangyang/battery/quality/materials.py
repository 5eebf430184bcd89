"""Recoverable cathode materials of a cell, from published compositions, and their value at user-set prices.

The cathode's active mass is the cell's capacity over the cathode's practical specific capacity
(Nitta, Wu, Lee & Yushin 2015, "Li-ion battery materials: present and future", Materials Today
18:252, Table 1, "experimental" column); each element's mass follows from the formula's stoichiometry
and IUPAC standard atomic weights. This is a lower bound on the metal content of a real cell (it
ignores excess cathode, current collectors and casing) and is labelled as such.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...errors import InputError

ATOMIC_WEIGHT_G_PER_MOL: dict[str, float] = {
    # IUPAC standard atomic weights (abridged, 2021).
    "Li": 6.94,
    "Ni": 58.693,
    "Mn": 54.938,
    "Co": 58.933,
    "Fe": 55.845,
    "Al": 26.982,
    "P": 30.974,
    "O": 15.999,
}


@dataclass(frozen=True)
class Cathode:
    """A cathode chemistry: formula (moles of each element per formula unit) and practical capacity."""

    name: str
    formula: dict[str, float]
    practical_capacity_mah_per_g: float

    @property
    def molar_mass_g_per_mol(self) -> float:
        """Formula mass."""
        return sum(n * ATOMIC_WEIGHT_G_PER_MOL[e] for e, n in self.formula.items())


CATHODES: dict[str, Cathode] = {
    # Practical specific capacities: Nitta et al. 2015, Materials Today 18:252, Table 1.
    "NMC111": Cathode("LiNi1/3Mn1/3Co1/3O2", {"Li": 1, "Ni": 1 / 3, "Mn": 1 / 3, "Co": 1 / 3, "O": 2}, 160.0),
    "NCA": Cathode("LiNi0.8Co0.15Al0.05O2", {"Li": 1, "Ni": 0.8, "Co": 0.15, "Al": 0.05, "O": 2}, 199.0),
    "LCO": Cathode("LiCoO2", {"Li": 1, "Co": 1, "O": 2}, 148.0),
    "LMO": Cathode("LiMn2O4", {"Li": 1, "Mn": 2, "O": 4}, 120.0),
    "LFP": Cathode("LiFePO4", {"Li": 1, "Fe": 1, "P": 1, "O": 4}, 165.0),
}
"""Cathode chemistries with published practical capacities."""

ALIASES: dict[str, str] = {
    "NMC": "NMC111",
    "NCM": "NMC111",
    "NCM111": "NMC111",
    "LIFEPO4": "LFP",
    "LICOO2": "LCO",
}

EU_RECOVERY_TARGETS_2031: dict[str, float] = {
    # Regulation (EU) 2023/1542 (Batteries Regulation), Annex XII Part C: material recovery targets
    # from 31 December 2031 (lithium 80 %; cobalt, nickel 95 %).
    "Li": 0.80,
    "Co": 0.95,
    "Ni": 0.95,
}


def cathode(chemistry: str) -> Cathode:
    """Look up a chemistry by name (``NMC``, ``NMC111``, ``NCA``, ``LCO``, ``LMO``, ``LFP``)."""
    key = ALIASES.get(chemistry.strip().upper(), chemistry.strip().upper())
    if key not in CATHODES:
        raise InputError(
            f"chemistry: expected one of {', '.join(sorted(CATHODES))} (or NMC), got {chemistry!r}."
        )
    return CATHODES[key]


def element_masses_kg(chemistry: str, capacity_ah: float) -> dict[str, float]:
    """Mass of each cathode metal (kg, oxygen excluded) in a cell of the given nominal capacity."""
    if not capacity_ah > 0:
        raise InputError(f"nominal capacity must be positive, got {capacity_ah}.")
    spec = cathode(chemistry)
    cathode_g = capacity_ah * 1000.0 / spec.practical_capacity_mah_per_g
    mass = spec.molar_mass_g_per_mol
    return {
        e: cathode_g * n * ATOMIC_WEIGHT_G_PER_MOL[e] / mass / 1000.0
        for e, n in spec.formula.items()
        if e != "O"
    }


def material_value(
    chemistry: str, capacity_ah: float, prices_per_kg: dict[str, float], recovery: dict[str, float]
) -> float:
    """Value of the recoverable cathode metals of one cell: Σ mass × recovery rate × price."""
    masses = element_masses_kg(chemistry, capacity_ah)
    return float(sum(m * recovery.get(e, 0.0) * prices_per_kg.get(e, 0.0) for e, m in masses.items()))
