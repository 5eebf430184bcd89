"""A broken column map given to the ingest is refused in a Korean sentence on the pages, its fields kept.

Each case is the shipped ``maps/example.toml`` (the generic reader's sample map) broken one way, saved under a Korean
name and given to :func:`gwangyang.battery.ingest.ingest` as ``--column-map`` gives it: the ingest refuses it before
reading any file, in the English line written here, and :func:`gwangyang.api.i18n.phrase` (the pages' ``phrase`` in
``common.js``, run under Node where it is installed) gives the Korean written here by hand: the file, the field, the
column names and the values as the English gave them, none of the sentence's English words left.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gwangyang.api import i18n
from gwangyang.battery.ingest import ingest
from gwangyang.battery.io.column_map import ColumnMap
from gwangyang.errors import InputError
from gwangyang.store import Store

from .page_script import page_phrases

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (ROOT / "src" / "gwangyang" / "battery" / "io" / "maps" / "example.toml").read_text(
    encoding="utf-8"
)
NAME = "광양 대응표.toml"
KNOWN = (
    "test_time_s, cycle_index, step_index, vendor_cycle_index, current_a, voltage_v, charge_capacity_ah, "
    "discharge_capacity_ah, charge_energy_wh, discharge_energy_wh, temperature_c, internal_resistance_ohm, "
    "date_time, capacity_ah, energy_wh"
)

CASES: dict[str, tuple[bytes, str, str]] = {
    # the map's bytes, its refusal after "<file>: ", the Korean
    "scale_zero": (
        EXAMPLE.replace("scale = 0.001                      # mA -> A", "scale = 0").encode(),
        "columns.current_a.scale: expected a finite non-zero number, got 0.0.",
        "columns.current_a.scale: 0이 아닌 유한한 수여야 합니다 (입력: 0.0).",
    ),
    "unknown_column": (
        EXAMPLE.replace("[columns.voltage_v]", "[columns.voltage]").encode(),
        f"columns.voltage: unknown column; expected one of {KNOWN}.",
        f"columns.voltage: 알 수 없는 열; 다음 중 하나여야 합니다: {KNOWN}.",
    ),
    "misspelt_field": (
        EXAMPLE.replace('source = "Voltage (V)"', 'sorce = "Voltage (V)"').encode(),
        "columns.voltage_v.sorce: unknown field; expected one of convention, datetime_format, format, optional, "
        "scale, sign, source.",
        "columns.voltage_v.sorce: 알 수 없는 항목; 다음 중 하나여야 합니다: convention, datetime_format, format, "
        "optional, scale, sign, source.",
    ),
    "no_source": (
        EXAMPLE.replace('source = "Voltage (V)"', "scale = 1.0").encode(),
        "columns.voltage_v.source: missing; name the file's column.",
        "columns.voltage_v.source: 없습니다; 파일의 열 이름을 적으세요.",
    ),
    "no_cycle": (
        EXAMPLE.replace('[columns.cycle_index]\nsource = "Cycle"\n', "").encode(),
        "columns.cycle_index: missing; it is required.",
        "columns.cycle_index: 없습니다; 필수 열입니다.",
    ),
    "unsigned": (
        EXAMPLE.replace('sign = "positive_charge"', 'sign = "unsigned"').encode(),
        "columns.current_a.sign: 'unsigned' needs a [state] table.",
        "columns.current_a.sign: 'unsigned'에는 [state] 테이블이 있어야 합니다.",
    ),
    "running": (
        EXAMPLE.replace('convention = "per_step"            #', 'convention = "running" #').encode(),
        "columns.charge_capacity_ah.convention: expected 'per_cycle', 'per_step' or 'test_cumulative', got "
        "'running'.",
        "columns.charge_capacity_ah.convention: 'per_cycle', 'per_step', 'test_cumulative' 중 하나여야 합니다 "
        "(입력: 'running').",
    ),
    "two_character_delimiter": (
        EXAMPLE.replace('delimiter = ","', 'delimiter = ";;"').encode(),
        "file.delimiter: expected one character, got ';;'.",
        "file.delimiter: 한 글자여야 합니다 (입력: ';;').",
    ),
    "unknown_encoding": (
        EXAMPLE.replace('delimiter = ","', 'delimiter = ","\nencoding = "euc-xx"').encode(),
        "file.encoding: unknown encoding 'euc-xx'.",
        "file.encoding: 알 수 없는 인코딩 'euc-xx'입니다.",
    ),
    "optional_cycle": (
        EXAMPLE.replace('source = "Cycle"', 'source = "Cycle"\noptional = true').encode(),
        "columns.cycle_index.optional: cycle_index is required and cannot be optional.",
        "columns.cycle_index.optional: cycle_index은(는) 필수 열이라 선택 사항으로 둘 수 없습니다.",
    ),
    "capacity_twice": (
        EXAMPLE.replace(
            "[columns.voltage_v]", '[columns.capacity_ah]\nsource = "Cap"\n\n[columns.voltage_v]'
        ).encode(),
        "columns.capacity_ah: give either it or charge_capacity_ah/discharge_capacity_ah, not both.",
        "columns.capacity_ah: 이 열과 charge_capacity_ah/discharge_capacity_ah 중 한쪽만 주세요 (둘 다는 안 됩니다).",
    ),
    "state_without_discharge": (
        EXAMPLE.replace(
            "[columns.test_time_s]", '[state]\nsource = "S"\ncharge = "C"\n\n[columns.test_time_s]'
        ).encode(),
        "state.discharge: missing.",
        "state.discharge: 없습니다.",
    ),
    "not_toml": (
        EXAMPLE.replace('delimiter = ","', "delimiter = ,").encode(),
        "not a valid TOML column map (Invalid value (at line 6, column 13)).",
        "올바른 TOML 열 대응표가 아닙니다 (올바르지 않은 값 (6행 13열)).",
    ),
    "cp949": (
        # a Korean Windows editor: 충 is bytes C3 E6, at byte 175 (two ASCII comment lines, then name = ")
        EXAMPLE.replace('"mycycler"', '"충방전기"').encode("cp949"),
        "not a valid TOML column map ('utf-8' codec can't decode byte 0xc3 in position 175: invalid continuation "
        "byte).",
        "올바른 TOML 열 대응표가 아닙니다 (UTF-8로 읽을 수 없는 바이트 0xc3 (위치 175): 올바르지 않은 연속 바이트).",
    ),
}
"""The shipped example map broken one way: its bytes, the refusal (after the file's name) and its Korean."""

ENGLISH = (
    "expected",
    "missing",
    "unknown",
    "needs",
    "not ",
    "valid",
    "name the",
    "required",
    "got",
    "codec",
    "line",
)
"""Words of the refusals that must not be left in their Korean (the fields and values aside)."""


@pytest.mark.parametrize("key", CASES)
def test_a_broken_column_map_given_to_the_ingest_is_refused_in_korean(tmp_path: Path, key: str) -> None:
    content, english, korean = CASES[key]
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "셀 1.csv").write_text("Time (s),Cycle\n0,1\n", encoding="utf-8")
    path = tmp_path / NAME
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        ingest([tmp_path / "data"], store=Store(tmp_path / "store"), column_map=path)
    line = str(caught.value).replace(f"{tmp_path}/", "")
    assert line == f"{NAME}: {english}"
    assert not (tmp_path / "store").exists()  # refused before anything is written
    translated = i18n.phrase(line, "ko")
    assert translated == f"{NAME}: {korean}"
    kept = translated.replace(NAME, "").replace("'per_cycle', 'per_step', 'test_cumulative'", "")
    for field in (
        "columns.",
        "voltage_v.sorce",
        "current_a.",
        "file.",
        "charge_capacity_ah",
        "state.",
        "cycle_index",
    ):
        kept = kept.replace(field, "")
    assert not [w for w in ENGLISH if w in kept], translated


