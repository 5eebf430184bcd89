"""Load test of the REST API on 127.0.0.1, and the wall time of ``gwangyang demo --no-serve``.

1. ``gwangyang demo --no-serve`` on a fresh store (the package's shipped samples; sources in
   src/gwangyang/data/samples/battery/README.md): wall time of the whole command.
2. ``gwangyang serve`` on that store in its own process; 50 concurrent clients (threads with
   one keep-alive ``http.client`` connection each) call ``GET /api/v1/battery/cells`` and
   ``GET /api/v1/battery/cells/{id}/cycles`` and ``POST /api/v1/battery/life/predict`` (the
   shipped sample's four test cells, with the model fitted first through the API) in turn for 30 s; then the same clients call
   ``GET /health`` (the framework's floor: no store, no auth) for the baseline time. Prints
   requests/s, p50/p99 latency and errors per endpoint, the ratio to the floor, and the
   server's peak resident memory (VmHWM).

The clients share the machine with the server (2 cores here), so requests/s is a lower bound.

Usage: .venv/bin/python benchmarks/api_load.py [--seconds 30] [--clients 50] [--baseline-seconds 10] [--quick]
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import numpy as np

TOKEN = "load-test-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


PREDICT_BODY = b'{"model": "demo", "sample": "test1"}'
"""Predict the four test cells of the shipped Severson sample with the model fitted first."""


def _request(path: str) -> tuple[str, str, bytes | None]:
    """``POST /path`` with the predict body for ``POST ...`` names, else ``GET``."""
    if path.startswith("POST "):
        return "POST", path.removeprefix("POST "), PREDICT_BODY
    return "GET", path, None


def hammer(port: int, paths: list[str], clients: int, seconds: float) -> dict[str, dict[str, float]]:
    """``clients`` threads, each with one keep-alive connection, cycling through ``paths`` until time is up."""
    latencies: dict[str, list[float]] = {p: [] for p in paths}
    errors: dict[str, int] = dict.fromkeys(paths, 0)
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}

    def client(k: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: dict[str, list[float]] = {p: [] for p in paths}
        failed: dict[str, int] = dict.fromkeys(paths, 0)
        i = k
        while time.perf_counter() < deadline:
            path = paths[i % len(paths)]
            i += 1
            start = time.perf_counter()
            try:
                method, url, body = _request(path)
                connection.request(method, url, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                ok = False
            if ok:
                mine[path].append(time.perf_counter() - start)
            else:
                failed[path] += 1
        connection.close()
        with lock:
            for path in paths:
                latencies[path].extend(mine[path])
                errors[path] += failed[path]

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    out = {}
    for path in paths:
        lat = np.array(latencies[path]) * 1000
        out[path] = {
            "requests": float(len(lat)),
            "rps": len(lat) / elapsed,
            "p50_ms": float(np.percentile(lat, 50)) if len(lat) else float("nan"),
            "p99_ms": float(np.percentile(lat, 99)) if len(lat) else float("nan"),
            "errors": float(errors[path]),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--baseline-seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--quick", action="store_true", help="5 s + 3 s")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.baseline_seconds = 5.0, 3.0

    gwangyang = [sys.executable, "-m", "gwangyang"]
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "demo-store"
        start = time.perf_counter()
        subprocess.run(
            [*gwangyang, "demo", "--no-serve", "--store", str(store)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        demo_s = time.perf_counter() - start
        print(f"gwangyang demo --no-serve (fresh store): {demo_s:.2f} s wall")

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "GWANGYANG_TOKEN": TOKEN}
        server = subprocess.Popen(
            [*gwangyang, "serve", "--port", str(port), "--store", str(store)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            auth = {"Authorization": f"Bearer {TOKEN}"}
            cells = httpx.get(f"{base}/api/v1/battery/cells", headers=auth).json()
            fit = httpx.post(
                f"{base}/api/v1/battery/life/fit?wait=600", json={"name": "demo"}, headers=auth, timeout=700
            )
            fit.raise_for_status()
            test = fit.json()["job"]["result"]["test"]
            print(f"life model fitted through the API: test RMSE {test['rmse_cycles']:.0f} cycles")
            busiest = max(cells, key=lambda c: c["cycles"] or 0)["cell_id"]
            paths = [
                "/api/v1/battery/cells",
                f"/api/v1/battery/cells/{busiest}/cycles",
                "POST /api/v1/battery/life/predict",
            ]
            print(
                f"store: {len(cells)} cells; second endpoint on {busiest} ({max(c['cycles'] or 0 for c in cells)} cycles)"
            )
            print(
                f"{args.clients} clients, {args.seconds:.0f} s on the API, {args.baseline_seconds:.0f} s on /health"
            )
            results = hammer(port, paths, args.clients, args.seconds)
            floor = hammer(port, ["/health"], args.clients, args.baseline_seconds)["/health"]
            peak = peak_rss_mib(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)

    print(f"{'endpoint':55} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'floor/req/s':>12}")
    for path, r in {**results, "/health (floor)": floor}.items():
        ratio = floor["rps"] / r["rps"] if r["rps"] else float("nan")
        print(
            f"{path:55} {r['rps']:8.1f} {r['p50_ms']:8.1f} {r['p99_ms']:8.1f} {int(r['errors']):7d} {ratio:12.2f}"
        )
    total = sum(r["rps"] for r in results.values())
    print(f"API total: {total:.1f} req/s; server peak memory (VmHWM): {peak:.0f} MiB")


if __name__ == "__main__":
    main()
