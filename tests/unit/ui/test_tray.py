"""The tray's menu, tooltip, icon and clicks, on the real services over the fake engine.

Offscreen there is no tray host, so the icon never docks here: these tests trigger the real
menu's QActions and emit the icon's ``activated`` as Qt would. The real clicks on a docked icon
are in ``tests/e2e/test_tray.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QSystemTrayIcon
from pytestqt.qtbot import QtBot

from sleepplayer import APP_NAME
from sleepplayer.core.model import Library, Playlist, Track, TrackKind
from sleepplayer.core.settings import Settings
from sleepplayer.core.sleep_plan import EndAction, SleepMode, SleepPlan, add_seconds
from sleepplayer.playback.backend import PlayerState
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.library import LibraryService
from sleepplayer.services.sleep_timer import SleepTimer, TimerPhase
from sleepplayer.ui.actions import ActionRegistry
from sleepplayer.ui.main_window import MainWindow
from sleepplayer.ui.tray import SystemTray
from sleepplayer.ui.tray_menu import PRESET_MINUTES
from sleepplayer.ui.tray_text import elide, menu_text, now_playing_text
from tests.helpers.fake_backend import FakeBackend
from tests.helpers.fake_services import FakeController, FakeLibraryService, FakeSleepTimer

ZONE = ZoneInfo("Europe/Berlin")
TRACK_MS = 3 * 3600_000


class WallClock:
    def __init__(self) -> None:
        self.now = datetime(2024, 11, 5, 23, 0, tzinfo=ZONE)

    def __call__(self) -> datetime:
        return self.now

    def jump(self, seconds: float) -> None:
        self.now = add_seconds(self.now, seconds)


class FakeSuspender:
    def __init__(self) -> None:
        self.calls = 0

    def suspend(self) -> None:
        self.calls += 1


class FakeHost:
    """The app's window commands, as ``SleepPlayerApp`` does them, recorded."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.calls: list[str] = []

    def show_window(self) -> None:
        self.calls.append("show")
        self.window.show()

    def hide_window(self) -> None:
        self.calls.append("hide")
        self.window.hide()

    def toggle_window(self) -> None:
        self.calls.append("toggle")
        self.window.setVisible(not self.window.isVisible())

    #: What the app's question would come to (its changes cannot be saved; stay or quit).
    may_quit = True

    def quit_by_user(self) -> None:
        self.calls.append("quit" if self.may_quit else "stay")


class Rig:
    """Real library, controller, timer, registry and window; a fake engine and clock."""

    def __init__(self, backend: FakeBackend, tmp_path: Path, qtbot: QtBot) -> None:
        self.backend = backend
        uris = [f"file:///music/night-{i}.ogg" for i in range(3)]
        backend.lengths.update(dict.fromkeys(uris, TRACK_MS))
        self.sleep_sounds = Playlist(
            "Sleep sounds", [Track(u, title=f"Night {i}", uid=f"t{i}") for i, u in enumerate(uris)]
        )
        self.rain = Playlist("Rain & thunder", [Track(uris[2], title="Thunder", uid="r0")])
        self.empty = Playlist("Empty")
        self.library = LibraryService(
            Library([self.sleep_sounds, self.rain, self.empty], self.sleep_sounds.uid)
        )
        self.controller = PlaybackController(backend, self.library)
        self.settings = Settings(end_action=EndAction.PAUSE, fade_s=30)
        self.wall = WallClock()
        self.suspender = FakeSuspender()
        self.timer = SleepTimer(
            self.controller,
            now=self.wall,
            settings=self.settings,
            suspender=self.suspender,
            state_file=tmp_path / "fell_asleep.json",
        )
        self.registry = ActionRegistry(self.controller, sleep_timer=self.timer)
        self.window = MainWindow(
            self.controller,
            self.library,
            self.registry,
            sleep_timer=self.timer,
            settings=self.settings,
        )
        qtbot.addWidget(self.window)
        self.host = FakeHost(self.window)
        self.tray = SystemTray(
            self.controller, self.library, self.timer, self.registry, self.host, self.window
        )
        self.menu = self.tray.menu

    def play(self) -> None:
        self.controller.play_playlist(self.sleep_sounds.uid)
        self.backend.complete_opening()

    def elapse(self, seconds: float) -> None:
        self.wall.jump(seconds)
        self.backend.advance(round(seconds * 1000))
        self.timer.tick()

    def into_the_fade(self, minutes: int) -> None:
        """Arm a preset and let time run into its fade, a second at a time at the end (one
        big jump would look like a machine waking from sleep)."""
        self.menu.preset_actions[minutes].trigger()
        self.elapse(minutes * 60 - self.settings.fade_s - 2)
        for _ in range(4):
            self.elapse(1)
        assert self.timer.phase is TimerPhase.FADING

    def shutdown(self) -> None:
        self.timer.shutdown()
        self.controller.shutdown()

    def texts(self, menu: QMenu) -> list[str]:
        """The visible items, separators as "-"."""
        return ["-" if a.isSeparator() else a.text() for a in menu.actions() if a.isVisible()]


