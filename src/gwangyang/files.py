"""Files the platform reads and writes: input with one-line errors, atomic writes, JSON-ready values.

* :func:`read_bytes` and :func:`read_text`: the content of a file a user gives, a missing, unreadable or
  non-UTF-8 file (or a folder) being a one-line error that names it;
* :func:`read_toml`: the tables of a TOML file a user gives (scenarios, instances, spaces, rules, configs);
* :func:`atomic_write`: write a file so that a reader sees the old or the new version, never half of one;
* :func:`jsonable`: a value made JSON-ready (NaN and infinities become null; numpy, pandas and paths become
  plain values), the one encoder behind every JSON document the CLI, the API and the store write.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import threading
import tomllib
import uuid
import zlib
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .errors import CorruptFileError, InputError, one_line


def read_bytes(path: str | Path, what: str = "file") -> bytes:
    """The content of a file a user gives.

    Parameters
    ----------
    path
        The file.
    what
        What the file should be, for the message when ``path`` is a folder ("problem file"...).

    Raises
    ------
    InputError
        The file is missing, is a folder, or cannot be read (permissions, a symlink loop...); the message
        names the file.
    """
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: file not found") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a folder, expected a {what}") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from exc


def read_text(path: str | Path, what: str = "file", errors: str = "strict") -> str:
    """The UTF-8 text of a file a user gives (gunzipped first where its name ends in ``.gz``).

    Parameters
    ----------
    path
        The file.
    what
        What the file should be, for messages ("problem file"...).
    errors
        How bytes that are not UTF-8 are decoded (as :meth:`bytes.decode`): ``"strict"`` refuses the file,
        ``"replace"`` reads them as U+FFFD.

    Raises
    ------
    InputError
        As :func:`read_bytes`.
    CorruptFileError
        ``errors="strict"`` and the file is not UTF-8 text; the message names the file and the offset (from 0)
        and line (from 1) of the first bad byte. A ``.gz`` file that is truncated or not gzip.
    """
    raw = read_bytes(path, what)
    if str(path).lower().endswith(".gz"):
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:  # BadGzipFile is an OSError
            raise CorruptFileError(
                f"{path}: not a complete gzip file ({exc}), expected a gzipped {what}"
            ) from exc
    try:
        return raw.decode("utf-8", errors=errors)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise CorruptFileError(
            f"{path}: not UTF-8 text (byte {exc.start}, line {line}: {exc.reason}), expected a {what} in UTF-8"
        ) from exc


def read_toml(path: str | Path, what: str) -> dict[str, Any]:
    """The tables of a TOML file.

    Parameters
    ----------
    path
        The file.
    what
        What the file is, for messages ("scenario", "space"...).

    Raises
    ------
    InputError
        The file is missing, unreadable, or is not UTF-8 TOML; the message names the file.
    """
    path = Path(path)
    if not path.exists() or path.is_dir():
        raise InputError(f"{path}: no such {what} file.")
    raw = read_bytes(path, f"{what} file")  # unreadable (permissions, a symlink loop): one line too
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(one_line(f"{path}: not a TOML {what} file (not valid TOML: {exc}).")) from None


def atomic_write(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    The folder is created if missing. Readers see either the previous file or the complete new one;
    two writers never share a temporary file (its name carries the process, thread and a random part).

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        if isinstance(data, bytes):
            tmp.write_bytes(data)
        else:
            tmp.write_text(data, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


_SCALARS = frozenset({bool, str, int, float, type(None)})
"""Types a JSON document holds as they are (a float only where finite)."""


def _scalars(value: list[Any] | tuple[Any, ...]) -> list[Any] | None:
    """A list or tuple of plain scalars made JSON-ready without a call per item; None when it holds anything else.

    The types are gathered at C speed; non-finite floats are found by numpy in one pass and only they are
    replaced (10⁶ floats with a NaN: ~50 ms, against ~0.2 s through :func:`jsonable` item by item).
    """
    kinds = set(map(type, value))
    if not kinds <= _SCALARS:
        return None
    if float not in kinds:
        return list(value)
    if kinds != {float}:
        return [None if type(v) is float and not math.isfinite(v) else v for v in value]
    first = value[0]
    if first is value[-1] and first != 0.0 and value.count(first) == len(value):
        # one float repeated (a control limit): equal non-zero floats have equal bits (0.0 == -0.0 does not)
        return [first if math.isfinite(first) else None] * len(value)
    import numpy as np

    out = list(value)
    for index in np.flatnonzero(~np.isfinite(np.array(out, dtype=np.float64))).tolist():
        out[index] = None
    return out


def _array(value: Any) -> Any:
    """A numpy array of numbers as nested lists, NaN and infinities None; None for arrays of other kinds."""
    import numpy as np

    if value.dtype.kind in "iub":
        return value.tolist()
    if value.dtype.kind != "f" or value.dtype.itemsize > 8:  # a long double's items are no Python floats
        return None
    if value.ndim == 0:
        return jsonable(value.item())
    finite = np.isfinite(value)
    if finite.all():
        return value.tolist()
    cells = value.astype(object)
    cells[~finite] = None
    return cells.tolist()


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON types: NaN and infinities become None; numpy scalars and arrays, pandas timestamps, dates, paths and tuples become their JSON counterparts; anything else unknown becomes its ``str``.

    Lists of plain scalars and numpy arrays of numbers are converted in one pass each (:func:`_scalars`,
    :func:`_array`); the answer is the item-by-item one (``tests/test_files_jsonable.py``).
    """
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        fast = _scalars(value)
        return fast if fast is not None else [jsonable(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy is a dependency
        return str(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return jsonable(float(value))
    if isinstance(value, np.ndarray):
        fast = _array(value)
        return fast if fast is not None else jsonable(value.tolist())
    if hasattr(value, "isoformat"):  # pandas.Timestamp
        return str(value.isoformat())
    if hasattr(value, "to_dict"):
        return jsonable(value.to_dict())
    return str(value)


def dumps(value: Any, indent: int | None = None) -> str:
    """Strict JSON text of ``jsonable(value)`` (no NaN)."""
    separators = None if indent is not None else (",", ":")
    return json.dumps(
        jsonable(value), allow_nan=False, indent=indent, separators=separators, ensure_ascii=False
    )


def write_json(path: str | Path, value: Any, indent: int | None = None) -> Path:
    """Write ``value`` as strict JSON, atomically (see :func:`atomic_write`)."""
    return atomic_write(path, dumps(value, indent))


def read_json(path: str | Path) -> Any:
    """The JSON document in ``path`` (raises ``OSError`` or ``ValueError`` as :func:`json.loads` does)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))
