"""Fast-charging policy names: the constant-current steps up to 80 % state of charge, and their average rate.

The ``charging`` feature set reads a cell's policy from ``cells.csv`` (column ``policy``). The notations read:

* ``C1(Q1%)-C2`` (Severson et al. 2019): C1 up to Q1 % state of charge, then C2 up to 80 %; any number of
  steps, each but the last with its end, ``C1(Q1%)-C2(Q2%)-C3``;
* ``C1-QPER_C2`` with underscores (or points) for decimal points, the same two steps as the Severson data's
  file names write them (``3_6C-80PER_3_6C``);
* ``C`` alone (``4.8C``): one constant rate up to 80 %;
* four rates without ends, ``C1-C2-C3-C4`` (Attia et al. 2020, Nature 578:397, Methods: four constant-current
  steps over 0–20, 20–40, 40–60 and 60–80 % state of charge, then 1C CC–CV).

Words after the steps, separated by a space, a ``-`` or a ``_`` (a note such as ``newstructure``:
``3.6C(80%)-3.6C newstructure``, ``3.6C(80%)-3.6C-newstructure``, ``3_6C-80PER_3_6C_newstructure``), do not change the rates:
they are kept in :attr:`ChargingPolicy.ignored` and reported by the callers as a warning, never dropped
silently. Anything else is refused with a one-line :class:`~gwangyang.errors.InputError` naming the cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from ..errors import InputError

CHARGE_TO_SOC = 0.8
"""State of charge the fast-charging policies of Severson et al. 2019 and Attia et al. 2020 end at (then 1C CC-CV)."""

ATTIA_STEPS = 4
"""Steps of an Attia et al. 2020 policy written as rates only: equal windows of 20 % up to 80 %."""

_STEP_TEXT = r"(\d+(?:\.\d+)?)\s*[cC](?:\s*\(\s*(\d+(?:\.\d+)?)\s*%\s*\))?"
_STEP = re.compile(_STEP_TEXT)
_STEPS = re.compile(rf"({_STEP_TEXT}(?:\s*-\s*{_STEP_TEXT})*)(?:\s+(.*))?", re.DOTALL)
_PER = re.compile(r"^(\d+(?:[_.]\d+)?)C-(\d+(?:[_.]\d+)?)PER_(\d+(?:[_.]\d+)?)C$", re.IGNORECASE)
_PER_NOTE = re.compile(r"^(.*?PER_\d+(?:[_.]\d+)?C)_([^\W\d_].*)$", re.IGNORECASE)
_JOINED_NOTE = re.compile(r"^(.*?\d[cC](?:\s*\([^)]*\))?)\s*[-_]\s*([^\W\d_].*)$", re.DOTALL)
"""A note joined to the last step by ``-`` or ``_`` (``3.6C(80%)-3.6C-newstructure``), as file names write it."""

EXAMPLE = "5.4C(40%)-3.6C"
"""The example the refusal messages give."""


@dataclass(frozen=True)
class ChargingPolicy:
    """A policy's constant-current steps up to :data:`CHARGE_TO_SOC`.

    Attributes
    ----------
    steps
        ``(rate in C, state of charge the step ends at, 0–1)`` per step, in order; the last ends at 0.8.
    ignored
        Text after the steps that was not read (empty when none).
    """

    steps: tuple[tuple[float, float], ...]
    ignored: str = ""

    @property
    def average_rate(self) -> float:
        """Average C-rate from 0 to 80 %: 0.8 divided by the hours the steps take."""
        hours, start = 0.0, 0.0
        for rate, end in self.steps:
            stop = min(end, CHARGE_TO_SOC)
            hours += max(stop - start, 0.0) / rate
            start = max(start, stop)
        return CHARGE_TO_SOC / hours


def _refuse(cell: str, policy: str, why: str) -> InputError:
    return InputError(f"{cell}: charging policy {policy!r} {why} (expected e.g. '{EXAMPLE}').")


def parse_policy(policy: str, cell: str = "cell") -> ChargingPolicy:
    """Read a policy name in one of the notations of the module docstring.

    Parameters
    ----------
    policy
        The name, e.g. ``5.4C(40%)-3.6C``.
    cell
        The cell it belongs to, for the messages.

    Returns
    -------
    ChargingPolicy

    Raises
    ------
    InputError
        A name in no known notation, a zero rate, or switch points that are not increasing within 0–100 %.
    """
    original = text = str(policy).strip()
    first_word, _, rest = text.partition(" ")
    noted = _PER_NOTE.fullmatch(first_word)
    if noted is not None and _PER.fullmatch(noted.group(1)):
        first_word, rest = noted.group(1), f"{noted.group(2)} {rest}".strip()
    per = _PER.fullmatch(first_word)
    if per is not None:
        first, switch, second = (float(g.replace("_", ".")) for g in per.groups())
        text = f"{first}C({switch}%)-{second}C {rest}".strip()
    whole = _STEPS.fullmatch(text)
    joined = _JOINED_NOTE.fullmatch(text) if whole is None else None
    if joined is not None and _STEPS.fullmatch(joined.group(1)):
        text = f"{joined.group(1)} {joined.group(2)}"
        whole = _STEPS.fullmatch(text)
    if whole is None:
        raise _refuse(cell, original, "is not a sequence of steps like C1(Q1%)-C2")
    parts = whole.group(1).split("-")
    tail = whole.group(whole.re.groups) or ""
    matches = [_STEP.fullmatch(p.strip()) for p in parts]
    rates = [float(m.group(1)) for m in matches if m is not None]
    ends = [m.group(2) for m in matches if m is not None]
    if any(r <= 0 for r in rates):
        raise _refuse(cell, original, "has a zero rate")
    if ends[-1] is not None and float(ends[-1]) != 100 * CHARGE_TO_SOC:
        raise _refuse(cell, original, "ends its last step short of or past 80 %; the last step runs to 80 %")
    if len(parts) > 1 and all(e is None for e in ends):
        if len(parts) != ATTIA_STEPS:
            raise _refuse(
                cell,
                original,
                f"lists {len(parts)} rates without their ends; only {ATTIA_STEPS} (20 % each) are read",
            )
        window = CHARGE_TO_SOC / ATTIA_STEPS
        socs = [window * (k + 1) for k in range(ATTIA_STEPS)]
    elif any(e is None for e in ends[:-1]):
        raise _refuse(cell, original, "leaves out the end of a step before the last")
    else:
        switches = [float(e) / 100.0 for e in ends[:-1] if e is not None]
        if any(not 0 <= s <= 1 for s in switches) or any(b < a for a, b in pairwise(switches)):
            raise _refuse(cell, original, "has switch points that are not increasing within 0–100 %")
        socs = [*switches, CHARGE_TO_SOC]
    return ChargingPolicy(tuple(zip(rates, socs, strict=True)), tail.strip())


def average_charge_rate(policy: str, cell: str = "cell") -> float:
    """Average C-rate from 0 to 80 % state of charge of a policy (:func:`parse_policy`).

    Two steps C1 to Q1 then C2 to 80 % take Q1/C1 + (0.8 − Q1)/C2 hours, and the average rate is 0.8
    divided by that (``5.4C(40%)-3.6C``: 0.8 / (0.4/5.4 + 0.4/3.6) = 4.32C).
    """
    return parse_policy(policy, cell).average_rate


def policy_notes(cells: Iterable[Any]) -> dict[int, str]:
    """Warnings for text after a policy's steps that was not read: cell index → message.

    ``cells`` are objects with ``cell`` (name) and ``policy`` (name or None), e.g.
    :class:`~gwangyang.battery.features_curves.CellCurves`; cells without a policy or with nothing ignored are left out.
    """
    out: dict[int, str] = {}
    for k, cell in enumerate(cells):
        policy = getattr(cell, "policy", None)
        if policy is None:
            continue
        ignored = parse_policy(policy, cell.cell).ignored
        if ignored:
            out[k] = (
                f"{cell.cell}: charging policy {policy!r}: {ignored!r} after the steps is not read "
                "(the rates come from the steps)"
            )
    return out
