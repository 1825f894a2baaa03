"""Network streams on real libVLC and real loopback servers (issue 4, "Surviving the night").

Every server runs on 127.0.0.1 in this process (``tests/helpers/http_servers.py``); what the
user hears is captured through amem (``PcmRecorder``). Retry delays are shortened through the
controller's ``RetryPolicy``; the watchdog keeps its real 1 s check and 8 s stall threshold.
The tests wait on Qt signals and conditions only; server threads do the sleeping.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from sleepplayer.core.backoff import RetryPolicy
from sleepplayer.core.model import Library, Playlist, Track, TrackKind
from sleepplayer.playback.backend import PlayerState
from sleepplayer.playback.resolver import Resolver
from sleepplayer.playback.vlc_backend import VlcBackend
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.library import LibraryService
from tests.helpers.audio import PcmRecorder, block_rms_db, db, encode_vorbis, make_tone
from tests.helpers.fake_resolver import FakeResolver, media
from tests.helpers.http_servers import (
    File,
    Hang,
    Icy,
    LoopbackServer,
    Route,
    Stall,
    Status,
    closed_port_url,
    make_mp3,
)

pytestmark = pytest.mark.integration

WAIT_MS = 15_000
BITRATE = 128_000
FAST = RetryPolicy(delays=(0.05,), then_every_s=0.05)
RATE = 48_000


@pytest.fixture(scope="module")
def audio(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("streams")
    return {
        "loop": make_mp3(folder / "loop.mp3", 10.0, 440).read_bytes(),
        "short": make_mp3(folder / "short.mp3", 2.0, 660).read_bytes(),
        "long": make_mp3(folder / "long.mp3", 30.0, 440).read_bytes(),
    }


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


@pytest.fixture
def recorder() -> PcmRecorder:
    return PcmRecorder()


@pytest.fixture
def backend(recorder: PcmRecorder, qtbot: QtBot) -> Iterator[VlcBackend]:
    engine = VlcBackend(pcm_sink=recorder)
    yield engine
    _quit_controllers()
    engine.release()


_CONTROLLERS: list[PlaybackController] = []


def _quit_controllers() -> None:
    """Controllers shut down before their backend is released, as the app quits."""
    for controller in _CONTROLLERS:
        controller.shutdown()
    _CONTROLLERS.clear()


class Run:
    """A controller on one playlist, with what it said recorded."""

    def __init__(
        self,
        backend: VlcBackend,
        tracks: list[Track],
        *,
        retry: RetryPolicy = FAST,
        resolver: Resolver | None = None,
    ) -> None:
        self.library = LibraryService(Library([Playlist("P", tracks, uid="p")], "p"))
        self.controller = PlaybackController(backend, self.library, retry=retry, resolver=resolver)
        _CONTROLLERS.append(self.controller)
        self.controller.set_volume(100)
        self.statuses: list[tuple[float, str]] = []
        self.controller.status_text_changed.connect(
            lambda text: self.statuses.append((time.monotonic(), text))
        )
        self.messages: list[str] = []
        self.controller.problem.connect(self.messages.append)
        self.started: list[str] = []
        self.controller.track_changed.connect(
            lambda t: self.started.append(t.uid) if t and t.uid not in self.started[-1:] else None
        )
        self.finished: list[str] = []
        self.controller.track_finished.connect(self.finished.append)

    def track(self, uid: str) -> Track:
        playlist = self.library.playlist("p")
        assert playlist is not None
        return playlist.tracks[playlist.index_of(uid)]

    def first_status(self, prefix: str, after: float = 0.0) -> float | None:
        return next((t for t, s in self.statuses if s.startswith(prefix) and t >= after), None)


def _figure(name: str, value: object) -> None:
    """A measured figure, shown with ``pytest -rP`` (never a timing assertion beyond the
    issue's bounds)."""
    print(f"figure {name} = {value}")


def _state_is(state: PlayerState) -> Callable[[int], bool]:
    return lambda value: value == state


def _level_db(samples: np.ndarray) -> float:
    """Median RMS over 100 ms blocks that carry sound (the start guard and gaps left out)."""
    blocks = block_rms_db(samples, 100)
    loud = blocks[blocks > -60]
    return float(np.median(loud)) if len(loud) else -math.inf


def _dominant_hz(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples[:, 0]))
    return float(np.argmax(spectrum) * RATE / len(samples))


