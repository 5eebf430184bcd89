"""The factory step of ``gwangyang demo``."""

from __future__ import annotations

import json

from gwangyang.factory.demo import demo_step
from gwangyang.store import Store


def test_demo_step(tmp_path):
    store = Store(tmp_path / "store")
    summary = demo_step(store)
    json.dumps(summary, allow_nan=False)
    assert (tmp_path / "store" / "factory" / "monitors" / "tep-pca.npz").is_file()
    # IDV(1) starts at 480 min (sample 160); the PCA monitor raises its alarm on the 3rd consecutive violation
    # (rows 162-164 → 492 min), i.e. 12 min later, as `gwangyang factory score` on the same files reports.
    assert summary["fault_start_min"] == 480.0
    assert summary["detection_delay_min"] == 12.0
    assert summary["false_alarms_before_fault"] <= 1
