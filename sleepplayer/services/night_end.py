"""The end of the night: what the sleep timer does when it runs out, and how it wakes up.

At the end, playback pauses or stops first (at gain 0), then the gain goes back to 1.0 so the
next play starts at the user's volume (the backend holds that raise until it has paused).
Then the end action's aftermath: quit, a silent suspend countdown (never when the end is long
overdue), or a grace minute in which any SleepPlayer key brings the sound back
(:meth:`NightEnd._wake_up`), except one that asks for silence (pause, stop, mute:
:mod:`sleepplayer.services.activity`).

A mixin of :class:`~sleepplayer.services.sleep_timer.SleepTimer`, which owns the state declared
here; split out so that the timer module reads as arming, extending and the fade.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import SignalInstance

from sleepplayer.core.settings import Settings
from sleepplayer.core.sleep_plan import OVERDUE_LIMIT_S, EndAction, SleepPlan
from sleepplayer.playback.backend import PlayerState
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.timer_phase import EndKind, TimerPhase

#: Activity this long after the end still brings playback back.
GRACE_S = 60.0
SUSPEND_COUNTDOWN_S = 60


class Suspender(Protocol):
    """Puts the computer to sleep (implemented in ``desktop.power``; a fake in tests)."""

    def suspend(self) -> None: ...


class NightEnd:
    """The end action and its aftermath for :class:`SleepTimer`."""

    _controller: PlaybackController
    _settings: Settings
    _suspender: Suspender | None
    _plan: SleepPlan | None
    _phase: TimerPhase
    _kind: EndKind
    _until_ts: float  # end of GRACE or COUNTDOWN
    _countdown_shown: int
    _resume_point: tuple[str, str, int] | None
    _ending: bool  # our own pause/stop/resume: not the user's

    if TYPE_CHECKING:  # provided by SleepTimer
        finished: SignalInstance
        quit_requested: SignalInstance
        suspend_countdown: SignalInstance
        message: SignalInstance

        def tick(self) -> None: ...
        def _rearm(self, now: float, end_ts: float, *, ramp: bool) -> None: ...
        def _apply_gain(self, gain: float) -> None: ...
        def _reset_end_state(self) -> None: ...
        def _set_idle(self) -> None: ...

    def _finish(self, now: float, *, power_ok: bool) -> None:
        """First pause or stop, then restore the gain; then the action's aftermath."""
        plan = self._plan
        assert plan is not None
        c, action = self._controller, plan.end_action
        track, playlist = c.current_track, c.current_playlist_uid
        self._resume_point = (playlist, track.uid, c.position_ms()) if track and playlist else None
        self._ending = True
        try:
            if action is EndAction.PAUSE:
                c.pause()
            else:
                c.stop()
        finally:
            self._ending = False
        c.set_halt_at_track_end(False)
        self._reset_end_state()
        self._apply_gain(1.0)
        self.finished.emit(action.value)
        if action is EndAction.QUIT:
            self._set_idle()
            self.quit_requested.emit()
        elif action is EndAction.SUSPEND and power_ok and self._suspender is not None:
            self._phase, self._until_ts = TimerPhase.COUNTDOWN, now + SUSPEND_COUNTDOWN_S
            self._countdown_shown = -1
            self._tick_countdown(now)
        else:
            if action is EndAction.SUSPEND:
                why = "not available here" if self._suspender is None else "skipped (overdue)"
                self.message.emit(f"Playback stopped; suspend {why}.")
            if self._settings.activity_grace:
                self._phase, self._until_ts = TimerPhase.GRACE, now + GRACE_S
            else:
                self._set_idle()

    def _wake_up(self, now: float, seconds: float) -> None:
        """After the end: resume playback, fading up from silence, armed for ``seconds``."""
        if self._phase is TimerPhase.COUNTDOWN:
            self.suspend_countdown.emit(0)
        plan = self._plan
        assert plan is not None
        self._phase, self._kind = TimerPhase.ARMED, EndKind.DEADLINE
        if self._controller.state is PlayerState.PLAYING:
            # The user pressed Play themselves: it already plays at their volume.
            self._rearm(now, now + seconds, ramp=False)
            self.tick()
            return
        self._apply_gain(0.0)  # before the resume: the engine starts silent
        self._rearm(now, now + seconds, ramp=True)
        if plan.end_action is not EndAction.PAUSE and self._resume_point is not None:
            self._controller.restore(*self._resume_point)
        self._ending = True
        try:
            self._controller.resume()
        finally:
            self._ending = False
        self.tick()

    def _tick_countdown(self, now: float) -> None:
        left = math.ceil(self._until_ts - now)
        if left > 0:
            if left != self._countdown_shown:
                self._countdown_shown = left
                self.suspend_countdown.emit(left)
            return
        late = now - self._until_ts
        self.suspend_countdown.emit(0)
        self._set_idle()
        if self._suspender is not None and late <= OVERDUE_LIMIT_S:
            self._suspender.suspend()
