"""Issue 16: what an attacker or a careless client found, each fixed and held here."""

from __future__ import annotations

import io
import json
import threading
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gwangyang.api import create_app
from gwangyang.api.jobs import JobManager, Progress
from gwangyang.port.service import example_berths
from gwangyang.store.lock import WriteLock

from .conftest import AUTH, TOKEN, fastcharge_files

UPLOADS = "/api/v1/battery/uploads"


def _upload_dirs(client: TestClient) -> list[Path]:
    folder: Path = client.app.state.store.root / "uploads"  # type: ignore[attr-defined]
    return sorted(folder.iterdir()) if folder.exists() else []


def _files(paths: list[Path]) -> list[tuple[str, tuple[str, bytes]]]:
    return [("files", (p.name, p.read_bytes())) for p in paths]


# ---- item 4: waiting requests hold no thread -------------------------------------------------------


def test_waiters_do_not_starve_other_requests(tmp_path: Path) -> None:
    # One long job and 45 requests waiting for theirs (more than the 40 threads of the pool that
    # runs synchronous endpoints): /health must still answer while all of them wait.
    release = threading.Event()
    finished: list[int] = []
    with TestClient(create_app(tmp_path / "s", token=TOKEN), headers=AUTH) as client:
        jobs: JobManager = client.app.state.jobs  # type: ignore[attr-defined]
        long_job = jobs.submit("test.long", lambda progress: {"released": release.wait(120)})
        body = {**example_berths(), "method": "fcfs"}

        def waiter() -> None:
            response = client.post("/api/v1/port/berths/plan", params={"wait": 30}, json=body)
            finished.append(response.status_code)

        threads = [threading.Thread(target=waiter) for _ in range(45)]
        for thread in threads:
            thread.start()
        while jobs.count() < 46:  # every waiter's job is queued behind the long one
            threading.Event().wait(0.05)
        assert client.get("/health").json()["status"] == "ok"
        assert client.get("/api/v1/battery/cells").status_code == 200
        assert finished == []  # answered while all 45 still wait
        release.set()
        for thread in threads:
            thread.join()
        assert jobs.get(long_job["id"])["result"] == {"released": True}
        assert finished == [201] * 45


# ---- item 5: decompression bombs -------------------------------------------------------------------


def test_zip_upload_that_expands_too_far_is_refused(fresh_client: TestClient) -> None:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<c>0</c>" * (40 * 1024 * 1024 // 8))
    data = packed.getvalue()
    assert len(data) < 200_000  # 40 MiB of sheet XML in a small .xlsx
    response = fresh_client.post(UPLOADS, files=[("files", ("bomb.xlsx", data))])
    assert response.status_code == 413 and "decompression bomb" in response.json()["detail"]
    assert _upload_dirs(fresh_client) == []


def test_real_xlsx_expansion_is_accepted() -> None:
    from gwangyang.api.uploads import check_archive
    from tests.conftest import SHARED

    # CALCE CS2_35 Arbin export: 2.5 MB expanding to 12.9 MB (5x), well inside the limits
    check_archive(SHARED / "battery" / "calce" / "CS2_35" / "CS2_35_11_08_10.xlsx")


# ---- item 6: job records pruned and paged ----------------------------------------------------------


def test_job_records_are_pruned_and_paged(tmp_path: Path) -> None:
    jobs = JobManager(tmp_path, keep_records=10, keep_days=30)
    old = jobs.record("demo.port", {"days": 1})
    stale = jobs.record("test.x", {"n": -1})
    path = tmp_path / "jobs" / f"{stale['id']}.json"
    aged = {
        **json.loads(path.read_text()),
        "created_at": (datetime.now(UTC) - timedelta(days=40)).isoformat(),
    }
    aged["finished_at"] = aged["created_at"]
    path.write_text(json.dumps(aged))
    made = [jobs.record("test.x", {"n": n}) for n in range(25)]
    assert jobs.prune() == 15 + 1  # beyond the newest 10, and the 40-day-old one
    kept = [r["id"] for r in jobs.list(100)]
    assert kept[:10] == [r["id"] for r in reversed(made[-10:])]
    assert old["id"] in kept  # the newest of its kind stays for the pages
    assert len(kept) == 11 and stale["id"] not in kept
    assert [r["id"] for r in jobs.list(3, offset=2)] == kept[2:5]


