"""Battery quality: production-lot screening, life from formation data, cycling anomalies, retired-cell triage."""

from .anomalies import CellState as CellState
from .anomalies import CycleAnomalyDetector as CycleAnomalyDetector
from .formation import FormationLifeRanker as FormationLifeRanker
from .lot_screener import LotScreener as LotScreener
from .monitor import check_cells as check_cells
from .pulse import PulseSOHEstimator as PulseSOHEstimator
from .screening import ScreeningResult as ScreeningResult
from .screening import screen as screen
from .triage import TriageRules as TriageRules