@pytest.fixture
def rig(backend: FakeBackend, tmp_path: Path, qtbot: QtBot) -> Iterator[Rig]:
    made = Rig(backend, tmp_path, qtbot)
    yield made
    made.shutdown()  # before the engine is released: no late volume check reaches it


def test_the_menu_has_everything_in_order(rig: Rig) -> None:
    assert rig.texts(rig.menu) == [
        # The timer's line is there with no timer too: arming one moves no item.
        "Nothing playing", "Sleep timer off", "-", "Play/Pause", "Next Track", "Previous Track",
        "-", "Sleep Timer", "Resume from Where I Fell Asleep", "Playlists", "-", "Show Window",
        "Quit",
    ]  # fmt: skip
    assert not rig.menu.now_playing_action.isEnabled()  # a line to read
    timer_items = rig.texts(rig.menu.timer_menu)
    assert timer_items == [
        "15 min", "30 min", "45 min", "60 min", "90 min",  # like "+5 min"
        "End of This Track", "Custom\u2026",
    ]  # fmt: skip
    assert rig.texts(rig.menu.playlists_menu) == ["Sleep sounds", "Rain && thunder", "Empty"]


def test_playback_items_follow_and_trigger_the_registry_actions(rig: Rig) -> None:
    # Copies: the text, icon and enabled state come from the registry, and what a command
    # does lives in the registry's action alone.
    items = rig.menu.actions()
    for action_id in ("play_pause", "next", "previous", "timer_resume"):
        mirror = rig.menu.mirrors[action_id]
        assert mirror in items
        assert mirror.text() == rig.registry[action_id].text()
        assert mirror.icon().cacheKey() == rig.registry[action_id].icon().cacheKey()
    rig.play()
    assert rig.controller.current_track is not None
    assert rig.controller.current_track.uid == "t0"
    rig.menu.mirrors["next"].trigger()
    assert rig.controller.current_track.uid == "t1"
    rig.menu.mirrors["play_pause"].trigger()
    assert rig.controller.state is PlayerState.PAUSED
    rig.registry["next"].setEnabled(False)  # as the registry does with nothing to go to
    assert not rig.menu.mirrors["next"].isEnabled()


def test_the_tray_shows_no_window_shortcuts_and_the_window_keeps_them(rig: Rig) -> None:
    # The keys work in the window only; next to a tray item they would promise otherwise. A
    # native tray menu (StatusNotifierItem, macOS) shows any shortcut an action has, so the
    # tray's actions must have none.
    rig.timer.arm(SleepPlan())  # shows +5 min, +15 min and Cancel
    tray_items = [
        action
        for menu in (rig.menu, rig.menu.timer_menu, rig.menu.playlists_menu)
        for action in menu.actions()
        if not action.isSeparator() and action.menu() is None
    ]
    assert all(action.shortcut().isEmpty() for action in tray_items)
    for action_id, mirror in rig.menu.mirrors.items():
        assert mirror in tray_items
        assert not rig.registry[action_id].shortcut().isEmpty(), action_id
    assert rig.registry["play_pause"].shortcut().toString() == "Space"


