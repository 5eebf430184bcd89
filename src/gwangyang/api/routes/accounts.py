"""Accounts API: who am I (any user), the users and the audit log (admins)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from ... import accounts
from ...accounts import User
from ..auth import require_admin, require_token
from ..common import StoreDep
from ..error_responses import AUTH_ERRORS, errors

router = APIRouter(prefix="/api/v1", tags=["accounts"], responses=AUTH_ERRORS)


@router.get("/me", summary="The user this token belongs to")
def me(user: Annotated[User, Depends(require_token)]) -> dict[str, str]:
    """``{"name", "org", "role"}``; the store token is ``admin`` of every organisation (``*``)."""
    return user.to_dict()


@router.get("/users", summary="The users (admins only)", dependencies=[Depends(require_admin)])
def users(store: StoreDep) -> list[dict[str, Any]]:
    """Name, organisation, role and dates of every user (never a token or its hash)."""
    return accounts.list_users(store)


@router.get(
    "/audit",
    summary="The audit log of writes, newest first (admins only)",
    dependencies=[Depends(require_admin)],
    responses=errors(422),
)
def audit(store: StoreDep, limit: Annotated[int, Query(ge=1, le=100_000)] = 200) -> list[dict[str, Any]]:
    """Records ``{time, user, org, role, method, path, status}`` of every state-changing request."""
    return accounts.audit_log(store, limit)
