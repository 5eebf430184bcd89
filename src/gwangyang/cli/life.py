"""``gwangyang battery life fit|predict`` and ``gwangyang battery health``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import InputError
from .common import err_console, print_json

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
        str,
        typer.Option(
            "--model", help="variance, discharge, full, gbm, extended, robust, multipair or ensemble."
        ),
    ] = "variance",
    split: Annotated[
        str | None, typer.Option("--split", help="Use only cells.csv rows of this split (e.g. train).")
    ] = None,
    coverage: Annotated[float, typer.Option("--coverage", help="Nominal coverage of the intervals.")] = 0.9,
    conformal: Annotated[
        str,
        typer.Option(
            "--conformal", help="cv+ (CV+, Barber et al. 2021), jackknife+, normalized-cv+ or split."
        ),
    ] = "cv+",
    cycles: Annotated[str, typer.Option("--cycles", help="Cycle pair a,b of ΔQ(V) = Q_b − Q_a.")] = "10,100",
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Fit a cycle-life model and save it."""
    from ..battery.life import fit_life, load_training_set
    from ..store import Store

    pair = _cycle_pair(cycles)
    data, source = load_training_set(dataset, split, Store(store) if store is not None else None)
    summary = fit_life(data, model, pair, coverage, conformal, out=out, source=source)
    summary.pop("pipeline")
    if json_out:
        print_json(summary)
    else:
        train = summary["train"]
        err_console.print(
            f"fitted {model} on {summary['cells']} cells: train RMSE {train['rmse_cycles']:.0f} cycles, "
            f"{train['mean_percent_error']:.1f} % mean error; interval ×/÷ {summary['interval_factor']:.2f}; wrote {out}"
        )


@app.command("predict")
def predict_command(
    paths: Annotated[list[str], typer.Argument(help="Severson-layout folders or files, or store cell ids.")],
    model: Annotated[Path, typer.Option("--model", help="Model file from `life fit`.")],
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Predict cycle life with an interval for each cell."""
    from ..battery.life import predict_life
    from ..store import Store

    rows = predict_life(model, paths, Store(store) if store is not None else None)
    if json_out:
        print_json(rows)
    else:
        for row in rows:
            err_console.print(
                f"{row['cell']}: {row['predicted_cycle_life']:.0f} cycles ({row['lower']:.0f}–{row['upper']:.0f})"
            )


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
    from ..battery.health import cell_health
    from ..store import Store

    report = cell_health(Store(store), cell_id, threshold=eol, coverage=coverage)
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
    notes = knee.get("notes") or []
    return text + "".join(f"\n  {note}" for note in notes)


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
