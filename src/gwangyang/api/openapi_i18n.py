"""The OpenAPI document and the API docs pages (``/docs``, ``/redoc``) in the language of the request.

``/openapi.json`` is the English document FastAPI builds, with every ``summary`` and ``description``
(operations, parameters, bodies, responses, headers, schemas and their fields, the API's own) put through
the catalogue of the request's language, the one the pages use (``?lang=``, the language cookie,
``Accept-Language``, the server's default). Only those texts change: paths, names, titles, types,
examples and enums stay as they are, so clients and validators see the same API in either language. The
texts reach the catalogue through :func:`.openapi_messages.extract`; FastAPI's own two response
descriptions are marked here. Swagger UI's and ReDoc's own labels are English in their bundles;
``web/static/apidocs.js`` translates Swagger UI's with the same catalogue.
"""

from __future__ import annotations

import copy
import html
import re
from typing import Any

from fastapi.responses import HTMLResponse

from . import i18n
from .phrases import N_

FASTAPI_TEXTS = (N_("Successful Response"), N_("Validation Error"), N_("Gwangyang API"))
"""Texts FastAPI writes into the document itself, and the docs pages' title."""

COMPOSED: tuple[tuple[re.Pattern[str], str], ...] = (
    # uploads.multipart_form: a text field's description and its limit in bytes (the description is looked up)
    (
        re.compile(r"(?P<text>.+) \(at most (?P<bytes>\d+) bytes of UTF-8\)"),
        N_("%(text)s (at most %(bytes)s bytes of UTF-8)"),
    ),
    (
        re.compile(r"The files, up to (?P<count>\d+) \(repeat the field\)\."),
        N_("The files, up to %(count)s (repeat the field)."),
    ),
    # fields.Seed and fields.TimeLimit
    (
        re.compile(r"Random seed, 0 to (?P<most>\d+): the same seed gives the same answer\."),
        N_("Random seed, 0 to %(most)s: the same seed gives the same answer."),
    ),
    (
        re.compile(r"The solver's wall-clock limit, seconds \(at most (?P<seconds>\d+)\)\."),
        N_("The solver's wall-clock limit, seconds (at most %(seconds)s)."),
    ),
)
"""Texts the code composes with a number: a pattern and the msgid that translates it (its ``text`` group is looked up too)."""

TRANSLATED_KEYS = frozenset({"summary", "description"})
"""The keys whose string values are translated."""

VERBATIM_KEYS = frozenset({"example", "examples", "default", "enum", "const", "title"})
"""Keys whose values are data or names, never translated (nor looked into)."""


def translate_text(text: str, lang: str) -> str:
    """One text in ``lang``: the catalogue's, else a :data:`COMPOSED` pattern's, else the text itself."""
    translated = i18n.gettext_for(lang, text)
    if translated != text or lang == "en":
        return translated
    for pattern, msgid in COMPOSED:
        match = pattern.fullmatch(text)
        if match:
            fields = match.groupdict()
            if "text" in fields:
                fields["text"] = i18n.gettext_for(lang, fields["text"])
            return i18n.gettext_for(lang, msgid) % fields
    return text


def translate_texts(node: Any, lang: str) -> Any:
    """A copy of an OpenAPI (sub)document with its ``summary`` and ``description`` texts in ``lang``.

    ``properties`` maps field names to schemas, so a field named ``summary`` or ``description`` is a
    schema there, never a text.
    """
    if isinstance(node, list):
        return [translate_texts(item, lang) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in VERBATIM_KEYS:
            out[key] = copy.deepcopy(value)
        elif key in TRANSLATED_KEYS and isinstance(value, str):
            out[key] = translate_text(value, lang)
        elif key == "properties" and isinstance(value, dict):
            out[key] = {name: translate_texts(schema, lang) for name, schema in value.items()}
        else:
            out[key] = translate_texts(value, lang)
    return out


def document_texts(document: dict[str, Any]) -> frozenset[str]:
    """Every text :func:`translate_texts` would look up in ``document``, and the msgids of :data:`COMPOSED`."""
    found: set[str] = {msgid for _pattern, msgid in COMPOSED}

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key in VERBATIM_KEYS:
                    continue
                if key in TRANSLATED_KEYS and isinstance(value, str):
                    found.add(value)
                elif key == "properties" and isinstance(value, dict):
                    for schema in value.values():
                        walk(schema)
                else:
                    walk(value)

    walk(document)
    return frozenset(found)


def localised_openapi(document: dict[str, Any], lang: str) -> dict[str, Any]:
    """The OpenAPI document in ``lang`` (:func:`translate_texts`; the API's title too); English as it is."""
    if lang == "en":
        return document
    out = translate_texts(document, lang)
    info = out.get("info", {})
    if isinstance(info.get("title"), str):
        info["title"] = i18n.gettext_for(lang, info["title"])
    return out


def language_headers(lang: str) -> dict[str, str]:
    """``Content-Language``, and ``Vary`` on what chose it (as the pages send): no cache mixes the languages."""
    return {"Content-Language": lang, "Vary": "Accept-Language, Cookie"}


def _with_language(page: HTMLResponse, lang: str, scripts: tuple[str, ...] = ()) -> HTMLResponse:
    """The docs page with ``<html lang>``, ``Content-Language`` and ``scripts`` loaded at the end of the body."""
    body = bytes(page.body).decode("utf-8")
    body = body.replace("<html>", f'<html lang="{lang}">', 1)
    tags = "".join(f'<script src="{html.escape(src)}"></script>\n' for src in scripts)
    if tags:
        head, _sep, tail = body.rpartition("</body>")
        body = head + tags + "</body>" + tail
    return HTMLResponse(body, headers=language_headers(lang))


def swagger_page(lang: str, assets: str) -> HTMLResponse:
    """Swagger UI on ``/openapi.json?lang=<lang>``, its labels translated by ``apidocs.js`` (not for English)."""
    from fastapi.openapi.docs import get_swagger_ui_html

    page = get_swagger_ui_html(
        openapi_url=f"/openapi.json?lang={lang}",
        title=i18n.gettext_for(lang, "Gwangyang API"),
        swagger_js_url=f"{assets}/swagger-ui-bundle.js",
        swagger_css_url=f"{assets}/swagger-ui.css",
        swagger_favicon_url=f"{assets}/favicon.png",
    )
    scripts = () if lang == "en" else (f"/static/i18n/{lang}.js", "/static/apidocs.js")
    return _with_language(page, lang, scripts)


def redoc_page(lang: str, assets: str) -> HTMLResponse:
    """ReDoc on ``/openapi.json?lang=<lang>`` (its own labels stay English: ReDoc has no translations)."""
    from fastapi.openapi.docs import get_redoc_html

    page = get_redoc_html(
        openapi_url=f"/openapi.json?lang={lang}",
        title=i18n.gettext_for(lang, "Gwangyang API"),
        redoc_js_url=f"{assets}/redoc.standalone.js",
        redoc_favicon_url=f"{assets}/favicon.png",
        with_google_fonts=False,
    )
    return _with_language(page, lang)
