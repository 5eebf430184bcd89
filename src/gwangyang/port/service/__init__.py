"""The port use cases, once: scenarios, simulate, compare, berth plan, crane schedule, the time-lapse, the demo's run.

Each function returns one JSON-ready document that the CLI prints with ``--json``, the API returns as a
job's result and the port page shows. Replications are independent items of an
:class:`~gwangyang.compute.Executor` (serial, processes or Dask).

The use cases live in modules by kind (``simulation``: scenarios, simulate, compare, fleets; ``plans``: berths
and cranes; ``kept``: runs and plans in the store; ``lapse``: the AGV time-lapse; ``page``: the port page's
state and the demo's run; ``uploaded``: a planner's own scenarios uploaded to the API, simulated or compared); this package re-exports them, so callers write ``service.simulate``.
"""

from __future__ import annotations

from ...compute import Progress as Progress
from .kept import load_run as load_run
from .kept import save_plan as save_plan
from .kept import save_run as save_run
from .lapse import TIMELAPSE_COMMAND as TIMELAPSE_COMMAND
from .lapse import TIMELAPSE_RUN as TIMELAPSE_RUN
from .lapse import TIMELAPSE_SCENARIO as TIMELAPSE_SCENARIO
from .lapse import keep_timelapse as keep_timelapse
from .lapse import kept_timelapse as kept_timelapse
from .lapse import timelapse as timelapse
from .page import DEMO_RUN as DEMO_RUN
from .page import FLEET_COMMAND as FLEET_COMMAND
from .page import FLEET_RUN as FLEET_RUN
from .page import demo_plans as demo_plans
from .page import demo_run as demo_run
from .page import page_state as page_state
from .plans import berth_budget as berth_budget
from .plans import berth_instance as berth_instance
from .plans import crane_instance as crane_instance
from .plans import example_berths as example_berths
from .plans import plan_berths as plan_berths
from .plans import plan_berths_file as plan_berths_file
from .plans import plot_berth_plan as plot_berth_plan
from .plans import plot_crane_schedule as plot_crane_schedule
from .plans import schedule_cranes as schedule_cranes
from .simulation import check_shipped as check_shipped
from .simulation import compare as compare
from .simulation import compare_fleets as compare_fleets
from .simulation import describe_scenarios as describe_scenarios
from .simulation import plot_simulation as plot_simulation
from .simulation import scenarios as scenarios
from .simulation import simulate as simulate
from .uploaded import CALL_LIST_SUFFIX as CALL_LIST_SUFFIX
from .uploaded import MAX_CALL_LIST_BYTES as MAX_CALL_LIST_BYTES
from .uploaded import MAX_SCENARIO_BYTES as MAX_SCENARIO_BYTES
from .uploaded import SCENARIO_SUFFIX as SCENARIO_SUFFIX
from .uploaded import UploadedScenario as UploadedScenario
from .uploaded import compare_uploads as compare_uploads
from .uploaded import read_upload as read_upload
from .uploaded import simulate_upload as simulate_upload
