"""The battery part's composed lines as the pages show them: a cell's flags, health note and life prediction's notes.

:mod:`gwangyang.battery` composes them (a cell's flags and screening reasons, a cycle's anomalies, the ingest's
columns left out, a file of no known cycler); ``word`` groups are translated as terms (:data:`BATTERY_TERMS`).
:mod:`.i18n` tries them after the reader's and the routing file's patterns.
"""

from __future__ import annotations

import re

from .phrases import N_, phrase

BATTERY_TERMS: tuple[str, ...] = (
    # anomaly kinds, flags and notes that reach the pages as words
    N_("capacity drop"),
    N_("capacity step"),
    N_("efficiency dip"),
    N_("resistance jump"),
    N_("capacity_drop"),
    N_("capacity_step"),
    N_("efficiency_dip"),
    N_("resistance_jump"),
    N_("health, life and fleet summaries leave them out"),
    N_("capacity"),
    N_("noise"),
    N_("split into one cycle each"),
    N_("shipped Severson sample (train split)"),
    N_("capacity spike"),
    N_("capacity_spike"),
    # the kind of file in gwangyang.battery.io.registry's "unknown cycler format" error
    N_("text"),
    N_("binary"),
    # how gwangyang.battery.rul estimated a cell's end of life, after it on the cell page
    N_("template"),
    N_("extrapolation"),
    # the closing part of gwangyang.battery.rul's note on an interval it cannot calibrate
    N_("it spans the template and extrapolation intervals"),
)
"""Words of the battery part's values and lines; listed for the extractor."""

BATTERY_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # Lines the services compose from parts (flags, screening reasons); ``word`` groups are translated too.
    phrase(N_("end of life (SOH < %(limit)s %%)"), limit=r"[\d.]+"),
    phrase(
        N_("interval not calibrated: %(n)s template(s), %(needed)s needed for nominal %(coverage)s coverage"),
        n=r"\d+",
        needed=r"\d+",
        coverage=r"\d+%",
    ),
    phrase(N_("%(word)s (cycle %(cycle)s)"), word=r"[a-z_ ]+", cycle=r"\d+"),
    phrase(N_("%(name)s high (robust z %(z)s)"), name=r"\S+", z=r"[-+\d.]+"),
    phrase(N_("%(name)s low (robust z %(z)s)"), name=r"\S+", z=r"[-+\d.]+"),
    phrase(
        N_("multivariate outlier (robust Mahalanobis² %(d2)s > %(limit)s)"), d2=r"[\d.]+", limit=r"[\d.]+"
    ),
    phrase(N_("isolation forest outlier (score %(score)s)"), score=r"[-\d.]+"),
    phrase(
        N_("%(n)s cycle(s) not complete (no charge or no discharge, or cut by the file): %(cycles)s"),
        n=r"\d+",
        cycles=r".*",
    ),
    phrase(N_("store cells of known life (%(store)s)"), store=r".*"),
    phrase(N_("cycler cycle %(cycle)s holds %(n)s charge/discharge loops"), cycle=r"\d+", n=r"\d+"),
    phrase(
        N_("%(n)s cycle(s) complete, with coulombic efficiency outside %(low)s-%(high)s: %(cycles)s"),
        n=r"\d+",
        low=r"[\d.]+",
        high=r"[\d.]+",
        cycles=r".*",
    ),
    # gwangyang.battery.service.cell_health (the cell page's health note): the cell as repr writes it
    phrase(
        N_("(cell %(cell)s: %(word)s: needs at least %(n)s cycles with a positive capacity, got %(got)s.)"),
        cell=r"'[^']*'|\"[^\"]*\"",
        word=r"[a-z_ ]+",
        n=r"\d+",
        got=r"\d+",
    ),
    # gwangyang.battery.life_predict.predict_cells: a prediction beyond the training range
    phrase(
        N_(
            "feature %(name)s lies %(sd)s training standard deviations outside the training cells' range: "
            "the prediction extrapolates and its interval was not calibrated there"
        ),
        name=r"\S+",
        sd=r"[\d.]+",
    ),
    # Errors the API returns (``detail``) and failed jobs' errors, as the pages' scripts show them
    # (split at ``"; "`` like every composed line). gwangyang.battery.io.registry: a file of no known cycler
    phrase(
        N_("%(where)s: unknown cycler format (%(word)s file not recognised as %(vendors)s or %(last)s"),
        word=r"text|binary",
        last=r"[^ ;]+",
    ),
    phrase(N_("use --column-map for another cycler).")),
    phrase(N_("use --column-map for another cycler)")),  # a companion's part follows
    # the same refusal of an uploaded file (API, pages): the map goes with the upload's files
    phrase(N_("upload a column map (.toml) with the file for another cycler).")),
    phrase(N_("upload a column map (.toml) with the file for another cycler)")),
    phrase(N_("its companion (metadata) file %(companion)s is not read either.")),
    # gwangyang.battery.schema: columns of a cycler file that the reader left out (an ingest warning)
    phrase(N_("column(s) not read: %(columns)s")),
)
"""Patterns of the battery part's composed lines, each with the msgid that translates it."""
