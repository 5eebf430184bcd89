"""The pages' languages: the catalogue is complete and compiled, the language follows ``?lang`` / cookie / ``Accept-Language`` / system locale, numbers and dates follow the locale."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from gwangyang.api import i18n

from .conftest import AUTH, TOKEN

ROOT = Path(__file__).resolve().parents[2]
PO = i18n.LOCALE_DIR / "ko" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
POT = i18n.LOCALE_DIR / "messages.pot"


def messages_of(catalogue: object) -> dict[str, str]:
    return {m.id: m.string for m in catalogue if m.id}  # type: ignore[attr-defined]


def test_compiled_catalogue_is_up_to_date_with_the_po() -> None:
    # pybabel compile -d src/gwangyang/locale -D messages (the .mo is committed: no build step at install)
    with PO.open("rb") as po, MO.open("rb") as mo:
        assert messages_of(read_mo(mo)) == messages_of(read_po(po, locale="ko"))


def test_every_message_of_the_sources_is_in_the_catalogue_and_translated(tmp_path: Path) -> None:
    # Extract afresh (babel.cfg: api/*.py, templates, scripts): nothing marked with _() may miss from the .po.
    out = tmp_path / "fresh.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            *("-k", "N_", "-k", "t", "--no-wrap", "-o", str(out), str(ROOT)),
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    with out.open("rb") as fresh, PO.open("rb") as po, POT.open("rb") as pot:
        extracted = set(messages_of(read_po(fresh)))
        translated = messages_of(read_po(po, locale="ko"))
        template = set(messages_of(read_po(pot)))
    assert extracted, "nothing extracted"
    assert sorted(extracted - template) == [], "messages.pot is stale: pybabel extract"
    assert sorted(extracted - set(translated)) == [], "messages.po lacks them: pybabel update"
    assert sorted(m for m in extracted if not translated[m]) == [], "untranslated"


def test_translations_keep_every_placeholder() -> None:
    # %(name)s in the templates and {name} in the scripts: a lost placeholder loses a number on the page.
    with PO.open("rb") as po:
        for msgid, text in messages_of(read_po(po, locale="ko")).items():
            for pattern in (r"%\(\w+\)s", r"\{\w+\}"):
                assert sorted(re.findall(pattern, msgid)) == sorted(re.findall(pattern, text)), msgid
            assert re.search("[가-힣]", text) or msgid in {"−dQ/dV (Ah/V)"}, msgid


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7", "ko"),
        ("en-US,en;q=0.9,ko;q=0.8", "en"),
        ("fr-FR,ko;q=0.5,en;q=0.4", "ko"),
        ("en;q=0.2, ko;q=0.9", "ko"),
        ("ko;q=0, en", "en"),
        ("fr, de", None),
        ("", None),
        ("ko;q=abc, en;q=0.1", "en"),
    ],
)
def test_accept_language_takes_the_preferred_supported_language(header: str, expected: str | None) -> None:
    assert i18n.accept_language(header) == expected


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "ko_KR.UTF-8"}, "ko"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "ko_KR.UTF-8"}, "ko"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
        ({"LANG": "ko_KR.UTF-8", "GWANGYANG_LANG": "en"}, "en"),
        ({"LANG": "de_DE.UTF-8", "GWANGYANG_LANG": "ko"}, "ko"),
    ],
)
def test_system_language_is_korean_on_a_korean_locale(environ: dict[str, str], expected: str) -> None:
    assert i18n.system_language(environ) == expected


def test_numbers_dates_and_composed_lines_follow_the_locale() -> None:
    assert i18n.number(1234.5, "ko", 1) == "1234.5" and i18n.number(1234.5, "ko", 1, group=True) == "1,234.5"
    assert i18n.number(None, "ko") == "—" and i18n.number(float("nan"), "ko", 2) == "—"
    assert (
        i18n.percent(0.953, "ko") == "95.3 %" and i18n.number(0.8185, "ko", 3) == f"{0.8185:.3f}" == "0.819"
    )
    # Babel's CLDR data: Korean writes year. month. day. and 오전/오후
    assert i18n.when("2026-12-06T14:05:09", "ko") == "2026. 12. 6. 오후 2:05:09"
    assert i18n.when("2026-12-06T14:05:09", "en") == "Dec 6, 2026, 2:05:09\u202fPM"
    assert i18n.when("2026-12-06", "ko") == "2026. 12. 6." and i18n.when("not a date", "ko") == "not a date"
    line = "end of life (SOH < 80 %); capacity drop (cycle 12); efficiency dip (cycle 30)"
    assert i18n.phrase(line, "ko") == "수명 종료 (SOH < 80 %); 용량 급락 (사이클 12); 효율 저하 (사이클 30)"
    assert i18n.phrase(line, "en") == line
    assert i18n.phrase("voltage_v high (robust z +4.2)", "ko") == "voltage_v 높음 (로버스트 z +4.2)"


def test_forecast_notes_read_korean() -> None:
    # The notes as the forecaster composes them (holidays filled, an ISO week 53), each part translated.
    import pandas as pd

    from gwangyang.logistics.holidays import fill_business_days, filled_note
    from gwangyang.logistics.iso_weeks import week_53_note

    days = pd.bdate_range("2024-02-05", periods=15)
    kept = days[days != pd.Timestamp("2024-02-09")]
    holidays = filled_note(fill_business_days(pd.DataFrame({"ds": kept, "y": 1.0}), "gate"))
    assert holidays is not None
    assert i18n.phrase(holidays, "ko") == (
        "빠진 영업일 1일을 휴일로 보고 앞뒤 주의 같은 요일 값으로 보간해 채움: 2024-02-09; 예측은 평상시 영업일 기준입니다"
    )
    week_53 = week_53_note(pd.Series(pd.date_range("2020-12-21", periods=3, freq="W-MON")), 52)
    assert week_53 is not None
    assert i18n.phrase(week_53, "ko") == (
        "시계열에 ISO 53주차가 있음 (2020-W53); 계절 주기가 52기간(364일)이므로 53주차 뒤의 각 주는 1년 전 한 주차 뒤의 주와 "
        "비교됩니다"
    )


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    from gwangyang.api import create_app

    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.delenv(i18n.LANG_ENV, raising=False)
    return TestClient(create_app(tmp_path / "store", token=TOKEN), headers=AUTH)


def heading(html: str) -> str:
    found = re.search(r"<h1>(.*?)</h1>", html)
    assert found is not None
    return found.group(1)


def test_page_language_follows_header_then_cookie_then_query(client: TestClient) -> None:
    korean = client.get("/battery", headers={"Accept-Language": "ko-KR,ko;q=0.9"})
    assert '<html lang="ko">' in korean.text and heading(korean.text) == "배터리 셀 현황"
    assert korean.headers["content-language"] == "ko" and "Accept-Language" in korean.headers["vary"]
    assert 'data-testid="lang-en"' in korean.text and "/static/i18n/ko.js" in korean.text
    english = client.get("/battery", headers={"Accept-Language": "en-US"})
    assert '<html lang="en">' in english.text and heading(english.text) == "Battery fleet"
    assert "/static/i18n/" not in english.text
    # ?lang=en sets the cookie, which then wins over a Korean header
    switched = client.get("/battery?lang=en", headers={"Accept-Language": "ko-KR"})
    assert heading(switched.text) == "Battery fleet" and switched.cookies.get(i18n.LANG_COOKIE) == "en"
    after = client.get("/quality", headers={"Accept-Language": "ko-KR"})
    assert heading(after.text) == "Cell quality"
    back = client.get("/quality?lang=ko")
    assert heading(back.text) == "셀 품질"
    assert 'href="/quality?lang=en"' in back.text


def test_server_default_is_korean_on_a_korean_system(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    assert heading(client.get("/battery", headers={"Accept-Language": "fr"}).text) == "배터리 셀 현황"
    # a browser that names English still gets English
    assert heading(client.get("/battery", headers={"Accept-Language": "en"}).text) == "Battery fleet"


def test_login_page_and_its_error_in_korean(client: TestClient) -> None:
    client.headers.pop("Authorization")
    page = client.get("/login", headers={"Accept-Language": "ko"})
    assert "로그인" in page.text and 'lang="ko"' in page.text
    wrong = client.post("/login", data={"token": "nope"}, headers={"Accept-Language": "ko"})
    assert wrong.status_code == 401 and "토큰이 올바르지 않습니다." in wrong.text


def test_scripts_get_the_catalogue(client: TestClient) -> None:
    reply = client.get("/static/i18n/ko.js")
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/javascript")
    body = reply.text
    assert (
        body.startswith("window.gwangyangMessages = {")
        and '"discharge capacity (Ah)": "방전 용량 (Ah)"' in body
    )
    # the server's patterns of composed lines, in JavaScript's syntax, with their Korean templates
    phrases = json.loads(body.split("window.gwangyangPhrases = ", 1)[1].split(";\n", 1)[0])
    assert len(phrases) == len(i18n.PATTERNS) and not any("(?P<" in source for source, _ in phrases)
    assert ["^run\\ at\\ least\\ (?<n>\\d+)\\ replications$", "최소 %(n)s회 반복하세요"] in phrases
    assert client.get("/static/i18n/fr.js").status_code == 404
    assert client.get("/static/i18n/en.js").text.startswith("window.gwangyangMessages = {}")
    assert client.get("/static/i18n/en.js").text.endswith(
        "window.gwangyangPhrases = [];\nwindow.gwangyangValues = [];\n"
    )
    # English inside values (value_phrases), and no composed line's msgid (its template is in the phrases)
    values = json.loads(body.split("window.gwangyangValues = ", 1)[1].split(";\n", 1)[0])
    assert ["\\((?<n>[\\d.e+]+)\\ rows\\)", "(%(n)s행)"] in values
    sent = json.loads(body.split("window.gwangyangMessages = ", 1)[1].split(";\n", 1)[0])
    assert not [msgid for msgid in sent if "%(" in msgid] and "최소 %(n)s회 반복하세요" not in sent.values()
    anonymous = TestClient(client.app)
    assert anonymous.get("/static/i18n/ko.js").status_code == 401


def test_the_catalogue_script_is_sent_compressed_to_who_takes_gzip(client: TestClient) -> None:
    import gzip

    # raw bytes as sent (httpx would undo the gzip): compressed only where Accept-Encoding takes it
    with client.stream("GET", "/static/i18n/ko.js", headers={"Accept-Encoding": "gzip"}) as packed:
        raw = b"".join(packed.iter_raw())
        assert packed.headers["content-encoding"] == "gzip" and packed.headers["vary"] == "Accept-Encoding"
    with client.stream("GET", "/static/i18n/ko.js", headers={"Accept-Encoding": "identity"}) as plain:
        text = b"".join(plain.iter_raw())
        assert "content-encoding" not in plain.headers
    assert gzip.decompress(raw) == text and len(raw) < len(text) / 3
    assert text.decode("utf-8").startswith("window.gwangyangMessages = {")
    refused = client.get("/static/i18n/ko.js", headers={"Accept-Encoding": "gzip;q=0, br"})
    assert "content-encoding" not in refused.headers


def test_the_scripts_show_a_failed_job_s_error_through_phrase() -> None:
    """A job's error is the service's English line: every script shows it read in the page's language (the port
    page showed a failed comparison's and time-lapse's error as it came)."""
    static = Path(i18n.__file__).resolve().parents[1] / "web" / "static"
    shown = {
        script.name: re.findall(r"error: ([^,}]*\.error)\b", script.read_text(encoding="utf-8"))
        for script in sorted(static.glob("*.js"))
    }
    raw = {
        name: found for name, found in shown.items() if [f for f in found if not f.startswith("g.phrase(")]
    }
    assert not raw, raw
    assert sum(len(found) for found in shown.values()) >= 6  # battery 2, factory 1, logistics 1, port 2
