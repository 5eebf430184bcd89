"""``gwangyang serve``: serve the API and the dashboard for an existing store."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .common import err_console

if TYPE_CHECKING:
    from fastapi import FastAPI


def announce(app: FastAPI, host: str, port: int, always_show_token: bool = False) -> None:
    """Print where the dashboard is and, the first time (or when asked), the token, on stderr."""
    info = app.state.token
    shown_host = "127.0.0.1" if host in {"0.0.0.0", "::"} else host
    base = f"http://{shown_host}:{port}"
    err_console.print(f"store:     {app.state.store.root}", highlight=False)
    err_console.print(f"dashboard: {base}/", highlight=False)
    err_console.print(f"API docs:  {base}/docs   health: {base}/health", highlight=False)
    if info.created or always_show_token:
        err_console.print(f"token:     {info.token}", highlight=False)
        err_console.print(f"open:      {base}/?token={info.token}", highlight=False)
        if info.created:
            err_console.print(
                f"(token saved in {info.source}; it is printed only this once)", highlight=False
            )
    elif info.source in {"env", "argument"}:
        err_console.print("token:     from $GWANGYANG_TOKEN", highlight=False)
    else:
        err_console.print(f"token:     in {info.source}", highlight=False)


SWITCH_INTERVAL_S = 0.001
"""The interpreter's thread switch interval while serving (the default is 5 ms)."""


def run_server(app: FastAPI, host: str, port: int, forwarded_allow_ips: str | None = None) -> None:
    """Serve an app with uvicorn until interrupted.

    ``forwarded_allow_ips``: proxies (comma-separated addresses, or ``*``) whose ``X-Forwarded-Proto``
    and ``X-Forwarded-For`` are believed; default uvicorn's (``$FORWARDED_ALLOW_IPS`` or 127.0.0.1).
    """
    import sys

    import uvicorn

    # A job computing in a thread holds the GIL up to the switch interval (5 ms) each time the
    # event loop asks for it; 1 ms keeps requests answered promptly while a long job runs.
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
    )


def serve(
    host: Annotated[
        str, typer.Option("--host", help="Interface to listen on (0.0.0.0 for every one).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.", min=1, max=65535)] = 8000,
    store: Annotated[
        Path | None,
        typer.Option("--store", help="Store folder (default $GWANGYANG_HOME or ./gwangyang-data)."),
    ] = None,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            "--forwarded-allow-ips",
            help="TLS proxies (comma-separated IPs) trusted for X-Forwarded-Proto; the cookie is then Secure.",
        ),
    ] = None,
) -> None:
    """Serve the REST API (/api/v1, /docs) and the dashboard for a store; every endpoint but /health needs the token."""
    from ..api import create_app

    app = create_app(store)
    announce(app, host, port)
    if forwarded_allow_ips is None:
        run_server(app, host, port)
    else:
        run_server(app, host, port, forwarded_allow_ips)
