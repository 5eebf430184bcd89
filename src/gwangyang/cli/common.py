"""What every CLI command shares: JSON on stdout, human output and progress on stderr, exit codes."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..errors import GwangyangError
from ..files import jsonable

err_console = Console(stderr=True, soft_wrap=True)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """A table as a list of JSON-ready dicts (NaN becomes null)."""
    out: list[dict[str, Any]] = json.loads(df.to_json(orient="records", date_format="iso"))
    return out


def print_json(document: Any) -> None:
    """Print one JSON document on stdout (NaN and infinities become null).

    Text is written as itself (Korean reads as Korean, as the API sends it), unless stdout's encoding cannot
    hold it: then non-ASCII characters are written as JSON's Unicode escapes, the same JSON document.
    """
    text = json.dumps(jsonable(document), allow_nan=False, ensure_ascii=False)
    try:
        text.encode(sys.stdout.encoding or "utf-8")
    except UnicodeEncodeError:
        text = json.dumps(jsonable(document), allow_nan=False)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


@contextmanager
def options_named(*names: str) -> Iterator[None]:
    """Name the command's options as typed in the errors raised inside: ``--id-column``, not ``id_column``.

    The services name their parameters (``id_column``, ``limits``: what a Python or API caller gave); a
    parameter is named at the start of a message or after ``": "``, ``" with "``, ``" in "`` or ``"("``, and followed
    by ``:``, ``)``, ``.``, ``" '"`` or ``" ("``, so that a column or a word of the same spelling is left as it is.
    """
    try:
        yield
    except GwangyangError as exc:
        message = str(exc)
        for name in names:
            pattern = rf"(?:^|(?<=: )|(?<= with )|(?<= in )|(?<=\()){re.escape(name)}(?=[:).]| '| \(|$)"
            message = re.sub(pattern, "--" + name.replace("_", "-"), message)
        if message != str(exc):
            exc.args = (message,)
        raise


@contextmanager
def progress_bar(description: str, enabled: bool = True) -> Iterator[Callable[[int, int], None]]:
    """A Rich progress bar on stderr, shown only when stderr is a terminal; yields ``update(done, total)``."""
    if not enabled or not err_console.is_terminal:
        yield lambda done, total: None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update
