"""Numbers, error lines, Plotly's Korean dates and the favicon of the pages (``common.js``, ``_numbers.html``).

The scripts' part runs ``common.js`` in Node (skipped where Node is missing) with the real Korean catalogue; the
expected texts are written by hand.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from gwangyang.api import i18n
from gwangyang.api.web import make_templates

from .page_script import COMMON_JS

VALUES = [71834.2, 6501.05, 1234567.0, 999.96, 12.3456, 2.5, 0.0, 0.5, 0.012345, -1234.7, 1e9, None]
"""A KPI table's values: above 1e4 (``"%.4g"`` wrote 7.183e+04), rounding up to 1,000, small, zero, negative."""
SHOWN = [
    "71,834",
    "6,501",
    "1,234,567",
    "1,000",
    "12.35",
    "2.5",
    "0",
    "0.5",
    "0.01235",
    "-1,235",
    "1,000,000,000",
    "—",
]
"""The same values by hand: 4 significant digits, every digit of the whole part, grouped, no trailing zeros."""


def test_server_tables_write_numbers_for_people() -> None:
    for lang in i18n.LANGUAGES:
        env = make_templates()[lang].env
        macro = env.from_string(
            '{% from "_numbers.html" import sig %}{% for v in vals %}{{ sig(v) }}|{% endfor %}'
        )
        assert macro.render(vals=VALUES).split("|")[:-1] == SHOWN
        digits3 = env.from_string('{% from "_numbers.html" import sig %}{{ sig(v, 3) }}')
        assert digits3.render(v=0.04567) == "0.0457" and digits3.render(v=float("nan")) == "—"


def test_port_demo_table_has_no_exponents(tmp_path: Path) -> None:
    from gwangyang.api import create_app
    from gwangyang.port.service import DEMO_RUN, save_run
    from gwangyang.store import Store

    from .conftest import AUTH, TOKEN

    scenarios = {"a": {"energy_kwh": 71834.2, "teu": 0.012345}, "b": {"energy_kwh": 1234567.0, "teu": 2.5}}
    with TestClient(create_app(tmp_path / "store", token=TOKEN), headers=AUTH) as client:
        save_run(Store(tmp_path / "store"), DEMO_RUN, {"days": 14.0, "scenarios": scenarios})
        for lang in i18n.LANGUAGES:
            page = client.get(f"/port?lang={lang}").text
            table = page.split('data-testid="demo-kpi-table"')[1].split("</table>")[0]
            cells = re.findall(r'<td class="num">([^<]*)</td>', table)
            assert cells == ["71,834", "1,234,567", "0.01235", "2.5"], (lang, cells)
            assert not re.search(r"\de[+-]\d", table)


def test_every_page_names_an_inline_icon(client: TestClient, anonymous: TestClient) -> None:
    """Pages name their icon inline, so the browser never asks for /favicon.ico (a 404 in every page's console)."""
    pages = [anonymous.get("/login").text] + [
        client.get(p).text for p in ("/battery", "/port?lang=ko", "/quality")
    ]
    for page in pages:
        found = re.search(r'<link rel="icon" type="image/svg\+xml" href="data:image/svg\+xml,([^"]+)">', page)
        assert found, page[:400]
        svg = ET.fromstring(unquote(found[1]))
        assert svg.tag == "{http://www.w3.org/2000/svg}svg" and svg.get("viewBox") == "0 0 16 16"


_SCRIPT = r"""
const vm = require('vm'); const fs = require('fs');
const [messages, lang] = JSON.parse(fs.readFileSync(0, 'utf8'));
const registered = [];
const Plotly = { register: (locale) => registered.push(locale) };
let answer = null;
const context = {
  window: { gwangyangMessages: messages, Plotly }, Plotly,
  document: { getElementById: () => ({ textContent: '{}' }), documentElement: { lang } },
  fetch: async () => answer, Intl,
};
vm.runInNewContext(fs.readFileSync(process.argv[1], 'utf8'), context);
const g = context.window.gwangyang;
const reply = (status, body) => ({ ok: status < 400, status, statusText: 'Bad Gateway',
  json: async () => { if (body === null) throw new SyntaxError('Unexpected token <'); return body; } });
(async () => {
  const lines = [];
  for (const [status, body] of [[502, null], [413, null], [504, {}], [422, { detail: 'days: must be positive' }]]) {
    answer = reply(status, body);
    try { await g.api('/api/v1/x'); lines.push('no error'); } catch (e) { lines.push(e.message); }
  }
  const values = JSON.parse(process.argv[2]);
  process.stdout.write(JSON.stringify({
    sig: values.map((v) => g.sig(v)), lines, format: registered.length ? registered[0].format : null,
  }));
})();
"""


def run_common(lang: str) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    done = subprocess.run(
        [node, "-e", _SCRIPT, str(COMMON_JS), json.dumps(VALUES)],
        input=json.dumps([i18n.messages(lang), lang]),
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_scripts_format_numbers_error_lines_and_korean_dates() -> None:
    korean, english = run_common("ko"), run_common("en")
    assert korean["sig"] == english["sig"] == SHOWN
    # an answer without a JSON detail names its status, in the page's language (never the browser's statusText)
    assert korean["lines"] == [
        "서버가 메시지 없이 응답했습니다 (HTTP 502).",
        "서버가 메시지 없이 응답했습니다 (HTTP 413).",
        "서버가 메시지 없이 응답했습니다 (HTTP 504).",
        "422: days: must be positive",
    ]
    assert english["lines"][:3] == [
        f"The server answered HTTP {s} without a message." for s in (502, 413, 504)
    ]
    assert not any("Bad Gateway" in line for line in [*korean["lines"], *english["lines"]])
    # Plotly's Korean dates: "1월 14일", "2024년 1월" (English's "%b %-d" read "1월 14"); English keeps Plotly's own
    format_ = korean["format"]
    assert isinstance(format_, dict)
    assert format_["shortMonths"][0] == "1월" and format_["dayMonth"] == "%b %-d일"
    assert (
        format_["dayMonthYear"] == "%Y년 %b %-d일"
        and format_["month"] == "%Y년 %b"
        and format_["year"] == "%Y년"
    )
    assert english["format"] is None
