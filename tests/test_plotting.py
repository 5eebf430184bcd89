"""Hangul renders as Hangul in PNG plots: distinct glyphs, drawn by a font that has them."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from gwangyang.battery.plots import plot_cycles
from gwangyang.plotting import cjk_font_name, pyplot


def rendered(text: str, tmp_path: Path) -> np.ndarray:
    """The pixels of ``text`` drawn alone on a small figure."""
    plt = pyplot()
    fig = plt.figure(figsize=(1.2, 0.6), dpi=80)
    fig.text(0.1, 0.3, text, fontsize=20)
    out = tmp_path / f"{ord(text[0])}.png"
    fig.savefig(out)
    plt.close(fig)
    return np.asarray(plt.imread(out))


def test_a_cjk_font_is_installed() -> None:
    # scripts/setup.sh installs fonts-noto-cjk; without it Korean ids show as boxes.
    name = cjk_font_name()
    assert name is not None and "CJK" in name


def test_hangul_glyphs_are_distinct_and_inked(tmp_path: Path) -> None:
    # A missing glyph renders as the same empty box for every character; real glyphs differ.
    first, second, third = (rendered(ch, tmp_path) for ch in "배터리")
    assert not np.array_equal(first, second) and not np.array_equal(second, third)
    assert (first[..., :3] < 0.5).any()


def test_korean_cell_id_in_cycles_plot_uses_the_cjk_font(tmp_path: Path) -> None:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    cycles = pd.DataFrame(
        {
            "cycle_index": [1, 2, 3],
            "discharge_capacity_ah": [1.1, 1.09, 1.08],
            "charge_capacity_ah": [1.11, 1.1, 1.09],
            "coulombic_efficiency": [0.99, 0.99, 0.99],
        }
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = plot_cycles(cycles, "배터리 1", tmp_path / "배터리 1.png")
    # Matplotlib warns "Glyph ... missing from font(s)" when no font in the fallback list has it.
    assert not [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert out.stat().st_size > 0
    font = FT2Font(font_manager.findfont(font_manager.FontProperties(family=cjk_font_name())))
    assert all(font.get_char_index(ord(ch)) != 0 for ch in "배터리")
