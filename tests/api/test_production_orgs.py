"""Each organisation's production data its own: two operators (광양소재 and B) upload production tables over the API.

Every read of the production data (the list, the screening from the store, the read-only SQL view ``production``
and the fleet page's query box) must show a user its organisation's rows and the shared ones only; the store's
admin sees all. Figures are checked against pandas on each organisation's own file.
"""

from __future__ import annotations

import contextlib
import io
import json
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
from gwangyang.battery import service
from gwangyang.battery.ingest import ingest
from gwangyang.battery.quality.screening import screen
from gwangyang.store import Store
from gwangyang.store import production as dataset
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


def _old_manifest(root: Path) -> None:
    """Rewrite the manifest as the code before organisations wrote it: records without ``org``."""
    path = root / "production" / "manifest.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    for record in document["parts"]:
        assert record.pop("org") is None
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")


def test_an_old_manifest_opens_as_shared_data_with_nothing_lost(site: dict[str, Any], tmp_path: Path) -> None:
    from tests.conftest import CYCLERS

    root = site["root"]
    store = Store(root)
    # cycling data: a cell of 광양소재, ingested with its organisation
    report = ingest([CYCLERS / "basytec" / "sample_data_basytec.txt"], store=store, org=A_ORG)
    assert not report.failed, report.failed
    a_cell = "sample_data_basytec"
    # the production data of an old store: one table, whose first cell is that cycling cell
    old = org_table("", 100, 3)
    old.loc[0, "셀ID"] = a_cell
    old_file = tmp_path / "old_eol.csv"
    old.to_csv(old_file, index=False)
    service.ingest_production(store, old_file)
    _old_manifest(root)
    assert "org" not in (root / "production" / "manifest.json").read_text(encoding="utf-8")
    assert [p.org for p in dataset.parts(store)] == [None]
    source = pd.read_csv(old_file).set_index("셀ID")["OCV (V)"]
    # the admin and the CLI: every row, the values of the file
    for document in (site["admin"].get(PRODUCTION, params={"limit": 1000}).json(), _cli_list(root)):
        assert document["cells"] == 200 and document["tables"][0]["org"] is None
        kept = pd.Series({r["cell_id"]: r["ocv_v"] for r in document["rows"]})
        np.testing.assert_allclose(kept[source.index], source, rtol=1e-15)
        assert document["cells_with_cycling_data"] == 1
    # 광양소재 sees the shared rows, its own cycling cell's included
    assert _listed_ids(site["a"]) == set(old["셀ID"])
    assert site["a"].get(PRODUCTION).json()["cells_with_cycling_data"] == 1
    # B sees the shared rows but that of 광양소재's cell, in every read
    assert _listed_ids(site["b"]) == set(old["셀ID"]) - {a_cell}
    assert site["b"].get(PRODUCTION).json()["cells_with_cycling_data"] == 0
    assert site["b"].get(SCREEN).json()["n_cells"] == 199
    assert site["a"].get(SCREEN).json()["n_cells"] == site["admin"].get(SCREEN).json()["n_cells"] == 200
    rows = _sql(site["b"], "SELECT count(*), sum(ocv_v) FROM production")
    assert rows[0][0] == 199 and rows[0][1] == pytest.approx(old["OCV (V)"].iloc[1:].sum(), rel=1e-12)
    assert _sql(site["b"], f"SELECT count(*) FROM production WHERE cell_id = '{a_cell}'") == [[0]]
    assert _sql(site["a"], f"SELECT count(*) FROM production WHERE cell_id = '{a_cell}'") == [[1]]
    # an organisation's retest of a shared cell is refused; the CLI's (shared) is kept, and the old part still reads
    retest = old.iloc[:4].copy()
    retest["OCV (V)"] = 3.4
    retest_file = tmp_path / "retest.csv"
    retest.to_csv(retest_file, index=False)
    refused = upload(site["a"], retest_file)
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith(
        f"retest.csv: cell '{a_cell}' (and 3 more) is in the shared production data"
    )
    retested = service.ingest_production(store, retest_file)
    assert retested["remeasured"] == 4 and retested["dataset"] == {"tables": 2, "cells": 200}
    assert [p.org for p in dataset.parts(store)] == [None, None]
    frame = dataset.read(store).set_index("cell_id")
    assert len(frame) == 200 and (frame["ocv_v"].iloc[:4] == 3.4).all()
    np.testing.assert_array_equal(frame["ocv_v"].iloc[4:], source.iloc[4:])


