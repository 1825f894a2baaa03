"""SIGINT and SIGTERM into the Qt loop, so that Ctrl+C in a terminal or a logout's SIGTERM
ends the app through its ordered quit (the save included) instead of killing it."""

from __future__ import annotations

import contextlib
import signal
import socket
from collections.abc import Callable

from PySide6.QtCore import QSocketNotifier


class SignalBridge:
    """Delivers SIGINT/SIGTERM into the Qt loop: ``handler`` gets the signal's number.

    Python signal handlers cannot run while Qt's C++ loop blocks, so the signal wakes a
    socket that a QSocketNotifier watches (Python writes each signal's number to it): no
    polling timer is needed.
    """

    def __init__(self, handler: Callable[[int], None]) -> None:
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._handler = handler
        self._wakeup_before = signal.set_wakeup_fd(self._writer.fileno())
        self._before = {
            signum: signal.signal(signum, lambda *_: None)
            for signum in (signal.SIGINT, signal.SIGTERM)
        }
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read)
        self._notifier.activated.connect(self._drain)

    def _drain(self) -> None:
        received = b""
        with contextlib.suppress(OSError):  # a spurious wakeup: nothing to read
            received = self._reader.recv(64)
        if received:
            self._handler(received[-1])

    def close(self) -> None:
        self._notifier.setEnabled(False)
        signal.set_wakeup_fd(self._wakeup_before)
        for signum, handler in self._before.items():  # Ctrl+C raises KeyboardInterrupt again
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
        self._reader.close()
        self._writer.close()
