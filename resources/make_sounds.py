"""Generate the built-in "Sleep sounds": five seamless, level-matched Ogg/Opus loops.

Run from the repository root::

    .venv/bin/python resources/make_sounds.py

How the loops stay seamless
---------------------------
Every sound is synthesised *circularly*: noise is coloured by filtering white noise in the
frequency domain over exactly one loop (so the result is periodic with the loop length), every
slow modulation (gusts, fan sweep, ocean swells) is either a whole number of cycles per loop or
band-limited noise made the same circular way, and every droplet or wave that runs past the end
wraps round to the start. The last sample flows into the first exactly as any sample flows into
the next, with no crossfade needed.

A decoder starts cold: its first packet decodes with a transient (a small step and a burst of
high-band energy in the first few milliseconds), which would put a tick at every loop start. So
each loop is encoded *warm*: its last 960 samples (one 20 ms frame) go in front of it as a
pre-roll, and the OpusHead pre-skip is raised from the encoder's 312 samples to 312 + 960, so
that a decoder (RFC 7845: pre-skip honoured) discards the encoder delay and the pre-roll and its
output starts exactly at the loop's first sample, with the decoder already warmed up on the
samples that precede it when the loop repeats. opusenc has no option for this, so the header is
patched and its Ogg page CRC recomputed (``set_pre_skip``).

The loop length is chosen as ``frames * 960 - 312`` samples, so encoder delay, pre-roll and audio
fill whole frames: the decoded stream is exactly the loop, both for decoders that honour the
end-trim granule position and for those that do not. The script verifies the decoded length
with ``opusdec``.

Opus codes the last frame without knowing the first, so its coding noise (inaudible within the
loop) does not flow across the wrap exactly the way it does between frames. Because the loop is
circular it may start anywhere: the script tries loop points and keeps one whose *decoded* wrap
is clearly smoother than the loop's own rough spots (sample step and high-band energy around the
wrap, see ``seam_report``).

Level
-----
The loops are matched on integrated loudness (ITU-R BS.1770 K-weighted, gated LUFS) measured on
the *decoded* files, not on raw RMS: at equal RMS, brown noise sounds several dB quieter than pink
noise, and a user switching between them must not be startled. Peaks stay below -3 dBFS.

The output is deterministic: fixed seeds, a fixed Ogg serial number, fixed metadata.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
import tempfile
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

SAMPLE_RATE = 48_000
OPUS_FRAME = 960  # 20 ms at 48 kHz
OPUS_PRE_SKIP = 312  # libopus look-ahead at 48 kHz: the pre-skip opusenc writes
PRE_ROLL = OPUS_FRAME  # the loop's tail encoded in front of it, so its start decodes warm
FILE_PRE_SKIP = OPUS_PRE_SKIP + PRE_ROLL  # the pre-skip in the files: delay plus pre-roll
LOOP_FRAMES = 1500  # about 30 s
LOOP_SAMPLES = LOOP_FRAMES * OPUS_FRAME - OPUS_PRE_SKIP
CHANNELS = 2
BITRATE_KBPS = 80
MAX_BYTES = 400 * 1024
TARGET_LUFS = -27.0
MAX_PEAK_DBFS = -3.0
OGG_SERIAL = 20240601
CANDIDATES = 24  # loop points tried at most per sound
GOOD_STEP = 0.5  # a good wrap: its sample step at most half the 99.9th percentile step
GOOD_CLICK_DB = -3.0  # and its 2 ms high-band energy 3 dB under the 99.9th percentile

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "sounds"

_FREQS = np.asarray(np.fft.rfftfreq(LOOP_SAMPLES, 1.0 / SAMPLE_RATE), dtype=np.float64)


# --- frequency responses (magnitude, evaluated on the loop's FFT bins)


def _f() -> FloatArray:
    """The loop's FFT bin frequencies with DC nudged off zero (for power laws)."""
    f = _FREQS.copy()
    f[0] = f[1]
    return f


