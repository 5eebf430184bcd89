"""Every upload route leaves nothing in ``<store>/uploads``: after its answer, a refusal, and a reader's crash.

The 12 upload routes read their files through :func:`gwangyang.api.upload_reading.read_upload`. Each is sent a
good upload (its answer, or its job submitted: jobs are recorded here, and run at once for the three whose job
takes the saved folder over and removes it), a file of a kind it does not take (415, the message naming the
file), and a good upload while the function that reads it raises (a one-line 500). After each the store's uploads
folder holds what it held before (``nothing_left`` on the fixture's start), but for the cycler files an ingest
keeps as its cells' source; and the checks of :mod:`gwangyang.api.upload_reading` are tested directly
against the routes' own refusals.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gwangyang.api import create_app
from gwangyang.api.upload_reading import main_and_extra, one_file, one_table
from gwangyang.api.uploads import SavedUpload, UploadError
from tests.conftest import CYCLERS

from .conftest import AUTH, TOKEN, nothing_left
from .test_fuzz_uploads import FORMATION, GATE, RETIRED, TEP_FAULT, TEP_NORMAL, TINY_VRP
from .test_port_upload import POISSON

MACCOR = CYCLERS / "maccor" / "sample_data_maccor.csv"
"""A small Maccor export (1,134 bytes)."""

RUN_AT_ONCE = {"battery.ingest", "factory.fit", "factory.score"}
"""The jobs that take the saved folder over (and remove it): run when submitted."""


@dataclass(frozen=True)
class Route:
    """One upload route: a good upload, its answer's status, and the function (module, name) its reader calls.

    The score's reader only hands the table to the job: its crash is the job submission's (and the job's
    function, named here, is not reached).
    """

    path: str
    files: list[tuple[str, tuple[str, bytes]]]
    status: int
    reader: tuple[str, str]
    data: dict[str, str] = field(default_factory=dict)
    wrong_field: str = "files"


def _files(
    *named: tuple[str, Path | bytes], field_name: str = "files"
) -> list[tuple[str, tuple[str, bytes]]]:
    return [(field_name, (n, c if isinstance(c, bytes) else c.read_bytes())) for n, c in named]


BATTERY, FACTORY = "gwangyang.battery.service", "gwangyang.factory.service"
LOGISTICS, PORT = "gwangyang.logistics.service", "gwangyang.port.service"
FORECAST = "gwangyang.logistics.forecast_service"
ROUTES = (
    Route("/api/v1/battery/uploads", _files(("셀 기록.csv", MACCOR)), 202, (BATTERY, "check_cycler_files")),
    Route(
        "/api/v1/battery/production",
        _files(("생산.csv", FORMATION)),
        200,
        (BATTERY, "ingest_production"),
        {"id_column": "cellid"},
    ),
    Route(
        "/api/v1/quality/screen",
        _files(("생산.csv", FORMATION)),
        200,
        (BATTERY, "screen_table"),
        {"id_column": "cellid"},
    ),
    Route("/api/v1/quality/triage", _files(("퇴역.csv", RETIRED)), 200, (BATTERY, "triage_table")),
    Route("/api/v1/quality/formation", _files(("화성.csv", FORMATION)), 200, (BATTERY, "rank_formation")),
    Route(
        "/api/v1/factory/spc",
        _files(("공정.csv", FORMATION)),
        200,
        (FACTORY, "spc"),
        {"column": "form_final_discharge_capacity_ah"},
    ),
    Route(
        "/api/v1/factory/monitors",
        _files(("정상.csv.gz", TEP_NORMAL)),
        202,
        (FACTORY, "parse_columns"),
        {"name": "line2", "time_column": "time_min"},
    ),
    Route(
        "/api/v1/factory/monitors/line1/score",
        _files(("이상.csv.gz", TEP_FAULT)),
        202,
        ("gwangyang.factory.service", "score_store_monitor"),
    ),
    Route(
        "/api/v1/logistics/forecast/file",
        _files(("반출입.csv", GATE)),
        202,
        (FORECAST, "series_from_file"),
    ),
    Route(
        "/api/v1/logistics/routes/file",
        _files(("작은 문제.vrp", TINY_VRP)),
        202,
        (LOGISTICS, "read_route_file"),
        {"time_limit": "0.1"},
    ),
    Route(
        "/api/v1/port/simulate/file",
        _files(("광양.toml", POISSON.encode())),
        202,
        (PORT, "read_upload"),
        {"days": "0.25"},
    ),
    Route(
        "/api/v1/port/compare/file",
        [
            *_files(("광양.toml", POISSON.encode()), field_name="a"),
            *_files(("광양.toml", POISSON.encode()), field_name="b"),
        ],
        202,
        (PORT, "read_upload"),
        {"days": "0.25"},
        wrong_field="a",
    ),
)
IDS = [r.path.removeprefix("/api/v1/") for r in ROUTES]


@pytest.fixture(scope="module")
def uploads_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, list[str]]]:
    """A client of a store of its own, the monitor ``line1`` fitted, whose jobs are recorded (and the kinds that
    take the folder over run); the kinds submitted; a bug answers 500 rather than raising here."""
    app = create_app(tmp_path_factory.mktemp("upload-reading") / "store", token=TOKEN)
    submitted: list[str] = []

    def submit(
        kind: str, work: Any, params: Any = None, isolated: bool = False, org: Any = None
    ) -> dict[str, Any]:
        submitted.append(kind)
        result = work(lambda done, total: None) if kind in RUN_AT_ONCE else None
        return {
            "id": "0" * 32,
            "kind": kind,
            "status": "queued",
            "params": params,
            "org": org,
            "result": result,
        }

    app.state.jobs.submit = submit
    with TestClient(app, headers=AUTH, raise_server_exceptions=False) as client:
        fitted = client.post(
            "/api/v1/factory/monitors",
            data={"name": "line1", "time_column": "time_min"},
            files={"files": (TEP_NORMAL.name, TEP_NORMAL.read_bytes())},
        )
        assert fitted.status_code == 202, fitted.text
        assert submitted == ["factory.fit"] and nothing_left(client)
        yield client, submitted


def _left(client: TestClient) -> set[str]:
    """What the store's uploads folder holds, from it."""
    uploads = Path(client.app.state.store.root) / "uploads"  # type: ignore[attr-defined]
    return {p.relative_to(uploads).as_posix() for p in uploads.rglob("*")}


