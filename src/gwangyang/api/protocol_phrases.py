"""A charging protocol's text refused by the one protocol parser, as the pages show it.

:func:`gwangyang.battery.step_protocol.parse_protocol` reads ``RATES@FROM-TO`` (:class:`~gwangyang.battery.
step_protocol.StepProtocol`), Attia's ``CC1-CC2-CC3[-CC4]`` (:class:`~gwangyang.battery.protocols.ChargingProtocol`)
and a CC(SOC%)-CC policy (:func:`gwangyang.battery.policy.parse_policy`); the twin loop puts its space and
parameter before the refusal (``twin loop: 급속.toml: parameter protocol: …``, :mod:`.twin_phrases`, whose ``rest``
is read here). A refusal is ``"; "``-separated parts, each matched on its own; the protocol's text, rates and SOC
stay as they are.
"""

from __future__ import annotations

import re

from .phrases import N_, phrase

PROTOCOL_TERMS: tuple[str, ...] = (
    # the closing parts of the refusals (after "; "), the same for every protocol
    N_("expected above 0."),
    N_("expected within 0-100 %."),
    N_("expected 0 <= FROM < TO <= 100."),
    N_("no time left for CC4."),
    N_("other steps or SOC windows: 'RATES@FROM-TO', e.g. 6-5-4-3-2@0-80."),
    # the "cell" a policy read as a protocol is named by (battery.step_protocol.policy_protocol)
    N_("protocol"),
)
"""Whole parts and words of the parser's refusals, translated by the catalogue as they are."""

_G = r"-?[\d.]+(?:e[-+]?\d+)?"
"""A number as ``:g`` writes it."""

_N = r"\d+"

_EXAMPLE = r"'[^']*'"
"""The policy the refusal gives as an example."""


def _policy(msgid: str, **groups: str) -> tuple[re.Pattern[str], str]:
    """A policy's refusal: ``word_cell`` (the cell, or ``protocol``: a term) and the example quoted."""
    return phrase(msgid, **{"word_cell": r"[^:]+", "example": _EXAMPLE, **groups})


PROTOCOL_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # gwangyang.battery.step_protocol.StepProtocol: RATES@FROM-TO and its steps
    phrase(
        N_(
            "protocol %(text)s: expected 'RATES@FROM-TO' in C and %% SOC, e.g. 6-5-4-3-2@0-80 (equal steps) or "
            "6x10-5x30-4x40@0-80 (RATExWIDTH: widths adding up to the window)."
        )
    ),
    phrase(N_("protocol %(text)s: step %(k)s: C-rate %(rate)s"), k=_N, rate=_G),
    phrase(N_("expected above 0 and at most %(max)s C."), max=_G),
    phrase(N_("protocol %(text)s: step %(k)s: SOC width %(width)s %%"), k=_N, width=_G),
    phrase(N_("protocol %(text)s: SOC window %(low)s-%(high)s %%"), low=_G, high=_G),
    phrase(N_("protocol %(text)s: give every step a width (RATExWIDTH) or none.")),
    phrase(N_("protocol %(text)s: the steps' widths add up to %(total)s %% SOC"), total=_G),
    phrase(N_("the window %(low)s-%(high)s %% is %(width)s %%."), low=_G, high=_G, width=_G),
    phrase(N_("protocol %(text)s: expected 1 to %(n)s steps, each with a C-rate and a width."), n=_N),
    # gwangyang.battery.protocols: Attia's CC1-CC2-CC3[-CC4]
    phrase(
        N_(
            "protocol %(text)s: expected 'CC1-CC2-CC3' or 'CC1-CC2-CC3-CC4' in C, e.g. 4.8-5.2-5.2 (four steps of "
            "20 %% SOC over 0-80 %%)"
        )
    ),
    phrase(N_("protocol %(text)s: CC1-CC3 take %(minutes)s min or more"), minutes=_G),
    phrase(N_("protocol %(text)s: C-rates must be positive numbers.")),
    phrase(N_("%(name)s: expected a positive C-rate, got %(got)s."), name=r"cc[123]"),
    # gwangyang.battery.policy.parse_policy: a CC(SOC%)-CC policy
    _policy(
        N_(
            "%(word_cell)s: charging policy %(policy)s is not a sequence of steps like C1(Q1%%)-C2 (expected e.g. "
            "%(example)s)."
        )
    ),
    _policy(N_("%(word_cell)s: charging policy %(policy)s has a zero rate (expected e.g. %(example)s).")),
    _policy(N_("%(word_cell)s: charging policy %(policy)s ends its last step short of or past 80 %%")),
    _policy(N_("the last step runs to 80 %% (expected e.g. %(example)s).")),
    _policy(N_("%(word_cell)s: charging policy %(policy)s lists %(n)s rates without their ends"), n=_N),
    _policy(N_("only %(k)s (20 %% each) are read (expected e.g. %(example)s)."), k=_N),
    _policy(
        N_(
            "%(word_cell)s: charging policy %(policy)s leaves out the end of a step before the last (expected e.g. "
            "%(example)s)."
        )
    ),
    _policy(
        N_(
            "%(word_cell)s: charging policy %(policy)s has switch points that are not increasing within 0–100 %% "
            "(expected e.g. %(example)s)."
        )
    ),
)
"""Patterns of the protocol parser's refusals, each with the msgid that translates it."""
