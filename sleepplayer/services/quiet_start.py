"""QuietStart: playback that starts by itself begins silent and rises to the user's volume.

Resuming on start is not a press of Play: whoever is there may be asleep. So the fade gain goes
to 0 before the first sound, and once the sound is really there (a stream may take seconds to
open) it rises over the sleep timer's ``RAMP_UP_S``, linear in dB like the timer's fade back up
after activity. Should playback stop or pause before it ever sounds, the gain goes straight back
to full: a gain left at 0 would make the next press of Play silent.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject

from sleepplayer.core.fade import gain_db
from sleepplayer.core.fade_window import RAMP_UP_S, ramp_up_gain
from sleepplayer.playback.backend import PlayerState
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.gain_ramp import GainRamp

#: Ends the wait for the first sound: nothing will sound now.
_GAVE_UP = (PlayerState.PAUSED, PlayerState.STOPPED)


class QuietStart(QObject):
    """Starts playback from silence; ``cap`` is a gain it never goes above (the timer's)."""

    def __init__(
        self,
        controller: PlaybackController,
        parent: QObject | None = None,
        *,
        cap: Callable[[], float] = lambda: 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._cap = cap
        self._waiting = False
        # The ramp runs a progress 0 -> 1; _apply shapes it in dB, as the timer's ramp up.
        self._ramp = GainRamp(self._apply, self, clock=clock)
        controller.state_changed.connect(self._on_state_changed)
        # Nothing could be started (the only item failed at once): no state change may come.
        controller.queue_finished.connect(lambda: self._on_state_changed(PlayerState.STOPPED))

    def play(self) -> None:
        """Start playback (like Play) from silence; it rises once it sounds."""
        self._ramp.stop()
        self._controller.set_fade_gain(0.0)  # before the engine opens: the first sound is 0
        self._waiting = True
        self._controller.play()
        # A fast engine may be playing already. Still stopped is no answer: libVLC reports its
        # start later (taken for a "gave up", that set full gain before the first sound).
        if self._waiting and self._controller.state is PlayerState.PLAYING:
            self._on_state_changed(int(PlayerState.PLAYING))

    def is_rising(self) -> bool:
        """Waiting for the first sound, or fading up."""
        return self._waiting or self._ramp.is_running()

    def stop(self) -> None:
        """Ordered quit: no more ticks."""
        self._waiting = False
        self._ramp.stop()

    def _on_state_changed(self, value: int) -> None:
        if not self._waiting:
            return
        state = PlayerState(value)
        if state is PlayerState.PLAYING:
            self._waiting = False
            self._ramp.start(0.0, 1.0, RAMP_UP_S)
        elif state in _GAVE_UP:
            self._waiting = False
            self._controller.set_fade_gain(min(1.0, self._cap()))

    def _apply(self, progress: float) -> None:
        gain = ramp_up_gain(gain_db(0.0), progress) if progress > 0 else 0.0
        self._controller.set_fade_gain(min(gain, self._cap()))
