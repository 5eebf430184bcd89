"""Port documents kept in the store: runs (simulations, the demo's, time-lapses, fleet curves) and berth plans."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...errors import NotFoundError
from ...store import Store, artifacts


def save_run(store: Store, name: str, document: dict[str, Any]) -> Path:
    """Keep a port run (simulations, plans) in the store as ``port/runs/<name>.json``."""
    return artifacts.save(store, "port-run", name, document)


def load_run(store: Store, name: str) -> dict[str, Any] | None:
    """A kept port run, or None."""
    try:
        result: dict[str, Any] = artifacts.load(store, "port-run", name)
    except NotFoundError:
        return None
    return result


def save_plan(store: Store, name: str, document: dict[str, Any]) -> Path:
    """Keep a berth plan in the store as ``port/plans/<name>.json``."""
    return artifacts.save(store, "berth-plan", name, document)
