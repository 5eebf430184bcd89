"""Issue 16, item 3 and friends: one error path for the CLI.

Usage errors: one line, exit 2. Failures: one line, exit 1. A traceback only with GWANGYANG_DEBUG=1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from gwangyang.cli.main import main
from tests.helpers import ARBIN

FASTCHARGE = ARBIN / "FastCharge_000025_CH8.csv"
ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["battery", "ingest", "--bogus", "x"], "No such option: --bogus"),
        (["battery", "ingest"], "Missing argument"),
        (["port", "berths", "x.txt", "--time-limit", "abc"], "--time-limit"),
        (["battery", "cells", "--json", "extra"], "unexpected extra argument"),
        (["nosuchpart"], "No such command"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert words in one_error_line(err)


def test_subprocess_usage_error_has_no_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("GWANGYANG_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-m", "gwangyang", "battery", "ingest", "--bogus", "x"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert "No such option" in one_error_line(done.stderr)


def test_a_bug_is_one_line_unless_debugging(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from gwangyang.battery import service

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(service, "ingest_files", broken)
    code, _, err = run(capsys, "battery", "ingest", str(FASTCHARGE), "--store", str(tmp_path / "s"))
    assert code == 1 and "internal error: ZeroDivisionError" in one_error_line(err)
    assert "GWANGYANG_DEBUG=1" in err
    monkeypatch.setenv("GWANGYANG_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        main(["battery", "ingest", str(FASTCHARGE), "--store", str(tmp_path / "s")])


def test_bad_files_and_paths_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    loop = tmp_path / "loop.csv"
    loop.symlink_to(loop)
    code, _, err = run(capsys, "battery", "ingest", str(loop), "--store", str(tmp_path / "s"))
    assert code == 2 and "loop.csv" in one_error_line(err)

    over = tmp_path / "over.txt"  # a berth number above int64
    over.write_text("2 1\n0 0\n0\n5\n9223372036854775808\n100\n100 100\n")
    code, _, err = run(capsys, "port", "berths", str(over))
    assert code == 2 and "out of range" in one_error_line(err)

    folder = tmp_path / "instance"
    folder.mkdir()
    for argv in (
        ["port", "berths", str(folder)],
        ["port", "cranes", str(folder)],
        ["routes", "solve", str(folder)],
    ):
        code, _, err = run(capsys, *argv)
        assert code == 2 and "instance" in one_error_line(err)

    empty = tmp_path / "empty.npz"  # an empty monitor file
    empty.write_bytes(b"")
    table = tmp_path / "proc.csv"
    pd.DataFrame({"t": np.arange(50), "a": np.arange(50.0) % 7, "b": np.arange(50.0) % 5}).to_csv(
        table, index=False
    )
    code, _, err = run(capsys, "factory", "score", str(table), "--monitor", str(empty))
    assert code == 2 and "not a gwangyang factory monitor file" in one_error_line(err)


def test_crafted_sparse_berth_file_is_refused_before_reading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sparse = tmp_path / "sparse.txt"
    with sparse.open("wb") as handle:  # a 2 GB file of holes behind a small header
        handle.write(b"3 2\n")
        handle.truncate(2 * 1024**3)
    code, _, err = run(capsys, "port", "berths", str(sparse))
    assert code == 2 and "more than 3x2 numbers can take" in one_error_line(err)
    huge_counts = tmp_path / "counts.txt"
    huge_counts.write_text("999999999 999999999\n1 2 3\n")
    code, _, err = run(capsys, "port", "berths", str(huge_counts))
    assert code == 2 and "vessel and berth counts" in one_error_line(err)


def _monthly(path: Path, values: np.ndarray, dates: list[str] | None = None) -> Path:
    months = pd.date_range("2015-01-01", periods=len(values), freq="MS").strftime("%Y-%m-%d").tolist()
    pd.DataFrame({"date": dates or months, "y": values}).to_csv(path, index=False)
    return path


def test_forecast_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    huge = _monthly(tmp_path / "huge.csv", 1e205 * (1 + 0.1 * np.sin(np.arange(48))))
    code, out, err = run(capsys, "forecast", str(huge), "--date-column", "date", "--target", "y", "--json")
    assert code == 2 and out == "" and "values must lie within" in one_error_line(err)
    months = pd.date_range("2015-01-01", periods=48, freq="MS").strftime("%Y-%m-%d").tolist()
    bad = _monthly(tmp_path / "bad.csv", np.arange(48.0), ["someday", *months[1:]])
    code, _, err = run(capsys, "forecast", str(bad), "--date-column", "date", "--target", "y")
    assert code == 2 and "does not hold dates" in one_error_line(err)  # no pandas warning before it


def test_outputs_in_missing_or_unwritable_places(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store"
    assert run(capsys, "battery", "ingest", str(FASTCHARGE), "--store", str(store))[0] == 0
    missing = tmp_path / "no" / "such" / "dir"
    code, _, err = run(
        capsys,
        "battery",
        "cycles",
        "FastCharge_000025_CH8",
        "--store",
        str(store),
        "--plot",
        f"{missing}/x.png",
    )
    assert code == 2 and "does not exist" in one_error_line(err)
    assert not (tmp_path / "no").exists()  # no folder made on the way
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    code, _, err = run(
        capsys, "battery", "export", "FastCharge_000025_CH8", f"{a_file}/out.csv", "--store", str(store)
    )
    line = one_error_line(err)
    assert code == 2 and "does not exist" in line
    # OUT is export's argument: the message names it so, not as an option the command does not have
    assert line.startswith(f"error: OUT {a_file}/out.csv: ") and "--out" not in line
    code, _, err = run(
        capsys, "battery", "export", "FastCharge_000025_CH8", str(tmp_path), "--store", str(store)
    )
    assert code == 2 and "is a folder" in one_error_line(err)
    code, _, err = run(
        capsys, "factory", "fit", str(FASTCHARGE), "--time-column", "t", "--out", f"{missing}/m.npz"
    )
    assert code == 2 and "--out" in one_error_line(err)
    code, _, err = run(capsys, "routes", "solve", "x.vrp", "--csv", f"{missing}/r.csv")
    assert code == 2 and "--csv" in one_error_line(err)


def test_store_option_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "battery", "cells", "--store", str(tmp_path / "typo"), "--json")
    assert code == 2 and out == "" and "no store there" in one_error_line(err)
    a_file = tmp_path / "file"
    a_file.write_text("")
    code, _, err = run(capsys, "battery", "ingest", str(FASTCHARGE), "--store", str(a_file))
    assert code == 2 and "is a file" in one_error_line(err)


def test_a_store_url_is_refused_not_made_a_local_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--store s3://bucket/store`` wrote a local folder ``./s3:/bucket/store`` (Path folds the ``//``), exit 0."""
    monkeypatch.chdir(tmp_path)
    for url in ("s3://plant-data/store", "file:///tmp/store", "gs://b/s"):
        code, out, err = run(capsys, "battery", "ingest", str(FASTCHARGE), "--store", url, "--json")
        assert code == 2 and out == ""
        line = one_error_line(err)
        scheme = url.split(":")[0]
        assert line.startswith(f"error: --store {scheme}:/") and f": a URL ({scheme}://);" in line, line
        assert "the CLI reads and writes a local store folder" in line
    code, _, err = run(capsys, "battery", "sql", "SELECT 1", "--store", "s3://plant-data/store")
    assert code == 2 and "a URL (s3://);" in one_error_line(err)
    assert list(tmp_path.iterdir()) == []  # no folder made
    code, _, err = run(capsys, "battery", "sql", "SELECT 1", "--store", "C:/x")  # a drive letter is no URL
    assert code == 2 and "no store there" in one_error_line(err)


