"""Helpers shared by tests: copies of real fixture files under new names; numpy references."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

ARBIN = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "battery" / "cyclers" / "arbin"


def arbin_copies(folder: Path, count: int, stem: str = "FastCharge_000025_CH8") -> list[Path]:
    """``count`` copies of an Arbin CSV export and its metadata, named ``copyNNN_CH8.csv``.

    Each copy gets one extra trailing newline per index so its content hash differs (the store
    treats identical content as the same file).
    """
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    data = (ARBIN / f"{stem}.csv").read_bytes()
    for k in range(count):
        target = folder / f"copy{k:03d}_CH8.csv"
        target.write_bytes(data + b"\n" * k)
        shutil.copy(ARBIN / f"{stem}_Metadata.csv", folder / f"copy{k:03d}_CH8_Metadata.csv")
        files.append(target)
    return files


def beyond_training_range(train: np.ndarray, test: np.ndarray) -> np.ndarray:
    """Distance of each test row past the training min/max, in training sd (cells × features), by numpy alone."""
    low, high, sd = train.min(axis=0), train.max(axis=0), train.std(axis=0, ddof=1)
    return np.asarray((np.maximum(low - test, 0) + np.maximum(test - high, 0)) / sd)
