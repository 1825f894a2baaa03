"""Playlist > Restore Sleep Sounds: built-in sounds removed by hand can come back, even after
a restart (when Undo no longer can)."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from sleepplayer.core.model import Playlist
from sleepplayer.services.builtin_sounds import (
    BUILTIN_PLAYLIST_NAME,
    BUILTIN_PLAYLIST_UID,
    builtin_tracks,
)
from sleepplayer.ui.main_window import MainWindow
from tests.helpers.fake_services import FakeLibraryService, make_tracks


@pytest.fixture
def playlists() -> list[Playlist]:
    sounds = builtin_tracks()
    kept = [sounds[1], sounds[3]]  # the others were removed, in an earlier session
    return [
        Playlist(BUILTIN_PLAYLIST_NAME, kept, uid=BUILTIN_PLAYLIST_UID, builtin=True),
        Playlist("Whispers", make_tracks(3, "Whisper"), uid="whispers"),
    ]


def test_the_removed_sounds_come_back_and_an_empty_list_says_how(
    qtbot: QtBot, window: MainWindow, library: FakeLibraryService
) -> None:
    library.set_current(BUILTIN_PLAYLIST_UID)
    library.remove_rows(BUILTIN_PLAYLIST_UID, [0, 1])
    assert "Restore Sleep Sounds" in window.panel.table.empty_text()
    window.action_registry["restore_sounds"].trigger()
    playlist = library.playlist(BUILTIN_PLAYLIST_UID)
    assert playlist is not None
    assert [t.uid for t in playlist.tracks] == [t.uid for t in builtin_tracks()]
    assert window.statusBar().currentMessage() == (
        f"{len(builtin_tracks())} sleep sounds back in “{BUILTIN_PLAYLIST_NAME}”."
    )
    window.statusBar().clearMessage()  # read
    window.action_registry["restore_sounds"].trigger()  # nothing is missing now
    assert len(playlist.tracks) == len(builtin_tracks())
    assert window.statusBar().currentMessage() == (
        f"Every sleep sound is in “{BUILTIN_PLAYLIST_NAME}”."
    )
    library.set_current("whispers")
    assert "Restore" not in window.panel.table.empty_text()  # only said for the built-in list
