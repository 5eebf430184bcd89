"""An uploaded scenario against the same scenario by name: ``POST /port/simulate/file`` and ``POST /port/simulate``.

The shipped ``gwangyang-today.toml`` is uploaded under a Korean file name and simulated for 30 days (1 and 5
replications); the same scenario is simulated by name. Prints each request's wall time (``?wait``: the job
included), their ratio uploaded / by name, and whether the two documents are the same but for the upload's
``file`` and ``call_list``.
Run from the project root: ``.venv/bin/python benchmarks/port_upload.py``.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from gwangyang.api import create_app
from gwangyang.port.terminal import scenario_dir

TOKEN = "benchmark-token-0123456789"


def main() -> None:
    """Run both routes for 1 and 5 replications and print the comparison."""
    root = Path(tempfile.mkdtemp()) / "store"
    text = (scenario_dir() / "gwangyang-today.toml").read_bytes()
    with TestClient(create_app(root, token=TOKEN), headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        client.post(
            "/api/v1/port/simulate", params={"wait": 600}, json={"days": 1}
        )  # starts the worker process
        for replications in (1, 5):
            start = time.perf_counter()
            body = {"scenario": "gwangyang-today", "days": 30, "replications": replications}
            by_name = client.post("/api/v1/port/simulate", params={"wait": 600}, json=body).json()
            named = time.perf_counter()
            uploaded = client.post(
                "/api/v1/port/simulate/file",
                params={"wait": 600},
                files=[("files", ("광양 오늘.toml", text))],
                data={"days": "30", "replications": str(replications)},
            ).json()
            done = time.perf_counter()
            a, b = by_name["job"]["result"], uploaded["job"]["result"]
            same = {k: v for k, v in b.items() if k not in ("file", "call_list")} == a
            print(
                f"replications {replications}: by name {named - start:.2f} s, uploaded {done - named:.2f} s, "
                f"ratio uploaded / by name {(done - named) / (named - start):.2f}, "
                f"same document: {same}; teu_per_year {a['kpis']['teu_per_year']:.0f}, mean_service_h "
                f"{a['kpis']['mean_service_h']:.3f}, offered load {a['load']['offered_load']:.4f}"
            )


if __name__ == "__main__":
    main()
