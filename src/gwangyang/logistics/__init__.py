"""Logistics: truck routing from the port to the plants (PyVRP, OR-Tools baseline) and throughput forecasting."""

from .check import check_solution as check_solution
from .check import evaluate as evaluate
from .entities import Order as Order
from .entities import Shipment as Shipment
from .entities import Site as Site
from .entities import VehicleType as VehicleType
from .forecast import ForecastResult as ForecastResult
from .forecast import forecast as forecast
from .forecast import holdout_evaluation as holdout_evaluation
from .forecast import load_series as load_series
from .instance import Instance as Instance
from .instance import VehicleSpec as VehicleSpec
from .problem import RoutingProblem as RoutingProblem
from .protocol import Progress as Progress
from .protocol import Solver as Solver
from .result import RoutingResult as RoutingResult
from .solver import PyVRPSolver as PyVRPSolver
from .solver import solve as solve
from .vrplib_io import read_instance as read_instance
