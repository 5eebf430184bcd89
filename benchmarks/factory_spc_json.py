"""Profile the SPC answer on a big measurement table: where the time of ``service.spc`` and of
``POST /api/v1/factory/spc`` goes, and ``files.jsonable`` on the answer's ~10⁶ numbers.

The table (generated, cp949 CSV): 200,000 rows × 5 columns (``시각`` date-times as text, ``로트`` labels,
``두께``, ``폭``, ``무게`` measurements; ``두께`` charted: I, MR, EWMA, CUSUM+, CUSUM−, 3 × 10⁶ numbers with their
limits). Prints the best of ``--repeat`` runs in seconds: ``service.spc``, its ``read_table_notes``, the report's
``to_dict`` plus ``jsonable`` (and the item-by-item ``jsonable`` it replaced, on the same dict, the ratio, and a check
that both give the same JSON), the API's answer through a TestClient, and the top functions of one profiled
``service.spc``. Before/after of the whole: run it with ``PYTHONPATH`` on an export of the older ``src``
(``git archive <commit> src | tar -x -C /tmp/before``) and on this one.

Usage: PYTHONPATH=src .venv/bin/python benchmarks/factory_spc_json.py [--rows 200000] [--repeat 3] [--no-api]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the old jsonable kept by the tests
from tests.test_files_jsonable import before


def table(path: Path, rows: int) -> Path:
    """The measurement table of ``rows`` rows, written as Korean Excel saves a CSV."""
    rng = np.random.default_rng(0)
    stamps = pd.date_range("2026-03-02", periods=rows, freq="s").strftime("%Y-%m-%d %H:%M:%S")
    pd.DataFrame(
        {
            "시각": stamps,
            "로트": [f"로트-{i // 100:04d}" for i in range(rows)],
            "두께": np.round(2.0 + 0.01 * rng.standard_normal(rows), 5),
            "폭": np.round(60.0 + 0.05 * rng.standard_normal(rows), 4),
            "무게": np.round(45.0 + 0.2 * rng.standard_normal(rows), 3),
        }
    ).to_csv(path, index=False, encoding="cp949")
    return path


def best(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - start)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-api", action="store_true", help="skip the TestClient round trip")
    args = parser.parse_args()
    from gwangyang.factory import service
    from gwangyang.factory.io import read_table_notes
    from gwangyang.files import jsonable

    with tempfile.TemporaryDirectory() as folder:
        path = table(Path(folder) / "big.csv", args.rows)
        print(f"table: {args.rows} rows x 5 columns, {path.stat().st_size / 1e6:.1f} MB")
        spc, (document, report) = best(lambda: service.spc(path, "두께"), args.repeat)
        numbers = sum(len(c["values"]) + len(c["lower"]) + len(c["upper"]) for c in document["charts"])
        print(f"service.spc: {spc:.3f} s ({len(document['charts'])} charts, {numbers} numbers)")
        read, _ = best(lambda: read_table_notes(path, source=path.name), args.repeat)
        print(f"  read_table_notes: {read:.3f} s")
        raw = report.to_dict()
        convert, new = best(lambda: jsonable(report.to_dict()), args.repeat)
        print(f"  report.to_dict + jsonable: {convert:.3f} s")
        old_time, old = best(lambda: before(raw), args.repeat)
        new_time, new = best(lambda: jsonable(raw), args.repeat)
        same = json.dumps(old, allow_nan=False) == json.dumps(new, allow_nan=False)
        print(
            f"  jsonable alone: {new_time:.3f} s; item by item (before): {old_time:.3f} s; "
            f"ratio {new_time / old_time:.2f}; same JSON: {same}"
        )
        profile = cProfile.Profile()
        profile.enable()
        service.spc(path, "두께")
        profile.disable()
        text = io.StringIO()
        pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(12)
        print("\n".join(line for line in text.getvalue().splitlines() if line.strip())[:3000])
        if not args.no_api:
            from fastapi.testclient import TestClient

            from gwangyang.api.app import create_app

            token = "bench-token-0123456789"
            with TestClient(
                create_app(Path(folder) / "store", token=token, max_upload_bytes=1 << 30),
                headers={"Authorization": f"Bearer {token}"},
            ) as client:
                payload = path.read_bytes()

                def post() -> Any:
                    reply = client.post(
                        "/api/v1/factory/spc", files={"files": ("big.csv", payload)}, data={"column": "두께"}
                    )
                    assert reply.status_code == 200, reply.text[:200]
                    return reply

                api, reply = best(post, args.repeat)
                print(f"POST /api/v1/factory/spc: {api:.3f} s ({len(reply.content) / 1e6:.1f} MB answer)")


if __name__ == "__main__":
    main()
