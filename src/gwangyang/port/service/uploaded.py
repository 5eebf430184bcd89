"""A planner's own scenario, uploaded: its TOML and call list checked at once, then simulated as the CLI does.

An uploaded scenario is a TOML file and, when ``[arrivals] process = "file"``, the call list it names. Both are
checked when they arrive (:func:`read_upload`: the TOML loader's own refusals, the call list's rows), and kept as
bytes; the job writes them into a folder of their own and runs :func:`.simulation.simulate` on the TOML file, the
function ``gwangyang port simulate --scenario FILE`` runs (:func:`simulate_upload`); two uploaded scenarios are
compared as ``gwangyang port compare A.toml B.toml`` does, each in a folder of its own (:func:`compare_uploads`). An
uploaded scenario reads no file but its own call list: ``arrivals.schedule`` must be a plain file name, the uploaded
call list's.
"""

from __future__ import annotations

import os
import shutil
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...compute import Progress
from ...errors import InputError
from .simulation import compare, simulate

SCENARIO_SUFFIX = ".toml"
"""How an uploaded scenario's name ends."""

CALL_LIST_SUFFIX = ".csv"
"""How an uploaded call list's name ends."""

MAX_SCENARIO_BYTES = 256 * 1024
"""Largest scenario TOML accepted (the shipped ones are 9 and 13 KiB)."""

MAX_CALL_LIST_BYTES = 8 * 1024 * 1024
"""Largest call list accepted (about 100,000 calls)."""


@dataclass(frozen=True)
class UploadedScenario:
    """An uploaded scenario's files, checked, as bytes (a job's work pickles them to its worker).

    Attributes
    ----------
    file
        The TOML file's name as the client sent it, composed (NFC: a macOS browser may send Hangul decomposed, and
        the document's ``file`` should equal the name as a client types it).
    text
        Its bytes.
    call_list
        The call list's name as the scenario writes it (``arrivals.schedule``), or None.
    calls
        Its bytes (empty without a call list).
    name
        The scenario's ``name``.
    """

    file: str
    text: bytes
    call_list: str | None
    calls: bytes
    name: str


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _plain_name(name: str) -> bool:
    """Whether ``name`` names a file in the folder itself (no separator, no leading dot, no ``..``)."""
    return (
        bool(name) and "/" not in name and "\\" not in name and not name.startswith(".") and ".." not in name
    )


def _stage(upload: UploadedScenario, folder: Path) -> Path:
    """Write the scenario (and its call list, under the name the scenario gives it) into a new ``folder``."""
    folder.mkdir(mode=0o700, parents=False)
    scenario = folder / upload.file
    for path, data in ((scenario, upload.text), (folder / (upload.call_list or ""), upload.calls)):
        if path == folder:
            continue
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    return scenario


def read_upload(scenario: Path, call_list: Path | None, days: float, uploads: Path) -> UploadedScenario:
    """Check an uploaded scenario TOML and its call list as the CLI would read them, and keep their bytes.

    Parameters
    ----------
    scenario
        The saved TOML file (its name is the client's).
    call_list
        The saved call list CSV, or None.
    days
        The run's days (a call list's vessels arriving in them are checked against the berths, as a run does).
    uploads
        Folder in which a scratch folder (``<uuid hex>``) is made for the check and removed after it.

    Returns
    -------
    UploadedScenario
        The files as bytes, the call list under the name the scenario gives it.

    Raises
    ------
    InputError
        One line naming the file and the field: the TOML loader's refusals (unknown field, bad value, cranes out of
        order...), a call list the scenario does not read or reads under another name, a ``schedule`` that is not a
        plain file name (an uploaded scenario reads no other file), the call list's own refusals.
    """
    from ..arrivals import generate_calls
    from ..terminal import Scenario

    text, calls = scenario.read_bytes(), call_list.read_bytes() if call_list is not None else b""
    model = Scenario.from_file(scenario)
    arrivals = model.arrivals
    given = None if call_list is None else call_list.name
    if arrivals.process != "file":
        if given is not None:
            raise InputError(
                f"{given}: the scenario {scenario.name} reads no call list (arrivals.process is "
                f"{arrivals.process!r}, not 'file')"
            )
        return UploadedScenario(_nfc(scenario.name), text, None, b"", model.name)
    named = arrivals.schedule
    if not _plain_name(named):
        raise InputError(
            f"{scenario.name}: arrivals.schedule: an uploaded scenario names its call list by file name only "
            f"(a file uploaded with it), got {named[:80]!r}"
        )
    if given is None:
        raise InputError(
            f"{scenario.name}: arrivals.schedule: the scenario reads its calls from {named!r}: upload that call "
            "list with it"
        )
    if _nfc(given) != _nfc(named):
        raise InputError(
            f"{scenario.name}: arrivals.schedule: {named!r} is not the uploaded call list {given!r}"
        )
    upload = UploadedScenario(_nfc(scenario.name), text, _nfc(named), calls, model.name)
    folder = uploads / uuid.uuid4().hex
    try:
        generate_calls(Scenario.from_file(_stage(upload, folder)), days)  # the call list's own refusals
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return upload


def simulate_upload(
    upload: UploadedScenario,
    uploads: Path,
    days: float = 30.0,
    seed: int = 0,
    replications_count: int = 1,
    warmup_days: float = 0.0,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Simulate an uploaded scenario: :func:`.simulation.simulate` on its files, written into a folder of their own.

    The folder (``uploads/<uuid hex>``) is removed afterwards, whatever happens. The document is the CLI's
    (``gwangyang port simulate --scenario FILE --json``) with ``file`` (the TOML's name) and ``call_list`` added.
    """
    folder = uploads / uuid.uuid4().hex
    try:
        document, _ = simulate(
            _stage(upload, folder), days, seed, replications_count, warmup_days, progress=progress
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {**document, "file": upload.file, "call_list": upload.call_list}


def compare_uploads(
    a: UploadedScenario,
    b: UploadedScenario,
    uploads: Path,
    days: float = 30.0,
    replications_count: int = 5,
    seed: int = 0,
    warmup_days: float = 0.0,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Compare two uploaded scenarios: :func:`.simulation.compare` on their files, each in a folder of its own.

    The folder (``uploads/<uuid hex>``, with ``a`` and ``b`` in it: two scenarios may name files alike) is removed
    afterwards, whatever happens. The document is the CLI's (``gwangyang port compare A.toml B.toml --json``) with
    ``a_file``, ``a_call_list``, ``b_file`` and ``b_call_list`` (the files' names) added.
    """
    folder = uploads / uuid.uuid4().hex
    folder.mkdir(mode=0o700, parents=False)
    try:
        document = compare(
            _stage(a, folder / "a"),
            _stage(b, folder / "b"),
            days,
            replications_count,
            seed,
            warmup_days,
            progress=progress,
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        **document,
        "a_file": a.file,
        "a_call_list": a.call_list,
        "b_file": b.file,
        "b_call_list": b.call_list,
    }
