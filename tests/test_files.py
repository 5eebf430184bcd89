"""``gwangyang.files``: the shared reader of user files maps every way a read can fail to one line naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from gwangyang.errors import CorruptFileError, InputError
from gwangyang.files import read_bytes, read_text


def test_read_text_round_trips_korean_utf8(tmp_path: Path) -> None:
    path = tmp_path / "광양-항만.txt"
    path.write_text("광양항 3 부두\n", encoding="utf-8")
    assert read_text(path) == "광양항 3 부두\n"
    assert read_bytes(path) == "광양항 3 부두\n".encode()


def test_missing_file_names_it(tmp_path: Path) -> None:
    path = tmp_path / "없음.toml"
    with pytest.raises(InputError) as caught:
        read_bytes(path)
    assert str(caught.value) == f"{path}: file not found"


def test_folder_names_what_was_expected(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_text(tmp_path, "problem file")
    assert str(caught.value) == f"{tmp_path}: is a folder, expected a problem file"


def test_symlink_loop_cannot_be_read(tmp_path: Path) -> None:
    loop = tmp_path / "loop.vrp"
    loop.symlink_to(loop)
    with pytest.raises(InputError) as caught:
        read_text(loop)
    assert str(caught.value).startswith(f"{loop}: cannot be read (")


def test_not_utf8_is_refused_at_its_first_bad_byte_or_replaced(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("NAME : caf\xe9\n".encode("latin-1"))  # é is byte 10 in Latin-1, not UTF-8
    with pytest.raises(CorruptFileError) as caught:
        read_text(path, "VRPLIB file")
    assert (
        str(caught.value)
        == f"{path}: not UTF-8 text (byte 10, line 1: invalid continuation byte), expected a VRPLIB file in UTF-8"
    )
    assert read_text(path, errors="replace") == "NAME : caf\ufffd\n"


def test_read_toml_refuses_an_unreadable_file_in_one_line(tmp_path: Path) -> None:
    from gwangyang.files import read_toml

    path = tmp_path / "시나리오.toml"
    path.write_text('name = "광양"\n', encoding="utf-8")
    assert read_toml(path, "scenario") == {"name": "광양"}
    # A file that exists and cannot be read, whoever runs the test (root included): reading it fails (EIO).
    unreadable = Path("/proc/self/mem")
    if not unreadable.exists():
        pytest.skip("no /proc on this system")
    with pytest.raises(InputError, match=r"^/proc/self/mem: cannot be read \("):
        read_toml(unreadable, "scenario")
    with pytest.raises(InputError, match="no such scenario file"):
        read_toml(tmp_path, "scenario")


def test_read_text_gunzips_gz_files_and_refuses_cut_ones(tmp_path: Path) -> None:
    import gzip

    from gwangyang.errors import CorruptFileError

    source = (
        Path(__file__).parents[2] / "shared/data/logistics/forecast/port_of_vancouver_monthly_2008-2023.csv"
    )
    packed = tmp_path / "항만.csv.gz"
    packed.write_bytes(gzip.compress(source.read_bytes()))
    assert read_text(packed) == source.read_text(encoding="utf-8")
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(packed.read_bytes()[:200])
    with pytest.raises(CorruptFileError, match=r"cut\.csv\.gz: not a complete gzip file.*gzipped CSV table"):
        read_text(cut, "CSV table")
    fake = tmp_path / "plain.csv.gz"
    fake.write_bytes(source.read_bytes()[:300])
    with pytest.raises(CorruptFileError, match="not a complete gzip file"):
        read_text(fake)
