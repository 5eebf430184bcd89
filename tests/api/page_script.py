"""The pages' ``phrase`` (``web/static/common.js``) run in Node over the Korean catalogue and patterns of ko.js.

The independent route for the server's :func:`gwangyang.api.i18n.phrase`: the browser reads composed lines with
the same patterns, compiled to JavaScript. Tests that call :func:`page_phrases` are skipped where Node is missing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from gwangyang.api import i18n

COMMON_JS = Path(__file__).resolve().parents[2] / "src" / "gwangyang" / "web" / "static" / "common.js"

_SCRIPT = (
    "const vm = require('vm'); const fs = require('fs');"
    "const [messages, phrases, values, lines] = JSON.parse(fs.readFileSync(0, 'utf8'));"
    "const context = { window: { gwangyangMessages: messages, gwangyangPhrases: phrases, gwangyangValues: values },"
    " document: { getElementById: () => ({ textContent: '{}' }), documentElement: { lang: 'ko' } } };"
    "vm.runInNewContext(fs.readFileSync(process.argv[1], 'utf8'), context);"
    "process.stdout.write(JSON.stringify(lines.map((l) => context.window.gwangyang.phrase(l))));"
)


def page_phrases(lines: list[str]) -> list[str]:
    """``lines`` as the Korean pages read them (``common.js``'s ``phrase`` in Node); skip where Node is missing."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    payload = json.dumps([i18n.messages("ko"), i18n.script_phrases("ko"), i18n.script_values("ko"), lines])
    done = subprocess.run(
        [node, "-e", _SCRIPT, str(COMMON_JS)], input=payload, capture_output=True, text=True, check=True
    )
    result: list[str] = json.loads(done.stdout)
    return result