def highpass(fc: float, order: int = 2) -> FloatArray:
    r = _FREQS / fc
    out: FloatArray = r**order / np.sqrt(1.0 + r ** (2 * order))
    return out


def lowpass(fc: float, order: int = 2) -> FloatArray:
    out: FloatArray = 1.0 / np.sqrt(1.0 + (_FREQS / fc) ** (2 * order))
    return out


def slope(exponent: float, ref: float = 1000.0) -> FloatArray:
    """Amplitude ∝ f^-exponent (power ∝ f^-2·exponent): 1 is brown, 0.5 is pink."""
    out: FloatArray = (_f() / ref) ** (-exponent)
    return out


def bump(centre: float, gain_db: float, octaves: float) -> FloatArray:
    """A smooth resonance: ``gain_db`` at ``centre``, Gaussian in log-frequency."""
    x = np.log2(_f() / centre) / octaves
    out: FloatArray = 10.0 ** (gain_db * np.exp(-0.5 * x * x) / 20.0)
    return out


# --- circular building blocks


def stereo_noise(
    rng: np.random.Generator, response: FloatArray, coherence_hz: float = 250.0
) -> FloatArray:
    """Coloured stereo noise, periodic with the loop, unit RMS per channel.

    The channels share a component whose weight falls with frequency (like a diffuse sound
    field): bass is nearly mono, highs are decorrelated, so it sounds wide but not phasey.
    """

    def white_spectrum() -> npt.NDArray[np.complex128]:
        spec: npt.NDArray[np.complex128] = np.fft.rfft(rng.standard_normal(LOOP_SAMPLES))
        return spec

    shared, left, right = white_spectrum(), white_spectrum(), white_spectrum()
    coherence = 0.25 + 0.7 / (1.0 + (_FREQS / coherence_hz) ** 2)
    a = np.sqrt(coherence)
    b = np.sqrt(1.0 - coherence)
    out = np.empty((CHANNELS, LOOP_SAMPLES))
    for ch, own in enumerate((left, right)):
        spec = (a * shared + b * own) * response
        spec[0] = 0.0
        out[ch] = np.fft.irfft(spec, LOOP_SAMPLES)
    return out / rms(out)


def circular_filter(signal: FloatArray, response: FloatArray) -> FloatArray:
    """Filter each channel with a zero-phase magnitude response, circularly over the loop."""
    out: FloatArray = np.fft.irfft(np.fft.rfft(signal, axis=-1) * response, LOOP_SAMPLES, axis=-1)
    return out


def smooth_random(rng: np.random.Generator, cutoff_hz: float) -> FloatArray:
    """A slow random curve in [-1, 1], periodic with the loop (band-limited noise)."""
    spec = np.fft.rfft(rng.standard_normal(LOOP_SAMPLES))
    spec *= np.exp(-0.5 * (_FREQS / cutoff_hz) ** 2)
    spec[0] = 0.0
    curve = np.fft.irfft(spec, LOOP_SAMPLES)
    out: FloatArray = curve / np.max(np.abs(curve))
    return out


def loop_phase(cycles: int) -> FloatArray:
    """Phase of a modulation with a whole number of cycles per loop (so its period divides it)."""
    out: FloatArray = 2.0 * np.pi * cycles * np.arange(LOOP_SAMPLES) / LOOP_SAMPLES
    return out


def add_wrapped(buffer: FloatArray, start: int, burst: FloatArray) -> None:
    """Add ``burst`` (channels, n) into ``buffer`` at ``start``, wrapping past the end."""
    n = burst.shape[-1]
    head = min(n, LOOP_SAMPLES - start)
    buffer[:, start : start + head] += burst[:, :head]
    if head < n:
        buffer[:, : n - head] += burst[:, head:]


def rms(x: FloatArray) -> float:
    return float(np.sqrt(np.mean(np.square(x))))


def db(x: float) -> float:
    return 20.0 * math.log10(max(x, 1e-12))


# --- loudness (ITU-R BS.1770-4), computed circularly since these are loops

