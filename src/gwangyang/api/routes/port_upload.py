"""Port API: a planner's own scenarios uploaded, one simulated or two compared (``/simulate/file``, ``/compare/file``).

A scenario TOML and its call list CSV (when ``[arrivals] process = "file"``) are read and checked at once (a bad
file is answered 400 before any job, naming the file and field, and for a comparison the scenario, A or B) and not
kept; the job writes them into a folder of its own, runs :func:`gwangyang.port.service.simulate_upload`
(``gwangyang port simulate --scenario FILE``'s service) or :func:`gwangyang.port.service.compare_uploads`
(``gwangyang port compare A.toml B.toml``'s) and removes the folder. :mod:`.port` includes :data:`router`.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, Field

from ...errors import InputError
from ...port import service
from ...store import artifacts
from ..common import JobsDep, StoreDep, WaitQuery
from ..error_responses import JOB_ERRORS, UPLOAD_ERRORS, errors
from ..fields import Seed
from ..form_fields import form_model
from ..jobs import Progress
from ..phrases import N_
from ..responses import finish_job
from ..upload_reading import any_files, main_and_extra, read_upload
from ..uploads import SavedUpload, UploadError, multipart_form

router = APIRouter()
"""The upload route, without prefix: :mod:`.port`'s router includes it under ``/api/v1/port``."""


class SimulateOptions(BaseModel):
    """A simulation's settings, the same for a shipped scenario (JSON) and an uploaded one (form fields)."""

    days: float = Field(30.0, strict=True, gt=0, le=366, description="Simulated days per replication.")
    replications: int = Field(1, strict=True, ge=1, le=50)
    seed: Seed = 0
    warmup_days: float = Field(0.0, strict=True, ge=0, le=60)


FILE_FIELDS = {
    "days": N_("Simulated days per replication (more than 0, at most 366; default 30)."),
    "replications": N_("Independent runs, seeds seed..seed+R-1 (1 to 50; default 1)."),
    "seed": N_("Random seed, 0 to 2147483647 (default 0): the same seed gives the same answer."),
    "warmup_days": N_("Days left out of waiting statistics (0 to 60, fewer than days; default 0)."),
}
"""The text fields of ``POST /simulate/file``."""


class CompareOptions(BaseModel):
    """A comparison's settings, the same for shipped scenarios (JSON) and uploaded ones (form fields)."""

    days: float = Field(30.0, strict=True, gt=0, le=366, description="Simulated days per replication.")
    replications: int = Field(5, strict=True, ge=1, le=50)
    seed: Seed = 0
    warmup_days: float = Field(0.0, strict=True, ge=0, le=60)


COMPARE_FIELDS = {
    **FILE_FIELDS,
    "replications": N_("Paired runs, seeds seed..seed+R-1 in both A and B (1 to 50; default 5)."),
}
"""The text fields of ``POST /compare/file``."""

COMPARE_FILES = {
    "a": N_(
        "Scenario A (the baseline): its .toml and, when it reads one, its call list .csv (repeat the field)."
    ),
    "b": N_(
        "Scenario B (compared with A): its .toml and, when it reads one, its call list .csv (repeat the field)."
    ),
}
"""The file fields of ``POST /compare/file``: which scenario a file belongs to is its field."""


def _check_files(files: list[Path], prefix: str = "") -> tuple[Path, Path | None]:
    """The scenario TOML and the optional call list of an upload, by their names' endings and sizes.

    ``prefix`` starts each refusal (``"scenario A: "``: which of two scenarios the files belong to).
    """
    scenario, call_list = main_and_extra(
        files,
        (service.SCENARIO_SUFFIX,),
        service.CALL_LIST_SUFFIX,
        f"unknown file kind (expected a scenario {service.SCENARIO_SUFFIX} and optionally its call list "
        f"{service.CALL_LIST_SUFFIX})",
        f"expected one scenario {service.SCENARIO_SUFFIX} and at most one call list {service.CALL_LIST_SUFFIX}",
        prefix,
    )
    limits = [
        (scenario, service.MAX_SCENARIO_BYTES),
        *((c, service.MAX_CALL_LIST_BYTES) for c in [call_list] if c),
    ]
    for path, most in limits:
        size = path.stat().st_size
        if size > most:
            raise UploadError(
                f"{prefix}{path.name}: {size} bytes is over the limit of {most} bytes for this kind of file.",
                413,
            )
    return scenario, call_list


def _simulate_file(
    upload: service.UploadedScenario, uploads: Path, form: SimulateOptions, progress: Progress
) -> dict[str, Any]:
    return service.simulate_upload(
        upload, uploads, form.days, form.seed, form.replications, form.warmup_days, progress=progress
    )