def test_job_pruning_is_configurable_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gwangyang.errors import InputError

    monkeypatch.setenv("GWANGYANG_JOBS_KEEP", "3")
    monkeypatch.setenv("GWANGYANG_JOBS_KEEP_DAYS", "7")
    jobs = JobManager(tmp_path)
    assert (jobs.keep_records, jobs.keep_days) == (3, 7.0)
    monkeypatch.setenv("GWANGYANG_JOBS_KEEP", "lots")
    with pytest.raises(InputError, match="GWANGYANG_JOBS_KEEP"):
        JobManager(tmp_path)


def test_jobs_endpoint_pages(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path / "s", token=TOKEN), headers=AUTH) as client:
        jobs: JobManager = client.app.state.jobs  # type: ignore[attr-defined]
        ids = [jobs.record("test.x", {"n": n})["id"] for n in range(7)]
        page = client.get("/api/v1/jobs", params={"limit": 3, "offset": 3})
        assert page.headers["X-Total-Count"] == "7"
        assert [r["id"] for r in page.json()] == list(reversed(ids))[3:6]


# ---- item 7: no tracebacks or paths in answers, 422 naming the field ------------------------------


def test_failed_job_record_has_no_traceback_or_path(tmp_path: Path) -> None:
    jobs = JobManager(tmp_path)

    def buggy(progress: Progress) -> dict[str, Any]:
        raise RuntimeError(f"cannot open {tmp_path}/secret/file.csv")

    record = jobs.wait(jobs.submit("t", buggy)["id"])
    assert "traceback" not in record and str(tmp_path) not in json.dumps(record)
    assert record["error"].startswith("internal error: RuntimeError (details in the server log")


def test_error_details_do_not_show_the_store_path(client: TestClient, filled_store: Path) -> None:
    for path in ("/api/v1/battery/cells/nope/cycles", "/api/v1/battery/cells/nope"):
        response = client.get(path)
        assert response.status_code == 404 and "nope" in response.json()["detail"]
        assert str(filled_store) not in response.text


def test_a_bug_answers_one_line_500_without_traceback(tmp_path: Path) -> None:
    app = create_app(tmp_path / "s", token=TOKEN)

    def boom() -> None:
        raise ValueError(f"{tmp_path}/private.csv broke")

    app.add_api_route("/api/v1/boom", boom)
    with TestClient(app, headers=AUTH, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/boom")
    assert response.status_code == 500
    assert response.json() == {"detail": "internal error: ValueError (details in the server log)."}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/optimize/propose", {"rows": [{"x": 1, "y": 2}], "objective": "y", "batch": "abc"}, "batch"),
        ("/api/v1/optimize/propose", {"rows": [{"x": 1, "y": 2}], "objective": "y", "seed": -1}, "seed"),
        ("/api/v1/optimize/campaigns/c1", {"space": "attia2020", "batch": "x"}, "batch"),
        ("/api/v1/optimize/campaigns/c2", {"space": "attia2020", "rounds": 1e300}, "rounds"),
    ],
)
def test_bad_numbers_answer_422_naming_the_field(
    fresh_client: TestClient, path: str, body: dict[str, Any], field: str
) -> None:
    response = fresh_client.post(path, json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", field]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"handling": [[5, 6, 7]] * 11 + [[5, 6]]}, "handling: row 11 has 2 values, expected 3"),
        (
            {"handling": [[2**63, 6, 7]] * 12},
            "body.handling.11.0: expected an integer in [-1000000000, 1000000000], got 9223372036854775808",
        ),
        (
            {"arrival": [10**30] * 12},
            "body.arrival.0: expected an integer in [-1000000000, 1000000000], got 1" + "0" * 30,
        ),
        ({"deadline": [100] * 5}, "deadline: expected 12 values"),
    ],
)
def test_bad_berth_requests_answer_422(fresh_client: TestClient, change: dict[str, Any], words: str) -> None:
    response = fresh_client.post("/api/v1/port/berths/plan", json={**example_berths(), **change})
    assert response.status_code == 422 and words in json.dumps(response.json()["detail"])


