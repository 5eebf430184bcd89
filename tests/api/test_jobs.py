from __future__ import annotations

import json
import os
from functools import partial
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gwangyang.api import create_app
from gwangyang.api.jobs import JobManager, Progress
from gwangyang.errors import CellConflictError, CorruptFileError, InputError, NotFoundError

from .conftest import AUTH, TOKEN


def test_job_progress_result_and_persistence(tmp_path: Path) -> None:
    jobs = JobManager(tmp_path)

    def work(progress: Progress) -> dict[str, int]:
        for done in range(1, 5):
            progress(done, 4)
        return {"sum": sum(range(1, 5))}

    record = jobs.wait(jobs.submit("test.sum", work, {"n": 4})["id"])
    assert record["status"] == "done" and record["result"] == {"sum": 10}  # 1+2+3+4
    assert record["params"] == {"n": 4} and record["finished_at"] >= record["started_at"]
    jobs.shutdown()
    # a second manager (a reloaded server) reads the same record from disk
    again = JobManager(tmp_path)
    assert again.get(record["id"])["result"] == {"sum": 10}
    assert [r["id"] for r in again.list()] == [record["id"]]


def test_failed_job_keeps_one_line_message(tmp_path: Path) -> None:
    jobs = JobManager(tmp_path)

    def broken(progress: Progress) -> dict[str, int]:
        raise CorruptFileError("cell.csv: line 7:\n  truncated row.")

    def buggy(progress: Progress) -> dict[str, int]:
        return {"x": 1 // 0}

    failed = jobs.wait(jobs.submit("t", broken)["id"])
    assert failed["status"] == "failed" and failed["error"] == "cell.csv: line 7: truncated row."
    crashed = jobs.wait(jobs.submit("t", buggy)["id"])
    assert crashed["error"].startswith("internal error: ZeroDivisionError")


def test_interrupted_jobs_are_marked_failed_on_restart(tmp_path: Path) -> None:
    (tmp_path / "jobs").mkdir()
    job_id = "ab" * 16
    (tmp_path / "jobs" / f"{job_id}.json").write_text(
        json.dumps({"id": job_id, "status": "running", "created_at": "x"})
    )
    record = JobManager(tmp_path).get(job_id)
    assert record["status"] == "failed" and "interrupted" in record["error"]


@pytest.mark.parametrize("job_id", ["../../etc/passwd", "ABC", "0" * 31, "g" * 32])
def test_bad_job_ids_refused(tmp_path: Path, job_id: str) -> None:
    with pytest.raises(InputError):
        JobManager(tmp_path).get(job_id)


def test_jobs_endpoints(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path / "s", token=TOKEN), headers=AUTH) as client:
        jobs: JobManager = client.app.state.jobs  # type: ignore[attr-defined]
        record = jobs.wait(jobs.submit("test.answer", lambda progress: {"answer": 42})["id"])
        assert client.get(f"/api/v1/jobs/{record['id']}").json()["result"] == {"answer": 42}
        assert client.get("/api/v1/jobs").json()[0]["id"] == record["id"]
        missing = client.get("/api/v1/jobs/" + "0" * 32)
        assert missing.status_code == 404 and "no such job" in missing.json()["detail"]
        assert client.get("/api/v1/jobs/nothex").status_code == 400
    with pytest.raises(NotFoundError):
        JobManager(tmp_path / "s").get("1" * 32)


def test_recorded_results_are_finished_jobs(tmp_path: Path) -> None:
    jobs = JobManager(tmp_path)
    assert jobs.latest("demo.port") is None
    first = jobs.record("demo.port", {"days": 1.0})
    second = jobs.record("demo.port", {"days": 2.0, "bad": float("nan")})
    jobs.record("demo.battery", {"cells": []})
    latest = JobManager(tmp_path).latest("demo.port")  # read back from disk, as a restarted server would
    assert latest is not None and latest["id"] == second["id"] != first["id"]
    assert latest["status"] == "done" and latest["result"] == {"days": 2.0, "bad": None}
    assert jobs.latest("port.compare") is None


# ---- isolated jobs run in a worker process (the server's GIL stays free for requests) --------------


def _counted(records: str, progress: Progress) -> dict[str, int]:
    """Report progress, then return this process's id and what the record said meanwhile."""
    progress(1, 2)
    seen = json.loads(next(Path(records).glob("*.json")).read_text())["progress"]
    progress(2, 2)
    return {"pid": os.getpid(), "seen_done": seen["done"]}


def _refused(progress: Progress) -> dict[str, int]:
    raise CellConflictError("cell.csv: continues another cycler's cell.")


def _buggy(progress: Progress) -> dict[str, int]:
    return {"x": 1 // 0}


def test_isolated_job_runs_in_another_process_and_reports_progress(tmp_path: Path) -> None:
    jobs = JobManager(tmp_path)
    record = jobs.wait(jobs.submit("t", partial(_counted, str(jobs.dir)), isolated=True)["id"], timeout=120)
    assert record["status"] == "done", record
    assert record["result"]["pid"] != os.getpid()
    assert record["result"]["seen_done"] == 1  # the worker wrote its progress into the record
    assert record["progress"]["fraction"] == 1.0


def test_isolated_job_errors_keep_message_and_status(tmp_path: Path) -> None:
    jobs = JobManager(tmp_path)
    refused = jobs.wait(jobs.submit("t", _refused, isolated=True)["id"], timeout=120)
    assert refused["status"] == "failed" and refused["error"] == "cell.csv: continues another cycler's cell."
    assert refused["status_code"] == 409  # CellConflictError, as when run in a thread
    crashed = jobs.wait(jobs.submit("t", _buggy, isolated=True)["id"], timeout=120)
    assert crashed["error"].startswith("internal error: ZeroDivisionError")


def test_isolated_job_must_pickle(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="must pickle"):
        JobManager(tmp_path).submit("t", lambda progress: {}, isolated=True)


def _pid(progress: Progress) -> dict[str, int]:
    return {"pid": os.getpid()}


def test_worker_process_outlives_the_manager_that_first_used_it(tmp_path: Path) -> None:
    # The kernel kills a worker when the thread that started it ends (PR_SET_PDEATHSIG): workers
    # started by a job manager's thread died with that manager, and the next app's jobs failed.
    first = JobManager(tmp_path / "a")
    before = first.wait(first.submit("t", _pid, isolated=True)["id"], timeout=120)
    first.shutdown()  # its job thread ends
    second = JobManager(tmp_path / "b")
    after = second.wait(second.submit("t", _pid, isolated=True)["id"], timeout=120)
    assert before["status"] == after["status"] == "done", after
    assert after["result"]["pid"] == before["result"]["pid"]  # the same worker, still alive
