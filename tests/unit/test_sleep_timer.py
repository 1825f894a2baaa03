"""SleepTimer on a fake wall clock against the fake backend: a timeline of every command.

The wall clock, the controller's monotonic clock and the engine's media time move together
(``Rig.run``), except in the suspend tests, where only the wall clock jumps. Ticks are driven
directly through ``SleepTimer.tick``; only the cadence tests let the real QTimers run.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from sleepplayer.core.fade import FADE_FLOOR_DB, engine_volume, fade_gain
from sleepplayer.core.fade_window import RAMP_UP_S
from sleepplayer.core.model import Library, Playlist, RepeatMode, Track
from sleepplayer.core.settings import Settings
from sleepplayer.core.sleep_plan import (
    EndAction,
    FadeCurve,
    SleepMode,
    SleepPlan,
    add_seconds,
)
from sleepplayer.headless import end_with_the_timer
from sleepplayer.playback.backend import PlayerState
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.library import LibraryService
from sleepplayer.services.sleep_timer import SleepTimer, TimerPhase
from tests.helpers.fake_backend import FakeBackend
from tests.helpers.fake_clock import FakeClock

BERLIN = ZoneInfo("Europe/Berlin")
USER_VOLUME = 40
FLOOR_VOLUME = engine_volume(USER_VOLUME, 10 ** (FADE_FLOOR_DB / 20))


def _uri(i: int) -> str:
    return f"file:///music/t{i}.ogg"


class WallClock:
    """Aware local wall time that moves only when told (and may jump, as after a suspend)."""

    def __init__(self) -> None:
        self.now = datetime(2024, 6, 1, 23, 0, tzinfo=BERLIN)
        self.reads = 0

    def __call__(self) -> datetime:
        self.reads += 1
        return self.now

    def jump(self, seconds: float) -> None:
        self.now = add_seconds(self.now, seconds)


class FakeSuspender:
    def __init__(self) -> None:
        self.calls = 0

    def suspend(self) -> None:
        self.calls += 1


class Rig:
    """Everything a timeline test needs, with real time passing in one call."""

    def __init__(self, backend: FakeBackend, tmp_path: Path) -> None:
        self.backend = backend
        # Long tracks unless a test needs track ends.
        backend.lengths.update({_uri(i): 3_600_000 for i in range(3)})
        self.wall = WallClock()
        self.mono = FakeClock()
        library = LibraryService(
            Library([Playlist("P", [Track(_uri(i), uid=f"t{i}") for i in range(3)], uid="p")])
        )
        library.set_current("p")
        self.controller = PlaybackController(backend, library, clock=self.mono)
        self.controller.set_volume(USER_VOLUME)
        self.settings = Settings()
        self.suspender = FakeSuspender()
        self.state_file = tmp_path / "fell-asleep.json"
        self.timer = SleepTimer(
            self.controller,
            now=self.wall,
            suspender=self.suspender,
            settings=self.settings,
            state_file=self.state_file,
        )
        self.events: list[tuple[str, Any]] = []
        self.timer.finished.connect(lambda a: self.events.append(("finished", a)))
        self.timer.quit_requested.connect(lambda: self.events.append(("quit", None)))
        self.timer.suspend_countdown.connect(lambda n: self.events.append(("countdown", n)))
        self.timer.fade_started.connect(lambda u, p: self.events.append(("fade", (u, p))))
        self.timer.message.connect(lambda m: self.events.append(("message", m)))
        self.timer.auto_armed.connect(lambda m: self.events.append(("auto_armed", m)))

    def elapse(self, seconds: float) -> None:
        """Time passes with the machine awake: wall, monotonic and media time together."""
        self.wall.jump(seconds)
        self.mono.now += seconds
        self.backend.advance(round(seconds * 1000))

    def run(self, seconds: float, step: float = 0.08) -> None:
        """Let ``seconds`` pass, ticking every ``step`` (the fast cadence by default)."""
        steps = round(seconds / step)
        for _ in range(steps):
            self.elapse(step)
            self.timer.tick()

    def run_until(self, call: str, limit_s: float, step: float = 0.08) -> float:
        """Run until the backend receives ``call``; the seconds that took."""
        start = len(self.backend.calls)
        waited = 0.0
        while waited < limit_s:
            self.elapse(step)
            waited += step
            self.timer.tick()
            if any(name == call for name, _ in self.backend.calls[start:]):
                return waited
        raise AssertionError(f"no {call} within {limit_s} s")

    def mark(self) -> int:
        return len(self.backend.calls)

    def calls_since(self, mark: int) -> list[tuple[str, tuple[Any, ...]]]:
        return self.backend.calls[mark:]

    def volumes_since(self, mark: int) -> list[int]:
        return [int(a[0]) for n, a in self.calls_since(mark) if n == "set_volume"]

    def loads(self) -> list[str]:
        return [str(a[0]) for n, a in self.backend.calls if n == "load"]


@pytest.fixture
def rig(backend: FakeBackend, tmp_path: Path) -> Iterator[Rig]:
    r = Rig(backend, tmp_path)
    yield r
    # Ordered shutdown: the controller's volume check must not fire after the backend is gone.
    r.timer.shutdown()
    r.controller.shutdown()


def _non_increasing(values: list[int]) -> bool:
    return all(b <= a for a, b in itertools.pairwise(values))


# Read through functions: mypy would otherwise keep a property narrowed across commands.
def _phase(timer: SleepTimer) -> TimerPhase:
    return timer.phase


def _state(rig: Rig) -> PlayerState:
    return rig.controller.state


def _split_at(calls: list[tuple[str, tuple[Any, ...]]], name: str) -> tuple[list[int], list[int]]:
    """set_volume values before and after the first ``name`` call."""
    names = [n for n, _ in calls]
    cut = names.index(name)
    vols = [
        [int(a[0]) for n, a in part if n == "set_volume"] for part in (calls[:cut], calls[cut:])
    ]
    return vols[0], vols[1]


# ---------------------------------------------------------------- the basic timeline
def test_fade_goes_only_down_then_pause_then_restore(rig: Rig) -> None:
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=120, fade_s=60))
    assert _phase(rig.timer) is TimerPhase.ARMED
    assert rig.timer.description() == "Pauses at 23:02"
    mark = rig.mark()
    rig.run(59, step=1.0)
    assert rig.volumes_since(mark) == []  # nothing touched outside the fade
    waited = rig.run_until("pause", 70)
    assert abs(59 + waited - 120) <= 0.1
    before, after = _split_at(rig.calls_since(mark), "pause")
    assert _non_increasing(before) and before[0] <= engine_volume(USER_VOLUME)
    assert len(set(before)) > 20  # it really faded, a step each tick
    assert before[-1] == 0  # nothing above the floor between the fade's end and the pause
    assert after == [engine_volume(USER_VOLUME)]  # restored only after the pause
    assert _state(rig) is PlayerState.PAUSED
    assert rig.controller.volume == USER_VOLUME  # the user's setting was never written
    assert rig.timer.fade_gain() == 1.0
    assert ("finished", "pause") in rig.events
    assert _phase(rig.timer) is TimerPhase.GRACE


@pytest.mark.parametrize("curve", list(FadeCurve))
def test_gain_follows_the_curve_in_wall_clock_time(rig: Rig, curve: FadeCurve) -> None:
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=120, fade_s=40, curve=curve))
    rig.run(80, step=1.0)
    for seconds in (10, 20, 30, 39):
        rig.run(10 if seconds < 39 else 9, step=0.5)
        expected = fade_gain(curve, seconds / 40)
        assert rig.timer.fade_gain() == pytest.approx(expected, rel=1e-6)
        assert rig.controller.fade_gain == rig.timer.fade_gain()


def test_a_timer_shorter_than_its_fade_compresses_it(rig: Rig) -> None:
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=60, fade_s=300, curve=FadeCurve.LINEAR))
    assert _phase(rig.timer) is TimerPhase.FADING  # starts at once ...
    rig.run(30, step=1.0)
    assert rig.timer.fade_gain() == pytest.approx(0.5)  # ... and spans the 60 s
    mark = rig.mark()
    waited = rig.run_until("pause", 40, step=0.1)
    assert abs(30 + waited - 60) <= 0.15
    before, _ = _split_at(rig.calls_since(mark), "pause")
    assert _non_increasing(before) and before[-1] == 0


def test_late_and_irregular_ticks_end_on_time_without_jumping_up(rig: Rig) -> None:
    rng = random.Random(7)
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=300, fade_s=120))
    rig.run(175, step=1.0)
    mark = rig.mark()
    elapsed, stalled = 175.0, False
    while not any(n == "pause" for n, _ in rig.calls_since(mark)):
        gap = 5.0 if (elapsed > 240 and not stalled) else rng.uniform(0.0, 0.9)
        stalled = stalled or gap == 5.0
        rig.elapse(gap)
        elapsed += gap
        rig.timer.tick()
        assert elapsed < 310
    assert stalled
    assert abs(elapsed - 300) <= 1.0
    before, after = _split_at(rig.calls_since(mark), "pause")
    assert _non_increasing(before) and before[-1] == 0
    assert after == [engine_volume(USER_VOLUME)]


# ---------------------------------------------------------------- end actions
@pytest.mark.parametrize("action", [EndAction.STOP, EndAction.QUIT])
def test_stop_and_quit_stop_first_then_restore(rig: Rig, action: EndAction) -> None:
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=60, fade_s=10, end_action=action))
    mark = rig.mark()
    rig.run(61, step=0.5)
    names = [n for n, _ in rig.calls_since(mark)]
    assert "stop" in names and "pause" not in names
    before, _ = _split_at(rig.calls_since(mark), "stop")
    assert before[-1] == 0
    assert rig.controller.fade_gain == 1.0
    if action is EndAction.QUIT:
        assert rig.events[-2:] == [("finished", "quit"), ("quit", None)]
        assert _phase(rig.timer) is TimerPhase.IDLE
    else:
        assert _phase(rig.timer) is TimerPhase.GRACE


def test_suspend_countdown_runs_then_suspends(rig: Rig) -> None:
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=60, fade_s=10, end_action=EndAction.SUSPEND))
    rig.run(61, step=0.5)
    assert _state(rig) is PlayerState.STOPPED
    assert _phase(rig.timer) is TimerPhase.COUNTDOWN
    assert rig.timer.description().startswith("Suspends in")
    assert rig.suspender.calls == 0
    rig.run(60, step=1.0)
    counts = [n for e, n in rig.events if e == "countdown"]
    assert counts[0] in (60, 59) and counts[-1] == 0
    assert counts[:-1] == sorted(counts[:-1], reverse=True) and len(counts) >= 59
    assert rig.suspender.calls == 1
    assert _phase(rig.timer) is TimerPhase.IDLE


@pytest.mark.parametrize("awake", ["", "resumed", "played without a grace minute"])
def test_a_headless_run_ends_after_the_suspend_countdown(
    qtbot: QtBot, rig: Rig, awake: str
) -> None:
    # It ended at the start of the countdown, so the computer was never suspended.
    ended: list[bool] = []
    end_with_the_timer(rig.timer, rig.controller, lambda: ended.append(True))
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=60, fade_s=10, end_action=EndAction.SUSPEND))
    rig.run(61, step=0.5)
    assert _phase(rig.timer) is TimerPhase.COUNTDOWN
    QCoreApplication.processEvents()
    assert ended == []
    if awake == "resumed":
        rig.timer.notify_activity()  # a key in the countdown: the sound comes back
    elif awake:
        rig.settings.activity_grace = False  # the key cancels the countdown; its Play plays
        rig.controller.play()
        rig.timer.notify_activity()
    if awake:
        QCoreApplication.processEvents()
        assert ended == [] and _state(rig) is PlayerState.PLAYING
        return
    rig.run(60, step=1.0)
    assert rig.suspender.calls == 1
    qtbot.waitUntil(lambda: ended == [True], timeout=1000)


@pytest.mark.parametrize("how", ["cancel", "activity"])
def test_suspend_countdown_is_cancellable(rig: Rig, how: str) -> None:
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=60, fade_s=10, end_action=EndAction.SUSPEND))
    rig.run(70, step=1.0)
    assert _phase(rig.timer) is TimerPhase.COUNTDOWN
    if how == "cancel":
        rig.timer.cancel()
        assert _phase(rig.timer) is TimerPhase.IDLE
    else:
        rig.timer.notify_activity()  # awake: resume and re-arm instead
        assert _phase(rig.timer) is TimerPhase.ARMED
        assert _state(rig) is PlayerState.PLAYING
    assert rig.events[-1] == ("countdown", 0) or ("countdown", 0) in rig.events[-3:]
    rig.run(90, step=1.0)
    assert rig.suspender.calls == 0


def test_a_wall_clock_jump_past_the_deadline_stops_quietly_without_power_action(
    rig: Rig,
) -> None:
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=30 * 60, fade_s=60, end_action=EndAction.SUSPEND))
    rig.run(5, step=1.0)
    mark = rig.mark()
    rig.wall.jump(3 * 3600)  # the machine slept: no monotonic or media time passed
    rig.timer.tick()
    calls = rig.calls_since(mark)
    assert [n for n, _ in calls][:1] == ["stop"]
    assert all(a[0] <= engine_volume(USER_VOLUME) for n, a in calls if n == "set_volume")
    assert not any(e == "countdown" for e, _ in rig.events)
    assert rig.controller.fade_gain == 1.0
    rig.run(200, step=1.0)
    assert rig.suspender.calls == 0


def test_waking_in_the_middle_of_the_fade_stops_instead_of_fading_from_the_top(
    rig: Rig,
) -> None:
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=30 * 60, fade_s=600, end_action=EndAction.SUSPEND))
    rig.run(3, step=1.0)
    mark = rig.mark()
    rig.wall.jump(30 * 60 - 3 - 120)  # 8 of the 10 fade minutes slept through
    rig.timer.tick()
    names = [n for n, _ in rig.calls_since(mark)]
    assert names[0] == "stop"
    assert rig.volumes_since(mark) == []  # no level was set before the stop
    rig.run(200, step=1.0)
    assert rig.suspender.calls == 0


def test_a_countdown_overslept_never_suspends(rig: Rig) -> None:
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=60, fade_s=10, end_action=EndAction.SUSPEND))
    rig.run(63, step=1.0)
    assert _phase(rig.timer) is TimerPhase.COUNTDOWN
    rig.wall.jump(600)  # the lid was closed during the countdown
    rig.timer.tick()
    assert rig.suspender.calls == 0
    assert _phase(rig.timer) is TimerPhase.IDLE


# ---------------------------------------------------------------- interrupting the fade
def test_cancel_during_the_fade_fades_back_up_never_a_jump(rig: Rig) -> None:
    # Cancelled 30 s into a 60 s fade (about -25 dB), the volume jumped back to the user's
    # at once: a jolt, where every other way out of the fade rises over RAMP_UP_S.
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=60, fade_s=60))
    rig.run(30, step=0.5)
    faded = rig.backend.volume()
    mark = rig.mark()
    said: list[str] = []
    rig.timer.message.connect(said.append)
    rig.timer.cancel()
    assert _phase(rig.timer) is TimerPhase.IDLE
    assert said == ["Sleep timer off."]  # the dial only vanished: now it is said
    rig.timer.cancel()
    assert said == ["Sleep timer off."]  # nothing was running: nothing to say
    rig.run(RAMP_UP_S / 4)
    quarter = rig.volumes_since(mark)
    assert quarter and max(quarter) < engine_volume(USER_VOLUME) * 0.5
    rig.run(RAMP_UP_S)
    volumes = rig.volumes_since(mark)
    assert volumes == sorted(volumes) and volumes[0] >= faded  # only ever up
    assert volumes[-1] == engine_volume(USER_VOLUME) and rig.timer.fade_gain() == 1.0
    assert rig.timer.tick_interval_ms() is None  # risen: no more ticks
    assert _state(rig) is PlayerState.PLAYING
    rig.run(60, step=1.0)
    assert not any(n in ("pause", "stop") for n, _ in rig.calls_since(mark))


def test_user_pause_during_the_fade_keeps_the_timer_and_restores_after_the_pause(
    rig: Rig,
) -> None:
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=60, fade_s=60))
    rig.run(30, step=0.5)
    mark = rig.mark()
    rig.controller.pause()
    names = [n for n, _ in rig.calls_since(mark)]
    assert names[0] == "pause" and rig.volumes_since(mark) == [engine_volume(USER_VOLUME)]
    assert _phase(rig.timer) is TimerPhase.ARMED
    assert rig.timer.remaining_s() == pytest.approx(600)


def test_turning_the_volume_down_during_the_fade_lets_it_go_on_more_quietly(rig: Rig) -> None:
    # Ending the fade at once brought the sound back up by all the fade had taken (+20 dB)
    # for someone who pressed Down because it was too loud.
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=60, fade_s=60))
    rig.run(30, step=0.5)
    before = rig.backend.volume()
    mark = rig.mark()
    rig.controller.set_volume(USER_VOLUME - 5)
    rig.timer.notify_activity(quiet=True)  # what the window reports after the key
    assert _phase(rig.timer) is TimerPhase.FADING
    assert rig.backend.volume() <= before
    rig.run(10, step=0.5)
    assert max(rig.volumes_since(mark)) <= before
    assert rig.volumes_since(mark) == sorted(rig.volumes_since(mark), reverse=True)
    rig.run(25, step=1.0)
    assert _phase(rig.timer) is not TimerPhase.FADING  # it ended as planned
    assert rig.controller.volume == USER_VOLUME - 5  # the user's volume, never the fade's


def test_a_volume_change_while_fading_back_up_lets_the_rise_finish(rig: Rig) -> None:
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=60, fade_s=60))
    rig.run(40, step=0.5)
    rig.timer.extend(5 * 60)  # fades back up over 2 s
    rig.run(0.5)
    mark = rig.mark()
    rig.controller.set_volume(USER_VOLUME - 5)
    rig.controller.set_volume(USER_VOLUME)
    assert rig.backend.volume() < engine_volume(USER_VOLUME)  # no jump to the full volume
    rig.run(2.0, step=0.1)
    assert rig.volumes_since(mark)[-1] == engine_volume(USER_VOLUME)


def test_turning_the_volume_up_during_the_fade_fades_back_up_to_it(rig: Rig) -> None:
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=60, fade_s=60))
    rig.run(30, step=0.5)
    low = rig.backend.volume()
    mark = rig.mark()
    rig.controller.set_volume(USER_VOLUME + 5)  # the volume slider: no activity report
    assert _phase(rig.timer) is TimerPhase.ARMED
    assert rig.timer.remaining_s() == pytest.approx(600)
    rig.run(1.0)
    assert low < rig.backend.volume() < engine_volume(USER_VOLUME + 5)  # not a jump
    rig.run(2.0)
    _assert_ramps_up(rig.volumes_since(mark), USER_VOLUME + 5)
    # The next fade starts from the new volume.
    mark = rig.mark()
    rig.run(541, step=1.0)
    assert _phase(rig.timer) is TimerPhase.FADING
    assert max(rig.volumes_since(mark)) <= engine_volume(USER_VOLUME + 5)


# ---------------------------------------------------------------- extending
def _assert_ramps_up(volumes: list[int], to: int = USER_VOLUME) -> None:
    assert volumes == sorted(volumes)
    assert volumes[-1] == engine_volume(to)


def test_extend_during_the_fade_fades_back_up_over_two_seconds(rig: Rig) -> None:
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=60, fade_s=60))
    rig.run(40, step=0.5)
    low = rig.backend.volume()
    mark = rig.mark()
    rig.timer.extend(5 * 60)
    assert _phase(rig.timer) is TimerPhase.ARMED
    assert rig.timer.remaining_s() == pytest.approx(20 + 300)
    rig.run(1.0)
    assert low < rig.backend.volume() < engine_volume(USER_VOLUME)  # not a jump
    rig.run(1.2)
    _assert_ramps_up(rig.volumes_since(mark))
    assert rig.timer.tick_interval_ms() == 1000  # back to the slow tick


def test_extend_shortens_but_never_to_an_abrupt_stop(rig: Rig) -> None:
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=180, fade_s=60))
    rig.timer.extend(-60)
    assert rig.timer.remaining_s() == pytest.approx(120)
    rig.timer.extend(-5 * 60)
    assert rig.timer.remaining_s() == pytest.approx(10)  # the shortest left
    assert _phase(rig.timer) is TimerPhase.FADING  # compressed into those 10 s
    mark = rig.mark()
    rig.run_until("pause", 11, step=0.1)
    before, _ = _split_at(rig.calls_since(mark), "pause")
    assert _non_increasing(before) and before[-1] == 0


def test_shortening_during_the_fade_goes_on_down(rig: Rig) -> None:
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=600, fade_s=300))
    rig.run(400, step=1.0)
    mark = rig.mark()
    rig.timer.extend(-120)
    waited = rig.run_until("pause", 100, step=0.25)
    assert waited == pytest.approx(80, abs=0.3)
    before, _ = _split_at(rig.calls_since(mark), "pause")
    assert _non_increasing(before) and before[-1] == 0


def test_extend_works_idle_and_on_track_modes(rig: Rig) -> None:
    rig.timer.extend(15 * 60)
    assert _phase(rig.timer) is TimerPhase.ARMED
    assert rig.timer.remaining_s() == pytest.approx(900)
    rig.backend.lengths[_uri(0)] = 300_000
    rig.controller.play()
    rig.elapse(100)
    rig.timer.arm(SleepPlan(SleepMode.END_OF_TRACK))
    assert rig.timer.remaining_s() == pytest.approx(200)
    rig.timer.extend(300)  # becomes a deadline 5 min after the track's end
    assert rig.timer.remaining_s() == pytest.approx(500)
    assert rig.timer.description() == "Pauses at 23:10"


# ---------------------------------------------------------------- activity grace
def test_activity_during_the_fade_fades_up_and_rearms_for_the_grace_setting(rig: Rig) -> None:
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=60, fade_s=60))
    rig.run(30, step=0.5)
    mark = rig.mark()
    rig.timer.notify_activity()
    rig.run(2.1)
    _assert_ramps_up(rig.volumes_since(mark))
    assert rig.timer.remaining_s() == pytest.approx(600 - 2.1, abs=0.05)
    rig.timer.extend(15 * 60)  # an explicit +15 min is for now, not the next wake-up
    rig.run(15 * 60 + 597.9 - 30, step=1.0)
    assert _phase(rig.timer) is TimerPhase.FADING
    rig.timer.notify_activity()
    assert rig.timer.remaining_s() == pytest.approx(600)  # Settings: "for 10 min"


def test_waking_in_the_grace_minute_gives_the_grace_setting_after_a_plus_five(rig: Rig) -> None:
    """The trial: +5 min once, then waking in the grace minute gave only 5 min, while Settings
    and the README promise the "If you stir" time (10 min)."""
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=60, fade_s=20))
    rig.timer.extend(5 * 60)
    rig.run(6 * 60 + 1, step=1.0)
    assert _phase(rig.timer) is TimerPhase.GRACE
    rig.timer.notify_activity()
    assert _phase(rig.timer) is TimerPhase.ARMED
    assert rig.timer.remaining_s() == pytest.approx(600)
    rig.settings.grace_extension_min = 25  # read live
    rig.run(600 + 1, step=1.0)
    assert _phase(rig.timer) is TimerPhase.GRACE
    rig.timer.notify_activity()
    assert rig.timer.remaining_s() == pytest.approx(25 * 60)


def test_plus_fifteen_after_the_end_resumes_for_fifteen(rig: Rig) -> None:
    _to_phase(rig, TimerPhase.GRACE)
    rig.timer.extend(15 * 60)
    assert _state(rig) is PlayerState.PLAYING
    assert rig.timer.remaining_s() == pytest.approx(15 * 60)


def test_activity_after_the_end_resumes_fading_up(rig: Rig) -> None:
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=60, fade_s=20))
    rig.run(60.5, step=0.5)
    assert _phase(rig.timer) is TimerPhase.GRACE
    assert rig.timer.description() == "Paused by the sleep timer"
    rig.run(40, step=1.0)
    mark = rig.mark()
    rig.timer.notify_activity()
    assert _state(rig) is PlayerState.PLAYING
    # Silence first, then play: it comes back from silence.
    assert rig.calls_since(mark)[:2] == [("set_volume", (0,)), ("play", ())]
    rig.run(2.1)
    _assert_ramps_up(rig.volumes_since(mark))
    assert _phase(rig.timer) is TimerPhase.ARMED
    assert rig.timer.remaining_s() == pytest.approx(600 - 2.1, abs=0.05)


def test_play_pressed_in_grace_is_not_silenced_by_the_activity_that_follows(rig: Rig) -> None:
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=60, fade_s=20))
    rig.run(61, step=0.5)
    rig.controller.play()
    mark = rig.mark()
    rig.timer.notify_activity()
    rig.run(3)
    assert rig.volumes_since(mark) == []
    assert _phase(rig.timer) is TimerPhase.ARMED


def test_arming_a_deadline_clears_a_track_halt(rig: Rig) -> None:
    rig.backend.lengths[_uri(0)] = 60_000
    rig.controller.play()
    rig.timer.arm(SleepPlan(SleepMode.END_OF_TRACK))
    rig.timer.arm(SleepPlan(duration_s=600))
    rig.run(61, step=1.0)
    assert rig.loads() == [_uri(0), _uri(1)]  # the next track started as usual


def test_activity_after_a_stop_resumes_where_it_stopped(rig: Rig) -> None:
    rig.backend.lengths[_uri(0)] = 600_000
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=60, fade_s=20, end_action=EndAction.STOP))
    rig.run(60.5, step=0.5)
    assert _state(rig) is PlayerState.STOPPED
    rig.timer.notify_activity()
    assert _state(rig) is PlayerState.PLAYING
    assert ("seek", (60_000,)) in rig.backend.calls[-6:]


def test_no_grace_after_sixty_seconds_or_when_switched_off(rig: Rig) -> None:
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=60, fade_s=20))
    rig.run(60.5 + 61, step=0.5)
    assert _phase(rig.timer) is TimerPhase.IDLE and rig.timer.tick_interval_ms() is None
    rig.timer.notify_activity()
    assert _state(rig) is PlayerState.PAUSED
    rig.settings.activity_grace = False
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=60, fade_s=20))
    rig.run(50, step=0.5)
    rig.timer.notify_activity()
    assert _phase(rig.timer) is TimerPhase.FADING  # no grace: the fade goes on
    rig.run(11, step=0.5)
    assert _phase(rig.timer) is TimerPhase.IDLE


def _to_phase(rig: Rig, phase: TimerPhase) -> None:
    """Play under a 60 s timer (10 s fade) until ``phase``: FADING, GRACE (paused by the
    timer) or COUNTDOWN (stopped, suspend pending)."""
    end = EndAction.SUSPEND if phase is TimerPhase.COUNTDOWN else EndAction.PAUSE
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=60, fade_s=10, end_action=end))
    rig.run(55 if phase is TimerPhase.FADING else 61, step=0.5)
    assert _phase(rig.timer) is phase


def test_activity_during_the_fade_rearms(rig: Rig) -> None:
    _to_phase(rig, TimerPhase.FADING)
    rig.timer.notify_activity(quiet=False)  # someone is awake
    assert _phase(rig.timer) is TimerPhase.ARMED
    assert rig.timer.remaining_s() == pytest.approx(600)


def test_a_quiet_command_during_the_fade_lets_it_go_on(rig: Rig) -> None:
    # Mute, or a softer volume: never more sound for a request for less.
    _to_phase(rig, TimerPhase.FADING)
    rig.timer.notify_activity(quiet=True)
    assert _phase(rig.timer) is TimerPhase.FADING


def test_loud_activity_after_the_end_resumes(rig: Rig) -> None:
    _to_phase(rig, TimerPhase.GRACE)
    rig.timer.notify_activity(quiet=False)
    assert _state(rig) is PlayerState.PLAYING and _phase(rig.timer) is TimerPhase.ARMED


def test_a_quiet_command_after_the_end_turns_the_timer_off_in_silence(rig: Rig) -> None:
    _to_phase(rig, TimerPhase.GRACE)
    mark = rig.mark()
    rig.timer.notify_activity(quiet=True)  # a headset's pause button, say
    assert _phase(rig.timer) is TimerPhase.IDLE
    assert rig.timer.description() == "Timer off"
    rig.run(120, step=1.0)
    assert _state(rig) is PlayerState.PAUSED
    assert [n for n, _ in rig.calls_since(mark) if n in ("play", "load", "set_volume")] == []
    assert rig.timer.tick_interval_ms() is None  # nothing left ticking


def test_loud_activity_in_the_suspend_countdown_cancels_it_and_resumes(rig: Rig) -> None:
    _to_phase(rig, TimerPhase.COUNTDOWN)
    rig.timer.notify_activity(quiet=False)
    assert _phase(rig.timer) is TimerPhase.ARMED and _state(rig) is PlayerState.PLAYING
    assert ("countdown", 0) in rig.events[-3:]
    rig.timer.cancel()
    rig.run(90, step=1.0)
    assert rig.suspender.calls == 0


def test_a_quiet_command_in_the_suspend_countdown_cancels_it_in_silence(rig: Rig) -> None:
    _to_phase(rig, TimerPhase.COUNTDOWN)
    mark = rig.mark()
    rig.timer.notify_activity(quiet=True)
    assert _phase(rig.timer) is TimerPhase.IDLE
    assert rig.events[-1] == ("countdown", 0)
    rig.run(90, step=1.0)
    assert rig.suspender.calls == 0  # someone is there: never suspend under them
    assert _state(rig) is PlayerState.STOPPED
    assert [n for n, _ in rig.calls_since(mark) if n in ("play", "load")] == []


def test_a_quiet_command_while_armed_or_idle_changes_nothing(rig: Rig) -> None:
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=600, fade_s=10))
    rig.run(10, step=1.0)
    rig.timer.notify_activity(quiet=True)
    assert _phase(rig.timer) is TimerPhase.ARMED
    assert rig.timer.remaining_s() == pytest.approx(590)
    rig.timer.cancel()
    rig.timer.notify_activity(quiet=True)
    assert _phase(rig.timer) is TimerPhase.IDLE


# ---------------------------------------------------------------- track modes
def test_end_of_track_fades_into_the_track_end_and_the_next_never_starts(rig: Rig) -> None:
    rig.backend.lengths[_uri(0)] = 300_000
    rig.controller.play()
    rig.elapse(100)
    rig.timer.arm(SleepPlan(SleepMode.END_OF_TRACK, fade_s=60, end_action=EndAction.STOP))
    assert rig.timer.description() == "Stops after this track (in 3:20)"
    rig.run(139, step=1.0)
    assert _phase(rig.timer) is TimerPhase.ARMED
    mark = rig.mark()
    rig.run(62, step=0.1)
    assert rig.loads() == [_uri(0)]  # the next track never started
    calls = rig.calls_since(mark)
    before, after = _split_at(calls, "stop")
    assert _non_increasing(before) and before[-1] <= FLOOR_VOLUME
    assert after == []  # stopped: nothing to restore in the engine
    assert rig.controller.fade_gain == 1.0
    fades = [p for e, p in rig.events if e == "fade"]
    assert len(fades) == 1 and fades[0][0] == "t0" and abs(fades[0][1] - 240_000) <= 100
    assert ("finished", "stop") in rig.events


def test_end_of_track_follows_a_pause(rig: Rig) -> None:
    rig.backend.lengths[_uri(0)] = 300_000
    rig.controller.play()
    rig.timer.arm(SleepPlan(SleepMode.END_OF_TRACK, fade_s=30))
    rig.run(100, step=1.0)
    rig.controller.pause()
    rig.run(500, step=1.0)  # paused: the track's end does not come closer
    assert _phase(rig.timer) is TimerPhase.ARMED
    assert rig.timer.remaining_s() == pytest.approx(200, abs=1.0)
    rig.controller.play()
    rig.run(201, step=0.5)
    assert ("finished", "pause") in rig.events
    assert rig.loads() == [_uri(0)]


def test_end_of_track_on_a_looping_track_ends_at_the_computed_time(rig: Rig) -> None:
    rig.backend.lengths[_uri(0)] = 60_000
    rig.controller.set_repeat(RepeatMode.ONE)
    rig.controller.play()
    rig.elapse(10)
    rig.timer.arm(SleepPlan(SleepMode.END_OF_TRACK, fade_s=20))
    waited = rig.run_until("pause", 60, step=0.1)
    assert waited == pytest.approx(50, abs=0.15)
    assert rig.loads() == [_uri(0)]


def test_after_tracks_counts_natural_ends_and_halts_at_the_last(rig: Rig) -> None:
    rig.backend.lengths.clear()  # 60 s each
    rig.controller.play()
    rig.timer.arm(SleepPlan(SleepMode.AFTER_TRACKS, tracks=2, fade_s=20))
    assert rig.timer.description() == "Pauses after the next track"
    assert rig.timer.tracks_left() == 2  # this one and the next: what the dial shows
    rig.run(61, step=1.0)
    assert rig.loads() == [_uri(0), _uri(1)]
    assert rig.timer.description().startswith("Pauses after this track (in 0:5")
    assert rig.timer.tracks_left() is None  # the last one's end is a time now
    mark = rig.mark()
    rig.run(60, step=0.1)
    assert rig.loads() == [_uri(0), _uri(1)]
    before, _ = _split_at(rig.calls_since(mark), "stop")
    assert _non_increasing(before) and before[-1] <= FLOOR_VOLUME
    assert ("finished", "pause") in rig.events
    assert rig.controller.current_track is not None
    assert rig.controller.current_track.uid == "t2"  # next, unplayed


def test_after_more_tracks_than_the_queue_has_ends_when_it_runs_out(rig: Rig) -> None:
    rig.backend.lengths.clear()  # 60 s each
    rig.controller.play()
    rig.timer.arm(SleepPlan(SleepMode.AFTER_TRACKS, tracks=9, end_action=EndAction.STOP))
    rig.run(200, step=1.0)
    assert ("finished", "stop") in rig.events


def test_let_the_track_finish_ends_with_the_track(rig: Rig) -> None:
    rig.backend.lengths[_uri(0)] = 600_000
    rig.controller.play()
    plan = SleepPlan(duration_s=60, fade_s=60, let_track_finish=True, max_finish_wait_s=900)
    rig.timer.arm(plan)
    assert rig.timer.description() == "Pauses at 23:01 (lets the track finish)"
    rig.run(61, step=1.0)
    assert _phase(rig.timer) is TimerPhase.ARMED  # full volume until the track's last minute
    assert rig.timer.description() == "Pauses after this track (in 8:59)"
    rig.run(600 - 61 - 60 + 1, step=1.0)
    assert _phase(rig.timer) is TimerPhase.FADING
    rig.run(61, step=0.5)
    assert ("finished", "pause") in rig.events
    assert rig.loads() == [_uri(0)]


def test_let_the_track_finish_but_not_longer_than_the_maximum_wait(rig: Rig) -> None:
    rig.backend.lengths[_uri(0)] = 3_600_000
    rig.controller.play()
    plan = SleepPlan(duration_s=60, fade_s=30, let_track_finish=True, max_finish_wait_s=600)
    rig.timer.arm(plan)
    rig.run(60, step=1.0)
    waited = rig.run_until("pause", 40, step=0.1)
    assert waited == pytest.approx(30, abs=1.0)  # the fade began at the deadline


# ---------------------------------------------------------------- bedtime
def test_bedtime_arms_only_on_play_inside_the_window_and_undo_works(rig: Rig) -> None:
    rig.settings.bedtime_enabled = True
    rig.run(120, step=1.0)
    assert _phase(rig.timer) is TimerPhase.IDLE  # never without an explicit Play
    rig.controller.play()
    assert _phase(rig.timer) is TimerPhase.ARMED
    assert rig.timer.remaining_s() == pytest.approx(30 * 60)
    assert ("auto_armed", "Timer armed automatically") in rig.events
    rig.timer.undo_auto_arm()
    assert _phase(rig.timer) is TimerPhase.IDLE
    assert _state(rig) is PlayerState.PLAYING


@pytest.mark.parametrize(("hour", "armed"), [(1, True), (12, False), (21, False)])
def test_bedtime_window_crosses_midnight(rig: Rig, hour: int, armed: bool) -> None:
    rig.settings.bedtime_enabled = True
    rig.wall.now = rig.wall.now.replace(hour=hour)
    rig.controller.play()
    assert (_phase(rig.timer) is TimerPhase.ARMED) is armed


def test_bedtime_is_off_by_default_and_leaves_a_chosen_timer_alone(rig: Rig) -> None:
    rig.controller.play()
    assert _phase(rig.timer) is TimerPhase.IDLE
    rig.settings.bedtime_enabled = True
    rig.timer.arm(SleepPlan(SleepMode.END_OF_TRACK))
    rig.controller.play()
    assert rig.timer.plan is not None and rig.timer.plan.mode is SleepMode.END_OF_TRACK


def test_with_bedtime_off_playing_never_reads_the_clock(rig: Rig) -> None:
    # The system clock looks up the time zone (zoneinfo, 0.5 MB for the whole night) on its
    # first reading; a night with no timer and no bedtime window never needs it.
    reads = rig.wall.reads
    rig.controller.play()
    assert _state(rig) is PlayerState.PLAYING
    assert rig.wall.reads == reads


def test_undo_only_undoes_an_automatic_arm(rig: Rig) -> None:
    rig.timer.arm(SleepPlan())
    rig.timer.undo_auto_arm()
    assert _phase(rig.timer) is TimerPhase.ARMED


# ---------------------------------------------------------------- where did I fall asleep
def test_fell_asleep_memory_survives_a_restart_and_resumes_before_it(
    rig: Rig, backend: FakeBackend
) -> None:
    rig.backend.lengths[_uri(1)] = 4 * 3600 * 1000  # a long recording
    rig.controller.play_track("p", "t1")
    rig.elapse(2 * 3600)
    rig.timer.arm(SleepPlan(duration_s=120, fade_s=60))
    rig.run(61, step=1.0)
    assert ("fade", ("t1", 2 * 3600 * 1000 + 60_000)) in rig.events
    saved = json.loads(rig.state_file.read_text())
    assert saved["latest"]["track_uid"] == "t1"

    fresh = SleepTimer(rig.controller, now=rig.wall, state_file=rig.state_file)
    assert fresh.fell_asleep_at() == ("p", "t1", 2 * 3600 * 1000 + 60_000)
    assert fresh.fell_asleep_in("t1") == 2 * 3600 * 1000 + 60_000
    rig.timer.cancel()
    rig.controller.play_track("p", "t0")
    mark = rig.mark()
    assert fresh.resume_where_fell_asleep()
    calls = rig.calls_since(mark)
    assert ("load", (_uri(1), False)) in calls
    assert ("seek", (2 * 3600 * 1000 + 30_000,)) in calls
    assert backend.position_ms() == 2 * 3600 * 1000 + 30_000


def test_resume_with_nothing_remembered(rig: Rig) -> None:
    assert rig.timer.fell_asleep_at() is None
    assert not rig.timer.resume_where_fell_asleep()


def test_a_corrupt_memory_file_is_set_aside(tmp_path: Path, rig: Rig) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    timer = SleepTimer(rig.controller, now=rig.wall, state_file=bad)
    assert timer.fell_asleep_at() is None
    assert any(p.name.startswith("bad.json.corrupt-") for p in tmp_path.iterdir())


# ---------------------------------------------------------------- state and cadence
def test_changed_is_emitted_at_most_once_a_second_outside_the_fade(rig: Rig, qtbot: QtBot) -> None:
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=600))
    count = 0

    def bump() -> None:
        nonlocal count
        count += 1

    rig.timer.changed.connect(bump)
    rig.run(10, step=0.1)  # even ticked ten times a second
    assert 9 <= count <= 11


def test_the_tick_is_slow_while_armed_fast_in_the_fade_and_off_when_idle(
    rig: Rig, qtbot: QtBot
) -> None:
    counted: list[float] = []

    class CountingTimer(SleepTimer):
        def tick(self) -> None:
            counted.append(0)
            super().tick()

    timer = CountingTimer(rig.controller)  # the real clock: the QTimers really run
    assert timer.tick_interval_ms() is None
    timer.arm(SleepPlan(duration_s=600, fade_s=60))
    assert timer.tick_interval_ms() == 1000
    counted.clear()
    qtbot.wait(2300)
    assert 1 <= len(counted) <= 3  # never faster than once a second
    timer.arm(SleepPlan(duration_s=60, fade_s=60))  # the fade starts at once
    assert _phase(timer) is TimerPhase.FADING
    fast = timer.tick_interval_ms()
    assert fast is not None and fast <= 100
    counted.clear()
    qtbot.wait(1000)
    assert len(counted) >= 10
    timer.cancel()  # in the fade: it rises over RAMP_UP_S, then the ticks stop
    qtbot.waitUntil(lambda: timer.tick_interval_ms() is None, timeout=int(RAMP_UP_S * 1000) + 1000)
    counted.clear()
    qtbot.wait(300)
    assert counted == []


def test_the_queue_running_out_during_the_fade_is_nobody_stirring(rig: Rig) -> None:
    # The last track ends inside the fade: that Stop is not someone awake, so no extra
    # 10 minutes with nothing playing; the timer ends at its time.
    rig.backend.lengths.clear()  # 60 s each: the queue runs out at 180 s
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=200, fade_s=60))
    rig.run(185, step=1.0)
    assert _state(rig) is PlayerState.STOPPED
    assert _phase(rig.timer) is TimerPhase.FADING
    remaining = rig.timer.remaining_s()
    assert remaining is not None and remaining < 20
    rig.run(20, step=1.0)
    assert ("finished", "pause") in rig.events
