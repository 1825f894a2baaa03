"""Letting go of the sound device during a long pause: the bookkeeping, no libVLC.

A paused libVLC player keeps its audio output, and with it the sound server's stream (corked)
and the client thread that serves it: PulseAudio's threaded main loop inside libVLC wakes 1.2-1.5
times a second while paused (measured, bare libVLC just the same), all night long when the sleep
timer ended in a pause. Once the player is stopped, that thread sleeps (measured: no wake-ups).

So when a pause has lasted ``PAUSE_RELEASE_MS`` the engine *parks*: it ends its player's input,
which closes the stream, and remembers where it was, while it keeps reporting PAUSED, the
position, the length and the volume as before. Play *reopens* the same media as a fresh start
at that position, and nothing before it is heard. Nobody above the engine sees
the difference. This class holds the timer, the phase and the position; ``vlc_backend`` makes
the libVLC calls.
"""

from __future__ import annotations

import enum

from PySide6.QtCore import QObject, QTimer, Signal

#: How long a pause holds the sound device. Shorter pauses (a cough, a glance at the clock, a
#: phone call) resume on the open stream at once; what lasts longer is a real break or the
#: night's end, where a reopen's fraction of a second of guarded start goes unnoticed. Holding it
#: costs 1.2-1.5 wake-ups a second, so 20 s of it are about 30 wake-ups: nothing.
PAUSE_RELEASE_MS = 20_000


class ParkPhase(enum.Enum):
    """Where the engine stands with its sound device."""

    HOLDING = "holding"  # the player has its output (or nothing to let go of)
    PARKED = "parked"  # stopped during a pause; the position is remembered
    REOPENING = "reopening"  # started again, the position not yet restored


class PauseRelease(QObject):
    """Times a pause and remembers the parked position.

    The owner calls ``paused()`` when its player pauses and ``cancel()`` when it leaves the
    pause; ``due`` fires once the pause lasted ``delay_ms``, and the owner then ``park``s if
    its media can be reopened at a position.
    """

    #: The pause lasted ``delay_ms``: let go of the device now if the media can be reopened.
    due = Signal()

    def __init__(
        self,
        delay_ms: int = PAUSE_RELEASE_MS,
        *,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._phase = ParkPhase.HOLDING
        self._position_ms = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(0, delay_ms))
        self._timer.timeout.connect(self.due)

    @property
    def phase(self) -> ParkPhase:
        return self._phase

    @property
    def engaged(self) -> bool:
        """Parked or reopening: the engine's player does not tell the position, we do."""
        return self._phase is not ParkPhase.HOLDING

    @property
    def position_ms(self) -> int:
        """Where playback continues (meaningful while ``engaged``)."""
        return self._position_ms

    def paused(self) -> None:
        """The player paused (with its output): start counting."""
        if self._phase is ParkPhase.HOLDING:
            self._timer.start()

    def cancel(self) -> None:
        """The pause ended before it was due."""
        self._timer.stop()

    def park(self, position_ms: int) -> None:
        """The player was stopped at ``position_ms``; play continues from there."""
        self._timer.stop()
        self._phase = ParkPhase.PARKED
        self._position_ms = max(0, position_ms)

    def reopen(self) -> None:
        """The player was started again; the position is restored when its output exists."""
        if self._phase is ParkPhase.PARKED:
            self._phase = ParkPhase.REOPENING

    def reopened(self) -> None:
        """The position was restored: the player tells it again."""
        if self._phase is ParkPhase.REOPENING:
            self._phase = ParkPhase.HOLDING

    def move_to(self, position_ms: int) -> None:
        """A seek while parked or reopening."""
        self._position_ms = max(0, position_ms)

    def back_to_parked(self) -> None:
        """A pause before the reopen finished: the player was stopped again, nothing heard."""
        if self._phase is ParkPhase.REOPENING:
            self._phase = ParkPhase.PARKED

    def forget(self) -> None:
        """Stop, a new media, an end or an error: nothing to continue any more."""
        self._timer.stop()
        self._phase = ParkPhase.HOLDING
        self._position_ms = 0
