"""Keeps the computer awake while a sleep timer is running over playback, and only then.

Held while playback is opening, buffering or playing AND the timer is armed or fading AND the
``keep_awake`` setting is on. Taken at once; given back ``RELEASE_DELAY_MS`` after the last of
those stops being true, so a track change (PLAYING -> ENDED -> OPENING) does not drop and retake
the lock; the delay stays well under the 5 s the sleep-timer issue allows. Turning the setting
off and ``shutdown()`` release at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, SignalInstance

from sleepplayer.playback.backend import PlayerState
from sleepplayer.services.sleep_timer import TimerPhase

RELEASE_DELAY_MS = 2000
REASON = "Playing with a sleep timer set"

_RUNNING_STATES = frozenset({PlayerState.OPENING, PlayerState.BUFFERING, PlayerState.PLAYING})
_TIMER_PHASES = frozenset({TimerPhase.ARMED, TimerPhase.FADING})


class PlaybackSource(Protocol):
    """What KeepAwake reads from PlaybackController."""

    @property
    def state_changed(self) -> SignalInstance: ...
    @property
    def state(self) -> PlayerState: ...


class TimerSource(Protocol):
    """What KeepAwake reads from SleepTimer."""

    @property
    def changed(self) -> SignalInstance: ...
    @property
    def phase(self) -> TimerPhase: ...


class Inhibitor(Protocol):
    def inhibit(self, reason: str) -> None: ...
    def release(self) -> None: ...


class KeepAwake(QObject):
    """Drives an ``Inhibitor`` from the playback state, the timer phase and a setting.

    ``enabled`` reads the setting (``lambda: settings.keep_awake``); call ``refresh()`` after
    the setting changes.
    """

    def __init__(
        self,
        controller: PlaybackSource,
        timer: TimerSource,
        inhibitor: Inhibitor,
        enabled: Callable[[], bool] = lambda: True,
        parent: QObject | None = None,
        *,
        release_delay_ms: int = RELEASE_DELAY_MS,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._timer = timer
        self._inhibitor = inhibitor
        self._enabled = enabled
        self._held = False
        self._closed = False
        self._release_timer = QTimer(self)
        self._release_timer.setSingleShot(True)
        self._release_timer.setInterval(release_delay_ms)
        self._release_timer.timeout.connect(self._release)
        controller.state_changed.connect(self._on_controller_state_changed)
        timer.changed.connect(self._on_timer_changed)
        self.refresh()

    @property
    def held(self) -> bool:
        return self._held

    @property
    def release_pending(self) -> bool:
        """Held, but due to be released when the delay runs out."""
        return self._release_timer.isActive()

    def refresh(self) -> None:
        """Re-evaluate now (after the setting changed)."""
        if self._closed:
            return
        if not self._enabled():
            self._release()
        elif self._wanted():
            self._release_timer.stop()
            if not self._held:
                self._held = True
                self._inhibitor.inhibit(REASON)
        elif self._held and not self._release_timer.isActive():
            self._release_timer.start()

    def shutdown(self) -> None:
        """Release at once and stop watching (on quit)."""
        self._closed = True
        self._release()

    def _wanted(self) -> bool:
        return (
            PlayerState(self._controller.state) in _RUNNING_STATES
            and self._timer.phase in _TIMER_PHASES
        )

    def _release(self) -> None:
        self._release_timer.stop()
        if self._held:
            self._held = False
            self._inhibitor.release()

    def _on_controller_state_changed(self, _state: int) -> None:
        self.refresh()

    def _on_timer_changed(self) -> None:
        self.refresh()
