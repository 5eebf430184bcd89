"""DBAP instance files of other sizes and layouts than f200x15: read back exactly, bad numbers named by line.

The instances are generated (any vessel and berth count, forbidden berths written 99999, optional weights)
and written in several line layouts; reading one back must give the arrays it was written from, and a
plan of it must pass the independent checker. A bad number put anywhere must be refused in one line that
names its line in the file.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gwangyang.cli.main import main
from gwangyang.errors import CorruptFileError
from gwangyang.port.berth_baselines import solve_fcfs, solve_spt
from gwangyang.port.berth_model import FORBIDDEN, BerthInstance, check_plan, objective

LAYOUTS = ("kramer", "one-per-line", "one-line", "crlf", "wrapped")


def instance_arrays(rng: np.random.Generator, n: int, m: int) -> dict[str, np.ndarray]:
    """A feasible instance: each vessel has an allowed berth; windows wide enough for a serial plan."""
    handling = rng.integers(1, 60, size=(n, m))
    forbidden = rng.random((n, m)) < 0.4
    forbidden[np.arange(n), rng.integers(0, m, size=n)] = False
    arrival = rng.integers(0, 10 * n, size=n)
    opening = rng.integers(0, 20, size=m)
    horizon = int(arrival.max() + handling.max(axis=1).sum() + 20)  # a serial plan in arrival order fits
    return {
        "arrival": arrival,
        "opening": opening,
        "handling": np.where(forbidden, FORBIDDEN, handling),
        "closing": np.full(m, horizon) - rng.integers(0, 5, size=m),
        "deadline": np.full(n, horizon),
        "weight": rng.integers(1, 5, size=n),
    }


def render(arrays: dict[str, np.ndarray], layout: str, weights: bool) -> str:
    n, m = arrays["handling"].shape
    rows = [[n], [m], list(arrays["arrival"]), list(arrays["opening"])]
    rows += [list(r) for r in arrays["handling"]]
    rows += [list(arrays["closing"]), list(arrays["deadline"])]
    if weights:
        rows.append(list(arrays["weight"]))
    if layout == "one-per-line":
        return "\n".join(str(v) for row in rows for v in row) + "\n"
    if layout == "one-line":
        return " ".join(str(v) for row in rows for v in row)
    if layout == "wrapped":  # ten numbers a line, whatever the sections
        flat = [str(v) for row in rows for v in row]
        return "\n".join("\t".join(flat[i : i + 10]) for i in range(0, len(flat), 10)) + "\n"
    text = "\n".join(" ".join(str(v) for v in row) + " " for row in rows) + "\n"
    return text.replace("\n", "\r\n") if layout == "crlf" else text


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    n=st.integers(1, 260),
    m=st.integers(1, 25),
    layout=st.sampled_from(LAYOUTS),
    weights=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_any_size_and_layout_reads_back_exactly(
    tmp_path_factory: pytest.TempPathFactory, n: int, m: int, layout: str, weights: bool, seed: int
) -> None:
    arrays = instance_arrays(np.random.default_rng(seed), n, m)
    path = tmp_path_factory.mktemp("berth") / f"f{n}x{m}-01.txt"
    path.write_text(render(arrays, layout, weights), newline="")
    inst = BerthInstance.from_file(path)
    assert (inst.vessels, inst.berths) == (n, m)
    assert inst.name == f"f{n}x{m}-01"
    for key in ("arrival", "opening", "closing", "deadline"):
        assert inst.__dict__[key].tolist() == arrays[key].tolist()
    expected = np.where(arrays["handling"] == FORBIDDEN, -1, arrays["handling"])
    assert inst.handling.tolist() == expected.tolist()
    plan = solve_fcfs(inst)
    assert check_plan(inst, plan.assignments) == []
    assert plan.objective == objective(inst, plan.assignments)


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    n=st.integers(1, 60),
    m=st.integers(1, 8),
    layout=st.sampled_from(LAYOUTS),
    where=st.floats(0.0, 1.0, exclude_max=True),
    bad=st.sampled_from(["1o4", "12.5", "x", "-3", "nan", "1e400"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_a_bad_number_anywhere_names_its_line(
    tmp_path_factory: pytest.TempPathFactory,
    n: int,
    m: int,
    layout: str,
    where: float,
    bad: str,
    seed: int,
) -> None:
    arrays = instance_arrays(np.random.default_rng(seed), n, m)
    text = render(arrays, layout, weights=False)
    tokens = [(i, t) for i, line in enumerate(text.splitlines(), start=1) for t in line.split()]
    pos = 2 + int(where * (len(tokens) - 2))  # never the counts: they decide the size
    line = tokens[pos][0]
    lines = text.splitlines()
    words = lines[line - 1].split()
    index = sum(1 for i, _ in tokens[:pos] if i == line)
    words[index] = bad
    lines[line - 1] = " ".join(words)
    path = tmp_path_factory.mktemp("bad") / "bad.txt"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(CorruptFileError) as info:
        BerthInstance.from_file(path)
    message = str(info.value)
    assert "\n" not in message and f"line {line}:" in message, message


def test_hand_worked_instance_with_closing_windows(tmp_path: Path) -> None:
    # 3 vessels, 2 berths; vessel 1 may not use berth 0 (99999); berth 1 closes at 12.
    # FCFS by arrival, worked by hand: vessel 0 (arrives 0) at berth 0 [0, 5) or berth 1 [2, 8): berth 0,
    # ends 5. Vessel 1 (arrives 1) only berth 1: [2, 6), ends 6. Vessel 2 (arrives 3) berth 0 [5, 9) or
    # berth 1 [6, 12) (ends by its close): berth 0, ends 9. Objective (5-0) + (6-1) + (9-3) = 16.
    text = "3\n2\n0 1 3\n0 2\n5 6\n99999 4\n4 6\n100 12\n50 50 50\n"
    path = tmp_path / "small.txt"
    path.write_text(text)
    inst = BerthInstance.from_file(path)
    plan = solve_fcfs(inst)
    assert check_plan(inst, plan.assignments) == []
    assert plan.assignments.sort_values("vessel")[["berth", "end"]].values.tolist() == [
        [0, 5],
        [1, 6],
        [0, 9],
    ]
    assert plan.objective == 16
    assert solve_spt(inst).objective >= 16  # nothing beats 16: each vessel ends at its earliest possible time
    # Berth 1 closing at 5 leaves vessel 1 (only berth 1, from 2, 4 long) no window: one line naming it.
    path.write_text(text.replace("100 12", "100 5"))
    with pytest.raises(
        CorruptFileError, match=r"line 9: vessel 1 \(arrival 1, deadline 50\) fits no allowed"
    ):
        BerthInstance.from_file(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2 1\n0 0\n0\n5\n-5\n9\n9 9\n", r"line 5: handling time of vessel 1 at berth 0 is -5"),
        (
            "2 1\n0 0\n0\n5\n0\n9\n9 9\n",
            r"line 5: handling time of vessel 1 at berth 0: a handling time of 0",
        ),
        ("2 1\n0 0\n7\n5\n5\n6\n9 9\n", r"line 6: berth 0 closes \(6\) before it opens \(7\)"),
        ("2 1\n0 0\n0\n5\n99999\n9\n9 9\n", r"line 5: vessel 1 has no allowed berth"),
        ("2 1\n0 0\n0\n5\n5\n9\n9 9\n4\n", r"line 8: 11 numbers, expected 10 or 12"),
        ("2 1\n0 0\n0\n5\n5\n9\n9\n", r"line 7: truncated: .*deadline of vessel 1 is missing"),
    ],
)
def test_semantic_errors_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "x.txt"
    path.write_text(text)
    with pytest.raises(CorruptFileError, match=message):
        BerthInstance.from_file(path)


def test_cli_plans_another_size_in_a_korean_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arrays = instance_arrays(np.random.default_rng(7), 30, 4)
    folder = tmp_path / "광양_선석"
    folder.mkdir()
    path = folder / "f30x4-01.txt"
    path.write_text(render(arrays, "wrapped", weights=True))
    assert main(["port", "berths", str(path), "--budget", "1", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    inst = BerthInstance.from_file(path)
    import pandas as pd

    assignments = pd.DataFrame(document["assignments"])
    assert check_plan(inst, assignments) == []
    assert document["objective"] == objective(inst, assignments) <= solve_fcfs(inst).objective
    assert document["lower_bound"] is None or document["lower_bound"] <= document["objective"]


def test_byte_order_mark_is_read_past(tmp_path: Path) -> None:
    arrays = instance_arrays(np.random.default_rng(3), 9, 2)
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + render(arrays, "crlf", weights=False).encode("ascii"))
    assert BerthInstance.from_file(path).arrival.tolist() == arrays["arrival"].tolist()


def test_one_other_not_allowed_marker_reads_as_99999(tmp_path: Path) -> None:
    """A file that writes every forbidden berth as one bigger number (999999) reads as the 99999 file does."""
    arrays = instance_arrays(np.random.default_rng(11), 12, 3)
    ours, theirs = tmp_path / "a.txt", tmp_path / "b.txt"
    ours.write_text(render(arrays, "kramer", weights=False))
    bigger = dict(arrays, handling=np.where(arrays["handling"] == FORBIDDEN, 999_999, arrays["handling"]))
    theirs.write_text(render(bigger, "kramer", weights=False))
    assert (arrays["handling"] == FORBIDDEN).any()
    assert (
        BerthInstance.from_file(theirs).handling.tolist() == BerthInstance.from_file(ours).handling.tolist()
    )


def test_two_different_big_handling_times_are_refused_naming_the_line(tmp_path: Path) -> None:
    """99999 and 120000 in one file: the second is no marker and no plausible time next to the others."""
    path = tmp_path / "seconds.txt"
    path.write_text("2 2\n0 0\n0 0\n5 99999\n120000 7\n50 50\n50 50\n")
    with pytest.raises(
        CorruptFileError,
        match=r"line 5: handling time of vessel 1 at berth 0 is 120000, and the file also holds 99999",
    ):
        BerthInstance.from_file(path)
