"""A TOML input file that does not read is refused in a Korean sentence on the pages, tomllib's reason read Korean too.

:func:`gwangyang.files.read_toml` names the file and what it should be; the scenario's and the twin config's
sentences are tested with their pages (``test_port_upload.py``, ``test_i18n_port_config.py``), the others here: a
crane instance (the shipped ``qcsp-10.toml``), a search space (the shipped ``attia2020.toml``) and triage rules
(uploaded to ``POST /api/v1/quality/triage`` beside a cell table), each under a Korean name and broken one way. Every
``what`` a caller in ``src`` passes to ``read_toml`` must read Korean, so a new caller cannot slip through English.
Rules files that read as TOML but whose keys or limits triage refuses, and cell tables it cannot grade, are posted to
the same route and read Korean too (:mod:`gwangyang.api.triage_phrases`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gwangyang.api import i18n
from gwangyang.battery.quality.triage import TriageRules
from gwangyang.errors import GwangyangError
from gwangyang.optimize.space import SearchSpace
from gwangyang.port.crane_model import CraneInstance

from .page_script import page_phrases

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "gwangyang"
CRANE = (SRC / "port" / "instances" / "qcsp-10.toml").read_text(encoding="utf-8")
SPACE = (SRC / "optimize" / "spaces" / "attia2020.toml").read_text(encoding="utf-8")
CELLS = b"id,chemistry,nominal_capacity_ah,soh\n\xea\xb4\x91\xec\x96\x91-1,LFP,35.0,0.82\nb,LFP,35.0,0.4\n"
"""Two retired cells (the first named 광양-1) for the triage upload."""

LOADERS: dict[str, Callable[[Path], object]] = {
    "crane instance": CraneInstance.from_file,
    "space": SearchSpace.from_file,
    "rules": TriageRules.from_toml,
}

CASES: list[tuple[str, str, bytes, str, str]] = [
    # (what, file name, content, the refusal after "<file>: ", its Korean)
    (
        "crane instance",
        "광양 크레인.toml",
        CRANE.replace("travel_time = 2", "travel_time = ").encode(),
        "not a TOML crane instance file (not valid TOML: Invalid value (at line 6, column 15)).",
        "TOML 크레인 작업 파일이 아닙니다 (올바른 TOML이 아님: 올바르지 않은 값 (6행 15열)).",
    ),
    (
        "space",
        "광양 탐색 공간.toml",
        SPACE.replace('name = "attia2020"', 'name = "attia2020"\nname = "광양"').encode(),
        "not a TOML space file (not valid TOML: Cannot overwrite a value (at line 5, column 12)).",
        "TOML 탐색 공간 파일이 아닙니다 (올바른 TOML이 아님: 이미 정한 값을 덮어쓸 수 없음 (5행 12열)).",
    ),
    (
        "rules",
        "광양 규칙.toml",
        b"[second_life]\nmin_soh = [0.8, 0.9\n",
        "not a TOML rules file (not valid TOML: Unclosed array (at end of document)).",
        "TOML 규칙 파일이 아닙니다 (올바른 TOML이 아님: 닫히지 않은 배열 (문서 끝)).",
    ),
    (
        "rules",
        "광양 규칙.toml",
        b"[reuse]\nmin_soh = 0.6\n[reuse]\n",
        "not a TOML rules file (not valid TOML: Cannot declare ('reuse',) twice (at line 3, column 7)).",
        "TOML 규칙 파일이 아닙니다 (올바른 TOML이 아님: ('reuse',)을(를) 두 번 선언할 수 없음 (3행 7열)).",
    ),
    (
        # cp949 (a Korean Windows editor): 원 is bytes BF F8, after 'currency = "' (12 bytes)
        "rules",
        "광양 규칙.toml",
        'currency = "원화"\n'.encode("cp949"),
        "not a TOML rules file (not valid TOML: 'utf-8' codec can't decode byte 0xbf in position 12: invalid start "
        "byte).",
        "TOML 규칙 파일이 아닙니다 (올바른 TOML이 아님: UTF-8로 읽을 수 없는 바이트 0xbf (위치 12): 올바르지 않은 시작 "
        "바이트).",
    ),
]

ENGLISH = (
    "not a TOML",
    "not valid",
    "no such",
    " file",
    "Invalid",
    "Cannot",
    "Unclosed",
    "codec",
    "byte ",
    "line",
)
"""Words of the sentences that must not be left in their Korean."""


def korean(english: str, expected: str) -> None:
    translated = i18n.phrase(english, "ko")
    assert translated == expected, translated
    assert not [w for w in ENGLISH if w in translated.replace(".toml", "")], translated


@pytest.mark.parametrize(
    ("what", "name", "content", "tail", "expected"), CASES, ids=[c[3][:50] for c in CASES]
)
def test_a_toml_file_that_does_not_read_is_refused_in_korean(
    tmp_path: Path, what: str, name: str, content: bytes, tail: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(GwangyangError) as caught:
        LOADERS[what](path)
    english = f"{name}: {tail}"
    assert str(caught.value).replace(f"{tmp_path}/", "") == english
    korean(english, f"{name}: {expected}")


@pytest.mark.parametrize("case", [c for c in CASES if c[0] == "rules"], ids=lambda c: c[3][40:80])
def test_uploaded_triage_rules_are_refused_in_korean(
    fresh_client: TestClient, case: tuple[str, str, bytes, str, str]
) -> None:
    _, name, content, tail, expected = case
    reply = fresh_client.post(
        "/api/v1/quality/triage", files=[("files", ("퇴역 셀.csv", CELLS)), ("files", (name, content))]
    )
    assert reply.status_code == 400 and reply.json()["detail"] == f"{name}: {tail}", reply.text
    korean(reply.json()["detail"], f"{name}: {expected}")


RULES_CASES: list[tuple[str, bytes, str, str]] = [
    # rules that read as TOML but that triage refuses: (file name, content, the refusal after "<file>: ", its Korean)
    (
        "광양 규칙.toml",
        b"[reuse]\nmin_soh = 0.6\nmax_soh = 0.9\n",
        "[reuse] unknown key 'max_soh'.",
        "[reuse] 알 수 없는 키 'max_soh'.",
    ),
    (
        "광양 규칙.toml",
        "\"등급\" = 'A'\n".encode(),  # a key of Korean letters is quoted in TOML
        "unknown key '등급' (expected currency, prices_per_kg, recovery, resistance_column, reuse, second_life, "
        "self_discharge_column).",
        "알 수 없는 키 '등급' (사용할 수 있는 키: currency, prices_per_kg, recovery, resistance_column, reuse, "
        "second_life, self_discharge_column).",
    ),
    (
        "광양 규칙.toml",
        b"[reuse]\nmax_resistance_mohm = 2.0\n",
        "[reuse] needs min_soh.",
        "[reuse]에 min_soh가 있어야 합니다.",
    ),
    (
        "광양 규칙.toml",
        b"[second_life]\nmin_soh = 'high'\n",
        "[second_life] limits must be numbers.",
        "[second_life]의 한계값은 숫자여야 합니다.",
    ),
    (
        "광양 규칙.toml",
        "[prices_per_kg]\nLi = '비쌈'\n".encode(),
        "[prices_per_kg] must map elements to numbers.",
        "[prices_per_kg]은(는) 원소마다 숫자를 주어야 합니다.",
    ),
    (
        "광양 규칙.toml",
        b"[second_life]\nmin_soh = 0.5\n[reuse]\nmin_soh = 0.7\n",
        "reuse.min_soh must not exceed second_life.min_soh.",
        "reuse.min_soh는 second_life.min_soh보다 클 수 없습니다.",
    ),
    (
        "광양 규칙.toml",
        b"[second_life]\nmin_soh = 1.5\n",
        "second_life.min_soh must be in (0, 1.2], got 1.5.",
        "second_life.min_soh는 (0, 1.2] 안에 있어야 합니다 (입력: 1.5).",
    ),
    (
        "광양 규칙.toml",
        b"[recovery]\nLi = 1.5\n",
        "recovery rate of Li must be in [0, 1], got 1.5.",
        "Li의 회수율은 [0, 1] 안에 있어야 합니다 (입력: 1.5).",
    ),
    (
        "광양 규칙.toml",
        b"[prices_per_kg]\nCo = -3\n",
        "price of Co must not be negative, got -3.0.",
        "Co의 가격은 음수일 수 없습니다 (입력: -3.0).",
    ),
]
"""Rules files that triage refuses for their keys or limits."""

RULES_ENGLISH = ("unknown", "key", "expected", "needs", "must", "limits", "rate", "price", "got", "exceed")
"""Words of the rules' refusals that must not be left in their Korean (the keys aside)."""


