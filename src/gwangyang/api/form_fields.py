"""The text fields of a multipart form checked by a pydantic model: the types and bounds of the JSON bodies.

A form sends text; a JSON body's :data:`~gwangyang.api.fields.Seed` or
:data:`~gwangyang.api.fields.TimeLimit` is strict (no string is a number). :func:`form_model` reads each field's
text as the model's field type first, so an upload's ``seed`` is held to the same bounds as a JSON ``seed``.
"""

from __future__ import annotations

from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError

from ..errors import InputError
from .request_errors import field_lines

Model = TypeVar("Model", bound=BaseModel)


def form_model(fields: dict[str, str], model: type[Model]) -> Model:
    """``model`` from a form's text ``fields``: an absent or empty field takes its default.

    A field of type ``int`` or ``float`` (or ``int | None``) is read as a number first (Python's ``int`` / ``float``); any other is
    passed as text. Fields the model lacks are ignored, as the other upload routes ignore them.

    Raises
    ------
    InputError
        One line naming the first bad field: ``seed: expected a number, got 'x'`` or, as a JSON body's field
        is refused (:func:`.request_errors.field_lines`), ``seed: expected an integer in [0, 2147483647], got
        2147483648``.
    """
    values: dict[str, object] = {}
    for name, info in model.model_fields.items():
        text = (fields.get(name) or "").strip()
        if not text:
            continue
        kind = _text_type(info.annotation)
        try:
            values[name] = kind(text)
        except ValueError as exc:
            raise InputError(f"{name}: expected a number, got {text[:20]!r}") from exc
    try:
        return model(**values)
    except ValidationError as exc:
        raise InputError(field_lines(exc.errors()[:1], model=model)) from exc


def _text_type(annotation: Any) -> type:
    """How a field's text is read: ``int`` or ``float`` for a number (also ``int | None``), else ``str``."""
    kinds = [k for k in (get_args(annotation) or (annotation,)) if k is not type(None)]
    if len(kinds) == 1 and kinds[0] in (int, float):
        return kinds[0]
    return str
