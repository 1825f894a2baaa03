"""StreamWatchdog: notices a network stream that stopped moving.

libVLC sends no event when a server stalls with its socket open (the player stays in Playing
and ``get_time`` freezes), nor when a server accepts a connection and never answers (the player
stays in Opening). What does move on a healthy stream, live ICY radio included, is the position
(measured: ``get_time`` advances in real time on an endless MP3 stream while its length is 0).
So the watchdog reads the position once a second while it is armed and declares a stall when
the position has not changed for ``stall_s`` (8 s).

The owner arms it only while a network item is loaded and supposed to advance (opening,
buffering or playing) and disarms it otherwise: nothing ticks while paused, stopped, for local
files, or while a reconnection waits. Each check also emits ``checked(position)``, which the
owner uses to poll the stream's now-playing title at the same 1 Hz, and to remember where a
finite stream was.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

CHECK_MS = 1000
STALL_S = 8.0


class StreamWatchdog(QObject):
    """Position-progress watchdog. ``check()`` is public so tests can drive it on a fake clock."""

    #: No progress for ``stall_s`` while armed. Emitted once; the watchdog disarms itself.
    stalled = Signal()
    #: Every check, with the position read (ms).
    checked = Signal(int)

    def __init__(
        self,
        *,
        stall_s: float = STALL_S,
        check_ms: int = CHECK_MS,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._stall_s = stall_s
        self._clock = clock
        self._position: Callable[[], int] | None = None
        self._last_position = -1
        self._last_progress = 0.0
        #: The last position that was seen moving (ms); -1 before any.
        self.last_position_ms = -1
        self._timer = QTimer(self)
        self._timer.setInterval(check_ms)
        self._timer.timeout.connect(self.check)

    @property
    def armed(self) -> bool:
        return self._position is not None

    def arm(self, position: Callable[[], int]) -> None:
        """Start watching ``position`` from now: a fresh baseline, the full grace period."""
        self._position = position
        self._last_position = -1
        self._last_progress = self._clock()
        if not self._timer.isActive():
            self._timer.start()

    def disarm(self) -> None:
        self._position = None
        self._timer.stop()

    def forget_position(self) -> None:
        """A new item: where the previous one was is no longer of interest."""
        self.last_position_ms = -1

    def check(self) -> None:
        position_of = self._position
        if position_of is None:
            return
        position = position_of()
        now = self._clock()
        if position != self._last_position:
            if self._last_position >= 0 or position > 0:
                self._last_progress = now
            self._last_position = position
            if position > 0:
                self.last_position_ms = position
        self.checked.emit(position)
        if self._position is not None and now - self._last_progress >= self._stall_s:
            self.disarm()
            self.stalled.emit()
