"""``gwangyang battery life fit|predict`` and ``gwangyang battery health``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import InputError
from .common import err_console, print_json

if TYPE_CHECKING:
    from ..battery.severson import EarlyLifeSet
    from ..store import Store

app = typer.Typer(
    help="Early cycle-life prediction (Severson et al. 2019) with conformal intervals.", no_args_is_help=True
)

StoreOpt = Annotated[
    Path | None, typer.Option("--store", help="Store folder (default $GWANGYANG_HOME or ./gwangyang-data).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
STORE_PREFIX = "store:"


def _cycle_pair(text: str) -> tuple[int, int]:
    try:
        early, late = (int(part) for part in text.split(","))
    except ValueError as exc:
        raise InputError(f"--cycles: expected two cycle numbers like 10,100, got {text!r}.") from exc
    return early, late


def _load_training(dataset: str, split: str | None, store: Path | None) -> tuple[EarlyLifeSet, str]:
    from ..battery.severson import load_severson, load_store
    from ..store import Store

    if dataset.startswith(STORE_PREFIX):
        ids = [part for part in dataset.removeprefix(STORE_PREFIX).split(",") if part]
        data = load_store(Store(store), ids or None, require_life=True)
        if ids and data.table["cycle_life"].isna().any():
            raise InputError(f"{dataset}: some of these cells have no known cycle life.")
        return data, f"store {Store(store).root}"
    return load_severson(Path(dataset), split=split, require_life=True), dataset


@app.command("fit")
def fit_command(
    dataset: Annotated[
        str,
        typer.Argument(
            help="Folder in the Severson layout with cells.csv, or store: (store cells of known life)."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Model file to write.")],
    model: Annotated[
        str, typer.Option("--model", help="variance, discharge, full, gbm or extended.")
    ] = "variance",
    split: Annotated[
        str | None, typer.Option("--split", help="Use only cells.csv rows of this split (e.g. train).")
    ] = None,
    coverage: Annotated[float, typer.Option("--coverage", help="Nominal coverage of the intervals.")] = 0.9,
    conformal: Annotated[
        str, typer.Option("--conformal", help="cv (K-fold residuals) or split (held-out cells).")
    ] = "cv",
    cycles: Annotated[str, typer.Option("--cycles", help="Cycle pair a,b of ΔQ(V) = Q_b − Q_a.")] = "10,100",
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Fit a cycle-life model and save it."""
    from ..battery.life import LIFE_MODELS, life_metrics, make_life_model
    from ..battery.modelfile import save_model

    if model not in LIFE_MODELS:
        raise InputError(f"--model: expected one of {', '.join(LIFE_MODELS)}, got {model!r}.")
    pair = _cycle_pair(cycles)
    data, source = _load_training(dataset, split, store)
    data = data.sorted()
    pipeline = make_life_model(model, cycles=pair, coverage=coverage, conformal=conformal)
    pipeline.fit(data.cells, data.cycle_life)
    features = pipeline[:-1].transform(data.cells)
    predicted, lower, upper = pipeline[-1].predict_interval(features)
    feature_set = LIFE_MODELS[model][0]
    info = {
        "cycles": list(pair),
        "coverage": coverage,
        "conformal": conformal,
        "training_cells": len(data.cells),
        "source": source,
    }
    record = save_model(out, pipeline, model, feature_set, data.data_hash(), info)
    summary: dict[str, Any] = {
        "model": model,
        "feature_set": feature_set,
        "out": str(out),
        "cells": len(data.cells),
        "training_hash": record.training_hash,
        "interval_factor": float(10.0 ** pipeline[-1].log_halfwidth_),
        "train": life_metrics(data.cycle_life, predicted, lower, upper),
        "versions": record.versions,
    }
    if json_out:
        print_json(summary)
    else:
        train = summary["train"]
        err_console.print(
            f"fitted {model} on {len(data.cells)} cells: train RMSE {train['rmse_cycles']:.0f} cycles, "
            f"{train['mean_percent_error']:.1f} % mean error; interval ×/÷ {summary['interval_factor']:.2f}; wrote {out}"
        )


def _predict_inputs(paths: list[str], store: Path | None, last_cycle: int) -> list[Any]:
    from ..battery.severson import load_severson, load_store_cell
    from ..store import Store

    cells: list[Any] = []
    opened: Store | None = None
    for item in paths:
        path = Path(item)
        if path.exists():
            cells.extend(load_severson(path).cells)
        else:
            opened = opened or Store(store)
            cells.append(load_store_cell(opened, item.removeprefix(STORE_PREFIX), last_cycle))
    return cells


