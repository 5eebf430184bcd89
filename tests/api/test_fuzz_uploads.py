"""Every upload endpoint fuzzed with generated multipart bodies: no 5xx, only documented statuses, nothing left behind.

Schemathesis reaches these endpoints too (test_fuzz.py), but it names each file after its field (``files``,
``files.png``), so every upload stops at the file-name check. Here the files are named with the suffixes the
endpoints take and filled with generated tables, random bytes, or real files cut short or with bytes changed
(the shipped samples and the cycler files of ../shared/data); the text fields are drawn from plausible values
and junk. After every refused request (4xx) the store holds the same files as before (cells, tables, models,
monitors) and no upload is left in ``<store>/uploads``. The examples are derandomized and capped.
"""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from gwangyang.api import create_app
from gwangyang.api.error_responses import ErrorBody, ValidationErrorBody
from gwangyang.samples import logistics_series, sample_file
from gwangyang.store import Store
from tests.conftest import CYCLERS

from .conftest import AUTH, TOKEN, fastcharge_files
from .test_port_upload import CALLS, POISSON, SCENARIO

EXAMPLES = 25
"""Generated requests per endpoint."""

WAIT = {"wait": 60}
"""Job endpoints wait for their job, so a failed job answers (422) before the store is compared."""

FORMATION = sample_file("quality", "formation_2022.csv")
TEP_NORMAL = sample_file("factory", "tep_normal_d00.csv.gz")
TEP_FAULT = sample_file("factory", "tep_fault01_d01_te.csv.gz")
RETIRED = b"id,chemistry,nominal_capacity_ah,soh\na,LFP,35.0,0.82\nb,LFP,35.0,0.4\n"
"""Two retired cells as the triage reads them (tests/api/test_quality.py)."""
GATE = (
    "영업일,반출입(대)\n"
    + "".join(
        f"{day:%Y-%m-%d},{1_000 + 100 * day.weekday()}\n"
        for day in pd.bdate_range("2024-01-08", periods=45)
        if f"{day:%Y-%m-%d}" != "2024-02-09"
    )
).encode()
"""A business-day gate count with a holiday (tests/api/test_logistics.py has its like)."""
TINY_VRP = (
    "NAME : 작은 문제\nTYPE : CVRP\nDIMENSION : 5\nEDGE_WEIGHT_TYPE : EUC_2D\nCAPACITY : 10\nNODE_COORD_SECTION\n"
    "1 0 0\n2 3 4\n3 6 8\n4 -3 4\n5 0 -5\nDEMAND_SECTION\n1 0\n2 4\n3 4\n4 5\n5 5\nDEPOT_SECTION\n1\n-1\nEOF\n"
).encode()
"""Four clients on trucks of 10 (tests/api/test_logistics_upload.py solves it by hand)."""
TINY_SOL = b"Route #1: 1 2\nRoute #2: 3 4\nCost 39\n"
SOLOMON = (
    "광양 R101\n\nVEHICLE\nNUMBER CAPACITY\n 25 200\n\nCUSTOMER\n"
    "CUST NO. XCOORD. YCOORD. DEMAND READY TIME DUE DATE SERVICE TIME\n\n"
    " 0 35 35 0 0 230 0\n 1 41 49 10 161 171 10\n 2 35 17 7 50 60 10\n 3 55 45 13 116 126 10\n"
).encode()
"""The depot and first three customers of Solomon's R101."""

COLUMNS = (
    "cell_id", "cellid", "셀ID", "id", "lot", "line", "date", "ocv_v", "acir_mohm", "capacity_ah",
    "k_value_mv_per_day", "cycles_to_80_pct", "time_min", "time", "x", "y", "soh", "chemistry",
    "nominal_capacity_ah", "Cycle_Index", "Test_Time(s)", "Voltage(V)", "Current(A)", "is_room_temp_aging",
    "form_final_discharge_capacity_ah", "xmeas_01",
)  # fmt: skip
"""Column names the endpoints look for, and a few they do not."""

SOMETIMES = st.sampled_from([True, True, True, False])
"""Mostly (Hypothesis leans to the first element)."""

JUNK = st.text(st.characters(codec="utf-8"), max_size=12)