def test_now_playing_line_follows_the_track(rig: Rig) -> None:
    rig.play()
    assert rig.menu.now_playing_action.text() == "Night 0"
    rig.controller.pause()
    assert rig.menu.now_playing_action.text() == "Night 0 (paused)"


@pytest.mark.parametrize("place", range(len(PRESET_MINUTES)))
def test_presets_arm_the_default_plan_for_that_long(rig: Rig, place: int) -> None:
    action = rig.menu.timer_menu.actions()[place]
    action.trigger()
    plan = rig.timer.plan
    assert plan is not None and plan.mode is SleepMode.DURATION
    assert plan.duration_s == PRESET_MINUTES[place] * 60
    assert plan.fade_s == 30 and plan.end_action is EndAction.PAUSE  # the user's defaults
    assert rig.timer.phase is TimerPhase.ARMED


def test_end_of_this_track_follows_the_track(rig: Rig) -> None:
    rig.play()
    rig.menu.end_of_track_action.trigger()
    plan = rig.timer.plan
    assert plan is not None and plan.mode is SleepMode.END_OF_TRACK
    assert plan.fade_s == 30


def test_custom_shows_the_window_with_the_timer_panel(rig: Rig, qtbot: QtBot) -> None:
    assert not rig.window.isVisible()
    rig.menu.custom_action.trigger()
    assert rig.window.isVisible() and "show" in rig.host.calls
    assert rig.window.timer_panel is not None
    qtbot.waitUntil(rig.window.timer_panel.isVisible)
    rig.window.timer_panel.close()


def test_extend_and_cancel_show_only_while_armed(rig: Rig) -> None:
    armed_ids = ("timer_plus_5", "timer_plus_15", "timer_cancel")
    assert not any(rig.menu.mirrors[i].isVisible() for i in armed_ids)
    rig.menu.preset_actions[15].trigger()
    assert rig.texts(rig.menu.timer_menu)[-4:] == [
        "-", "Timer +5 min", "Timer +15 min", "Cancel Timer",
    ]  # fmt: skip
    rig.menu.mirrors["timer_plus_5"].trigger()
    assert round(rig.timer.remaining_s() or 0) == 20 * 60
    rig.menu.mirrors["timer_cancel"].trigger()
    assert rig.timer.phase is TimerPhase.IDLE
    assert not any(rig.menu.mirrors[i].isVisible() for i in armed_ids)
    # The window's Timer menu keeps its own (only the tray's copies were hidden).
    assert all(rig.registry[i].isVisible() for i in armed_ids)


def test_resume_is_offered_once_there_is_a_point(rig: Rig) -> None:
    resume = rig.registry["timer_resume"]
    assert not resume.isEnabled()
    rig.play()
    rig.into_the_fade(15)  # where the user fell asleep is remembered
    assert resume.isEnabled()


def test_playlists_follow_the_library_and_play_when_chosen(rig: Rig) -> None:
    items = {a.text(): a for a in rig.menu.playlists_menu.actions()}
    assert not items["Empty"].isEnabled()  # nothing to play
    items["Rain && thunder"].trigger()
    assert rig.controller.current_playlist_uid == rig.rain.uid
    assert rig.library.current_playlist() is rig.rain  # the window shows it too
    track = rig.controller.current_track
    assert track is not None and track.uid == "r0"
    assert rig.controller.state in (PlayerState.OPENING, PlayerState.PLAYING)
    assert items["Rain && thunder"].isChecked()

    uid = rig.library.create_playlist("Whispers")
    rig.library.rename_playlist(rig.rain.uid, "Rain")
    assert rig.texts(rig.menu.playlists_menu) == ["Sleep sounds", "Rain", "Empty", "Whispers"]
    rig.library.delete_playlist(uid)
    assert "Whispers" not in rig.texts(rig.menu.playlists_menu)


