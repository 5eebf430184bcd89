"""The quay-yard lane graph AGVs drive on (see :mod:`gwangyang.port.agv`).

The quay cranes' handover points along the quay, a quay-parallel lane, a yard lane in front of the
blocks, a cross lane at each block, and each block's handover point; charging (or swapping) stations
at both ends of the yard lane. Every node where lanes meet is a crossing. Each lane segment holds at
most ``max(1, length / gap_m)`` AGVs at a time. Routes are shortest paths (all pairs, kept with the graph).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np

from ..errors import InputError
from .operations import Automation


@dataclass(frozen=True)
class Layout:
    """The lane graph: node coordinates, segments with lengths and capacities, named places.

    Attributes
    ----------
    xy
        ``(n, 2)`` node coordinates in metres (quay along x, yard at larger y).
    edges
        ``(u, v, length_m, capacity)`` per undirected segment.
    quay
        Handover node of each quay crane.
    blocks
        Handover node of each yard block.
    stations
        Node of each charging or swapping station.
    crossings
        Nodes where three or more segments meet.
    """

    xy: np.ndarray
    edges: list[tuple[int, int, float, int]]
    quay: list[int]
    blocks: list[int]
    stations: list[int]
    crossings: list[int]
    distance: np.ndarray = field(repr=False)
    next_hop: np.ndarray = field(repr=False)

    def path(self, a: int, b: int) -> list[int]:
        """Nodes of the shortest route from ``a`` to ``b`` (both included)."""
        nodes = [a]
        while nodes[-1] != b:
            nodes.append(int(self.next_hop[nodes[-1], b]))
        return nodes

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: nodes with coordinates and roles, segments with length and capacity."""
        role = {n: "quay" for n in self.quay} | {n: "block" for n in self.blocks}
        role |= {n: "station" for n in self.stations}
        return {
            "nodes": [
                {
                    "id": i,
                    "x": float(x),
                    "y": float(y),
                    "role": role.get(i, "crossing" if i in self.crossings else "lane"),
                }
                for i, (x, y) in enumerate(self.xy)
            ],
            "segments": [
                {"from": u, "to": v, "length_m": length, "capacity": cap} for u, v, length, cap in self.edges
            ],
        }


def build_layout(cranes: int, blocks: int, quay_length_m: float, settings: Automation) -> Layout:
    """The lane graph of a quay with ``cranes`` evenly spaced and ``blocks`` perpendicular blocks.

    Parameters
    ----------
    cranes, blocks
        Quay cranes and yard blocks, each evenly spread along ``quay_length_m``.
    quay_length_m
        Length of the quay (and of the yard front).
    settings
        Lane offsets, segment capacity (``gap_m``), number of stations.
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import shortest_path

    if cranes < 1 or blocks < 1:
        raise InputError(f"layout: needs at least one crane and one block, got {cranes} and {blocks}")
    qx = (np.arange(cranes) + 0.5) * quay_length_m / cranes
    bx = (np.arange(blocks) + 0.5) * quay_length_m / blocks
    lane_x = np.unique(np.round(np.concatenate([qx, bx, [0.0, quay_length_m]]), 6))
    y_quay, y_yard = settings.quay_lane_m, settings.quay_lane_m + settings.yard_depth_m
    xy: list[tuple[float, float]] = []

    def node(x: float, y: float) -> int:
        xy.append((float(x), float(y)))
        return len(xy) - 1

    quay_lane = [node(x, y_quay) for x in lane_x]
    yard_lane = [node(x, y_yard) for x in lane_x]
    edges: list[tuple[int, int, float, int]] = []

    def segment(u: int, v: int) -> None:
        length = float(np.hypot(*np.subtract(xy[u], xy[v])))
        edges.append((u, v, length, max(1, int(length // settings.gap_m))))

    for lane in (quay_lane, yard_lane):
        for u, v in pairwise(lane):
            segment(u, v)
    position = {float(x): i for i, x in enumerate(lane_x)}
    quay = []
    for x in qx:
        q = node(x, 0.0)
        segment(q, quay_lane[position[float(np.round(x, 6))]])
        quay.append(q)
    block_nodes = []
    for x in bx:
        i = position[float(np.round(x, 6))]
        segment(quay_lane[i], yard_lane[i])  # the cross lane at this block
        b = node(x, y_yard + settings.block_m)
        segment(yard_lane[i], b)
        block_nodes.append(b)
    stations = [yard_lane[0], yard_lane[-1]][: settings.stations]
    n = len(xy)
    degree = np.zeros(n, dtype=int)
    for u, v, _, _ in edges:
        degree[u] += 1
        degree[v] += 1
    rows = [u for u, v, *_ in edges] + [v for u, v, *_ in edges]
    cols = [v for u, v, *_ in edges] + [u for u, v, *_ in edges]
    lengths = [e[2] for e in edges] * 2
    distance, predecessors = shortest_path(
        csr_matrix((lengths, (rows, cols)), shape=(n, n)), return_predecessors=True
    )
    # next_hop[a, b]: the node after a on the shortest route a -> b (from b's predecessor tree).
    next_hop = np.empty((n, n), dtype=int)
    for b in range(n):
        for a in range(n):
            next_hop[a, b] = predecessors[b, a] if a != b else b
    return Layout(
        np.array(xy),
        edges,
        quay,
        block_nodes,
        stations,
        [i for i in range(n) if degree[i] >= 3],
        distance,
        next_hop,
    )
