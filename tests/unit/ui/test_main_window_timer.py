"""The window with a sleep timer: title, dial, messages with Undo, suspend banner, activity."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from sleepplayer.core.sleep_plan import SleepMode, SleepPlan
from sleepplayer.services.sleep_timer import TimerPhase
from sleepplayer.ui.actions import SPECS, ActionRegistry
from sleepplayer.ui.main_window import MainWindow
from sleepplayer.ui.timer_panel import TimerPanel
from tests.helpers.fake_services import FakeController, FakeLibraryService, FakeSleepTimer
from tests.helpers.keyboard_input import activated, retype

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
#: Dialogs, editors and quitting: not for a unit test.
SKIPPED = (
    "rename_playlist", "quit", "shortcuts_help", "about", "add_files", "add_folder",
    "delete_playlist", "timer_panel", "settings",
)  # fmt: skip
offscreen_resize = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def play_third(controller: FakeController, library: FakeLibraryService) -> None:
    playlist = library.playlists()[1]
    controller.play_track(playlist.uid, playlist.tracks[2].uid)


def _active_panel(qtbot: QtBot, window: MainWindow) -> TimerPanel:
    """The window's timer panel, open and active (keys go to its focus widget)."""
    window.show_timer_panel()
    panel = window.timer_panel
    assert panel is not None
    activated(qtbot, panel)
    return panel


def test_title_shows_minutes_left(
    timer_window: MainWindow,
    sleep_timer: FakeSleepTimer,
    controller: FakeController,
    library: FakeLibraryService,
) -> None:
    play_third(controller, library)
    assert timer_window.windowTitle() == "Whisper 2 \u2014 SleepPlayer"
    sleep_timer.arm(SleepPlan(duration_s=23 * 60))
    assert timer_window.windowTitle() == "Whisper 2 \u2014 23 min left \u2014 SleepPlayer"
    sleep_timer.set_state(TimerPhase.FADING, remaining_s=40, gain=0.5)
    assert timer_window.windowTitle() == "Whisper 2 \u2014 under 1 min left \u2014 SleepPlayer"
    sleep_timer.cancel()
    assert timer_window.windowTitle() == "Whisper 2 \u2014 SleepPlayer"
    sleep_timer.arm(SleepPlan(mode=SleepMode.END_OF_TRACK))
    assert "sleep timer on" in timer_window.windowTitle()


def test_dial_beside_now_playing_while_armed(
    timer_window: MainWindow, sleep_timer: FakeSleepTimer
) -> None:
    assert not timer_window.timer_strip.isVisible()
    table = timer_window.panel.table
    table_at = table.mapTo(timer_window, table.rect().topLeft())
    sleep_timer.arm(SleepPlan(duration_s=45 * 60))
    assert timer_window.timer_strip.isVisible()
    layout = timer_window.layout()
    assert layout is not None
    layout.activate()
    assert table.mapTo(timer_window, table.rect().topLeft()) == table_at  # nothing moved
    assert timer_window.timer_label.text() == "45 min left"
    assert timer_window.timer_detail.text() == "pauses 23:45"
    sleep_timer.set_state(TimerPhase.FADING, remaining_s=30, gain=0.25)
    # Time left, not a bare percentage; the level is in the tooltip.
    assert timer_window.timer_label.text() == "fading out \u00b7 under 1 min left"
    assert "25 %" in timer_window.timer_label.toolTip()
    assert timer_window.timer_dial.state().gain_pct == 25
    sleep_timer.set_state(TimerPhase.GRACE)
    assert not timer_window.timer_strip.isVisible()


def test_timer_cancelled_while_in_the_tray_is_gone_when_the_window_returns(
    timer_window: MainWindow, sleep_timer: FakeSleepTimer
) -> None:
    sleep_timer.arm(SleepPlan(duration_s=20 * 60))
    assert timer_window.timer_strip.isVisible()
    timer_window.hide()  # closed to the tray
    sleep_timer.cancel()
    timer_window.show()
    assert not timer_window.timer_strip.isVisible()


def test_undo_offer_in_status_bar(
    qtbot: QtBot, timer_window: MainWindow, sleep_timer: FakeSleepTimer
) -> None:
    sleep_timer.arm(SleepPlan())
    sleep_timer.auto_armed.emit("Timer armed automatically")
    assert timer_window.statusBar().isVisible()
    assert timer_window.undo_offer.isVisible()
    assert timer_window.undo_offer.label.text() == "Timer armed automatically \u2014"
    undo = timer_window.action_registry["undo"]
    assert undo.isEnabled() and undo.text() == "Undo Automatic Timer"
    QTest.mouseClick(timer_window.undo_offer.button, Qt.MouseButton.LeftButton)
    assert ("undo_auto_arm",) in sleep_timer.calls
    assert not timer_window.undo_offer.isVisible()
    assert not undo.isEnabled() and undo.text() == "Undo"


