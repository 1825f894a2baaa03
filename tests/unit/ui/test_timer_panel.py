"""The timer panel: the plan each mode builds, presets, the live end text, keyboard-only use."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from PySide6.QtCore import Qt, QTime
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from sleepplayer.core.settings import Settings
from sleepplayer.core.sleep_plan import EndAction, FadeCurve, SleepMode, SleepPlan
from sleepplayer.services.sleep_timer import TimerPhase
from sleepplayer.ui.main_window import MainWindow
from sleepplayer.ui.timer_panel import (
    DurationSpinBox,
    TimerDefaults,
    TimerPanel,
    duration_text,
    parse_duration_text,
)
from tests.helpers.fake_services import FAKE_NOW, FakeController, FakeSleepTimer
from tests.helpers.keyboard_input import activated, retype

Key = Qt.Key
ALT = Qt.KeyboardModifier.AltModifier
#: The offscreen platform cannot resize a shown window's limits; a real one can.
offscreen_resize = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def now() -> datetime:
    return FAKE_NOW  # 23:00


@pytest.fixture
def panel(qtbot: QtBot, sleep_timer: FakeSleepTimer, controller: FakeController) -> TimerPanel:
    widget = TimerPanel(sleep_timer, Settings(), controller, now=now)
    qtbot.addWidget(widget)
    return widget


def armed_plan(timer: FakeSleepTimer) -> SleepPlan:
    arms = [call for call in timer.calls if call[0] == "arm"]
    assert arms, timer.calls
    plan = arms[-1][1]
    assert isinstance(plan, SleepPlan)
    return plan


def test_defaults_come_from_settings(qtbot: QtBot, sleep_timer: FakeSleepTimer) -> None:
    settings = Settings(
        sleep_minutes=45, fade_s=120, fade_curve=FadeCurve.SMOOTH, end_action=EndAction.STOP,
        let_track_finish=True, max_finish_wait_min=20,
    )  # fmt: skip
    panel = TimerPanel(sleep_timer, settings, now=now)
    qtbot.addWidget(panel)
    assert panel.plan() == SleepPlan(
        duration_s=45 * 60, fade_s=120, curve=FadeCurve.SMOOTH, end_action=EndAction.STOP,
        let_track_finish=True, max_finish_wait_s=20 * 60,
    )  # fmt: skip
    assert panel.preset_buttons[45].isChecked()
    assert panel.clock.time() == QTime(23, 45)  # the default duration from now
    assert TimerDefaults.from_settings(None) == TimerDefaults()


def test_duration_preset_arms(panel: TimerPanel, sleep_timer: FakeSleepTimer) -> None:
    panel.preset_buttons[90].click()
    panel.start()
    assert armed_plan(sleep_timer) == SleepPlan(duration_s=90 * 60)


def test_clock_mode(panel: TimerPanel, sleep_timer: FakeSleepTimer) -> None:
    panel.clock.setTime(QTime(0, 15))  # editing the time picks the mode
    assert panel.mode_clock.isChecked()
    panel.start()
    plan = armed_plan(sleep_timer)
    assert (plan.mode, plan.clock_time) == (SleepMode.CLOCK, time(0, 15))


def test_end_of_track_mode(panel: TimerPanel, sleep_timer: FakeSleepTimer) -> None:
    panel.let_finish.setChecked(True)
    panel.mode_track.setChecked(True)
    assert not panel.let_finish.isEnabled()
    panel.start()
    plan = armed_plan(sleep_timer)
    assert plan.mode is SleepMode.END_OF_TRACK
    assert not plan.let_track_finish  # only for duration and clock


def test_after_tracks_mode(panel: TimerPanel, sleep_timer: FakeSleepTimer) -> None:
    panel.tracks.setValue(3)
    assert panel.mode_tracks.isChecked()
    panel.curve_buttons[FadeCurve.LINEAR].click()
    panel.end_action.setCurrentIndex(panel.end_action.findData(EndAction.QUIT.value))
    panel.start()
    plan = armed_plan(sleep_timer)
    assert (plan.mode, plan.tracks, plan.curve) == (SleepMode.AFTER_TRACKS, 3, FadeCurve.LINEAR)
    assert plan.end_action is EndAction.QUIT


def test_let_track_finish_and_fade(panel: TimerPanel, sleep_timer: FakeSleepTimer) -> None:
    assert not panel.max_wait.isEnabled()
    panel.let_finish.setChecked(True)
    assert panel.max_wait.isEnabled()
    panel.max_wait.setValue(10 * 60)
    panel.fade.setValue(0)
    assert panel.fade.text() == "no fade"
    panel.start()
    plan = armed_plan(sleep_timer)
    assert (plan.let_track_finish, plan.max_finish_wait_s, plan.fade_s) == (True, 600, 0)


def test_presets_and_custom_duration(panel: TimerPanel) -> None:
    for minutes, button in panel.preset_buttons.items():
        button.click()
        assert panel.duration.value() == minutes * 60
        assert panel.preset_group.checkedButton() is button
    panel.duration.setValue(25 * 60)  # not a preset: none is shown as chosen
    assert panel.preset_group.checkedButton() is None
    panel.duration.setValue(15 * 60)
    assert panel.preset_buttons[15].isChecked()
    assert (panel.duration.minimum(), panel.duration.maximum()) == (60, 12 * 3600)


def test_fade_never_longer_than_the_timer(panel: TimerPanel) -> None:
    panel.preset_buttons[5].click()
    assert panel.fade.maximum() == 5 * 60
    panel.fade.setValue(10 * 60)
    assert panel.fade.value() == 5 * 60
    panel.mode_clock.setChecked(True)
    assert panel.fade.maximum() == 12 * 3600


def test_end_text_follows_the_fields(panel: TimerPanel, controller: FakeController) -> None:
    assert panel.summary.text() == "Pauses at 23:30"
    panel.preset_buttons[45].click()
    assert panel.summary.text() == "Pauses at 23:45"
    panel.end_action.setCurrentIndex(panel.end_action.findData(EndAction.STOP.value))
    assert panel.summary.text() == "Stops at 23:45"
    panel.clock.setTime(QTime(6, 30))
    assert panel.summary.text() == "Stops at 06:30"
    panel.mode_track.setChecked(True)
    assert panel.summary.text() == "Stops after this track"  # nothing playing
    panel.tracks.setValue(4)
    assert panel.summary.text() == "Stops after 3 more tracks"


@pytest.fixture
def panel_15s_into_a_track(
    qtbot: QtBot, sleep_timer: FakeSleepTimer, controller: FakeController
) -> TimerPanel:
    """The panel while a 75 s track plays, 15 s in."""
    playlist = controller._library.playlists()[1]
    controller.play_track(playlist.uid, playlist.tracks[2].uid)
    controller.set_position(15_000)
    panel = TimerPanel(sleep_timer, Settings(), controller, now=now)
    qtbot.addWidget(panel)
    return panel


def test_end_text_counts_the_track(panel_15s_into_a_track: TimerPanel) -> None:
    panel = panel_15s_into_a_track
    panel.mode_track.setChecked(True)
    assert panel.summary.text() == "Pauses after this track (in 1:01)"
    assert panel.track_left.text() == "(1:01 left)"


def test_suspend_is_explained(panel: TimerPanel) -> None:
    assert panel.suspend_note.isHidden()
    panel.end_action.setCurrentIndex(panel.end_action.findData(EndAction.SUSPEND.value))
    assert not panel.suspend_note.isHidden()
    assert "60 s countdown" in panel.suspend_note.text()


def test_armed_panel_shows_dial_and_changes_the_timer(
    panel: TimerPanel, sleep_timer: FakeSleepTimer
) -> None:
    assert panel.armed_box.isHidden()
    panel.start()
    assert not panel.armed_box.isHidden()
    assert panel.start_button.text() == "Re&start"
    assert panel.dial.time_text() == "30 min"  # whole minutes until the last ten
    panel.plus5_button.click()
    panel.plus15_button.click()
    panel.minus5_button.click()
    assert [c for c in sleep_timer.calls if c[0] == "extend"] == [
        ("extend", 300), ("extend", 900), ("extend", -300),
    ]  # fmt: skip
    assert panel.dial.time_text() == "45 min"
    sleep_timer.set_state(TimerPhase.FADING, remaining_s=30, gain=0.5)
    assert panel.dial.state().gain_pct == 50
    panel.cancel_button.click()
    assert sleep_timer.calls[-1] == ("cancel",)
    assert panel.armed_box.isHidden()


def test_duration_field_text() -> None:
    assert duration_text(5400) == "1 h 30 min"
    assert duration_text(90) == "1 min 30 s"
    assert duration_text(0) == "0 s"
    assert parse_duration_text("1 h 30 min") == 5400
    assert parse_duration_text("90") == 5400  # a bare number is minutes, as on the command line
    assert parse_duration_text("45s") == 45


def test_duration_spin_box_takes_typed_text(qtbot: QtBot) -> None:
    spin = DurationSpinBox()
    qtbot.addWidget(spin)
    spin.setRange(60, 12 * 3600)
    spin.lineEdit().selectAll()
    QTest.keyClicks(spin, "1h15m")
    QTest.keyClick(spin, Key.Key_Return)
    assert spin.value() == 75 * 60
    assert spin.text() == "1 h 15 min"


def type_into(spin: DurationSpinBox, text: str) -> None:
    spin.setFocus()
    spin.lineEdit().selectAll()
    QTest.keyClicks(spin, text)


def test_duration_field_says_why_a_bare_number_is_too_long(qtbot: QtBot) -> None:
    spin = DurationSpinBox()
    qtbot.addWidget(spin)
    spin.setRange(0, 15 * 60)
    spin.setValue(60)
    # A bare number means minutes, as with --fade: 20 min does not fit, and it says so at once.
    with qtbot.waitSignal(spin.problem_changed, check_params_cb=bool):
        type_into(spin, "20")
    assert spin.problem() == (
        "At most 15 min here. A bare number means minutes: for seconds, type 20 s."
    )
    QTest.keyClick(spin, Key.Key_Return)  # the nearest allowed value, and still the reason
    assert (spin.value(), spin.text()) == (15 * 60, "15 min")
    assert spin.problem().startswith("At most 15 min here.")
    type_into(spin, "20 s")
    QTest.keyClick(spin, Key.Key_Return)
    assert (spin.value(), spin.problem()) == (20, "")


def test_duration_field_says_why_text_is_not_a_time(qtbot: QtBot) -> None:
    spin = DurationSpinBox()
    qtbot.addWidget(spin)
    spin.setRange(0, 3600)
    spin.setValue(90)
    type_into(spin, "soon")
    assert spin.problem() == ""  # half-typed text is not scolded ...
    QTest.keyClick(spin, Key.Key_Return)
    assert spin.value() == 90  # ... and text that is no time keeps the value, saying why
    assert spin.problem().startswith("“soon” is not a time: type 45 s, 20 min")
    spin.setMaximum(1800)  # another limit: what was said no longer applies
    assert spin.problem() == ""


@offscreen_resize
def test_panel_shows_why_the_fade_was_changed_before_starting(
    qtbot: QtBot, timer_window: MainWindow, sleep_timer: FakeSleepTimer
) -> None:
    panel = open_panel(qtbot, timer_window)
    panel.preset_buttons[15].click()
    type_into(panel.fade, "20")
    QTest.keyClick(panel.fade, Key.Key_Return)
    # The first Enter only corrects the field; the summary says why, Start stays on.
    assert panel.fade.value() == 15 * 60
    assert "for seconds, type 20 s" in panel.summary.text()
    assert panel.start_button.isEnabled()
    assert not [call for call in sleep_timer.calls if call[0] == "arm"]
    type_into(panel.fade, "20 s")
    assert panel.summary.text().startswith("Pauses at ")
    QTest.keyClick(panel.fade, Key.Key_Return)  # a good value: Enter starts
    assert armed_plan(sleep_timer).fade_s == 20


# --- keyboard only
def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def open_panel(qtbot: QtBot, window: MainWindow) -> TimerPanel:
    table = window.panel.table
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    QTest.keyClick(table, Key.Key_T)
    panel = window.timer_panel
    assert panel is not None
    qtbot.waitUntil(panel.isActiveWindow)
    return panel


@offscreen_resize
def test_keyboard_only_preset_and_enter(
    qtbot: QtBot, timer_window: MainWindow, sleep_timer: FakeSleepTimer
) -> None:
    panel = open_panel(qtbot, timer_window)
    assert focused() is panel.preset_buttons[30]
    QTest.keyClick(focused(), Key.Key_Right)  # arrows walk the presets and pick them
    assert panel.preset_buttons[45].isChecked() and panel.preset_buttons[45].hasFocus()
    QTest.keyClick(panel.preset_buttons[45], Key.Key_Return)  # Enter starts
    assert armed_plan(sleep_timer).duration_s == 45 * 60
    QTest.keyClick(focused(), Key.Key_Escape)  # Esc closes
    assert not panel.isVisible()


@offscreen_resize
def test_keyboard_mnemonics_and_tab_stops(
    qtbot: QtBot, timer_window: MainWindow, sleep_timer: FakeSleepTimer
) -> None:
    panel = open_panel(qtbot, timer_window)
    # A mnemonic focuses its button and clicks it a moment later, as Qt animates the press.
    QTest.keyClick(panel, Key.Key_E, ALT)
    qtbot.waitUntil(panel.mode_track.isChecked)
    QTest.keyClick(panel, Key.Key_R, ALT)
    qtbot.waitUntil(panel.mode_tracks.isChecked)
    QTest.keyClick(panel, Key.Key_D, ALT)  # "Fade out over" focuses the fade length
    assert panel.fade.hasFocus()
    QTest.keyClick(panel, Key.Key_M, ALT)
    qtbot.waitUntil(panel.curve_buttons[FadeCurve.SMOOTH].isChecked)
    QTest.keyClick(panel.curve_buttons[FadeCurve.SMOOTH], Key.Key_Left)
    assert panel.curve_buttons[FadeCurve.LINEAR].isChecked()
    # One Tab stop per group: from the curves, Tab goes on to "Then".
    QTest.keyClick(panel.curve_buttons[FadeCurve.LINEAR], Key.Key_Tab)
    assert panel.end_action.hasFocus()
    with qtbot.waitSignal(sleep_timer.changed):
        QTest.keyClick(panel, Key.Key_S, ALT)
    plan = armed_plan(sleep_timer)
    assert (plan.mode, plan.curve) == (SleepMode.AFTER_TRACKS, FadeCurve.LINEAR)


@offscreen_resize
def test_timer_keys_work_inside_the_panel(
    qtbot: QtBot, timer_window: MainWindow, sleep_timer: FakeSleepTimer
) -> None:
    panel = open_panel(qtbot, timer_window)
    QTest.keyClick(focused(), Key.Key_Return)
    assert panel.plus5_button.isEnabled()
    QTest.keyClick(focused(), Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert sleep_timer.calls[-1] == ("extend", 300)
    assert panel.dial.time_text() == "35 min"


def test_after_the_end_only_what_does_something_is_enabled(
    panel: TimerPanel, sleep_timer: FakeSleepTimer
) -> None:
    """In the grace minute +5/+15 play on and Cancel turns the timer off; -5 would do nothing."""
    panel.start()
    sleep_timer.set_state(TimerPhase.GRACE)
    assert panel.plus5_button.isEnabled() and panel.plus15_button.isEnabled()
    assert panel.cancel_button.isEnabled()
    assert not panel.minus5_button.isEnabled()
    assert panel.dial.time_text() == "ended"


def test_while_a_timer_runs_the_footer_previews_a_new_timer(
    panel: TimerPanel, sleep_timer: FakeSleepTimer
) -> None:
    """The trial: "Pauses at 22:49" above and "Pauses at 22:40" below, in one panel."""
    assert panel.summary.text() == "Pauses at 23:30"
    panel.start()
    panel.preset_buttons[15].click()
    assert panel.summary.text() == "New timer: pauses at 23:15"
    sleep_timer.cancel()
    assert panel.summary.text() == "Pauses at 23:15"


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")
def test_the_time_left_of_this_track_follows_it_while_a_problem_shows(
    qtbot: QtBot, panel_15s_into_a_track: TimerPanel, controller: FakeController
) -> None:
    # It stayed at "(0:13 left)" while the footer said what was wrong with typed text.
    panel = panel_15s_into_a_track
    activated(qtbot, panel)
    retype(panel.duration, "soon")
    qtbot.waitUntil(lambda: "not a time" in panel.summary.text(), timeout=1000)
    controller.set_position(45_000)
    qtbot.waitUntil(lambda: panel.track_left.text() == "(0:31 left)", timeout=3000)
