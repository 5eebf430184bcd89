"""A routing problem file read and checked before it is solved: ours (``.toml``/``.json``), VRPLIB or Solomon.

:func:`read_route_file` is what ``gwangyang routes solve FILE`` and the upload endpoint read, with a ``.sol`` to
score against. A problem that comes from a request (an upload, a JSON body) may not name other files
(:func:`refuse_named_files`): their paths would be resolved on the server.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import CorruptFileError, InputError, UnknownFormatError


@dataclass(frozen=True)
class RouteFile:
    """A routing problem file read and checked, ready to solve.

    Attributes
    ----------
    name
        The file's name as the user gave it (the result's ``file``; None for a problem sent as a table).
    instance
        The :class:`~gwangyang.logistics.instance.Instance`.
    problem
        Our :class:`~gwangyang.logistics.problem.RoutingProblem` (``.toml``/``.json``), else None.
    best_known
        What a ``.sol`` given with it says (:func:`~gwangyang.logistics.vrplib_io.solution_score`), else None.
    """

    name: str | None
    instance: Any
    problem: Any = None
    best_known: dict[str, Any] | None = None


def read_route_file(
    path: Path, name: str | None = None, solution: Path | None = None, named_files: bool = True
) -> RouteFile:
    """Read a routing problem file (ours, VRPLIB or Solomon) and, if given, a ``.sol`` to score the result against.

    ``name`` is the file's name as the user knows it (default ``path.name``). Every error names the file.
    ``named_files`` False (an upload): our problem file may not name matrix or appointment files
    (:func:`refuse_named_files`).

    Raises
    ------
    InputError
        A malformed file (:class:`~gwangyang.errors.CorruptFileError`, also for content that is no routing file),
        a ``.sol`` with our problem file or one that visits locations the instance lacks.
    """
    from .vrplib_io import solution_score

    shown = name or path.name
    if not named_files and path.suffix.lower() in (".toml", ".json"):
        from ..files import read_text

        try:
            text = read_text(path, "problem file")
            data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
        except (InputError, tomllib.TOMLDecodeError, json.JSONDecodeError):
            data = None  # read_problem below refuses it with the reader's message
        if isinstance(data, dict):
            refuse_named_files(data, f"{shown}: ")
    try:
        instance, problem = read_problem(path)
    except UnknownFormatError as exc:  # a file of a routing suffix whose content is none of them: a bad file
        raise CorruptFileError(str(exc)) from exc
    best = None if solution is None else solution_score(instance, path, solution)
    return RouteFile(shown, instance, problem, best)


def refuse_named_files(data: dict[str, Any], where: str) -> None:
    """Refuse a problem from a request that names other files (matrices, gate appointments).

    A request never makes the server read a file it names: such a path would be resolved on the server.
    ``where`` starts each message (an uploaded file's name and ``": "``, or nothing).
    """
    settings = data.get("settings")
    if isinstance(settings, dict):
        for key in ("distance_matrix", "duration_matrix"):
            if key in settings:
                raise InputError(
                    f"{where}settings.{key}: matrix files cannot be named in a request (use coordinates)"
                )
    if "appointments" in data:
        raise InputError(
            f"{where}appointments: a gate appointments file cannot be named in a request (give each "
            "shipment's window)"
        )


def read_problem(path: Path) -> tuple[Any, Any]:
    """The instance of a problem file (ours, VRPLIB or Solomon) and its problem (ours only, else None)."""
    from .vrplib_io import read_instance

    problem = None
    if path.suffix.lower() in (".toml", ".json"):
        from .problem import RoutingProblem

        problem = RoutingProblem.from_file(path)
        return problem.to_instance(), problem
    return read_instance(path), problem
