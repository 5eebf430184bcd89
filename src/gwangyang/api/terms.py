"""Words that services return as values and pages show as words: part titles, roles, job states, grades, statuses.

Listed so that the extractor puts them in the catalogue (the pages translate them with ``_()`` or ``g.t``); the
words of one concept's lines are with that concept's patterns (:data:`.battery_phrases.BATTERY_TERMS`,
:data:`.forecast_phrases.FORECAST_TERMS`, :data:`.port_phrases.PORT_KPI_TERMS`, :data:`.form_phrases.FORM_TERMS`).
"""

from __future__ import annotations

from .phrases import N_

TERMS: tuple[str, ...] = (
    # Values of the service documents that pages show as words: part titles, roles, triage grades, job and
    # solver states, policies.
    N_("Batteries"),
    N_("Quality"),
    N_("Port"),
    N_("Logistics"),
    N_("Factory"),
    N_("Optimize"),
    N_("admin"),
    N_("operator"),
    N_("viewer"),
    N_("second life"),
    N_("reuse"),
    N_("recycle"),
    N_("second_life"),
    N_("OPTIMAL"),
    N_("queued"),
    N_("running"),
    N_("done"),
    N_("failed"),
    N_("maximize"),
    N_("minimize"),
    N_("nearest"),
    N_("earliest_due"),
    N_("lookahead"),
    N_("FEASIBLE"),
    N_("INFEASIBLE"),
)
"""Words that reach the pages as data; listed so that the extractor puts them in the catalogue."""
