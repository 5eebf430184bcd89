"""The Korean interface in headless Chromium: with ``Accept-Language: ko-KR`` every page reads Korean, a Korean cell id shows as Hangul (in the page and in a ``--plot`` PNG), and the switch in the navigation turns the pages English."""

from __future__ import annotations

import re
import shutil
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from gwangyang.store import Store

from .conftest import TOKEN

pytestmark = pytest.mark.e2e

KOREAN_CELL = "배터리 1"
"""A cell id from a Korean file name (``배터리 1.csv``)."""

PAGES = (
    "/battery",
    f"/battery/cells/{quote(KOREAN_CELL)}",
    "/quality",
    "/port",
    "/logistics",
    "/logistics/forecast",
    "/factory",
    "/optimize",
    "/admin/audit",
)
"""Every page of the dashboard (the login page is walked apart, without a token)."""

ALLOWED = frozenset(
    # Proper names, acronyms and units that Korean pages write in Latin letters too.
    {
        *("API", "SOH", "RUL", "CE", "Ah", "Wh", "kWh", "mAh", "TEU", "AGV", "PCA", "MASE", "RMSE", "MAPE"),
        *("FCFS", "KPI", "dQ", "dV", "CO", "ESS", "UTC", "JSON", "USD", "KRW", "English", "min", "AI", "km"),
        *("Severson", "Hotelling", "Mahalanobis", "CALCE", "LFP", "NMC", "NCA", "LCO", "LMO", "LTO"),
        *("CSV", "Parquet", "ISO", "TOML"),  # file formats and the ISO week, written so in Korean too
        *("VRPLIB", "CVRP", "Solomon", "vrp", "txt", "toml", "json", "sol"),  # routing file formats, suffixes
        *("np",),  # the np control chart (number nonconforming), named so in Korean texts too
    }
)
"""Latin words allowed on a Korean page: proper names, acronyms, units (data values are allowed apart)."""

SNAKE = re.compile(r"\b[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+\b")
"""Identifiers (``discharge_capacity_ah``, ``test1_cell3``): data names, not prose."""

FILE = re.compile(r"[\w-]+(?:\.[A-Za-z0-9]+)+")
"""File names (``tep_fault1.csv.gz``): data, not prose."""

QUOTED = re.compile(r"'[^'\s][^']*'")
"""Names a message quotes as the file writes them (``'NbIterInstr'``, the readers' ``repr``): data, not prose."""

WORD = re.compile(r"[A-Za-z]{2,}")

VISIBLE_TEXT = """() => {
  // Text a reader sees: text nodes of visible elements (HTML and SVG, so Plotly's axis titles and
  // legends too), placeholders and tooltips, and the title. Code, <select> options and elements
  // marked translate="no" hold literal commands and data names, not interface words.
  const skip = 'script, style, code, select, textarea, [translate="no"]';
  const out = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    const text = node.textContent.trim();
    if (!text || !parent || parent.closest(skip)) continue;
    if (parent.checkVisibility && !parent.checkVisibility({ visibilityProperty: true })) continue;
    out.push(text);
  }
  for (const el of document.querySelectorAll('[placeholder], [title]')) {
    if (el.closest(skip) || (el.checkVisibility && !el.checkVisibility())) continue;
    for (const name of ['placeholder', 'title']) if (el.getAttribute(name)) out.push(el.getAttribute(name));
  }
  return out;
}"""


NAME_KEYS = frozenset(
    {"id", "cell_id", "name", "lot", "chemistry", "instance", "solver", "method", "vehicle_type", "series"}
    | {
        "model",
        "source",
        "monitor",
        "file",
        "variable",
        "scenario",
        "objective",
        "space",
        "location",
        "order",
    }
)
"""Keys whose values are names in the documents the pages show (ids, solvers, sites, data sources)."""


def names_in(document: Any, found: set[str]) -> None:
    """Add the string values under :data:`NAME_KEYS` anywhere in ``document``."""
    if isinstance(document, dict):
        for key, value in document.items():
            if key in NAME_KEYS and isinstance(value, str):
                found.add(value)
            else:
                names_in(value, found)
    elif isinstance(document, list | tuple):
        for item in document:
            names_in(item, found)


