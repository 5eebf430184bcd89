"""The OpenAPI document's texts as messages of the catalogue: a Babel extractor for the API's modules.

FastAPI writes an operation's ``summary=`` and its endpoint's docstring, a parameter's or field's
``description=`` and a model's docstring into ``/openapi.json``. None of them is a ``_()`` call, so
Python's extractor misses them; :func:`extract` (named in ``babel.cfg`` for ``src/gwangyang/api/**.py``)
yields what Python's extractor yields plus these texts, as FastAPI and pydantic write them (docstrings
through :func:`inspect.cleandoc`, the part after a form feed left out). :mod:`.openapi_i18n` translates
the document with the catalogue they land in.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any, cast

from babel.messages.extract import extract_python

ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "api_route"})
"""Decorators (``@router.get(...)`` and the like) whose function's docstring is an operation's description."""

TEXT_KEYWORDS = frozenset({"summary", "description"})
"""Keyword arguments (of a route decorator, ``Query``, ``Field``, ``Path``, ``Form``...) that are OpenAPI texts."""

Extracted = tuple[int, str | None, str | tuple[str, ...], list[str]]
"""What a Babel extractor yields: line, function name, message, comments."""


def _docstring(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, route: bool) -> str | None:
    """The docstring as FastAPI (a route's: cleaned, cut at a form feed) or pydantic (a model's: cleaned) show it."""
    raw = ast.get_docstring(node, clean=False)
    if not raw:
        return None
    text = inspect.cleandoc(raw)
    return (text.split("\f")[0].strip() if route else text) or None


def _is_route(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for decorator in node.decorator_list:
        func = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(func, ast.Attribute) and func.attr in ROUTE_METHODS:
            return True
    return False


def _is_model(node: ast.ClassDef) -> bool:
    """A pydantic model (a base named ``BaseModel`` or ``RootModel``): its docstring is the schema's description."""
    for base in node.bases:
        target = base.value if isinstance(base, ast.Subscript) else base
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name in {"BaseModel", "RootModel"}:
            return True
    return False


def _strings(node: ast.expr) -> Iterator[tuple[int, str]]:
    """``(line, text)`` of the string constants ``node`` may evaluate to (a constant, either branch of ``a if c else b``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
        yield node.lineno, node.value
    elif isinstance(node, ast.IfExp):
        yield from _strings(node.body)
        yield from _strings(node.orelse)


def _is_text_keyword(name: str | None) -> bool:
    """``summary=``, ``description=``, or a status's own description for ``errors()`` (``_404=``)."""
    return name is not None and (name in TEXT_KEYWORDS or (name[:1] == "_" and name[1:].isdigit()))


def openapi_texts(source: str) -> Iterator[tuple[int, str]]:
    """``(line, text)`` of every OpenAPI text in a module's source.

    Route docstrings, pydantic models' docstrings, ``summary=`` / ``description=`` / ``_<status>=``
    keyword arguments, ``"description"`` entries of dict literals (``responses=``, hand-written schemas)
    and the field descriptions given to ``multipart_form({...})``.
    """
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _is_route(node):
            doc = _docstring(node, route=True)
            if doc:
                yield node.lineno, doc
        elif isinstance(node, ast.ClassDef) and _is_model(node):
            doc = _docstring(node, route=False)
            if doc:
                yield node.lineno, doc
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                if _is_text_keyword(keyword.arg):
                    yield from _strings(keyword.value)
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == "multipart_form" and node.args and isinstance(node.args[0], ast.Dict):
                for value in node.args[0].values:
                    yield from _strings(value)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "description":
                    yield from _strings(value)


def extract(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any] | Collection[str],
    comment_tags: Collection[str],
    options: dict[str, Any],
) -> Iterator[Extracted]:
    """Babel's Python extractor's messages, then the module's OpenAPI texts (:func:`openapi_texts`)."""
    for found in extract_python(fileobj, keywords, comment_tags, options):  # type: ignore[arg-type]
        yield cast(Extracted, found)  # babel annotates its own tuples' order wrongly
    fileobj.seek(0)
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    for line, text in openapi_texts(source):
        yield line, None, text, []
