"""Generic CSV reader driven by a TOML column-map file, for any cycler without a reader of its own."""

from __future__ import annotations

import os
from pathlib import Path

from ...errors import InputError
from ..schema import CyclerData


class ColumnMapReader:
    """Reads a delimited text file whose columns a TOML column map names (placeholder, being written)."""

    name = "generic"

    def __init__(self, spec: dict[str, object], source: Path) -> None:
        self.spec = spec
        self.source = source

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> ColumnMapReader:
        """Load a column map from a TOML file."""
        raise InputError(f"{path}: column-map reader not available yet.")

    def can_load(self, path: Path, head: bytes) -> bool:
        """Never auto-detected: used only with an explicit column map."""
        return False

    def read(self, path: Path) -> CyclerData:
        """Read a file with this column map."""
        raise InputError(f"{path}: column-map reader not available yet.")
