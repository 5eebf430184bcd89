"""Recoverable cathode metals against stoichiometry worked by hand."""

from __future__ import annotations

import pytest

from gwangyang.battery.quality.materials import element_masses_kg, material_value
from gwangyang.errors import InputError


def test_lfp_35ah_by_hand() -> None:
    # LiFePO4: M = 6.94 + 55.845 + 30.974 + 4 × 15.999 = 157.755 g/mol; 165 mAh/g (Nitta et al. 2015)
    # cathode = 35 000 mAh / 165 mAh/g = 212.121 g; Fe = 212.121 × 55.845 / 157.755 = 75.090 g
    masses = element_masses_kg("LFP", 35.0)
    assert masses["Fe"] == pytest.approx(0.075090, rel=1e-4)
    assert masses["Li"] == pytest.approx(212.121 * 6.94 / 157.755 / 1000, rel=1e-4)  # 9.332 g
    assert set(masses) == {"Li", "Fe", "P"}


def test_nmc111_2_1ah_by_hand() -> None:
    # LiNi1/3Mn1/3Co1/3O2: M = 6.94 + (58.693 + 54.938 + 58.933) / 3 + 2 × 15.999 = 96.459 g/mol
    # cathode = 2100 / 160 = 13.125 g; Co = 13.125 × 19.6443 / 96.459 = 2.6730 g
    masses = element_masses_kg("NMC", 2.1)
    assert masses["Co"] == pytest.approx(0.0026730, rel=1e-4)
    assert masses["Ni"] == pytest.approx(13.125 * 58.693 / 3 / 96.459 / 1000, rel=1e-4)


def test_value_is_mass_times_recovery_times_price() -> None:
    # LFP 35 Ah: 9.332 g Li × 0.8 × 60 $/kg = 0.4479 $; iron and phosphorus have no price here
    value = material_value("LFP", 35.0, {"Li": 60.0}, {"Li": 0.8, "Fe": 0.9})
    assert value == pytest.approx(0.009332 * 0.8 * 60.0, rel=1e-3)


def test_unknown_chemistry() -> None:
    with pytest.raises(InputError, match="got 'NaIon'"):
        element_masses_kg("NaIon", 1.0)
