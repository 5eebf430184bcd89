"""Process monitoring for small manufacturers: SPC charts, multivariate fault detection, streaming alarms.

``fit_table`` learns normal operation from a sensor table and returns a :class:`StreamingMonitor`
that scores new rows (one at a time or in batches), raises alarms after ``k`` consecutive
violations, names the variables behind each alarm, and saves to / loads from one file.
"""

from .control_chart import Chart as Chart
from .evaluate import TEPReport as TEPReport
from .evaluate import evaluate_tep as evaluate_tep
from .fitting import FitResult as FitResult
from .fitting import fit_table as fit_table
from .io import ConstantColumnWarning as ConstantColumnWarning
from .io import read_table as read_table
from .io import read_tep as read_tep
from .io import read_tep_case as read_tep_case
from .monitor import DynamicPCAMonitor as DynamicPCAMonitor
from .monitor import KernelPCAMonitor as KernelPCAMonitor
from .monitor import PCAMonitor as PCAMonitor
from .run_rules import run_rules as run_rules
from .spc import Capability as Capability
from .spc import SPCReport as SPCReport
from .spc import capability as capability
from .spc import cusum_arl as cusum_arl
from .spc import cusum_chart as cusum_chart
from .spc import ewma_chart as ewma_chart
from .spc import imr_chart as imr_chart
from .spc import spc_report as spc_report
from .spc import xbar_r_chart as xbar_r_chart
from .streaming import Alarm as Alarm
from .streaming import ScoreResult as ScoreResult
from .streaming import StreamingMonitor as StreamingMonitor