# ---------------------------------------------------------------------------------- tests


def test_http_files_play_and_advance(
    qtbot: QtBot, backend: VlcBackend, server: LoopbackServer, audio: dict[str, bytes]
) -> None:
    server.routes.update({"/a.mp3": File(audio["short"]), "/b.mp3": File(audio["short"])})
    tracks = [
        Track(server.url("/a.mp3"), "A", kind=TrackKind.STREAM, uid="a"),
        Track(server.url("/b.mp3"), "B", kind=TrackKind.STREAM, uid="b"),
    ]
    run = Run(backend, tracks)
    with qtbot.waitSignal(run.controller.queue_finished, timeout=WAIT_MS):
        run.controller.play()
    assert run.started == ["a", "b"]
    assert run.finished == ["a", "b"]
    assert run.messages == []


def test_an_ogg_file_from_a_server_without_ranges_plays_once_and_advances(
    qtbot: QtBot, backend: VlcBackend, server: LoopbackServer, tmp_path: Path
) -> None:
    # libVLC cannot tell its length, so it looked live: each end reconnected and played it
    # again from the start, forever, and the playlist never moved on.
    ogg = encode_vorbis(make_tone(tmp_path / "t.wav", 3.0, 550), tmp_path / "t.ogg").read_bytes()
    server.routes["/t.ogg"] = File(ogg, content_type="audio/ogg", ranges=False)
    server.routes["/b.mp3"] = File(make_mp3(tmp_path / "b.mp3", 1.0, 660).read_bytes())
    tracks = [
        Track(server.url("/t.ogg"), "Ogg", kind=TrackKind.STREAM, uid="ogg"),
        Track(server.url("/b.mp3"), "B", kind=TrackKind.STREAM, uid="b"),
    ]
    run = Run(backend, tracks)
    with qtbot.waitSignal(run.controller.queue_finished, timeout=WAIT_MS):
        run.controller.play()
    assert run.started == ["ogg", "b"] and run.finished == ["ogg", "b"]
    assert server.hits["/t.ogg"] == 1
    assert run.messages == []


def test_a_station_without_titles_behind_a_file_address_reconnects_when_cut(
    qtbot: QtBot, backend: VlcBackend, server: LoopbackServer, audio: dict[str, bytes]
) -> None:
    # An address like a file (imported from a playlist, never checked), an endless stream
    # with no size and no titles: its cut is a lost connection, not the end of a file.
    server.routes["/station.mp3"] = Icy(audio["loop"], BITRATE, titles=[""])
    tracks = [
        Track(server.url("/station.mp3"), "Station", kind=TrackKind.STREAM, uid="s"),
        Track(server.url("/after.mp3"), "After", kind=TrackKind.STREAM, uid="after"),
    ]
    run = Run(backend, tracks, retry=RetryPolicy(delays=(1, 2), then_every_s=2))
    with qtbot.waitSignal(backend.audio_output_changed, timeout=WAIT_MS):
        run.controller.play()
    qtbot.waitUntil(lambda: backend.position_ms() > 2000, timeout=WAIT_MS)
    server.kill()
    qtbot.waitUntil(lambda: run.first_status("Reconnecting in") is not None, timeout=WAIT_MS)
    assert run.finished == [] and run.started == ["s"]
    run.controller.stop()


def test_icy_stream_plays_and_its_title_updates(
    qtbot: QtBot, backend: VlcBackend, server: LoopbackServer, audio: dict[str, bytes]
) -> None:
    server.routes["/radio"] = Icy(audio["loop"], BITRATE, ["Rain", "Waves"], title_every_s=1.5)
    run = Run(backend, [Track(server.url("/radio"), "Radio", kind=TrackKind.RADIO, uid="r")])
    titles: list[str] = []
    run.controller.stream_title_changed.connect(titles.append)
    with qtbot.waitSignal(
        run.controller.stream_title_changed, timeout=WAIT_MS, check_params_cb="Waves".__eq__
    ):
        run.controller.play()
    assert titles[:2] == ["Rain", "Waves"]
    assert run.track("r").title == "Radio"  # never saved into the playlist
    run.controller.stop()
    assert titles[-1] == ""


