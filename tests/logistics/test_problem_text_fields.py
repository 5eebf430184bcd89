"""A problem file's text fields follow one rule, in TOML and in JSON: no value is quietly turned into text.

An identifier (a site, order or shipment id, a site reference, an order's ``group``, an appointment, the items of
a vehicle type's order and shipment lists) is non-empty text or a whole number, kept as its decimal text
(``id = 7`` is ``"7"``, so ``site = 7`` and ``site = "7"`` name one site). A float (``7.5``, ``7.0``), a boolean,
a table or an array is refused in one line naming the file, the row and the field. Every other text field (names,
``kind``, ``cargo``, the settings' labels and file names) must be a string. Each problem is written here as TOML
(by a small writer checked against ``tomllib``) and as JSON, with Korean names.
"""

from __future__ import annotations

import copy
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from gwangyang.errors import InputError
from gwangyang.logistics.problem import RoutingProblem

BASE: dict[str, Any] = {
    "name": "광양 하루 배차",
    "settings": {"dimensions": ["톤"]},
    "sites": [
        {"id": "광양항", "name": "광양항 터미널", "kind": "depot", "latitude": 34.90, "longitude": 127.70},
        {"id": "S1", "name": "포스코 광양제철소", "latitude": 34.93, "longitude": 127.74},
        {"id": "S2", "name": "율촌 산단", "latitude": 34.88, "longitude": 127.60},
    ],
    "vehicles": [
        {"name": "탱크로리", "count": 1, "capacity": 15, "start_depot": "광양항", "end_depot": "광양항"},
        {"name": "카고트럭", "count": 2, "capacity": 20, "start_depot": "광양항"},
    ],
    "orders": [
        {"id": "산소-1", "site": "S1", "quantity": 6, "group": "가"},
        {"id": "O2", "site": "S2", "quantity": 4, "group": "가"},
    ],
    "shipments": [{"id": "화물1", "pickup": "S1", "delivery": "S2", "quantity": 3, "cargo": "철강"}],
}
"""A valid day: two orders of one group and a shipment (Korean ids and names)."""


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    return repr(value)


def to_toml(data: dict[str, Any]) -> str:
    """``data`` as TOML: plain keys first, then ``[table]`` and ``[[array of tables]]`` sections."""
    lines = [
        f"{k} = {toml_value(v)}"
        for k, v in data.items()
        if not isinstance(v, dict) and not (isinstance(v, list) and v and isinstance(v[0], dict))
    ]
    for key, value in data.items():
        if isinstance(value, dict):
            lines += [f"[{key}]", *(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items())]
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for row in value:
                lines += [f"[[{key}]]", *(f"{json.dumps(k)} = {toml_value(v)}" for k, v in row.items())]
    text = "\n".join(lines) + "\n"
    assert tomllib.loads(text) == data  # the writer checked against the standard library's reader
    return text


def write(tmp_path: Path, data: dict[str, Any], fmt: str) -> Path:
    path = tmp_path / f"배차 계획.{fmt}"
    text = to_toml(data) if fmt == "toml" else json.dumps(data, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def changed(path: str, value: Any) -> dict[str, Any]:
    """:data:`BASE` with the field at ``path`` (``"orders.1.id"``, ``"name"``) set to ``value``."""
    data = copy.deepcopy(BASE)
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if part.isdigit() else node.setdefault(part, {})
    node[int(last) if last.isdigit() else last] = value
    return data


FORMATS = ("toml", "json")

ID_FIELDS = (
    ("sites.1.id", "sites[1].id"),
    ("orders.1.id", "orders[1].id"),
    ("orders.0.site", "orders[0].site"),
    ("orders.0.group", "orders[0].group"),
    ("vehicles.0.start_depot", "vehicles[0].start_depot"),
    ("vehicles.0.end_depot", "vehicles[0].end_depot"),
    ("shipments.0.id", "shipments[0].id"),
    ("shipments.0.pickup", "shipments[0].pickup"),
    ("shipments.0.delivery", "shipments[0].delivery"),
    ("vehicles.1.allowed_orders", "vehicles[1].allowed_orders[0]"),  # set to [value]
    ("vehicles.1.forbidden_sites", "vehicles[1].forbidden_sites[0]"),
    ("vehicles.1.allowed_shipments", "vehicles[1].allowed_shipments[0]"),
)
"""Identifier fields (the path set, the field the refusal names); the lists get the value as their only item."""

NOT_IDS = (
    (7.5, "7.5"),
    (7.0, "7.0"),
    (True, "true"),  # as TOML and JSON write it, not Python's True
    ({"번호": 7}, "{'번호': 7}"),
    ([7], "[7]"),
    ("", "''"),
    ("  ", "'  '"),
)
"""Values no identifier may be, and how the refusal shows them."""

TEXT_FIELDS = (
    ("name", "name"),
    ("sites.1.name", "sites[1].name"),
    ("sites.0.kind", "sites[0].kind"),
    ("vehicles.1.name", "vehicles[1].name"),
    ("shipments.0.cargo", "shipments[0].cargo"),
    ("settings.currency", "settings.currency"),
    ("settings.note", "settings.note"),
)
"""Text fields that only a string may fill."""

NOT_TEXT = ((5, "5"), (7.5, "7.5"), (False, "false"), ({"이름": "가"}, "{'이름': '가'}"), (["가"], "['가']"))


def refusal(tmp_path: Path, data: dict[str, Any], fmt: str) -> str:
    path = write(tmp_path, data, fmt)
    with pytest.raises(InputError) as caught:
        RoutingProblem.from_file(path)
    message = str(caught.value)
    assert "\n" not in message
    return message.replace(f"{tmp_path}/", "")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("path", "field"), ID_FIELDS, ids=[f for _, f in ID_FIELDS])
