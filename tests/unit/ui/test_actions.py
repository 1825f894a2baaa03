"""The action registry: the issue's default shortcuts, uniqueness, targets, help dialog."""

from __future__ import annotations

import inspect

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sleepplayer.core.model import RepeatMode
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.sleep_timer import SleepTimer, TimerPhase
from sleepplayer.ui.actions import SPECS, ActionRegistry, WindowCommands, next_repeat
from sleepplayer.ui.shortcuts_dialog import ShortcutsDialog, shortcut_rows
from tests.helpers.fake_services import FakeController, FakeLibraryService, FakeSleepTimer

ISSUE_DEFAULTS = {
    "play_pause": "Space",
    "next": "Ctrl+Right",
    "previous": "Ctrl+Left",
    "seek_forward": "Right",
    "seek_back": "Left",
    "volume_up": "Up",
    "volume_down": "Down",
    "mute": "M",
    "add_files": "Ctrl+O",
    "add_folder": "Ctrl+Shift+O",
    "new_playlist": "Ctrl+N",
    "filter": "Ctrl+F",
    "quit": "Ctrl+Q",
    "shortcuts_help": "F1",
    "remove_tracks": "Delete",
    "rename_playlist": "F2",
    "timer_panel": "T",
}


def test_issue_defaults_present(registry: ActionRegistry) -> None:
    for action_id, keys in ISSUE_DEFAULTS.items():
        assert registry[action_id].shortcut() == QKeySequence(keys), action_id


def test_shortcuts_unique_and_ids_unique(registry: ActionRegistry) -> None:
    ids = [spec.id for spec in SPECS]
    assert len(ids) == len(set(ids))
    keys = [a.shortcut().toString() for a in registry.all_actions() if not a.shortcut().isEmpty()]
    assert len(keys) == len(set(keys))


def test_other_actions_exist(registry: ActionRegistry) -> None:
    for action_id in ("stop", "repeat", "shuffle", "duplicate_playlist", "delete_playlist"):
        assert registry[action_id].text()


def test_every_target_is_a_real_method() -> None:
    owners = {
        "controller": PlaybackController,
        "window": WindowCommands,
        "timer": SleepTimer,
        "registry": ActionRegistry,
    }
    for spec in SPECS:
        owner, method = spec.target.split(".", 1)
        function = getattr(owners[owner], method)
        parameters = len(inspect.signature(function).parameters) - 1  # minus self
        assert parameters == len(spec.args), spec.id


def test_window_actions_wait_for_the_window(registry: ActionRegistry) -> None:
    assert registry["play_pause"].isEnabled()
    assert not registry["add_files"].isEnabled()
    assert not registry["timer_panel"].isEnabled()  # needs the window and a timer


def test_repeat_cycles_and_shows_state(
    registry: ActionRegistry, controller: FakeController
) -> None:
    assert next_repeat(RepeatMode.ONE) is RepeatMode.OFF
    seen = []
    for _ in range(3):
        registry["repeat"].trigger()
        seen.append((controller.repeat, registry["repeat"].isChecked()))
    assert seen == [(RepeatMode.ALL, True), (RepeatMode.ONE, True), (RepeatMode.OFF, False)]


def test_repeat_says_a_sleep_sound_loops_whatever_the_mode(
    registry: ActionRegistry, controller: FakeController, library: FakeLibraryService
) -> None:
    builtin, evening = library.playlists()[0], library.playlists()[1]
    controller.play_track(builtin.uid, builtin.tracks[0].uid)
    assert registry["repeat"].toolTip() == "Repeat: Off (sleep sounds always loop)"
    controller.play_track(evening.uid, evening.tracks[0].uid)
    assert registry["repeat"].toolTip() == "Repeat: Off"


def test_shuffle_and_mute_follow_controller(
    registry: ActionRegistry, controller: FakeController
) -> None:
    registry["shuffle"].trigger()
    assert controller.shuffle and registry["shuffle"].isChecked()
    controller.set_muted(True)
    assert registry["mute"].isChecked()
    controller.set_shuffle(False)
    assert not registry["shuffle"].isChecked()


def test_shortcuts_dialog_lists_every_action(qtbot: QtBot, registry: ActionRegistry) -> None:
    rows = shortcut_rows(registry)
    assert len(rows) == len(SPECS)
    assert (
        "Playback",
        "Play/Pause",
        QKeySequence("Space").toString(QKeySequence.SequenceFormat.NativeText),
    ) in rows
    dialog = ShortcutsDialog(registry)
    qtbot.addWidget(dialog)
    tree = dialog.tree
    groups = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    assert sum(group.childCount() for group in groups if group is not None) == len(SPECS)


#: Showing a dialog offscreen warns that the platform cannot pass size hints on.
offscreen_show = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@offscreen_show
def test_shortcuts_dialog_leaves_room_around_the_keys(
    qtbot: QtBot, themed_app: QApplication, registry: ActionRegistry
) -> None:
    dialog = ShortcutsDialog(registry)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    tree = dialog.tree
    metrics = tree.fontMetrics()
    widest_keys = max(metrics.horizontalAdvance(keys) for _g, _t, keys in shortcut_rows(registry))
    widest_text = max(metrics.horizontalAdvance(text) for _g, text, _k in shortcut_rows(registry))
    # "Ctrl+Shift+O" used to touch the scroll bar: the keys get padding on both sides.
    assert tree.header().sectionSize(1) >= widest_keys + 12
    assert tree.header().sectionSize(0) >= widest_text + 24
    screen = dialog.screen().availableGeometry()
    assert dialog.height() <= screen.height()
    # Rows are padded, not packed: taller than the bare text.
    assert tree.sizeHintForRow(0) >= metrics.height() + 4


@offscreen_show
def test_shortcuts_dialog_scrolls_to_the_last_group(
    qtbot: QtBot, themed_app: QApplication, registry: ActionRegistry
) -> None:
    dialog = ShortcutsDialog(registry)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    tree = dialog.tree
    last_group = tree.topLevelItem(tree.topLevelItemCount() - 1)
    assert last_group is not None
    last_row = last_group.child(last_group.childCount() - 1)
    assert last_row is not None
    tree.scrollToItem(last_row)
    viewport = tree.viewport().rect()
    assert viewport.contains(tree.visualItemRect(last_group))
    assert viewport.contains(tree.visualItemRect(last_row))


def test_minus_five_is_off_after_the_end(registry: ActionRegistry) -> None:
    timer = FakeSleepTimer()
    registry.bind_sleep_timer(timer)
    timer.set_state(TimerPhase.ARMED, remaining_s=600)
    assert registry["timer_minus_5"].isEnabled() and registry["timer_plus_5"].isEnabled()
    timer.set_state(TimerPhase.GRACE)
    assert not registry["timer_minus_5"].isEnabled()
    assert registry["timer_plus_5"].isEnabled() and registry["timer_cancel"].isEnabled()
