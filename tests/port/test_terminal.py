from __future__ import annotations

from pathlib import Path

import pytest

from gwangyang.cli.main import main
from gwangyang.errors import InputError
from gwangyang.port.terminal import (
    GWANGYANG_TEU_2024,
    Scenario,
    load_scenario,
    scenario_dir,
    shipped_scenarios,
)


def test_shipped_scenarios_load_with_the_published_equipment_counts() -> None:
    assert shipped_scenarios() == ["gwangyang-automated", "gwangyang-today"]
    today = load_scenario("gwangyang-today")
    auto = load_scenario("gwangyang-automated")
    # gwangyang-facts.md: GWCT 9 STS + 3 added in 2017 = 12; Phase 3-2: 4 berths, 11 automated STS,
    # 44 lift-AGVs, 32 automated yard cranes.
    assert sum(c.count for c in today.cranes if c.berth.startswith("GWCT")) == 12
    new = [b for b in auto.berths if b.name.startswith("P32")]
    assert len(new) == 4
    assert sum(c.count for c in auto.cranes if c.kind == "automated") == 11
    assert sum(t.count for t in auto.transport if t.kind == "lift-agv") == 44
    assert sum(y.cranes for y in auto.yards if y.kind == "automated") == 32
    # 2.01 M TEU in 2024 = 38,654 TEU a week (gwangyang-facts.md); the services are calibrated to it.
    weekly = sum(s.calls_per_week * s.teu_per_call for s in today.arrivals.services)
    assert weekly == pytest.approx(GWANGYANG_TEU_2024 / 52, rel=0.01)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _today_with(old: str, new: str, tmp_path: Path) -> Path:
    text = (scenario_dir() / "gwangyang-today.toml").read_text(encoding="utf-8")
    assert old in text
    return _write(tmp_path, text.replace(old, new, 1))


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("speed_kmh = 25.0", "speed_kmh = -25.0", "transport[0].speed_kmh"),
        ('berth = "KIT-1"', 'berth = "KIT-99"', "cranes[0].berth"),
        ("chunk_moves = 25", "chunk_moves = 25\nsped = 3", "sped"),
        ("length_m = 300.0", "length_m = 300.0\ncolour = 1", "berths[0].colour"),
        ("moves_per_hour = 27.0", 'moves_per_hour = "fast"', "cranes[0].moves_per_hour"),
        ("count = 80", "count = 2.5", "transport[0].count"),
        ('kind = "truck"', 'kind = "bicycle"', "transport[0].kind"),
        ("calls_per_week = 28.0", "calls_per_week = 0.0", "arrivals.services[0].calls_per_week"),
        ("downtime_fraction = 0.02", "downtime_fraction = 1.5", "weather.downtime_fraction"),
        ('berth = "fcfs"', 'berth = "random"', "policies.berth"),
        ('transport = "KIT-trucks"', 'transport = "vans"', "berths[0].transport"),
        ("length_m = 300.0", "length_m = 300.0\nhaul_m = -5.0", "berths[0].haul_m"),
        ('dispatch = "fifo"', 'dispatch = "closest"', "policies.dispatch"),
        ("dwell_h = 72.0", "dwell_h = -1.0", "gate.dwell_h"),
    ],
)
def test_bad_scenario_files_name_the_field(tmp_path: Path, old: str, new: str, field: str) -> None:
    path = _today_with(old, new, tmp_path)
    with pytest.raises(InputError) as info:
        Scenario.from_file(path)
    message = str(info.value)
    assert field in message and str(path) in message
    assert "\n" not in message


def test_an_unknown_top_level_field_lists_the_fields_a_file_may_set(tmp_path: Path) -> None:
    # The top-level names of docs/port.md's scenario table and its tables; base_dir was listed as known too,
    # though a file that sets it is refused (the loader sets it).
    path = _today_with("chunk_moves = 25", "chunk_moves = 25\nchunk_move = 3", tmp_path)
    with pytest.raises(InputError) as info:
        Scenario.from_file(path)
    known = str(info.value).split("(known: ")[1].rstrip(")").split(", ")
    top = ["name", "description", "teu_per_move", "chunk_moves"]
    tables = ["berths", "cranes", "transport", "yards", "gate", "arrivals", "weather", "energy", "automation"]
    assert known == sorted([*top, *tables, "policies"])
    with pytest.raises(InputError, match="base_dir: not a scenario field"):
        Scenario.from_file(_today_with("chunk_moves = 25", 'chunk_moves = 25\nbase_dir = "."', tmp_path))


def test_a_berth_without_crane_is_refused(tmp_path: Path) -> None:
    path = _today_with('[[cranes]]\nberth = "KIT-1"', '[[cranes]]\nberth = "KIT-2"', tmp_path)
    with pytest.raises(InputError, match=r"berths\[0\]: berth 'KIT-1' has no quay crane"):
        Scenario.from_file(path)


def test_unreadable_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not valid TOML"):
        Scenario.from_file(_write(tmp_path, "name = [unclosed"))
    with pytest.raises(InputError, match="no such scenario file"):
        Scenario.from_file(tmp_path / "nope.toml")
    with pytest.raises(InputError, match="required field is missing"):
        Scenario.from_file(_write(tmp_path, 'name = "x"'))
    with pytest.raises(InputError, match="neither a file nor a shipped scenario"):
        load_scenario("atlantis")


def test_cli_exits_2_on_a_bad_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _today_with("speed_kmh = 25.0", "speed_kmh = -1.0", tmp_path)
    code = main(["port", "simulate", "--scenario", str(path), "--days", "1", "--json"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert "transport[0].speed_kmh" in captured.err
