"""Cell ids made from file names: every id ingest makes is one the service, the API and the pages can address."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gwangyang.api.fields import CELL_ID_PATTERN
from gwangyang.battery.io.base import MAX_ID_BYTES, safe_cell_id
from gwangyang.battery.service import check_cell_id


@settings(max_examples=400, deadline=None)
@given(st.text(min_size=0, max_size=300))
def test_every_id_ingest_makes_is_accepted_by_the_service_and_the_api_pattern(name: str) -> None:
    cell_id = safe_cell_id(name)
    assert check_cell_id(cell_id) == cell_id
    assert re.fullmatch(CELL_ID_PATTERN, cell_id)
    assert safe_cell_id(cell_id) == cell_id  # the rule is idempotent
    assert len(cell_id.encode("utf-8")) <= MAX_ID_BYTES


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a..b", "a_b"),  # was kept as 'a..b', which the service refused (a cell no URL could reach)
        ("run...3.csv", "run_3.csv"),
        ("셀..01", "셀_01"),
        ("v1.2.3", "v1.2.3"),
        ("x" * 150, "x" * 150),  # 150 ASCII characters: was refused by the service's 120-character limit
        ("배" * 80, "배" * 66),  # 3 bytes a syllable: cut at 198 of the 200 bytes
    ],
)
def test_file_names_become_addressable_ids(name: str, expected: str) -> None:
    assert safe_cell_id(name) == expected
    assert check_cell_id(expected) == expected
