"""A cycler file the ingest refused or set aside, as the battery pages show it: the ingest's own lines.

:mod:`gwangyang.battery.ingest` (a file not ingested, a cell of another organisation, a file already in store),
:mod:`~gwangyang.battery.build` and :mod:`~gwangyang.battery.stitch` (a file that does not continue the stored cell
named after it) and :mod:`~gwangyang.battery.grouping` (a path that is not there, a companion file no data file
reads), and a failed job's error as an upload with ``wait`` answers it. A line starts with the file (``.+``: a name
may hold spaces, colons and Hangul); a reader's refusal inside one (``rest``) is read again. :mod:`.i18n` tries
them after the upload refusals and before :data:`.reader_phrases.READER_PHRASES`, the readers' lines.
"""

from __future__ import annotations

import re

from .phrases import N_, phrase

INGEST_TERMS: tuple[str, ...] = (
    # closing parts (after "; ") of the lines below, translated by the catalogue as they are
    N_("give the file another name."),
    N_("give it another cell id or replace the cell."),
    N_("ingest it as another cell or replace the stored one (CLI: --cell-id NAME, --replace)."),
    N_("already in store, in another organisation's cell"),
)
"""Closing parts of the ingest's lines (after ``"; "``); listed for the extractor."""

INGEST_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # gwangyang.api.responses.finish_job: a failed job's error as an upload with ``wait`` answers it (422)
    phrase(N_("%(rest)s (job %(job)s)"), job=r"[0-9a-f]{32}"),
    # gwangyang.battery.ingest: a file that failed (its reader's refusal is read again)
    phrase(N_("%(file)s: not ingested: another file of test %(cell)s failed.")),
    phrase(N_("%(file)s: not ingested: %(rest)s")),
    phrase(N_("%(file)s: cell %(cell)s is another organisation's")),
    # gwangyang.battery.build / stitch: a file named after a stored cell that it does not continue (409)
    phrase(N_("%(file)s: cell %(cell)s already holds %(names)s (%(vendor)s)"), vendor=r"[^()]+"),
    phrase(N_("this file does not continue it: it comes from another cycler (%(vendor)s)"), vendor=r"[^()]+"),
    phrase(N_("this file does not continue it: it comes from another cycler (%(vendor)s"), vendor=r"[^()]+"),
    phrase(N_("the cell's is %(vendor)s)"), vendor=r"[^()]+"),
    phrase(
        N_(
            "this file does not continue it: it was recorded on channel %(mine)s, the cell on channel %(theirs)s"
        )
    ),
    phrase(
        N_("this file does not continue it: its %(key)s is %(mine)s, the cell's is %(theirs)s"), key=r"\w+"
    ),
    phrase(
        N_(
            "this file does not continue it: its start time or the cell's end is unknown, so it cannot be shown to "
            "continue the cell"
        )
    ),
    phrase(
        N_("this file does not continue it: it starts at %(start)s, before the cell's last row at %(last)s"),
        start=r"\S+",
        last=r"\S+",
    ),
    phrase(N_("cell %(cell)s: files of one test come from different cyclers (%(vendors)s).")),
    phrase(N_("%(file)s: cell %(cell)s already holds %(vendor)s data")),
    phrase(N_("this %(found)s file does not continue it")),
    phrase(N_("already in store as cell %(cell)s")),
    phrase(N_("same content as %(file)s")),
    # gwangyang.battery.grouping: a path that is not there; a companion no data file given reads
    phrase(N_("%(path)s: no such file or folder.")),
    phrase(
        N_("%(file)s: a companion (metadata) file that no data file beside it reads (files of its name: none")
    ),
    phrase(
        N_(
            "%(file)s: a companion (metadata) file that no data file beside it reads (files of its name: %(names)s"
        )
    ),
    phrase(
        N_("%(file)s: a companion (metadata) file, read with its data file (%(names)s), which was not given")
    ),
    # gwangyang.battery.io.map_companions: a companion beside a file read with a column map that does not read it
    phrase(
        N_(
            "%(file)s: a companion (metadata) file beside %(data)s, not read: the column map %(map)s is named "
            "%(name)s, and only maps named arbin or novonix read their cycler's companion"
        ),
        name=r"'[^']*'",
    ),
    phrase(
        N_(
            "%(file)s: a companion (metadata) file beside %(data)s, not read: the %(reader)s companion reader looks "
            "for another name"
        ),
        reader=r"arbin|novonix",
    ),
)
"""Patterns of the ingest's refusals and set-aside files, each with the msgid that translates it."""
