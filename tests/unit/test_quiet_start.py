"""QuietStart gives the gain back when nothing could start, so the next Play is not silent."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from sleepplayer.core.model import Library, Playlist, Track
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.library import LibraryService
from sleepplayer.services.quiet_start import QuietStart
from tests.helpers.fake_backend import FakeBackend
from tests.helpers.fake_clock import FakeClock


def test_an_item_that_cannot_start_at_all_gives_the_gain_back(qtbot: QtBot) -> None:
    # libVLC's play() gave -1: an error with no state before it, the controller stays
    # Stopped and the queue ends. The gain must not stay at 0 for the next Play.
    backend = FakeBackend()
    track = Track("file:///night/broken.ogg", "Broken", uid="t")
    backend.refused_uris.add(track.uri)
    library = LibraryService(Library([Playlist("P", [track], uid="p")], "p"))
    controller = PlaybackController(backend, library, clock=FakeClock())
    controller.restore("p", "t", 0)
    quiet = QuietStart(controller)
    quiet.play()
    assert controller.fade_gain == 1.0
    assert not quiet.is_rising()
