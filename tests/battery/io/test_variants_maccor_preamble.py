"""Maccor raw text exports whose preamble has other lines than MacTest32's one ``Today's Date`` line: its
fields over several lines, comment rows (cellpy's ``maccor_txt`` models know two and twelve), blank lines, or
no preamble at all. The data header is found by its column names, and each variant reads to the original's
per-cycle figures and wall clock, its metadata fields as the one-line original gives them; a file with the
``Today's Date`` line and no data header is refused in one line saying which line was expected.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gwangyang.battery.io import detect, read_cycler
from gwangyang.battery.io.maccor import PREAMBLE_LINES
from gwangyang.battery.schema import CyclerData
from gwangyang.errors import CorruptFileError

from .variant_layouts import MACCOR_TEXT
from .variants import CYCLERS, TextExport, assert_same_cycles, assert_same_dates

EIS = CYCLERS / "maccor" / "maccor_test_file_4267-66-6519.041"
"""The other text layout: ``TestTime`` as ``0d 00:00:00.0000``."""
SOURCES = {"paused": MACCOR_TEXT.path, "eis": EIS}
METADATA = ("todays_date", "date_of_test", "filename", "procedure", "comment_barcode")


def _split(first: str) -> list[str]:
    """Maccor's one metadata line as one line per field, in the order written."""
    names = ("Date of Test:", "Filename:", "Procedure:", "Comment/Barcode:")
    at = sorted(first.find(name) for name in names if name in first)
    cuts = [0, *at, len(first)]
    return [first[a:b].strip(" \t") for a, b in itertools.pairwise(cuts)]


@pytest.fixture(scope="module", params=sorted(SOURCES))
def source(request: pytest.FixtureRequest) -> tuple[CyclerData, TextExport]:
    path = SOURCES[request.param]
    export = TextExport.parse(path.read_text(encoding="latin-1"), 1, "\t")
    return read_cycler(path), export


def _same(original: CyclerData, data: CyclerData) -> None:
    assert data.rows == original.rows
    assert_same_cycles(original, data)
    assert_same_dates(original, data)
    np.testing.assert_array_equal(data.timeseries["test_time_s"], original.timeseries["test_time_s"])


def test_the_original_preamble_is_one_line_with_five_fields(source: tuple[CyclerData, TextExport]) -> None:
    original, export = source
    assert len(export.pre) == 1 and len(_split(export.pre[0])) == 5
    assert all(key in original.extra for key in METADATA) and original.extra["filename"]


def test_metadata_over_several_lines(tmp_path: Path, source: tuple[CyclerData, TextExport]) -> None:
    original, export = source
    variant = export.copy()
    variant.pre = [*_split(export.pre[0])[:2], "", *_split(export.pre[0])[2:]]
    path = write_variant(tmp_path, "split", variant)
    data = read_cycler(path)
    _same(original, data)
    assert {k: data.extra[k] for k in METADATA} == {k: original.extra[k] for k in METADATA}


def test_no_preamble(tmp_path: Path, source: tuple[CyclerData, TextExport]) -> None:
    original, export = source
    variant = export.copy()
    variant.pre = []
    path = write_variant(tmp_path, "bare", variant)
    assert detect(path).name == "maccor"
    data = read_cycler(path)
    _same(original, data)
    assert not any(key in data.extra for key in METADATA)


def test_twelve_comment_rows_and_a_line_starting_rec(
    tmp_path: Path, source: tuple[CyclerData, TextExport]
) -> None:
    # the header is the Rec# line that names Maccor's columns, not the first line starting Rec#
    original, export = source
    variant = export.copy()
    comments = [f"Comment {i}\tcell {i}" for i in range(9)]
    variant.pre = [export.pre[0], *comments, "Rec#\t(data below)", ""]
    assert len(variant.pre) == 12
    data = read_cycler(write_variant(tmp_path, "comments", variant))
    _same(original, data)
    assert data.extra["filename"] == original.extra["filename"]


def test_no_data_header_is_refused_naming_the_line(
    tmp_path: Path, source: tuple[CyclerData, TextExport]
) -> None:
    _, export = source
    variant = export.copy().rename({"Rec#": "Record"})
    path = write_variant(tmp_path, "noheader", variant)
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message
    assert "expected its data header on line 2" in message and f"first {PREAMBLE_LINES} lines" in message


def test_a_header_below_the_lines_looked_at_is_refused(
    tmp_path: Path, source: tuple[CyclerData, TextExport]
) -> None:
    _, export = source
    variant = export.copy()
    variant.pre = [export.pre[0], *(f"note {i}" for i in range(PREAMBLE_LINES))]
    path = write_variant(tmp_path, "deep", variant)
    with pytest.raises(CorruptFileError, match="expected its data header on line 2"):
        read_cycler(path)


_LINES = st.sampled_from(["", "Comment 1", "Operator:\t김민수", "Channel 3", "Rec# below"])


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    before=st.lists(_LINES, max_size=6),
    after=st.lists(_LINES, max_size=6),
    keep=st.booleans(),
)
def test_any_preamble(tmp_path: Path, before: list[str], after: list[str], keep: bool) -> None:
    # lines above and below the Today's Date line (or none): the same reading, the metadata kept when present
    path = MACCOR_TEXT.path
    original = read_cycler(path)
    export = TextExport.parse(path.read_text(encoding="latin-1"), 1, "\t")
    variant = export.copy()
    variant.pre = [*before, *(export.pre if keep else []), *after]
    data = read_cycler(write_variant(tmp_path, "any", variant, encoding="utf-8"))
    _same(original, data)
    assert ("filename" in data.extra) == keep
    if keep:
        assert data.extra["filename"] == original.extra["filename"]


def write_variant(folder: Path, stem: str, variant: TextExport, encoding: str = "latin-1") -> Path:
    """The variant with the Maccor text suffix (``.052``), in ``encoding``."""
    path = folder / f"{stem}.052"
    path.write_bytes(variant.render().encode(encoding))
    return path
