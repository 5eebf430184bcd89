"""A Severson-layout batch that differs from the shared one but is still valid.

Built here from the shipped sample's cells: other split, batch and policy labels, Korean cell names, a
``cells.csv`` with its columns in another order, Q(V) matrices with cycles beyond 100, and matrices on a
voltage grid of another row count. The independent route: the predictions of the original cells (the same
Q(V) over cycles 2–100, so the same features), and ΔQ(V) statistics computed by hand on the stated grid.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery.features import SeversonFeatures
from gwangyang.battery.life_fit import fit_life, predict_life
from gwangyang.battery.life_groups import batch_key
from gwangyang.battery.qdlin import qdlin_voltages, read_qdlin
from gwangyang.battery.severson import load_severson
from gwangyang.cli.main import main
from gwangyang.errors import CorruptFileError, InputError
from gwangyang.samples import sample_dir

SAMPLE = sample_dir("severson")


def _write(path: Path, matrix: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt") as handle:
        np.savetxt(handle, matrix, delimiter=",", fmt="%.10g")


def _regrid(matrix: np.ndarray, rows: int) -> np.ndarray:
    """Q(V) on a linear grid of ``rows`` voltages from 3.6 V to 2.0 V (linear interpolation of each column)."""
    old, new = np.linspace(3.6, 2.0, matrix.shape[0]), np.linspace(3.6, 2.0, rows)
    return np.column_stack([np.interp(new[::-1], old[::-1], col[::-1])[::-1] for col in matrix.T])


def _new_batch(tmp_path: Path, rows: int | None = None) -> tuple[Path, dict[str, str]]:
    """The sample's test cells as a new batch; returns the folder and new name → original name."""
    original = pd.read_csv(SAMPLE / "cells.csv")
    test = original[original["split"] == "test1"].reset_index(drop=True)
    folder = tmp_path / "새 배치"
    names = {}
    rows_out = []
    for k, (_, row) in enumerate(test.iterrows()):
        matrix = np.loadtxt(SAMPLE / "test1" / f"{row['cell'].removeprefix('test1_')}.csv.gz", delimiter=",")
        # cycles 101..160 appended: a longer early-life record (a fading copy of cycle 100)
        later = matrix[:, -1:] * np.linspace(0.9999, 0.995, 60)[None, :]
        matrix = np.hstack([matrix, later]) if rows is None else _regrid(matrix, rows)
        name = f"셀{k + 1}"
        _write(folder / "secondary" / f"{name}.csv.gz", matrix)
        names[name] = str(row["cell"])
        rows_out.append(
            {
                "policy": row["policy"],
                "cycle_life": row["cycle_life"],
                "split": "secondary",
                "batch": "2018-04-12",
                "cell": name,
                "channel": k + 1,
            }
        )
    pd.DataFrame(rows_out).to_csv(folder / "cells.csv", index=False)
    return folder, names


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("model") / "m.gwm"
    fit_life(load_severson(SAMPLE, split="train", require_life=True).sorted(), "variance", out=out)
    return out


@pytest.fixture(scope="module")
def sample_predictions(model: Path) -> list[dict[str, Any]]:
    """The model's predictions for the whole sample, the reference rows several tests compare with (read only)."""
    return predict_life(model, [str(SAMPLE)])


@pytest.fixture(scope="module")
def test1_predictions(model: Path) -> list[dict[str, Any]]:
    """The model's predictions for the sample's test1 folder (read only)."""
    return predict_life(model, [str(SAMPLE / "test1")])


def test_cycles_beyond_100_and_other_labels_predict_as_the_original(
    tmp_path: Path, model: Path, test1_predictions: list[dict[str, Any]]
) -> None:
    folder, names = _new_batch(tmp_path)
    data = load_severson(folder)
    assert all(c.qdlin.shape == (1000, 159) and c.last_cycle == 160 for c in data.cells)
    assert set(load_severson(folder, split="secondary").table["cell"]) == set(names)
    ours = {r["cell"]: r for r in predict_life(model, [str(folder)])}
    theirs = {r["cell"]: r for r in test1_predictions}
    # the original cells, read without cells.csv, are named by file stem
    for new, old in names.items():
        stem = old.removeprefix("test1_")
        for key in ("predicted_cycle_life", "lower", "upper"):
            assert ours[new][key] == theirs[stem][key]
    assert {r["cycle_life"] for r in ours.values()} == set(
        pd.read_csv(folder / "cells.csv")["cycle_life"].astype(float)
    )


