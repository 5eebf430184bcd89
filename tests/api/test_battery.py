from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from .conftest import calce_file, fastcharge_files

API = "/api/v1/battery"


@pytest.fixture(scope="module")
def raw_calce(shared: Path) -> pd.DataFrame:
    """The CALCE workbook's own data sheet, read with pandas (independent of our reader)."""
    sheets = pd.read_excel(calce_file(shared), sheet_name=None, engine="calamine")
    return next(df for name, df in sheets.items() if name.startswith("Channel"))


@pytest.fixture(scope="module")
def shared() -> Path:  # module-scoped twin of tests/conftest.py's fixture
    from tests.conftest import SHARED

    return SHARED


def _vendor_cycle_capacity(raw: pd.DataFrame) -> pd.Series:
    # Arbin's Discharge_Capacity(Ah) is cumulative over the test: a cycle's discharge is its rise within the cycle.
    grouped = raw.groupby("Cycle_Index")["Discharge_Capacity(Ah)"]
    return grouped.max() - grouped.min()


def _whole_cycles(raw: pd.DataFrame) -> pd.Series:
    """The vendor's cycles whose discharge reached the cut-off voltage the others reach (within 0.1 V).

    The workbook's last cycle is cut by the end of the file in its discharge: fleet and health
    figures leave it out (it is flagged incomplete).
    """
    lowest = raw.groupby("Cycle_Index")["Voltage(V)"].min()
    return lowest <= lowest.median() + 0.1


def test_cells_list_matches_vendor_totals(client: TestClient, raw_calce: pd.DataFrame) -> None:
    cells = {c["cell_id"]: c for c in client.get(f"{API}/cells").json()}
    assert set(cells) == {"CS2_35", "FastCharge_000025_CH8"}
    calce = cells["CS2_35"]
    expected = _vendor_cycle_capacity(raw_calce)[_whole_cycles(raw_calce)]
    assert len(expected) == 9 and calce["left_out_cycles"] == 1
    assert calce["vendor"] == "arbin"
    assert calce["rows"] == len(raw_calce) == 3248
    assert calce["cycles"] == raw_calce["Cycle_Index"].nunique() == 10
    assert calce["max_discharge_capacity_ah"] == pytest.approx(expected.max(), rel=1e-6)
    assert calce["last_discharge_capacity_ah"] == pytest.approx(expected.iloc[-1], rel=1e-6)
    assert calce["capacity_retention"] == pytest.approx(expected.iloc[-1] / expected.max(), rel=1e-6)
    # FastCharge_000025_CH8.csv: 248 data lines under its header
    lines = (
        fastcharge_files(Path(__file__).parents[2] / ".." / "shared" / "data" / "battery" / "cyclers")[0]
    ).read_text()
    assert cells["FastCharge_000025_CH8"]["rows"] == len(lines.strip().splitlines()) - 1 == 248


def test_cycles_match_vendor(client: TestClient, raw_calce: pd.DataFrame) -> None:
    rows = client.get(f"{API}/cells/CS2_35/cycles").json()["cycles"]
    expected = _vendor_cycle_capacity(raw_calce)
    assert [r["cycle_index"] for r in rows] == list(range(1, 11))
    np.testing.assert_allclose([r["discharge_capacity_ah"] for r in rows], expected.to_numpy(), rtol=1e-6)


def test_fleet_capacity_matches_cycles(client: TestClient, raw_calce: pd.DataFrame) -> None:
    fade = {f["cell_id"]: f for f in client.get(f"{API}/fleet/capacity").json()}
    whole = _whole_cycles(raw_calce)
    np.testing.assert_allclose(
        fade["CS2_35"]["discharge_capacity_ah"], _vendor_cycle_capacity(raw_calce)[whole], rtol=1e-6
    )
    assert fade["CS2_35"]["cycle_index"] == list(range(1, 10))


def test_cell_meta_hides_server_paths(client: TestClient) -> None:
    meta = client.get(f"{API}/cells/CS2_35").json()
    assert meta["sources"][0]["name"] == "CS2_35_11_01_10.xlsx"
    assert all("file" not in s for s in meta["sources"])


