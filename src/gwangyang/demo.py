"""The main job: load the shipped samples into a fresh store and run every part's use cases on them.

The demo is a plain list of service calls (:data:`STEPS`): each step takes the store, calls the parts' services
the way the CLI and the API do, keeps what the pages show in the store through the same services, and returns
a JSON-ready summary. Steps run in order; each sees what the earlier ones stored.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import samples
from .errors import InputError
from .store import Store, artifacts

Step = Callable[[Store], dict[str, Any]]

DEMO_PROTOCOL = "4.8-5.2-5.2"
"""Attia et al. 2020's recommended protocol, 4.8C-5.2C-5.2C-4.160C, simulated on the twin."""

MONITOR_NAME = "tep-pca"
"""Name of the demo's process monitor in the store."""

CAMPAIGN_NAME = "attia-replay"
"""Name of the demo's optimisation campaign in the store (shown on the Optimize page)."""


def battery_step(store: Store) -> dict[str, Any]:
    """Ingest the shipped cycler samples and summarise each cell."""
    from .battery import service

    report = service.ingest_files(store, [samples.sample_dir("battery")])
    cells = [
        {
            "cell_id": cell["cell_id"],
            "vendor": cell["vendor"],
            "rows": cell["rows"],
            "cycles": cell["cycles"],
            "max_discharge_capacity_ah": cell["max_discharge_capacity_ah"],
            "last_discharge_capacity_ah": cell["last_discharge_capacity_ah"],
            "median_coulombic_efficiency": cell["median_coulombic_efficiency"],
        }
        for cell in service.list_cells(store)
    ]
    return {"ingested": len(report.ingested), "failed": report.failed, "cells": cells}


def life_step(store: Store) -> dict[str, Any]:
    """Fit the variance model on the shipped Severson sample's train split (kept in the store as ``demo``, predicting its test split), and report each store cell's health (SOH, knee, RUL)."""
    from .battery import service

    fitted = service.fit_life_model(store, service.DEMO_MODEL)
    health: list[dict[str, Any]] = []
    for meta in store.metas():
        cell_id = meta["cell_id"]
        try:
            report = service.cell_health(store, cell_id)
        except InputError as exc:
            health.append({"cell_id": cell_id, "skipped": str(exc)})
            continue
        health.append(
            {
                "cell_id": cell_id,
                "cycles": len(report["cycles"]),
                "soh_last": report["soh"][-1],
                "knee": report["knee"],
                "rul": report["rul"],
                "templates": report["templates"],
            }
        )
    return {
        "model": fitted["model"],
        "name": fitted["name"],
        "training_cells": fitted["training_cells"],
        "interval_factor": fitted["interval_factor"],
        "predictions": fitted["predictions"],
        "test": fitted["test"],
        "health": health,
    }


FORMATION_COLUMNS: list[str] = [
    "form_final_discharge_capacity_ah",
    "form_6hr_rest_delta_voltage_v",
    "dcr_10s_5_soc_at_c3",
    "form_coulombic_efficiency",
]
"""Formation measurements screened: capacity, 6 h rest voltage drop (self-discharge), low-SOC DCR, efficiency."""

FORMATION_FAULTS: dict[int, tuple[str, float]] = {
    # cellid: (column, factor). Justification of the magnitudes:
    # self-discharge: the 6 h rest voltage drop is 22.6 ± 1.5 mV over the 39 cells (CV 6.6 %); a cell
    #   with a micro-short or contamination loses charge faster, and +50 % is a mild such defect;
    # resistance: a poor tab weld or dry spot raises the 10 s DCR by tens of per cent; +25 % is mild;
    # capacity: the final formation capacity is 2.366 ± 0.009 Ah (CV 0.4 %); -2 % is a typical
    #   grading tolerance, i.e. a cell just out of its capacity bin.
    5: ("form_6hr_rest_delta_voltage_v", 1.50),
    25: ("dcr_10s_5_soc_at_c3", 1.25),
    37: ("form_final_discharge_capacity_ah", 0.98),
}
"""Faults injected into the formation sample (keyed by ``cellid``)."""


def inject_formation_faults(
    table: pd.DataFrame, faults: dict[int, tuple[str, float]] = FORMATION_FAULTS
) -> pd.DataFrame:
    """A copy of ``table`` with each fault's column of its cell multiplied by the factor."""
    out = table.copy()
    for cellid, (column, factor) in faults.items():
        out.loc[out["cellid"] == cellid, column] *= factor
    return out


