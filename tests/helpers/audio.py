"""Test audio: generate files, capture what libVLC plays, and measure it.

Generation writes into a directory the test owns (``tmp_path``):

* ``make_tone``: a 16-bit PCM WAV sine. Choose ``seconds * freq`` as a whole number and the file
  holds whole periods, so it loops without a seam.
* ``encode_opus``: Ogg/Opus from a WAV through the ``opusenc`` tool (argument list, no shell).
* ``make_corrupt``: bytes that look like a media file by name and nothing else.

Capture: ``PcmRecorder`` is a ``PcmSink`` for ``VlcBackend(pcm_sink=...)``. libVLC calls it on
its own thread with interleaved S16 stereo 48 kHz PCM *after* the player volume was applied, so
it holds exactly what a user would hear. ``mark()`` returns a frame index to cut the capture at a
moment of interest (e.g. just before a track change).

Analysis works on float arrays scaled to [-1, 1], shape (frames, channels):

* ``block_rms_db``: RMS level per block in dBFS (a full-scale sine is -3.01 dB).
* ``expected_db``: the level libVLC's cubic volume gives a source level.
* ``silent_runs_ms`` / ``longest_silence_ms``: gaps.
* ``max_step_ratio``: clicks in a pure sine (a sample-to-sample jump bigger than the sine's
  steepest slope allows).
* ``find_loop_starts`` / ``seam_report``: where a loop restarts in a capture, and whether the
  restart is a click by the measures of the loop itself (largest sample step and high-band
  energy in a 5 ms window, against the same measure at every other point of the loop).

``decode_opus_reference`` decodes with ``opusdec`` (float, no dither): an independent reference
for what an Ogg/Opus file holds.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import threading
import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt

RATE = 48_000
CHANNELS = 2
FloatArray = npt.NDArray[np.float64]


# --- generation


def tone(
    seconds: float, freq: float, amplitude: float = 0.5, rate: int = RATE, channels: int = CHANNELS
) -> FloatArray:
    """A sine as floats in [-1, 1], shape (frames, channels)."""
    frames = round(seconds * rate)
    t = np.arange(frames, dtype=np.float64) / rate
    mono = amplitude * np.sin(2 * math.pi * freq * t)
    return np.repeat(mono[:, None], channels, axis=1)


def write_wav(path: Path, samples: FloatArray, rate: int = RATE) -> Path:
    """Write float samples (frames, channels) as 16-bit PCM WAV."""
    data = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(samples.shape[1])
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(data.tobytes())
    return path


def make_tone(
    path: Path,
    seconds: float,
    freq: float,
    amplitude: float = 0.5,
    rate: int = RATE,
    channels: int = CHANNELS,
) -> Path:
    """Write a sine WAV. Whole periods (``seconds * freq`` integral) make a seamless loop."""
    return write_wav(path, tone(seconds, freq, amplitude, rate, channels), rate)


def _encode(tool: str, package: str, args: list[str], out: Path) -> Path:
    exe = shutil.which(tool)
    if exe is None:
        raise RuntimeError(f"{tool} not found: install {package} (make test-deps)")
    subprocess.run([exe, *args], check=True, capture_output=True, timeout=60)
    return out


def encode_opus(wav: Path, out: Path, bitrate_kbps: int = 96) -> Path:
    """Encode a WAV to Ogg/Opus with ``opusenc``."""
    args = ["--quiet", "--bitrate", str(bitrate_kbps), str(wav), str(out)]
    return _encode("opusenc", "opus-tools", args, out)


def encode_vorbis(wav: Path, out: Path) -> Path:
    """Encode a WAV to Ogg/Vorbis with ``oggenc``."""
    return _encode("oggenc", "vorbis-tools", ["--quiet", "-o", str(out), str(wav)], out)


def encode_flac(wav: Path, out: Path) -> Path:
    """Encode a WAV to FLAC with ``sox``."""
    return _encode("sox", "sox", [str(wav), str(out)], out)


def encode_float_wav(wav: Path, out: Path) -> Path:
    """The same samples as 32-bit float WAV with ``sox``: decoded to floats, as Opus, Vorbis
    and MP3 are, where a 16-bit WAV stays in integers all the way."""
    return _encode("sox", "sox", [str(wav), "-e", "floating-point", "-b", "32", str(out)], out)


def encode_mp3(wav: Path, out: Path) -> Path:
    """Encode a WAV to MP3 with ``lame``, which writes the gapless header (encoder delay and
    padding) as most encoders do; sox's MP3s have none."""
    return _encode("lame", "lame", ["--quiet", "-b", "128", str(wav), str(out)], out)


