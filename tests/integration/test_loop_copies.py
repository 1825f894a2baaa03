"""The WAV copies that loops in FLAC, MP3, Ogg Vorbis and AIFF play from (``loop_cache`` through
libsndfile): as long as the loop, at its own rate, with no encoder padding and no wrapped peak."""

from __future__ import annotations

import os
import time
import wave
from pathlib import Path

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from sleepplayer.playback import loop_cache
from sleepplayer.playback.backend import PlayerState
from sleepplayer.playback.vlc_backend import VlcBackend
from tests.helpers.audio import (
    encode_flac,
    encode_mp3,
    encode_vorbis,
    first_sound_frame,
    make_tone,
    max_step_ratio,
    read_wav,
)

pytestmark = pytest.mark.integration

RATE = 44_100  # not Opus's 48 kHz: the copy keeps the source's rate
LSB = 1 / 32767


def _copy(source: Path, tmp_path: Path) -> tuple[Path, int]:
    cache = tmp_path / "cache"
    copy = loop_cache.decode_to_cache(source, cache)
    assert loop_cache.cached_copy(source, cache) == copy
    with wave.open(str(copy)) as f:
        return copy, f.getframerate()


def test_a_flac_copy_is_bit_exact(tmp_path: Path) -> None:
    wav = make_tone(tmp_path / "loop.wav", 1.0, 441, rate=RATE)
    copy, rate = _copy(encode_flac(wav, tmp_path / "loop.flac"), tmp_path)
    assert rate == RATE
    assert np.array_equal(read_wav(copy), read_wav(wav))


@pytest.mark.parametrize("encode", [encode_mp3, encode_vorbis], ids=["mp3", "vorbis"])
def test_a_lossy_copy_has_the_loops_length_and_starts_at_once(encode, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An MP3 from an encoder that writes the gapless header (as LAME does) loses its encoder
    delay and padding: without the header, 490 frames of silence came first and 1,980 more in
    all."""
    wav = make_tone(tmp_path / "loop.wav", 1.0, 441, rate=RATE)
    copy, rate = _copy(encode(wav, tmp_path / "loop.lossy"), tmp_path)
    decoded, source = read_wav(copy), read_wav(wav)
    assert rate == RATE
    assert decoded.shape == source.shape
    assert first_sound_frame(decoded, 0.01) == first_sound_frame(source, 0.01)
    assert float(np.max(np.abs(decoded - source))) < 0.05


@pytest.mark.parametrize("encode", [encode_mp3, encode_vorbis], ids=["mp3", "vorbis"])
def test_a_loud_loop_is_clipped_not_wrapped(encode, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A full-scale tone decodes a little above full scale; wrapped round, each peak would be
    a jump from +1 to -1, a click at every period."""
    wav = make_tone(tmp_path / "loud.wav", 1.0, 441, amplitude=1.0, rate=RATE)
    copy, _ = _copy(encode(wav, tmp_path / "loud.lossy"), tmp_path)
    assert max_step_ratio(read_wav(copy), 441, 1.0, RATE) < 1.5


@pytest.mark.parametrize("name", ["noise.flac", "noise.mp3", "noise.aiff"])
def test_a_file_that_holds_no_sound_has_no_copy(tmp_path: Path, name: str) -> None:
    source = tmp_path / name
    source.write_bytes(np.random.default_rng(3).integers(0, 256, 40_000, np.uint8).tobytes())
    with pytest.raises(loop_cache.LoopCacheError):
        loop_cache.decode_to_cache(source, tmp_path / "cache")
    assert list((tmp_path / "cache").glob("*")) == [] if (tmp_path / "cache").exists() else True


@pytest.mark.parametrize("name", [b"loop.flac", b"n\xe4chte \xff.flac"], ids=["plain", "not-utf8"])
def test_the_engine_plays_a_looping_flac_from_its_copy(
    qtbot: QtBot, tmp_path: Path, name: bytes
) -> None:
    """Whatever the file's name holds: a name that is not UTF-8 must reach the cache as the
    file system has it, not as U+FFFD."""
    wav = make_tone(tmp_path / "loop.wav", 1.0, 441, rate=RATE)
    source = encode_flac(wav, tmp_path / os.fsdecode(name))
    engine = VlcBackend(aout="adummy", loop_cache_dir=tmp_path / "loops")
    try:
        engine.load(source.as_uri(), loop=True)
        with qtbot.waitSignal(engine.state_changed, timeout=10_000, check_params_cb=_playing):
            engine.play()
        copies = list((tmp_path / "loops").glob("*.wav"))
        assert len(copies) == 1 and np.array_equal(read_wav(copies[0]), read_wav(wav))
        assert engine.length_ms() == 1000
    finally:
        engine.release()
    assert engine.thread_violations == []


def _playing(state: PlayerState) -> bool:
    return state == PlayerState.PLAYING


def test_a_loop_too_long_to_cache_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loop_cache, "MAX_COPY_BYTES", 44_100)  # a quarter second of stereo
    source = encode_flac(make_tone(tmp_path / "loop.wav", 1.0, 441, rate=RATE), tmp_path / "l.flac")
    with pytest.raises(loop_cache.LoopCacheError, match="too long"):
        loop_cache.decode_to_cache(source, tmp_path / "cache")
    assert list((tmp_path / "cache").iterdir()) == []


def test_copies_half_made_by_an_app_that_quit_go_after_an_hour(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    old, new = cache / ".partial-old.wav", cache / ".partial-new.wav"
    old.write_bytes(b"RIFF")
    new.write_bytes(b"RIFF")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    source = encode_flac(make_tone(tmp_path / "loop.wav", 1.0, 441, rate=RATE), tmp_path / "l.flac")
    loop_cache.decode_to_cache(source, cache)
    assert not old.exists() and new.exists()  # the new one may be another copy being made
