"""Bearer-token authentication: one token per store, from ``$GWANGYANG_TOKEN`` or a token file.

Browsers cannot send an ``Authorization`` header on a plain page load, so the pages accept the
same token from a ``SameSite=Strict`` HttpOnly cookie, set by ``/login`` or by opening any page
once with ``?token=...`` (the URL ``gwangyang serve`` prints).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from fastapi import HTTPException, Request, status

TOKEN_ENV = "GWANGYANG_TOKEN"
"""Environment variable that sets the token (it then wins over the token file)."""

TOKEN_FILE = ".api-token"
"""Name of the token file inside the store, created on first start (mode 0600)."""

COOKIE = "gwangyang_token"
"""Cookie that carries the token for the pages."""


@dataclass(frozen=True)
class TokenInfo:
    """The token an app accepts and where it came from.

    Attributes
    ----------
    token
        The secret.
    source
        ``"argument"``, ``"env"`` or the token file's path.
    created
        True when this call created the token file (print the token once, then never again).
    """

    token: str
    source: str
    created: bool = False


def resolve_token(store_root: Path, token: str | None = None) -> TokenInfo:
    """Find the token: an explicit one, else ``$GWANGYANG_TOKEN``, else the store's token file (created if missing).

    Parameters
    ----------
    store_root
        The store folder.
    token
        An explicit token, or None.

    Returns
    -------
    TokenInfo
        The token and its source.
    """
    if token:
        return TokenInfo(token, "argument")
    env = os.environ.get(TOKEN_ENV)
    if env:
        return TokenInfo(env, "env")
    path = store_root / TOKEN_FILE
    if path.exists():
        return TokenInfo(path.read_text().strip(), str(path))
    store_root.mkdir(parents=True, exist_ok=True)
    fresh = secrets.token_urlsafe(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first
        return TokenInfo(path.read_text().strip(), str(path))
    with os.fdopen(fd, "w") as handle:
        handle.write(fresh + "\n")
    return TokenInfo(fresh, str(path), created=True)


def presented_token(request: Request) -> str | None:
    """The token a request carries: ``Authorization: Bearer ...`` first, else the page cookie."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.cookies.get(COOKIE)


def is_authorized(request: Request) -> bool:
    """True when the request carries the app's token (compared in constant time)."""
    given = presented_token(request)
    expected: str = request.app.state.token.token
    return given is not None and secrets.compare_digest(given.encode(), expected.encode())


def require_token(request: Request) -> None:
    """FastAPI dependency: 401 unless the request carries the token."""
    if not is_authorized(request):
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="missing or wrong token: send 'Authorization: Bearer <token>' (see the store's .api-token).",
            headers={"WWW-Authenticate": "Bearer"},
        )
