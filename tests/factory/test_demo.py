"""The factory step of ``gwangyang demo``."""

from __future__ import annotations

import json

from gwangyang.factory.demo import factory_demo_step
from gwangyang.store import Store


def test_demo_step(tmp_path):
    store = Store(tmp_path / "store")
    summary = factory_demo_step(store)
    json.dumps(summary, allow_nan=False)
    assert (tmp_path / "store" / "factory" / "monitors" / "tep-pca.npz").is_file()
    # The scoring result is a finished job record in the store, as the factory page reads it.
    record = json.loads((tmp_path / "store" / "jobs" / f"{summary['score_job']}.json").read_text())
    assert record["kind"] == "factory.score" and record["status"] == "done"
    assert record["result"]["summary"] == summary["summary"] and summary["summary"]["rows"] == 960
    # IDV(1) enters after sample 160; the first alarm is the 3rd consecutive violation at sample 164, i.e.
    # (164 - 160 + 1) × 3 = 15 min after the fault's introduction, within the book's PCA T² delay (21 min,
    # Chiang, Russell & Braatz 2000, Table 8.5).
    assert summary["first_alarm"]["start_index"] == 164
    assert summary["detection_delay_min"] == 15.0
    assert summary["false_alarms_before_fault"] == 0
