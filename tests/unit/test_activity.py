"""The one activity rule (services.activity) and the front ends that share it, on the real
controller and sleep timer over the fake engine and clock: a pause in the grace minute after the
timer ended, or in its suspend countdown, must never bring the sound back.

MPRIS is proven on a real bus in ``tests/integration/test_mpris_dbus.py`` and the tray in
``tests/unit/ui/test_tray.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sleepplayer.core.remote_message import RemoteRequest, Verb
from sleepplayer.core.sleep_plan import EndAction, SleepPlan
from sleepplayer.playback.backend import PlayerState
from sleepplayer.services.activity import asks_for_silence, user_command
from sleepplayer.services.remote_commands import RemoteCommands
from sleepplayer.services.sleep_timer import TimerPhase
from sleepplayer.ui.actions import ActionRegistry
from tests.helpers.fake_backend import FakeBackend
from tests.unit.test_sleep_timer import Rig


@pytest.fixture
def rig(backend: FakeBackend, tmp_path: Path) -> Iterator[Rig]:
    made = Rig(backend, tmp_path)
    yield made
    made.timer.shutdown()
    made.controller.shutdown()


def _end_the_night(rig: Rig, action: EndAction = EndAction.PAUSE) -> None:
    """Play under a 60 s timer until it has ended: GRACE, or COUNTDOWN for SUSPEND."""
    rig.controller.play()
    rig.timer.arm(SleepPlan(duration_s=60, fade_s=10, end_action=action))
    rig.run(61, step=0.5)
    expected = TimerPhase.COUNTDOWN if action is EndAction.SUSPEND else TimerPhase.GRACE
    assert rig.timer.phase is expected


def _sound_came_back(rig: Rig, mark: int) -> bool:
    rig.run(5)
    return rig.controller.state is PlayerState.PLAYING or any(
        name in ("play", "load") for name, _ in rig.calls_since(mark)
    )


# ---------------------------------------------------------------- the rule
@dataclass
class Player:
    """The controller as the rule reads it."""

    state: PlayerState
    muted: bool = False
    volume: int = 50


class Timer:
    def __init__(self) -> None:
        self.reports: list[bool] = []

    def notify_activity(self, *, quiet: bool = False) -> None:
        self.reports.append(quiet)


@pytest.mark.parametrize(
    ("command", "before", "muted_after", "louder", "quiet"),
    [
        ("pause", PlayerState.PLAYING, False, False, True),
        ("stop", PlayerState.PAUSED, False, False, True),
        ("toggle", PlayerState.PLAYING, False, False, True),  # it paused
        ("toggle", PlayerState.BUFFERING, False, False, True),  # a stream that was loading
        ("toggle", PlayerState.PAUSED, False, False, False),  # it plays
        ("toggle", PlayerState.STOPPED, False, False, False),
        ("toggle_mute", PlayerState.PLAYING, True, False, True),
        ("toggle_mute", PlayerState.PLAYING, False, False, False),  # unmuted: they want sound
        ("set_muted", PlayerState.PLAYING, True, False, True),
        ("set_volume", PlayerState.PAUSED, False, False, True),  # softer: no sound by itself
        ("change_volume", PlayerState.PAUSED, False, False, True),  # softer
        ("change_volume", PlayerState.PAUSED, False, True, False),  # louder: they want sound
        ("set_volume", PlayerState.PAUSED, False, True, False),
        ("play", PlayerState.PAUSED, False, False, False),
        ("next", PlayerState.PAUSED, False, False, False),
        ("seek", PlayerState.PAUSED, False, False, False),
        ("play_playlist", PlayerState.STOPPED, False, False, False),
        ("toggle_window", PlayerState.PAUSED, False, False, False),
    ],
)
def test_which_commands_ask_for_silence(
    command: str, before: PlayerState, muted_after: bool, louder: bool, quiet: bool
) -> None:
    sounded = before in (PlayerState.PLAYING, PlayerState.OPENING, PlayerState.BUFFERING)
    assert (
        asks_for_silence(command, sounded_before=sounded, muted_after=muted_after, louder=louder)
        is quiet
    )


def test_a_toggle_is_judged_by_the_state_before_it_as_engines_report_late() -> None:
    # libVLC reports the pause some milliseconds later: right after the toggle the state
    # still says "playing", and the report still has to say "quiet".
    player, timer = Player(PlayerState.PLAYING), Timer()
    with user_command(timer, player, "toggle"):
        pass  # a pause the engine has not answered yet
    assert timer.reports == [True]
    player.state = PlayerState.PAUSED
    with user_command(timer, player, "toggle"):
        pass  # a play that has not started yet
    assert timer.reports == [True, False]


def test_the_report_comes_after_the_command_and_not_when_it_fails() -> None:
    player, timer = Player(PlayerState.PAUSED), Timer()
    with user_command(timer, player, "play"):
        assert timer.reports == []
    assert timer.reports == [False]
    with pytest.raises(RuntimeError), user_command(timer, player, "play"):
        raise RuntimeError("engine gone")
    assert timer.reports == [False]
    with user_command(None, player, "play"):  # no timer: nothing to tell
        pass


# ---------------------------------------------------------------- the window's actions
@pytest.mark.parametrize("action_id", ["stop", "mute", "volume_down"])
def test_stop_mute_or_volume_in_the_grace_minute_stay_silent(rig: Rig, action_id: str) -> None:
    registry = ActionRegistry(rig.controller, sleep_timer=rig.timer)
    _end_the_night(rig)
    mark = rig.mark()
    registry[action_id].trigger()
    assert rig.timer.phase is TimerPhase.IDLE
    assert not _sound_came_back(rig, mark)
    rig.controller.set_muted(False)  # the next night starts audible


def test_volume_up_in_the_grace_minute_brings_the_sound_back(rig: Rig) -> None:
    registry = ActionRegistry(rig.controller, sleep_timer=rig.timer)
    _end_the_night(rig)
    registry["volume_up"].trigger()
    assert rig.controller.state is PlayerState.PLAYING
    assert rig.timer.phase is TimerPhase.ARMED


def test_play_pause_in_the_grace_minute_still_brings_the_sound_back(rig: Rig) -> None:
    registry = ActionRegistry(rig.controller, sleep_timer=rig.timer)
    _end_the_night(rig)
    registry["play_pause"].trigger()
    assert rig.controller.state is PlayerState.PLAYING
    assert rig.timer.phase is TimerPhase.ARMED  # and the timer runs again


# ---------------------------------------------------------------- a second launch
def _remote(rig: Rig) -> RemoteCommands:
    return RemoteCommands(
        rig.controller,
        rig.timer,
        lambda: rig.settings,
        open_items=lambda _items: [],
        show_window=lambda: None,
        quit_app=lambda: None,
        show_problem=lambda _text: None,
    )


@pytest.mark.parametrize("verb", [Verb.PAUSE, Verb.STOP])
def test_sleepplayer_pause_in_the_grace_minute_turns_the_timer_off_silently(
    rig: Rig, verb: Verb
) -> None:
    _end_the_night(rig)
    mark = rig.mark()
    assert _remote(rig).apply(RemoteRequest(verb=verb)).ok
    assert rig.timer.phase is TimerPhase.IDLE
    assert not _sound_came_back(rig, mark)


def test_sleepplayer_volume_in_the_grace_minute_does_not_resume(rig: Rig) -> None:
    _end_the_night(rig)
    mark = rig.mark()
    _remote(rig).apply(RemoteRequest(volume=30))
    assert rig.controller.volume == 30
    assert not _sound_came_back(rig, mark)


def test_sleepplayer_pause_during_the_suspend_countdown_cancels_the_suspend(rig: Rig) -> None:
    _end_the_night(rig, EndAction.SUSPEND)
    mark = rig.mark()
    _remote(rig).apply(RemoteRequest(verb=Verb.PAUSE))  # someone is awake at the keyboard
    assert rig.timer.phase is TimerPhase.IDLE
    rig.run(90, step=1.0)
    assert rig.suspender.calls == 0
    assert not _sound_came_back(rig, mark)
