"""The sample data shipped in the package, in one place: the demo, the pages' examples and the tests read it here.

Every sample is a file under ``gwangyang/data/samples/<part>`` (its README names the source and licence),
or a small example instance defined below. Nothing here computes anything; the loaders only read tables.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

PARTS: tuple[str, ...] = ("battery", "factory", "life", "optimize", "quality", "recycling", "severson")
"""Folders of ``data/samples``."""

LIFE_TEMPLATES = "calce_cs2_37_capacity.csv"
"""Run-to-failure capacity curve (``samples/life``) used as an RUL template for cells of similar capacity."""

FORMATION_TABLE = "formation_2022.csv"
"""Formation table (``samples/quality``; Weng et al. 2021 data, 39 cells)."""

PULSE_TABLE = "pulsebat_soc_all.csv.gz"
"""PulseBat pulse table (``samples/recycling``; Tao et al. 2024, 270 cells x 10 SOC)."""

TEP_NORMAL = "tep_normal_d00.csv.gz"
"""TEP normal training run ``d00.dat`` (``samples/factory``; 500 samples x 52 variables)."""

TEP_FAULT = "tep_fault01_d01_te.csv.gz"
"""TEP test run of fault 1 ``d01_te.dat`` (``samples/factory``; 960 samples, the fault from sample 160)."""

LOGISTICS_SERIES = "port_of_vancouver_monthly_2008-2023.csv"
"""Monthly container statistics shipped in ``logistics/data`` (source in its README)."""

LOGISTICS_TARGET = "TEU COUNT_Total_Total"
"""The monthly series' column of total monthly TEU."""

LOGISTICS_SOURCE = "Port of Vancouver monthly container statistics (xiyang-zhang/Container_Forecast, MIT)"
"""Where the monthly series comes from, as shown on the forecast page."""

CRANE_INSTANCE = "qcsp-10.toml"
"""The shipped quay-crane scheduling example (``port/instances``)."""

DEMO_BERTHS: dict[str, Any] = {
    "name": "demo-12x3",
    "arrival": [0, 1, 2, 4, 5, 7, 8, 10, 12, 13, 15, 18],
    "opening": [0, 0, 0],
    "closing": [200, 200, 200],
    "handling": [
        [6, 8, -1],
        [4, 5, 6],
        [7, 7, 9],
        [3, 4, 3],
        [5, 6, 5],
        [8, 9, -1],
        [2, 3, 2],
        [6, 5, 6],
        [4, 4, 5],
        [5, 7, 6],
        [3, 3, 3],
        [6, 6, 7],
    ],
    "deadline": [200] * 12,
}
"""Twelve vessels on three berths, made up for the demo (berth 2 cannot take vessels 0 and 5); also the
port page's example request."""


def _package_dir(*parts: str) -> Path:
    return Path(str(resources.files("gwangyang").joinpath(*parts)))


def sample_dir(part: str) -> Path:
    """Folder of the sample data shipped for one part (``battery``, ``severson``, ``factory``...)."""
    return _package_dir("data", "samples", part)


def sample_file(part: str, name: str) -> Path:
    """One shipped sample file."""
    return sample_dir(part) / name


def routing_scenario_dir() -> Path:
    """Folder of the shipped routing scenarios (``logistics/scenarios``)."""
    return _package_dir("logistics", "scenarios")


def routing_scenarios() -> list[str]:
    """Names of the shipped routing scenarios (``gwangyang``)."""
    return sorted(p.stem for p in routing_scenario_dir().glob("*.toml"))


def routing_scenario(name: str = "gwangyang") -> Path:
    """The shipped routing scenario ``name`` (default: the Gwangyang day)."""
    return routing_scenario_dir() / f"{name}.toml"


def logistics_series() -> Path:
    """The shipped monthly TEU series (``logistics/data``)."""
    return _package_dir("logistics", "data", LOGISTICS_SERIES)


def crane_instance() -> Path:
    """The shipped quay-crane scheduling example."""
    return _package_dir("port", "instances", CRANE_INSTANCE)


def formation_table() -> pd.DataFrame:
    """The shipped formation table (39 cells, lot = formation x ageing)."""
    import pandas as pd

    return pd.read_csv(sample_file("quality", FORMATION_TABLE))


def pulse_table() -> pd.DataFrame:
    """The shipped PulseBat table (270 cells x 10 SOC)."""
    import pandas as pd

    return pd.read_csv(sample_file("recycling", PULSE_TABLE))


def life_templates() -> dict[str, tuple[Any, Any]]:
    """Run-to-failure capacity curves shipped in ``samples/life``: ``{cell: (cycles, capacity)}`` as float arrays."""
    import pandas as pd

    table = pd.read_csv(sample_file("life", LIFE_TEMPLATES))
    return {
        str(cell): (group["cycle"].to_numpy(dtype="float64"), group["capacity_ah"].to_numpy(dtype="float64"))
        for cell, group in table.groupby("cell")
    }
