"""Store: debounced atomic saves, a failing folder reported once, and a full round trip."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sleepplayer.core.model import Library, Playlist, RepeatMode, Track
from sleepplayer.core.paths import AppPaths
from sleepplayer.core.session_state import ResumeState
from sleepplayer.core.settings import Settings
from sleepplayer.services.builtin_sounds import BUILTIN_PLAYLIST_UID, ensure_builtin_playlist
from sleepplayer.services.persistence import LIBRARY, RESUME, SETTINGS, Store, load_state


def _paths(tmp_path: Path) -> AppPaths:
    return AppPaths.resolve(str(tmp_path / "home"), env={})


def _store(paths: AppPaths, settings: Settings, library: Library, resume: ResumeState) -> Store:
    return Store(
        paths,
        settings=lambda: settings,
        library=lambda: library,
        resume=lambda: resume,
        debounce_ms=50,
    )


def test_round_trip_of_everything(qapp: QApplication, qtbot: QtBot, tmp_path: Path) -> None:
    paths = _paths(tmp_path)
    settings = Settings(volume=33, repeat=RepeatMode.ONE, shuffle=True)
    track = Track(uri="file:///x/a.ogg", title="A", uid="a")
    library = Library([Playlist("Mine", [track, track.with_changes(uid="b")], uid="m")], "m")
    resume = ResumeState("m", "b", 4321)
    store = _store(paths, settings, library, resume)
    for what in (SETTINGS, LIBRARY, RESUME):
        store.mark_dirty(what)
    qtbot.waitUntil(lambda: paths.resume_file.exists(), timeout=2000)

    loaded = load_state(paths)
    assert loaded.problems == []
    assert loaded.settings.volume == 33
    assert loaded.settings.repeat == RepeatMode.ONE and loaded.settings.shuffle
    assert [t.uid for t in loaded.library.playlists[0].tracks] == ["a", "b"]
    assert loaded.resume == resume


def test_saves_are_debounced_into_one_write(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path
) -> None:
    paths = _paths(tmp_path)
    settings = Settings()
    store = _store(paths, settings, Library(), ResumeState())
    for volume in range(10):
        settings.volume = volume
        store.mark_dirty(SETTINGS)
    assert not paths.settings_file.exists()  # nothing written on every slider tick
    qtbot.waitUntil(lambda: paths.settings_file.exists(), timeout=2000)
    assert load_state(paths).settings.volume == 9


def test_unwritable_folder_is_reported_once_and_kept_in_memory(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path
) -> None:
    blocker = tmp_path / "home"
    blocker.write_text("a file where the folder should be")  # unwritable even for root
    paths = AppPaths.resolve(str(blocker), env={})
    store = _store(paths, Settings(), Library(), ResumeState())
    messages: list[str] = []
    store.problem.connect(messages.append)
    store.mark_dirty(SETTINGS)
    assert not store.flush()
    store.mark_dirty(SETTINGS)
    assert not store.flush()
    assert len(messages) == 1
    assert "Playback keeps working" in messages[0]


def test_corrupt_library_is_set_aside_and_reported(tmp_path: Path) -> None:
    paths = _paths(tmp_path)
    paths.library_file.parent.mkdir(parents=True)
    paths.library_file.write_bytes(b'{"schema_version": 1, "playlists": [')
    loaded = load_state(paths)
    assert len(loaded.problems) == 1
    (kept,) = paths.library_file.parent.glob("library.json.corrupt-*")
    # Says what the user lost, and where it still is: not "defaults are used".
    assert loaded.problems[0].endswith(
        f"It was kept as {kept.name}; your playlists are not loaded."
    )
    ensure_builtin_playlist(loaded.library)
    assert loaded.library.playlists[0].uid == BUILTIN_PLAYLIST_UID


def test_builtin_playlist_has_the_shipped_sounds() -> None:
    library = Library()
    ensure_builtin_playlist(library)
    builtin = library.playlists[0]
    assert builtin.builtin and 4 <= len(builtin.tracks) <= 6
    for track in builtin.tracks:
        assert Path(track.uri.removeprefix("file://")).exists()
    # A moved install: the URIs are refreshed, uids and order kept.
    moved = builtin.tracks[0].with_changes(uri="file:///old/place/x.opus")
    builtin.tracks[0] = moved
    ensure_builtin_playlist(library)
    assert library.playlists[0].tracks[0].uid == moved.uid
    assert library.playlists[0].tracks[0].uri != moved.uri
