"""Biologic cycler files."""

from __future__ import annotations

from .base import Reader

READERS: list[Reader] = []
