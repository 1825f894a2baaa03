"""The PlaybackBackend contract, run against the fake and against real libVLC (amem output).

Each test drives a ``Harness``: the same media names for both backends (real generated files
for VLC, the same URIs with lengths and failures declared for the fake), plus ``let_play(ms)``,
which advances the fake's clock and is a no-op for VLC (real time passes in ``waitSignal``), and
``wait_out_long_pause()``, which for VLC (built with a short ``pause_release_ms``) waits until the
pause has let go of the sound device; nothing of that may show.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from pytestqt.qtbot import QtBot

from sleepplayer.playback.backend import PlaybackBackend, PlayerState
from tests.helpers.audio import NullSink, make_corrupt, make_tone
from tests.helpers.fake_backend import FakeBackend
from tests.helpers.http_servers import File, Icy, LoopbackServer, Route, Stall, make_mp3

WAIT_MS = 10_000
GOOD_S = 3.0
SHORT_S = 1.0
LONG_S = 30.0
#: VLC's pause-release delay in these tests (the app's is PAUSE_RELEASE_MS).
PAUSE_RELEASE_MS = 300


@dataclass
class Harness:
    backend: PlaybackBackend
    good: str
    short: str
    missing: str
    corrupt: str
    long: str

    def let_play(self, ms: int) -> None:
        if isinstance(self.backend, FakeBackend):
            self.backend.advance(ms)

    def wait_out_long_pause(self, qtbot: QtBot) -> None:
        """Let a pause last past the engine's pause-release delay (VLC lets go of its output)."""
        from sleepplayer.playback.vlc_backend import VlcBackend

        b = self.backend
        if isinstance(b, VlcBackend):
            qtbot.waitUntil(lambda: b.parked, timeout=WAIT_MS)


@pytest.fixture(params=["fake", "vlc"])
def harness(request: pytest.FixtureRequest, tmp_path: Path, qtbot: QtBot) -> Iterator[Harness]:
    good = make_tone(tmp_path / "good.wav", GOOD_S, 440, 0.3).as_uri()
    short = make_tone(tmp_path / "short.wav", SHORT_S, 440, 0.3).as_uri()
    missing = (tmp_path / "missing.wav").as_uri()
    corrupt = make_corrupt(tmp_path / "corrupt.ogg").as_uri()
    long = make_tone(tmp_path / "long.wav", LONG_S, 440, 0.3).as_uri()
    backend: PlaybackBackend
    if request.param == "fake":
        fake = FakeBackend()
        fake.lengths.update(
            {good: int(GOOD_S * 1000), short: int(SHORT_S * 1000), long: int(LONG_S * 1000)}
        )
        fake.broken_uris.update({missing, corrupt})
        backend = fake
    else:
        from sleepplayer.playback.vlc_backend import VlcBackend

        backend = VlcBackend(pcm_sink=NullSink(), pause_release_ms=PAUSE_RELEASE_MS)
    yield Harness(backend, good, short, missing, corrupt, long)
    backend.release()


def start(h: Harness, qtbot: QtBot, uri: str, *, loop: bool = False, output: bool = True) -> None:
    """load + play, and wait for PLAYING, and with ``output`` until the audio output exists
    (volume can be set). VLC confirms the output only after ~0.3 s of audio (see vlc_backend),
    so a 1 s file played through amem, which runs ahead of real time, may end before that."""
    b = h.backend
    signal = b.audio_output_changed if output else b.state_changed
    check = None if output else _is(PlayerState.PLAYING)
    with qtbot.waitSignal(signal, timeout=WAIT_MS, check_params_cb=check):
        b.load(uri, loop=loop)
        b.play()
    assert b.state() == PlayerState.PLAYING


def test_initial_state(harness: Harness) -> None:
    b = harness.backend
    assert b.state() == PlayerState.IDLE
    assert b.position_ms() == 0
    assert b.length_ms() == 0
    assert b.volume() == -1


def test_load_play_reaches_playing(harness: Harness, qtbot: QtBot) -> None:
    b = harness.backend
    states: list[int] = []
    b.state_changed.connect(states.append)
    with qtbot.waitSignal(b.length_changed, timeout=WAIT_MS) as length:
        start(harness, qtbot, harness.good)
    assert length.args is not None
    assert abs(length.args[0] - GOOD_S * 1000) < 100
    assert states[0] == PlayerState.OPENING
    assert states[-1] == PlayerState.PLAYING
    assert abs(b.length_ms() - GOOD_S * 1000) < 100