def test_a_tray_item_during_the_fade_brings_the_sound_back(rig: Rig) -> None:
    rig.play()
    rig.into_the_fade(15)
    items = {a.text(): a for a in rig.menu.playlists_menu.actions()}
    items["Rain && thunder"].trigger()  # activity: the fade stops, the timer runs on
    assert rig.timer.phase is TimerPhase.ARMED


def test_show_hide_window_follows_the_window(rig: Rig, qtbot: QtBot) -> None:
    assert rig.menu.window_action.text() == "Show Window"
    rig.menu.window_action.trigger()
    qtbot.waitUntil(rig.window.isVisible)
    assert rig.menu.window_action.text() == "Hide Window"
    rig.window.hide()
    assert rig.menu.window_action.text() == "Show Window"


def test_show_hide_window_counts_a_minimised_window_as_hidden(rig: Rig, qtbot: QtBot) -> None:
    rig.window.show()
    qtbot.waitUntil(rig.window.is_shown)
    assert rig.menu.window_action.text() == "Hide Window"
    with qtbot.waitSignal(rig.window.shown_changed):
        rig.window.showMinimized()
    assert rig.menu.window_action.text() == "Show Window"  # the tray brings it back


_DELETE_VISIBLE_WINDOW = textwrap.dedent(
    """
    import shiboken6
    from PySide6.QtWidgets import QApplication
    from sleepplayer.core.model import Library, Playlist, Track
    from sleepplayer.services.controller import PlaybackController
    from sleepplayer.services.library import LibraryService
    from sleepplayer.services.sleep_timer import SleepTimer
    from sleepplayer.ui.actions import ActionRegistry
    from sleepplayer.ui.main_window import MainWindow
    from sleepplayer.ui.tray import SystemTray
    from tests.helpers.fake_backend import FakeBackend

    class Host:
        def show_window(self): window.show()
        def toggle_window(self): window.setVisible(not window.isVisible())
        def quit_by_user(self): pass

    app = QApplication([])
    backend = FakeBackend()
    library = LibraryService(Library([Playlist("P", [Track("file:///a.ogg", uid="t")])]))
    controller = PlaybackController(backend, library)
    timer = SleepTimer(controller)
    registry = ActionRegistry(controller, sleep_timer=timer)
    window = MainWindow(controller, library, registry, sleep_timer=timer)
    tray = SystemTray(controller, library, timer, registry, Host(), window)
    window.show()
    app.processEvents()
    shiboken6.delete(window)  # C++ delete while visible: ~QWidget sends a Hide event
    app.processEvents()
    print("survived", tray.menu.window_action.text())
    timer.shutdown()
    controller.shutdown()
    """
)


