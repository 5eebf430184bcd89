"""A routing problem file's refusals read Korean on the logistics page: every message the problem readers raise.

Each case is a real-shaped problem file (Korean sites, vehicle types, orders and shipments) broken one way, uploaded
to ``POST /api/v1/logistics/routes/file`` as the page's form sends it: the answer is 400 with the reader's one line,
and :func:`gwangyang.api.i18n.phrase` (the page's ``phrase`` in ``common.js``, run under Node where it is installed)
gives the Korean written here by hand, the file, rows, names and values kept and no English word of the message
left. Every ``raise`` of the modules that read our problem files is found in their source (``ast``) and must be
reached by a case, or be listed in :data:`UNREACHABLE` with the check that comes first; those are raised directly
and read Korean too.
"""

from __future__ import annotations

import ast
import json
import tomllib
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType

import pytest
from fastapi.testclient import TestClient

from gwangyang.api import i18n
from gwangyang.errors import GwangyangError
from gwangyang.logistics import entities, problem, problem_tables, route_file, times, type_names
from gwangyang.logistics.route_file import read_route_file
from gwangyang.logistics.service import parse_problem

from .page_script import page_phrases

LOG = "/api/v1/logistics"
FILE = "광양 배차.toml"

PROBLEM = """
name = "광양 하루 배차"

[settings]
dimensions = ["톤"]
circuity = 1.3
speed_kmh = 40

[[sites]]
id = "GWCT"
name = "광양항"
kind = "depot"
latitude = 34.900
longitude = 127.700

[[sites]]
id = "S1"
name = "포스코 광양제철소"
latitude = 34.930
longitude = 127.740

[[sites]]
id = "S2"
name = "율촌 산단"
latitude = 34.880
longitude = 127.600

[[vehicles]]
name = "탱크로리"
count = 1
capacity = 15
start_depot = "GWCT"
fixed_cost = 50
cost_per_km = 2
shift = ["06:00", "18:00"]
allowed_sites = ["포스코 광양제철소"]

[[vehicles]]
name = "카고트럭"
count = 2
capacity = 20
start_depot = "GWCT"

[[orders]]
id = "산소-1"
site = "S1"
quantity = 6
window = ["08:00", "11:00"]
service_min = 30

[[orders]]
id = "O2"
site = "S2"
quantity = 4

[[shipments]]
id = "화물1"
pickup = "S1"
delivery = "S2"
quantity = 3
"""
"""A day of two orders and one shipment: valid as it is (checked below)."""


def broken(old: str, new: str, count: int = 1) -> str:
    """:data:`PROBLEM` with ``old`` (which must occur) replaced by ``new``."""
    assert old in PROBLEM, old
    return PROBLEM.replace(old, new, count)


NFD = unicodedata.normalize("NFD", "카고트럭")

