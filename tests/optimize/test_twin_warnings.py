"""The twin's warnings reach the campaign: a round observed on the twin keeps them, its status lists them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gwangyang.battery.protocols import ChargingProtocol
from gwangyang.battery.twin import simulate
from gwangyang.battery.twin_config import OKANE_CONFIG, TwinConfig
from gwangyang.cli.main import main
from gwangyang.errors import InputError
from gwangyang.optimize import service
from gwangyang.optimize.space import shipped_space

pytest.importorskip("pybamm")


def test_results_carry_their_warnings_into_the_round(tmp_path: Path) -> None:
    """Rows with ``warnings`` (a list, or a text from a CSV) are kept per round, once each; bad ones are refused."""
    folder = tmp_path / "캠페인"
    service.create_campaign(folder, shipped_space("attia_coarse"), batch=2, rounds=2, seed=1)
    ids = [s["id"] for s in service.suggest(folder)["suggestions"]]
    with pytest.raises(InputError, match="warnings: expected a list of texts"):
        service.observe(folder, [{"id": ids[0], "value": 900.0, "warnings": [1]}])
    out = service.observe(
        folder,
        [
            {"id": ids[0], "value": 900.0, "warnings": ["셀 경고", "config line"]},
            {"id": ids[1], "value": 950.0, "warnings": "config line\n"},
        ],
        source="twin",
    )
    assert out["warnings"] == [f"{ids[0]}: 셀 경고", f"{ids[0]}: config line", f"{ids[1]}: config line"]
    status = service.campaign_status(folder)
    assert status["warnings"] == [
        {"round": 0, "id": ids[0], "warning": "셀 경고"},
        {"round": 0, "id": ids[0], "warning": "config line"},
    ]
    assert status["history"][0]["warnings"] == status["warnings"]


def test_a_round_observed_on_the_twin_keeps_its_voltage_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """O'Kane 2022 (LG M50, 4.2 V), one cycle per point: each suggestion whose CC steps stopped at 4.2 V is warned.

    Checked by another route: the same protocols simulated directly (battery.twin.simulate) and their CC steps on the limit.
    """
    folder = tmp_path / "twin-camp"
    service.create_campaign(folder, shipped_space("attia_coarse"), batch=2, rounds=2, seed=0)
    suggestions = service.suggest(folder)["suggestions"]
    code = main(
        [
            "optimize",
            "observe-twin",
            "--state",
            str(folder),
            "--cycles",
            "1",
            "--config",
            str(OKANE_CONFIG),
            "--json",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    answer = json.loads(captured.out)
    assert answer["recorded"] == 2
    status = service.campaign_status(folder)
    config = TwinConfig.from_file(OKANE_CONFIG)
    warned = set()
    for s in suggestions:
        p = {**s["params"], **s["derived"]}
        protocol = (
            ChargingProtocol(p["cc1"], p["cc2"], p["cc3"], p["cc4"])
            if "cc4" in p
            else ChargingProtocol.from_rates(p["cc1"], p["cc2"], p["cc3"])
        )
        result = simulate(protocol, cycles=1, config=config)
        if int(result.cycles["cc_steps_at_limit"].sum()) > 0:
            warned.add(s["id"])
            assert any(
                w["id"] == s["id"] and f"protocol {protocol.name}" in w["warning"] for w in status["warnings"]
            )
    assert {w["id"] for w in status["warnings"]} == warned
    assert warned  # Attia's 10-minute charges on an LG M50 reach 4.2 V
    assert [w["warning"] for w in status["history"][0]["warnings"]] == [
        w["warning"] for w in status["warnings"]
    ]
    assert " ".join(f"warning: {answer['warnings'][0]}".split()) in " ".join(captured.err.split())
