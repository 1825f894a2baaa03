"""A loop plays on through a real PulseAudio null sink with no hole at its seam.

libVLC's ``:input-repeat`` restarts the input at each pass, and the sound server then played
50-70 ms of silence at every seam (the trial heard it in the built-in sounds every 30 s). The
engine reads a looping WAV as one endless file instead (``playback.endless_wav``), and a looping
FLAC, MP3 or Ogg Vorbis file from its sample-exact WAV copy (``playback.loop_cache``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from sleepplayer.playback.backend import PlayerState
from sleepplayer.playback.vlc_backend import VlcBackend
from tests.helpers.audio import encode_flac, encode_mp3, encode_vorbis, make_tone
from tests.helpers.desktop_env import PulseAudio, Recording, block_db

pytestmark = pytest.mark.integration

LOOP_S = 1.5
WAIT_MS = 15_000
#: The sound server's first seconds may hold a hole of their own (LIBVLC-FACTS: a VM's
#: "playback way too late"), so the seams are looked at after this.
SETTLE_S = 3.0
SILENT_DB = -60.0
#: How each kind of loop is made from the WAV (an MP3 with the gapless header most encoders write).
ENCODERS = {
    "wav": None,
    "flac": encode_flac,
    "mp3": encode_mp3,
    "ogg": encode_vorbis,
}


@pytest.mark.parametrize("kind", ENCODERS)
def test_a_loop_has_no_hole_at_its_seam(
    qtbot: QtBot, pulse: PulseAudio, pulse_backend: VlcBackend, tmp_path: Path, kind: str
) -> None:
    tone = make_tone(tmp_path / "loop.wav", LOOP_S, 500)  # whole periods: seamless content
    encoder = ENCODERS[kind]
    if encoder is not None:
        tone = encoder(tone, tmp_path / f"loop.{kind}")
    recording = Recording(pulse)
    qtbot.waitUntil(lambda: recording.recorded_s() > 0.3, timeout=WAIT_MS)
    mark = recording.recorded_s()
    pulse_backend.set_volume(60)
    pulse_backend.load(tone.as_uri(), loop=True)
    pulse_backend.play()
    qtbot.waitUntil(
        lambda: recording.recorded_s() > mark + 1 + SETTLE_S + 4 * LOOP_S, timeout=WAIT_MS
    )
    # The position and length are those of one pass, though libVLC reads one long file.
    assert pulse_backend.state() == PlayerState.PLAYING
    assert pulse_backend.length_ms() == LOOP_S * 1000
    assert 0 <= pulse_backend.position_ms() < LOOP_S * 1000
    samples = recording.stop_after(0)
    levels = block_db(samples, 10)
    heard = [i for i, db in enumerate(levels) if db > SILENT_DB]
    assert heard, "no sound"
    settled = levels[heard[0] + int(SETTLE_S * 100) :]
    assert len(settled) >= 4 * LOOP_S * 100
    holes = [i * 10 for i, db in enumerate(settled) if db <= SILENT_DB]
    assert holes == [], f"silent 10 ms blocks at {holes[:10]} ms (4 seams in {len(settled)} blocks)"