@pytest.mark.parametrize("case", RULES_CASES, ids=[c[2][:40] for c in RULES_CASES])
def test_uploaded_triage_rules_with_a_wrong_key_or_limit_are_refused_in_korean(
    fresh_client: TestClient, case: tuple[str, bytes, str, str]
) -> None:
    name, content, tail, expected = case
    reply = fresh_client.post(
        "/api/v1/quality/triage", files=[("files", ("퇴역 셀.csv", CELLS)), ("files", (name, content))]
    )
    assert reply.status_code == 400 and reply.json()["detail"] == f"{name}: {tail}", reply.text
    translated = i18n.phrase(reply.json()["detail"], "ko")
    assert translated == f"{name}: {expected}", translated
    kept = translated.replace(name, "")
    for key in (
        "max_soh",
        "min_soh",
        "max_resistance_mohm",
        "prices_per_kg",
        "resistance_column",
        "self_discharge_column",
    ):
        kept = kept.replace(key, "")
    assert not [w for w in RULES_ENGLISH if w in kept], translated


def test_a_cell_table_triage_cannot_read_is_refused_in_korean(fresh_client: TestClient) -> None:
    # the table's own refusals come through the same route: a SOH that is no number, and no SOH at all
    for table, tail, expected in (
        (
            CELLS.replace(b"0.82", "높음".encode()),
            "column 'soh' must be numeric, found '높음'.",
            "열 'soh'은(는) 숫자여야 합니다 (발견: '높음').",
        ),
        (
            b"id,chemistry,nominal_capacity_ah\na,LFP,35.0\n",
            "needs pulse voltages u1_v..u21_v or a soh column.",
            "펄스 전압 u1_v..u21_v나 soh 열이 있어야 합니다.",
        ),
        (
            b"id,chemistry,nominal_capacity_ah,soh\na,LFP,0,0.8\n",
            "nominal_capacity_ah must be a positive number in every row.",
            "nominal_capacity_ah는 모든 행에서 양수여야 합니다.",
        ),
    ):
        reply = fresh_client.post("/api/v1/quality/triage", files=[("files", ("퇴역 셀.csv", table))])
        assert reply.status_code == 400 and reply.json()["detail"] == f"퇴역 셀.csv: {tail}", reply.text
        assert i18n.phrase(reply.json()["detail"], "ko") == f"퇴역 셀.csv: {expected}"


