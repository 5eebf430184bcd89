from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
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
from gwangyang.errors import CorruptFileError, InputError


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


def _copy_clo(shared: Path, tmp_path: Path) -> Path:
    import shutil

    folder = tmp_path / "클로"
    shutil.copytree(shared / "battery" / "clo", folder)
    return folder


def test_round_files_of_four_columns_or_with_a_header(shared: Path, tmp_path: Path) -> None:
    """Round files without CC4 (computed from the ten minutes) or written with a header hold the same cells."""
    original = read_predictions(shared / "battery" / "clo")
    folder = _copy_clo(shared, tmp_path)
    for path in sorted((folder / "pred").glob("*.csv")):
        table = pd.read_csv(path, header=None)
        if path.stem in ("0", "2"):
            table.drop(columns=3).to_csv(path, header=False, index=False)  # cc1, cc2, cc3, life
        else:
            table.to_csv(path, header=["CC1", "CC2", "CC3", "CC4", "life"], index=False)
    ours = read_predictions(folder)
    pd.testing.assert_frame_equal(ours.drop(columns="cc4"), original.drop(columns="cc4"))
    # the paper's CC4 (three decimals) is the ten-minute CC4
    np.testing.assert_allclose(ours["cc4"], original["cc4"], atol=6e-4)
    # a four-column file whose fourth column is CC4 holds no lives
    pd.read_csv(shared / "battery" / "clo" / "batch" / "0.csv", header=None).assign(
        cc4=lambda t: [cc4_from(*r) for r in t.to_numpy()]
    ).to_csv(folder / "pred" / "0.csv", header=False, index=False)
    with pytest.raises(CorruptFileError, match="without the predicted lives"):
        read_predictions(folder)


def test_policy_lists_with_a_header(shared: Path, tmp_path: Path) -> None:
    original = read_policies(shared / "battery" / "clo" / "batch" / "1.csv")
    path = tmp_path / "1.csv"
    pd.read_csv(shared / "battery" / "clo" / "batch" / "1.csv", header=None).to_csv(
        path, header=["CC1", "CC2", "CC3"], index=False
    )
    pd.testing.assert_frame_equal(read_policies(path), original)


def test_validation_files_matched_by_protocol(shared: Path, tmp_path: Path) -> None:
    """predictions.csv in another row order, columns lower-cased and moved, an index column: same table."""
    original = read_validation(shared / "battery" / "clo")
    folder = _copy_clo(shared, tmp_path)
    pred = pd.read_csv(folder / "validation" / "predictions.csv", encoding="utf-8-sig")
    pred = pred.iloc[::-1].rename(columns={"C1": "c1", "C2": "c2", "C3": "c3"})
    pred = pred[[*pred.columns[3:], "c1", "c2", "c3"]]
    pred.to_csv(folder / "validation" / "predictions.csv", index=True)
    ours = read_validation(folder)
    pd.testing.assert_frame_equal(ours, original)
    # by hand: the top protocol's early predictions (validation/predictions.csv, row 4.8-5.2-5.2)
    top = pred[(pred.c1 == 4.8) & (pred.c2 == 5.2) & (pred.c3 == 5.2)].iloc[0]
    expected = float(np.nanmean(top[[c for c in pred.columns if c.startswith("P")]].to_numpy(dtype=float)))
    row = ours[(ours.cc1 == 4.8) & (ours.cc2 == 5.2) & (ours.cc3 == 5.2)].iloc[0]
    assert row["predicted_mean"] == pytest.approx(expected)


def test_round_files_named_otherwise(shared: Path, tmp_path: Path) -> None:
    """round_0.csv ... round_3.csv (and a tenth round, round_10.csv, after round_3) keep their round numbers."""
    original = read_predictions(shared / "battery" / "clo")
    folder = tmp_path / "pred"
    folder.mkdir()
    for path in sorted((shared / "battery" / "clo" / "pred").glob("*.csv")):
        (folder / f"round_{path.stem}.csv").write_bytes(path.read_bytes())
    (folder / "round_10.csv").write_bytes((shared / "battery" / "clo" / "pred" / "0.csv").read_bytes())
    ours = read_predictions(folder)
    pd.testing.assert_frame_equal(ours[ours["round"] < 10].reset_index(drop=True), original)
    assert ours["round"].iloc[-1] == 10 and (ours["round"] == 10).sum() == (original["round"] == 0).sum()


def test_policy_lists_of_other_step_counts_are_refused(tmp_path: Path) -> None:
    # Five steps of 16 % SOC: the first four columns were read as a four-step protocol without a word.
    path = tmp_path / "정책_5단.csv"
    path.write_text("CC1,CC2,CC3,CC4,CC5\n6.0,5.6,5.2,4.8,4.0\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"정책_5단\.csv: 5 columns; expected 3 or 4 C-rates .* 20% SOC"):
        read_policies(path)
    # Three columns: CC4 from the 10-minute charge to 80 %, by hand for 8-4-4: 12/8 + 12/4 + 12/4 = 7.5 min,
    # so CC4 takes 2.5 min for its 20 % SOC: 12 / 2.5 = 4.8 C.
    path.write_text("8,4,4\n", encoding="utf-8")
    assert read_policies(path).to_numpy().tolist() == [[8.0, 4.0, 4.0, 4.8]]


def test_names_print_cc4_as_the_other_steps() -> None:
    """CC4 to 3 decimals without trailing zeros: ``8-6-5-4``, not ``8-6-5-4.000``; the grid's 224 names stay unique."""
    assert ChargingProtocol.parse("8-6-5-4").name == "8-6-5-4"
    assert (
        ChargingProtocol.parse("4.8-5.2-5.2").name == "4.8-5.2-5.2-4.16"
    )  # 12 / (10 - 2.5 - 2 x 2.3077) = 4.1600
    assert (
        ChargingProtocol.parse("8-6-5").name == "8-6-5-2.927"
    )  # 12 / (10 - 1.5 - 2 - 2.4) = 12 / 4.1 = 2.92683
    assert ChargingProtocol.parse("5-5-5-10.000").name == "5-5-5-10"  # a zero before the point stays
    grid = enumerate_protocols()
    names = [ChargingProtocol(*row).name for row in grid.itertuples(index=False)]
    assert len(set(names)) == len(names) == 224
    assert not [n for n in names if n.endswith("0") or n.endswith(".")]
    # the name reads back as the rates it prints (CC4 to 3 decimals), and the twin's cache key stays the rates
    again = [ChargingProtocol.parse(n) for n in names]
    assert np.abs(np.array([p.rates for p in again]) - grid.to_numpy()).max() < 5e-4
    assert ChargingProtocol.parse("8-6-5-4").cache_document() == [8.0, 6.0, 5.0, 4.0]