@dataclass(frozen=True)
class Upload:
    """One upload endpoint: its path, the file names it sees, its text fields, and real files to start from."""

    path: str
    suffixes: tuple[str, ...]
    fields: dict[str, st.SearchStrategy[str]] = field(default_factory=dict)
    seeds: tuple[Path | bytes, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)
    files: int = 1
    always: tuple[str, ...] = ()
    """Fields sent in every request (a solver's time limit: left out, a job would run for the default 5 s)."""
    file_fields: tuple[str, ...] = ("files",)
    """The multipart fields a file is sent in (drawn per file)."""


def _names(*values: str) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(values), JUNK)


PORT_FIELDS = {
    # days always sent and short: left out, a job would simulate the default 30 days
    "days": st.sampled_from(["0.25", "0.1", "0", "400", "x"]),
    "replications": _names("", "1", "2", "0", "51"),
    "seed": _names("", "0", "7", "-1"),
    "warmup_days": _names("", "0", "0.05", "61", "x"),
}
"""The text fields of the port's scenario uploads."""

PORT_SEEDS = (
    SCENARIO.encode(),
    CALLS.encode(),
    POISSON.encode(),
    SCENARIO.replace("입항 일정.csv", "t.csv").encode(),
)
"""A Korean scenario reading its call list ``입항 일정.csv`` (or ``t.csv``), the call list, one without a call list."""


UPLOADS = (
    Upload(
        "/api/v1/battery/uploads",
        (".csv", ".xlsx", ".txt", ".mpt", ".res", ".bin"),
        {"chemistry": _names("", "LFP", "NMC", "LCO")},
        tuple(fastcharge_files(CYCLERS)),
        WAIT,
        files=2,
    ),
    Upload(
        "/api/v1/battery/production", (".csv", ".parquet", ".txt"), {"id_column": _names("cellid", *COLUMNS[:4])}, (FORMATION,)
    ),
    Upload(
        "/api/v1/quality/screen",
        (".csv", ".csv.gz", ".parquet"),
        {"id_column": _names("cellid", *COLUMNS[:4]), "lot_column": _names("", "lot"), "columns": _names("", "ocv_v,acir_mohm")},
        (FORMATION,),
    ),
    Upload(
        "/api/v1/quality/formation",
        (".csv",),
        {"target": _names("", "cycles_to_80_pct"), "id_column": _names("", "cellid"), "covariates": _names("", "none")},
        (FORMATION,),
    ),
    Upload("/api/v1/quality/triage", (".csv", ".toml"), {}, (RETIRED, b'currency = "EUR"\n'), files=2),
    Upload(
        "/api/v1/factory/spc",
        (".csv", ".csv.gz", ".xlsx", ".xls"),
        {
            "column": _names("form_final_discharge_capacity_ah", "xmeas_01", *COLUMNS),
            "limits": _names("", "0,1", ",5", "a,b"),
            "subgroup": _names("", "1", "4", "0", "x"),
            "chart": _names("", "auto", "variables", "p", "np", "c", "u", "x"),
            "subgroup_column": _names("", "lot", "cellid"),
            "size_column": _names("", "cellid", "lot"),
        },
        (FORMATION, TEP_NORMAL),
    ),
    Upload(
        "/api/v1/factory/monitors",
        (".csv", ".csv.gz"),
        {
            "name": _names("line1", "셀라인", ".x", "a..b"),
            "time_column": _names("time_min", "time"),
            "method": _names("", "pca", "dpca", "kpca"),
            "alpha": _names("", "0.01", "0", "2", "nan"),
            "k": _names("", "3", "0", "-1"),
            "holdout": _names("", "0.3", "1", "-0.5"),
        },
        (TEP_NORMAL,),
        WAIT,
    ),
    Upload("/api/v1/factory/monitors/line1/score", (".csv", ".csv.gz"), {}, (TEP_FAULT,), WAIT),
    Upload(
        "/api/v1/logistics/forecast/file",
        (".csv", ".parquet", ".txt"),
        {
            "date_column": _names("", "ds", "영업일", "date"),
            "target": _names("", "y", "반출입(대)", "TEU COUNT_Total_Total"),
            "horizon": _names("", "5", "0", "105", "x"),
            "windows": _names("", "1", "7"),
        },
        (GATE, logistics_series()),
        WAIT,
    ),
    Upload(
        "/api/v1/logistics/routes/file",
        (".vrp", ".txt", ".toml", ".json", ".sol"),
        {
            "time_limit": st.sampled_from(["0.05", "0.1", "0", "-1", "121", "x", "nan", "inf"]),
            "seed": _names("", "0", "7", "-1", "2147483648", "1e3"),
            "solver": _names("", "pyvrp", "ortools", "gurobi"),
        },
        (TINY_VRP, TINY_SOL, SOLOMON, b'name = "x"\n[settings]\ndistance_matrix = "/etc/passwd"\n'),
        WAIT,
        files=2,
        always=("time_limit",),
    ),
    Upload(
        "/api/v1/port/simulate/file", (".toml", ".csv", ".xlsx"), PORT_FIELDS, PORT_SEEDS, WAIT, files=2, always=("days",)
    ),
    Upload(
        "/api/v1/port/compare/file",
        (".toml", ".csv"),
        PORT_FIELDS,
        PORT_SEEDS,
        WAIT,
        files=4,
        always=("days",),
        file_fields=("a", "b", "a", "b", "files"),
    ),
)  # fmt: skip


