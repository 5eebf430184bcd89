"""Streaming scoring: batch = row by row, k-consecutive alarms, constant-size state, save and load."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.errors import InputError, ModelFileError
from gwangyang.factory.fitting import fit_table
from gwangyang.factory.io import ConstantColumnWarning
from gwangyang.factory.streaming import StreamingMonitor, store_monitor_path


def table(n: int, seed: int, bias_from: int | None = None) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 2))
    values = latent @ np.random.default_rng(42).normal(size=(2, 6)) + 0.2 * rng.normal(size=(n, 6))
    if bias_from is not None:
        values[bias_from:, 2] += 3.0
    frame = pd.DataFrame(values, columns=[f"v{i}" for i in range(6)])
    frame.insert(0, "time", np.arange(n) * 60.0)
    return frame


@pytest.fixture(params=["pca", "dpca", "kpca"])
def fitted(request: pytest.FixtureRequest) -> StreamingMonitor:
    return fit_table(table(400, 1), "time", request.param, k=3).monitor


def test_row_by_row_equals_batch_equals_split_batches(fitted: StreamingMonitor) -> None:
    data = table(300, 2, bias_from=150)
    whole = fitted.score_table(data)
    fitted.reset()
    rows = [fitted.update(row)[0] for _, row in data.iterrows()]
    assert [r["alarm"] for r in rows] == whole.alarm.tolist()
    np.testing.assert_allclose([r["t2"] for r in rows], whole.t2, equal_nan=True)
    fitted.reset()
    X = data[fitted.columns].to_numpy()
    parts = [fitted.score_batch(X[a:b]) for a, b in ((0, 7), (7, 151), (151, 152), (152, 300))]
    np.testing.assert_allclose(np.concatenate([p.q for p in parts]), whole.q, equal_nan=True)
    assert np.concatenate([p.alarm for p in parts]).tolist() == whole.alarm.tolist()


def test_alarm_needs_k_consecutive_violations(fitted: StreamingMonitor) -> None:
    data = table(300, 3, bias_from=150)
    result = fitted.score_table(data)
    # An alarm row is the k-th (or later) of a run of violations, counted by hand here.
    run, expected = 0, []
    for flag in result.violation:
        run = run + 1 if flag else 0
        expected.append(run >= 3)
    assert result.alarm.tolist() == expected
    # The bias on v2 from row 150 is found and blamed on v2.
    late = [a for a in result.alarms if a.end_index >= 150]
    assert late and late[0].start_index <= 155
    assert late[0].top_variables[0]["variable"] == "v2"


def test_state_has_constant_size(fitted: StreamingMonitor) -> None:
    import tracemalloc

    fitted.reset()
    sizes = set()
    batches = [table(500, 10 + seed, bias_from=250)[fitted.columns].to_numpy() for seed in range(12)]
    fitted.score_batch(batches[0])  # warm up
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for batch in batches[1:]:
            fitted.score_batch(batch)  # results dropped: only the monitor's state is kept
            sizes.add((fitted._buffer.shape, fitted._open_contrib.shape, len(fitted._open or {})))
        retained = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(sizes) == 1
    # 5500 rows scored (one batch is 500 × 6 × 8 = 24 000 bytes): the state kept between calls holds no batch
    # and does not grow with the rows (an open alarm's totals and at most `lags` rows: a few kB).
    assert retained < 10_000


def test_save_and_resume_mid_stream(fitted: StreamingMonitor, tmp_path: Path) -> None:
    data = table(300, 4, bias_from=100)[fitted.columns].to_numpy()
    fitted.reset()
    uninterrupted = np.concatenate([fitted.score_batch(data[:160]).t2, fitted.score_batch(data[160:]).t2])
    fitted.reset()
    first = fitted.score_batch(data[:160])
    fitted.save(tmp_path / "m.npz")
    resumed = StreamingMonitor.load(tmp_path / "m.npz")
    assert resumed.in_alarm == fitted.in_alarm
    np.testing.assert_allclose(
        np.concatenate([first.t2, resumed.score_batch(data[160:]).t2]), uninterrupted, equal_nan=True
    )


def test_store_path(tmp_path: Path) -> None:
    assert store_monitor_path(tmp_path, "line-1") == tmp_path / "factory" / "monitors" / "line-1.npz"
    with pytest.raises(InputError, match="monitor name"):
        store_monitor_path(tmp_path, "../x")


def test_load_rejects_other_files(tmp_path: Path) -> None:
    (tmp_path / "x.npz").write_bytes(b"not a zip")
    with pytest.raises(ModelFileError, match="not a gwangyang factory monitor"):
        StreamingMonitor.load(tmp_path / "x.npz")
    np.savez(tmp_path / "y.npz", a=np.zeros(2))
    with pytest.raises(ModelFileError, match="not a gwangyang factory monitor"):
        StreamingMonitor.load(tmp_path / "y.npz")
    with pytest.raises(ModelFileError, match="no such monitor file"):
        StreamingMonitor.load(tmp_path / "z.npz")


def test_fit_drops_constant_columns_with_a_warning() -> None:
    data = table(200, 5)
    data["flat"] = 7.0
    with pytest.warns(ConstantColumnWarning, match="flat"):
        monitor = fit_table(data, "time").monitor
    assert "flat" not in monitor.columns and monitor.dropped == ["flat"]


def test_fit_bad_input() -> None:
    with pytest.raises(InputError, match="7 normal rows are too few for 6 variables"):
        fit_table(table(7, 6), "time")
    with pytest.warns(UserWarning, match="10 rows are too few to hold 0.3 of them out"):
        assert fit_table(table(10, 6), "time").monitor.estimator.holdout == 0.0  # analytic limits, said
    with pytest.raises(InputError, match="no time column 'when'"):
        fit_table(table(100, 6), "when")
    with pytest.raises(InputError, match="method"):
        fit_table(table(100, 6), "time", "lstm")
    bad = table(100, 6).astype({"v1": object})
    bad.loc[3, "v1"] = "n/a"
    with pytest.raises(InputError, match="column 'v1' has non-numeric"):
        fit_table(bad, "time")


def test_score_needs_the_fitted_columns(fitted: StreamingMonitor) -> None:
    with pytest.raises(InputError, match="column 'v3' is missing"):
        fitted.score_table(table(50, 7).drop(columns=["v3"]))


def test_to_dict_is_json_ready(fitted: StreamingMonitor) -> None:
    import json

    document = fitted.score_table(table(200, 8, bias_from=100)).to_dict()
    json.dumps(document, allow_nan=False)
    assert set(document["rows"][-1]) == {"time", "t2", "q", "alarm"}


def test_datetime_time_column_round_trips_as_iso_text() -> None:
    data = table(200, 9, bias_from=120)
    data["time"] = pd.date_range("2024-03-01 08:00", periods=200, freq="min")
    monitor = fit_table(data.iloc[:100], "time", holdout=0.0).monitor
    document = monitor.score_table(data).to_dict()
    assert document["rows"][0]["time"] == "2024-03-01T08:00:00"
    late = [a for a in document["alarms"] if a["end_index"] >= 120]
    assert late and late[0]["start"].startswith("2024-03-01T10:")