def test_pause_and_resume(harness: Harness, qtbot: QtBot) -> None:
    b = harness.backend
    start(harness, qtbot, harness.good)
    with qtbot.waitSignal(
        b.state_changed, timeout=WAIT_MS, check_params_cb=_is(PlayerState.PAUSED)
    ):
        b.pause()
    assert b.state() == PlayerState.PAUSED
    b.pause()  # no-op while paused
    with qtbot.waitSignal(
        b.state_changed, timeout=WAIT_MS, check_params_cb=_is(PlayerState.PLAYING)
    ):
        b.play()


def test_stop(harness: Harness, qtbot: QtBot) -> None:
    b = harness.backend
    start(harness, qtbot, harness.good)
    with qtbot.waitSignal(
        b.state_changed, timeout=WAIT_MS, check_params_cb=_is(PlayerState.STOPPED)
    ):
        b.stop()
    assert b.state() == PlayerState.STOPPED
    assert b.position_ms() == 0
    assert b.volume() == -1
    start_again = qtbot.waitSignal(b.audio_output_changed, timeout=WAIT_MS)
    with start_again:
        b.play()
    assert b.state() == PlayerState.PLAYING


def test_seek(harness: Harness, qtbot: QtBot) -> None:
    b = harness.backend
    start(harness, qtbot, harness.good)
    assert b.is_seekable()
    b.seek(2000)
    qtbot.waitUntil(lambda: b.position_ms() >= 1900, timeout=WAIT_MS)


def test_load_can_begin_the_first_play_at_a_position(harness: Harness, qtbot: QtBot) -> None:
    b = harness.backend
    with qtbot.waitSignal(b.audio_output_changed, timeout=WAIT_MS):
        b.load(harness.long, start_ms=20_000)
        b.play()
    assert 20_000 <= b.position_ms() < 25_000
    stopped = _is(PlayerState.STOPPED)
    with qtbot.waitSignal(b.state_changed, timeout=WAIT_MS, check_params_cb=stopped):
        b.stop()
    with qtbot.waitSignal(b.audio_output_changed, timeout=WAIT_MS):
        b.play()  # a replay begins at the start
    assert b.position_ms() < 5_000


def test_end_reached_at_the_end(harness: Harness, qtbot: QtBot) -> None:
    b = harness.backend
    start(harness, qtbot, harness.short, output=False)
    with qtbot.waitSignal(b.end_reached, timeout=WAIT_MS):
        harness.let_play(int(SHORT_S * 1000))
    assert b.state() == PlayerState.ENDED
    assert b.volume() == -1


def test_loop_does_not_end(harness: Harness, qtbot: QtBot) -> None:
    b = harness.backend
    start(harness, qtbot, harness.short, loop=True, output=False)
    with qtbot.waitSignal(b.end_reached, timeout=int(SHORT_S * 3000), raising=False) as ended:
        harness.let_play(int(SHORT_S * 3500))
    assert not ended.signal_triggered
    assert b.state() == PlayerState.PLAYING


@pytest.mark.parametrize("which", ["missing", "corrupt"])
def test_error_for_unplayable_media(harness: Harness, qtbot: QtBot, which: str) -> None:
    b = harness.backend
    uri = harness.missing if which == "missing" else harness.corrupt
    with qtbot.waitSignal(b.error_occurred, timeout=WAIT_MS) as error:
        b.load(uri)
        b.play()
    assert error.args is not None
    # Why, not which: the controller names the track ("Skipped “x”: file not found.").
    assert error.args[0] and which not in error.args[0]
    assert b.state() == PlayerState.ERROR


def test_set_volume_needs_an_output(harness: Harness, qtbot: QtBot) -> None:
    b = harness.backend
    assert b.set_volume(40) is False
    b.load(harness.good)
    assert b.set_volume(40) is False
    assert b.volume() == -1
    start(harness, qtbot, harness.good)
    assert b.set_volume(40) is True
    assert b.volume() == 40
    b.pause()
    qtbot.waitUntil(lambda: b.state() == PlayerState.PAUSED, timeout=WAIT_MS)
    assert b.volume() == 40  # pausing keeps the output
    assert b.set_volume(30) is True
    b.stop()
    assert b.volume() == -1
    assert b.set_volume(20) is False


def test_a_volume_raised_while_pausing_holds_once_paused(harness: Harness, qtbot: QtBot) -> None:
    b = harness.backend
    start(harness, qtbot, harness.good)
    b.set_volume(0)
    b.pause()
    assert b.set_volume(60) is True  # held back until paused, not lost
    qtbot.waitUntil(lambda: b.state() == PlayerState.PAUSED, timeout=WAIT_MS)
    assert b.volume() == 60
    b.play()
    qtbot.waitUntil(lambda: b.state() == PlayerState.PLAYING, timeout=WAIT_MS)
    assert b.volume() == 60


def test_load_replaces_media_without_end_reached(harness: Harness, qtbot: QtBot) -> None:
    b = harness.backend
    start(harness, qtbot, harness.good)
    ends: list[None] = []
    b.end_reached.connect(lambda: ends.append(None))
    start(harness, qtbot, harness.good)
    assert ends == []


