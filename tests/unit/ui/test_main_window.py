"""The main window: title, visibility-driven polling, state, status bar, close flag."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, QSize, Qt, QUrl
from PySide6.QtGui import QDropEvent, QPalette
from pytestqt.qtbot import QtBot

from sleepplayer.ui.main_window import MIN_SIZE, MainWindow, first_size
from sleepplayer.ui.playlist_view import ARTIST_WIDTH
from sleepplayer.ui.track_model import COL_ARTIST, COL_DURATION, COL_TITLE
from tests.helpers.fake_services import FakeController, FakeLibraryService


def test_window_title_follows_track(
    qtbot: QtBot, window: MainWindow, controller: FakeController, library: FakeLibraryService
) -> None:
    assert window.windowTitle() == "SleepPlayer"
    playlist = library.playlists()[1]
    with qtbot.waitSignal(controller.track_changed):
        controller.play_track(playlist.uid, playlist.tracks[2].uid)
    assert window.windowTitle() == "Whisper 2 \u2014 SleepPlayer"
    assert window.now_playing.title.full_text() == "Whisper 2"
    assert window.now_playing.artist.text() == playlist.tracks[2].artist
    controller.set_track(None)
    assert window.windowTitle() == "SleepPlayer"


def test_position_watched_follows_visibility(
    qtbot: QtBot, window: MainWindow, controller: FakeController
) -> None:
    assert controller.watchers == {"window": True}
    window.showMinimized()
    qtbot.waitUntil(lambda: controller.watchers["window"] is False)
    window.showNormal()
    qtbot.waitUntil(lambda: controller.watchers["window"] is True)
    window.hide()
    assert controller.watchers["window"] is False


def test_state_round_trip(qtbot: QtBot, window: MainWindow) -> None:
    window.resize(900, 600)
    window.splitter.setSizes([300, 600])
    geometry, state, splitter = window.save_state()
    assert all(isinstance(part, str) and part for part in (geometry, state, splitter))
    window.splitter.setSizes([180, 720])
    window.restore_state(geometry, state, splitter)
    assert window.splitter.sizes()[0] == 300
    window.restore_state("", "", "")  # nothing saved yet: harmless


def test_close_emits_and_obeys_flag(qtbot: QtBot, window: MainWindow) -> None:
    window.accept_close = False
    with qtbot.waitSignal(window.close_requested):
        assert not window.close()
    assert window.isVisible()
    window.accept_close = True
    with qtbot.waitSignal(window.close_requested):
        assert window.close()


def test_quit_action_asks_the_app(qtbot: QtBot, window: MainWindow) -> None:
    window.quit_app_on_request = False  # the test runner's app must live on
    with qtbot.waitSignal(window.quit_requested):
        window.action_registry["quit"].trigger()


def test_status_messages_and_scan_progress(
    qtbot: QtBot, window: MainWindow, library: FakeLibraryService, tmp_path: Path
) -> None:
    status = window.statusBar()
    transport_at = window.transport.mapTo(window, window.transport.rect().topLeft())
    library.message.emit("Could not read rain.opus")
    assert status.currentMessage() == "Could not read rain.opus"
    assert status.isVisible()
    # The bar was there, empty: the transport bar stays where the pointer expects it.
    assert window.transport.mapTo(window, window.transport.rect().topLeft()) == transport_at
    library.scan_progress.emit(0, 0)
    assert window.progress.isVisible() and window.progress.maximum() == 0
    assert window.transport.mapTo(window, window.transport.rect().topLeft()) == transport_at
    assert window.progress_label.text() == "Looking for files…"
    library.scan_progress.emit(5, 20)
    assert (window.progress.value(), window.progress.maximum()) == (5, 20)
    assert window.progress_label.text() == "Adding files: 5 of 20"
    with qtbot.waitSignal(library.scan_finished):
        library.scan_finished.emit("x", 20)
    assert not window.progress.isVisible()
    # The library says what was added (one message with its problems), not the window too.
    assert status.currentMessage() == "Could not read rain.opus"


def test_long_messages_fit_and_are_not_replaced_at_once(qtbot: QtBot, window: MainWindow) -> None:
    # An import that names the lines it skipped, then the player skipping a missing entry.
    window.resize(700, 500)
    skipped = (
        "Skipped in list.m3u: line 2: v4l2:///dev/video0 \u2014 v4l2: addresses are not allowed"
    )
    long = f"Imported \u201clist\u201d into \u201cOpened files\u201d (2 tracks). {skipped}."
    window.show_message(long)
    window.show_message("Skipped \u201cnotes\u201d (file not found).")
    status = window.statusBar()
    shown = status.currentMessage()
    assert shown.endswith("\u2026") and long.startswith(shown[:-1]), "cut to fit the window"
    assert status.fontMetrics().horizontalAdvance(shown) < 700
    assert status.toolTip() == long, "the whole text is in the tooltip"
    qtbot.waitUntil(lambda: "notes" in status.currentMessage(), timeout=8000)
    assert status.toolTip() == "", "it fits: no tooltip needed"


def test_file_drop_on_window_adds_to_current(
    qtbot: QtBot, window: MainWindow, library: FakeLibraryService, tmp_path: Path
) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "a.opus"))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    current = library.current_playlist()
    assert current is not None
    assert library.calls[-1] == ("add_paths", current.uid, [str(tmp_path / "a.opus")], None)


def test_switching_playlist_updates_table(
    qtbot: QtBot, window: MainWindow, library: FakeLibraryService
) -> None:
    assert window.panel.model.rowCount() == 40
    window.sidebar.setCurrentRow(0)
    assert window.panel.model.rowCount() == 5
    assert window.panel.title.full_text() == "Sleep sounds"
    assert not window.action_registry["delete_playlist"].isEnabled()  # builtin
    window.sidebar.setCurrentRow(2)
    assert window.panel.model.rowCount() == 0
    assert window.action_registry["delete_playlist"].isEnabled()


def test_window_can_make_its_own_registry(
    qtbot: QtBot, controller: FakeController, library: FakeLibraryService
) -> None:
    win = MainWindow(controller, library)
    qtbot.addWidget(win)
    assert win.action_registry["add_files"].isEnabled()


def test_a_narrow_window_keeps_room_for_the_titles(qtbot: QtBot, window: MainWindow) -> None:
    # At the smallest size the window allows, the fixed 220 px of Artist used to squeeze the
    # stretching Title column to "…" and put a sideways scroll bar under the table.
    table = window.panel.table
    header = table.horizontalHeader()
    window.resize(window.minimumSize())
    qtbot.waitUntil(lambda: header.sectionSize(COL_ARTIST) < ARTIST_WIDTH)
    assert header.sectionSize(COL_TITLE) >= header.sectionSize(COL_ARTIST)
    assert header.length() <= table.viewport().width()
    qtbot.waitUntil(lambda: not table.horizontalScrollBar().isVisible())
    # The seek bar keeps its minimum (the volume slider gives way first when room is short).
    transport = window.transport
    assert transport.slider.width() >= transport.slider.minimumWidth()
    window.resize(1100, 700)
    qtbot.waitUntil(lambda: header.sectionSize(COL_ARTIST) == ARTIST_WIDTH)
    header.resizeSection(COL_ARTIST, 300)  # the user drags it wider: that is kept
    window.resize(1400, 700)
    qtbot.waitUntil(lambda: table.viewport().width() * 0.3 >= 300)
    assert header.sectionSize(COL_ARTIST) == 300


def test_the_track_table_paints_its_own_colour(window: MainWindow) -> None:
    # Its viewport is made by the app (see TrackTableView): Qt's own is filled with Base.
    # (Filled by the viewport itself, or by the style sheet when an earlier test left one.)
    viewport = window.panel.table.viewport()
    assert viewport.backgroundRole() == QPalette.ColorRole.Base
    corner = viewport.grab().toImage().pixelColor(2, viewport.height() - 3)
    assert corner == viewport.palette().color(QPalette.ColorRole.Base)


def test_a_filter_that_matches_nothing_says_so(qtbot: QtBot, window: MainWindow) -> None:
    table = window.panel.table
    window.panel.filter.setText("zzz")
    assert window.panel.proxy.rowCount() == 0
    assert table.empty_text() == "No tracks match \u201czzz\u201d."
    window.panel.filter.clear()
    assert table.empty_text() == table.property("emptyText")


def test_filtered_results_show_from_the_top(qtbot: QtBot, window: MainWindow) -> None:
    # The trial: scrolled down a 10,000-track list, a filter's results showed their end,
    # the first matches hidden above. Cleared, the list goes back to the selected track.
    table = window.panel.table
    window.resize(800, 400)
    bar = table.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    table.selectRow(35)
    table.scrollToBottom()
    window.panel.filter.setText("Whisper")  # all 40 match
    assert bar.value() == 0
    table.scrollToBottom()
    window.panel.filter.setText("Whisper ")  # a space: the same results, the view stays
    assert bar.value() == bar.maximum()
    window.panel.filter.clear()
    row_top = table.visualRect(table.currentIndex()).top()
    assert 0 <= row_top < table.viewport().height(), "the selected track is in view"
    assert bar.value() > 0


def test_the_hints_name_the_keys_the_user_has(
    window: MainWindow, controller: FakeController
) -> None:
    controller.set_track(None)
    registry = window.action_registry
    assert window.now_playing.artist.text() == (
        "Press Space to play, or add your own sounds with Ctrl+O"
    )
    assert "or press Ctrl+O or Ctrl+L." in window.panel.table.property("emptyText")
    registry.set_shortcut("play_pause", "P")
    registry.set_shortcut("open_url", "")
    assert window.now_playing.artist.text().startswith("Press P to play")
    assert window.panel.table.property("emptyText").endswith("or press Ctrl+O.")
    registry.set_shortcut("add_files", "")
    assert window.now_playing.artist.text().endswith("add your own from the File menu")
    assert window.panel.table.property("emptyText").endswith("or use the File menu.")


def test_a_long_playlist_name_is_cut_not_the_filter(
    qtbot: QtBot, window: MainWindow, library: FakeLibraryService
) -> None:
    window.resize(900, 500)
    name = "Rain on a tin roof, " * 12 + "copy"
    current = library.current_playlist()
    assert current is not None
    uid = current.uid
    library.rename_playlist(uid, name)
    window.panel.set_playlist(uid)
    qtbot.waitUntil(lambda: window.panel.title.full_text() == name)
    title = window.panel.title
    # Cut in the middle: a duplicate's " copy" still tells it from the original.
    qtbot.waitUntil(
        lambda: (
            "…" in title.text()
            and title.text().startswith("Rain on a")
            and title.text().endswith("copy")
        )
    )
    assert title.toolTip() == name  # the whole name on hover
    assert window.panel.filter.width() >= 160  # not squeezed to "Fi…"


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")
def test_a_long_title_ends_in_an_ellipsis_in_a_narrow_window(
    qtbot: QtBot, window: MainWindow, controller: FakeController, library: FakeLibraryService
) -> None:
    current = library.current_playlist()
    assert current is not None
    long = current.tracks[0].with_changes(title="An extremely long file name " * 6)
    library.update_track(current.uid, long)
    window.resize(640, 480)
    controller.play_track(current.uid, long.uid)
    title = window.now_playing.title
    qtbot.waitUntil(lambda: title.full_text() == long.title)
    qtbot.waitUntil(lambda: title.text().endswith("…"))
    assert title.toolTip() == f"{long.title}\n{long.uri}"


def test_the_first_window_fits_the_screen(window: MainWindow) -> None:
    # The trial: a fixed 1100x700 put Play and the volume off a 1366x768 screen at 125 %.
    assert first_size(QSize(1920, 1040)) == QSize(1100, 700)
    assert first_size(QSize(1093, 614)) == QSize(983, 552)
    assert first_size(QSize(600, 400)) == QSize(640, 420)  # never below the minimum
    free = window.screen().availableGeometry()
    assert window.width() <= free.width() and window.height() <= free.height()


@pytest.mark.usefixtures("dark")
@pytest.mark.qt_log_ignore("does not support propagateSizeHints")
def test_the_transport_bar_fits_the_smallest_window(qtbot: QtBot, timer_window: MainWindow) -> None:
    # The trial: at 640 px the seek bar ran on under the total time ("0:29" touched the groove).
    # The bar with every button (the timer's too) needs no more than the window's minimum.
    bar = timer_window.transport
    assert bar.minimumSizeHint().width() <= MIN_SIZE.width()
    timer_window.resize(MIN_SIZE)
    qtbot.waitUntil(lambda: bar.width() == MIN_SIZE.width())
    row = [bar.elapsed, bar.slider, bar.total, bar.mute_button]
    for left, right in itertools.pairwise(row):
        assert left.geometry().right() < right.geometry().left()


@pytest.mark.usefixtures("dark")  # the title's larger bold font
@pytest.mark.qt_log_ignore("does not support propagateSizeHints")
def test_the_built_in_sounds_say_they_loop_and_a_narrow_window_keeps_the_name(
    qtbot: QtBot, window: MainWindow, library: FakeLibraryService
) -> None:
    # The trial: each sound read "0:29" and the list "5 tracks · 2 min" (it plays all night),
    # and at 640 px the name was cut to "Slee…unds" while the count stayed whole.
    builtin = library.playlists()[0]
    library.set_current(builtin.uid)
    panel = window.panel
    assert panel.model.index(0, COL_DURATION).data() == "loop"
    assert panel.count.full_text() == "5 sounds · each loops"
    window.resize(640, 480)
    qtbot.waitUntil(lambda: panel.width() < 460)
    assert panel.title.text() == "Sleep sounds"
    library.set_current(library.playlists()[1].uid)
    assert panel.model.index(0, COL_DURATION).data() not in ("loop", "")
    assert panel.count.full_text().startswith("40 tracks · ")
