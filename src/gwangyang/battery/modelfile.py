"""Save and load fitted models with what is needed to trust them later.

A model file is three parts: a magic line, one line of JSON (format version, model name, feature
set, training-data hash, library versions, creation time) and a pickle of the estimator. The
header is checked *before* anything is unpickled, so a file that is not ours, or one written by
another major version of gwangyang, scikit-learn or LightGBM, is refused with a one-line message.
Unpickling runs code: load only model files you trust.
"""

from __future__ import annotations

import json
import pickle
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from ..errors import ModelFileError

MAGIC = b"GWANGYANG-MODEL\n"
"""First line of every model file."""

FORMAT_VERSION = 1
"""Version of the file layout; bump on an incompatible change."""

TRACKED_LIBRARIES: tuple[str, ...] = ("gwangyang", "scikit-learn", "numpy", "lightgbm")
"""Libraries whose versions a model file records; a different major version of any is refused."""

MAX_HEADER = 1 << 20


def library_versions() -> dict[str, str | None]:
    """Installed versions of :data:`TRACKED_LIBRARIES` (None where not installed)."""
    out: dict[str, str | None] = {}
    for name in TRACKED_LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    if out["gwangyang"] is None:
        from .. import __version__

        out["gwangyang"] = __version__
    return out


def _major(version: str | None) -> str | None:
    return None if version is None else version.split(".")[0]


@dataclass
class ModelFile:
    """A loaded model and its header.

    Attributes
    ----------
    model
        The fitted estimator.
    name
        Model name (``variance``, ``discharge``...).
    feature_set
        Feature set the model expects.
    training_hash
        SHA-256 of the training data.
    versions
        Library versions at save time.
    info
        Anything else the header held (cycle pair, coverage, training cells...).
    """

    model: Any
    name: str
    feature_set: str
    training_hash: str
    versions: dict[str, str | None] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)

    def header(self) -> dict[str, Any]:
        """The JSON header, as written to the file."""
        return {
            "format": "gwangyang-model",
            "format_version": FORMAT_VERSION,
            "name": self.name,
            "feature_set": self.feature_set,
            "training_hash": self.training_hash,
            "versions": self.versions,
            "info": self.info,
        }


def save_model(
    path: str | Path,
    model: Any,
    name: str,
    feature_set: str,
    training_hash: str,
    info: dict[str, Any] | None = None,
) -> ModelFile:
    """Write a fitted model to ``path`` (written to a temporary file, then renamed into place)."""
    target = Path(path)
    record = ModelFile(
        model,
        name,
        feature_set,
        training_hash,
        library_versions(),
        {"created": datetime.now(UTC).isoformat(timespec="seconds"), **(info or {})},
    )
    header = json.dumps(record.header(), separators=(",", ":")).encode()
    temporary = target.with_name(target.name + ".part")
    try:
        with temporary.open("wb") as handle:
            handle.write(MAGIC)
            handle.write(header + b"\n")
            pickle.dump(model, handle, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ModelFileError(f"{target}: cannot write model file ({exc.strerror or exc}).") from exc
    return record


def read_header(path: str | Path) -> dict[str, Any]:
    """Read and check a model file's header without unpickling anything."""
    source = Path(path)
    try:
        with source.open("rb") as handle:
            magic = handle.read(len(MAGIC))
            line = handle.readline(MAX_HEADER)
    except FileNotFoundError as exc:
        raise ModelFileError(f"{source}: no such model file.") from exc
    except (IsADirectoryError, PermissionError) as exc:
        raise ModelFileError(f"{source}: cannot read model file ({exc.strerror}).") from exc
    if magic != MAGIC:
        raise ModelFileError(
            f"{source}: not a gwangyang model file (it does not start with {MAGIC[:-1].decode()})."
        )
    try:
        header: dict[str, Any] = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelFileError(f"{source}: model file header is damaged.") from exc
    if not isinstance(header, dict) or header.get("format") != "gwangyang-model":
        raise ModelFileError(f"{source}: model file header is damaged.")
    if header.get("format_version") != FORMAT_VERSION:
        raise ModelFileError(
            f"{source}: model file format {header.get('format_version')}; this gwangyang reads format {FORMAT_VERSION}."
        )
    saved = header.get("versions") or {}
    current = library_versions()
    for library in TRACKED_LIBRARIES:
        was, now = saved.get(library), current.get(library)
        if was is None:
            continue
        if now is None:
            raise ModelFileError(f"{source}: model was saved with {library} {was}, which is not installed.")
        if _major(was) != _major(now):
            raise ModelFileError(
                f"{source}: model was saved with {library} {was}; major version {_major(now)} is installed "
                f"({now}); refit the model."
            )
    return header


def load_model(path: str | Path) -> ModelFile:
    """Load a model file written by :func:`save_model`.

    Raises
    ------
    ModelFileError
        Not a model file of ours, a damaged one, or one from another major version.
    """
    import warnings

    source = Path(path)
    header = read_header(source)
    with source.open("rb") as handle:
        handle.read(len(MAGIC))
        handle.readline(MAX_HEADER)
        try:
            with warnings.catch_warnings():
                # scikit-learn warns on minor-version differences; the header check covers majors.
                warnings.simplefilter("ignore")
                model = pickle.load(handle)
        except Exception as exc:  # a damaged pickle can raise almost anything
            raise ModelFileError(f"{source}: model data is damaged ({type(exc).__name__}).") from exc
    return ModelFile(
        model,
        str(header.get("name")),
        str(header.get("feature_set")),
        str(header.get("training_hash")),
        dict(header.get("versions") or {}),
        dict(header.get("info") or {}),
    )
