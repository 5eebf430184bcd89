"""Two uploaded scenarios against the same scenarios by name: ``POST /port/compare/file`` and ``POST /port/compare``.

The shipped ``gwangyang-today.toml`` (A) and ``gwangyang-automated.toml`` (B) are uploaded under Korean file
names and compared for 30 days x 5 paired replications; the same pair is compared by name. Prints each
request's wall time (``?wait``: the job included), their ratio uploaded / by name, whether the two documents
are the same but for the upload's ``a_file``, ``a_call_list``, ``b_file`` and ``b_call_list``, and B - A of
two KPIs.
Run from the project root: ``.venv/bin/python benchmarks/port_compare_upload.py``.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from gwangyang.api import create_app
from gwangyang.port.terminal import scenario_dir

TOKEN = "benchmark-token-0123456789"
ADDED = ("a_file", "a_call_list", "b_file", "b_call_list")


def main() -> None:
    """Compare the shipped pair by name and uploaded, and print the timings and the check."""
    root = Path(tempfile.mkdtemp()) / "store"
    a, b = ((scenario_dir() / f"gwangyang-{n}.toml").read_bytes() for n in ("today", "automated"))
    with TestClient(create_app(root, token=TOKEN), headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        client.post("/api/v1/port/simulate", params={"wait": 600}, json={"days": 1})  # starts the worker
        start = time.perf_counter()
        body = {"a": "gwangyang-today", "b": "gwangyang-automated", "days": 30, "replications": 5}
        by_name = client.post("/api/v1/port/compare", params={"wait": 600}, json=body).json()
        named = time.perf_counter()
        uploaded = client.post(
            "/api/v1/port/compare/file",
            params={"wait": 600},
            files=[("a", ("광양 오늘.toml", a)), ("b", ("광양 자동화.toml", b))],
            data={"days": "30", "replications": "5"},
        ).json()
        done = time.perf_counter()
        first, second = by_name["job"]["result"], uploaded["job"]["result"]
        same = {k: v for k, v in second.items() if k not in ADDED} == first
        kpis = first["kpis"]
        print(
            f"30 days x 5 replications: by name {named - start:.2f} s, uploaded {done - named:.2f} s, "
            f"ratio uploaded / by name {(done - named) / (named - start):.2f}, "
            f"same document: {same}; B - A mean_wait_h {kpis['mean_wait_h']['diff_mean']:.3f}, "
            f"qc_moves_per_hour {kpis['qc_moves_per_hour']['diff_mean']:.3f}"
        )


if __name__ == "__main__":
    main()
