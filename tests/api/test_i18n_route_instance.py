"""A routing problem's companion files, its instance and its unserved orders read Korean.

A problem file that ``gwangyang routes solve`` reads may name a distance or duration matrix CSV and a gate
appointments CSV (an upload may not: ``test_i18n_route_file``). Each case here is the Korean sample problem of
``test_i18n_route_file`` naming such a file, broken one way: the reader's one line, the folder left out, is
read Korean by :func:`gwangyang.api.i18n.phrase` (and the page's script under Node where it is installed) as written
here by hand, files, sites, ids and times kept, no English word of the message left. Every ``raise`` of
``read_matrix_csv``, ``appointment_file`` and ``instance`` is reached by a case or listed in
:data:`DIRECT` (the instance's own checks, behind the readers' checks), which builds it and reads it Korean too.
The reasons an order is left unserved (the routes page's list) are read from a real instance's screening.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import numpy as np
import pytest

from gwangyang.api import i18n
from gwangyang.errors import GwangyangError
from gwangyang.logistics import appointment_file, distances, instance
from gwangyang.logistics.instance import Instance, Shipment, VehicleSpec
from gwangyang.logistics.problem import RoutingProblem
from gwangyang.logistics.route_file import read_route_file

from .page_script import page_phrases
from .test_i18n_route_file import PROBLEM, broken

FILE = "광양 배차.toml"

MATRIX = broken("circuity = 1.3", 'circuity = 1.3\ndistance_matrix = "거리.csv"')
DURATION = broken("circuity = 1.3", 'circuity = 1.3\nduration_matrix = "시간.csv"')
SLOTS = broken('name = "광양 하루 배차"', 'name = "광양 하루 배차"\nappointments = { file = "예약.csv" }')

GOOD_MATRIX = "id,GWCT,S1,S2\nGWCT,0,4.1,9.5\nS1,4.1,0,12.0\nS2,9.5,12.0,0\n"

CASES: list[tuple[str, dict[str, bytes | str | None], str, str]] = [
    # gwangyang.logistics.distances.read_matrix_csv (through gwangyang.files.read_text)
    (MATRIX, {}, "거리.csv: file not found", "거리.csv: 파일이 없습니다"),
    (
        MATRIX,
        {"거리.csv": None},
        "거리.csv: is a folder, expected a distance or duration matrix CSV",
        "거리.csv: 폴더입니다. 거리·시간 행렬 CSV 파일이어야 합니다",
    ),
    (
        MATRIX,
        {"거리.csv": "id,GWCT,S1,S2\n광양,0,1,2\n".encode("cp949")},
        "거리.csv: not UTF-8 text (byte 14, line 2: invalid start byte), expected a distance or duration matrix "
        "CSV in UTF-8",
        "거리.csv: UTF-8 텍스트가 아닙니다 (14번 바이트, 2행: 올바르지 않은 시작 바이트). UTF-8로 된 거리·시간 행렬 "
        "CSV 파일이어야 합니다",
    ),
    (
        MATRIX,
        {"거리.csv": ""},
        "거리.csv: not a readable CSV matrix (No columns to parse from file)",
        "거리.csv: 읽을 수 있는 CSV 행렬이 아닙니다 (읽을 열이 없습니다)",
    ),
    (
        MATRIX,
        {"거리.csv": "id,GWCT,S1,S2\nGWCT,0,1,2\nS1,1,0,3,5\n"},
        "거리.csv: not a readable CSV matrix (Error tokenizing data. C error: Expected 4 fields in line 3, saw 5)",
        "거리.csv: 읽을 수 있는 CSV 행렬이 아닙니다 (3행의 필드가 5개입니다 (4개여야 함))",
    ),
    (
        MATRIX,
        {"거리.csv": "id,GWCT,S1\nGWCT,0,1\nS1,1,0\n"},
        "거리.csv: matrix has no row or column for site(s) S2",
        "거리.csv: 행렬에 장소 S2의 행이나 열이 없습니다",
    ),
    (
        DURATION,
        {"시간.csv": GOOD_MATRIX.replace("12.0,0", "약 12,0")},
        "시간.csv: matrix entries must be numbers (could not convert string to float: '약 12')",
        "시간.csv: 행렬의 값은 숫자여야 합니다 (숫자로 읽을 수 없는 값: '약 12')",
    ),
    (
        MATRIX,
        {"거리.csv": GOOD_MATRIX.replace("0,12.0", "0,-12.0")},
        "거리.csv: matrix entries must be finite and non-negative",
        "거리.csv: 행렬의 값은 유한한 0 이상의 숫자여야 합니다",
    ),
    # gwangyang.logistics.appointment_file: after the problem file's name
    (
        SLOTS,
        {},
        f"{FILE}: appointments.file: 예약.csv: file not found",
        f"{FILE}: 예약 파일(appointments.file): 예약.csv: 파일이 없습니다",
    ),
    (
        SLOTS,
        {"예약.csv": None},
        f"{FILE}: appointments.file: 예약.csv: is a folder, expected a gate appointments CSV",
        f"{FILE}: 예약 파일(appointments.file): 예약.csv: 폴더입니다. 게이트 예약 CSV 파일이어야 합니다",
    ),
    (
        SLOTS,
        {"예약.csv": "id,start\nA1,08:00\n"},
        f"{FILE}: appointments.file 예약.csv row 2: missing 'end' (columns id, start, end)",
        f"{FILE}: appointments.file 예약.csv 2행: 'end' 값이 없습니다 (열: id, start, end)",
    ),
    (
        SLOTS,
        {"예약.csv": "id,start,end\nA1,08:00,09:00\nA1,10:00,11:00\n"},
        f"{FILE}: appointments.file 예약.csv row 3: id 'A1' appears twice",
        f"{FILE}: appointments.file 예약.csv 3행: id 'A1'이(가) 두 번 나옵니다",
    ),
    (
        SLOTS,
        {"예약.csv": "id,start,end\nA1,8시,09:00\n"},
        f"{FILE}: appointments.file 예약.csv row 2: start: expected minutes or 'HH:MM', got '8시'",
        f"{FILE}: appointments.file 예약.csv 2행: start: 분 단위 숫자나 'HH:MM'이어야 합니다 (입력: '8시')",
    ),
    (
        SLOTS,
        {"예약.csv": "id,start,end\nA1,11:00,9:60\n"},
        f"{FILE}: appointments.file 예약.csv row 2: end: minutes must be 0-59 in '9:60'",
        f"{FILE}: appointments.file 예약.csv 2행: end: '9:60'의 분은 0-59여야 합니다",
    ),
    (
        SLOTS,
        {"예약.csv": "id,start,end\nA1,11:00,09:00\n"},
        f"{FILE}: appointments.file 예약.csv row 2: start, end: window closes (09:00) before it opens (11:00)",
        f"{FILE}: appointments.file 예약.csv 2행: start, end: 시간 창이 열리기(11:00) 전에 닫힙니다(09:00)",
    ),
    (
        SLOTS,
        {"예약.csv": "id,start,end\n" + "x" * 200_000 + ",1,2\n"},
        f"{FILE}: appointments.file: 예약.csv: not a readable CSV (field larger than field limit (131072))",
        f"{FILE}: 예약 파일(appointments.file): 예약.csv: 읽을 수 있는 CSV가 아닙니다 (필드가 최대 길이(131072)보다 깁니다)",
    ),
]
"""Problem files naming a broken companion: the problem, the companions (None: a folder), the refusal without the
folder, and its Korean."""

ENGLISH = (
    "expected",
    "must be",
    "missing",
    "appears",
    "twice",
    "not ",
    "found",
    "before",
    "matrix ",
    "row ",
    "readable",
    "field",
    "entries",
    "client",
    "vehicle",
    "group",
    "prize",
    "served",
    "arrival",
    "window",
)
"""Words of the messages that must not be left in their Korean (file, field and column names aside)."""


def korean(english: str, expected: str) -> None:
    translated = i18n.phrase(english, "ko")
    assert translated == expected, translated
    kept = translated.replace(FILE, "").replace("appointments.file", "").replace("(열: id, start, end)", "")
    assert not [w for w in ENGLISH if w in kept], translated


def raised(problem: str, files: dict[str, bytes | str | None], folder: Path) -> tuple[str, tuple[str, int]]:
    """``read_route_file``'s refusal as the CLI reads the problem (named files allowed), and its first raise site."""
    (folder / FILE).write_text(problem, encoding="utf-8")
    for name, content in files.items():
        if content is None:
            (folder / name).mkdir()
        else:
            (folder / name).write_bytes(content.encode() if isinstance(content, str) else content)
    with pytest.raises(GwangyangError) as caught:
        read_route_file(folder / FILE)
    first: BaseException = caught.value
    while isinstance(first.__cause__, GwangyangError):
        first = first.__cause__
    tb: TracebackType | None = first.__traceback__
    assert tb is not None
    while tb.tb_next is not None:
        tb = tb.tb_next
    return str(caught.value).replace(f"{folder}/", ""), (
        Path(tb.tb_frame.f_code.co_filename).name,
        tb.tb_lineno,
    )


