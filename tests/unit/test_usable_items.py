"""Items opened from outside that cannot be used (not there, a playlist file with nothing
playable) are named and left out, never added as dead entries; when none is usable, the app
changes nothing and what plays plays on."""

from __future__ import annotations

import os
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sleepplayer.app import SleepPlayerApp
from sleepplayer.bootstrap import check_items, expand_items
from sleepplayer.core.model import Library, Playlist
from sleepplayer.core.paths import AppPaths
from sleepplayer.playback.backend import PlayerState
from sleepplayer.services.builtin_sounds import BUILTIN_PLAYLIST_UID
from sleepplayer.services.opened_files import OPENED_PLAYLIST
from sleepplayer.services.usable_items import (
    NOT_FOUND,
    Unusable,
    set_aside_unusable,
    split_by_policy,
    unusable_message,
)
from tests.helpers.fake_backend import FakeBackend

pytestmark = pytest.mark.qt_log_ignore(
    "does not support propagateSizeHints",
    "does not support raise",
    "systemTrayWindowChanged",  # the offscreen platform has no tray
)

WAIT_MS = 10_000


def _wav(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * 800)
    return str(path)


def _reasons(items: list[str], library: Library | None = None) -> dict[str, str]:
    checked = set_aside_unusable(expand_items(items, library or Library()))
    return {u.item: u.reason for u in checked.unusable}


# ---------------------------------------------------------------- the check
def test_paths_and_names_that_are_not_there_are_set_aside(tmp_path: Path) -> None:
    wav = _wav(tmp_path / "a.wav")
    saved = Playlist("Evening", [])
    items = [
        wav,
        str(tmp_path),  # a folder: scanned
        "https://radio.example/live",  # a link: the URL intake checks it
        "evening",  # a saved playlist, by name
        str(tmp_path / "nope.mp3"),
        "No such playlist",
        (tmp_path / "gone.opus").as_uri(),
    ]
    checked = set_aside_unusable(expand_items(items, Library([saved])))
    assert checked.usable.paths == [wav, str(tmp_path)]
    assert checked.usable.urls == ["https://radio.example/live"]
    assert checked.usable.playlists == [saved]
    assert checked.unusable == [
        Unusable(str(tmp_path / "nope.mp3"), NOT_FOUND),
        Unusable("No such playlist", NOT_FOUND),
        Unusable(str(tmp_path / "gone.opus"), NOT_FOUND),
    ]
    assert checked.has_usable()


def test_a_playlist_file_with_nothing_playable_is_set_aside(tmp_path: Path) -> None:
    wav = _wav(tmp_path / "a.wav")
    (tmp_path / "gone.m3u").write_text("moved-away.mp3\n/nowhere/b.mp3\n")
    (tmp_path / "refused.m3u").write_text("v4l2:///dev/video0\n")
    (tmp_path / "binary.m3u").write_bytes(b"\x00\xff\xfe" * 50)
    (tmp_path / "empty.pls").write_text("")
    (tmp_path / "half.m3u").write_text(f"{wav}\nmoved-away.mp3\n")
    (tmp_path / "radio.m3u").write_text("https://radio.example/live\n")
    reasons = _reasons([str(p) for p in sorted(tmp_path.glob("*.*")) if p.suffix != ".wav"])
    assert set(reasons) == {
        str(tmp_path / n) for n in ("gone.m3u", "refused.m3u", "binary.m3u", "empty.pls")
    }, "a file with one playable entry or a link is used; its missing entries are marked"
    gone = "nothing playable in it: its 2 files are not there"
    assert reasons[str(tmp_path / "gone.m3u")] == gone
    assert reasons[str(tmp_path / "refused.m3u")].startswith(
        "nothing playable in it: line 1: v4l2:///dev/video0"
    )
    assert reasons[str(tmp_path / "binary.m3u")].startswith("Cannot read binary.m3u")
    assert _reasons([str(tmp_path / "nope.m3u")]) == {str(tmp_path / "nope.m3u"): NOT_FOUND}


