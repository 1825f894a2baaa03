"""No libVLC call ever happens off the owner thread, in particular not on libVLC's event thread."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from sleepplayer.playback.backend import PlayerState
from sleepplayer.playback.vlc_backend import VlcBackend
from tests.helpers.audio import NullSink, make_corrupt, make_tone

pytestmark = pytest.mark.integration

WAIT_MS = 15_000


def test_guard_notices_a_call_from_another_thread() -> None:
    backend = VlcBackend(pcm_sink=NullSink())
    try:
        worker = threading.Thread(target=backend.position_ms, name="not-the-owner")
        worker.start()
        worker.join()
        assert backend.thread_violations == [("position_ms", "not-the-owner")]
    finally:
        backend.release()


def test_no_libvlc_call_off_the_owner_thread_during_real_playback(
    qtbot: QtBot, tmp_path: Path
) -> None:
    a = make_tone(tmp_path / "a.wav", 2.0, 440, 0.3).as_uri()
    short = make_tone(tmp_path / "short.wav", 0.5, 440, 0.3).as_uri()
    loop = make_tone(tmp_path / "loop.wav", 0.5, 440, 0.3).as_uri()
    corrupt = make_corrupt(tmp_path / "corrupt.mp3").as_uri()
    missing = (tmp_path / "missing.wav").as_uri()
    backend = VlcBackend(pcm_sink=NullSink())
    # Slots that call back into the backend from every signal, as a controller does: if any
    # signal were delivered on the libVLC thread, these calls would be recorded as violations.
    backend.state_changed.connect(lambda _state: backend.position_ms())
    backend.length_changed.connect(lambda _ms: backend.is_seekable())
    backend.audio_output_changed.connect(lambda: backend.set_volume(50))
    try:
        with qtbot.waitSignal(backend.audio_output_changed, timeout=WAIT_MS):
            backend.load(a)
            backend.play()
        for uri in (short,):  # a track change, then its end
            with qtbot.waitSignal(backend.end_reached, timeout=WAIT_MS):
                backend.load(uri)
                backend.play()
        for uri in (corrupt, missing):
            with qtbot.waitSignal(backend.error_occurred, timeout=WAIT_MS):
                backend.load(uri)
                backend.play()
        with qtbot.waitSignal(
            backend.state_changed,
            timeout=WAIT_MS,
            check_params_cb=lambda s: s == PlayerState.PLAYING,
        ):
            backend.load(loop, loop=True)
            backend.play()
        qtbot.wait(1500)  # loops run on libVLC's threads meanwhile
        backend.seek(100)
        backend.pause()
        qtbot.waitUntil(lambda: backend.state() == PlayerState.PAUSED, timeout=WAIT_MS)
        backend.stop()
        assert backend.thread_violations == []
    finally:
        backend.release()
