"""An exclusive writer lock on the store (one writing process at a time; readers need no lock)."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path
from types import TracebackType

from ..errors import StoreBusyError, StoreError

POLL_S = 0.1
"""How often a waiting writer tries the lock again."""


class WriteLock:
    """Exclusive ``flock`` on ``<store>/.write.lock``; released when the process dies.

    The descriptor is opened close-on-exec, and the process pool spawns its workers rather than
    forking them, so no child process ever holds the lock after its parent is gone.

    Parameters
    ----------
    root
        The store folder.
    wait
        Seconds to wait for another writer to finish; 0 fails at once.
    name
        The lock file's name in ``root`` (another name is another, independent lock).
    what
        What the lock guards, as its errors name it (``campaign 'x'``); default: the store at ``root``. A lock
        whose folder is the server's own business gives a name here, so that no answer names a server path.
    """

    def __init__(
        self, root: Path, wait: float = 0.0, name: str = ".write.lock", what: str | None = None
    ) -> None:
        self.path = root / name
        self.wait = wait
        self.what = what
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        """Take the lock if it is free; False (without waiting) when another process holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def __enter__(self) -> WriteLock:
        deadline = time.monotonic() + max(self.wait, 0.0)
        try:
            while not self.try_acquire():
                if time.monotonic() >= deadline:
                    if self.what is not None:
                        raise StoreBusyError(f"{self.what}: another process is changing it; try again later.")
                    hint = "try again later, or wait for it with --wait SECONDS"
                    raise StoreBusyError(
                        f"{self.path.parent}: another process is writing to this store; {hint}."
                    )
                time.sleep(POLL_S)
        except OSError as exc:
            where = (
                f"{self.what}: cannot take its lock"
                if self.what
                else f"{self.path.parent}: cannot take the store's write lock"
            )
            raise StoreError(f"{where} ({exc.strerror or exc}).") from exc
        return self

    def release(self) -> None:
        """Let the lock go (idempotent)."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
