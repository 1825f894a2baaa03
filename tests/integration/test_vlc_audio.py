"""What real libVLC makes audible, captured through amem (``VlcBackend(pcm_sink=...)``).

amem receives the samples after libVLC's volume, so the captured level is what a user hears.
It also runs ahead of real time (decoding is not paced by a sound card), so a change made at
capture frame N affects frames from about N on; each check skips a short margin after a mark.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from sleepplayer.playback.backend import PlayerState
from sleepplayer.playback.vlc_backend import VlcBackend
from tests.helpers.audio import (
    RATE,
    PcmRecorder,
    block_rms_db,
    encode_opus,
    expected_db,
    longest_silence_ms,
    make_tone,
    max_step_ratio,
    sine_rms_db,
)

pytestmark = pytest.mark.integration

WAIT_MS = 15_000
AMPLITUDE = 0.5
SOURCE_DB = sine_rms_db(AMPLITUDE)
MARGIN = RATE // 10  # 100 ms after a change


@pytest.fixture
def recorder() -> PcmRecorder:
    return PcmRecorder()


@pytest.fixture
def backend(recorder: PcmRecorder) -> Iterator[VlcBackend]:
    b = VlcBackend(pcm_sink=recorder)
    yield b
    b.release()
    assert b.thread_violations == []


def play_until_output(backend: VlcBackend, qtbot: QtBot, uri: str, *, loop: bool = False) -> None:
    with qtbot.waitSignal(backend.audio_output_changed, timeout=WAIT_MS):
        backend.load(uri, loop=loop)
        backend.play()


def capture(recorder: PcmRecorder, qtbot: QtBot, seconds: float) -> int:
    """Wait until ``seconds`` more audio was captured; returns the frame index it started at."""
    mark = recorder.mark()
    qtbot.waitUntil(lambda: recorder.frames >= mark + int(seconds * RATE), timeout=WAIT_MS)
    return mark


def test_volume_follows_the_cubic_curve(
    backend: VlcBackend, recorder: PcmRecorder, qtbot: QtBot, tmp_path: Path
) -> None:
    uri = make_tone(tmp_path / "tone.wav", 30.0, 1000, AMPLITUDE).as_uri()
    play_until_output(backend, qtbot, uri)
    # amem mixes S16 in fixed point: measured exact to 0.2 dB down to 20, 1.3 dB high at 15,
    # and digital silence at 12 and below. Real outputs (PulseAudio) get float samples.
    for volume in (100, 70, 40, 20):
        assert backend.set_volume(volume)
        mark = capture(recorder, qtbot, 0.6)
        levels = block_rms_db(recorder.samples(mark + MARGIN, mark + MARGIN + RATE // 2), 10)
        want = SOURCE_DB + 60 * np.log10(volume / 100)
        assert abs(float(np.median(levels)) - want) <= 1.0, (volume, levels)


@pytest.mark.parametrize("second", ["wav", "opus"])
def test_track_change_never_louder_than_the_volume(
    backend: VlcBackend, recorder: PcmRecorder, qtbot: QtBot, tmp_path: Path, second: str
) -> None:
    first = make_tone(tmp_path / "a.wav", 10.0, 1000, AMPLITUDE).as_uri()
    b_wav = make_tone(tmp_path / "b.wav", 10.0, 500, AMPLITUDE)
    b_path = encode_opus(b_wav, tmp_path / "b.opus") if second == "opus" else b_wav
    target = expected_db(SOURCE_DB, 40)

    play_until_output(backend, qtbot, first)
    assert backend.set_volume(40)
    capture(recorder, qtbot, 0.5)

    mark = recorder.mark()
    with qtbot.waitSignal(backend.audio_output_changed, timeout=WAIT_MS):
        backend.load(b_path.as_uri())
        backend.play()
    assert backend.volume() == 40
    capture(recorder, qtbot, 1.5)

    levels = block_rms_db(recorder.samples(mark), 10)
    assert len(levels) >= 150
    # Every block after the change, from the very first one: never above the target.
    assert float(levels.max()) <= target + 0.5, (target, levels[:50])
    # ...and the second track does reach it (the volume was re-applied, not just muted).
    assert abs(float(np.median(levels[-50:])) - target) <= 1.0


@pytest.mark.parametrize("fmt", ["wav", "opus"])
def test_repeat_one_is_seamless(
    backend: VlcBackend, recorder: PcmRecorder, qtbot: QtBot, tmp_path: Path, fmt: str
) -> None:
    # 1 s of 1 kHz: whole periods, so a perfect loop is a continuous sine.
    wav = make_tone(tmp_path / "loop.wav", 1.0, 1000, AMPLITUDE)
    path = encode_opus(wav, tmp_path / "loop.opus") if fmt == "opus" else wav
    ends: list[None] = []
    backend.end_reached.connect(lambda: ends.append(None))
    play_until_output(backend, qtbot, path.as_uri(), loop=True)
    mark = capture(recorder, qtbot, 5.0)  # five seams at least
    backend.stop()
    assert ends == []

    audio = recorder.samples(mark + MARGIN)
    assert longest_silence_ms(audio, threshold=1e-3) < 2.0
    if fmt == "wav":
        # Bit-exact loop: no sample step larger than the sine itself makes, no level change.
        assert max_step_ratio(audio, 1000, AMPLITUDE) < 1.1
        levels = block_rms_db(audio, 10)
        assert float(levels.max() - levels.min()) < 0.2
    else:
        # Ogg loops through the avformat demuxer; lossy coding blurs the samples, so only gaps
        # and gross jumps are checked (measured: one ~0.2 ms dip per seam).
        assert max_step_ratio(audio, 1000, AMPLITUDE) < 3.0


@pytest.mark.parametrize("name", ["corrupt.ogg", "corrupt.mp3", "corrupt.wav"])
def test_corrupt_file_is_an_error(
    backend: VlcBackend, qtbot: QtBot, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    path.write_bytes(np.random.default_rng(7).integers(0, 256, 50_000, dtype=np.uint8).tobytes())
    ends: list[None] = []
    backend.end_reached.connect(lambda: ends.append(None))
    with qtbot.waitSignal(backend.error_occurred, timeout=WAIT_MS) as error:
        backend.load(path.as_uri())
        backend.play()
    assert error.args == [f"Cannot play {name}: it holds no playable audio"]
    assert backend.state() == PlayerState.ERROR
    assert ends == []
