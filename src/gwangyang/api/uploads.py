"""Size-limited streaming of multipart uploads to disk inside the store.

The request body is parsed as it arrives (``python-multipart``'s push parser) and each file part is
written straight to ``<store>/uploads/<id>/<name>``: an upload is never held whole in memory.
File names are checked, never cleaned up silently: a name with a path separator, a leading dot or
``..`` is refused. Files are written without execute permission and only ever read as data.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from fastapi import Request

from ..errors import InputError

DEFAULT_MAX_UPLOAD_BYTES = 200 * 1024 * 1024
"""Largest request body accepted by default (200 MiB)."""

MAX_FIELD_BYTES = 4096
MAX_FILES = 100

MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
"""Largest total a zip-based upload (``.xlsx``, ``.ndax``) may expand to (1 GiB)."""
MAX_ZIP_RATIO = 50.0
"""Largest expansion of a zip-based upload beyond :data:`ZIP_RATIO_FLOOR`; real cycler exports
expand 5-8 times (CALCE and recycling ``.xlsx`` of ../shared/data), a decompression bomb hundreds."""
ZIP_RATIO_FLOOR = 16 * 1024 * 1024
"""Below this many expanded bytes any ratio is accepted."""
MAX_ZIP_MEMBERS = 10_000


def check_archive(path: Path, name: str | None = None) -> None:
    """Refuse a zip-based file (``.xlsx``, ``.ndax``...) that would expand past the limits when read.

    The sizes are the ones the archive declares; Python's ``zipfile``, which every reader here
    uses, never returns more than a member's declared size, so they bound what a reader inflates.

    Raises
    ------
    UploadError
        413 when the archive would expand past :data:`MAX_UNCOMPRESSED_BYTES`, or more than
        :data:`MAX_ZIP_RATIO` times its size (beyond :data:`ZIP_RATIO_FLOOR`), or has too many members.
    """
    import zipfile

    shown = name or path.name
    with path.open("rb") as handle:
        if handle.read(4) != b"PK\x03\x04":
            return
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a readable archive: the reader says what is wrong with it
    if len(members) > MAX_ZIP_MEMBERS:
        raise UploadError(f"{shown}: an archive of {len(members)} members; at most {MAX_ZIP_MEMBERS}.", 413)
    expanded = sum(max(member.file_size, 0) for member in members)
    packed = max(path.stat().st_size, 1)
    if expanded > MAX_UNCOMPRESSED_BYTES or (
        expanded > ZIP_RATIO_FLOOR and expanded > MAX_ZIP_RATIO * packed
    ):
        raise UploadError(
            f"{shown}: expands from {packed} to {expanded} bytes, over the limits "
            f"({MAX_ZIP_RATIO:.0f} times, {MAX_UNCOMPRESSED_BYTES} bytes); refused as a possible decompression bomb.",
            413,
        )


_UPLOAD_FOLDER = re.compile(r"[^\s'\"]*\buploads/[0-9a-f]{32}/(?:[a-z_]{1,20}/)?")


def hide_upload_folder(message: str) -> str:
    """``message`` with each uploaded file named as the client named it, without ``<store>/uploads/<id>/``.

    A reader's error names the file by its path; the folder an upload was saved in is the server's business.
    """
    return _UPLOAD_FOLDER.sub("", message)


def scrub_paths(message: str, root: str) -> str:
    """``message`` without the server's folders: upload folders (:func:`hide_upload_folder`) and the store's ``root``.

    A path below the store is named from the store (``cells/x.parquet``); the store itself is "the store", or
    nothing where the message already says "store" before it (``not in store <root>.`` reads ``not in store.``,
    as the API's own refusals say it).
    """
    message = hide_upload_folder(message).replace(root + os.sep, "")
    message = re.sub(r"\bstore " + re.escape(root) + r"(?![\w/\\])", "store", message)
    return message.replace(root, "the store")


class UploadError(InputError):
    """An upload that is refused; ``status_code`` is the HTTP status to answer with."""

    def __init__(self, message: str, status_code: int = 400) -> None:
        super().__init__(message)
        self.status_code = status_code


@dataclass
class SavedUpload:
    """Files of one upload, saved in their own folder.

    Attributes
    ----------
    folder
        ``<store>/uploads/<id>``.
    files
        The saved files, in the order they arrived.
    fields
        The form's text fields.
    size_bytes
        Bytes of file content received.
    parts
        Each saved file's multipart field (``files``, or one of a route's ``file_fields``).
    """

    folder: Path
    files: list[Path] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    size_bytes: int = 0
    parts: dict[Path, str] = field(default_factory=dict)

    def discard(self) -> None:
        """Delete the upload's folder."""
        shutil.rmtree(self.folder, ignore_errors=True)


