"""Tags and duration through mutagen, on files the test writes itself."""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Any

import pytest

from sleepplayer.core.model import Track, TrackKind
from sleepplayer.core.tags import TagInfo, read_tags, track_from_path


def write_wav(path: Path, seconds: float, rate: int = 8000) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x00\x00" * int(rate * seconds))


def test_wav_duration(tmp_path: Path) -> None:
    path = tmp_path / "rain.wav"
    write_wav(path, 1.5)
    assert read_tags(path) == TagInfo(duration_ms=1500)


def test_wav_with_id3_title_and_artist(tmp_path: Path) -> None:
    # mutagen is untyped: go through Any rather than sprinkling ignores.
    import mutagen.id3
    import mutagen.wave

    wave_file: Any = mutagen.wave.WAVE
    id3: Any = mutagen.id3
    path = tmp_path / "tagged.wav"
    write_wav(path, 0.25)
    audio = wave_file(path)
    audio.add_tags()
    audio.tags.add(id3.TIT2(encoding=3, text=["Soft rain"]))
    audio.tags.add(id3.TPE1(encoding=3, text=["Nobody"]))
    audio.save()
    assert read_tags(path) == TagInfo("Soft rain", "Nobody", 250)
    # A tag is one plain line however it was written: no newline, escape or bidi override
    # (U+202E would run the rest of the title backwards in every list).
    audio.tags.add(id3.TIT2(encoding=3, text=["Soft\nrain \u202eniaR\u202c \x1b[31m"]))
    audio.save()
    assert read_tags(path).title == "Soft rain niaR [31m"


@pytest.mark.parametrize("name", ["misnamed.mp3", "misnamed.aac", "misnamed.ogg"])
def test_a_file_named_for_another_format_is_still_read(tmp_path: Path, name: str) -> None:
    # Its suffix's reader is tried first (and fails on the content); full detection follows.
    path = tmp_path / name
    write_wav(path, 0.5)
    assert read_tags(path) == TagInfo(duration_ms=500)


def test_unknown_format_and_corrupt_file(tmp_path: Path) -> None:
    text = tmp_path / "notes.mp3"
    text.write_text("hello")
    assert read_tags(text).error is not None
    junk = tmp_path / "junk.mp3"
    junk.write_bytes(b"ID3\x04\x00\x00\x00\x00\x00\x10" + b"\xff" * 64)
    info = read_tags(junk)
    assert info.error is not None and info.duration_ms is None


def test_missing_file(tmp_path: Path) -> None:
    assert read_tags(tmp_path / "gone.wav") == TagInfo(error="File not found")


def test_track_from_path(tmp_path: Path) -> None:
    path = tmp_path / "My loop #1.wav"
    write_wav(path, 0.5)
    track = track_from_path(path)
    assert track.uri == path.as_uri() and "%20" in track.uri and "%23" in track.uri
    assert (track.kind, track.duration_ms, track.unavailable) == (TrackKind.LOCAL, 500, None)
    assert track.display_title == "My loop #1"


def test_track_from_missing_or_odd_path(tmp_path: Path) -> None:
    missing = track_from_path(tmp_path / "gone.wav")
    assert missing.unavailable == "File not found"
    assert missing.uri == (tmp_path / "gone.wav").as_uri()
    folder = track_from_path(tmp_path)
    assert folder.unavailable == "Is a folder, not a file"
    # An unknown format may still play in libVLC: tags stay empty but it is not unavailable.
    odd = tmp_path / "odd.mka"
    odd.write_bytes(b"\x1a\x45\xdf\xa3")
    assert track_from_path(odd).unavailable is None


def test_relative_path_becomes_absolute_uri(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_wav(tmp_path / "x.wav", 0.1)
    assert track_from_path(Path("x.wav")).uri == (tmp_path / "x.wav").as_uri()


@pytest.mark.parametrize(
    ("uri", "title"),
    [
        ("file:///a/Rain%20loop.opus", "Rain loop"),
        ("https://cdn.example/night/ocean.ogg?token=abc", "ocean.ogg"),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=5", "youtube.com · dQw4w9WgXcQ"),
        ("https://radio.example:8000/", "radio.example:8000"),
    ],
)
def test_a_track_without_a_title_is_named_from_its_address(uri: str, title: str) -> None:
    # A page named by its query was shown as "watch", like every other such page.
    assert Track(uri).display_title == title
