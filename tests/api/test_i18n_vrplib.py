"""A VRPLIB or Solomon instance's refusals read Korean on the logistics page: every message the benchmark readers raise.

Each case is one of the shared instances (CVRPLIB's X-n101-k25 and its ``.sol``, Solomon's C101) under a Korean
name, broken one way (a section cut, a bad number, a wrong DIMENSION, a section added with a bad row...), uploaded to
``POST /api/v1/logistics/routes/file`` as the page's form sends it: the answer is 400 with the reader's one line, and
:func:`gwangyang.api.i18n.phrase` (the page's ``phrase`` in ``common.js``, run under Node where it is installed) gives
the Korean written here by hand, the file, section names, nodes and values kept and no English word of the message
left. Every ``raise`` of the VRPLIB and Solomon modules is found in their source (``ast``) and must be reached by a
case or be listed in :data:`DIRECT` (raised here directly, with the reason no upload reaches it).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from fastapi.testclient import TestClient

from gwangyang.api import i18n, vrplib_phrases
from gwangyang.errors import GwangyangError
from gwangyang.logistics import (
    vrplib_choices,
    vrplib_format,
    vrplib_io,
    vrplib_sections,
    vrplib_solution,
)
from gwangyang.logistics.route_file import read_route_file

from .page_script import page_phrases
from .test_i18n_route_file import raised

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "logistics"
LOG = "/api/v1/logistics"

pytestmark = pytest.mark.skipif(not (DATA / "cvrp").is_dir(), reason="the shared instances are not here")

V = "광양 X-n101-k25.vrp"
S = "광양 C101.txt"
SOL = "광양 X-n101-k25.sol"


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.is_file() else []


X = _lines(DATA / "cvrp" / "X-n101-k25.vrp")
"""X-n101-k25 (Uchoa et al. 2017) as written: tabs, CRLF; NODE_COORD_SECTION from line 7, DEMAND_SECTION at 109
(node k's demand on line 109 + k), DEPOT_SECTION at 211."""

C101 = _lines(DATA / "vrptw" / "C101.txt")
"""Solomon's C101: VEHICLE, NUMBER 25, CAPACITY 200, then customers 0 (the depot) to 100."""

X_SOL = (DATA / "cvrp" / "X-n101-k25.sol").read_text(encoding="utf-8") if X else ""


def edit(lines: list[str], changes: dict[str, str | None]) -> bytes:
    """``lines`` with each line whose fields are a key's (``"2 146 180"``) replaced (None: cut), CRLF-joined."""
    out = []
    found = set()
    for line in lines:
        key = " ".join(line.split())
        if key in changes:
            found.add(key)
            if changes[key] is not None:
                out.extend(str(changes[key]).split("\n"))
        else:
            out.append(line)
    assert found == set(changes), set(changes) - found
    return ("\r\n".join(out) + "\r\n").encode()


def vrp(changes: dict[str, str | None]) -> bytes:
    return edit(X, changes)


def solomon(changes: dict[str, str | None]) -> bytes:
    return edit(C101, changes)


def before_depots(section: str) -> dict[str, str | None]:
    """A section put before DEPOT_SECTION (its name on line 211, its rows from 212)."""
    return {"DEPOT_SECTION": f"{section}\nDEPOT_SECTION"}


def rows(first: int, last: int, row: Callable[[int], str]) -> str:
    return "\n".join(row(k) for k in range(first, last + 1))


def prizes(**given: str) -> dict[str, str | None]:
    """PRIZE_SECTION: 0 for the depot, 10 for each client (a node's row replaced by ``given['n<k>']``)."""
    body = "\n".join(given.get(f"n{k}", f"{k} {0 if k == 1 else 10}") for k in range(1, 102))
    return before_depots("PRIZE_SECTION\n" + "\n".join(r for r in body.split("\n") if r))


def groups(*lines: str) -> dict[str, str | None]:
    return before_depots("MUTUALLY_EXCLUSIVE_GROUP_SECTION\n" + "\n".join(lines))


def allowed(*lines: str) -> dict[str, str | None]:
    """Two vehicles (``VEHICLES : 2`` after CAPACITY: the section's name on line 212, its rows from 213)."""
    return {"CAPACITY : 206": "CAPACITY : 206\nVEHICLES : 2"} | before_depots(
        "VEHICLES_ALLOWED_CLIENTS_SECTION\n" + "\n".join(lines)
    )


def pairs(demands: bool = False, **given: str) -> dict[str, str | None]:
    """Pickup-delivery pairs (2, 3), (4, 5) ... (100, 101) of 10 each instead of the demands (a row replaced).

    ``demands``: the file's DEMAND_SECTION kept after the pairs.
    """
    body = ["1 0 0 10000 0 0 0"]
    for k in range(2, 102, 2):
        body += [f"{k} 10 0 10000 5 0 {k + 1}", f"{k + 1} -10 0 10000 5 {k} 0"]
    body = [given.get(f"n{r.split()[0]}", r) for r in body]
    section = "PICKUP_AND_DELIVERY_SECTION\n" + "\n".join(body)
    if demands:
        return {"DEMAND_SECTION": f"{section}\nDEMAND_SECTION"}
    changes: dict[str, str | None] = {" ".join(line.split()): None for line in X[108:210]}
    changes["DEMAND_SECTION"] = section
    return changes


def explicit(fmt: str | None = "LOWER_ROW", cut: int = 0, first: str | None = None) -> dict[str, str | None]:
    """The X instance's distances written out (TSPLIB nint of the coordinates, by numpy), ``cut`` numbers fewer."""
    xy = np.array([[float(v) for v in line.split()[1:]] for line in X[7:108]])
    d = np.floor(np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(axis=2)) + 0.5).astype(int)
    values = [str(v) for v in d[np.tril_indices(101, -1)]]
    if first is not None:
        values[0] = first
    values = values[: len(values) - cut]
    spec = "EDGE_WEIGHT_TYPE : EXPLICIT" + ("" if fmt is None else f"\nEDGE_WEIGHT_FORMAT : {fmt}")
    body = "\n".join(" ".join(values[k : k + 20]) for k in range(0, len(values), 20))
    return {
        "EDGE_WEIGHT_TYPE : EUC_2D": spec,
        "DEMAND_SECTION": f"EDGE_WEIGHT_SECTION\n{body}\nDEMAND_SECTION",
    }


