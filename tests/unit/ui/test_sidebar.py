"""The playlist sidebar: create, rename inline, duplicate, delete with confirmation, reorder."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from sleepplayer.ui.main_window import MainWindow
from sleepplayer.ui.sidebar import delete_note, drop_target_index
from tests.helpers.fake_services import FakeLibraryService


def names(library: FakeLibraryService) -> list[str]:
    return [p.name for p in library.playlists()]


def test_lists_playlists_and_selects_current(window: MainWindow) -> None:
    sidebar = window.sidebar
    assert [sidebar.item(i).text() for i in range(sidebar.count())] == [
        "Sleep sounds",
        "Evening",
        "Empty",
    ]
    assert sidebar.currentRow() == 1


def test_new_playlist_becomes_current_and_renames_inline(
    qtbot: QtBot, window: MainWindow, library: FakeLibraryService
) -> None:
    window.action_registry["new_playlist"].trigger()
    assert names(library)[-1] == "New playlist"
    assert window.sidebar.currentRow() == 3
    assert window.panel.model.rowCount() == 0
    item = window.sidebar.currentItem()
    assert item is not None
    with qtbot.waitSignal(library.playlists_changed):
        item.setText("Rainy nights")  # what the inline editor commits
    assert names(library)[-1] == "Rainy nights"


def test_delete_asks_and_spares_builtin(
    qtbot: QtBot, window: MainWindow, library: FakeLibraryService
) -> None:
    asked: list[str] = []
    answers = [False, True]

    def confirm(_parent: QWidget, name: str, _count: int) -> bool:
        asked.append(name)
        return answers.pop(0)

    window.sidebar.confirm = confirm
    window.action_registry["delete_playlist"].trigger()
    assert names(library) == ["Sleep sounds", "Evening", "Empty"]
    window.action_registry["delete_playlist"].trigger()
    assert names(library) == ["Sleep sounds", "Empty"]
    assert asked == ["Evening", "Evening"]
    window.sidebar.setCurrentRow(0)
    window.sidebar.delete_current()  # builtin: nothing asked, nothing deleted
    assert asked == ["Evening", "Evening"]
    assert names(library) == ["Sleep sounds", "Empty"]


def test_a_deleted_playlist_comes_back_with_undo(
    qtbot: QtBot, window: MainWindow, library: FakeLibraryService
) -> None:
    window.sidebar.confirm = lambda *_args: True
    window.action_registry["delete_playlist"].trigger()
    assert names(library) == ["Sleep sounds", "Empty"]
    assert window.undo_offer.label.text() == "Deleted \u201cEvening\u201d \u2014"
    QTest.mouseClick(window.undo_offer.button, Qt.MouseButton.LeftButton)
    assert names(library) == ["Sleep sounds", "Evening", "Empty"]
    assert window.sidebar.currentRow() == 1  # shown again
    assert window.panel.model.rowCount() == 40
    assert not window.action_registry["undo"].isEnabled()


def test_duplicate(window: MainWindow, library: FakeLibraryService) -> None:
    window.action_registry["duplicate_playlist"].trigger()
    assert names(library) == ["Sleep sounds", "Evening", "Evening copy", "Empty"]
    assert window.sidebar.currentRow() == 2
    assert window.panel.model.rowCount() == 40


def test_drop_target_index() -> None:
    assert drop_target_index(0, 3) == 2  # dragged down: the gap closes behind it
    assert drop_target_index(3, 0) == 0
    assert drop_target_index(1, 1) == 1


@pytest.mark.parametrize(
    ("count", "note"),
    [
        (0, "It is empty. Edit ▸ Undo brings it back."),
        (1, "Its one track goes with it; the file on disk stays. Edit ▸ Undo brings it back."),
        (2500, "Its 2,500 tracks go with it; the files on disk stay. Edit ▸ Undo brings it back."),
    ],
)
def test_the_delete_question_counts_the_tracks_in_words(count: int, note: str) -> None:
    assert delete_note(count) == note
