"""Editable shortcuts: the registry's overrides, the Shortcuts page (record, conflicts, reset),
and a changed shortcut that works at once, in the window, the tooltips and the F1 list."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from sleepplayer.core.settings import Settings
from sleepplayer.ui.actions import SPECS, ActionRegistry
from sleepplayer.ui.main_window import MainWindow
from sleepplayer.ui.settings_dialog import SettingsDialog
from sleepplayer.ui.shortcut_editor import ShortcutsPage
from sleepplayer.ui.shortcuts_dialog import shortcut_rows
from tests.helpers.fake_services import FakeController

Key = Qt.Key
Mod = Qt.KeyboardModifier


# --- the registry
def test_defaults_and_current_shortcuts(registry: ActionRegistry) -> None:
    assert registry.default_shortcut("play_pause") == "Space"
    assert registry.default_shortcut("settings") == "Ctrl+,"
    assert registry.default_shortcut("about") == ""
    assert registry.shortcut("next") == "Ctrl+Right"
    assert registry.shortcut_overrides() == {}


def test_set_shortcut_works_and_is_an_override(qtbot: QtBot, registry: ActionRegistry) -> None:
    with qtbot.waitSignal(registry.shortcuts_changed):
        registry.set_shortcut("play_pause", "P")
    assert registry["play_pause"].shortcut() == QKeySequence("P")
    assert registry.shortcut_overrides() == {"play_pause": "P"}
    registry.set_shortcut("mute", "")
    assert registry.shortcut_overrides() == {"play_pause": "P", "mute": ""}
    with qtbot.assertNotEmitted(registry.shortcuts_changed):
        registry.set_shortcut("play_pause", "p")  # the same key: nothing to announce


@pytest.mark.parametrize("text", ["Ctrl+K, Ctrl+C", "garbage", "Ctrl+", "Ctrl"])
def test_set_shortcut_refuses_what_is_not_one_key(registry: ActionRegistry, text: str) -> None:
    with pytest.raises(ValueError, match="one key combination"):
        registry.set_shortcut("play_pause", text)
    assert registry.shortcut("play_pause") == "Space"


def test_overrides_ignore_unknown_ids_and_bad_keys(qtbot: QtBot, registry: ActionRegistry) -> None:
    with qtbot.waitSignal(registry.shortcuts_changed):
        problems = registry.apply_shortcut_overrides(
            {"play_pause": "P", "no_such_action": "X", "mute": "not a key", "about": "Ctrl+K, C"}
        )
    assert len(problems) == 3 and "'no_such_action'" in problems[0]
    assert registry.shortcut("play_pause") == "P"
    assert registry.shortcut("mute") == "M"  # the default stays
    assert registry.shortcut("about") == ""
    assert registry.shortcut_overrides() == {"play_pause": "P"}
    with qtbot.assertNotEmitted(registry.shortcuts_changed):
        registry.apply_shortcut_overrides({"play_pause": "P"})
    registry.apply_shortcut_overrides({})
    assert all(registry.shortcut(s.id) == registry.default_shortcut(s.id) for s in SPECS)


def test_overrides_never_leave_one_key_on_two_actions(registry: ActionRegistry) -> None:
    # A hand-edited file: the user's choice keeps the key, the default gives it up.
    problems = registry.apply_shortcut_overrides({"stop": "Space", "next": "N", "previous": "N"})
    assert problems == [
        "N goes to Next Track, so Previous Track has no key",
        "Space goes to Stop, so Play/Pause has no key",
    ]  # said: a key that stops working is never silent
    assert registry.shortcut("stop") == "Space"
    assert registry.shortcut("play_pause") == ""
    assert registry.shortcut("next") == "N"
    assert registry.shortcut("previous") == ""
    keys = [a.shortcut().toString() for a in registry.all_actions() if not a.shortcut().isEmpty()]
    assert len(keys) == len(set(keys))


def test_conflict_names_the_other_action(registry: ActionRegistry) -> None:
    assert registry.conflict("Ctrl+O", "play_pause") == "add_files"
    assert registry.conflict(QKeySequence("Ctrl+O"), "add_files") is None
    assert registry.conflict("Ctrl+Alt+9", "play_pause") is None
    assert registry.conflict("", "play_pause") is None


def test_tooltips_and_help_name_the_current_keys(
    registry: ActionRegistry, controller: FakeController
) -> None:
    assert registry["play_pause"].toolTip() == "Play (Space)"
    assert registry["next"].toolTip() == "Next Track (Ctrl+Right)"
    registry.set_shortcut("play_pause", "P")
    registry.set_shortcut("next", "")
    assert registry["play_pause"].toolTip() == "Play (P)"
    assert registry["next"].toolTip() == "Next Track"
    controller.play()
    assert registry["play_pause"].toolTip() == "Pause (P)"
    registry.set_shortcut("mute", "Ctrl+M")
    assert registry["mute"].toolTip() == "Mute (Ctrl+M)"
    assert ("Playback", "Play/Pause", "P") in shortcut_rows(registry)
    assert ("Playback", "Next Track", "") in shortcut_rows(registry)


# --- the page
@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def dialog(qtbot: QtBot, registry: ActionRegistry, settings: Settings) -> Iterator[SettingsDialog]:
    d = SettingsDialog(settings, registry)
    qtbot.addWidget(d)
    d.show_page("Shortcuts")
    yield d


@pytest.fixture
def page(dialog: SettingsDialog) -> ShortcutsPage:
    return dialog.shortcuts_page


def record(page: ShortcutsPage, action_id: str, key: Key, modifier: Mod = Mod.NoModifier) -> None:
    """Select the action and press the keys into the shortcut field, as a user does."""
    page.select(action_id)
    QTest.keyClick(page.edit, key, modifier)


def test_every_action_is_listed_with_its_shortcut(page: ShortcutsPage) -> None:
    for spec in SPECS:
        page.select(spec.id)
        assert page.selected_id() == spec.id
        assert page.edit.keySequence() == QKeySequence(spec.shortcut)


def test_recording_a_key_applies_and_stores_it(
    qtbot: QtBot, page: ShortcutsPage, dialog: SettingsDialog, settings: Settings,
    registry: ActionRegistry,
) -> None:  # fmt: skip
    with qtbot.waitSignal(dialog.changed) as changed:
        record(page, "play_pause", Key.Key_P)
    assert changed.args == ["shortcuts"]
    assert registry.shortcut("play_pause") == "P"
    assert settings.shortcuts == {"play_pause": "P"}
    item = page.tree.currentItem()
    assert item is not None and item.text(1) == "P" and item.font(1).bold()
    assert item.toolTip(1) == "Default: Space"


def test_a_taken_key_is_not_stolen_but_can_be_moved(
    page: ShortcutsPage, settings: Settings, registry: ActionRegistry
) -> None:
    record(page, "play_pause", Key.Key_O, Mod.ControlModifier)
    assert registry.shortcut("play_pause") == "Space"  # refused for now
    assert settings.shortcuts == {}
    assert not page.problem.isHidden()
    assert page.problem.text() == "Ctrl+O is already used by \u201cAdd Files\u201d."
    assert not page.use_here_button.isHidden()
    page.use_here_button.click()
    assert registry.shortcut("play_pause") == "Ctrl+O"
    assert registry.shortcut("add_files") == ""
    assert settings.shortcuts == {"play_pause": "Ctrl+O", "add_files": ""}
    assert page.problem.isHidden()


def test_choosing_another_action_drops_the_conflict(
    page: ShortcutsPage, registry: ActionRegistry
) -> None:
    record(page, "play_pause", Key.Key_M)
    assert not page.problem.isHidden()
    page.select("stop")
    assert page.problem.isHidden() and page.use_here_button.isHidden()
    assert registry.shortcut("mute") == "M"


def test_tab_is_refused(page: ShortcutsPage, registry: ActionRegistry) -> None:
    record(page, "about", Key.Key_Tab)  # Qt's field does not record it...
    assert registry.shortcut("about") == ""
    page.select("about")
    assert not page.assign("about", QKeySequence("Shift+Tab"))  # ...nor does the page take it
    assert registry.shortcut("about") == ""
    assert "Tab" in page.problem.text()
    assert page.use_here_button.isHidden()


def test_esc_in_the_field_closes_instead_of_becoming_a_shortcut(
    qtbot: QtBot, dialog: SettingsDialog, page: ShortcutsPage, registry: ActionRegistry
) -> None:
    page.select("play_pause")
    with qtbot.waitSignal(dialog.rejected):
        QTest.keyClick(page.edit, Key.Key_Escape)
    assert registry.shortcut("play_pause") == "Space"
    record(page, "timer_cancel", Key.Key_Escape, Mod.ControlModifier)  # with Ctrl it is a key
    assert registry.shortcut("timer_cancel") == "Ctrl+Esc"


def test_reset_to_default_and_clear(
    page: ShortcutsPage, settings: Settings, registry: ActionRegistry
) -> None:
    page.select("play_pause")
    assert not page.reset_button.isEnabled()  # already the default
    page.clear_button.click()
    assert registry.shortcut("play_pause") == ""
    assert settings.shortcuts == {"play_pause": ""}
    assert page.reset_button.isEnabled()
    page.reset_button.click()
    assert registry.shortcut("play_pause") == "Space"
    assert settings.shortcuts == {}


def test_reset_to_a_default_someone_else_took_asks_first(
    page: ShortcutsPage, registry: ActionRegistry
) -> None:
    registry.set_shortcut("play_pause", "P")
    registry.set_shortcut("stop", "Space")
    page.select("play_pause")
    page.reset_button.click()
    assert registry.shortcut("play_pause") == "P"
    assert "\u201cStop\u201d" in page.problem.text()


def test_reset_all(page: ShortcutsPage, settings: Settings, registry: ActionRegistry) -> None:
    record(page, "play_pause", Key.Key_P)
    record(page, "mute", Key.Key_U, Mod.ControlModifier)
    assert len(settings.shortcuts) == 2
    page.reset_all_button.click()
    assert settings.shortcuts == {}
    assert registry.shortcut("play_pause") == "Space" and registry.shortcut("mute") == "M"
    assert all(not item.font(1).bold() for item in page._items.values())


def test_filter_finds_actions_and_keys(page: ShortcutsPage) -> None:
    page.filter.setText("ctrl+o")
    shown = [i for i, item in page._items.items() if not item.isHidden()]
    assert shown == ["add_files"]
    page.filter.setText("volume")
    shown = [i for i, item in page._items.items() if not item.isHidden()]
    assert shown == ["volume_up", "volume_down"]
    page.filter.clear()
    assert all(not item.isHidden() for item in page._items.values())


# --- at once, in the window
@pytest.mark.qt_log_ignore("does not support propagateSizeHints", "does not support raise")
def test_a_changed_shortcut_works_at_once_in_the_window(
    qtbot: QtBot, window: MainWindow, controller: FakeController
) -> None:
    window.show_settings()
    dialog = window.settings_dialog
    assert dialog is not None
    dialog.show_page("Shortcuts")
    record(dialog.shortcuts_page, "play_pause", Key.Key_P)
    dialog.close()
    with qtbot.waitActive(window):
        window.activateWindow()
    controller.calls.clear()
    QTest.keyClick(window.panel.table, Key.Key_P)
    assert controller.calls == [("toggle",)]
    QTest.keyClick(window.panel.table, Key.Key_Space)
    assert controller.calls == [("toggle",)]  # Space is free now
