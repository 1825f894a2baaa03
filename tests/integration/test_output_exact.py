"""What reaches the sound server is the file itself, heard through a real PulseAudio null sink.

PulseAudio takes each stream at the file's own rate (and corrects clock drift itself), so
nothing in libVLC needs to resample. Its default resampler (libsamplerate) filtered every
decoded block all the same: full-band noise came out changed, and that filter cost a third of
libVLC's CPU.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from sleepplayer.playback.vlc_backend import VlcBackend
from tests.helpers.audio import (
    CHANNELS,
    LSB,
    RATE,
    encode_float_wav,
    find_loop_starts,
    read_wav,
    write_wav,
)
from tests.helpers.desktop_env import PulseAudio, Recording

pytestmark = pytest.mark.integration

WAIT_MS = 15_000


def test_a_file_at_the_output_rate_reaches_it_sample_for_sample(
    qtbot: QtBot, pulse: PulseAudio, pulse_backend: VlcBackend, tmp_path: Path
) -> None:
    # Full-band noise, where a resampler's filter shows most, decoded to floats (as Opus is).
    noise = np.random.default_rng(7).uniform(-0.5, 0.5, size=(4 * RATE, CHANNELS))
    source = read_wav(write_wav(tmp_path / "noise.wav", noise))
    played = encode_float_wav(tmp_path / "noise.wav", tmp_path / "noise-float.wav")
    recording = Recording(pulse)
    recording.wait_live()
    pulse_backend.set_volume(100)
    pulse_backend.load(played.as_uri())
    pulse_backend.play()
    qtbot.waitUntil(lambda: pulse_backend.position_ms() > 3000, timeout=WAIT_MS)
    heard = recording.stop_after(0.5).reshape(-1, CHANNELS)

    # Found by 20 ms from 1 s in (the first few ms of a start may be cut), then compared for 2 s.
    second = source[RATE:]
    starts = find_loop_starts(heard, second, tolerance=LSB)
    assert starts, "1 s into the file, 20 ms never came out as they are in the file"
    heard_second = heard[starts[0] : starts[0] + 2 * RATE]
    assert len(heard_second) == 2 * RATE
    # Within one step of 16 bits: the sound server's float-to-integer rounding for its sink.
    assert float(np.max(np.abs(heard_second - second[: 2 * RATE]))) <= LSB
