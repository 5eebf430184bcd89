"""Neware BTSDA's record table alone: one header line, one row per record (the "record" sheet as CSV).

BTSDA 8 writes, besides the three-level export of :mod:`.neware_bts`, the record level as a flat table,
the layout cellpy's ``neware_txt`` loader and PyProBE's ``Neware`` reader take::

    DataPoint,Cycle Index,Step Index,Step Type,Time,Total Time,Current(A),Voltage(V),Capacity(Ah),
    Chg. Cap.(Ah),DChg. Cap.(Ah),Energy(Wh),Chg. Energy(Wh),DChg. Energy(Wh),Date,Power(W),...

Conventions, as in the three-level export: the current is signed (negative on discharge); ``Chg. Cap.``,
``DChg. Cap.`` and the energies restart at every step (cellpy's loader sums them within each cycle, as
done here); ``Total Time`` (``Cumulative Time`` in some versions) is ``H:MM:SS[.f]`` with hours past
24, or a number of seconds; ``Time`` is the time within the step. A table without ``Total Time`` (BTS 7.6's
``Detail`` sheet: ``Record Index,Status,JumpTo,Cycle,Step,Cur(mA),...,Relative Time(h:min:s.ms),Absolute Time``,
or in Chinese) has its test time built from the steps' times and the absolute time (:mod:`.neware_steptime`); its
``JumpTo`` (``跳转``, the step jumped to) is known and not stored (:data:`_KNOWN`).
Units come from each header's brackets (A, mA, µA; V, mV; Ah, mAh, µAh; Wh, mWh, µWh): a used column in
any other unit (``Chg. Spec. Cap.(mAh/g)`` is a per-gram column, read by no one) is refused in one line. Without
``Chg. Cap.``/``DChg. Cap.``, the single ``Capacity`` column is split by the sign of each step's current.
Columns neither read nor known are named in an ``unknown_column`` warning.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from ...errors import CorruptFileError
from ...written import as_written
from .. import schema as s
from ..schema import CyclerData
from .base import Reader, safe_cell_id
from .column_map import ColumnMap
from .generic import read_mapped
from .neware_steptime import BTS7_NAMES, STEP_CLOCKS, StepClock
from .neware_zh import FLAT_NAMES, check_unique, header_lines, translate

_UNIT = re.compile(r"^(?P<base>[^(]+?)\s*\((?P<unit>[^)]*)\)\s*$")
_MICRO = ("u", "\u00b5", "\u03bc")
_FACTORS: dict[str, dict[str, float]] = {
    "A": {"A": 1.0, "mA": 1e-3, **{f"{m}A": 1e-6 for m in _MICRO}},
    "V": {"V": 1.0, "mV": 1e-3},
    "Ah": {"Ah": 1.0, "mAh": 1e-3, **{f"{m}Ah": 1e-6 for m in _MICRO}},
    "Wh": {"Wh": 1.0, "mWh": 1e-3, **{f"{m}Wh": 1e-6 for m in _MICRO}},
}
"""Per SI unit, the units BTSDA writes for it and their factors to it."""
_READ = {
    s.CURRENT: ("Current", "A"),
    s.VOLTAGE: ("Voltage", "V"),
    s.CHARGE_CAPACITY: ("Chg. Cap.", "Ah"),
    s.DISCHARGE_CAPACITY: ("DChg. Cap.", "Ah"),
    s.CHARGE_ENERGY: ("Chg. Energy", "Wh"),
    s.DISCHARGE_ENERGY: ("DChg. Energy", "Wh"),
    "capacity_ah": ("Capacity", "Ah"),
    "energy_wh": ("Energy", "Wh"),
}
"""Canonical column -> (BTSDA's name without unit, the SI unit it is brought to)."""
_TOTAL_TIME = ("Total Time", "Cumulative Time")
_KNOWN = re.compile(
    r"^(DataPoint|Step Type|Step Number|Time|Step Time|Relative Time|Power|Spec\. Cap\.|Chg\. Spec\. Cap\.|"
    r"DChg\. Spec\. Cap\.|Spec\. Energy|Chg\. Spec\. Energy|DChg\. Spec\. Energy|dQ/dV|dQm/dV|"
    r"Contact resistance|Module start-stop switch|[VT]\d+|Aux\..*|CPU\d*|Capacity Density|Min-T|Max-T|Avg-T|"
    r"DCIR|Temperature|JumpTo)\s*(\(.*\))?$"
)
"""Record columns BTSDA writes that the canonical table does not take (per-gram figures, power, aux channels).

``JumpTo`` (BTS 7.6's ``跳转``) is the step a record's step jumped to when it ended (its end condition's "go to
step"), a flag of the schedule's flow: where the channel went is read from the next records' ``Cycle``/``Step``,
so it is known and deliberately not stored."""
_MARKERS = ("DataPoint", "Cycle Index", "Step Index")


def _header(head: bytes) -> tuple[list[str], list[str], str | None] | None:
    """The record header's names as written and in English, and the encoding to declare.

    None when the file's first line is no record header (Chinese names and GBK: :mod:`.neware_zh`).
    """
    lines, declared = header_lines(head, 1)
    if not lines:
        return None
    written = [n.strip().strip('"') for n in lines[0].split(",")]
    names = translate(written, FLAT_NAMES)
    if not all(m in names for m in _MARKERS):  # BTS 7.6's English names (Record Index, Cycle, Step, ...)
        names = translate(names, BTS7_NAMES)
    if not all(m in names for m in _MARKERS):
        return None
    if not any(_base(n) == "Current" for n in names) or not any(_base(n) == "Voltage" for n in names):
        return None
    return written, names, declared


def _base(name: str) -> str:
    match = _UNIT.match(name)
    return match.group("base").strip() if match else name.strip()


def step_clock(names: list[str]) -> str | None:
    """The header name of the column holding the time within each step (``Time(h:min:s.ms)``), or None."""
    for base in STEP_CLOCKS:
        found = next((n for n in names if _base(n) == base), None)
        if found is not None:
            return found
    return None


def _source(
    names: list[str], base: str, si: str, path: Path, written: list[str] | None = None
) -> tuple[str, float] | None:
    """The header name of a column by its name without unit, and the factor that brings it to ``si``.

    ``written``: the header as the file has it, named in a refusal.
    """
    for position, name in enumerate(names):
        match = _UNIT.match(name)
        if match is None or match.group("base").strip() != base:
            continue
        unit = match.group("unit").strip()
        if unit not in _FACTORS[si]:
            shown = written[position] if written else name
            raise CorruptFileError(
                f"{path}: Neware record column {as_written(shown, None)}: unit {as_written(unit, None)} not known to this reader "
                f"(expected one of {', '.join(_FACTORS[si])})."
            )
        return name, _FACTORS[si][unit]
    return None


def column_map(
    names: list[str], path: Path, written: list[str] | None = None, encoding: str | None = None
) -> ColumnMap:
    """The column map that reads a record table with this header (units from its brackets).

    ``names`` are BTSDA's English names; ``written`` the header as the file has it (Chinese names,
    :mod:`.neware_zh`), one for one; ``encoding`` one to declare (GB18030), else sniffed.

    Raises
    ------
    CorruptFileError
        No total time, current or voltage column, or a used column in a unit not known.
    """
    columns: dict[str, dict[str, Any]] = {
        s.CYCLE: {"source": "Cycle Index"},
        s.STEP: {"source": "Step Index"},
    }
    total = next((n for n in _TOTAL_TIME if n in names), None)
    if total is None and step_clock(names) is None:
        raise CorruptFileError(
            f"{path}: Neware record table has no {' or '.join(repr(n) for n in _TOTAL_TIME)} column "
            "(the test time) and no 'Time' column (the time within each step) to build it from."
        )
    # without a total time, the cycle column holds the test time's place until StepClock builds it
    columns[s.TIME] = {"source": total, "format": "duration"} if total else {"source": "Cycle Index"}
    for canonical, (base, si) in _READ.items():
        found = _source(names, base, si, path, written)
        if found is not None:
            columns[canonical] = {"source": found[0], "scale": found[1]}
    if s.CURRENT not in columns or s.VOLTAGE not in columns:
        raise CorruptFileError(f"{path}: Neware record table has no Current(...) or no Voltage(...) column.")
    for split, pair in (
        ("capacity_ah", (s.CHARGE_CAPACITY, s.DISCHARGE_CAPACITY)),
        ("energy_wh", (s.CHARGE_ENERGY, s.DISCHARGE_ENERGY)),
    ):
        if all(p in columns for p in pair):
            columns.pop(split, None)
        else:
            for p in pair:
                columns.pop(p, None)
    for name in (
        s.CHARGE_CAPACITY,
        s.DISCHARGE_CAPACITY,
        s.CHARGE_ENERGY,
        s.DISCHARGE_ENERGY,
        "capacity_ah",
        "energy_wh",
    ):
        if name in columns:
            columns[name]["convention"] = "per_step"
    if "Date" in names:
        columns[s.DATE_TIME] = {
            "source": "Date",
            "format": "datetime",
            "datetime_format": ["%Y-%m-%d %H:%M:%S"],
        }
    temperature = next((n for n in names if re.fullmatch(r"T1\s*\(.*\)|T1", n)), None)
    if temperature is None:  # a Chinese export's 温度(℃)
        temperature = next((n for n in names if re.fullmatch(r"Temperature\s*\(.*\)", n)), None)
    if temperature is not None:
        columns[s.TEMPERATURE] = {"source": temperature}
    used = {spec["source"] for spec in columns.values()}
    known = [n for n in names if n not in used and _KNOWN.match(n)]
    known += [n for n in names if n not in used and _base(n) in ("Capacity", "Energy")]
    if written is not None:  # read by the names the file has
        as_written = dict(zip(names, written, strict=True))
        for spec in columns.values():
            spec["source"] = as_written[spec["source"]]
        known = [as_written[n] for n in known]
    return ColumnMap.from_dict(
        {
            "name": "neware",
            "file": {
                "delimiter": ",",
                "encoding": encoding or "auto",
                "known_columns": known or ["DataPoint"],
            },
            "options": {"allow_cycle_gaps": True},
            "columns": columns,
        },
        origin=f"{path.name} (Neware record table)",
    )


class NewareRecordCsvReader:
    """Neware BTSDA record table as a flat CSV (one header line starting ``DataPoint``)."""

    name = "neware"

    def can_load(self, path: Path, head: bytes) -> bool:
        """True when the first line names ``DataPoint``, ``Cycle Index``, ``Step Index``, a current and a voltage."""
        return _header(head) is not None

    def read(self, path: Path) -> CyclerData:
        """Read the record table into the canonical schema."""
        path = Path(path)
        with open(path, "rb") as handle:
            header = _header(handle.read(1 << 16))
        if header is None:
            raise CorruptFileError(
                f"{path}: no Neware record header (DataPoint, Cycle Index, Step Index, ...)."
            )
        written, names, declared = header
        check_unique(names, written, path, 1)
        cmap = column_map(names, path, written, declared)
        clock = None if any(n in names for n in _TOTAL_TIME) else step_clock(names)
        if clock is None:
            table = read_mapped(path, cmap)
        else:  # the time within each step only (BTS 7.6): the test time built from the steps
            as_written = dict(zip(names, written, strict=True))
            hook = StepClock(path, as_written[clock], as_written.get("Date"), declared)
            try:
                table = read_mapped(path, cmap, counters=hook)
            except CorruptFileError as exc:  # the cycle column stood in for the test time
                raise CorruptFileError(str(exc).replace("(test_time_s)", "(cycle_index)")) from None
            table.attrs[s.WARNINGS_ATTR] = [*table.attrs.get(s.WARNINGS_ATTR, []), *hook.notes]
        table = s.finalize(table, path)
        start = None
        if s.DATE_TIME in table.columns and table[s.DATE_TIME].notna().any():
            start = pd.Timestamp(table[s.DATE_TIME].dropna().iloc[0])
        return CyclerData(
            timeseries=table,
            vendor=self.name,
            source=path,
            cell_id=safe_cell_id(path.stem),
            start_time=start,
            extra={"format": "record_csv"},
        )


READERS: list[Reader] = [NewareRecordCsvReader()]
