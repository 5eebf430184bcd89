"""The column ids of a BioLogic ``.mpr`` data module: flag bits and data columns with their EC-Lab names and dtypes."""

from __future__ import annotations

FLAG_BITS: dict[int, tuple[str, int]] = {
    1: ("mode", 0x03),
    2: ("ox/red", 0x04),
    3: ("error", 0x08),
    21: ("control changes", 0x10),
    31: ("Ns changes", 0x20),
    65: ("counter inc.", 0x80),
}
"""Flag column ids -> (name, bit mask in the record's leading flags byte).

``mode`` (1 CC, 2 CV, 3 open circuit) agrees with the fixtures (a CV hold reads 2, an OCV record 3) and
``ox/red`` is 0 on their reducing current; the masks of ids 21, 31 and 65 come from format notes only.
"""

COLUMNS: dict[int, tuple[str, str]] = {
    4: ("time/s", "<f8"),
    5: ("control/V/mA", "<f4"),
    6: ("Ewe/V", "<f4"),
    7: ("dq/mA.h", "<f8"),
    8: ("I/mA", "<f4"),
    9: ("Ece/V", "<f4"),
    11: ("<I>/mA", "<f8"),
    13: ("(Q-Qo)/mA.h", "<f8"),
    16: ("Analog IN 1/V", "<f4"),
    17: ("Analog IN 2/V", "<f4"),
    19: ("control/V", "<f4"),
    20: ("control/mA", "<f4"),
    23: ("dQ/mA.h", "<f8"),
    24: ("cycle number", "<f8"),
    26: ("Rapp/Ohm", "<f4"),
    27: ("Ewe-Ece/V", "<f4"),
    32: ("freq/Hz", "<f4"),
    33: ("|Ewe|/V", "<f4"),
    34: ("|I|/A", "<f4"),
    35: ("Phase(Z)/deg", "<f4"),
    36: ("|Z|/Ohm", "<f4"),
    37: ("Re(Z)/Ohm", "<f4"),
    38: ("-Im(Z)/Ohm", "<f4"),
    39: ("I Range", "<u2"),
    69: ("R/Ohm", "<f4"),
    70: ("P/W", "<f4"),
    74: ("|Energy|/W.h", "<f8"),
    76: ("<I>/mA", "<f4"),
    77: ("<Ewe>/V", "<f4"),
    123: ("Energy charge/W.h", "<f8"),
    124: ("Energy discharge/W.h", "<f8"),
    125: ("Capacitance charge/µF", "<f8"),
    126: ("Capacitance discharge/µF", "<f8"),
    131: ("Ns", "<u2"),
    169: ("Cs/µF", "<f4"),
    172: ("Cp/µF", "<f4"),
    174: ("<Ewe>/V", "<f4"),
    178: ("(Q-Qo)/C", "<f4"),
    179: ("dQ/C", "<f4"),
    211: ("Q charge/discharge/mA.h", "<f8"),
    212: ("half cycle", "<u4"),
    213: ("z cycle", "<u4"),
    438: ("step time/s", "<f8"),
    462: ("Temperature/°C", "<f4"),
    467: ("Q charge/discharge/mA.h", "<f8"),
    468: ("half cycle", "<u4"),
    469: ("z cycle", "<u4"),
    471: ("<Ece>/V", "<f4"),
    498: ("Q charge/mA.h", "<f8"),
    499: ("Q discharge/mA.h", "<f8"),
    500: ("step time/s", "<f8"),
    501: ("Efficiency/%", "<f8"),
    502: ("Capacity/mA.h", "<f8"),
    505: ("Rdc/Ohm", "<f4"),
}
"""Data column ids -> (EC-Lab column name, numpy dtype).

Ids 1, 3, 4, 6, 7, 8, 13, 19, 39, 74, 131, 467 and 468 occur in the fixtures and were checked
there (211-213 are 467-469 as files that keep only a column id's low byte list them): the record width they imply matches each file's data length exactly, ``dq`` equals
``I·dt/3600`` row by row, ``(Q-Qo)`` is the running sum of ``dq``, and ``|Energy|`` is
``|Q|·|Ewe|``; their widths also match the digits EC-Lab prints for the same quantities in ``.mpt``
exports (15 significant digits for float64, 8 for float32). The others follow public format notes.
"""
