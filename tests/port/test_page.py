"""The Port page carries the AGV time-lapse (lanes, cranes, blocks and vehicles) and its controls."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi.testclient import TestClient

from gwangyang.api import create_app

TOKEN = "port-page-token-0123456789"


def test_port_page_has_the_timelapse(tmp_path: Path) -> None:
    with TestClient(
        create_app(tmp_path / "store", token=TOKEN), headers={"Authorization": f"Bearer {TOKEN}"}
    ) as client:
        page = client.get("/port").text
    for testid in ("timelapse-svg", "timelapse-slider", "timelapse-play"):
        assert f'data-testid="{testid}"' in page
    assert "44 AGVs serving 11 quay cranes" in page
    # The frames travel in the page's data: one AGV position per vehicle in every frame.
    match = re.search(r'<script[^>]*id="page-data"[^>]*>(.*?)</script>', page, re.S)
    assert match, "no page data"
    lapse = json.loads(match.group(1))["timelapse"]
    assert len(lapse["frames"]) == 10 * 60 // 15 + 1
    assert all(len(f["x"]) == len(f["y"]) == 44 for f in lapse["frames"])
