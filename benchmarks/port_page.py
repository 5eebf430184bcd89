"""First load of the port page (``GET /port``): the kept time-lapse (ours) against simulating it on the request (the peer).

Each row is the median over fresh server processes (FastAPI TestClient, templates warmed by one other page
first, so the first ``/port`` pays only for what the port page itself does) of the first and the second
``GET /port``, on stores made by the demo's port step (``demo.port_step``, 1 day):

* ``kept``: the store keeps the time-lapse beside the port run (``port/runs/timelapse.json``);
* ``none kept``: an older store (its port run only); the page asks its script to compute one as a job;
* ``--before SRC``: the same stores served by another version's sources (e.g. the commit before the
  time-lapse was kept, whose page simulated it on the first request: ``git archive 9b2540a src | tar -x -C /tmp/before``),
  and the ratio of its first load to ours.

Run: .venv/bin/python benchmarks/port_page.py [--runs 5] [--before /tmp/before/src]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
TOKEN = "port-page-benchmark-0123456789"


def child(store: str) -> None:
    """In a fresh process: the seconds of the first and the second ``GET /port``, as JSON on stdout."""
    from fastapi.testclient import TestClient

    from gwangyang.api import create_app

    with TestClient(
        create_app(Path(store), token=TOKEN), headers={"Authorization": f"Bearer {TOKEN}"}
    ) as client:
        client.get("/logistics")  # the templates' environment warmed by another page
        seconds = []
        for _ in range(2):
            started = time.perf_counter()
            reply = client.get("/port")
            seconds.append(time.perf_counter() - started)
            assert reply.status_code == 200, reply.text[:200]
    print(json.dumps(seconds))


def measure(src: Path, store: Path, runs: int) -> tuple[float, float]:
    """Median first and second ``GET /port`` (seconds) of ``runs`` fresh processes importing ``src``."""
    rows = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(store)],
            env={**os.environ, "PYTHONPATH": str(src)},
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows)


def make_stores(where: Path) -> dict[str, Path]:
    """A store as the demo's port step makes it, and an older one without the kept time-lapse."""
    sys.path.insert(0, str(SRC))
    from gwangyang import demo
    from gwangyang.port import service
    from gwangyang.store import Store

    kept = Store(where / "kept")
    kept.root.mkdir(parents=True)
    demo.port_step(kept, days=1.0)
    older = Store(where / "none-kept")
    older.root.mkdir(parents=True)
    run = service.load_run(kept, service.DEMO_RUN)
    assert run is not None
    service.save_run(older, service.DEMO_RUN, run)
    return {"kept": kept.root, "none kept": older.root}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="Fresh processes per row.")
    parser.add_argument("--before", type=Path, help="Another version's src folder to serve the same stores.")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        stores = make_stores(Path(tmp))
        print(f"GET /port, median of {args.runs} fresh processes (ms)")
        print(f"{'sources':10} {'store':10} {'first':>8} {'second':>8}")
        ours = {}
        for name, store in stores.items():
            first, second = measure(SRC, store, args.runs)
            ours[name] = first
            print(f"{'ours':10} {name:10} {first * 1e3:8.0f} {second * 1e3:8.0f}")
        if args.before is not None:
            for name, store in stores.items():
                first, second = measure(args.before, store, args.runs)
                print(
                    f"{'before':10} {name:10} {first * 1e3:8.0f} {second * 1e3:8.0f}"
                    f"   first load before/ours = {first / ours[name]:.1f}x"
                )


if __name__ == "__main__":
    main()