def split_cells(table: pd.DataFrame, every: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Train/test split by cell: every ``every``-th cell id (sorted) in the test part."""
    ids = np.array(sorted(table["id"].astype(str).unique()))
    test = set(ids[::every])
    mask = table["id"].astype(str).isin(test)
    return table.loc[~mask], table.loc[mask]


def quality_step(store: Store) -> dict[str, Any]:
    """Screen the formation sample (clean and with faults injected), check cycling anomalies, triage retired cells.

    The store's cells are checked for anomalies; held-out PulseBat cells (every fifth cell id) are triaged; the
    summary is kept for the quality page.
    """
    from .battery import service

    formation = samples.formation_table()
    source = "formation sample"
    clean = service.screen_table(formation, "cellid", "lot", FORMATION_COLUMNS, source=source)
    faulty = service.screen_table(
        inject_formation_faults(formation), "cellid", "lot", FORMATION_COLUMNS, source=source
    )
    anomalies = service.check_anomalies(store)["anomalies"] if store.metas() else []
    train, test = split_cells(samples.pulse_table())
    estimator = service.fit_pulse_estimator(train, folds=3, source="PulseBat training cells")
    graded = service.triage_table(
        test.drop(columns=["soh"]), estimator=estimator, source="PulseBat held-out cells"
    )
    truth = test.groupby(test["id"].astype(str))["soh"].first()
    predicted = {c["id"]: c["soh"] for c in graded["cells"]}
    summary: dict[str, Any] = {
        "screening": {
            "n_cells": clean["n_cells"],
            "flagged_clean": len(clean["flagged"]),
            "injected": {str(k): v[0] for k, v in FORMATION_FAULTS.items()},
            "flagged": faulty["flagged"],
            "lot_alarms": faulty["lot_alarms"],
            "filled_values": faulty["filled_values"],
        },
        "anomalies": anomalies,
        "triage": {
            "cells": graded["cells"],
            "totals": graded["totals"],
            "currency": graded["currency"],
            "prices_illustrative": graded["prices_illustrative"],
            "mape": round(
                service.soh_mape(np.array([predicted[i] for i in truth.index]), truth.to_numpy()), 4
            ),
        },
    }
    service.save_quality_summary(store, summary)
    return {
        "screening_flagged": [f["id"] for f in faulty["flagged"]],
        "screening_flagged_clean": len(clean["flagged"]),
        "anomalies": len(anomalies),
        "triage_cells": graded["totals"]["cells"],
        "triage_by_grade": {g: t["cells"] for g, t in graded["totals"]["by_grade"].items()},
        "triage_mape": summary["triage"]["mape"],
        "material_value": graded["totals"]["value"],
    }


def optimize_step(store: Store) -> dict[str, Any]:
    """Simulate a cell on the PyBaMM twin (2 cycles, ingested into the store) and run one 48-channel round of a campaign on Attia's space against the shipped oracle (kept in the store: the Optimize page shows it)."""
    from .battery import service as battery
    from .optimize import service as optimize

    started = time.perf_counter()
    twin, results = battery.simulate_twin(DEMO_PROTOCOL, cycles=2, cells=1, store=store)
    twin_s = time.perf_counter() - started
    cell = twin["cells"][0]
    campaign = optimize.demo_campaign(store, CAMPAIGN_NAME, batch=48)
    return {
        "twin": {
            "cell_id": cell["cell_id"],
            "protocol": results[0].meta["protocol"],
            "cycles": results[0].cycles.to_dict("records"),
            "lli_life": results[0].lli_life(),
            "seconds": round(twin_s, 2),
        },
        "replay": {
            "campaign": campaign["campaign"],
            "protocols": campaign["protocols"],
            "round_0_tested": campaign["round_0_tested"],
            "recommended": campaign["status"]["recommended"],
            "recommended_rank": campaign["recommended_rank"],
        },
        "seconds": round(time.perf_counter() - started, 2),
    }


def port_step(store: Store, days: float = 14.0) -> dict[str, Any]:
    """Simulate ``days`` of both shipped scenarios, plan the sample berths, schedule the sample cranes, and make the AGV time-lapse; kept in the store (``port/runs/demo`` and ``port/runs/timelapse``) for the port page.

    Returns the run's document with the time-lapse's scenario, vehicles and frame count (its frames are in the store).
    """
    from .port import service

    run = service.demo_run(days=days)
    service.save_run(store, service.DEMO_RUN, run)
    lapse = service.timelapse()
    service.keep_timelapse(store, lapse)
    shown = {key: lapse[key] for key in ("scenario", "dispatch", "agvs", "cranes", "step_s")}
    return {**run, "timelapse": {**shown, "frames": len(lapse["frames"])}}


DEMO_FLEET = (11, 22, 33, 44)
"""AGV fleet sizes of the demo's fleet-size curve (the automated scenario's 44 AGVs and fractions of it)."""


def fleet_step(
    store: Store, fleet: tuple[int, ...] = DEMO_FLEET, replications: int = 2, hours: float = 2.0
) -> dict[str, Any]:
    """Compare every AGV dispatch policy at each ``fleet`` size on the automated scenario (a short run, ``replications`` x ``hours``); kept in the store (``port/runs/fleet-curve``) for the port page's fleet-size curve."""
    from .port import service

    document = service.compare_fleets("gwangyang-automated", None, list(fleet), replications, hours, seed=0)
    service.save_run(store, service.FLEET_RUN, document)
    return {
        key: document[key] for key in ("scenario", "cranes", "hours", "replications", "seeds", "fleet_curve")
    }


def logistics_step(store: Store, time_limit: float = 2.0, horizon: int = 12) -> dict[str, Any]:
    """Route the shipped Gwangyang day and forecast the shipped monthly TEU series; both kept for the pages."""
    from .logistics import forecast_service, service

    problem = service.parse_problem("gwangyang")
    routes, _ = service.solve_routes(problem.to_instance(), problem, time_limit, seed=0)
    series, name, source = forecast_service.sample_series()
    outlook, _ = forecast_service.forecast_series(series, name, source, horizon=horizon, level=90)
    service.save_view(store, "routes", routes)
    service.save_view(store, "forecast", outlook)
    return {
        "routing": {
            key: routes[key] for key in ("cost", "distance", "routes", "feasible", "unserved", "workers")
        },
        "forecast": {
            "model": outlook["model"],
            "mase": outlook["backtest"]["mase"],
            "coverage": outlook["backtest"]["coverage"],
            "level": outlook["level"],
            "months": [outlook["forecast"][0]["ds"], outlook["forecast"][-1]["ds"]],
        },
    }


def factory_step(store: Store) -> dict[str, Any]:
    """Fit a PCA monitor on the shipped normal TEP run (kept in the store), score the fault-1 run with it, and keep the scoring as a finished ``factory.score`` job, as if it had been scored through the API.

    Returns the fit, the scoring summary and limits, the first alarm after the fault's start, its delay in minutes
    after the fault's introduction (the first faulty sample counts as 3 minutes, as in Chiang, Russell & Braatz
    2000) and the number of alarms before the fault.
    """
    from .factory import service

    normal = samples.sample_file("factory", samples.TEP_NORMAL)
    fault = samples.sample_file("factory", samples.TEP_FAULT)
    fitted = service.fit_store_monitor(
        store, MONITOR_NAME, normal, service.tep_time_column(), "pca", alpha=0.01, k=3
    )
    result = service.score_store_monitor(store, MONITOR_NAME, fault)
    job = artifacts.record_job(
        store, "factory.score", result, {"monitor": MONITOR_NAME, "file": samples.TEP_FAULT}
    )
    return {
        "fit": {k: v for k, v in fitted.items() if k not in ("name", "warnings")},
        "monitor": MONITOR_NAME,
        "score_job": job["id"],
        "scored": samples.TEP_FAULT,
        "summary": result["summary"],
        "limits": result["limits"],
        **service.fault_detection(result),
    }


STEPS: list[tuple[str, Step]] = [
    ("battery", battery_step),
    ("life", life_step),
    ("quality", quality_step),
    ("optimize", optimize_step),
    ("port", port_step),
    ("fleet", fleet_step),
    ("logistics", logistics_step),
    ("factory", factory_step),
]
"""The demo's steps, in order."""


def run_demo(store_dir: Path, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Build a fresh store at ``store_dir`` from the samples and run every step.

    Returns
    -------
    dict
        Each step's summary under its name, and the store's path.
    """
    if store_dir.exists():
        shutil.rmtree(store_dir)
    store = Store(store_dir)
    store.root.mkdir(parents=True)
    summary: dict[str, Any] = {"store": str(store.root)}
    for name, step in STEPS:
        if progress is not None:
            progress(name)
        summary[name] = step(store)
    return summary


def record_steps(store: Store, summary: dict[str, Any]) -> None:
    """Keep each step's summary in the store as a finished job ``demo.<step>`` (the pages show them)."""
    for name, result in summary.items():
        if isinstance(result, dict):
            artifacts.record_job(store, f"demo.{name}", result)
