"""A request that fails validation, answered as every other refusal is: one line naming each field and what was expected.

FastAPI answers a body, query or path parameter that fails pydantic's validation with pydantic's own records
(``Input should be greater than or equal to 0.05``). :func:`validation_error` answers instead 422 with
``{"detail": "body.start_c: expected a number in [0.05, 10], got 0.01", "errors": [...]}``: ``detail`` is one
line, a part per field (``"; "``-separated, as every composed line), each naming the field by its place
(``body.start_c``, ``query.limit``, ``path.job_id``) and what was expected (the range, read from the field's
declared bounds where pydantic names one of them only; the type; the allowed values; the length; the pattern);
``errors`` keeps FastAPI's records for programs. ``detail`` is in the request's language (``?lang=``, the language
cookie, ``Accept-Language``, the server's default), each part one msgid of :mod:`.request_phrases` filled with
the same values, whose patterns read the English parts too (``common.js``'s ``phrase``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from . import i18n
from .request_phrases import (
    BOOLEAN,
    CHOICES,
    INTEGER,
    INTEGER_IN,
    ITEMS_AT_LEAST,
    ITEMS_AT_MOST,
    LIST,
    NOT_JSON,
    NUMBER,
    NUMBER_IN,
    OBJECT,
    PATH_IDS,
    PATTERN,
    REQUIRED,
    TEXT,
    TEXT_AT_LEAST,
    TEXT_AT_MOST,
    UNKNOWN_FIELD,
)
from .web import page_language

OWN_MESSAGE = "%(where)s: %(msg)s"
"""Any other record: its place and pydantic's or the validator's message (``Value error, `` left out)."""

_BOUND_TYPES = {"greater_than_equal", "greater_than", "less_than_equal", "less_than", "int_range"}
_TYPE_MESSAGES = {
    "float_type": NUMBER,
    "float_parsing": NUMBER,
    "finite_number": NUMBER,
    "int_type": INTEGER,
    "int_parsing": INTEGER,
    "int_from_float": INTEGER,
    "string_type": TEXT,
    "string_unicode": TEXT,
    "bool_type": BOOLEAN,
    "bool_parsing": BOOLEAN,
    "list_type": LIST,
    "tuple_type": LIST,
    "set_type": LIST,
    "dict_type": OBJECT,
    "model_type": OBJECT,
    "model_attributes_type": OBJECT,
}
_LENGTHS = {
    "string_too_long": (TEXT_AT_MOST, "max_length"),
    "string_too_short": (TEXT_AT_LEAST, "min_length"),
    "too_long": (ITEMS_AT_MOST, "max_length"),
    "too_short": (ITEMS_AT_LEAST, "min_length"),
}
_GOT_LENGTH = 40
"""Characters of a refused value shown in the line (the rest is ``…``)."""


async def validation_error(request: Request, exc: Exception) -> Response:
    """The app's answer to :class:`~fastapi.exceptions.RequestValidationError`: 422, one line and the records."""
    assert isinstance(exc, RequestValidationError)
    records = list(exc.errors())
    lang = page_language(request)
    detail = field_lines(records, lang, request.scope.get("route"))
    # a path id that does not match its pattern: 400, as the services' own checks of ids answer
    in_path = all(tuple(record.get("loc", ()))[:1] == ("path",) for record in records)
    return JSONResponse(
        {"detail": detail, "errors": jsonable_encoder(records)},
        status_code=400 if records and in_path else 422,
        headers={"Content-Language": lang},
    )


