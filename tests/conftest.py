"""Shared fixtures: where the real public data lives, and a fresh store per test."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT / ".." / "shared" / "data").resolve()
CYCLERS = SHARED / "battery" / "cyclers"


@pytest.fixture
def shared() -> Path:
    """``../shared/data``: the public data sets (see its README)."""
    assert SHARED.is_dir(), f"{SHARED}: the shared data folder must sit beside the project"
    return SHARED


@pytest.fixture
def cyclers() -> Path:
    """``../shared/data/battery/cyclers``."""
    return CYCLERS


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    """A path for a fresh store."""
    return tmp_path / "store"