CASES: list[tuple[dict[str, bytes | str], str, str]] = [
    # the file as a whole (gwangyang.files.read_text, RoutingProblem.from_file)
    (
        {FILE: "name = \n"},
        "not valid TOML (Invalid value (at line 1, column 8))",
        "올바른 TOML 형식이 아닙니다 (올바르지 않은 값 (1행 8열))",
    ),
    (
        {"광양 배차.json": "[1, 2]"},
        "expected a table at the top level",
        "최상위가 테이블이어야 합니다",
    ),
    (
        {"광양 배차.json": '{"name": '},
        "not valid JSON (Expecting value: line 1 column 10 (char 9))",
        "올바른 JSON 형식이 아닙니다 (Expecting value: line 1 column 10 (char 9))",
    ),
    (
        # cp949 (as a Korean Windows editor saves): 광 of the name is bytes B1 A4, after "\nname = \"" (9 bytes)
        {FILE: PROBLEM.encode("cp949")},
        "not UTF-8 text (byte 9, line 2: invalid start byte), expected a problem file in UTF-8",
        "UTF-8 텍스트가 아닙니다 (9번 바이트, 2행: invalid start byte). 문제 파일은 UTF-8이어야 합니다",
    ),
    # the tables and their fields (problem_tables)
    (
        {FILE: broken("service_min = 30", 'service_min = 30\n"색상" = "빨강"')},
        "orders[0]: unknown field '색상' (expected one of group, id, prize, quantity, service_min, site, window)",
        "orders[0]: 알 수 없는 항목 '색상' (사용할 수 있는 항목: group, id, prize, quantity, service_min, site, window)",
    ),
    (
        {FILE: broken('site = "S2"\n', "")},
        "orders[1]: missing field 'site'",
        "orders[1]: 필수 항목 'site'이(가) 없습니다",
    ),
    (
        {FILE: PROBLEM.replace("[[vehicles]]", "[[trucks]]")},
        "unknown field 'trucks' (expected one of appointments, name, orders, settings, shipments, sites, vehicles)",
        "알 수 없는 항목 'trucks' (사용할 수 있는 항목: appointments, name, orders, settings, shipments, sites, "
        "vehicles)",
    ),
    (
        {FILE: "settings = 3\nsites = []\nvehicles = []\norders = []\n"},
        "settings: expected a table, got int",
        "settings: 테이블이어야 합니다 (입력: int)",
    ),
    (
        {FILE: 'sites = "광양항"\nvehicles = []\norders = []\n'},
        "sites: expected an array of tables",
        "sites: 테이블의 배열이어야 합니다",
    ),
    (
        {FILE: broken('dimensions = ["톤"]', 'dimensions = "톤"')},
        "settings.dimensions: expected a list of names, got '톤'",
        "settings.dimensions: 이름의 목록이어야 합니다 (입력: '톤')",
    ),
    (
        {FILE: broken("circuity = 1.3", 'circuity = "많이"')},
        "settings.circuity: expected a number, got '많이'",
        "settings.circuity: 숫자여야 합니다 (입력: '많이')",
    ),
    (
        {FILE: broken("circuity = 1.3", "circuity = 0.8")},
        "settings: circuity must be >= 1 and speed_kmh positive",
        "settings: circuity는 1 이상, speed_kmh는 0보다 커야 합니다",
    ),
    (
        {FILE: broken("circuity = 1.3", "circuity = 1.3\ncurrency = 1000")},
        "settings.currency: expected a string, got 1000",
        "settings.currency: 문자열이어야 합니다 (입력: 1000)",
    ),
    (
        {FILE: broken("circuity = 1.3", 'circuity = 1.3\napproximate_coordinates = "예"')},
        "settings.approximate_coordinates: expected true or false, got '예'",
        "settings.approximate_coordinates: true 또는 false여야 합니다 (입력: '예')",
    ),
    (
        {FILE: broken("count = 2", "count = 2.5")},
        "vehicles[1].count: expected an integer, got 2.5",
        "vehicles[1].count: 정수여야 합니다 (입력: 2.5)",
    ),
    (
        {FILE: broken('allowed_sites = ["포스코 광양제철소"]', 'allowed_sites = "포스코 광양제철소"')},
        "vehicles[0].allowed_sites: expected a list (each item text or a whole number), got '포스코 광양제철소'",
        "vehicles[0].allowed_sites: 목록이어야 합니다 (항목마다 텍스트나 정수; 입력: '포스코 광양제철소')",
    ),
    (
        {FILE: broken("quantity = 3\n", 'quantity = 3\nallowed_vehicles = "카고트럭"\n')},
        "shipments[0].allowed_vehicles: expected a list of names (non-empty strings), got '카고트럭'",
        "shipments[0].allowed_vehicles: 이름(비어 있지 않은 문자열)의 목록이어야 합니다 (입력: '카고트럭')",
    ),
    # text fields: ids are text or whole numbers (kept as decimal text), names and labels are strings
    (
        {FILE: broken('id = "O2"', "id = 7.5")},
        "orders[1].id: expected non-empty text or a whole number, got 7.5",
        "orders[1].id: 비어 있지 않은 텍스트나 정수여야 합니다 (입력: 7.5)",
    ),
    (
        {FILE: broken('name = "율촌 산단"', "name = 5")},
        "sites[2].name: expected a string, got 5",
        "sites[2].name: 문자열이어야 합니다 (입력: 5)",
    ),
    (
        {FILE: broken('allowed_sites = ["포스코 광양제철소"]', 'allowed_orders = ["O2", 2.5]')},
        "vehicles[0].allowed_orders[1]: expected non-empty text or a whole number, got 2.5",
        "vehicles[0].allowed_orders[1]: 비어 있지 않은 텍스트나 정수여야 합니다 (입력: 2.5)",
    ),
    (
        {FILE: broken('allowed_sites = ["포스코 광양제철소"]', 'allowed_sites = ["S1", "S1"]')},
        "vehicles[0].allowed_sites: 'S1' is listed twice",
        "vehicles[0].allowed_sites: 'S1'이(가) 두 번 나옵니다",
    ),
    (
        {FILE: broken('window = ["08:00", "11:00"]', 'window = "08:00-11:00"')},
        "orders[0].window: expected [open, close], got '08:00-11:00'",
        "orders[0].window: [시작, 종료] 형식이어야 합니다 (입력: '08:00-11:00')",
    ),
    (
        {FILE: broken('window = ["08:00", "11:00"]', 'window = ["11:00", "08:00"]')},
        "orders[0].window: window closes (08:00) before it opens (11:00)",
        "orders[0].window: 시간 창이 열리기(11:00) 전에 닫힙니다(08:00)",
    ),
    (
        {FILE: broken("quantity = 6", "quantity = [6, 1]")},
        "orders[0].quantity: expected 1 number(s), one per dimension, got [6, 1]",
        "orders[0].quantity: 차원마다 하나씩 숫자 1개여야 합니다 (입력: [6, 1])",
    ),
    (
        {FILE: broken("quantity = 6", "quantity = -6")},
        "orders[0].quantity: quantities must be finite and non-negative, got -6",
        "orders[0].quantity: 수량은 유한한 0 이상의 수여야 합니다 (입력: -6)",
    ),
    (
        {FILE: broken("service_min = 30", 'service_min = "삼십"')},
        "orders[0].service_min: expected a number, got '삼십'",
        "orders[0].service_min: 숫자여야 합니다 (입력: '삼십')",
    ),
    (
        {
            FILE: broken(
                "quantity = 3\n", 'quantity = 3\ndelivery_window = ["09:00", "12:00"]\nappointment = "A7"\n'
            )
        },
        "shipments[0]: both appointment and delivery_window given (the appointment gives that window)",
        "shipments[0]: appointment와 delivery_window을(를) 함께 줄 수 없습니다 (예약이 그 시간 창을 정합니다)",
    ),
    (
        {FILE: broken("quantity = 3\n", 'quantity = 3\nappointment = "A7"\n')},
        "shipments[0].appointment: 'A7' is not in the [appointments] file",
        "shipments[0].appointment: 'A7'이(가) [appointments] 파일에 없습니다",
    ),
    # times (gwangyang.logistics.times.parse_time)
    (
        {FILE: broken('shift = ["06:00", "18:00"]', 'shift = [true, "18:00"]')},
        "vehicles[0].shift[0]: expected minutes or 'HH:MM', got true",
        "vehicles[0].shift[0]: 분 단위 숫자나 'HH:MM'이어야 합니다 (입력: true)",
    ),
    (
        {FILE: broken('shift = ["06:00", "18:00"]', 'shift = ["06:00", "6시"]')},
        "vehicles[0].shift[1]: expected minutes or 'HH:MM', got '6시'",
        "vehicles[0].shift[1]: 분 단위 숫자나 'HH:MM'이어야 합니다 (입력: '6시')",
    ),
    (
        {FILE: broken('shift = ["06:00", "18:00"]', 'shift = ["여섯:00", "18:00"]')},
        "vehicles[0].shift[0]: expected 'HH:MM', got '여섯:00'",
        "vehicles[0].shift[0]: 'HH:MM' 형식이어야 합니다 (입력: '여섯:00')",
    ),
    (
        {FILE: broken('shift = ["06:00", "18:00"]', 'shift = ["06:75", "18:00"]')},
        "vehicles[0].shift[0]: minutes must be 0-59 in '06:75'",
        "vehicles[0].shift[0]: '06:75'의 분은 0-59여야 합니다",
    ),
    (
        {FILE: broken('shift = ["06:00", "18:00"]', 'shift = [-30, "18:00"]')},
        "vehicles[0].shift[0]: expected a non-negative time, got -30",
        "vehicles[0].shift[0]: 0 이상의 시각이어야 합니다 (입력: -30)",
    ),
    # a site, vehicle type, order or shipment on its own (entities)
    (
        {FILE: broken('id = "S2"', 'id = ""')},
        "sites[2].id: expected non-empty text or a whole number, got ''",
        "sites[2].id: 비어 있지 않은 텍스트나 정수여야 합니다 (입력: '')",
    ),
    (
        {FILE: broken("latitude = 34.930", "latitude = 134.930")},
        "sites[1]: site S1: latitude must be within -90..90, got 134.93",
        "sites[1]: 장소 S1: latitude는 -90..90 범위여야 합니다 (입력: 134.93)",
    ),
    (
        {FILE: broken("longitude = 127.600", "longitude = 227.600")},
        "sites[2]: site S2: longitude must be within -180..180, got 227.6",
        "sites[2]: 장소 S2: longitude는 -180..180 범위여야 합니다 (입력: 227.6)",
    ),
    (
        {FILE: broken('kind = "depot"', 'kind = "터미널"')},
        "sites[0]: site GWCT: kind must be 'depot' or 'site', got '터미널'",
        "sites[0]: 장소 GWCT: kind는 'depot' 또는 'site'여야 합니다 (입력: '터미널')",
    ),
    (
        {FILE: broken("count = 2", "count = 0")},
        "vehicles[1]: vehicle 카고트럭: count must be at least 1, got 0",
        "vehicles[1]: 차종 카고트럭: count는 1 이상이어야 합니다 (입력: 0)",
    ),
    (
        {FILE: broken("capacity = 20", "capacity = 0")},
        "vehicles[1]: vehicle 카고트럭: capacity must be positive, got [0.0]",
        "vehicles[1]: 차종 카고트럭: capacity는 0보다 커야 합니다 (입력: [0.0])",
    ),
    (
        {FILE: broken("fixed_cost = 50", "fixed_cost = -50")},
        "vehicles[0]: vehicle 탱크로리: fixed_cost and cost_per_km must be non-negative",
        "vehicles[0]: 차종 탱크로리: fixed_cost와 cost_per_km은 0 이상이어야 합니다",
    ),
    (
        {FILE: broken("fixed_cost = 50", "fixed_cost = 50\nbreak_min = -10")},
        "vehicles[0]: vehicle 탱크로리: break_min must be non-negative, got -10.0",
        "vehicles[0]: 차종 탱크로리: break_min은(는) 0 이상이어야 합니다 (입력: -10.0)",
    ),
    (
        {FILE: broken("fixed_cost = 50", "fixed_cost = 50\nmax_duration_min = 30\nbreak_min = 60")},
        "vehicles[0]: vehicle 탱크로리: break_min is longer than max_duration_min",
        "vehicles[0]: 차종 탱크로리: break_min이 max_duration_min보다 깁니다",
    ),
    (
        {FILE: broken("service_min = 30", "service_min = -30")},
        "orders[0]: order 산소-1: service_min must be non-negative",
        "orders[0]: 주문 산소-1: service_min은 0 이상이어야 합니다",
    ),
    (
        {FILE: broken("service_min = 30", "service_min = 30\nprize = -1")},
        "orders[0]: order 산소-1: prize must be a finite number >= 0, got -1.0",
        "orders[0]: 주문 산소-1: prize는 유한한 0 이상의 수여야 합니다 (입력: -1.0)",
    ),
    (
        {FILE: broken('delivery = "S2"', 'delivery = "S1"')},
        "shipments[0]: shipment 화물1: pickup and delivery are the same site 'S1'",
        "shipments[0]: 화물 화물1: 상차지와 하차지가 같은 장소 'S1'입니다",
    ),
    (
        {FILE: broken("quantity = 3\n", "quantity = 3\npickup_service_min = -5\n")},
        "shipments[0]: shipment 화물1: service times must be non-negative",
        "shipments[0]: 화물 화물1: 작업 시간은 0 이상이어야 합니다",
    ),
    # one name per vehicle type (type_names)
    (
        {FILE: broken('name = "카고트럭"', 'name = " "')},
        "vehicles[1]: vehicle type name is empty (got ' ')",
        "vehicles[1]: 차종 이름이 비어 있습니다 (입력: ' ')",
    ),
    (
        {FILE: broken('name = "카고트럭"', 'name = "탱크로리"')},
        "vehicles[0], vehicles[1]: vehicle type name '탱크로리' is used by 2 types (each type needs a name of its own)",
        "vehicles[0], vehicles[1]: 차종 2개가 같은 이름 '탱크로리'을(를) 씁니다 (차종마다 이름이 달라야 합니다)",
    ),
    (
        {
            FILE: broken('name = "탱크로리"', f'name = "{NFD}"').replace(
                'name = "카고트럭"', 'name = "카고트럭 "'
            )
        },
        f"vehicles[0], vehicles[1]: vehicle type name '카고트럭' is used by 2 types, written {NFD!r}, '카고트럭 ' "
        "(each type needs a name of its own: names are compared without surrounding spaces and in Unicode NFC, so "
        "decomposed Hangul is the same name)",
        f"vehicles[0], vehicles[1]: 차종 2개가 같은 이름 '카고트럭'을(를) 씁니다, 표기 {NFD!r}, '카고트럭 ' (차종마다 "
        "이름이 달라야 합니다. 이름은 앞뒤 공백을 빼고 유니코드 NFC로 비교하므로 자모를 풀어 쓴 한글도 같은 이름입니다)",
    ),
    (
        {FILE: broken("quantity = 3\n", 'quantity = 3\nallowed_vehicles = ["덤프트럭"]\n')},
        "shipment 화물1: allowed_vehicles: '덤프트럭' is not a vehicle type (expected one of 탱크로리, 카고트럭)",
        "화물 화물1: allowed_vehicles: '덤프트럭'은(는) 차종이 아닙니다 (차종: 탱크로리, 카고트럭)",
    ),
    (
        {FILE: broken("quantity = 3\n", 'quantity = 3\nforbidden_vehicles = ["카고트럭", "카고트럭 "]\n')},
        "shipment 화물1: forbidden_vehicles: '카고트럭 ' names vehicle type '카고트럭' again",
        "화물 화물1: forbidden_vehicles: '카고트럭 '은(는) 이미 나온 차종 '카고트럭'을(를) 다시 가리킵니다",
    ),
    # how the tables fit together (RoutingProblem)
    (
        {FILE: broken('id = "S2"', 'id = "S1"')},
        "sites: duplicate id 'S1'",
        "sites: id 'S1'이(가) 중복됩니다",
    ),
    (
        {FILE: broken('id = "O2"', 'id = "산소-1"')},
        "orders: duplicate id '산소-1'",
        "orders: id '산소-1'이(가) 중복됩니다",
    ),
    (
        {FILE: broken('id = "화물1"', 'id = "O2"')},
        "shipments: id 'O2' is used twice",
        "shipments: id 'O2'이(가) 두 번 쓰였습니다",
    ),
    (
        {FILE: "sites = []\nvehicles = []\norders = []\n"},
        "vehicles: at least one vehicle type is needed",
        "vehicles: 차종이 하나 이상 있어야 합니다",
    ),
    (
        {FILE: "orders = []\n" + PROBLEM[: PROBLEM.index("[[orders]]")]},
        "orders: at least one order or shipment is needed",
        "orders: 주문이나 화물이 하나 이상 있어야 합니다",
    ),
    (
        {FILE: broken('start_depot = "GWCT"\n\n[[orders]]', 'start_depot = "S1"\n\n[[orders]]')},
        "vehicle 카고트럭: start_depot 'S1' is not a site of kind 'depot'",
        "차종 카고트럭: start_depot 'S1'은(는) kind가 'depot'인 장소가 아닙니다",
    ),
    (
        {FILE: broken("cost_per_km = 2", 'cost_per_km = 2\nend_depot = "광양항"')},
        "vehicle 탱크로리: end_depot '광양항' is not a site of kind 'depot'",
        "차종 탱크로리: end_depot '광양항'은(는) kind가 'depot'인 장소가 아닙니다",
    ),
    (
        {FILE: broken('id = "O2"\nsite = "S2"', 'id = "O2"\nsite = "GWCT"')},
        "order O2: site 'GWCT' is not a site of kind 'site'",
        "주문 O2: 장소 'GWCT'은(는) kind가 'site'인 장소가 아닙니다",
    ),
    (
        {FILE: broken('pickup = "S1"', 'pickup = "S9"')},
        "shipment 화물1: pickup site 'S9' is not a site",
        "화물 화물1: 상차 장소 'S9'은(는) 등록된 장소가 아닙니다",
    ),
    (
        {FILE: broken('delivery = "S2"', 'delivery = "율촌"')},
        "shipment 화물1: delivery site '율촌' is not a site",
        "화물 화물1: 하차 장소 '율촌'은(는) 등록된 장소가 아닙니다",
    ),
    (
        {FILE: broken("quantity = 6", "quantity = 30")},
        "order 산소-1: quantity [30.0] exceeds the capacity of every vehicle type",
        "주문 산소-1: 수량 [30.0]이(가) 모든 차종의 적재 용량을 넘습니다",
    ),
    (
        {
            FILE: broken("quantity = 6", "quantity = 18").replace(
                "count = 2\n", 'count = 2\nforbidden_orders = ["산소-1"]\n'
            )
        },
        "order 산소-1: quantity [18.0] exceeds the capacity of every vehicle type allowed to serve it (탱크로리)",
        "주문 산소-1: 수량 [18.0]이(가) 맡을 수 있는 모든 차종(탱크로리)의 적재 용량을 넘습니다",
    ),
    (
        {
            FILE: broken("count = 2\n", 'count = 2\nforbidden_orders = ["산소-1"]\n').replace(
                'allowed_sites = ["포스코 광양제철소"]', 'allowed_sites = ["율촌 산단"]'
            )
        },
        "order 산소-1: no vehicle type may serve it (their allowed_sites, allowed_orders, forbidden_sites and "
        "forbidden_orders leave it out)",
        "주문 산소-1: 맡을 수 있는 차종이 없습니다 (차종들의 allowed_sites, allowed_orders, forbidden_sites, "
        "forbidden_orders가 이 주문을 뺍니다)",
    ),
    (
        {
            FILE: broken("count = 2\n", 'count = 2\nforbidden_shipments = ["화물1"]\n').replace(
                "quantity = 3\n", 'quantity = 3\nforbidden_vehicles = ["탱크로리"]\n'
            )
        },
        "shipment 화물1: no vehicle type may carry it (the vehicles' allowed_shipments and forbidden_shipments and "
        "its allowed_vehicles and forbidden_vehicles leave it out)",
        "화물 화물1: 운송할 수 있는 차종이 없습니다 (차종들의 allowed_shipments, forbidden_shipments와 이 화물의 "
        "allowed_vehicles, forbidden_vehicles가 이 화물을 뺍니다)",
    ),
    (
        {FILE: broken("quantity = 3\n", "quantity = 25\n")},
        "shipment 화물1: quantity [25.0] exceeds the capacity of every vehicle type",
        "화물 화물1: 수량 [25.0]이(가) 모든 차종의 적재 용량을 넘습니다",
    ),
    (
        {FILE: broken('allowed_sites = ["포스코 광양제철소"]', 'allowed_sites = ["광양제철소"]')},
        "vehicle 탱크로리: allowed_sites: '광양제철소' is not the id or name of a site",
        "차종 탱크로리: allowed_sites: '광양제철소'은(는) 장소의 id나 이름이 아닙니다",
    ),
    (
        {FILE: broken('name = "율촌 산단"', 'name = "포스코 광양제철소"')},
        "vehicle 탱크로리: allowed_sites: '포스코 광양제철소' names 2 sites (S1, S2); give the id",
        "차종 탱크로리: allowed_sites: '포스코 광양제철소'은(는) 장소 2곳(S1, S2)의 이름입니다; id로 쓰세요",
    ),
    (
        {FILE: broken('allowed_sites = ["포스코 광양제철소"]', 'forbidden_sites = ["광양항"]')},
        "vehicle 탱크로리: forbidden_sites: '광양항' is a depot, not a site orders go to",
        "차종 탱크로리: forbidden_sites: '광양항'은(는) 주문이 가는 장소가 아니라 차고지입니다",
    ),
    (
        {FILE: broken('allowed_sites = ["포스코 광양제철소"]', 'allowed_orders = ["O9"]')},
        "vehicle 탱크로리: allowed_orders: 'O9' is not an order id",
        "차종 탱크로리: allowed_orders: 'O9'은(는) 주문 id가 아닙니다",
    ),
    (
        {FILE: broken('allowed_sites = ["포스코 광양제철소"]', 'forbidden_orders = ["화물1"]')},
        "vehicle 탱크로리: forbidden_orders: '화물1' is not an order id (a shipment: use allowed_shipments or "
        "forbidden_shipments)",
        "차종 탱크로리: forbidden_orders: '화물1'은(는) 주문 id가 아닙니다 (화물이니 allowed_shipments나 "
        "forbidden_shipments에 쓰세요)",
    ),
    (
        {FILE: broken('allowed_sites = ["포스코 광양제철소"]', 'allowed_shipments = ["화물9"]')},
        "vehicle 탱크로리: allowed_shipments: '화물9' is not a shipment id",
        "차종 탱크로리: allowed_shipments: '화물9'은(는) 화물 id가 아닙니다",
    ),
    (
        {FILE: broken('allowed_sites = ["포스코 광양제철소"]', 'forbidden_shipments = ["O2"]')},
        "vehicle 탱크로리: forbidden_shipments: 'O2' is not a shipment id (an order: use allowed_orders or "
        "forbidden_orders)",
        "차종 탱크로리: forbidden_shipments: 'O2'은(는) 화물 id가 아닙니다 (주문이니 allowed_orders나 "
        "forbidden_orders에 쓰세요)",
    ),
    (
        {
            FILE: broken(
                'allowed_sites = ["포스코 광양제철소"]',
                'allowed_orders = ["O2"]\nforbidden_sites = ["S2"]\nforbidden_shipments = ["화물1"]',
            )
        },
        "vehicle 탱크로리: the allowed and forbidden lists (its own and the shipments') leave it no order or "
        "shipment to serve",
        "차종 탱크로리: 허용·금지 목록(차종 자신과 화물들의 목록) 때문에 맡을 주문이나 화물이 하나도 없습니다",
    ),
    (
        {
            FILE: broken(
                'allowed_sites = ["포스코 광양제철소"]', 'allowed_orders = ["O2"]\nforbidden_sites = ["S2"]'
            ).replace(PROBLEM[PROBLEM.index("[[shipments]]") :], "")
        },
        "vehicle 탱크로리: its allowed and forbidden lists leave it no order to serve",
        "차종 탱크로리: 허용·금지 목록 때문에 맡을 주문이 하나도 없습니다",
    ),
    # route_file: an upload may not name files on the server
    (
        {FILE: broken("circuity = 1.3", 'circuity = 1.3\ndistance_matrix = "/etc/passwd"')},
        "settings.distance_matrix: matrix files cannot be named in a request (use coordinates)",
        "settings.distance_matrix: 요청에서는 행렬 파일을 지정할 수 없습니다 (좌표를 쓰세요)",
    ),
    (
        {
            FILE: broken(
                'name = "광양 하루 배차"', 'name = "광양 하루 배차"\nappointments = { file = "예약.csv" }'
            )
        },
        "appointments: a gate appointments file cannot be named in a request (give each shipment's window)",
        "appointments: 요청에서는 게이트 예약 파일을 지정할 수 없습니다 (화물마다 시간 창을 쓰세요)",
    ),
]
"""Broken problem files: the files uploaded (the problem file first), its refusal after ``FILE: `` and the Korean."""