def decode_opus_reference(path: Path, work: Path) -> FloatArray:
    """The file as ``opusdec`` decodes it: floats (frames, channels), stereo files only."""
    exe = shutil.which("opusdec")
    if exe is None:
        raise RuntimeError("opusdec not found: install opus-tools (make test-deps)")
    raw = work / (path.stem + ".f32")
    subprocess.run(
        [exe, "--quiet", "--float", str(path), str(raw)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return np.fromfile(raw, dtype="<f4").astype(np.float64).reshape(-1, CHANNELS)


def read_wav(path: Path) -> FloatArray:
    """A 16-bit PCM WAV as floats in [-1, 1], shape (frames, channels)."""
    with wave.open(str(path), "rb") as f:
        assert f.getsampwidth() == 2
        data = np.frombuffer(f.readframes(f.getnframes()), dtype="<i2")
        return data.astype(np.float64).reshape(-1, f.getnchannels()) / 32768.0


def make_corrupt(path: Path, size: int = 64 * 1024, seed: int = 1) -> Path:
    """Random bytes behind a media-looking name (the extension decides what VLC tries)."""
    rng = np.random.default_rng(seed)
    path.write_bytes(rng.integers(0, 256, size, dtype=np.uint8).tobytes())
    return path


# --- capture


class PcmRecorder:
    """A thread-safe ``PcmSink`` that keeps everything written to it.

    ``write`` runs on a libVLC thread; every other method may be called from the test thread.
    Only S16 interleaved PCM with ``channels`` channels is expected (what ``VlcBackend`` sets).
    """

    def __init__(self, channels: int = CHANNELS, rate: int = RATE) -> None:
        self.channels = channels
        self.rate = rate
        self._lock = threading.Lock()
        self._chunks: list[bytes] = []
        self._frames = 0
        self._pts_us: list[int] = []

    def write(self, data: bytes, pts_us: int) -> None:
        with self._lock:
            self._chunks.append(data)
            self._pts_us.append(pts_us)
            self._frames += len(data) // (2 * self.channels)

    @property
    def frames(self) -> int:
        """Frames captured so far."""
        with self._lock:
            return self._frames

    def seconds(self) -> float:
        return self.frames / self.rate

    def mark(self) -> int:
        """The current frame index; pass it to ``samples(start=...)`` later."""
        return self.frames

    def clear(self) -> None:
        with self._lock:
            self._chunks.clear()
            self._pts_us.clear()
            self._frames = 0

    def samples(self, start: int = 0, stop: int | None = None) -> FloatArray:
        """Captured audio as floats in [-1, 1], shape (frames, channels)."""
        with self._lock:
            raw = b"".join(self._chunks)
        data = np.frombuffer(raw, dtype=np.int16).astype(np.float64) / 32768.0
        return data.reshape(-1, self.channels)[start:stop]


class NullSink:
    """A ``PcmSink`` that drops everything (for tests where the sound does not matter)."""

    def write(self, data: bytes, pts_us: int) -> None:
        pass


# --- analysis


def db(linear: float) -> float:
    """Amplitude ratio to dB (-inf for 0)."""
    return 20 * math.log10(linear) if linear > 0 else -math.inf


def sine_rms_db(amplitude: float) -> float:
    """RMS level in dBFS of a sine with this peak amplitude."""
    return db(amplitude / math.sqrt(2))


def volume_gain(volume: int) -> float:
    """libVLC's amplitude factor for a volume 0-100: (v/100)**3."""
    return (volume / 100) ** 3


def expected_db(source_db: float, volume: int) -> float:
    """The level a source of ``source_db`` plays at through libVLC volume ``volume``."""
    return source_db + db(volume_gain(volume))


def block_rms_db(samples: FloatArray, block_ms: float, rate: int = RATE) -> FloatArray:
    """RMS in dBFS of consecutive blocks of ``block_ms`` (over all channels; a partial tail block
    is dropped; digital silence gives -inf)."""
    size = round(block_ms * rate / 1000)
    count = len(samples) // size
    if count == 0:
        return np.empty(0)
    blocks = samples[: count * size].reshape(count, size * samples.shape[1])
    rms = np.sqrt(np.mean(blocks**2, axis=1))
    with np.errstate(divide="ignore"):
        return np.asarray(20 * np.log10(rms), dtype=np.float64)


def rms_db(samples: FloatArray) -> float:
    """RMS in dBFS of the whole array."""
    return db(float(np.sqrt(np.mean(samples**2)))) if len(samples) else -math.inf


def silent_runs_ms(
    samples: FloatArray, threshold: float = 1e-3, rate: int = RATE
) -> list[tuple[float, float]]:
    """Runs where every channel stays within ``threshold``: (start_ms, length_ms) each.

    A sine crosses zero briefly twice a period; with a 1 kHz tone at amplitude 0.5 a run of
    ``threshold`` 1e-3 lasts well under 0.1 ms, so anything near a millisecond is a real gap.
    """
    quiet = np.all(np.abs(samples) <= threshold, axis=1).astype(np.int8)
    edges = np.diff(np.concatenate(([0], quiet, [0])))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    return [(s * 1000 / rate, (e - s) * 1000 / rate) for s, e in zip(starts, ends, strict=True)]


def longest_silence_ms(samples: FloatArray, threshold: float = 1e-3, rate: int = RATE) -> float:
    runs = silent_runs_ms(samples, threshold, rate)
    return max((length for _, length in runs), default=0.0)


def max_step_ratio(samples: FloatArray, freq: float, amplitude: float, rate: int = RATE) -> float:
    """Largest sample-to-sample jump relative to what a clean sine of this frequency and
    amplitude can do (its steepest slope, ``2*pi*f*A/rate`` per sample). About 1.0 for a clean
    sine; a seam or click shows as a clearly larger value."""
    steepest = 2 * math.pi * freq * amplitude / rate
    if len(samples) < 2 or steepest == 0:
        return 0.0
    return float(np.max(np.abs(np.diff(samples, axis=0))) / steepest)


def first_sound_frame(samples: FloatArray, threshold: float = 1e-3) -> int | None:
    """Index of the first frame louder than ``threshold`` on any channel."""
    loud = np.flatnonzero(np.any(np.abs(samples) > threshold, axis=1))
    return int(loud[0]) if len(loud) else None


LSB = 1 / 32768


def find_loop_starts(
    capture: FloatArray, loop: FloatArray, probe: int = 960, tolerance: float = 2 * LSB
) -> list[int]:
    """Capture frames where the loop's first ``probe`` frames start again, to ``tolerance``.

    Only an output that reproduces the loop exactly (a bit-exact player at volume 100) matches;
    a lossy re-decode or a shifted restart does not.
    """
    head = loop[:probe]
    near = np.all(np.abs(capture[: len(capture) - probe] - head[0]) <= tolerance, axis=1)
    starts = []
    for i in np.flatnonzero(near):
        if np.max(np.abs(capture[i : i + probe] - head)) <= tolerance:
            starts.append(int(i))
    return starts


def _highpass_taps(cutoff_hz: float, rate: int, taps: int = 127) -> FloatArray:
    """A linear-phase FIR high-pass (Blackman-windowed sinc)."""
    n = np.arange(taps) - (taps - 1) / 2
    lowpass = np.sinc(2 * cutoff_hz / rate * n) * np.blackman(taps)
    lowpass /= lowpass.sum()
    highpass = -lowpass
    highpass[(taps - 1) // 2] += 1.0
    return np.asarray(highpass, dtype=np.float64)


def _highband_energy(samples: FloatArray, cutoff_hz: float, rate: int) -> FloatArray:
    """Per-frame energy (summed over channels) above ``cutoff_hz``; ``len(samples) - 126``
    values, the first one centred on frame 63."""
    taps = _highpass_taps(cutoff_hz, rate)
    energy = np.zeros(len(samples) - len(taps) + 1)
    for ch in range(samples.shape[1]):
        energy += np.square(np.convolve(samples[:, ch], taps, mode="valid"))
    return energy


def _window_sums(values: FloatArray, width: int) -> FloatArray:
    """Sum of ``values[i : i + width]`` for every i (a running window)."""
    cumulative = np.concatenate(([0.0], np.cumsum(values)))
    return np.asarray(cumulative[width:] - cumulative[:-width], dtype=np.float64)


def seam_report(
    capture: FloatArray,
    seam: int,
    loop: FloatArray,
    *,
    window_ms: float = 5.0,
    cutoff_hz: float = 4000.0,
    rate: int = RATE,
) -> dict[str, float]:
    """How the restart at capture frame ``seam`` compares with every other point of the loop.

    ``step``: the largest sample step in the window centred on the seam, over the 99.9th
    percentile of the same measure for every window position around the (circular) loop.
    ``highband_db``: the energy above ``cutoff_hz`` in that window, in dB over the 99.9th
    percentile of the same measure around the loop. A click is an outlier: step > 1 or
    highband_db > 0. ``loop`` is the loop as decoded on its own (e.g. by opusdec).
    """
    width = round(window_ms * rate / 1000)
    half = width // 2
    pad = 63  # half the high-pass filter
    lo, hi = seam - half - pad - 1, seam - half + width + pad
    if lo < 0 or hi > len(capture):
        raise ValueError("seam too close to the edge of the capture")
    # The loop measured circularly, so its own wrap counts as one of its points.
    ring = np.concatenate((loop[-pad - 1 :], loop, loop[: width + pad]))
    ring_steps = np.abs(np.diff(ring, axis=0)).max(axis=1)[pad:]
    loop_step = np.lib.stride_tricks.sliding_window_view(ring_steps, width).max(axis=1)
    loop_hb = _window_sums(_highband_energy(ring[1:], cutoff_hz, rate), width)
    piece = capture[lo:hi]
    seam_step = float(np.abs(np.diff(piece, axis=0)).max(axis=1)[pad:][:width].max())
    seam_hb = float(_window_sums(_highband_energy(piece[1:], cutoff_hz, rate), width)[0])
    return {
        "step": seam_step / float(np.percentile(loop_step, 99.9)),
        "highband_db": 10 * math.log10(seam_hb / float(np.percentile(loop_hb, 99.9))),
    }