@app.command("predict")
def predict_command(
    paths: Annotated[list[str], typer.Argument(help="Severson-layout folders or files, or store cell ids.")],
    model: Annotated[Path, typer.Option("--model", help="Model file from `life fit`.")],
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Predict cycle life with an interval for each cell."""
    from ..battery.life import predict_cells
    from ..battery.modelfile import load_model

    loaded = load_model(model)
    pair = tuple(loaded.info.get("cycles", (10, 100)))
    cells = _predict_inputs(paths, store, int(pair[1]))
    rows = predict_cells(loaded.model, cells)
    if json_out:
        print_json(rows)
    else:
        for row in rows:
            err_console.print(
                f"{row['cell']}: {row['predicted_cycle_life']:.0f} cycles ({row['lower']:.0f}–{row['upper']:.0f})"
            )


def _templates(target: Store, cell_id: str) -> dict[str, tuple[Any, Any]]:
    """Other store cells of the same nominal capacity: candidate templates for RUL."""
    metas = {m["cell_id"]: m for m in target.metas()}
    nominal = metas.get(cell_id, {}).get("nominal_capacity_ah")
    out = {}
    for other, meta in metas.items():
        if other == cell_id or meta.get("nominal_capacity_ah") != nominal:
            continue
        cycles = target.cycles(other)
        out[other] = (cycles["cycle_index"].to_numpy(), cycles["discharge_capacity_ah"].to_numpy())
    return out


def health_command(
    cell_id: Annotated[str, typer.Argument(help="Cell id in the store.")],
    store: StoreOpt = None,
    eol: Annotated[float, typer.Option("--eol", help="End-of-life SOH threshold.")] = 0.8,
    coverage: Annotated[
        float, typer.Option("--coverage", help="Nominal coverage of the RUL interval.")
    ] = 0.9,
    json_out: JsonOpt = False,
    plot: Annotated[Path | None, typer.Option("--plot", help="Write SOH, knee and RUL to a PNG.")] = None,
) -> None:
    """SOH per cycle, knee and knee onset, and remaining useful life with an interval."""
    from ..battery.health import health_report
    from ..store import Store

    target = Store(store)
    cycles = target.cycles(cell_id)
    report = health_report(
        cycles["cycle_index"].to_numpy(),
        cycles["discharge_capacity_ah"].to_numpy(),
        templates=_templates(target, cell_id),
        threshold=eol,
        coverage=coverage,
    )
    report = {"cell": cell_id, **report}
    if plot is not None:
        plot_health(report, plot)
    if json_out:
        print_json(report)
    else:
        rul, knee = report["rul"], report["knee"]
        err_console.print(
            f"{cell_id}: SOH {report['soh'][-1]:.3f} at cycle {rul['cycle']:.0f}; knee {knee['knee_cycle']}, "
            f"onset {knee['onset_cycle']}; RUL {rul['rul']} ({rul['rul_lower']}–{rul['rul_upper']}) by {rul['method']}"
        )


def plot_health(report: dict[str, Any], path: Path) -> None:
    """SOH against cycle with knee, onset, threshold and predicted end of life."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(report["cycles"], report["soh"], ".", markersize=3, label="SOH")
    ax.axhline(report["threshold"], color="grey", linestyle="--", label="end of life")
    knee = report["knee"]
    for key, style in (("onset_cycle", ":"), ("knee_cycle", "-.")):
        if knee.get(key) is not None:
            ax.axvline(knee[key], color="C1", linestyle=style, label=key.replace("_cycle", ""))
    rul = report["rul"]
    if rul["eol_cycle"] is not None:
        ax.axvline(rul["eol_cycle"], color="C3", label="predicted end of life")
        if rul["eol_lower"] is not None and rul["eol_upper"] is not None:
            ax.axvspan(rul["eol_lower"], rul["eol_upper"], color="C3", alpha=0.15)
    ax.set_xlabel("cycle")
    ax.set_ylabel("state of health")
    ax.set_title(str(report.get("cell", "")))
    ax.legend(fontsize=8)
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=120)
    except OSError as exc:
        raise InputError(f"{path}: cannot write plot ({exc.strerror or exc}).") from exc
    finally:
        plt.close(fig)