def data_values(store: Store) -> list[str]:
    """Names the store holds (cell ids, cyclers, source files, monitors, scenarios, users, sites): shown as they are."""
    from gwangyang import accounts
    from gwangyang.battery import service as battery
    from gwangyang.factory import service as factory
    from gwangyang.logistics import service as logistics
    from gwangyang.optimize import service as optimize
    from gwangyang.port import service as port
    from gwangyang.store import artifacts

    values: set[str] = set()
    names_in(battery.quality_overview(store), values)
    names_in([logistics.latest_view_or_none(store, kind) for kind in ("routes", "forecast")], values)
    names_in(port.page_state(store), values)
    names_in(optimize.campaigns(store), values)
    names_in(artifacts.latest_job(store, "factory.score"), values)
    cells = store.cells()
    for cell_id in cells["cell_id"]:
        meta = store.meta(cell_id)
        values.update([str(cell_id), str(meta.get("vendor") or "")])
        values.update(str(s["name"]) for s in meta.get("sources", []))
    for monitor in factory.list_monitors(store):
        values.update([monitor["name"], monitor["method"], monitor["time_column"]])
    values.update(port.scenarios())
    values.update(port.page_state(store)["demo_names"])
    for user in accounts.list_users(store):
        values.update([user["name"], user["org"]])
    return sorted((v for v in values if v), key=len, reverse=True)


def english_words(texts: list[str], names: list[str]) -> list[str]:
    """The texts that hold Latin words which are neither data names nor in :data:`ALLOWED` (word: text)."""
    found: list[str] = []
    for original in texts:
        text = original
        for name in names:
            # whole names only: a short name ("t", "5") must not eat letters out of words or identifiers;
            # a Korean particle may follow a name ("gwangyang-automated의", "--column-map으로")
            text = re.sub(rf"(?<![\w.-]){re.escape(name)}(?![A-Za-z0-9_-])", " ", text)
        text = SNAKE.sub(" ", FILE.sub(" ", QUOTED.sub(" ", text)))
        found.extend(f"{w}: {original[:120]}" for w in WORD.findall(text) if w not in ALLOWED)
    return found


@pytest.fixture(scope="module")
def populated(server: tuple[str, Store]) -> tuple[str, Store]:
    """The served store with a Korean-named cell, the shipped cycler samples, a factory monitor and a port demo run."""
    from gwangyang import demo
    from gwangyang.battery.ingest import ingest
    from gwangyang.port.service import DEMO_RUN, save_run
    from tests.conftest import CYCLERS

    base, store = server
    folder = store.root.parent / "korean"
    folder.mkdir()
    shutil.copy(CYCLERS / "arbin" / "FastCharge_000025_CH8.csv", folder / f"{KOREAN_CELL}.csv")
    assert ingest([folder], store=store).ok
    demo.battery_step(store)
    demo.factory_step(store)
    scenarios = {"gwangyang-today": {"teu": 6501.05, "mean_wait_h": 1.5, "berth_occupancy": 0.61}}
    steady = {"mean": 0.6, "ci_low": 0.5, "ci_high": 0.7, "warmup_h": 24.0, "batches": 10, "per_day": False}
    warning = (  # as gwangyang.port.weather_control.weather_warnings writes it
        "the run saw 0 weather stops (0.0 % of 14 days, expected 1.9 %), too few to correct for weather: "
        "the steady states of mean_wait_h, berth_occupancy hold for this run's weather only and their "
        "intervals leave out the variation of weather stops; run more days"
    )
    save_run(
        store,
        DEMO_RUN,
        {
            "days": 14.0,
            "scenarios": scenarios,
            "steady_state": {
                "gwangyang-today": {"berth_occupancy": steady, "teu": steady | {"per_day": True}}
            },
            "warnings": {"gwangyang-today": [warning]},
        },
    )
    return base, store


def korean_tab(browser: Any, base: str) -> tuple[Any, Any]:
    """A logged-in tab of a browser that prefers Korean (``Accept-Language: ko-KR``)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    tab = context.new_page()
    tab.goto(f"{base}/?token={TOKEN}")
    return context, tab


def settle(tab: Any) -> None:
    """Wait until the page's scripts have fetched what they show and every plot has drawn."""
    tab.wait_for_load_state("networkidle")
    tab.wait_for_function(
        """() => [...document.querySelectorAll('.plot')].every(
             (el) => el.dataset.plotted === 'true' || el.hidden || el.closest('[hidden]') || !el.offsetParent
               || !window.gwangyang)""",
        timeout=30_000,
    )


