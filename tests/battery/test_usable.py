"""Which cycles feed health, life and fleet figures: implausible and undersampled cycles are left out, and said why.

Independent route: the vendor's own Maccor columns (``Amp-hr`` reset at each step, ``State`` C/D,
rows per ``(Cyc#, Step)``) read straight from the raw text (``vendor_steps`` of ``test_steps``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery import service
from gwangyang.battery.checks import EFFICIENCY_RANGE, check_cycles
from gwangyang.battery.cycles import (
    IMPLAUSIBLE_EFFICIENCY,
    INCOMPLETE,
    NOT_CAPACITY_KIND,
    cycle_summary,
    left_out_reasons,
    usable_cycles,
)
from gwangyang.battery.ingest import ingest
from gwangyang.battery.kinds import MIN_STEP_ROWS, undersampled_cycles
from gwangyang.store.store import Store
from tests.battery.test_steps import MACCOR, _structured, vendor_steps

TZ = MACCOR / "PredictionDiagnostics_000109_tztest.010"
THINNED = MACCOR / "PreDiag_000412_00008Fshort.022"


def test_reasons_count_each_left_out_cycle_once() -> None:
    cycles = pd.DataFrame(
        {
            "cycle_index": [1, 2, 3, 4, 5, 6],
            "discharge_capacity_ah": [1.0, 1.0, 0.1, 1.3, 0.9, 1.0],
            "coulombic_efficiency": [0.99, 1.5, 0.5, np.nan, 1.25, 0.7],
            "kind": ["aging", "hppc", "aging", "aging", "rpt", "aging"],
            "complete": [True, True, False, True, True, True],
        }
    )
    kept, left_out = usable_cycles(cycles)
    # 2: a pulse cycle; 3: incomplete (its efficiency not counted again); 5: 1.25 > 1.2; 4: no efficiency;
    # 6: a lossy cycle (0.7) still measures capacity
    assert kept["cycle_index"].tolist() == [1, 4, 6] and left_out == 3
    assert left_out_reasons(cycles) == {INCOMPLETE: 1, NOT_CAPACITY_KIND: 1, IMPLAUSIBLE_EFFICIENCY: 1}
    assert EFFICIENCY_RANGE == (0.8, 1.2)


def test_end_of_test_cycle_does_not_feed_health(tmp_path: Path) -> None:
    """The .010 file's end-of-test cycle (charge cut short: 1.87) does not feed health; its lossy ageing cycles (0.71, 0.72) do."""
    vendor = vendor_steps(TZ).groupby("cycle")[["charge", "discharge"]].sum()
    # Cyc# 89: the 2C charge stopped at 4.4 V after 0.28 Ah (the 0.484 Ah charge of step 71 opens the
    # next, incomplete loop), then 0.52 Ah out; Cyc# 87 and 88 give 0.71 and 0.72
    charge, discharge = vendor["charge"], vendor["discharge"]
    ce_89 = discharge.loc[89] / (charge.loc[89] - 0.483982)
    ce_87, ce_88 = (discharge.loc[c] / charge.loc[c] for c in (87, 88))
    assert ce_89 == pytest.approx(1.868, abs=2e-3)
    assert ce_87 == pytest.approx(0.712, abs=2e-3) and ce_88 == pytest.approx(0.721, abs=2e-3)
    store = Store(tmp_path / "store")
    assert ingest([TZ], store=store).failed == []
    (cell_id,) = store.cells()["cell_id"].tolist()
    cycles = store.cycles(cell_id).set_index("cycle_index")
    # the cycles table itself is unchanged: cycle 89 keeps its 0.52 Ah and is complete
    assert cycles.loc[89, "discharge_capacity_ah"] == pytest.approx(vendor.loc[89, "discharge"], rel=5e-3)
    assert bool(cycles.loc[89, "complete"]) and cycles.loc[89, "kind"] == "rpt"
    for cycle, ce in ((87, ce_87), (88, ce_88), (89, ce_89)):
        assert cycles.loc[cycle, "coulombic_efficiency"] == pytest.approx(ce, rel=5e-3)
    kept, left_out = usable_cycles(cycles.reset_index())
    assert kept["cycle_index"].tolist() == [87, 88] and left_out == 3
    assert left_out_reasons(cycles) == {INCOMPLETE: 2, IMPLAUSIBLE_EFFICIENCY: 1}
    # the fleet table shows the ageing cycles' capacity (the vendor's), not the 0.52 Ah of cycle 89, and says why
    (row,) = service.list_cells(store)
    assert row["max_discharge_capacity_ah"] == pytest.approx(vendor.loc[87, "discharge"], rel=5e-3)
    assert row["last_discharge_capacity_ah"] == pytest.approx(vendor.loc[88, "discharge"], rel=5e-3)
    assert row["left_out_cycles"] == 3
    assert row["left_out_reasons"] == {INCOMPLETE: 2, IMPLAUSIBLE_EFFICIENCY: 1}
    assert service.fleet_health(store) == {}


def test_thinned_export_is_undersampled_not_complete(tmp_path: Path) -> None:
    """PreDiag .022 keeps about one row per step: its cycles' Amp-hr is ~0 and cannot make a health figure."""
    ts, steps, _ = _structured(THINNED)
    cycles = cycle_summary(ts, steps)
    vendor = vendor_steps(THINNED)
    # the vendor's cycles whose largest charging or discharging (Cyc#, Step) run has under 3 rows
    most = pd.concat(
        [vendor[vendor[d] > 0].groupby("cycle")["rows"].max() for d in ("charge", "discharge")], axis=1
    ).dropna()
    thin_vendor = set(most.index[most.min(axis=1) < MIN_STEP_ROWS])
    thin = cycles["cycle_index"].isin(undersampled_cycles(steps)).to_numpy()
    assert set(cycles.loc[thin, "vendor_cycle_index"]) <= thin_vendor
    assert thin.sum() == 336 and len(thin_vendor) == 337
    assert not cycles.loc[cycles["vendor_cycle_index"].isin(thin_vendor), "complete"].any()
    # what is left complete are the two reset cycles logged in full, with the vendor's Amp-hr
    complete = cycles[cycles["complete"]]
    assert complete["vendor_cycle_index"].tolist() == [1, 36]
    by_cycle = vendor.groupby("cycle")[["charge", "discharge"]].sum()
    np.testing.assert_allclose(
        complete["discharge_capacity_ah"], by_cycle.loc[[1, 36], "discharge"], rtol=5e-3
    )
    assert (most.loc[[1, 36]] >= MIN_STEP_ROWS).all().all()
    (warning,) = [w for w in check_cycles(cycles, None, steps=steps) if w["kind"] == "undersampled"]
    assert warning["detail"].startswith("336 cycle(s) logged too thinly")
    # through the ingest: the warning is reported, and health is left with the two reset cycles
    store = Store(tmp_path / "store")
    report = ingest([THINNED], store=store)
    assert report.failed == []
    (cell_id,) = store.cells()["cell_id"].tolist()
    assert [w["kind"] for w in store.meta(cell_id)["warnings"]].count("undersampled") == 1
    kept, left_out = usable_cycles(store.cycles(cell_id))
    assert kept["vendor_cycle_index"].tolist() == [1, 36] and left_out == len(cycles) - 2