def window(node2: str) -> dict[str, str | None]:
    return before_depots(
        "TIME_WINDOW_SECTION\n" + "\n".join([node2] + [f"{k} 0 1000" for k in (1, *range(3, 102))])
    )


def cp949_name() -> bytes:
    text = vrp({"NAME : X-n101-k25": "NAME : 광양 X-n101-k25"}).decode()
    return text.encode("cp949")


Files = dict[str, bytes]

CASES: list[tuple[Files, str, str]] = [
    # the file as a whole (gwangyang.files.read_text, vrplib_io.read_instance)
    (
        {V: cp949_name()},
        "not UTF-8 text (byte 7, line 1: invalid start byte), expected a VRPLIB .vrp or Solomon .txt file in UTF-8",
        "UTF-8 텍스트가 아닙니다 (7번 바이트, 1행: 올바르지 않은 시작 바이트). UTF-8로 된 VRPLIB .vrp나 Solomon .txt "
        "파일이어야 합니다",
    ),
    (
        {"광양 메모.txt": "광양항 배차 메모\n내일 오전 출발\n".encode()},
        "not a problem file (.toml/.json), a VRPLIB .vrp or a Solomon .txt",
        "문제 파일(.toml/.json)도, VRPLIB .vrp도, Solomon .txt도 아닙니다",
    ),
    # Solomon files (vrplib_io.read_solomon)
    (
        {S: solomon({"NUMBER CAPACITY": None, "25 200": None})},
        "expected a Solomon file with VEHICLE (NUMBER, CAPACITY) and CUSTOMER sections",
        "VEHICLE(NUMBER, CAPACITY)와 CUSTOMER 구역이 있는 Solomon 파일이어야 합니다",
    ),
    (
        {S: solomon({"25 200": "0 200"})},
        "VEHICLE NUMBER must be >= 1 and CAPACITY positive, got 0 and 200",
        "VEHICLE NUMBER는 1 이상, CAPACITY는 양수여야 합니다 (입력: 0, 200)",
    ),
    (
        {S: solomon({"7 40 66 20 170 225 90": "7 40 66 20 170 225"})},
        "customer row needs 7 numbers, got '7 40 66 20 170 225'",
        "고객 행에는 숫자가 7개 있어야 합니다 (입력: '7 40 66 20 170 225')",
    ),
    (
        {S: ("\r\n".join(C101[:10]) + "\r\n").encode()},
        "expected the depot (customer 0) and at least one customer",
        "차고지(고객 0)와 고객이 한 명 이상 있어야 합니다",
    ),
    (
        {S: solomon({"3 42 66 10 65 146 90": "3 4e9 66 10 65 146 90"})},
        "customer 3: XCOORD must be a finite number within +-1e+09",
        "고객 3: XCOORD은(는) ±1e+09 안의 유한한 숫자여야 합니다",
    ),
    (
        {S: solomon({"2 45 70 30 825 870 90": "2 45 70 -30 825 870 90"})},
        "customer 2: DEMAND must be a finite non-negative number up to 1e+12, got -30",
        "고객 2: DEMAND은(는) 1e+12 이하의 음이 아닌 유한한 숫자여야 합니다 (입력: -30)",
    ),
    (
        {S: solomon({"4 42 68 10 727 782 90": "4 42 68 10 727 700 90"})},
        "customer 4: due date is before ready time",
        "고객 4: 마감 시각(DUE DATE)이 준비 시각(READY TIME)보다 이릅니다",
    ),
    # the file's lines, names and numbering (vrplib_sections)
    (
        {V: vrp({"TYPE : CVRP": "TYPE : CVRP\n광양항 배차"})},
        "line 4: expected 'KEY : value' or a section, got '광양항 배차'",
        "4행: 'KEY : value'나 구역이어야 합니다 (입력: '광양항 배차')",
    ),
    (
        {V: vrp({"EOF": "DEPOT_SECTION\n1\n-1\nEOF"})},
        "line 214: DEPOT_SECTION appears twice",
        "214행: DEPOT_SECTION이(가) 두 번 나옵니다",
    ),
    (
        {V: vrp(before_depots("COLOUR_SECTION\n1 빨강"))},
        "unknown section COLOUR_SECTION; it is refused rather than ignored",
        "알 수 없는 구역 COLOUR_SECTION; 무시하지 않고 거부합니다",
    ),
    (
        {V: vrp({"TYPE : CVRP": "TYPE : CVRP\nPORT : 광양"})},
        "unknown specification PORT; it is refused rather than ignored",
        "알 수 없는 지정 항목 PORT; 무시하지 않고 거부합니다",
    ),
    (
        {V: vrp({"DIMENSION : 101": None})},
        "missing specification DIMENSION",
        "지정 항목 DIMENSION이(가) 없습니다",
    ),
    (
        {V: vrp({"DIMENSION : 101": "DIMENSION : 100"})},
        "NODE_COORD_SECTION has 101 rows, expected DIMENSION = 100",
        "NODE_COORD_SECTION의 행이 101개입니다 (DIMENSION = 100개여야 합니다)",
    ),
    (
        {V: vrp({"DIMENSION : 101": "DIMENSION : 백일"})},
        "DIMENSION: expected a number, got '백일'",
        "의 DIMENSION: 숫자여야 합니다 (입력: '백일')",
    ),
    (
        {V: vrp({"DIMENSION : 101": "DIMENSION : inf"})},
        "DIMENSION: expected a finite number, got 'inf'",
        "의 DIMENSION: 유한한 숫자여야 합니다 (입력: 'inf')",
    ),
    (
        {V: vrp({"DIMENSION : 101": "DIMENSION : 1"})},
        "DIMENSION must be at least 2, got 1",
        "DIMENSION은(는) 2 이상이어야 합니다 (입력: 1)",
    ),
    ({V: vrp({"2 146 180": "1 146 180"})}, "node numbers repeat", "노드 번호가 겹칩니다"),
    (
        {V: vrp({" ".join(line.split()): None for line in X[108:210]})},
        "missing DEMAND_SECTION for CAPACITY",
        "CAPACITY가 있는데 DEMAND_SECTION이 없습니다",
    ),
    (
        {V: vrp({"2 146 180": "2 146"})},
        "NODE_COORD_SECTION: expected 3 numbers per row, got '2 146'",
        "의 NODE_COORD_SECTION: 행마다 숫자가 3개 있어야 합니다 (입력: '2 146')",
    ),
    (
        {V: vrp({"2 146 180": "2.5 146 180"})},
        "NODE_COORD_SECTION: expected an integer, got '2.5'",
        "의 NODE_COORD_SECTION: 정수여야 합니다 (입력: '2.5')",
    ),
    (
        {V: vrp({"2 146 180": "2 백사십 180"})},
        "NODE_COORD_SECTION node 2: expected a number, got '백사십'",
        "NODE_COORD_SECTION 노드 2: 숫자여야 합니다 (입력: '백사십')",
    ),
    (
        {V: vrp({"2 146 180": "2 1e13 180"})},
        "NODE_COORD_SECTION node 2: 1e13 is too large (at most 1e+12 is supported)",
        "NODE_COORD_SECTION 노드 2: 1e13은(는) 너무 큽니다 (1e+12까지 지원합니다)",
    ),
    (
        {V: vrp({"2 146 180": "2 146 180 7"})},
        "NODE_COORD_SECTION node 2: expected 2 numbers, got 3",
        "NODE_COORD_SECTION 노드 2: 숫자가 2개여야 합니다 (입력: 3개)",
    ),
    (
        {V: vrp({"2 146 180": "2 2e9 180"})},
        "NODE_COORD_SECTION node 2: coordinates beyond +-1e+09 are not supported",
        "NODE_COORD_SECTION 노드 2: ±1e+09를 넘는 좌표는 지원하지 않습니다",
    ),
    (
        {V: vrp({"2 38": "999 38"})},
        "DEMAND_SECTION names node 999, which no other section has",
        "DEMAND_SECTION의 노드 999은(는) 다른 구역에 없는 노드입니다",
    ),
    (
        {V: vrp({"2 38": "2 -5"})},
        "DEMAND_SECTION node 2: values must be >= 0, got -5",
        "DEMAND_SECTION 노드 2: 값은 0 이상이어야 합니다 (입력: -5)",
    ),
    # distances, depots, demands and vehicles (vrplib_format)
    (
        {V: vrp({"EDGE_WEIGHT_TYPE : EUC_2D": "EDGE_WEIGHT_TYPE : GEO"})},
        "EDGE_WEIGHT_TYPE GEO not supported (EUC_2D, CEIL_2D, EXPLICIT)",
        "EDGE_WEIGHT_TYPE GEO은(는) 지원하지 않습니다 (EUC_2D, CEIL_2D, EXPLICIT만 지원)",
    ),
    (
        {V: vrp({"EDGE_WEIGHT_TYPE : EUC_2D": None})},
        "EDGE_WEIGHT_TYPE (missing) not supported (EUC_2D, CEIL_2D, EXPLICIT)",
        "EDGE_WEIGHT_TYPE (없음)은(는) 지원하지 않습니다 (EUC_2D, CEIL_2D, EXPLICIT만 지원)",
    ),
    (
        {V: vrp({"NODE_COORD_SECTION": "DISPLAY_DATA_SECTION"})},
        "EDGE_WEIGHT_TYPE EUC_2D needs a NODE_COORD_SECTION",
        "EDGE_WEIGHT_TYPE EUC_2D에는 NODE_COORD_SECTION이 있어야 합니다",
    ),
    (
        {V: vrp(explicit(cut=1))},
        "EDGE_WEIGHT_SECTION has 5049 numbers, expected 5050",
        "EDGE_WEIGHT_SECTION의 숫자가 5049개입니다 (5050개여야 합니다)",
    ),
    (
        {V: vrp(explicit("FULL_MATRIX"))},
        "EDGE_WEIGHT_SECTION has 5050 numbers, expected 10201",
        "EDGE_WEIGHT_SECTION의 숫자가 5050개입니다 (10201개여야 합니다)",
    ),
    (
        {V: vrp(explicit(None))},
        "EDGE_WEIGHT_FORMAT (missing) not supported",
        "EDGE_WEIGHT_FORMAT (없음)은(는) 지원하지 않습니다",
    ),
    (
        {V: vrp(explicit(first="-3"))},
        "EDGE_WEIGHT_SECTION: distances must be >= 0",
        "의 EDGE_WEIGHT_SECTION: 거리는 0 이상이어야 합니다",
    ),
    (
        {V: vrp({"1": "500"})},
        "DEPOT_SECTION must name distinct node numbers of the file",
        "DEPOT_SECTION에는 파일에 있는 서로 다른 노드 번호를 적어야 합니다",
    ),
    (
        {V: vrp({"1 0": "1 5"})},
        "depot node 1 has a demand; depots cannot",
        "차고지 노드 1에 수요가 있습니다; 차고지에는 수요가 있을 수 없습니다",
    ),
    (
        {V: vrp({"CAPACITY : 206": None})},
        "missing CAPACITY (or CAPACITY_SECTION) for the demands",
        "수요가 있는데 CAPACITY(또는 CAPACITY_SECTION)가 없습니다",
    ),
    (
        {V: vrp({"CAPACITY : 206": "CAPACITY : 206 100"})},
        "CAPACITY needs 1 number(s) per vehicle, one per demand column",
        "CAPACITY에는 차량마다 숫자가 1개(수요 열마다 하나) 있어야 합니다",
    ),
    (
        {V: vrp({"CAPACITY : 206": "CAPACITY : -206"})},
        "CAPACITY must be >= 0",
        "CAPACITY은(는) 0 이상이어야 합니다",
    ),
    (
        {V: vrp({"2 38": "2 300"})},
        "node 2 demands more than CAPACITY 206 of every vehicle",
        "노드 2의 수요가 모든 차량의 CAPACITY 206보다 큽니다",
    ),
    (
        {V: vrp({"CAPACITY : 206": "CAPACITY : 206\nVEHICLES : 0"})},
        "VEHICLES must be at least 1, got 0",
        "VEHICLES은(는) 1 이상이어야 합니다 (입력: 0)",
    ),
    (
        {V: vrp({"CAPACITY : 206": "CAPACITY : 206\nVEHICLES_DEPOT : 50"})},
        "VEHICLES_DEPOT vehicle 1 names node 50, which is not in DEPOT_SECTION",
        "VEHICLES_DEPOT 차량 1의 노드 50은(는) DEPOT_SECTION에 없습니다",
    ),
    (
        {
            V: vrp(
                before_depots("VEHICLES_RELOAD_DEPOT_SECTION\n1 7\n2 1")
                | {"CAPACITY : 206": "CAPACITY : 206\nVEHICLES : 2"}
            )
        },
        "VEHICLES_RELOAD_DEPOT vehicle 1 names node 7, which is not in DEPOT_SECTION",
        "VEHICLES_RELOAD_DEPOT 차량 1의 노드 7은(는) DEPOT_SECTION에 없습니다",
    ),
    (
        {V: vrp(before_depots("CAPACITY_SECTION\n1 206") | {"CAPACITY : 206": "VEHICLES : 2"})},
        "CAPACITY_SECTION has 1 rows, expected VEHICLES = 2",
        "CAPACITY_SECTION의 행이 1개입니다 (VEHICLES = 2개여야 합니다)",
    ),
    (
        {V: vrp(before_depots("CAPACITY_SECTION\n1 206\n3 206") | {"CAPACITY : 206": "VEHICLES : 2"})},
        "CAPACITY_SECTION names vehicle 3 of 2",
        "CAPACITY_SECTION의 차량 3은(는) 차량 2대 중에 없습니다",
    ),
    (
        {V: vrp(before_depots("CAPACITY_SECTION\n1 206\n2 -1") | {"CAPACITY : 206": "VEHICLES : 2"})},
        "CAPACITY_SECTION vehicle 2: values must be >= 0",
        "CAPACITY_SECTION 차량 2: 값은 0 이상이어야 합니다",
    ),
    (
        {V: vrp(window("2 500 400"))},
        "TIME_WINDOW_SECTION node 2: window closes before it opens",
        "TIME_WINDOW_SECTION 노드 2: 시간 창이 열리기 전에 닫힙니다",
    ),
    # pickup-delivery pairs (vrplib_format._pairs)
    (
        {V: vrp(pairs() | window("2 0 1000"))},
        "PICKUP_AND_DELIVERY_SECTION gives windows and service times; TIME_WINDOW_SECTION or SERVICE_TIME_SECTION "
        "may not give them again",
        "PICKUP_AND_DELIVERY_SECTION이 시간 창과 서비스 시간을 줍니다; TIME_WINDOW_SECTION이나 SERVICE_TIME_SECTION에서 "
        "다시 줄 수 없습니다",
    ),
    (
        {V: vrp(pairs(n2="2 10 0 10000 -5 0 3"))},
        "PICKUP_AND_DELIVERY_SECTION node 2: windows, service and siblings must be >= 0, the window ordered",
        "PICKUP_AND_DELIVERY_SECTION 노드 2: 시간 창, 서비스 시간, 짝 노드 번호는 0 이상이고 시간 창은 닫는 시각이 여는 "
        "시각보다 늦어야 합니다",
    ),
    (
        {V: vrp(pairs(demands=True))},
        "PICKUP_AND_DELIVERY_SECTION node 2: also has a DEMAND_SECTION demand",
        "PICKUP_AND_DELIVERY_SECTION 노드 2: DEMAND_SECTION에도 수요가 있습니다",
    ),
    (
        {V: vrp(pairs(n2="2 10 0 10000 5 0 5"))},
        "PICKUP_AND_DELIVERY_SECTION node 2: its delivery node 5 does not name it as its pickup",
        "PICKUP_AND_DELIVERY_SECTION 노드 2: 하차 노드 5이(가) 이 노드를 상차 노드로 적지 않았습니다",
    ),
    (
        {V: vrp(pairs(n2="2 -10 0 10000 5 0 3", n3="3 10 0 10000 5 2 0"))},
        "PICKUP_AND_DELIVERY_SECTION node 2: a pickup's demand must be >= 0",
        "PICKUP_AND_DELIVERY_SECTION 노드 2: 상차 노드의 수요는 0 이상이어야 합니다",
    ),
    (
        {V: vrp(pairs(n4="4 -10 0 10000 5 2 0", n5="5 10 0 10000 5 0 4"))},
        "PICKUP_AND_DELIVERY_SECTION node 4: its pickup node 2 does not name it as its delivery",
        "PICKUP_AND_DELIVERY_SECTION 노드 4: 상차 노드 2이(가) 이 노드를 하차 노드로 적지 않았습니다",
    ),
    (
        {V: vrp(pairs(n2="2 10 0 10000 5 0 0"))},
        "PICKUP_AND_DELIVERY_SECTION node 2: is neither a pickup (0, delivery) nor a delivery (pickup, 0)",
        "PICKUP_AND_DELIVERY_SECTION 노드 2: 상차(0, 하차)도 하차(상차, 0)도 아닙니다",
    ),
    (
        {V: vrp(pairs(n2="2 300 0 10000 5 0 3"))},
        "pickup node 2 carries more than the capacity of every vehicle",
        "상차 노드 2의 물량이 모든 차량의 적재 용량보다 큽니다",
    ),
    # prizes, groups and allowed clients (vrplib_choices)
    (
        {V: vrp(prizes(n101=""))},
        "PRIZE_SECTION (from line 212) has 100 rows, expected DIMENSION = 101",
        "PRIZE_SECTION(212행부터)의 행이 100개입니다 (DIMENSION = 101개여야 합니다)",
    ),
    (
        {V: vrp(prizes(n2="2 10 7"))},
        "PRIZE_SECTION line 213: expected 'node prize', got '2 10 7'",
        "PRIZE_SECTION 213행: 'node prize' 두 값이어야 합니다 (입력: '2 10 7')",
    ),
    (
        {V: vrp(prizes(n2="999 10"))},
        "PRIZE_SECTION line 213: names node 999, which is not a node of the file",
        "PRIZE_SECTION 213행: 노드 999은(는) 파일에 없는 노드입니다",
    ),
    (
        {V: vrp(prizes(n3="2 10"))},
        "PRIZE_SECTION line 214: node 2 is given a prize twice",
        "PRIZE_SECTION 214행: 노드 2에 상금이 두 번 주어졌습니다",
    ),
    (
        {V: vrp(prizes(n2="2 -3"))},
        "PRIZE_SECTION line 213: node 2: a prize must be >= 0, got -3",
        "PRIZE_SECTION 213행: 노드 2: 상금은 0 이상이어야 합니다 (입력: -3)",
    ),
    (
        {V: vrp(prizes(n1="1 5"))},
        "PRIZE_SECTION line 212: depot node 1 cannot have a prize, got 5",
        "PRIZE_SECTION 212행: 차고지 노드 1에는 상금이 있을 수 없습니다 (입력: 5)",
    ),
    (
        {V: vrp(prizes(n2="2 열"))},
        "PRIZE_SECTION line 213: expected a number, got '열'",
        "PRIZE_SECTION 213행: 숫자여야 합니다 (입력: '열')",
    ),
    (
        {V: vrp(groups("1 2 3", "1 4 5"))},
        "MUTUALLY_EXCLUSIVE_GROUP_SECTION line 213: group 1 appears twice",
        "MUTUALLY_EXCLUSIVE_GROUP_SECTION 213행: 그룹 1이(가) 두 번 나옵니다",
    ),
    (
        {V: vrp(groups("1 1 2"))},
        "MUTUALLY_EXCLUSIVE_GROUP_SECTION line 212: group 1 names depot node 1; groups hold clients",
        "MUTUALLY_EXCLUSIVE_GROUP_SECTION 212행: 그룹 1에 차고지 노드 1이(가) 있습니다; 그룹에는 고객만 넣을 수 있습니다",
    ),
    (
        {V: vrp(groups("1 2 3", "2 3 4"))},
        "MUTUALLY_EXCLUSIVE_GROUP_SECTION line 213: node 3 is in group 2 and in group 1; a client is in one group",
        "MUTUALLY_EXCLUSIVE_GROUP_SECTION 213행: 노드 3이(가) 그룹 2과(와) 그룹 1에 모두 있습니다; 고객은 한 그룹에만 "
        "속할 수 있습니다",
    ),
    (
        {V: vrp(groups("1.5 2 3"))},
        "MUTUALLY_EXCLUSIVE_GROUP_SECTION line 212: expected an integer, got '1.5'",
        "MUTUALLY_EXCLUSIVE_GROUP_SECTION 212행: 정수여야 합니다 (입력: '1.5')",
    ),
    (
        {V: vrp(allowed("1 2 3"))},
        "VEHICLES_ALLOWED_CLIENTS_SECTION (from line 213) has 1 rows, expected VEHICLES = 2",
        "VEHICLES_ALLOWED_CLIENTS_SECTION(213행부터)의 행이 1개입니다 (VEHICLES = 2개여야 합니다)",
    ),
    (
        {V: vrp(allowed("1 2 3", "3 4 5"))},
        "VEHICLES_ALLOWED_CLIENTS_SECTION line 214: names vehicle 3; expected each of 1..2 once",
        "VEHICLES_ALLOWED_CLIENTS_SECTION 214행: 차량 3을(를) 적었습니다; 차량 1..2을(를) 한 번씩 적어야 합니다",
    ),
    (
        {V: vrp(allowed("1 1 2 3", "2 4 5"))},
        "VEHICLES_ALLOWED_CLIENTS_SECTION line 213: vehicle 1 names depot node 1; list clients only",
        "VEHICLES_ALLOWED_CLIENTS_SECTION 213행: 차량 1이(가) 차고지 노드 1을(를) 적었습니다; 고객만 적으세요",
    ),
    (
        {V: vrp(allowed("1 " + " ".join(map(str, range(2, 102))), "2"))},
        "VEHICLES_ALLOWED_CLIENTS_SECTION line 214: vehicle 2 may visit no client",
        "VEHICLES_ALLOWED_CLIENTS_SECTION 214행: 차량 2이(가) 방문할 수 있는 고객이 없습니다",
    ),
    (
        {V: vrp(allowed("1 2 999", "2 4 5"))},
        "VEHICLES_ALLOWED_CLIENTS_SECTION line 213: names node 999, which is not a node of the file",
        "VEHICLES_ALLOWED_CLIENTS_SECTION 213행: 노드 999은(는) 파일에 없는 노드입니다",
    ),
    (
        {V: vrp(allowed("1 " + " ".join(map(str, range(2, 51))), "2 " + " ".join(map(str, range(51, 101)))))},
        "VEHICLES_ALLOWED_CLIENTS_SECTION: node 101 must be served but no vehicle may visit it",
        "의 VEHICLES_ALLOWED_CLIENTS_SECTION: 노드 101은(는) 반드시 방문해야 하지만 방문할 수 있는 차량이 없습니다",
    ),
    # a .sol uploaded with the instance (vrplib_solution, vrplib_io.solution_score)
    (
        {V: vrp({}), SOL: X_SOL.replace("Route #1:", "Route #1").encode()},
        f"{SOL}: route line 'Route #1 31 46 35': expected 'Route #k:' and location numbers",
        f"{SOL}: 경로 줄 'Route #1 31 46 35': 'Route #k:'와 위치 번호가 있어야 합니다",
    ),
    (
        {V: vrp({}), SOL: X_SOL.replace("Cost 27591", "").encode()},
        f"{SOL}: expected 'Route #k: ...' lines and a 'Cost N' line",
        f"{SOL}: 'Route #k: ...' 줄과 'Cost N' 줄이 있어야 합니다",
    ),
    (
        {V: vrp({}), SOL: X_SOL.replace("Cost 27591", "Cost 이만칠천").encode()},
        f"{SOL}: Cost: expected a number, got '이만칠천'",
        f"{SOL}의 Cost: 숫자여야 합니다 (입력: '이만칠천')",
    ),
    (
        {V: vrp({}), SOL: X_SOL.replace("Route #1: 31 46 35", "Route #1: 31 46 35 200").encode()},
        f"{SOL}: X-n101-k25: solution visits location 200, which the instance lacks",
        f"{SOL}: X-n101-k25: 해가 인스턴스에 없는 위치 200을(를) 방문합니다",
    ),
    (
        {V: vrp({}), SOL: ("Route #1: 31 46 35\n# 광양\n" + X_SOL).encode("cp949")},
        f"{SOL}: not UTF-8 text (byte 21, line 2: invalid start byte), expected a VRPLIB solution file in UTF-8",
        f"{SOL}: UTF-8 텍스트가 아닙니다 (21번 바이트, 2행: 올바르지 않은 시작 바이트). UTF-8로 된 VRPLIB 해 파일이어야 "
        "합니다",
    ),
]
"""Broken instances: the files uploaded (the instance first), the refusal after ``<instance>: `` (a ``.sol``'s names
itself) and the Korean."""

