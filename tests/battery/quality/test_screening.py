"""Production screening of the Weng et al. formation table, clean and with injected faults."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import median_abs_deviation

from gwangyang.battery.quality.robust_z import modified_z
from gwangyang.battery.quality.screening import screen
from gwangyang.demo import (
    FORMATION_COLUMNS,
    FORMATION_FAULTS,
    inject_formation_faults,
)
from gwangyang.errors import InputError
from gwangyang.samples import formation_table
from tests.conftest import SHARED


def test_shipped_sample_is_the_published_table() -> None:
    full = pd.read_csv(SHARED / "battery" / "formation" / "correlation_data_2022.csv")
    sample = formation_table()
    assert len(sample) == len(full) == 39
    for column in [*FORMATION_COLUMNS, "cycles_to_80_pct", "cycles_to_70_pct"]:
        np.testing.assert_allclose(sample[column], full[column], rtol=1e-7)


def test_clean_table_flags_no_cell_and_every_injected_fault_is_flagged() -> None:
    table = formation_table()
    clean = screen(table, "cellid", "lot", FORMATION_COLUMNS)
    assert clean.n_cells == 39 and clean.flagged == []
    faulty = screen(inject_formation_faults(table), "cellid", "lot", FORMATION_COLUMNS)
    flagged = {f.id: f for f in faulty.flagged}
    injected = {str(k) for k in FORMATION_FAULTS}
    assert injected <= set(flagged)
    untouched = set(flagged) - injected
    assert len(untouched) <= 0.05 * (39 - len(injected))
    for cellid, (column, factor) in FORMATION_FAULTS.items():
        cell = flagged[str(cellid)]
        assert cell.drivers[0] == column  # the measurement that made it bad comes first
        assert ("high" if factor > 1 else "low") in cell.reasons[0]
        assert cell.lot == table.loc[table["cellid"] == cellid, "lot"].item()


def test_modified_z_equals_scipy_mad_route() -> None:
    values = formation_table()[FORMATION_COLUMNS].to_numpy()
    mad = median_abs_deviation(values, axis=0, scale=1.0)
    expected = 0.6745 * (values - np.median(values, axis=0)) / mad
    np.testing.assert_allclose(modified_z(values), expected, rtol=1e-12)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda t: t.drop(columns=["cellid"]), "id_column 'cellid'"),
        (lambda t: t.assign(dcr_10s_5_soc_at_c3="high"), "must be numeric"),
        (lambda t: t.iloc[:1], "at least 3 cells"),
        (lambda t: pd.concat([t, t.iloc[:1]]), "duplicate id"),
    ],
)
def test_bad_input(change, words: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=words):
        screen(change(formation_table()), "cellid", "lot", FORMATION_COLUMNS)
