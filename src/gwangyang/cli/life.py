"""``gwangyang battery life fit|predict`` and ``gwangyang battery health``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from ..errors import InputError
from .common import EXIT_BAD_INPUT, EXIT_FAILED, err_console, print_json, progress_bar

app = typer.Typer(
    help="Early cycle-life prediction (Severson et al. 2019) with conformal intervals.", no_args_is_help=True
)

StoreOpt = Annotated[
    Path | None, typer.Option("--store", help="Store folder (default $GWANGYANG_HOME or ./gwangyang-data).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]


def _cycle_pair(text: str) -> tuple[int, int]:
    try:
        early, late = (int(part) for part in text.split(","))
    except ValueError as exc:
        raise InputError(f"--cycles: expected two cycle numbers like 10,100, got {text!r}.") from exc
    return early, late


def print_fit_warnings(summary: dict[str, Any]) -> None:
    """One yellow ``warning`` line on stderr per warning of a fit (e.g. the interval's fallback)."""
    for text in summary.get("warnings") or []:
        err_console.print(f"[yellow]warning  {escape(text)}[/yellow]", highlight=False)


FOLDS_TEXT = {
    "batch": "one fold per batch",
    "policy": "folds by charging policy",
    "shuffled": "shuffled folds",
}
"""How each ``folds_by`` of a model selection reads in a sentence."""


def selection_text(selection: dict[str, Any]) -> str:
    """``chose charging (cross-validated RMSE, one fold per batch: charging 258, robust 265, ... cycles; nested estimate of the choice 335)``."""
    scores = sorted(selection["cv_rmse_cycles"].items(), key=lambda item: item[1])
    ranked = ", ".join(f"{name} {value:.0f}" for name, value in scores)
    refused = selection.get("refused") or {}
    folds = FOLDS_TEXT.get(selection["folds_by"], f"folds by {selection['folds_by']}")
    text = (
        f"chose {selection['chosen']} (cross-validated RMSE, {folds}: {ranked} "
        f"cycles; nested estimate of the choice {selection['nested_rmse_cycles']:.0f})"
    )
    return text + "".join(f"\n  not a candidate: {name}: {why}" for name, why in refused.items())


def interval_text(interval: dict[str, Any]) -> str:
    """``group-cv+, folds by batch`` / ``cv+, shuffled folds, lot shift``: the interval a fit made."""
    folds = interval["folds_by"]
    text = f"{interval['conformal']}, " + (
        f"folds by {folds}" if folds in ("batch", "policy") else f"{folds} folds"
    )
    return text + (", lot shift" if interval["lot_shift"] else "")


@app.command("fit")
def fit_command(
    dataset: Annotated[
        str,
        typer.Argument(
            help="Folder in the Severson layout with cells.csv, or store: (store cells of known life); "
            "with --name: sample (the shipped Severson sample) or store."
        ),
    ],
    out: Annotated[Path | None, typer.Option("--out", help="Model file to write.")] = None,
    name: Annotated[
        str | None,
        typer.Option("--name", help="Keep the model in the store under this name (as the API does)."),
    ] = None,
    model: Annotated[
        str,
        typer.Option(
            "--model",
            help="variance, discharge, full, gbm, extended, robust, multipair, ensemble, charging "
            "(multipair + the policy's average C-rate; needs cells.csv 'policy'), or auto (the candidate "
            "of lowest cross-validated RMSE on the training cells, folds by batch, else policy, else "
            "shuffled; nested CV estimates the choice's error).",
        ),
    ] = "variance",
    split: Annotated[
        str | None, typer.Option("--split", help="Use only cells.csv rows of this split (e.g. train).")
    ] = None,
    coverage: Annotated[float, typer.Option("--coverage", help="Nominal coverage of the intervals.")] = 0.9,
    conformal: Annotated[
        str,
        typer.Option(
            "--conformal",
            help="group-cv+ (default: the interval for cells of another batch; CV+ with folds by batch, "
            "else by charging policy plus the lot shift, else shuffled folds plus the lot shift), cv+ "
            "(CV+, Barber et al. 2021, shuffled folds: for cells exchangeable with the training cells), "
            "jackknife+, normalized-cv+ or split.",
        ),
    ] = "group-cv+",
    cycles: Annotated[str, typer.Option("--cycles", help="Cycle pair a,b of ΔQ(V) = Q_b − Q_a.")] = "10,100",
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Fit a cycle-life model and save it (to a file with --out, in the store with --name)."""
    from ..battery import service
    from ..store import Store

    if (out is None) == (name is None):
        raise InputError("life fit: give either --out (a model file) or --name (a model kept in the store).")
    if name is not None:
        with progress_bar(
            "fitting" if model != "auto" else "choosing the model by cross-validation"
        ) as update:
            summary = service.fit_life_model(
                Store(store), name, model, dataset, coverage, conformal, progress=update
            )
        print_fit_warnings(summary)
        if "selection" in summary and not json_out:
            err_console.print(selection_text(summary["selection"]), highlight=False)
        if json_out:
            print_json(summary)
        else:
            train = summary["train"]
            err_console.print(
                f"fitted {summary['model']} on {summary['training_cells']} cells: train RMSE {train['rmse_cycles']:.0f} cycles; "
                f"kept as {name!r} in the store"
            )
        return
    assert out is not None
    pair = _cycle_pair(cycles)
    with progress_bar("choosing the model by cross-validation", enabled=model == "auto") as update:
        summary = service.fit_life_file(
            dataset,
            out,
            model,
            split,
            coverage,
            conformal,
            pair,
            Store(store) if store is not None else None,
            progress=update,
        )
    print_fit_warnings(summary)
    if "selection" in summary and not json_out:
        err_console.print(selection_text(summary["selection"]), highlight=False)
    if json_out:
        print_json(summary)
    else:
        train = summary["train"]
        err_console.print(
            f"fitted {summary['model']} on {summary['cells']} cells: train RMSE {train['rmse_cycles']:.0f} cycles, "
            f"{train['mean_percent_error']:.1f} % mean error; interval ×/÷ {summary['interval_factor']:.2f} "
            f"({interval_text(summary['interval'])}); wrote {out}"
        )


@app.command("models")
def models_command(store: StoreOpt = None, json_out: JsonOpt = False) -> None:
    """Cycle-life models kept in the store, newest first."""
    from ..battery import service
    from ..store import Store

    models = service.list_life_models(Store(store))
    if json_out:
        print_json(models)
        return
    for entry in models:
        err_console.print(
            f"{entry['name']}: {entry['model']} on {entry['training_cells']} cells ({entry['source']})",
            highlight=False,
        )


@app.command("predict")
def predict_command(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Severson-layout folders or files, or store cell ids.")
    ] = None,
    model: Annotated[
        str, typer.Option("--model", help="Model file from `life fit`, or a model kept in the store.")
    ] = "",
    sample: Annotated[
        str | None, typer.Option("--sample", help="Predict a split of the shipped sample (train, test1).")
    ] = None,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Predict cycle life with an interval for each cell (a model file, or a kept model by name)."""
    from ..battery import service
    from ..store import Store

    if not model:
        raise InputError("--model: expected a model file or the name of a model kept in the store.")
    if Path(model).is_file():
        if sample is not None or not paths:
            raise InputError(
                "predict: a model file predicts folders, files or store cell ids given as arguments."
            )
        # a batch folder with a damaged file: the other cells are predicted, that one named (exit 1)
        errors: list[dict[str, str]] = []
        rows = service.predict_life_file(
            Path(model), paths, Store(store) if store is not None else None, errors
        )
    else:
        document = service.predict_life(Store(store), model, list(paths) if paths else None, sample)
        if json_out:
            print_json(document)
            _exit_for_errors(document["predictions"], document["errors"])
            return
        rows, errors = document["predictions"], document["errors"]
    if json_out:
        print_json(rows)
        for error in errors:
            err_console.print(f"{error['cell']}: {error['error']}", highlight=False)
        _exit_for_errors(rows, errors)
        return
    for row in rows:
        err_console.print(
            f"{row['cell']}: {row['predicted_cycle_life']:.0f} cycles ({row['lower']:.0f}–{row['upper']:.0f})"
        )
        if "warning" in row:
            err_console.print(f"  warning: {row['warning']}", highlight=False)
    for error in errors:
        err_console.print(f"{error['cell']}: {error['error']}", highlight=False)
    score = service.score_predictions(rows)
    if score is not None:
        err_console.print(
            f"scored on the {score['cells']:.0f} cells of known life (cells.csv cycle_life): RMSE "
            f"{score['rmse_cycles']:.0f} cycles, {score['mean_percent_error']:.1f} % mean error, "
            f"{score['coverage']:.0%} inside their interval (mean width {score['mean_width_cycles']:.0f})",
            highlight=False,
        )
    _exit_for_errors(rows, errors)


def _exit_for_errors(rows: list[dict[str, Any]], errors: list[dict[str, str]]) -> None:
    """Exit as ``ingest`` does when cells could not be predicted: 2 if none could, 1 if some could not."""
    if errors:
        raise typer.Exit(EXIT_FAILED if rows else EXIT_BAD_INPUT)


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
    from ..battery import service
    from ..store import Store

    report = service.cell_health(Store(store), cell_id, threshold=eol, coverage=coverage)
    if plot is not None:
        plot_health(report, plot)
    if json_out:
        print_json(report)
    else:
        err_console.print(health_text(cell_id, report))


def _cycles(value: float | None) -> str:
    """A cycle count as an integer; '—' where unknown, '∞' where unbounded."""
    return "—" if value is None else f"{value:.0f}"


def health_text(cell_id: str, report: dict[str, Any]) -> str:
    """One-line summary of :func:`gwangyang.battery.health.cell_health`: cycles as integers, SOH and capacity to 4 significant digits."""
    rul, knee = report["rul"], report["knee"]
    text = (
        f"{cell_id}: SOH {report['soh'][-1]:.4g} at cycle {rul['cycle']:.0f} "
        f"(initial capacity {report['initial_capacity_ah']:.4g} Ah); "
    )
    if knee.get("knee_cycle") is not None:
        onset = knee.get("onset_cycle")
        text += f"knee at cycle {knee['knee_cycle']:.0f}" + (
            f", onset {onset:.0f}; " if onset is not None else "; "
        )
    else:
        text += "no knee; "
    upper = "∞" if rul["rul"] is not None and rul["rul_upper"] is None else _cycles(rul["rul_upper"])
    text += f"RUL {_cycles(rul['rul'])} cycles ({_cycles(rul['rul_lower'])}–{upper}) by {rul['method']}"
    notes = ([rul["note"]] if rul.get("note") else []) + (knee.get("notes") or [])
    return text + "".join(f"\n  {note}" for note in notes)


def fleet_command(
    store: StoreOpt = None,
    executor: Annotated[str, typer.Option("--executor", help="serial, processes or dask.")] = "serial",
    workers: Annotated[int | None, typer.Option("--workers", help="Workers for processes/dask.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Predicted end of life (with interval), last SOH and knee of every store cell, on the chosen executor."""
    from ..battery import service
    from ..compute import make_executor
    from ..store import Store

    pool = make_executor(executor, workers=workers)
    opened = Store(store)
    try:
        health = service.fleet_health(opened, pool)
    finally:
        pool.close()
    if json_out:
        print_json(health)
    else:
        for cell_id, row in health.items():
            eol = "-" if row["eol_cycle"] is None else f"{row['eol_cycle']:.0f}"
            flag = f"; {row['flag']}" if row["flag"] else ""
            err_console.print(f"{cell_id}: end of life {eol}{flag}", highlight=False)
    # the document holds only the cells with a health figure: name the others, never drop them silently
    left_out = sorted({meta["cell_id"] for meta in opened.metas()} - set(health))
    if left_out:
        err_console.print(
            f"{len(left_out)} cell(s) left out, without a health figure (`battery health CELL_ID` says why): "
            + ", ".join(left_out),
            highlight=False,
        )


def plot_health(report: dict[str, Any], path: Path) -> None:
    """SOH against cycle with knee, onset, threshold and predicted end of life."""
    from ..plotting import pyplot

    plt = pyplot()

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
    ax.set_title(str(report.get("cell_id", "")))
    ax.legend(fontsize=8)
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=120)
    except OSError as exc:
        raise InputError(f"{path}: cannot write plot ({exc.strerror or exc}).") from exc
    finally:
        plt.close(fig)
