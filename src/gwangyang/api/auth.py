"""Bearer-token authentication and roles: the store's token (the admin's), from ``$GWANGYANG_TOKEN`` or a token file, and the users' tokens.

Every route depends on :func:`require_token`: it finds the user (401 when nobody) and checks the role
the method needs (403): reading needs ``viewer``, any other method ``operator``; :func:`require_admin`
guards the users and the audit log.

Browsers cannot send an ``Authorization`` header on a plain page load, so the pages accept the
same token from a ``SameSite=Strict`` HttpOnly cookie, set by ``/login`` or by opening any page
once with ``?token=...`` (the URL ``gwangyang serve`` prints).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import HTTPException, Request, status

from ..accounts import STORE_ADMIN, Directory, User
from ..errors import StoreError
from ..store import artifacts

TOKEN_ENV = "GWANGYANG_TOKEN"
"""Environment variable that sets the token (it then wins over the token file)."""

TOKEN_FILE = artifacts.API_TOKEN_FILE
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


def _checked(token: str, where: str) -> str:
    """``token`` without surrounding whitespace; an empty or blank token is refused (it would let anyone in)."""
    token = token.strip()
    if not token:
        raise StoreError(
            f"{where}: the token is empty; an empty token would let anyone in. "
            f"Set {TOKEN_ENV} to a secret, or delete an empty {TOKEN_FILE} file to have a new one made."
        )
    if any(ord(ch) < 33 or ord(ch) > 126 for ch in token):
        raise StoreError(f"{where}: the token must be printable ASCII without spaces.")
    return token


def _read_token_file(path: Path) -> str:
    try:
        text = path.read_text(encoding="ascii", errors="replace")
    except OSError as exc:
        raise StoreError(f"{path.name}: cannot read the token file ({exc.strerror}).") from exc
    return _checked(text, str(path))


def _create_token_file(path: Path) -> str | None:
    """Write a fresh token to ``path`` whole or not at all; None when another process made the file first.

    The token is written and synced to a private temporary file, which is then hard-linked to its
    name: ``link`` is atomic and fails when the name exists, so a reader sees the full token or no
    file, never an empty one (a full disk or a race used to leave an empty file).
    """
    fresh = secrets.token_urlsafe(32)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(fresh + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return None
    finally:
        tmp.unlink(missing_ok=True)
    return fresh


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

    Raises
    ------
    StoreError
        The token given, the variable or the file is empty or blank, or the file cannot be written.
    """
    if token is not None:
        return TokenInfo(_checked(token, "token"), "argument")
    env = os.environ.get(TOKEN_ENV)
    if env is not None:
        return TokenInfo(_checked(env, f"${TOKEN_ENV}"), "env")
    path = artifacts.api_token_path(store_root)
    if path.exists():
        return TokenInfo(_read_token_file(path), str(path))
    try:
        store_root.mkdir(parents=True, exist_ok=True)
        fresh = _create_token_file(path)
    except OSError as exc:
        raise StoreError(f"{path.name}: cannot create the token file ({exc.strerror}).") from exc
    if fresh is None:  # another process created it first
        return TokenInfo(_read_token_file(path), str(path))
    return TokenInfo(fresh, str(path), created=True)


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
"""Methods that change nothing, so a cross-site request with them needs no origin check."""


def presented_token(request: Request) -> str | None:
    """The token a request carries: ``Authorization: Bearer ...`` first, else the page cookie; None when blank."""
    return _presented(request)[0]


def _presented(request: Request) -> tuple[str | None, bool]:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), False
    cookie = (request.cookies.get(COOKIE) or "").strip()
    return (cookie or None), True


def same_origin(request: Request) -> bool:
    """False when a browser says the request comes from another site (``Origin`` or ``Sec-Fetch-Site``).

    A request with neither header (curl, scripts) is not from a browser page and passes. ``Origin``
    is compared with the ``Host`` the request was sent to (scheme aside: a TLS proxy may sit between).
    """
    origin = request.headers.get("origin")
    if origin is not None:
        host = request.headers.get("host", "")
        netloc = urlsplit(origin).netloc if origin != "null" else ""
        return bool(netloc) and netloc.lower() == host.lower()
    fetch_site = request.headers.get("sec-fetch-site")
    return fetch_site is None or fetch_site in {"same-origin", "none"}


def user_for_token(request: Request, token: str | None) -> User | None:
    """The user a token belongs to: the store token is :data:`~gwangyang.accounts.STORE_ADMIN`; None for a blank or unknown one."""
    if token is None or not token.strip():
        return None
    given = token.strip()
    expected: str = request.app.state.token.token
    if expected and secrets.compare_digest(given.encode(), expected.encode()):
        return STORE_ADMIN
    users: Directory = request.app.state.users
    return users.find(given)


def current_user(request: Request) -> User | None:
    """The user a request comes from (also kept as ``request.state.user``), or None.

    A token from the cookie on a state-changing request counts only from the app's own origin: the
    browser sends the cookie with any request to this host, a header only when a script sets it.
    """
    given, from_cookie = _presented(request)
    user = user_for_token(request, given)
    if user is None or (from_cookie and request.method not in SAFE_METHODS and not same_origin(request)):
        return None
    _check_store(request)
    request.state.user = user
    return user


def _check_store(request: Request) -> None:
    """Refuse a known user's request when the store's folder is gone (moved or deleted while the server runs).

    Raises
    ------
    StoreError
        Answered 503 without ``Retry-After`` (:mod:`.http_status`): waiting will not bring the folder back.
    """
    if not request.app.state.store.root.is_dir():
        raise StoreError(
            "the store: its folder is missing (moved or deleted while the server runs); put it back or restart "
            "the server on a store."
        )


def is_authorized(request: Request) -> bool:
    """True when the request carries a known token (see :func:`current_user`)."""
    return current_user(request) is not None


def required_role(request: Request) -> str:
    """The role a request needs: ``viewer`` to read (GET, HEAD, OPTIONS), ``operator`` for anything else."""
    return "viewer" if request.method in SAFE_METHODS else "operator"


def _forbidden(user: User, role: str) -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_403_FORBIDDEN,
        detail=f"user {user.name!r} has the {user.role} role; this needs the {role} role.",
    )


def require_token(request: Request) -> User:
    """FastAPI dependency: 401 without a known token (403 for a cookie from another site), 403 for too low a role.

    Reading needs ``viewer``, anything that changes state ``operator`` (:func:`required_role`).
    """
    user = current_user(request)
    if user is None:
        given, from_cookie = _presented(request)
        if from_cookie and request.method not in SAFE_METHODS and user_for_token(request, given) is not None:
            raise HTTPException(
                status_code=status.HTTP_403_FORBIDDEN,
                detail="cross-site request refused: the Origin is not this server's.",
            )
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="missing or wrong token: send 'Authorization: Bearer <token>' (see the store's .api-token).",
            headers={"WWW-Authenticate": "Bearer"},
        )
    role = required_role(request)
    if not user.can(role):
        raise _forbidden(user, role)
    return user


def require_admin(request: Request) -> User:
    """FastAPI dependency: as :func:`require_token`, and 403 unless the user is an admin."""
    user = require_token(request)
    if not user.can("admin"):
        raise _forbidden(user, "admin")
    return user