ENGLISH = (
    "expected",
    "is not",
    "must be",
    "unknown",
    "every",
    "missing",
    "twice",
    "not supported",
    "number",
    "node ",
    "vehicle ",
    "customer",
    "line ",
    "names ",
    "cannot",
    "depot",
    "group",
    "client",
    "demand",
    "pickup",
    "delivery",
    "window",
    "row",
    "appears",
    "repeat",
    "too large",
    "prize",
    "solution",
    "only",
    "refused",
)
"""Words of the messages that must not be left in their Korean (the section names and values aside)."""

KEYWORDS = (
    "NODE_COORD_SECTION",
    "DEMAND_SECTION",
    "PICKUP_AND_DELIVERY_SECTION",
    "TIME_WINDOW_SECTION",
    "SERVICE_TIME_SECTION",
    "PRIZE_SECTION",
    "MUTUALLY_EXCLUSIVE_GROUP_SECTION",
    "VEHICLES_ALLOWED_CLIENTS_SECTION",
    "VEHICLES_RELOAD_DEPOT",
    "VEHICLES_DEPOT",
    "DEPOT_SECTION",
    "'node prize'",
    "'Route #k:'",
    "'Route #k: ...'",
    "'Cost N'",
    "DUE DATE",
    "READY TIME",
    "Route #1",
)
"""The format's own words, kept in the Korean as the files write them."""