@pytest.mark.parametrize("rows", [500, 1999])
def test_a_grid_of_other_row_count_is_read_on_the_same_span(
    tmp_path: Path, model: Path, rows: int, sample_predictions: list[dict[str, Any]]
) -> None:
    folder, names = _new_batch(tmp_path, rows)
    data = load_severson(folder)
    cell = data.cells[0]
    assert cell.qdlin.shape == (rows, 99)
    assert cell.voltages is not None
    np.testing.assert_allclose(cell.voltages, np.linspace(3.6, 2.0, rows))
    # by hand: ΔQ = Q100 − Q10 on the rows at or below 3.5 V, log10 of its sample variance
    volts = 3.6 - 1.6 * np.arange(rows) / (rows - 1)
    dq = cell.qdlin[:, 98] - cell.qdlin[:, 8]
    hand = np.log10(np.var(dq[volts <= 3.5 + 1e-9], ddof=1))
    assert SeversonFeatures("variance").fit(None).transform([cell])[0, 0] == pytest.approx(hand, rel=1e-12)
    # and the predictions agree with those of the 1000-row originals (interpolation changes ΔQ only slightly)
    ours = {r["cell"]: r["predicted_cycle_life"] for r in predict_life(model, [str(folder)])}
    theirs = {r["cell"]: r["predicted_cycle_life"] for r in sample_predictions}
    for new, old in names.items():
        assert ours[new] == pytest.approx(theirs[old], rel=2e-3)  # measured: 3e-4 (500 rows), 2e-4 (1999)


def test_qdlin_voltages_keep_the_severson_grid() -> None:
    assert qdlin_voltages(1000)[0] == 3.6 and qdlin_voltages(1000)[-1] == 2.0
    np.testing.assert_array_equal(qdlin_voltages(1000), np.linspace(3.6, 2.0, 1000))
    assert np.diff(qdlin_voltages(37)).std() < 1e-12


def test_a_transposed_or_tiny_matrix_is_refused(tmp_path: Path) -> None:
    good = np.loadtxt(SAMPLE / "train" / "cell1.csv.gz", delimiter=",")
    small = _regrid(good, 120)  # 120 voltages × 99 cycles: valid
    _write(tmp_path / "ok.csv.gz", small)
    assert read_qdlin(tmp_path / "ok.csv.gz").qdlin.shape == (120, 99)
    _write(tmp_path / "t.csv.gz", small.T)  # 99 rows × 120 columns: rows are cycles
    with pytest.raises(InputError, match="transposed"):
        read_qdlin(tmp_path / "t.csv.gz", min_cycles=2)
    _write(tmp_path / "tiny.csv.gz", good[:5])
    with pytest.raises(InputError, match="at least 10 voltages"):
        read_qdlin(tmp_path / "tiny.csv.gz")


def test_a_model_of_an_earlier_pair_predicts_a_shorter_record(tmp_path: Path) -> None:
    """A model of ΔQ = Q60 − Q10 is fitted on and predicts files that stop at cycle 60."""
    short = tmp_path / "short"
    shutil.copytree(SAMPLE, short)
    for path in short.rglob("*.csv.gz"):
        _write(path, np.loadtxt(path, delimiter=",")[:, :59])  # cycles 2..60
    with pytest.raises(InputError, match="needs 100 cycles"):
        load_severson(short)
    out = tmp_path / "m60.gwm"
    fitted = fit_life(
        load_severson(short, split="train", require_life=True, min_cycles=60).sorted(),
        "variance",
        cycles=(10, 60),
        out=out,
    )
    full = fit_life(load_severson(SAMPLE, split="train", require_life=True).sorted(), "variance", (10, 60))
    assert fitted["train"] == full["train"]  # cycles past 60 play no part in a (10, 60) model
    rows = predict_life(out, [str(short / "test1")])
    assert len(rows) == 4


