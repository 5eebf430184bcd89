"""Optimisation API (``/api/v1/optimize``): shipped spaces, process proposals, campaigns kept in the store.

Campaigns live in the store (``optimize/campaigns/<name>``, the folder the CLI's ``--state`` takes), so the CLI and
the API work on the same campaign. Bad input answers 400 with one line naming the field. Every answer is a
document of :mod:`gwangyang.optimize.service`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends
from fastapi.concurrency import run_in_threadpool

from ...errors import InputError
from ...optimize import service
from ..auth import require_token
from ..common import StoreDep
from ..error_responses import AUTH_ERRORS, errors
from ..fields import SEED_MAX, CampaignName
from ..orgs import ScopeDep, guard, record_owner
from ..responses import int_field

router = APIRouter(
    prefix="/api/v1/optimize",
    tags=["optimize"],
    dependencies=[Depends(require_token), Depends(guard)],
    responses=AUTH_ERRORS,
)


def _body(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """The ``openapi_extra`` of a route that reads its JSON body as a plain document (checked field by field)."""
    schema = {"type": "object", "properties": properties, "required": list(required)}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def _integer(low: int, high: int, default: int) -> dict[str, Any]:
    return {"type": "integer", "minimum": low, "maximum": high, "default": default}


SPACE = {
    "anyOf": [{"type": "string"}, {"type": "object"}],
    "description": "A shipped space name (GET /spaces) or a space document.",
}
SEED = {**_integer(0, SEED_MAX, 0), "description": "Random seed (the same seed gives the same batch)."}
DIRECTIONS = ("maximize", "minimize")

PROPOSE_BODY = _body(
    {
        "rows": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "object"},
            "description": "Past experiments: {parameter: value, ..., objective: value}.",
        },
        "objective": {"type": "string", "description": "The objective's column."},
        "batch": _integer(1, 1000, 4),
        "space": {**SPACE, "anyOf": [*SPACE["anyOf"], {"type": "null"}]},
        "direction": {
            "enum": list(DIRECTIONS),
            "default": "maximize",
            "description": "Without a space; a space's own objective direction counts.",
        },
        "seed": SEED,
    },
    ("rows", "objective"),
)
CAMPAIGN_BODY = _body(
    {"space": SPACE, "batch": _integer(1, 1000, 8), "rounds": _integer(1, 1000, 4), "seed": SEED}
)
OBSERVE_BODY = _body(
    {
        "results": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "object", "required": ["id", "value"]},
            "description": "{id, value[, std, cell, status, warnings]} of the open round's suggestions (status failed: no value; warnings: what the run reported beside its value, kept with the round).",
        },
        "source": {"type": "string", "default": "measured"},
    },
    ("results",),
)


@router.get("/spaces", summary="Shipped search spaces")
def spaces() -> dict[str, Any]:
    """Every shipped space as a space document, with its number of feasible grid points."""
    return service.describe_spaces()


@router.post(
    "/propose",
    summary="Next batch after a table of past experiments",
    responses=errors(400, 422),
    openapi_extra=PROPOSE_BODY,
)
async def propose(document: dict[str, Any] = Body(...)) -> dict[str, Any]:  # noqa: B008
    """``{"rows": [{param: value, ..., objective: value}], "objective": NAME, "batch": N, "direction": ...}``."""
    rows = document.get("rows")
    if not isinstance(rows, list) or not rows:
        raise InputError("rows: expected a non-empty list of experiments.")
    space = None if document.get("space") is None else service.resolve_space(document["space"])
    direction = document.get("direction", "maximize")
    if direction not in DIRECTIONS:  # a space's own direction counts, but a bad value is still refused
        raise InputError(f"direction: expected maximize or minimize, got {str(direction)[:40]!r}.")
    return await run_in_threadpool(
        service.propose,
        rows,
        document.get("objective"),
        int_field(document, "batch", 4, 1, 1000),
        space,
        direction,
        int_field(document, "seed", 0, 0, SEED_MAX),
    )


@router.get("/campaigns", summary="Campaigns kept in the store")
def campaigns(store: StoreDep, scope: ScopeDep) -> list[dict[str, Any]]:
    """Each campaign's status with its observed values (what the Optimize page shows): the user's organisation's and shared ones."""
    return scope.keep_named(store, "campaign", service.campaigns(store))


@router.post(
    "/campaigns/{name}",
    summary="Start a campaign",
    responses=errors(400, 409, 422),
    openapi_extra=CAMPAIGN_BODY,
)
def create(
    store: StoreDep,
    scope: ScopeDep,
    name: CampaignName,
    document: dict[str, Any] = Body(...),  # noqa: B008
) -> dict[str, Any]:
    """``{"space": "attia2020" or a space document, "batch": 48, "rounds": 4, "seed": 0}``; 409 for a campaign already started under the name (or another organisation's name)."""
    scope.check_free(store, "campaign", name)
    started = service.create_campaign(
        service.campaign_folder(store, name),
        service.resolve_space(document.get("space", service.DEFAULT_SPACE)),
        batch=int_field(document, "batch", 8, 1, 1000),
        rounds=int_field(document, "rounds", 4, 1, 1000),
        seed=int_field(document, "seed", 0, 0, SEED_MAX),
    )
    record_owner(store, "campaign", name, scope.owner)  # only once the campaign is there
    return started


@router.get("/campaigns/{name}", summary="A campaign's status", responses=errors(400, 404))
def status(store: StoreDep, name: CampaignName) -> dict[str, Any]:
    """Rounds, best observed, the surrogate's recommendation, pending suggestions."""
    return service.campaign_status(service.campaign_folder(store, name))


@router.post("/campaigns/{name}/suggest", summary="The open round's batch", responses=errors(400, 404))
async def suggest(store: StoreDep, name: CampaignName) -> dict[str, Any]:
    """The open round's suggestions (proposing a new round when none is open)."""
    return await run_in_threadpool(service.suggest, service.campaign_folder(store, name))


@router.post(
    "/campaigns/{name}/observe",
    summary="Record results",
    responses=errors(400, 404, 422),
    openapi_extra=OBSERVE_BODY,
)
def observe(store: StoreDep, name: CampaignName, document: dict[str, Any] = Body(...)) -> dict[str, Any]:  # noqa: B008
    """``{"results": [{"id": ..., "value": ..., "std": ...}], "source": "measured"}``; all rows checked first."""
    results = document.get("results")
    if not isinstance(results, list) or not results:
        raise InputError("results: expected a non-empty list of {id, value[, std]}.")
    return service.observe(
        service.campaign_folder(store, name), results, source=str(document.get("source", "measured"))
    )
