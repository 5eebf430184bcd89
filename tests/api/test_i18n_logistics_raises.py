"""Every refusal ``raise``d in ``gwangyang.logistics`` reads Korean, or is listed here as not yet translated.

The walk reads each module's source (as ``test_i18n_route_instance`` walks its readers): each ``raise`` whose
message is written in place (a string, an f-string, their sum) is rendered with each value a sample (``7``, ``x``,
``'x'``, ``S1``) and read by :func:`gwangyang.api.i18n.phrase`; it passes if one rendering reads Korean, or if each
piece of its English (two words or more) is inside a translated message of the catalogue (a line a prefix's
pattern reads, whose place a sample does not fit). What is left is :data:`NOT_TRANSLATED`, which the test keeps
exact: a new untranslated refusal fails it, and so does one translated but still listed. Before, the road
estimate's ``circuity`` and ``speed_kmh`` refusals had no Korean.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

from gwangyang.api import i18n

LOGISTICS = Path(__file__).resolve().parents[2] / "src" / "gwangyang" / "logistics"
CATALOGUE = Path(i18n.LOCALE_DIR) / "ko" / "LC_MESSAGES" / "messages.po"
HANGUL = re.compile("[\uac00-\ud7a3]")
SAMPLES = ("7", "x", "'x'", "S1")

NOT_TRANSLATED: dict[str, str] = {
    # internal checks no input reaches (a bug, not a user's mistake), kept English as a traceback's line:
    # statsforecast answers in the type it is given, and the forecaster always gives it a pandas frame
    "forecast_models.py:54": "internal",
    # a solver's route naming a client index past the instance's; a .sol file's visits are checked by
    # vrplib_solution.solution_visits first (an unknown location is its own refusal), so only a solver's bug gets here
    "route_check.py:55": "internal",
}
"""``file:line`` of the refusals with no Korean yet, and what they belong to."""

READ_ELSEWHERE: dict[str, str] = {
    # a section's place is a keyword the VRPLIB patterns take by name; no sample fits it
    "vrplib_choices.py:31": "test_i18n_vrplib: PRIZE_SECTION (from line 212) has 100 rows",
    "vrplib_choices.py:85": "test_i18n_vrplib: VEHICLES_ALLOWED_CLIENTS_SECTION (from line 213) has 1 rows",
}
"""Refusals the walk's samples cannot render but another test reads Korean from a real file."""