def test_killed_icy_server_is_detected_and_audio_resumes_when_it_returns(
    qtbot: QtBot,
    backend: VlcBackend,
    server: LoopbackServer,
    recorder: PcmRecorder,
    audio: dict[str, bytes],
    tmp_path: Path,
) -> None:
    """Kill at ~3 s; back 10 s later; retries every 2 s. The fade went on meanwhile: the
    audio returns at the lower effective volume, never louder. The playlist stays put."""
    server.routes["/radio"] = Icy(audio["loop"], BITRATE)
    local = make_tone(tmp_path / "next.wav", 2.0, 300).as_uri()
    tracks = [
        Track(server.url("/radio"), "Radio", kind=TrackKind.RADIO, uid="r"),
        Track(local, "Next", uid="next"),
    ]
    run = Run(backend, tracks, retry=RetryPolicy(delays=(1, 2), then_every_s=2))
    c = run.controller
    with qtbot.waitSignal(backend.audio_output_changed, timeout=WAIT_MS):
        c.play()
    qtbot.waitUntil(lambda: recorder.seconds() > 3.0, timeout=WAIT_MS)
    before = recorder.samples(recorder.frames - RATE * 2)
    volume_before = c.effective_volume()

    killed_at = time.monotonic()
    server.kill()
    qtbot.waitUntil(lambda: run.first_status("Reconnecting in") is not None, timeout=5000)
    detected = run.first_status("Reconnecting in")
    assert detected is not None and detected - killed_at < 5.0
    _figure("kill_detected_s", round(detected - killed_at, 3))
    c.set_fade_gain(0.5)  # the sleep timer's fade moved on during the outage
    volume_after = c.effective_volume()
    assert volume_after < volume_before

    QTimer.singleShot(10_000, server.start)
    with qtbot.waitSignal(
        c.state_changed, timeout=10_000 + WAIT_MS, check_params_cb=_state_is(PlayerState.PLAYING)
    ):
        pass
    back_at = time.monotonic()
    assert back_at - killed_at >= 10.0
    mark = recorder.mark()
    qtbot.waitUntil(lambda: recorder.frames - mark > RATE * 2.5, timeout=WAIT_MS)
    after = recorder.samples(mark)

    # Heard again: the station's 440 Hz tone, at the lower level.
    assert abs(_dominant_hz(after) - 440) < 10
    expected = _level_db(before) + db((volume_after / volume_before) ** 3)
    assert abs(_level_db(after) - expected) < 1.5
    assert float(np.max(block_rms_db(after, 50))) < expected + 1.5  # never louder
    # The playlist did not move on.
    assert run.started == ["r"]
    assert run.finished == []
    assert c.current_track is not None and c.current_track.uid == "r"
    assert c.status_text == ""


def test_stall_with_the_socket_open_is_detected_and_reconnects(
    qtbot: QtBot,
    backend: VlcBackend,
    server: LoopbackServer,
    audio: dict[str, bytes],
) -> None:
    """The first connection sends 1 s (plus the burst) and falls silent; the next ones work."""
    send_s = 1.0

    def route(hit: int) -> Route:
        if hit == 1:
            return Stall(audio["loop"], BITRATE, send_s=send_s)
        return Icy(audio["loop"], BITRATE)

    server.dynamic["/radio"] = route
    run = Run(backend, [Track(server.url("/radio"), "Radio", kind=TrackKind.RADIO, uid="r")])
    with qtbot.waitSignal(
        run.controller.state_changed,
        timeout=WAIT_MS,
        check_params_cb=_state_is(PlayerState.PLAYING),
    ):
        run.controller.play()
    sent_until = time.monotonic() + send_s  # the server falls silent (at the latest)
    # When the audio stopped: the position's last change, seen by a 100 ms probe.
    last_move = [time.monotonic(), -1]

    def probe() -> None:
        if run.controller.status_text:
            return  # recovery began: stop following the (reset) position
        position = backend.position_ms()
        if position != last_move[1]:
            last_move[:] = [time.monotonic(), position]

    watcher = QTimer()
    watcher.setInterval(100)
    watcher.timeout.connect(probe)
    watcher.start()
    qtbot.waitUntil(lambda: run.first_status("Reconnecting") is not None, timeout=13_000)
    watcher.stop()
    detected = run.first_status("Reconnecting")
    assert detected is not None
    _figure("stall_detected_after_audio_stopped_s", round(detected - last_move[0], 3))
    _figure("stall_detected_after_server_stopped_s", round(detected - sent_until, 3))
    assert detected - last_move[0] < 10.0
    qtbot.waitUntil(lambda: server.hit_count("/radio") >= 2, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: run.controller.state == PlayerState.PLAYING and run.controller.status_text == "",
        timeout=WAIT_MS,
    )
    assert run.started == ["r"]


