"""The ``gwangyang`` command, and its one error path.

Whatever goes wrong ends the same way: one line on stderr starting ``error:`` and exit code 2 for
bad usage or bad input (an unknown option, a missing argument, a file that is not what was
expected), 1 for a failure (a locked or read-only store, a full disk, a bug). A traceback is
printed only when ``$GWANGYANG_DEBUG`` is 1.
"""

from __future__ import annotations

import errno
import math
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import typer
from typer._click import exceptions as click_exceptions  # Typer bundles its own click
from typer._click.core import Command

from ..errors import GwangyangError, InputError, NotFoundError, one_line
from .accounts import app as users_app
from .accounts import audit_command
from .battery import app as battery_app
from .common import EXIT_BAD_INPUT, EXIT_FAILED, err_console
from .demo import demo
from .factory import app as factory_app
from .logistics import app as routes_app
from .logistics import forecast_command
from .optimize import app as optimize_app
from .optimize import twin_app
from .port import app as port_app
from .serve import serve
from .store_admin import app as store_app

app = typer.Typer(
    name="gwangyang",
    help="AI for the Gwangyang industrial cluster: batteries, port, logistics, factories.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(battery_app, name="battery")
app.add_typer(port_app, name="port")
app.add_typer(routes_app, name="routes")
app.command("forecast")(forecast_command)
app.add_typer(factory_app, name="factory")
app.add_typer(optimize_app, name="optimize")
battery_app.add_typer(twin_app, name="twin")
app.command("demo")(demo)
app.command("serve")(serve)
app.add_typer(users_app, name="users")
app.add_typer(store_app, name="store")
app.command("audit")(audit_command)

DEBUG_ENV = "GWANGYANG_DEBUG"
"""Set to 1 to see the traceback of an unexpected error."""

OUTPUT_PARAMS = {"plot": "--plot", "geojson": "--geojson", "csv_out": "--csv", "out": "--out"}
"""Parameters (by their Python name) that name a file a command writes."""

STORE_CREATORS = {
    "battery ingest",
    "battery production ingest",
    "demo",
    "serve",
    "battery twin simulate",
    "users add",
}
"""Commands that may create the store they are given; every other ``--store`` must exist."""

_BAD_PATH_ERRNOS = {errno.ENOENT, errno.ELOOP, errno.ENOTDIR, errno.EISDIR, errno.ENAMETOOLONG}


def _fail(message: str, code: int) -> int:
    err_console.print(f"error: {one_line(message)}", markup=False, highlight=False, soft_wrap=True)
    return code


def check_output_file(path: Path, option: str) -> None:
    """Refuse an output path whose folder is missing (never create folders), or which is a folder.

    Raises
    ------
    InputError
        The folder does not exist or is not a folder, the path is a folder, or it is not writable.
    """
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise InputError(f"{option} {path}: is a folder; give a file name.")
    if not folder.is_dir():
        raise InputError(f"{option} {path}: folder {folder} does not exist.")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise InputError(f"{option} {path}: not writable.")


URL_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]+):/")
"""A ``--store`` starting so is a URL (``s3://``, ``file://``): two letters at least, so ``C:/`` is a drive."""


def check_not_url(value: str, label: str) -> None:
    """Refuse a store location that is a URL: the CLI would make it a local folder of that name.

    Parameters
    ----------
    value
        The location as given (``--store``'s value or ``$GWANGYANG_HOME``).
    label
        How the message names where it came from.

    Raises
    ------
    InputError
        When ``value`` starts with a URL scheme (``s3:/``, ``file:/``...).
    """
    url = URL_SCHEME.match(value)
    if url:
        raise InputError(
            f"{label} {value}: a URL ({url.group(1)}://); the CLI reads and writes a local store folder "
            "(write one locally and copy it to the bucket; read a store at a URL in Python, Store(url): docs/store.md)."
        )


def check_store_option(path: Path, must_exist: bool) -> None:
    """Refuse a ``--store`` that is a URL or a file, or (for commands that only read) a folder that does not exist.

    Raises
    ------
    InputError
        As above.
    """
    check_not_url(
        str(path), "--store"
    )  # Path folds ``s3://b/s`` to ``s3:/b/s``: it would be made a local folder
    if path.exists() and not path.is_dir():
        raise InputError(f"--store {path}: is a file, not a store folder.")
    if must_exist and not path.exists():
        raise InputError(f"--store {path}: no store there (check the path, or ingest into it first).")


def _leaves(command: Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, Command]]:
    subcommands: dict[str, Command] | None = getattr(command, "commands", None)
    if subcommands is not None:
        for name, sub in subcommands.items():
            yield from _leaves(sub, (*path, name))
    else:
        yield " ".join(path), command


