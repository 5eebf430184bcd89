"""A column map declaring a UTF-16 ``file.encoding`` reads a UTF-16 export once, as the file's bytes say.

The file is the shared BioLogic CSV's first 3,000 rows (``test_loopsnewoutput_MB_CE1_short10k.csv``: cycles 0 and 1,
rest, charge and discharge) written again with Korean headers, the current unsigned, a Korean state column
(``충전`` / ``방전`` / ``휴지`` by the current's sign) and a Korean cell label, under a Korean name, in UTF-16 with
and without a byte-order mark, either byte order. The independent route is Python's codecs
and csv modules on the UTF-16 bytes: the time (seconds since the first date), cycle, voltage and (signed by the
state) current must be the csv module's numbers, and the cell id the file's Korean stem. A map whose encoding the file's mark or bytes
contradict is refused in one line naming the file, the map's encoding and the file's.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from gwangyang.api import i18n
from gwangyang.battery import schema as s
from gwangyang.battery.ingest import ingest
from gwangyang.battery.io import read_cycler
from gwangyang.battery.io.column_map import ColumnMap
from gwangyang.cli.main import main
from gwangyang.errors import InputError
from gwangyang.store import Store

BIOLOGIC = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "battery" / "cyclers" / "biologic"
SOURCE = BIOLOGIC / "test_loopsnewoutput_MB_CE1_short10k.csv"
ROWS = 3000
KOREAN = {"time/s": "시각", "Ecell/V": "전압(V)", "I/mA": "전류(mA)", "cycle number": "사이클"}
STATES = {1: "충전", -1: "방전", 0: "휴지"}
STAMP = "%m/%d/%Y %H:%M:%S.%f"


def korean_text() -> str:
    """The shared CSV's first rows: Korean headers, unsigned current, a state (``상태``) and a cell label."""
    rows = list(csv.reader(io.StringIO(SOURCE.read_text(encoding="utf-8"), newline=""), delimiter=";"))
    at = {name: rows[0].index(name) for name in KOREAN}
    out = [[*KOREAN.values(), "상태", "셀 이름"]]
    for row in rows[1 : ROWS + 1]:
        current = float(row[at["I/mA"]])
        state = STATES[int(np.sign(current))]
        out.append(
            [
                row[at["time/s"]],
                row[at["Ecell/V"]],
                repr(abs(current)),
                row[at["cycle number"]],
                state,
                "가-1",
            ]
        )
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(out)
    return buffer.getvalue()


def column_map(folder: Path, encoding: str | None) -> Path:
    """The map of :func:`korean_text`'s columns; ``encoding`` None: no ``file.encoding`` key (the default)."""
    path = folder / "한글 맵.toml"
    key = "" if encoding is None else f'encoding = "{encoding}"\n'
    path.write_text(
        f"""name = "한글기"
[file]
delimiter = ";"
{key}known_columns = ["셀 이름"]
[columns.test_time_s]
source = "시각"
format = "datetime"
datetime_format = "{STAMP}"
[columns.cycle_index]
source = "사이클"
[columns.current_a]
source = "전류(mA)"
scale = 0.001
sign = "unsigned"
[columns.voltage_v]
source = "전압(V)"
[state]
source = "상태"
charge = ["충전"]
discharge = ["방전"]
neutral = ["휴지"]
""",
        encoding="utf-8",
    )
    return path


WRITTEN = {
    "bom-le": lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    "bom-be": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    "bare-le": lambda text: text.encode("utf-16-le"),
    "bare-be": lambda text: text.encode("utf-16-be"),
}


def expected(raw: bytes, written: str) -> dict[str, np.ndarray]:
    """The columns as Python's codecs and csv modules read the UTF-16 bytes (by the mark, else as written)."""
    if written.startswith("bom"):
        text = codecs.decode(raw, "utf-16")
    else:
        text = codecs.decode(raw, "utf-16-le" if written.endswith("le") else "utf-16-be")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert {r[header.index("셀 이름")] for r in body} == {"가-1"}

    def column(name: str) -> np.ndarray:
        return np.array([float(r[header.index(name)]) for r in body])

    sign = np.array([{"충전": 1.0, "방전": -1.0, "휴지": 1.0}[r[header.index("상태")]] for r in body])
    stamps = [datetime.strptime(r[header.index("시각")], STAMP) for r in body]
    return {
        s.TIME: np.array([(stamp - stamps[0]).total_seconds() for stamp in stamps]),
        s.CYCLE: column("사이클"),
        s.CURRENT: sign * column("전류(mA)") * 0.001,
        s.VOLTAGE: column("전압(V)"),
    }


@pytest.mark.parametrize(
    ("written", "encoding", "inferred"),
    [
        ("bom-le", "utf-16", False),
        ("bom-be", "utf-16", False),
        ("bom-le", "UTF16", False),
        ("bom-le", "utf-16-le", False),
        ("bom-be", "utf_16_be", False),
        ("bare-le", "utf-16-le", False),
        ("bare-be", "utf-16-be", False),
        ("bare-be", "utf-16", True),
        ("bom-le", None, False),  # no file.encoding: a UTF-16 file read as without a map
        ("bare-be", None, True),
        ("bare-le", "auto", True),
    ],
)
def test_utf16_export_read_once_as_its_map_says(
    tmp_path: Path, written: str, encoding: str | None, inferred: bool
) -> None:
    raw = WRITTEN[written](korean_text())
    path = tmp_path / "셀_가 1.csv"
    path.write_bytes(raw)
    data = read_cycler(path, column_map=column_map(tmp_path, encoding))
    want = expected(raw, written)
    assert len(want[s.TIME]) == ROWS and (want[s.CURRENT] < 0).sum() > 0 and (want[s.CURRENT] > 0).sum() > 0
    table = data.timeseries
    for name, values in want.items():
        np.testing.assert_allclose(table[name].to_numpy(dtype=float), values, rtol=0, atol=1e-9, err_msg=name)
    assert data.cell_id == "셀_가 1" and data.vendor == "한글기" and data.source == path
    notes = [(w["kind"], w["detail"]) for w in data.warnings]
    order = "UTF-16-BE" if written.endswith("be") else "UTF-16-LE"
    assert notes == (
        [
            (
                "text_encoding",
                f"read as {order}: the file has no byte-order mark; its encoding was inferred from its bytes (a "
                f"zero byte beside each ASCII character, {'before' if order.endswith('BE') else 'after'} it)",
            )
        ]
        if inferred
        else []
    )


