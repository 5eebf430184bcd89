"""Each organisation's data its own: what the user of a request may see, decided in one place.

A cell (``org`` in its metadata), a production table (``org`` in its manifest record) and a job (``org`` in its
record) belong to an organisation, or to
nobody (``None``: shared with everyone, what the store's admin ingests). A user sees its own
organisation's and the shared ones; an admin sees all. Something of another organisation does not
exist for the user: asking for it answers 404, exactly as for a name never stored (not 403, which
would tell that it exists).

:func:`guard` is the one dependency the routers and pages declare: it finds the request's
:class:`Scope` and refuses a ``{cell_id}`` or ``{job_id}`` in the path that the user may not see.
Listings filter through :meth:`Scope.keep`; jobs are submitted, read and listed through
:class:`ScopedJobs`, which stamps and checks the organisation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status

from ..accounts import ALL_ORGS, User
from ..errors import CellConflictError, InputError, NotFoundError
from ..files import read_json, write_json
from ..store import Store, artifacts
from .auth import current_user
from .jobs import JobFunction, JobManager


def _owner_file(store: Store, kind: str, name: str) -> Path:
    """Where the organisation of a monitor or campaign is kept: beside the monitor, inside the campaign's folder."""
    if kind == "monitor":
        return artifacts.monitors_dir(store) / f"{artifacts.check_name(name, 'monitor name')}.org.json"
    if kind == "campaign":
        return artifacts.campaign_dir(store, name) / "org.json"
    raise ValueError(f"kind: expected monitor or campaign, got {kind!r}")


MISSING = {
    "monitor": "monitor {name!r}: not in store.",
    "campaign": "campaign {name!r}: no such campaign.",
}
"""The message of a missing monitor or campaign, which another organisation's gets too."""


def record_owner(store: Store, kind: str, name: str, org: str | None) -> None:
    """Record that the monitor or campaign ``name``, just made, is organisation ``org``'s (None: shared)."""
    target = _owner_file(store, kind, name)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_json(target, {"org": org})


def owner_of(store: Store, kind: str, name: str) -> str | None:
    """The organisation a monitor or campaign belongs to; None (shared) when it has none recorded."""
    try:
        document = read_json(_owner_file(store, kind, name))
    except (OSError, ValueError):
        return None
    org = document.get("org") if isinstance(document, dict) else None
    return org if isinstance(org, str) else None