def _output_names(leaf: Command) -> dict[str, str]:
    """Each output parameter of a command as its command line writes it: ``--plot``, or ``OUT`` for an argument."""
    names = dict(OUTPUT_PARAMS)
    for param in leaf.params:
        if param.name in OUTPUT_PARAMS and getattr(param, "param_type_name", "") == "argument":
            names[param.name] = param.name.upper()
    return names


def _checked_callback(name: str, callback: Callable[..., Any], outputs: dict[str, str]) -> Callable[..., Any]:
    def checked(**kwargs: Any) -> Any:
        for key, value in kwargs.items():
            if isinstance(value, float) and not math.isfinite(value):
                raise InputError(f"--{key.replace('_', '-')}: expected a finite number, got {value}.")
        for key, option in outputs.items():
            value = kwargs.get(key)
            if isinstance(value, Path):
                check_output_file(value, option)
        store = kwargs.get("store")
        if isinstance(store, Path):
            check_store_option(store, must_exist=name not in STORE_CREATORS)
        elif "store" in kwargs and os.environ.get("GWANGYANG_HOME"):
            check_not_url(os.environ["GWANGYANG_HOME"], "$GWANGYANG_HOME")
        try:
            return callback(**kwargs)
        except EOFError as exc:  # a truncated file met by a library (typer would print "Aborted!")
            raise InputError(f"unexpected end of data ({exc or 'EOFError'}); is a file truncated?") from exc

    return checked


def command() -> Command:
    """The click command behind :data:`app`, with the shared checks of outputs and ``--store`` added."""
    root = typer.main.get_command(app)
    for name, leaf in _leaves(root):
        if leaf.callback is not None:
            leaf.callback = _checked_callback(name, leaf.callback, _output_names(leaf))
    return root


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    err_console.print(f"warning: {one_line(str(message))}", markup=False, highlight=False, soft_wrap=True)


def _usage_error(exc: click_exceptions.UsageError) -> int:
    where = exc.ctx.command_path if exc.ctx is not None else "gwangyang"
    if isinstance(exc, click_exceptions.NoArgsIsHelpError):  # a group given no command
        names = sorted(getattr(exc.ctx.command, "commands", {})) if exc.ctx is not None else []
        return _fail(f"missing command: one of {', '.join(names)} (see '{where} --help')", EXIT_BAD_INPUT)
    return _fail(f"{exc.format_message()} (see '{where} --help')", EXIT_BAD_INPUT)


def _os_error(exc: OSError) -> int:
    name = exc.filename if exc.filename is not None else ""
    what = exc.strerror or str(exc) or type(exc).__name__
    message = f"{name}: {what}" if name else what
    return _fail(message, EXIT_BAD_INPUT if exc.errno in _BAD_PATH_ERRNOS else EXIT_FAILED)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code; every error ends as one line on stderr.

    Exit codes: 0 done, 1 failed, 2 bad usage or bad input. ``$GWANGYANG_DEBUG=1`` lets unexpected
    errors raise with their traceback.
    """
    debug = os.environ.get(DEBUG_ENV, "") == "1"
    with warnings.catch_warnings():
        if not debug:
            warnings.showwarning = _show_warning
        try:
            result = command().main(args=argv, prog_name="gwangyang", standalone_mode=False)
        except (InputError, NotFoundError) as exc:
            return _fail(str(exc), EXIT_BAD_INPUT)
        except GwangyangError as exc:
            return _fail(str(exc), EXIT_FAILED)
        except click_exceptions.UsageError as exc:
            return _usage_error(exc)
        except click_exceptions.ClickException as exc:
            return _fail(exc.format_message(), exc.exit_code if exc.exit_code in (1, 2) else EXIT_FAILED)
        except typer.Abort:
            return _fail("aborted.", EXIT_FAILED)
        except typer.Exit as exc:
            return int(exc.exit_code)
        except SystemExit as exc:
            return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_FAILED
        except KeyboardInterrupt:
            return 130
        except OSError as exc:
            if debug:
                raise
            return _os_error(exc)
        except MemoryError:
            if debug:
                raise
            return _fail("out of memory.", EXIT_FAILED)
        except Exception as exc:  # a bug: one line, the traceback only on request
            if debug:
                raise
            return _fail(
                f"internal error: {type(exc).__name__}: {exc} (set {DEBUG_ENV}=1 for the traceback)",
                EXIT_FAILED,
            )
    return result if isinstance(result, int) else 0


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    entry()