def test_a_store_url_in_gwangyang_home_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``$GWANGYANG_HOME=s3://...`` made the same local folder ``./s3:/...`` as ``--store`` did."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GWANGYANG_HOME", "s3://공장/store")
    code, out, err = run(capsys, "battery", "ingest", str(FASTCHARGE), "--json")
    assert code == 2 and out == ""
    assert one_error_line(err).startswith("error: $GWANGYANG_HOME s3://공장/store: a URL (s3://);")
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setenv("GWANGYANG_HOME", str(tmp_path / "가게"))  # a folder is still taken
    code, _, err = run(capsys, "battery", "ingest", str(FASTCHARGE), "--json")
    assert code == 0 and (tmp_path / "가게").is_dir()


def test_read_only_store_is_one_line_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from gwangyang.store import lock

    store = tmp_path / "store"
    store.mkdir()

    def read_only(*_args: Any, **_kwargs: Any) -> int:
        raise OSError(errno.EROFS, "Read-only file system", str(store / ".write.lock"))

    monkeypatch.setattr(lock.os, "open", read_only)
    code, _, err = run(capsys, "battery", "ingest", str(FASTCHARGE), "--store", str(store))
    assert code == 1 and "Read-only file system" in one_error_line(err)


def test_second_ingest_exits_1_or_waits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import threading

    from gwangyang.store.lock import WriteLock

    store = tmp_path / "store"
    holder = WriteLock(store)
    assert holder.try_acquire()  # another ingest is running
    try:
        code, _, err = run(capsys, "battery", "ingest", str(FASTCHARGE), "--store", str(store))
        assert code == 1 and "another process is writing" in one_error_line(err)
        threading.Timer(0.3, holder.release).start()
        code, out, _ = run(
            capsys, "battery", "ingest", str(FASTCHARGE), "--store", str(store), "--wait", "60", "--json"
        )
    finally:
        holder.release()
    assert code == 0 and json.loads(out)["ingested"][0]["cell_id"] == "FastCharge_000025_CH8"


