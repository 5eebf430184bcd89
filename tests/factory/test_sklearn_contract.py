"""scikit-learn's own estimator checks over the factory monitors."""

from __future__ import annotations

from collections.abc import Callable

from sklearn.utils.estimator_checks import parametrize_with_checks

from gwangyang.factory.monitor import DynamicPCAMonitor, KernelPCAMonitor, PCAMonitor

# Dynamic PCA scores a row from the rows before it, so scoring a subset or a shuffled copy of a table
# differs from scoring the table: that is its purpose, not a bug.
SEQUENTIAL = {
    "check_methods_subset_invariance": "rows depend on the rows before them",
    "check_methods_sample_order_invariance": "rows depend on the rows before them",
}


def expected_failures(estimator: object) -> dict[str, str]:
    return SEQUENTIAL if isinstance(estimator, DynamicPCAMonitor) else {}


@parametrize_with_checks(
    [PCAMonitor(n_components=2), DynamicPCAMonitor(lags=1, n_components=2), KernelPCAMonitor(n_components=2)],
    expected_failed_checks=expected_failures,
)
def test_sklearn_compatible(estimator: object, check: Callable[[object], None]) -> None:
    check(estimator)
