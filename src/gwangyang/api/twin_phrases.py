"""The battery twin's warnings and refusals as the pages show them: cycling voltages beside the parameter set's cut-offs.

:class:`gwangyang.battery.twin_config.TwinConfig` names the config file and the key it does not know or the TOML
that does not read (tomllib's reason is read again by :data:`.port_file_phrases.TOML_PHRASES`).
:func:`gwangyang.battery.twin_limits.limit_warnings` names the config file, the ``[cycling]`` key, its voltage and
the set's cut-off; the patterns keep them as they are. :func:`gwangyang.battery.twin_steps.cc_limit_warnings` names
the protocol, the cell and the CC steps that ended on ``charge_limit_v``; :func:`gwangyang.battery.twin_start.start_warnings`
the cycle that started short of the window's FROM, :func:`gwangyang.battery.twin_start.drift_warnings` the cycle
that started away from the first cycle's state of charge. :func:`gwangyang.optimize.twin_protocol.point_protocol` refuses a
space the twin loop cannot run, naming the space and the parameter. :mod:`.i18n` tries them after the other patterns.
"""

from __future__ import annotations

import re

from .phrases import N_, phrase

_VOLTS = r"-?[\d.]+(?:e[-+]?\d+)?"
"""A voltage (or a C-rate, a SOC in %) as ``:g`` or ``.1f`` writes it."""
_WHERE = r".+?"
"""The space a twin loop's refusal names (its file, or ``space 'NAME'`` of a campaign)."""
_NAME = r"\w+"
"""A parameter's name."""

TWIN_TERMS: tuple[str, ...] = (
    # the closing part of the refusal of a window wholly outside the set's ("; "-separated)
    N_("no cycle can run there."),
    # the closing part of the refusal of an unknown key in [model]
    N_("expected name, parameter_set, degradation_from, options."),
    # the closing part of the twin loop's refusal of a parameter it does not read (optimize.twin_protocol.READS)
    N_(
        "the twin reads cc1..ccN (C-rates), soc1..socN-1 (the SOC in percent each step ends at), soc_from/soc_to "
        "(the window, default 0-80) or a text protocol (RATES@FROM-TO)."
    ),
)
"""Whole parts of the twin's refusals (translated by the catalogue as they are); listed for the extractor."""