@pytest.mark.parametrize("route", ROUTES, ids=IDS)
def test_nothing_left_after_the_answer(uploads_client: tuple[TestClient, list[str]], route: Route) -> None:
    client, submitted = uploads_client
    before, jobs = _left(client), len(submitted)
    response = client.post(route.path, files=route.files, data=route.data)
    assert response.status_code == route.status, response.text
    assert len(submitted) == jobs + (route.status == 202)
    kept = _left(client) - before
    if route.path.endswith("/uploads"):  # ingested: the file stays, the cell's source
        report = response.json()["job"]["result"]
        assert [(i["file"], i["cell_id"]) for i in report["ingested"]] == [("셀 기록.csv", "셀 기록")]
        (folder,) = {k for k in kept if "/" not in k}
        assert kept == {folder, f"{folder}/셀 기록.csv"}
    else:
        assert kept == set()
    if route.path.endswith(("/monitors", "/score")):  # the job ran and did its work
        assert response.json()["job"]["result"] is not None


@pytest.mark.parametrize("route", ROUTES, ids=IDS)
def test_nothing_left_after_a_refusal(uploads_client: tuple[TestClient, list[str]], route: Route) -> None:
    client, submitted = uploads_client
    before, jobs = _left(client), len(submitted)
    wrong = [(route.wrong_field, ("표 1.pdf", b"%PDF-1.4\n"))]
    response = client.post(route.path, files=wrong, data=route.data)
    assert response.status_code == 415, response.text
    assert "표 1.pdf" in response.json()["detail"]
    assert len(submitted) == jobs and _left(client) == before