def test_cli_predicts_the_new_batch(tmp_path: Path, model: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder, names = _new_batch(tmp_path)
    assert main(["battery", "life", "predict", str(folder), "--model", str(model), "--json"]) == 0
    ours = {r["cell"]: r["predicted_cycle_life"] for r in json.loads(capsys.readouterr().out)}
    assert main(["battery", "life", "predict", str(SAMPLE), "--model", str(model), "--json"]) == 0
    theirs = {r["cell"]: r["predicted_cycle_life"] for r in json.loads(capsys.readouterr().out)}
    assert {new: ours[new] for new in names} == {new: theirs[old] for new, old in names.items()}


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("5/12/17", "2017-05-12"),
        ("05/12/2017", "2017-05-12"),
        ("2017-05-12", "2017-05-12"),
        ("20170512", "2017-05-12"),
        ("2017-05-12_batchdata_updated_struct_errorcorrect", "2017-05-12"),
        (" 배치 3 ", "배치 3"),
        ("13/40/17", "13/40/17"),
    ],
)
def test_batch_key_spells_a_date_one_way(label: str, key: str) -> None:
    assert batch_key(label) == key


def test_files_by_any_name_and_in_any_sub_folder(
    tmp_path: Path, model: Path, test1_predictions: list[dict[str, Any]]
) -> None:
    """Matrix files not called cellN.csv.gz (b3c1.csv.gz, 셀2.csv), and cells.csv without a split column."""
    plain = tmp_path / "plain"
    plain.mkdir()
    originals = {"b3c1.csv.gz": "cell3", "셀2.csv": "cell13", "cell_x.csv.gz": "cell41"}
    for name, old in originals.items():
        matrix = np.loadtxt(SAMPLE / "test1" / f"{old}.csv.gz", delimiter=",")
        if name.endswith(".gz"):
            _write(plain / name, matrix)
        else:
            np.savetxt(plain / name, matrix, delimiter=",", fmt="%.10g")
    data = load_severson(plain)
    assert sorted(c.cell for c in data.cells) == sorted(["b3c1", "셀2", "cell_x"])
    theirs = {r["cell"]: r["predicted_cycle_life"] for r in test1_predictions}
    ours = {r["cell"]: r["predicted_cycle_life"] for r in predict_life(model, [str(plain)])}
    assert ours == {name.split(".")[0]: theirs[old] for name, old in originals.items()}
    # cells.csv without a split column, the files one folder down
    nested = tmp_path / "nested"
    shutil.copytree(plain, nested / "batch3")
    pd.DataFrame({"cell": ["셀2", "b3c1"], "cycle_life": [700, 800]}).to_csv(
        nested / "cells.csv", index=False
    )
    rows = predict_life(model, [str(nested)])
    assert [(r["cell"], r["predicted_cycle_life"], r["cycle_life"]) for r in rows] == [
        ("셀2", ours["셀2"], 700.0),
        ("b3c1", ours["b3c1"], 800.0),
    ]
    shutil.copytree(plain, nested / "again")
    with pytest.raises(InputError, match="has 2 matrix files"):
        load_severson(nested)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp949"])
def test_cells_csv_saved_by_excel(tmp_path: Path, encoding: str) -> None:
    """cells.csv with a BOM, or in cp949 with Korean names (Excel on Korean Windows): the same table."""
    folder, names = _new_batch(tmp_path)
    table = pd.read_csv(folder / "cells.csv")
    (folder / "cells.csv").write_bytes(table.to_csv(index=False).encode(encoding))
    data = load_severson(folder)
    assert list(data.table.columns) == list(table.columns) and data.table["cell"].tolist() == list(names)
    np.testing.assert_array_equal(data.cycle_life, table["cycle_life"].to_numpy(dtype=float))


@pytest.mark.parametrize(
    "layout", ["cycle numbers", "names", "voltage column", "voltages up, names", "from cycle 1"]
)
def test_a_matrix_written_with_a_header_or_a_voltage_column(
    tmp_path: Path, model: Path, layout: str, test1_predictions: list[dict[str, Any]]
) -> None:
    """The same Q(V) written with a header row and/or a first column of voltages: the same cell, the same prediction."""
    original = np.loadtxt(SAMPLE / "test1" / "cell3.csv.gz", delimiter=",")
    volts = np.linspace(3.6, 2.0, 1000)
    cycles = [str(c) for c in range(2, 101)]
    if layout == "cycle numbers":
        frame = pd.DataFrame(original, columns=cycles)
    elif layout == "names":
        frame = pd.DataFrame(original, columns=[f"cycle_{c}" for c in cycles])
    elif layout == "voltage column":
        frame = pd.DataFrame(np.column_stack([volts, original]), columns=["", *cycles])
    elif layout == "voltages up, names":
        frame = pd.DataFrame(
            np.column_stack([volts, original])[::-1], columns=["voltage_v", *[f"Q{c}" for c in cycles]]
        )
    else:  # a cycle-1 column before cycle 2, numbered
        frame = pd.DataFrame(np.column_stack([original[:, 0], original]), columns=["1", *cycles])
    path = tmp_path / "cell3.csv"
    frame.to_csv(path, index=False, float_format="%.10g")
    cell = read_qdlin(path)
    start = 1 if layout == "from cycle 1" else 0
    np.testing.assert_allclose(cell.qdlin[:, start:], original, rtol=0, atol=1e-12)
    assert cell.first_cycle == (1 if layout == "from cycle 1" else 2) and cell.last_cycle == 100
    assert cell.voltages is not None
    np.testing.assert_allclose(cell.voltages, volts, atol=1e-9)
    theirs = {r["cell"]: r["predicted_cycle_life"] for r in test1_predictions}
    ours = predict_life(model, [str(path)])[0]["predicted_cycle_life"]
    assert ours == pytest.approx(theirs["cell3"], rel=1e-9)