SOL_CASE: tuple[dict[str, bytes | str], str, str] = (
    {FILE: PROBLEM, "광양 배차.sol": "Route #1: 1 2\nCost 10\n"},
    "광양 배차.sol: a .sol scores a VRPLIB .vrp or Solomon .txt file, not our problem file (.toml or .json)",
    "광양 배차.sol: .sol은 VRPLIB .vrp나 Solomon .txt 파일의 해를 채점하며, 이 플랫폼의 문제 파일(.toml, .json)에는 "
    "쓸 수 없습니다",
)
"""A ``.sol`` uploaded with our problem file: refused naming the ``.sol`` (no file prefix)."""

ENGLISH = (
    "expected",
    "is not",
    "must be",
    "unknown",
    "every",
    "needed",
    "missing",
    "twice",
    "vehicle ",
    "order ",
    "shipment ",
    "site ",
    "exceeds",
    "names ",
    "cannot",
    "give ",
    "leave",
    "before",
    "longer",
    "empty",
)
"""Words of the messages that must not be left in their Korean (the values and field names aside)."""


def problem_name(files: dict[str, bytes | str]) -> str:
    return next(iter(files))


def refusal(files: dict[str, bytes | str], tail: str) -> str:
    """The whole English line of a case: the problem file's name, then the refusal (a .sol's names itself)."""
    return tail if tail.startswith("광양 배차.sol") else f"{problem_name(files)}: {tail}"