def test_deleting_a_visible_window_leaves_the_tray_standing(tmp_path: Path) -> None:
    # A crash kills the process, so it runs in a child: the tray must not watch the window
    # with a Python event filter, which ~QWidget's Hide event would run on a dying wrapper.
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SLEEPPLAYER_HOME": str(tmp_path)}
    child = subprocess.run(
        [sys.executable, "-c", _DELETE_VISIBLE_WINDOW],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == 0, child.stderr[-2000:]
    assert "survived" in child.stdout


# Read through functions: mypy would otherwise keep a property narrowed across commands.
def _state(rig: Rig) -> PlayerState:
    return rig.controller.state


def _phase(rig: Rig) -> TimerPhase:
    return rig.timer.phase


def test_play_pause_in_the_grace_minute_pauses_for_good(rig: Rig) -> None:
    rig.play()
    rig.into_the_fade(15)
    while rig.timer.phase is not TimerPhase.GRACE:
        rig.elapse(1)
    # A track started from the playlist (a double-click reports no activity) plays on in
    # the grace minute; the tray's Play/Pause now pauses it, and nothing may restart it.
    rig.controller.play_track(rig.sleep_sounds.uid, "t1")
    rig.backend.complete_opening()
    assert _state(rig) is PlayerState.PLAYING
    play_pause = rig.menu.mirrors["play_pause"]
    mark = len(rig.backend.calls)
    play_pause.trigger()
    for _ in range(5):
        rig.elapse(1)
    assert _state(rig) is PlayerState.PAUSED
    assert _phase(rig) is TimerPhase.IDLE
    assert "play" not in [name for name, _ in rig.backend.calls[mark:]]


def test_a_click_on_the_icon_in_the_grace_minute_counts_as_activity(rig: Rig) -> None:
    rig.play()
    rig.into_the_fade(15)
    while _phase(rig) is not TimerPhase.GRACE:
        rig.elapse(1)
    rig.tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)  # awake
    assert rig.host.calls == ["toggle"]
    assert _state(rig) is PlayerState.PLAYING
    assert _phase(rig) is TimerPhase.ARMED


def test_the_countdown_seconds_come_from_the_timer_alone(
    controller: FakeController,
    library: FakeLibraryService,
    registry: ActionRegistry,
    sleep_timer: FakeSleepTimer,
    timer_window: MainWindow,
) -> None:
    tray = SystemTray(
        controller, library, sleep_timer, registry, FakeHost(timer_window), timer_window
    )
    sleep_timer.set_state(TimerPhase.COUNTDOWN, remaining_s=41.2)  # no suspend_countdown
    assert tray.tooltip().endswith("Suspending the computer in 42 s")
    assert tray.menu.timer_status_action.text() == "Suspending the computer in 42 s"
    assert tray.menu.cancel_suspend_action.isVisible()


def test_quit_asks_the_app(rig: Rig) -> None:
    rig.menu.quit_action.trigger()
    assert rig.host.calls == ["quit"]


def test_quit_is_the_users_own_the_app_may_ask_first(rig: Rig) -> None:
    # Like the window's Quit: with changes that cannot be saved, the app asks, and the user
    # may choose to stay.
    rig.host.may_quit = False
    rig.menu.quit_action.trigger()
    assert rig.host.calls == ["stay"]


def test_suspend_countdown_shows_quietly_and_can_be_cancelled(rig: Rig) -> None:
    rig.settings.end_action = EndAction.SUSPEND
    rig.play()
    rig.into_the_fade(15)
    while rig.timer.phase is not TimerPhase.COUNTDOWN:
        rig.elapse(1)
    assert rig.menu.cancel_suspend_action.isVisible()
    left = round(rig.timer.remaining_s() or 0)
    assert 55 <= left <= 60
    assert rig.menu.timer_status_action.text() == f"Suspending the computer in {left} s"
    assert rig.tray.tooltip().endswith(f"Suspending the computer in {left} s")
    rig.elapse(1)
    assert rig.tray.tooltip().endswith(f"Suspending the computer in {left - 1} s")
    rig.menu.cancel_suspend_action.trigger()
    assert rig.timer.description() == "Timer off"
    assert not rig.menu.cancel_suspend_action.isVisible()
    assert rig.menu.timer_status_action.text() == "Sleep timer off"
    rig.elapse(120)
    assert rig.suspender.calls == 0


