"""Save and load fitted monitors as one ``.npz`` file: arrays plus a JSON header, no pickle.

Loading never runs code from the file: the header names a class from :data:`~.monitor.MONITORS`,
its parameters and fitted attributes, and the arrays are read with ``allow_pickle=False``.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelFileError
from .monitor import MONITORS, _Monitor

FORMAT = "gwangyang.factory.monitor"
VERSION = 1
_HEADER = "__header__"


def monitor_state(estimator: _Monitor) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Split a fitted monitor into a JSON-ready description and its arrays."""
    name = next((key for key, cls in MONITORS.items() if type(estimator) is cls), None)
    if name is None:
        raise ModelFileError(f"{type(estimator).__name__}: not a factory monitor that can be saved.")
    attrs: dict[str, Any] = {}
    arrays: dict[str, np.ndarray] = {}
    for key, value in vars(estimator).items():
        if not key.endswith("_") or key.startswith("_"):
            continue
        if key == "feature_names_in_":
            attrs[key] = [str(v) for v in value]
        elif isinstance(value, np.ndarray):
            arrays[key] = value
        elif isinstance(value, (np.integer, np.floating)):
            attrs[key] = value.item()
        else:
            attrs[key] = value
    return {"method": name, "params": estimator.get_params(), "attrs": attrs}, arrays


def monitor_from_state(description: dict[str, Any], arrays: dict[str, np.ndarray]) -> _Monitor:
    """Rebuild a fitted monitor from :func:`monitor_state`'s output."""
    try:
        cls = MONITORS[description["method"]]
        estimator = cls(**description["params"])
        for key, value in description["attrs"].items():
            setattr(estimator, key, np.asarray(value, dtype=object) if key == "feature_names_in_" else value)
        for key, value in arrays.items():
            setattr(estimator, key, value)
    except (KeyError, TypeError) as exc:
        raise ModelFileError(f"monitor file: inconsistent description ({exc}).") from exc
    return estimator


def write_npz(path: str | Path, header: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    """Write arrays and a JSON header atomically (temporary file, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {f"a:{key}": value for key, value in arrays.items()}
    payload[_HEADER] = np.frombuffer(
        json.dumps({"format": FORMAT, "version": VERSION, **header}).encode(), np.uint8
    )
    handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(handle)
    try:
        with open(tmp, "wb") as stream:
            np.savez_compressed(stream, **payload)  # type: ignore[arg-type]
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def read_npz(path: str | Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Read what :func:`write_npz` wrote; anything else raises :class:`ModelFileError`."""
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"{path}: no such monitor file.")
    try:
        with np.load(path, allow_pickle=False) as data:
            header = json.loads(bytes(data[_HEADER]).decode())
            arrays = {key[2:]: data[key] for key in data.files if key.startswith("a:")}
    except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
        raise ModelFileError(f"{path}: not a gwangyang factory monitor file.") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ModelFileError(f"{path}: not a gwangyang factory monitor file.")
    if header.get("version") != VERSION:
        raise ModelFileError(f"{path}: monitor file version {header.get('version')}, expected {VERSION}.")
    return header, arrays
