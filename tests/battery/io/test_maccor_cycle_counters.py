"""A Maccor counter carried on across steps and restarting at each cycle, in a thinned export.

``PreDiag_000412_00008Fshort.022`` rewritten with ``Amp-hr`` / ``Watt-hr`` carried through each cycle and every 20th
row kept: a cycle's first kept row is seldom its first row, and the counter there holds what the cycle's earlier,
unwritten steps passed. Such a row fits restarting (up to the current over the time since the row before, which
may be a day) as well as running on; the changes where the counter falls back to about 0 (cycle 0's 6.358 Ah to
cycle 1's 0.00006 Ah) decide. The independent route: each cycle's capacities from the unthinned text, Maccor's own
per-step counters at each step's last row (``test_maccor_thinned.reference``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gwangyang.api import i18n
from gwangyang.battery.io import read_cycler
from gwangyang.errors import CorruptFileError

from .test_maccor_milli import running
from .test_maccor_thinned import COLUMNS, FILES, export, reference, worst
from .variants import TextExport, write

MAP = """name = "maccor_running"
[file]
delimiter = "\\t"
header_marker = "Rec#"
[columns.test_time_s]
source = "Test (Sec)"
[columns.cycle_index]
source = "Cyc#"
[columns.step_index]
source = "Step"
[columns.current_a]
source = "Amps"
sign = "unsigned"
[columns.voltage_v]
source = "Volts"
[columns.capacity_ah]
source = "Amp-hr"
convention = "running"
[columns.energy_wh]
source = "Watt-hr"
convention = "running"
[state]
source = "State"
charge = ["C"]
discharge = ["D"]
[options]
allow_cycle_gaps = true
"""


def per_cycle_thinned(whole: TextExport, every: int) -> TextExport:
    variant = running(running(whole, "Amp-hr", False), "Watt-hr", False)
    variant.rows = variant.rows[::every]
    return variant


# worst per-cycle difference from the unthinned text, last cycle left out, every 5th / 20th row: xTESLADIAG 0.0001 % /
# 0.016 %, PreDiag 229 0.012 % / 0.17 %, PreDiag 412 0.030 % / 0.18 % of the largest cycle (what the last step of each
# cycle passed after its last kept row is in no row, the counter restarting; PreDiag 412's 20th rows written
# restarting at each step: 3.4 %). Before: PreDiag 412 every 20th row refused ("restarts at some cycle changes (line
# 145) and runs on at others (line 485)"), the others the same
@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("every", [5, 20])
def test_a_thinned_per_cycle_counter_is_read(tmp_path: Path, name: str, every: int) -> None:
    whole = export(name)
    path = write(tmp_path, f"사이클마다_{every}_{name}", per_cycle_thinned(whole, every).render(), "latin-1")
    data = read_cycler(path)
    assert data.extra["counters"] == {"capacity_ah": "runs_on", "energy_wh": "runs_on"}
    read = data.timeseries.groupby("cycle_index")[list(COLUMNS)].max()
    assert worst(read, reference(whole), last=False) < 0.005


def test_a_counter_restarting_at_some_cycles_only_is_refused_with_what_to_do(tmp_path: Path) -> None:
    """Carried through the test up to cycle 10, through each cycle after: no one reading fits, the refusal says what
    the user can do, and the column map it names reads the part before the change as the vendor's counters."""
    whole = export("xTESLADIAG_000038.078")
    through, each = running(whole, "Amp-hr", True), running(whole, "Amp-hr", False)
    cycle = whole.index("Cyc#")
    mixed = whole.copy()
    mixed.rows = [a if int(a[cycle]) <= 10 else b for a, b in zip(through.rows, each.rows, strict=True)]
    path = write(tmp_path, "섞임.078", mixed.render(), "latin-1")
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(path)
    message = str(caught.value)
    assert "the counter restarts at some cycle changes" in message
    assert message.endswith(
        "read it with a column map (--column-map) that gives capacity_ah and energy_wh the convention per_step "
        "(restarting at each step) or running (running on across steps)."
    )
    assert i18n.phrase(message, "ko").endswith("열 매핑(--column-map)으로 읽으십시오.")
    # the user's way: a column map with convention = "running" reads each cycle as the vendor's counters, within
    # 0.051 mAh (a cycle's first row's gain is not counted); the last cycle but for its stop row (S), which the
    # generic reader's [state] C / D does not count: 9.14 mAh
    (tmp_path / "map.toml").write_text(MAP, encoding="utf-8")
    data = read_cycler(path, column_map=tmp_path / "map.toml")
    read = data.timeseries.groupby("cycle_index")[["charge_capacity_ah", "discharge_capacity_ah"]].max()
    expected = reference(whole)[["charge_capacity_ah", "discharge_capacity_ah"]].reindex(read.index)
    assert float((read - expected).abs().iloc[:-1].max().max()) < 1e-4
    assert float(expected["discharge_capacity_ah"].iloc[-1] - read["discharge_capacity_ah"].iloc[-1]) == (
        pytest.approx(2.2376479483 - 2.2285093601, abs=1e-9)
    )
