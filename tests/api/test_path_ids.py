"""Every path id the OpenAPI document gives a pattern is checked by the code with that pattern's rule (Hypothesis).

The patterns are documented and enforced (``gwangyang.api.fields.matching``, 400), the services' checks behind them. Here the documented
pattern is run with Python's ``re`` as a Python client's validator runs it (``re.search``, and the schema's
``maxLength``), against the API's answer to the same id, on generated strings: Korean and other scripts,
ASCII punctuation, controls, dots and spaces at either end, combining marks. The two may differ only where
the documentation says so: a cell id must also be in NFC form and at most 200 bytes of UTF-8, and a name's
characters of other scripts must be letters or digits (``·`` and ``—`` are not).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gwangyang.api import create_app
from gwangyang.api.fields import CAMPAIGN_NAME_PATTERN, CELL_ID_PATTERN, JOB_ID_PATTERN, NAME_PATTERN
from gwangyang.battery.service import CELL_ID_LENGTH

from .conftest import AUTH, TOKEN

INTERESTING = (
    "aZ09_-. /\\:*?\"<>|'#%&+,;=@[]^`{}~\t\n\r\x00\x1f\x7f\x85\xa0"
    "배터리셀가힣ㄱ电池Ĉé·—²①\u0301\u200b\u3000Ａ"
)
"""Characters that decide the rules: every refused ASCII sign, controls, dots and spaces, Korean, other scripts,
non-letters of other scripts (``·``, ``—``, ``①``), a combining accent (NFC), zero-width and wide spaces."""

ids = st.one_of(
    st.text(st.sampled_from(INTERESTING), min_size=1, max_size=12),
    st.text(min_size=1, max_size=12),  # any character
    st.text(st.sampled_from("배터리a._-"), min_size=60, max_size=90),  # near the length and byte limits
    st.from_regex(CELL_ID_PATTERN, fullmatch=True),
    st.from_regex(NAME_PATTERN, fullmatch=True),
    st.from_regex(CAMPAIGN_NAME_PATTERN, fullmatch=True),
    st.from_regex(JOB_ID_PATTERN, fullmatch=True),
    st.from_regex(r"[0-9a-fA-F]{31,33}\n?", fullmatch=True),
)
"""Path ids to try: every family of characters above, and strings each documented pattern accepts."""


def documented(schema: dict[str, Any], value: str) -> bool:
    """What a Python validator of the document decides: the pattern by ``re.search``, and the lengths."""
    return re.search(schema["pattern"], value) is not None and schema.get("minLength", 0) <= len(
        value
    ) <= schema.get("maxLength", len(value))


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A client of an empty store: every well-formed id is a 404, every refused one a 400."""
    root: Path = tmp_path_factory.mktemp("path-ids")
    with TestClient(create_app(root, token=TOKEN), headers=AUTH) as client:
        yield client


def path_ids(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """``{(method, path): schema}`` of every path parameter that has a pattern."""
    out = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and "pattern" in parameter["schema"]:
                    out[(method, path)] = {**parameter["schema"], "name": parameter["name"]}
    return out


def test_every_path_id_pattern_is_one_of_the_four_the_code_checks(empty: TestClient) -> None:
    found = path_ids(empty.get("/openapi.json", params={"lang": "en"}).json())
    assert {schema["pattern"] for schema in found.values()} == {
        CELL_ID_PATTERN,
        NAME_PATTERN,
        CAMPAIGN_NAME_PATTERN,
        JOB_ID_PATTERN,
    }
    by_name = {
        (schema["name"], path.startswith("/api/v1/optimize/campaigns/")): schema["pattern"]
        for (_method, path), schema in found.items()
    }
    assert by_name == {
        ("cell_id", False): CELL_ID_PATTERN,
        ("name", False): NAME_PATTERN,
        ("name", True): CAMPAIGN_NAME_PATTERN,  # a campaign's name may hold spaces
        ("job_id", False): JOB_ID_PATTERN,
    }
    assert len(found) == 14  # 6 cell routes, 6 name routes, 2 job routes (GET /jobs/{id}, its forecast CSV)
    assert all(method in {"get", "post", "delete"} for method, _path in found)


def cell_rule(value: str) -> bool:
    """What the documentation adds to the cell id pattern: NFC, at most 200 bytes of UTF-8."""
    return unicodedata.normalize("NFC", value) == value and len(value.encode("utf-8")) <= CELL_ID_LENGTH


def name_rule(value: str) -> bool:
    """What the documentation adds to the name pattern: other scripts' characters are letters or digits."""
    return all(ch.isascii() or ch.isalnum() for ch in value)


RULES: dict[str, Callable[[str], bool]] = {
    "cell_id": cell_rule,
    "name": name_rule,
    "job_id": lambda _value: True,
}


OBSERVED = {"results": [{"id": "r000-000", "value": 1.0}]}
"""A well-formed body for ``observe`` (it checks its body before the campaign's name)."""

CREATES = ("post", "/api/v1/optimize/campaigns/{name}")
"""Starts a campaign under any accepted name (a write and a first batch per example): left out here; its name
goes through the same ``check_name`` (``orgs.check_free``), by hand in ``test_schema``."""


def answer(client: TestClient, method: str, path: str, name: str, value: str) -> int:
    """The status of the request with ``value`` as the id (percent-encoded; a POST sends a JSON body)."""
    url = path.replace("{" + name + "}", quote(value, safe=""))
    if method == "post":
        return client.post(url, json=OBSERVED if path.endswith("/observe") else {}).status_code
    return client.request(method.upper(), url).status_code


SKIPPED = frozenset({".", ".."})
"""Ids a client resolves as path segments before sending (both refused by pattern and code alike)."""


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(value=ids)
@example(value="배터리 1")
@example(value="급속충전 캠페인")
@example(value="캠페인 ")
@example(value="0123456789abcdef0123456789abcdef\n")
@example(value="셀라인_1\n")
@example(value="e\u0301")
@example(value="가" * 67)  # 67 characters, 201 bytes
def test_the_code_refuses_exactly_what_the_documented_pattern_refuses(empty: TestClient, value: str) -> None:
    if value in SKIPPED:
        return
    document = empty.app.openapi()  # type: ignore[attr-defined]
    for (method, path), schema in path_ids(document).items():
        if (method, path) == CREATES:
            continue
        status = answer(empty, method, path, schema["name"], value)
        expected = documented(schema, value) and RULES[schema["name"]](value)
        assert status != 500, (method, path, value)
        assert (status != 400) == expected, (method, path, value, status)