def test_curves_and_incremental_capacity(client: TestClient, raw_calce: pd.DataFrame) -> None:
    body = client.get(f"{API}/cells/CS2_35/curves", params={"cycle": [2, 9]}).json()
    assert body["cycles_available"] == list(range(1, 11))
    expected = _vendor_cycle_capacity(raw_calce)
    for curve in body["curves"]:
        v = np.array(curve["voltage_v"])
        q = np.array(curve["discharge_capacity_ah"])
        assert np.all(np.diff(v) < 0) and np.all(np.diff(q) >= -1e-9)  # V falls, Q grows through a discharge
        # the grid stops short of the cycle's ends, so Q at the lowest grid voltage is at most the cycle's total
        assert q[-1] <= expected[curve["cycle_index"]] + 1e-9
        assert q[-1] > 0.9 * expected[curve["cycle_index"]]
        # fundamental theorem: integrating -dQ/dV over the voltage window gives back the capacity gained in it
        gained = np.trapezoid(np.array(curve["dqdv_ah_per_v"]), -v)
        assert gained == pytest.approx(q[-1] - q[0], rel=0.02)
    default = client.get(f"{API}/cells/CS2_35/curves", params={"count": 3}).json()
    assert [c["cycle_index"] for c in default["curves"]] == [
        1,
        5,
        10,
    ]  # index linspace(0, 9, 3) = 0, 4.5 -> 4 (half to even), 9


def test_timeseries_pages_match_raw_rows(client: TestClient, raw_calce: pd.DataFrame) -> None:
    page = client.get(f"{API}/cells/CS2_35/timeseries", params={"offset": 100, "limit": 50}).json()
    assert page["total"] == 3248 and len(page["rows"]) == 50
    np.testing.assert_allclose(
        [r["voltage_v"] for r in page["rows"]], raw_calce["Voltage(V)"].iloc[100:150], rtol=1e-9
    )
    last = client.get(f"{API}/cells/CS2_35/timeseries", params={"offset": 3240, "limit": 50}).json()
    assert len(last["rows"]) == 8
    some = client.get(
        f"{API}/cells/CS2_35/timeseries", params={"limit": 3, "columns": "cycle_index,current_a"}
    ).json()
    assert some["columns"] == ["cycle_index", "current_a"] and set(some["rows"][0]) == {
        "cycle_index",
        "current_a",
    }


@pytest.mark.parametrize(
    ("path", "code", "words"),
    [
        (f"{API}/cells/NOPE", 404, "not in store"),
        (f"{API}/cells/NOPE/cycles", 404, "not in store"),
        (f"{API}/cells/.hidden", 400, "cell id"),
        (f"{API}/cells/..x/cycles", 400, "cell id"),
        (f"{API}/cells/CS2_35/curves?cycle=99", 404, "cycle"),
        (f"{API}/cells/CS2_35/timeseries?columns=nope", 400, "unknown"),
        (f"{API}/cells/CS2_35/timeseries?limit=100000", 422, "limit"),
    ],
)
def test_bad_requests_have_clear_messages(client: TestClient, path: str, code: int, words: str) -> None:
    response = client.get(path)
    assert response.status_code == code
    assert words in str(response.json()["detail"])