def korean(english: str, expected: str) -> None:
    """``english`` read Korean is ``expected``, and none of the messages' English words is left in it."""
    translated = i18n.phrase(english, "ko")
    assert translated == expected, translated
    assert not [w for w in ENGLISH if w in translated], translated


def write(folder: Path, files: Mapping[str, bytes | str]) -> list[Path]:
    paths = []
    for name, content in files.items():
        path = folder / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        paths.append(path)
    return paths


def raised(files: Mapping[str, bytes | str], folder: Path) -> tuple[str, tuple[str, int]]:
    """The refusal of ``read_route_file`` (as an upload reads it), the folder left out, and where it was first raised."""
    paths = write(folder, files)
    with pytest.raises(GwangyangError) as caught:
        read_route_file(paths[0], paths[0].name, paths[1] if len(paths) > 1 else None, named_files=False)
    first: BaseException = caught.value
    while isinstance(first.__cause__, GwangyangError):
        first = first.__cause__
    tb: TracebackType | None = first.__traceback__
    assert tb is not None
    while tb.tb_next is not None:
        tb = tb.tb_next
    site = (Path(tb.tb_frame.f_code.co_filename).name, tb.tb_lineno)
    return str(caught.value).replace(f"{folder}/", ""), site


def test_the_base_problem_is_valid(tmp_path: Path) -> None:
    (path,) = write(tmp_path, {FILE: PROBLEM})
    loaded = read_route_file(path, FILE, named_files=False)
    assert [v.name for v in loaded.problem.vehicles] == ["탱크로리", "카고트럭"]


