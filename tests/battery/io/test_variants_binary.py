"""The binary cycler files (Neware ``.nda``/``.ndax``, BioLogic ``.mpr``, Arbin ``.res``) cut short,
as a copy interrupted or a disk filled up leaves them, are refused in one line naming the file;
under a Korean name they read as the original."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gwangyang.battery.io import read_cycler
from gwangyang.errors import InputError

from .variants import CYCLERS

FILES = ["neware/test.nda", "neware/test.ndax", "biologic/00_test_02_MB_C01.mpr", "arbin/arbin_example.res"]


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("kept", [0.5, 0.99])
def test_cut_short_is_refused_in_one_line(tmp_path: Path, name: str, kept: float) -> None:
    data = (CYCLERS / name).read_bytes()
    path = tmp_path / f"cut{Path(name).suffix}"
    path.write_bytes(data[: int(len(data) * kept)])
    with pytest.raises(InputError) as info:
        read_cycler(path)
    message = str(info.value)
    assert str(path) in message and "\n" not in message and ("truncated" in message or "damaged" in message)


@pytest.mark.parametrize("name", FILES)
def test_korean_file_name(tmp_path: Path, name: str) -> None:
    original = read_cycler(CYCLERS / name)
    path = tmp_path / f"셀 {Path(name).name}"
    shutil.copy(CYCLERS / name, path)
    data = read_cycler(path)
    assert data.cell_id == f"셀 {Path(name).stem}"
    assert data.timeseries.equals(original.timeseries)