@router.post(
    "/simulate/file",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Simulate an uploaded scenario TOML and its call list (a job)",
    responses={201: {"description": "Done (with `wait`)"}, **errors(*UPLOAD_ERRORS, *JOB_ERRORS)},
    openapi_extra=multipart_form(FILE_FIELDS, files=2),
)
async def simulate_file(
    request: Request, response: Response, store: StoreDep, jobs: JobsDep, wait: WaitQuery = 0
) -> dict[str, Any]:
    """A job that simulates one uploaded scenario (multipart ``files``), as ``gwangyang port simulate --scenario FILE``.

    The files are a scenario ``.toml`` (the format of the shipped ones, docs/port.md) and, when it reads its calls
    from a file (``[arrivals] process = "file"``), that call list ``.csv``, which ``arrivals.schedule`` names by its
    file name. Both are read at once (a bad file or field is answered 400 before any job, naming it) and not kept.
    The result is the CLI's ``--json`` document with the files' names as ``file`` and ``call_list``.
    """
    uploads = artifacts.uploads_dir(store)

    def read(
        files: tuple[Path, Path | None], saved: SavedUpload
    ) -> tuple[SimulateOptions, service.UploadedScenario]:
        form = form_model(saved.fields, SimulateOptions)
        return form, service.read_upload(*files, form.days, uploads)

    form, upload = await read_upload(request, lambda saved: _check_files(saved.files), read)
    params = {
        "file": upload.file,
        "call_list": upload.call_list,
        "scenario": upload.name,
        **form.model_dump(),
    }
    work = partial(_simulate_file, upload, uploads, form)
    job = jobs.submit("port.simulate", work, params=params, isolated=True)
    return await finish_job(request, response, job, wait)


def _read_scenario(label: str, files: list[Path], days: float, uploads: Path) -> service.UploadedScenario:
    """Scenario ``label``'s files checked (:func:`_check_files`, :func:`gwangyang.port.service.read_upload`)."""
    prefix = f"scenario {label}: "
    scenario, call_list = _check_files(files, prefix)
    try:
        return service.read_upload(scenario, call_list, days, uploads)
    except UploadError as exc:
        raise UploadError(f"{prefix}{exc}", exc.status_code) from exc
    except InputError as exc:
        raise InputError(f"{prefix}{exc}") from exc


def _compare_files(
    a: service.UploadedScenario,
    b: service.UploadedScenario,
    uploads: Path,
    form: CompareOptions,
    progress: Progress,
) -> dict[str, Any]:
    return service.compare_uploads(
        a, b, uploads, form.days, form.replications, form.seed, form.warmup_days, progress=progress
    )


@router.post(
    "/compare/file",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Compare two uploaded scenarios, A and B, each a TOML with its call list (a job)",
    responses={201: {"description": "Done (with `wait`)"}, **errors(*UPLOAD_ERRORS, *JOB_ERRORS)},
    openapi_extra=multipart_form(COMPARE_FIELDS, files=2, file_fields=COMPARE_FILES),
)
async def compare_file(
    request: Request, response: Response, store: StoreDep, jobs: JobsDep, wait: WaitQuery = 0
) -> dict[str, Any]:
    """A job that compares two uploaded scenarios, as ``gwangyang port compare A.toml B.toml``.

    Scenario A's files come in the multipart field ``a``, B's in ``b``: each a scenario ``.toml`` and, when it reads
    its calls from a file, that call list ``.csv``, named by its file name in ``arrivals.schedule`` (A and B may
    name files alike). All are read at once (a bad file or field is answered 400 before any job, naming the
    scenario, the file and the field) and not kept. The result is the CLI's ``--json`` document with the files'
    names as ``a_file``, ``a_call_list``, ``b_file`` and ``b_call_list``.
    """
    uploads = artifacts.uploads_dir(store)

    def read(
        files: list[Path], saved: SavedUpload
    ) -> tuple[CompareOptions, service.UploadedScenario, service.UploadedScenario]:
        form = form_model(saved.fields, CompareOptions)
        a, b = [
            _read_scenario(label.upper(), [f for f in files if saved.parts[f] == label], form.days, uploads)
            for label in COMPARE_FILES
        ]
        return form, a, b

    form, a, b = await read_upload(request, any_files, read, tuple(COMPARE_FILES))
    params = {
        "a_file": a.file,
        "a_call_list": a.call_list,
        "a": a.name,
        "b_file": b.file,
        "b_call_list": b.call_list,
        "b": b.name,
        **form.model_dump(),
    }
    work = partial(_compare_files, a, b, uploads, form)
    job = jobs.submit("port.compare", work, params=params, isolated=True)
    return await finish_job(request, response, job, wait)
