"""Warnings and errors printed on stderr keep text in square brackets (Rich would read ``[Summary]`` as markup)."""

from __future__ import annotations

import pytest

from gwangyang.cli.battery import print_warnings


def test_bracketed_words_in_a_warning_are_printed(capsys: pytest.CaptureFixture[str]) -> None:
    # a Novonix section name, a TOML table and a bracketed Korean note: all three used to vanish from the line
    print_warnings(
        [
            {
                "cell_id": "셀[1]",
                "file": "광양 [2호기].csv",
                "kind": "unknown_column",
                "detail": "section [Summary] not read; [cycling] ignored; [참고] 단위",
            }
        ]
    )
    err = capsys.readouterr().err
    assert (
        "warning  셀[1] (광양 [2호기].csv) unknown_column: section [Summary] not read; [cycling] ignored; [참고] 단위"
        in err
    )