def test_undo_offer_by_keyboard(
    qtbot: QtBot, timer_window: MainWindow, sleep_timer: FakeSleepTimer
) -> None:
    table = timer_window.panel.table
    QTest.keyClick(table, Key.Key_Z, CTRL)
    assert ("undo_auto_arm",) not in sleep_timer.calls  # nothing offered, nothing undone
    sleep_timer.arm(SleepPlan())
    sleep_timer.auto_armed.emit("Timer armed automatically")
    QTest.keyClick(table, Key.Key_Z, CTRL)
    assert ("undo_auto_arm",) in sleep_timer.calls
    assert sleep_timer.phase is TimerPhase.IDLE


def test_an_automatic_timer_can_be_undone_only_while_offered(
    qtbot: QtBot, timer_window: MainWindow, sleep_timer: FakeSleepTimer
) -> None:
    # An hour into the night, Ctrl+Z must not cancel the timer the bedtime window armed.
    timer_window.undo_offer.set_offer_ms(50)
    sleep_timer.arm(SleepPlan())
    sleep_timer.auto_armed.emit("Timer armed automatically")
    undo = timer_window.action_registry["undo"]
    assert undo.isEnabled()
    qtbot.waitUntil(lambda: not timer_window.undo_offer.isVisible(), timeout=5000)
    assert not undo.isEnabled()
    QTest.keyClick(timer_window.panel.table, Key.Key_Z, CTRL)
    assert ("undo_auto_arm",) not in sleep_timer.calls


def test_plain_timer_message(timer_window: MainWindow, sleep_timer: FakeSleepTimer) -> None:
    sleep_timer.message.emit("Timer stopped quietly: the computer slept past it")
    assert timer_window.statusBar().currentMessage().startswith("Timer stopped quietly")
    assert not timer_window.undo_offer.isVisible()


def test_suspend_countdown_banner(
    qtbot: QtBot, timer_window: MainWindow, sleep_timer: FakeSleepTimer
) -> None:
    assert not timer_window.suspend_banner.isVisible()
    sleep_timer.arm(SleepPlan())
    sleep_timer.set_state(TimerPhase.COUNTDOWN, remaining_s=0, gain=0.0)
    sleep_timer.suspend_countdown.emit(60)
    assert timer_window.suspend_banner.isVisible()
    sleep_timer.suspend_countdown.emit(42)
    assert timer_window.suspend_label.text() == "Suspending the computer in 42 s"
    assert timer_window.windowTitle().endswith("suspending soon \u2014 SleepPlayer")
    QTest.mouseClick(timer_window.suspend_cancel, Qt.MouseButton.LeftButton)
    assert ("cancel",) in sleep_timer.calls
    assert not timer_window.suspend_banner.isVisible()


def test_suspend_countdown_end_hides_banner(
    timer_window: MainWindow, sleep_timer: FakeSleepTimer
) -> None:
    sleep_timer.suspend_countdown.emit(3)
    assert timer_window.suspend_banner.isVisible()
    sleep_timer.suspend_countdown.emit(0)
    assert not timer_window.suspend_banner.isVisible()


def test_every_action_reports_activity(
    registry: ActionRegistry, sleep_timer: FakeSleepTimer, timer_window: MainWindow
) -> None:
    sleep_timer.arm(SleepPlan())
    sleep_timer.set_fell_asleep(("pl", "tr", 60_000))
    # The link and playlist-file dialogs answer "cancelled" at once.
    commands = timer_window.link_commands
    commands.ask_links = lambda _parent: []
    commands.ask_import_paths = lambda _parent, _folder: []
    commands.ask_export_choice = lambda *_args: None
    for spec in SPECS:
        if spec.id in SKIPPED:
            continue  # dialogs and quitting: not for a unit test
        sleep_timer.calls.clear()
        if not registry[spec.id].isEnabled():
            assert spec.id == "undo"  # only with something to undo
            continue
        registry[spec.id].trigger()
        reported = any(call[0] == "notify_activity" for call in sleep_timer.calls)
        assert reported == spec.reports_activity, spec.id
    assert not registry.spec("timer_plus_5").reports_activity  # +5 min is not also "activity"


def test_shortcut_reports_activity_after_the_action(
    qtbot: QtBot,
    timer_window: MainWindow,
    sleep_timer: FakeSleepTimer,
    controller: FakeController,
) -> None:
    order: list[str] = []
    controller.state_changed.connect(lambda _s: order.append("toggle"))

    def notify_activity(*, quiet: bool = False) -> None:
        order.append("activity")

    sleep_timer.notify_activity = notify_activity  # type: ignore[method-assign]
    QTest.keyClick(timer_window.panel.table, Key.Key_Space)
    assert order == ["toggle", "activity"]


