"""The factory part of ``gwangyang demo``: fit a PCA monitor on the shipped normal TEP run, score a fault run.

What the factory page needs ends up in the store: the monitor (``factory/monitors/tep-pca.npz``, listed
on the page) and the scoring result as a finished ``factory.score`` job record (``jobs/<id>.json``,
drawn on the page as T² and Q charts with the alarms), exactly as if the fault run had been scored
through the API.
"""

from __future__ import annotations

from typing import Any

from ..demo import sample_dir
from ..errors import GwangyangError
from ..store import Store
from .evaluate import detection_delay
from .fitting import fit_table
from .io import TEP_FAULT_START, TEP_TIME_COLUMN, read_table
from .streaming import StreamingMonitor, store_monitor_path

NORMAL_SAMPLE = "tep_normal_d00.csv.gz"
"""Shipped sample: the TEP normal training run ``d00.dat`` (500 samples × 52 variables)."""
FAULT_SAMPLE = "tep_fault01_d01_te.csv.gz"
"""Shipped sample: the TEP test run of fault 1 ``d01_te.dat`` (960 samples; the fault from sample 160)."""
MONITOR_NAME = "tep-pca"
"""Name of the demo's monitor in the store."""


def _score_as_job(store: Store, monitor_path: Any) -> tuple[str, dict[str, Any]]:
    """Score the fault sample in a job of the store's job manager; returns the job id and its result."""
    from ..api.jobs import JobManager

    folder = sample_dir("factory")

    def work(progress: Any) -> dict[str, Any]:
        monitor = StreamingMonitor.load(monitor_path)
        table = read_table(folder / FAULT_SAMPLE, monitor.time_column)
        result = monitor.score_table(table, source=FAULT_SAMPLE)
        return {"monitor": MONITOR_NAME, "file": FAULT_SAMPLE, **result.to_dict()}

    jobs = JobManager(store.root)
    try:
        job = jobs.submit("factory.score", work, params={"monitor": MONITOR_NAME, "file": FAULT_SAMPLE})
        record = jobs.wait(job["id"], timeout=300.0)
    finally:
        jobs.shutdown()
    if record["status"] != "done":
        raise GwangyangError(f"factory demo: scoring {FAULT_SAMPLE} failed: {record.get('error')}")
    return str(record["id"]), record["result"]


def factory_demo_step(store: Store) -> dict[str, Any]:
    """Fit a PCA monitor on the normal sample, save it in the store, reload it and score the fault sample.

    Parameters
    ----------
    store
        The demo's store; the monitor and the scoring job's record are written into it.

    Returns
    -------
    dict
        The fit summary, where the monitor was saved, the scoring job's id, the score summary, the
        first alarm after the fault's start with its top variables, its delay in minutes after the
        fault's introduction (the first faulty sample counts as 3 minutes, as in Chiang, Russell &
        Braatz 2000), and the number of alarms before the fault.
    """
    folder = sample_dir("factory")
    normal = read_table(folder / NORMAL_SAMPLE, TEP_TIME_COLUMN)
    fitted = fit_table(normal, TEP_TIME_COLUMN, "pca", alpha=0.01, k=3, source=NORMAL_SAMPLE)
    path = fitted.monitor.save(store_monitor_path(store.root, MONITOR_NAME))
    job_id, result = _score_as_job(store, path)
    alarm_flags = [bool(row["alarm"]) for row in result["rows"]]
    after = [a for a in result["alarms"] if a["end_index"] >= TEP_FAULT_START]
    return {
        "fit": fitted.to_dict(),
        "monitor": str(path),
        "score_job": job_id,
        "scored": FAULT_SAMPLE,
        "summary": result["summary"],
        "limits": result["limits"],
        "first_alarm": after[0] if after else None,
        "detection_delay_min": detection_delay(alarm_flags, TEP_FAULT_START),
        "false_alarms_before_fault": sum(1 for a in result["alarms"] if a["end_index"] < TEP_FAULT_START),
    }


demo_step = factory_demo_step
"""Alias kept for callers of the earlier name."""
