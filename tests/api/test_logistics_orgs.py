"""The latest routes and forecast are kept per organisation: one company never sees another's.

Two operators of organisations 광양물류 and 여수해운 and the store's admin route trucks through the API. Each
operator's ``GET /logistics/routes/latest`` (and the ``/logistics`` page) shows its own organisation's newest
routes or the shared newest (the admin's, ``gwangyang demo``'s), whichever is newer, never the other
organisation's; the admin sees the newest of all. The forecast follows the same rule.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gwangyang import accounts
from gwangyang.api import create_app
from gwangyang.logistics import service
from gwangyang.store import Store
from tests.logistics.test_shipment_vehicles import table

from .conftest import AUTH, TOKEN

LOG = "/api/v1/logistics"


@pytest.fixture
def clients(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Clients of the admin (store token) and of operators of 광양물류 (A) and 여수해운 (B), and the store."""
    root = tmp_path / "store"
    Store(root)
    a_token = accounts.add_user(root, "배차A", "광양물류", "operator")[1]
    b_token = accounts.add_user(root, "배차B", "여수해운", "operator")[1]
    app = create_app(root, token=TOKEN)
    with (
        TestClient(app, headers=AUTH) as admin,
        TestClient(app, headers={"Authorization": f"Bearer {a_token}"}) as a,
        TestClient(app, headers={"Authorization": f"Bearer {b_token}"}) as b,
    ):
        yield {"admin": admin, "a": a, "b": b, "root": root}


def route(client: TestClient, name: str) -> None:
    """Route the small shipment problem, renamed ``name``, as a job of ``client``'s user (waited for)."""
    problem = {**table(), "name": name}
    body = {"problem": problem, "workers": 1, "max_iterations": 50, "time_limit": 60}
    response = client.post(f"{LOG}/routes", params={"wait": 120}, json=body)
    assert response.status_code == 201, response.text


def latest(client: TestClient, kind: str = "routes") -> str | None:
    """The instance (routes) or series (forecast) name of the latest view ``client`` gets; None for 404."""
    response = client.get(f"{LOG}/{kind}/latest")
    if response.status_code == 404:
        return None
    assert response.status_code == 200, response.text
    return str(response.json()["instance" if kind == "routes" else "series"])


def page_latest(client: TestClient) -> str | None:
    """The instance name of the routes the ``/logistics`` page embeds for ``client``'s user (and nothing of 여수해운's
    for 광양물류's user)."""
    page = client.get("/logistics")
    assert page.status_code == 200, page.text
    found = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', page.text, re.S)
    assert found is not None
    data = json.loads(found.group(1))
    shown = data["latest"]
    if shown is not None and shown["instance"].startswith("광양물류"):
        assert "여수해운" not in json.dumps(data, ensure_ascii=False)
    return None if shown is None else str(shown["instance"])


def test_each_organisation_sees_its_own_latest_routes(clients: dict[str, Any]) -> None:
    admin, a, b = clients["admin"], clients["a"], clients["b"]
    assert latest(a) is None and latest(b) is None and latest(admin) is None
    route(a, "광양물류 배차")
    assert latest(a) == "광양물류 배차"
    assert latest(b) is None  # not A's: 404, as if nothing were kept
    assert latest(admin) == "광양물류 배차"
    route(b, "여수해운 배차")
    assert latest(b) == "여수해운 배차"
    assert latest(a) == "광양물류 배차"  # B's newer run did not replace A's
    assert latest(admin) == "여수해운 배차"  # the admin sees the newest of all
    # The page shows the same: A's routes, nothing of B's.
    assert page_latest(a) == "광양물류 배차"
    assert page_latest(b) == "여수해운 배차"
    # A shared run (the admin's token) newer than both is what each operator sees, until its own next run.
    route(admin, "공용 배차")
    assert latest(a) == latest(b) == latest(admin) == "공용 배차"
    route(a, "광양물류 배차 2")
    assert latest(a) == "광양물류 배차 2" and latest(b) == "공용 배차"
    root = clients["root"]
    assert (root / "logistics" / "routes.json").is_file()
    assert sorted(p.name for p in (root / "logistics" / "orgs").iterdir()) == ["광양물류", "여수해운"]


def test_forecast_follows_the_same_rule(clients: dict[str, Any]) -> None:
    admin, a, b = clients["admin"], clients["a"], clients["b"]
    store = Store(clients["root"])
    service.save_view(store, "forecast", {"series": "공용 TEU"})  # as gwangyang demo keeps it: shared
    path = service.save_view(store, "forecast", {"series": "여수해운 TEU"}, "여수해운")
    shared = store.root / "logistics" / "forecast.json"
    os.utime(path, (shared.stat().st_mtime + 5,) * 2)  # B's is the newer
    assert latest(b, "forecast") == "여수해운 TEU"
    assert latest(a, "forecast") == "공용 TEU"  # not B's
    assert latest(admin, "forecast") == "여수해운 TEU"
    assert service.latest_view(store, "forecast")["series"] == "여수해운 TEU"  # the CLI sees all


def test_an_organisation_name_is_checked_before_it_names_a_folder(tmp_path: Path) -> None:
    from gwangyang.errors import InputError

    with pytest.raises(InputError, match=r"organisation '\.\./x'"):
        service.save_view(Store(tmp_path / "s"), "routes", {}, "../x")
