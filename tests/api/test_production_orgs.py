"""Each organisation's production data its own: two operators (광양소재 and B) upload production tables over the API.

Every read of the production data (the list, the screening from the store, the read-only SQL view ``production``
and the fleet page's query box) must show a user its organisation's rows and the shared ones only; the store's
admin sees all. Figures are checked against pandas on each organisation's own file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from gwangyang import accounts
from gwangyang.api import create_app
from gwangyang.battery.quality.screening import screen
from tests.battery.test_production import DEFECTS, line_table

from .conftest import AUTH, TOKEN

PRODUCTION = "/api/v1/battery/production"
SCREEN = "/api/v1/quality/production/screen"
SQL = "/api/v1/battery/sql"
A_ORG, B_ORG = "광양소재", "B"


def org_table(prefix: str, cells_per_lot: int, seed: int) -> pd.DataFrame:
    """A line table whose cell ids start with ``prefix`` (the planted defects keep their place)."""
    table = line_table(cells_per_lot, seed)
    table["셀ID"] = prefix + table["셀ID"]
    return table


def upload(client: TestClient, path: Path) -> Any:
    with path.open("rb") as handle:
        return client.post(PRODUCTION, files={"files": (path.name, handle)})


@pytest.fixture
def site(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A store, clients of the admin and of operators of 광양소재 (A) and B; A's and B's tables as files."""
    root = tmp_path / "store"
    a_token = accounts.add_user(root, "운영자A", A_ORG, "operator")[1]
    b_token = accounts.add_user(root, "operatorB", B_ORG, "operator")[1]
    tables = {"a": org_table("광양-", 150, 1), "b": org_table("B-", 120, 2)}
    files = {}
    for who, table in tables.items():
        files[who] = tmp_path / f"eol_{who}.csv"
        table.to_csv(files[who], index=False)
    app = create_app(root, token=TOKEN)
    with (
        TestClient(app, headers=AUTH, follow_redirects=False) as admin,
        TestClient(app, headers={"Authorization": f"Bearer {a_token}"}, follow_redirects=False) as a,
        TestClient(app, headers={"Authorization": f"Bearer {b_token}"}, follow_redirects=False) as b,
    ):
        yield {"root": root, "admin": admin, "a": a, "b": b, "tables": tables, "files": files}


def _listed_ids(client: TestClient) -> set[str]:
    answer = client.get(PRODUCTION, params={"limit": 1000})
    assert answer.status_code == 200, answer.text
    document = answer.json()
    assert document["cells"] == len(document["rows"])
    return {row["cell_id"] for row in document["rows"]}


def test_another_organisations_production_rows_are_not_listed(site: dict[str, Any]) -> None:
    for who in ("a", "b"):
        answer = upload(site[who], site["files"][who])
        assert answer.status_code == 200, answer.text
        assert answer.json()["rows"] == len(site["tables"][who])
    a_ids, b_ids = (set(site["tables"][w]["셀ID"]) for w in ("a", "b"))
    assert len(a_ids) == 300 and len(b_ids) == 240
    assert _listed_ids(site["a"]) == a_ids
    assert _listed_ids(site["b"]) == b_ids
    assert _listed_ids(site["admin"]) == a_ids | b_ids


def _sql(client: TestClient, query: str) -> list[list[Any]]:
    answer = client.post(SQL, json={"query": query})
    assert answer.status_code == 200, answer.text
    rows: list[list[Any]] = answer.json()["rows"]
    return rows


def _fleet_views(client: TestClient) -> list[str]:
    page = client.get("/battery")
    assert page.status_code == 200, page.text
    found = re.search(r'data-testid="sql-views"[^>]*>([^<]*)<', page.text)
    assert found is not None
    return [v.strip() for v in found.group(1).split(",")]


