"""Numpy arrays of a chart as Python lists, fast where the array repeats one number (a control limit).

``ndarray.tolist`` makes one Python float per item (about 0.06-0.09 s per 10⁶ on the shared machine); a chart's
limits are mostly one number repeated, in one run or a few, whose list is one float object per run repeated
(``[x] * n``, a few milliseconds). Equal means equal bits: ``0.0`` beside ``-0.0``, or a NaN, takes ``tolist``, so the JSON is the
same to the character.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_RUN = 16
"""Runs are used when they are this long on average; shorter ones cost more than ``tolist``."""


def float_list(values: np.ndarray) -> list[Any]:
    """``values.tolist()`` of a 1-D float array, one float object per run of items with the same bits.

    Parameters
    ----------
    values
        A one-dimensional array of float64 (anything else is ``tolist``'s).

    Returns
    -------
    list
        Equal to ``values.tolist()`` item by item (and in ``json.dumps``): a limit constant throughout, or from
        some point on (EWMA's limits reach their asymptote in bits after about 80 points), takes a few
        milliseconds per 10⁶ items.
    """
    if values.ndim != 1 or values.dtype != np.float64 or values.size < 2:
        return values.tolist()
    bits = values.view(np.int64)
    if bits[0] == bits[-1] and (bits == bits[0]).all():
        return [float(values[0])] * values.size
    starts = np.flatnonzero(bits[1:] != bits[:-1]) + 1
    if starts.size >= values.size // _RUN:
        return values.tolist()
    bounds = [0, *starts.tolist(), values.size]
    firsts = values[bounds[:-1]].tolist()
    out: list[Any] = []
    for first, start, stop in zip(firsts, bounds[:-1], bounds[1:], strict=True):
        out += [first] * (stop - start)
    return out
