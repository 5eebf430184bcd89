from __future__ import annotations

from pathlib import Path

import pytest

from gwangyang.port.berth_baselines import solve_fcfs
from gwangyang.port.berth_model import BerthInstance
from gwangyang.port.crane_model import CraneInstance, CraneTask
from gwangyang.port.cranes import solve_cranes_exact
from gwangyang.port.plots import plot_berth_plan, plot_crane_schedule, plot_simulation, simulation_title
from gwangyang.port.simulation import simulate
from gwangyang.port.terminal import load_scenario

PNG = b"\x89PNG\r\n\x1a\n"


def _size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_figures_are_pngs_of_the_requested_size(tmp_path: Path) -> None:
    # figsize x dpi: 14 x 6 in at 110 dpi = 1540 x 660 px; 10 x 5 in = 1100 x 550 px.
    result = simulate(load_scenario("gwangyang-today"), days=3, seed=0)
    assert _size(plot_simulation(result, tmp_path / "sim.png")) == (1540, 660)
    # the title says what is drawn: a 3-day run whole, the first 2 of its 3 days when cut
    assert simulation_title(result, 14.0) == "gwangyang-today: berth plan, 3 days (seed 0)"
    assert simulation_title(result, 2.0) == "gwangyang-today: berth plan, first 2 of 3 days (seed 0)"
    inst = BerthInstance.build("t", [0, 1], [0], [100], [[5], [5]], [100, 100])
    assert _size(plot_berth_plan(solve_fcfs(inst), tmp_path / "berths.png")) == (1540, 660)
    cranes = CraneInstance("c", 6, (CraneTask(1, 5), CraneTask(6, 5)), (1, 6), (0, 0))
    assert _size(plot_crane_schedule(solve_cranes_exact(cranes), tmp_path / "cranes.png")) == (1100, 550)


@pytest.mark.parametrize("days", [0.5])
def test_empty_gantt_still_plots(tmp_path: Path, days: float) -> None:
    result = simulate(load_scenario("gwangyang-today"), days=days, seed=0)
    assert _size(plot_simulation(result, tmp_path / "sim.png", max_days=0.01)) == (1540, 660)


def test_a_berth_idle_in_the_drawn_days_keeps_its_line() -> None:
    """Berth 2 has its only call on day 20: the first 14 days' chart still lists it (it was left out)."""
    import pandas as pd

    from gwangyang.plotting import pyplot
    from gwangyang.port.plots import _gantt

    table = pd.DataFrame(
        {
            "vessel": [0, 1, 2],
            "berth": [0, 1, 2],
            "arrival_h": [1.0, 5.0, 480.0],
            "start_h": [1.0, 5.0, 480.0],
        }
    ).assign(end_h=lambda t: t["start_h"] + 10)
    plt = pyplot()
    fig, ax = plt.subplots()
    drawn = table[table["arrival_h"] < 14 * 24]
    _gantt(ax, drawn, "berth", "start_h", "end_h", "vessel", "arrival_h", rows=[0, 1, 2])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0", "1", "2"] and len(ax.patches) == 2
    fig2, ax2 = plt.subplots()
    _gantt(ax2, drawn, "berth", "start_h", "end_h", "vessel", "arrival_h")  # without rows: the table's own
    assert [t.get_text() for t in ax2.get_yticklabels()] == ["0", "1"]
    plt.close(fig)
    plt.close(fig2)
