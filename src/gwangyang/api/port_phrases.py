"""The port's composed lines as the pages show them: each pattern with the msgid that translates it.

The warnings of a simulation (offered load, a call list longer than the run, a run without vessels, weather,
steady states without an interval), of a comparison, of a fleet comparison and of a berth plan, as
:mod:`gwangyang.port` composes them (``"; "``-separated parts, each matched on its own). :mod:`.i18n` tries them
after :data:`.form_phrases.FORM_PHRASES`; a ``word`` / ``word_*`` group is translated as a term, a ``words`` group term by term.
"""

from __future__ import annotations

import re

from .phrases import N_, phrase

PORT_TERMS: tuple[str, ...] = (
    # closing parts of gwangyang.port.simulation's and berths' warnings, and a reason for no Lagrangian bound
    N_("run longer"),
    N_("the lower bound is the best of the others"),
    N_("the budget gives it no steps"),
)
"""Whole parts of the port's warnings (translated by the catalogue as they are); listed for the extractor."""

_OVERLOAD = N_(
    "not in steady state: the offered load of the berths is %(rho)s (arrival work %(work)s berth-hours per hour "
    "against %(capacity)s available), so the queue grows for as long as vessels arrive and the wait and stay "
    "averages grow with the run's length: they do not describe the terminal (add berths or cranes, or lower the "
    "arrivals)"
)
_NO_VESSEL = N_(
    "no vessel arrived in the run's %(days)s days (the services bring %(expected)s on average): the vessel KPIs "
    "are 0 for want of vessels, not measured"
)

PORT_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # gwangyang.port.offered_load.overload_warning: no steady state (first in a simulation's warnings; a
    # comparison's names the scenario first)
    phrase(_OVERLOAD, rho=r"[\d.]+", work=r"\S+", capacity=r"\S+"),
    phrase(
        N_(
            "%(name)s: not in steady state: the offered load of the berths is %(rho)s (arrival work %(work)s "
            "berth-hours per hour against %(capacity)s available), so the queue grows for as long as vessels arrive "
            "and the wait and stay averages grow with the run's length: they do not describe the terminal (add "
            "berths or cranes, or lower the arrivals)"
        ),
        name=".+?",
        rho=r"[\d.]+",
        work=r"\S+",
        capacity=r"\S+",
    ),
    # gwangyang.port.simulation.simulate: a call list's calls after the run, a run without vessels
    phrase(
        N_(
            "%(n)s of the call list's %(total)s calls arrive after the run's %(days)s days (the first, %(name)s, "
            "at %(hours)s h) and are left out"
        ),
        n=r"\d+",
        total=r"\d+",
        days=r"\S+",
        hours=r"\S+",
    ),
    phrase(  # as a comparison writes it: the scenario's name first
        N_(
            "%(scenario)s: %(n)s of the call list's %(total)s calls arrive after the run's %(days)s days (the "
            "first, %(name)s, at %(hours)s h) and are left out"
        ),
        scenario=".+?",
        n=r"\d+",
        total=r"\d+",
        days=r"\S+",
        hours=r"\S+",
    ),
    phrase(N_("run more than %(days)s days to include them"), days=r"\S+"),
    phrase(_NO_VESSEL, days=r"\S+", expected=r"\S+"),
    phrase(
        N_(
            "no vessel arrived in the run's %(days)s days: the vessel KPIs are 0 for want of vessels, not measured"
        ),
        days=r"\S+",
    ),
    # gwangyang.port.berths.plan_cpsat: CP-SAT stopped without a solution, a plan without a Lagrangian bound
    phrase(
        N_("CP-SAT found no solution and no bound within its %(s)s s (status %(word)s)"),
        s=r"\S+",
        word=r"[A-Z_]+",
    ),
    phrase(
        N_(
            "CP-SAT found no solution and no bound within its budget of %(work)s work units (status %(word)s)"
        ),
        work=r"\S+",
        word=r"[A-Z_]+",
    ),
    phrase(N_("no Lagrangian bound: %(word)s")),
    # gwangyang.port.weather_control.weather_warnings: a run with too few weather stops to correct for
    phrase(
        N_(
            "the run saw %(stops)s weather stops (%(share)s %% of %(days)s days, expected %(expected)s %%), "
            "too few to correct for weather: the steady states of %(words)s hold for this run's weather only "
            "and their intervals leave out the variation of weather stops"
        ),
        stops=r"\d+",
        share=r"[\d.]+",
        days=r"\S+",
        expected=r"[\d.]+",
    ),
    # gwangyang.port.steady_report.interval_warnings: steady states without an interval, and why
    phrase(
        N_("no steady-state interval for %(words)s: fewer than %(n)s batches in the run's %(days)s days"),
        n=r"\d+",
        days=r"\S+",
    ),
    phrase(
        N_(
            "no steady-state interval for %(words)s: the run is shorter than two batches of their correlation "
            "time (%(days)s days)"
        ),
        days=r"\S+",
    ),
    phrase(
        N_(
            "no steady-state interval for %(words)s: their batch means are still correlated at the fewest "
            "batches allowed (%(n)s)"
        ),
        n=r"\d+",
    ),
    phrase(
        N_(
            "no steady-state interval for %(words)s: the same value in every batch, no estimate of their "
            "variation (what they count did not happen in the run, or cannot happen in this terminal)"
        )
    ),
    phrase(N_("run at least %(days)s days"), days=r"\S+"),
    # gwangyang.port.compare.Comparison.warnings: differences without an interval, and why
    phrase(
        N_("no interval for the differences of %(words)s: %(n)s replication, fewer than %(least)s"),
        n=r"\d+",
        least=r"\d+",
    ),
    phrase(N_("run at least %(n)s replications"), n=r"\d+"),
    phrase(
        N_(
            "no interval for the differences of %(words)s: the same value in every replication of both "
            "scenarios, no estimate of their variation (what they count did not happen in the runs, or cannot "
            "happen in these terminals)"
        )
    ),
    phrase(
        N_(
            "no interval for the differences of %(words)s: B - A is the same in every replication (the common "
            "random numbers move both scenarios alike), no estimate of its variation"
        )
    ),
    # gwangyang.port.fleet_compare.fleet_warnings: fleet KPIs and differences without an interval
    phrase(N_("no intervals: %(n)s replication, fewer than %(least)s"), n=r"\d+", least=r"\d+"),
    phrase(
        N_(
            "no interval for %(words)s of %(word)s with %(n)s AGVs: the same value in every replication, no "
            "estimate of their variation (nothing of it happened, or the counts came out equal: more or longer "
            "replications may give one)"
        ),
        words=r".+?",
        word=r"[a-z_]+",
        n=r"\d+",
    ),
    phrase(
        N_(
            "no interval for the differences of %(words)s between %(word)s and %(word_base)s with %(n)s AGVs: "
            "B - A is the same in every replication, no estimate of its variation"
        ),
        words=r".+?",
        word=r"[a-z_]+",
        word_base=r"[a-z_]+",
        n=r"\d+",
    ),
    # gwangyang.port.berths: a berth plan the heuristics found, CP-SAT's status first
    phrase(N_("%(word)s (plan from %(method)s)"), word=r"[A-Z_]+", method=r"\S+"),
)
"""Patterns of the port's composed lines, each with the msgid that translates it."""


