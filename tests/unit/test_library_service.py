"""LibraryService: playlist management, track edits, and adding folders off the GUI thread."""

from __future__ import annotations

import os
import threading
import wave
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sleepplayer.core import tags
from sleepplayer.core.model import Library, Playlist, Track, in_saved_order
from sleepplayer.services.library import LibraryService
from sleepplayer.services.undo_history import UndoStep


def _wav(path: Path, frames: int = 4800) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(48000)
        out.writeframes(b"\0\0" * frames)
    return path


@pytest.fixture
def service(qapp: QApplication) -> LibraryService:
    tracks = [Track(uri=f"file:///t{i}", title=f"T{i}", uid=f"t{i}") for i in range(6)]
    return LibraryService(Library([Playlist("Main", tracks, uid="p")], "p"))


def _titles(service: LibraryService) -> list[str]:
    playlist = service.playlist("p")
    assert playlist is not None
    return [t.display_title for t in playlist.tracks]


def test_add_folder_recursively_in_natural_order_off_the_gui_thread(
    qtbot: QtBot, service: LibraryService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("Track 10.wav", "Track 2.wav", "Track 1.wav", "sub/Deep 1.wav", "notes.txt"):
        if name.endswith(".wav"):
            _wav(tmp_path / "music" / name)
        else:
            (tmp_path / "music" / name).write_text("not audio")
    worker_threads: set[int] = set()
    original = tags.track_from_path

    def spy(path: Path) -> Track:
        worker_threads.add(threading.get_ident())
        return original(path)

    monkeypatch.setattr("sleepplayer.services.scanner.track_from_path", spy)
    progress: list[tuple[int, int]] = []
    service.scan_progress.connect(lambda done, total: progress.append((done, total)))
    with qtbot.waitSignal(service.scan_finished, timeout=10_000) as finished:
        service.add_paths("p", [str(tmp_path / "music")])
    assert finished.args == ["p", 4]
    # Entries sort naturally by name, folders among files, as a file manager lists them.
    assert _titles(service)[6:] == ["Deep 1", "Track 1", "Track 2", "Track 10"]
    assert threading.get_ident() not in worker_threads
    assert progress and progress[-1][0] == 4
    playlist = service.playlist("p")
    assert playlist is not None and playlist.tracks[6].duration_ms == 100


def test_add_at_a_row_keeps_the_order(
    qtbot: QtBot, service: LibraryService, tmp_path: Path
) -> None:
    files = [str(_wav(tmp_path / f"f{i}.wav")) for i in range(3)]
    with qtbot.waitSignal(service.scan_finished, timeout=10_000):
        service.add_paths("p", files, row=1)
    assert _titles(service)[:5] == ["T0", "f0", "f1", "f2", "T1"]


def test_missing_file_is_added_marked_unavailable(
    qtbot: QtBot, service: LibraryService, tmp_path: Path
) -> None:
    with qtbot.waitSignal(service.scan_finished, timeout=10_000):
        service.add_paths("p", [str(tmp_path / "gone.ogg")])
    playlist = service.playlist("p")
    assert playlist is not None and playlist.tracks[-1].unavailable


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and /dev/zero")
def test_a_fifo_or_device_is_refused_with_a_message_and_the_scan_ends(
    qtbot: QtBot, service: LibraryService, tmp_path: Path
) -> None:
    # Forwarded items and MPRIS OpenUri reach here: a FIFO would block the scan worker for
    # good, /dev/zero would fill memory. The FIFO goes first, so without the check the scan
    # hangs (and the wait below fails) before it ever reads /dev/zero.
    fifo = tmp_path / "rain.mp3"
    os.mkfifo(fifo)
    messages: list[str] = []
    service.message.connect(messages.append)
    service.problem.connect(messages.append)
    with qtbot.waitSignal(service.scan_finished, timeout=5_000) as finished:
        service.add_paths("p", [str(fifo), "/dev/zero"])
    assert finished.args == ["p", 0]
    assert messages == [  # both named
        f"Not added: {fifo} is not a regular file; Not added: /dev/zero is not a regular file."
    ]
    assert len(_titles(service)) == 6, "nothing was added"


def test_remove_non_contiguous_rows_emits_valid_ranges(
    qtbot: QtBot, service: LibraryService
) -> None:
    removed: list[tuple[int, int]] = []
    service.tracks_removed.connect(lambda _uid, first, count: removed.append((first, count)))
    service.remove_rows("p", [1, 2, 4])
    assert _titles(service) == ["T0", "T3", "T5"]
    assert removed == [(4, 1), (1, 2)]


def test_removed_rows_come_back_where_they_were(qtbot: QtBot, service: LibraryService) -> None:
    inserted: list[tuple[int, int]] = []
    service.tracks_inserted.connect(lambda _uid, first, count: inserted.append((first, count)))
    removed = service.remove_rows("p", [4, 1, 2, 5])
    assert [row for row, _ in removed] == [1, 2, 4, 5]
    assert _titles(service) == ["T0", "T3"]
    with qtbot.waitSignal(service.modified):
        assert service.restore_rows("p", removed)
    assert _titles(service) == ["T0", "T1", "T2", "T3", "T4", "T5"]
    assert inserted == [(1, 2), (4, 2)]  # a run of neighbours is one insert


def test_removed_rows_of_a_deleted_playlist_cannot_come_back(service: LibraryService) -> None:
    removed = service.remove_rows("p", [0])
    service.delete_playlist("p")
    assert not service.restore_rows("p", removed)


def test_move_rows_before_destination(service: LibraryService) -> None:
    service.move_rows("p", [0, 2], 5)
    assert _titles(service) == ["T1", "T3", "T4", "T0", "T2", "T5"]
    service.move_rows("p", [5], 0)
    assert _titles(service) == ["T5", "T1", "T3", "T4", "T0", "T2"]


def test_playlists_create_rename_duplicate_delete_undo(service: LibraryService) -> None:
    uid = service.create_playlist("Main")
    assert service.playlist(uid) is not None
    assert service.playlist(uid).name == "Main 2"  # type: ignore[union-attr]
    service.rename_playlist(uid, "Night")
    messages: list[str] = []
    service.message.connect(messages.append)
    service.problem.connect(messages.append)
    copy_uid = service.duplicate_playlist("p")
    assert messages == ["Duplicated “Main” as “Main copy”."]
    copy = service.playlist(copy_uid)
    assert copy is not None and copy.name == "Main copy" and len(copy.tracks) == 6
    assert {t.uid for t in copy.tracks}.isdisjoint(t.uid for t in service.playlist("p").tracks)  # type: ignore[union-attr]
    deleted = service.delete_playlist(uid)
    assert service.playlist(uid) is None and deleted is not None
    service.restore_playlist(*deleted)
    assert [p.name for p in service.playlists()] == ["Main", "Main copy", "Night"]
    service.move_playlist(2, 0)
    assert service.playlists()[0].name == "Night"


def test_deleting_the_shown_playlist_shows_its_neighbour(service: LibraryService) -> None:
    # The trial: deleting the last playlist jumped to the first one.
    a, b, c = (service.create_playlist(name) for name in ("A", "B", "C"))
    service.set_current(c)
    service.delete_playlist(c)
    assert service.library.current_uid == b  # the last: the one above it
    service.set_current(a)
    service.delete_playlist(a)
    assert service.library.current_uid == b  # the one below it


def test_a_restored_playlist_is_renamed_when_its_name_was_taken(service: LibraryService) -> None:
    deleted = service.delete_playlist("p")
    assert deleted is not None
    service.create_playlist("Main")
    service.restore_playlist(*deleted)
    assert [p.name for p in service.playlists()] == ["Main 2", "Main"]
    assert len(_titles(service)) == 6
    service.restore_playlist(*deleted)  # already back: nothing doubles
    assert len(service.playlists()) == 2


def test_builtin_playlist_cannot_be_deleted(qapp: QApplication) -> None:
    service = LibraryService(Library([Playlist("Sleep sounds", uid="b", builtin=True)]))
    service.delete_playlist("b")
    assert service.playlist("b") is not None


def test_cancel_scan_for_one_playlist_leaves_the_others_adding(
    qtbot: QtBot, service: LibraryService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reading, gate = threading.Event(), threading.Event()
    read = tags.track_from_path

    def slow_read(path: Path) -> Track:
        reading.set()
        gate.wait(10)  # the running job is still reading when the cancel comes
        return read(path)

    monkeypatch.setattr("sleepplayer.services.scanner.track_from_path", slow_read)
    other = service.create_playlist("Other")
    finished: list[tuple[str, int]] = []
    service.scan_finished.connect(lambda uid, found: finished.append((uid, found)))
    try:
        service.add_paths("p", [str(_wav(tmp_path / "running.wav"))])
        service.add_paths(other, [str(_wav(tmp_path / "other.wav"))])
        service.add_paths("p", [str(_wav(tmp_path / "queued.wav"))])
        qtbot.waitUntil(reading.is_set, timeout=10_000)
        service.cancel_scan("p")
        assert finished == [("p", 0)]  # the queued job ends at once: nobody waits in vain
    finally:
        gate.set()
    qtbot.waitUntil(lambda: not service.is_scanning() and len(finished) == 3, timeout=10_000)
    assert finished[1:] == [("p", 1), (other, 1)]  # the running one stopped after its file
    assert "queued" not in _titles(service)
    assert [t.display_title for t in service.playlist(other).tracks] == ["other"]  # type: ignore[union-attr]


def test_undo_of_a_move_keeps_what_changed_since(service: LibraryService) -> None:
    steps: list[UndoStep] = []
    service.undoable.connect(steps.append)
    service.move_rows("p", [0, 2], 5)
    assert [s.what for s in steps] == ["Move 2 Tracks"]
    assert steps[0].done == "Moved 2 tracks in \u201cMain\u201d"
    # Meanwhile a track came after T3 and T4 left: the undo leaves both edits alone.
    service.add_tracks("p", [Track(uri="file:///new", title="New", uid="new")], row=2)
    service.remove_rows("p", [3])
    assert _titles(service) == ["T1", "T3", "New", "T0", "T2", "T5"]
    steps[0].undo()
    assert _titles(service) == ["T0", "T1", "T2", "T3", "New", "T5"]
    assert len(steps) == 1  # the undo is not itself an undoable step


def test_undo_of_a_move_in_a_deleted_playlist_says_so(service: LibraryService) -> None:
    steps: list[UndoStep] = []
    service.undoable.connect(steps.append)
    messages: list[str] = []
    service.message.connect(messages.append)
    service.problem.connect(messages.append)
    service.move_rows("p", [0], 3)
    service.create_playlist("Other")
    service.delete_playlist("p")
    steps[0].undo()
    assert messages == ["The playlist they were in is gone."]


def test_in_saved_order_keeps_new_items_beside_their_neighbour() -> None:
    assert in_saved_order(["c", "x", "a", "b"], ["a", "b", "c"], str) == ["a", "b", "c", "x"]
    assert in_saved_order(["x", "b", "a"], ["a", "b"], str) == ["x", "a", "b"]
    assert in_saved_order(["b", "y", "x", "a"], ["a", "b"], str) == ["a", "b", "y", "x"]
    assert in_saved_order([], ["a"], str) == []


def test_one_job_can_be_cancelled_and_each_job_says_when_it_is_over(
    qtbot: QtBot, service: LibraryService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [str(_wav(tmp_path / f"{i}.wav")) for i in range(3)]
    release = threading.Event()
    original = tags.track_from_path

    def slow_read(path: Path) -> Track:
        release.wait(10)
        return original(path)

    monkeypatch.setattr("sleepplayer.services.scanner.track_from_path", slow_read)
    ended: list[tuple[int, int, bool]] = []
    service.job_finished.connect(lambda *args: ended.append(args))
    running = service.add_paths("p", files[:1])
    queued = service.add_paths("p", files[1:])
    assert running and queued and running != queued
    service.cancel_job(queued)  # a queued job: over at once, cancelled
    assert ended == [(queued, 0, True)]
    release.set()
    with qtbot.waitSignal(service.job_finished, timeout=10_000):
        pass
    assert ended[-1] == (running, 1, False)  # the other job of that playlist went on
    assert service.add_paths("gone", files) == 0  # no playlist: no job


def test_an_addition_says_what_it_added_and_what_it_could_not_in_one_message(
    qtbot: QtBot, service: LibraryService, tmp_path: Path
) -> None:
    # Two messages would take turns in the status bar, the count pushing the problem away.
    music = tmp_path / "music"
    music.mkdir()
    _wav(music / "rain.wav")
    messages: list[str] = []
    service.message.connect(messages.append)
    service.problem.connect(messages.append)
    with qtbot.waitSignal(service.scan_finished, timeout=5_000):
        service.add_paths("p", [str(music), "/dev/zero"])
    assert messages == ["Added 1 track. Not added: /dev/zero is not a regular file."]
    messages.clear()
    empty = tmp_path / "empty"
    empty.mkdir()
    with qtbot.waitSignal(service.scan_finished, timeout=5_000):
        service.add_paths("p", [str(empty)])
    assert messages == [f"No audio files found in {empty}."]
