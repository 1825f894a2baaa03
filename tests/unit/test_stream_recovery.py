"""The controller's network-item policy on the fake backend: watchdog, reconnect, resume,
give up, resolve, prefetch, titles. Retry delays are shortened; the watchdog is driven by hand
on a fake clock (its own timer never fires in these tests)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from sleepplayer.core.backoff import RetryPolicy
from sleepplayer.core.fade import engine_volume
from sleepplayer.core.model import Library, Playlist, Track, TrackKind
from sleepplayer.playback.backend import PlayerState
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.library import LibraryService
from sleepplayer.services.stream_watchdog import StreamWatchdog
from tests.helpers.fake_backend import FakeBackend
from tests.helpers.fake_clock import FakeClock
from tests.helpers.fake_resolver import FakeResolver, media

WAIT_MS = 3000
FAST = RetryPolicy(delays=(0.01, 0.02, 0.03), then_every_s=0.03, give_up_after_s=0.5)

RADIO = Track("http://127.0.0.1:8000/live", "Radio", kind=TrackKind.RADIO, uid="radio")
FILE = Track("http://127.0.0.1/a.mp3", "A stream", kind=TrackKind.STREAM, uid="stream")
WEB = Track("http://127.0.0.1/page.html", "Page", kind=TrackKind.WEB, uid="web")
WEB2 = Track("http://127.0.0.1/page2.html", "Page 2", kind=TrackKind.WEB, uid="web2")
LOCAL = Track("file:///music/local.ogg", "Local", uid="local")


class Rig:
    def __init__(self, tracks: list[Track], qtbot: QtBot, policy: RetryPolicy = FAST) -> None:
        self.clock = FakeClock()
        self.backend = FakeBackend()
        self.resolver = FakeResolver()
        self.library = LibraryService(Library([Playlist("P", tracks, uid="p")], "p"))
        self.watchdog = StreamWatchdog(clock=self.clock, check_ms=10**8)
        self.controller = PlaybackController(
            self.backend,
            self.library,
            clock=self.clock,
            resolver=self.resolver,
            watchdog=self.watchdog,
            retry=policy,
        )
        self.controller.set_volume(80)
        self.statuses: list[str] = []
        self.controller.status_text_changed.connect(self.statuses.append)
        self.messages: list[str] = []
        self.controller.problem.connect(self.messages.append)
        self.finished: list[str] = []
        self.controller.track_finished.connect(self.finished.append)
        self.qtbot = qtbot

    def play(self, uid: str) -> None:
        self.controller.play_track("p", uid)

    def tick(self, seconds: int, play: bool = True) -> None:
        """Seconds of wall clock pass, the engine plays them (unless stalled), and the
        watchdog checks once per second."""
        for _ in range(seconds):
            self.clock.now += 1
            if play:
                self.backend.advance(1000)
            self.watchdog.check()

    def loads(self) -> list[str]:
        return [args[0] for name, args in self.backend.calls if name == "load"]

    def wait_playing(self) -> None:
        self.qtbot.waitUntil(lambda: self.controller.state == PlayerState.PLAYING, timeout=WAIT_MS)

    def wait_status(self, part: str) -> None:
        self.qtbot.waitUntil(lambda: any(part in s for s in self.statuses), timeout=WAIT_MS)

    def state(self) -> PlayerState:
        return self.controller.state

    def track(self, uid: str) -> Track:
        playlist = self.library.playlist("p")
        assert playlist is not None
        return playlist.tracks[playlist.index_of(uid)]


RigFactory = Callable[..., Rig]


@pytest.fixture
def rig_factory(qtbot: QtBot) -> RigFactory:
    def make(tracks: list[Track], policy: RetryPolicy = FAST) -> Rig:
        return Rig(tracks, qtbot, policy)

    return make


def test_live_end_reconnects_and_never_advances(rig_factory: RigFactory) -> None:
    rig: Rig = rig_factory([RADIO, LOCAL])
    rig.backend.lengths[RADIO.uri] = 0
    rig.play("radio")
    rig.tick(3)
    rig.backend.simulate_end()
    assert rig.state() == PlayerState.BUFFERING
    assert rig.statuses[-1] == "Reconnecting in 1 s (attempt 1)"
    rig.wait_playing()
    assert rig.loads() == [RADIO.uri, RADIO.uri]
    assert rig.controller.current_track is not None
    assert rig.controller.current_track.uid == "radio"
    assert rig.finished == []
    assert rig.controller.status_text == ""


def test_live_retries_on_the_schedule_then_gives_up_and_advances(rig_factory: RigFactory) -> None:
    rig: Rig = rig_factory([RADIO, LOCAL])
    rig.backend.lengths[RADIO.uri] = 0
    rig.play("radio")
    rig.backend.broken_uris.add(RADIO.uri)  # the server is gone: every attempt errors
    rig.backend.simulate_end()
    for attempt in range(2, 7):
        rig.wait_status(f"(attempt {attempt})")
        rig.clock.now += 0.1  # time goes by between attempts: 0.5 s gives it up
    rig.qtbot.waitUntil(lambda: rig.loads()[-1] == LOCAL.uri, timeout=WAIT_MS)
    assert rig.track("radio").unavailable
    assert any("Radio" in m for m in rig.messages)
    assert rig.controller.status_text == ""


def test_watchdog_stall_starts_a_reconnect_after_8_s(rig_factory: RigFactory) -> None:
    rig: Rig = rig_factory([RADIO])
    rig.backend.lengths[RADIO.uri] = 0
    rig.play("radio")
    rig.tick(5)
    rig.backend.stalled = True
    rig.tick(7, play=False)
    assert rig.state() == PlayerState.PLAYING  # 7 s without progress: not yet
    rig.tick(1, play=False)
    assert rig.state() == PlayerState.BUFFERING
    assert rig.statuses[-1].startswith("Reconnecting in")
    rig.backend.stalled = False
    rig.wait_playing()
    assert rig.loads() == [RADIO.uri, RADIO.uri]


def test_the_song_of_a_dropped_station_is_not_shown_while_it_reconnects(
    rig_factory: RigFactory,
) -> None:
    rig: Rig = rig_factory([RADIO])
    rig.backend.lengths[RADIO.uri] = 0
    rig.backend.stream_title = "Rain - Part 1"
    rig.play("radio")
    rig.tick(2)
    assert rig.controller.stream_title == "Rain - Part 1"
    rig.backend.stalled = True
    rig.tick(8, play=False)
    assert rig.state() == PlayerState.BUFFERING
    assert rig.controller.stream_title == ""  # nothing plays: the window says "Reconnecting"
    rig.backend.stalled = False
    rig.wait_playing()
    rig.tick(1)
    assert rig.controller.stream_title == "Rain - Part 1"  # back, and so is its song


def test_a_link_that_plays_a_moment_then_fails_each_time_is_given_up(
    rig_factory: RigFactory,
) -> None:
    # The trial: a page served as "page.mp3" reached Playing for a moment each time, which
    # reset the count: "Reconnecting in 1 s (attempt 1)" every second, all night, in silence.
    rig: Rig = rig_factory([FILE, LOCAL])
    rig.backend.lengths[FILE.uri] = 60_000
    rig.play("stream")
    for _ in range(10):
        rig.wait_playing()
        current = rig.controller.current_track
        if current is None or current.uid != "stream":
            break
        rig.backend.simulate_error()
    assert rig.loads().count(FILE.uri) == 1 + FAST.finite_attempts
    assert [s for s in rig.statuses if s.startswith("Reconnecting (attempt")] == [
        f"Reconnecting (attempt {n})…" for n in range(1, FAST.finite_attempts + 1)
    ]
    assert rig.track("stream").unavailable  # given up, marked, and the next one plays
    assert rig.loads()[-1] == LOCAL.uri


def test_a_link_that_played_long_enough_starts_a_new_count(rig_factory: RigFactory) -> None:
    rig: Rig = rig_factory([RADIO])
    rig.backend.lengths[RADIO.uri] = 0
    rig.play("radio")
    rig.backend.simulate_error()
    rig.wait_playing()
    rig.clock.now += FAST.proven_after_s + 1  # it plays: the drop after is a new one
    rig.backend.simulate_error()

    def attempts() -> list[str]:
        return [s for s in rig.statuses if s.startswith("Reconnecting (attempt")]

    rig.qtbot.waitUntil(lambda: len(attempts()) == 2, timeout=WAIT_MS)
    assert attempts() == ["Reconnecting (attempt 1)…", "Reconnecting (attempt 1)…"]


def test_watchdog_rests_while_paused_and_for_local_files(rig_factory: RigFactory) -> None:
    rig: Rig = rig_factory([RADIO, LOCAL])
    rig.backend.lengths[RADIO.uri] = 0
    rig.play("radio")
    assert rig.watchdog.armed
    rig.controller.pause()
    assert not rig.watchdog.armed
    rig.tick(20, play=False)
    assert rig.state() == PlayerState.PAUSED
    rig.controller.play()
    assert rig.watchdog.armed
    rig.play("local")
    assert not rig.watchdog.armed


def test_a_hanging_connect_counts_as_a_stall(rig_factory: RigFactory) -> None:
    rig: Rig = rig_factory([RADIO])
    rig.backend.hold_opening = True  # the server accepted and never answers
    rig.play("radio")
    assert rig.state() == PlayerState.OPENING
    rig.tick(8, play=False)
    assert rig.state() == PlayerState.BUFFERING


def test_finite_stream_cut_off_resumes_at_its_position(rig_factory: RigFactory) -> None:
    rig: Rig = rig_factory([FILE, LOCAL])
    rig.backend.lengths[FILE.uri] = 60_000
    rig.play("stream")
    rig.tick(20)
    rig.backend.simulate_end()  # 40 s early: the connection was cut
    assert rig.finished == []
    rig.wait_playing()
    assert rig.loads() == [FILE.uri, FILE.uri]
    assert ("seek", (20_000,)) in rig.backend.calls
    assert rig.backend.position_ms() == 20_000


def test_finite_stream_natural_end_advances(rig_factory: RigFactory) -> None:
    rig: Rig = rig_factory([FILE, LOCAL])
    rig.backend.lengths[FILE.uri] = 10_000
    rig.play("stream")
    rig.tick(10)
    assert rig.loads() == [FILE.uri, LOCAL.uri]
    assert rig.finished == ["stream"]


def test_finite_stream_gives_up_after_5_attempts(rig_factory: RigFactory) -> None:
    rig: Rig = rig_factory([FILE, LOCAL])
    rig.backend.broken_uris.add(FILE.uri)  # a 404: libVLC reports an error at once
    rig.play("stream")
    rig.qtbot.waitUntil(lambda: rig.loads()[-1] == LOCAL.uri, timeout=WAIT_MS)
    assert rig.loads().count(FILE.uri) == 1 + 5
    assert rig.track("stream").unavailable
    assert any("A stream" in m for m in rig.messages)


def test_volume_on_return_is_the_effective_volume_then(rig_factory: RigFactory) -> None:
    rig: Rig = rig_factory([RADIO])
    rig.backend.lengths[RADIO.uri] = 0
    rig.play("radio")
    assert rig.backend.volume() == engine_volume(80)
    rig.backend.simulate_end()
    rig.controller.set_fade_gain(0.4)  # the sleep timer's fade went on during the outage
    volumes: list[int] = []
    rig.backend.audio_output_changed.connect(lambda: volumes.append(rig.backend.volume()))
    rig.wait_playing()
    assert rig.backend.volume() == engine_volume(80, 0.4)
    assert volumes == [engine_volume(80, 0.4)]  # set before anyone else heard of the output
    assert rig.backend.calls[-1] == ("set_volume", (engine_volume(80, 0.4),))


def test_stop_and_pause_end_a_recovery(rig_factory: RigFactory) -> None:
    rig: Rig = rig_factory([RADIO])
    rig.backend.lengths[RADIO.uri] = 0
    rig.play("radio")
    rig.backend.simulate_end()
    rig.controller.pause()
    assert rig.state() == PlayerState.PAUSED
    assert rig.controller.status_text == ""
    rig.qtbot.wait(100)  # longer than the retry delay: nothing happens
    assert rig.loads() == [RADIO.uri]
    rig.controller.play()
    assert rig.loads() == [RADIO.uri, RADIO.uri]
    rig.backend.simulate_end()
    rig.controller.stop()
    assert rig.state() == PlayerState.STOPPED
    rig.qtbot.wait(100)
    assert len(rig.loads()) == 2
    assert rig.controller.status_text == ""


def test_icy_title_is_polled_shown_and_never_saved(rig_factory: RigFactory) -> None:
    rig: Rig = rig_factory([RADIO])
    rig.backend.lengths[RADIO.uri] = 0
    rig.backend.stream_title = "Rain - Part 1"
    titles: list[str] = []
    rig.controller.stream_title_changed.connect(titles.append)
    rig.play("radio")
    rig.tick(1)
    rig.backend.stream_title = "Rain - Part 2"
    rig.tick(2)
    assert titles == ["Rain - Part 1", "Rain - Part 2"]
    assert rig.controller.stream_title == "Rain - Part 2"
    assert rig.track("radio").title == "Radio"
    rig.controller.stop()
    assert titles[-1] == ""


def test_web_item_resolves_then_plays_with_its_headers(rig_factory: RigFactory) -> None:
    rig: Rig = rig_factory([WEB])
    headers = {"User-Agent": "UA/1", "Referer": "http://127.0.0.1/"}
    rig.resolver.pages[WEB.uri] = media(WEB.uri, "http://127.0.0.1/s1.m4a", headers=headers)
    rig.play("web")
    assert rig.state() == PlayerState.OPENING
    assert rig.controller.status_text == "Resolving…"
    assert rig.loads() == []
    rig.wait_playing()
    assert rig.loads() == ["http://127.0.0.1/s1.m4a"]
    assert rig.backend.headers == headers
    assert rig.controller.status_text == ""
    assert rig.statuses == ["Resolving…", ""]
    # The page stays in the playlist; the stream URL is never saved.
    assert rig.track("web").uri == WEB.uri


def test_web_item_from_the_cache_plays_at_once(rig_factory: RigFactory) -> None:
    rig: Rig = rig_factory([WEB])
    rig.resolver.cache[WEB.uri] = media(WEB.uri, "http://127.0.0.1/cached.m4a")
    rig.play("web")
    assert rig.loads() == ["http://127.0.0.1/cached.m4a"]
    assert rig.statuses == []


def test_expired_cache_entry_is_resolved_again(rig_factory: RigFactory) -> None:
    rig: Rig = rig_factory([WEB])
    rig.resolver.cache[WEB.uri] = media(WEB.uri, "http://127.0.0.1/old.m4a", expires_at=900)
    rig.resolver.pages[WEB.uri] = media(WEB.uri, "http://127.0.0.1/new.m4a")
    rig.play("web")
    rig.wait_playing()
    assert rig.loads() == ["http://127.0.0.1/new.m4a"]


def test_web_error_re_resolves_with_force_and_seeks_back(rig_factory: RigFactory) -> None:
    rig: Rig = rig_factory([WEB, LOCAL])
    old, new = "http://127.0.0.1/old.m4a", "http://127.0.0.1/new.m4a"
    rig.resolver.pages[WEB.uri] = media(WEB.uri, old)
    rig.play("web")
    rig.wait_playing()
    rig.tick(25)
    rig.resolver.pages[WEB.uri] = media(WEB.uri, new)
    rig.backend.simulate_error()  # the link expired: a 403
    rig.qtbot.waitUntil(lambda: rig.loads()[-1] == new, timeout=WAIT_MS)
    rig.wait_playing()
    assert rig.resolver.requests[-1][1:] == (WEB.uri, True)
    assert ("seek", (25_000,)) in rig.backend.calls
    assert rig.controller.current_track == rig.track("web")


def test_web_resolve_failure_marks_unavailable_and_advances(rig_factory: RigFactory) -> None:
    rig: Rig = rig_factory([WEB, LOCAL])
    rig.resolver.pages[WEB.uri] = "This page has no playable audio"
    rig.play("web")
    rig.qtbot.waitUntil(lambda: rig.loads() == [LOCAL.uri], timeout=WAIT_MS)
    assert rig.track("web").unavailable == "This page has no playable audio"
    assert rig.controller.status_text == ""
    assert any("Page" in m for m in rig.messages)


def test_live_web_item_reconnects(rig_factory: RigFactory) -> None:
    rig: Rig = rig_factory([WEB, LOCAL])
    stream = "http://127.0.0.1/live.m3u8"
    rig.resolver.pages[WEB.uri] = media(WEB.uri, stream, duration_ms=None, is_live=True)
    rig.backend.lengths[stream] = 0
    rig.play("web")
    rig.wait_playing()
    rig.backend.simulate_end()
    rig.qtbot.waitUntil(lambda: rig.loads() == [stream, stream], timeout=WAIT_MS)
    assert rig.finished == []


def test_next_web_item_is_prefetched_30_s_before_the_end(rig_factory: RigFactory) -> None:
    rig: Rig = rig_factory([LOCAL, WEB2])
    rig.backend.lengths[LOCAL.uri] = 30_050  # the prefetch is due 50 ms after the start
    rig.resolver.pages[WEB2.uri] = media(WEB2.uri, "http://127.0.0.1/next.m4a")
    rig.play("local")
    rig.qtbot.waitUntil(lambda: len(rig.resolver.requests) == 1, timeout=WAIT_MS)
    assert rig.resolver.requests[0][1:] == (WEB2.uri, False)
    rig.qtbot.waitUntil(lambda: WEB2.uri in rig.resolver.cache, timeout=WAIT_MS)
    rig.backend.simulate_end()  # natural end (a local file): the next one starts at once
    assert rig.loads() == [LOCAL.uri, "http://127.0.0.1/next.m4a"]
    assert rig.statuses == []


def test_no_prefetch_long_before_the_end(rig_factory: RigFactory) -> None:
    rig: Rig = rig_factory([LOCAL, WEB2])
    rig.backend.lengths[LOCAL.uri] = 600_000
    rig.play("local")
    rig.qtbot.wait(100)
    assert rig.resolver.requests == []


def test_a_file_stream_of_unknown_length_ends_and_advances(rig_factory: RigFactory) -> None:
    # Ogg from a server without ranges: libVLC cannot tell the length. Its end is the end:
    # reconnecting replayed it from the start, forever, and the playlist never moved on.
    rig: Rig = rig_factory([FILE, LOCAL])
    rig.backend.lengths[FILE.uri] = 0
    rig.play("stream")
    rig.tick(6)
    rig.backend.simulate_end(read_to_end=True)  # to the last byte of its Content-Length
    assert rig.loads() == [FILE.uri, LOCAL.uri]
    assert rig.finished == ["stream"]


@pytest.mark.parametrize("kind", ["hls", "no titles", "titles"])
def test_a_stream_of_unknown_length_that_is_live_reconnects(
    rig_factory: RigFactory, kind: str
) -> None:
    # Live HLS, or a station behind an address that looks like a file: its connection was
    # cut (no size was ever known), or it sent titles (a station, whatever its end said).
    uri = "http://127.0.0.1/live.m3u8" if kind == "hls" else "http://127.0.0.1/station.mp3"
    live = Track(uri, "Live", kind=TrackKind.STREAM, uid="live")
    rig: Rig = rig_factory([live, LOCAL])
    rig.backend.lengths[uri] = 0
    if kind == "titles":
        rig.backend.stream_title = "Rain - Part 1"
    rig.play("live")
    rig.tick(3)
    rig.backend.stream_title = ""  # the station is gone: so are its titles
    rig.backend.simulate_end(read_to_end=kind == "titles")
    rig.wait_playing()
    assert rig.loads() == [uri, uri]
    assert rig.finished == []
