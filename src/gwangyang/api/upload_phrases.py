"""An upload refused before it is read, as the pages' upload forms show it: its size, its files' names, kinds and number.

:mod:`.uploads` (every upload route: the body, the file names, zip archives) and the routes that take files of given
kinds (:mod:`.routes.port_upload`, :mod:`.routes.logistics`, :mod:`.routes.factory`) name the file and the limit; the
patterns keep them as they are. :mod:`.i18n` tries them with the other patterns.
"""

from __future__ import annotations

import re

from .phrases import N_, phrase

UPLOAD_TERMS: tuple[str, ...] = (
    N_("upload: expected a multipart/form-data body with a boundary."),
    N_("refused as a possible decompression bomb."),
)
"""Whole upload refusals and closing parts (translated by the catalogue as they are); listed for the extractor."""

UPLOAD_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # gwangyang.api.uploads: the body, the names, the archives
    phrase(N_("upload: %(n)s bytes is over the limit of %(most)s bytes."), n=r"\d+", most=r"\d+"),
    phrase(N_("upload: more than %(n)s files in one request."), n=r"\d+"),
    phrase(N_("filename %(name)s: sent twice in one upload.")),
    phrase(N_("filename %(name)s: expected a plain file name of 1 to 200 characters.")),
    phrase(N_("filename %(name)s: path separators and control characters are not allowed.")),
    phrase(N_("filename %(name)s: names starting with '.' or containing '..' are not allowed.")),
    phrase(N_("%(file)s: an archive of %(n)s members"), n=r"\d+"),
    phrase(N_("at most %(n)s."), n=r"\d+"),
    phrase(
        N_(
            "%(file)s: expands from %(packed)s to %(expanded)s bytes, over the limits (%(ratio)s times, %(most)s bytes)"
        ),
        packed=r"\d+",
        expanded=r"\d+",
        ratio=r"\d+",
        most=r"\d+",
    ),
    # the port's own scenario (routes.port_upload): a scenario .toml and at most one call list .csv
    phrase(N_("%(file)s: unknown file kind (expected a scenario .toml and optionally its call list .csv).")),
    phrase(
        N_("upload: expected one scenario .toml and at most one call list .csv, got %(n)s and %(m)s."),
        n=r"\d+",
        m=r"\d+",
    ),
    phrase(
        N_("%(file)s: %(size)s bytes is over the limit of %(most)s bytes for this kind of file."),
        size=r"\d+",
        most=r"\d+",
    ),
    # a routing problem file (routes.logistics) and a factory table (routes.factory)
    phrase(N_("%(file)s: unknown problem format (expected %(suffixes)s, and optionally a .sol).")),
    phrase(
        N_("upload: expected one problem file and at most one .sol, got %(n)s and %(m)s."), n=r"\d+", m=r"\d+"
    ),
    phrase(N_("upload: expected one table file, got %(n)s."), n=r"\d+"),
    phrase(N_("%(file)s: unknown table format (expected %(suffixes)s).")),
)
"""Patterns of the upload refusals, each with the msgid that translates it."""