def test_the_companions_read_when_good(tmp_path: Path) -> None:
    (tmp_path / FILE).write_text(MATRIX, encoding="utf-8")
    (tmp_path / "거리.csv").write_text(GOOD_MATRIX, encoding="utf-8")
    loaded = read_route_file(tmp_path / FILE)
    names = loaded.instance.location_names
    assert loaded.instance.distance[names.index("S1"), names.index("S2")] == 12.0


@pytest.mark.parametrize(("problem", "files", "english", "expected"), CASES)
def test_companion_refusals_read_korean(
    tmp_path: Path, problem: str, files: dict[str, bytes | str | None], english: str, expected: str
) -> None:
    assert raised(problem, files, tmp_path)[0] == english
    korean(english, expected)


def _instance(**changes: object) -> Instance:
    """A valid instance of one depot and two clients (``광양``), changed by ``changes``."""
    fields: dict[str, object] = {
        "name": "광양",
        "source": "problem",
        "location_names": ["GWCT", "S1", "S2"],
        "coordinates": np.zeros((3, 2)),
        "num_depots": 1,
        "distance": np.ones((3, 3)),
        "duration": np.ones((3, 3)),
        "client_location": np.array([1, 2]),
        "client_label": ["산소-1", "O2"],
        "demand": np.array([[1.0], [1.0]]),
        "service": np.zeros(2),
        "tw_early": np.zeros(2),
        "tw_late": np.full(2, 600.0),
        "vehicles": [VehicleSpec("탱크로리", 1, (10.0,))],
        "depot_tw": np.array([[0.0, np.inf]]),
    }
    fields.update(changes)
    return Instance(**fields)  # type: ignore[arg-type]


