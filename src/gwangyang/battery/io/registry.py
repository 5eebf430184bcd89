"""Detect a cycler file's format from its content and read it with the right reader."""

from __future__ import annotations

import os
from pathlib import Path

from ...errors import CorruptFileError, GwangyangError, InputError, UnknownFormatError, one_line
from ..schema import WARNINGS_ATTR, CyclerData, warning
from .base import Reader, looks_binary, read_head
from .textnul import bare_utf16, nul_free_heads, refuse_nul, refuse_utf16_nul, utf16_codec, utf16_head
from .texttail import Tail, cut_tail

_READERS: list[Reader] = []
_COMPANION_SUFFIXES = ("_metadata.csv",)


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


def detect(path: str | os.PathLike[str]) -> Reader:
    """Find the reader for a file by looking at its content.

    Parameters
    ----------
    path
        A cycler file.

    Returns
    -------
    Reader
        The first reader whose ``can_load`` accepts the file.

    Raises
    ------
    InputError
        The file does not exist, is empty, or no reader recognises it. A text export with NUL in its head (which
        makes it look binary) that a reader recognises without them is refused as damaged at the NUL's line, as
        a NUL later in the file is (:mod:`.textnul`). A UTF-16 head (byte-order mark) is looked at as text; one
        without its mark (every other byte zero) is refused as such, not as NUL damage.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file.")
    head = read_head(path)
    if not head:
        raise CorruptFileError(f"{path}: file is empty.")
    codec = utf16_codec(head)
    if codec is not None:
        head = utf16_head(head, codec)
    if found := _recognise(path, head):
        return found
    if codec is None and (bare := bare_utf16(head)) is not None:
        raise UnknownFormatError(
            f"{path}: looks like {bare.upper()} text with no byte-order mark (every other byte zero): the readers "
            'need the mark to read UTF-16; save it as UTF-8, or as UTF-16 with its mark (Excel\'s "Unicode text").'
        )
    if b"\x00" in head and any(_recognise(path, h) for h in nul_free_heads(head) if not looks_binary(h)):
        if codec is None:
            refuse_nul(path, head.index(b"\x00"))
        refuse_utf16_nul(path, path.read_bytes())
    kind = "binary" if looks_binary(head) else "text"
    raise UnknownFormatError(
        f"{path}: unknown cycler format ({kind} file not recognised as Arbin, Maccor, Neware, BioLogic, "
        "Novonix or Basytec; use --column-map for another cycler)."
    )


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
    path = Path(path)
    if path.is_file() and read_head(path, 2) in _UTF16_BOMS:
        return _read_utf16(path, vendor, column_map)
    if column_map is not None:
        from .generic import ColumnMapReader

        reader: Reader = ColumnMapReader.from_file(column_map)
    elif vendor is None:
        reader = detect(path)
    else:
        matches = [r for r in readers() if r.name == vendor]
        if not matches:
            names = ", ".join(sorted({r.name for r in readers()}))
            raise InputError(f"vendor: expected one of {names}, got {vendor!r}.")
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
    carried = data.timeseries.attrs.pop(WARNINGS_ATTR, [])
    data.warnings.extend(w for w in carried if w not in data.warnings)
    return data


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
"""Excel's "Unicode text" and some Windows tools write UTF-16 with a byte-order mark."""


def _read_utf16(path: Path, vendor: str | None, column_map: str | os.PathLike[str] | None) -> CyclerData:
    """Read a UTF-16 text export through a UTF-8 copy in a scratch folder (companions copied)."""
    import shutil
    import tempfile

    raw = path.read_bytes()
    refuse_utf16_nul(path, raw)  # a NUL (zero code unit) would be cut short at by pandas, as in UTF-8
    try:
        text = raw.decode("utf-16")
    except UnicodeDecodeError as exc:
        raise CorruptFileError(
            f"{path}: starts as UTF-16 text but does not decode as such ({exc.reason})."
        ) from None
    with tempfile.TemporaryDirectory(prefix="gwangyang-utf16-") as scratch:
        copy = Path(scratch) / path.name
        copy.write_text(text, encoding="utf-8")
        for companion in path.parent.glob(f"{path.stem}*"):
            if companion != path and is_companion(companion):
                shutil.copy(companion, Path(scratch) / companion.name)
        try:
            data = read_cycler(copy, vendor, column_map)
        except GwangyangError as exc:  # the scratch folder, not the file's own (its companions too)
            raise type(exc)(str(exc).replace(scratch, str(path.parent))) from None
        for note in [*data.warnings, *data.timeseries.attrs.get(WARNINGS_ATTR, [])]:
            note["detail"] = note["detail"].replace(scratch, str(path.parent))
    data.source = path
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
