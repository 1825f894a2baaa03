"""LibraryService: importing and exporting playlist files, round trips through real files."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sleepplayer.core.model import Library, Playlist, Track, TrackKind
from sleepplayer.services.library import LibraryService
from tests.helpers.audio import RATE, write_wav

FORMATS = ("m3u", "m3u8", "pls", "xspf")


@pytest.fixture
def music(tmp_path: Path) -> Path:
    folder = tmp_path / "music"
    folder.mkdir()
    return folder


@pytest.fixture
def service(qapp: QApplication, music: Path) -> LibraryService:
    tracks = [
        Track((music / "Rain on tin.opus").as_uri(), title="Rain", duration_ms=61_000),
        Track("https://radio.example:8000/live", title="Night radio", kind=TrackKind.RADIO),
        Track("https://www.youtube.com/watch?v=abc", title="Whispers", duration_ms=3_600_000,
              kind=TrackKind.WEB),
        Track("https://cdn.example/ocean.ogg", kind=TrackKind.STREAM),
    ]  # fmt: skip
    return LibraryService(Library([Playlist("Evening", tracks, uid="p")], "p"))


def _messages(service: LibraryService) -> list[str]:
    messages: list[str] = []
    service.message.connect(messages.append)
    service.problem.connect(messages.append)
    return messages


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("relative", [True, False])
def test_export_then_import_round_trip(
    service: LibraryService, tmp_path: Path, music: Path, fmt: str, relative: bool
) -> None:
    messages = _messages(service)
    target = tmp_path / "lists" / f"evening.{fmt}"
    assert service.export_playlist("p", str(target), fmt, relative)
    assert messages[-1] == f"Exported “Evening” to evening.{fmt}."
    text = target.read_text(encoding="utf-8")
    if relative:
        assert "../music/Rain" in text and str(music) not in text
    else:
        assert "../music" not in text
    assert "https://www.youtube.com/watch?v=abc" in text  # page URLs, shareable

    uid = service.import_playlist_file(str(target))
    imported = service.playlist(uid)
    original = service.playlist("p")
    assert imported is not None and original is not None
    # The name written (PLS has no place for it: the file's), made unique.
    assert imported.name == ("evening 2" if fmt == "pls" else "Evening 2")
    assert [t.uri for t in imported.tracks] == [t.uri for t in original.tracks]
    assert [t.kind for t in imported.tracks] == [t.kind for t in original.tracks]
    assert imported.tracks[0].title == "Rain"
    assert {t.uid for t in imported.tracks}.isdisjoint({t.uid for t in original.tracks})
    assert messages[-1] == f"Imported “{imported.name}” (4 tracks)."


def test_a_relative_export_says_which_files_keep_their_full_path(
    service: LibraryService, tmp_path: Path
) -> None:
    # Files outside the playlist's folder and its parent's tree cannot be written relative:
    # moving the playlist with its folder would leave them behind, so the message says so.
    far = tmp_path / "elsewhere" / "deep"
    far.mkdir(parents=True)
    service.add_tracks("p", [Track((far / f"{n}.ogg").as_uri()) for n in "ab"])
    messages = _messages(service)
    target = tmp_path / "lists" / "sub" / "evening.m3u8"
    target.parent.mkdir(parents=True)
    assert service.export_playlist("p", str(target), "m3u8", True)
    assert messages[-1] == (
        "Exported “Evening” to evening.m3u8. 3 tracks outside its folder are written with"
        " the full path."
    )  # "Rain" in ../../music as well: one level up is as far as relative goes
    assert str(far / "a.ogg") in target.read_text(encoding="utf-8")
    assert service.export_playlist("p", str(target), "m3u8", False)  # absolute, as asked
    assert messages[-1] == "Exported “Evening” to evening.m3u8."


def test_import_names_every_refused_line(service: LibraryService, tmp_path: Path) -> None:
    messages = _messages(service)
    listing = tmp_path / "mixed.m3u"
    listing.write_text(
        "#EXTM3U\n#EXTINF:5,Rain\nrain.opus\nsmb://nas/share/a.mp3\n"
        "#EXTVLCOPT:run-time=1\ndshow://\nhttps://radio.example/live\n",
        encoding="utf-8",
    )
    uid = service.import_playlist_file(str(listing))
    playlist = service.playlist(uid)
    assert playlist is not None and playlist.name == "mixed"
    assert [t.uri for t in playlist.tracks] == [
        (tmp_path / "rain.opus").as_uri(), "https://radio.example/live",
    ]  # fmt: skip
    assert len(messages) == 1
    assert messages[0].startswith("Imported “mixed” (2 tracks). Skipped in mixed.m3u: ")
    for refused in ("smb:", "dshow:", "EXTVLCOPT"):
        assert refused in messages[0]


def _tagged_wav(path: Path, title: str, artist: str) -> Path:
    from mutagen.id3 import TIT2, TPE1
    from mutagen.wave import WAVE

    write_wav(path, np.zeros((RATE // 2, 2)))
    audio = WAVE(path)  # type: ignore[no-untyped-call]
    audio.add_tags()  # type: ignore[no-untyped-call]
    assert audio.tags is not None
    audio.tags.add(TIT2(encoding=3, text=title))
    audio.tags.add(TPE1(encoding=3, text=artist))
    audio.save()
    return path


@pytest.mark.parametrize("fmt", ["m3u", "pls"])
def test_imported_files_show_their_tags_where_the_playlist_file_says_nothing(
    qtbot: QtBot, service: LibraryService, music: Path, fmt: str
) -> None:
    _tagged_wav(music / "01.wav", "Rain on tin", "Night Sounds")
    _tagged_wav(music / "02.wav", "Fan", "Night Sounds")
    if fmt == "m3u":
        text = "#EXTM3U\n01.wav\n#EXTINF:9,My fan\n02.wav\ngone.wav\n"
    else:
        text = "[playlist]\nFile1=01.wav\nFile2=02.wav\nTitle2=My fan\nFile3=gone.wav\n"
    listing = music / f"night.{fmt}"
    listing.write_text(text, encoding="utf-8")
    updated: list[int] = []
    service.track_updated.connect(lambda _uid, row: updated.append(row))
    uid = service.import_playlist_file(str(listing))
    playlist = service.playlist(uid)
    assert playlist is not None
    qtbot.waitUntil(lambda: sorted(updated) == [0, 1, 2], timeout=10_000)
    first, second, gone = playlist.tracks
    assert (first.title, first.artist, first.duration_ms) == ("Rain on tin", "Night Sounds", 500)
    assert second.title == "My fan" and second.artist == "Night Sounds"  # the entry's title wins
    assert second.duration_ms == (9000 if fmt == "m3u" else 500)
    assert gone.unavailable  # said at once, not when it fails to play in the night
    service.shutdown()


def test_tags_read_after_an_import_keep_what_changed_meanwhile(
    qtbot: QtBot, service: LibraryService, music: Path
) -> None:
    _tagged_wav(music / "01.wav", "Rain on tin", "Night Sounds")
    listing = music / "night.m3u"
    listing.write_text("01.wav\n", encoding="utf-8")
    uid = service.import_playlist_file(str(listing))
    playlist = service.playlist(uid)
    assert playlist is not None
    # The player marked it before the tags came (they come through the event loop).
    service.update_track(uid, playlist.tracks[0].with_changes(unavailable="VLC could not decode"))
    with qtbot.waitSignal(service.track_updated, timeout=10_000):
        pass
    track = playlist.tracks[0]
    assert track.title == "Rain on tin" and track.unavailable == "VLC could not decode"
    service.shutdown()


def test_a_library_deleted_while_tags_are_read_leaves_the_worker_harmless(
    qtbot: QtBot, qapp: QApplication, music: Path
) -> None:
    # The worker used to emit on its owner: deleted meanwhile, that crashed the process.
    import shiboken6

    listing = music / "many.m3u"
    listing.write_text("".join(f"gone {i}.wav\n" for i in range(3000)), encoding="utf-8")
    service = LibraryService(Library([Playlist("P", [], uid="p")], "p"))
    service.import_playlist_file(str(listing))
    shiboken6.delete(service)

    def workers() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name == "sleepplayer-tags"]

    qtbot.waitUntil(lambda: not workers(), timeout=20_000)


def test_add_playlist_file_into_an_existing_playlist(
    service: LibraryService, tmp_path: Path
) -> None:
    messages = _messages(service)
    listing = tmp_path / "more.pls"
    listing.write_text("[playlist]\nFile1=https://a.example/x.mp3\nNumberOfEntries=1\n")
    assert service.add_playlist_file("p", str(listing)) == 1
    playlist = service.playlist("p")
    assert playlist is not None and playlist.tracks[-1].uri == "https://a.example/x.mp3"
    assert messages == ["Imported “more” into “Evening” (1 track)."]


def test_unreadable_files_are_reported(service: LibraryService, tmp_path: Path) -> None:
    messages = _messages(service)
    before = len(service.playlists())
    assert service.import_playlist_file(str(tmp_path / "gone.m3u")) == ""
    garbage = tmp_path / "garbage.xspf"
    garbage.write_bytes(b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><playlist/>")
    assert service.import_playlist_file(str(garbage)) == ""
    assert len(service.playlists()) == before
    assert messages[0].startswith("Cannot read gone.m3u")
    assert messages[1].startswith("Cannot read garbage.xspf")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_named_like_a_playlist_is_refused_without_blocking(
    service: LibraryService, tmp_path: Path
) -> None:
    # Read on the GUI thread: opening a FIFO would wait for a writer, freezing the window.
    fifo = tmp_path / "night.m3u"
    os.mkfifo(fifo)

    def open_a_writer() -> None:  # without the check, what lets the test end (and fail)
        with contextlib.suppress(OSError):  # ENXIO: nobody is reading, as it should be
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    unblock = threading.Timer(5.0, open_a_writer)
    unblock.start()
    try:
        messages = _messages(service)
        assert service.add_playlist_file("p", str(fifo)) == -1
        assert messages == ["Cannot read night.m3u: it is not a regular file"]
    finally:
        unblock.cancel()


def test_export_failure_is_a_message(service: LibraryService, tmp_path: Path) -> None:
    messages = _messages(service)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert not service.export_playlist("p", str(blocker / "x.m3u8"), "m3u8", False)
    assert messages[-1].startswith("Could not export “Evening”: ")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("#EXTM3U\n", "Nothing to import from night.m3u: it lists no tracks."),
        ("smb://nas/a.mp3\n", "Nothing to import from night.m3u: line 1: smb://nas/a.mp3"),
    ],
)
def test_a_playlist_file_with_nothing_to_play_makes_no_empty_playlist(
    service: LibraryService, music: Path, text: str, says: str
) -> None:
    listing = music / "night.m3u"
    listing.write_text(text, encoding="utf-8")
    before = [p.uid for p in service.playlists()]
    messages = _messages(service)
    assert service.import_playlist_file(str(listing)) == ""
    assert [p.uid for p in service.playlists()] == before
    assert messages[-1].startswith(says)
    service.shutdown()


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_file_whose_name_is_not_utf8_comes_back_there_not_missing(
    service: LibraryService, tmp_path: Path, fmt: str
) -> None:
    odd = Path(os.fsdecode(bytes(tmp_path) + b"/b\xffbad.ogg"))
    odd.write_bytes(b"")
    service.add_tracks("p", [Track(odd.as_uri(), title="Odd")])
    target = tmp_path / f"odd.{fmt}"
    assert service.export_playlist("p", str(target), fmt, False)
    imported = service.playlist(service.import_playlist_file(str(target)))
    assert imported is not None
    back = [t for t in imported.tracks if t.title == "Odd" or "bad" in t.uri]
    assert back and back[0].unavailable is None and back[0].uri == odd.as_uri()


def test_what_went_wrong_is_a_problem_and_routine_news_a_message(
    service: LibraryService, tmp_path: Path
) -> None:
    # The status bar holds a problem longer; only entries refused or files unread are one.
    news: list[str] = []
    problems: list[str] = []
    service.message.connect(news.append)
    service.problem.connect(problems.append)
    clean = tmp_path / "clean.m3u"
    clean.write_text("https://cdn.example/a.ogg\n", encoding="utf-8")
    damaged = tmp_path / "damaged.m3u"
    damaged.write_text("https://cdn.example/a.ogg\nsmb://nas/b.ogg\n", encoding="utf-8")
    assert service.import_playlist_file(str(clean))
    assert service.add_playlist_file("p", str(damaged)) == 1
    assert service.import_playlist_file(str(tmp_path / "gone.m3u")) == ""
    assert not service.export_playlist("p", str(tmp_path / "no" / "such" / "x.m3u"), "nope", True)
    assert [n.split(" (")[0] for n in news] == ["Imported “clean”"]
    assert len(problems) == 3
    assert "smb://nas/b.ogg" in problems[0]
