"""LibraryService: importing and exporting playlist files, round trips through real files."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from sleepplayer.core.model import Library, Playlist, Track, TrackKind
from sleepplayer.services.library import LibraryService

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
