"""Every CLI command with random and truncated arguments and files (issue 16's acceptance fuzz).

Asserts, for each run: no traceback on stderr, exit code 0, 1 or 2, and a store left exactly as
it was when the command failed. Commands run in-process through :func:`gwangyang.cli.main.main`
(fast); two more runs go through a real ``python -m gwangyang`` subprocess.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gwangyang.battery.ingest import ingest
from gwangyang.cli.main import _leaves, command, main
from gwangyang.store import Store
from tests.helpers import ARBIN

ROOT = Path(__file__).resolve().parents[2]

TINY_BERTHS = "3 2\n0 1 2\n0 0\n5 6\n6 5\n4 4\n100 100\n50 50 50\n"
TINY_CVRP = (
    "NAME : tiny\nTYPE : CVRP\nDIMENSION : 4\nEDGE_WEIGHT_TYPE : EUC_2D\nCAPACITY : 10\n"
    "NODE_COORD_SECTION\n1 0 0\n2 10 0\n3 0 10\n4 10 10\nDEMAND_SECTION\n1 0\n2 3\n3 3\n4 3\n"
    "DEPOT_SECTION\n1\n-1\nEOF\n"
)

# Values an option may get: junk, edges and a few valid small ones; none makes a valid run long.
NUMBERS = ["abc", "", "-1", "0", "1", "2", "0.2", "nan", "inf", "-inf", "1e309", "99999999999999999999"]
SMALL = ["abc", "", "-1", "0", "1", "0.2", "nan", "inf"]  # for options whose size is run time
SMALL_OPTIONS = {
    "days",
    "replications",
    "time_limit",
    "cycles",
    "rounds",
    "seeds",
    "bo_seeds",
    "cells",
    "windows",
}
EXAMPLES = int(os.environ.get("GWANGYANG_FUZZ_EXAMPLES", "5"))
"""Runs per command: 5 in the default test run; set the variable higher for a long hunt."""
SKIP_OPTIONS = {"host", "port"}  # serve and demo are stubbed; a port number is not worth drawing


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A store with one real cell, and source files to truncate."""
    base = tmp_path_factory.mktemp("fuzz")
    store = base / "store"
    report = ingest([ARBIN / "FastCharge_000025_CH8.csv"], store=Store(store))
    assert not report.failed
    sources = base / "sources"
    sources.mkdir()
    (sources / "berths.txt").write_text(TINY_BERTHS)
    (sources / "tiny.vrp").write_text(TINY_CVRP)
    months = pd.date_range("2015-01-01", periods=36, freq="MS").strftime("%Y-%m-%d")
    pd.DataFrame({"date": months, "y": 100 + np.arange(36.0) % 12}).to_csv(
        sources / "series.csv", index=False
    )
    rng = np.random.default_rng(0)
    pd.DataFrame({"t": np.arange(60), "a": rng.normal(size=60), "b": rng.normal(size=60)}).to_csv(
        sources / "process.csv", index=False
    )
    (sources / "arbin.csv").write_bytes((ARBIN / "FastCharge_000025_CH8.csv").read_bytes()[:200_000])
    (sources / "map.toml").write_text('name = "x"\n[columns]\nvoltage_v = "V"\n')
    (sources / "results.csv").write_text("id,value\nr0-0,1.5\n")
    (sources / "junk.bin").write_bytes(bytes(range(256)) * 4)
    return {"base": base, "store": store, "sources": sorted(sources.iterdir())}


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file of a store with its size and modification time (the lock files aside)."""
    out = {}
    for path in root.rglob("*"):
        if path.is_file() and path.name not in {".write.lock", ".users.lock"}:
            stat = path.stat()
            out[str(path.relative_to(root))] = (stat.st_size, stat.st_mtime_ns)
    return out


COMMANDS = sorted(name for name, _ in _leaves(command()))


def _params(name: str) -> list[Any]:
    return dict(_leaves(command()))[name].params


@contextlib.contextmanager
def captured() -> Iterator[tuple[io.StringIO, io.StringIO]]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        yield out, err


@st.composite
def argv_for(draw: st.DrawFn, name: str, world: dict[str, Any], scratch: Path) -> list[str]:
    """Arguments for one command: its options in any subset, values junk, edges, files or truncated files."""

    def a_file() -> str:
        source: Path = draw(st.sampled_from(world["sources"]))
        data = source.read_bytes()
        cut = draw(st.sampled_from([len(data), 0, 1, len(data) // 2, draw(st.integers(0, len(data)))]))
        target = scratch / f"{draw(st.integers(0, 10**9))}{source.suffix}"
        target.write_bytes(data[:cut])
        return str(target)

    def a_value(param: Any) -> str:
        pool = SMALL if param.name in SMALL_OPTIONS else NUMBERS
        return draw(
            st.one_of(
                st.sampled_from(pool),
                st.just(a_file()) if draw(st.booleans()) else st.sampled_from([str(scratch / "missing.csv")]),
                st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12),
                st.sampled_from(["FastCharge_000025_CH8", "공장", "../x", "-", "--json"]),
            )
        )

    args = [name.split()[0], *name.split()[1:]] if name else []
    for param in _params(name):
        if param.name in SKIP_OPTIONS:
            continue
        if param.name == "store":
            if draw(st.integers(0, 9)) < 8:
                args += ["--store", str(world["store"])]
            continue
        if param.param_type_name == "argument":
            count = 1 if param.nargs == 1 else draw(st.integers(0 if not param.required else 1, 2))
            args += [a_value(param) if draw(st.booleans()) else a_file() for _ in range(count)]
            continue
        if not param.required and draw(st.booleans()):
            continue
        flag = param.opts[0]
        if param.is_flag:
            args.append(flag)
        else:
            args += [flag, a_value(param)]
    if draw(st.integers(0, 9)) == 0:  # a truncated command line
        args = args[: draw(st.integers(0, len(args)))]
    return args


@pytest.fixture(autouse=True)
def _no_server_no_demo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # commands run without --store use the default store: keep it (and any relative output) here
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GWANGYANG_HOME", str(tmp_path / "default-store"))
    from gwangyang.cli import demo as demo_module
    from gwangyang.cli import serve as serve_module

    monkeypatch.setattr(serve_module, "run_server", lambda *args, **kwargs: None)
    from gwangyang.errors import StoreError

    def no_demo(store: Path, progress: Any = None) -> dict[str, Any]:
        raise StoreError("the demo's analyses are not run by the fuzz test.")

    monkeypatch.setattr(demo_module, "run_demo", no_demo)


@pytest.mark.parametrize("name", COMMANDS)
def test_fuzz_every_command(
    name: str, world: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    scratch = tmp_path_factory.mktemp("args")

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(argv=argv_for(name, world, scratch))
    def check(argv: list[str]) -> None:
        before = snapshot(world["store"])
        with captured() as (_out, err):
            code = main(argv)
        text = err.getvalue()
        assert "Traceback" not in text, (argv, text)
        assert code in (0, 1, 2), (argv, code, text)
        if code != 0:
            assert snapshot(world["store"]) == before, argv
        if code == 2:  # bad usage or input: one error line ends the output
            lines = [line for line in text.splitlines() if line.strip() and not line.startswith("warning:")]
            assert lines and lines[-1].startswith("error: "), (argv, text)

    check()


@pytest.mark.parametrize(
    "argv",
    [
        ["battery", "ingest", "{truncated}", "--store", "{store}", "--json"],
        ["port", "berths", "{truncated}", "--time-limit", "nan"],
        ["battery", "cells", "--store", "{truncated}"],
    ],
)
def test_fuzz_subprocess(argv: list[str], world: dict[str, Any], tmp_path: Path) -> None:
    truncated = tmp_path / "cut_CH8.csv"
    truncated.write_bytes((ARBIN / "FastCharge_000025_CH8.csv").read_bytes()[:777])
    store = tmp_path / "store"
    filled = [a.replace("{truncated}", str(truncated)).replace("{store}", str(store)) for a in argv]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("GWANGYANG_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-m", "gwangyang", *filled], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode in (0, 1, 2) and "Traceback" not in done.stderr, done.stderr
    if done.returncode:
        assert [line for line in done.stderr.splitlines() if line.strip()][-1].startswith("error: ")