# ---- item 7: uploads while the CLI writes; duplicates -----------------------------------------------


def test_upload_while_another_writer_runs_waits_or_answers_409(
    fresh_client: TestClient, cyclers: Path
) -> None:
    store = fresh_client.app.state.store  # type: ignore[attr-defined]
    holder = WriteLock(store.root)
    assert holder.try_acquire()  # a CLI ingest holds the store
    try:
        store.lock_wait = 0.3
        busy = fresh_client.post(UPLOADS, params={"wait": 60}, files=_files(fastcharge_files(cyclers)))
        assert busy.status_code == 409 and "another process is writing" in busy.json()["detail"]
        assert "Retry-After" in busy.headers
        assert _upload_dirs(fresh_client) == []  # no orphan folder
        store.lock_wait = 60
        threading.Timer(0.5, holder.release).start()
        done = fresh_client.post(UPLOADS, params={"wait": 60}, files=_files(fastcharge_files(cyclers)))
    finally:
        holder.release()
    assert done.status_code == 201 and done.json()["job"]["result"]["cells"] == ["FastCharge_000025_CH8"]
    assert len(_upload_dirs(fresh_client)) == 1
    again = fresh_client.post(UPLOADS, params={"wait": 60}, files=_files(fastcharge_files(cyclers)))
    assert again.status_code == 201 and again.json()["job"]["result"]["skipped"]
    assert len(_upload_dirs(fresh_client)) == 1  # the duplicate left no folder


def test_too_many_waiters_answer_429(tmp_path: Path) -> None:
    from gwangyang.api import jobs as jobs_module

    release = threading.Event()
    with TestClient(create_app(tmp_path / "s", token=TOKEN), headers=AUTH) as client:
        manager: JobManager = client.app.state.jobs  # type: ignore[attr-defined]
        manager.submit("test.long", lambda progress: {"released": release.wait(60)})
        manager._waiters = jobs_module.MAX_WAITERS  # as if that many requests already wait
        body = {**example_berths(), "method": "fcfs"}
        response = client.post("/api/v1/port/berths/plan", params={"wait": 5}, json=body)
        manager._waiters = 0
        release.set()
    assert response.status_code == 429 and "poll the job" in response.json()["detail"]
    assert response.headers["Retry-After"] == "5"


def test_store_path_with_a_quote_serves_cells_and_the_fleet_page(tmp_path: Path, cyclers: Path) -> None:
    from gwangyang.battery.ingest import ingest
    from gwangyang.store import Store

    root = tmp_path / "o'brien's store"
    ingest(fastcharge_files(cyclers), store=Store(root))
    with TestClient(create_app(root, token=TOKEN), headers=AUTH) as client:
        cells = client.get("/api/v1/battery/cells")
        assert cells.status_code == 200 and [c["cell_id"] for c in cells.json()] == ["FastCharge_000025_CH8"]
        assert client.get("/api/v1/battery/fleet/capacity").status_code == 200
        assert client.get("/battery").status_code == 200


def test_a_stopping_server_does_not_wait_for_a_long_job(tmp_path: Path) -> None:
    # Found by benchmarks/api_load.py --burst: SIGTERM waited for the running port/compare job.
    release = threading.Event()
    with TestClient(create_app(tmp_path / "s", token=TOKEN), headers=AUTH) as client:
        jobs: JobManager = client.app.state.jobs  # type: ignore[attr-defined]
        job = jobs.submit("test.long", lambda progress: {"released": release.wait(120)})
        while jobs.get(job["id"])["status"] != "running":
            threading.Event().wait(0.02)
    assert not release.is_set() and jobs.get(job["id"])["status"] == "running"  # stopped while it ran
    release.set()
    assert JobManager(tmp_path / "s").get(job["id"])["status"] in {"failed", "done"}
