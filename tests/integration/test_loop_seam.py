"""A loop plays on through a real PulseAudio null sink with no hole at its seam.

libVLC's ``:input-repeat`` restarts the input at each pass, and the sound server then played
50-70 ms of silence at every seam (the trial heard it in the built-in sounds every 30 s). The
engine reads a looping WAV as one endless file instead (``playback.endless_wav``), and a looping
FLAC, MP3 or Ogg Vorbis file from its sample-exact WAV copy (``playback.loop_cache``)."""

from __future__ import annotations

import os
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


def _read_offset(path: Path) -> int:
    """Where this process's open ``path`` is read up to (its file offset, from /proc)."""
    for fd in Path("/proc/self/fd").iterdir():
        try:
            if Path(os.readlink(fd)) == path:
                info = (Path("/proc/self/fdinfo") / fd.name).read_text()
                fields = dict(line.split(":", 1) for line in info.splitlines())
                return int(fields["pos"])
        except OSError:  # closed meanwhile
            continue
    raise AssertionError(f"{path} is not open")


def test_an_endless_loop_is_read_seconds_ahead_not_a_minute_and_a_half(
    qtbot: QtBot, pulse_backend: VlcBackend, tmp_path: Path
) -> None:
    # libVLC's prefetch filter read 16 MiB at once (87 s of this WAV) into a 16 MiB buffer:
    # 15 MB more resident all night for a built-in sound (measured). Now 2 MiB (about 11 s)
    # ahead, plus what the decoder holds: about 14 s ahead of what plays.
    tone = make_tone(tmp_path / "long.wav", 120.0, 500)  # 23 MB: no read wraps around it
    pulse_backend.load(tone.as_uri(), loop=True)
    pulse_backend.play()
    qtbot.waitUntil(lambda: pulse_backend.position_ms() > 1000, timeout=WAIT_MS)
    read_s = _read_offset(tone) / (48_000 * 4)
    ahead_s = read_s - pulse_backend.position_ms() / 1000
    assert ahead_s < 20, f"read {ahead_s:.0f} s ahead of what plays"
