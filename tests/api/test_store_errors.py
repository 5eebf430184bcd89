"""Each kind of store error answers its own status: only a busy store gets 409 with ``Retry-After``.

A store busy with another writer passes (409, ``Retry-After: 5``); a name taken stays (409, none); a missing
object is 404; a store that is missing, unreadable or damaged will not mend itself (503, none). Checked on the
mapping, on a real request of each kind, and on a failed job awaited with ``wait``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import HTTPException, Response
from fastapi.testclient import TestClient

from gwangyang.api import create_app
from gwangyang.api.http_status import JobFailedError, retry_after, status_of
from gwangyang.api.jobs import _run_isolated
from gwangyang.api.responses import finish_job
from gwangyang.errors import (
    CellConflictError,
    ConflictError,
    GwangyangError,
    NotFoundError,
    StoreBusyError,
    StoreError,
)
from gwangyang.store import artifacts
from gwangyang.store.catalog_parts import CatalogGoneError
from gwangyang.store.lock import WriteLock
from tests.api.conftest import AUTH, TOKEN

KINDS: list[tuple[GwangyangError, int, bool]] = [
    (StoreBusyError("store: another process is writing to this store; try again later."), 409, True),
    (
        CatalogGoneError("part-1.parquet: changed since this snapshot was read; read the store again."),
        409,
        True,
    ),
    (ConflictError("campaign '배터리': already exists"), 409, False),
    (CellConflictError("CELL_1: names a stored cell it does not continue"), 409, False),
    (NotFoundError("cell 'CELL_9': not in the store"), 404, False),
    (StoreError("users.json: cannot read the users file (Permission denied)."), 503, False),
    (
        StoreError("s3://bucket/store: a store at a URL is read-only here; write to a local store."),
        503,
        False,
    ),
]


@pytest.mark.parametrize(
    ("exc", "code", "retry"), KINDS, ids=lambda v: type(v).__name__ if isinstance(v, Exception) else str(v)
)
def test_each_kind_has_its_status_and_retry_after_only_when_busy(
    exc: GwangyangError, code: int, retry: bool
) -> None:
    assert status_of(exc) == code
    assert retry_after(exc) is retry


@pytest.fixture
def store_client(tmp_path: Path) -> Iterator[TestClient]:
    """A client of an empty store of its own."""
    with TestClient(create_app(tmp_path / "store", token=TOKEN), headers=AUTH) as c:
        yield c


@pytest.mark.parametrize(
    ("exc", "code", "retry"), KINDS, ids=lambda v: type(v).__name__ if isinstance(v, Exception) else str(v)
)
def test_each_kind_answers_a_request_with_its_status(
    store_client: TestClient, monkeypatch: pytest.MonkeyPatch, exc: GwangyangError, code: int, retry: bool
) -> None:
    from gwangyang.logistics import service

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise exc

    monkeypatch.setattr(service, "latest_view", fail)
    response = store_client.get("/api/v1/logistics/forecast/latest")
    assert response.status_code == code
    assert response.json() == {"detail": str(exc)}
    assert ("Retry-After" in response.headers) is retry
    if retry:
        assert response.headers["Retry-After"] == "5"


def test_an_unreadable_users_file_is_503_without_retry_after(store_client: TestClient) -> None:
    """A real unreadable store file: every user's token is checked against it, so nobody can be let in."""
    root = store_client.app.state.store.root  # type: ignore[attr-defined]
    path = artifacts.users_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json", encoding="utf-8")
    response = store_client.get(
        "/api/v1/jobs", headers={"Authorization": "Bearer someone-elses-token-0123456789"}
    )
    assert response.status_code == 503
    assert "Retry-After" not in response.headers
    assert response.json()["detail"].startswith("accounts/users.json: cannot read the users file")


def test_a_missing_cell_is_404_without_retry_after_even_while_the_store_is_busy(tmp_path: Path) -> None:
    """A real missing object: named as missing before the writer lock is asked for, so not a busy store's 409.

    The busy store itself (the lock held by a CLI ingest, an upload awaited) is
    ``test_hardening.test_upload_while_another_writer_runs_waits_or_answers_409``: 409 with ``Retry-After``.
    """
    with TestClient(create_app(tmp_path / "store", token=TOKEN), headers=AUTH) as c:
        store = c.app.state.store  # type: ignore[attr-defined]
        holder = WriteLock(store.root)
        assert holder.try_acquire()
        try:
            store.lock_wait = 0.2
            response = c.delete("/api/v1/battery/cells/배터리_1")
        finally:
            holder.release()
    assert response.status_code == 404, response.text
    assert response.json()["detail"].startswith("cell '배터리_1': not in")
    assert "Retry-After" not in response.headers


@pytest.mark.parametrize(
    ("exc", "code", "retry"), KINDS, ids=lambda v: type(v).__name__ if isinstance(v, Exception) else str(v)
)
def test_a_failed_job_awaited_answers_as_its_error(exc: GwangyangError, code: int, retry: bool) -> None:
    outcome = _run_isolated("/nonexistent/record.json", "0" * 32, lambda progress: (_ for _ in ()).throw(exc))
    assert outcome == {"error": str(exc), "status_code": code, "retry": retry}
    record = {"id": "0" * 32, "status": "failed", "error": str(exc), "status_code": code, "retry": retry}
    jobs = SimpleNamespace(wait_async=lambda job_id, wait: _done(record))
    request = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(jobs=jobs)))
    with pytest.raises(JobFailedError) as caught:
        asyncio.run(finish_job(request, Response(), record, 5))  # type: ignore[arg-type]
    expected = code if code in (409, 503) else 422  # 404 of a job: the job failed (422)
    assert caught.value.status_code == expected
    assert retry_after(caught.value) is retry


async def _done(record: dict[str, Any]) -> dict[str, Any]:
    return record


def test_a_record_kept_before_retry_was_recorded_reads_409_as_busy() -> None:
    record = {"id": "0" * 32, "status": "failed", "error": "busy", "status_code": 409}
    jobs = SimpleNamespace(wait_async=lambda job_id, wait: _done(record))
    request = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(jobs=jobs)))
    with pytest.raises(JobFailedError) as caught:
        asyncio.run(finish_job(request, Response(), record, 5))  # type: ignore[arg-type]
    assert caught.value.status_code == 409 and caught.value.retry
    assert not isinstance(caught.value, HTTPException)


def test_a_store_folder_gone_while_serving_is_503_without_retry_after(tmp_path: Path) -> None:
    """A real missing store: its folder deleted under the running server (before, GET /jobs was a 500)."""
    import shutil

    root = tmp_path / "저장소"
    with TestClient(create_app(root, token=TOKEN), headers=AUTH) as c:
        assert c.get("/api/v1/jobs").status_code == 200
        shutil.rmtree(root)
        for path in ("/api/v1/jobs", "/api/v1/battery/cells", "/api/v1/logistics/forecast/latest"):
            response = c.get(path)
            assert response.status_code == 503, (path, response.text)
            assert "Retry-After" not in response.headers
            assert response.json()["detail"].startswith("the store: its folder is missing")
            assert str(tmp_path) not in response.text
        assert c.get("/api/v1/jobs", headers={"Authorization": "Bearer wrong"}).status_code == 401
