"""The settings dialog: every control writes its setting at once, and the value survives JSON,
a real save and load, and a new dialog; sub-options follow their option; the window opens it
with Ctrl+, and passes changes on."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTime
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from sleepplayer.core.model import Library
from sleepplayer.core.paths import AppPaths
from sleepplayer.core.session_state import ResumeState
from sleepplayer.core.settings import Settings, settings_from_dict, settings_to_dict
from sleepplayer.core.sleep_plan import EndAction, FadeCurve
from sleepplayer.services.persistence import SETTINGS, Store, load_state
from sleepplayer.ui.actions import ActionRegistry
from sleepplayer.ui.main_window import MainWindow
from sleepplayer.ui.settings_dialog import PAGE_NAMES, SettingsDialog

offscreen_resize = pytest.mark.qt_log_ignore(
    "does not support propagateSizeHints", "does not support raise"
)

Dialog = SettingsDialog
Setter = Callable[[Dialog], None]
Reader = Callable[[Dialog], Any]


def _end_action_index(d: Dialog, action: EndAction) -> int:
    return d.timer_page.end_action.findData(action.value)


def _checked(buttons: dict[Any, Any]) -> Any:
    return next((value for value, button in buttons.items() if button.isChecked()), None)


#: (field, the user's edit, what the control shows in the setting's terms, the value).
EDITS: list[tuple[str, Setter, Reader, Any]] = [
    ("sleep_minutes", lambda d: d.timer_page.length.setValue(45 * 60),
     lambda d: d.timer_page.length.value() / 60, 45),
    ("fade_s", lambda d: d.timer_page.fade.setValue(150),
     lambda d: d.timer_page.fade.value(), 150),
    ("fade_curve", lambda d: d.timer_page.curve_buttons[FadeCurve.SMOOTH].click(),
     lambda d: _checked(d.timer_page.curve_buttons), FadeCurve.SMOOTH),
    ("end_action",
     lambda d: d.timer_page.end_action.setCurrentIndex(_end_action_index(d, EndAction.STOP)),
     lambda d: EndAction(d.timer_page.end_action.currentData()), EndAction.STOP),
    ("let_track_finish", lambda d: d.timer_page.let_finish.click(),
     lambda d: d.timer_page.let_finish.isChecked(), True),
    ("max_finish_wait_min", lambda d: d.timer_page.max_wait.setValue(25 * 60),
     lambda d: d.timer_page.max_wait.value() / 60, 25),
    ("activity_grace", lambda d: d.timer_page.grace.click(),
     lambda d: d.timer_page.grace.isChecked(), False),
    ("grace_extension_min", lambda d: d.timer_page.grace_minutes.setValue(20 * 60),
     lambda d: d.timer_page.grace_minutes.value() / 60, 20),
    ("bedtime_enabled", lambda d: d.timer_page.bedtime.click(),
     lambda d: d.timer_page.bedtime.isChecked(), True),
    ("bedtime_start", lambda d: d.timer_page.bedtime_start.setTime(QTime(21, 30)),
     lambda d: d.timer_page.bedtime_start.time().toString("HH:mm"), "21:30"),
    ("bedtime_end", lambda d: d.timer_page.bedtime_end.setTime(QTime(7, 5)),
     lambda d: d.timer_page.bedtime_end.time().toString("HH:mm"), "07:05"),
    ("keep_awake", lambda d: d.timer_page.keep_awake.click(),
     lambda d: d.timer_page.keep_awake.isChecked(), False),
    ("close_to_tray", lambda d: d.window_page.close_to_tray.click(),
     lambda d: d.window_page.close_to_tray.isChecked(), False),
    ("start_minimised", lambda d: d.window_page.start_minimised.click(),
     lambda d: d.window_page.start_minimised.isChecked(), True),
    ("restore_position", lambda d: d.window_page.restore_position.click(),
     lambda d: d.window_page.restore_position.isChecked(), False),
    ("resume_playing", lambda d: d.window_page.resume_playing.click(),
     lambda d: d.window_page.resume_playing.isChecked(), True),
    ("theme", lambda d: d.look_page.theme_buttons["light"].click(),
     lambda d: _checked(d.look_page.theme_buttons), "light"),
    ("notifications", lambda d: d.notifications_page.notifications.click(),
     lambda d: d.notifications_page.notifications.isChecked(), False),
    ("notifications_at_night", lambda d: d.notifications_page.at_night.click(),
     lambda d: d.notifications_page.at_night.isChecked(), True),
]  # fmt: skip

#: Kept by the app itself (the transport, the window), not edited in the dialog.
NOT_IN_DIALOG = {
    "volume", "repeat", "shuffle", "window_geometry", "window_state",
    "splitter_state", "tray_hint_shown",
}  # fmt: skip


@pytest.fixture
def make_dialog(qtbot: QtBot, registry: ActionRegistry) -> Iterator[Callable[[Settings], Dialog]]:
    def make(settings: Settings) -> Dialog:
        dialog = SettingsDialog(settings, registry)
        qtbot.addWidget(dialog)
        return dialog

    yield make


def test_every_setting_the_user_sets_has_a_control(
    make_dialog: Callable[[Settings], Dialog],
) -> None:
    dialog = make_dialog(Settings())
    fields = {f.name for f in dataclasses.fields(Settings)}
    assert set(dialog.controls) == fields - NOT_IN_DIALOG - {"shortcuts"}
    assert {name for name, *_ in EDITS} == set(dialog.controls)
    assert list(dialog.pages) == list(PAGE_NAMES)


@pytest.mark.parametrize(("name", "edit", "read", "value"), EDITS, ids=[e[0] for e in EDITS])
def test_control_round_trips_through_settings_json_and_a_real_save(
    qtbot: QtBot,
    tmp_path: Path,
    make_dialog: Callable[[Settings], Dialog],
    name: str,
    edit: Setter,
    read: Reader,
    value: Any,
) -> None:
    settings = Settings()
    assert getattr(settings, name) != value, "the edit must change something"
    dialog = make_dialog(settings)
    with qtbot.waitSignal(dialog.changed) as changed:
        edit(dialog)
    assert changed.args == [name]
    assert getattr(settings, name) == value
    assert dataclasses.replace(settings, **{name: getattr(Settings(), name)}) == Settings()

    # JSON, as the settings file holds it.
    text = json.dumps(settings_to_dict(settings))
    from_json, problems = settings_from_dict(json.loads(text))
    assert problems == []
    assert from_json == settings

    # A real save and load in a temporary base directory.
    paths = AppPaths.resolve(str(tmp_path))
    paths.ensure()
    store = Store(
        paths, settings=lambda: settings, library=Library, resume=ResumeState, debounce_ms=0
    )
    store.mark_dirty(SETTINGS)
    assert store.flush()
    loaded = load_state(paths)
    assert loaded.problems == []
    assert getattr(loaded.settings, name) == value

    # A new dialog on the loaded settings shows the value again.
    again = make_dialog(loaded.settings)
    assert read(again) == value


def test_showing_values_again_announces_nothing(
    qtbot: QtBot, make_dialog: Callable[[Settings], Dialog]
) -> None:
    settings = Settings()
    dialog = make_dialog(settings)
    settings.sleep_minutes = 90
    settings.theme = "dark"
    with qtbot.assertNotEmitted(dialog.changed):
        dialog.reload()
    assert dialog.timer_page.length.value() == 90 * 60
    assert dialog.look_page.theme_buttons["dark"].isChecked()


def test_an_unchanged_value_is_not_announced(
    qtbot: QtBot, make_dialog: Callable[[Settings], Dialog]
) -> None:
    dialog = make_dialog(Settings())
    with qtbot.assertNotEmitted(dialog.changed):
        dialog.timer_page.length.setValue(30 * 60)
        dialog.look_page.theme_buttons["system"].click()


def test_default_length_keeps_whole_minutes(make_dialog: Callable[[Settings], Dialog]) -> None:
    settings = Settings()
    dialog = make_dialog(settings)
    dialog.timer_page.length.setValue(90)  # typed "90 s"
    assert settings.sleep_minutes == 2
    assert dialog.timer_page.length.value() == 120


def test_limits_come_from_the_settings(make_dialog: Callable[[Settings], Dialog]) -> None:
    dialog = make_dialog(Settings())
    page = dialog.timer_page
    assert (page.length.minimum(), page.length.maximum()) == (60, 720 * 60)
    assert (page.fade.minimum(), page.fade.maximum()) == (0, 43200)
    assert page.fade.text() == "1 min"


def test_sub_options_follow_their_option(make_dialog: Callable[[Settings], Dialog]) -> None:
    settings = Settings(restore_position=False, notifications=False, let_track_finish=False)
    dialog = make_dialog(settings)
    assert not dialog.window_page.resume_playing.isEnabled()
    assert not dialog.notifications_page.at_night.isEnabled()
    assert not dialog.timer_page.max_wait.isEnabled()
    assert not dialog.timer_page.bedtime_start.isEnabled()
    dialog.window_page.restore_position.click()
    dialog.notifications_page.notifications.click()
    dialog.timer_page.let_finish.click()
    dialog.timer_page.bedtime.click()
    assert dialog.window_page.resume_playing.isEnabled()
    assert dialog.notifications_page.at_night.isEnabled()
    assert dialog.timer_page.max_wait.isEnabled()
    assert dialog.timer_page.bedtime_end.isEnabled()


def test_suspend_is_explained_only_when_chosen(
    make_dialog: Callable[[Settings], Dialog],
) -> None:
    dialog = make_dialog(Settings())
    page = dialog.timer_page
    assert Settings().end_action is EndAction.PAUSE  # suspend is opt-in
    assert page.suspend_note.isHidden()
    page.end_action.setCurrentIndex(_end_action_index(dialog, EndAction.SUSPEND))
    assert not page.suspend_note.isHidden()
    assert "countdown" in page.suspend_note.text()


def test_notifications_page_says_no_sound(make_dialog: Callable[[Settings], Dialog]) -> None:
    dialog = make_dialog(Settings())
    assert Settings().notifications_at_night is False
    assert "never makes a sound" in dialog.notifications_page.no_sound.text()


@offscreen_resize
def test_ctrl_comma_opens_settings_and_the_window_passes_changes_on(
    qtbot: QtBot, timer_window: MainWindow
) -> None:
    QTest.keyClick(timer_window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = timer_window.settings_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    with qtbot.waitSignal(timer_window.settings_changed) as changed:
        dialog.window_page.start_minimised.click()
    assert changed.args == ["start_minimised"]
    timer_window.show_settings()  # again: the same dialog, raised
    assert timer_window.settings_dialog is dialog


@offscreen_resize
def test_settings_is_in_the_file_menu(timer_window: MainWindow) -> None:
    menu = timer_window.menuBar().actions()[0].menu()
    assert isinstance(menu, QMenu)
    assert timer_window.action_registry["settings"] in menu.actions()


@offscreen_resize
def test_timer_panel_starts_from_changed_defaults(qtbot: QtBot, timer_window: MainWindow) -> None:
    timer_window.show_timer_panel()
    panel = timer_window.timer_panel
    assert panel is not None
    assert panel.duration.value() == 30 * 60
    panel.close()
    qtbot.waitUntil(lambda: not panel.isVisible())
    timer_window.show_settings()
    dialog = timer_window.settings_dialog
    assert dialog is not None
    dialog.timer_page.length.setValue(50 * 60)
    dialog.timer_page.curve_buttons[FadeCurve.LINEAR].click()
    timer_window.show_timer_panel()
    assert panel.duration.value() == 50 * 60
    assert panel.curve() is FadeCurve.LINEAR


@offscreen_resize
def test_a_duration_that_is_not_taken_says_why(
    qtbot: QtBot, make_dialog: Callable[[Settings], Dialog]
) -> None:
    settings = Settings()
    dialog = make_dialog(settings)
    dialog.show()
    page = dialog.timer_page
    page.length.setFocus()
    page.length.lineEdit().selectAll()
    QTest.keyClicks(page.length, "soon")
    assert page.field_problem.isHidden()
    QTest.keyClick(page.length, Qt.Key.Key_Return)
    assert page.length.value() == settings.sleep_minutes * 60
    assert page.field_problem.isVisibleTo(dialog)
    assert page.field_problem.text().startswith("“soon” is not a time")
    page.length.lineEdit().selectAll()
    QTest.keyClicks(page.length, "45")
    QTest.keyClick(page.length, Qt.Key.Key_Return)
    assert settings.sleep_minutes == 45
    assert page.field_problem.isHidden()