def test_signals_arrive_on_the_main_thread(harness: Harness, qtbot: QtBot) -> None:
    b = harness.backend
    threads: set[int] = set()

    def record(*_args: object) -> None:
        threads.add(threading.get_ident())

    for signal in (b.state_changed, b.length_changed, b.audio_output_changed, b.end_reached):
        signal.connect(record)
    start(harness, qtbot, harness.short, output=False)
    with qtbot.waitSignal(b.end_reached, timeout=WAIT_MS):
        harness.let_play(int(SHORT_S * 1000))
    assert threads == {threading.main_thread().ident}


def test_release_twice_is_safe(harness: Harness, qtbot: QtBot) -> None:
    b = harness.backend
    start(harness, qtbot, harness.good)
    b.release()
    b.release()
    with pytest.raises(RuntimeError):
        b.play()


def _is(state: PlayerState) -> Callable[[int], bool]:
    return lambda value: value == state


# --- network streams (issue 4): loopback servers for VLC, declared behaviour for the fake


@pytest.fixture(scope="module")
def radio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackServer]:
    mp3 = make_mp3(tmp_path_factory.mktemp("radio") / "tone.mp3", 4.0, 440)
    data = mp3.read_bytes()
    routes: dict[str, Route] = {
        "/radio": Icy(data, 128_000, titles=["Night song"], title_every_s=60),
        "/stall": Stall(data, 128_000, send_s=1.0),
    }
    with LoopbackServer(routes) as server:
        yield server


def _network(h: Harness, server: LoopbackServer, path: str) -> str:
    uri = server.url(path)
    if isinstance(h.backend, FakeBackend):
        h.backend.lengths[uri] = 0  # live
        h.backend.stream_title = "Night song" if path == "/radio" else ""
    return uri


def test_now_playing_is_empty_for_a_file(harness: Harness, qtbot: QtBot) -> None:
    b = harness.backend
    assert b.now_playing() == ""
    start(harness, qtbot, harness.good)
    assert b.now_playing() == ""


def test_now_playing_follows_the_icy_title(
    harness: Harness, qtbot: QtBot, radio: LoopbackServer
) -> None:
    b = harness.backend
    uri = _network(harness, radio, "/radio")
    start(harness, qtbot, uri, output=False)
    qtbot.waitUntil(lambda: b.now_playing() == "Night song", timeout=WAIT_MS)
    b.stop()
    assert b.now_playing() == ""


def test_load_takes_http_headers(harness: Harness, qtbot: QtBot, radio: LoopbackServer) -> None:
    headers = {"User-Agent": "Sleepy/1.0", "Referer": "http://127.0.0.1/page", "X-Other": "1"}
    uri = _network(harness, radio, "/radio")
    harness.backend.load(uri, headers=headers)
    with qtbot.waitSignal(
        harness.backend.state_changed, timeout=WAIT_MS, check_params_cb=_is(PlayerState.PLAYING)
    ):
        harness.backend.play()


def test_a_stalled_stream_keeps_playing_silently_with_a_frozen_position(
    harness: Harness, qtbot: QtBot, radio: LoopbackServer
) -> None:
    """No signal and no state change: only the position tells (the watchdog's cue)."""
    b = harness.backend
    uri = _network(harness, radio, "/stall")
    start(harness, qtbot, uri, output=False)
    signals: list[object] = []
    for signal in (b.state_changed, b.end_reached, b.error_occurred):
        signal.connect(signals.append)
    if isinstance(b, FakeBackend):
        b.advance(1000)
        b.stalled = True
    else:
        qtbot.waitUntil(lambda: b.position_ms() > 0, timeout=WAIT_MS)
        qtbot.wait(2000)  # the server sent 1 s of audio (plus its burst) and fell silent
    frozen = b.position_ms()
    harness.let_play(3000)
    if not isinstance(b, FakeBackend):
        qtbot.wait(1500)
    assert b.position_ms() == frozen
    assert b.state() == PlayerState.PLAYING
    assert signals == []


# --- a long pause (issue 5): VLC lets go of the sound device, and nothing of it shows


def _play_a_while(h: Harness, qtbot: QtBot, uri: str, played_ms: int = 2000) -> int:
    """Start ``uri``, let it play ``played_ms``, pause; returns the paused position."""
    b = h.backend
    start(h, qtbot, uri)
    h.let_play(played_ms)
    qtbot.waitUntil(lambda: b.position_ms() >= played_ms, timeout=WAIT_MS)
    with qtbot.waitSignal(
        b.state_changed, timeout=WAIT_MS, check_params_cb=_is(PlayerState.PAUSED)
    ):
        b.pause()
    return b.position_ms()


