"""The form a store's catalog is in (``gwangyang store info``): its latest checkpoint and the log after it.

A checkpoint of this form carries :data:`.catalog_parts.FORM` under :data:`.catalog_parts.FORM_KEY`
in its key-value metadata (row groups of :data:`.catalog_parts.GROUP_ROWS` cells); one without the
mark is of the first form (one large row group), which ``gwangyang store migrate`` rewrites.
"""

from __future__ import annotations

from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq

from .catalog import CATALOG
from .catalog_parts import FORM_KEY
from .catalog_reads import listing


def catalog_form(fs: Any, root: str) -> dict[str, Any]:
    """The catalog's form, read from its files (no snapshot is built).

    Returns
    -------
    dict
        ``form``: the latest checkpoint's mark as a number (``int(FORM)``, this form), 1 when it has
        none (the first form), None when there is no checkpoint yet (segments only); ``checkpoint_version``,
        ``checkpoint_cells`` (its live cells: put rows), ``checkpoint_row_groups`` (0 and 0 and 0
        without one); ``log_files``: the segments after the checkpoint, which every reader applies.
    """
    names = listing(fs, root)
    checkpoints = [n for n in names if n.startswith("c")]
    base = int(checkpoints[-1][1:13]) if checkpoints else 0
    out: dict[str, Any] = {
        "form": None,
        "checkpoint_version": base,
        "checkpoint_cells": 0,
        "checkpoint_row_groups": 0,
        "log_files": sum(1 for n in names if n.startswith("v") and int(n[1:13]) > base),
    }
    if checkpoints:
        with fs.open(f"{root}/{CATALOG}/{checkpoints[-1]}", "rb") as handle:
            file = pq.ParquetFile(handle)
            mark = (file.metadata.metadata or {}).get(FORM_KEY)
            ops = file.read(columns=["op"]).column("op")
            out["form"] = (
                1 if mark is None else int(mark) if mark.isdigit() else mark.decode(errors="replace")
            )
            out["checkpoint_cells"] = int(pc.sum(pc.equal(ops, "put")).as_py() or 0)
            out["checkpoint_row_groups"] = file.metadata.num_row_groups
    return out