def test_timer_actions_follow_the_phase(
    registry: ActionRegistry, sleep_timer: FakeSleepTimer
) -> None:
    assert not registry["timer_plus_5"].isEnabled()  # no timer bound yet
    registry.bind_sleep_timer(sleep_timer)
    # Idle: +5/+15 min set a timer for that long (Ctrl+T did nothing); nothing to shorten.
    assert registry["timer_plus_5"].isEnabled() and registry["timer_plus_15"].isEnabled()
    assert not registry["timer_minus_5"].isEnabled() and not registry["timer_cancel"].isEnabled()
    assert not registry["timer_resume"].isEnabled()
    registry["timer_plus_5"].trigger()
    assert sleep_timer.calls == [("extend", 300), ("arm", SleepPlan(duration_s=300))]
    for action_id in ("timer_plus_5", "timer_plus_15", "timer_minus_5", "timer_cancel"):
        assert registry[action_id].isEnabled(), action_id
    registry["timer_plus_15"].trigger()
    registry["timer_minus_5"].trigger()
    registry["timer_cancel"].trigger()
    assert [c for c in sleep_timer.calls if c[0] != "arm"] == [
        ("extend", 300), ("extend", 900), ("extend", -300), ("cancel",),
    ]  # fmt: skip
    assert not registry["timer_cancel"].isEnabled()
    sleep_timer.set_fell_asleep(("pl", "tr", 60_000))
    assert registry["timer_resume"].isEnabled()
    registry["timer_resume"].trigger()
    assert ("resume_where_fell_asleep",) in sleep_timer.calls


@offscreen_resize
def test_timer_button_and_menu_open_the_panel(qtbot: QtBot, timer_window: MainWindow) -> None:
    assert timer_window.timer_button.defaultAction() is timer_window.action_registry["timer_panel"]
    titles = [a.text() for a in timer_window.menuBar().actions()]
    assert titles[-2:] == ["&Timer", "&Help"]
    QTest.mouseClick(timer_window.timer_button, Qt.MouseButton.LeftButton)
    panel = timer_window.timer_panel
    assert panel is not None
    qtbot.waitUntil(panel.isVisible)
    assert timer_window.action_registry["timer_plus_5"] in panel.actions()


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen: Start resizes
def test_after_the_end_space_brings_the_sound_back_wherever_the_focus_is_in_the_panel(
    qtbot: QtBot, timer_window: MainWindow, controller: FakeController, sleep_timer: FakeSleepTimer
) -> None:
    # "Ended. Any SleepPlayer key in the next minute resumes": with the focus left in the
    # duration field (where Enter started the timer), Space emptied the field instead.
    panel = _active_panel(qtbot, timer_window)
    sleep_timer.arm(SleepPlan(duration_s=60, fade_s=20))
    sleep_timer.set_state(TimerPhase.GRACE)
    for focused in (panel.duration, panel.start_button):
        text = panel.duration.text()
        focused.setFocus()
        playing = controller.state
        with qtbot.waitSignal(controller.state_changed, timeout=1000):
            QTest.keyClick(focused, Key.Key_Space)
        assert controller.state != playing
        assert panel.duration.text() == text


def test_a_problem_with_typed_text_is_not_shown_again_when_the_panel_reopens(
    qtbot: QtBot, timer_window: MainWindow
) -> None:
    panel = _active_panel(qtbot, timer_window)
    retype(panel.duration, "soon")
    qtbot.waitUntil(lambda: "not a time" in panel.summary.text(), timeout=1000)
    panel.hide()
    timer_window.show_timer_panel()
    assert "not a time" not in panel.summary.text()


def test_window_without_timer_is_unchanged(window: MainWindow) -> None:
    assert [a.text() for a in window.menuBar().actions()][-1] == "&Help"
    assert not window.action_registry["timer_panel"].isEnabled()
    window.show_timer_panel()  # no timer: nothing to show
    assert window.timer_panel is None


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen: Start resizes
def test_the_player_keys_work_in_the_timer_panel_too(
    qtbot: QtBot, timer_window: MainWindow, controller: FakeController
) -> None:
    # The panel says "any SleepPlayer key brings the sound back": Space there must do so.
    panel = _active_panel(qtbot, timer_window)
    playing = controller.state
    with qtbot.waitSignal(controller.state_changed, timeout=1000):
        QTest.keyClick(panel, Key.Key_Space)
    assert controller.state != playing
    assert timer_window.action_registry["quit"] in panel.actions()
    # Typed into a field, a space is text (the field takes it before any shortcut); on a
    # focused button it presses the button: Space on Start starts the timer, not the sound.
    changes: list[object] = []
    controller.state_changed.connect(changes.append)
    panel.duration.setFocus()
    QTest.keyClick(panel.duration, Key.Key_Space)
    assert changes == []
    panel.start_button.setFocus()
    with qtbot.waitSignal(panel.start_button.clicked, timeout=1000):
        QTest.keyClick(panel.start_button, Key.Key_Space)
    assert changes == []
