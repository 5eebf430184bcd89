"""How a part of the platform plugs into the app: its API routes and its pages, in two modules.

A part ``name`` is ``gwangyang.api.routes.<name>`` (a module-level ``router`` under ``/api/v1/<name>``, with
``dependencies=[Depends(require_token)]``) and, optionally, ``gwangyang.api.pages.<name>`` (a module-level
``router`` whose handlers render ``web/templates/<name>/*.html`` behind ``page_auth``). Both import the part's
service; neither imports the other. :data:`PARTS` lists the parts in navigation order with their titles and
home pages; :func:`load_parts` keeps those whose routes module exists, so a part that has not landed yet is
simply absent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from importlib.util import find_spec

from fastapi import APIRouter

PARTS: tuple[tuple[str, str, str], ...] = (
    ("battery", "Batteries", "/battery"),
    ("quality", "Quality", "/quality"),
    ("port", "Port", "/port"),
    ("logistics", "Logistics", "/logistics"),
    ("factory", "Factory", "/factory"),
    ("optimize", "Optimize", "/optimize"),
)
"""``(name, title, home)`` of each part, in the order their pages appear in the navigation."""

PART_MODULES: tuple[str, ...] = tuple(name for name, _, _ in PARTS)
"""Parts in navigation order."""


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


@cache
def _pages_of(module_name: str) -> Callable[[], APIRouter]:
    def pages() -> APIRouter:
        router: APIRouter = import_module(module_name).router
        return router

    return pages


def load_parts(names: tuple[str, ...] = PART_MODULES) -> list[Part]:
    """The parts whose routes modules exist, in the order of ``names``."""
    known = {name: (title, home) for name, title, home in PARTS}
    parts = []
    for name in names:
        routes = f"{__package__}.routes.{name}"
        if name not in known or find_spec(routes) is None:
            continue
        pages = f"{__package__}.pages.{name}"
        title, home = known[name]
        api: APIRouter = import_module(routes).router
        parts.append(Part(name, title, api, _pages_of(pages) if find_spec(pages) else None, home))
    return parts