TWIN_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # gwangyang.battery.twin_config: the config file (tomllib's reason read again, port_file_phrases.TOML_PHRASES)
    phrase(N_("%(file)s: not a TOML twin config file (not valid TOML: %(rest)s)."), file=r".+?"),
    phrase(N_("%(file)s: no such twin config file.")),
    # a key the config does not know: at the top, in [cycling] or in [model] (whose line goes on after "; ")
    phrase(N_("%(where)s: unknown key(s) %(keys)s.")),
    phrase(N_("%(where)s: unknown key(s) %(keys)s")),
    phrase(N_("%(where)s: model.name: expected one of %(choices)s, got %(got)s.")),
    phrase(N_("%(where)s: model: expected a table with name and parameter_set.")),
    phrase(N_('%(where)s: model.options: expected a table of "option" = "value".')),
    phrase(N_("%(where)s: %(key)s: expected a table."), key=r"cycling|variation|parameters"),
    phrase(N_("%(where)s: %(key)s: expected a finite number, got %(got)s.")),
    phrase(N_("%(where)s: variation.%(key)s: expected a relative std >= 0, got %(got)s.")),
    phrase(N_("%(where)s: cycling: expected lower_voltage_v < upper_voltage_v.")),
    phrase(N_("%(where)s: cycling.%(key)s: expected a positive number, got %(got)s."), key=r"\w+"),
    phrase(
        N_(
            "%(where)s: cycling.discharge_cv_cutoff_c: expected a C-rate >= 0 (0: no hold after the discharge), "
            "got %(got)s."
        )
    ),
    # refused: no cycle can run in the window, or the CC steps would end at once
    phrase(
        N_(
            "%(where)s: cycling: %(low)s-%(high)s V lies outside %(name)s's cut-offs %(set_low)s-%(set_high)s V"
        ),
        low=_VOLTS,
        high=_VOLTS,
        set_low=_VOLTS,
        set_high=_VOLTS,
    ),
    phrase(
        N_(
            "%(where)s: cycling.charge_limit_v = %(v)s V: expected above lower_voltage_v = %(lower)s V (the "
            "constant-current steps would end at once)."
        ),
        v=_VOLTS,
        lower=_VOLTS,
    ),
    # warned: beyond the set's cut-offs, or the CC steps past the CV step's voltage
    phrase(
        N_(
            "%(where)s: cycling.%(key)s = %(v)s V is above %(name)s's upper voltage cut-off %(cut)s V: the twin "
            "charges past the cell's rated window (capacities and retention above the nominal are possible)."
        ),
        key=r"upper_voltage_v|charge_limit_v",
        v=_VOLTS,
        cut=_VOLTS,
    ),
    phrase(
        N_(
            "%(where)s: cycling.lower_voltage_v = %(v)s V is below %(name)s's lower voltage cut-off %(cut)s V: the "
            "twin discharges past the cell's rated window."
        ),
        v=_VOLTS,
        cut=_VOLTS,
    ),
    phrase(
        N_(
            "%(where)s: cycling.charge_limit_v = %(v)s V is above upper_voltage_v = %(upper)s V: the "
            "constant-current steps may charge past the voltage the CV step holds."
        ),
        v=_VOLTS,
        upper=_VOLTS,
    ),
    # warned: CC steps that ended on charge_limit_v (twin_steps.cc_limit_warnings; "; "-separated in two parts), the
    # steps a ", "-separated list read again as ``rest``, one step a time
    phrase(
        N_(
            "twin: protocol %(protocol)s, cell %(cell)s: CC step(s) %(rest)s ended at charge_limit_v = %(v)s V "
            "before their planned SOC"
        ),
        cell=r"\d+",
        v=_VOLTS,
    ),
    phrase(
        N_("%(step)s (%(rate)s C, %(k)s of %(total)s cycle(s)), %(rest)s"),
        step=r"\d+",
        rate=_VOLTS,
        k=r"\d+",
        total=r"\d+",
    ),
    phrase(
        N_("%(step)s (%(rate)s C, %(k)s of %(total)s cycle(s))"),
        step=r"\d+",
        rate=_VOLTS,
        k=r"\d+",
        total=r"\d+",
    ),
    phrase(
        N_(
            "the CC steps charged to %(reached)s %% SOC of the planned %(planned)s %% (cycle %(cycle)s): the cell "
            "took less charge at those rates than the protocol says."
        ),
        reached=_VOLTS,
        planned=_VOLTS,
        cycle=r"\d+",
    ),
    # warned: a cycle whose 1 C charge to the window's start ended on charge_limit_v (twin_start.start_warnings)
    phrase(
        N_(
            "twin: protocol %(protocol)s, cell %(cell)s: cycle %(cycle)s started its CC steps at %(soc)s %% SOC, not "
            "%(planned)s %%: the %(rate)s C charge to the window's start ended at charge_limit_v = %(v)s V (%(k)s of "
            "%(total)s cycle(s))."
        ),
        cell=r"\d+",
        cycle=r"\d+",
        soc=_VOLTS,
        planned=_VOLTS,
        rate=_VOLTS,
        v=_VOLTS,
        k=r"\d+",
        total=r"\d+",
    ),
    # refused: the C-rate of the charge to a protocol's FROM (twin_start.check_start_rate)
    phrase(
        N_(
            "start_c: expected a C-rate from %(min)s (C/20) to %(max)s C (the charge to the protocol's FROM), got "
            "%(got)s."
        ),
        min=_VOLTS,
        max=_VOLTS,
    ),
    # warned: a cycle that started away from the first cycle's state of charge (twin_start.drift_warnings)
    phrase(
        N_(
            "twin: protocol %(protocol)s, cell %(cell)s: cycle %(cycle)s started %(drift)s %% of the nominal capacity "
            "from the first cycle's state of charge (%(k)s of %(total)s cycle(s) beyond %(limit)s %%): the discharge "
            "to lower_voltage_v = %(v)s V did not bring the cell back to where the first cycle started, so the SOC "
            "of its steps counts from another state (cycling.discharge_cv_cutoff_c holds the lower voltage until "
            "that C-rate)."
        ),
        cell=r"\d+",
        cycle=r"\d+",
        drift=r"[-+]?[\d.]+",
        k=r"\d+",
        total=r"\d+",
        limit=_VOLTS,
        v=_VOLTS,
    ),
    # refused: a space the twin loop cannot run (optimize.twin_protocol.point_protocol), the space and the parameter
    phrase(
        N_("twin loop: %(where)s: parameter %(name)s: not part of a charging protocol"),
        where=_WHERE,
        name=_NAME,
    ),
    phrase(N_("twin loop: %(where)s: no C-rate parameter cc1 among %(names)s"), where=_WHERE),
    phrase(
        N_("twin loop: %(where)s: parameter %(name)s: the twin runs 1 to %(n)s steps."),
        where=_WHERE,
        name=_NAME,
    ),
    phrase(
        N_("twin loop: %(where)s: parameter %(name)s missing: the space has %(last)s (steps 1 to %(n)s)."),
        where=_WHERE,
        name=_NAME,
    ),
    phrase(
        N_(
            "twin loop: %(where)s: parameter %(name)s: the space has %(n)s step(s), and the last one ends at soc_to."
        ),
        where=_WHERE,
        name=_NAME,
    ),
    phrase(
        N_(
            "twin loop: %(where)s: parameter %(name)s missing: give every step but the last its end, or none."
        ),
        where=_WHERE,
        name=_NAME,
    ),
    phrase(
        N_("twin loop: %(where)s: parameter %(name)s: beside a text protocol (give one or the other)."),
        where=_WHERE,
        name=_NAME,
    ),
    phrase(
        N_("twin loop: %(where)s: parameter %(name)s = %(v)s: expected a finite number."),
        where=_WHERE,
        name=_NAME,
    ),
    phrase(
        N_(
            "twin loop: %(where)s: parameter %(name)s = %(v)s: expected a C-rate above 0 and at most %(max)s C."
        ),
        where=_WHERE,
        name=_NAME,
        v=_VOLTS,
        max=_VOLTS,
    ),
    phrase(
        N_("twin loop: %(where)s: parameter %(name)s = %(v)s: expected a SOC from 0 to 100 %%."),
        where=_WHERE,
        name=_NAME,
        v=_VOLTS,
    ),
    phrase(
        N_(
            "twin loop: %(where)s: parameter %(name)s: the window %(low)s-%(high)s %% is empty (expected soc_from < "
            "soc_to)."
        ),
        where=_WHERE,
        name=_NAME,
        low=_VOLTS,
        high=_VOLTS,
    ),
    phrase(
        N_(
            "twin loop: %(where)s: parameter %(name)s = %(v)s is not above %(before)s = %(low)s (add the constraint "
            "'%(first)s < %(second)s' to the space)."
        ),
        where=_WHERE,
        name=_NAME,
        v=_VOLTS,
        before=_NAME,
        low=_VOLTS,
        first=_NAME,
        second=_NAME,
    ),
    # a CC(SOC%)-CC policy with a note after its steps (battery.step_protocol.policy_protocol)
    phrase(N_("protocol %(text)s: %(note)s after the steps is not part of a protocol.")),
    # a text protocol the parser refused: its refusal read again
    phrase(N_("twin loop: %(where)s: parameter protocol: %(rest)s"), where=_WHERE),
)
"""Patterns of the twin's voltage refusals and warnings, each with the msgid that translates it."""
