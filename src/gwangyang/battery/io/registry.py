"""Detect a cycler file's format from its content and read it with the right reader."""

from __future__ import annotations

import glob
import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ...errors import CorruptFileError, GwangyangError, InputError, UnknownFormatError, one_line
from ...written import as_written
from ..schema import WARNINGS_ATTR, CyclerData, warning
from .base import Reader, looks_binary, read_head
from .map_utf16 import map_utf16
from .textnul import nul_free_heads, refuse_nul, refuse_utf16_nul
from .texttail import Tail, cut_tail
from .textutf16 import Utf16, decode_utf16, refuse_shift, utf16_encoding, utf16_text_head

if TYPE_CHECKING:
    from .column_map import ColumnMap

_READERS: list[Reader] = []
_COMPANION_SUFFIXES = ("_metadata.csv",)

COLUMN_MAP_HINT = "use --column-map for another cycler"
"""How the refusal of a file no reader knows tells a CLI user to give a column map (:func:`detect`'s ``hint``)."""

UPLOAD_COLUMN_MAP_HINT = "upload a column map (.toml) with the file for another cycler"
"""The same for an API or page user, whose upload takes a map among its files (``POST /api/v1/battery/uploads``)."""


def register(reader: Reader) -> Reader:
    """Add a reader to the registry (later registrations are tried first)."""
    _READERS.insert(0, reader)
    return reader


def readers() -> list[Reader]:
    """The registered readers, in the order they are tried."""
    _load_builtin()
    return list(_READERS)


_LOADED = False


def _load_builtin() -> None:
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    from . import builtin

    for reader in builtin.READERS:
        _READERS.append(reader)


def is_companion(path: Path) -> bool:
    """True for files that belong to another file and are read with it (Arbin/Novonix ``*_Metadata.csv``)."""
    return path.name.lower().endswith(_COMPANION_SUFFIXES)


def companions_of(path: Path) -> list[Path]:
    """The companion files beside a data file, named after it (``<stem>_metadata.csv`` in any case), sorted."""
    names = {f"{path.stem}{suffix}".lower() for suffix in _COMPANION_SUFFIXES}
    return sorted(
        p
        for p in path.parent.glob(f"{glob.escape(path.stem)}_*")
        if p.name.lower() in names and p.is_file() and p != path
    )