def test_malformed_column_map_is_one_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "map.toml"
    bad.write_text("[columns\nvoltage_v = ")
    files = [FASTCHARGE, ARBIN / "2017-05-09_test-TC-contact_CH33.csv"]
    code, out, err = run(
        capsys,
        "battery",
        "ingest",
        *map(str, files),
        "--column-map",
        str(bad),
        "--store",
        str(tmp_path / "s"),
        "--json",
    )
    assert code == 2 and out == ""
    assert "map.toml" in one_error_line(err)


def test_a_killed_worker_gives_a_json_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from gwangyang.cli import battery
    from gwangyang.compute import SerialExecutor
    from gwangyang.errors import WorkerLostError

    class DiesAfterOne(SerialExecutor):
        def map(self, fn: Any, items: Any, progress: Any = None, on_result: Any = None) -> list[Any]:
            first = fn(items[0])
            if on_result is not None:
                on_result(0, first)
            raise WorkerLostError("a worker process died (killed or out of memory); 1 of 2 items finished.")

    monkeypatch.setattr(battery, "make_executor", lambda *a, **k: DiesAfterOne())
    files = [FASTCHARGE, ARBIN / "2017-05-09_test-TC-contact_CH33.csv"]
    code, out, err = run(
        capsys, "battery", "ingest", *map(str, files), "--store", str(tmp_path / "s"), "--json"
    )
    report = json.loads(out)
    assert code == 1 and "Traceback" not in err
    assert len(report["ingested"]) == 1 and "worker process died" in report["failed"][0]["error"]


def _kill_self(item: int) -> int:
    import signal

    if item == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return item


def test_process_executor_turns_a_killed_worker_into_an_error() -> None:
    from gwangyang.compute import ProcessExecutor
    from gwangyang.errors import WorkerLostError

    seen: list[int] = []
    with pytest.raises(WorkerLostError, match="worker process died"):
        ProcessExecutor(workers=1, batch_size=1).map(
            _kill_self, [0, 1, 2, 3, 4], on_result=lambda i, r: seen.append(r)
        )
    assert seen == [0, 1, 2]


def test_an_end_of_file_in_a_library_is_one_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Typer turns EOFError into "Aborted!" after a blank line; a truncated file deserves its own line.
    from gwangyang.battery import service

    def truncated(*_args: Any, **_kwargs: Any) -> None:
        raise EOFError("No data left in file")

    monkeypatch.setattr(service, "ingest_files", truncated)
    code, _, err = run(capsys, "battery", "ingest", str(FASTCHARGE), "--store", str(tmp_path / "s"))
    assert code == 2 and "unexpected end of data (No data left in file)" in one_error_line(err)