def _resume(h: Harness, qtbot: QtBot) -> None:
    with qtbot.waitSignal(
        h.backend.state_changed, timeout=WAIT_MS, check_params_cb=_is(PlayerState.PLAYING)
    ):
        h.backend.play()


def _continues_from(h: Harness, qtbot: QtBot, position_ms: int) -> None:
    """Playing again from ``position_ms`` (never from the start) and moving on."""
    b = h.backend
    readings = [b.position_ms()]

    def moved_on() -> bool:
        readings.append(b.position_ms())
        return readings[-1] >= position_ms + 500

    h.let_play(1000)
    qtbot.waitUntil(moved_on, timeout=WAIT_MS)
    assert abs(readings[0] - position_ms) <= 100
    assert min(readings) >= position_ms - 100
    assert max(readings) < position_ms + 5000


def test_a_long_pause_shows_nothing_and_play_continues_there(
    harness: Harness, qtbot: QtBot
) -> None:
    b = harness.backend
    b.load(harness.long)
    b.set_volume(60)
    paused_at = _play_a_while(harness, qtbot, harness.long)
    assert b.set_volume(60)
    length = b.length_ms()
    seen: list[object] = []
    for signal in (b.state_changed, b.end_reached, b.error_occurred, b.length_changed):
        signal.connect(seen.append)

    harness.wait_out_long_pause(qtbot)
    assert b.state() == PlayerState.PAUSED
    assert b.position_ms() == paused_at
    assert b.length_ms() == length
    assert b.is_seekable()
    assert b.volume() == 60
    assert b.set_volume(50) is True  # taken, for the moment play continues
    assert seen == []

    _resume(harness, qtbot)
    _continues_from(harness, qtbot, paused_at)
    assert seen == [PlayerState.PLAYING]
    qtbot.waitUntil(lambda: b.volume() == 50, timeout=WAIT_MS)


def test_a_seek_during_a_long_pause_moves_where_play_continues(
    harness: Harness, qtbot: QtBot
) -> None:
    b = harness.backend
    _play_a_while(harness, qtbot, harness.long)
    harness.wait_out_long_pause(qtbot)
    b.seek(20_000)
    assert b.position_ms() == 20_000
    assert b.state() == PlayerState.PAUSED
    _resume(harness, qtbot)
    _continues_from(harness, qtbot, 20_000)


def test_a_pause_at_once_after_play_stays_where_the_long_pause_was(
    harness: Harness, qtbot: QtBot
) -> None:
    b = harness.backend
    paused_at = _play_a_while(harness, qtbot, harness.long)
    harness.wait_out_long_pause(qtbot)
    b.play()
    b.pause()
    qtbot.waitUntil(lambda: b.state() == PlayerState.PAUSED, timeout=WAIT_MS)
    assert b.position_ms() == paused_at
    harness.wait_out_long_pause(qtbot)
    _resume(harness, qtbot)
    _continues_from(harness, qtbot, paused_at)


def test_stop_during_a_long_pause_forgets_the_position(harness: Harness, qtbot: QtBot) -> None:
    b = harness.backend
    paused_at = _play_a_while(harness, qtbot, harness.long, played_ms=3000)
    harness.wait_out_long_pause(qtbot)
    with qtbot.waitSignal(
        b.state_changed, timeout=WAIT_MS, check_params_cb=_is(PlayerState.STOPPED)
    ):
        b.stop()
    assert b.position_ms() == 0
    assert b.volume() == -1
    with qtbot.waitSignal(b.audio_output_changed, timeout=WAIT_MS):
        b.play()
    assert b.position_ms() < paused_at


def test_load_during_a_long_pause_forgets_the_position(harness: Harness, qtbot: QtBot) -> None:
    b = harness.backend
    _play_a_while(harness, qtbot, harness.long)
    harness.wait_out_long_pause(qtbot)
    b.load(harness.good)
    assert b.state() == PlayerState.IDLE
    assert b.position_ms() == 0
    start(harness, qtbot, harness.good)
    assert b.position_ms() < 1000


def test_a_long_pause_of_a_finite_http_file_continues_there(harness: Harness, qtbot: QtBot) -> None:
    data = Path(unquote(urlsplit(harness.long).path)).read_bytes()
    with LoopbackServer({"/long.wav": File(data, "audio/wav")}) as server:
        uri = server.url("/long.wav")
        if isinstance(harness.backend, FakeBackend):
            harness.backend.lengths[uri] = int(LONG_S * 1000)
        paused_at = _play_a_while(harness, qtbot, uri)
        harness.wait_out_long_pause(qtbot)
        assert harness.backend.position_ms() == paused_at
        _resume(harness, qtbot)
        _continues_from(harness, qtbot, paused_at)
