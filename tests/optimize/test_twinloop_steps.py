"""The twin loop on spaces of 2 and 3 steps: the twin's currents are the protocol's rates times the nominal capacity.

Checked from the twin's own output: the current of each CC step in the time series (A) against the point's rate x
the nominal capacity of PyBaMM's Prada2013 set (2.3 Ah), and each step's duration against 60 w / c minutes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gwangyang.battery import schema as s
from gwangyang.errors import InputError
from gwangyang.optimize import service
from gwangyang.optimize.space import SearchSpace
from gwangyang.optimize.twinloop import space_objective

pybamm = pytest.importorskip("pybamm")

NOMINAL_AH = float(
    pybamm.ParameterValues("Prada2013")["Nominal cell capacity [A.h]"]
)  # the default config's set

TWO_STEPS: dict[str, Any] = {
    "name": "두 단계",
    "objective": {"name": "lli_life", "direction": "maximize"},
    "parameters": {
        "cc1": {"type": "categorical", "values": [3.0, 4.0]},
        "soc1": {"type": "categorical", "values": [30.0, 50.0]},
        "cc2": {"type": "categorical", "values": [1.5]},
    },
}
THREE_STEPS = {
    "name": "세 단계",
    "objective": {"name": "lli_life", "direction": "maximize"},
    "constraints": ["cc1 >= cc2"],
    "parameters": {
        "cc1": {"type": "categorical", "values": [4.0, 6.0]},
        "cc2": {"type": "categorical", "values": [3.0, 4.0]},
        "cc3": {"type": "categorical", "values": [2.0]},
        "soc_from": {"type": "categorical", "values": [20.0]},
    },
}


def _hand_steps(point: dict[str, Any]) -> list[tuple[float, float]]:
    """(C-rate, SOC width) of each step, by hand from the point (the module's rules, written out)."""
    rates = [float(point[f"cc{k}"]) for k in range(1, 4) if f"cc{k}" in point]
    start, end = float(point.get("soc_from", 0.0)), 80.0
    ends = [float(point[f"soc{k}"]) for k in range(1, len(rates)) if f"soc{k}" in point]
    bounds = [start, *ends, end] if ends else list(np.linspace(start, end, len(rates) + 1))
    return [(c, (b - a) / 100) for c, a, b in zip(rates, bounds[:-1], bounds[1:], strict=True)]


def _check_currents(result: Any, point: dict[str, Any]) -> None:
    """Each CC step's current (median over the step) and duration from the time series, against the point."""
    ts = result.timeseries
    first_cc = 2 if float(point.get("soc_from", 0.0)) > 0 else 1  # a start above 0: a 1 C charge to it first
    for _, cycle in ts.groupby(s.CYCLE):
        for k, (rate, width) in enumerate(_hand_steps(point)):
            step = cycle.loc[cycle[s.STEP] == first_cc + k]
            assert float(step[s.CURRENT].median()) == pytest.approx(rate * NOMINAL_AH, rel=1e-6)
            minutes = float(step[s.TIME].max() - step[s.TIME].min()) / 60
            assert minutes == pytest.approx(60 * width / rate, abs=0.5 + 1e-6)  # sampled every 30 s


@pytest.mark.parametrize("space_doc", [TWO_STEPS, THREE_STEPS], ids=["2 steps", "3 steps"])
def test_a_campaign_of_n_steps_runs_on_the_twin_at_the_protocols_currents(
    space_doc: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gwangyang.battery.twin as twin

    seen: list[Any] = []
    real = twin.simulate

    def spy(protocol: Any, **kwargs: Any) -> Any:
        seen.append(real(protocol, **kwargs))
        return seen[-1]

    monkeypatch.setattr(twin, "simulate", spy)
    folder = tmp_path / str(space_doc["name"])
    service.create_campaign(folder, SearchSpace.from_dict(space_doc), batch=2, rounds=1, seed=0)
    suggestions = service.suggest(folder)["suggestions"]
    answer = service.observe_twin(folder, cycles=1)
    assert answer["recorded"] == 2 and len(seen) == 2
    for suggestion, result in zip(suggestions, seen, strict=True):
        _check_currents(result, suggestion["params"])
    from gwangyang.optimize.campaign import Campaign

    kept = {o["id"]: o for o in Campaign.open(folder).state.observations}
    assert [kept[x["id"]]["value"] for x in suggestions] == pytest.approx([r.lli_life() for r in seen])
    assert {o["source"] for o in kept.values()} == {"twin"}


def test_a_space_the_twin_cannot_run_is_refused_before_any_simulation(tmp_path: Path) -> None:
    doc = {
        **TWO_STEPS,
        "parameters": {**TWO_STEPS["parameters"], "온도": {"type": "categorical", "values": [25.0]}},
    }
    with pytest.raises(InputError) as caught:
        space_objective(SearchSpace.from_dict(doc, source="급속.toml"))
    assert str(caught.value).startswith(
        "twin loop: 급속.toml: parameter 온도: not part of a charging protocol"
    )
    folder = tmp_path / "온도"
    service.create_campaign(folder, SearchSpace.from_dict(doc, source="급속.toml"), batch=2, rounds=1, seed=0)
    service.suggest(folder)
    with pytest.raises(InputError, match=r"^twin loop: space '두 단계': parameter 온도: not part of"):
        service.observe_twin(folder, cycles=1, cache_dir=tmp_path / "cache")
    assert not (tmp_path / "cache").exists()  # nothing simulated


def test_observe_twin_refuses_a_bad_start_c_before_any_simulation(tmp_path: Path) -> None:
    folder = tmp_path / str(THREE_STEPS["name"])
    service.create_campaign(folder, SearchSpace.from_dict(THREE_STEPS), batch=2, rounds=1, seed=0)
    service.suggest(folder)
    with pytest.raises(
        InputError, match=r"^start_c: expected a C-rate from 0\.05 \(C/20\) to 10 C .*got 0\.$"
    ):
        service.observe_twin(folder, cycles=1, cache_dir=tmp_path / "cache", start_c=0)
    assert not (tmp_path / "cache").exists()  # nothing simulated
    assert len(service.campaign_status(folder)["pending"]) == 2  # nothing recorded
