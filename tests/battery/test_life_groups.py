"""One batch spelt two ways in one cells.csv (``5/12/17`` on some rows, ``2017-05-12`` on others) is one group.

The independent route: the same cells with the batch spelt one way (the shipped sample's own table) give the
same folds, so the same interval and the same nested selection; the labels of a table spelt one way come back
unchanged (the fold arrays of the shared train and all-84 sets were compared before/after, see the commit).
"""

from __future__ import annotations

import numpy as np
import pytest

from gwangyang.battery.life_fit import fit_life
from gwangyang.battery.life_groups import batch_groups, interval_groups
from gwangyang.battery.life_select import select_life_model
from gwangyang.battery.severson import EarlyLifeSet, load_severson
from gwangyang.samples import sample_dir

SAMPLE = sample_dir("severson")
ISO = {"5/12/17": "2017-05-12", "6/30/17": "2017-06-30"}


@pytest.fixture(scope="module")
def cells() -> EarlyLifeSet:
    return load_severson(SAMPLE, require_life=True).sorted()


def _respelt(data: EarlyLifeSet) -> EarlyLifeSet:
    """Every other row's batch written ISO (``5/12/17`` and ``2017-05-12``, ``6/30/17`` and ``2017-06-30``)."""
    batch = [ISO[b] if k % 2 else b for k, b in enumerate(data.table["batch"].astype(str))]
    return EarlyLifeSet(data.cells, data.table.assign(batch=batch))


def _same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    pairs = set(zip(a.tolist(), b.tolist(), strict=True))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


def test_batch_groups_keep_one_spelling_and_merge_the_others() -> None:
    labels, notes = batch_groups(["5/12/17", "2017-05-12", "20170512", "6/30/17", "2017-05-12_batchdata"])
    assert labels.tolist() == ["5/12/17"] * 3 + ["6/30/17", "5/12/17"]
    assert notes == [
        "batch spellings '5/12/17' and '2017-05-12' and '20170512' and '2017-05-12_batchdata' name one batch "
        "(2017-05-12): one group"
    ]
    # spelt one way: returned as given, no note; two batches of one day stay two
    assert batch_groups(["b1", "5/12/17", "b1"])[0].tolist() == ["b1", "5/12/17", "b1"]
    labels, notes = batch_groups(["2017-05-12a", "2017-05-12b"])
    assert labels.tolist() == ["2017-05-12a", "2017-05-12b"] and notes == []


def test_one_batch_spelt_two_ways_is_one_group_of_the_interval(cells: EarlyLifeSet) -> None:
    mixed = _respelt(cells)
    assert set(mixed.table["batch"]) == {"5/12/17", "2017-05-12", "6/30/17", "2017-06-30"}
    ours, column = interval_groups(mixed)
    theirs, _ = interval_groups(cells)
    assert ours is not None and theirs is not None and column == "batch"
    assert len(set(ours.tolist())) == 2 and _same_partition(ours, theirs)
    fitted, reference = fit_life(mixed, "variance"), fit_life(cells, "variance")
    assert (
        fitted["interval"]
        == reference["interval"]
        == {
            "conformal": "group-cv+",
            "folds_by": "batch",
            "lot_shift": False,
        }
    )
    assert fitted["interval_factor"] == reference["interval_factor"]
    assert fitted["train"] == reference["train"]
    assert reference["warnings"] == []
    assert fitted["warnings"] == [
        "training cells: batch spellings '5/12/17' and '2017-05-12' name one batch (2017-05-12): one group.",
        "training cells: batch spellings '2017-06-30' and '6/30/17' name one batch (2017-06-30): one group.",
    ]


def test_one_batch_spelt_two_ways_is_one_group_of_the_nested_selection(cells: EarlyLifeSet) -> None:
    ours = select_life_model(_respelt(cells), candidates=["variance", "discharge"])
    theirs = select_life_model(cells, candidates=["variance", "discharge"])
    assert ours["folds_by"] == "batch" and len(ours["outer_choices"]) == 2
    assert ours == theirs
