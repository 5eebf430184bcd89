"""Which files form which test: cycler files found in the paths given, grouped into cells.

Companion files (a vendor's metadata beside its data), documentation and hidden files are skipped (a companion
is read with its data file; one that no data file given reads is named in an ``orphan_companion`` warning, see
:func:`companion_warnings`); files whose names differ only by a trailing date or part marker are parts of one test.
"""

from __future__ import annotations

import glob
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import GwangyangError, InputError, UnknownFormatError
from . import schema as s
from .io.base import safe_cell_id
from .io.registry import detect, is_companion
from .stitch import stitch_key

DOCUMENTATION_SUFFIXES = frozenset({".md", ".rst", ".pdf", ".png", ".jpg", ".jpeg", ".html"})
"""Suffixes of files in a data folder that describe the data rather than hold it."""


def is_documentation(path: Path) -> bool:
    """Whether a file found in a folder is documentation (a README, a picture), not cycler data."""
    return path.suffix.lower() in DOCUMENTATION_SUFFIXES or path.stem.upper() == "README"


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and files found recursively in folders named, less companions, documentation and hidden files.

    Raises
    ------
    InputError
        A path does not exist.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(p.startswith(".") for p in child.relative_to(path).parts)
                if child.is_file() and not hidden and not is_companion(child) and not is_documentation(child):
                    found.append(child)
        elif path.is_file():
            if not is_companion(path):
                found.append(path)
        else:
            raise InputError(f"{path}: no such file or folder.")
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


def _named(companion: Path) -> list[Path]:
    """The files beside a companion named after it (``<stem>.*`` of its ``<stem>_metadata.csv``), sorted."""
    base = companion.name[: -len("_metadata.csv")]
    return sorted(
        p for p in companion.parent.glob(f"{glob.escape(base)}.*") if p.is_file() and p.stem == base
    )


def _read_with(companion: Path) -> tuple[list[Path], list[Path], list[Path]]:
    """The files beside a companion named after it, those whose reader reads it with them, those no reader knows.

    A file no reader knows is refused naming the companion (:func:`.io.registry.detect`).

    A companion is ``<stem>`` + ``_metadata.csv`` in any case; a reader that reads one has ``companion_of``.
    """
    named = _named(companion)
    reading, unknown = [], []
    for path in named:
        try:
            reader = detect(path)
        except UnknownFormatError:
            unknown.append(path)
            continue
        except GwangyangError:
            continue
        look = getattr(reader, "companion_of", None)
        if look is not None and look(path) == companion:
            reading.append(path)
    return named, reading, unknown


def companion_warnings(
    paths: Iterable[str | Path], files: Sequence[Path], mapped: bool = False
) -> list[dict[str, str]]:
    """An ``orphan_companion`` warning for each companion found that no data file of ``files`` reads.

    Parameters
    ----------
    paths
        The files and folders given (as to :func:`discover`).
    files
        The data files found in them (:func:`discover`'s answer).
    mapped
        The files are read with a column map: a companion whose data file was given is left to the map's reader,
        which reads it or says why not (:func:`.io.map_companions.read_map_companions`).

    Returns
    -------
    list of dict
        One warning per companion that no data file beside it reads (none of its name, or one whose reader looks
        for another name, ``_Metadata.csv`` against ``_metadata.csv``), or whose data file was not given. A
        companion whose data file was given but no reader knows is named in that file's refusal instead.
    """
    given = {p.resolve() for p in files}
    notes = []
    for companion in _companions(paths):
        if mapped and any(p.resolve() in given for p in _named(companion)):
            continue
        named, reading, unknown = _read_with(companion)
        if not reading and any(p.resolve() in given for p in unknown):
            continue  # the data file's refusal (no reader knows it) names its companion
        if not reading:
            beside = ", ".join(p.name for p in named) or "none"
            detail = (
                f"{companion.name}: a companion (metadata) file that no data file beside it reads (files of its "
                f"name: {beside}; an Arbin CSV reads <stem>_Metadata.csv, a Novonix export <stem>_metadata.csv); "
                "not read"
            )
        elif not any(p.resolve() in given for p in reading):
            names = ", ".join(p.name for p in reading)
            detail = (
                f"{companion.name}: a companion (metadata) file, read with its data file ({names}), which was not "
                "given; not read on its own"
            )
        else:
            continue
        notes.append(s.warning("orphan_companion", detail, companion))
    return notes


def _companions(paths: Iterable[str | Path]) -> list[Path]:
    """Companion files named, and found in folders named (hidden ones apart), each once."""
    found: dict[Path, Path] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(p.startswith(".") for p in child.relative_to(path).parts)
                if child.is_file() and not hidden and is_companion(child):
                    found.setdefault(child.resolve(), child)
        elif path.is_file() and is_companion(path):
            found.setdefault(path.resolve(), path)
    return list(found.values())


def _full_key(path: Path) -> str:
    return safe_cell_id(f"{path.stem}_{path.suffix.lstrip('.')}") if path.suffix else safe_cell_id(path.stem)


def is_multipart(members: Sequence[Path]) -> bool:
    """True when files are named as parts of one test (a trailing date or part marker)."""
    return any(stitch_key(p) != safe_cell_id(p.stem) for p in members)


def group_files(files: Sequence[Path], cell_id: str | None = None) -> dict[str, list[Path]]:
    """Group files into tests.

    Files in one folder whose names differ only by a trailing date or part marker (see
    :func:`~gwangyang.battery.stitch.stitch_key`) are one test. Any other file is a test of its own,
    named by its stem, or by its stem and suffix where two files share a stem (``test.nda`` and
    ``test.ndax`` are two tests). Names repeated across folders get the folder's name in front.
    """
    if cell_id is not None:
        return {safe_cell_id(cell_id): list(files)}
    by_key: dict[tuple[Path, str], list[Path]] = defaultdict(list)
    for path in files:
        key = stitch_key(path)
        if key == safe_cell_id(path.stem):
            key = _full_key(path)  # no marker: a test of its own, for now keyed by its full name
        by_key[(path.resolve().parent, key)].append(path)
    # Prefer the bare stem as the cell id for single files unless two files of a folder share it.
    stems: dict[tuple[Path, str], int] = defaultdict(int)
    for (folder, _key), members in by_key.items():
        if len(members) == 1:
            stems[(folder, safe_cell_id(members[0].stem))] += 1
    named: dict[tuple[Path, str], str] = {}
    for (folder, key), members in by_key.items():
        stem = safe_cell_id(members[0].stem)
        if len(members) == 1 and key == _full_key(members[0]):
            named[(folder, key)] = stem if stems[(folder, stem)] == 1 else key
        else:
            named[(folder, key)] = key
    counts: dict[str, int] = defaultdict(int)
    for name in named.values():
        counts[name] += 1
    groups: dict[str, list[Path]] = {}
    for (folder, key), members in by_key.items():
        name = named[(folder, key)]
        groups[name if counts[name] == 1 else safe_cell_id(f"{folder.name}_{name}")] = members
    return groups