@pytest.mark.parametrize(
    ("table", "change"),
    [
        ("", ("name = ", "vendor = 'x'\nname = ")),
        ("file.", ("[file]\n", "[file]\nquote = '\"'\n")),
        ("options.", ("[options]\n", "[options]\nstrict = true\n")),
        ("columns.voltage_v.", ('source = "Voltage (V)"', 'source = "Voltage (V)"\nunit = "V"')),
        (
            "state.",
            (
                "[columns.test_time_s]",
                "[state]\nsource = 'S'\ncharge = 'C'\ndischarge = 'D'\nrest = 'R'\n\n[columns.test_time_s]",
            ),
        ),
    ],
)
def test_every_table_s_unknown_key_reads_korean(tmp_path: Path, table: str, change: tuple[str, str]) -> None:
    # each table's "expected one of" list, as the map gives it, is one the pattern takes (the API imports no reader)
    path = tmp_path / NAME
    path.write_text(EXAMPLE.replace(*change, 1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        ColumnMap.from_file(path)
    line = str(caught.value).replace(f"{tmp_path}/", "")
    head, tail = line.split("; ")
    assert head.startswith(f"{NAME}: {table}") and head.endswith(": unknown field"), line
    assert tail.startswith("expected one of "), line
    parts = i18n.phrase(line, "ko").split("; ")
    assert parts[0] == head.replace("unknown field", "알 수 없는 항목")
    assert parts[1] == tail.replace("expected one of ", "다음 중 하나여야 합니다: "), parts


def test_a_shipped_map_missing_is_named_in_korean(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        ingest([tmp_path], store=Store(tmp_path / "store"), column_map=tmp_path / "없는 대응표.toml")
    line = str(caught.value).replace(f"{tmp_path}/", "")
    maps = "basytec, cellpy_custom, example, maccor_csv, maccor_text, novonix"
    assert line == f"없는 대응표.toml: column-map file not found (shipped maps: {maps})."
    assert (
        i18n.phrase(line, "ko")
        == f"없는 대응표.toml: 열 대응표(column map) 파일이 없습니다 (함께 제공되는 대응표: {maps})."
    )


def test_the_store_s_expected_one_of_still_names_views() -> None:
    # the column map's "expected one of" takes only its own key lists; the store's line keeps its Korean
    assert i18n.phrase("expected one of cells, cycles.", "ko") == "사용할 수 있는 뷰: cells, cycles."


def test_the_page_s_script_reads_them_as_the_server() -> None:
    lines = [f"{NAME}: {english}" for _, english, _ in CASES.values()]
    phrased = page_phrases(lines)
    assert phrased == [f"{NAME}: {korean}" for _, _, korean in CASES.values()]