def test_closed_port_404_and_500_say_so_and_advance_after_their_retries(
    qtbot: QtBot, backend: VlcBackend, server: LoopbackServer, audio: dict[str, bytes]
) -> None:
    server.routes.update(
        {"/404.mp3": Status(404), "/500.mp3": Status(500), "/ok.mp3": File(audio["short"])}
    )
    tracks = [
        Track(closed_port_url("/closed.mp3"), "Closed", kind=TrackKind.STREAM, uid="closed"),
        Track(server.url("/404.mp3"), "Missing", kind=TrackKind.STREAM, uid="404"),
        Track(server.url("/500.mp3"), "Broken", kind=TrackKind.STREAM, uid="500"),
        Track(server.url("/ok.mp3"), "Fine", kind=TrackKind.STREAM, uid="ok"),
    ]
    run = Run(backend, tracks)
    with qtbot.waitSignal(run.controller.queue_finished, timeout=WAIT_MS):
        run.controller.play()
    assert run.started == ["closed", "404", "500", "ok"]
    assert run.finished == ["ok"]
    for uid in ("closed", "404", "500"):
        assert run.track(uid).unavailable
    assert run.track("ok").unavailable is None
    assert len(run.messages) == 3
    assert all("Skipped" in m for m in run.messages)
    # One open and 5 retries; each open asks twice (libVLC 3's two http access modules).
    opens = 1 + FAST.finite_attempts
    assert server.hit_count("/404.mp3") in (opens, 2 * opens)
    assert server.hit_count("/500.mp3") in (opens, 2 * opens)
    assert any(s.startswith("Reconnecting in") for _, s in run.statuses)


def test_a_page_served_as_audio_is_given_up_after_its_retries_not_tried_all_night(
    qtbot: QtBot, backend: VlcBackend, server: LoopbackServer, audio: dict[str, bytes]
) -> None:
    # The trial: libVLC reached Playing for a moment on an HTML page named .mp3, which reset
    # the count: a GET every second, all night, in silence, and the next track never came.
    page = b"<!DOCTYPE html><html><body>" + b"<p>Not a sound.</p>" * 200 + b"</body></html>"
    server.routes.update({"/page.mp3": File(page), "/ok.mp3": File(audio["short"])})
    tracks = [
        Track(server.url("/page.mp3"), "Page", kind=TrackKind.STREAM, uid="page"),
        Track(server.url("/ok.mp3"), "Fine", kind=TrackKind.STREAM, uid="ok"),
    ]
    run = Run(backend, tracks)
    with qtbot.waitSignal(run.controller.queue_finished, timeout=WAIT_MS):
        run.controller.play()
    assert run.started == ["page", "ok"] and run.finished == ["ok"]
    assert run.track("page").unavailable
    opens = 1 + FAST.finite_attempts
    assert server.hit_count("/page.mp3") <= 2 * opens


