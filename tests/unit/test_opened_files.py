"""Opening items from outside (a second launch, MPRIS OpenUri) in the composed app (fake engine,
real library and scanner on a temp basedir): files a file manager sends one by one add up and
play once from the first; a later open replaces the list, cancelling a load still running, so
the two never mix and play starts once."""

from __future__ import annotations

import socket
import threading
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sleepplayer.app import SleepPlayerApp
from sleepplayer.core import tags
from sleepplayer.core.model import Track
from sleepplayer.core.paths import AppPaths
from sleepplayer.playback.backend import PlayerState
from sleepplayer.services.builtin_sounds import BUILTIN_PLAYLIST_NAME, BUILTIN_PLAYLIST_UID
from sleepplayer.services.opened_files import APPEND_WINDOW_S, OPENED_PLAYLIST
from tests.helpers.fake_backend import FakeBackend
from tests.helpers.fake_clock import FakeClock

pytestmark = pytest.mark.qt_log_ignore(
    "does not support propagateSizeHints",
    "does not support raise",
    "systemTrayWindowChanged",  # the offscreen platform has no tray
)

WAIT_MS = 10_000


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, clock: FakeClock
) -> Iterator[SleepPlayerApp]:
    running = SleepPlayerApp(
        qapp, AppPaths.resolve(str(tmp_path / "home")), FakeBackend(), clock=clock
    )
    qtbot.addWidget(running.window)
    yield running
    running.shutdown()


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Files in a folder named "slow" are read only once the gate opens: a scan that is
    still running when the next open comes."""
    opened = threading.Event()
    read = tags.track_from_path

    def slow_read(path: Path) -> Track:
        if path.parent.name == "slow":
            opened.wait(WAIT_MS / 1000)
        return read(path)

    monkeypatch.setattr("sleepplayer.services.scanner.track_from_path", slow_read)
    yield opened
    opened.set()  # never leave the scan thread waiting


def _wav(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * 800)
    return str(path)


def _opened(app: SleepPlayerApp) -> list[str]:
    playlist = app.library.playlist_by_name(OPENED_PLAYLIST)
    return [t.display_title for t in playlist.tracks] if playlist else []


def _loads(app: SleepPlayerApp) -> list[str]:
    backend: FakeBackend = app.backend  # type: ignore[assignment]
    return [Path(args[0]).stem for name, args in backend.calls if name == "load"]


def _dead_link() -> str:
    """A station on a loopback port nobody listens on: refused at once."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{closed.getsockname()[1]}/station.mp3"


def _settle(qtbot: QtBot, app: SleepPlayerApp) -> None:
    """Wait until every open is loaded (or cancelled) and no scan runs."""
    qtbot.waitUntil(
        lambda: not app.opened_files.is_loading() and not app.library.is_scanning(),
        timeout=WAIT_MS,
    )


def test_files_sent_one_by_one_add_up_and_play_once_from_the_first(
    qtbot: QtBot, app: SleepPlayerApp, clock: FakeClock, tmp_path: Path
) -> None:
    app.open_items([_wav(tmp_path / "a.wav")])
    clock.now += APPEND_WINDOW_S / 2  # the file manager's next double-clicked file
    app.open_items([_wav(tmp_path / "b.wav")])
    _settle(qtbot, app)
    assert _opened(app) == ["a", "b"]
    assert _loads(app) == ["a"]  # played once, from the first
    assert app.controller.state is PlayerState.PLAYING


def test_a_file_that_joins_while_the_first_plays_follows_it(
    qtbot: QtBot, app: SleepPlayerApp, clock: FakeClock, tmp_path: Path
) -> None:
    app.open_items([_wav(tmp_path / "a.wav")])
    qtbot.waitUntil(lambda: app.controller.state is PlayerState.PLAYING, timeout=WAIT_MS)
    clock.now += APPEND_WINDOW_S / 2
    app.open_items([_wav(tmp_path / "b.wav")])
    _settle(qtbot, app)
    assert _opened(app) == ["a", "b"]
    assert _loads(app) == ["a"]  # not started over
    track = app.controller.current_track
    assert track is not None and track.display_title == "a"


def test_a_later_open_replaces_the_list(
    qtbot: QtBot, app: SleepPlayerApp, clock: FakeClock, tmp_path: Path
) -> None:
    app.open_items([_wav(tmp_path / "a.wav")])
    qtbot.waitUntil(lambda: app.controller.state is PlayerState.PLAYING, timeout=WAIT_MS)
    clock.now += APPEND_WINDOW_S + 1
    app.open_items([_wav(tmp_path / "b.wav")])
    _settle(qtbot, app)
    assert _opened(app) == ["b"]
    assert _loads(app) == ["a", "b"]


