"""One way to get a headless Matplotlib whose text renders Hangul and other CJK characters.

Korean cell ids and labels must show as Hangul in PNG plots, not as empty boxes. Matplotlib's
default font (DejaVu Sans) has no Hangul, so :func:`pyplot` registers a Noto Sans CJK face when the
system has one (Debian's ``fonts-noto-cjk``, installed by ``scripts/setup.sh``) and appends it to
``font.family`` as a fallback: Latin text keeps its look, CJK characters fall back to Noto.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path
from types import ModuleType

__all__ = ["CJK_FONT_FILES", "cjk_font_name", "pyplot"]

_LOG = logging.getLogger(__name__)

#: Where Debian and other distributions put Noto Sans CJK; the first that exists is used.
CJK_FONT_FILES: tuple[str, ...] = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansKR-Regular.ttf",
    "/Library/Fonts/NotoSansCJK-Regular.ttc",
)


@cache
def cjk_font_name() -> str | None:
    """Register the first Noto Sans CJK file found with Matplotlib and return its family name.

    Returns
    -------
    str or None
        The family name (e.g. ``"Noto Sans CJK JP"``, which covers Hangul), or ``None`` when no
        CJK font is installed; a warning is logged then, since Korean text will show as boxes.
    """
    from matplotlib import font_manager

    for candidate in CJK_FONT_FILES:
        path = Path(candidate)
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
            return str(font_manager.FontProperties(fname=str(path)).get_name())
    _LOG.warning("no CJK font found (install fonts-noto-cjk): Korean text in plots will show as boxes")
    return None


def pyplot() -> ModuleType:
    """``matplotlib.pyplot`` on the headless Agg back end with a CJK fallback font.

    Returns
    -------
    module
        ``matplotlib.pyplot``, ready for ``subplots`` and ``savefig``.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    name = cjk_font_name()
    families = list(matplotlib.rcParams["font.family"])
    if name is not None and name not in families:
        # After the default family: Latin glyphs keep their look; Hangul falls back to Noto.
        matplotlib.rcParams["font.family"] = [*families, name]
    return plt
