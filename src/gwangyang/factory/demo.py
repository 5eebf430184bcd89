"""The factory part of ``gwangyang demo``: fit a PCA monitor on the shipped normal TEP run, score a fault run."""

from __future__ import annotations

from typing import Any

from ..demo import sample_dir
from ..store import Store
from .fitting import fit_table
from .io import TEP_FAULT_START, TEP_SAMPLE_MINUTES, TEP_TIME_COLUMN, read_table
from .streaming import StreamingMonitor, store_monitor_path

NORMAL_SAMPLE = "tep_normal_d00.csv.gz"
FAULT_SAMPLE = "tep_fault01_d01_te.csv.gz"
MONITOR_NAME = "tep-pca"


def demo_step(store: Store) -> dict[str, Any]:
    """Fit a PCA monitor on the normal sample, save it in the store, reload it and score the fault sample.

    Returns
    -------
    dict
        The fit summary, where the monitor was saved, the score summary, the first alarm with its top
        variables, and the detection delay in minutes after the fault's start.
    """
    folder = sample_dir("factory")
    normal = read_table(folder / NORMAL_SAMPLE, TEP_TIME_COLUMN)
    fitted = fit_table(normal, TEP_TIME_COLUMN, "pca", alpha=0.01, k=3, source=NORMAL_SAMPLE)
    path = fitted.monitor.save(store_monitor_path(store.root, MONITOR_NAME))
    monitor = StreamingMonitor.load(path)
    result = monitor.score_table(read_table(folder / FAULT_SAMPLE, TEP_TIME_COLUMN), source=FAULT_SAMPLE)
    fault_start_min = TEP_FAULT_START * TEP_SAMPLE_MINUTES
    after = [a for a in result.alarms if a.end_index >= TEP_FAULT_START]
    first = after[0] if after else None
    return {
        "fit": fitted.to_dict(),
        "monitor": str(path),
        "scored": FAULT_SAMPLE,
        "summary": result.summary(),
        "fault_start_min": fault_start_min,
        "detection_delay_min": None if first is None else float(first.start) - fault_start_min,
        "first_alarm": None if first is None else first.to_dict(),
        "false_alarms_before_fault": sum(1 for a in result.alarms if a.end_index < TEP_FAULT_START),
    }
