"""The built-in "Sleep sounds": present, small, decodable, level-matched and seamless loops.

Every check runs on what a player actually gets: the Ogg/Opus files decoded with ``opusdec``.
Each loop is treated as circular (the player repeats it), and the wrap from the last sample to
the first must look like any other moment of the sound: no click, no gap, no level jump.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import wave
from pathlib import Path
from typing import Any

import mutagen
import numpy as np
import numpy.typing as npt
import pytest

FloatArray = npt.NDArray[np.float64]

SOUNDS_DIR = Path(__file__).resolve().parents[2] / "resources" / "sounds"
RATE = 48_000
MAX_BYTES = 400 * 1024


def _listing() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json.loads(
        (SOUNDS_DIR / "sounds.json").read_text(encoding="utf-8")
    )
    return entries


ENTRIES = _listing()
FILES = [str(entry["file"]) for entry in ENTRIES]


def _read_wav(path: Path) -> FloatArray:
    with wave.open(str(path), "rb") as inp:
        assert inp.getsampwidth() == 2
        assert inp.getframerate() == RATE
        channels = inp.getnchannels()
        data = np.frombuffer(inp.readframes(inp.getnframes()), dtype="<i2")
    out: FloatArray = data.reshape(-1, channels).T.astype(np.float64) / 32768.0
    return out


@pytest.fixture(scope="module")
def decoded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, FloatArray]:
    """Every listed sound decoded at 48 kHz, shaped (channels, samples)."""
    opusdec = shutil.which("opusdec")
    assert opusdec is not None, "opusdec not found: install opus-tools (make test-deps)"
    tmp = tmp_path_factory.mktemp("sounds")
    out: dict[str, FloatArray] = {}
    for name in FILES:
        wav = tmp / f"{name}.wav"
        cmd = [opusdec, "--quiet", "--rate", str(RATE), str(SOUNDS_DIR / name), str(wav)]
        subprocess.run(cmd, check=True, capture_output=True)
        out[name] = _read_wav(wav)
    return out


# --- measures


def _filter(x: FloatArray, gain: FloatArray) -> FloatArray:
    """Circular zero-phase filtering with a gain per rfft bin (the signal is a loop)."""
    out: FloatArray = np.fft.irfft(np.fft.rfft(x, axis=-1) * gain, x.shape[-1], axis=-1)
    return out


def _biquad(b: tuple[float, float, float], a: tuple[float, float, float], n: int) -> FloatArray:
    z = np.exp(-2j * np.pi * np.fft.rfftfreq(n))
    out: FloatArray = np.abs((b[0] + b[1] * z + b[2] * z**2) / (a[0] + a[1] * z + a[2] * z**2))
    return out


def loudness_lufs(x: FloatArray) -> float:
    """ITU-R BS.1770-4 integrated loudness (K-weighted, gated) at 48 kHz."""
    n = x.shape[-1]
    k_weight = _biquad(
        (1.53512485958697, -2.69169618940638, 1.19839281085285),
        (1.0, -1.69065929318241, 0.73248077421585),
        n,
    ) * _biquad((1.0, -2.0, 1.0), (1.0, -1.99004745483398, 0.99007225036621), n)
    power = np.square(_filter(x, k_weight)).sum(axis=0)
    block, hop = RATE * 4 // 10, RATE // 10
    csum = np.concatenate(([0.0], np.cumsum(power)))
    starts = np.arange(0, n - block + 1, hop)
    z = (csum[starts + block] - csum[starts]) / block
    z = z[-0.691 + 10 * np.log10(np.maximum(z, 1e-20)) > -70.0]
    gate = -0.691 + 10 * math.log10(float(z.mean())) - 10.0
    z = z[-0.691 + 10 * np.log10(z) > gate]
    return -0.691 + 10 * math.log10(float(z.mean()))


def _db(power: FloatArray) -> FloatArray:
    out: FloatArray = 10.0 * np.log10(np.maximum(power, 1e-20))
    return out


def _block_power(power: FloatArray, size: int) -> FloatArray:
    """Mean power in circular blocks of ``size`` samples; block 0 is centred on the wrap."""
    rolled = np.roll(power, size // 2)
    count = power.size // size
    out: FloatArray = rolled[: count * size].reshape(count, size).mean(axis=1)
    return out


def seam_problems(y: FloatArray) -> list[str]:
    """What is wrong with the wrap (last sample -> first sample) of loop ``y``, if anything.

    Each measure is taken at the wrap and at every other position of the loop; the wrap fails
    when it is an outlier against the loop's own distribution:

    * step: the sample step across the wrap exceeds the 99.9th percentile step (a click);
    * click: high-passed (> 3 kHz) energy in the 2 ms around the wrap exceeds the 99.9th
      percentile of all 2 ms windows (a click, however small its step);
    * dip: the 20 ms level around the wrap, relative to the median level of the surrounding
      second, is outside the 0.5-99.5th percentiles of the same measure elsewhere (a gap or
      a bump);
    * gap: the quietest millisecond within 5 ms of the wrap is quieter than the quietest
      millisecond of 99.5 % of the loop's other 10 ms stretches (a dropout);
    * jump: the level difference between the 500 ms before and the 500 ms after the wrap
      exceeds the 99.5th percentile of the same measure elsewhere (a level jump).
    """
    problems: list[str] = []
    n = y.shape[1]
    steps = np.abs(np.diff(y, axis=1, append=y[:, :1]))  # circular: the last column is the wrap
    for ch in range(y.shape[0]):
        limit = float(np.percentile(steps[ch], 99.9))
        if steps[ch, -1] > limit:
            problems.append(f"step: channel {ch} jumps {steps[ch, -1]:.4f} (p99.9 {limit:.4f})")

    freqs = np.fft.rfftfreq(n, 1.0 / RATE)
    highpass = (freqs / 3000.0) ** 4 / np.sqrt(1.0 + (freqs / 3000.0) ** 8)
    hf = _block_power(np.square(_filter(y, highpass)).sum(axis=0), RATE // 500)
    if hf[0] > np.percentile(hf, 99.9):
        excess = _db(hf[:1])[0] - _db(np.percentile(hf, [99.9]))[0]
        problems.append(f"click: {excess:+.1f} dB of high band over p99.9 at the wrap")

    power = np.square(y).sum(axis=0)
    level = _db(_block_power(power, RATE // 50))  # 20 ms blocks, block 0 centred on the wrap
    span = 25  # +-0.5 s of neighbours
    padded = np.concatenate((level[-span:], level, level[:span]))
    neighbourhood = np.lib.stride_tricks.sliding_window_view(padded, 2 * span + 1)
    deviation = level - np.median(neighbourhood, axis=1)
    low, high = np.percentile(deviation, [0.5, 99.5])
    if not low <= deviation[0] <= high:
        problems.append(
            f"dip: 20 ms level {deviation[0]:+.1f} dB vs surroundings "
            f"(p0.5..p99.5 {low:+.1f}..{high:+.1f})"
        )

    ms = RATE // 1000
    csum = np.concatenate(([0.0], np.cumsum(np.concatenate((power, power[: RATE // 2])))))
    each_ms = csum[ms : ms + n] - csum[:n]  # energy of the 1 ms from each sample on
    quietest = np.roll(each_ms, 5 * ms)[: n // (10 * ms) * 10 * ms].reshape(-1, 10 * ms).min(1)
    floor = float(np.percentile(quietest, 0.5))
    if quietest[0] < floor:  # block 0: the 10 ms around the wrap
        problems.append("gap: the quietest millisecond near the wrap is quieter than p0.5")

    half = RATE // 2
    after = _db((csum[half : half + n] - csum[:n]) / half)  # the 500 ms from each sample on
    positions = np.arange(0, n, RATE // 50)
    jumps = np.abs(after[positions] - after[(positions - half) % n])
    limit_db = float(np.percentile(jumps, 99.5))
    if jumps[0] > limit_db:
        problems.append(f"jump: {jumps[0]:.2f} dB across the wrap (p99.5 {limit_db:.2f} dB)")
    return problems


# --- the listing


def test_listing_describes_four_to_six_distinct_sounds() -> None:
    assert 4 <= len(ENTRIES) <= 6
    assert len(set(FILES)) == len(FILES)
    assert len({entry["title"] for entry in ENTRIES}) == len(ENTRIES)
    for entry in ENTRIES:
        assert set(entry) == {"file", "title", "artist", "duration_ms"}
        assert entry["artist"] == "SleepPlayer"
        assert isinstance(entry["title"], str) and entry["title"]
        assert isinstance(entry["duration_ms"], int)
    on_disk = sorted(p.name for p in SOUNDS_DIR.glob("*.opus"))
    assert on_disk == sorted(FILES), "sounds.json and the .opus files disagree"


@pytest.mark.parametrize("name", FILES)
def test_file_is_small_ogg_opus_with_tags(name: str) -> None:
    path = SOUNDS_DIR / name
    assert path.is_file()
    assert path.stat().st_size <= MAX_BYTES
    with path.open("rb") as f:
        head = f.read(64)
    assert head.startswith(b"OggS") and b"OpusHead" in head
    tags: Any = mutagen.File(path, easy=True)  # as the app reads tags
    assert type(tags).__name__ == "OggOpus"
    assert tags.info.channels in (1, 2)
    entry = ENTRIES[FILES.index(name)]
    assert tags["title"] == [entry["title"]]
    assert tags["artist"] == ["SleepPlayer"]
    # What a tag reader (the app uses mutagen) reports as the length, from the granule position.
    assert abs(tags.info.length * 1000 - entry["duration_ms"]) <= 1.0


@pytest.mark.parametrize("name", FILES)
def test_decoded_length_matches_listing(name: str, decoded: dict[str, FloatArray]) -> None:
    y = decoded[name]
    assert y.shape[0] in (1, 2)
    ms = y.shape[1] * 1000 / RATE
    assert 20_000 <= ms <= 40_000
    assert abs(ms - ENTRIES[FILES.index(name)]["duration_ms"]) <= 1.0


def test_levels_are_matched_and_gentle(decoded: dict[str, FloatArray]) -> None:
    loudness = {name: loudness_lufs(y) for name, y in decoded.items()}
    assert max(loudness.values()) - min(loudness.values()) <= 1.0, loudness
    for name, y in decoded.items():
        assert -30.0 <= loudness[name] <= -24.0, (name, loudness[name])
        peak_db = 20 * math.log10(float(np.max(np.abs(y))))
        assert peak_db < -3.0, (name, peak_db)
        rms_db = 10 * math.log10(float(np.mean(np.square(y))))
        assert -34.0 <= rms_db <= -22.0, (name, rms_db)
        assert abs(float(np.mean(y))) < 1e-3, (name, "DC offset")


@pytest.mark.parametrize("name", FILES)
def test_loop_is_seamless(name: str, decoded: dict[str, FloatArray]) -> None:
    assert seam_problems(decoded[name]) == []


@pytest.mark.parametrize("name", FILES)
def test_seam_check_catches_gaps_clicks_and_level_jumps(
    name: str, decoded: dict[str, FloatArray]
) -> None:
    y = decoded[name]
    n = y.shape[1]
    gap = np.concatenate((y, np.zeros((y.shape[0], RATE // 100))), axis=1)  # 10 ms of silence
    dropout = y.copy()
    dropout[:, -RATE // 1000 :] = 0.0  # the last 1 ms missing
    spike = y.copy()
    spike[:, -1] += 0.1  # one sample off by -20 dBFS: an audible tick in any of these
    ramp = 10.0 ** (np.linspace(-1.5, 1.5, n) / 20.0)  # smooth inside, 3 dB step at the wrap
    for label, bad in (("gap", gap), ("dropout", dropout), ("spike", spike), ("jump", y * ramp)):
        assert seam_problems(bad), f"{label} at the wrap went unnoticed"
