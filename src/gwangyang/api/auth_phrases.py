"""The API's refusals of a request's token, origin or role (:mod:`.auth`, :mod:`.web`), as the pages show them.

A role refusal is composed of two parts (``user 'op' has the operator role; this needs the admin role.``), each
read by its own pattern; the user's name and the role names stay as written. :mod:`.i18n` tries them with the
other patterns.
"""

from __future__ import annotations

import re

from .phrases import N_, phrase

AUTH_TERMS: tuple[str, ...] = (
    N_("missing or wrong token: send 'Authorization: Bearer <token>' (see the store's .api-token)."),
    N_("cross-site request refused: the Origin is not this server's."),
    N_("this page is for admins."),
)
"""Whole refusals and closing parts (translated by the catalogue as they are); listed for the extractor."""

_ROLE = r"\w+"

AUTH_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    phrase(N_("user %(name)s has the %(role)s role"), name=r"'[^']*'|\"[^\"]*\"", role=_ROLE),
    phrase(N_("this needs the %(role)s role."), role=_ROLE),
)