def field_lines(
    records: Iterable[Mapping[str, Any]],
    lang: str = "en",
    route: Any = None,
    model: type[BaseModel] | None = None,
) -> str:
    """Pydantic's error ``records`` as one line in ``lang``: a ``"; "``-separated part per record (repeats once).

    ``route`` (FastAPI's ``APIRoute`` of the request), or the ``model`` the records are of (an upload's form
    fields, :func:`.form_fields.form_model`), gives a field's declared bounds, so a number below its floor names its
    ceiling too (``[0.05, 10]``); without them the line names the bound pydantic gives.
    """
    catalogue = i18n.translations(lang) if lang != "en" else None
    parts: list[str] = []
    for record in records:
        msgid, values = field_message(record, route, model)
        if msgid == OWN_MESSAGE:  # a validator's own line (a forecast's date), read as the pages read it
            values["msg"] = i18n.phrase(values["msg"], lang)
        elif catalogue is not None:
            msgid = catalogue.gettext(msgid)
        part = msgid % values
        if part not in parts:
            parts.append(part)
    return "; ".join(parts)


def field_message(
    record: Mapping[str, Any], route: Any = None, model: type[BaseModel] | None = None
) -> tuple[str, dict[str, str]]:
    """The msgid of one pydantic error ``record`` and the values that fill it (``where``, ``got``, ...)."""
    loc = [str(part) for part in record.get("loc", ())]
    kind = str(record.get("type", ""))
    ctx: Mapping[str, Any] = record.get("ctx") or {}
    value = record.get("input")
    values = {"where": ".".join(loc) or "body", "got": shown(value)}
    annotation, metadata = _declared(route, loc) if model is None else _within(model, loc)
    if kind == "missing":
        return REQUIRED, values
    if kind in _BOUND_TYPES:
        bounds = {**_bounds(metadata), **{k: ctx[k] for k in ("ge", "gt", "le", "lt") if k in ctx}}
        integer = kind == "int_range" or _is_integer(annotation)
        return (INTEGER_IN if integer else NUMBER_IN), {**values, "range": interval(bounds)}
    if kind in _TYPE_MESSAGES:
        return _TYPE_MESSAGES[kind], values
    if kind in ("literal_error", "enum"):
        return CHOICES, {**values, "choices": _choices(annotation, str(ctx.get("expected", "")))}
    if kind in _LENGTHS:
        msgid, key = _LENGTHS[kind]
        count = len(value) if isinstance(value, (str, list, tuple, dict)) else "?"
        return msgid, {**values, "n": str(ctx.get(key, "?")), "count": str(count)}
    if kind == "string_pattern_mismatch":
        return PATTERN, {**values, "pattern": str(ctx.get("pattern", ""))}
    if kind == "path_id" and ctx.get("kind") in PATH_IDS:
        return PATH_IDS[str(ctx["kind"])], values
    if kind == "json_invalid":
        return NOT_JSON, {"where": loc[0] if loc else "body", "n": loc[1] if len(loc) > 1 else "?"}
    if kind == "extra_forbidden":
        return UNKNOWN_FIELD, values
    message = str(record.get("msg", "")).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return OWN_MESSAGE, {**values, "msg": message}


def shown(value: Any) -> str:
    """A refused value as a line shows it: text quoted (``'x'``), JSON's ``true``/``null``, at most 40 characters."""
    if isinstance(value, str):
        text = repr(value[:_GOT_LENGTH] + ("…" if len(value) > _GOT_LENGTH else ""))
    elif isinstance(value, bool) or value is None:
        text = json.dumps(value)
    elif isinstance(value, (int, float)):
        text = number(value)
    else:
        try:
            text = json.dumps(jsonable_encoder(value), ensure_ascii=False, separators=(", ", ": "))
        except (TypeError, ValueError):
            text = repr(value)
        if len(text) > _GOT_LENGTH:
            text = text[:_GOT_LENGTH] + "…"
    return text


def number(value: float) -> str:
    """A bound or a value as a person writes it: ``10`` for ``10.0``, ``0.05``, ``2147483647``."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def interval(bounds: Mapping[str, Any]) -> str:
    """``{"ge": 0.05, "le": 10}`` as ``[0.05, 10]``; an open side ``(0, 120]``, an unbounded one ``[0, ∞)``."""
    if "gt" in bounds:
        low = f"({number(bounds['gt'])}"
    elif "ge" in bounds:
        low = f"[{number(bounds['ge'])}"
    else:
        low = "(-∞"
    if "lt" in bounds:
        high = f"{number(bounds['lt'])})"
    elif "le" in bounds:
        high = f"{number(bounds['le'])}]"
    else:
        high = "∞)"
    return f"{low}, {high}"


def _choices(annotation: Any, expected: str) -> str:
    """The allowed values, quoted and comma-separated: the field's ``Literal``'s, else pydantic's ``expected``."""
    for kind in _members(annotation):
        if get_origin(kind) is Literal:
            return ", ".join(repr(choice) for choice in get_args(kind))
    return expected.replace(" or ", ", ")


