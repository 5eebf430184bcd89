"""Early cycle-life prediction on Severson et al. 2019 vs the paper's Table 1; featurize+predict throughput.

Data: ../shared/data/battery/severson (Severson et al. 2019, Nature Energy 4:383; Qdlin export of
petermattia/revisit-severson-et-al, MIT). Train = 41 cells, primary test = 43 cells.

    .venv/bin/python benchmarks/life_severson.py            # all models, 10,000-cell throughput
    .venv/bin/python benchmarks/life_severson.py --quick    # variance + extended, 1,000 cells

Peers: the paper's Table 1 (constants below). BEEP and BatteryML are not run here (neither is
installed, and their Severson results use the MATR summary data, which the shared folder lacks).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from gwangyang.battery.features import CellCurves
from gwangyang.battery.life import LIFE_MODELS, life_metrics, make_life_model
from gwangyang.battery.severson import load_severson
from gwangyang.errors import InputError

ROOT = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "battery" / "severson"
OUTLIER_LIFE = 148

# Severson et al. 2019, Nature Energy 4:383, Table 1 (primary test; in brackets: without the
# 148-cycle cell), as quoted in issue 3. The train column is Table 1's "Train" (RMSE, % error).
PAPER_TABLE_1 = {
    "variance": {"train": (103, 14.1), "test": (138, 14.7), "test_no_outlier": (None, 13.2)},
    "discharge": {"train": (76, 9.8), "test": (91, 13.0), "test_no_outlier": (86, None)},
    "full": {"train": (51, 5.6), "test": (118, 14.1), "test_no_outlier": (100, None)},
}


def fmt(pair: tuple[float | None, float | None]) -> str:
    rmse, pct = pair
    return f"{'—' if rmse is None else f'{rmse:.0f}':>5} / {'—' if pct is None else f'{pct:.1f}':>5}"


def evaluate(model_name: str, conformal: str) -> dict[str, tuple[float, float] | float] | str:
    train = load_severson(ROOT, split="train", require_life=True)
    test = load_severson(ROOT, split="test1", require_life=True)
    try:
        model = make_life_model(model_name, conformal=conformal).fit(train.cells, train.cycle_life)
    except InputError as exc:
        return f"refused: {exc}"
    fit = life_metrics(train.cycle_life, model.predict(train.cells))
    predicted, lower, upper = model[-1].predict_interval(model[:-1].transform(test.cells))
    primary = life_metrics(test.cycle_life, predicted, lower, upper)
    keep = test.cycle_life != OUTLIER_LIFE
    clean = life_metrics(test.cycle_life[keep], predicted[keep])
    return {
        "train": (fit["rmse_cycles"], fit["mean_percent_error"]),
        "test": (primary["rmse_cycles"], primary["mean_percent_error"]),
        "test_no_outlier": (clean["rmse_cycles"], clean["mean_percent_error"]),
        "coverage": primary["coverage"],
        "width": primary["mean_width_cycles"],
    }


def throughput(n_cells: int, model_name: str) -> float:
    """Featurize + predict cells per second on ``n_cells`` cells drawn from the real matrices."""
    train = load_severson(ROOT, split="train", require_life=True)
    model = make_life_model(model_name).fit(train.cells, train.cycle_life)
    pool = load_severson(ROOT, split="test1").cells
    rng = np.random.default_rng(0)
    cells = [CellCurves(f"c{i}", pool[j].qdlin) for i, j in enumerate(rng.integers(0, len(pool), n_cells))]
    start = time.perf_counter()
    features = model[:-1].transform(cells)
    model[-1].predict_interval(features)
    return n_cells / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="variance and extended models, 1,000-cell throughput"
    )
    parser.add_argument(
        "--cells", type=int, default=None, help="cells for the throughput run (default 10,000)"
    )
    args = parser.parse_args()
    models = ["variance", "extended"] if args.quick else [*LIFE_MODELS]
    n_cells = args.cells or (1_000 if args.quick else 10_000)

    print(
        "Severson et al. 2019 primary test: RMSE (cycles) / mean % error; coverage of nominal 90 % intervals"
    )
    print(
        f"{'model':<10} {'conformal':<9} {'paper train':>13} {'ours train':>13} {'paper test':>13} {'ours test':>13} "
        f"{'paper no148':>13} {'ours no148':>13} {'ratio':>6} {'cover':>6} {'width':>6}"
    )
    for name in models:
        for conformal in ("cv", "split"):
            result = evaluate(name, conformal)
            paper = PAPER_TABLE_1.get(name, {})
            if isinstance(result, str):
                print(f"{name:<10} {conformal:<9} {result}")
                break
            ratio = result["test"][0] / paper["test"][0] if paper else float("nan")  # type: ignore[index]
            print(
                f"{name:<10} {conformal:<9} {fmt(paper.get('train', (None, None))):>13} {fmt(result['train']):>13} "  # type: ignore[arg-type]
                f"{fmt(paper.get('test', (None, None))):>13} {fmt(result['test']):>13} "  # type: ignore[arg-type]
                f"{fmt(paper.get('test_no_outlier', (None, None))):>13} {fmt(result['test_no_outlier']):>13} "  # type: ignore[arg-type]
                f"{ratio:>6.3f} {result['coverage']:>6.2f} {result['width']:>6.0f}"
            )
    print(
        "full: the shared Qdlin files hold no charge time, temperature or resistance, so it is refused (above)."
    )
    print("ratio = our primary-test RMSE / the paper's. BEEP / BatteryML: not run (see module docstring).")
    for name in ("variance", "extended"):
        rate = throughput(n_cells, name)
        print(f"throughput {name}: featurize + predict {n_cells} cells: {rate:,.0f} cells/s")


if __name__ == "__main__":
    main()
