"""The CLI's JSON on stdout: Korean as itself where stdout can hold it, escaped where it cannot; one document."""

from __future__ import annotations

import io
import json

import pytest

from gwangyang.cli.common import print_json

DOCUMENT = {"cell_id": "전지_셀1", "capacity_ah": 1.1, "missing": float("nan")}


@pytest.mark.parametrize("encoding", ["utf-8", "cp949"])
def test_korean_is_written_as_itself(monkeypatch: pytest.MonkeyPatch, encoding: str) -> None:
    raw = io.BytesIO()
    monkeypatch.setattr("sys.stdout", io.TextIOWrapper(raw, encoding=encoding))
    print_json(DOCUMENT)
    text = raw.getvalue().decode(encoding)
    assert '"cell_id": "전지_셀1"' in text
    assert json.loads(text) == {"cell_id": "전지_셀1", "capacity_ah": 1.1, "missing": None}


def test_escaped_where_stdout_cannot_hold_it(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = io.BytesIO()
    monkeypatch.setattr("sys.stdout", io.TextIOWrapper(raw, encoding="latin-1"))
    print_json(DOCUMENT)
    text = raw.getvalue().decode("ascii")  # nothing but ASCII was written
    assert "\\uc804\\uc9c0" in text
    assert json.loads(text)["cell_id"] == "전지_셀1"