def test_one_message_names_them_all() -> None:
    text = unusable_message(
        [
            Unusable("/tmp/nope.mp3", NOT_FOUND),
            Unusable("smb://nas/a.mp3", "smb: addresses are not allowed"),
            Unusable("Rain", NOT_FOUND),
        ]
    )
    assert text == (
        "Not found: /tmp/nope.mp3; Rain. "
        "Not opened: smb://nas/a.mp3 (smb: addresses are not allowed)."
    )
    many = unusable_message([Unusable(f"/tmp/{i}.mp3", NOT_FOUND) for i in range(12)])
    assert many == "Not found: " + "; ".join(f"/tmp/{i}.mp3" for i in range(10)) + "; and 2 more."


# ---------------------------------------------------------------- in the app
@pytest.fixture
def app(qtbot: QtBot, qapp: QApplication, tmp_path: Path) -> Iterator[SleepPlayerApp]:
    running = SleepPlayerApp(qapp, AppPaths.resolve(str(tmp_path / "home")), FakeBackend())
    qtbot.addWidget(running.window)
    yield running
    running.shutdown()


def _settle(qtbot: QtBot, app: SleepPlayerApp) -> None:
    qtbot.waitUntil(
        lambda: not app.opened_files.is_loading() and not app.library.is_scanning(),
        timeout=WAIT_MS,
    )


def _opened(app: SleepPlayerApp) -> list[str]:
    playlist = app.library.playlist_by_name(OPENED_PLAYLIST)
    return [t.display_title for t in playlist.tracks] if playlist else []


def test_opening_only_missing_items_changes_nothing(
    qtbot: QtBot, app: SleepPlayerApp, tmp_path: Path
) -> None:
    app.open_items([_wav(tmp_path / "a.wav")])
    _settle(qtbot, app)
    app.controller.play_playlist(BUILTIN_PLAYLIST_UID)
    app.library.set_current(BUILTIN_PLAYLIST_UID)
    qtbot.waitUntil(lambda: app.controller.state is PlayerState.PLAYING, timeout=WAIT_MS)
    track = app.controller.current_track

    left_out = app.open_items([str(tmp_path / "nope.mp3"), "No such playlist"])

    assert [u.item for u in left_out] == [str(tmp_path / "nope.mp3"), "No such playlist"]
    assert not app.opened_files.is_loading()
    assert _opened(app) == ["a"], "no dead entry, and the list is kept"
    assert app.controller.state is PlayerState.PLAYING
    assert app.controller.current_track == track
    current = app.library.current_playlist()
    assert current is not None and current.uid == BUILTIN_PLAYLIST_UID


def test_usable_items_open_and_the_rest_are_named(
    qtbot: QtBot, app: SleepPlayerApp, tmp_path: Path
) -> None:
    left_out = app.open_items(
        [_wav(tmp_path / "b.wav"), str(tmp_path / "nope.mp3"), "smb://nas/c.mp3"]
    )
    _settle(qtbot, app)
    assert _opened(app) == ["b"]
    assert unusable_message(left_out) == (
        f"Not found: {tmp_path / 'nope.mp3'}. "
        "Not opened: smb://nas/c.mp3 (smb: addresses are not allowed)."
    )


def test_a_file_with_an_odd_name_opens_like_any_other(tmp_path: Path) -> None:
    # The trial: a file whose name held a newline, or bytes that are not UTF-8, was refused
    # on the command line ("contains control characters", "not valid text") while Add
    # Folder added it. A name that is there is the file's own: it opens. Typed text that
    # names nothing is still refused for what it holds.
    odd = [
        _wav(tmp_path / "rain\nat night.wav"),
        _wav(tmp_path / os.fsdecode(b"pluie-d\xe9t\xe9.wav")),
    ]
    allowed, refused = split_by_policy([*odd, str(tmp_path / "gone\x1b.wav")])
    assert allowed == odd
    assert [u.reason for u in refused] == ["contains control characters"]
    checked = check_items(odd, Library())
    assert checked.unusable == []
    assert checked.usable.paths == odd


def test_an_odd_name_on_a_network_path_is_refused_without_touching_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Looking for the file would connect to the other machine (on Windows, with the user's
    # login): the policy on its address comes first.
    looked: list[str] = []

    def exists(path: str) -> bool:
        looked.append(path)
        return True

    monkeypatch.setattr(os.path, "exists", exists)
    allowed, refused = split_by_policy(["//nas/share/rain\nnight.wav"])
    assert allowed == [] and looked == []
    assert [u.reason for u in refused] == ["contains control characters"]