def test_every_page_reads_korean(browser: Any, populated: tuple[str, Store], shots: Path) -> None:
    base, store = populated
    context, tab = korean_tab(browser, base)
    names = data_values(store)
    left: dict[str, list[str]] = {}
    try:
        for path in PAGES:
            reply = tab.goto(f"{base}{path}")
            assert reply is not None and reply.status == 200, path
            assert reply.headers.get("content-language") == "ko", path
            settle(tab)
            assert tab.evaluate("() => document.documentElement.lang") == "ko"
            texts: list[str] = tab.evaluate(VISIBLE_TEXT)
            assert any(re.search("[가-힣]", t) for t in texts), path
            words = english_words(texts, names)
            if words:
                left[path] = sorted(set(words))
            tab.screenshot(
                path=str(shots / (path.strip("/").replace("/", "-")[:40] + ".png")), full_page=True
            )
        # the login page, before any token
        login = browser.new_context(locale="ko-KR").new_page()
        login.goto(f"{base}/login")
        words = english_words(login.evaluate(VISIBLE_TEXT), names)
        if words:
            left["/login"] = sorted(set(words))
        assert login.get_by_test_id("login-submit").inner_text() == "로그인"
        login.context.close()
    finally:
        context.close()
    assert not left, f"English words left on Korean pages: {left}"


def test_fleet_page_labels_and_plot_axes_are_korean(browser: Any, populated: tuple[str, Store]) -> None:
    base, store = populated
    context, tab = korean_tab(browser, base)
    try:
        tab.goto(f"{base}/battery")
        assert tab.get_by_test_id("nav-battery").inner_text() == "배터리"
        assert tab.locator("h1").inner_text() == "배터리 셀 현황"
        header = tab.get_by_test_id("cells-table").locator("thead").inner_text()
        assert "사이클" in header and "최대 용량 (Ah)" in header and "용량 유지율" in header
        tab.wait_for_selector('[data-testid="plot-capacity-fade"][data-plotted="true"]')
        layout = tab.evaluate(
            """() => { const l = document.querySelector('[data-testid="plot-capacity-fade"]').layout;
                       return [l.xaxis.title.text, l.yaxis.title.text]; }"""
        )
        assert layout == ["사이클", "방전 용량 (Ah)"]
        total = sum(int(c) for c in store.cells()["cycles"])
        assert tab.get_by_test_id("fleet-cycle-count").inner_text() == f"{total:,}"
        # Plotly's own words: the mode bar's tooltips (were English) and a date axis's month names (were "Jan")
        titles = tab.evaluate(
            """() => [...document.querySelectorAll('[data-testid="plot-capacity-fade"] .modebar-btn')]
                       .map((b) => b.getAttribute('data-title'))"""
        )
        assert {"그래프를 PNG로 내려받기", "영역 확대", "이동", "축 초기화"} <= set(titles), titles
        assert not [t for t in titles if re.search("[A-Za-z]{3}", t.replace("PNG", ""))], titles
        ticks = tab.evaluate(
            """async () => {
                 const el = document.createElement('div');
                 el.dataset.testid = 'plot-dates'; el.style.width = '600px'; el.style.height = '300px';
                 document.body.append(el);
                 await gwangyang.plot('plot-dates', [{ x: ['2024-01-01', '2024-02-01', '2024-03-01'], y: [1, 2, 3] }]);
                 return [...el.querySelectorAll('.xtick text')].map((t) => t.textContent);
               }"""
        )
        # two-week ticks, the year under the first of each: "12월 31일" / "2023년", "1월 14일" / "2024년", "1월 28일", ...
        assert ticks[:3] == ["12월 31일2023년", "1월 14일2024년", "1월 28일"], ticks
        assert not [t for t in ticks if re.search("[A-Za-z]", t)], ticks
    finally:
        context.close()


def hangul_font_of(tab: Any, selector: str) -> list[dict[str, Any]]:
    """The fonts Chromium used to draw the element's text (DevTools ``CSS.getPlatformFontsForNode``)."""
    cdp = tab.context.new_cdp_session(tab)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts: list[dict[str, Any]] = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return fonts