def test_a_403_web_stream_is_re_resolved_and_resumes_at_the_same_position(
    qtbot: QtBot, backend: VlcBackend, server: LoopbackServer, audio: dict[str, bytes]
) -> None:
    """The stream URL stops working mid-way (the connection is cut, and it answers 403 from
    then on, as an expired YouTube link does): the page is resolved again, with force, and
    the new URL plays on from where the old one was."""
    server.routes["/v1.mp3"] = File(audio["long"], bitrate=BITRATE)  # paced: cut mid-way
    server.routes["/v2.mp3"] = File(audio["long"])
    page = "http://127.0.0.1/watch?v=sleep"
    resolver = FakeResolver()
    resolver.pages[page] = media(page, server.url("/v1.mp3"), duration_ms=30_000)
    run = Run(backend, [Track(page, "Video", kind=TrackKind.WEB, uid="w")], resolver=resolver)
    run.controller.play()
    qtbot.waitUntil(lambda: backend.position_ms() > 3000, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: run.controller._watchdog.last_position_ms > 3000, timeout=WAIT_MS)
    reached = run.controller._watchdog.last_position_ms

    resolver.pages[page] = media(page, server.url("/v2.mp3"), duration_ms=30_000)
    server.routes["/v1.mp3"] = Status(403)
    server.kill()  # cut the transfer
    server.start()
    qtbot.waitUntil(lambda: server.hit_count("/v2.mp3") >= 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: run.controller.state == PlayerState.PLAYING, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: backend.position_ms() > 0, timeout=WAIT_MS)
    resumed = backend.position_ms()
    assert server.hit_count("/v1.mp3") >= 2  # the old link was tried again and refused
    assert (page, True) in [(p, f) for _, p, f in resolver.requests]
    assert reached - 500 <= resumed <= reached + 3000
    assert run.started == ["w"] and run.finished == []
    assert run.track("w").uri == page  # the stream URL is never saved


def test_a_web_page_resolved_by_yt_dlp_plays(
    qtbot: QtBot, backend: VlcBackend, server: LoopbackServer, audio: dict[str, bytes]
) -> None:
    html = (
        '<html><head><meta property="og:title" content="Night rain"></head>'
        '<body><audio src="/rain.mp3" type="audio/mpeg"></audio></body></html>'
    )
    server.routes["/page.html"] = File(html.encode(), content_type="text/html")
    server.routes["/rain.mp3"] = File(audio["short"])
    resolver = Resolver()
    try:
        page = server.url("/page.html")
        run = Run(backend, [Track(page, "", kind=TrackKind.WEB, uid="w")], resolver=resolver)
        with qtbot.waitSignal(run.controller.queue_finished, timeout=30_000):
            run.controller.play()
        assert run.statuses[0][1] == "Resolving…"
        assert run.finished == ["w"]
        assert server.hit_count("/rain.mp3") >= 1
        assert run.track("w").uri == page
        assert run.track("w").title == "Night rain"
    finally:
        resolver.shutdown()


@pytest.mark.parametrize("route", ["hang", "stall"])
def test_stop_and_quit_on_a_dead_connection_are_quick_and_the_gui_never_stalls(
    qtbot: QtBot,
    server: LoopbackServer,
    audio: dict[str, bytes],
    route: str,
) -> None:
    server.routes["/hang"] = Hang()
    server.routes["/stall"] = Stall(audio["loop"], BITRATE, send_s=0.5)
    backend = VlcBackend(pcm_sink=PcmRecorder())
    run = Run(backend, [Track(server.url(f"/{route}"), "Dead", kind=TrackKind.RADIO, uid="d")])
    c = run.controller
    gaps: list[float] = []
    last = [time.monotonic()]

    def beat() -> None:
        now = time.monotonic()
        gaps.append(now - last[0])
        last[0] = now

    heartbeat = QTimer()
    heartbeat.setInterval(20)
    heartbeat.timeout.connect(beat)
    heartbeat.start()
    try:
        c.play()
        qtbot.wait(2500)  # connected (and, for "stall", fallen silent)
        began = time.monotonic()
        c.stop()
        stop_s = time.monotonic() - began
        c.play()
        qtbot.wait(2500)
        began = time.monotonic()
        c.shutdown()  # the app's quit order: controller, then the backend
        backend.release()
        quit_s = time.monotonic() - began
        qtbot.wait(100)
    finally:
        heartbeat.stop()
        _quit_controllers()
        backend.release()
    _figure("stop_s", round(stop_s, 4))
    _figure("quit_s", round(quit_s, 4))
    _figure("max_gap_s", round(max(gaps), 4))
    assert stop_s < 3.0
    assert quit_s < 3.0
    assert max(gaps) < 0.2