def check_filename(name: str) -> str:
    """Return a client's file name if it is a plain name; refuse anything that could leave the folder.

    Raises
    ------
    UploadError
        Empty, too long, with a path separator, a NUL or control character, a leading dot, or ``..``.
    """
    if not name or len(name) > 200:
        raise UploadError(f"filename {name[:60]!r}: expected a plain file name of 1 to 200 characters.")
    if "/" in name or "\\" in name or any(ord(ch) < 32 for ch in name):
        raise UploadError(f"filename {name[:60]!r}: path separators and control characters are not allowed.")
    if name.startswith(".") or ".." in name:
        raise UploadError(
            f"filename {name[:60]!r}: names starting with '.' or containing '..' are not allowed."
        )
    return name


def multipart_form(
    fields: dict[str, str] | None = None,
    files: int | None = None,
    required: tuple[str, ...] = (),
    file_fields: dict[str, str] | None = None,
    description: str | None = None,
) -> dict[str, Any]:
    """The ``openapi_extra`` of a route that reads its upload with :func:`receive_files`.

    Such a route reads the request itself (streamed to disk), so FastAPI sees no body to declare: this
    declares it, a ``multipart/form-data`` body with the file field ``files`` and text ``fields``.

    Parameters
    ----------
    fields
        Text fields: name -> description.
    files
        How many files the route takes at most (``files`` repeated); None: up to :data:`MAX_FILES`.
    required
        Text fields that must be present (``files`` always is).
    file_fields
        File fields other than ``files`` (name -> description), each up to ``files`` files, all required; they
        replace ``files`` (:func:`receive_files` with the same names).
    description
        The ``files`` field's description; None: how many files it takes.

    Returns
    -------
    dict
        ``{"requestBody": ...}`` for the route's ``openapi_extra``.
    """
    most = MAX_FILES if files is None else files
    properties: dict[str, Any] = {
        "files": {
            "type": "array",
            "items": {"type": "string", "format": "binary"},
            "minItems": 1,
            "maxItems": most,
            "description": "The file (one)." if most == 1 else f"The files, up to {most} (repeat the field).",
        }
    }
    if description:
        properties["files"]["description"] = description
    if file_fields:
        properties = {
            name: {**properties["files"], "description": description}
            for name, description in file_fields.items()
        }
    for name, description in (fields or {}).items():
        # the limit is in UTF-8 bytes: no longer string passes, a shorter one of other scripts may not
        properties[name] = {
            "type": "string",
            "maxLength": MAX_FIELD_BYTES,
            "description": f"{description} (at most {MAX_FIELD_BYTES} bytes of UTF-8)",
        }
    schema = {
        "type": "object",
        "properties": properties,
        "required": [*(file_fields or ["files"]), *required],
    }
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": schema}}}}


def _disposition(value: bytes) -> dict[str, str]:
    from python_multipart.multipart import parse_options_header

    _kind, options = parse_options_header(value)
    return {k.decode("latin-1"): v.decode("utf-8", "replace") for k, v in options.items()}


