"""Neware BTSDA exports written by a Chinese-language install: their column names in English.

BTSDA names its columns in the language it runs in. The same three-level export (:mod:`.neware_bts`) and
record table (:mod:`.neware_record`) then start ``循环号,充电容量(mAh),...`` / ``,工步号,工步序号,工步类型,...``
/ ``,,数据序号,时间,总时间,电流(mA),电压(V),...`` (BTSDA 8) or ``循环序号`` / ``工步序号`` / ``记录序号,
相对时间(h:min:s.ms),...,绝对时间`` (BTSDA 7), and the step type is written ``恒流充电``, ``恒流放电``, ``静置``.
The names below are those open-source readers of such exports take (cellpy's and BEEP's Neware column maps
give the English ones; Chinese analysis scripts of BTSDA exports the Chinese ones). Each Chinese name is
brought to the English name it stands for, its unit kept (full-width brackets made plain), so the
readers apply the same units, conventions and checks to both. A Chinese column not named here keeps its
name and is reported by the reader as an unknown column, as an English one is.

Chinese Windows writes such exports in GBK: :func:`header_lines` reads a head that is not UTF-8 as GB18030
(a superset of GBK) when its header then holds Chinese column names known here.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ...errors import CorruptFileError
from ...written import as_written
from .base import head_text, looks_binary

CYCLE_NAMES = {
    "循环号": "Cycle Index",
    "循环": "Cycle Index",
    "循环序号": "Cycle ID",
    "充电容量": "Chg. Cap.",
    "放电容量": "DChg. Cap.",
    "充放电效率": "Chg.-DChg. Eff",
    "充电能量": "Chg. Energy",
    "放电能量": "DChg. Energy",
    "充电时间": "Chg. Time",
    "放电时间": "DChg. Time",
}
"""Cycle level (the first header line of the three-level export)."""
STEP_NAMES = {
    "工步号": "Step Index",
    "工步序号": "Step Number",
    "步次": "Step Index",
    "工步类型": "Step Type",
    "工步状态": "Step Type",
    "状态": "Step Type",
    "工步时间": "Step Time",
    "容量": "Capacity",
    "能量": "Energy",
    "起始电压": "Oneset Volt.",
    "结束电压": "End Voltage",
}
"""Step level. ``工步号`` is the schedule's step (``Step Index``), ``工步序号`` the running count of steps
(``Step Number``); an export with only one of them has it first, where the reader takes the step index."""
RECORD_NAMES = {
    "数据序号": "DataPoint",
    "记录序号": "DataPoint",
    "数据点": "DataPoint",
    "时间": "Time",
    "相对时间": "Time",
    "工步时间": "Step Time",
    "总时间": "Total Time",
    "累计时间": "Total Time",
    "测试时间": "Total Time",
    "电流": "Current",
    "电压": "Voltage",
    "容量": "Capacity",
    "比容量": "Spec. Cap.",
    "充电容量": "Chg. Cap.",
    "放电容量": "DChg. Cap.",
    "充电比容量": "Chg. Spec. Cap.",
    "放电比容量": "DChg. Spec. Cap.",
    "能量": "Energy",
    "比能量": "Spec. Energy",
    "充电能量": "Chg. Energy",
    "放电能量": "DChg. Energy",
    "充电比能量": "Chg. Spec. Energy",
    "放电比能量": "DChg. Spec. Energy",
    "绝对时间": "Date",
    "系统时间": "Date",
    "日期": "Date",
    "功率": "Power",
    "温度": "Temperature",
    "跳转": "JumpTo",
}
"""Record level (the three-level export's third line; the record table's names with :data:`FLAT_NAMES`)."""
FLAT_NAMES = {
    **RECORD_NAMES,
    "循环号": "Cycle Index",
    "循环序号": "Cycle Index",
    "循环": "Cycle Index",
    "工步号": "Step Index",
    "步次": "Step Index",
    "工步序号": "Step Number",
    "工步类型": "Step Type",
    "工步状态": "Step Type",
    "状态": "Step Type",
}
"""The record table alone: every record names its cycle, step and step type."""
STEP_TYPES = {
    "恒流充电": "CC Chg",
    "恒流放电": "CC DChg",
    "恒压充电": "CV Chg",
    "恒压放电": "CV DChg",
    "恒流恒压充电": "CCCV Chg",
    "恒流恒压放电": "CCCV DChg",
    "恒功率充电": "CP Chg",
    "恒功率放电": "CP DChg",
    "恒阻放电": "CR DChg",
    "恒功率恒压充电": "CPCV Chg",
    "恒功率恒压放电": "CPCV DChg",
    "静置": "Rest",
    "搁置": "Rest",
}
"""Step types as BTSDA writes them in Chinese, and in English. Another name holding ``放电`` (discharge) or
``充电`` (charge) is taken as such (:func:`english_step_types`); any other (``脉冲``, pulse) goes by the sign
of its current, as an English step type the reader does not know."""

_UNIT = re.compile(r"^(?P<base>[^(]+?)\s*\((?P<unit>[^)]*)\)\s*$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_WIDE = str.maketrans({"（": "(", "）": ")", "，": ","})


def translate(names: list[str], table: dict[str, str]) -> list[str]:
    """Header names with each Chinese name of ``table`` in English, its unit kept.

    ``工步序号`` is the step index where no ``工步号`` is in the same header (:data:`FLAT_NAMES`).
    """
    out = []
    bases = {_split(n.translate(_WIDE))[0] for n in names}
    for name in names:
        base, unit = _split(name.translate(_WIDE))
        english = table.get(base)
        if english == "Step Number" and "工步号" not in bases and "步次" not in bases and table is FLAT_NAMES:
            english = "Step Index"
        if english is None:
            out.append(name)
        else:
            out.append(english if unit is None else f"{english}({unit})")
    return out


def check_unique(english: list[str], written: list[str], path: Path, line: int) -> None:
    """Refuse a header whose Chinese names stand for one column twice (``时间`` and ``相对时间``: ``Time``).

    Raises
    ------
    CorruptFileError
        Naming the file, the header line and both names as written.
    """
    seen: dict[str, str] = {}
    for name, shown in zip(english, written, strict=False):
        if not name:
            continue
        if name in seen and seen[name] != shown:
            raise CorruptFileError(
                f"{path}: Neware header line {line}: {as_written(seen[name], None)} and {as_written(shown, None)} both stand for the column "
                f"{name!r}; one of them is expected."
            )
        seen.setdefault(name, shown)


def _split(name: str) -> tuple[str, str | None]:
    match = _UNIT.match(name.strip())
    if match is None:
        return name.strip(), None
    return match.group("base").strip(), match.group("unit").strip()


def is_chinese(text: str) -> bool:
    """True when a header line holds a CJK character."""
    return _CJK.search(text) is not None


def header_lines(head: bytes, count: int) -> tuple[list[str], str | None]:
    """A text file's first ``count`` lines, and the encoding to declare for it (None: the sniffed one).

    A head that UTF-8 does not read and whose first lines read in GB18030 to known Chinese column names
    is GBK (Chinese Windows): ``"gb18030"``. The lines are decoded whole (the head may be cut inside a
    character further on).
    """
    if looks_binary(head):
        return [], None
    raw = head.splitlines()[:count]
    try:
        return [line.decode("utf-8").lstrip("\ufeff") for line in raw], None
    except UnicodeDecodeError:
        pass
    try:
        lines = [line.decode("gb18030") for line in raw]
    except UnicodeDecodeError:
        lines = []
    known = {*CYCLE_NAMES, *STEP_NAMES, *FLAT_NAMES}
    names = {_split(n.strip().strip('"').translate(_WIDE))[0] for line in lines for n in line.split(",")}
    if names & known:
        return lines, "gb18030"
    return head_text(head).lstrip("\ufeff").splitlines()[:count], None


def english_step_types(values: np.ndarray) -> np.ndarray:
    """Step types with the Chinese ones in English (:data:`STEP_TYPES`; others holding 放电/充电 as CC ones)."""
    out = values.astype(object).copy()
    for position, value in enumerate(out):
        text = str(value).strip()
        if text in STEP_TYPES:
            out[position] = STEP_TYPES[text]
        elif "放电" in text:
            out[position] = "DChg"
        elif "充电" in text:
            out[position] = "Chg"
    return out.astype(str)
