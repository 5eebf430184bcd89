"""The optimize part's lines as the pages show them: a campaign kept in the store whose state cannot be read.

:func:`gwangyang.optimize.campaign.Campaign.open` composes them; the optimize page lists such a campaign with its
error. :mod:`.i18n` tries the patterns after the twin's.
"""

from __future__ import annotations

import re

from .phrases import N_, phrase

OPTIMIZE_TERMS: tuple[str, ...] = (
    # the closing part of "no campaign here" (``"; "``-separated)
    N_("run `gwangyang optimize init` first."),
    # the closing part of a table's columns a space does not name
    N_("left out."),
)
"""Whole parts of a campaign's refusals (translated by the catalogue as they are); listed for the extractor."""

OPTIMIZE_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    phrase(N_("%(file)s: not a campaign state file (%(kind)s)."), kind=r"\w+"),
    phrase(N_("%(file)s: state version %(version)s, expected %(expected)s."), expected=r"\d+"),
    phrase(N_("%(folder)s: no campaign here (no %(file)s)")),
    # a history or proposal table's columns the space does not name (gwangyang.optimize.process.unused_columns)
    phrase(
        N_("%(file)s: column(s) %(columns)s not parameters of the space %(space)s"),
        columns=r"'[^']*'(?:, '[^']*')*",
        space=r"'[^']*'",
    ),
)
"""A campaign's refusals for its state file and the warning for a table's unused columns, each with its msgid."""
