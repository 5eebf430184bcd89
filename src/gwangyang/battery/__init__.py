"""Battery analytics: cycler readers, the canonical schema, per-cycle summaries and Q(V) curves."""

from .cycles import VoltageGrid as VoltageGrid
from .cycles import discharge_curves as discharge_curves
from .cycles import summarize_cycles as summarize_cycles
from .ingest import IngestReport as IngestReport
from .ingest import ingest as ingest
from .io import read_cycler as read_cycler
from .schema import CyclerData as CyclerData