def test_korean_cell_id_renders_as_hangul_in_the_page(
    browser: Any, populated: tuple[str, Store], shots: Path
) -> None:
    base, _store = populated
    context, tab = korean_tab(browser, base)
    try:
        tab.goto(f"{base}/battery")
        link = tab.locator(
            f'[data-testid="cell-row"][data-cell-id="{KOREAN_CELL}"] [data-testid="cell-link"]'
        )
        assert link.inner_text() == KOREAN_CELL
        link.click()
        tab.wait_for_url(f"**/battery/cells/{quote(KOREAN_CELL)}")
        assert tab.get_by_test_id("cell-title").inner_text() == KOREAN_CELL
        assert tab.title().startswith(f"셀 {KOREAN_CELL}")
        fonts = hangul_font_of(tab, '[data-testid="cell-title"]')
        # "배터리" (3 glyphs) drawn by a CJK face; a missing font would leave them to a last-resort box
        cjk = [f for f in fonts if "CJK" in f["familyName"] or "KR" in f["familyName"]]
        assert cjk and sum(f["glyphCount"] for f in cjk) >= 3, fonts
        tab.wait_for_selector('[data-testid="plot-cycles"][data-plotted="true"]')
        tab.screenshot(path=str(shots / "korean-cell.png"), full_page=True)
    finally:
        context.close()


def test_korean_cell_id_renders_as_hangul_in_the_plot_png(
    populated: tuple[str, Store], tmp_path: Path
) -> None:
    import matplotlib
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font
    from typer.testing import CliRunner

    from gwangyang.cli.main import app

    _base, store = populated
    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import RendererAgg

    drawn: list[tuple[str, list[str]]] = []
    original = RendererAgg.draw_text

    def recording(
        self: Any, gc: Any, x: float, y: float, s: str, prop: Any, *args: Any, **kwargs: Any
    ) -> Any:
        # the font files Matplotlib's fallback chain offers for this text, first to last
        drawn.append((s, [str(f) for f in font_manager.fontManager._find_fonts_by_props(prop)]))
        return original(self, gc, x, y, s, prop, *args, **kwargs)

    out = tmp_path / f"{KOREAN_CELL}.png"
    with warnings.catch_warnings(record=True) as caught, pytest.MonkeyPatch.context() as patch:
        warnings.simplefilter("always")
        patch.setattr(RendererAgg, "draw_text", recording)
        result = CliRunner().invoke(
            app, ["battery", "cycles", KOREAN_CELL, "--store", str(store.root), "--plot", str(out)]
        )
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    assert not [str(w.message) for w in caught if "missing from font" in str(w.message)]
    titles = [(s, files) for s, files in drawn if KOREAN_CELL in s]
    assert titles, [s for s, _ in drawn]
    for _s, files in titles:
        # some font of the chain has every Hangul glyph of the id
        assert any(all(FT2Font(f).get_char_index(ord(ch)) for ch in "배터리") for f in files), files


def test_switch_to_english_and_back(browser: Any, populated: tuple[str, Store], shots: Path) -> None:
    base, _store = populated
    context, tab = korean_tab(browser, base)
    try:
        tab.goto(f"{base}/quality")
        assert tab.get_by_test_id("nav-quality").inner_text() == "품질"
        assert tab.get_by_test_id("lang-ko").count() == 0
        tab.get_by_test_id("lang-en").click()
        tab.wait_for_url("**/quality?lang=en")
        assert tab.evaluate("() => document.documentElement.lang") == "en"
        assert tab.get_by_test_id("nav-quality").inner_text() == "Quality"
        assert tab.locator("h1").inner_text() == "Cell quality"
        # the cookie wins over the browser's Accept-Language on the next pages
        tab.get_by_test_id("nav-battery").click()
        tab.wait_for_url("**/battery")
        assert tab.locator("h1").inner_text() == "Battery fleet"
        tab.wait_for_selector('[data-testid="plot-capacity-fade"][data-plotted="true"]')
        title = tab.evaluate(
            "() => document.querySelector('[data-testid=\"plot-capacity-fade\"]').layout.yaxis.title.text"
        )
        assert title == "discharge capacity (Ah)"
        tab.screenshot(path=str(shots / "english.png"), full_page=True)
        tab.get_by_test_id("lang-ko").click()
        tab.wait_for_url("**/battery?lang=ko")
        assert tab.locator("h1").inner_text() == "배터리 셀 현황"
        tab.get_by_test_id("nav-factory").click()
        tab.wait_for_url("**/factory")
        assert tab.locator("h1").inner_text() == "공정 모니터링"
    finally:
        context.close()