@pytest.mark.parametrize(
    "path", ["/api/v1/battery/cells/..%2F..%2F..%2Fetc%2Fpasswd", "/api/v1/battery/cells/%2e%2e"]
)
def test_encoded_traversal_never_reaches_a_file(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert 400 <= response.status_code < 500
    assert "root:" not in response.text


def test_upload_ingests_as_job_and_cell_appears(fresh_client: TestClient, cyclers: Path) -> None:
    files = [("files", (p.name, p.read_bytes())) for p in fastcharge_files(cyclers)]
    assert fresh_client.get(f"{API}/cells").json() == []  # (cached until the store changes)
    answer = fresh_client.post(f"{API}/uploads", files=files).json()
    record = fresh_client.app.state.jobs.wait(answer["job"]["id"])  # type: ignore[attr-defined]
    assert record["status"] == "done", record
    assert record["result"]["cells"] == ["FastCharge_000025_CH8"]
    assert record["result"]["ingested"][0]["rows"] == 248  # the CSV's data lines
    polled = fresh_client.get(f"/api/v1/jobs/{record['id']}").json()
    assert polled["status"] == "done" and polled["progress"]["fraction"] == 1.0
    assert [c["cell_id"] for c in fresh_client.get(f"{API}/cells").json()] == ["FastCharge_000025_CH8"]
    again = fresh_client.post(f"{API}/uploads", params={"wait": 30}, files=files)
    assert again.status_code == 201
    assert "already in store" in again.json()["job"]["result"]["skipped"][0]["reason"]


def test_upload_colliding_with_a_cell_of_another_cycler_is_409(
    fresh_client: TestClient, cyclers: Path
) -> None:
    arbin = fastcharge_files(cyclers)
    first = fresh_client.post(
        f"{API}/uploads", params={"wait": 30}, files=[("files", (p.name, p.read_bytes())) for p in arbin]
    )
    assert first.status_code == 201
    # a Neware export saved under the Arbin cell's name: refused before any ingest, the cell untouched
    neware = (cyclers / "neware" / "nw_regular_export_ife_example.csv").read_bytes()
    clash = fresh_client.post(
        f"{API}/uploads", params={"wait": 30}, files={"files": ("FastCharge_000025_CH8.csv", neware)}
    )
    assert clash.status_code == 409
    detail = clash.json()["detail"]
    assert "FastCharge_000025_CH8" in detail and "arbin" in detail and "neware" in detail
    (cell,) = fresh_client.get(f"{API}/cells").json()
    assert cell["vendor"] == "arbin" and cell["rows"] == 248


def test_unicode_cell_ids_end_to_end(fresh_client: TestClient, cyclers: Path) -> None:
    data = fastcharge_files(cyclers)[0].read_bytes()
    answer = fresh_client.post(f"{API}/uploads", params={"wait": 30}, files={"files": ("배터리 1.csv", data)})
    assert answer.status_code == 201, answer.text
    assert answer.json()["job"]["result"]["cells"] == ["배터리 1"]
    cycles = fresh_client.get(f"{API}/cells/배터리 1/cycles")
    assert cycles.status_code == 200 and cycles.json()["cycles"]


def test_truncated_file_fails_with_reader_message(fresh_client: TestClient, cyclers: Path) -> None:
    # First half of a BioLogic .mpr: the file announces a data module longer than what is left.
    path = cyclers / "biologic" / "00_test_04_MB_C01.mpr"
    half = path.read_bytes()[: path.stat().st_size // 2]
    response = fresh_client.post(f"{API}/uploads", params={"wait": 30}, files={"files": (path.name, half)})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail.startswith("00_test_04_MB_C01.mpr:") and "truncated" in detail
    assert fresh_client.get(f"{API}/cells").json() == []
    assert not any((fresh_client.app.state.store.root / "uploads").rglob("*.mpr"))  # type: ignore[attr-defined]


def test_bad_chemistry_field(fresh_client: TestClient, cyclers: Path) -> None:
    path = fastcharge_files(cyclers)[0]
    response = fresh_client.post(
        f"{API}/uploads", data={"chemistry": "unobtainium"}, files={"files": (path.name, path.read_bytes())}
    )
    assert response.status_code == 400
    assert "chemistry" in response.json()["detail"]


def test_health_soh_from_vendor_capacities(client: TestClient, raw_calce: pd.DataFrame) -> None:
    report = client.get(f"{API}/cells/CS2_35/health").json()
    capacity = _vendor_cycle_capacity(raw_calce)[_whole_cycles(raw_calce)].to_numpy()
    # SOH is capacity over the median of the first five cycles' capacities (soh.state_of_health),
    # over the complete cycles (the last, cut by the end of the file, is left out and counted)
    np.testing.assert_allclose(report["soh"], capacity / np.median(capacity[:5]), rtol=1e-6)
    assert report["cycles"] == list(range(1, 10))
    assert report["left_out_cycles"] == 1
    too_short = client.get(f"{API}/cells/FastCharge_000025_CH8/health")  # one cycle, no discharge
    assert too_short.status_code == 400 and "at least 3 cycles" in too_short.json()["detail"]


def test_a_missing_cell_is_named_without_the_store_s_folder(client: TestClient) -> None:
    # the store's error names its folder ("not in store /srv/..."); the API says "not in store." once
    reply = client.get(f"{API}/cells/없는셀")
    assert reply.status_code == 404 and reply.json()["detail"] == "cell '없는셀': not in store."


def test_scrub_paths_keeps_one_store() -> None:
    from gwangyang.api.uploads import scrub_paths

    root = "/srv/광양 store"
    assert scrub_paths(f"cell 'A': not in store {root}.", root) == "cell 'A': not in store."
    assert scrub_paths(f"{root}/cells/a.parquet: damaged", root) == "cells/a.parquet: damaged"
    assert scrub_paths(f"{root}: not a gwangyang store", root) == "the store: not a gwangyang store"