def test_a_header_of_cycles_that_do_not_follow_is_refused(tmp_path: Path) -> None:
    original = np.loadtxt(SAMPLE / "test1" / "cell3.csv.gz", delimiter=",")
    path = tmp_path / "gap.csv"
    pd.DataFrame(original, columns=[f"c{c}" for c in [*range(2, 50), *range(51, 102)]]).to_csv(
        path, index=False
    )
    with pytest.raises(InputError, match="not consecutive"):
        read_qdlin(path)
    bad = tmp_path / "bad.csv"
    bad.write_text("1,2\n0.1,x\n" * 6)
    with pytest.raises(CorruptFileError, match="'x'"):
        read_qdlin(bad)


def test_a_batch_with_one_damaged_file(
    tmp_path: Path, model: Path, capsys: pytest.CaptureFixture[str], sample_predictions: list[dict[str, Any]]
) -> None:
    """One cell's file cut short: the other cells are predicted as before, that one named, exit 1."""
    folder, names = _new_batch(tmp_path)
    damaged = next(iter(names))
    path = folder / "secondary" / f"{damaged}.csv.gz"
    _write(path, np.loadtxt(path, delimiter=",")[:, :40])
    with pytest.raises(InputError, match="needs 100 cycles"):
        load_severson(folder)  # without an error list: the first error, as before
    errors: list[dict[str, str]] = []
    data = load_severson(folder, errors=errors)
    assert [e["cell"] for e in errors] == [damaged] and damaged not in data.table["cell"].tolist()
    assert len(data.cells) == len(data.table) == len(names) - 1
    assert main(["battery", "life", "predict", str(folder), "--model", str(model), "--json"]) == 1
    out, err = capsys.readouterr()
    ours = {r["cell"]: r["predicted_cycle_life"] for r in json.loads(out)}
    theirs = {r["cell"]: r["predicted_cycle_life"] for r in sample_predictions}
    assert ours == {new: theirs[old] for new, old in names.items() if new != damaged}
    assert damaged in err and "needs 100 cycles" in " ".join(err.split())