def _pieces(node: ast.expr) -> list[str | None] | None:
    """The constant pieces of a message written in place; None for one built elsewhere."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [str(v.value) if isinstance(v, ast.Constant) else None for v in node.values]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _pieces(node.left), _pieces(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.Call) and node.args and ast.unparse(node.func) == "one_line":
        return _pieces(node.args[0])
    if isinstance(node, ast.Subscript):  # f"..."[:200]
        return _pieces(node.value)
    return None


def raise_sites() -> dict[str, list[str | None]]:
    """``file:line`` of every ``raise X("...")`` in the logistics package: its pieces (None for a value)."""
    sites: dict[str, list[str | None]] = {}
    for path in sorted(LOGISTICS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
                pieces = _pieces(node.exc.args[0])
                if pieces is not None:
                    sites[f"{path.name}:{node.lineno}"] = pieces
    return sites


def _translated_msgids() -> str:
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    return "\n".join(str(m.id) for m in catalogue if m.id and m.string and isinstance(m.id, str))


def reads_korean(pieces: list[str | None], msgids: str) -> bool:
    for sample in SAMPLES:
        line = "".join(sample if p is None else p for p in pieces)
        if HANGUL.search(i18n.phrase(line, "ko")):
            return True
    words = [p.strip(" :;,.()") for p in pieces if p is not None and len(re.findall(r"[A-Za-z]{2,}", p)) >= 2]
    return all(w in msgids for w in words)  # none: a prefix before another refusal, read as that one


def test_every_logistics_refusal_reads_korean_or_is_listed() -> None:
    sites = raise_sites()
    assert len(sites) > 200, len(sites)
    msgids = _translated_msgids()
    untranslated = {
        site
        for site, pieces in sites.items()
        if not reads_korean(pieces, msgids) and site not in READ_ELSEWHERE
    }
    assert untranslated - set(NOT_TRANSLATED) == set(), sorted(untranslated - set(NOT_TRANSLATED))
    assert set(NOT_TRANSLATED) - untranslated == set(), "translated now: drop from NOT_TRANSLATED"


def test_the_road_estimate_s_refusals_read_korean() -> None:
    import numpy as np
    import pytest

    from gwangyang.errors import InputError
    from gwangyang.logistics.distances import road_matrices

    cases: list[tuple[dict[str, Any], str, str]] = [
        (
            {"circuity": np.float64(0.5)},
            "circuity: expected a factor >= 1, got 0.5",
            "circuity: 1 이상의 계수여야 합니다 (입력: 0.5)",
        ),
        (
            {"speed_kmh": False},
            "speed_kmh: expected a positive speed, got false",
            "speed_kmh: 양수인 속도여야 합니다 (입력: false)",
        ),
        (
            {"speed_kmh": -40},
            "speed_kmh: expected a positive speed, got -40",
            "speed_kmh: 양수인 속도여야 합니다 (입력: -40)",
        ),
    ]
    for given, english, korean in cases:
        with pytest.raises(InputError) as caught:
            road_matrices(np.array([34.9, 35.0]), np.array([127.7, 127.8]), **given)
        assert str(caught.value) == english
        assert i18n.phrase(english, "ko") == korean


def test_a_solve_s_settings_read_korean() -> None:
    import numpy as np
    import pytest

    from gwangyang.errors import InputError
    from gwangyang.logistics import protocol
    from gwangyang.logistics.solver import PyVRPSolver, make_solver

    numpy_seed: Any = np.int64(-3)  # a seed read from a table
    cases = [
        (
            lambda: protocol.check_limits(np.float64(0.0), 1),
            "time_limit: expected a positive number of seconds, got 0.0",
            "time_limit: 양수인 초 단위 시간이어야 합니다 (입력: 0.0)",
        ),
        (
            lambda: protocol.check_limits(1.0, numpy_seed),
            "seed: expected a non-negative integer, got -3",
            "seed: 0 이상의 정수여야 합니다 (입력: -3)",
        ),
        (
            lambda: make_solver(None),  # type: ignore[arg-type]
            "solver: expected 'pyvrp' or 'ortools', got null",
            "solver: 'pyvrp' 또는 'ortools'여야 합니다 (입력: null)",
        ),
        (
            lambda: PyVRPSolver(sync_every=0),
            "sync_every: expected a positive number of seconds or None, got 0",
            "sync_every: 양수인 초 단위 시간이나 None이어야 합니다 (입력: 0)",
        ),
        (
            lambda: PyVRPSolver(sync_every_iterations=True),
            "sync_every_iterations: expected a whole number, 1 or more, got true",
            "sync_every_iterations: 1 이상의 정수여야 합니다 (입력: true)",
        ),
        (
            lambda: PyVRPSolver(sync_every=2.0, sync_every_iterations=50),
            "sync_every (2.0 s) and sync_every_iterations (50): give one or the other, not both",
            "sync_every(2.0 초)와 sync_every_iterations(50): 둘 중 하나만 주어야 합니다",
        ),
    ]
    for build, english, korean in cases:
        with pytest.raises(InputError) as caught:
            build()
        assert str(caught.value) == english
        assert i18n.phrase(english, "ko") == korean


def test_a_forecast_s_settings_and_labels_read_korean() -> None:
    import numpy as np
    import pandas as pd
    import pytest

    from gwangyang.errors import InputError
    from gwangyang.logistics import forecast_models, weekdays

    forecast = importlib.import_module(
        "gwangyang.logistics.forecast"
    )  # the package's forecast is the function

    monthly = pd.DataFrame({"ds": pd.date_range("2020-01-01", periods=40, freq="MS"), "y": np.arange(40.0)})
    cases: list[tuple[Any, str]] = [
        (
            lambda: forecast.forecast(monthly, 3, level=np.float64(120.0)),
            "level: 0과 100 사이의 백분율이어야 합니다 (입력: 120.0)",
        ),
        (lambda: forecast.frequency_for(monthly, 0), "season_length: 1 이상이어야 합니다 (입력: 0)"),
        (
            lambda: forecast.check_length(40, forecast.frequency_for(monthly), 3, False),
            "windows: 1 이상이어야 합니다 (입력: false)",
        ),
        (
            lambda: forecast_models.make_models(("도깨비",), 12),
            "models: 알 수 없는 모델 '도깨비' (다음 중 하나여야 합니다: ",
        ),
        (
            lambda: weekdays.parse_working_days(["Mon", None], "판매.csv: working_days"),  # type: ignore[list-item]
            "판매.csv: working_days: 요일 이름이어야 합니다 (입력: null)",
        ),
    ]
    for build, korean in cases:
        with pytest.raises(InputError) as caught:
            build()
        assert i18n.phrase(str(caught.value), "ko").startswith(korean), (
            str(caught.value),
            i18n.phrase(str(caught.value), "ko"),
        )
