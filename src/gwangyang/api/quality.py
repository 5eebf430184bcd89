"""Quality API (``/api/v1/quality``): screen a production table, check cycling anomalies, triage retired cells.

* ``POST /screen``: multipart, one table (``files``) and fields ``id_column``, optional ``lot_column`` and
  ``columns`` (comma-separated) → the screening result (``flagged``, ``n_cells``, ``lot_alarms``).
* ``GET /anomalies``: check the store's cells (or ``cell_id=...``, repeatable) incrementally → anomalies.
* ``POST /triage``: multipart, one cell table and optionally one rules ``.toml`` → grades and values;
  pulse tables are estimated with a model trained on the shipped PulseBat data.
* ``GET /summary``: the summary ``gwangyang demo`` saved (screening, anomalies, triage).
"""

from __future__ import annotations

import json
import shutil
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.concurrency import run_in_threadpool

from ..battery.quality.pulse import PulseSOHEstimator
from ..errors import InputError, NotFoundError
from ..store import Store
from .auth import require_token
from .parts import Part
from .uploads import SavedUpload, UploadError, receive_files

router = APIRouter(prefix="/api/v1/quality", tags=["quality"], dependencies=[Depends(require_token)])

TABLE_SUFFIXES = (".csv", ".csv.gz", ".parquet", ".pq")


async def _upload(request: Request) -> SavedUpload:
    store: Store = request.app.state.store
    return await receive_files(request, store.root / "uploads", request.app.state.max_upload_bytes)


def _split(saved: SavedUpload) -> tuple[Path, Path | None]:
    tables = [f for f in saved.files if f.name.lower().endswith(TABLE_SUFFIXES)]
    rules = [f for f in saved.files if f.name.lower().endswith(".toml")]
    if len(tables) != 1 or len(rules) > 1 or len(tables) + len(rules) != len(saved.files):
        names = ", ".join(f.name for f in saved.files) or "none"
        raise UploadError(
            f"upload: expected one table ({', '.join(TABLE_SUFFIXES)}) and at most one rules .toml, got {names}.",
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
        )
    return tables[0], (rules[0] if rules else None)


@router.post("/screen", summary="Screen a per-cell production table")
async def screen_table(request: Request) -> dict[str, Any]:
    """Flagged cells with reasons and driving measurements, per lot; SPC lot alarms."""
    from ..battery.quality.screening import screen
    from ..battery.quality.tables import read_table

    saved = await _upload(request)
    try:
        table, _ = _split(saved)
        id_column = saved.fields.get("id_column", "").strip()
        if not id_column:
            raise InputError("id_column: expected the name of the table's cell-id column.")
        lot_column = saved.fields.get("lot_column", "").strip() or None
        columns = [c.strip() for c in saved.fields.get("columns", "").split(",") if c.strip()] or None

        def work() -> dict[str, Any]:
            frame = read_table(table)
            return screen(frame, id_column, lot_column, columns, source=table.name).to_dict()

        return await run_in_threadpool(work)
    finally:
        shutil.rmtree(saved.folder, ignore_errors=True)


@router.get("/anomalies", summary="Cycling anomalies of cells in the store")
async def anomalies(
    request: Request,
    cell_id: Annotated[list[str] | None, Query(description="Cells to check (default: all).")] = None,
    recompute: Annotated[bool, Query(description="Ignore the saved detector state.")] = False,
) -> dict[str, Any]:
    """Checks only the cycles added since the last check; ``new`` marks anomalies found by this call."""
    from ..battery.quality.monitor import check_cells

    store: Store = request.app.state.store
    report = await run_in_threadpool(check_cells, store, cell_id or None, None, recompute)
    return report.to_dict()


@lru_cache(maxsize=1)
def shipped_estimator() -> PulseSOHEstimator:
    """Pulse SOH estimator trained on the shipped PulseBat sample (fitted once per process)."""
    from ..battery.quality.demo import sample_pulse

    return PulseSOHEstimator().fit(sample_pulse(), "shipped PulseBat data")


@router.post("/triage", summary="Grade retired cells and value their materials")
async def triage_cells(request: Request) -> dict[str, Any]:
    """Per cell ``{id, soh, soh_low, soh_high, grade, reasons, value}`` and batch totals."""
    from ..battery.quality.pulse import PULSE_COLUMNS
    from ..battery.quality.tables import read_table
    from ..battery.quality.triage import TriageRules, triage

    saved = await _upload(request)
    try:
        table, rules_file = _split(saved)

        def work() -> dict[str, Any]:
            rules = TriageRules.from_toml(rules_file) if rules_file else TriageRules()
            frame = read_table(table)
            estimator = shipped_estimator() if all(c in frame.columns for c in PULSE_COLUMNS) else None
            return triage(frame, estimator, rules, source=table.name)

        return await run_in_threadpool(work)
    finally:
        shutil.rmtree(saved.folder, ignore_errors=True)


def load_summary(store: Store) -> dict[str, Any] | None:
    """The quality summary ``gwangyang demo`` saved in the store, if any."""
    from ..battery.quality.demo import summary_path

    try:
        data: dict[str, Any] = json.loads(summary_path(store).read_text())
    except (OSError, ValueError):
        return None
    return data


@router.get("/summary", summary="The demo's quality summary")
def summary(request: Request) -> dict[str, Any]:
    """Screening of the formation sample, the store's anomalies, triage of held-out PulseBat cells."""
    store: Store = request.app.state.store
    data = load_summary(store)
    if data is None:
        raise NotFoundError("quality summary: not in store (run `gwangyang demo`).")
    return data


def _pages() -> APIRouter:
    from fastapi.responses import HTMLResponse

    from ..battery.quality.monitor import saved_anomalies
    from .web import page_auth, render

    pages = APIRouter(include_in_schema=False, dependencies=[Depends(page_auth)])

    @pages.get("/quality", response_class=HTMLResponse)
    def quality_page(request: Request) -> HTMLResponse:
        """Flagged cells, cycling anomalies and triage grades with an SOH chart."""
        store: Store = request.app.state.store
        data = load_summary(store) or {}
        found = saved_anomalies(store) or data.get("anomalies", [])
        triage = data.get("triage") or {}
        cells = sorted(triage.get("cells", []), key=lambda c: c["soh"])
        page_data = {
            "page": "quality",
            "triage": [
                {k: c[k] for k in ("id", "chemistry", "soh", "soh_low", "soh_high", "grade")} for c in cells
            ],
        }
        context = {
            "screening": data.get("screening"),
            "anomalies": found,
            "triage": triage,
            "triage_cells": cells,
            "page_data": page_data,
        }
        return render(request, "quality/quality.html", context)

    return pages


PART = Part(name="quality", title="Quality", api=router, pages=_pages, home="/quality")
"""The quality part: its API router and its page."""
