"""The table of vendor text exports the shared variant tests (``test_variants_common.py``) run on.

A :class:`Layout` says what differs between vendors (file, header line, separators, which columns are optional,
what a decimal-comma file does, ...); a vendor's own variants stay in its ``test_variants_<vendor>.py``, which
takes its layouts from here (:func:`case_fixture`).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from gwangyang.battery.io import read_cycler
from gwangyang.battery.schema import CyclerData

from .variants import CAPACITIES, COUNTERS, CYCLERS, RecordExport, TextExport, neware_totals_match, write


def keep_first(n: int) -> list[int]:
    """Columns reversed but the first (it marks the header)."""
    return [0, *range(n - 1, 0, -1)]


def reverse(n: int) -> list[int]:
    """Columns reversed."""
    return list(range(n))[::-1]


def swap_first_two(n: int) -> list[int]:
    """The first two columns swapped, the others reversed."""
    return [1, 0, *range(n - 1, 1, -1)]


@dataclass(frozen=True)
class Layout:
    """One vendor's delimited text export, as the shared variant tests rewrite it: what differs between vendors.

    Attributes
    ----------
    name
        Test id, ``vendor-form``.
    path, header, sep, quoted, encoding
        The real file, its header line, field separator, whether lines are quoted, how it is decoded.
    companion
        A metadata file copied next to every variant (Arbin's ``<stem>_Metadata.csv``).
    max_rows, degree_sign
        Rows kept and the header's lost degree sign (U+FFFD) written back as ``°``; with either, the
        original is that base file written and read again.
    records
        A Neware three-level export (:class:`RecordExport`): the variants rewrite its record level.
    order
        The column order of the moved-columns variant, given the number of columns.
    dates
        The export has a wall clock: variants must keep it row by row.
    quiet
        The original reads with no warning: so must a variant that only moves or leaves out columns.
    channel
        The channel the original reads with, kept when the columns move.
    extra_column
        A column no reader knows: name, value, position (None: at the end).
    optional, optional_counters, optional_gone
        Columns a variant leaves out, the per-cycle counters still compared, a canonical column then absent.
    boms
        Encodings with a byte order mark the reader must take.
    check
        A vendor's own check of a variant read whole (Neware: its cycle totals in the file).
    comma_sep, comma_refused
        Field separator of the decimal-comma variant (None: the vendor writes none); ``comma_refused``: None
        when it reads, else the words (after the file's name) of the one-line refusal.
    korean_stem, cell_suffix
        Korean file name of a variant, and what the cell id adds to it.
    """

    name: str
    path: Path
    header: int
    sep: str
    quoted: bool = False
    encoding: str = "utf-8"
    companion: Path | None = None
    max_rows: int | None = None
    degree_sign: bool = False
    records: bool = False
    order: Callable[[int], list[int]] = keep_first
    dates: bool = True
    quiet: bool = True
    channel: str | None = None
    extra_column: tuple[str, str, int | None] = ("Aux", "1", None)
    optional: tuple[str, ...] = ()
    optional_counters: tuple[str, ...] = COUNTERS
    optional_gone: str | None = None
    boms: tuple[str, ...] = ("utf-8-sig",)
    check: Callable[[CyclerData], None] | None = None
    comma_sep: str | None = ";"
    comma_refused: str | None = None
    korean_stem: str = "셀 1번"
    cell_suffix: str = ""

    def write(
        self, folder: Path, stem: str, text: str, encoding: str = "utf-8", cut: int | None = None
    ) -> Path:
        """Write a variant named ``stem`` with the export's suffix (and its companion, if any)."""
        path = write(folder, stem + self.path.suffix, text, encoding, cut)
        if self.companion is not None:
            shutil.copy(self.companion, folder / f"{stem}_Metadata.csv")
        return path

    def read(self, folder: Path) -> tuple[CyclerData, TextExport]:
        """The original as read, and the export to rewrite (the base file is written to ``folder`` when one is needed)."""
        text = self.path.read_text(encoding=self.encoding)
        if self.records:
            export: TextExport = RecordExport.parse_levels(text)
        else:
            export = TextExport.parse(text, self.header, self.sep, self.quoted)
        # a sample that ends without a line break loses its last row when read (it may be cut): the variants
        # are rendered whole, so the original is read as rendered too
        ended = self.path.read_bytes().endswith((b"\n", b"\r"))
        if self.max_rows is None and not self.degree_sign and ended:
            return read_cycler(self.path), export
        if self.degree_sign:
            export.header = [n.replace("\ufffd", "°") for n in export.header]
        if self.max_rows is not None:
            export.rows = export.rows[: self.max_rows]
        return read_cycler(self.write(folder, "base", export.render())), export


ARBIN_CSV = Layout(
    "arbin-csv",
    CYCLERS / "arbin" / "FastCharge_000025_CH8.csv",
    0,
    ",",
    encoding="latin-1",
    companion=CYCLERS / "arbin" / "FastCharge_000025_CH8_Metadata.csv",
    order=reverse,
    channel="8",
    extra_column=("Operator_Note", "ok", 3),
    optional=("Temperature", "Internal_Resistance", "dV/dt"),
    optional_gone="temperature_c",
    boms=("utf-8-sig", "utf-16"),
    korean_stem="양극 셀 1번",
    quiet=False,  # the shared companion ends before it starts: end_time_mismatch, as the original
)
MACCOR_TEXT = Layout(
    "maccor-text",
    CYCLERS / "maccor" / "PredictionDiagnostics_000151_paused.052",
    1,
    "\t",
    encoding="latin-1",
    extra_column=("Aux1", "0.5", None),
    optional=("Watt-hr",),
    optional_counters=CAPACITIES,
    boms=("utf-8-sig", "utf-16"),
    comma_sep="\t",  # tab-separated: decimal commas read as such
    cell_suffix=".052",
)
MACCOR_CSV = Layout(
    "maccor-csv",
    CYCLERS / "maccor" / "sample_data_maccor.csv",
    2,
    ",",
    encoding="latin-1",
    extra_column=("Aux1", "0.5", None),
    optional=("Temp 1",),
    optional_counters=CAPACITIES,
    boms=("utf-8-sig", "utf-16"),
    comma_refused="unknown cycler format",  # a ';' CSV is not Maccor's layout
)
# Basytec's degree sign is already U+FFFD in its file
BASYTEC = Layout(
    "basytec",
    CYCLERS / "basytec" / "sample_data_basytec.txt",
    12,
    "\t",
    optional=("Wh-Cyc-Charge",),
    optional_counters=CAPACITIES,
    comma_sep="\t",  # a German cycler: decimal commas in its tab-separated export
)
NOVONIX = Layout(
    "novonix",
    CYCLERS / "novonix" / "test_Nova_Form-CH01-01_short.csv",
    57,
    ",",
    quoted=True,
    optional=("Energy (Wh)",),
    optional_counters=CAPACITIES,
    comma_refused="no header line starting with 'Date and Time,'",  # Novonix writes no European layout
)
BIOLOGIC_SHORT = 2000
"""Rows of the BioLogic CSV kept in the variants (its 10,000 rows make slow tests without telling more)."""
BIOLOGIC_MPT = Layout(
    "biologic-mpt",
    CYCLERS / "biologic" / "Sample_data_biologic_no_header.mpt",
    0,
    "\t",
    max_rows=BIOLOGIC_SHORT,
    degree_sign=True,  # the .mpt's degree sign is lost in it
    order=reverse,
    dates=False,
    quiet=False,
    # not at the end: EC-Lab's header ends with a tab and its rows do not, so a column after that empty name
    # would leave every row one field short of the header (refused as shifted)
    extra_column=("Operator", "1", 1),
    optional=("Temperature/°C",),
    optional_gone="temperature_c",
    comma_sep="\t",
)
BIOLOGIC_CSV = Layout(
    "biologic-csv",
    CYCLERS / "biologic" / "test_loopsnewoutput_MB_CE1_short10k.csv",
    0,
    ";",
    max_rows=BIOLOGIC_SHORT,
    degree_sign=True,
    order=reverse,
    quiet=False,
    extra_column=("Operator", "1", None),
    optional=("T/°C",),
    optional_gone="temperature_c",
)
NEWARE_CSV = Layout(
    "neware-csv",
    CYCLERS / "neware" / "nw_regular_export_ife_example.csv",
    2,
    ",",
    encoding="latin-1",
    records=True,
    order=swap_first_two,
    extra_column=("Probe", "1", None),
    optional=("Energy(Wh)",),
    optional_counters=CAPACITIES,
    optional_gone="charge_energy_wh",
    check=neware_totals_match,
    comma_sep=None,
    korean_stem="셀_1번",
)
LAYOUTS = (ARBIN_CSV, MACCOR_TEXT, MACCOR_CSV, BASYTEC, NOVONIX, BIOLOGIC_MPT, BIOLOGIC_CSV, NEWARE_CSV)
"""The vendor text exports ``test_variants_common.py`` rewrites."""

VendorCase = tuple[str, Layout, CyclerData, TextExport]
"""A vendor test's case: the layout's key, the layout, the original as read, the export to rewrite."""


def case_fixture(layouts: dict[str, Layout]) -> Callable[..., VendorCase]:
    """A module-scoped ``case`` fixture over ``layouts``, their keys as test ids."""

    @pytest.fixture(scope="module", params=sorted(layouts))
    def case(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> VendorCase:
        layout = layouts[request.param]
        return request.param, layout, *layout.read(tmp_path_factory.mktemp(layout.name))

    return case