async def receive_files(
    request: Request,
    uploads_dir: Path,
    max_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
    file_fields: tuple[str, ...] = (),
) -> SavedUpload:
    """Stream a ``multipart/form-data`` request's files into a new folder under ``uploads_dir``.

    Parameters
    ----------
    request
        The incoming request.
    uploads_dir
        ``<store>/uploads``.
    max_bytes
        Largest body accepted; a bigger one is refused with 413 (before reading, when the client
        declares its length) and whatever was written is deleted.
    file_fields
        The multipart fields files may come in, each saved in its own subfolder (so two fields may send files of
        the same name); empty: any field, all files in one folder.

    Returns
    -------
    SavedUpload
        The saved files and text fields.

    Raises
    ------
    UploadError
        Not multipart (415), too large (413), truncated or malformed (400), no file (400), bad name (400).
    """
    from python_multipart import MultipartParser
    from python_multipart.multipart import parse_options_header

    kind, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise UploadError("upload: expected a multipart/form-data body with a boundary.", 415)
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise UploadError(f"upload: {int(declared)} bytes is over the limit of {max_bytes} bytes.", 413)

    uploads_dir.mkdir(parents=True, exist_ok=True)
    saved = SavedUpload(folder=uploads_dir / uuid.uuid4().hex)
    saved.folder.mkdir(mode=0o700)
    state: dict[str, Any] = {
        "headers": {},
        "name": b"",
        "value": b"",
        "handle": None,
        "field": None,
        "ended": False,
    }

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["name"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["value"] += data[start:end]

    def on_header_end() -> None:
        state["headers"][state["name"].lower()] = state["value"]
        state["name"], state["value"] = b"", b""

    def on_headers_finished() -> None:
        disposition = _disposition(state["headers"].get(b"content-disposition", b""))
        state["headers"] = {}
        if "filename" in disposition:
            if len(saved.files) >= MAX_FILES:
                raise UploadError(f"upload: more than {MAX_FILES} files in one request.")
            name = check_filename(disposition["filename"])
            part = disposition.get("name", "")
            folder = saved.folder
            if file_fields:
                if part not in file_fields:
                    raise UploadError(
                        f"upload: file {name!r} in field {part[:40]!r}; expected fields {', '.join(file_fields)}."
                    )
                folder = saved.folder / part
                folder.mkdir(mode=0o700, exist_ok=True)
            target = folder / name
            if target in saved.files:
                where = f" in field {part!r}" if file_fields else ""
                raise UploadError(f"filename {name!r}: sent twice{where} in one upload.")
            saved.parts[target] = part
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            state["handle"] = os.fdopen(fd, "wb")
            saved.files.append(target)
        else:
            state["field"] = [disposition.get("name", ""), b""]

    def on_part_data(data: bytes, start: int, end: int) -> None:
        handle: IO[bytes] | None = state["handle"]
        if handle is not None:
            saved.size_bytes += end - start
            if saved.size_bytes > max_bytes:
                raise UploadError(f"upload: more than the limit of {max_bytes} bytes.", 413)
            handle.write(data[start:end])
        elif state["field"] is not None:
            state["field"][1] += data[start:end]
            if len(state["field"][1]) > MAX_FIELD_BYTES:
                raise UploadError(f"form field {state['field'][0]!r}: longer than {MAX_FIELD_BYTES} bytes.")

    def on_part_end() -> None:
        if state["handle"] is not None:
            state["handle"].close()
            state["handle"] = None
            check_archive(saved.files[-1])
        elif state["field"] is not None:
            saved.fields[state["field"][0]] = state["field"][1].decode("utf-8", "replace")
            state["field"] = None

    def on_end() -> None:
        state["ended"] = True

    parser = MultipartParser(
        boundary,
        callbacks={
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
            "on_end": on_end,
        },
    )
    try:
        received = 0
        async for chunk in request.stream():
            received += len(chunk)
            if received > max_bytes + 64 * 1024:  # multipart framing on top of the content limit
                raise UploadError(f"upload: more than the limit of {max_bytes} bytes.", 413)
            parser.write(chunk)
        parser.finalize()
        if not state["ended"]:
            raise UploadError("upload truncated: the body ended before the multipart end boundary.")
        if not saved.files:
            sent_as = ", ".join(repr(f) for f in file_fields or ("files",))
            raise UploadError(f"upload: no file in the request (send files as multipart field {sent_as}).")
    except UploadError:
        _close(state)
        saved.discard()
        raise
    except Exception as exc:  # python-multipart's parse errors, a client that went away
        _close(state)
        saved.discard()
        raise UploadError(f"upload: malformed multipart body ({type(exc).__name__}: {exc}).") from exc
    return saved


def _close(state: dict[str, Any]) -> None:
    if state["handle"] is not None:
        state["handle"].close()
        state["handle"] = None
