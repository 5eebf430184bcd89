"""Fixtures of the API tests: a store with two real Arbin cells, and clients with and without the token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gwangyang.api import create_app
from gwangyang.battery.ingest import ingest
from gwangyang.store import Store, artifacts

TOKEN = "test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def calce_file(shared: Path) -> Path:
    """CALCE CS2_35, raw Arbin .xlsx export of 1 Nov 2010: 10 full cycles (smallest such file of the set)."""
    return shared / "battery" / "calce" / "CS2_35" / "CS2_35_11_01_10.xlsx"


def fastcharge_files(cyclers: Path) -> list[Path]:
    """MATR fast-charge Arbin CSV with its metadata companion (beep test files)."""
    folder = cyclers / "arbin"
    return [folder / "FastCharge_000025_CH8.csv", folder / "FastCharge_000025_CH8_Metadata.csv"]


@pytest.fixture(scope="session")
def filled_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding CS2_35 (10 cycles) and FastCharge_000025_CH8, built once per session; do not write to it."""
    from tests.conftest import CYCLERS, SHARED

    root = tmp_path_factory.mktemp("api") / "store"
    report = ingest([calce_file(SHARED), *fastcharge_files(CYCLERS)], store=Store(root))
    assert not report.failed, report.failed
    return root


@pytest.fixture(scope="session")
def client(filled_store: Path) -> Iterator[TestClient]:
    """A client of the filled store that sends the token."""
    with TestClient(create_app(filled_store, token=TOKEN), headers=AUTH) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def anonymous(filled_store: Path) -> Iterator[TestClient]:
    """A client of the filled store without the token."""
    with TestClient(create_app(filled_store, token=TOKEN), follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def fresh_client(tmp_path: Path) -> Iterator[TestClient]:
    """A client of an empty store of its own (for uploads), with a 2 MiB upload limit."""
    with TestClient(
        create_app(tmp_path / "store", token=TOKEN, max_upload_bytes=2 * 1024 * 1024), headers=AUTH
    ) as c:
        yield c


def nothing_left(client: TestClient) -> bool:
    """Whether the client's store holds no upload (every upload route discards its files, done or refused)."""
    store = client.app.state.store  # type: ignore[attr-defined]
    return not any(artifacts.uploads_dir(store).glob("*"))