def refusal(files: Files, tail: str) -> str:
    """The whole English line of a case: the instance's name, then the refusal (a .sol's names itself)."""
    return tail if tail.startswith(SOL) else f"{next(iter(files))}: {tail}"


def korean_line(files: Files, tail: str) -> str:
    """The Korean of a case: a tail starting ``의 `` follows the name without ``": "`` (``<file>의 DIMENSION``)."""
    if tail.startswith(SOL):
        return tail
    name = next(iter(files))
    return f"{name}{tail}" if tail.startswith("의 ") else f"{name}: {tail}"


def korean(english: str, expected: str) -> None:
    """``english`` read Korean is ``expected``, and none of the messages' English words is left in it."""
    translated = i18n.phrase(english, "ko")
    assert translated == expected, translated
    bare = translated
    for kept in (*KEYWORDS, V, S, SOL):
        bare = bare.replace(kept, "")
    assert not [w for w in ENGLISH if w in bare], translated


def test_the_prefixes_know_the_reader_s_keywords() -> None:
    assert set(vrplib_phrases.SPECIFICATIONS) == vrplib_sections.SPECIFICATIONS
    sections = (
        vrplib_sections.NODE_SECTIONS | vrplib_sections.VEHICLE_SECTIONS | vrplib_sections.OTHER_SECTIONS
    )
    assert all(name.endswith("_SECTION") for name in sections)