PAIR = [Shipment(0, 1, (1.0,))]
NO_DEMAND = np.zeros((2, 1))

DIRECT: dict[str, tuple[Callable[[], object], str, str]] = {
    "must be {n} x {n}": (
        lambda: _instance(distance=np.ones((2, 2))),
        "광양: distance and duration matrices must be 3 x 3",
        "광양: 거리·시간 행렬은 3 × 3이어야 합니다",
    ),
    "entries for": (
        lambda: _instance(service=np.zeros(3)),
        "광양: service has 3 entries for 2 clients",
        "광양: service의 항목이 3개인데 고객은 2곳입니다",
    ),
    "no vehicle types": (
        lambda: _instance(vehicles=[]),
        "광양: no vehicle types",
        "광양: 차종이 하나도 없습니다",
    ),
    "more than one pickup-delivery pair": (
        lambda: _instance(demand=NO_DEMAND, shipments=[*PAIR, Shipment(1, 0, (1.0,))]),
        "광양: a client belongs to more than one pickup-delivery pair",
        "광양: 한 고객이 둘 이상의 상차·하차 쌍에 속합니다",
    ),
    "pair names client": (
        lambda: _instance(demand=NO_DEMAND, shipments=[Shipment(0, 5, (1.0,))]),
        "광양: pickup-delivery pair names client 5 of 2",
        "광양: 상차·하차 쌍이 고객 5을(를) 가리키지만 고객은 2곳뿐입니다",
    ),
    "has its own demand": (
        lambda: _instance(shipments=PAIR),
        "광양: client 산소-1 is one end of a pickup-delivery pair and has its own demand",
        "광양: 고객 산소-1은(는) 상차·하차 쌍의 한쪽이면서 자기 수요가 있습니다",
    ),
    "prizes must be": (
        lambda: _instance(prize=np.array([1.0, -1.0])),
        "광양: prizes must be finite and >= 0",
        "광양: 보상은 유한한 0 이상의 숫자여야 합니다",
    ),
    "and has a prize": (
        lambda: _instance(demand=NO_DEMAND, shipments=PAIR, prize=np.array([5.0, 0.0])),
        "광양: client 산소-1 is one end of a pickup-delivery pair and has a prize",
        "광양: 고객 산소-1은(는) 상차·하차 쌍의 한쪽이면서 보상이 있습니다",
    ),
    "group {k} names client": (
        lambda: _instance(groups=[(0, 7)]),
        "광양: group 1 names client 7 of 2",
        "광양: 그룹 1이(가) 고객 7을(를) 가리키지만 고객은 2곳뿐입니다",
    ),
    "in more than one group": (
        lambda: _instance(groups=[(0, 1), (1,)]),
        "광양: client O2 is in more than one group",
        "광양: 고객 O2이(가) 둘 이상의 그룹에 있습니다",
    ),
    "in a group and one end": (
        lambda: _instance(demand=NO_DEMAND, shipments=PAIR, groups=[(0,)]),
        "광양: client 산소-1 is in a group and one end of a pickup-delivery pair",
        "광양: 고객 산소-1은(는) 그룹에 있으면서 상차·하차 쌍의 한쪽입니다",
    ),
    "may serve no client": (
        lambda: _instance(vehicles=[VehicleSpec("탱크로리", 1, (10.0,), allowed_clients=())]),
        "광양: vehicle type 탱크로리 may serve no client",
        "광양: 차종 탱크로리이(가) 맡을 수 있는 고객이 없습니다",
    ),
    "allows client": (
        lambda: _instance(vehicles=[VehicleSpec("탱크로리", 1, (10.0,), allowed_clients=(0, 9))]),
        "광양: vehicle type 탱크로리 allows client 9 of 2",
        "광양: 차종 탱크로리이(가) 고객 9을(를) 허용하지만 고객은 2곳뿐입니다",
    ),
}
"""The instance's own checks, which the readers' come before: the words of the raise, how to reach it, its line
and the Korean."""


