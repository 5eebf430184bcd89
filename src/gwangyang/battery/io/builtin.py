"""The readers that ship with the package, in the order they are tried.

Each vendor module exposes ``READERS``; detection tries the most specific content checks first.
"""

from __future__ import annotations

from importlib import import_module

from .base import Reader

_MODULES = (
    "bdf",
    "arbin_res",
    "arbin_xlsx",
    "arbin_csv",
    "maccor",
    "neware",
    "neware_record",
    "neware_xlsx",
    "neware_xls",
    "biologic",
    "novonix",
    "basytec",
)

READERS: list[Reader] = [
    reader for name in _MODULES for reader in import_module(f"{__package__}.{name}").READERS
]