def test_the_base_instances_are_valid(tmp_path: Path) -> None:
    # the unbroken files, and the sections the cases add, read: the checks below are of the breakage alone
    bases: list[tuple[Files, int, int]] = [
        ({V: vrp({})}, 100, 0),
        ({V: vrp(prizes())}, 100, 0),
        ({V: vrp(groups("1 2 3", "2 4 5"))}, 100, 0),
        ({V: vrp(pairs())}, 100, 50),
        ({V: vrp(explicit())}, 100, 0),
        ({V: vrp(window("2 0 1000"))}, 100, 0),
        (
            {
                V: vrp(
                    allowed(
                        "1 " + " ".join(map(str, range(2, 52))), "2 " + " ".join(map(str, range(52, 102)))
                    )
                )
            },
            100,
            0,
        ),
        ({S: solomon({})}, 100, 0),
    ]
    for k, (files, clients, shipments) in enumerate(bases):
        ((name, content),) = files.items()
        path = tmp_path / f"{k}-{name}"
        path.write_bytes(content)
        loaded = read_route_file(path, name, named_files=False)
        assert len(loaded.instance.client_label) == clients
        assert len(loaded.instance.shipments) == shipments
    # the written-out distances are the coordinates' nint distances: node 1 (365, 689) to node 2 (146, 180)
    assert round(float(np.hypot(365 - 146, 689 - 180))) == 554
    assert explicit()["DEMAND_SECTION"].split("\n")[1].split()[0] == "554"  # type: ignore[union-attr]
    # the .sol re-scores to its own cost on the unbroken instance
    (tmp_path / V).write_bytes(vrp({}))
    (tmp_path / SOL).write_text(X_SOL, encoding="utf-8")
    best = read_route_file(tmp_path / V, V, tmp_path / SOL, named_files=False).best_known
    assert best is not None and best["cost"] == best["checked_cost"] == 27591 and best["feasible"]


