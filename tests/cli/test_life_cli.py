"""``gwangyang battery life fit|predict`` and ``gwangyang battery health``."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery.life import make_life_model
from gwangyang.battery.life_fit import predict_life
from gwangyang.battery.life_predict import predict_cells
from gwangyang.battery.severson import load_severson
from gwangyang.battery.soh import eol_cycle, state_of_health
from gwangyang.cli.main import main
from gwangyang.samples import sample_dir
from gwangyang.store import Store
from gwangyang.store.store import write_parquet
from tests.conftest import SHARED

SAMPLE = sample_dir("severson")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, " ".join(err.split())  # Rich wraps stderr at the console width


def put_cell(store: Store, cell_id: str, cycles: pd.DataFrame, curves: pd.DataFrame, **meta: object) -> None:
    """Write one cell straight into the store (as ingest would, without a cycler file)."""
    store.root.mkdir(parents=True, exist_ok=True)
    staged = store.staging_dir()
    n = int(cycles["cycle_index"].max())
    ts = pd.DataFrame(
        {
            "test_time_s": np.arange(2 * n, dtype=float),
            "cycle_index": np.repeat(np.arange(1, n + 1), 2),
            "current_a": np.tile([1.0, -1.0], n),
            "voltage_v": 3.3,
        }
    )
    for name, table in (("timeseries", ts), ("cycles", cycles), ("curves", curves)):
        write_parquet(table.assign(cell_id=cell_id), staged / f"{name}.parquet")
    info = {"cell_id": cell_id, "vendor": "test", "rows": len(ts), "cycles": n, "sources": [], **meta}
    (staged / "meta.json").write_text(json.dumps(info))
    with store.write_lock():
        store.commit(staged, cell_id)


def put_short_cell(store: Store, cell_id: str) -> None:
    """A store cell with Q(V) curves of cycles 2..50 only: too few for a (10, 100) model."""
    cyc = np.arange(2, 51)
    curves = pd.DataFrame(
        {
            "cycle_index": np.repeat(cyc, 50),
            "voltage_v": np.tile(np.linspace(3.6, 2.0, 50), len(cyc)),
            "discharge_capacity_ah": np.tile(np.linspace(0, 1.05, 50), len(cyc)),
        }
    )
    put_cell(store, cell_id, pd.DataFrame({"cycle_index": cyc, "discharge_capacity_ah": 1.05}), curves)


def severson_store(root: Path, last: int = 100) -> Store:
    """The shipped sample's 16 cells as store cells: Q(V) curves on the 3.6 → 2.0 V grid, cycles 2..``last``."""
    store = Store(root)
    data = load_severson(SAMPLE)
    volts = np.linspace(3.6, 2.0, 1000)
    for cell, life in zip(data.cells, data.cycle_life, strict=True):
        cyc = np.arange(2, last + 1)
        qdlin = cell.qdlin[:, : len(cyc)]
        curves = pd.DataFrame(
            {
                "cycle_index": np.repeat(cyc, 1000),
                "voltage_v": np.tile(volts, len(cyc)),
                "discharge_capacity_ah": qdlin.T.ravel(),
            }
        )
        cycles = pd.DataFrame(
            {"cycle_index": cyc, "discharge_capacity_ah": qdlin[-1], "internal_resistance_ohm": np.nan}
        )
        put_cell(store, cell.cell, cycles, curves, cycle_life=float(life))
    return store


def test_fit_and_predict_on_a_severson_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = tmp_path / "variance.model"
    code, out, err = run(
        capsys,
        "battery",
        "life",
        "fit",
        str(SAMPLE),
        "--split",
        "train",
        "--model",
        "variance",
        "--out",
        str(model),
        "--json",
    )
    assert code == 0, err
    summary = json.loads(out)
    assert summary["cells"] == 12 and summary["feature_set"] == "variance"
    code, out, err = run(
        capsys, "battery", "life", "predict", str(SAMPLE / "test1"), "--model", str(model), "--json"
    )
    assert code == 0, err
    rows = json.loads(out)
    # Same numbers as the library route (features → elastic net → conformal factor).
    train = load_severson(SAMPLE, split="train", require_life=True)
    expected = predict_cells(
        make_life_model("variance").fit(train.cells, train.cycle_life), load_severson(SAMPLE / "test1").cells
    )
    assert [r["cell"] for r in rows] == ["cell3", "cell13", "cell17", "cell41"]
    assert predict_life(model, [str(SAMPLE / "test1")]) == rows  # the Python API the web API calls
    for got, want in zip(rows, expected, strict=True):
        assert set(got) == {"cell", "predicted_cycle_life", "lower", "upper"}
        assert got["predicted_cycle_life"] == pytest.approx(want["predicted_cycle_life"])
        assert got["lower"] < got["predicted_cycle_life"] < got["upper"]


