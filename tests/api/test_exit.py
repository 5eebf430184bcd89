"""A process that served store queries ends cleanly (exit status 0) while the server's worker threads idle."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SERVE_THEN_EXIT = """
import sys
from fastapi.testclient import TestClient
from gwangyang.api import create_app
token = "t" * 40
# not closed, as a server stopped while its worker threads idle: each keeps its DuckDB connection
client = TestClient(create_app(sys.argv[1], token=token), headers={"Authorization": f"Bearer {token}"})
answer = client.get("/api/v1/battery/fleet/capacity")
print(answer.status_code, sorted(cell["cell_id"] for cell in answer.json()))
"""


def test_the_process_ends_cleanly_after_queries_in_worker_threads(filled_store: Path) -> None:
    # Before gwangyang.store.views.close_connections (run at exit), a DuckDB connection left in an idle
    # daemon worker thread made the interpreter abort as it ended: status 134, "terminate called after
    # throwing an instance of ... FATAL: exception not rethrown".
    run = subprocess.run(
        [sys.executable, "-c", SERVE_THEN_EXIT, str(filled_store)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "200 ['CS2_35']"  # FastCharge has no complete discharge cycle
