"""Vehicle type names: two types of one name are refused in every form of problem file, Korean names included.

A type's name is how a result, an export and a shipment's vehicle lists know it. Before, two types of one name
were refused only where a shipment's ``allowed_vehicles`` / ``forbidden_vehicles`` named it: with per-type order
lists (``allowed_sites``, ``forbidden_orders``) the problem was solved and its routes labelled with one name, so a
route of the unrestricted type serving an order the restricted one may not serve read as the restricted type's.
Names are compared in Unicode NFC without surrounding white space (:mod:`gwangyang.logistics.type_names`): the
NFD form of a Hangul name (conjoining jamo, as macOS writes file names) is the same name.
"""

from __future__ import annotations

import json
import tomllib
import unicodedata
from pathlib import Path

import pytest

from gwangyang.cli.main import main
from gwangyang.errors import InputError
from gwangyang.logistics.problem import RoutingProblem

from .test_shipment_vehicles import PROBLEM as SHIPMENTS
from .test_vehicle_clients import PROBLEM as ORDER_LISTS

NFD = unicodedata.normalize("NFD", "카고트럭")


def write(folder: Path, text: str, name: str = "배차 계획.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_nfd_hangul_is_another_string_but_the_same_name() -> None:
    # The premise: the two forms differ as strings (so a plain comparison let them through) and are one name.
    # 카 고 트: two jamo each, 럭: three (ㄹ ㅓ ㄱ)
    assert NFD != "카고트럭" and len(NFD) == 9 and len("카고트럭") == 4
    assert unicodedata.normalize("NFC", NFD) == "카고트럭"


@pytest.mark.parametrize(
    ("written", "suffix"),
    [
        ("탱크로리", " (each type needs a name of its own)"),
        (
            "탱크로리 ",
            ", written '탱크로리', '탱크로리 ' (each type needs a name of its own: names are compared without "
            "surrounding spaces and in Unicode NFC, so decomposed Hangul is the same name)",
        ),
    ],
)
def test_types_with_order_lists_sharing_a_name_are_refused(tmp_path: Path, written: str, suffix: str) -> None:
    # The order-list form (test_vehicle_clients): 탱크로리 may serve two sites and never O2; 카고트럭 renamed
    # 탱크로리 would serve O2 on a route labelled 탱크로리.
    text = ORDER_LISTS.replace('name = "카고트럭"', f'name = "{written}"')
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        RoutingProblem.from_file(path)
    assert (
        str(caught.value)
        == f"{path}: vehicles[0], vehicles[1]: vehicle type name '탱크로리' is used by 2 types" + suffix
    )


def test_nfd_and_nfc_forms_of_one_name_are_refused_in_json(tmp_path: Path) -> None:
    data = tomllib.loads(SHIPMENTS)
    data["vehicles"][0]["name"] = "카고트럭"
    data["vehicles"][1]["name"] = NFD
    data["shipments"][0]["allowed_vehicles"] = ["카고트럭"]
    data["vehicles"].append({**data["vehicles"][0], "name": "덤프트럭"})
    path = write(tmp_path, json.dumps(data, ensure_ascii=False), "배차.json")
    with pytest.raises(InputError) as caught:
        RoutingProblem.from_file(path)
    assert str(caught.value) == (
        f"{path}: vehicles[0], vehicles[1]: vehicle type name '카고트럭' is used by 2 types, written '카고트럭', "
        f"{NFD!r} (each type needs a name of its own: names are compared without surrounding spaces and in "
        "Unicode NFC, so decomposed Hangul is the same name)"
    )


def test_three_types_of_one_name_without_any_list(tmp_path: Path) -> None:
    # No list names a type at all: the result would still label three kinds of route alike.
    data = tomllib.loads(ORDER_LISTS)
    for v in data["vehicles"]:
        for key in ("allowed_sites", "forbidden_orders"):
            v.pop(key, None)
    data["vehicles"] = [{**data["vehicles"][k % 2], "name": "트럭"} for k in range(3)]
    with pytest.raises(InputError) as caught:
        RoutingProblem.from_dict(data)
    assert str(caught.value).startswith(
        "vehicles[0], vehicles[1], vehicles[2]: vehicle type name '트럭' is used by 3 types"
    )


def test_a_blank_type_name_is_refused() -> None:
    data = tomllib.loads(ORDER_LISTS)
    data["vehicles"][1]["name"] = "  "
    with pytest.raises(InputError) as caught:
        RoutingProblem.from_dict(data)
    assert str(caught.value) == "vehicles[1]: vehicle type name is empty (got '  ')"


def test_a_shipment_list_names_a_type_in_any_form_of_its_name(tmp_path: Path) -> None:
    # 원거리트럭 written NFD and with a trailing space in the shipments' lists: the same problem as written NFC,
    # its lists holding the type's own name (so may_carry, the profiles and the result are those of the NFC file,
    # whose optimum test_shipment_vehicles checks by brute force).
    nfd = unicodedata.normalize("NFD", "원거리트럭")
    text = SHIPMENTS.replace('allowed_vehicles = ["원거리트럭"]', f'allowed_vehicles = ["{nfd}"]')
    text = text.replace('forbidden_vehicles = ["원거리트럭"]', 'forbidden_vehicles = ["원거리트럭 "]')
    assert text != SHIPMENTS
    written = RoutingProblem.from_file(write(tmp_path, text))
    plain = RoutingProblem.from_file(write(tmp_path, SHIPMENTS, "plain.toml"))
    assert written.shipments[0].allowed_vehicles == ("원거리트럭",)
    assert written.shipments[3].forbidden_vehicles == ("원거리트럭",)
    assert written == plain
    a, b = written.to_instance(), plain.to_instance()
    assert a.vehicles == b.vehicles and a.vehicles[1].allowed_clients != a.vehicles[0].allowed_clients


def test_a_shipment_list_naming_one_type_twice_in_two_forms() -> None:
    data = tomllib.loads(SHIPMENTS)
    data["shipments"][0]["allowed_vehicles"] = ["원거리트럭", "원거리트럭 "]
    with pytest.raises(InputError) as caught:
        RoutingProblem.from_dict(data)
    assert str(caught.value) == (
        "shipment 화물1: allowed_vehicles: '원거리트럭 ' names vehicle type '원거리트럭' again"
    )


def test_cli_refuses_it_in_one_line_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, ORDER_LISTS.replace('name = "카고트럭"', 'name = "탱크로리"'))
    assert main(["routes", "solve", str(path), "--time-limit", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith(
        f"{path}: vehicles[0], vehicles[1]: vehicle type name '탱크로리' is used by 2 types (each type needs a "
        "name of its own)"
    )
    assert "\n" not in err
