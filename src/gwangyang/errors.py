"""The only exceptions the package raises on purpose.

Every message is one line that names the file or field and what was expected, so the CLI can
print it as it is and exit with code 2, and the API can return it as a 4xx detail.
"""

from __future__ import annotations


class GwangyangError(Exception):
    """Base class of every error the package raises on purpose."""


class InputError(GwangyangError):
    """Bad input from a user: a file, a field or an argument that is not what was expected."""


class UnknownFormatError(InputError):
    """No reader recognises a file's content."""


class CorruptFileError(InputError):
    """A file was recognised but could not be read: truncated, garbage or inconsistent."""


class ConflictError(InputError):
    """Something already exists under the name asked for (a campaign started twice): CLI exit 2, HTTP 409."""


class CellConflictError(InputError):
    """A file's cell id names a cell in the store that the file does not continue (CLI exit 1, HTTP 409)."""


class StoreError(GwangyangError):
    """The store is missing, unreadable or damaged, locked by another writer, or does not hold what was asked for.

    The plain class is a store that cannot serve the request as it stands (HTTP 503, no ``Retry-After``: trying
    again will not help until someone mends it); :class:`StoreBusyError` is the passing kind and
    :class:`NotFoundError` the missing object.
    """


class StoreBusyError(StoreError):
    """Another writer holds the store (or changed it under a read): it passes, so try again (HTTP 409, Retry-After)."""


class WorkerLostError(GwangyangError):
    """A worker process died (killed, out of memory) before it returned its batch (CLI exit 1)."""


class NotFoundError(StoreError):
    """A cell, cycle or object that was asked for is not in the store."""


class ModelFileError(InputError):
    """A saved model cannot be loaded: not ours, or from another major version."""


def one_line(message: str) -> str:
    """Fold a message onto one line, so that it prints as one line on a terminal or in a log.

    Parameters
    ----------
    message
        Any text.

    Returns
    -------
    str
        The text with runs of whitespace, newlines included, replaced by one space.
    """
    return " ".join(str(message).split())
