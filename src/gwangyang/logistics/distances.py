"""Road distances and driving times: great-circle distance times a circuity factor, or a CSV matrix."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import CorruptFileError, InputError, one_line
from ..files import read_text
from ..written import as_written

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), km."""


def great_circle_km(
    latitude: Sequence[float] | np.ndarray, longitude: Sequence[float] | np.ndarray
) -> np.ndarray:
    """Great-circle (haversine) distances between all pairs of points.

    Parameters
    ----------
    latitude, longitude
        Degrees, one entry per point.

    Returns
    -------
    numpy.ndarray
        ``(n, n)`` symmetric matrix of distances in km.
    """
    lat = np.radians(np.asarray(latitude, dtype=float))
    lon = np.radians(np.asarray(longitude, dtype=float))
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


def road_matrices(
    latitude: Sequence[float] | np.ndarray,
    longitude: Sequence[float] | np.ndarray,
    circuity: float = 1.3,
    speed_kmh: float = 40.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Road distance (km) and driving time (minutes) estimated from coordinates.

    Parameters
    ----------
    latitude, longitude
        Degrees.
    circuity
        Road distance over straight-line distance (about 1.2–1.4 on regional road networks).
    speed_kmh
        Average truck speed.

    Returns
    -------
    tuple of numpy.ndarray
        Distance in km and duration in minutes.
    """
    if circuity < 1.0:
        raise InputError(f"circuity: expected a factor >= 1, got {as_written(circuity)}")
    if speed_kmh <= 0:
        raise InputError(f"speed_kmh: expected a positive speed, got {as_written(speed_kmh)}")
    distance = great_circle_km(latitude, longitude) * circuity
    return distance, distance / speed_kmh * 60.0


def read_matrix_csv(path: str | Path, names: Sequence[str]) -> np.ndarray:
    """Read a square matrix CSV whose header row and first column are site ids, reordered to ``names``.

    Parameters
    ----------
    path
        CSV file: header ``id,A,B,...``; then one row per site id.
    names
        Site ids in the order wanted.

    Returns
    -------
    numpy.ndarray
        ``(len(names), len(names))`` matrix.

    Raises
    ------
    InputError
        The file is missing, a folder or unreadable (:func:`gwangyang.files.read_bytes`), or lacks a site.
    CorruptFileError
        The file is not UTF-8 text (a cp949 export is refused at its first non-UTF-8 byte, not guessed), not CSV,
        or holds entries that are not finite non-negative numbers.
    """
    import pandas as pd

    path = Path(path)
    text = read_text(path, "distance or duration matrix CSV")
    try:
        table = pd.read_csv(io.StringIO(text), index_col=0)
    except ValueError as exc:  # pandas' ParserError and EmptyDataError are ValueErrors
        raise CorruptFileError(f"{path}: not a readable CSV matrix ({one_line(str(exc))})") from exc
    table.index = table.index.astype(str).str.strip()
    table.columns = table.columns.astype(str).str.strip()
    missing = [name for name in names if name not in table.index or name not in table.columns]
    if missing:
        raise InputError(f"{path}: matrix has no row or column for site(s) {', '.join(missing[:5])}")
    try:
        matrix = table.loc[list(names), list(names)].to_numpy(dtype=float)
    except ValueError as exc:
        raise CorruptFileError(f"{path}: matrix entries must be numbers ({exc})") from exc
    if not np.isfinite(matrix).all() or (matrix < 0).any():
        raise CorruptFileError(f"{path}: matrix entries must be finite and non-negative")
    return np.asarray(matrix)