_K_SHELF_B = (1.53512485958697, -2.69169618940638, 1.19839281085285)
_K_SHELF_A = (1.0, -1.69065929318241, 0.73248077421585)
_K_HIGHPASS_B = (1.0, -2.0, 1.0)
_K_HIGHPASS_A = (1.0, -1.99004745483398, 0.99007225036621)


def _biquad_gain(b: tuple[float, ...], a: tuple[float, ...], n: int) -> FloatArray:
    z = np.exp(-1j * 2.0 * np.pi * np.fft.rfftfreq(n))
    num = b[0] + b[1] * z + b[2] * z * z
    den = a[0] + a[1] * z + a[2] * z * z
    out: FloatArray = np.abs(num / den)
    return out


def loudness_lufs(x: FloatArray) -> float:
    """Gated integrated loudness of a 48 kHz signal shaped (channels, samples)."""
    n = x.shape[-1]
    k = _biquad_gain(_K_SHELF_B, _K_SHELF_A, n) * _biquad_gain(_K_HIGHPASS_B, _K_HIGHPASS_A, n)
    weighted = np.fft.irfft(np.fft.rfft(x, axis=-1) * k, n, axis=-1)
    block, hop = SAMPLE_RATE * 400 // 1000, SAMPLE_RATE * 100 // 1000
    power = np.square(weighted).sum(axis=0)  # channel weights are 1 for L and R
    csum = np.concatenate(([0.0], np.cumsum(power)))
    starts = np.arange(0, n - block + 1, hop)
    z = (csum[starts + block] - csum[starts]) / block
    levels = -0.691 + 10.0 * np.log10(np.maximum(z, 1e-20))
    z = z[levels > -70.0]
    relative_gate = -0.691 + 10.0 * math.log10(float(np.mean(z))) - 10.0
    levels = -0.691 + 10.0 * np.log10(z)
    return -0.691 + 10.0 * math.log10(float(np.mean(z[levels > relative_gate])))


# --- the sounds


def brown_noise(rng: np.random.Generator) -> FloatArray:
    """Deep, even brown noise: -6 dB/octave from a gentle 28 Hz high-pass, softened above 3 kHz."""
    return stereo_noise(rng, slope(1.0) * highpass(28.0, 2) * lowpass(3000.0, 1))


def pink_noise(rng: np.random.Generator) -> FloatArray:
    """Pink noise (-3 dB/octave) with the harsh top rolled off gently above 6 kHz."""
    return stereo_noise(rng, slope(0.5) * highpass(30.0, 2) * lowpass(6000.0, 2))


def _droplets(
    rng: np.random.Generator,
    per_second: float,
    density: FloatArray,
    decay_ms: tuple[float, float],
    loudness_sigma: float,
) -> FloatArray:
    """Many soft noise ticks with a short rounded attack, panned at random, wrapping round."""
    layer = np.zeros((CHANNELS, LOOP_SAMPLES))
    count = rng.poisson(per_second * LOOP_SAMPLES / SAMPLE_RATE * 1.6)
    starts = rng.integers(0, LOOP_SAMPLES, count)
    keep = rng.random(count) < density[starts] / 1.6  # density varies with the gusts
    for start in starts[keep]:
        tau = rng.uniform(*decay_ms) * SAMPLE_RATE / 1000.0
        attack = max(int(rng.uniform(0.6, 1.6) * SAMPLE_RATE / 1000.0), 8)
        length = attack + int(6.0 * tau)
        t = np.arange(length, dtype=np.float64)
        env = np.exp(-(t - attack).clip(min=0.0) / tau)
        env[:attack] = 0.5 - 0.5 * np.cos(np.pi * t[:attack] / attack)
        amp = min(float(rng.lognormal(0.0, loudness_sigma)), 3.0)
        pan = rng.uniform(0.08, 0.92) * np.pi / 2.0
        burst = rng.standard_normal(length) * env * amp
        add_wrapped(layer, int(start), np.stack((math.cos(pan) * burst, math.sin(pan) * burst)))
    return layer