@dataclass(frozen=True)
class Scope:
    """What one user sees.

    Attributes
    ----------
    user
        The request's user.
    """

    user: User

    @property
    def sees_all(self) -> bool:
        """True for an admin (the store token's admin included): every organisation's data."""
        return self.user.can("admin")

    @property
    def owner(self) -> str | None:
        """The organisation what this user makes belongs to; None (shared) for the store token's admin."""
        return None if self.user.org == ALL_ORGS else self.user.org

    def sees(self, org: Any) -> bool:
        """True when data of organisation ``org`` (None: shared) is visible to this user."""
        return self.sees_all or org is None or org == self.user.org

    @property
    def visible(self) -> Callable[[Any], bool] | None:
        """:meth:`sees` for a service that filters by organisation (production data); None for an admin (all)."""
        return None if self.sees_all else self.sees

    def cell_ids(self, store: Store) -> set[str] | None:
        """The ids of the cells this user sees; None when it sees every cell."""
        if self.sees_all:
            return None
        from ..battery import service

        return {cell_id for cell_id, org in service.cell_orgs(store).items() if self.sees(org)}

    def keep(
        self, store: Store, rows: Iterable[dict[str, Any]], key: str = "cell_id"
    ) -> list[dict[str, Any]]:
        """The rows (one per cell, its id under ``key``) of the cells this user sees."""
        visible = self.cell_ids(store)
        return [row for row in rows if visible is None or row.get(key) in visible]

    def check_cell(self, store: Store, cell_id: str) -> None:
        """Raise ``NotFoundError`` for a cell this user may not see, or one that is not there.

        Both get the same message, so an answer tells nothing about other organisations' cells. A bad
        id is left to the route (400), and so is everything for an admin.
        """
        if self.sees_all:
            return
        try:
            meta: dict[str, Any] | None = store.meta(cell_id)
        except (InputError, ValueError):
            return
        except (NotFoundError, OSError):
            meta = None
        if meta is None or not self.sees(meta.get("org")):
            raise NotFoundError(f"cell {cell_id!r}: not in store.")

    def check_life_model(self, store: Store, name: str) -> None:
        """Raise the "not in store" ``NotFoundError`` of a missing model for another organisation's model."""
        if self.sees_all:
            return
        from ..battery import service

        try:
            record = service.life_model_record(store, name)
        except (NotFoundError, InputError, OSError, ValueError):
            return  # the route answers for a missing model
        if not self.sees(record.get("org")):
            raise NotFoundError(
                f"life model {name!r}: not in store (fit one with POST /api/v1/battery/life/fit)."
            )

    def check_free_life_model(self, store: Store, name: str) -> None:
        """Refuse (409) to fit a model under the name of another organisation's model (it would replace it)."""
        from ..battery import service

        try:
            record = service.life_model_record(store, name)
        except (NotFoundError, InputError, OSError, ValueError):
            return
        if not self.sees(record.get("org")):
            raise CellConflictError(f"model name {name!r}: taken; choose another name.")

    def check_named(self, store: Store, kind: str, name: str) -> None:
        """The missing-``kind`` ``NotFoundError`` for another organisation's monitor or campaign ``name``."""
        if not self.sees_all and not self.sees(owner_of(store, kind, name)):
            raise NotFoundError(MISSING[kind].format(name=name))

    def check_free(self, store: Store, kind: str, name: str) -> None:
        """Raise ``CellConflictError`` (409) when the monitor or campaign ``name`` is another organisation's.

        Check before making it, then :func:`record_owner` once it is made: a claim recorded first
        would outlive a fit or a start that failed, and keep the name from everyone else.
        """
        if not self.sees(owner_of(store, kind, name)):
            raise CellConflictError(f"{kind} name {name!r}: taken; choose another name.")

    def keep_named(self, store: Store, kind: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The rows (each with a ``name``) of the monitors or campaigns this user sees."""
        if self.sees_all:
            return rows
        return [row for row in rows if self.sees(owner_of(store, kind, str(row.get("name"))))]

    def visible_job(self, jobs: JobManager, job_id: str | None) -> str | None:
        """``job_id`` when this user may see that job (a page's "latest run"), else None."""
        if job_id is None or self.sees_all:
            return job_id
        try:
            record = jobs.get(job_id)
        except (NotFoundError, InputError, OSError, ValueError):
            return None
        return job_id if self.sees(record.get("org")) else None

    def check_job(self, record: dict[str, Any]) -> dict[str, Any]:
        """``record`` if this user may see the job, else the ``NotFoundError`` of a missing job."""
        if not self.sees(record.get("org")):
            raise NotFoundError(f"job {record.get('id')}: no such job.")
        return record


def scope_of(request: Request) -> Scope:
    """The request's :class:`Scope` (its user as the auth dependency found it); 401 without a user."""
    user = getattr(request.state, "user", None)
    if not isinstance(user, User):
        user = current_user(request)
    if user is None:
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail="missing or wrong token.")
    return Scope(user)


def guard(request: Request) -> Scope:
    """Dependency of the routers and pages: the request's scope, once a path's cell or job is allowed.

    A ``{cell_id}`` or ``{job_id}`` in the path that belongs to another organisation answers 404.
    """
    scope = scope_of(request)
    params = request.path_params
    if "cell_id" in params:
        scope.check_cell(request.app.state.store, str(params["cell_id"]))
    if "name" in params:
        path, name, store = request.url.path, str(params["name"]), request.app.state.store
        if path.startswith("/api/v1/battery/life/models/"):
            scope.check_life_model(store, name)
        elif path.startswith("/api/v1/factory/monitors/"):
            scope.check_named(store, "monitor", name)
        elif path.startswith("/api/v1/optimize/campaigns/"):
            creating = request.method == "POST" and len(request.scope["path"].rstrip("/").split("/")) == 6
            if not creating:  # creating under a taken name is the route's 409 (Scope.check_free)
                scope.check_named(store, "campaign", name)
    if "job_id" in params:
        jobs: JobManager = request.app.state.jobs
        try:
            record = jobs.get(str(params["job_id"]))
        except (NotFoundError, InputError, OSError, ValueError):
            return scope  # the route answers for a missing job or a bad id
        scope.check_job(record)
    return scope


ScopeDep = Annotated[Scope, Depends(guard)]


class ScopedJobs:
    """The job manager as one user sees it: jobs it submits are its organisation's; others' are not there.

    Parameters
    ----------
    jobs
        The app's job manager.
    scope
        The request's scope.
    """

    def __init__(self, jobs: JobManager, scope: Scope) -> None:
        self.jobs = jobs
        self.scope = scope

    def submit(
        self,
        kind: str,
        work: JobFunction,
        params: dict[str, Any] | None = None,
        isolated: bool = False,
    ) -> dict[str, Any]:
        """:meth:`JobManager.submit`, the job stamped with the user's organisation."""
        return self.jobs.submit(kind, work, params, isolated=isolated, org=self.scope.owner)

    def get(self, job_id: str) -> dict[str, Any]:
        """A job's record; ``NotFoundError`` for another organisation's, as for a missing one."""
        return self.scope.check_job(self.jobs.get(job_id))

    def list(self, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        """The user's jobs, newest first (see :meth:`JobManager.list`)."""
        return self.jobs.list(limit, offset, visible=None if self.scope.sees_all else self.scope.sees)

    def count(self) -> int:
        """Number of job records the user sees."""
        return self.jobs.count(visible=None if self.scope.sees_all else self.scope.sees)


def scoped_jobs(request: Request, scope: ScopeDep) -> ScopedJobs:
    """Dependency: the app's jobs as the request's user sees them."""
    return ScopedJobs(request.app.state.jobs, scope)


ScopedJobsDep = Annotated[ScopedJobs, Depends(scoped_jobs)]
