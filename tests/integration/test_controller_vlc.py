"""The controller driving real libVLC, with what the user hears captured through amem."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sleepplayer.core.model import Library, Playlist, Track
from sleepplayer.playback.backend import PlayerState
from sleepplayer.playback.vlc_backend import VlcBackend
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.library import LibraryService
from tests.helpers.audio import (
    PcmRecorder,
    block_rms_db,
    expected_db,
    make_corrupt,
    make_tone,
    sine_rms_db,
)

pytestmark = pytest.mark.integration

AMPLITUDE = 0.5


@pytest.fixture
def recorder() -> PcmRecorder:
    return PcmRecorder()


@pytest.fixture
def backend(qapp: QApplication, recorder: PcmRecorder) -> Iterator[VlcBackend]:
    engine = VlcBackend(pcm_sink=recorder)
    yield engine
    engine.release()


def _controller(backend: VlcBackend, uris: list[str]) -> tuple[PlaybackController, LibraryService]:
    tracks = [Track(uri=u, uid=f"t{i}") for i, u in enumerate(uris)]
    library = LibraryService(Library([Playlist("P", tracks, uid="p")], "p"))
    return PlaybackController(backend, library), library


def _distinct(items: list[str]) -> list[str]:
    """Consecutive repeats folded: track_changed also fires when the track's details change."""
    return [x for i, x in enumerate(items) if i == 0 or x != items[i - 1]]


def _dominant_hz(samples: np.ndarray, rate: int = 48_000) -> float:
    spectrum = np.abs(np.fft.rfft(samples[:, 0]))
    return float(np.argmax(spectrum) * rate / len(samples))


def test_three_files_auto_advance_in_order(
    qtbot: QtBot, backend: VlcBackend, recorder: PcmRecorder, tmp_path: Path
) -> None:
    freqs = [300.0, 600.0, 900.0]
    uris = [make_tone(tmp_path / f"{int(f)}.wav", 4.0, f, AMPLITUDE).as_uri() for f in freqs]
    controller, _ = _controller(backend, uris)
    controller.set_volume(100)
    started: list[str] = []
    controller.track_changed.connect(lambda t: started.append(t.uri))
    with qtbot.waitSignal(controller.queue_finished, timeout=20_000):
        controller.play()
    assert _distinct(started) == uris
    assert controller.state == PlayerState.STOPPED
    # What was heard: each tone in turn, in the playlist's order.
    audio = recorder.samples()
    blocks = [audio[i : i + 9600] for i in range(0, len(audio) - 9600, 9600)]
    heard = [round(_dominant_hz(b) / 300) * 300 for b in blocks if np.abs(b).max() > 0.05]
    order = [f for i, f in enumerate(heard) if i == 0 or f != heard[i - 1]]
    assert order == [300, 600, 900]


def test_volume_follows_the_cubic_curve_and_is_kept_across_track_changes(
    qtbot: QtBot, backend: VlcBackend, recorder: PcmRecorder, tmp_path: Path
) -> None:
    uris = [make_tone(tmp_path / f"t{i}.wav", 4.0, 500, AMPLITUDE).as_uri() for i in range(3)]
    controller, _ = _controller(backend, uris)
    controller.set_volume(40)
    with qtbot.waitSignal(controller.queue_finished, timeout=30_000):
        controller.play()
    target = expected_db(sine_rms_db(AMPLITUDE), 40)
    levels = block_rms_db(recorder.samples(), 10)
    audible = levels[np.isfinite(levels) & (levels > target - 30)]
    assert len(audible) > 100
    # Never louder than the target, not even for one 10 ms block after a track change.
    assert audible.max() <= target + 0.5, f"loudest block {audible.max():.1f} dB > {target:.1f}"
    # And at the target, following libVLC's cubic curve, once playing.
    assert abs(float(np.median(audible)) - target) < 1.0


@pytest.mark.parametrize("broken", ["random", "zeros"])
def test_corrupt_file_is_skipped_marked_and_reported(
    qtbot: QtBot, backend: VlcBackend, tmp_path: Path, broken: str
) -> None:
    # Zeros named .mp3 "decode" a block that never plays (the trial: --headless went on as
    # if it had played, and exited 0).
    bad = tmp_path / "broken.mp3"
    if broken == "zeros":
        bad.write_bytes(bytes(100_000))
    else:
        make_corrupt(bad)
    uris = [
        make_tone(tmp_path / "a.wav", 0.5, 440, AMPLITUDE).as_uri(),
        bad.as_uri(),
        make_tone(tmp_path / "c.wav", 0.5, 440, AMPLITUDE).as_uri(),
    ]
    controller, library = _controller(backend, uris)
    messages: list[str] = []
    controller.problem.connect(messages.append)
    started: list[str] = []
    controller.track_changed.connect(lambda t: started.append(t.uid))
    with qtbot.waitSignal(controller.queue_finished, timeout=20_000):
        controller.play()
    assert _distinct(started) == ["t0", "t1", "t2"]
    assert messages and "broken" in messages[0]
    playlist = library.playlist("p")
    assert playlist is not None and len(playlist.tracks) == 3
    assert playlist.tracks[1].unavailable and not playlist.tracks[2].unavailable


def test_a_corrupt_file_that_took_over_gives_back_what_played_where_it_was(
    qtbot: QtBot, backend: VlcBackend, recorder: PcmRecorder, tmp_path: Path
) -> None:
    # libVLC reports a corrupt file as Playing, then its end: the way back must outlive that.
    tone = make_tone(tmp_path / "tone.wav", 30.0, 440, AMPLITUDE).as_uri()
    controller, library = _controller(backend, [tone])
    broken = Track(make_corrupt(tmp_path / "broken.mp3").as_uri(), uid="b")
    library.restore_playlist(1, Playlist("Opened files", [broken], uid="o"))
    with qtbot.waitSignal(controller.state_changed, timeout=10_000):
        controller.play()
    qtbot.waitUntil(lambda: backend.position_ms() > 1_500, timeout=10_000)
    messages: list[str] = []
    controller.problem.connect(messages.append)
    at_ms = controller.position_ms()
    controller.play_playlist("o", back_if_unplayable=True)
    qtbot.waitUntil(lambda: any("plays on" in m for m in messages), timeout=10_000)
    qtbot.waitUntil(lambda: controller.state is PlayerState.PLAYING, timeout=10_000)
    track = controller.current_track
    assert controller.current_playlist_uid == "p" and track is not None and track.uri == tone
    qtbot.waitUntil(lambda: backend.position_ms() > at_ms, timeout=10_000)
    assert backend.position_ms() < at_ms + 5_000  # where it was, not from the start
    assert messages[-1] == "Nothing in “Opened files” could play; “tone” plays on."