def rain(rng: np.random.Generator) -> FloatArray:
    """Steady rain: a soft rushing bed, dense distant patter and sparser nearer drops."""
    gusts = smooth_random(rng, 0.12)  # slow swells in intensity, periodic with the loop
    intensity = 10.0 ** (1.5 * gusts / 20.0)  # ±1.5 dB
    bed = stereo_noise(rng, slope(0.45) * highpass(180.0, 2) * lowpass(3200.0, 2))
    rumble = stereo_noise(rng, slope(1.0) * highpass(35.0, 2) * lowpass(260.0, 2))
    far = _droplets(rng, 420.0, intensity**2 / 1.25, (2.0, 6.0), 0.5)
    near = _droplets(rng, 30.0, intensity**2 / 1.25, (4.0, 12.0), 0.6)
    far = circular_filter(far, highpass(500.0, 2) * lowpass(2600.0, 2))
    near = circular_filter(near, highpass(700.0, 2) * lowpass(4200.0, 2) * bump(1800.0, 3.0, 0.8))
    far /= rms(far)
    near /= rms(near)
    mix = 1.0 * bed + 0.45 * rumble + 0.55 * far + 0.38 * near
    out: FloatArray = mix * intensity
    return out


def fan(rng: np.random.Generator) -> FloatArray:
    """A box fan on low, oscillating slowly: warm airflow, a faint blade hum, a gentle sweep."""
    air = stereo_noise(
        rng, slope(0.75) * highpass(45.0, 2) * lowpass(1000.0, 2) * bump(190, 4.0, 1)
    )
    hiss = stereo_noise(rng, highpass(700.0, 2) * lowpass(2600.0, 2))
    # Blade-pass hum near 52 Hz, a whole number of cycles per loop, with a faint slow wobble.
    cycles = round(52.0 * LOOP_SAMPLES / SAMPLE_RATE)
    wobble = 0.6 * smooth_random(rng, 0.3)
    phase = loop_phase(cycles) + wobble
    hum = np.sin(phase) + 0.45 * np.sin(2.0 * phase + 0.7) + 0.2 * np.sin(3.0 * phase + 1.9)
    hum *= 1.0 + 0.15 * smooth_random(rng, 0.4)
    hum_stereo = np.stack((hum, hum)) / rms(hum)
    # The head sweeps across the room three times per loop (about 10 s per sweep).
    sweep = loop_phase(3)
    facing = 0.5 + 0.5 * np.cos(sweep)
    gains = np.stack(
        (10.0 ** (1.2 * np.cos(sweep + 0.55) / 20.0), 10.0 ** (1.2 * np.cos(sweep - 0.55) / 20.0))
    )
    mix = air + 0.16 * (0.35 + 0.65 * facing**2) * hiss + 0.07 * hum_stereo
    out: FloatArray = mix * gains
    return out


def _wave_envelope(rng: np.random.Generator, waves: int) -> FloatArray:
    """Swells: each wave builds slowly, breaks, then washes back; all different, wrapping round."""
    n = LOOP_SAMPLES
    env = np.zeros(n)
    t_all = np.arange(n, dtype=np.float64)
    for k in range(waves):
        crest = (k + rng.uniform(-0.08, 0.08)) * n / waves
        height = rng.uniform(0.7, 1.0)
        rise = rng.uniform(3.8, 5.0) * SAMPLE_RATE
        fall = rng.uniform(2.2, 3.2) * SAMPLE_RATE
        # Time relative to the crest, wrapped into [-n/2, n/2) so each wave is circular.
        rel = (t_all - crest + n / 2) % n - n / 2
        up = np.clip(1.0 + rel / rise, 0.0, 1.0)
        shape = np.where(rel < 0, (0.5 - 0.5 * np.cos(np.pi * up)) ** 1.6, np.exp(-rel / fall))
        env += height * shape
    # Round the crests off (3 Hz circular low-pass) so nothing has a corner.
    spec = np.fft.rfft(env) * np.exp(-0.5 * (_FREQS / 1.5) ** 2)
    out: FloatArray = np.fft.irfft(spec, n)
    return out