@pytest.mark.parametrize(("value", "shown"), NOT_IDS, ids=[s for _, s in NOT_IDS])
def test_an_id_field_refuses_what_is_not_text_or_a_whole_number(
    tmp_path: Path, fmt: str, path: str, field: str, value: Any, shown: str
) -> None:
    listed = field.endswith("[0]")
    data = changed(path, [value] if listed else value)
    assert refusal(tmp_path, data, fmt) == (
        f"배차 계획.{fmt}: {field}: expected non-empty text or a whole number, got {shown}"
    )


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("path", "field"), TEXT_FIELDS, ids=[f for _, f in TEXT_FIELDS])
@pytest.mark.parametrize(("value", "shown"), NOT_TEXT, ids=[s for _, s in NOT_TEXT])
def test_a_text_field_takes_only_a_string(
    tmp_path: Path, fmt: str, path: str, field: str, value: Any, shown: str
) -> None:
    assert (
        refusal(tmp_path, changed(path, value), fmt)
        == f"배차 계획.{fmt}: {field}: expected a string, got {shown}"
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_list_of_ids_must_be_a_list_and_a_name_list_names(tmp_path: Path, fmt: str) -> None:
    assert refusal(tmp_path, changed("vehicles.1.allowed_orders", 7), fmt) == (
        f"배차 계획.{fmt}: vehicles[1].allowed_orders: expected a list (each item text or a whole number), got 7"
    )
    # a vehicle type is named by its name, never by a number
    assert refusal(tmp_path, changed("shipments.0.allowed_vehicles", [1]), fmt) == (
        f"배차 계획.{fmt}: shipments[0].allowed_vehicles: expected a list of names (non-empty strings), got [1]"
    )
    # 7 and "7" are one id: listed twice
    data = changed("orders.1.id", 7)
    data["vehicles"][1]["allowed_orders"] = [7, "7"]
    assert refusal(tmp_path, data, fmt) == f"배차 계획.{fmt}: vehicles[1].allowed_orders: '7' is listed twice"


@pytest.mark.parametrize("fmt", FORMATS)
def test_whole_numbers_are_ids_kept_as_their_decimal_text(tmp_path: Path, fmt: str) -> None:
    data = copy.deepcopy(BASE)
    data["sites"][0]["id"] = 1  # the depot
    data["sites"][1]["id"] = 7
    data["sites"][2]["id"] = 20260107  # an id column of dates, as a spreadsheet writes it
    data["vehicles"][0] |= {"start_depot": 1, "end_depot": "1", "forbidden_orders": [8]}
    data["vehicles"][1] |= {"start_depot": "1", "allowed_sites": [7, "율촌 산단"], "allowed_shipments": [-3]}
    data["orders"][0] |= {"id": 8, "site": "7", "group": 3}
    data["orders"][1] |= {"id": "O2", "site": 20260107, "group": "3"}
    data["shipments"][0] |= {"id": -3, "pickup": 7, "delivery": "20260107"}
    problem = RoutingProblem.from_file(write(tmp_path, data, fmt))
    assert [s.id for s in problem.sites] == ["1", "7", "20260107"]
    assert [(o.id, o.site, o.group) for o in problem.orders] == [("8", "7", "3"), ("O2", "20260107", "3")]
    assert [(v.start_depot, v.end_depot) for v in problem.vehicles] == [("1", "1"), ("1", "1")]
    assert problem.vehicles[0].forbidden_orders == ("8",)
    assert problem.vehicles[1].allowed_sites == ("7", "20260107")  # the name 율촌 산단 resolved to its id
    assert problem.vehicles[1].allowed_shipments == ("-3",)
    assert [(s.id, s.pickup, s.delivery) for s in problem.shipments] == [("-3", "7", "20260107")]
    # the one group of two orders: "3" and 3 are one group name
    assert [len(g) for g in problem.to_instance().groups] == [2]
    # and an id written both ways is one id, refused twice
    data["sites"][2]["id"] = "7"
    assert refusal(tmp_path, data, fmt) == f"배차 계획.{fmt}: sites: duplicate id '7'"


def test_a_gate_appointment_is_an_id(tmp_path: Path) -> None:
    (tmp_path / "예약.csv").write_text("id,start,end\n7,08:00,09:00\n", encoding="utf-8")
    data = copy.deepcopy(BASE)
    data["appointments"] = {"file": "예약.csv"}
    data["shipments"][0] |= {"appointment": 7}
    problem = RoutingProblem.from_file(write(tmp_path, data, "toml"))
    assert problem.shipments[0].delivery_window == (480.0, 540.0)
    data["shipments"][0]["appointment"] = 7.0
    assert refusal(tmp_path, data, "json") == (
        "배차 계획.json: shipments[0].appointment: expected non-empty text or a whole number, got 7.0"
    )
    data["appointments"] = {"file": 7}
    assert refusal(tmp_path, data, "toml") == "배차 계획.toml: appointments.file: expected a string, got 7"
