"""What deciding a text export's encoding on the whole file costs: the scan against one strict decode.

:func:`gwangyang.battery.io.textfile.scan_text` reads every byte of a text export once (ASCII blocks at memory
speed, others through an incremental decoder) and decodes it again only when the head's encoding fails somewhere.
The peer is the least any whole-file check costs: ``bytes.decode`` of the whole file, in memory, in the encoding
the scan settles on (``ratio`` = scan / decode). ``read`` is :func:`gwangyang.battery.io.read_cycler` of the
file (the reader decodes it through pandas once more, as it would without the scan).

Files: the largest text cycler exports under ../shared/data/battery/cyclers (the BioLogic ``.csv``, UTF-8 with
``µ`` and ``°`` in its head; the Maccor ``.078``, ASCII), and the Neware BTS export (ASCII) as shipped and with
one late step name in cp949 (Korean Windows) or cp1252 (Western Windows ``µ``), the case the whole-file
decision is for. Each figure is the least of ``--repeat`` runs (the machine is shared).

Usage: .venv/bin/python benchmarks/battery_text_encoding.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.battery.io.test_encoding_whole_file import late_step_name  # the test's own edit of the export

from gwangyang.battery.io import read_cycler
from gwangyang.battery.io.textfile import scan_text

CYCLERS = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "battery" / "cyclers"
BIOLOGIC = CYCLERS / "biologic" / "test_loopsnewoutput_MB_CE1_short10k.csv"
MACCOR = CYCLERS / "maccor" / "xTESLADIAG_000038.078"
NEWARE = CYCLERS / "neware" / "nw_regular_export_ife_example.csv"


def least(run: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        late = Path(folder)
        raw = NEWARE.read_bytes()
        (late / "neware_cp949.csv").write_bytes(late_step_name(raw, "방전 시험", "cp949"))
        (late / "neware_cp1252.csv").write_bytes(late_step_name(raw, "500 µA", "cp1252"))
        files = [BIOLOGIC, MACCOR, NEWARE, late / "neware_cp949.csv", late / "neware_cp1252.csv"]
        print(
            f"{'file':44} {'MB':>5} {'encoding':>8} {'scan ms':>8} {'decode ms':>9} {'ratio':>6} {'read ms':>8}"
        )
        for path in files:
            data = path.read_bytes()
            scan = scan_text(path)
            scan_s = least(partial(scan_text, path), args.repeat)
            decode_s = least(partial(data.decode, scan.encoding, errors="replace"), args.repeat)
            read_s = least(partial(read_cycler, path), args.repeat)
            print(
                f"{path.name:44} {len(data) / 1e6:5.2f} {scan.encoding:>8} {scan_s * 1e3:8.1f} "
                f"{decode_s * 1e3:9.1f} {scan_s / decode_s:6.1f} {read_s * 1e3:8.1f}"
            )


if __name__ == "__main__":
    main()