def _two_splits_one_numbering(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The sample's cells in splits ``train`` and ``test2``, each folder numbering its cells as it likes:
    test1's cells are written as ``test2/cell1.csv.gz``, ... under train's names. Returns the folder and
    name the loader gives → the sample's name of the same cell."""
    original = pd.read_csv(SAMPLE / "cells.csv")
    train = original[original["split"] == "train"].reset_index(drop=True)
    test = original[original["split"] == "test1"].reset_index(drop=True)
    folder = tmp_path / "두 split"
    shutil.copytree(SAMPLE / "train", folder / "train")
    (folder / "test2").mkdir()
    bare = [str(c).removeprefix("train_") for c in train["cell"]]
    taken = set(bare[: len(test)])  # the names test2 takes again
    rows = [
        {"cell": b, "split": "train", "cycle_life": life, "batch": "5/12/17"}
        for b, life in zip(bare, train["cycle_life"], strict=True)
    ]
    names = {(f"train_{b}" if b in taken else b): f"train_{b}" for b in bare}
    for b, (_, row) in zip(bare, test.iterrows(), strict=False):
        shutil.copy(
            SAMPLE / "test1" / f"{str(row['cell']).removeprefix('test1_')}.csv.gz",
            folder / "test2" / f"{b}.csv.gz",
        )
        rows.append({"cell": b, "split": "test2", "cycle_life": row["cycle_life"], "batch": "2017-06-30"})
        names[f"test2_{b}"] = str(row["cell"])
    pd.DataFrame(rows).to_csv(folder / "cells.csv", index=False)
    return folder, names


def test_one_name_in_two_splits_names_each_cell_with_its_split(
    tmp_path: Path, model: Path, sample_predictions: list[dict[str, Any]]
) -> None:
    """``cell1`` in split train and ``cell1`` in split test2: two cells, ``train_cell1`` and ``test2_cell1``.

    Names given once stay as written; each row's prediction and life are those of the original cell.
    """
    folder, names = _two_splits_one_numbering(tmp_path)
    data = load_severson(folder)
    assert data.table["cell"].tolist() == [c.cell for c in data.cells] == list(names)
    assert len(set(names)) == len(names) == 16
    assert "train_cell1" in names and "test2_cell1" in names and "cell39" in names  # cell39: given once
    ours = {r["cell"]: r for r in predict_life(model, [str(folder)])}
    theirs = {r["cell"]: r for r in sample_predictions}
    assert set(ours) == set(names)
    for new, old in names.items():
        for key in ("predicted_cycle_life", "lower", "upper", "cycle_life"):
            assert ours[new][key] == theirs[old][key]
    # one split asked: the same names as in the whole table
    assert load_severson(folder, split="test2").table["cell"].tolist() == [
        n for n in names if n.startswith("test2_")
    ]


def test_a_damaged_file_of_a_name_in_two_splits_is_named_with_its_split(
    tmp_path: Path, model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, names = _two_splits_one_numbering(tmp_path)
    path = folder / "test2" / "cell1.csv.gz"
    _write(path, np.loadtxt(path, delimiter=",")[:, :40])
    errors: list[dict[str, str]] = []
    rows = predict_life(model, [str(folder)], errors=errors)
    assert [e["cell"] for e in errors] == ["test2_cell1"]
    assert errors[0]["error"].startswith(f"{path}: has cycles 2–41")  # the file, in its split's folder
    assert [r["cell"] for r in rows] == [n for n in names if n != "test2_cell1"]
    assert main(["battery", "life", "predict", str(folder), "--model", str(model)]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "test2_cell1:" in err and "train_cell1:" in err
    # the same name twice in one split is refused, naming both rows
    table = pd.read_csv(folder / "cells.csv")
    pd.concat([table, table.iloc[:1]]).to_csv(folder / "cells.csv", index=False)
    with pytest.raises(InputError, match=r"'cell1' is listed twice in split 'train' \(rows 2 and 18\)"):
        load_severson(folder)


def test_the_shared_folders_numbering_read_with_bare_names(tmp_path: Path) -> None:
    """The shared data set's own files: train/cell1.csv.gz and test1/cell1.csv.gz. A cells.csv that names them
    ``cell1`` gives those cells the shared table's names (``train_cell1``, ``test1_cell1``), with the same Q(V)."""
    shared = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "battery" / "severson"
    if not (shared / "cells.csv").exists():
        pytest.skip(f"{shared}: the shared Severson folder is not there")
    table = pd.read_csv(shared / "cells.csv")
    bare = table.assign(cell=[c.split("_", 1)[1] for c in table["cell"]])
    assert bare["cell"].duplicated().sum() == 41  # every train name is given again in test1
    folder = tmp_path / "shared"
    folder.mkdir()
    for split in ("train", "test1"):
        (folder / split).symlink_to(shared / split)
    bare.to_csv(folder / "cells.csv", index=False)
    ours, theirs = load_severson(folder), load_severson(shared)
    twice = bare["cell"].duplicated(keep=False).to_numpy()
    # given in both splits: the shared table's names; given once (test1's cell42, cell43): as written
    assert ours.table["cell"].tolist() == [
        full if dup else short for full, short, dup in zip(table["cell"], bare["cell"], twice, strict=True)
    ]
    assert sum(twice) == 82 and len(set(ours.table["cell"])) == 84
    for a, b in zip(ours.cells, theirs.cells, strict=True):
        np.testing.assert_array_equal(a.qdlin, b.qdlin)
    np.testing.assert_array_equal(ours.cycle_life, theirs.cycle_life)


def test_one_name_in_two_batch_folders_names_each_cell_with_its_folder(
    tmp_path: Path, model: Path, sample_predictions: list[dict[str, Any]]
) -> None:
    """Two batch folders that both number their cells ``셀1``…: each row names its folder, and each
    prediction is that of its own cell (folder 2 holds the cells in reverse order, so a mix-up shows)."""
    first, names = _new_batch(tmp_path / "a")
    second = tmp_path / "배치2"
    shutil.copytree(first, second)
    table = pd.read_csv(second / "cells.csv")
    files = {c: np.loadtxt(second / "secondary" / f"{c}.csv.gz", delimiter=",") for c in table["cell"]}
    for cell, other in zip(table["cell"], table["cell"][::-1], strict=True):
        _write(second / "secondary" / f"{cell}.csv.gz", files[other])
    table["cycle_life"] = table["cycle_life"].to_numpy()[::-1]
    table.to_csv(second / "cells.csv", index=False)
    theirs = {r["cell"]: r for r in sample_predictions}
    rows = predict_life(model, [str(first), str(second)])
    assert [r["cell"] for r in rows] == [f"새 배치_{n}" for n in names] + [f"배치2_{n}" for n in names]
    reverse = dict(zip(names, list(names)[::-1], strict=True))
    for row in rows:
        folder, cell = row["cell"].split("_", 1)
        original = names[cell] if folder == "새 배치" else names[reverse[cell]]
        assert row["predicted_cycle_life"] == theirs[original]["predicted_cycle_life"]
        assert row["cycle_life"] == theirs[original]["cycle_life"]
    # a matrix file is labelled by its folder; a name given by one item only stays as written
    alone = second / "secondary" / "셀1.csv.gz"
    rows = predict_life(model, [str(first), str(alone)])
    assert [r["cell"] for r in rows][-1] == "secondary_셀1" and rows[0]["cell"] == "새 배치_셀1"
    assert "셀2" in {r["cell"] for r in rows}


def test_one_folder_given_twice_or_two_folders_of_one_name_are_refused(tmp_path: Path, model: Path) -> None:
    folder, _ = _new_batch(tmp_path / "a")
    with pytest.raises(InputError, match="given twice"):
        predict_life(model, [str(folder), str(folder) + "/"])
    twin = tmp_path / "b" / folder.name
    shutil.copytree(folder, twin)
    with pytest.raises(InputError, match=r"cell '셀1' is given by .* whose folders have one name"):
        predict_life(model, [str(folder), str(twin)])


def test_a_batch_with_one_curve_too_coarse_for_the_features(
    tmp_path: Path, model: Path, capsys: pytest.CaptureFixture[str], sample_predictions: list[dict[str, Any]]
) -> None:
    """A file that reads (10 voltages) but leaves 9 rows in the paper's 3.5–2.0 V window: that cell is named
    with its file and the others predicted as before (exit 1), as for a file that cannot be read; 11 voltages
    (10 in the window) predict."""
    assert int(np.sum(np.linspace(3.6, 2.0, 10) <= 3.5)) == 9  # by hand: 3.6, 3.42, ..., 2.0
    assert int(np.sum(np.linspace(3.6, 2.0, 11) <= 3.5 + 1e-9)) == 10
    folder, names = _new_batch(tmp_path)
    coarse = next(iter(names))
    path = folder / "secondary" / f"{coarse}.csv.gz"
    _write(path, _regrid(np.loadtxt(path, delimiter=","), 10))
    errors: list[dict[str, str]] = []
    rows = predict_life(model, [str(folder)], errors=errors)
    assert [e["cell"] for e in errors] == [coarse]
    assert errors[0]["error"].startswith(f"{path}: ") and "fewer than 10 Q(V) points" in errors[0]["error"]
    theirs = {r["cell"]: r["predicted_cycle_life"] for r in sample_predictions}
    assert {r["cell"]: r["predicted_cycle_life"] for r in rows} == {
        new: theirs[old] for new, old in names.items() if new != coarse
    }
    assert main(["battery", "life", "predict", str(folder), "--model", str(model), "--json"]) == 1
    assert str(path) in " ".join(capsys.readouterr().err.split())
    with pytest.raises(InputError, match=rf"^{path}: .*fewer than 10 Q\(V\) points"):
        predict_life(model, [str(path)])  # alone: the one line names the file
    _write(path, _regrid(np.loadtxt(folder / "secondary" / f"{coarse}.csv.gz", delimiter=","), 11))
    assert len(predict_life(model, [str(path)])) == 1
