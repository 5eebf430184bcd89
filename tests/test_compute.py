import pickle
from functools import partial

import pytest

from gwangyang.compute import DaskExecutor, ProcessExecutor, SerialExecutor, make_executor
from gwangyang.errors import InputError


def _square(x: int, offset: int = 0) -> int:
    return x * x + offset


@pytest.mark.parametrize("name", ["serial", "processes"])
def test_map_keeps_order_and_reports_each_result(name: str) -> None:
    executor = make_executor(name, workers=2, batch_size=3)
    seen: list[tuple[int, int]] = []
    progress: list[tuple[int, int]] = []
    try:
        out = executor.map(
            partial(_square, offset=1),
            list(range(10)),
            progress=lambda d, t: progress.append((d, t)),
            on_result=lambda i, r: seen.append((i, r)),
        )
    finally:
        executor.close()
    assert out == [x * x + 1 for x in range(10)]
    assert sorted(seen) == [(i, i * i + 1) for i in range(10)]
    assert progress[-1] == (10, 10)


def test_dask_local_cluster_matches_serial() -> None:
    executor = DaskExecutor(workers=2, batch_size=4)
    try:
        assert len(executor.client.scheduler_info()["workers"]) == 2
        out = executor.map(_square, list(range(13)))
    finally:
        executor.close()
    assert out == SerialExecutor().map(_square, list(range(13)))


def test_executor_objects_pickle() -> None:
    for executor in (SerialExecutor(), ProcessExecutor(workers=1)):
        clone = pickle.loads(pickle.dumps(executor))
        assert clone.name == executor.name


def test_unknown_executor_is_refused() -> None:
    with pytest.raises(InputError, match="--executor"):
        make_executor("threads")
    with pytest.raises(InputError, match="workers"):
        ProcessExecutor(workers=0)
