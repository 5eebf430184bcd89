"""Battery quality: production-lot screening, life from formation data, cycling anomalies, retired-cell triage."""

from .screening import LotScreener as LotScreener
from .screening import ScreeningResult as ScreeningResult
from .screening import screen as screen
