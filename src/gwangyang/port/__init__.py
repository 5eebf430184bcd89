"""Smart port: a discrete-event digital twin of a container terminal, berth allocation, quay-crane scheduling."""

from .berth_model import BerthInstance as BerthInstance
from .berth_model import BerthPlan as BerthPlan
from .berth_model import check_plan as check_plan
from .berths import assignment_bound as assignment_bound
from .berths import solve_cpsat as solve_cpsat
from .berths import solve_fcfs as solve_fcfs
from .berths import solve_greedy as solve_greedy
from .berths import solve_spt as solve_spt
from .compare import Comparison as Comparison
from .compare import compare as compare
from .compare import confidence_interval as confidence_interval
from .compare import replicate as replicate
from .compare import summarize as summarize
from .cranes import CraneInstance as CraneInstance
from .cranes import CraneSchedule as CraneSchedule
from .cranes import check_schedule as check_schedule
from .cranes import solve_cranes as solve_cranes
from .kpis import KPI_UNITS as KPI_UNITS
from .kpis import SimulationResult as SimulationResult
from .kpis import SimulationStats as SimulationStats
from .simulation import simulate as simulate
from .terminal import GWANGYANG_TEU_2024 as GWANGYANG_TEU_2024
from .terminal import Scenario as Scenario
from .terminal import load_scenario as load_scenario
from .terminal import shipped_scenarios as shipped_scenarios
