"""Results files as engineers bring them: Korean headers in cp949, replicate cells, failed runs, stray columns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gwangyang.cli.main import main
from gwangyang.errors import InputError
from gwangyang.optimize.campaign import Campaign
from gwangyang.optimize.results import read_results
from gwangyang.optimize.space import SearchSpace

SPACE = {
    "name": "코팅",
    "objective": {"name": "수명", "direction": "maximize", "unit": "cycles", "low": 0.0},
    "parameters": {
        "온도": {"type": "integer", "low": 25, "high": 45, "unit": "°C"},
        "바인더": {"type": "categorical", "values": ["수계", "유계"]},
    },
}


def campaign(tmp_path: Path, batch: int = 3) -> tuple[Campaign, list[str]]:
    space = SearchSpace.from_dict(SPACE, source="코팅.toml")
    camp = Campaign.create(tmp_path / "캠페인", space, seed=3, batch_size=batch, rounds=3)
    return camp, [s.id for s in camp.suggest()]


def test_cp949_korean_headers_replicates_and_a_failed_run(tmp_path: Path) -> None:
    camp, ids = campaign(tmp_path)
    path = tmp_path / "결과.csv"
    text = (
        "id, 수명 ,std,cell,status,비고\n"
        f"{ids[0]},812,20,셀1,완료,첫 셀\n"
        f"{ids[0]},788,20,셀2,,\n"
        f"{ids[1]},,,셀3,실패,단락\n"
        f"{ids[2]},640,,셀4,ok,\n"
    )
    path.write_bytes(text.encode("cp949"))  # Excel on Korean Windows
    table = read_results(path)
    checked = camp.record(table, where=str(path))
    assert [(o.id, o.value, o.std, o.cell) for o in checked.observations] == [
        (ids[0], 812.0, 20.0, "셀1"),
        (ids[0], 788.0, 20.0, "셀2"),
        (ids[2], 640.0, 0.0, "셀4"),
    ]
    assert checked.failed == [ids[1]]
    # Every suggestion has a result or failed: the round closed, and the state says so.
    state = json.loads((tmp_path / "캠페인" / "state.json").read_text(encoding="utf-8"))
    assert state["round"] == 1 and state["pending"] == []
    assert state["history"][0] == {
        "round": 0,
        "suggested": 3,
        "observed": 2,
        "failed": 1,
        "best_value": 812.0,
        "warnings": [],
    }
    assert [o.get("cell") for o in state["observations"]] == ["셀1", "셀2", "셀4"]
    # Resumed from the file, the next round fits all three observations (replicates as two points).
    reopened = Campaign.open(tmp_path / "캠페인")
    assert len(reopened.observations) == 3
    assert len(reopened.suggest()) == 3


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (
            "id,수명,표준편차\n{0},800,30\n",
            r"결과\.csv: column\(s\) 표준편차 not understood; expected id, 수명",
        ),
        ("id,value,수명\n{0},800,800\n", r"결과\.csv: both 'value' and '수명' columns"),
        (
            "id,수명\n{0},800\n{0},790\n",
            r"row 2: suggestion '{0}' already has a result \(replicate cells of one point: add a cell column\)",
        ),
        ("id,수명,cell\n{0},800,A\n{0},790,A\n", r"row 2: suggestion '{0}' already has a result\.$"),
        (
            "id,수명\n{0},\n",
            r"row 1: 수명 of '{0}' is nan, not a finite number; for a run that gave no result write status = failed",
        ),
        ("id,수명\n{0},-5\n", r"row 1: 수명 of '{0}' is -5, below the objective's low = 0"),
        ("id,수명,status\n{0},800,실패\n", r"row 1: '{0}' is marked 실패 but has 수명 800"),
        ("id,수명,status\n{0},800,보류\n", r"row 1: status '보류' not understood"),
        ("id,수명,status,cell\n{0},800,,A\n{0},,failed,B\n", r"suggestion '{0}' is both failed and measured"),
    ],
)
def test_bad_results_are_refused_naming_the_file_and_row(tmp_path: Path, body: str, match: str) -> None:
    camp, ids = campaign(tmp_path)
    path = tmp_path / "결과.csv"
    path.write_text(body.format(ids[0]), encoding="utf-8-sig")
    before = (tmp_path / "캠페인" / "state.json").read_bytes()
    with pytest.raises(InputError, match=match.format(ids[0])):
        camp.record(read_results(path), where=str(path))
    assert (tmp_path / "캠페인" / "state.json").read_bytes() == before


def test_an_unknown_source_is_refused(tmp_path: Path) -> None:
    camp, ids = campaign(tmp_path)
    with pytest.raises(
        InputError, match="source: expected one of measured, predicted, twin, got 'predicated'"
    ):
        camp.record([{"id": ids[0], "value": 1.0}], source="predicated")


def test_cli_reports_failed_runs_and_exits_2_on_a_stray_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    space = tmp_path / "코팅.toml"
    space.write_text(
        '[objective]\nname = "수명"\nlow = 0.0\n[parameters."온도"]\ntype = "integer"\nlow = 25\nhigh = 45\n',
        encoding="utf-8",
    )
    state = str(tmp_path / "c")
    assert main(["optimize", "init", str(space), "--state", state, "--batch", "2", "--json"]) == 0
    capsys.readouterr()
    assert main(["optimize", "suggest", "--state", state, "--json"]) == 0
    ids = [s["id"] for s in json.loads(capsys.readouterr().out)["suggestions"]]
    path = tmp_path / "결과.csv"
    path.write_text(f"id,수명,표준편차\n{ids[0]},800,3\n", encoding="utf-8")
    assert main(["optimize", "observe", "--state", state, str(path)]) == 2
    assert "column(s) 표준편차 not understood" in capsys.readouterr().err
    path.write_text(f"id,수명,status\n{ids[0]},800,\n{ids[1]},,failed\n", encoding="utf-8")
    assert main(["optimize", "observe", "--state", state, str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {"recorded": 1, "failed": [ids[1]], "round": 1, "pending": [], "warnings": []}


def test_results_recorded_at_once_are_all_kept(tmp_path: Path) -> None:
    """Two requests recording results at the same time: both kept (the second save dropped the first's)."""
    import threading

    from gwangyang.optimize import service

    folder = tmp_path / "동시"
    Campaign.create(folder, SearchSpace.from_dict(SPACE), seed=1, batch_size=8, rounds=2)
    ids = [s["id"] for s in service.suggest(folder)["suggestions"]]
    # Without the lock, two stale copies of the state: the second save loses the first's row.
    first, second = Campaign.open(folder), Campaign.open(folder)
    first.observe([{"id": ids[0], "value": 500.0}])
    second.observe([{"id": ids[1], "value": 600.0}])
    assert [o["id"] for o in Campaign.open(folder).state.observations] == [ids[1]]
    # Through the service (what the CLI and every API worker call), eight writers at once keep all eight rows.
    folder = tmp_path / "잠금"
    Campaign.create(folder, SearchSpace.from_dict(SPACE), seed=1, batch_size=8, rounds=2)
    ids = [s["id"] for s in service.suggest(folder)["suggestions"]]
    start = threading.Barrier(len(ids))
    errors: list[BaseException] = []

    def write(i: int) -> None:
        start.wait()
        try:
            service.observe(folder, [{"id": ids[i], "value": 100.0 + i}])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(len(ids))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    state = Campaign.open(folder).state
    assert sorted(o["value"] for o in state.observations) == [100.0 + i for i in range(8)]
    assert state.round == 1 and state.history[0]["observed"] == 8


def test_a_crash_while_a_round_closes_loses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Killed while the closed round's snapshot is written: the state is the last one; sent again, all is kept.

    The state was written first, so such a crash left a closed round whose snapshot never came.
    """
    from gwangyang.optimize import campaign as module

    camp, ids = campaign(tmp_path, batch=2)
    folder = tmp_path / "캠페인"
    before = (folder / "state.json").read_bytes()
    real = module.write_json

    def crash_on_state(path: Path, value: object, indent: int | None = None) -> Path:
        if Path(path).name == "round-000.json":
            raise KeyboardInterrupt  # the process dies here
        return real(path, value, indent=indent)

    monkeypatch.setattr(module, "write_json", crash_on_state)
    rows = [{"id": ids[0], "value": 500.0}, {"id": ids[1], "value": 600.0}]
    with pytest.raises(KeyboardInterrupt):
        camp.observe(rows)
    monkeypatch.setattr(module, "write_json", real)
    assert (folder / "state.json").read_bytes() == before  # unchanged, not half-written
    assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []
    resumed = Campaign.open(folder)
    resumed.observe(rows)
    state = json.loads((folder / "state.json").read_text(encoding="utf-8"))
    snapshot = json.loads((folder / "rounds" / "round-000.json").read_text(encoding="utf-8"))
    assert state == snapshot
    assert [o["value"] for o in state["observations"]] == [500.0, 600.0] and state["round"] == 1


def test_a_campaign_held_by_another_writer_is_named_not_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The campaign's lock names the campaign (the store's lock message spoke of 'this store', and of its folder)."""
    from gwangyang.errors import StoreError
    from gwangyang.optimize import service
    from gwangyang.optimize.campaign import CAMPAIGN_LOCK
    from gwangyang.store.lock import WriteLock

    folder = tmp_path / "코팅 캠페인"
    Campaign.create(folder, SearchSpace.from_dict(SPACE), seed=1, batch_size=2, rounds=1)
    monkeypatch.setattr(service, "LOCK_WAIT_S", 0.0)
    holder = WriteLock(folder, name=CAMPAIGN_LOCK)
    assert holder.try_acquire()
    try:
        with pytest.raises(StoreError) as caught:
            service.suggest(folder)
    finally:
        holder.release()
    assert str(caught.value) == "campaign '코팅 캠페인': another process is changing it; try again later."
    assert len(service.suggest(folder)["suggestions"]) == 2  # free again


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("", "the file is empty; expected a header row and a row per result."),
        # read as 'value.1', it was refused as a column 'value.1' not understood: a name nobody wrote
        (
            "id,수명,수명\n{id},800,810\n",
            "column name '수명' appears more than once (columns 2 and 3); expected one column per field.",
        ),
        (
            "id, 수명,수명 \n{id},800,810\n",
            "column name '수명' appears more than once (columns 2 and 3); expected one column per field.",
        ),
    ],
)
def test_a_results_file_that_is_no_table_is_refused_in_one_line(tmp_path: Path, text: str, line: str) -> None:
    camp, ids = campaign(tmp_path)
    path = tmp_path / "결과 2.csv"
    path.write_text(text.format(id=ids[0]), encoding="utf-8")
    with pytest.raises(InputError) as refused:
        camp.record(read_results(path), where=str(path))
    assert str(refused.value) == f"{path}: {line}"
    assert json.loads((tmp_path / "캠페인" / "state.json").read_text(encoding="utf-8"))["observations"] == []