def ocean(rng: np.random.Generator) -> FloatArray:
    """Waves on a sandy shore: three different swells per loop (about 10 s apart)."""
    env = np.clip(_wave_envelope(rng, 3), 0.0, None)
    env = 0.3 + env / env.max()  # never quieter than a gentle background wash
    # The backwash: the same swells, later and drawn out (circular exponential smoothing).
    lag = np.exp(-np.arange(LOOP_SAMPLES) / (1.4 * SAMPLE_RATE))
    lag = np.roll(lag, int(0.5 * SAMPLE_RATE))
    wash = np.fft.irfft(np.fft.rfft(env) * np.fft.rfft(lag), LOOP_SAMPLES)
    wash /= wash.max()
    rumble = stereo_noise(rng, slope(1.0) * highpass(30.0, 2) * lowpass(380.0, 2))
    surf = stereo_noise(rng, slope(0.5) * highpass(140.0, 2) * lowpass(2000.0, 2))
    foam = stereo_noise(rng, highpass(1100.0, 2) * lowpass(3800.0, 2))
    drift = 0.22 * smooth_random(rng, 0.08)  # where along the shore the water is loudest
    pan = np.stack((np.sqrt(0.5 - drift / 2), np.sqrt(0.5 + drift / 2))) * math.sqrt(2.0)
    mix = (
        0.55 * (0.45 + 0.55 * wash) * rumble
        + 1.0 * env**1.3 * surf
        + 0.28 * (0.15 + wash**2) * foam
    )
    out: FloatArray = mix * pan
    return out


@dataclass(frozen=True)
class Sound:
    file: str
    title: str
    seed: int
    synth: Callable[[np.random.Generator], FloatArray]


SOUNDS: tuple[Sound, ...] = (
    Sound("brown-noise.opus", "Brown noise", 101, brown_noise),
    Sound("pink-noise.opus", "Pink noise", 202, pink_noise),
    Sound("rain.opus", "Rain", 303, rain),
    Sound("fan.opus", "Fan", 404, fan),
    Sound("ocean-waves.opus", "Ocean waves", 505, ocean),
)


# --- encoding and checking


def write_wav24(path: Path, x: FloatArray) -> None:
    """Write (channels, samples) floats as a 24-bit PCM WAV."""
    ints = np.round(np.clip(x.T, -1.0, 1.0) * 8_388_607).astype("<i4")
    packed = ints.reshape(-1, 1).view(np.uint8).reshape(-1, 4)[:, :3]
    with wave.open(str(path), "wb") as out:
        out.setnchannels(x.shape[0])
        out.setsampwidth(3)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(packed.tobytes())


def read_wav16(path: Path) -> FloatArray:
    """Read a 16-bit PCM WAV as (channels, samples) floats."""
    with wave.open(str(path), "rb") as inp:
        if inp.getsampwidth() != 2 or inp.getframerate() != SAMPLE_RATE:
            raise RuntimeError(f"{path}: unexpected WAV format")
        channels = inp.getnchannels()
        data = np.frombuffer(inp.readframes(inp.getnframes()), dtype="<i2")
    out: FloatArray = data.reshape(-1, channels).T.astype(np.float64) / 32768.0
    return out


def tool(name: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        sys.exit(f"make_sounds: '{name}' not found; install opus-tools (apt install opus-tools)")
    return exe


def _ogg_crc(data: bytes) -> int:
    """The Ogg page checksum (RFC 3533): CRC-32, polynomial 0x04C11DB7, no reflection, init 0."""
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7 if crc & 0x80000000 else crc << 1) & 0xFFFFFFFF
    return crc


