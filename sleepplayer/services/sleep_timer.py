"""SleepTimer: arms a SleepPlan, drives the fade, ends playback, and restores the volume.

Time is a wall-clock deadline: arming turns every plan into an end time (track modes follow
the current track's end), and each tick only compares ``now()`` with it. The fade is the
controller's separate gain stage, computed from the wall-clock time since the fade began; the
user's volume is never written.

This module arms, extends, ticks and fades. Its neighbours: ``track_end`` (following a track's
end for the track modes), ``night_end`` (the end action and waking back up), ``timer_ticks``
(the QTimers), ``bedtime`` (auto-arm), ``fell_asleep`` (resume), and ``core.fade_window`` (the
pure fade and ramp maths).

Choices the issue leaves open (see also the report in the change that added this):

* ``extend`` on a track mode: when the current track's end is known, the plan becomes a plain
  deadline at (track end + seconds) and the next track may start; while it is not known yet
  (several tracks to go, a live stream) the seconds are kept and added to the last track's end.
* A user pause/stop during the fade ends the fade at once (gain 1.0, silent as it is paused)
  and re-arms for the last extension amount.
* Turning the volume up during the fade re-arms and fades back up over 2 s to the new volume.
  Turning it down (or muting) asks for less sound: the fade goes on, from the new, lower volume.
  (Ending the fade at once, as any volume change once did, made Down +20 dB louder.)
* Re-arming during a fade, extending, and activity all fade back up over 2 s, linear in dB;
  a volume change during that rise lets it finish.
* A wake from sleep that lands far into the fade, or past the end, stops at once and never
  runs the suspend action; a tick a little late (< 120 s) still runs it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from sleepplayer.core.fade import fade_gain, fade_progress, gain_db
from sleepplayer.core.fade_window import (
    RAMP_UP_S,
    SHORTEST_REMAINING_S,
    fade_span,
    moved_due,
    progress_at,
    ramp_up_gain,
)
from sleepplayer.core.session_state import ResumeTimer
from sleepplayer.core.settings import Settings
from sleepplayer.core.sleep_plan import (
    MAX_DURATION_S,
    MIN_DURATION_S,
    OVERDUE_LIMIT_S,
    TIMER_OFF_TEXT,
    EndAction,
    SleepMode,
    SleepPlan,
    deadline_for,
    describe_end,
    local_zone,
)
from sleepplayer.playback.backend import PlayerState
from sleepplayer.services.bedtime import AUTO_ARM_MESSAGE, bedtime_due
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.fell_asleep import (
    RESUME_BEFORE_MS,
    FellAsleep,
    FellAsleepMemory,
    resume_from,
)
from sleepplayer.services.night_end import GRACE_S, SUSPEND_COUNTDOWN_S, NightEnd, Suspender
from sleepplayer.services.timer_phase import EndKind, TimerPhase
from sleepplayer.services.timer_ticks import FAST_TICK_MS, SLOW_TICK_MS, TimerTicks
from sleepplayer.services.track_end import TrackEndFollowing

# What other modules and tests import from here, wherever it is defined now.
__all__ = [
    "AUTO_ARM_MESSAGE",
    "FAST_TICK_MS",
    "GRACE_S",
    "LATE_LIMIT_S",
    "RAMP_UP_S",
    "RESUME_BEFORE_MS",
    "SHORTEST_REMAINING_S",
    "SLOW_TICK_MS",
    "SUSPEND_COUNTDOWN_S",
    "SleepTimer",
    "Suspender",
    "TimerPhase",
]

#: A tick this late past the end (or this far into an unstarted fade) means the machine slept.
LATE_LIMIT_S = 5.0
#: Less of the night's timer left than this at the next launch: it does not play on.
MIN_RESUMED_S = 60.0


def _system_clock() -> Callable[[], datetime]:
    """The wall clock in the local zone, looked up on the first reading (zoneinfo costs
    0.5 MB, and a night without a timer never reads the clock)."""
    zone: list[tzinfo] = []

    def now() -> datetime:
        if not zone:
            zone.append(local_zone())
        return datetime.now(zone[0])

    return now


class SleepTimer(QObject, TrackEndFollowing, NightEnd):
    """One sleep timer for the app. Everything time-based reads ``now()`` (wall clock).

    Ticks: at most once a second while armed outside the fade (no faster), at least 10 a
    second during the fade; none at all while idle. The fade gain is computed from the
    wall-clock time elapsed since the fade started, so a late tick never stretches it.
    """

    #: Phase, deadline, remaining time or description changed (read the properties).
    changed = Signal()
    #: The fade began: (track uid or "", position ms) where the user fell asleep.
    fade_started = Signal(str, int)
    #: The end action ran (EndAction value).
    finished = Signal(str)
    #: The end action is QUIT: the app should save and quit.
    quit_requested = Signal()
    #: Seconds left in the suspend countdown (each second), 0 when it ends or is cancelled.
    suspend_countdown = Signal(int)
    #: A message for the status bar.
    message = Signal(str)
    #: The bedtime window armed the timer on Play (its words): the window offers an Undo.
    auto_armed = Signal(str)

    def __init__(
        self,
        controller: PlaybackController,
        parent: QObject | None = None,
        *,
        now: Callable[[], datetime] | None = None,
        suspender: Suspender | None = None,
        settings: Settings | None = None,
        state_file: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._now = now if now is not None else _system_clock()
        self._suspender = suspender
        self._settings = settings if settings is not None else Settings()
        self._memory = FellAsleepMemory(state_file)
        self._plan: SleepPlan | None = None
        self._phase = TimerPhase.IDLE
        self._kind = EndKind.DEADLINE
        self._end_ts: float | None = None  # when the end action runs (= the fade's end)
        self._decide_ts: float | None = None
        self._fade_start_ts = 0.0
        self._fade_len = 0.0
        self._fade_from_p = 0.0  # a shortened fade goes on from where it was
        self._reset_track_state()
        self._ramp: tuple[float, float] | None = None  # (from dB, start ts)
        self._gain = controller.fade_gain
        self._until_ts = 0.0  # end of GRACE or COUNTDOWN
        self._countdown_shown = -1
        self._resume_point: tuple[str, str, int] | None = None
        self._auto_armed = False
        self._ending = False
        self._last_key: object = None
        #: The user's volume as last seen, to tell "louder" from "softer".
        self._user_volume = controller.volume

        self._ticks = TimerTicks(self.tick, self)

        controller.state_changed.connect(self._on_controller_state_changed)
        controller.track_changed.connect(self._on_controller_track_changed)
        controller.track_finished.connect(self._on_controller_track_finished)
        controller.halted_at_track_end.connect(self._on_controller_halted_at_track_end)
        controller.queue_finished.connect(self._on_controller_queue_finished)
        controller.volume_changed.connect(self._on_controller_volume_changed)
        controller.duration_changed.connect(self._on_controller_position_changed)
        controller.position_changed.connect(self._on_controller_position_changed)
        controller.play_requested.connect(self._on_controller_play_requested)

    # ------------------------------------------------------------------ configuration
    def set_settings(self, settings: Settings) -> None:
        self._settings = settings

    def set_state_file(self, path: Path) -> None:
        """Where the fell-asleep memory lives (loaded now, saved at every fade start)."""
        self._memory.set_path(path)

    # ------------------------------------------------------------------ commands
    def arm(self, plan: SleepPlan) -> None:
        """Arm (or re-arm) with this plan; the deadline is fixed now."""
        now = self._ts()
        if self._phase is TimerPhase.COUNTDOWN:
            self.suspend_countdown.emit(0)
        fading = self._phase is TimerPhase.FADING
        self._reset_end_state()
        self._controller.set_halt_at_track_end(False)
        self._plan, self._auto_armed, self._phase = plan, False, TimerPhase.ARMED
        if fading or self._gain < 1.0:
            self._ramp = (gain_db(self._gain), now)
        if plan.mode in (SleepMode.DURATION, SleepMode.CLOCK):
            deadline = deadline_for(plan, self._now())
            assert deadline is not None
            if plan.let_track_finish:
                self._kind, self._decide_ts = EndKind.DECIDE, deadline.timestamp()
            else:
                self._kind = EndKind.DEADLINE
                self._set_end(deadline.timestamp(), now)
        elif plan.mode is SleepMode.AFTER_TRACKS and plan.tracks > 1:
            self._kind, self._tracks_left = EndKind.TRACKS, plan.tracks
        else:
            self._bind_to_track(now)
        self.tick()

    def arm_default(self) -> None:
        """Arm the default plan from the settings (tray/panel quick action, bedtime)."""
        self.arm(self.default_plan())

    def default_plan(self, duration_s: float | None = None) -> SleepPlan:
        s = self._settings
        seconds = s.sleep_minutes * 60.0 if duration_s is None else duration_s
        return SleepPlan(
            mode=SleepMode.DURATION,
            duration_s=min(max(seconds, MIN_DURATION_S), MAX_DURATION_S),
            fade_s=float(s.fade_s),
            curve=s.fade_curve,
            end_action=s.end_action,
            let_track_finish=s.let_track_finish,
            max_finish_wait_s=s.max_finish_wait_min * 60.0,
        )

    def resume_timer(self) -> ResumeTimer | None:
        """What a next launch that plays on needs to end the night as this timer would: its
        wall-clock end (None in the track modes) and its fade and end action."""
        plan = self._plan
        if self._phase is TimerPhase.IDLE or plan is None:
            return None
        ends_at = self._due_ts() if self._kind in (EndKind.DEADLINE, EndKind.DECIDE) else None
        return ResumeTimer(
            ends_at,
            plan.fade_s,
            plan.curve,
            plan.end_action,
            plan.let_track_finish,
            plan.max_finish_wait_s,
        )

    def arm_resumed(self, saved: ResumeTimer) -> bool:
        """Arm again to end at the saved wall-clock time. False when that cannot be: the end
        is (nearly) past, it followed tracks, or the saved values are damaged. Then nothing
        should play on by itself: it would play all night."""
        left = None if saved.ends_at is None else saved.ends_at - self._ts()
        if left is None or not MIN_RESUMED_S <= left <= MAX_DURATION_S:
            return False  # past, or further off than any timer goes: damaged
        try:
            plan = SleepPlan(
                mode=SleepMode.DURATION,
                duration_s=left,
                fade_s=min(saved.fade_s, left),
                curve=saved.curve,
                end_action=saved.end_action,
                let_track_finish=saved.let_track_finish,
                max_finish_wait_s=saved.max_finish_wait_s,
            )
        except ValueError:
            return False
        self.arm(plan)
        return True

    def cancel(self) -> None:
        """Disarm; cancels a suspend countdown. A fade under way goes back up over
        ``RAMP_UP_S``, as for any sign of life: cancelled at -25 dB, a jump to the user's
        volume would wake whoever is there."""
        if self._phase is TimerPhase.IDLE:
            return
        if self._phase is TimerPhase.COUNTDOWN:
            self.suspend_countdown.emit(0)
        counting = self._phase is not TimerPhase.GRACE  # after the end there is none to cancel
        self._controller.set_halt_at_track_end(False)
        rising = (gain_db(self._gain), self._ts()) if self._gain < 1.0 else None
        self._set_idle()
        if counting:
            # Shift+Esc, the tray, a headset: the dial only vanished, with no word of it.
            self.message.emit(f"{TIMER_OFF_TEXT}.")
        self._ramp = rising
        if rising is None:
            self._apply_gain(1.0)
        else:
            self.tick()

    def extend(self, seconds: float) -> None:
        """+5/+15/-5 min etc. Works in every phase; during the fade it fades back up.

        Idle: a positive amount arms the default plan for that long. After the end (grace,
        countdown): playback resumes, as with activity, for that long. Shortening never
        leaves less than ``SHORTEST_REMAINING_S`` (or what was left), and during the fade
        goes on down from the current level instead of fading back up.
        """
        if not math.isfinite(seconds) or seconds == 0:
            return
        now = self._ts()
        if self._phase is TimerPhase.IDLE:
            if seconds > 0:
                self.arm(self.default_plan(seconds))
            return
        if self._phase in (TimerPhase.GRACE, TimerPhase.COUNTDOWN):
            if seconds > 0:
                self._wake_up(now, seconds)
            return
        if self._kind is EndKind.DECIDE and self._decide_ts is not None:
            self._decide_ts = moved_due(self._decide_ts, seconds, now)
        elif self._kind is not EndKind.DEADLINE and self._end_ts is None:
            self._extra_s += seconds
        elif self._end_ts is not None:
            new_end = moved_due(self._end_ts, seconds, now)
            self._kind = EndKind.DEADLINE
            self._controller.set_halt_at_track_end(False)
            if self._phase is TimerPhase.FADING and seconds < 0:
                assert self._plan is not None
                self._fade_from_p = fade_progress(self._plan.curve, self._gain)
                self._fade_start_ts, self._fade_len = now, new_end - now
                self._end_ts = new_end
            else:
                self._rearm(now, new_end, ramp=True)
        self.tick()

    def notify_activity(self, *, quiet: bool = False) -> None:
        """A SleepPlayer shortcut, media key or tray action happened, after it ran (activity
        grace; the rule for what is ``quiet`` is :mod:`sleepplayer.services.activity`).

        ``quiet``: the command asked for silence (pause, stop, muting, a softer volume). During
        the fade other activity fades back up and re-arms: someone is awake; a quiet command
        lets the fade go on (a pause re-arms on its own, see the module docstring). After the
        end (the grace minute, the suspend countdown) a quiet command turns the timer off and
        leaves the player silent; other activity brings the sound back. Any activity cancels a
        suspend.
        """
        now = self._ts()
        grace = self._settings.activity_grace
        ended = self._phase in (TimerPhase.GRACE, TimerPhase.COUNTDOWN)
        if ended and (quiet or not grace):
            # Never suspend a computer someone is using, even without the grace option, and
            # never answer a pause with sound.
            if self._phase is TimerPhase.COUNTDOWN:
                self.suspend_countdown.emit(0)
            self._set_idle()
        elif not grace:
            return
        elif self._phase is TimerPhase.FADING:
            if quiet:
                return  # never more sound for a request for less
            self._rearm(now, now + self._grace_s(), ramp=True)
            self.tick()
        elif self._phase in (TimerPhase.GRACE, TimerPhase.COUNTDOWN):
            self._wake_up(now, self._grace_s())

    def undo_auto_arm(self) -> None:
        """Undo the bedtime auto-arm."""
        if self._auto_armed:
            self.cancel()

    def resume_where_fell_asleep(self) -> bool:
        """Play the track where the last fade started, from 30 s before that point."""
        entry = self._memory.latest
        return entry is not None and resume_from(self._controller, entry)

    def fell_asleep_at(self) -> tuple[str, str, int] | None:
        """(playlist uid, track uid, position ms) of the last fade start, if any."""
        e = self._memory.latest
        return (e.playlist_uid, e.track_uid, e.position_ms) if e else None

    def fell_asleep_in(self, track_uid: str) -> int | None:
        """Position ms at which the last fade in this track started, if any."""
        e = self._memory.for_track(track_uid)
        return e.position_ms if e else None

    def shutdown(self) -> None:
        """Stop ticking (ordered quit). The gain is not a setting: nothing to save."""
        self._ticks.stop()

    # ------------------------------------------------------------------ state
    @property
    def phase(self) -> TimerPhase:
        return self._phase

    @property
    def plan(self) -> SleepPlan | None:
        return self._plan

    @property
    def deadline(self) -> datetime | None:
        """The wall-clock end (None for track modes until the end is known)."""
        ts = self._due_ts()
        return None if ts is None else datetime.fromtimestamp(ts, self._now().tzinfo)

    def remaining_s(self) -> float | None:
        """Seconds to the end (to the suspend, while counting down), or None when unknown."""
        ts = self._due_ts()
        if self._phase is TimerPhase.COUNTDOWN:
            ts = self._until_ts
        return None if ts is None else max(0.0, ts - self._ts())

    def tracks_left(self) -> int | None:
        """Track ends still to come, counting the current track, while the end is a track's
        end whose time is not known yet; None when the end is a time."""
        counting = self._phase in (TimerPhase.ARMED, TimerPhase.FADING)
        if not counting or self.remaining_s() is not None:
            return None
        if self._kind is EndKind.TRACKS:
            return self._tracks_left
        return 1 if self._kind is EndKind.TRACK else None

    def fade_gain(self) -> float:
        return self._gain

    def description(self) -> str:
        """The end in words, for the panel, tray tooltip, title and headless status."""
        plan = self._plan
        if self._phase is TimerPhase.IDLE or plan is None:
            return "Timer off"
        if self._phase is TimerPhase.COUNTDOWN:
            return f"Suspends in {math.ceil(self.remaining_s() or 0)} s"
        if self._phase is TimerPhase.GRACE:
            done = "Paused" if plan.end_action is EndAction.PAUSE else "Stopped"
            return f"{done} by the sleep timer"
        action = plan.end_action
        if self._kind in (EndKind.DEADLINE, EndKind.DECIDE):
            return describe_end(
                action, at=self.deadline, let_track_finish=self._kind is EndKind.DECIDE
            )
        left = self._tracks_left if self._kind is EndKind.TRACKS else 1
        return describe_end(action, track_remaining_s=self.remaining_s(), tracks_left=left)

    def tick_interval_ms(self) -> int | None:
        """The current tick interval, None while not ticking (tests, benchmarks)."""
        return self._ticks.interval_ms()

    # ------------------------------------------------------------------ the tick
    def tick(self) -> None:
        """What the timer does each tick: compare now() with the deadline, set the fade gain
        for the wall-clock time elapsed, end playback when due. Public so that tests and
        benchmarks can drive it on a fake clock; the QTimers call nothing else."""
        now = self._ts()
        if self._phase in (TimerPhase.ARMED, TimerPhase.FADING):
            self._tick_armed(now)
        elif self._phase is TimerPhase.COUNTDOWN:
            self._tick_countdown(now)
        elif self._phase is TimerPhase.GRACE and now >= self._until_ts:
            self._set_idle()
        elif self._phase is TimerPhase.IDLE and self._ramp is not None:
            self._apply_gain(self._ramp_gain(now))  # cancelled in the fade: rising
        self._schedule(now)
        self._emit_if_changed()

    def _tick_armed(self, now: float) -> None:
        if self._kind is EndKind.DECIDE and self._decide_ts is not None and now >= self._decide_ts:
            if now - self._decide_ts > LATE_LIMIT_S:
                self._finish(now, power_ok=now - self._decide_ts <= OVERDUE_LIMIT_S)
                return
            self._decide(now)
        if self._kind is EndKind.TRACK and self._phase is TimerPhase.ARMED:
            if self._end_ts is not None and now - self._end_ts > LATE_LIMIT_S:
                self._finish(now, power_ok=now - self._end_ts <= OVERDUE_LIMIT_S)
                return
            self._sync_track(now)
        if self._end_ts is None:
            self._apply_gain(self._ramp_gain(now))
            return
        late = now - self._end_ts
        if late >= 0:
            if self._phase is TimerPhase.FADING and late <= LATE_LIMIT_S:
                self._apply_gain(0.0)  # the curve's end: off, then the pause or stop
            self._finish(now, power_ok=late <= OVERDUE_LIMIT_S)
            return
        if self._phase is TimerPhase.ARMED and now >= self._fade_start_ts:
            skipped = now - self._fade_start_ts
            if skipped > LATE_LIMIT_S and skipped > self._fade_len / 2:
                # Woke from sleep with most of the fade gone: never fade from the top again.
                self._finish(now, power_ok=False)
                return
            self._begin_fade()
        gain = self._ramp_gain(now)
        if self._phase is TimerPhase.FADING:
            assert self._plan is not None
            gain = min(
                gain,
                fade_gain(
                    self._plan.curve,
                    progress_at(now, self._fade_start_ts, self._fade_len, self._fade_from_p),
                ),
            )
        self._apply_gain(gain)

    def _schedule(self, now: float) -> None:
        if self._phase is TimerPhase.IDLE and self._ramp is None:
            self._ticks.stop()
            return
        fast = self._phase is TimerPhase.FADING or self._ramp is not None
        upcoming = self._decide_ts if self._kind is EndKind.DECIDE else None
        if self._phase is TimerPhase.ARMED and self._end_ts is not None:
            upcoming = self._fade_start_ts
        self._ticks.follow(fast=fast, wait_s=None if upcoming is None else upcoming - now)

    # ------------------------------------------------------------------ helpers
    def _grace_s(self) -> float:
        # What Settings promises ("If you stir ... for 10 min"), read live; an earlier +5 or
        # +15 is the user's explicit choice for that moment, never the new wake-up length.
        return self._settings.grace_extension_min * 60.0

    def _ts(self) -> float:
        return self._now().timestamp()

    def _due_ts(self) -> float | None:
        if self._phase not in (TimerPhase.ARMED, TimerPhase.FADING):
            return None
        return self._decide_ts if self._kind is EndKind.DECIDE else self._end_ts

    def _set_end(self, end_ts: float, now: float) -> None:
        """A new end while not fading; a timer shorter than its fade compresses the fade."""
        assert self._plan is not None
        self._end_ts = end_ts
        self._fade_start_ts, self._fade_len = fade_span(end_ts, now, self._plan.fade_s)
        self._fade_from_p = 0.0

    def _rearm(self, now: float, end_ts: float, *, ramp: bool) -> None:
        """Out of the fade (or the end) to a plain deadline; fades back up or jumps to 1.0."""
        self._kind, self._decide_ts, self._expect_halt = EndKind.DEADLINE, None, False
        self._controller.set_halt_at_track_end(False)
        self._phase = TimerPhase.ARMED
        self._ramp = (gain_db(self._gain), now) if ramp and self._gain < 1.0 else None
        if not ramp:
            self._apply_gain(1.0)
        self._set_end(end_ts, now)

    def _ramp_gain(self, now: float) -> float:
        if self._ramp is None:
            return 1.0
        from_db, start = self._ramp
        t = (now - start) / RAMP_UP_S
        if t >= 1.0:
            self._ramp = None
        return ramp_up_gain(from_db, t)

    def _apply_gain(self, gain: float) -> None:
        if gain != self._gain:
            self._gain = gain
            self._controller.set_fade_gain(gain)

    def _begin_fade(self) -> None:
        self._phase = TimerPhase.FADING
        c = self._controller
        track, playlist, position = c.current_track, c.current_playlist_uid, c.position_ms()
        if track is not None and playlist is not None:
            self._memory.record(FellAsleep(playlist, track.uid, position, self._ts()))
        self.fade_started.emit(track.uid if track else "", position)

    def _reset_end_state(self) -> None:
        self._kind, self._end_ts, self._decide_ts = EndKind.DEADLINE, None, None
        self._fade_from_p = 0.0
        self._reset_track_state()
        self._ramp = None

    def _set_idle(self) -> None:
        self._phase, self._plan, self._auto_armed = TimerPhase.IDLE, None, False
        self._reset_end_state()
        self._schedule(0.0)
        self._emit_if_changed()

    def _emit_if_changed(self) -> None:
        remaining = self.remaining_s()
        key = (
            self._phase,
            None if self._due_ts() is None else round(self._due_ts() or 0),
            None if remaining is None else math.ceil(remaining),
            self._tracks_left,
            round(gain_db(self._gain)),
        )
        if key != self._last_key:
            self._last_key = key
            self.changed.emit()

    # ------------------------------------------------------------------ controller events
    def _on_controller_state_changed(self, value: int) -> None:
        if self._ending or self._phase not in (TimerPhase.ARMED, TimerPhase.FADING):
            return
        state = PlayerState(value)
        now = self._ts()
        if self._phase is TimerPhase.FADING:
            awake = not (self._expect_halt or self._controller.queue_ran_out)
            if state in (PlayerState.PAUSED, PlayerState.STOPPED) and awake:
                # Someone is awake: keep the timer, restore the level while nothing plays.
                self._rearm(now, now + self._grace_s(), ramp=False)
        elif state is PlayerState.PLAYING and (self._halt_pending or self._await_start):
            self._await_start = False
            if self._halt_pending:
                self._halt_pending = False
                self._bind_to_track(now)
            else:
                self._sync_track(now)
        else:
            self._sync_track(now)
        self._schedule(now)
        self._emit_if_changed()

    def _on_controller_volume_changed(self, volume: int) -> None:
        # The timer never sets the user volume, so any change here is the user's.
        louder = volume > self._user_volume
        self._user_volume = volume
        if self._phase is not TimerPhase.FADING or not louder:
            return  # softer during the fade: it goes on (module docstring)
        now = self._ts()
        self._rearm(now, now + self._grace_s(), ramp=True)
        self._schedule(now)
        self._emit_if_changed()

    def _on_controller_play_requested(self) -> None:
        if (
            self._phase is TimerPhase.IDLE
            and self._settings.bedtime_enabled  # the clock (and zoneinfo) only when it can arm
            and bedtime_due(self._settings, self._now().time())
        ):
            self.arm_default()
            self._auto_armed = True
            self.auto_armed.emit(AUTO_ARM_MESSAGE)