@st.composite
def _table(draw: st.DrawFn) -> bytes:
    """A small CSV of drawn column names and cells: numbers, text, blanks, NaN and infinities."""
    header = draw(st.lists(_names(*COLUMNS), min_size=1, max_size=5))
    cell = st.one_of(
        st.integers(-(10**12), 10**12).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.sampled_from(["", "nan", "inf", "a", "셀-1", "2024-01-01", '"x,y"']),
    )
    rows = draw(st.lists(st.lists(cell, min_size=len(header), max_size=len(header)), max_size=8))
    return "\n".join(",".join(row) for row in [header, *rows]).encode()


@st.composite
def _content(draw: st.DrawFn, seeds: tuple[Path | bytes, ...]) -> bytes:
    """A file's bytes: a real file as it is, or cut short and with a few bytes changed; a generated table; random."""
    kinds = ["real", "mutated", "table", "mutated", "random"] if seeds else ["table", "random"]
    kind = draw(st.sampled_from(kinds))
    if kind == "random":
        return draw(st.binary(max_size=256))
    if kind == "table":
        return draw(_table())
    seed = draw(st.sampled_from(seeds))
    data = bytearray(seed if isinstance(seed, bytes) else seed.read_bytes())
    if kind == "real":
        return bytes(data)
    if draw(st.booleans()):  # a compressed sample: sometimes its text, cut short
        data = bytearray(gzip.decompress(data)) if data[:2] == b"\x1f\x8b" else data
    data = data[: draw(st.integers(0, len(data)))]
    for _ in range(draw(st.integers(0, 3))):
        if data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