def detect(path: str | os.PathLike[str], hint: str = COLUMN_MAP_HINT) -> Reader:
    """Find the reader for a file by looking at its content.

    Parameters
    ----------
    path
        A cycler file.
    hint
        How the refusal of a file no reader knows says to give a column map: :data:`COLUMN_MAP_HINT` (the CLI's
        option) or :data:`UPLOAD_COLUMN_MAP_HINT` (an upload's map).

    Returns
    -------
    Reader
        The first reader whose ``can_load`` accepts the file.

    Raises
    ------
    InputError
        The file does not exist, is empty, or no reader recognises it (naming its companions, which are then not
        read either: :func:`companions_of`). A text export with NUL in its head (which
        makes it look binary) that a reader recognises without them is refused as damaged at the NUL's line, as
        a NUL later in the file is (:mod:`.textnul`). A UTF-16 head, with its byte-order mark or without it
        (:func:`.textutf16.utf16_encoding`), is looked at as text.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file.")
    head = read_head(path)
    if not head:
        raise CorruptFileError(f"{path}: file is empty.")
    utf16 = _utf16(path, head)
    if utf16 is not None:
        head = utf16_text_head(head, utf16)
    if found := _recognise(path, head):
        return found
    if b"\x00" in head and any(_recognise(path, h) for h in nul_free_heads(head) if not looks_binary(h)):
        if utf16 is None:
            refuse_nul(path, head.index(b"\x00"))
        else:
            refuse_utf16_nul(path, path.read_bytes(), utf16.codec, utf16.start)
    kind = "binary" if looks_binary(head) else "text"
    unknown = (
        f"{path}: unknown cycler format ({kind} file not recognised as Arbin, Maccor, Neware, BioLogic, "
        "Novonix or Basytec"
    )
    message = f"{unknown}; {hint})"
    for companion in companions_of(path):  # named here, not in an orphan_companion warning of its own
        message += f"; its companion (metadata) file {companion.name} is not read either"
    raise UnknownFormatError(message + ".")


def _utf16(path: Path, head: bytes) -> Utf16 | None:
    """How a file is read as UTF-16 text (:func:`.textutf16.utf16_encoding`); None for other files.

    A head without a byte-order mark that a reader recognises as it is (a binary format) is not UTF-16 text.
    """
    found = utf16_encoding(head)
    if found is not None and found.inferred and _recognise(path, head) is not None:
        return None
    return found


def _recognise(path: Path, head: bytes) -> Reader | None:
    """The first reader whose ``can_load`` accepts ``head``, or None."""
    for reader in readers():
        try:
            if reader.can_load(path, head):
                return reader
        except Exception:  # a content check must never take the detection down
            continue
    return None


def read_cycler(
    path: str | os.PathLike[str],
    vendor: str | None = None,
    column_map: str | os.PathLike[str] | None = None,
) -> CyclerData:
    """Read one cycler file into the canonical schema, without a store.

    Parameters
    ----------
    path
        The file.
    vendor
        Force a reader by name instead of detecting it.
    column_map
        A TOML column-map file for the generic CSV reader (any other cycler); overrides detection.

    Returns
    -------
    CyclerData
        The canonical time series and the file's metadata.

    Raises
    ------
    InputError
        The file is missing, of an unknown format, or broken; the message names the file.
    """
    cmap = None
    if column_map is not None:
        from .column_map import ColumnMap

        cmap = ColumnMap.from_file(column_map)
    return _read(Path(path), vendor, cmap)


def _read(path: Path, vendor: str | None, cmap: ColumnMap | None) -> CyclerData:
    """:func:`read_cycler` with its column map loaded (None: none)."""
    if path.is_file():
        utf16, inferred = _utf16(path, read_head(path)), False
        if cmap is not None:  # its file.encoding must agree with the file's (map_utf16)
            utf16, inferred = map_utf16(path, utf16, cmap.encoding, cmap.encoding_given, cmap.origin)
        elif utf16 is not None:
            inferred = utf16.inferred
        if utf16 is not None:
            return _read_utf16(path, utf16, inferred, vendor, cmap)
    if cmap is not None:
        from .generic import ColumnMapReader

        reader: Reader = ColumnMapReader(cmap)
    elif vendor is None:
        reader = detect(path)
    else:
        matches = [r for r in readers() if r.name == vendor]
        if not matches:
            names = ", ".join(sorted({r.name for r in readers()}))
            raise InputError(f"vendor: expected one of {names}, got {as_written(vendor)}.")
        reader = matches[0]
    cut = cut_tail(path)
    try:
        data = reader.read(path) if cut is None else _read_cut(reader, path, cut)
    except GwangyangError:
        raise
    except MemoryError:
        raise
    except Exception as exc:
        raise CorruptFileError(
            one_line(f"{path}: not a readable {reader.name} file ({type(exc).__name__}: {exc}).")
        ) from exc
    if cut is not None:
        data.warnings.append(warning("truncated_file", cut.detail(), path))
    if cmap is not None:  # a companion beside it: read as its cycler reads it, or said unread
        from .map_companions import read_map_companions

        read_map_companions(data, path, cmap, companions_of(path))
    carried = data.timeseries.attrs.pop(WARNINGS_ATTR, [])
    data.warnings.extend(w for w in carried if w not in data.warnings)
    return data


def _read_utf16(
    path: Path, utf16: Utf16, inferred: bool, vendor: str | None, cmap: ColumnMap | None
) -> CyclerData:
    """Read a UTF-16 text export through a UTF-8 copy in a scratch folder (companions copied).

    Excel's "Unicode text" and some Windows tools write UTF-16 with a byte-order mark, others without one: the
    byte order is then inferred (:func:`.textutf16.bare_utf16`) and a ``text_encoding`` warning says so
    (``inferred``). A column map reads the copy as UTF-8: the file is decoded once, here, as its ``file.encoding``
    says (:func:`.map_utf16.map_utf16`).
    """
    import shutil
    import tempfile

    raw = path.read_bytes()
    refuse_shift(path, raw, utf16)  # a stray byte: named where the characters go out of place
    # a NUL (zero code unit) would be cut short at by pandas, as in UTF-8
    refuse_utf16_nul(path, raw, utf16.codec, utf16.start)
    text = decode_utf16(path, raw, utf16)
    with tempfile.TemporaryDirectory(prefix="gwangyang-utf16-") as scratch:
        copy = Path(scratch) / path.name
        copy.write_text(text, encoding="utf-8")
        for companion in path.parent.glob(f"{path.stem}*"):
            if companion != path and is_companion(companion):
                shutil.copy(companion, Path(scratch) / companion.name)
        try:
            data = _read(copy, vendor, None if cmap is None else replace(cmap, encoding="utf-8"))
        except GwangyangError as exc:  # the scratch folder, not the file's own (its companions too)
            raise type(exc)(str(exc).replace(scratch, str(path.parent))) from None
        for note in [*data.warnings, *data.timeseries.attrs.get(WARNINGS_ATTR, [])]:
            note["detail"] = note["detail"].replace(scratch, str(path.parent))
    data.source = path
    if inferred:
        detail = (
            f"read as {utf16.codec.upper()}: the file has no byte-order mark; its encoding was inferred from its "
            "bytes (a zero byte beside each ASCII character, "
            f"{'after' if utf16.codec == 'utf-16-le' else 'before'} it)"
        )
        data.warnings.insert(0, warning("text_encoding", detail, path))
    return data


def _read_cut(reader: Reader, path: Path, cut: Tail) -> CyclerData:
    """Read a file less its unterminated last line, through a copy in a scratch folder (companions copied).

    A refusal of the copy names the file itself, and says that it ends inside that line.
    """
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory(prefix="gwangyang-cut-") as scratch:
        copy = Path(scratch) / path.name
        with open(path, "rb") as source, open(copy, "wb") as target:
            remaining = cut.keep
            while remaining > 0:
                block = source.read(min(remaining, 1 << 20))
                if not block:
                    break
                target.write(block)
                remaining -= len(block)
        for companion in path.parent.glob(f"{path.stem}*"):
            if companion != path and is_companion(companion):
                shutil.copy(companion, Path(scratch) / companion.name)
        try:
            data = reader.read(copy)
        except GwangyangError as exc:
            told = one_line(str(exc).replace(scratch, str(path.parent)))  # the companions' folder too
            raise type(exc)(
                f"{told} ({path.name} looks truncated too: it ends inside line {cut.line} with no line break.)"
            ) from None
        for note in [*data.warnings, *data.timeseries.attrs.get(WARNINGS_ATTR, [])]:
            note["detail"] = note["detail"].replace(scratch, str(path.parent))
    data.source = path
    return data
