"""Constant-current charging protocols of any number of steps over an explicit SOC window.

Attia's protocols (:class:`~gwangyang.battery.protocols.ChargingProtocol`) are four steps of 20 % SOC from 0 to
80 %. Others are written ``RATES@FROM-TO``: the steps' C-rates separated by ``-``, then ``@`` and the SOC window in
percent. Without widths the window is split equally (``6-5-4-3-2@0-80``: five steps of 16 %); ``RATExWIDTH`` gives a
step its own width in % SOC, and the widths must then add up to the window (``6x10-5x30-4x40@0-80``). A step of
width ``w`` (a fraction) at ``c`` C lasts ``60 w / c`` minutes; the charge starts at ``FROM``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from ..written import as_written
from .protocols import ChargingProtocol

MAX_C_RATE = 10.0
"""Highest C-rate of a step (Attia's grid stops at 8 C; a slip such as 48 for 4.8 is refused)."""
MAX_STEPS = 20
"""Most steps a protocol may have."""
WIDTH_TOLERANCE = 1e-6
"""Percent SOC within which the steps' widths must add up to the window."""
SHAPE = (
    "'RATES@FROM-TO' in C and % SOC, e.g. 6-5-4-3-2@0-80 (equal steps) or 6x10-5x30-4x40@0-80 "
    "(RATExWIDTH: widths adding up to the window)"
)
"""The accepted shape, as messages name it."""


@dataclass(frozen=True)
class StepProtocol:
    """Constant-current steps over a SOC window.

    Attributes
    ----------
    rates
        C-rate of each step.
    widths
        SOC width of each step (fractions; they add up to the window).
    start_soc
        SOC the charge starts from (fraction).
    """

    rates: tuple[float, ...]
    widths: tuple[float, ...]
    start_soc: float = 0.0

    def __post_init__(self) -> None:
        text = self.name if 1 <= len(self.rates) == len(self.widths) else _rates_written(self.rates)
        if not 1 <= len(self.rates) <= MAX_STEPS or len(self.rates) != len(self.widths):
            raise InputError(
                f"protocol {text}: expected 1 to {MAX_STEPS} steps, each with a C-rate and a width."
            )
        for k, (rate, width) in enumerate(zip(self.rates, self.widths, strict=True), start=1):
            if not (math.isfinite(rate) and 0 < rate <= MAX_C_RATE):
                raise InputError(
                    f"protocol {text}: step {k}: C-rate {rate:g}; expected above 0 and at most {MAX_C_RATE:g} C."
                )
            if not (math.isfinite(width) and width > 0):
                raise InputError(f"protocol {text}: step {k}: SOC width {100 * width:g} %; expected above 0.")
        if not (
            math.isfinite(self.start_soc)
            and self.start_soc >= 0
            and self.end_soc <= 1 + WIDTH_TOLERANCE / 100
        ):
            raise InputError(
                f"protocol {text}: SOC window {100 * self.start_soc:g}-{100 * self.end_soc:g} %; expected within 0-100 %."
            )

    @property
    def end_soc(self) -> float:
        """SOC the constant-current steps end at (fraction)."""
        return self.start_soc + sum(self.widths)

    @classmethod
    def parse(cls, text: str) -> StepProtocol:
        """Read ``RATES@FROM-TO`` (see the module's docstring).

        Raises
        ------
        InputError
            Not of that shape; widths that do not add up to the window; a C-rate not above 0 or above
            :data:`MAX_C_RATE`; a window outside 0-100 %.
        """
        steps_text, _, window_text = str(text).partition("@")
        window = re.fullmatch(r"\s*([\d.]+)\s*%?\s*-\s*([\d.]+)\s*%?\s*", window_text)
        steps = [p.strip() for p in steps_text.replace(",", "-").split("-")]
        try:
            start, end = (float(window.group(1)), float(window.group(2))) if window else (math.nan, math.nan)
            pairs = [
                (float(r.rstrip("Cc")), float(w) if w else None)
                for r, _, w in (s.partition("x") for s in steps)
            ]
        except ValueError:
            pairs = []
        if not window or not pairs or not math.isfinite(start) or not math.isfinite(end):
            raise InputError(f"protocol {text!r}: expected {SHAPE}.")
        if not 0 <= start < end <= 100:
            raise InputError(
                f"protocol {text!r}: SOC window {start:g}-{end:g} %; expected 0 <= FROM < TO <= 100."
            )
        given = [w for _, w in pairs if w is not None]
        if given and len(given) != len(pairs):
            raise InputError(f"protocol {text!r}: give every step a width (RATExWIDTH) or none.")
        widths = given or [(end - start) / len(pairs)] * len(pairs)
        if abs(sum(widths) - (end - start)) > WIDTH_TOLERANCE:
            raise InputError(
                f"protocol {text!r}: the steps' widths add up to {sum(widths):g} % SOC; the window "
                f"{start:g}-{end:g} % is {end - start:g} %."
            )
        return cls(tuple(r for r, _ in pairs), tuple(w / 100 for w in widths), start / 100)

    def steps(self) -> tuple[tuple[float, float], ...]:
        """``(C-rate, SOC width)`` of each step."""
        return tuple(zip(self.rates, self.widths, strict=True))

    def step_minutes(self) -> tuple[float, ...]:
        """Duration of each step in minutes (``60 w / c``)."""
        return tuple(60.0 * w / c for c, w in self.steps())

    def charge_time_min(self) -> float:
        """Time of the constant-current steps, minutes."""
        return float(sum(self.step_minutes()))

    @property
    def name(self) -> str:
        """``"6x10-5x30-4x40@0-80"``; equal steps without widths (``"6-5-4@0-80"``), so the name reads back."""
        if all(math.isclose(w, self.widths[0], rel_tol=1e-9) for w in self.widths):
            steps = "-".join(f"{c:g}" for c in self.rates)
        else:
            steps = "-".join(f"{c:g}x{100 * w:.6g}" for c, w in self.steps())
        return f"{steps}@{100 * self.start_soc:.6g}-{100 * self.end_soc:.6g}"

    def cache_document(self) -> dict[str, Any]:
        """What identifies the protocol in the twin's cache key."""
        return {
            "rates": [round(r, 9) for r in self.rates],
            "widths": [round(w, 9) for w in self.widths],
            "start": round(self.start_soc, 9),
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (widths and window in % SOC)."""
        return {
            "rates": list(self.rates),
            "soc_widths_pct": [round(100 * w, 9) for w in self.widths],
            "soc_window_pct": [round(100 * self.start_soc, 9), round(100 * self.end_soc, 9)],
            "charge_time_min": self.charge_time_min(),
            "name": self.name,
        }


def policy_protocol(text: str) -> StepProtocol:
    """A CC(SOC%)-CC policy (``5.4C(40%)-3.6C``, ``3_6C-80PER_3_6C``: :func:`~.policy.parse_policy`) as steps from 0 %.

    Step ``k`` runs from the previous step's end (0 % for the first) to its own; the last ends at 80 %. A step
    that ends where the one before it did charges nothing and is left out (Severson's ``3_6C-80PER_3_6C``: 3.6 C
    to 80 %, then nothing to charge to 80 %).

    Raises
    ------
    InputError
        Not a policy; text after the steps (a note is not part of a protocol); an end below the one before.
    """
    from .policy import parse_policy

    policy = parse_policy(text, cell="protocol")
    if policy.ignored:
        raise InputError(f"protocol {text!r}: {policy.ignored!r} after the steps is not part of a protocol.")
    rates: list[float] = []
    widths: list[float] = []
    start = 0.0
    for rate, end in policy.steps:
        if end == start and rates:
            continue
        rates.append(rate)
        widths.append(end - start)
        start = end
    return StepProtocol(tuple(rates), tuple(widths), 0.0)


def parse_protocol(text: str) -> ChargingProtocol | StepProtocol:
    """Attia's ``CC1-CC2-CC3[-CC4]``, ``RATES@FROM-TO`` or a CC(SOC%)-CC policy (``5.4C(40%)-3.6C``).

    :class:`ChargingProtocol`, :class:`StepProtocol` (with ``@``), or :func:`policy_protocol` (with ``(`` or
    ``PER_``).

    Raises
    ------
    InputError
        None of these shapes; a message names them.
    """
    if "@" in str(text):
        return StepProtocol.parse(text)
    if "(" in str(text) or "PER_" in str(text).upper():
        return policy_protocol(text)
    return ChargingProtocol.parse(text)


def _rates_written(rates: Any) -> str:
    """The C-rates as a protocol writes them, ``1`` or ``1-2-3`` (``[]`` for none), not a tuple's ``repr``."""
    try:
        items = list(rates)
    except TypeError:
        return as_written(rates)
    if not items:
        return "[]"
    return "-".join(
        f"{r:g}" if isinstance(r, int | float) and not isinstance(r, bool) else as_written(r) for r in items
    )
