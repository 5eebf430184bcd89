"""Battery API (``/api/v1/battery``), one module per concept.

Upload and ingest cycler files as a job (:mod:`.uploads`); cells, cycles, curves, time series, health
(:mod:`.cells`); the PyBaMM twin (:mod:`.twin`); early cycle-life models under ``/life`` (fit as a job, list,
predict; :mod:`.life`); production data (``/production``: upload a table, list; :mod:`.production`); one
read-only SQL query (``/sql``, any known user; :mod:`.sql`).

Every answer is a document of :mod:`gwangyang.battery.service`. Models are kept in the store; a request names a
model by a plain name, never by a path, and only files this platform wrote are ever unpickled (no model upload).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from ...auth import require_token
from ...error_responses import AUTH_ERRORS
from ...orgs import guard
from . import cells, life, production, sql, twin, uploads

# guard: a cell of another organisation answers 404, as a missing one (see api/orgs.py)
guarded = APIRouter(
    prefix="/api/v1/battery",
    tags=["battery"],
    dependencies=[Depends(require_token), Depends(guard)],
    responses=AUTH_ERRORS,
)
"""The token-guarded routes (by method role), in the order the OpenAPI document lists them."""
for _part in (uploads, cells, twin, life, production):
    guarded.include_router(_part.router)

router = APIRouter()
"""The battery API: the token-guarded routes (by method role) and the read-only query."""
router.include_router(guarded)
router.include_router(sql.router)