def test_a_later_open_cancels_a_load_still_running_and_they_never_mix(
    qtbot: QtBot, app: SleepPlayerApp, clock: FakeClock, tmp_path: Path, gate: threading.Event
) -> None:
    slow = [_wav(tmp_path / "slow" / f"s{i}.wav") for i in range(3)]
    app.open_items([str(Path(slow[0]).parent)])
    qtbot.waitUntil(app.library.is_scanning, timeout=WAIT_MS)
    clock.now += APPEND_WINDOW_S + 1  # a new open, not part of the first one
    app.open_items([_wav(tmp_path / "b.wav")])
    gate.set()
    _settle(qtbot, app)
    assert _opened(app) == ["b"]
    assert _loads(app) == ["b"]  # the first set never played: play started once
    assert app.controller.state is PlayerState.PLAYING


def test_a_saved_playlist_by_name_ends_a_load_still_running(
    qtbot: QtBot, app: SleepPlayerApp, tmp_path: Path, gate: threading.Event
) -> None:
    _wav(tmp_path / "slow" / "s0.wav")
    app.open_items([str(tmp_path / "slow")])
    qtbot.waitUntil(app.library.is_scanning, timeout=WAIT_MS)
    app.open_items([BUILTIN_PLAYLIST_NAME])
    gate.set()
    _settle(qtbot, app)
    assert app.controller.current_playlist_uid == BUILTIN_PLAYLIST_UID
    assert app.controller.state is PlayerState.PLAYING
    assert len(_loads(app)) == 1  # "Opened files" did not start over it


def test_an_open_after_a_saved_playlist_starts_a_list_of_its_own(
    qtbot: QtBot, app: SleepPlayerApp, tmp_path: Path
) -> None:
    app.open_items([_wav(tmp_path / "a.wav")])
    _settle(qtbot, app)
    app.open_items([BUILTIN_PLAYLIST_NAME])
    app.open_items([_wav(tmp_path / "b.wav")])  # within the window, but after a playlist
    _settle(qtbot, app)
    assert _opened(app) == ["b"]
    assert _loads(app)[-1] == "b"


def test_an_open_of_only_unreachable_links_leaves_the_sound_playing(
    qtbot: QtBot, app: SleepPlayerApp, clock: FakeClock
) -> None:
    # A shortcut to a station that is down, at night: the brown noise must go on.
    app.controller.play_playlist(BUILTIN_PLAYLIST_UID)
    qtbot.waitUntil(lambda: app.controller.state is PlayerState.PLAYING, timeout=WAIT_MS)
    playing = app.controller.current_track
    app.open_items([_dead_link()])
    _settle(qtbot, app)
    qtbot.waitUntil(lambda: bool(_opened(app)), timeout=WAIT_MS)
    opened = app.library.playlist_by_name(OPENED_PLAYLIST)
    assert opened is not None and [t.unavailable is not None for t in opened.tracks] == [True]
    assert app.controller.state is PlayerState.PLAYING
    assert app.controller.current_track == playing
    assert app.controller.current_playlist_uid == BUILTIN_PLAYLIST_UID


def _play_a_and_b_from_opened_files(qtbot: QtBot, app: SleepPlayerApp, tmp_path: Path) -> None:
    """ "Opened files" holds a and b, and a plays; a later open replaces the list."""
    app.open_items([_wav(tmp_path / "a.wav"), _wav(tmp_path / "b.wav")])
    qtbot.waitUntil(lambda: app.controller.state is PlayerState.PLAYING, timeout=WAIT_MS)
    _settle(qtbot, app)


def test_only_unreachable_links_bring_back_the_opened_list_that_plays(
    qtbot: QtBot, app: SleepPlayerApp, clock: FakeClock, tmp_path: Path
) -> None:
    # Playing from "Opened files" itself: emptied for the new open, the list would end with
    # the track that plays. It comes back, the dead link after it.
    _play_a_and_b_from_opened_files(qtbot, app, tmp_path)
    clock.now += APPEND_WINDOW_S + 1
    app.open_items([_dead_link()])
    _settle(qtbot, app)
    qtbot.waitUntil(lambda: len(_opened(app)) == 3, timeout=WAIT_MS)
    opened = app.library.playlist_by_name(OPENED_PLAYLIST)
    assert opened is not None
    assert [t.unavailable is not None for t in opened.tracks] == [False, False, True]
    assert _opened(app)[:2] == ["a", "b"]
    assert app.controller.state is PlayerState.PLAYING and _loads(app) == ["a"]