PORT_KPI_TERMS: tuple[str, ...] = (
    # port KPIs (gwangyang.port.result.KPI_UNITS) and their units
    N_("vessel_calls"),
    N_("teu"),
    N_("teu_per_year"),
    N_("mean_wait_h"),
    N_("p95_wait_h"),
    N_("mean_service_h"),
    N_("p95_service_h"),
    N_("berth_occupancy"),
    N_("qc_moves_per_hour"),
    N_("qc_net_moves_per_hour"),
    N_("vehicle_utilization"),
    N_("yard_crane_utilization"),
    N_("gate_utilization"),
    N_("gate_trucks"),
    N_("gate_mean_wait_min"),
    N_("gate_p95_wait_min"),
    N_("gate_p95_time_min"),
    N_("gate_wait_share"),
    N_("yard_mean_teu"),
    N_("yard_peak_teu"),
    N_("yard_fill_mean"),
    N_("yard_fill_peak"),
    N_("yard_rehandles_per_move"),
    N_("yard_blocked_qc_h"),
    N_("yard_export_wait_h"),
    N_("energy_kwh"),
    N_("co2_t"),
    N_("charging_share"),
    N_("empty_travel_share"),
    N_("qc_vehicle_wait_share"),
    N_("gate_appointment_delay_h"),
    N_("calls"),
    N_("fraction"),
    N_("moves/h (gross)"),
    N_("moves/h (net)"),
    N_("trucks"),
    N_("rehandles/move"),
    N_("crane-h"),
    # the AGV model's KPIs (gwangyang.port.agv_plan.FLEET_UNITS) that the simulation's do not name
    N_("moves_per_hour_per_crane"),
    N_("qc_idle_share"),
    N_("qc_idle_min_per_move"),
    N_("congestion_share"),
    N_("km_per_move"),
    N_("kwh_per_move"),
    # the closing part of gwangyang.port.weather_control.weather_warnings (``"; "``-separated)
    N_("run more days"),
    # units of gwangyang.port.result.KPI_UNITS and agv_plan.FLEET_UNITS not named above
    N_("TEU/yr"),
    N_("moves/h"),
    N_("min"),  # the gate's minutes, as the KPI's own name writes them (게이트 평균 대기 시간 (분))
)
"""The port's KPI names and units as the pages show them; listed for the extractor."""