def _members(annotation: Any) -> list[Any]:
    """``annotation`` and, for a union (``X | None``), its members."""
    origin = get_origin(annotation)
    if origin is Union or type(annotation).__name__ == "UnionType":
        return [member for member in get_args(annotation) if member is not type(None)]
    return [annotation]


def _is_integer(annotation: Any) -> bool:
    """Whether a field's type is an integer (``int`` or ``int | None``)."""
    return any(kind is int for kind in _members(annotation))


def _declared(route: Any, loc: Sequence[str]) -> tuple[Any, list[Any]]:
    """The declared type of the field at ``loc`` of ``route``'s request and its constraints (``Ge``, ``Le``, ...).

    ``(None, [])`` where it cannot be found. A body's fields are followed through its models and into a list's
    items (``body.arrival.3``), ``Annotated`` types giving their constraints.
    """
    dependant = getattr(route, "dependant", None)
    if dependant is None or not loc:
        return None, []
    place, *names = loc
    if place != "body":
        params = {
            "query": dependant.query_params,
            "path": dependant.path_params,
            "header": dependant.header_params,
        }
        for param in params.get(place, ()):
            if len(names) == 1 and param.alias == names[0]:
                return param.field_info.annotation, list(param.field_info.metadata)
        return None, []
    body = getattr(route, "body_field", None)
    if body is None or len(dependant.body_params) > 1:  # an embedded body: no model to follow
        return None, []
    return _within(body.field_info.annotation, names)


def _within(annotation: Any, names: Sequence[str]) -> tuple[Any, list[Any]]:
    """The type and constraints of the field ``names`` leads to inside ``annotation`` (a model, a list, ...)."""
    metadata: list[Any] = []
    for name in names:
        annotation, metadata = _unwrapped(annotation)
        fields = _model_fields(annotation)
        if fields is not None and name in fields:
            annotation, metadata = fields[name].annotation, list(fields[name].metadata)
        elif name.isdigit() and get_origin(annotation) in (list, tuple) and get_args(annotation):
            annotation, metadata = get_args(annotation)[0], []
        else:
            return None, []
    annotation, more = _unwrapped(annotation)
    return annotation, metadata + more


def _unwrapped(annotation: Any) -> tuple[Any, list[Any]]:
    """``Annotated[X, ...]`` as ``X`` and its constraints (a ``FieldInfo``'s own), ``X | None`` as ``X``."""
    metadata: list[Any] = []
    if get_origin(annotation) is Annotated:
        annotation, *extras = get_args(annotation)
        for extra in extras:
            metadata.extend(getattr(extra, "metadata", None) or [extra])
    members = _members(annotation)
    if len(members) == 1 and members[0] is not annotation:
        return _unwrapped(members[0])[0], metadata
    return annotation, metadata


def _model_fields(annotation: Any) -> Mapping[str, Any] | None:
    """The fields of the pydantic model ``annotation`` is (or holds, as ``Model | None``), or ``None``."""
    for kind in _members(annotation):
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            return kind.model_fields
    return None


def _bounds(metadata: Iterable[Any]) -> dict[str, Any]:
    """The ``ge``/``gt``/``le``/``lt`` among a field's constraints (``Field(ge=...)``, ``Query(le=...)``)."""
    bounds: dict[str, Any] = {}
    for item in metadata:
        for key in ("ge", "gt", "le", "lt"):
            if getattr(item, key, None) is not None:
                bounds[key] = getattr(item, key)
    return bounds