@pytest.mark.parametrize("key", DIRECT)
def test_the_instance_s_checks_read_korean(key: str) -> None:
    build, english, expected = DIRECT[key]
    with pytest.raises(GwangyangError) as caught:
        build()
    assert str(caught.value) == english
    korean(english, expected)


def raise_sites() -> dict[tuple[str, int], str]:
    """Every ``raise X(message)`` of the companions' readers and the instance: ``(file, line) -> message source``."""
    sites = {}
    read_matrix, first = inspect.getsourcelines(distances.read_matrix_csv)
    sources = [
        (Path(str(distances.__file__)).name, "".join(read_matrix), first - 1),
        (
            Path(str(appointment_file.__file__)).name,
            Path(str(appointment_file.__file__)).read_text("utf-8"),
            0,
        ),
        (Path(str(instance.__file__)).name, Path(str(instance.__file__)).read_text("utf-8"), 0),
    ]
    for name, source, offset in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
                text = ast.unparse(node.exc.args[0])
                if "{exc}" not in text or "not a readable" in text or "must be numbers" in text:
                    sites[(name, node.lineno + offset)] = text
    return sites


def test_every_raise_is_reached_by_a_case_or_built_directly(tmp_path: Path) -> None:
    reached = set()
    for k, (problem, files, _, _) in enumerate(CASES):
        folder = tmp_path / str(k)
        folder.mkdir()
        reached.add(raised(problem, files, folder)[1])
    sites = raise_sites()
    assert len(sites) >= 19, sites  # 4 of the matrix reader, 4 of the appointments file, 13 of the instance
    missed = {site: text for site, text in sites.items() if site not in reached}
    built = {site: text for site, text in missed.items() if any(key in text for key in DIRECT)}
    assert missed == built, {s: t for s, t in missed.items() if s not in built}
    assert len(built) == len(DIRECT)


