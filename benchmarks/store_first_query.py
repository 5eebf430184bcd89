"""The first query of a process (the CLI's every query): this code against another checkout's, on the same store.

Each measure runs in a fresh Python process (imports done before the clock starts), alternating
the two codes ``--repeat`` times, and prints the best wall and CPU seconds of each and their ratio:

- ``fleet``: ``Store(root).sql(FLEET_MAX)`` (max capacity per cell; reads the catalog, makes the views);
- ``lot``: ``Store(root).sql(FLEET_LOT)`` (mean per lot, joined with the ``cells`` view);
- ``one_meta``: ``Store(root).meta(cell)`` of one cell (the catalog, then one cell's metadata);
- ``all_metas``: ``Store(root).metas()`` (every cell's metadata, parsed).

Usage (the "before" code: ``git archive <commit> src | tar -x -C /tmp/before``)::

    python benchmarks/store_first_query.py --store /tmp/bench/fleet100000 --before-src /tmp/before/src
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from store_scale import FLEET_LOT, FLEET_MAX

CHILD = """
import json, sys, time
from gwangyang.store import Store
root, what, query_max, query_lot = sys.argv[1:5]
store = Store(root)
start, cpu = time.perf_counter(), time.process_time()
if what == "fleet":
    n = len(store.sql(query_max))
elif what == "lot":
    n = len(store.sql(query_lot))
elif what == "one_meta":
    n = len(store.meta(sys.argv[5]))
else:
    n = len(store.metas())
print(json.dumps({"wall": time.perf_counter() - start, "cpu": time.process_time() - cpu, "n": n}))
"""

MEASURES = ("fleet", "lot", "one_meta", "all_metas")


def run_child(src: Path, root: Path, what: str, cell: str) -> dict[str, float]:
    """One measure in a fresh process with ``src`` first on the path."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    args = [sys.executable, "-c", CHILD, str(root), what, FLEET_MAX, FLEET_LOT, cell]
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if (
        done.returncode != 0
    ):  # the child's own last line (e.g. a --cell the store does not hold), not a traceback
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise SystemExit(f"{what} with {src}: {last}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--before-src", type=Path, required=True, help="the other checkout's src folder")
    parser.add_argument("--after-src", type=Path, default=Path(__file__).resolve().parents[1] / "src")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--cell",
        default="F07-0000007",
        help="the cell of one_meta (a cell of store_fleet_query's 10^5 store)",
    )
    parser.add_argument("--measures", nargs="+", default=list(MEASURES), choices=MEASURES)
    args = parser.parse_args()
    print(f"store {args.store}; load average at start {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        f"{'measure':>10} {'before wall':>12} {'after wall':>11} {'ratio':>6} {'before CPU':>11} {'after CPU':>10} {'ratio':>6}"
    )
    for what in args.measures:
        runs: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
        for _ in range(args.repeat):
            for label, src in (("before", args.before_src), ("after", args.after_src)):
                runs[label].append(run_child(src, args.store, what, args.cell))
        if {r["n"] for r in runs["before"]} != {r["n"] for r in runs["after"]}:
            raise SystemExit(f"{what}: the answers differ in size: {runs}")
        best = {k: (min(r["wall"] for r in v), min(r["cpu"] for r in v)) for k, v in runs.items()}
        (bw, bc), (aw, ac) = best["before"], best["after"]
        print(
            f"{what:>10} {bw:>12.3f} {aw:>11.3f} {bw / aw:>5.1f}x {bc:>11.3f} {ac:>10.3f} {bc / ac:>5.1f}x",
            flush=True,
        )


if __name__ == "__main__":
    main()
