"""What the private null sink plays, recorded with parec and put on the wall clock.

``Recorder`` runs ``parec`` on the sink's monitor with small fragments and a reader thread that
notes when each chunk arrives (``time.time()``) and how many frames had come by then. A frame
cannot arrive before the sink rendered it (the null sink renders at most a fragment ahead of
its clock), so the earliest ``arrival - frames / RATE`` over all chunks
is when frame 0 played: the recording's origin on the wall clock, found without fitting
anything to the audio (good to about one fragment, 10 ms). The spread of the other chunks
above it is kept as ``origin_jitter_s``.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bench.env import NULL_SINK, stop_process

#: The null sink's rate (bench.env), so parec does not resample.
RATE = 44_100
FRAGMENT_MS = 10
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Capture:
    samples: npt.NDArray[np.float32]  # mono, -1..1
    origin: float  # wall-clock time (time.time()) at which sample 0 played
    origin_jitter_s: float  # median lateness of the chunks after the earliest one

    def levels_db(self, block_s: float) -> FloatArray:
        """RMS level (dBFS) of consecutive blocks; block ``i`` starts at origin + i * block_s."""
        size = round(block_s * RATE)
        n = len(self.samples) // size
        blocks = self.samples[: n * size].astype(np.float64).reshape(n, size)
        return np.asarray(20 * np.log10(np.maximum(np.sqrt(np.mean(blocks**2, axis=1)), 1e-9)))

    def block_starts(self, block_s: float, count: int) -> FloatArray:
        return self.origin + np.arange(count, dtype=np.float64) * block_s


class Recorder:
    """parec on the null sink's monitor, from construction until ``stop()``."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self._proc = subprocess.Popen(
            [
                "parec", "-d", f"{NULL_SINK}.monitor", "--raw", "--format=float32le",
                f"--rate={RATE}", "--channels=1", f"--latency-msec={FRAGMENT_MS}",
            ],
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self._chunks: list[bytes] = []
        self._arrivals: list[tuple[float, int]] = []  # (time.time(), bytes received by then)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        fd, total = self._proc.stdout.fileno(), 0
        while chunk := os.read(fd, 1 << 16):
            arrived = time.time()
            self._chunks.append(chunk)
            total += len(chunk)
            self._arrivals.append((arrived, total))

    def recent_db(self, seconds: float) -> float:
        """Level of the last ``seconds`` received (a live check that something plays)."""
        tail, want = b"", round(seconds * RATE) * 4
        for chunk in reversed(self._chunks[-200:]):
            tail = chunk + tail
            if len(tail) >= want:
                break
        tail = tail[len(tail) % 4 :]
        x = np.frombuffer(tail, dtype="<f4").astype(np.float64)
        return float(20 * np.log10(max(float(np.sqrt(np.mean(x**2))) if x.size else 0.0, 1e-9)))

    def stop(self) -> Capture:
        stop_process(self._proc)
        self._thread.join(5)
        data = b"".join(self._chunks)
        samples = np.frombuffer(data[: len(data) // 4 * 4], dtype="<f4")
        lateness = np.array([t - (n // 4) / RATE for t, n in self._arrivals] or [time.time()])
        origin = float(lateness.min())
        return Capture(samples, origin, float(np.median(lateness) - origin))