def test_an_open_that_cannot_play_at_all_leaves_the_sound_where_it_was(
    qtbot: QtBot, app: SleepPlayerApp, tmp_path: Path
) -> None:
    # A corrupt file is found out only when played. The brown noise it interrupted comes
    # back where it was, not silence for the rest of the night.
    backend: FakeBackend = app.backend  # type: ignore[assignment]
    app.controller.play_playlist(BUILTIN_PLAYLIST_UID)
    qtbot.waitUntil(lambda: app.controller.state is PlayerState.PLAYING, timeout=WAIT_MS)
    playing = app.controller.current_track
    assert playing is not None
    app.controller.seek(5_000)
    broken = _wav(tmp_path / "broken.wav")
    backend.broken_uris.add(Path(broken).as_uri())
    messages: list[str] = []
    app.controller.problem.connect(messages.append)
    app.open_items([broken])
    _settle(qtbot, app)
    qtbot.waitUntil(lambda: _loads(app)[-1:] == [Path(playing.uri).stem], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: app.controller.state is PlayerState.PLAYING, timeout=WAIT_MS)
    assert _loads(app)[-2:] == ["broken", Path(playing.uri).stem]
    assert app.controller.current_playlist_uid == BUILTIN_PLAYLIST_UID
    assert app.controller.current_track == playing
    seeks = [args[0] for name, args in backend.calls[-4:] if name == "seek"]
    assert seeks and abs(seeks[0] - 5_000) < 1_000  # where it was
    opened = app.library.playlist_by_name(OPENED_PLAYLIST)
    assert opened is not None and [t.unavailable is not None for t in opened.tracks] == [True]
    assert messages[-1] == (
        f"Nothing in “{OPENED_PLAYLIST}” could play; “{playing.display_title}” plays on."
    )


def test_a_corrupt_open_into_the_list_that_plays_gives_its_track_back(
    qtbot: QtBot, app: SleepPlayerApp, clock: FakeClock, tmp_path: Path
) -> None:
    # Playing from "Opened files" itself, the new open empties that list: the track that
    # played was gone from it, and so was the way back to it (silence for the night).
    backend: FakeBackend = app.backend  # type: ignore[assignment]
    _play_a_and_b_from_opened_files(qtbot, app, tmp_path)
    app.controller.seek(5_000)
    clock.now += APPEND_WINDOW_S + 1
    broken = _wav(tmp_path / "broken.wav")
    backend.broken_uris.add(Path(broken).as_uri())
    app.open_items([broken])
    _settle(qtbot, app)
    qtbot.waitUntil(lambda: _loads(app)[-1:] == ["a"] and len(_loads(app)) == 3, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: app.controller.state is PlayerState.PLAYING, timeout=WAIT_MS)
    assert _loads(app) == ["a", "broken", "a"]
    assert _opened(app) == ["broken", "a", "b"]  # the list is back, after what could not play
    seeks = [args[0] for name, args in backend.calls[-4:] if name == "seek"]
    assert seeks and abs(seeks[0] - 5_000) < 1_000  # where it was


def test_a_list_replaced_by_a_new_open_comes_back_with_undo(
    qtbot: QtBot, app: SleepPlayerApp, clock: FakeClock, tmp_path: Path
) -> None:
    # The trial: 2,007 tracks added to "Opened files" by hand were replaced by the 3 a file
    # manager opened, silently, and Undo was greyed.
    _play_a_and_b_from_opened_files(qtbot, app, tmp_path)
    clock.now += APPEND_WINDOW_S + 1
    app.open_items([_wav(tmp_path / "c.wav")])
    _settle(qtbot, app)
    qtbot.waitUntil(lambda: _opened(app) == ["c"], timeout=WAIT_MS)
    undo = app.window.action_registry["undo"]
    assert undo.isEnabled() and undo.text() == f"Undo Replace “{OPENED_PLAYLIST}”"
    undo.trigger()
    assert _opened(app) == ["a", "b"]


def test_an_open_that_cannot_play_while_nothing_plays_just_stops(
    qtbot: QtBot, app: SleepPlayerApp, tmp_path: Path
) -> None:
    backend: FakeBackend = app.backend  # type: ignore[assignment]
    broken = _wav(tmp_path / "broken.wav")
    backend.broken_uris.add(Path(broken).as_uri())
    with qtbot.waitSignal(app.controller.queue_finished, timeout=WAIT_MS):
        app.open_items([broken])
    assert _loads(app) == ["broken"]
    assert app.controller.state is PlayerState.STOPPED