def test_tooltip_says_the_track_and_the_timer_in_whole_minutes(rig: Rig) -> None:
    assert rig.tray.icon.toolTip() == "SleepPlayer"
    rig.play()
    assert rig.tray.icon.toolTip() == "SleepPlayer\nNight 0"
    rig.menu.preset_actions[45].trigger()
    rig.elapse(22 * 60)  # 23 min left: ends 23:45 on the fake clock
    tip = "SleepPlayer\nNight 0\nTimer: 23 min left \u2014 pauses at 23:45"
    assert rig.tray.icon.toolTip() == tip
    seen = set()
    for _ in range(59):  # the timer reports each second; the words change once a minute
        rig.elapse(1)
        seen.add(rig.tray.icon.toolTip())
    assert seen == {tip}
    rig.elapse(1)
    assert "Timer: 22 min left" in rig.tray.icon.toolTip()
    rig.controller.pause()
    assert "Night 0 (paused)" in rig.tray.icon.toolTip()
    # Nothing to pause: the timer runs on, but it does not promise to pause anything.
    assert rig.tray.icon.toolTip().endswith("Timer: 22 min left (nothing playing)")
    assert rig.menu.timer_status_action.text() == "Timer: 22 min left (nothing playing)"


def test_the_presets_are_one_optional_choice(rig: Rig) -> None:
    presets = rig.menu.preset_actions
    group = presets[15].actionGroup()
    assert group is not None and all(a.actionGroup() is group for a in presets.values())
    assert group.exclusionPolicy() is QActionGroup.ExclusionPolicy.ExclusiveOptional
    rig.play()
    presets[15].trigger()
    presets[30].trigger()
    assert [m for m, a in presets.items() if a.isChecked()] == [30]
    presets[30].trigger()  # picked again: armed afresh, still the one marked
    assert [m for m, a in presets.items() if a.isChecked()] == [30]
    rig.registry["timer_cancel"].trigger()
    assert [m for m, a in presets.items() if a.isChecked()] == []


def test_nothing_ticks_for_the_tray(rig: Rig) -> None:
    rig.play()
    rig.menu.preset_actions[15].trigger()
    rig.registry["timer_cancel"].trigger()
    rig.controller.pause()
    ticking = [t for t in rig.tray.findChildren(QTimer) if t.isActive()]
    ticking += [t for t in rig.menu.findChildren(QTimer) if t.isActive()]
    assert ticking == []
    assert rig.timer.tick_interval_ms() is None


def test_icon_shows_playing_and_timer(rig: Rig) -> None:
    keys = {rig.tray.icon.icon().cacheKey()}
    looks = [rig.tray.look()]
    rig.play()
    looks.append(rig.tray.look())
    keys.add(rig.tray.icon.icon().cacheKey())
    rig.menu.preset_actions[30].trigger()
    looks.append(rig.tray.look())
    keys.add(rig.tray.icon.icon().cacheKey())
    rig.controller.pause()
    looks.append(rig.tray.look())
    keys.add(rig.tray.icon.icon().cacheKey())
    assert [(lk.playing, lk.timer_armed) for lk in looks] == [
        (False, False), (True, False), (True, True), (False, True),
    ]  # fmt: skip
    assert len(keys) == 4


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        (QSystemTrayIcon.ActivationReason.Trigger, ["toggle"]),
        (QSystemTrayIcon.ActivationReason.DoubleClick, []),  # after a Trigger: leave it
        (QSystemTrayIcon.ActivationReason.Context, []),  # Qt opens the menu
    ],
)
def test_left_click_shows_or_hides_the_window(
    rig: Rig, reason: QSystemTrayIcon.ActivationReason, expected: list[str]
) -> None:
    rig.tray.icon.activated.emit(reason)
    assert rig.host.calls == expected


def test_middle_click_plays_or_pauses(rig: Rig) -> None:
    rig.play()
    rig.tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.MiddleClick)
    assert rig.controller.state is PlayerState.PAUSED


