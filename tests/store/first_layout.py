"""Stores of the first layout (a folder per cell), written by the code path that wrote them.

Ingest workers stage a cell as a folder (``meta.json`` and one Parquet file per table); the first
layout's commit renamed that folder to ``cells/<shard>/<cell_id>``. These helpers do exactly that.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from gwangyang.battery.grouping import discover, group_files
from gwangyang.battery.ingest import IngestTask, build_cell
from gwangyang.battery.io.base import file_hash
from gwangyang.store.legacy import shard


def first_layout_store(root: Path, paths: list[Path]) -> list[str]:
    """Ingest ``paths`` into a first-layout store at ``root``; the cell ids."""
    root.mkdir(parents=True, exist_ok=True)
    cells = []
    for cell_id, members in group_files(discover(paths)).items():
        staging = root / "staging" / cell_id
        outcome = build_cell(
            IngestTask(
                cell_id=cell_id,
                files=[str(p) for p in members],
                hashes=[file_hash(p) for p in members],
                staging=str(staging),
            )
        )
        assert not outcome.errors, outcome.errors
        target = root / "cells" / shard(cell_id) / cell_id
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(staging, target)
        cells.append(cell_id)
    shutil.rmtree(root / "staging", ignore_errors=True)
    return cells
