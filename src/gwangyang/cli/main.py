"""The ``gwangyang`` command."""

from __future__ import annotations

import sys

import typer

from ..errors import GwangyangError, InputError, StoreError, one_line
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


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; a ``GwangyangError`` prints one line on stderr and exits 2 (bad input) or 1."""
    try:
        result = app(args=argv, standalone_mode=False)
    except (InputError, StoreError) as exc:
        err_console.print(f"error: {one_line(str(exc))}", markup=False, highlight=False)
        return EXIT_BAD_INPUT
    except GwangyangError as exc:
        err_console.print(f"error: {one_line(str(exc))}", markup=False, highlight=False)
        return EXIT_FAILED
    except typer.Exit as exc:
        return int(exc.exit_code)
    except SystemExit as exc:
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # click's usage errors
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            return EXIT_BAD_INPUT
        if isinstance(exc, click.exceptions.Abort):
            return EXIT_FAILED
        raise
    return result if isinstance(result, int) else 0


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    entry()
