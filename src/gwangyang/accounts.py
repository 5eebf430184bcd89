"""Users, their roles and organisations, their tokens (kept hashed), and the audit log of writes.

A user has a name, an organisation and a role: ``viewer`` reads, ``operator`` also ingests, fits and
runs jobs, ``admin`` also reads the audit log and the users. Each user has a token of 32 random bytes,
shown once when made or rotated; the store keeps only its SHA-256 (``accounts/users.json``), and a
presented token is compared with the hashes in constant time. The store's own token
(``$GWANGYANG_TOKEN`` or ``.api-token``) stays the token of :data:`STORE_ADMIN`, so a one-person
install needs no users at all.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .errors import InputError, NotFoundError, StoreError
from .files import read_json
from .store import Store, artifacts

ROLES: tuple[str, ...] = ("viewer", "operator", "admin")
"""The roles, each allowed what the ones before it are."""

ALL_ORGS = "*"
"""Organisation of the store's own admin: every organisation (no user's organisation can be spelt so)."""

RESERVED_NAMES = frozenset({"admin"})
"""User names kept for the store token's admin."""

TOKEN_BYTES = 32
"""Random bytes in a user's token."""


@dataclass(frozen=True)
class User:
    """Who sent a request.

    Attributes
    ----------
    name
        User name (letters of any script, digits, ``_ - .``).
    org
        Organisation; :data:`ALL_ORGS` for the store token's admin.
    role
        One of :data:`ROLES`.
    """

    name: str
    org: str
    role: str

    def can(self, role: str) -> bool:
        """True when this user's role is ``role`` or above it."""
        return ROLES.index(self.role) >= ROLES.index(role)

    def to_dict(self) -> dict[str, str]:
        """``{"name", "org", "role"}``."""
        return {"name": self.name, "org": self.org, "role": self.role}


STORE_ADMIN = User("admin", ALL_ORGS, "admin")
"""The user the store's own token stands for."""


def hash_token(token: str) -> str:
    """SHA-256 of a token, in hex (a 256-bit random token needs no salt or slow hash)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_role(role: str) -> str:
    """``role`` if it is one of :data:`ROLES`, else ``InputError``."""
    if role not in ROLES:
        raise InputError(f"role {role!r}: expected one of {', '.join(ROLES)}.")
    return role


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _records(store: Store | str | os.PathLike[str]) -> list[dict[str, Any]]:
    path = artifacts.users_path(store)
    try:
        document = read_json(path)
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise StoreError(f"{path}: cannot read the users file ({exc}).") from None
    users = document.get("users") if isinstance(document, dict) else None
    if not isinstance(users, list) or not all(
        isinstance(u, dict) and {"name", "org", "role", "token_sha256"} <= u.keys() for u in users
    ):
        raise StoreError(
            f"{path}: not a users file (expected {{'users': [{{name, org, role, token_sha256}}]}})."
        )
    return users


def _save(store: Store | str | os.PathLike[str], users: list[dict[str, Any]]) -> None:
    artifacts.save_users(store, {"version": 1, "users": users})


def list_users(store: Store | str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The users, sorted by name: ``name``, ``org``, ``role``, ``created_at``, ``token_rotated_at`` (no hashes)."""
    keep = ("name", "org", "role", "created_at", "token_rotated_at")
    return sorted(({k: u.get(k) for k in keep} for u in _records(store)), key=lambda u: str(u["name"]))


def add_user(store: Store | str | os.PathLike[str], name: str, org: str, role: str) -> tuple[User, str]:
    """Make a user and return it with its token (shown once: only its hash is kept).

    Raises
    ------
    InputError
        A bad name, organisation or role, a reserved name, or a user of that name already exists.
    """
    artifacts.check_name(name, "user name")
    artifacts.check_name(org, "organisation")
    check_role(role)
    if name in RESERVED_NAMES:
        raise InputError(f"user name {name!r}: reserved for the store token's admin; choose another.")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with artifacts.users_lock(store):
        users = _records(store)
        if any(u["name"] == name for u in users):
            raise InputError(
                f"user {name!r}: already exists (rotate its token with 'gwangyang users token')."
            )
        now = _now()
        users.append(
            {
                "name": name,
                "org": org,
                "role": role,
                "token_sha256": hash_token(token),
                "created_at": now,
                "token_rotated_at": now,
            }
        )
        _save(store, users)
    return User(name, org, role), token


def remove_user(store: Store | str | os.PathLike[str], name: str) -> User:
    """Delete a user; its token stops working at once. Raises ``NotFoundError`` for an unknown user."""
    with artifacts.users_lock(store):
        users = _records(store)
        found = [u for u in users if u["name"] == name]
        if not found:
            raise NotFoundError(f"user {name!r}: no such user.")
        _save(store, [u for u in users if u["name"] != name])
    return User(found[0]["name"], found[0]["org"], found[0]["role"])


def rotate_token(store: Store | str | os.PathLike[str], name: str) -> tuple[User, str]:
    """Give a user a new token (returned, shown once); the old one stops working at once."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with artifacts.users_lock(store):
        users = _records(store)
        found = [u for u in users if u["name"] == name]
        if not found:
            raise NotFoundError(f"user {name!r}: no such user.")
        found[0]["token_sha256"] = hash_token(token)
        found[0]["token_rotated_at"] = _now()
        _save(store, users)
    return User(found[0]["name"], found[0]["org"], found[0]["role"]), token


class Directory:
    """The users of a store as a server sees them: re-read whenever the users file changes.

    Parameters
    ----------
    store
        The store.
    """

    def __init__(self, store: Store | str | os.PathLike[str]) -> None:
        self.store = store
        self._stamp: tuple[int, int, int] | None = None
        self._users: list[tuple[str, User]] = []

    def _refresh(self) -> None:
        try:
            st = os.stat(artifacts.users_path(self.store))
            stamp: tuple[int, int, int] | None = (st.st_ino, st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            stamp = None
        if stamp == self._stamp:
            return
        records = _records(self.store) if stamp is not None else []
        self._users = [(str(u["token_sha256"]), User(u["name"], u["org"], u["role"])) for u in records]
        self._stamp = stamp

    def find(self, token: str | None) -> User | None:
        """The user whose token this is, or None (a blank token is nobody's)."""
        if token is None or not token.strip():
            return None
        self._refresh()
        digest = hash_token(token.strip()).encode()
        found = None
        for stored, user in self._users:  # every hash compared, in constant time each
            if secrets.compare_digest(stored.encode(), digest):
                found = user
        return found


# the audit log ---------------------------------------------------------------------------------------------


def record_write(
    store: Store | str | os.PathLike[str], user: User | None, method: str, path: str, status: int
) -> dict[str, Any]:
    """Append who did what to the audit log: time, user, org, role, method, path (no query: it may hold a token), status."""
    record = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "user": user.name if user else None,
        "org": user.org if user else None,
        "role": user.role if user else None,
        "method": method,
        "path": path,
        "status": status,
    }
    artifacts.append_audit(store, record)
    return record


def audit_log(store: Store | str | os.PathLike[str], limit: int | None = None) -> list[dict[str, Any]]:
    """The audit log, newest first (the newest ``limit`` records when given)."""
    if limit is not None and limit < 1:
        raise InputError(f"limit {limit}: expected 1 or more.")
    return artifacts.audit_records(store, limit)