@pytest.mark.parametrize(("files", "tail", "expected"), [*CASES, SOL_CASE])
def test_problem_file_refusals_read_korean(
    fresh_client: TestClient, tmp_path: Path, files: dict[str, bytes | str], tail: str, expected: str
) -> None:
    english = refusal(files, tail)
    assert raised(files, tmp_path)[0] == english
    reply = fresh_client.post(
        f"{LOG}/routes/file",
        files=[("files", (name, content)) for name, content in files.items()],
        data={"time_limit": "1"},
    )
    assert reply.status_code == 400 and reply.json()["detail"] == english, reply.text
    korean(english, refusal(files, expected))


def test_a_request_s_problem_reads_korean(fresh_client: TestClient) -> None:
    # POST /routes with the problem as a table: the refusal starts "problem: " instead of a file's name
    table = tomllib.loads(broken('name = "카고트럭"', 'name = "탱크로리"'))
    reply = fresh_client.post(f"{LOG}/routes", json={"problem": table})
    english = "problem: vehicles[0], vehicles[1]: vehicle type name '탱크로리' is used by 2 types (each type needs a name of its own)"
    assert reply.status_code == 400 and reply.json()["detail"] == english
    korean(
        english,
        "problem: vehicles[0], vehicles[1]: 차종 2개가 같은 이름 '탱크로리'을(를) 씁니다 (차종마다 이름이 달라야 합니다)",
    )
    with pytest.raises(GwangyangError) as caught:
        parse_problem(problem=["탱크로리"])  # type: ignore[arg-type]  # a JSON body's problem that is a list
    korean(str(caught.value), "problem: 최상위가 테이블(JSON 객체)이어야 합니다")
    # problem_text that is neither TOML nor JSON: tomllib's reason is read again inside the sentence
    with pytest.raises(GwangyangError) as caught:
        parse_problem(text="name = \nsites = 1")
    assert str(caught.value) == "problem_text: not valid TOML or JSON (Invalid value (at line 1, column 8))"
    korean(str(caught.value), "문제 파일이 올바른 TOML 또는 JSON이 아닙니다 (올바르지 않은 값 (1행 8열))")