def test_each_read_shows_only_the_callers_rows(site: dict[str, Any]) -> None:
    upload(site["a"], site["files"]["a"])
    upload(site["b"], site["files"]["b"])
    for who, org in (("a", A_ORG), ("b", B_ORG)):
        client, table = site[who], site["tables"][who]
        # the screening from the store equals screening this organisation's file alone
        screened = client.get(SCREEN)
        assert screened.status_code == 200, screened.text
        alone = screen(
            table.rename(columns={"셀ID": "cell_id", "Lot": "lot"}),
            "cell_id",
            "lot",
            ["OCV (V)", "ACIR (mΩ)", "K-value (mV/day)", "capacity_mAh", "두께_mm"],
        )
        assert screened.json()["n_cells"] == len(table) == alone.to_dict()["n_cells"]
        flagged = {f["id"] for f in screened.json()["flagged"]}
        assert flagged == {f["id"] for f in alone.to_dict()["flagged"]}
        prefix = "광양-" if who == "a" else "B-"
        assert {prefix + d for d in DEFECTS} <= flagged and all(f.startswith(prefix) for f in flagged)
        # the SQL view: count and sums equal pandas on the file
        rows = _sql(client, "SELECT count(*), sum(ocv_v), min(cell_id), max(cell_id) FROM production")
        assert rows[0][0] == len(table)
        assert rows[0][1] == pytest.approx(table["OCV (V)"].sum(), rel=1e-12)
        assert [rows[0][2], rows[0][3]] == [table["셀ID"].min(), table["셀ID"].max()]
        by_lot = _sql(client, "SELECT lot, count(*) FROM production GROUP BY lot ORDER BY lot")
        assert by_lot == [[lot, int(n)] for lot, n in table.groupby("Lot").size().items()]
        # the list: the organisation is recorded on its table
        listed = client.get(PRODUCTION).json()
        assert [t["org"] for t in listed["tables"]] == [org]
        assert listed["cells"] == len(table)
        # the fleet page's query box offers the production view
        assert "production" in _fleet_views(client)
    admin_rows = _sql(site["admin"], "SELECT count(*), sum(ocv_v) FROM production")
    both = pd.concat([site["tables"]["a"], site["tables"]["b"]])
    assert admin_rows[0][0] == 540
    assert admin_rows[0][1] == pytest.approx(both["OCV (V)"].sum(), rel=1e-12)
    assert [t["org"] for t in site["admin"].get(PRODUCTION).json()["tables"]] == [A_ORG, B_ORG]
    assert site["admin"].get(SCREEN).json()["n_cells"] == 540


def test_an_organisation_without_production_data_sees_none(site: dict[str, Any]) -> None:
    upload(site["a"], site["files"]["a"])
    b = site["b"]
    assert _listed_ids(b) == set() and b.get(PRODUCTION).json()["tables"] == []
    missing = b.get(SCREEN)
    assert missing.status_code == 404 and "production data: none" in missing.json()["detail"]
    refused = b.post(SQL, json={"query": "SELECT count(*) FROM production"})
    assert refused.status_code == 400 and "production" in refused.json()["detail"]
    assert "production" not in _fleet_views(b)
    assert "production" in _fleet_views(site["a"])
    quality = b.get("/quality")
    assert quality.status_code == 200 and "광양-셀" not in quality.text


def test_the_same_cell_id_of_two_organisations_is_refused_and_keeps_the_first(
    site: dict[str, Any], tmp_path: Path
) -> None:
    a, b = site["a"], site["b"]
    assert upload(a, site["files"]["a"]).status_code == 200
    before = a.get(PRODUCTION, params={"limit": 1000}).json()
    # B's own table holding three of A's cell ids (B's values)
    clash = site["tables"]["b"].copy()
    clash.loc[:2, "셀ID"] = site["tables"]["a"]["셀ID"].iloc[:3].to_numpy()
    clash_file = tmp_path / "clash.csv"
    clash.to_csv(clash_file, index=False)
    refused = upload(b, clash_file)
    assert refused.status_code == 409, refused.text
    detail = refused.json()["detail"]
    assert detail.startswith("clash.csv: cell '광양-셀-L1-0000' (and 2 more) is another organisation's")
    assert A_ORG not in detail and "eol_a" not in detail
    # A's very file uploaded by B: refused the same way (not "already in the production data from eol_a.csv")
    same = upload(b, site["files"]["a"])
    assert (
        same.status_code == 409
        and "eol_a.csv: cell '광양-셀-L1-0000' (and 299 more)" in same.json()["detail"]
    )
    assert a.get(PRODUCTION, params={"limit": 1000}).json() == before
    assert _listed_ids(b) == set()
    # A retests its own cells: the later row replaces its own, as before
    retest = site["tables"]["a"].iloc[:5].copy()
    retest["OCV (V)"] = 3.5
    retest_file = tmp_path / "retest.csv"
    retest.to_csv(retest_file, index=False)
    again = upload(a, retest_file).json()
    assert again["appended"] and again["remeasured"] == 5 and again["dataset"]["cells"] == 300
    rows = _sql(a, "SELECT count(*), sum(ocv_v) FROM production")
    expected = site["tables"]["a"]["OCV (V)"].to_numpy().copy()
    expected[:5] = 3.5
    assert rows[0][0] == 300 and rows[0][1] == pytest.approx(float(np.sum(expected)), rel=1e-12)
