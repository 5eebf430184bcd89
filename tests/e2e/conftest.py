"""Browser-test fixtures: a real ``gwangyang serve`` (uvicorn) on a free port, and headless Debian Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from gwangyang.battery.ingest import ingest
from gwangyang.store import Store

CHROMIUM = Path("/usr/bin/chromium")
TOKEN = "e2e-token-0123456789"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def calce_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding CALCE CS2_35 (10 cycles), ingested once per session; copied, never served itself."""
    from tests.conftest import SHARED

    root = tmp_path_factory.mktemp("e2e-template") / "store"
    report = ingest([SHARED / "battery" / "calce" / "CS2_35" / "CS2_35_11_01_10.xlsx"], store=Store(root))
    assert not report.failed
    return root


@contextmanager
def serving(root: Path) -> Iterator[str]:
    """``gwangyang serve`` over the store at ``root`` (with :data:`TOKEN`) until the block ends; yields its base URL."""
    port = free_port()
    log = open(root.parent / "server.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gwangyang", "serve"),
            *("--host", "127.0.0.1", "--port", str(port), "--store", str(root)),
        ],
        env={**os.environ, "GWANGYANG_TOKEN": TOKEN},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None:
                raise RuntimeError((root.parent / "server.log").read_text())
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


SHARES_SERVER = "SHARES_SERVER"
"""Module attribute: ``SHARES_SERVER = True`` in a test module that neither writes to the store what another module
reads nor reads what another writes; such modules share one server (:func:`shared_server`) instead of
starting their own (about 3-4 s each under load). Every other module gets a fresh server of its own."""


def fresh_server(tmp_path_factory: pytest.TempPathFactory, calce_store: Path) -> Iterator[tuple[str, Store]]:
    """``gwangyang serve`` over a fresh copy of :func:`calce_store`; yields (base URL, store)."""
    import shutil

    root = tmp_path_factory.mktemp("e2e") / "store"
    shutil.copytree(calce_store, root)
    with serving(root) as base:
        yield base, Store(root)


@pytest.fixture(scope="package")
def shared_server(tmp_path_factory: pytest.TempPathFactory, calce_store: Path) -> Iterator[tuple[str, Store]]:
    """One server for the e2e package (stopped after its last test), used by the modules that set ``SHARES_SERVER = True``."""
    yield from fresh_server(tmp_path_factory, calce_store)


@pytest.fixture(scope="module")
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, calce_store: Path
) -> Iterator[tuple[str, Store]]:
    """The module's server: :func:`shared_server` where the module sets ``SHARES_SERVER = True``, else a fresh one."""
    if getattr(request.module, SHARES_SERVER, False):
        yield request.getfixturevalue("shared_server")
    else:
        yield from fresh_server(tmp_path_factory, calce_store)


SHOTS_ENV = "GWANGYANG_E2E_SHOTS"
"""Folder for the page screenshots (default ``test-output/e2e`` in the project, git-ignored)."""


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Path:
    """This test's screenshot folder: ``<$GWANGYANG_E2E_SHOTS or test-output/e2e>/<test name>``."""
    root = Path(os.environ.get(SHOTS_ENV) or Path(__file__).resolve().parents[2] / "test-output" / "e2e")
    name = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in request.node.name)
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def phone_fits(tab: Any) -> bool:
    """True when the page needs no sideways scrolling on a 390 px wide screen."""
    width: int = tab.evaluate("() => document.documentElement.scrollWidth")
    return width <= 390


@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    """Headless Debian Chromium driven by Playwright (never ``playwright install``); one for the e2e package (closed
    after its last test, so no Chromium idles through the rest of the suite), each test opening its own context
    (its own cookies, storage and pages)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} missing: apt-get install -y chromium (scripts/setup.sh does it in CI)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object, server: tuple[str, Store]) -> Iterator[object]:
    """A logged-in page (the token is passed once in the URL, as ``gwangyang serve`` prints it)."""
    base, _store = server
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.goto(f"{base}/?token={TOKEN}")
    yield tab
    context.close()


@pytest.fixture
def phone(browser: object, server: tuple[str, Store]) -> Iterator[object]:
    """A logged-in page on a phone-sized screen (390 × 844, touch)."""
    base, _store = server
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    tab = context.new_page()
    tab.goto(f"{base}/?token={TOKEN}")
    yield tab
    context.close()
