"""Real desktop services for the e2e tier: an Xvfb display and a private PulseAudio.

Each runs in a temporary directory, belongs to the test session, and is torn down after it.
Nothing here touches the user's own display or sound server.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from pytestqt.qtbot import QtBot


def _wait_for(predicate: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)  # waiting for an external process to come up: no Qt loop here
    raise RuntimeError(f"{what} did not come up within {timeout_s} s")


def _stop_process(process: subprocess.Popen[bytes]) -> None:
    """Ask a server to end; kill it when it does not within 5 s."""
    process.terminate()
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()


@dataclass
class Xvfb:
    """An X server on a display number Xvfb picked itself (-displayfd)."""

    process: subprocess.Popen[bytes]
    display: str

    @classmethod
    def start(cls, size: str = "1280x800x24") -> Xvfb:
        read_fd, write_fd = os.pipe()
        # -noreset: by default Xvfb resets when its last client leaves, and a client that
        # connects meanwhile (the next test's tray host) is refused.
        args = ["-displayfd", str(write_fd), "-screen", "0", size, "-nolisten", "tcp", "-noreset"]
        process = subprocess.Popen(
            ["Xvfb", *args],
            pass_fds=(write_fd,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write_fd)
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            process.kill()
            raise RuntimeError("Xvfb did not report a display")
        return cls(process, f":{number}")

    def stop(self) -> None:
        _stop_process(self.process)


@dataclass
class Trayer:
    """A stand-alone system-tray host (XEmbed, ``_NET_SYSTEM_TRAY_S0``) on an X display: with
    it, Qt's ``QSystemTrayIcon.isSystemTrayAvailable()`` is True and icons dock into its
    panel, a 200 x 32 px strip at the top right of the screen."""

    process: subprocess.Popen[bytes]
    display: str

    @classmethod
    def start(cls, display: str) -> Trayer:
        env = {**os.environ, "DISPLAY": display}
        process = subprocess.Popen(
            ["trayer", "--edge", "top", "--align", "right", "--widthtype", "pixel",
             "--width", "200", "--height", "32", "--SetDockType", "true"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        host = cls(process, display)
        _wait_for(host.ready, 10, "trayer")
        return host

    def ready(self) -> bool:
        """Its panel is on screen (it owns the tray selection before it maps the panel)."""
        if self.process.poll() is not None:
            raise RuntimeError(f"trayer exited with {self.process.returncode}")
        found = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--class", "trayer"],
            env={**os.environ, "DISPLAY": self.display},
            capture_output=True,
            check=False,
        )
        return bool(found.stdout.strip())

    def stop(self) -> None:
        _stop_process(self.process)


@dataclass
class PulseAudio:
    """A PulseAudio daemon with one null sink, reachable only through its own socket."""

    process: subprocess.Popen[bytes]
    directory: Path

    @property
    def server(self) -> str:
        return f"unix:{self.directory / 'native'}"

    @property
    def env(self) -> dict[str, str]:
        return {
            "PULSE_SERVER": self.server,
            "XDG_RUNTIME_DIR": str(self.directory / "xdg"),
            "HOME": str(self.directory / "home"),
        }

    @classmethod
    def start(cls, directory: Path, *, stream_restore: bool = True) -> PulseAudio:
        """``stream_restore``: new streams of an app start at its last volume (as on desktops);
        without it, at 100 % (a minimal or hand-made server)."""
        for sub in ("xdg", "home"):
            (directory / sub).mkdir(parents=True, exist_ok=True)
        (directory / "xdg").chmod(0o700)
        config = directory / "pa.conf"
        config.write_text(
            "load-module module-null-sink sink_name=nullsink rate=48000 channels=2\n"
            f"load-module module-native-protocol-unix auth-anonymous=1 "
            f"socket={directory / 'native'}\n"
            + ("load-module module-stream-restore\n" if stream_restore else "")
            + "set-default-sink nullsink\n"
        )
        env = {
            **os.environ,
            "XDG_RUNTIME_DIR": str(directory / "xdg"),
            "HOME": str(directory / "home"),
        }
        process = subprocess.Popen(
            [
                "pulseaudio",
                "-n",
                "-F",
                str(config),
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--log-target=stderr",
                "--log-level=error",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        pulse = cls(process, directory)
        _wait_for(pulse.ready, 10, "PulseAudio")
        return pulse

    def ready(self) -> bool:
        result = subprocess.run(
            ["pactl", "info"], env={**os.environ, **self.env}, capture_output=True, check=False
        )
        return result.returncode == 0

    def pactl(self, *args: str) -> str:
        result = subprocess.run(
            ["pactl", *args],
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    def stream_volume(self, stream: str) -> int | None:
        """A sink input's volume (``#N``, as ``StreamLog.made`` names it; its first channel's),
        in percent; None when there is no such stream."""
        _, found, block = self.pactl("list", "sink-inputs").partition(f"Sink Input {stream}\n")
        for line in block.splitlines() if found else []:
            if line.strip().startswith("Volume:"):  # "Volume: front-left: 0 /   0% / -inf dB, ..."
                return int(line.split("/", 2)[1].strip().rstrip("%"))
        return None

    def stop(self) -> None:
        _stop_process(self.process)
        shutil.rmtree(self.directory, ignore_errors=True)


class _Collected:
    """An outside process run against the private sound server, its output collected by a
    thread as it arrives. Without the thread the pipe fills (parec's within a third of a
    second), the process stalls, and the sound server drops what it cannot deliver."""

    def __init__(self, args: list[str], pulse: PulseAudio) -> None:
        self._proc = subprocess.Popen(args, env={**os.environ, **pulse.env}, stdout=subprocess.PIPE)
        self._chunks: list[bytes] = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        assert self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        while chunk := os.read(fd, 65536):
            with self._lock:
                self._chunks.append(chunk)

    def _collected(self) -> bytes:
        with self._lock:
            return b"".join(self._chunks)

    def _collected_size(self) -> int:
        with self._lock:
            return sum(len(c) for c in self._chunks)

    def _stop(self) -> None:
        _stop_process(self._proc)
        self._reader.join(5)
        assert self._proc.stdout is not None
        self._proc.stdout.close()


class Recording(_Collected):
    """parec on the null sink's monitor: what a listener would hear, from now until stopped."""

    def __init__(self, pulse: PulseAudio) -> None:
        super().__init__(
            [
                "parec",
                # Small fragments: parec otherwise holds up to seconds of audio and loses
                # them when it is stopped.
                "--latency-msec=20",
                "-d",
                "nullsink.monitor",
                "--format=s16le",
                "--rate=48000",
                "--channels=2",
                "--raw",
            ],
            pulse,
        )

    def samples(self) -> npt.NDArray[np.float64]:
        """Everything recorded so far, interleaved stereo, scaled to [-1, 1]."""
        raw = self._collected()
        raw = raw[: len(raw) // 4 * 4]
        return np.frombuffer(raw, dtype="<i2").astype(np.float64) / 32768.0

    def recorded_s(self) -> float:
        return self._collected_size() / (48_000 * 4)

    def wait_live(self, timeout_s: float = 10.0) -> None:
        """Return once parec delivers (the null sink's silence counts): a sound that starts
        after this is recorded from its first sample, not from whenever parec got going."""
        deadline = time.monotonic() + timeout_s
        while self.recorded_s() < 0.05:
            assert time.monotonic() < deadline, "parec recorded nothing"
            time.sleep(0.02)  # an outside process fills the buffer; no Qt loop to wait on

    def stop_after_audio(self, seconds: float, timeout_s: float = 10.0) -> npt.NDArray[np.float64]:
        """Stop once ``seconds`` of audio arrived (parec needs up to a second to start)."""
        deadline = time.monotonic() + timeout_s
        while self.recorded_s() < seconds and time.monotonic() < deadline:
            time.sleep(0.02)  # an outside process fills the buffer; no Qt loop to wait on
        return self.stop_after(0)

    def stop_after(self, seconds: float) -> npt.NDArray[np.float64]:
        """Record ``seconds`` more (the test waits on an outside process), then stop."""
        time.sleep(seconds)
        self._stop()
        return self.samples()


def live_recording(pulse: PulseAudio, qtbot: QtBot) -> Recording:
    """A recording that already receives audio (parec takes up to a second to start), waited
    for with Qt's loop running, so an in-process player's queued events go on meanwhile."""
    recording = Recording(pulse)
    qtbot.waitUntil(lambda: recording.recorded_s() > 0.3, timeout=15_000)
    return recording


class StreamLog(_Collected):
    """The playback streams (sink inputs) the sound server makes, as ``pactl subscribe`` tells
    of them, from now until stopped."""

    def __init__(self, pulse: PulseAudio) -> None:
        super().__init__(["pactl", "subscribe"], pulse)
        self._pulse = pulse
        try:
            self.catch_up()  # subscribed: nothing made from here on is missed
        except BaseException:
            self.stop()
            raise

    def _lines(self) -> list[str]:
        return self._collected().decode(errors="replace").splitlines()

    def catch_up(self, timeout_s: float = 10.0) -> None:
        """Return once every event the server sent before this call has been read: the server
        sends them in order, and the client a ``pactl`` call connects as goes after them (its
        removal: libVLC's own client may connect meanwhile, but stays).
        (Until ``pactl subscribe`` has subscribed there is no answer: it is asked again.)"""
        seen = len(self._lines())
        deadline = time.monotonic() + timeout_s
        while True:
            self._pulse.pactl("info")
            asked = time.monotonic()
            while time.monotonic() - asked < 0.5:
                if any("'remove' on client #" in line for line in self._lines()[seen:]):
                    return
                time.sleep(0.01)  # an outside process; no Qt loop to wait on
            if time.monotonic() >= deadline:
                raise AssertionError("pactl subscribe told of nothing")

    def made(self) -> list[str]:
        """The sink inputs made so far (``#N``), in order."""
        self.catch_up()
        return [
            line.rsplit(" ", 1)[-1]
            for line in self._lines()
            if line.startswith("Event 'new' on sink-input")
        ]

    def stop(self) -> None:
        self._stop()


def level_db(samples: npt.NDArray[np.float64]) -> float:
    """RMS level in dBFS (silence reads about -180)."""
    rms = float(np.sqrt(np.mean(samples**2))) if samples.size else 0.0
    return 20 * math.log10(max(rms, 1e-9))


def recorded_db(pulse: PulseAudio, seconds: float = 1.5) -> float:
    """Level of what the null sink played over the next ``seconds``, in dBFS."""
    return level_db(Recording(pulse).stop_after_audio(seconds))


def block_db(samples: npt.NDArray[np.float64], block_ms: int = 100) -> list[float]:
    """Levels of consecutive ``block_ms`` blocks of interleaved 48 kHz stereo samples."""
    size = 48 * block_ms * 2
    return [level_db(samples[i : i + size]) for i in range(0, len(samples) - size + 1, size)]
