"""A cell whose health cannot be figured is named in the one answer of the service, the API and the cell page.

The message is composed once, in :func:`gwangyang.battery.service.cell_health` (``cell 'ID': ...``); a Korean
cell id stays Hangul in the JSON and on the page, and the Korean page reads the whole line in Korean.
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from gwangyang.api import create_app
from gwangyang.battery import service
from gwangyang.battery.ingest import ingest
from gwangyang.errors import InputError
from gwangyang.store import Store

from .conftest import AUTH, TOKEN

CELL = "셀-01"
"""A Korean cell id (from the file name ``셀-01.csv``)."""
MIN_CYCLES = 3
"""Cycles with a positive capacity that a health figure needs (gwangyang.battery.soh.capacity_curve)."""


def positive_cycles(path: Path) -> int:
    """Cycles of the raw Arbin CSV whose discharge capacity rises above zero (the vendor's own column)."""
    raw = pd.read_csv(path)
    return int((raw.groupby("Cycle_Index")["Discharge_Capacity"].max() > 0).sum())


@pytest.fixture(scope="module")
def fastcharge() -> Path:
    from tests.conftest import CYCLERS

    return CYCLERS / "arbin" / "FastCharge_000025_CH8.csv"


@pytest.fixture(scope="module")
def store(fastcharge: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A store holding the FastCharge cell (one cycle, no discharge) under a Korean id."""
    folder = tmp_path_factory.mktemp("korean")
    shutil.copy(fastcharge, folder / f"{CELL}.csv")
    opened = Store(folder / "store")
    assert ingest([folder / f"{CELL}.csv"], store=opened).ok
    return opened


@pytest.fixture(scope="module")
def expected(fastcharge: Path) -> str:
    got = positive_cycles(fastcharge)
    assert got < MIN_CYCLES
    return f"cell '{CELL}': capacity: needs at least {MIN_CYCLES} cycles with a positive capacity, got {got}."


@pytest.fixture(scope="module")
def client(store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(store.root, token=TOKEN), headers=AUTH) as test_client:
        yield test_client


def test_service_names_the_cell(store: Store, expected: str) -> None:
    with pytest.raises(InputError) as caught:
        service.cell_health(store, CELL)
    assert str(caught.value) == expected


def test_api_names_the_cell_in_hangul(client: TestClient, expected: str) -> None:
    response = client.get(f"/api/v1/battery/cells/{quote(CELL)}/health")
    assert response.status_code == 400 and response.json() == {"detail": expected}
    assert CELL in response.text  # the JSON holds the Hangul itself, not \\u escapes


def health_note(page: str) -> str:
    found = re.search(r'data-testid="cell-health">(.*?)</dd>', page, re.S)
    assert found is not None
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()


def test_cell_page_names_the_cell_in_english_and_korean(client: TestClient, fastcharge: Path) -> None:
    got = positive_cycles(fastcharge)
    english = client.get(f"/battery/cells/{quote(CELL)}", headers={"Accept-Language": "en"})
    assert english.status_code == 200
    assert health_note(english.text) == (
        f"— (cell '{CELL}': capacity: needs at least {MIN_CYCLES} cycles with a positive capacity, got {got}.)"
    )
    korean = client.get(f"/battery/cells/{quote(CELL)}", headers={"Accept-Language": "ko-KR"})
    assert korean.status_code == 200
    assert health_note(korean.text) == (
        f"— (셀 '{CELL}': 용량: 용량이 양수인 사이클이 {MIN_CYCLES}개 이상 필요하지만 {got}개뿐입니다.)"
    )
