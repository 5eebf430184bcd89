"""A Korean page in headless Chromium: a clean console, Plotly's dates with 일, numbers grouped, a proxy's 502 named.

One test over one page load (the scripts' formatters are checked under Node in ``tests/api/test_web_format.py``):
what only a browser shows, Plotly's drawn tick labels and the requests the page makes.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from gwangyang.store import Store

from .test_i18n import korean_tab

pytestmark = pytest.mark.e2e
SHARES_SERVER = True  # writes nothing, reads only the shared CALCE cell (see conftest)

PROBE = """async () => {
  const div = document.createElement('div');
  div.className = 'plot'; div.dataset.testid = 'format-probe';
  document.querySelector('main').appendChild(div);
  const x = [...Array(11).keys()].map((d) => `2024-01-${String(10 + d).padStart(2, '0')}`);
  await window.gwangyang.plot('format-probe', [{ x, y: x.map((_, k) => k) }], {});
  return [...div.querySelectorAll('.xtick text')].map((t) => t.textContent);
}"""


def test_korean_page_console_dates_numbers_and_a_proxys_502(browser: Any, server: tuple[str, Store]) -> None:
    base, _store = server
    context, tab = korean_tab(browser, base)
    failed: list[str] = []
    errors: list[str] = []
    try:
        tab.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        tab.goto(f"{base}/battery/cells/CS2_35")
        tab.wait_for_load_state("networkidle")
        # the page asks for nothing it is refused (before: GET /favicon.ico, 404) and logs no error
        assert failed == [] and errors == [], (failed, errors)
        assert tab.locator('link[rel="icon"]').count() == 1

        ticks = tab.evaluate(PROBE)
        # 10 to 20 January 2024: Plotly's ticks read "1월 14일" (before: "1월 14"), the first one's second line
        # the year ("2024년"; textContent joins the two lines)
        days = [t for t in ticks if re.search(r"\d+월 \d+", t)]
        assert days == ticks and all(re.fullmatch(r"1월 \d+일(2024년)?", t) for t in days), ticks
        assert ticks[0] == "1월 10일2024년", ticks
        assert "1월 14일" in ticks, ticks
        assert tab.evaluate("() => [71834.2, 0.012345, 1e9].map((v) => window.gwangyang.sig(v))") == [
            "71,834",
            "0.01235",
            "1,000,000,000",
        ]

        # a reverse proxy's HTML 502 (no JSON body): the line names the status, in Korean
        tab.route(
            "**/api/v1/format-probe",
            lambda route: route.fulfill(
                status=502, content_type="text/html", body="<html>Bad Gateway</html>"
            ),
        )
        line = tab.evaluate("() => window.gwangyang.api('/api/v1/format-probe').catch((e) => e.message)")
        assert line == "서버가 메시지 없이 응답했습니다 (HTTP 502)."
    finally:
        context.close()
