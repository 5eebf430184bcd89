"""``gwangyang demo``: the main job."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from ..demo import record_steps, run_demo
from ..store import Store
from .common import err_console, print_json


def demo(
    store: Annotated[Path, typer.Option("--store", help="Fresh store to build (deleted first).")] = Path(
        "gwangyang-demo"
    ),
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Run the analyses and print a summary; do not serve.")
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the summary as one JSON document.")] = False,
    host: Annotated[str, typer.Option("--host", help="Interface to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port to serve on.", min=1, max=65535)] = 8000,
) -> None:
    """Load the shipped samples into a fresh store, run the analyses, print the summaries and serve the dashboard."""
    summary = run_demo(store, progress=lambda name: err_console.print(f"[bold]demo[/bold]: {escape(name)}"))
    record_steps(Store(store), summary)
    if json_out:
        print_json(summary)
    else:
        print_summary(summary)
    if not no_serve:
        from ..api import create_app
        from .serve import announce, run_server

        app = create_app(store)
        announce(app, host, port, always_show_token=True)
        run_server(app, host, port)


def print_summary(summary: dict[str, Any]) -> None:
    """Print the demo's summary tables on stderr."""
    battery = summary["battery"]
    err_console.print(f"store: {summary['store']}")
    err_console.print(
        f"{'cell':40} {'vendor':10} {'rows':>8} {'cycles':>6} {'Qmax Ah':>9} {'Qlast Ah':>9} {'CE':>7}"
    )
    for cell in battery["cells"]:

        def fmt(value: float | None, spec: str) -> str:
            return format(value, spec) if value is not None and value == value else "-"

        err_console.print(
            f"{cell['cell_id'][:40]:40} {cell['vendor']:10} {cell['rows']:>8} {cell['cycles']:>6} "
            f"{fmt(cell['max_discharge_capacity_ah'], '9.4f')} {fmt(cell['last_discharge_capacity_ah'], '9.4f')} "
            f"{fmt(cell['median_coulombic_efficiency'], '7.4f')}",
            highlight=False,
        )
    for item in battery["failed"]:
        err_console.print(f"[red]failed[/red] {escape(item['error'])}", highlight=False)
    for name, result in summary.items():
        if name in ("store", "battery") or not isinstance(result, dict):
            continue
        figures = ", ".join(f"{key}={value}" for key, value in headline(result))
        err_console.print(f"[bold]{escape(name)}[/bold]: {escape(figures)}", highlight=False)
        for text in step_warnings(result):
            err_console.print(f"  [yellow]warning[/yellow] {escape(text)}", highlight=False)


def step_warnings(result: dict[str, Any]) -> list[str]:
    """A step's ``warnings``: a list of lines, or lines per item (``{"scenario": [...]}`` → ``scenario: line``)."""
    found = result.get("warnings")
    if isinstance(found, list):
        return [str(w) for w in found]
    if isinstance(found, dict):
        return [f"{key}: {w}" for key, lines in found.items() for w in (lines or [])]
    return []


def headline(result: dict[str, Any], limit: int = 8) -> list[tuple[str, str]]:
    """Up to ``limit`` scalar figures of a step's summary (top level first, then one level down)."""

    def shown(value: Any) -> str | None:
        if isinstance(value, bool) or value is None:
            return None
        if isinstance(value, float):
            return f"{value:.4g}"
        if isinstance(value, int | str) and len(str(value)) <= 40:
            return str(value)
        return None

    figures: list[tuple[str, str]] = []
    nested = [(k, v) for k, v in result.items() if isinstance(v, dict)]
    for key, value in result.items():
        text = shown(value)
        if text is not None:
            figures.append((key, text))
    for outer, inner in nested:
        for key, value in inner.items():
            text = shown(value)
            if text is not None:
                figures.append((f"{outer}.{key}", text))
    return figures[:limit]
