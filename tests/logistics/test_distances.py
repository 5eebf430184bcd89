"""Great-circle distances against closed forms, the circuity factor, and CSV matrices."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from gwangyang.errors import CorruptFileError, InputError
from gwangyang.logistics.distances import EARTH_RADIUS_KM, great_circle_km, read_matrix_csv, road_matrices


def test_great_circle_closed_forms() -> None:
    d = great_circle_km([0.0, 0.0, 90.0, 35.0], [0.0, 1.0, 0.0, 127.0])
    # One degree along the equator is 2*pi*R/360; pole to equator is a quarter meridian, pi*R/2.
    assert d[0, 1] == pytest.approx(2 * math.pi * EARTH_RADIUS_KM / 360, rel=1e-12)
    assert d[0, 2] == pytest.approx(math.pi * EARTH_RADIUS_KM / 2, rel=1e-12)
    # Spherical law of cosines for (0, 0) to (35 N, 127 E).
    central = math.acos(math.cos(math.radians(35)) * math.cos(math.radians(127)))
    assert d[0, 3] == pytest.approx(EARTH_RADIUS_KM * central, rel=1e-9)
    assert np.allclose(d, d.T)
    assert np.all(np.diag(d) == 0)


def test_road_matrices_scale_by_circuity_and_speed() -> None:
    distance, minutes = road_matrices([0.0, 0.0], [0.0, 1.0], circuity=1.25, speed_kmh=50.0)
    straight = 2 * math.pi * EARTH_RADIUS_KM / 360
    assert distance[0, 1] == pytest.approx(1.25 * straight)
    assert minutes[0, 1] == pytest.approx(1.25 * straight / 50.0 * 60.0)
    with pytest.raises(InputError, match="circuity"):
        road_matrices([0.0], [0.0], circuity=0.9)
    with pytest.raises(InputError, match="speed_kmh"):
        road_matrices([0.0], [0.0], speed_kmh=0)


def test_matrix_csv_reorders_and_rejects_bad_files(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("id,A,B\nA,0,5.5\nB,6,0\n")
    assert read_matrix_csv(path, ["B", "A"]).tolist() == [[0.0, 6.0], [5.5, 0.0]]
    with pytest.raises(InputError, match="no row or column for site\\(s\\) C"):
        read_matrix_csv(path, ["A", "C"])
    path.write_text("id,A,B\nA,0,x\nB,6,0\n")
    with pytest.raises(CorruptFileError, match="numbers"):
        read_matrix_csv(path, ["A", "B"])
    path.write_text("id,A,B\nA,0,-1\nB,6,0\n")
    with pytest.raises(CorruptFileError, match="non-negative"):
        read_matrix_csv(path, ["A", "B"])
    with pytest.raises(InputError, match="not found"):
        read_matrix_csv(tmp_path / "none.csv", ["A"])