def test_a_request_s_refusal_names_its_field_once(fresh_client: TestClient) -> None:
    # Before, a top-level unknown key read "problem: problem: unknown field 'trucks' ...": the top level's own
    # "problem" and the request's. Now the request's field (problem or problem_text) starts it, once; a named
    # matrix or appointments file too (before, those alone had no field before them).
    known = "(expected one of appointments, name, orders, settings, shipments, sites, vehicles)"
    known_ko = "(사용할 수 있는 항목: appointments, name, orders, settings, shipments, sites, vehicles)"
    text = PROBLEM.replace("[[vehicles]]", "[[trucks]]")
    table = {**tomllib.loads(PROBLEM), "색상": "빨강"}
    as_json = json.dumps({**tomllib.loads(PROBLEM), "orders": [{"id": 7.5, "site": "S1", "quantity": 1}]})
    named = {**tomllib.loads(PROBLEM), "appointments": {"file": "예약.csv"}}
    matrix = PROBLEM.replace("circuity = 1.3", 'circuity = 1.3\ndistance_matrix = "거리.csv"')
    for body, english, expected in (
        (
            {"problem": named},
            "problem: appointments: a gate appointments file cannot be named in a request (give each shipment's "
            "window)",
            "problem: appointments: 요청에서는 게이트 예약 파일을 지정할 수 없습니다 (화물마다 시간 창을 쓰세요)",
        ),
        (
            {"problem_text": matrix},
            "problem_text: settings.distance_matrix: matrix files cannot be named in a request (use coordinates)",
            "problem_text: settings.distance_matrix: 요청에서는 행렬 파일을 지정할 수 없습니다 (좌표를 쓰세요)",
        ),
        (
            {"problem_text": text},
            f"problem_text: unknown field 'trucks' {known}",
            f"problem_text: 알 수 없는 항목 'trucks' {known_ko}",
        ),
        (
            {"problem": table},
            f"problem: unknown field '색상' {known}",
            f"problem: 알 수 없는 항목 '색상' {known_ko}",
        ),
        (
            {"problem_text": as_json},
            "problem_text: orders[0].id: expected non-empty text or a whole number, got 7.5",
            "problem_text: orders[0].id: 비어 있지 않은 텍스트나 정수여야 합니다 (입력: 7.5)",
        ),
    ):
        reply = fresh_client.post(f"{LOG}/routes", json=body)
        assert reply.status_code == 400 and reply.json()["detail"] == english, reply.text
        korean(english, expected)


