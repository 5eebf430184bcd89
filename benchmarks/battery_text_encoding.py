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

Then the watch for Korean read as Latin letters (:mod:`gwangyang.battery.io.latin_korean`) on generated
UTF-8 files of ``--mb`` MB (a 40-byte row repeated; the last column ``ok`` with ``°C`` in the header, UTF-8
Korean ``충전``, Western ``réglé``, cp949 ``체크`` that is valid UTF-8): ``sniffed`` is the scan as the readers
call it, ``declared`` the same scan told ``utf-8`` (which skips the watch), ``cost`` their difference.

Usage: .venv/bin/python benchmarks/battery_text_encoding.py [--repeat 5] [--mb 160]
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
    parser.add_argument("--mb", type=float, default=160.0)
    args = parser.parse_args()
    whole_files(args.repeat)
    latin_watch(args.repeat, args.mb)


def latin_watch(repeat: int, mb: float) -> None:
    """The watch's cost on large generated files (see the module docstring)."""
    row = "1,0.5,3.7012,0.0012,0.0034,25.1,{}\n"
    cases = {
        "ascii, °C in the header": ("T1(°C)", "ok", "utf-8"),
        "utf-8 korean in every row": ("T1", "충전", "utf-8"),
        "utf-8 'réglé' in every row": ("T1", "réglé", "utf-8"),
        "cp949 '체크' in every row": ("T1", "체크", "cp949"),
    }
    print(f"\n{'generated file':30} {'MB':>6} {'sniffed s':>9} {'declared s':>10} {'cost s':>7} warning")
    with tempfile.TemporaryDirectory() as folder:
        for name, (temperature, note, encoding) in cases.items():
            line = row.format(note).encode(encoding)
            path = Path(folder) / "big.csv"
            path.write_bytes(
                f"Rec,I,V,Q,E,{temperature},Note\n".encode(encoding) + line * int(mb * 1e6 / len(line))
            )
            sniffed = least(partial(scan_text, path), repeat)
            declared = least(partial(scan_text, path, "utf-8"), repeat)
            kinds = [w["kind"] for w in scan_text(path).warnings]
            size = path.stat().st_size / 1e6
            print(f"{name:30} {size:6.0f} {sniffed:9.3f} {declared:10.3f} {sniffed - declared:7.3f} {kinds}")


def whole_files(repeat: int) -> None:
    """The scan against one strict decode on the fixtures (see the module docstring)."""
    args = argparse.Namespace(repeat=repeat)
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
