"""A seek in an Ogg Vorbis file lands where it was asked, heard through a real PulseAudio null
sink. libVLC 3.0.24's seek by time ended such a file at once, or landed tens of seconds off
(the trial: a night resumed at 2:18 instead of 1:32); the engine seeks Ogg by position."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from sleepplayer.playback.backend import PlayerState
from sleepplayer.playback.vlc_backend import VlcBackend
from tests.helpers.audio import RATE, encode_vorbis, write_wav
from tests.helpers.desktop_env import PulseAudio, Recording

pytestmark = pytest.mark.integration

SEGMENT_S = 5
SEGMENTS = 8
WAIT_MS = 15_000


def _segment_heard(samples: np.ndarray) -> float:
    """Which segment's tone was heard (segment n is 300 + 100 n Hz), in the loudest 0.2 s of
    the recording: under load the sound server may play a moment of zeros after a seek."""
    left = samples[: len(samples) // 2 * 2].reshape(-1, 2)[:, 0]
    windows = [left[i : i + 9600] for i in range(0, len(left) - 9600 + 1, 4800)]
    loudest = max(windows, key=lambda w: float(np.mean(w**2)))
    spectrum = np.abs(np.fft.rfft(loudest * np.hanning(len(loudest))))
    freq = float(np.argmax(spectrum)) * 48_000 / len(loudest)
    return (freq - 300) / 100


def _wait_past(qtbot: QtBot, pulse_backend: VlcBackend, position_ms: int) -> None:
    qtbot.waitUntil(lambda: pulse_backend.position_ms() > position_ms, timeout=WAIT_MS)


def _record(qtbot: QtBot, pulse: PulseAudio, seconds: float) -> np.ndarray:
    recording = Recording(pulse)
    qtbot.waitUntil(lambda: recording.recorded_s() > seconds, timeout=WAIT_MS)
    return recording.stop_after(0)


@pytest.fixture
def tones(tmp_path: Path) -> Path:
    t = np.arange(SEGMENT_S * RATE) / RATE
    tone = np.concatenate([0.4 * np.sin(2 * np.pi * (300 + 100 * n) * t) for n in range(SEGMENTS)])
    wav = write_wav(tmp_path / "tones.wav", np.column_stack([tone, tone]))
    return encode_vorbis(wav, tmp_path / "tones.ogg")


def test_a_seek_in_an_ogg_vorbis_file_lands_where_asked(
    qtbot: QtBot, pulse: PulseAudio, pulse_backend: VlcBackend, tones: Path
) -> None:
    pulse_backend.set_volume(100)
    pulse_backend.load(tones.as_uri())
    pulse_backend.play()
    qtbot.waitUntil(lambda: pulse_backend.position_ms() > 500, timeout=WAIT_MS)
    for segment in (6, 3, 1):
        target = segment * SEGMENT_S * 1000 + 1500
        pulse_backend.seek(target)
        _wait_past(qtbot, pulse_backend, target + 300)
        heard = _segment_heard(_record(qtbot, pulse, 1.5))
        assert pulse_backend.state() == PlayerState.PLAYING, f"seek to segment {segment}: ended"
        assert abs(heard - segment) < 0.3, f"seek to segment {segment}: heard {heard:.1f}"


def test_a_start_at_a_position_in_an_ogg_vorbis_file_lands_there(
    qtbot: QtBot, pulse: PulseAudio, pulse_backend: VlcBackend, tones: Path
) -> None:
    # A restored or parked position: the input is held at its start and sought like any seek
    # (libVLC's :start-time is the same seek by time that ends such a file or lands far off).
    pulse_backend.set_volume(100)
    target = 5 * SEGMENT_S * 1000 + 1500
    pulse_backend.load(tones.as_uri(), start_ms=target)
    pulse_backend.play()
    _wait_past(qtbot, pulse_backend, target + 300)
    heard = _segment_heard(_record(qtbot, pulse, 1.5))
    assert pulse_backend.state() == PlayerState.PLAYING, "ended"
    assert abs(heard - 5) < 0.3, f"heard segment {heard:.1f}"