def test_on_macos_clicks_do_nothing_but_the_menu(rig: Rig) -> None:
    mac = SystemTray(
        rig.controller, rig.library, rig.timer, rig.registry, rig.host, rig.window,
        platform="darwin",
    )  # fmt: skip
    for reason in QSystemTrayIcon.ActivationReason:
        mac.icon.activated.emit(reason)
    assert rig.host.calls == []
    assert isinstance(mac.icon.contextMenu(), QMenu)
    assert all(isinstance(a, QAction) for a in mac.menu.actions())


def test_a_stream_shows_its_own_title(
    controller: FakeController,
    library: FakeLibraryService,
    registry: ActionRegistry,
    sleep_timer: FakeSleepTimer,
    timer_window: MainWindow,
) -> None:
    tray = SystemTray(
        controller, library, sleep_timer, registry, FakeHost(timer_window), timer_window
    )
    station = Track("https://radio.example/sleep", title="Deep Sleep Radio", kind=TrackKind.RADIO)
    controller.set_track(station)
    controller.play()
    controller.set_stream_title("Whispering Willow - Rain on a Tent")
    assert tray.icon.toolTip().splitlines()[1] == (
        "Whispering Willow - Rain on a Tent \u2014 Deep Sleep Radio"
    )
    assert tray.menu.now_playing_action.text() == (
        "Whispering Willow - Rain on a Tent \u2014 Deep Sleep Radio"
    )
    controller.set_stream_title("")
    assert tray.icon.toolTip().splitlines()[1] == "Deep Sleep Radio"


def test_track_mode_timer_words_stay_in_minutes(
    controller: FakeController,
    library: FakeLibraryService,
    registry: ActionRegistry,
    sleep_timer: FakeSleepTimer,
    timer_window: MainWindow,
) -> None:
    tray = SystemTray(
        controller, library, sleep_timer, registry, FakeHost(timer_window), timer_window
    )
    controller.play()
    sleep_timer.arm(SleepPlan(mode=SleepMode.END_OF_TRACK))
    sleep_timer.set_state(
        TimerPhase.ARMED, remaining_s=200, description="Pauses after this track (in 3:20)"
    )
    assert tray.tooltip().endswith("Timer: 4 min left \u2014 pauses after this track")
    sleep_timer.set_state(TimerPhase.ARMED, description="Pauses after the next track")
    assert tray.tooltip().endswith("Sleep timer on \u2014 pauses after the next track")
    sleep_timer.set_state(TimerPhase.FADING, remaining_s=50, description="Pauses at 23:01")
    assert tray.tooltip().endswith("Fading out \u2014 pauses at 23:01")


def test_long_titles_are_cut_and_ampersands_kept() -> None:
    long = Track("file:///a.ogg", title="Rain & thunder " * 10)
    text = now_playing_text(long)
    assert len(elide(text)) == 60 and elide(text).endswith("\u2026")
    assert menu_text("Rain & thunder") == "Rain && thunder"


def test_a_built_in_sound_is_not_shown_as_by_the_app() -> None:
    """The trial: "Brown noise — SleepPlayer" read like a window title."""
    assert now_playing_text(Track("file:///b.ogg", title="Brown noise", artist=APP_NAME)) == (
        "Brown noise"
    )
    assert now_playing_text(Track("file:///c.ogg", title="Rain", artist="Ann")) == "Rain \u2014 Ann"


def test_the_preset_that_armed_the_running_timer_is_checked(rig: Rig) -> None:
    rig.play()
    rig.menu.preset_actions[30].trigger()
    assert [m for m, a in rig.menu.preset_actions.items() if a.isChecked()] == [30]
    rig.menu.preset_actions[30].trigger()  # picked again: still checked
    assert rig.menu.preset_actions[30].isChecked()
    rig.registry["timer_plus_5"].trigger()  # no longer a 30 min timer
    assert not any(a.isChecked() for a in rig.menu.preset_actions.values())
    rig.menu.preset_actions[15].trigger()
    rig.registry["timer_cancel"].trigger()
    assert not any(a.isChecked() for a in rig.menu.preset_actions.values())
