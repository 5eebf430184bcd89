"""Optimisation API (``/api/v1/optimize``): shipped spaces, process proposals, campaigns kept in the store.

Campaigns live in ``<store>/optimize/campaigns/<name>/`` (the folder the CLI's ``--state`` takes), so the
CLI and the API can work on the same campaign. Bad input answers 400 with one line naming the field.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Body, Depends, Request
from fastapi.concurrency import run_in_threadpool

from ..errors import InputError, NotFoundError
from ..store import Store
from .auth import require_token
from .parts import Part
from .responses import int_field

router = APIRouter(prefix="/api/v1/optimize", tags=["optimize"], dependencies=[Depends(require_token)])
_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,79}$")


def campaign_dir(store: Store, name: str) -> Path:
    """``<store>/optimize/campaigns/<name>``, refusing names that could leave that folder."""
    if not _NAME.match(name) or ".." in name:
        raise InputError(f"campaign name {name[:60]!r}: expected letters, digits, '_', '-' and '.'.")
    return store.root / "optimize" / "campaigns" / name


def _space(spec: Any) -> Any:
    from ..optimize.space import SearchSpace, shipped_space

    if isinstance(spec, str):
        return shipped_space(spec)
    if isinstance(spec, dict):
        return SearchSpace.from_dict(spec, source="space")
    raise InputError("space: expected a shipped space name or a space document.")


@router.get("/spaces", summary="Shipped search spaces")
def spaces() -> dict[str, Any]:
    """Every shipped space as a space document, with its number of feasible grid points."""
    from ..optimize.space import SPACES_DIR, shipped_space

    out = {}
    for path in sorted(SPACES_DIR.glob("*.toml")):
        space = shipped_space(path.stem)
        out[path.stem] = {**space.to_dict(), "feasible_points": len(space.grid())}
    return out


@router.post("/propose", summary="Next batch after a table of past experiments")
async def propose(document: dict[str, Any] = Body(...)) -> dict[str, Any]:  # noqa: B008
    """``{"rows": [{param: value, ..., objective: value}], "objective": NAME, "batch": N, "direction": ...}``."""
    import pandas as pd

    from ..optimize.process import propose as run

    rows = document.get("rows")
    if not isinstance(rows, list) or not rows:
        raise InputError("rows: expected a non-empty list of experiments.")
    objective = document.get("objective")
    if not isinstance(objective, str):
        raise InputError("objective: expected the name of the objective column.")
    space = None if document.get("space") is None else _space(document["space"])
    return await run_in_threadpool(
        run,
        pd.DataFrame(rows),
        objective,
        int_field(document, "batch", 4, 1, 1000),
        space,
        str(document.get("direction", "maximize")),
        int_field(document, "seed", 0, 0, 2**32 - 1),
    )


@router.post("/campaigns/{name}", summary="Start a campaign")
def create(request: Request, name: str, document: dict[str, Any] = Body(...)) -> dict[str, Any]:  # noqa: B008
    """``{"space": "attia2020" or a space document, "batch": 48, "rounds": 4, "seed": 0}``."""
    from ..optimize.campaign import Campaign

    folder = campaign_dir(request.app.state.store, name)
    campaign = Campaign.create(
        folder,
        _space(document.get("space", "attia2020")),
        seed=int_field(document, "seed", 0, 0, 2**32 - 1),
        batch_size=int_field(document, "batch", 8, 1, 1000),
        rounds=int_field(document, "rounds", 4, 1, 1000),
    )
    return campaign.status()


def _open(request: Request, name: str) -> Any:
    from ..optimize.campaign import STATE_FILE, Campaign

    folder = campaign_dir(request.app.state.store, name)
    if not (folder / STATE_FILE).is_file():
        raise NotFoundError(f"campaign {name!r}: no such campaign.")
    return Campaign.open(folder)


@router.get("/campaigns/{name}", summary="A campaign's status")
def status(request: Request, name: str) -> dict[str, Any]:
    """Rounds, best observed, the surrogate's recommendation, pending suggestions."""
    result: dict[str, Any] = _open(request, name).status()
    return result


@router.post("/campaigns/{name}/suggest", summary="The open round's batch")
async def suggest(request: Request, name: str) -> dict[str, Any]:
    """The open round's suggestions (proposing a new round when none is open)."""
    campaign = _open(request, name)
    suggestions = await run_in_threadpool(campaign.suggest)
    return {"round": campaign.state.round, "suggestions": [s.to_dict() for s in suggestions]}


@router.post("/campaigns/{name}/observe", summary="Record results")
def observe(request: Request, name: str, document: dict[str, Any] = Body(...)) -> dict[str, Any]:  # noqa: B008
    """``{"results": [{"id": ..., "value": ..., "std": ...}], "source": "measured"}``; all rows checked first."""
    results = document.get("results")
    if not isinstance(results, list) or not results:
        raise InputError("results: expected a non-empty list of {id, value[, std]}.")
    campaign = _open(request, name)
    new = campaign.observe(results, source=str(document.get("source", "measured")))
    return {"recorded": len(new), "round": campaign.state.round}


def _pages() -> APIRouter:
    from .optimize_pages import router as pages

    return pages


PART = Part(name="optimize", title="Optimize", api=router, pages=_pages, home="/optimize")