def test_a_missing_file_is_named_in_korean(tmp_path: Path) -> None:
    for what, korean_what in (("crane instance", "크레인 작업"), ("space", "탐색 공간"), ("rules", "규칙")):
        with pytest.raises(GwangyangError) as caught:
            LOADERS[what](tmp_path / "없는 파일.toml")
        english = str(caught.value).replace(f"{tmp_path}/", "")
        assert english == f"없는 파일.toml: no such {what} file."
        korean(english, f"없는 파일.toml: {korean_what} 파일이 없습니다.")


def read_toml_whats() -> dict[str, str]:
    """Each ``what`` a module of ``src`` passes to ``read_toml`` (a literal): ``what -> module``."""
    whats = {}
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and ast.unparse(node.func).endswith("read_toml")
                and len(node.args) == 2
            ):
                what = node.args[1]
                assert isinstance(what, ast.Constant), f"{path}: read_toml's what is not a literal"
                whats[str(what.value)] = path.name
    return whats


def test_every_read_toml_what_reads_korean() -> None:
    whats = read_toml_whats()
    assert set(whats) >= {"scenario", "twin config", "crane instance", "space", "rules"}, whats
    for what in whats:
        for english in (
            f"광양.toml: not a TOML {what} file (not valid TOML: Invalid value (at line 1, column 8)).",
            f"광양.toml: no such {what} file.",
        ):
            translated = i18n.phrase(english, "ko")
            assert translated.startswith("광양.toml: ") and what not in translated, (whats[what], translated)
            assert not [w for w in ENGLISH if w in translated.replace(".toml", "")], translated
            assert "올바르지 않은 값 (1행 8열)" in translated or "no such" in english, translated


def test_the_page_s_script_reads_them_as_the_server() -> None:
    lines = [f"{name}: {tail}" for _, name, _, tail, _ in CASES] + [
        f"{n}: {tail}" for n, _, tail, _ in RULES_CASES
    ]
    phrased = page_phrases(lines)
    assert phrased == [f"{name}: {expected}" for _, name, _, _, expected in CASES] + [
        f"{n}: {expected}" for n, _, _, expected in RULES_CASES
    ]
