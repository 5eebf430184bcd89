"""The Korean interface over the full demo (slow: the demo runs every part, about two minutes): every page, with its script-drawn results (port comparison and berth plan, routes, forecast, campaigns, triage, factory alarms), reads Korean."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from gwangyang.store import Store

from .conftest import serving
from .test_i18n import PAGES, VISIBLE_TEXT, data_values, english_words, korean_tab, settle

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Store]]:
    """``gwangyang serve`` over a store the demo built (what a new install shows first)."""
    from gwangyang.demo import record_steps, run_demo

    root = tmp_path_factory.mktemp("demo") / "store"
    record_steps(Store(root), run_demo(root))
    with serving(root) as base:
        yield base, Store(root)


def test_every_demo_page_reads_korean(browser: Any, demo_server: tuple[str, Store], shots: Path) -> None:
    base, store = demo_server
    names = data_values(store)
    context, tab = korean_tab(browser, base)
    left: dict[str, list[str]] = {}
    # the demo's cells are the shipped samples: every cell page too
    cells = [f"/battery/cells/{quote(str(c))}" for c in store.cells()["cell_id"]]
    pages = [p for p in PAGES if not p.startswith("/battery/cells/")] + cells
    try:
        for path in pages:
            reply = tab.goto(f"{base}{path}")
            assert reply is not None and reply.status == 200, path
            settle(tab)
            words = english_words(tab.evaluate(VISIBLE_TEXT), names)
            if words:
                left[path] = sorted(set(words))
            name = path.strip("/").replace("/", "-")[:60]
            tab.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    finally:
        context.close()
    assert not left, f"English words left on Korean pages: {left}"
