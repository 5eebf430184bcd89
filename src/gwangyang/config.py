"""Where the store lives and other settings read from the environment."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_STORE_DIR = "gwangyang-data"
"""Store folder used when neither ``--store`` nor ``$GWANGYANG_HOME`` is given."""


def store_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Resolve the store folder: an explicit path, else ``$GWANGYANG_HOME``, else ``./gwangyang-data``.

    Parameters
    ----------
    explicit
        A path given by the user (``--store DIR``), or None.

    Returns
    -------
    Path
        The absolute store folder (it may not exist yet).
    """
    if explicit is not None and str(explicit) != "":
        return Path(explicit).expanduser().resolve()
    env = os.environ.get("GWANGYANG_HOME")
    if env:
        return Path(env).expanduser().resolve()
    return (Path.cwd() / DEFAULT_STORE_DIR).resolve()