@st.composite
def _request(draw: st.DrawFn, upload: Upload) -> tuple[list[tuple[str, tuple[str, bytes]]], dict[str, str]]:
    count = draw(st.sampled_from([1, 1, 1, 0, *range(2, upload.files + 1)]))
    plausible = st.sampled_from(["t", "셀 표", "CS2_35", "FastCharge_000025_CH8", "입항 일정"])
    stems = st.one_of(plausible, plausible, JUNK)
    files = [
        (
            draw(st.sampled_from(upload.file_fields)),
            (draw(stems) + draw(st.sampled_from(upload.suffixes)), draw(_content(upload.seeds))),
        )
        for _ in range(count)
    ]
    fields = {
        name: draw(values)
        for name, values in upload.fields.items()
        if name in upload.always or draw(SOMETIMES)
    }
    return files, fields


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file of the store but the audit log and the job records.

    The uploads are in: a refused one must leave none (an ingested one stays, its cells' source).
    """
    kept = {}
    for path in root.rglob("*"):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and not relative.startswith(("accounts/", "jobs/")):
            stat = path.stat()
            kept[relative] = (stat.st_size, stat.st_mtime_ns)
    return kept


@pytest.fixture(scope="module")
def upload_client(filled_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A client of a copy of the filled store with the monitor ``line1`` fitted, and a 1 MiB upload limit."""
    root = tmp_path_factory.mktemp("fuzz-uploads") / "store"
    shutil.copytree(filled_store, root)
    app = create_app(root, token=TOKEN, max_upload_bytes=1024 * 1024)
    with TestClient(app, headers=AUTH) as client:
        normal = TEP_NORMAL
        fitted = client.post(
            "/api/v1/factory/monitors",
            params=WAIT,
            data={"name": "line1", "time_column": "time_min"},
            files={"files": (normal.name, normal.read_bytes())},
        )
        assert fitted.status_code == 201, fitted.text
        yield client


def _documented(client: TestClient, path: str) -> set[int]:
    schema = client.app.openapi()  # type: ignore[attr-defined]
    route = path.replace("/line1/", "/{name}/")
    return {int(code) for code in schema["paths"][route]["post"]["responses"]}


@pytest.mark.parametrize("upload", UPLOADS, ids=[u.path.removeprefix("/api/v1/") for u in UPLOADS])
def test_generated_uploads_answer_as_documented_and_leave_nothing(
    upload_client: TestClient, upload: Upload
) -> None:
    """No 5xx, a documented status and body, and after a refusal the store as it was, no upload left."""
    client = upload_client
    root = Path(client.app.state.store.root)  # type: ignore[attr-defined]
    documented = _documented(client, upload.path)
    seen: dict[int, int] = {}

    @given(request=_request(upload))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    def check(request: tuple[list[tuple[str, tuple[str, bytes]]], dict[str, str]]) -> None:
        files, fields = request
        before, cells = _snapshot(root), len(Store(root).metas())
        response = client.post(upload.path, params=upload.params, files=files or None, data=fields)
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        assert response.status_code < 500, response.text
        assert response.status_code in documented, (response.status_code, response.text)
        assert response.headers["content-type"] == "application/json", response.headers
        assert str(root) not in response.text
        if response.status_code >= 400:
            body: type[BaseModel] = ValidationErrorBody if response.status_code == 422 else ErrorBody
            body.model_validate(response.json())
            assert _snapshot(root) == before, response.text
            assert len(Store(root).metas()) == cells

    check()
    assert sum(seen.values()) >= EXAMPLES // 2, seen


def test_an_upload_that_is_read_is_a_table_of_the_store(upload_client: TestClient) -> None:
    """The generator reaches past the name checks: a real sample table is screened (200), not refused."""
    table = FORMATION
    response = upload_client.post(
        "/api/v1/quality/screen",
        files={"files": (table.name, table.read_bytes())},
        data={"id_column": "cellid"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["n_cells"] == 39  # the shipped formation table: 39 cells


def test_a_reader_error_names_the_file_as_sent_not_its_folder_on_the_server(fresh_client: TestClient) -> None:
    """Found by the fuzzer: ``uploads/<random>/t.csv: column 'x' is missing`` showed where uploads are kept."""
    response = fresh_client.post(
        "/api/v1/factory/spc", files={"files": ("표 1.csv", b"a,b\n1,2\n3,4\n")}, data={"column": "x"}
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "표 1.csv: column 'x' is missing."}


def test_a_failed_monitor_fit_leaves_its_name_free(fresh_client: TestClient) -> None:
    """Found by the fuzzer: the name was claimed (``<name>.org.json``) before the fit ran, and stayed when it failed."""
    root = Path(fresh_client.app.state.store.root)  # type: ignore[attr-defined]
    failed = fresh_client.post(
        "/api/v1/factory/monitors",
        params=WAIT,
        data={"name": "라인1", "time_column": "time_min"},
        files={"files": ("empty.csv", b"time_min,x\n")},
    )
    assert failed.status_code == 422, failed.text
    assert not list(root.rglob("*.org.json"))
    assert fresh_client.get("/api/v1/factory/monitors").json() == []


def test_errors_name_the_form_fields_not_the_cli_options(fresh_client: TestClient) -> None:
    """Found by the fuzzer: the API answered ``--limits: ...`` and ``--id-column 'x' is not a column``."""
    spc = fresh_client.post(
        "/api/v1/factory/spc", files={"files": ("t.csv", b"a\n1\n2\n")}, data={"column": "a", "limits": "a,b"}
    )
    assert spc.status_code == 400
    assert spc.json() == {"detail": "limits: expected numbers L,U, got 'a,b'."}
    formation = fresh_client.post(
        "/api/v1/quality/formation",
        files={"files": (FORMATION.name, FORMATION.read_bytes())},
        data={"id_column": "셀번호"},
    )
    assert formation.status_code == 400
    assert formation.json() == {"detail": "formation_2022.csv: id_column '셀번호' is not a column."}
    # the services name their parameters themselves (no rewrite in the API): lot_column too, which was sent as --lot-column
    screen = fresh_client.post(
        "/api/v1/quality/screen",
        files={"files": (FORMATION.name, FORMATION.read_bytes())},
        data={"id_column": "cellid", "lot_column": "배치"},
    )
    assert screen.status_code == 400
    assert screen.json()["detail"].startswith(
        "formation_2022.csv: lot_column '배치' is not a column (columns: cellid"
    )
