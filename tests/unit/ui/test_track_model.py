"""TrackTableModel and TrackFilterProxy: contents, incremental updates, 10k rows, drag and drop."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, Qt, QUrl
from PySide6.QtGui import QFont
from pytestqt.qtbot import QtBot

from sleepplayer.core.model import Library, Playlist, Track, TrackKind
from sleepplayer.services.builtin_sounds import builtin_tracks
from sleepplayer.ui.track_model import (
    COL_ARTIST,
    COL_DURATION,
    COL_NUMBER,
    COL_TITLE,
    ROWS_MIME,
    TrackFilterProxy,
    TrackTableModel,
    decode_rows,
    file_tooltip,
    format_duration,
    search_text,
)
from tests.helpers.fake_services import FakeLibraryService, make_tracks

Role = Qt.ItemDataRole


@pytest.fixture
def big() -> Playlist:
    return Playlist("Big", make_tracks(10_000))


@pytest.fixture
def big_library(big: Playlist) -> FakeLibraryService:
    return FakeLibraryService(Library([big], big.uid))


@pytest.fixture
def model(qtbot: QtBot, big_library: FakeLibraryService, big: Playlist) -> TrackTableModel:
    model = TrackTableModel(big_library)
    model.set_playlist(big.uid)
    return model


def cell(model: TrackTableModel, row: int, col: int, role: Role = Role.DisplayRole) -> object:
    return model.data(model.index(row, col), role)


@pytest.mark.parametrize(
    ("ms", "kind", "text"),
    [
        (None, TrackKind.LOCAL, ""),
        (59_999, TrackKind.LOCAL, "0:59"),
        (61_000, TrackKind.LOCAL, "1:01"),
        (3_600_000 + 62_000, TrackKind.LOCAL, "1:01:02"),
        (None, TrackKind.RADIO, "live"),
    ],
)
def test_format_duration(ms: int | None, kind: TrackKind, text: str) -> None:
    assert format_duration(ms, kind) == text


def test_ten_thousand_rows_contents(model: TrackTableModel, big: Playlist) -> None:
    assert model.rowCount() == 10_000
    assert model.columnCount() == 4
    assert cell(model, 0, COL_NUMBER) == "1"
    assert cell(model, 9_999, COL_TITLE) == "Track 9999"
    assert cell(model, 1, COL_ARTIST) == big.tracks[1].artist
    assert cell(model, 1, COL_DURATION) == format_duration(big.tracks[1].duration_ms)
    assert cell(model, 96, COL_DURATION) == "live"  # every 97th fake track is a radio


def test_a_file_shows_its_name_and_folder_not_its_escaped_uri(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "Müde — Regen über Köln ☔.ogg"
    assert file_tooltip(path.as_uri()) == f"Müde — Regen über Köln ☔.ogg\nin {path.parent}"
    assert file_tooltip("https://example.org/a") == "https://example.org/a"


def test_unavailable_rows_are_greyed_with_reason(model: TrackTableModel) -> None:
    row = 49  # every 50th fake track is unavailable
    assert cell(model, row, COL_TITLE, Role.ToolTipRole) == "Unavailable: file not found"
    assert cell(model, row, COL_TITLE, Role.ForegroundRole) is not None
    assert cell(model, 0, COL_TITLE, Role.ForegroundRole) is None


def test_playing_row_is_bold(model: TrackTableModel, big: Playlist, qtbot: QtBot) -> None:
    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.set_playing(big.tracks[7].uid)
    assert blocker.args[0].row() == 7
    font = cell(model, 7, COL_TITLE, Role.FontRole)
    assert isinstance(font, QFont) and font.bold()
    assert cell(model, 8, COL_TITLE, Role.FontRole) is None


def expected_rows(playlist: Playlist, query: str) -> list[int]:
    """A plain reference for the filter: every word in title, artist or file name, any case."""
    words = query.lower().split()
    rows = []
    for row, track in enumerate(playlist.tracks):
        fields = (track.title, track.artist, track.uri.rsplit("/", 1)[-1])
        text = " ".join(fields).lower()
        if all(word in text for word in words):
            rows.append(row)
    return rows


@pytest.mark.parametrize(
    "query", ["track 999", "GENTLE tingles 12", "track-00042", "willow 5 7", "nothing-like-it"]
)
def test_filter_ten_thousand_rows(model: TrackTableModel, big: Playlist, query: str) -> None:
    proxy = TrackFilterProxy()
    proxy.setSourceModel(model)
    assert proxy.rowCount() == 10_000
    proxy.set_filter_text(query)
    rows = [proxy.mapToSource(proxy.index(r, 0)).row() for r in range(proxy.rowCount())]
    assert rows == expected_rows(big, query)
    proxy.set_filter_text("")
    assert proxy.rowCount() == 10_000


def test_search_text_is_prepared_once_and_decodes_file_names(model: TrackTableModel) -> None:
    assert model.prepare_search() == 10_000
    assert model.prepare_search() == 0
    quoted = Track("file:///a/Soft%20Rain%20%C3%A9t%C3%A9.opus")
    assert search_text(quoted) == "\t\tsoft rain été.opus"


def test_filter_matches_file_name(model: TrackTableModel) -> None:
    proxy = TrackFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_filter_text("track-00042.OPUS")
    assert proxy.rowCount() == 1
    assert proxy.index(0, COL_TITLE).data() == "Track 42"


def test_insert_and_remove_are_incremental(
    qtbot: QtBot, model: TrackTableModel, big_library: FakeLibraryService, big: Playlist
) -> None:
    new = [Track("file:///a/new-1.opus", title="New 1"), Track("file:///a/new-2.opus")]
    with qtbot.waitSignal(model.rowsInserted) as inserted:
        big_library.add_tracks(big.uid, new, row=5)
    assert inserted.args[1:] == [5, 6]
    assert cell(model, 5, COL_TITLE) == "New 1"
    assert cell(model, 6, COL_TITLE) == "new-2"
    assert cell(model, 7, COL_TITLE) == "Track 5"
    with qtbot.waitSignal(model.rowsRemoved) as removed:
        big_library.remove_rows(big.uid, [6])
    assert removed.args[1:] == [6, 6]
    assert model.rowCount() == 10_001
    assert cell(model, 6, COL_TITLE) == "Track 5"


def test_updates_and_other_playlists(
    qtbot: QtBot, model: TrackTableModel, big_library: FakeLibraryService, big: Playlist
) -> None:
    changed = big.tracks[3].with_changes(title="Renamed", unavailable="corrupt")
    with qtbot.waitSignal(model.dataChanged):
        big_library.update_track(big.uid, changed)
    assert cell(model, 3, COL_TITLE) == "Renamed"
    other = big_library.create_playlist("Other")
    with qtbot.assertNotEmitted(model.rowsInserted):
        big_library.add_tracks(other, make_tracks(3))
    assert model.rowCount() == 10_000


def test_filter_follows_inserts(
    model: TrackTableModel, big_library: FakeLibraryService, big: Playlist
) -> None:
    proxy = TrackFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_filter_text("moonlight")
    assert proxy.rowCount() == 0
    big_library.add_tracks(big.uid, [Track("file:///x/y.opus", title="Moonlight hum")], row=0)
    assert proxy.rowCount() == 1
    assert proxy.index(0, COL_TITLE).data() == "Moonlight hum"


def test_drag_reorder_mime_round_trip(
    qtbot: QtBot, model: TrackTableModel, big_library: FakeLibraryService, big: Playlist
) -> None:
    moving = [big.tracks[8].uid, big.tracks[2].uid]
    mime = model.mimeData([model.index(8, 1), model.index(2, 0), model.index(2, 3)])
    assert not mime.hasUrls()  # never file URLs: a file manager would move the files
    assert decode_rows(mime) == (big.uid, [2, 8])
    move = Qt.DropAction.MoveAction
    assert model.canDropMimeData(mime, move, 0, 0, QModelIndex())
    with qtbot.waitSignal(model.modelReset):
        assert model.dropMimeData(mime, move, 0, 0, QModelIndex())
    assert ("move_rows", big.uid, [2, 8], 0) in big_library.calls
    assert [model.track(r).uid for r in (0, 1)] == moving[::-1]


def test_drop_on_a_row_inserts_before_it(
    model: TrackTableModel, big_library: FakeLibraryService, big: Playlist
) -> None:
    mime = model.mimeData([model.index(0, 0)])
    assert model.dropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, model.index(5, 0))
    assert big_library.calls[-1] == ("move_rows", big.uid, [0], 5)


def test_rows_from_another_playlist_are_refused(model: TrackTableModel) -> None:
    mime = QMimeData()
    mime.setData(ROWS_MIME, b'{"playlist": "elsewhere", "rows": [1]}')
    assert not model.canDropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    mime.setData(ROWS_MIME, b"garbage")
    assert not model.canDropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex())


def test_file_drop_adds_paths_at_row(
    tmp_path: Path, model: TrackTableModel, big_library: FakeLibraryService, big: Playlist
) -> None:
    mime = QMimeData()
    files = [tmp_path / "a.opus", tmp_path / "b.opus"]
    mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files] + [QUrl("https://x.example/s")])
    assert model.dropMimeData(mime, Qt.DropAction.CopyAction, 3, 0, QModelIndex())
    assert big_library.calls[-2] == ("add_paths", big.uid, [str(f) for f in files], 3)
    # The link was dropped after the files: it goes in after them (3 + 2 rows).
    assert big_library.calls[-1] == ("add_urls", big.uid, ["https://x.example/s"], 5)
    assert cell(model, 3, COL_TITLE) == "a"


def test_loop_is_shown_for_the_built_in_sounds_wherever_they_are(qtbot: QtBot) -> None:
    # A sound loops in any playlist; a file of the user's in "Sleep sounds" plays as a track
    # and shows its length (the trial: "15 sounds · each loops", every row "loop").
    sounds = builtin_tracks()
    mine = make_tracks(1)[0].with_changes(duration_ms=61_000)
    builtin = Playlist("Sleep sounds", [*sounds, mine], uid="b", builtin=True)
    copy = Playlist("Copy", [s.with_changes(uid=f"c{i}") for i, s in enumerate(sounds)], uid="c")
    empty = Playlist("Sleep sounds", uid="e", builtin=True)
    model = TrackTableModel(FakeLibraryService(Library([builtin, copy, empty], "b")))
    model.set_playlist("b")
    assert cell(model, 0, COL_DURATION) == "loop"
    assert cell(model, len(sounds), COL_DURATION) == "1:01"
    assert not model.loops and model.total_duration_ms() == 61_000
    model.set_playlist("c")
    assert model.loops and all(cell(model, r, COL_DURATION) == "loop" for r in range(5))
    model.set_playlist("e")
    assert model.loops  # its empty hint says the sounds loop
