"""Time ``Chart.to_dict`` and ``files.jsonable`` on the charts of 10⁶ measurements (I, MR, EWMA, CUSUM±).

``spc_report`` of 10⁶ normal values gives 5 charts of 10⁶ points each, every one with its values and lower and
upper limits (about 1.5 × 10⁷ numbers); the report's ``to_dict`` and ``jsonable`` of it are what the CLI, the API
and the page get. Prints the best of ``--repeat`` runs in seconds: the charts' ``to_dict``, the same with
``tolist`` on every array (the reference kept in ``tests/factory/test_chart_dict.py``, with a check that both
give the same JSON text), and ``jsonable`` of each, with each ratio ours / reference. Before/after: run it with ``PYTHONPATH`` on an export of the
older ``src`` (``git archive <commit> src | tar -x -C /tmp/before``) and on this one.

Usage: PYTHONPATH=src .venv/bin/python benchmarks/factory_chart_dict.py [--points 1000000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the old to_dict kept by the tests
from tests.factory.test_chart_dict import _old

from timing import best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from gwangyang.factory.spc import spc_report
    from gwangyang.files import jsonable

    values = 2.0 + 0.01 * np.random.default_rng(0).standard_normal(args.points)
    charts = spc_report(values, limits=(1.95, 2.05)).charts
    print(f"{len(charts)} charts ({', '.join(c.name for c in charts)}) of {args.points} points")
    new = best(lambda: [c.to_dict() for c in charts], args.repeat)
    old = best(lambda: [_old(c) for c in charts], args.repeat)
    print(f"Chart.to_dict: {new:.3f} s; tolist on every array: {old:.3f} s; ratio {new / old:.2f}")
    new_j = best(lambda: jsonable([c.to_dict() for c in charts]), args.repeat)
    old_j = best(lambda: jsonable([_old(c) for c in charts]), args.repeat)
    print(
        f"jsonable(to_dict): {new_j:.3f} s; jsonable(tolist dicts): {old_j:.3f} s; ratio {new_j / old_j:.2f}"
    )
    same = json.dumps(jsonable([c.to_dict() for c in charts])) == json.dumps(
        jsonable([_old(c) for c in charts])
    )
    print(f"same JSON: {same}")


if __name__ == "__main__":
    main()
