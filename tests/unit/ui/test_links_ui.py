"""Adding links in the window: Open URL, Ctrl+V, dropped links, import/export, progress with
Cancel, the stream title and status under the title, and the About box's versions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, QPointF, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from sleepplayer.core.model import Playlist, Track, TrackKind
from sleepplayer.ui.about import about_html, versions
from sleepplayer.ui.link_commands import first_folder
from sleepplayer.ui.main_window import MainWindow
from sleepplayer.ui.open_url_dialog import OpenUrlDialog
from sleepplayer.ui.playlist_file_dialogs import ExportChoice, export_target
from sleepplayer.ui.track_model import COL_DURATION, COL_TITLE
from tests.helpers.fake_services import FakeController, FakeLibraryService

Role = Qt.ItemDataRole


def _current_uid(library: FakeLibraryService) -> str:
    current = library.current_playlist()
    assert current is not None
    return current.uid


def _drop(mime: QMimeData) -> QDropEvent:
    return QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction | Qt.DropAction.LinkAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )


def test_open_url_dialog_gives_the_non_blank_lines(qtbot: QtBot) -> None:
    dialog = OpenUrlDialog(text="")
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # nothing to add yet
    dialog.edit.setPlainText("  https://a.example/live \n\n https://b.example/x.mp3\n")
    assert ok.isEnabled() and ok.text() == "&Add"
    assert dialog.links() == ["https://a.example/live", "https://b.example/x.mp3"]


def test_open_url_keeps_text_that_holds_no_link(qtbot: QtBot) -> None:
    # The trial: Add on "not a link" closed the dialog, and the typed text was gone.
    dialog = OpenUrlDialog(text="")
    qtbot.addWidget(dialog)
    dialog.edit.setPlainText("not a link")
    dialog.add_button.click()
    assert dialog.result() != OpenUrlDialog.DialogCode.Accepted
    assert dialog.edit.toPlainText() == "not a link"
    assert dialog.problem.text().startswith("“not a link” is not a link")
    dialog.edit.setPlainText("https://a.example/live\nnot a link")  # one link: it is added
    assert dialog.problem.isHidden()
    dialog.add_button.click()
    assert dialog.result() == OpenUrlDialog.DialogCode.Accepted


def test_open_url_takes_a_file_uri_and_leaves_out_a_missing_path(
    qtbot: QtBot, window: MainWindow, library: FakeLibraryService, tmp_path: Path
) -> None:
    song = tmp_path / "rain.opus"
    song.write_bytes(b"x")
    dialog = OpenUrlDialog(text=song.as_uri())
    qtbot.addWidget(dialog)
    dialog.add_button.click()
    assert dialog.result() == OpenUrlDialog.DialogCode.Accepted  # a file: URI is no typo
    gone = tmp_path / "nope.ogg"
    window.link_commands.ask_links = lambda _parent: [str(song), str(gone)]
    window.action_registry["open_url"].trigger()
    uid = _current_uid(library)
    assert [c for c in library.calls if c[0] == "add_paths"] == [
        ("add_paths", uid, [str(song)], None)
    ]
    assert window.statusBar().currentMessage() == f"Not found: {gone}."


def test_open_url_adds_links_to_the_current_playlist(
    window: MainWindow, library: FakeLibraryService, tmp_path: Path
) -> None:
    song = tmp_path / "rain.opus"
    song.write_bytes(b"x")
    window.link_commands.ask_links = lambda _parent: [
        "https://radio.example/live", str(song), "smb://nas/a.mp3",
    ]  # fmt: skip
    window.action_registry["open_url"].trigger()
    uid = _current_uid(library)
    # In the order given: the link, then (once it is in) the file, then the rest. Words and
    # other schemes go along, so the message names them as refused.
    assert library.calls[-1] == ("add_urls", uid, ["https://radio.example/live"], None)
    library.job_finished.emit(1, 1, False)  # the first job: the link is in
    adds = [c for c in library.calls if c[0] in ("add_urls", "add_paths")]
    assert adds[1:] == [
        ("add_paths", uid, [str(song)], None),
        ("add_urls", uid, ["smb://nas/a.mp3"], None),
    ]


def test_cancelled_open_url_adds_nothing(window: MainWindow, library: FakeLibraryService) -> None:
    window.link_commands.ask_links = lambda _parent: []
    window.action_registry["open_url"].trigger()
    assert not [c for c in library.calls if c[0] in ("add_urls", "add_paths")]


def test_ctrl_v_in_the_table_pastes_links(
    qtbot: QtBot, window: MainWindow, library: FakeLibraryService
) -> None:
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("https://a.example/one\nhttps://b.example/two.ogg\n")
    window.panel.table.setFocus()
    QTest.keyClick(window.panel.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    uid = _current_uid(library)
    assert library.calls[-1] == (
        "add_urls", uid, ["https://a.example/one", "https://b.example/two.ogg"], None,
    )  # fmt: skip


def test_paste_without_links_says_so(window: MainWindow, library: FakeLibraryService) -> None:
    QGuiApplication.clipboard().setText("just some words")
    window.action_registry["paste_links"].trigger()
    assert window.statusBar().currentMessage().startswith("Nothing to paste")
    assert not [c for c in library.calls if c[0] == "add_urls"]


def test_a_pasted_path_to_nothing_is_named_not_added(
    window: MainWindow, library: FakeLibraryService, tmp_path: Path
) -> None:
    # The trial: "Added 2 tracks." and a greyed row for a typo'd path in the clipboard.
    there = tmp_path / "long 1h.ogg"
    there.write_bytes(b"")
    gone = tmp_path / "nope.ogg"
    QGuiApplication.clipboard().setText(f"{there}\n{gone}\n")
    window.action_registry["paste_links"].trigger()
    uid = _current_uid(library)
    assert [c for c in library.calls if c[0] == "add_paths"] == [
        ("add_paths", uid, [str(there)], None)
    ]
    assert window.statusBar().currentMessage() == f"Not found: {gone}."
    library.calls.clear()
    QGuiApplication.clipboard().setText(f"{gone}\n")  # nothing else: nothing is added
    window.action_registry["paste_links"].trigger()
    assert not [c for c in library.calls if c[0] == "add_paths"]


def test_browser_links_dropped_on_the_table_are_added_at_the_row(
    window: MainWindow, library: FakeLibraryService
) -> None:
    model = window.panel.model
    uid = _current_uid(library)
    uri_list = QMimeData()
    uri_list.setUrls([QUrl("https://www.youtube.com/watch?v=abc")])
    assert model.canDropMimeData(uri_list, Qt.DropAction.LinkAction, 2, 0, QModelIndex())
    assert model.dropMimeData(uri_list, Qt.DropAction.LinkAction, 2, 0, QModelIndex())
    assert library.calls[-1] == ("add_urls", uid, ["https://www.youtube.com/watch?v=abc"], 2)
    plain = QMimeData()
    plain.setText("https://radio.example/live")
    assert model.dropMimeData(plain, Qt.DropAction.CopyAction, -1, 0, QModelIndex())
    assert library.calls[-1] == ("add_urls", uid, ["https://radio.example/live"], 40)
    words = QMimeData()
    words.setText("a sleepy sentence")
    assert not model.canDropMimeData(words, Qt.DropAction.CopyAction, 0, 0, QModelIndex())


def test_playlist_files_dropped_are_imported(
    qtbot: QtBot, window: MainWindow, library: FakeLibraryService, tmp_path: Path
) -> None:
    listing = tmp_path / "Rainy night.m3u8"
    listing.write_text("#EXTM3U\n")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(listing))])
    assert window.panel.model.dropMimeData(mime, Qt.DropAction.CopyAction, 0, 0, QModelIndex())
    qtbot.waitUntil(lambda: ("import_playlist_file", str(listing)) in library.calls)
    current = library.current_playlist()
    assert current is not None and current.name == "Rainy night"


def test_links_dropped_on_the_window(window: MainWindow, library: FakeLibraryService) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl("https://radio.example/live")])
    event = _drop(mime)
    window.dropEvent(event)
    assert event.isAccepted() and event.dropAction() == Qt.DropAction.CopyAction
    assert library.calls[-1] == (
        "add_urls",
        _current_uid(library),
        ["https://radio.example/live"],
        None,
    )


def test_import_action(window: MainWindow, library: FakeLibraryService, tmp_path: Path) -> None:
    asked: list[str] = []

    def ask(_parent: object, folder: str) -> list[str]:
        asked.append(folder)
        return [str(tmp_path / "a.pls"), str(tmp_path / "b.xspf")]

    window.link_commands.ask_import_paths = ask
    window.last_dir = str(tmp_path)
    window.action_registry["import_playlist"].trigger()
    assert asked == [str(tmp_path)]
    assert [c for c in library.calls if c[0] == "import_playlist_file"] == [
        ("import_playlist_file", str(tmp_path / "a.pls")),
        ("import_playlist_file", str(tmp_path / "b.xspf")),
    ]
    current = library.current_playlist()
    assert current is not None and current.name == "b"  # the last one is shown


def test_export_action(
    window: MainWindow, library: FakeLibraryService, playlists: list[Playlist], tmp_path: Path
) -> None:
    asked: list[tuple[str, bool, bool]] = []

    def ask(_parent: object, path: str, has_local: bool, relative: bool) -> ExportChoice:
        asked.append((path, has_local, relative))
        return ExportChoice(str(tmp_path / "out.pls"), "pls", True)

    window.link_commands.ask_export_choice = ask
    window.last_dir = str(tmp_path)
    window.action_registry["export_playlist"].trigger()
    assert asked == [(str(tmp_path / "Evening.m3u8"), True, False)]  # files live elsewhere
    uid = playlists[1].uid
    assert library.calls[-1] == ("export_playlist", uid, str(tmp_path / "out.pls"), "pls", True)


@pytest.mark.parametrize(
    ("typed", "selected", "result"),
    [
        ("/x/night", "PLS playlist (*.pls)", ("/x/night.pls", "pls")),
        ("/x/night.XSPF", "M3U8 playlist (*.m3u8)", ("/x/night.XSPF", "xspf")),
        ("/x/night.txt", "", ("/x/night.txt.m3u8", "m3u8")),
    ],
)
def test_export_format_follows_the_filter_or_extension(
    typed: str, selected: str, result: tuple[str, str]
) -> None:
    assert export_target(typed, selected) == result


def test_link_progress_with_cancel(
    qtbot: QtBot, window: MainWindow, library: FakeLibraryService
) -> None:
    library.urls_progress.emit(3, 12)
    assert window.work_progress.isVisible() and window.statusBar().isVisible()
    assert window.progress_label.text() == "Adding links: 3 of 12"
    assert (window.progress.value(), window.progress.maximum()) == (3, 12)
    QTest.mouseClick(window.work_progress.cancel_button, Qt.MouseButton.LeftButton)
    assert library.calls[-1] == ("cancel_urls",)
    library.urls_finished.emit("p", 3)
    assert not window.work_progress.isVisible()


def test_stream_title_and_status_under_the_title(
    window: MainWindow, controller: FakeController
) -> None:
    now = window.now_playing
    radio = Track("https://radio.example/live", title="Night Radio", kind=TrackKind.RADIO)
    controller.set_track(radio)
    assert not now.stream_title.isVisible() and not now.status.isVisible()
    controller.status_text_changed.emit("Reconnecting in 4 s (attempt 3)")
    assert now.status.isVisible() and now.status.text() == "Reconnecting in 4 s (attempt 3)"
    controller.stream_title_changed.emit("Brian Eno - Thursday Afternoon")
    assert now.stream_title.isVisible()
    assert now.stream_title.text() == "Brian Eno - Thursday Afternoon"
    controller.status_text_changed.emit("")
    assert not now.status.isVisible()
    controller.set_track(radio)  # the same track again: the title stays
    assert now.stream_title.isVisible()
    controller.set_track(Track("file:///a.opus"))
    assert not now.stream_title.isVisible()


def test_kinds_show_in_the_table(window: MainWindow, library: FakeLibraryService) -> None:
    uid = _current_uid(library)
    library.add_tracks(
        uid,
        [
            Track("https://radio.example/live", kind=TrackKind.RADIO),
            Track("https://www.youtube.com/watch?v=a", "Whispers", duration_ms=61_000,
                  kind=TrackKind.WEB),
        ],
    )  # fmt: skip
    model = window.panel.model
    radio, web = model.rowCount() - 2, model.rowCount() - 1
    assert model.data(model.index(radio, COL_DURATION)) == "live"
    assert model.data(model.index(web, COL_DURATION)) == "1:01"
    assert model.data(model.index(radio, COL_TITLE), Role.ToolTipRole).startswith("Radio (live)")
    assert model.data(model.index(web, COL_TITLE), Role.ToolTipRole).startswith("Web page\n")
    assert model.data(model.index(web, COL_TITLE), Role.DecorationRole) is not None


def test_about_shows_the_versions() -> None:
    pairs = versions(lambda: "2025.06.30", lambda: ("3.0.21 Vetinari", "3.0.21203"))
    names = [name for name, _version in pairs]
    assert names == ["SleepPlayer", "libVLC", "python-vlc", "Qt", "PySide6", "yt-dlp"]
    text = about_html(pairs)
    assert "2025.06.30" in text and "yt-dlp" in text and "3.0.21 Vetinari" in text
    assert text.count(dict(pairs)["SleepPlayer"]) == 1  # the app's version once, not twice
    assert "pip install -U yt-dlp" in text  # how to update it, not only that it helps
    assert dict(versions(lambda: None))["yt-dlp"] == "not installed"


def test_about_without_libvlc_still_opens() -> None:
    def missing() -> tuple[str, str]:
        raise RuntimeError("no libVLC")

    assert dict(versions(lambda: None, missing))["libVLC"] == "unknown"


def test_about_reads_the_real_yt_dlp_version_lazily() -> None:
    found = dict(versions())
    assert found["yt-dlp"] and found["yt-dlp"] != "unknown"
    assert found["libVLC"].startswith("3.")  # the real libVLC


def test_the_list_does_not_jump_when_a_stream_reconnects(
    qtbot: QtBot, window: MainWindow, controller: FakeController
) -> None:
    # "Reconnecting in 4 s" comes and goes each time a flaky stream drops.
    radio = Track("https://radio.example/live", title="Night Radio", artist="Station")
    controller.set_track(radio)
    controller.stream_title_changed.emit("Brian Eno - Thursday Afternoon")
    table = window.panel.table

    def table_top() -> int:
        return table.mapTo(window, table.rect().topLeft()).y()

    qtbot.waitUntil(lambda: table_top() > 0)
    before = table_top()
    controller.set_status_text("Reconnecting in 4 s (attempt 3)")
    qtbot.waitUntil(window.now_playing.status.isVisible)
    QApplication.processEvents()  # the layout settles
    assert table_top() == before
    controller.set_status_text("")
    QApplication.processEvents()
    assert table_top() == before


def test_the_first_file_dialog_opens_in_music_or_home(window: MainWindow) -> None:
    # The trial: the first Add Files opened in the folder the app was started from.
    music = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.MusicLocation)
    assert window.last_dir == first_folder()
    assert window.last_dir in (music, str(Path.home()))
    assert window.last_dir != os.getcwd()  # the tests run in the repository