@pytest.mark.parametrize("route", ROUTES, ids=IDS)
def test_nothing_left_after_a_reader_crash(
    uploads_client: tuple[TestClient, list[str]], route: Route, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, submitted = uploads_client
    before, jobs = _left(client), len(submitted)

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError("a reader's bug")

    monkeypatch.setattr(f"{route.reader[0]}.{route.reader[1]}", crash)
    if route.path.endswith("/score"):
        monkeypatch.setattr(client.app.state.jobs, "submit", crash)  # type: ignore[attr-defined]
    response = client.post(route.path, files=route.files, data=route.data)
    assert response.status_code == 500, response.text
    assert response.json() == {"detail": "internal error: ZeroDivisionError (details in the server log)."}
    assert len(submitted) == jobs and _left(client) == before


HANDED_OVER = [r for r in ROUTES if r.path.endswith(("/uploads", "/monitors", "/score"))]


@pytest.mark.parametrize("route", HANDED_OVER, ids=[r.path.removeprefix("/api/v1/") for r in HANDED_OVER])
def test_nothing_left_when_the_job_that_takes_the_folder_is_not_started(
    uploads_client: tuple[TestClient, list[str]], route: Route, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = uploads_client

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(client.app.state.jobs, "submit", refuse)  # type: ignore[attr-defined]
    data = {**route.data, "name": "line3"} if "name" in route.data else route.data
    before = _left(client)
    response = client.post(route.path, files=route.files, data=data)
    assert response.status_code == 500, response.text
    assert _left(client) == before


def _saved(tmp_path: Path, *names: str) -> SavedUpload:
    return SavedUpload(folder=tmp_path, files=[tmp_path / n for n in names])


def _refusal(check: Any, saved: SavedUpload) -> tuple[str, int]:
    with pytest.raises(UploadError) as caught:
        check(saved)
    return str(caught.value), caught.value.status_code


def test_one_file(tmp_path: Path) -> None:
    check = one_file((".csv", ".parquet"))
    assert check(_saved(tmp_path, "표.CSV")) == tmp_path / "표.CSV"
    assert _refusal(check, _saved(tmp_path, "a.csv", "b.csv")) == (
        "upload: expected one table file, got 2.",
        400,
    )
    assert _refusal(check, _saved(tmp_path)) == ("upload: expected one table file, got 0.", 400)
    assert _refusal(check, _saved(tmp_path, "a.xlsx")) == (
        "a.xlsx: unknown table format (expected .csv, .parquet).",
        415,
    )


def test_one_table(tmp_path: Path) -> None:
    alone, with_rules = one_table((".csv",)), one_table((".csv", ".xlsx"), ".toml", "rules .toml")
    assert alone(_saved(tmp_path, "t.csv")) == (tmp_path / "t.csv", None)
    assert with_rules(_saved(tmp_path, "r.toml", "t.xlsx")) == (tmp_path / "t.xlsx", tmp_path / "r.toml")
    assert _refusal(alone, _saved(tmp_path, "t.csv", "r.toml")) == (
        "upload: expected one table (.csv), got t.csv, r.toml.",
        415,
    )
    assert _refusal(with_rules, _saved(tmp_path, "a.csv", "b.csv")) == (
        "upload: expected one table (.csv, .xlsx) and at most one rules .toml, got a.csv, b.csv.",
        415,
    )
    assert _refusal(with_rules, _saved(tmp_path)) == (
        "upload: expected one table (.csv, .xlsx) and at most one rules .toml, got none.",
        415,
    )


def test_main_and_extra(tmp_path: Path) -> None:
    def check(saved: SavedUpload, prefix: str = "") -> Any:
        return main_and_extra(saved.files, (".toml",), ".csv", "unknown kind", "expected one .toml", prefix)

    assert check(_saved(tmp_path, "s.csv", "s.toml")) == (tmp_path / "s.toml", tmp_path / "s.csv")
    assert check(_saved(tmp_path, "s.toml")) == (tmp_path / "s.toml", None)
    assert _refusal(check, _saved(tmp_path, "s.toml", "x.pdf")) == ("x.pdf: unknown kind.", 415)
    assert _refusal(check, _saved(tmp_path, "a.csv", "b.csv")) == (
        "upload: expected one .toml, got 0 and 2.",
        400,
    )
    assert _refusal(lambda s: check(s, "scenario B: "), _saved(tmp_path, "a.toml", "b.toml")) == (
        "scenario B: expected one .toml, got 2 and 0.",
        400,
    )
