"""Reading the TOML files users give (scenarios, instances, spaces, rules, configs) with one-line errors."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from .errors import InputError, one_line


def read_toml(path: str | Path, what: str) -> dict[str, Any]:
    """The tables of a TOML file.

    Parameters
    ----------
    path
        The file.
    what
        What the file is, for messages ("scenario", "space"...).

    Raises
    ------
    InputError
        The file is missing, or is not UTF-8 TOML; the message names the file.
    """
    path = Path(path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, IsADirectoryError):
        raise InputError(f"{path}: no such {what} file.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(one_line(f"{path}: not a TOML {what} file (not valid TOML: {exc}).")) from None
