"""The battery use cases, once: what the CLI, the API, the pages and the demo call.

Each function takes the store (or a file) and plain parameters and returns one JSON-ready document; every
surface shows that document. Use cases: ingest; cells, cycles, curves (Q(V) and dQ/dV) and time series;
health and RUL (one template rule); cycling anomalies (one incremental check); cycle-life models (fit, list,
predict; kept in the store); screening, triage and formation ranking; the twin. Functions that loop over many
cells take an :class:`~gwangyang.compute.Executor`.

The use cases live in modules by kind (``common``: names and caching; ``ingest``; ``cells``: cells, cycles, curves,
time series; ``health``: health, RUL, anomalies, the fleet; ``life``: cycle-life models; ``quality``: screening,
triage, formation; ``production``: production data and read-only SQL; ``twin``); this package re-exports them, so callers write ``service.list_cells``.
"""

from __future__ import annotations

from .cells import MAX_PAGE_ROWS as MAX_PAGE_ROWS
from .cells import capacity_fade as capacity_fade
from .cells import cell_curves as cell_curves
from .cells import cell_cycles as cell_cycles
from .cells import cell_meta as cell_meta
from .cells import cell_steps as cell_steps
from .cells import cell_warnings as cell_warnings
from .cells import export_cell as export_cell
from .cells import incremental_capacity as incremental_capacity
from .cells import list_cells as list_cells
from .cells import pick_cycles as pick_cycles
from .cells import plot_cycles as plot_cycles
from .cells import plot_steps as plot_steps
from .cells import timeseries_page as timeseries_page
from .cells import usable_where as usable_where
from .common import CELL_ID_LENGTH as CELL_ID_LENGTH
from .common import Progress as Progress
from .common import cached as cached
from .common import check_cell_id as check_cell_id
from .common import store_signature as store_signature
from .health import TEMPLATE_CAPACITY_TOLERANCE as TEMPLATE_CAPACITY_TOLERANCE
from .health import anomalies_by_cell as anomalies_by_cell
from .health import cell_health as cell_health
from .health import check_anomalies as check_anomalies
from .health import describe_flags as describe_flags
from .health import fleet_health as fleet_health
from .health import fleet_overview as fleet_overview
from .health import rul_templates as rul_templates
from .ingest import check_chemistry as check_chemistry
from .ingest import check_cycler_files as check_cycler_files
from .ingest import ingest_files as ingest_files
from .ingest import ingest_upload as ingest_upload
from .ingest import upload_conflicts as upload_conflicts
from .ingest import upload_parts as upload_parts
from .life import DEMO_MODEL as DEMO_MODEL
from .life import SAMPLE_SPLITS as SAMPLE_SPLITS
from .life import fit_life_file as fit_life_file
from .life import fit_life_model as fit_life_model
from .life import life_model_record as life_model_record
from .life import list_life_models as list_life_models
from .life import newest_life_model as newest_life_model
from .life import predict_life as predict_life
from .life import predict_life_file as predict_life_file
from .life import score_predictions as score_predictions
from .life import severson_sample as severson_sample
from .production import SCREEN_THREADS as SCREEN_THREADS
from .production import SQL_MAX_ROWS as SQL_MAX_ROWS
from .production import SQL_TIME_LIMIT_S as SQL_TIME_LIMIT_S
from .production import cell_orgs as cell_orgs
from .production import ingest_production as ingest_production
from .production import mixed_notes as mixed_notes
from .production import production_frame as production_frame
from .production import production_overview as production_overview
from .production import query_store as query_store
from .production import screen_production as screen_production
from .production import sql_example as sql_example
from .production import sql_views as sql_views
from .quality import QUALITY_SUMMARY as QUALITY_SUMMARY
from .quality import evaluate_triage as evaluate_triage
from .quality import fit_pulse_estimator as fit_pulse_estimator
from .quality import quality_overview as quality_overview
from .quality import quality_summary as quality_summary
from .quality import rank_formation as rank_formation
from .quality import read_quality_table as read_quality_table
from .quality import save_quality_summary as save_quality_summary
from .quality import screen_table as screen_table
from .quality import shipped_pulse_estimator as shipped_pulse_estimator
from .quality import soh_mape as soh_mape
from .quality import triage_table as triage_table
from .twin import START_C_RANGE as START_C_RANGE
from .twin import check_protocol as check_protocol
from .twin import simulate_twin as simulate_twin
