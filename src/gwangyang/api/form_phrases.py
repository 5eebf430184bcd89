"""A request's field refused, as the pages show it: Pydantic's messages and an upload's form fields.

An API's 422 ``detail`` (``common.js`` writes each as ``field: message``) and :mod:`.form_fields`' refusals of an
upload's text fields (seed, workers, days), and a value of the wrong kind or not among the choices. Tried last
but for the port's warnings: their ``where`` is any field.
"""

from __future__ import annotations

import re

from .phrases import N_, phrase

FORM_TERMS: tuple[str, ...] = (
    # the kinds of value in Pydantic's "Input should be a valid ..." (an API's 422 detail)
    N_("number"),
    N_("integer"),
    N_("list"),
    N_("array"),
    N_("dictionary"),
    N_("string"),
    N_("boolean"),
)
"""The kinds of value Pydantic names; listed for the extractor."""

FORM_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # Pydantic's messages in an API's 422 detail (common.js writes each as "field: message")
    phrase(N_("%(where)s: Field required"), where=r"[^:]+"),
    # gwangyang.api.form_fields.form_model: an upload's form field (seed, workers, days) as the model reads it
    phrase(
        N_("%(where)s: Input should be greater than or equal to %(n)s, got %(got)s"), where="[^:]+", n=r"\S+"
    ),
    phrase(
        N_("%(where)s: Input should be less than or equal to %(n)s, got %(got)s"), where="[^:]+", n=r"\S+"
    ),
    phrase(N_("%(where)s: Input should be greater than %(n)s, got %(got)s"), where="[^:]+", n=r"\S+"),
    phrase(N_("%(where)s: Input should be less than %(n)s, got %(got)s"), where="[^:]+", n=r"\S+"),
    # a field's value of the wrong kind or not among the choices (form fields, a scenario's, SPC's chart)
    phrase(N_("%(where)s: expected a number, got %(got)s")),
    phrase(N_("%(where)s: expected one of %(choices)s, got %(got)s."), where="[^:]+"),
    (
        re.compile(
            r"^(?P<where>[^:]+): Input should be a valid (?P<word>number|integer|list|array|dictionary|string|boolean)(?:, .*)?$"
        ),
        N_("%(where)s: Input should be a valid %(word)s"),
    ),
    phrase(N_("%(where)s: Input should be greater than or equal to %(n)s"), where=r"[^:]+", n=r"\S+"),
    phrase(N_("%(where)s: Input should be less than or equal to %(n)s"), where=r"[^:]+", n=r"\S+"),
    phrase(N_("%(where)s: Input should be greater than %(n)s"), where=r"[^:]+", n=r"\S+"),
    phrase(N_("%(where)s: Input should be less than %(n)s"), where=r"[^:]+", n=r"\S+"),
)
"""Patterns of a field's refusals, each with the msgid that translates it."""
