"""QuietStart against the fake engine: a start nobody asked for begins silent, rises only once
the sound is really there, and never leaves the gain at 0 when it never sounded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from sleepplayer.core.fade import engine_volume
from sleepplayer.core.fade_window import RAMP_UP_S
from sleepplayer.core.model import Library, Playlist, Track
from sleepplayer.playback.backend import PlayerState
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.library import LibraryService
from sleepplayer.services.quiet_start import QuietStart
from tests.helpers.fake_backend import FakeBackend
from tests.helpers.fake_clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def controller(backend: FakeBackend) -> Iterator[PlaybackController]:
    track = Track(uri="file:///music/rain.ogg", title="Rain", uid="t0")
    library = LibraryService(Library([Playlist("P", [track], uid="p")], current_uid="p"))
    c = PlaybackController(backend, library)
    c.set_volume(40)
    c.restore("p", "t0", 0)
    yield c
    c.shutdown()  # before the engine is released: no volume check after it


def _volumes(backend: FakeBackend) -> list[int]:
    return [args[0] for name, args in backend.calls if name == "set_volume"]


def test_silent_until_the_sound_is_there_then_it_rises_to_the_users_volume(
    qtbot: QtBot, controller: PlaybackController, backend: FakeBackend, clock: FakeClock
) -> None:
    quiet = QuietStart(controller, clock=clock)
    backend.hold_opening = True  # a stream that takes its time to open
    quiet.play()
    assert controller.fade_gain == 0.0
    clock.now += RAMP_UP_S * 2  # the opening took longer than the whole ramp
    backend.complete_opening()
    assert controller.state is PlayerState.PLAYING
    assert backend.volume() == 0  # the ramp starts with the sound, not with the request
    clock.now += RAMP_UP_S / 2
    qtbot.waitUntil(lambda: 0 < backend.volume() < engine_volume(40), timeout=2000)
    clock.now += RAMP_UP_S / 2
    qtbot.waitUntil(lambda: controller.fade_gain == 1.0, timeout=2000)
    assert backend.volume() == engine_volume(40)
    assert _volumes(backend) == sorted(_volumes(backend))  # only ever up
    assert not quiet.is_rising()


def test_a_start_that_never_sounds_gives_the_gain_back(
    controller: PlaybackController, backend: FakeBackend, clock: FakeClock
) -> None:
    quiet = QuietStart(controller, clock=clock)
    backend.hold_opening = True
    quiet.play()
    controller.stop()  # the user gave up on it
    assert controller.fade_gain == 1.0  # the next press of Play is not silent
    assert not quiet.is_rising()


def test_it_never_rises_above_the_sleep_timers_gain(
    qtbot: QtBot, controller: PlaybackController, backend: FakeBackend, clock: FakeClock
) -> None:
    quiet = QuietStart(controller, cap=lambda: 0.5, clock=clock)
    quiet.play()
    clock.now += RAMP_UP_S
    qtbot.waitUntil(lambda: not quiet.is_rising(), timeout=2000)
    assert controller.fade_gain == 0.5


def test_an_item_that_cannot_start_at_all_gives_the_gain_back(backend: FakeBackend) -> None:
    # libVLC's play() gave -1: an error with no state before it, the controller stays
    # Stopped and the queue ends. The gain must not stay at 0 for the next Play.
    track = Track("file:///night/broken.ogg", "Broken", uid="t")
    backend.refused_uris.add(track.uri)
    library = LibraryService(Library([Playlist("P", [track], uid="p")], "p"))
    controller = PlaybackController(backend, library, clock=FakeClock())
    controller.restore("p", "t", 0)
    quiet = QuietStart(controller)
    quiet.play()
    assert controller.fade_gain == 1.0
    assert not quiet.is_rising()
    controller.shutdown()