@pytest.mark.parametrize(
    ("written", "encoding", "refusal"),
    [
        (
            "bom-le",
            "utf-16-be",
            "the column map's file.encoding is 'utf-16-be' (in {map}), but the file starts with a UTF-16-LE "
            "byte-order mark.",
        ),
        (
            "bom-be",
            "cp949",
            "the column map's file.encoding is 'cp949' (in {map}), but the file starts with a UTF-16-BE "
            "byte-order mark.",
        ),
        (  # written in the map, utf-8 is meant: not the default's "whatever the file says"
            "bom-le",
            "utf-8",
            "the column map's file.encoding is 'utf-8' (in {map}), but the file starts with a UTF-16-LE "
            "byte-order mark.",
        ),
        (
            "bom-be",
            "UTF8",
            "the column map's file.encoding is 'UTF8' (in {map}), but the file starts with a UTF-16-BE "
            "byte-order mark.",
        ),
        (
            "bare-le",
            "utf-8",
            "the column map's file.encoding is 'utf-8' (in {map}), but the file reads as UTF-16-LE by its bytes.",
        ),
        (
            "bare-be",
            "utf-16-le",
            "the column map's file.encoding is 'utf-16-le' (in {map}), but the file reads as UTF-16-BE by its "
            "bytes.",
        ),
        (
            "bare-le",
            "euc-kr",
            "the column map's file.encoding is 'euc-kr' (in {map}), but the file reads as UTF-16-LE by its bytes.",
        ),
        (
            "utf-8",
            "utf-16",
            "the column map's file.encoding is 'utf-16' (in {map}), but the file has no byte-order mark and does "
            "not read as UTF-16 by its bytes (give utf-16-le or utf-16-be if it is UTF-16).",
        ),
    ],
)
def test_map_encoding_the_file_contradicts_is_refused(
    tmp_path: Path, written: str, encoding: str, refusal: str
) -> None:
    text = korean_text()
    path = tmp_path / "셀_가.csv"
    path.write_bytes(text.encode("utf-8") if written == "utf-8" else WRITTEN[written](text))
    mapped = column_map(tmp_path, encoding)
    with pytest.raises(InputError) as caught:
        read_cycler(path, column_map=mapped)
    assert str(caught.value) == f"{path}: {refusal.format(map=mapped)}"
    assert "\n" not in str(caught.value)
    korean = i18n.phrase(str(caught.value), "ko")  # as the battery pages show it
    assert korean.startswith(f"{path}: 열 매핑({mapped})의 file.encoding은 '{encoding}'인데, 파일")
    assert (
        "UTF-16-LE" if written.endswith("le") else "UTF-16-BE" if written != "utf-8" else "UTF-16"
    ) in korean


def test_explicit_utf8_is_told_from_the_default() -> None:
    """The parsed map keeps whether ``file.encoding`` was written: ``utf-8`` either way, but only one says so."""
    base = {
        "columns": {
            name: {"source": name} for name in ("test_time_s", "cycle_index", "current_a", "voltage_v")
        }
    }
    silent = ColumnMap.from_dict(base)
    said = ColumnMap.from_dict({**base, "file": {"encoding": "utf-8"}})
    assert (silent.encoding, silent.encoding_given) == ("utf-8", False)
    assert (said.encoding, said.encoding_given) == ("utf-8", True)


def test_cli_refuses_explicit_utf8_on_utf16(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``gwangyang battery ingest --column-map``: exit 2, one line naming the file, the map, the key and the mark."""
    path = tmp_path / "셀_가.csv"
    path.write_bytes(WRITTEN["bom-le"](korean_text()))
    mapped = column_map(tmp_path, "utf-8")
    argv = [
        "battery",
        "ingest",
        str(path),
        "--column-map",
        str(mapped),
        "--store",
        str(tmp_path / "s"),
        "--json",
    ]
    assert main(argv) == 2
    failed = json.loads(capsys.readouterr().out)["failed"]
    assert [f["error"] for f in failed] == [
        f"{path}: the column map's file.encoding is 'utf-8' (in {mapped}), but the file starts with a UTF-16-LE "
        "byte-order mark."
    ]


def test_ingest_stores_the_korean_cell(tmp_path: Path) -> None:
    raw = WRITTEN["bom-le"](korean_text())
    folder = tmp_path / "자료"
    folder.mkdir()
    (folder / "셀_가.csv").write_bytes(raw)
    store = Store(tmp_path / "store")
    report = ingest([folder], store=store, column_map=column_map(tmp_path, "utf-16"))
    assert report.failed == [] and report.to_dict()["cells"] == ["셀_가"]
    stored = store.timeseries("셀_가")
    np.testing.assert_array_equal(stored[s.CURRENT].to_numpy(dtype=float), expected(raw, "bom-le")[s.CURRENT])
