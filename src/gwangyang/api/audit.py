"""The audit log's recorder: every state-changing request a known user sends, with its status, appended to the store."""

from __future__ import annotations

import logging
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..accounts import User, record_write
from ..store import Store
from .auth import SAFE_METHODS

log = logging.getLogger("gwangyang.api")


class AuditMiddleware:
    """ASGI middleware: after a POST, PUT, PATCH or DELETE, append who, when, what and the status to the audit log.

    The user is the one the auth dependency found (``request.state.user``); requests from nobody
    (401) are not recorded, refused ones (403) are. A request that fails with an error is recorded
    with status 500.

    Parameters
    ----------
    app
        The wrapped app.
    store
        The store whose audit log gets the records.
    """

    def __init__(self, app: ASGIApp, store: Store) -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; record it when it was a write by a known user."""
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        status: dict[str, int] = {}

        async def send_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        except Exception:
            self._record(scope, status.get("code", 500))
            raise
        self._record(scope, status.get("code", 500))

    def _record(self, scope: Scope, status: int) -> None:
        state: dict[str, Any] = scope.get("state") or {}
        user = state.get("user")
        if not isinstance(user, User):
            return
        try:
            record_write(self.store, user, scope["method"], scope["path"], status)
        except OSError as exc:  # a full disk must not turn a done write into an error; say it loudly
            log.error(
                "audit log: cannot record %s %s by %s (%s)", scope["method"], scope["path"], user.name, exc
            )
