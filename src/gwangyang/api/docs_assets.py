"""Swagger UI and ReDoc assets served from the package, so ``/docs`` and ``/redoc`` work offline.

The files come from the ``fastapi-offline`` wheel (MIT; Swagger UI: Apache-2.0, ReDoc: MIT), which
ships ``swagger-ui-bundle.js``, ``swagger-ui.css``, ``redoc.standalone.js`` and a favicon. Only those
names are served, so the route cannot be used to read anything else.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import HTTPException

__all__ = ["DOCS_ASSETS", "DOCS_FILES", "docs_asset_path"]

#: URL prefix of the documentation assets.
DOCS_ASSETS = "/apidocs"

#: The asset files the docs pages load.
DOCS_FILES = frozenset({"swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js", "favicon.png"})


def docs_asset_path(name: str) -> Path:
    """The file behind ``/apidocs/<name>``.

    Parameters
    ----------
    name
        One of :data:`DOCS_FILES`.

    Returns
    -------
    Path
        The asset inside the installed ``fastapi_offline`` package.

    Raises
    ------
    HTTPException
        404 for any other name, or when the package lacks the file.
    """
    if name not in DOCS_FILES:
        raise HTTPException(status_code=404, detail=f"docs asset {name[:60]!r}: not found.")
    path = Path(str(resources.files("fastapi_offline") / "static" / name))
    if not path.is_file():
        raise HTTPException(status_code=404, detail=f"docs asset {name!r}: missing from fastapi-offline.")
    return path
