"""Early cycle-life prediction on Severson et al. 2019 vs the paper's Table 1 and vs BEEP; throughput.

Data: ../shared/data/battery/severson (Severson et al. 2019, Nature Energy 4:383; Qdlin export of
petermattia/revisit-severson-et-al, MIT). Train = 41 cells, primary test = 43 cells.

    .venv/bin/python benchmarks/life_severson.py            # every model; 10,000-cell throughput
    .venv/bin/python benchmarks/life_severson.py --quick    # variance + extended; 1,000 cells

Peers, in the same run on the same cells:

* the paper's Table 1 (published numbers, constants below);
* BEEP (TRI-AMDD/beep on PyPI; not in the ``bench`` extra because its msgpack-python breaks Dask: ``pip install beep``, then ``pip install --force-reinstall --no-deps msgpack``): its Severson featurizer
  ``beep.features.core.DeltaQFastCharge`` fed the same Q(V) matrices (as a minimal structured
  datapath: Q(V) per cycle and per-cycle discharge capacity; no temperature, charge time or
  resistance, which the shared files do not hold), followed by the same elastic net on log10 life.
  BEEP's own differences from the paper show up here: population variance (ddof 0) and *excess*
  kurtosis, and no filter for the batch-1 capacity glitches (cycles logged as ~31 Ah) in max Q − Q2.
  BatteryML is not on PyPI, so it is not run.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from gwangyang.battery.features import CellCurves
from gwangyang.battery.life import LIFE_MODELS, CycleLifeRegressor, life_metrics, make_life_model
from gwangyang.battery.severson import EarlyLifeSet, load_severson
from gwangyang.errors import InputError

ROOT = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "battery" / "severson"
OUTLIER_LIFE = 148
VOLTS = np.linspace(3.6, 2.0, 1000)

# Severson et al. 2019, Nature Energy 4:383, Table 1: RMSE (cycles) and mean % error on train and
# primary test; in brackets there, the primary test without the 148-cycle cell (as quoted in issue 3).
PAPER_TABLE_1 = {
    "variance": {"train": (103, 14.1), "test": (138, 14.7), "test_no_outlier": (None, 13.2)},
    "discharge": {"train": (76, 9.8), "test": (91, 13.0), "test_no_outlier": (86, None)},
    "full": {"train": (51, 5.6), "test": (118, 14.1), "test_no_outlier": (100, None)},
}
GOAL_RMSE_NO_OUTLIER = 86
"""Issue 3's goal: beat the paper's discharge model on the primary test without the outlier."""

BEEP_COLUMNS = {
    "variance": ["abs_variance_discharge_capacity_difference_cycles_2:100"],
    "discharge": [
        "abs_min_discharge_capacity_difference_cycles_2:100",
        "abs_variance_discharge_capacity_difference_cycles_2:100",
        "abs_skew_discharge_capacity_difference_cycles_2:100",
        "abs_kurtosis_discharge_capacity_difference_cycles_2:100",
        "discharge_capacity_cycle_2",
        "max_discharge_capacity_difference",
    ],
}
"""BEEP's DeltaQFastCharge columns that make up the paper's variance and discharge sets."""


def fmt(pair: tuple[float | None, float | None]) -> str:
    rmse, pct = pair
    return f"{'—' if rmse is None else f'{rmse:.0f}':>5} / {'—' if pct is None else f'{pct:.1f}':>5}"


def scores(
    train_life: np.ndarray, train_pred: np.ndarray, test_life: np.ndarray, interval: tuple[np.ndarray, ...]
) -> dict[str, Any]:
    predicted, lower, upper = interval
    fit = life_metrics(train_life, train_pred)
    primary = life_metrics(test_life, predicted, lower, upper)
    keep = test_life != OUTLIER_LIFE
    clean = life_metrics(test_life[keep], predicted[keep])
    return {
        "train": (fit["rmse_cycles"], fit["mean_percent_error"]),
        "test": (primary["rmse_cycles"], primary["mean_percent_error"]),
        "test_no_outlier": (clean["rmse_cycles"], clean["mean_percent_error"]),
        "coverage": primary["coverage"],
        "width": primary["mean_width_cycles"],
    }


def evaluate(
    model_name: str, conformal: str, train: EarlyLifeSet, test: EarlyLifeSet
) -> dict[str, Any] | str:
    try:
        model = make_life_model(model_name, conformal=conformal).fit(train.cells, train.cycle_life)
    except InputError as exc:
        return f"refused: {exc}"
    interval = model[-1].predict_interval(model[:-1].transform(test.cells))
    return scores(train.cycle_life, model.predict(train.cells), test.cycle_life, interval)


def beep_datapath(cell: CellCurves) -> SimpleNamespace:
    """A minimal structured BEEP datapath holding one cell's Q(V) and capacity per cycle.

    BEEP numbers cycles from 0 (its cycle_index 99 is the paper's cycle 100). Cycle 1 is not in a
    Qdlin file; its capacity is set to cycle 2's, which leaves max Q − Q2 unchanged. Two empty rows
    after cycle 100 pass BEEP's check that the summary runs beyond the last cycle used.
    """
    n = cell.qdlin.shape[1]
    cycles = np.arange(cell.first_cycle, cell.last_cycle + 1)
    data = pd.DataFrame(
        {
            "cycle_index": np.repeat(cycles - 1, len(VOLTS)),
            "voltage": np.tile(VOLTS, n),
            "discharge_capacity": cell.qdlin.T.ravel(),
        }
    )
    assert cell.capacity is not None
    capacity = np.r_[cell.capacity[0], cell.capacity, np.nan, np.nan]
    empty = np.full(len(capacity), np.nan)
    summary = pd.DataFrame(
        {
            "cycle_index": np.arange(len(capacity)),
            "discharge_capacity": capacity,
            "time_temperature_integrated": empty,
            "charge_duration": empty,
            "temperature_maximum": empty,
            "temperature_minimum": empty,
            "dc_internal_resistance": empty,
        }
    )
    return SimpleNamespace(
        is_structured=True,
        paths={},
        metadata=SimpleNamespace(raw={}),
        semiunique_id=None,
        structured_data=data,
        structured_summary=summary,
    )


def beep_features(cells: list[CellCurves]) -> tuple[pd.DataFrame, float]:
    """BEEP's DeltaQFastCharge features of each cell, and the seconds spent inside BEEP."""
    from beep.features.core import DeltaQFastCharge

    rows, spent = [], 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # all-NaN temperature / resistance columns
        for cell in cells:
            path = beep_datapath(cell)
            start = time.perf_counter()
            featurizer = DeltaQFastCharge(path)
            valid, reason = featurizer.validate()
            if not valid:
                raise RuntimeError(f"BEEP refused {cell.cell}: {reason}")
            featurizer.create_features()
            spent += time.perf_counter() - start
            rows.append(featurizer.features.iloc[0])
    return pd.DataFrame(rows).reset_index(drop=True), spent


def evaluate_beep(train: EarlyLifeSet, test: EarlyLifeSet) -> dict[str, dict[str, Any] | str]:
    try:
        x_train, _ = beep_features(train.cells)
        x_test, _ = beep_features(test.cells)
    except ImportError:
        return {name: "not installed (pip install beep)" for name in BEEP_COLUMNS}
    out: dict[str, dict[str, Any] | str] = {}
    for name, columns in BEEP_COLUMNS.items():
        regressor = CycleLifeRegressor().fit(x_train[columns].to_numpy(), train.cycle_life)
        interval = regressor.predict_interval(x_test[columns].to_numpy())
        out[name] = scores(
            train.cycle_life, regressor.predict(x_train[columns].to_numpy()), test.cycle_life, interval
        )
    return out


def synthetic_fleet(pool: list[CellCurves], n_cells: int) -> list[CellCurves]:
    rng = np.random.default_rng(0)
    return [CellCurves(f"c{i}", pool[j].qdlin) for i, j in enumerate(rng.integers(0, len(pool), n_cells))]


def throughput(train: EarlyLifeSet, pool: list[CellCurves], n_cells: int, model_name: str) -> float:
    """Our featurize + predict (with interval) rate in cells/s on ``n_cells`` real matrices."""
    model = make_life_model(model_name).fit(train.cells, train.cycle_life)
    cells = synthetic_fleet(pool, n_cells)
    start = time.perf_counter()
    model[-1].predict_interval(model[:-1].transform(cells))
    return n_cells / (time.perf_counter() - start)


def beep_throughput(train: EarlyLifeSet, pool: list[CellCurves], n_cells: int) -> float | None:
    """BEEP featurize (time inside BEEP only) + the same elastic net's predict, in cells/s."""
    try:
        x_train, _ = beep_features(train.cells)
    except ImportError:
        return None
    columns = BEEP_COLUMNS["variance"]
    regressor = CycleLifeRegressor().fit(x_train[columns].to_numpy(), train.cycle_life)
    features, spent = beep_features(synthetic_fleet(pool, n_cells))
    start = time.perf_counter()
    regressor.predict_interval(features[columns].to_numpy())
    return n_cells / (spent + time.perf_counter() - start)


def row(label: str, conformal: str, paper: dict[str, Any], result: dict[str, Any]) -> str:
    ratio = result["test"][0] / paper["test"][0] if paper else float("nan")
    return (
        f"{label:<16} {conformal:<9} {fmt(paper.get('train', (None, None))):>13} {fmt(result['train']):>13} "
        f"{fmt(paper.get('test', (None, None))):>13} {fmt(result['test']):>13} "
        f"{fmt(paper.get('test_no_outlier', (None, None))):>13} {fmt(result['test_no_outlier']):>13} "
        f"{ratio:>6.3f} {result['coverage']:>6.2f} {result['width']:>6.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="variance and extended models, 1,000 cells")
    parser.add_argument(
        "--cells", type=int, default=None, help="cells for our throughput run (default 10,000)"
    )
    parser.add_argument(
        "--peer-cells",
        type=int,
        default=None,
        help="cells for BEEP's throughput run (default 1,000; 14 ms/cell)",
    )
    args = parser.parse_args()
    models = ["variance", "extended"] if args.quick else [*LIFE_MODELS]
    n_cells = args.cells or (1_000 if args.quick else 10_000)
    n_peer = args.peer_cells or min(n_cells, 1_000)

    train = load_severson(ROOT, split="train", require_life=True)
    test = load_severson(ROOT, split="test1", require_life=True)
    print("Severson et al. 2019: RMSE (cycles) / mean % error; train = in-sample; coverage and mean width")
    print(
        "of nominal 90 % conformal intervals on the primary test (43 cells; no148 = without the 148-cycle cell)"
    )
    print(
        f"{'model':<16} {'conformal':<9} {'paper train':>13} {'train':>13} {'paper test':>13} {'test':>13} "
        f"{'paper no148':>13} {'no148':>13} {'ratio':>6} {'cover':>6} {'width':>6}"
    )
    best: tuple[float, str] = (float("inf"), "")
    for name in models:
        for conformal in ("cv", "split"):
            result = evaluate(name, conformal, train, test)
            paper = PAPER_TABLE_1.get(name, {})
            if isinstance(result, str):
                print(f"{'ours ' + name:<16} {conformal:<9} {result}")
                break
            print(row("ours " + name, conformal, paper, result))
            best = min(
                best,
                (result["test_no_outlier"][0], f"{name} ({conformal}), coverage {result['coverage']:.2f}"),
            )
    for name, result in evaluate_beep(train, test).items():
        if isinstance(result, str):
            print(f"{'BEEP ' + name:<16} {'cv':<9} {result}")
        else:
            print(row("BEEP " + name, "cv", PAPER_TABLE_1[name], result))
    print(
        "full: the shared Qdlin files hold no charge time, temperature or resistance, so it is refused; "
        "BEEP's full-set columns are NaN for the same reason."
    )
    print(
        "ratio = primary-test RMSE / the paper's. BEEP rows: BEEP's featurizer + our elastic net on log10 life."
    )
    verdict = "beats" if best[0] < GOAL_RMSE_NO_OUTLIER else "does not beat"
    print(
        f"best: {best[1]}: RMSE without the outlier {best[0]:.0f} cycles {verdict} the paper's discharge "
        f"model ({GOAL_RMSE_NO_OUTLIER})."
    )
    pool = test.cells
    ours = throughput(train, pool, n_cells, "variance")
    print(f"throughput ours variance: featurize + predict {n_cells:,} cells: {ours:,.0f} cells/s")
    print(
        f"throughput ours extended: featurize + predict {n_cells:,} cells: "
        f"{throughput(train, pool, n_cells, 'extended'):,.0f} cells/s"
    )
    peer = beep_throughput(train, pool, n_peer)
    if peer is None:
        print("throughput BEEP: not installed (pip install beep)")
    else:
        print(f"throughput BEEP variance: featurize + predict {n_peer:,} cells: {peer:,.0f} cells/s")
        print(f"throughput ratio ours / BEEP (variance): {ours / peer:.1f}")


if __name__ == "__main__":
    main()
