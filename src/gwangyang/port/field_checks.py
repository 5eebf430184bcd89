"""The one range check the scenario's tables share: a value must be positive (or non-negative).

Each table of a scenario checks its own fields on creation; this is the check most of them make,
with the one-line :class:`~gwangyang.errors.InputError` that names the field.
"""

from __future__ import annotations

from ..errors import InputError


def check_positive(name: str, value: float, allow_zero: bool = False) -> None:
    """Raise an :class:`InputError` naming ``name`` unless ``value > 0`` (``>= 0`` with ``allow_zero``)."""
    if not (value >= 0 if allow_zero else value > 0):
        raise InputError(f"{name}: must be {'>= 0' if allow_zero else '> 0'}, got {value}")
