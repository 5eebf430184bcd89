"""Maccor's State letters through a column map: the shipped ``maccor_text`` map's ``follow`` and ``neutral`` letters.

The map route (``column_map="maccor_text"``, the generic reader) and the native route (the Maccor reader, its hook
reading the letters of ``battery/io/maccor_states.py``) give the same cycles; the independent check is the vendor's
own counters at each C / D step's last row (:func:`.test_maccor_states.vendor_totals`, the standard library alone).
Before ``follow``, the map route missed ``xTESLADIAG_000038.078``'s stop row: 9.14 mAh of its last discharge.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gwangyang.api import i18n
from gwangyang.battery.io import read_cycler
from gwangyang.battery.io.column_map import ColumnMap, load_shipped_map
from gwangyang.errors import InputError

from .test_maccor_states import TESLA, _tesla, per_cycle, same, vendor_totals
from .variants import CYCLERS, write

TEXT_FILES = sorted(p.name for p in (CYCLERS / "maccor").iterdir() if p.suffix != ".csv")
COLUMNS = ["charge_capacity_ah", "discharge_capacity_ah", "charge_energy_wh", "discharge_energy_wh"]


def mapped(path: Path, column_map: Any = "maccor_text") -> dict[int, dict[str, float]]:
    table: dict[Any, Any] = (
        read_cycler(path, column_map=column_map)
        .timeseries.groupby("cycle_index")[COLUMNS]
        .max()
        .to_dict("index")
    )
    return {int(k): {str(c): float(x) for c, x in v.items()} for k, v in table.items()}


def test_every_shared_text_file_is_covered() -> None:
    assert len(TEXT_FILES) == 7


@pytest.mark.parametrize("name", TEXT_FILES)
def test_the_map_route_gives_the_native_cycles_and_the_vendors_counters(name: str) -> None:
    path = CYCLERS / "maccor" / name
    by_map, native = mapped(path), per_cycle(path)
    assert by_map.keys() == native.keys()
    assert same(by_map, native) == 0.0
    assert same(by_map, vendor_totals(path)) < 1e-9


def test_the_stop_row_counts_through_the_map() -> None:
    read = mapped(TESLA)
    # the last row: S, 2.2376479483 Ah; the row before, D, 2.2285093601 Ah (the 9.14 mAh the map missed)
    assert read[23]["discharge_capacity_ah"] == pytest.approx(2.2376479483, abs=1e-9)
    assert read[23]["discharge_energy_wh"] == pytest.approx(8.5212919436, abs=1e-9)
    assert not [w for w in read_cycler(TESLA, column_map="maccor_text").warnings if "state" in w["detail"]]


def test_a_letter_the_map_does_not_name_is_warned(tmp_path: Path) -> None:
    export = _tesla()
    state = export.index("State")
    rows = [i for i, row in enumerate(export.rows) if row[state] == "D"][:3]
    for i in rows:
        export.rows[i][state] = "X"
    data = read_cycler(write(tmp_path, "모름.078", export.render(), "latin-1"), column_map="maccor_text")
    (note,) = [w["detail"] for w in data.warnings if "does not name" in w["detail"]]
    assert note == (
        "column 'State': 3 rows have the state 'X', which the column map does not name (first at line "
        f"{rows[0] + 3}); they are counted as neither charge nor discharge"
    )
    assert i18n.phrase(note, "ko") == (
        f"열 'State': 3개 행의 상태 'X'은(는) 열 매핑에 없는 상태입니다(첫 번째는 {rows[0] + 3}행); "
        "충전으로도 방전으로도 세지 않습니다"
    )


def test_a_map_of_charge_and_discharge_alone_warns_of_the_rest_and_stop_rows(tmp_path: Path) -> None:
    shipped = load_shipped_map("maccor_text")
    assert shipped.state is not None
    assert shipped.state.follow == ("S", "O", "P") and shipped.state.neutral == ("R", "FRA")
    source = (Path(__file__).parents[3] / "src/gwangyang/battery/io/maps/maccor_text.toml").read_text("utf-8")
    bare = source.replace('follow = ["S", "O", "P"]\n', "").replace('neutral = ["R", "FRA"]\n', "")
    (tmp_path / "bare.toml").write_text(bare, encoding="utf-8")
    data = read_cycler(TESLA, column_map=tmp_path / "bare.toml")
    notes = sorted(
        w["detail"].split(":")[1].split(",")[0] for w in data.warnings if "does not name" in w["detail"]
    )
    export = _tesla()
    state = export.index("State")
    counts = {letter: sum(1 for row in export.rows if row[state] == letter) for letter in "RS"}
    assert notes == sorted([f" {counts['R']} rows have the state 'R'", " 1 rows have the state 'S'"])
    read = mapped(TESLA, tmp_path / "bare.toml")
    assert read[23]["discharge_capacity_ah"] == pytest.approx(2.2285093601, abs=1e-9)


@pytest.mark.parametrize("value", ["", [], [1]])
def test_a_bad_follow_list_is_refused(value: Any) -> None:
    data = {
        "columns": {
            "test_time_s": {"source": "t"},
            "cycle_index": {"source": "c"},
            "current_a": {"source": "i", "sign": "unsigned"},
            "voltage_v": {"source": "v"},
        },
        "state": {"source": "s", "charge": "C", "discharge": "D", "follow": value},
    }
    with pytest.raises(InputError, match=r"state\.follow: expected a column name or a list of names"):
        ColumnMap.from_dict(data, origin="m.toml")
