"""``/openapi.json``, ``/docs`` and ``/redoc`` follow the pages' language: Korean texts for a Korean request, English kept English."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gwangyang.api import create_app
from gwangyang.api.openapi_i18n import TRANSLATED_KEYS, VERBATIM_KEYS, translate_text
from gwangyang.api.openapi_messages import openapi_texts

from .conftest import AUTH, TOKEN

HANGUL = re.compile("[가-힣]")


@pytest.fixture(scope="module")
def docs_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A client of an empty store (the document does not depend on what the store holds)."""
    root: Path = tmp_path_factory.mktemp("openapi-i18n")
    with TestClient(create_app(root, token=TOKEN), headers=AUTH) as client:
        yield client


def texts_of(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """``(where, text)`` of every summary and description (``properties`` names fields, not texts)."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from texts_of(item, (*path, index))
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in VERBATIM_KEYS:
                continue
            if key in TRANSLATED_KEYS and isinstance(value, str):
                yield (*path, key), value
            elif key == "properties" and isinstance(value, dict):
                for name, schema in value.items():
                    yield from texts_of(schema, (*path, key, name))
            else:
                yield from texts_of(value, (*path, key))


def blanked(node: Any) -> Any:
    """The document with every text and the API's title blanked: what must not change with the language."""
    if isinstance(node, list):
        return [blanked(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in VERBATIM_KEYS:
            out[key] = value
        elif key in TRANSLATED_KEYS and isinstance(value, str):
            out[key] = ""
        elif key == "properties" and isinstance(value, dict):
            out[key] = {name: blanked(schema) for name, schema in value.items()}
        else:
            out[key] = blanked(value)
    return out


def test_korean_document_translates_every_text_and_changes_nothing_else(docs_client: TestClient) -> None:
    english = docs_client.get("/openapi.json", params={"lang": "en"}).json()
    response = docs_client.get("/openapi.json", params={"lang": "ko"})
    assert response.headers["content-language"] == "ko"
    assert response.headers["vary"] == "Accept-Language, Cookie"
    korean = response.json()
    english_texts = dict(texts_of(english))
    korean_texts = dict(texts_of(korean))
    assert english_texts.keys() == korean_texts.keys()
    assert len(english_texts) > 500  # 53 operations: summaries, descriptions, parameters, responses, schemas
    untranslated = sorted(
        {text for where, text in english_texts.items() if not HANGUL.search(korean_texts[where])}
    )
    assert untranslated == []
    assert korean["info"]["title"] == "광양 AI 플랫폼"  # the one title translated: the API's name
    korean["info"]["title"] = english["info"]["title"]
    assert blanked(korean) == blanked(english)


def test_korean_texts_by_hand(docs_client: TestClient) -> None:
    korean = docs_client.get("/openapi.json", headers={"Accept-Language": "ko-KR,ko;q=0.9"}).json()
    cells = korean["paths"]["/api/v1/battery/cells"]["get"]
    assert cells["summary"] == "저장소의 셀과 용량 수치"
    assert cells["responses"]["401"]["description"] == "토큰이 없거나 알 수 없는 토큰입니다."
    assert cells["responses"]["200"]["description"] == "성공 응답"
    spc = korean["paths"]["/api/v1/factory/spc"]["post"]["requestBody"]["content"]["multipart/form-data"]
    fields = spc["schema"]["properties"]
    # composed in code: the field's text and the byte limit, each translated
    assert fields["column"]["description"] == "관리도를 그릴 열. (UTF-8로 최대 4096바이트)"
    assert fields["files"]["description"] == "파일(하나)."
    # a field named "description" or "summary" would be a schema, never a text: none is replaced by a string
    for _where, text in texts_of(korean):
        assert isinstance(text, str)


def test_every_upload_s_text_field_reads_korean_before_its_byte_limit(docs_client: TestClient) -> None:
    # A form field's text is composed with its byte limit, which alone carried Hangul: the forecast upload's six
    # fields and the routes upload's time_limit and solver stayed English before it and passed the test above.
    korean = docs_client.get("/openapi.json", params={"lang": "ko"}).json()
    english = docs_client.get("/openapi.json", params={"lang": "en"}).json()
    seen = 0
    for path, item in korean["paths"].items():
        for method, operation in item.items():
            form = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data")
            if not form:
                continue
            for name, schema in form["schema"]["properties"].items():
                text = re.sub(r" \(UTF-8로 최대 \d+바이트\)$", "", schema["description"])
                assert HANGUL.search(text), (path, method, name, text)
                seen += 1
    assert seen >= 40
    forecast = "/api/v1/logistics/forecast/file"
    fields = korean["paths"][forecast]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert fields["properties"]["level"]["description"] == (
        "예측 구간 수준(퍼센트, 50~99; 기본값 90). (UTF-8로 최대 4096바이트)"
    )
    routes = "/api/v1/logistics/routes/file"
    form = english["paths"][routes]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["properties"]["solver"]["description"].startswith("pyvrp (default) or ortools.")


def test_english_stays_english(docs_client: TestClient) -> None:
    app_document = docs_client.app.openapi()  # type: ignore[attr-defined]
    for kwargs in ({"params": {"lang": "en"}}, {"headers": {"Accept-Language": "en-US,en;q=0.9,ko;q=0.5"}}):
        response = docs_client.get("/openapi.json", **kwargs)  # type: ignore[arg-type]
        assert response.headers["content-language"] == "en"
        document = response.json()
        assert document == app_document
        assert [text for _where, text in texts_of(document) if HANGUL.search(text)] == []
    assert (
        document["paths"]["/api/v1/battery/cells"]["get"]["summary"]
        == "Cells in the store with capacity figures"
    )


def test_language_cookie_and_query_win_as_on_the_pages(docs_client: TestClient) -> None:
    docs_client.cookies.set("gwangyang_lang", "ko")
    try:
        by_cookie = docs_client.get("/openapi.json", headers={"Accept-Language": "en"}).json()
        by_query = docs_client.get("/openapi.json", params={"lang": "en"}).json()
    finally:
        docs_client.cookies.clear()
    assert by_cookie["paths"]["/health"]["get"]["summary"] == "동작 확인(토큰 불필요)"
    assert by_query["paths"]["/health"]["get"]["summary"] == "Liveness (no token needed)"


def test_docs_pages_ask_for_the_document_in_their_language(docs_client: TestClient) -> None:
    korean = docs_client.get("/docs", headers={"Accept-Language": "ko-KR"})
    assert korean.status_code == 200 and korean.headers["content-language"] == "ko"
    assert korean.headers["vary"] == "Accept-Language, Cookie"
    page = korean.text
    assert '<html lang="ko">' in page and "<title>광양 API</title>" in page
    assert "/openapi.json?lang=ko" in page
    assert page.index('src="/static/i18n/ko.js"') < page.index('src="/static/apidocs.js"')
    english = docs_client.get("/docs", params={"lang": "en"}).text
    assert "/openapi.json?lang=en" in english and "apidocs.js" not in english
    assert "<title>Gwangyang API</title>" in english
    redoc = docs_client.get("/redoc", headers={"Accept-Language": "ko"}).text
    assert "/openapi.json?lang=ko" in redoc and '<html lang="ko">' in redoc
    script = docs_client.get("/static/apidocs.js")
    assert script.status_code == 200 and "MutationObserver" in script.text
    labels = docs_client.get("/static/i18n/ko.js").text
    assert '"Try it out": "실행해 보기"' in labels


def test_the_pages_scripts_get_their_messages_but_not_the_documents(docs_client: TestClient) -> None:
    # Every page loads /static/i18n/ko.js: the OpenAPI texts (translated by the server) would double it.
    from babel.messages.extract import extract_javascript

    from gwangyang.api import i18n
    from gwangyang.api.web import STATIC_DIR

    script = docs_client.get("/static/i18n/ko.js").text
    assert (
        "저장소의 셀과 용량 수치" not in script and "Cells in the store with capacity figures" not in script
    )
    catalogue = i18n.messages("ko")
    wanted: set[str] = set()
    for path in STATIC_DIR.glob("*.js"):
        with path.open("rb") as source:
            for _line, _func, message, _comments in extract_javascript(source, {"t": None}, [], {}):
                if isinstance(message, str) and message in catalogue:
                    wanted.add(message)
    assert len(wanted) > 100 and "Try it out" in wanted
    sent = json.loads(script.split("window.gwangyangMessages = ", 1)[1].split(";\n", 1)[0])
    assert sorted(wanted - set(sent)) == []
    # None of the OpenAPI document's own texts is sent (they would add ~35 kB to every page), unless a page's script
    # also shows it.
    document = docs_client.get("/openapi.json?lang=en").json()
    texts: set[str] = set()

    def collect(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("summary", "description") and isinstance(value, str) and len(value) > 30:
                    texts.add(value)  # not one-word titles such as "Cells", which the pages use too
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(document)
    assert len(texts) > 100
    assert sorted((texts & set(sent)) - wanted) == []


def test_docs_need_the_token(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path, token=TOKEN)) as anonymous:
        for path in ("/openapi.json?lang=ko", "/docs?lang=ko", "/redoc"):
            assert anonymous.get(path, follow_redirects=False).status_code == 401


def test_composed_texts_are_translated_piece_by_piece() -> None:
    assert translate_text("The column of lots (optional). (at most 4096 bytes of UTF-8)", "ko") == (
        "로트 열(선택 사항). (UTF-8로 최대 4096바이트)"
    )
    assert translate_text("The files, up to 7 (repeat the field).", "ko") == "파일, 최대 7개(필드를 반복)."
    assert translate_text("Random seed, 0 to 12: the same seed gives the same answer.", "ko") == (
        "난수 시드, 0에서 12까지: 같은 시드는 같은 답을 줍니다."
    )
    assert translate_text("Nothing the catalogue knows.", "ko") == "Nothing the catalogue knows."
    assert (
        translate_text("The files, up to 7 (repeat the field).", "en")
        == "The files, up to 7 (repeat the field)."
    )


def test_extractor_finds_what_fastapi_writes_into_the_document() -> None:
    source = '''
@router.get("/x", summary="A summary", responses=errors(404, _404="No such x."))
def x(limit: Annotated[int, Query(description="Rows to return.")]) -> dict:
    """First line.

        Indented continuation.
    \f
    Not shown by FastAPI.
    """

class Body(BaseModel):
    """A body."""

    seed: int = Field(description="A seed." if True else "Another seed.")

class Plain:
    """Not a model: not in the document."""

RESPONSES = {201: {"description": "Done"}}
FORM = multipart_form({"column": "The column."}, files=1)
'''
    texts = [text for _line, text in openapi_texts(source)]
    assert sorted(texts) == sorted(
        [
            "A summary",
            "No such x.",
            "Rows to return.",
            "First line.\n\n    Indented continuation.",
            "A body.",
            "A seed.",
            "Another seed.",
            "Done",
            "The column.",
        ]
    )
