"""The wait before a failed network item is tried again: which schedule applies, the timer, and
the words the user reads meanwhile ("Reconnecting in 4 s (attempt 3)").

The controller decides *that* an item failed and what trying again means (reopen it, or resolve
a web page anew); this says *when*. A live stream keeps trying for 30 minutes, a finite item
gets 5 attempts (:mod:`sleepplayer.core.backoff`). While waiting, the words are refreshed once a
second and nothing else ticks.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from sleepplayer.core.backoff import Backoff, RetryPolicy

COUNTDOWN_MS = 1000
#: The seconds of the words: " in 4 s" of "Reconnecting in 4 s (attempt 3)".
_SECONDS = re.compile(r" in \d+ s\b")


def without_countdown(text: str) -> str:
    """The words without their seconds ("Reconnecting (attempt 3)"): what changes per
    attempt, not per second, for a log that writes a line per change."""
    return _SECONDS.sub("", text)


class RetrySchedule(QObject):
    """Between :meth:`begin` and :meth:`end`: the current item is being recovered."""

    #: Time for the next attempt.
    due = Signal()
    #: What the wait looks like now, in words.
    countdown = Signal(str)

    def __init__(
        self, policy: RetryPolicy, clock: Callable[[], float], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._policy = policy
        self._clock = clock
        self._backoff: Backoff | None = None
        #: The schedule of an item that plays again, until when a failure goes on with it,
        #: and whether it is the live one.
        self._probation: tuple[Backoff, float, bool] | None = None
        self._live = False
        self._due_at = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._ticker = QTimer(self)
        self._ticker.setInterval(COUNTDOWN_MS)
        self._ticker.timeout.connect(self._show_countdown)

    @property
    def active(self) -> bool:
        """An item is being recovered (waiting, or its attempt is under way)."""
        return self._backoff is not None

    @property
    def attempt(self) -> int:
        """The number of the latest attempt (0 before the first)."""
        return self._backoff.attempt if self._backoff is not None else 0

    def begin(self, *, live: bool) -> None:
        """The item failed: keep the schedule it is on (also when it played again only a
        moment ago, see :meth:`recovered`), or start the one for its kind."""
        if self._backoff is None:
            kept = self._probation
            # The kind counts too: a stream first taken for a file may prove live once it
            # plays, and a live one gets its 30 minutes, not what is left of 5 attempts.
            if kept is not None and self._clock() < kept[1] and kept[2] == live:
                self._backoff = kept[0]
            else:
                self._backoff = self._policy.live() if live else self._policy.finite()
            self._live = live
        self._probation = None

    def wait(self) -> bool:
        """Wait for the next attempt (``due`` comes then); False when none is left."""
        delay = self._backoff.next_delay(self._clock()) if self._backoff is not None else None
        if delay is None:
            return False
        self._due_at = self._clock() + delay
        self._timer.start(max(0, round(delay * 1000)))
        self._ticker.start()
        self._show_countdown()
        return True

    def recovered(self) -> None:
        """The item plays again: no more waiting. Its count is kept for the policy's
        ``proven_after_s``: a failure before then is the next attempt, not a first one."""
        self._timer.stop()
        self._ticker.stop()
        if self._backoff is not None:
            proven_at = self._clock() + self._policy.proven_after_s
            self._probation = (self._backoff, proven_at, self._live)
        self._backoff = None

    def end(self) -> None:
        """The item was given up or left: the next failure starts afresh."""
        self._timer.stop()
        self._ticker.stop()
        self._backoff = None
        self._probation = None

    def _show_countdown(self) -> None:
        left = max(1, math.ceil(self._due_at - self._clock() - 0.05))
        self.countdown.emit(f"Reconnecting in {left} s (attempt {self.attempt})")

    def _on_timer_timeout(self) -> None:
        self._ticker.stop()
        if self._backoff is not None:
            self.due.emit()
