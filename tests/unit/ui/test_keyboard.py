"""Shortcuts reach the controller whatever has focus, except while typing in the filter, and
Up/Down in a focused list, which move its selection (ui.list_keys)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from sleepplayer.core.model import RepeatMode
from sleepplayer.ui.main_window import MainWindow
from tests.helpers.fake_services import FakeController, FakeLibraryService

Key = Qt.Key


def focus(qtbot: QtBot, widget: QWidget) -> None:
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)


@pytest.mark.parametrize(
    ("key", "modifier", "call"),
    [
        (Key.Key_Space, Qt.KeyboardModifier.NoModifier, ("toggle",)),
        (Key.Key_Right, Qt.KeyboardModifier.NoModifier, ("seek_relative", 10_000)),
        (Key.Key_Left, Qt.KeyboardModifier.NoModifier, ("seek_relative", -10_000)),
        (Key.Key_M, Qt.KeyboardModifier.NoModifier, ("toggle_mute",)),
        (Key.Key_Right, Qt.KeyboardModifier.ControlModifier, ("next",)),
        (Key.Key_Left, Qt.KeyboardModifier.ControlModifier, ("previous",)),
    ],
)
def test_shortcut_reaches_controller_from_focused_table(
    qtbot: QtBot,
    window: MainWindow,
    controller: FakeController,
    key: Key,
    modifier: Qt.KeyboardModifier,
    call: tuple[object, ...],
) -> None:
    table = window.panel.table
    focus(qtbot, table)
    table.selectRow(3)
    QTest.keyClick(table, key, modifier)
    assert controller.calls[0] == call
    assert table.currentIndex().row() == 3  # the table did not also move its cursor


def test_space_toggles_and_volume_rises(
    qtbot: QtBot, window: MainWindow, controller: FakeController
) -> None:
    assert window.focusWidget() is window  # at first the window holds the focus
    with qtbot.waitSignal(controller.state_changed):
        QTest.keyClick(window, Key.Key_Space)
    assert controller.state.name == "PLAYING"
    with qtbot.waitSignal(controller.volume_changed) as blocker:
        QTest.keyClick(window, Key.Key_Up)
    assert blocker.args == [55]
    QTest.keyClick(window, Key.Key_Down)
    assert controller.volume == 50


def test_a_focused_list_moves_with_up_and_down_and_esc_gives_them_back(
    qtbot: QtBot, window: MainWindow, controller: FakeController
) -> None:
    # The trial: Up pressed to pick a sound raised the volume 5 % a press instead.
    table = window.panel.table
    focus(qtbot, table)
    table.selectRow(3)
    QTest.keyClick(table, Key.Key_Down)
    QTest.keyClick(table, Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert table.currentIndex().row() == 5
    assert len(table.selectionModel().selectedRows()) == 2  # Shift extends, as in any list
    QTest.keyClick(table, Key.Key_Up)
    assert table.currentIndex().row() == 4
    assert controller.calls == []  # the volume was not touched
    keypad = Qt.KeyboardModifier.KeypadModifier  # NumLock off: the keypad's arrows
    QTest.keyClick(table, Key.Key_Down, keypad)
    assert table.currentIndex().row() == 5 and controller.calls == []
    QTest.keyClick(table, Key.Key_Escape)
    assert window.focusWidget() is window
    QTest.keyClick(window, Key.Key_Up)
    assert controller.calls[0] == ("change_volume", 5)


def test_an_empty_list_leaves_up_and_down_to_the_volume(
    qtbot: QtBot, window: MainWindow, controller: FakeController, library: FakeLibraryService
) -> None:
    library.set_current(library.playlists()[2].uid)  # "Empty"
    table = window.panel.table
    focus(qtbot, table)
    QTest.keyClick(table, Key.Key_Up)
    assert controller.calls[0] == ("change_volume", 5)


def test_the_sidebar_moves_with_up_and_down_and_deletes_with_delete(
    qtbot: QtBot, window: MainWindow, controller: FakeController, library: FakeLibraryService
) -> None:
    sidebar = window.sidebar
    other = library.create_playlist("Rain")  # the last row
    sidebar.setCurrentRow(sidebar.count() - 2)
    asked: list[str] = []

    def confirm(_parent: QWidget, name: str, _count: int) -> bool:
        asked.append(name)
        return True

    sidebar.confirm = confirm
    focus(qtbot, sidebar)
    QTest.keyClick(sidebar, Key.Key_Down)
    assert sidebar.current_uid() == other
    QTest.keyClick(sidebar, Key.Key_Delete)
    assert asked == ["Rain"] and library.playlist(other) is None
    assert controller.calls == []


def test_shortcuts_work_from_sliders(
    qtbot: QtBot, window: MainWindow, controller: FakeController
) -> None:
    slider = window.transport.volume
    slider.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # even if a slider did take focus
    focus(qtbot, slider)
    QTest.keyClick(slider, Key.Key_Up)
    QTest.keyClick(slider, Key.Key_Right)
    assert ("change_volume", 5) in controller.calls
    assert controller.calls[-1] == ("seek_relative", 10_000)


def test_filter_keeps_typed_text_space_and_arrows(
    qtbot: QtBot, window: MainWindow, controller: FakeController
) -> None:
    edit = window.panel.filter
    QTest.keyClick(window.panel.table, Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert edit.hasFocus()
    QTest.keyClicks(edit, "whisper m")
    QTest.keyClick(edit, Key.Key_Left)
    QTest.keyClick(edit, Key.Key_Up)
    QTest.keyClick(edit, Key.Key_Space)
    assert edit.text() == "whisper  m"
    assert controller.calls == []
    assert window.panel.proxy.filter_text() == "whisper  m"


def test_focusing_the_filter_prepares_the_search_text(qtbot: QtBot, window: MainWindow) -> None:
    # The first keystroke then only compares (the text is what a 10,000-row filter spends
    # most of its first run on).
    QTest.keyClick(window.panel.table, Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.panel.filter.hasFocus()
    assert window.panel.model.prepare_search() == 0  # nothing was left to fill
    QTest.keyClicks(window.panel.filter, "zzz")
    assert window.panel.proxy.rowCount() == 0


def test_escape_clears_filter_then_returns_to_table(qtbot: QtBot, window: MainWindow) -> None:
    edit = window.panel.filter
    focus(qtbot, edit)
    QTest.keyClicks(edit, "zzz")
    assert window.panel.proxy.rowCount() == 0
    QTest.keyClick(edit, Key.Key_Escape)
    assert edit.text() == ""
    assert window.panel.proxy.rowCount() == 40
    QTest.keyClick(edit, Key.Key_Escape)
    assert window.panel.table.hasFocus()


def test_delete_removes_selected_rows(
    qtbot: QtBot, window: MainWindow, library: FakeLibraryService
) -> None:
    table = window.panel.table
    focus(qtbot, table)
    table.selectRow(2)
    QTest.keyClick(table, Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    uid = window.panel.playlist_uid()
    assert uid is not None
    with qtbot.waitSignal(library.tracks_removed):
        QTest.keyClick(table, Key.Key_Delete)
    assert ("remove_rows", uid, [2, 3]) in library.calls
    assert window.panel.model.rowCount() == 38
    assert table.selectionModel().selectedRows()[0].row() == 2  # ready for the next Delete


def test_ctrl_z_brings_removed_rows_back_where_they_were(
    qtbot: QtBot, window: MainWindow, library: FakeLibraryService
) -> None:
    table = window.panel.table
    focus(qtbot, table)
    uid = window.panel.playlist_uid()
    playlist = library.playlist(uid or "")
    assert uid is not None and playlist is not None
    before = [t.uid for t in playlist.tracks]
    undo = window.action_registry["undo"]
    assert not undo.isEnabled()
    table.selectRow(2)
    QTest.keyClick(table, Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClick(table, Key.Key_Delete)
    assert window.undo_offer.isVisible()
    assert (
        window.undo_offer.label.text()
        == f"Removed 2 tracks from \u201c{playlist.name}\u201d \u2014"
    )
    assert undo.isEnabled() and undo.text() == "Undo Remove 2 Tracks"
    table.selectRow(0)
    QTest.keyClick(table, Key.Key_Delete)  # a second removal: undone first
    assert undo.text() == "Undo Remove 1 Track"

    QTest.keyClick(table, Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [t.uid for t in playlist.tracks][:1] == before[:1]
    assert not window.undo_offer.isVisible()  # it offered the removal now undone
    QTest.keyClick(table, Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [t.uid for t in playlist.tracks] == before
    selected = sorted(i.row() for i in table.selectionModel().selectedRows())
    assert selected == [2, 3] and table.currentIndex().row() == 2  # what came back
    assert not undo.isEnabled()


def test_delete_in_filter_edits_text(
    qtbot: QtBot, window: MainWindow, library: FakeLibraryService
) -> None:
    edit = window.panel.filter
    focus(qtbot, edit)
    QTest.keyClicks(edit, "ab")
    QTest.keyClick(edit, Key.Key_Home)
    QTest.keyClick(edit, Key.Key_Delete)
    assert edit.text() == "b"
    assert not [c for c in library.calls if c[0] == "remove_rows"]


def test_enter_plays_current_row(
    qtbot: QtBot, window: MainWindow, controller: FakeController
) -> None:
    table = window.panel.table
    focus(qtbot, table)
    table.selectRow(4)
    with qtbot.waitSignal(controller.track_changed):
        QTest.keyClick(table, Key.Key_Return)
    track = window.panel.model.track(4)
    assert controller.calls[-1] == ("play_track", window.panel.playlist_uid(), track.uid)


def test_the_table_menu_plays_the_row_it_was_opened_on(
    qtbot: QtBot, window: MainWindow, controller: FakeController
) -> None:
    # The trial: the Menu key offered "Play/Pause" first, not the track under the cursor.
    table = window.panel.table
    focus(qtbot, table)
    table.selectRow(2)
    first = table.context_actions[0]
    assert first is window.action_registry["play_selected"]
    assert first.shortcut().toString() == "Return"  # shown in the menu
    first.trigger()
    track = window.panel.model.track(2)
    assert controller.calls[-1] == ("play_track", window.panel.playlist_uid(), track.uid)


def test_after_naming_a_playlist_the_focus_goes_back_where_it_was(
    qtbot: QtBot, window: MainWindow, controller: FakeController
) -> None:
    # The review: F2 from the window left the focus in the track list, and the arrows then
    # moved its selection instead of the volume.
    window.setFocus()
    qtbot.waitUntil(lambda: window.focusWidget() is window)
    QTest.keyClick(window, Key.Key_F2)
    editor = QApplication.focusWidget()
    assert editor is not None and editor is not window
    QTest.keyClicks(editor, "Rain at night")
    QTest.keyClick(editor, Key.Key_Return)
    qtbot.waitUntil(lambda: window.focusWidget() is window)
    QTest.keyClick(window, Key.Key_Up)
    assert ("change_volume", 5) in controller.calls


def test_stop_repeat_and_shuffle_have_keys(
    qtbot: QtBot, window: MainWindow, controller: FakeController
) -> None:
    # The trial: they had none, and Repeat took Alt+P and nine Downs.
    seen = []
    for _ in range(3):
        QTest.keyClick(window, Key.Key_R)
        seen.append(controller.repeat)
    assert seen == [RepeatMode.ALL, RepeatMode.ONE, RepeatMode.OFF]
    QTest.keyClick(window, Key.Key_S)
    assert controller.shuffle
    QTest.keyClick(window, Key.Key_Space, Qt.KeyboardModifier.ShiftModifier)
    assert controller.calls[-1] == ("stop",)
