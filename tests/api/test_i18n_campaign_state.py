"""A campaign whose state file cannot be read is listed on the optimize page with its error in the page's language
(the error was shown as the service wrote it, English on a Korean page)."""

from __future__ import annotations

import html
import json
import re

import pytest
from fastapi.testclient import TestClient

from gwangyang.api import i18n
from gwangyang.optimize.campaign import STATE_FILE
from gwangyang.optimize.service import campaign_folder


def shown_error(client: TestClient, lang: str) -> str:
    page = client.get(f"/optimize?lang={lang}").text
    found = re.findall(r'data-testid="campaign-error">([^<]*)<', page)
    assert len(found) == 1, page
    return html.unescape(found[0])


@pytest.mark.parametrize(
    ("state", "english", "korean"),
    [
        (
            "{not json",
            "not a campaign state file (JSONDecodeError).",
            "캠페인 상태 파일이 아닙니다 (JSONDecodeError).",
        ),
        (
            json.dumps({"version": 0}),
            "state version 0, expected 1.",
            "상태 파일 버전이 0입니다. 버전 1이어야 합니다.",
        ),
    ],
)
def test_a_broken_campaign_s_error_reads_korean(
    fresh_client: TestClient, state: str, english: str, korean: str
) -> None:
    folder = campaign_folder(fresh_client.app.state.store, "배합-1")  # type: ignore[attr-defined]
    folder.mkdir(parents=True)
    (folder / STATE_FILE).write_text(state, encoding="utf-8")
    root = fresh_client.app.state.store.root  # type: ignore[attr-defined]
    path = (folder / STATE_FILE).relative_to(root)  # named from the store: the server's folder is not shown
    assert shown_error(fresh_client, "en") == f"{path}: {english}"
    assert shown_error(fresh_client, "ko") == f"{path}: {korean}"
    assert str(root) not in fresh_client.get("/optimize?lang=ko").text
    listed = fresh_client.get("/api/v1/optimize/campaigns").json()
    assert [c["error"] for c in listed] == [f"{path}: {english}"]


def test_no_campaign_line_reads_korean() -> None:
    line = "광양/배합: no campaign here (no state.json); run `gwangyang optimize init` first."
    assert i18n.phrase(line, "ko") == (
        "광양/배합: 여기에 캠페인이 없습니다 (state.json 없음); 먼저 `gwangyang optimize init`을 실행하세요."
    )
