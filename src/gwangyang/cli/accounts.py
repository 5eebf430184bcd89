"""``gwangyang users`` and ``gwangyang audit``: accounts with roles and organisations, and the audit log of writes."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from .. import accounts
from ..store import Store
from .battery import JsonOpt, StoreOpt
from .common import err_console, print_json

app = typer.Typer(
    help="Users: name, organisation, role (viewer, operator, admin) and a token each.", no_args_is_help=True
)


def _show_token(user: accounts.User, token: str, json_out: bool, what: str) -> None:
    if json_out:
        print_json({**user.to_dict(), "token": token})
        return
    # The token alone on stdout (for scripts); the note on stderr.
    sys.stdout.write(token + "\n")
    sys.stdout.flush()
    err_console.print(
        f"{what} {user.name} ({user.role}, {user.org}); the token above is shown only this once, "
        "send it as 'Authorization: Bearer <token>' or type it on the login page.",
        markup=False,
        highlight=False,
    )


@app.command("add")
def add_command(
    name: Annotated[str, typer.Argument(help="User name (letters of any script, digits, _ - .).")],
    org: Annotated[str, typer.Option("--org", help="The user's organisation.")],
    role: Annotated[
        str, typer.Option("--role", help="viewer (reads), operator (also ingests, fits, runs jobs) or admin.")
    ] = "viewer",
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Add a user and print its token once (the store keeps only its SHA-256)."""
    user, token = accounts.add_user(Store(store), name, org, role)
    _show_token(user, token, json_out, "added")


@app.command("list")
def list_command(store: StoreOpt = None, json_out: JsonOpt = False) -> None:
    """The users with their organisations and roles (never their tokens)."""
    users = accounts.list_users(Store(store))
    if json_out:
        print_json(users)
        return
    if not users:
        err_console.print(
            "no users; the store token is the admin's ('gwangyang users add NAME --org ORG').",
            highlight=False,
        )
        return
    for u in users:
        sys.stdout.write(f"{u['name']}\t{u['org']}\t{u['role']}\t{u['token_rotated_at']}\n")


@app.command("remove")
def remove_command(
    name: Annotated[str, typer.Argument(help="User name.")], store: StoreOpt = None, json_out: JsonOpt = False
) -> None:
    """Remove a user; its token stops working at once."""
    user = accounts.remove_user(Store(store), name)
    if json_out:
        print_json({**user.to_dict(), "removed": True})
    else:
        err_console.print(f"removed {user.name} ({user.role}, {user.org})", markup=False, highlight=False)


@app.command("token")
def token_command(
    name: Annotated[str, typer.Argument(help="User name.")], store: StoreOpt = None, json_out: JsonOpt = False
) -> None:
    """Give a user a new token and print it once; the old token stops working at once."""
    user, token = accounts.rotate_token(Store(store), name)
    _show_token(user, token, json_out, "new token for")


def audit_command(
    store: StoreOpt = None,
    json_out: JsonOpt = False,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Newest records to show.")] = 50,
) -> None:
    """The audit log of writes (who, when, what, status), newest first."""
    records = accounts.audit_log(Store(store), limit)
    if json_out:
        print_json(records)
        return
    if not records:
        err_console.print("the audit log is empty.", highlight=False)
    for r in records:
        sys.stdout.write(
            f"{r.get('time')}\t{r.get('user')}\t{r.get('org')}\t{r.get('role')}\t"
            f"{r.get('method')} {r.get('path')}\t{r.get('status')}\n"
        )
