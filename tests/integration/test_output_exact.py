"""What reaches the sound server is the file itself, heard through a real PulseAudio null sink.

PulseAudio takes each stream at the file's own rate, so libVLC has no rate to change; its
resampler runs on every block all the same. The default one (libsamplerate) filtered every
sample even so: full-band noise came out changed, and that filter cost a third of libVLC's
CPU. The engine asks for SoX's resampler, which passes the samples through while the rates
match (libVLC resamples only to correct a clock drift, by a few Hz for a few seconds).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
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
from tests.helpers.desktop_env import PulseAudio, live_recording

pytestmark = pytest.mark.integration

WAIT_MS = 15_000


def longest_exact_run(heard: npt.NDArray[np.float64], source: npt.NDArray[np.float64]) -> int:
    """The most frames in a row that came out as the file has them (within one 16-bit step,
    the sound server's float-to-integer rounding for its sink). Found from 20 ms probes every
    0.25 s of the file, so a drift correction somewhere in the recording (a few seconds
    resampled, the alignment shifted after it) cannot hide the runs before and after it."""
    best = 0
    for probe in range(RATE // 4, len(source) - RATE, RATE // 4):
        for at in find_loop_starts(heard, source[probe:], tolerance=LSB):
            offset = at - probe
            first, last = max(0, -offset), min(len(source), len(heard) - offset)
            exact = np.all(
                np.abs(heard[first + offset : last + offset] - source[first:last]) <= LSB, axis=1
            )
            edges = np.flatnonzero(np.diff(np.concatenate(([0], exact.astype(np.int8), [0]))))
            best = max(best, int(np.max(edges[1::2] - edges[::2], initial=0)))
    return best


def test_a_file_at_the_output_rate_reaches_it_sample_for_sample(
    qtbot: QtBot, pulse: PulseAudio, pulse_backend: VlcBackend, tmp_path: Path
) -> None:
    # Full-band noise, where a resampler's filter shows most, decoded to floats (as Opus is).
    noise = np.random.default_rng(7).uniform(-0.5, 0.5, size=(4 * RATE, CHANNELS))
    source = read_wav(write_wav(tmp_path / "noise.wav", noise))
    played = encode_float_wav(tmp_path / "noise.wav", tmp_path / "noise-float.wav")
    recording = live_recording(pulse, qtbot)
    pulse_backend.set_volume(100)
    pulse_backend.load(played.as_uri())
    pulse_backend.play()
    qtbot.waitUntil(lambda: pulse_backend.position_ms() > 3000, timeout=WAIT_MS)
    heard = recording.stop_after(0.5).reshape(-1, CHANNELS)

    run = longest_exact_run(heard, source)
    # libsamplerate: no run at all. (So also where libVLC has no soxr plugin.)
    assert run >= RATE, f"at most {run / RATE:.3f} s came out as in the file (soxr plugin?)"
