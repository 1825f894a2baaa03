"""The lock the running instance holds for its whole life.

An OS file lock (``flock`` on Unix, ``msvcrt.locking`` on Windows) belongs to the open file,
so the kernel frees it the moment the process ends, also after kill -9 or a crash. That makes
it the answer to "is a primary alive?": while the lock is held, whatever socket exists is
live (or about to be), and is never deleted; once it can be taken, a leftover socket is stale.
Only the holder of the lock creates or removes the socket, so ten launches at once still
leave exactly one primary.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


class InstanceLock:
    """A non-blocking, exclusive lock on ``path`` (created if missing)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def try_acquire(self) -> bool:
        """Take the lock if nobody holds it. OSError when the file cannot be opened."""
        if self._fd is not None:
            return True
        # O_CLOEXEC is Python's default: a child we start never inherits (and keeps) the lock.
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        if _lock(fd):
            self._fd = fd
            return True
        os.close(fd)
        return False

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        _unlock(fd)
        os.close(fd)


if sys.platform.startswith("win"):
    import msvcrt

    def _lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass  # closing the file frees it anyway

else:
    import fcntl

    def _lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