@pytest.mark.parametrize(("files", "tail", "expected"), CASES, ids=[c[1][:60] for c in CASES])
def test_instance_refusals_read_korean(
    fresh_client: TestClient, tmp_path: Path, files: Files, tail: str, expected: str
) -> None:
    english = refusal(files, tail)
    assert raised(files, tmp_path)[0] == english
    reply = fresh_client.post(
        f"{LOG}/routes/file",
        files=[("files", (name, content)) for name, content in files.items()],
        data={"time_limit": "1"},
    )
    assert reply.status_code == 400 and reply.json()["detail"] == english, reply.text
    korean(english, korean_line(files, expected))


def _bks(tmp_path: Path, table: str) -> Callable[[], object]:
    def call() -> object:
        (tmp_path / "bks.csv").write_text(table, encoding="utf-8")
        (tmp_path / "광양.vrp").write_bytes(vrp({}))
        return vrplib_io.best_known(tmp_path / "광양.vrp")

    return call


def _refused_section(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[[], object]:
    def call() -> object:
        monkeypatch.setitem(vrplib_sections.REFUSED, "PRIZE_SECTION", "상금")
        (tmp_path / "광양.vrp").write_bytes(vrp(prizes()))
        return vrplib_sections.parse(tmp_path / "광양.vrp")

    return call


DIRECT: dict[tuple[str, str], tuple[str, str]] = {
    # (module file, words of the raise) -> (the line, its Korean); each raised directly by test_the_direct_raises
    ("vrplib_io.py", "no best-known solution"): (
        "광양.vrp: no best-known solution (.sol beside it or bks.csv in its folder)",
        "광양.vrp: 알려진 최적해가 없습니다 (옆에 .sol 파일이나 같은 폴더에 bks.csv가 있어야 합니다)",
    ),
    ("vrplib_io.py", "expected an instance column"): (
        "bks.csv: expected an instance column (instance, name, problem) and a best-known column "
        "(best_known_distance, best_known, bks, distance, cost, objective, value); columns are 항구, 값",
        "bks.csv: 인스턴스 열(instance, name, problem)과 최적값 열(best_known_distance, best_known, bks, distance, "
        "cost, objective, value)이 있어야 합니다; 있는 열: 항구, 값",
    ),
    ("vrplib_io.py", "is not a cost"): (
        "bks.csv: line 2: cost '없음' is not a cost",
        "bks.csv: 2행: cost '없음'은(는) 비용이 아닙니다",
    ),
    ("vrplib_io.py", "no row for"): (
        "광양.vrp: no row for 광양 in bks.csv (column 'instance')",
        "광양.vrp: bks.csv에 광양의 행이 없습니다 ('instance' 열)",
    ),
    ("vrplib_io.py", "a .sol scores"): (
        "광양.sol: a .sol scores a VRPLIB .vrp or Solomon .txt file, not 'osm'",
        "광양.sol: .sol은 VRPLIB .vrp나 Solomon .txt 파일의 해를 채점하며, 'osm'에는 쓸 수 없습니다",
    ),
    ("vrplib_solution.py", "a .sol file numbers VRPLIB nodes"): (
        "C101: a .sol file numbers VRPLIB nodes; this instance is from solomon",
        "C101: .sol 파일은 VRPLIB 노드 번호로 씁니다; 이 인스턴스의 출처는 solomon입니다",
    ),
    ("vrplib_sections.py", "is not supported"): (
        "광양.vrp: PRIZE_SECTION (상금) is not supported",
        "광양.vrp: PRIZE_SECTION(상금)은(는) 지원하지 않습니다",
    ),
    ("vrplib_format.py", "distances are not finite numbers"): (
        "광양.vrp: distances are not finite numbers",
        "광양.vrp: 거리가 유한한 숫자가 아닙니다",
    ),
}
"""Raises no upload reaches: the best-known table (``routes bench``), a ``.sol`` scored against an instance of an
unknown source, writing a ``.sol`` (``--write-sol``), a refused section (:data:`~.vrplib_sections.REFUSED` is empty at
present) and distances that are not finite (coordinates and weights are bounded first: the line is checked as
written)."""

MODULES = (vrplib_io, vrplib_format, vrplib_sections, vrplib_solution, vrplib_choices)

WRAPPERS = ("{solution_path.name}: {exc}",)
"""Raises that only put the file before a message raised elsewhere."""


def raise_sites() -> dict[tuple[str, int], str]:
    """Every ``raise X(message)`` of :data:`MODULES` but the wrappers: ``(file, line) -> message source``."""
    sites = {}
    for module in MODULES:
        path = Path(str(module.__file__))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
                text = ast.unparse(node.exc.args[0])
                if (
                    ast.unparse(node.exc.func) == "ValueError"
                ):  # caught at once and refused in a line of its own
                    continue
                if not any(w in text for w in WRAPPERS):
                    sites[(path.name, node.lineno)] = text
    return sites


def test_every_raise_is_reached_by_a_case_or_raised_directly(tmp_path: Path) -> None:
    reached = set()
    for k, (files, _, _) in enumerate(CASES):
        folder = tmp_path / str(k)
        folder.mkdir()
        reached.add(raised(files, folder)[1])
    sites = raise_sites()
    assert len(sites) >= 70, len(sites)  # counted: every message, not a few
    missed = {site: text for site, text in sites.items() if site not in reached}
    listed = {
        site: text
        for site, text in missed.items()
        if any(site[0] == name and words in text for name, words in DIRECT)
    }
    assert missed == listed, {s: t for s, t in missed.items() if s not in listed}
    assert len(listed) == len(DIRECT)


def test_the_direct_raises_read_korean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: dict[tuple[str, str], Callable[[], object]] = {
        ("vrplib_io.py", "no best-known solution"): lambda: vrplib_io.best_known(tmp_path / "광양.vrp"),
        ("vrplib_io.py", "expected an instance column"): _bks(tmp_path, "항구,값\n광양,1\n"),
        ("vrplib_io.py", "is not a cost"): _bks(tmp_path, "instance,cost\n광양,없음\n"),
        ("vrplib_io.py", "no row for"): _bks(tmp_path, "instance,cost\n여수,12\n"),
        ("vrplib_io.py", "a .sol scores"): lambda: vrplib_io.solution_score(
            SimpleNamespace(source="osm"),  # type: ignore[arg-type]
            tmp_path / "광양.vrp",
            tmp_path / "광양.sol",
        ),
        ("vrplib_solution.py", "a .sol file numbers VRPLIB nodes"): lambda: vrplib_solution.write_solution(
            None,  # type: ignore[arg-type]
            SimpleNamespace(source="solomon", name="C101"),  # type: ignore[arg-type]
            tmp_path / "C101.sol",
        ),
        ("vrplib_sections.py", "is not supported"): _refused_section(monkeypatch, tmp_path),
    }
    for key, (english, expected) in DIRECT.items():
        if key in calls:
            (tmp_path / "bks.csv").unlink(missing_ok=True)
            (tmp_path / "광양.vrp").write_bytes(vrp({}))
            with pytest.raises(GwangyangError) as caught:
                calls[key]()
            assert str(caught.value).replace(f"{tmp_path}/", "") == english
        korean(english, expected)


def test_the_page_s_script_reads_them_as_the_server() -> None:
    lines = [refusal(files, tail) for files, tail, _ in CASES] + [e for e, _ in DIRECT.values()]
    phrased = page_phrases(lines)
    expected = [korean_line(files, k) for files, _, k in CASES] + [k for _, k in DIRECT.values()]
    assert phrased == expected