def set_pre_skip(path: Path, expected: int, pre_skip: int) -> None:
    """Change the OpusHead pre-skip of an Ogg/Opus file from ``expected`` to ``pre_skip``.

    The OpusHead packet sits alone on the first Ogg page (RFC 7845), so only that page changes:
    the field, then the page's CRC. Granule positions count from the start of the decoded stream
    (pre-skip included), so they stay valid and the end trim still lands on the last sample.
    """
    data = bytearray(path.read_bytes())
    if data[:4] != b"OggS" or data[5] != 0x02:
        raise RuntimeError(f"{path}: does not start with an Ogg beginning-of-stream page")
    segments = data[26]
    body = 27 + segments
    size = sum(data[27:body])
    if data[body : body + 8] != b"OpusHead" or size < 19:
        raise RuntimeError(f"{path}: the first Ogg page is not an OpusHead")
    field = body + 10  # version (1), channel count (1), then the 16-bit little-endian pre-skip
    found = int.from_bytes(data[field : field + 2], "little")
    if found != expected:
        raise RuntimeError(f"{path}: pre-skip {found}, expected the encoder's {expected}")
    data[field : field + 2] = pre_skip.to_bytes(2, "little")
    data[22:26] = bytes(4)  # the CRC is computed with its own field zeroed
    data[22:26] = _ogg_crc(bytes(data[: body + size])).to_bytes(4, "little")
    path.write_bytes(bytes(data))


def warm_start(x: FloatArray) -> FloatArray:
    """The loop with its last ``PRE_ROLL`` samples in front: what precedes its start in a repeat."""
    out: FloatArray = np.concatenate((x[:, -PRE_ROLL:], x), axis=1)
    return out


def encode(x: FloatArray, wav: Path, out: Path, title: str, bitrate: int) -> None:
    """Encode loop ``x`` warm (see the module docstring): decoded, it is exactly ``x``'s length."""
    write_wav24(wav, warm_start(x))
    cmd = [
        tool("opusenc"),
        "--quiet",
        "--music",
        "--vbr",
        "--bitrate",
        str(bitrate),
        "--comp",
        "10",
        "--framesize",
        "20",
        "--serial",
        str(OGG_SERIAL),
        "--title",
        title,
        "--artist",
        "SleepPlayer",
        "--album",
        "Sleep sounds",
        "--comment",
        "LICENSE=Generated by SleepPlayer's resources/make_sounds.py; same licence as SleepPlayer",
        str(wav),
        str(out),
    ]
    subprocess.run(cmd, check=True)
    set_pre_skip(out, OPUS_PRE_SKIP, FILE_PRE_SKIP)


def decode(opus: Path, wav: Path) -> FloatArray:
    subprocess.run([tool("opusdec"), "--quiet", "--rate", "48000", str(opus), str(wav)], check=True)
    return read_wav16(wav)


