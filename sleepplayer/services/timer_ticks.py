"""The sleep timer's wake-ups: a steady tick, and a one-shot alarm at the fade start.

The timer decides *when* it needs to look at the clock; this module owns the two QTimers that
wake it. Each wake-up only calls the timer's ``tick``, which compares ``now()`` with the
deadline, so a late or missed wake-up never shifts the end.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer

#: Tick cadence outside the fade (at most once a second) and during it (12.5 a second).
SLOW_TICK_MS = 1000
FAST_TICK_MS = 80


class TimerTicks(QObject):
    """Calls ``tick`` slowly, fast (fade, ramp), or not at all; see :meth:`follow`."""

    def __init__(self, tick: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ticker = QTimer(self)
        self._ticker.timeout.connect(tick)
        # Fires once at the fade start, so the fade is not up to a second late.
        self._alarm = QTimer(self)
        self._alarm.setSingleShot(True)
        self._alarm.setTimerType(Qt.TimerType.PreciseTimer)
        self._alarm.timeout.connect(tick)

    def follow(self, *, fast: bool, wait_s: float | None) -> None:
        """Tick at ``FAST_TICK_MS`` or ``SLOW_TICK_MS``; when the next moment that matters is
        ``wait_s`` away and a slow tick could miss it by most of a second, wake exactly then."""
        interval = FAST_TICK_MS if fast else SLOW_TICK_MS
        if not self._ticker.isActive() or self._ticker.interval() != interval:
            self._ticker.start(interval)
        if not fast and wait_s is not None and 0 < wait_s <= SLOW_TICK_MS / 1000:
            self._alarm.start(math.ceil(wait_s * 1000))
        else:
            self._alarm.stop()

    def stop(self) -> None:
        self._ticker.stop()
        self._alarm.stop()

    def interval_ms(self) -> int | None:
        """The current tick interval, None while not ticking."""
        return self._ticker.interval() if self._ticker.isActive() else None