def test_unserved_orders_read_korean(tmp_path: Path) -> None:
    # O2 at S2 must be reached by 00:05; 카고트럭 (no shift: from 00:00) needs 9.388 km (haversine, GWCT 34.900 N
    # 127.700 E to S2 34.880 N 127.600 E, by hand) x circuity 1.3 / 40 km/h = 18.3 min, so it arrives at 00:18
    # at the earliest: the screening's reason, as the routes page lists it
    text = PROBLEM.replace(
        'site = "S2"\nquantity = 4', 'site = "S2"\nquantity = 4\nwindow = ["00:00", "00:05"]'
    )
    (tmp_path / FILE).write_text(text, encoding="utf-8")
    built = RoutingProblem.from_file(tmp_path / FILE).to_instance()
    reasons = {built.client_label[c]: reason for c, reason in built.unserved.items()}
    assert reasons == {"O2": "earliest possible arrival 00:18 is after the window closes at 00:05"}
    korean(reasons["O2"], "가장 이른 도착 00:18이(가) 시간 창이 닫히는 00:05보다 늦습니다")


CHECKED = [
    # gwangyang.logistics.convert.screen: an order no vehicle type allowed to serve it can carry (a VRPLIB instance;
    # our problem files refuse it first)
    ("quantity exceeds the capacity of every vehicle type", "물량이 모든 차종의 적재 용량을 넘습니다"),
    # gwangyang.logistics.check: as test_vrplib_choices reads them from a solved instance, and the other two
    ("group 2: member 7 served instead; prize 25 forgone", "그룹 2: 대신 7이(가) 배송됨; 보상 25 포기"),
    (
        "optional client, not worth its detour; prize 12 forgone",
        "선택 주문이며, 돌아가는 비용만큼의 가치가 없습니다; 보상 12 포기",
    ),
    ("group 3: no member served", "그룹 3: 배송된 구성원이 없음"),
    # a problem file's group by its own name (Korean as written)
    ("group 산소: member 산소-1 served instead", "그룹 산소: 대신 산소-1이(가) 배송됨"),
    (
        "no feasible route found for it with the fleet, capacities and windows",
        "보유 차량, 적재 용량, 시간 창으로는 이 주문을 넣을 수 있는 경로를 찾지 못했습니다",
    ),
    (
        "no vehicle can serve it and return to its depot before the end of its shift",
        "근무 시간이 끝나기 전에 이 주문을 처리하고 차고지로 돌아올 수 있는 차량이 없습니다",
    ),
]
"""The checker's reasons for an unserved order and their Korean."""


@pytest.mark.parametrize(("english", "expected"), CHECKED)
def test_the_checker_s_reasons_read_korean(english: str, expected: str) -> None:
    korean(english, expected)


def test_the_page_s_script_reads_them_as_the_server() -> None:
    lines = [english for _, _, english, _ in CASES] + [english for _, english, _ in DIRECT.values()]
    lines += [english for english, _ in CHECKED]
    expected = [korean for *_, korean in CASES] + [korean for _, _, korean in DIRECT.values()]
    expected += [korean for _, korean in CHECKED]
    assert page_phrases(lines) == expected
