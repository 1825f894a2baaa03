"""Undo takes back a dragged reorder of tracks or playlists and a rename, not only removals."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from sleepplayer.core.model import Library, Playlist, Track
from sleepplayer.services.library import LibraryService
from sleepplayer.ui.main_window import MainWindow
from tests.helpers.fake_services import FakeLibraryService


class _Library(FakeLibraryService):
    """The fake, with the real reorders and rename (and so their undo steps)."""

    def move_rows(self, playlist_uid: str, rows: Sequence[int], dest_row: int) -> None:
        LibraryService.move_rows(self, playlist_uid, rows, dest_row)

    def move_playlist(self, from_index: int, to_index: int) -> None:
        LibraryService.move_playlist(self, from_index, to_index)

    def rename_playlist(self, uid: str, name: str, *, undoable: bool = True) -> None:
        LibraryService.rename_playlist(self, uid, name, undoable=undoable)


@pytest.fixture
def library(playlists: list[Playlist]) -> FakeLibraryService:
    return _Library(Library(playlists, playlists[1].uid))


def _uids(tracks: Sequence[Track]) -> list[str]:
    return [t.uid for t in tracks]


def test_ctrl_z_puts_dragged_tracks_back(
    qtbot: QtBot, window: MainWindow, library: FakeLibraryService
) -> None:
    evening = library.playlists()[1]
    before = _uids(evening.tracks)
    model = window.panel.model
    mime = model.mimeData([model.index(2, 0), model.index(8, 0)])
    assert model.dropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert _uids(evening.tracks)[:2] == [before[2], before[8]]
    assert window.undo_offer.label.text() == "Moved 2 tracks in \u201cEvening\u201d \u2014"
    assert window.action_registry["undo"].text() == "Undo Move 2 Tracks"
    window.panel.table.setFocus()
    QTest.keyClick(window.panel.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _uids(evening.tracks) == before
    assert model.track(2).uid == before[2]  # the table shows it
    assert not window.action_registry["undo"].isEnabled()


def test_undo_of_a_playlist_move_and_a_rename(
    qtbot: QtBot, window: MainWindow, library: FakeLibraryService
) -> None:
    library.move_playlist(2, 0)
    assert [p.name for p in library.playlists()] == ["Empty", "Sleep sounds", "Evening"]
    assert window.undo_offer.label.text() == "Moved \u201cEmpty\u201d \u2014"
    library.rename_playlist(library.playlists()[2].uid, "Rainy nights")
    assert window.action_registry["undo"].text() == "Undo Rename Playlist"
    window.action_registry["undo"].trigger()
    assert [p.name for p in library.playlists()] == ["Empty", "Sleep sounds", "Evening"]
    assert window.sidebar.item(2).text() == "Evening"
    window.action_registry["undo"].trigger()
    assert [p.name for p in library.playlists()] == ["Sleep sounds", "Evening", "Empty"]
    assert not window.action_registry["undo"].isEnabled()  # an undo is not itself undoable


def test_naming_a_new_playlist_is_no_rename_to_undo(
    qtbot: QtBot, window: MainWindow, library: FakeLibraryService
) -> None:
    # It said "Renamed 'New playlist' to 'Rainy nights'" and offered to undo that.
    window.action_registry["new_playlist"].trigger()
    item = window.sidebar.currentItem()
    assert item is not None
    with qtbot.waitSignal(library.playlists_changed):
        item.setText("Rainy nights")  # what the inline editor commits
    assert [p.name for p in library.playlists()][-1] == "Rainy nights"
    assert window.action_registry["undo"].text() != "Undo Rename Playlist"
    assert "Renamed" not in window.undo_offer.label.text()
    # Once named, a rename is a rename again.
    window.sidebar.itemDelegate().closeEditor.emit(None)
    library.rename_playlist(library.playlists()[-1].uid, "Rain")
    assert window.action_registry["undo"].text() == "Undo Rename Playlist"


def test_a_rebuild_while_a_new_playlist_is_named_leaves_later_renames_undoable(
    qtbot: QtBot, window: MainWindow, library: FakeLibraryService
) -> None:
    window.action_registry["new_playlist"].trigger()
    library.playlists_changed.emit()  # a load elsewhere rebuilds the list: the editor goes
    window.action_registry["rename_playlist"].trigger()  # F2, later
    item = window.sidebar.currentItem()
    assert item is not None
    with qtbot.waitSignal(library.playlists_changed):
        item.setText("Rain")
    assert window.action_registry["undo"].text() == "Undo Rename Playlist"


def test_ctrl_z_in_the_filter_box_undoes_the_last_edit_not_the_typing(
    qtbot: QtBot, window: MainWindow, library: FakeLibraryService
) -> None:
    # After a delete the focus often lands in the filter box: Ctrl+Z there brought back an
    # old filter text (and a seemingly empty playlist) instead of what was deleted.
    evening = library.playlists()[1]
    before = _uids(evening.tracks)
    model = window.panel.model
    mime = model.mimeData([model.index(2, 0)])
    assert model.dropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    edit = window.panel.filter
    with qtbot.waitActive(window):
        window.activateWindow()
    edit.setFocus()
    QTest.keyClicks(edit, "zzz")
    edit.selectAll()
    QTest.keyClick(edit, Qt.Key.Key_Backspace)
    QTest.keyClick(edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert edit.text() == ""
    assert _uids(evening.tracks) == before
    assert not window.action_registry["undo"].isEnabled()
    QTest.keyClick(edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert edit.text() == "", "nothing left to undo: the box does not undo its typing either"
