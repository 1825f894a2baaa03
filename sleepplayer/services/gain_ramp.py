"""A gain ramp computed from elapsed wall-clock time, not from counting ticks.

A late tick never stretches the ramp: each tick sets the gain that belongs to the time that
has actually passed.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

#: 20 updates a second: smooth to the ear, and the timer only runs during a ramp.
TICK_MS = 50


class GainRamp(QObject):
    """Moves a gain linearly in amplitude from one value to another over a duration."""

    #: The ramp reached its end value.
    finished = Signal()

    def __init__(
        self,
        apply_gain: Callable[[float], None],
        parent: QObject | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._apply = apply_gain
        self._clock = clock
        self._start_gain = 1.0
        self._end_gain = 0.0
        self._duration_s = 0.0
        self._started_at = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    def start(self, start_gain: float, end_gain: float, duration_s: float) -> None:
        self._start_gain, self._end_gain = start_gain, end_gain
        self._duration_s = max(0.0, duration_s)
        self._started_at = self._clock()
        self._apply(start_gain)
        self._timer.start()
        self._tick()

    def is_running(self) -> bool:
        return self._timer.isActive()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        if self._duration_s <= 0:
            fraction = 1.0
        else:
            fraction = min(1.0, (self._clock() - self._started_at) / self._duration_s)
        self._apply(self._start_gain + (self._end_gain - self._start_gain) * fraction)
        if fraction >= 1.0:
            self._timer.stop()
            self.finished.emit()