def seam_report(y: FloatArray) -> dict[str, float]:
    """How the wrap (last sample -> first sample) compares with every other point of the loop.

    ``step``: the largest sample step across the wrap over the 99.9th percentile of all steps.
    ``click_db``: high-passed (> 3 kHz) energy in the 2 ms around the wrap, in dB over the 99.9th
    percentile of the same measure at every millisecond of the loop. Both are <= 1 / <= 0 when
    the wrap is as smooth as the loop itself.
    """
    steps = np.abs(np.diff(y, axis=1, append=y[:, :1]))  # circular: the last column is the wrap
    step = max(float(steps[ch, -1] / np.percentile(steps[ch], 99.9)) for ch in range(len(y)))
    hf = np.square(circular_filter(y, highpass(3000.0, 4))).sum(axis=0)
    ms = SAMPLE_RATE // 1000
    windows = np.roll(hf, ms)[: hf.size // ms * ms].reshape(-1, ms)
    energy = windows + np.roll(windows, -1, axis=0)  # 2 ms windows; index 0 straddles the wrap
    click_db = 10.0 * math.log10(float(energy[0].sum() / np.percentile(energy.sum(axis=1), 99.9)))
    return {"step": step, "click_db": click_db}


def candidate_offsets(x: FloatArray, count: int) -> list[int]:
    """Loop points worth trying: quieter-than-median spots (a wave's trough), spread out."""
    n = x.shape[1]
    energy = np.square(x).sum(axis=0)
    win = SAMPLE_RATE // 5
    csum = np.concatenate(([0.0], np.cumsum(np.concatenate((energy, energy[:win])))))
    around = np.roll(csum[win : win + n] - csum[:n], win // 2)  # 200 ms centred on each point
    grid = np.arange(0, n, SAMPLE_RATE // 100)
    chosen: list[int] = []
    for p in grid[np.argsort(around[grid], kind="stable")]:
        if all(min(abs(int(p) - q), n - abs(int(p) - q)) > n // (2 * count) for q in chosen):
            chosen.append(int(p))
        if len(chosen) == count:
            break
    return chosen


def build(sound: Sound, out_dir: Path, work: Path, bitrate: int) -> dict[str, object]:
    x = sound.synth(np.random.default_rng(sound.seed))
    x = x * 10.0 ** ((TARGET_LUFS - loudness_lufs(x)) / 20.0)
    wav = work / f"{sound.file}.wav"
    out = out_dir / sound.file
    trial = work / "trial.opus"
    decoded_wav = work / "decoded.wav"
    # Measure what the codec does to the level and correct the gain for it.
    for _ in range(2):
        encode(x, wav, trial, sound.title, bitrate)
        error = TARGET_LUFS - loudness_lufs(decode(trial, decoded_wav))
        x = x * 10.0 ** (error / 20.0)
    # The loop is circular, so it may start anywhere. The start decodes warm (pre-roll), but Opus
    # codes the last frame without knowing the first, so its coding noise (inaudible within the
    # loop, about -15 dB under the signal) does not flow across the wrap exactly the way it does
    # between frames. Try loop points until the decoded wrap is clearly smoother than the loop's
    # own rough spots.
    best: tuple[float, int] | None = None
    for offset in candidate_offsets(x, CANDIDATES):
        encode(np.roll(x, -offset, axis=1), wav, trial, sound.title, bitrate)
        seam = seam_report(decode(trial, decoded_wav))
        score = max(db(seam["step"] / GOOD_STEP), seam["click_db"] - GOOD_CLICK_DB)
        if best is None or score < best[0]:
            best = (score, offset)
            shutil.copyfile(trial, out)
        if score <= 0.0:
            break
    assert best is not None
    decoded = decode(out, decoded_wav)
    if decoded.shape != (CHANNELS, LOOP_SAMPLES):
        raise RuntimeError(f"{sound.file}: decoded shape {decoded.shape}, want {LOOP_SAMPLES}")
    peak = db(float(np.max(np.abs(decoded))))
    if peak >= MAX_PEAK_DBFS:
        raise RuntimeError(f"{sound.file}: peak {peak:.1f} dBFS is too hot")
    size = out.stat().st_size
    if size > MAX_BYTES:
        raise RuntimeError(f"{sound.file}: {size} bytes is over {MAX_BYTES}")
    seam = seam_report(decoded)
    print(
        f"{sound.file:17} {size / 1024:5.1f} KiB {loudness_lufs(decoded):6.2f} LUFS "
        f"RMS {db(rms(decoded)):6.2f} dBFS peak {peak:6.2f} dBFS | loop point "
        f"{best[1] / SAMPLE_RATE:5.2f} s, wrap step {seam['step']:.2f} x p99.9, "
        f"click {seam['click_db']:+.1f} dB vs p99.9"
    )
    duration_ms = round(decoded.shape[1] * 1000 / SAMPLE_RATE)
    return {
        "file": sound.file,
        "title": sound.title,
        "artist": "SleepPlayer",
        "duration_ms": duration_ms,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--bitrate", type=int, default=BITRATE_KBPS, help="kbit/s (stereo)")
    parser.add_argument("--wav-dir", type=Path, help="also keep the source WAVs here")
    args = parser.parse_args(argv)
    out_dir: Path = args.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    entries = []
    with tempfile.TemporaryDirectory(prefix="sleepplayer-sounds-") as tmp:
        work = Path(args.wav_dir) if args.wav_dir else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for sound in SOUNDS:
            entries.append(build(sound, out_dir, work, args.bitrate))
    listing = out_dir / "sounds.json"
    listing.write_text(json.dumps(entries, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {listing}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
