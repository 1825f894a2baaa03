"""Track-end following: a sleep timer that ends with a track rather than at a clock time.

"At the end of this track", "After N tracks" and "let the track finish" all end where a track
ends, which no clock knows in advance: seeks move it, pauses freeze it, a looping track never
reaches it, and the next track's end is unknown until that track plays. This mixin follows the
controller's track events and keeps the timer's end (``_end_ts``) on the last track's end; the
controller halts there (``set_halt_at_track_end``), and the halt ends the night.

A mixin rather than a helper object because it drives the timer's own end state, which
:class:`~sleepplayer.services.sleep_timer.SleepTimer` also owns for plain deadlines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sleepplayer.core.fade_window import moved_due
from sleepplayer.core.model import RepeatMode
from sleepplayer.core.sleep_plan import SleepPlan
from sleepplayer.playback.backend import PlayerState
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.timer_phase import EndKind, TimerPhase


class TrackEndFollowing:
    """The track modes of :class:`SleepTimer`; it owns the state declared here."""

    _controller: PlaybackController
    _plan: SleepPlan | None
    _phase: TimerPhase
    _kind: EndKind
    _end_ts: float | None
    _decide_ts: float | None
    _ramp: tuple[float, float] | None
    _tracks_left: int
    _extra_s: float  # an extension waiting for the last track's end to be known
    _frozen_remaining: float | None  # track time left while not playing
    _halt_pending: bool  # the last counted track has not started yet
    _await_start: bool  # a new track is loading: its position is not known yet
    _expect_halt: bool

    if TYPE_CHECKING:  # provided by SleepTimer

        def _ts(self) -> float: ...
        def _set_end(self, end_ts: float, now: float) -> None: ...
        def _rearm(self, now: float, end_ts: float, *, ramp: bool) -> None: ...
        def _finish(self, now: float, *, power_ok: bool) -> None: ...
        def _schedule(self, now: float) -> None: ...
        def _emit_if_changed(self) -> None: ...

    def _reset_track_state(self) -> None:
        self._tracks_left, self._extra_s = 1, 0.0
        self._frozen_remaining, self._halt_pending, self._expect_halt = None, False, False
        self._await_start = False

    def _track_remaining_s(self) -> float | None:
        c = self._controller
        duration = c.duration_ms()
        if c.state is not PlayerState.PLAYING or duration <= 0 or c.current_track is None:
            return None
        return max(0, duration - c.position_ms()) / 1000

    def _bind_to_track(self, now: float) -> None:
        """The current (or next started) track is the last: halt at its end, fade into it."""
        self._kind, self._end_ts = EndKind.TRACK, None
        self._controller.set_halt_at_track_end(True)
        self._sync_track(now)

    def _sync_track(self, now: float) -> None:
        """Follow the current track's end while armed: seeks move it, pauses freeze it."""
        if self._phase is not TimerPhase.ARMED or self._kind is not EndKind.TRACK:
            return
        if self._halt_pending or self._await_start:
            return
        looping = self._controller.repeat is RepeatMode.ONE
        if self._controller.state is PlayerState.PLAYING:
            # A looping track never ends: its end is computed once, then kept.
            if looping and self._end_ts is not None:
                remaining: float | None = self._end_ts - now
            else:
                remaining = self._track_remaining_s()
            self._frozen_remaining = remaining
        else:
            remaining = self._frozen_remaining
        if remaining is None:
            self._end_ts = None
            return
        if self._extra_s:
            end = moved_due(now + remaining, self._extra_s, now)
            self._extra_s = 0.0
            self._rearm(now, end, ramp=self._ramp is not None)
            return
        self._set_end(now + remaining, now)

    def _decide(self, now: float) -> None:
        """Let the track finish: at the deadline, end with the track if it ends soon enough."""
        assert self._plan is not None
        self._decide_ts = None
        remaining = self._track_remaining_s()
        if remaining is not None and remaining <= self._plan.max_finish_wait_s:
            self._bind_to_track(now)
        else:
            self._kind = EndKind.DEADLINE
            self._set_end(now + self._plan.fade_s, now)

    # ------------------------------------------------------------------ controller events
    def _on_controller_position_changed(self, _value: int) -> None:
        if self._phase is TimerPhase.ARMED and self._kind is EndKind.TRACK:
            self._sync_track(self._ts())
            self._emit_if_changed()

    def _on_controller_track_changed(self, _track: object) -> None:
        # Until the new track plays, the controller's position still belongs to the old one.
        if self._phase is TimerPhase.ARMED and self._kind is EndKind.TRACK:
            self._await_start, self._end_ts, self._frozen_remaining = True, None, None

    def _on_controller_track_finished(self, _uid: str) -> None:
        if self._phase not in (TimerPhase.ARMED, TimerPhase.FADING):
            return
        if self._kind is EndKind.TRACK:
            self._expect_halt = True
        elif self._kind is EndKind.TRACKS:
            self._tracks_left -= 1
            if self._tracks_left <= 1:
                # The halt is set once the next track plays: set now, it would halt this end.
                self._kind, self._halt_pending = EndKind.TRACK, True
            self._emit_if_changed()

    def _on_controller_halted_at_track_end(self, _uid: str) -> None:
        if self._phase in (TimerPhase.ARMED, TimerPhase.FADING) and self._kind is EndKind.TRACK:
            self._finish(self._ts(), power_ok=True)
            self._schedule(self._ts())
            self._emit_if_changed()

    def _on_controller_queue_finished(self) -> None:
        # Nothing left to play before the counted tracks ran out: the night is over.
        if self._phase in (TimerPhase.ARMED, TimerPhase.FADING) and self._kind in (
            EndKind.TRACK,
            EndKind.TRACKS,
        ):
            self._finish(self._ts(), power_ok=True)
            self._schedule(self._ts())
            self._emit_if_changed()
