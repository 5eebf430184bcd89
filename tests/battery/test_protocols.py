from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gwangyang.battery.protocols import (
    N_PROTOCOLS,
    ChargingProtocol,
    cc4_from,
    enumerate_protocols,
    read_policies,
    read_predictions,
    read_validation,
)
from gwangyang.errors import InputError


def test_enumeration_matches_policies_all(shared: Path) -> None:
    published = read_policies(shared / "battery" / "clo" / "policies_all.csv")
    ours = enumerate_protocols()
    assert len(ours) == len(published) == N_PROTOCOLS == 224
    key = ["cc1", "cc2", "cc3"]
    merged = ours.merge(published, on=key, suffixes=("", "_paper"))
    assert len(merged) == 224
    # The paper's CC4 column is rounded to 3 decimals; ours comes from the 10-minute constraint.
    assert np.abs(merged["cc4"] - merged["cc4_paper"]).max() < 5e-4


def test_cc4_from_ten_minutes() -> None:
    # 4.8-5.2-5.2: 12/4.8 + 2*12/5.2 = 7.115 min, so CC4 = 12 / 2.885 = 4.16 C (the paper's 4.8C-5.2C-5.2C-4.160C).
    assert cc4_from(4.8, 5.2, 5.2) == pytest.approx(4.16, abs=1e-3)
    protocol = ChargingProtocol.parse("4.8-5.2-5.2")
    assert protocol.charge_time_min() == pytest.approx(10.0)
    assert ChargingProtocol.parse("8,7,5.6,4.0").cc4 == 4.0
    with pytest.raises(InputError, match="no time left"):
        ChargingProtocol.parse("3.6-3.6-3")
    with pytest.raises(InputError, match="expected"):
        ChargingProtocol.parse("fast")


def test_predictions_and_validation(shared: Path) -> None:
    clo = shared / "battery" / "clo"
    pred = read_predictions(clo)
    assert sorted(pred["round"].unique()) == [0, 1, 2, 3]
    # Every file row is one tested cell: the four files hold 185 cells in all.
    assert len(pred) == sum(len(p.read_text().strip().splitlines()) for p in (clo / "pred").glob("*.csv"))
    val = read_validation(clo)
    assert len(val) == 9
    top = val.loc[(val.cc1 == 4.8) & (val.cc2 == 5.2) & (val.cc3 == 5.2)].iloc[0]
    assert top["cells"] == 5
    assert top["final_mean"] == pytest.approx(np.mean([857, 873, 864, 774, 1082]))
