"""How a part of the platform plugs into the app: one API router and one set of pages.

A part is a module ``gwangyang.api.<name>`` with a module-level ``PART``. :func:`load_parts` finds
the modules named in :data:`PART_MODULES` that exist, so a part that has not landed yet is simply
absent. To add one (say ``port``): write ``src/gwangyang/api/port.py`` with an ``APIRouter`` under
``/api/v1/port`` (``dependencies=[Depends(require_token)]``) and a pages router whose handlers take
``Depends(page_auth)`` and render ``web/templates/port/*.html`` (extending ``base.html``), then set
``PART = Part(name="port", title="Port", api=router, pages=..., home="/port")``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec

from fastapi import APIRouter

PART_MODULES: tuple[str, ...] = ("battery", "quality", "port", "logistics", "factory", "optimize")
"""Parts in the order their pages appear in the navigation."""


@dataclass(frozen=True)
class Part:
    """One part of the platform as the app sees it.

    Attributes
    ----------
    name
        Short name, also the URL prefix of its pages (``/battery``).
    title
        Name shown in the navigation.
    api
        The API router (its paths start with ``/api/v1/<name>``).
    pages
        A function returning the pages router (imported lazily), or None for an API-only part.
    home
        Path of the part's first page, linked from the navigation.
    """

    name: str
    title: str
    api: APIRouter
    pages: Callable[[], APIRouter] | None
    home: str


def load_parts(names: tuple[str, ...] = PART_MODULES) -> list[Part]:
    """The parts whose modules exist, in the order of ``names``."""
    parts = []
    for name in names:
        module_name = f"{__package__}.{name}"
        if find_spec(module_name) is None:
            continue
        part = getattr(import_module(module_name), "PART", None)
        if isinstance(part, Part):
            parts.append(part)
    return parts