def _cli_list(root: Path) -> Any:
    from gwangyang.cli.main import main

    with contextlib.redirect_stdout(io.StringIO()) as out:
        assert main(["battery", "production", "list", "--store", str(root), "--limit", "1000", "--json"]) == 0
    return json.loads(out.getvalue())


def test_cli_ingest_with_org_and_users_of_other_roles(
    site: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    from gwangyang.cli.main import main

    root = site["root"]
    code = main(
        ["battery", "production", "ingest", str(site["files"]["a"]), "--store", str(root), "--org", A_ORG]
    )
    assert code == 0
    assert [p.org for p in dataset.parts(Store(root))] == [A_ORG]
    # B's operator may not give one of those cells a row; nor may the CLI without --org (another organisation's)
    code = main(["battery", "production", "ingest", str(site["files"]["a"]), "--store", str(root)])
    err = capsys.readouterr().err
    assert code == 2 and "eol_a.csv: cell '광양-셀-L1-0000' (and 299 more) is another organisation's" in err
    code = main(
        ["battery", "production", "ingest", str(site["files"]["b"]), "--store", str(root), "--org", "../x"]
    )
    assert code == 2 and "--org '../x'" in capsys.readouterr().err
    # the same file again as 광양소재: a no-op, as before
    code = main(
        ["battery", "production", "ingest", str(site["files"]["a"]), "--store", str(root), "--org", A_ORG]
    )
    assert code == 0 and "already in the production data" in capsys.readouterr().err
    # a viewer of 광양소재 reads its rows (SQL); an admin-role user of B sees all and ingests as B
    viewer = accounts.add_user(root, "뷰어", A_ORG, "viewer")[1]
    b_admin = accounts.add_user(root, "관리자B", B_ORG, "admin")[1]
    client = site["admin"]
    answer = client.post(
        SQL, json={"query": "SELECT count(*) FROM production"}, headers={"Authorization": f"Bearer {viewer}"}
    )
    assert answer.json()["rows"] == [[300]]
    with site["files"]["b"].open("rb") as handle:
        uploaded = client.post(
            PRODUCTION,
            files={"files": (site["files"]["b"].name, handle)},
            headers={"Authorization": f"Bearer {b_admin}"},
        )
    assert uploaded.status_code == 200, uploaded.text
    assert uploaded.json()["dataset"] == {"tables": 2, "cells": 540}
    assert [p.org for p in dataset.parts(Store(root))] == [A_ORG, B_ORG]
    assert _listed_ids(site["b"]) == set(site["tables"]["b"]["셀ID"])


def _kinds_tables(site: dict[str, Any], tmp_path: Path) -> dict[str, pd.DataFrame]:
    """A's and B's tables (as pandas reads their files) with two columns of the same names but other kinds, and a column only A has.

    A: ``두께_mm`` numbers, ``grade`` text, ``A전용_메모`` text. B: ``두께_mm`` text (a thickness class),
    ``grade`` numbers (a grade code).
    """
    a = site["tables"]["a"].copy()
    a["A전용_메모"] = np.where(np.arange(len(a)) % 3 == 0, "재검", "정상")
    b = site["tables"]["b"].copy()
    b["두께_mm"] = np.where(b["두께_mm"].to_numpy() > 5.2, "두꺼움", "얇음")
    b["grade"] = np.where(b["grade"].to_numpy() == "A", 1.0, 2.0)
    for who, table in (("a", a), ("b", b)):
        table.to_csv(tmp_path / f"kinds_{who}.csv", index=False)
    return {who: pd.read_csv(tmp_path / f"kinds_{who}.csv") for who in ("a", "b")}  # the files' values


def test_column_kinds_are_checked_within_an_organisation_and_the_shared_data_only(
    site: dict[str, Any], tmp_path: Path
) -> None:
    tables = _kinds_tables(site, tmp_path)
    a, b, admin = site["a"], site["b"], site["admin"]
    assert upload(a, tmp_path / "kinds_a.csv").status_code == 200
    # B's own columns are B's: A's kinds neither refuse nor coerce them
    answer = upload(b, tmp_path / "kinds_b.csv")
    assert answer.status_code == 200, answer.text
    assert answer.json()["columns"]["extra_text"] == ["두께_mm"]
    assert answer.json()["columns"]["extra_numeric"] == ["grade"]
    # each organisation's view: its own kinds, values equal pandas on its own file, no other organisation's column
    for who, thick, grade in (("a", "DOUBLE", "VARCHAR"), ("b", "VARCHAR", "DOUBLE")):
        client, table = site[who], tables[who]
        types = _sql(client, 'SELECT typeof("두께_mm"), typeof(grade) FROM production LIMIT 1')
        assert types == [[thick, grade]]
        listed = client.get(PRODUCTION, params={"limit": 1000}).json()
        assert ("A전용_메모" in listed["columns"]) == (who == "a")
        assert not listed.get("notes")
        rows = {r["cell_id"]: r for r in listed["rows"]}
        assert set(rows) == set(table["셀ID"])
        for column in ("두께_mm", "grade"):
            mine = table.set_index("셀ID")[column]
            assert [rows[c][column] for c in mine.index] == mine.tolist()
    total = _sql(a, 'SELECT count(*), sum("두께_mm"), count(DISTINCT grade) FROM production')
    assert total[0][:2] == [len(tables["a"]), pytest.approx(tables["a"]["두께_mm"].sum(), rel=1e-12)]
    assert total[0][2] == tables["a"]["grade"].nunique()
    by_class = _sql(b, 'SELECT "두께_mm", count(*), sum(grade) FROM production GROUP BY 1 ORDER BY 1')
    expected = tables["b"].groupby("두께_mm")["grade"].agg(["size", "sum"])
    assert by_class == [[k, int(n), pytest.approx(s, rel=1e-12)] for k, (n, s) in expected.iterrows()]
    assert _sql(b, "SELECT * FROM production LIMIT 1") and "A전용_메모" not in str(
        b.post(SQL, json={"query": "SELECT * FROM production LIMIT 1"}).json()["columns"]
    )
    # a table of B's own of the other kind is refused, and the message speaks of B's data only
    again = tables["b"].copy()
    again["셀ID"] = "B2-" + again["셀ID"]
    again["두께_mm"] = site["tables"]["b"]["두께_mm"]
    again.to_csv(tmp_path / "b_again.csv", index=False)
    refused = upload(b, tmp_path / "b_again.csv")
    assert refused.status_code == 400, refused.text
    detail = refused.json()["detail"]
    assert detail.startswith(
        "b_again.csv: column '두께_mm' holds number here but text in the production data"
    )
    assert A_ORG not in detail and "kinds_a" not in detail and "A전용" not in detail
    # the admin sees both organisations: a column of two kinds is read as text, and said so
    mixed = admin.get(PRODUCTION, params={"limit": 1000}).json()
    assert mixed["cells"] == len(tables["a"]) + len(tables["b"])
    assert any("'두께_mm'" in note and "text" in note for note in mixed["notes"])
    assert any("'grade'" in note for note in mixed["notes"])
    assert _sql(admin, 'SELECT typeof("두께_mm"), count(*) FROM production GROUP BY 1') == [["VARCHAR", 540]]
    texts = {r["cell_id"]: r["두께_mm"] for r in mixed["rows"]}
    a_thick = tables["a"].set_index("셀ID")["두께_mm"]
    assert [float(texts[c]) for c in a_thick.index] == a_thick.tolist()  # the numbers' text is exact
    b_thick = tables["b"].set_index("셀ID")["두께_mm"]
    assert [texts[c] for c in b_thick.index] == b_thick.tolist()
    screened = admin.get(SCREEN)
    assert screened.status_code == 200, screened.text
    assert screened.json()["n_cells"] == 540
    assert any("'두께_mm'" in note for note in screened.json()["notes"])


def test_shared_tables_are_checked_against_every_organisation(
    site: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gwangyang.cli.main import main

    tables = _kinds_tables(site, tmp_path)
    root = site["root"]
    assert upload(site["a"], tmp_path / "kinds_a.csv").status_code == 200
    assert upload(site["b"], tmp_path / "kinds_b.csv").status_code == 200
    # shared data joins every organisation's view, so the CLI's table must agree with each one's kinds
    shared = org_table("공유-", 10, 4)
    shared.to_csv(tmp_path / "shared_thick.csv", index=False)
    code = main(["battery", "production", "ingest", str(tmp_path / "shared_thick.csv"), "--store", str(root)])
    err = capsys.readouterr().err
    assert code == 2 and "column '두께_mm' holds number here but text in the production data" in err
    shared = shared.drop(columns=["두께_mm", "grade"]).assign(측정자=["김"] * len(shared))
    shared.to_csv(tmp_path / "shared.csv", index=False)
    code = main(["battery", "production", "ingest", str(tmp_path / "shared.csv"), "--store", str(root)])
    assert code == 0, capsys.readouterr().err
    # the shared data's kinds bind every organisation: A's 측정자 as numbers is refused
    later = org_table("광양2-", 5, 5).assign(측정자=7.0)
    later.to_csv(tmp_path / "a_later.csv", index=False)
    refused = upload(site["a"], tmp_path / "a_later.csv")
    assert refused.status_code == 400
    assert refused.json()["detail"].startswith(
        "a_later.csv: column '측정자' holds number here but text in the production data"
    )
    # and each organisation's view holds its rows and the shared ones, with its own kinds
    for who in ("a", "b"):
        rows = _sql(site[who], 'SELECT count(*), count(측정자), typeof(min("두께_mm")) FROM production')
        assert rows == [[len(tables[who]) + 20, 20, "DOUBLE" if who == "a" else "VARCHAR"]]


def test_the_cli_and_the_sql_answer_say_which_columns_are_read_as_text(
    site: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gwangyang.cli.main import main

    _kinds_tables(site, tmp_path)
    upload(site["a"], tmp_path / "kinds_a.csv")
    upload(site["b"], tmp_path / "kinds_b.csv")
    note = "column '두께_mm': number and text in different production tables"
    answer = site["admin"].post(SQL, json={"query": 'SELECT max("두께_mm") FROM production'}).json()
    assert [n for n in answer["notes"] if "두께_mm" in n] == [f"{note}; text in the view production."]
    assert site["b"].post(SQL, json={"query": "SELECT count(*) FROM production"}).json()["notes"] == []
    assert site["admin"].post(SQL, json={"query": "SELECT 1"}).json()["notes"] == []
    root = str(site["root"])
    assert main(["battery", "production", "list", "--store", root]) == 0
    assert f"note: {note}; read as text here." in capsys.readouterr().err.replace("\n", " ")
    assert main(["battery", "sql", 'SELECT max("두께_mm") FROM production', "--store", root]) == 0
    assert f"note: {note}; text in the view production." in capsys.readouterr().err.replace("\n", " ")


def test_two_uploads_of_one_organisation_racing_with_other_kinds_keep_one(
    site: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kind check runs under the write lock: of two racing uploads of A (``두께_mm`` numbers, then text), one is refused.

    Both requests pass every check made before the append (the store holds no production data yet) and meet at
    a barrier, so they reach the write lock together; the one that takes it second must see the other's table.
    """
    import threading

    numbers = site["tables"]["a"].copy()
    text = org_table("광양2-", 100, 3)
    text["두께_mm"] = np.where(text["두께_mm"].to_numpy() > 5.2, "두꺼움", "얇음")
    paths = {"numbers": tmp_path / "a_numbers.csv", "text": tmp_path / "a_text.csv"}
    numbers.to_csv(paths["numbers"], index=False)
    text.to_csv(paths["text"], index=False)
    files = {who: pd.read_csv(path) for who, path in paths.items()}  # the files' values
    start = threading.Barrier(2)
    real_append = dataset.append

    def append_together(*args: Any, **kwargs: Any) -> Any:
        start.wait()
        return real_append(*args, **kwargs)

    monkeypatch.setattr(dataset, "append", append_together)
    answers: dict[str, Any] = {}

    def run(who: str) -> None:
        answers[who] = upload(site["a"], paths[who])

    threads = [threading.Thread(target=run, args=(who,)) for who in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    monkeypatch.undo()
    kept = [who for who, answer in answers.items() if answer.status_code == 200]
    assert len(kept) == 1, {who: (a.status_code, a.text) for who, a in answers.items()}
    (refused,) = [who for who in answers if who not in kept]
    held = {"numbers": ("number", "text"), "text": ("text", "number")}[refused]
    assert answers[refused].status_code == 400
    detail = answers[refused].json()["detail"]
    assert detail == (
        f"{paths[refused].name}: column '두께_mm' holds {held[0]} here but {held[1]} in the production data "
        "already stored; rename it or fix its values."
    )
    store = Store(site["root"])
    assert [(p.org, p.source) for p in dataset.parts(store)] == [(A_ORG, paths[kept[0]].name)]
    listed = site["a"].get(PRODUCTION, params={"limit": 1000}).json()
    assert not listed.get("notes")
    mine = files[kept[0]].set_index("셀ID")["두께_mm"]
    rows = {r["cell_id"]: r["두께_mm"] for r in listed["rows"]}
    assert list(rows) == mine.index.tolist() and list(rows.values()) == mine.tolist()
    assert len(list((site["root"] / "production" / "parts").iterdir())) == 1
