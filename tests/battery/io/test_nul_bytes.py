"""A NUL byte in a text export is refused, naming its line: inside the data, or a zero-filled tail.

pandas ends a value at a NUL byte without a word (``3.3388161659240723`` with a NUL after ``3.3`` was read as
3.3), so a damaged byte would become a wrong number. The line is counted independently, in Python, from the bytes
before the NUL.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gwangyang.battery.io import read_cycler
from gwangyang.errors import CorruptFileError

CYCLERS = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "battery" / "cyclers"
SAMPLES = (
    "arbin/2017-05-09_test-TC-contact_CH33.csv",
    "maccor/PredictionDiagnostics_000151_test.052",
    "neware/nw_regular_export_ife_example.csv",
    "basytec/sample_data_basytec.txt",
    "novonix/test_Nova_Form-CH01-01_short.csv",
    "biologic/test_loopsnewoutput_MB_CE1_short10k.csv",
)
"""Text samples of every text reader larger than the head that detection sniffs (a NUL there: not text at all)."""


def _middle_digit(raw: bytes) -> int:
    """Offset just after a digit about half way into the file, followed by another digit (inside a value)."""
    at = len(raw) // 2
    while not (raw[at - 1 : at].isdigit() and raw[at : at + 1].isdigit()):
        at += 1
    return at


@pytest.mark.parametrize("name", SAMPLES)
def test_nul_inside_a_value_is_refused_naming_its_line(tmp_path: Path, name: str) -> None:
    raw = (CYCLERS / name).read_bytes()
    at = _middle_digit(raw)
    path = tmp_path / f"손상된 {Path(name).name}"
    path.write_bytes(raw[:at] + b"\x00" + raw[at:])
    with pytest.raises(CorruptFileError) as info:
        read_cycler(path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(path))
    line = raw[:at].count(b"\n") + 1
    assert f"line {line} holds a NUL byte" in message and f"byte {at})" in message


@pytest.mark.parametrize("name", SAMPLES)
def test_zero_filled_tail_is_refused_in_its_own_words(tmp_path: Path, name: str) -> None:
    # a copy stopped while being written: its space allocated (zeros), the rows never came
    raw = (CYCLERS / name).read_bytes()
    ended = raw if raw.endswith((b"\n", b"\r")) else raw + b"\n"
    path = tmp_path / f"복사 중단 {Path(name).name}"
    path.write_bytes(ended + b"\x00" * 4096)
    with pytest.raises(CorruptFileError) as info:
        read_cycler(path)
    message = str(info.value)
    line = ended.count(b"\n") + 1
    assert "\n" not in message and message.startswith(str(path))
    assert f"ends in 4096 bytes of NUL (\\x00) from line {line} on, a zero-filled tail" in message


ARBIN = (CYCLERS / SAMPLES[0]).read_bytes()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(at=st.integers(ARBIN.index(b"\n") + 1, len(ARBIN) - 2))
def test_nul_anywhere_in_the_rows_is_refused(tmp_path_factory: pytest.TempPathFactory, at: int) -> None:
    path = tmp_path_factory.mktemp("nul") / "셀 33.csv"
    path.write_bytes(ARBIN[:at] + b"\x00" + ARBIN[at:])
    line = ARBIN[:at].count(b"\n") + 1
    with pytest.raises(CorruptFileError, match=f"line {line} holds a NUL byte"):
        read_cycler(path)
