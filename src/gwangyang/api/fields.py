"""Request fields that several endpoints share, declared once with the bounds the code behind them accepts."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated

from fastapi import Path
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from ..battery.service import CELL_ID_LENGTH

SEED_MAX = 2**31 - 1
"""Largest random seed any endpoint takes: the smallest bound of the solvers behind them.

OR-Tools CP-SAT's ``random_seed`` (quay cranes, berth plans) is a signed 32-bit integer (``int32`` in
``sat_parameters.proto``); PyVRP's ``RandomNumberGenerator`` takes an unsigned 32-bit one; scikit-learn's
``random_state`` (the optimiser adds the round to the seed) must stay below 2**32; NumPy takes any size.
"""

Seed = Annotated[
    int,
    Field(
        strict=True,
        ge=0,
        le=SEED_MAX,
        description=f"Random seed, 0 to {SEED_MAX}: the same seed gives the same answer.",
    ),
]
"""A random seed in a JSON body: an integer (``true`` is no number) from 0 to :data:`SEED_MAX`."""


def _except(ascii_kept: str) -> str:
    """A regex class of every character but the ASCII ones not in ``ascii_kept`` (all other scripts pass)."""
    refused = [code for code in range(128) if chr(code) not in ascii_kept]
    runs: list[list[int]] = []
    for code in refused:
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    parts = [f"\\x{a:02x}" if a == b else f"\\x{a:02x}-\\x{b:02x}" for a, b in runs]
    return "[^" + "".join(parts) + "]"


_END = "$(?!\\n)"
"""The end of the id: Python's ``$`` also matches before a final newline (ECMA-262's does not), the lookahead refuses it in both."""

_WORD = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-"
_NAME_FIRST = _except(_WORD)
NAME_PATTERN = f"^{_NAME_FIRST}(?:\\.?{_NAME_FIRST})*\\.?{_END}"
"""A plain name (model, monitor, campaign): ASCII letters, digits, ``_``, ``-`` and ``.`` or any other script's
characters, no leading dot, no ``..``. :func:`gwangyang.store.artifacts.check_name` decides (400): it also
refuses the few characters of other scripts that are no letter or digit (``·``, ``—``)."""

_CAMPAIGN_CHARACTER = _except(_WORD + " ")
CAMPAIGN_NAME_PATTERN = f"^(?! ){_CAMPAIGN_CHARACTER}(?:\\.?{_CAMPAIGN_CHARACTER})*\\.?(?<! ){_END}"
"""A campaign's name: a plain name (:data:`NAME_PATTERN`) that may also hold spaces, none at either end
(``급속충전 캠페인``), as the CLI's ``--state`` folder may; ``check_name(..., spaces=True)`` decides (400)."""

_CELL_REFUSED = "".join(map(chr, range(32))) + '\x7f/\\:*?"<>|'
_CELL_INNER = _except("".join(c for c in map(chr, range(128)) if c not in _CELL_REFUSED + "."))
_CELL_EDGE = _except("".join(c for c in map(chr, range(128)) if c not in _CELL_REFUSED + " ._-"))
CELL_ID_PATTERN = f"^{_CELL_EDGE}(?:(?:\\.?{_CELL_INNER})*\\.?{_CELL_EDGE})?{_END}"
"""A cell id as ingest makes them (:func:`gwangyang.battery.io.base.safe_cell_id`): any script, none of
``/ \\ : * ? " < > |`` or control characters, no ``..``, not starting or ending with a space, ``.``, ``_``
or ``-``. :func:`gwangyang.battery.service.check_cell_id` decides (400): it also wants the NFC form and at most
:data:`CELL_ID_LENGTH` (200) bytes of UTF-8."""

JOB_ID_PATTERN = f"^[0-9a-f]{{32}}{_END}"
"""A job id: 32 lowercase hexadecimal digits (``uuid4().hex``; :mod:`gwangyang.api.job_store` refuses others)."""


def matching(kind: str, pattern: str, max_length: int) -> AfterValidator:
    r"""A path id's check: ``pattern`` by Python's ``re.search`` and at most ``max_length`` characters.

    As a Python client's validator runs the document's pattern. A mismatch is a ``path_id`` error naming ``kind``
    (``job id``, ``name``, ``cell id``), which :mod:`.request_errors` answers 400 with one line saying what such an
    id is. The patterns' lookahead (``$(?!\n)``) is none pydantic's own engine takes, so the check is a validator.
    """
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if len(value) > max_length or compiled.search(value) is None:
            raise PydanticCustomError("path_id", "not a valid {kind}", {"kind": kind})
        return value

    checked: Callable[[str], str] = check
    return AfterValidator(checked)


CellId = Annotated[
    str,
    Path(
        description="A cell id (any script; see the pattern).",
        json_schema_extra={"pattern": CELL_ID_PATTERN, "maxLength": CELL_ID_LENGTH},
    ),
    matching("cell id", CELL_ID_PATTERN, CELL_ID_LENGTH),
]
"""A ``{cell_id}`` in a path: the pattern and length enforced (400); the service's check adds NFC and 200 bytes."""

Name = Annotated[
    str,
    Path(
        description="A plain name: letters of any script, digits, '_', '-', '.'; no leading dot, no '..'.",
        json_schema_extra={"pattern": NAME_PATTERN, "maxLength": 80},
    ),
    matching("name", NAME_PATTERN, 80),
]
"""A model, monitor or campaign ``{name}`` in a path: the pattern and length enforced (400); the store's check
adds that other scripts' characters be letters or digits."""

CampaignName = Annotated[
    str,
    Path(
        description="A campaign's name: letters of any script, digits, '_', '-', '.' and spaces (none at either "
        "end); no leading dot, no '..'.",
        json_schema_extra={"pattern": CAMPAIGN_NAME_PATTERN, "maxLength": 80},
    ),
    matching("campaign name", CAMPAIGN_NAME_PATTERN, 80),
]
"""A campaign ``{name}`` in a path (percent-encoded: ``%20`` for a space): the pattern and length enforced (400);
the store's check adds that other scripts' characters be letters or digits."""

JobId = Annotated[
    str,
    Path(
        description="A job id: 32 lowercase hexadecimal digits.",
        json_schema_extra={"pattern": JOB_ID_PATTERN, "minLength": 32, "maxLength": 32},
    ),
    matching("job id", JOB_ID_PATTERN, 32),
]
"""A ``{job_id}`` in a path: the pattern enforced (400)."""

MAX_TIME_LIMIT_S = 120.0
"""Longest solver time a request may ask for (seconds): a job holds the one worker that long."""

TimeLimit = Annotated[
    float,
    Field(
        strict=True,
        gt=0,
        le=MAX_TIME_LIMIT_S,
        description=f"The solver's wall-clock limit, seconds (at most {MAX_TIME_LIMIT_S:.0f}).",
    ),
]
"""A solver's time limit in a JSON body: a number (``true`` is none) in (0, :data:`MAX_TIME_LIMIT_S`]."""