UNREACHABLE: dict[tuple[str, str], Callable[[], object]] = {
    # read_quantity counts the numbers first
    ("problem.py", "capacity needs"): lambda: problem.RoutingProblem(
        "p",
        (entities.Site("D", 34.9, 127.7, kind="depot"), entities.Site("S", 34.9, 127.8)),
        (entities.VehicleType("트럭", 1, (1.0, 2.0), "D"),),
        (entities.Order("o", "S", (1.0,)),),
    ),
    ("problem.py", "quantity needs"): lambda: problem.RoutingProblem(
        "p",
        (entities.Site("D", 34.9, 127.7, kind="depot"), entities.Site("S", 34.9, 127.8)),
        (entities.VehicleType("트럭", 1, (1.0,), "D"),),
        (entities.Order("o", "S", (1.0, 2.0)),),
    ),
    # route_file reads only .toml and .json with from_file
    ("problem.py", "expected a .toml or .json problem file"): lambda: problem.RoutingProblem.from_file(
        Path(problem.__file__)
    ),
    # read_id refuses an empty id first
    ("entities.py", "site.id: must be a non-empty string"): lambda: entities.Site("", 34.9, 127.7),
    # read_window refuses a window that closes before it opens
    ("entities.py", "shift ends before it starts"): lambda: entities.VehicleType(
        "트럭", 1, (1.0,), "D", shift=(600.0, 500.0)
    ),
    ("entities.py", "window closes before it opens"): lambda: entities.Order(
        "산소-1", "S", (1.0,), window=(600.0, 500.0)
    ),
}
"""Raises no problem file reaches (the check that comes first named), each raised here directly."""