def test_predict_scores_cells_of_known_life(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = tmp_path / "모델.gwm"
    assert run(capsys, "battery", "life", "fit", str(SAMPLE), "--split", "train", "--out", str(model))[0] == 0
    code, out, err = run(capsys, "battery", "life", "predict", str(SAMPLE), "--model", str(model), "--json")
    assert code == 0, err
    rows = json.loads(out)
    table = pd.read_csv(SAMPLE / "cells.csv").set_index("cell")
    assert {r["cell"]: r["cycle_life"] for r in rows} == table["cycle_life"].astype(float).to_dict()
    code, _, err = run(capsys, "battery", "life", "predict", str(SAMPLE), "--model", str(model))
    assert code == 0
    life = np.array([r["cycle_life"] for r in rows])
    predicted = np.array([r["predicted_cycle_life"] for r in rows])
    inside = np.mean([r["lower"] <= r["cycle_life"] <= r["upper"] for r in rows])
    rmse = np.sqrt(np.mean((predicted - life) ** 2))
    assert f"scored on the 16 cells of known life (cells.csv cycle_life): RMSE {rmse:.0f} cycles" in err
    assert f"{inside:.0%} inside their interval" in err
    # a folder without cells.csv knows no life: nothing is scored
    code, out, err = run(capsys, "battery", "life", "predict", str(SAMPLE / "test1"), "--model", str(model))
    assert code == 0 and "scored on" not in err


def test_store_route_matches_the_folder_route(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = severson_store(tmp_path / "store")
    from_store, from_folder = tmp_path / "store.model", tmp_path / "folder.model"
    code, out, err = run(
        capsys,
        "battery",
        "life",
        "fit",
        "store:",
        "--store",
        str(store.root),
        "--out",
        str(from_store),
        "--json",
    )
    assert code == 0, err
    # Store cells name no batch or policy: the default interval falls back to shuffled CV+ folds
    # plus the lot shift, and says so.
    assert json.loads(out)["interval"] == {"conformal": "cv+", "folds_by": "shuffled", "lot_shift": True}
    assert "warning" in err and "neither two batches nor two charging policies" in err
    assert run(capsys, "battery", "life", "fit", str(SAMPLE), "--out", str(from_folder))[0] == 0
    by_store, by_folder = store_and_folder_predictions(capsys, store, from_store, from_folder)
    assert by_store == pytest.approx(by_folder, rel=1e-9)


def test_store_cells_of_60_cycles_fit_a_10_60_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Store cells that stop at cycle 60 fit and predict with --cycles 10,60, as the same cells from the folder do."""
    store = severson_store(tmp_path / "store", last=60)
    from_store, from_folder = tmp_path / "store.gwm", tmp_path / "folder.gwm"
    args = ("--cycles", "10,60", "--conformal", "cv+")
    code, _, err = run(
        capsys,
        "battery",
        "life",
        "fit",
        "store:",
        "--store",
        str(store.root),
        "--out",
        str(from_store),
        *args,
    )
    assert code == 0, err
    assert run(capsys, "battery", "life", "fit", str(SAMPLE), "--out", str(from_folder), *args)[0] == 0
    by_store, by_folder = store_and_folder_predictions(capsys, store, from_store, from_folder)
    assert by_store == pytest.approx(by_folder, rel=1e-9)


def test_health_on_a_store_cell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(tmp_path / "store")
    table = pd.read_csv(SHARED / "battery" / "capacity" / "calce_cs2_capacity.csv")
    for cell, group in table.groupby("cell"):
        cycles = pd.DataFrame(
            {"cycle_index": group["cycle"].astype(int), "discharge_capacity_ah": group["capacity_ah"]}
        )
        put_cell(
            store,
            str(cell),
            cycles,
            pd.DataFrame(columns=["cycle_index", "voltage_v", "discharge_capacity_ah"]),
            nominal_capacity_ah=1.1,
        )
    plot = tmp_path / "health.png"
    code, out, err = run(
        capsys, "battery", "health", "CS2_35", "--store", str(store.root), "--json", "--plot", str(plot)
    )
    assert code == 0, err
    report = json.loads(out)
    group = table[table.cell == "CS2_35"]
    # End of life reached: first cycle whose 5-cycle running median SOH is below 0.8.
    assert report["eol_reached_cycle"] == eol_cycle(group["cycle"], state_of_health(group["capacity_ah"]))
    assert report["templates"] == ["CS2_37"] and report["rul"]["method"] == "template"
    assert report["knee"]["onset_cycle"] < report["knee"]["knee_cycle"]
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for args, message in (
        (("nope",), "not in store"),
        (("CS2_35", "--eol", "1.5"), "threshold"),
        (("CS2_35", "--coverage", "0"), "coverage"),
    ):
        code, out, err = run(capsys, "battery", "health", *args, "--store", str(store.root), "--json")
        assert code == 2 and out == "" and message in err
    # Early-life prediction refuses store cells without 100 cycles of Q(V) curves.
    cyc = np.arange(2, 51)
    volts = np.linspace(3.6, 2.0, 50)
    curves = pd.DataFrame(
        {
            "cycle_index": np.repeat(cyc, 50),
            "voltage_v": np.tile(volts, len(cyc)),
            "discharge_capacity_ah": np.tile(np.linspace(0, 1.05, 50), len(cyc)),
        }
    )
    put_cell(store, "short", pd.DataFrame({"cycle_index": cyc, "discharge_capacity_ah": 1.05}), curves)
    model = tmp_path / "m.model"
    assert run(capsys, "battery", "life", "fit", str(SAMPLE), "--split", "train", "--out", str(model))[0] == 0
    for cell, message in (
        ("short", "first missing 51"),
        ("CS2_35", "no discharge Q(V) curves"),
        ("nope", "not in store"),
    ):
        code, out, err = run(
            capsys,
            "battery",
            "life",
            "predict",
            cell,
            "--store",
            str(store.root),
            "--model",
            str(model),
            "--json",
        )
        assert code == 2 and out == "" and message in err


def test_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = tmp_path / "m.model"
    assert run(capsys, "battery", "life", "fit", str(SAMPLE), "--split", "train", "--out", str(model))[0] == 0
    code, _, err = run(
        capsys, "battery", "life", "predict", str(SAMPLE), "--model", str(SAMPLE / "cells.csv")
    )
    assert code == 2 and "not a gwangyang model file" in err
    bad = tmp_path / "bad"
    bad.mkdir()
    matrix = np.loadtxt(SAMPLE / "test1" / "cell3.csv.gz", delimiter=",")
    with gzip.open(bad / "cell1.csv.gz", "wt") as handle:
        np.savetxt(handle, matrix[:, :60], delimiter=",")
    code, _, err = run(capsys, "battery", "life", "predict", str(bad), "--model", str(model), "--json")
    assert code == 2 and "needs 100 cycles" in err
    matrix[3, 3] = np.nan
    with gzip.open(bad / "cell1.csv.gz", "wt") as handle:
        np.savetxt(handle, matrix, delimiter=",")
    code, _, err = run(capsys, "battery", "life", "predict", str(bad), "--model", str(model), "--json")
    assert code == 2 and "NaN" in err
    with gzip.open(bad / "cell1.csv.gz", "wt") as handle:
        np.savetxt(handle, matrix.T, delimiter=",")
    code, _, err = run(capsys, "battery", "life", "predict", str(bad), "--model", str(model), "--json")
    assert code == 2 and "transposed" in err
    code, _, err = run(capsys, "battery", "life", "fit", str(SAMPLE), "--model", "full", "--out", str(model))
    assert code == 2 and "full feature set needs" in err
    code, _, err = run(capsys, "battery", "life", "fit", str(SAMPLE), "--model", "nope", "--out", str(model))
    assert code == 2
    unlabeled = tmp_path / "unlabeled"
    shutil.copytree(SAMPLE / "test1", unlabeled)
    code, _, err = run(capsys, "battery", "life", "fit", str(unlabeled), "--out", str(model))
    assert code == 2 and "cycle_life is unknown" in err


def test_kept_model_predict_exits_like_ingest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A kept model's predict lists the cells it cannot predict and exits 1 (some) or 2 (none), never 0."""
    store = Store(tmp_path / "store")
    put_short_cell(store, "짧은셀")
    root = str(store.root)
    assert run(capsys, "battery", "life", "fit", "sample", "--name", "demo", "--store", root)[0] == 0
    code, out, _ = run(
        capsys, "battery", "life", "predict", "짧은셀", "--model", "demo", "--store", root, "--json"
    )
    document = json.loads(out)
    assert code == 2 and document["predictions"] == []
    assert [e["cell"] for e in document["errors"]] == ["짧은셀"]
    code, _, err = run(capsys, "battery", "life", "predict", "짧은셀", "--model", "demo", "--store", root)
    assert code == 2 and "짧은셀" in err
    # a kept model predicting the shipped sample: every cell predicted, exit 0
    code, out, _ = run(
        capsys,
        "battery",
        "life",
        "predict",
        "--model",
        "demo",
        "--sample",
        "test1",
        "--store",
        root,
        "--json",
    )
    assert code == 0 and len(json.loads(out)["predictions"]) == 4


def test_model_file_predict_lists_a_short_store_cell_as_a_kept_model_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Store cell ids under a model file: a cell with too few cycles of curves is listed (exit 1) and the others
    predicted, as under a kept model; before, the whole run stopped with exit 2."""
    from gwangyang.store import artifacts

    store = severson_store(tmp_path / "store")
    put_short_cell(store, "짧은셀")
    root = str(store.root)
    assert run(capsys, "battery", "life", "fit", "sample", "--name", "demo", "--store", root)[0] == 0
    ids = ["test1_cell3", "짧은셀"]
    code, out, _ = run(
        capsys, "battery", "life", "predict", *ids, "--model", "demo", "--store", root, "--json"
    )
    kept = json.loads(out)
    assert code == 1 and [e["cell"] for e in kept["errors"]] == ["짧은셀"]
    model_file = str(artifacts.life_model_path(store, "demo"))
    code, out, err = run(
        capsys, "battery", "life", "predict", *ids, "--model", model_file, "--store", root, "--json"
    )
    assert code == 1
    by_file = {r["cell"]: (r["predicted_cycle_life"], r["lower"], r["upper"]) for r in json.loads(out)}
    assert by_file == {
        r["cell"]: (r["predicted_cycle_life"], r["lower"], r["upper"]) for r in kept["predictions"]
    }
    assert list(by_file) == ["test1_cell3"]
    assert err.startswith("짧은셀: ") and err.split(": ", 1)[1].strip() == kept["errors"][0]["error"]


def store_and_folder_predictions(
    capsys: pytest.CaptureFixture[str], store: Store, from_store: Path, from_folder: Path
) -> tuple[dict[str, float], dict[str, float]]:
    """Predicted lives of two sample cells: read from the store with ``from_store``, and from the sample folder
    with ``from_folder`` (the same cells' rows of the whole folder's prediction)."""
    ids = ["test1_cell3", "train_cell21"]
    code, out, err = run(
        capsys,
        "battery",
        "life",
        "predict",
        *ids,
        "--store",
        str(store.root),
        "--model",
        str(from_store),
        "--json",
    )
    assert code == 0, err
    by_store = {r["cell"]: r["predicted_cycle_life"] for r in json.loads(out)}
    code, out, _ = run(
        capsys, "battery", "life", "predict", str(SAMPLE), "--model", str(from_folder), "--json"
    )
    by_folder = {r["cell"]: r["predicted_cycle_life"] for r in json.loads(out)}
    assert set(by_store) == set(ids)
    return by_store, {cell: by_folder[cell] for cell in ids}
