"""RemoteCommands against fakes: each verb reaches the controller or the timer, the window comes
up only for a bare launch, items or --show, refused items are named (never dropped), and --quit
waits for the reply."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sleepplayer.core.model import Library, Playlist
from sleepplayer.core.remote_message import RemoteReply, RemoteRequest, Verb
from sleepplayer.core.settings import Settings
from sleepplayer.core.sleep_plan import EndAction, FadeCurve, SleepMode, SleepPlan
from sleepplayer.core.timer_options import TimerOptions
from sleepplayer.playback.backend import PlayerState
from sleepplayer.services.remote_commands import RemoteCommands
from sleepplayer.services.usable_items import NOT_FOUND, Unusable, refusal_message
from tests.helpers.fake_services import (
    FakeController,
    FakeLibraryService,
    FakeSleepTimer,
    make_tracks,
)


@dataclass
class AppSide:
    """What the service asks of the app besides the controller and timer: recorded."""

    opened: list[list[str]] = field(default_factory=list)
    shown: int = 0
    quits: int = 0
    messages: list[str] = field(default_factory=list)
    #: Items the app reports as not there (the app checks: it knows the saved playlists).
    missing: set[str] = field(default_factory=set)

    def open_items(self, items: list[str]) -> list[Unusable]:
        self.opened.append([i for i in items if i not in self.missing])
        return [Unusable(i, NOT_FOUND) for i in items if i in self.missing]

    def show_window(self) -> None:
        self.shown += 1

    def quit_app(self) -> None:
        self.quits += 1


@dataclass
class Rig:
    commands: RemoteCommands
    controller: FakeController
    timer: FakeSleepTimer
    app: AppSide
    settings: Settings


@pytest.fixture
def rig(qapp: QApplication) -> Rig:
    library = FakeLibraryService(Library([Playlist("Sleep sounds", make_tracks(3))]))
    controller = FakeController(library)
    timer = FakeSleepTimer()
    app = AppSide()
    settings = Settings()
    commands = RemoteCommands(
        controller,
        timer,
        lambda: settings,
        open_items=app.open_items,
        show_window=app.show_window,
        quit_app=app.quit_app,
        show_problem=app.messages.append,
    )
    return Rig(commands, controller, timer, app, settings)


@pytest.mark.parametrize(
    ("verb", "call"),
    [
        (Verb.TOGGLE, "toggle"),
        (Verb.PLAY, "play"),
        (Verb.PAUSE, "pause"),
        (Verb.NEXT, "next"),
        (Verb.PREVIOUS, "previous"),
        (Verb.STOP, "stop"),
    ],
)
def test_transport_verbs_reach_the_controller_without_raising_the_window(
    rig: Rig, verb: Verb, call: str
) -> None:
    assert rig.commands.apply(RemoteRequest(verb=verb)) == RemoteReply(True, "")
    assert rig.controller.calls == [(call,)]
    assert rig.app.shown == 0, "a global shortcut must not bring the window up"


def test_pause_then_play_changes_the_state(rig: Rig) -> None:
    states: list[PlayerState] = []
    for verb in (Verb.PLAY, Verb.PAUSE):
        rig.commands.apply(RemoteRequest(verb=verb))
        states.append(rig.controller.state)
    assert states == [PlayerState.PLAYING, PlayerState.PAUSED]


def test_pause_and_stop_are_quiet_activity_and_play_is_activity(rig: Rig) -> None:
    # In the grace minute after the end, activity resumes playback: a pause must not, but it
    # still shows someone is awake (a suspend countdown stops). The timer's verbs and --show
    # are not activity.
    for verb in (Verb.PAUSE, Verb.STOP, Verb.CANCEL_SLEEP, Verb.SHOW):
        rig.commands.apply(RemoteRequest(verb=verb))
    reports = [c for c in rig.timer.calls if c[0] == "notify_activity"]
    assert reports == [("notify_activity", "quiet")] * 2
    rig.commands.apply(RemoteRequest(verb=Verb.TOGGLE))
    assert rig.timer.calls[-1] == ("notify_activity",)


def test_timer_verbs_reach_the_sleep_timer(rig: Rig) -> None:
    rig.commands.apply(RemoteRequest(verb=Verb.EXTEND, extend_s=600.0))
    rig.commands.apply(RemoteRequest(verb=Verb.CANCEL_SLEEP))
    assert [c for c in rig.timer.calls if c[0] != "arm"] == [("extend", 600.0), ("cancel",)]


def test_sleep_options_arm_a_plan_with_the_users_defaults(rig: Rig) -> None:
    rig.settings.fade_s = 120
    rig.settings.fade_curve = FadeCurve.SMOOTH
    reply = rig.commands.apply(RemoteRequest(timer=TimerOptions(sleep=1800.0, after="stop")))
    assert reply.ok
    name, plan = rig.timer.calls[0]
    assert name == "arm" and isinstance(plan, SleepPlan)
    assert (plan.mode, plan.duration_s, plan.fade_s) == (SleepMode.DURATION, 1800.0, 120.0)
    assert (plan.curve, plan.end_action) == (FadeCurve.SMOOTH, EndAction.STOP)
    assert rig.app.shown == 0, "a timer shortcut (sleepplayer --sleep 30m) leaves it dark"


def test_an_impossible_plan_is_reported_not_raised(rig: Rig) -> None:
    rig.settings.fade_s = -5  # the default fade, from a hand-edited settings file
    reply = rig.commands.apply(RemoteRequest(timer=TimerOptions(sleep=60.0)))
    assert not reply.ok and "fade" in reply.text.lower()
    assert rig.app.messages == [reply.text]
    assert not any(c[0] == "arm" for c in rig.timer.calls)


def test_volume_is_set_without_raising_the_window(rig: Rig) -> None:
    rig.commands.apply(RemoteRequest(volume=30))
    assert rig.controller.volume == 30
    assert rig.app.shown == 0, "a volume shortcut must not light the screen"


def test_show_and_a_plain_second_launch_raise_the_window(rig: Rig) -> None:
    rig.commands.apply(RemoteRequest())
    rig.commands.apply(RemoteRequest(verb=Verb.SHOW))
    assert rig.app.shown == 2
    assert rig.controller.calls == []


def test_opening_items_raises_the_window_unless_a_verb_comes_with_them(rig: Rig) -> None:
    rig.commands.apply(RemoteRequest(items=("/music/rain.opus",)))  # a file manager's Open
    assert rig.app.shown == 1
    rig.commands.apply(RemoteRequest(items=("/music/rain.opus",), verb=Verb.PLAY))
    assert rig.app.shown == 1


@pytest.mark.parametrize("verb", [Verb.PLAY, Verb.TOGGLE])
def test_play_with_items_leaves_the_current_track_alone(rig: Rig, verb: Verb) -> None:
    # The items play once loaded (open_items); a play or toggle now would act on the old
    # track: heard for a moment, or paused.
    rig.controller.play()
    rig.controller.calls.clear()
    reply = rig.commands.apply(RemoteRequest(items=("/music/rain.opus",), verb=verb))
    assert reply.ok
    assert rig.app.opened == [["/music/rain.opus"]]
    assert rig.controller.calls == []
    assert rig.controller.state is PlayerState.PLAYING


def test_play_with_only_refused_items_plays_what_is_there(rig: Rig) -> None:
    reply = rig.commands.apply(RemoteRequest(items=("smb://nas/a.mp3",), verb=Verb.PLAY))
    assert not reply.ok and rig.app.opened == []
    assert rig.controller.calls == [("play",)], "nothing was opened: the verb still counts"


def test_items_pass_the_url_policy_and_refusals_are_named(rig: Rig) -> None:
    items = (
        "/music/rain.opus",
        "https://radio.example/live",
        "smb://nas/a.mp3",
        "Sleep sounds",
        "dshow://",
        "file://nas/share/b.mp3",
    )
    reply = rig.commands.apply(RemoteRequest(items=items, verb=Verb.PLAY))
    assert rig.app.opened == [["/music/rain.opus", "https://radio.example/live", "Sleep sounds"]]
    assert not reply.ok
    assert reply.text.startswith("Not opened: smb://nas/a.mp3 (smb: addresses are not allowed)")
    assert "dshow://" in reply.text and "network paths are not allowed" in reply.text
    assert rig.app.messages == [reply.text], "shown in the window, too"
    assert rig.controller.calls == [], "the opened items play once loaded"


def test_a_refusal_message_names_ten_and_counts_the_rest() -> None:
    refused = [Unusable(f"smb://nas/{i}.mp3", "smb: addresses are not allowed") for i in range(12)]
    text = refusal_message(refused)
    assert text.count("smb://nas/") == 10 and text.endswith("; and 2 more.")
    assert "\x1b" not in refusal_message([Unusable("a\x1b[31mb", "contains control characters")])


def test_items_that_are_not_there_leave_the_sound_alone_and_are_named(rig: Rig) -> None:
    # ``sleepplayer /tmp/nope.mp3`` while something plays: the app opens nothing, so what
    # plays plays on; the reply (the second launch's stderr, exit 1) and the window say why.
    rig.controller.play()
    rig.controller.calls.clear()
    rig.app.missing = {"/tmp/nope.mp3", "No such playlist"}
    reply = rig.commands.apply(RemoteRequest(items=("/tmp/nope.mp3", "No such playlist")))
    assert reply == RemoteReply(False, "Not found: /tmp/nope.mp3; No such playlist.")
    assert rig.app.messages == [reply.text]
    assert rig.controller.calls == [] and rig.controller.state is PlayerState.PLAYING


@pytest.mark.parametrize("verb", [Verb.PLAY, Verb.TOGGLE])
def test_play_with_only_missing_items_plays_what_is_there(rig: Rig, verb: Verb) -> None:
    rig.app.missing = {"/tmp/nope.mp3"}
    reply = rig.commands.apply(RemoteRequest(items=("/tmp/nope.mp3",), verb=verb))
    assert not reply.ok and "Not found: /tmp/nope.mp3" in reply.text
    assert rig.controller.calls == [(verb.value,)], "nothing was opened: the verb still counts"


def test_refused_and_missing_items_make_one_message(rig: Rig) -> None:
    rig.app.missing = {"/tmp/nope.mp3"}
    items = ("/tmp/nope.mp3", "smb://nas/a.mp3", "/music/rain.opus")
    reply = rig.commands.apply(RemoteRequest(items=items))
    assert reply.text == (
        "Not found: /tmp/nope.mp3. Not opened: smb://nas/a.mp3 (smb: addresses are not allowed)."
    )
    assert rig.app.messages == [reply.text], "one message, not one per item"
    assert rig.app.opened == [["/music/rain.opus"]]


def test_quit_happens_after_the_reply(rig: Rig, qtbot: QtBot) -> None:
    assert rig.commands.apply(RemoteRequest(verb=Verb.QUIT)).ok
    assert rig.app.quits == 0, "the reply goes out first"
    qtbot.waitUntil(lambda: rig.app.quits == 1)