WRAPPERS = ("{where}: {exc}", "{path}: {exc}", "str(exc)")
"""Raises that only put the row or file before a message raised elsewhere."""

MODULES = (problem, problem_tables, type_names, entities, times, route_file)


def raise_sites() -> dict[tuple[str, int], str]:
    """Every ``raise X(message)`` of :data:`MODULES` but the wrappers: ``(file, line) -> message source``."""
    sites = {}
    for module in MODULES:
        path = Path(str(module.__file__))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
                text = ast.unparse(node.exc.args[0])
                if not any(w in text for w in WRAPPERS):
                    sites[(path.name, node.lineno)] = text
    return sites


def test_every_raise_is_reached_by_a_case_or_listed(tmp_path: Path) -> None:
    reached = set()
    for k, (files, _, _) in enumerate([*CASES, SOL_CASE]):
        folder = tmp_path / str(k)
        folder.mkdir()
        reached.add(raised(files, folder)[1])
    sites = raise_sites()
    assert len(sites) >= 60, sites  # counted: every message, not a few
    missed = {site: text for site, text in sites.items() if site not in reached}
    listed = {
        site: text
        for site, text in missed.items()
        if any(site[0] == name and words in text for name, words in UNREACHABLE)
    }
    assert missed == listed, {s: t for s, t in missed.items() if s not in listed}
    assert len(listed) == len(UNREACHABLE)


@pytest.mark.parametrize("key", UNREACHABLE, ids=[words for _, words in UNREACHABLE])
def test_the_unreachable_raises_read_korean_too(key: tuple[str, str]) -> None:
    with pytest.raises(GwangyangError) as caught:
        UNREACHABLE[key]()
    english = f"{FILE}: {caught.value}"
    translated = i18n.phrase(english, "ko")
    assert translated != english and translated.startswith(f"{FILE}: "), translated
    assert not [w for w in ENGLISH if w in translated.replace(FILE, "")], translated


def test_the_page_s_script_reads_them_as_the_server() -> None:
    lines = [refusal(files, tail) for files, tail, _ in [*CASES, SOL_CASE]]
    phrased = page_phrases(lines)
    assert phrased == [refusal(files, expected) for files, _, expected in [*CASES, SOL_CASE]]
