"""A private X server (Xvfb) and a private PulseAudio with a null sink, plus the test audio file.

Everything lives in one temporary directory and is torn down on exit. PulseAudio runs as a
plain per-directory daemon (no system daemon, works as root), following the recipe in
LIBVLC-FACTS.md. Child processes get ``child_env()``: DISPLAY and PULSE_SERVER point at the
private servers, so the app and bare libVLC play to the same null sink.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

_REPO = Path(__file__).resolve().parent.parent
#: Length of the generated test sound, in seconds.
AUDIO_SECONDS = 60
NULL_SINK = "nullsink"
_PA_CONF = """\
load-module module-null-sink sink_name={sink} rate=44100 channels=2
load-module module-native-protocol-unix auth-anonymous=1 socket={socket}
load-module module-stream-restore
set-default-sink {sink}
"""


class BenchEnvError(RuntimeError):
    """A private server could not be started."""


def system_vlc_plugin_dir() -> Path | None:
    """libVLC's plugin folder (next to libvlccore), if it can be found."""
    for pattern in ("/usr/lib/*/vlc/plugins", "/usr/lib/vlc/plugins", "/usr/local/lib/vlc/plugins"):
        for found in sorted(Path("/").glob(pattern.lstrip("/"))):
            if found.is_dir():
                return found
    return None


def vlc_plugin_cache_missing() -> bool:
    """True when libVLC has no plugins.dat and so dlopens every plugin in each process.

    On Debian the cache is written by ``vlc-cache-gen`` from the package libvlc-bin, which
    libvlc5 only *recommends*: an ``apt-get install --no-install-recommends libvlc5`` lacks it.
    """
    plugins = system_vlc_plugin_dir()
    return plugins is not None and not (plugins / "plugins.dat").exists()


class BenchEnv:
    """Context manager: temp dir, Xvfb, PulseAudio null sink, and a 60 s Ogg/Opus file.

    With ``private_plugin_cache`` every child runs against a private copy of libvlccore whose
    plugin folder (symlinks to the system's plugins) has a freshly generated plugins.dat: what
    a machine with a working plugin cache would measure, without touching the system.
    """

    def __init__(self, *, private_plugin_cache: bool = False) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="sleepplayer-bench-"))
        self._private_plugin_cache = private_plugin_cache
        self._ld_library_path: str | None = None
        self.display = ""
        self.pulse_server = ""
        self.audio_file = self.root / "noise.opus"
        self._xvfb: subprocess.Popen[bytes] | None = None
        self._pulse: subprocess.Popen[bytes] | None = None
        self._pulse_log = self.root / "pulseaudio.log"

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> BenchEnv:
        try:
            if self._private_plugin_cache:
                self._make_plugin_cache()
            self._compile_bytecode()
            self._start_xvfb()
            self._start_pulse()
            self._make_audio()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        for proc in (self._pulse, self._xvfb):
            if proc is not None:
                stop_process(proc)
        self._pulse = self._xvfb = None
        shutil.rmtree(self.root, ignore_errors=True)

    def _compile_bytecode(self) -> None:
        """Bytecode for the app and the bench's children, as an installed app has it (pip
        compiles on install; the venv's and Python's own modules already have theirs), in the
        usual ``__pycache__`` folders, which git ignores. Without it the first launch of each
        subject compiles its modules: +0.1 s at start-up, and the compiler's garbage stays in
        the heap (bare libVLC measured 39.4 MB on a cold cache and 29.4 MB on a warm one)."""
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPYCACHEPREFIX"}  # as children
        subprocess.run(
            [python(), "-m", "compileall", "-q", str(_REPO / "sleepplayer"), str(_REPO / "bench")],
            check=False,
            stdout=subprocess.DEVNULL,
            env=env,
        )

    # ------------------------------------------------------------------ for children
    def child_env(self, **extra: str) -> dict[str, str]:
        """Environment for a child: private display and sound server, nothing from the desktop."""
        env = dict(os.environ)
        for key in (
            "WAYLAND_DISPLAY",
            "QT_QPA_PLATFORM",
            "SLEEPPLAYER_HOME",
            "PULSE_SINK",
            "PYTHONDONTWRITEBYTECODE",
            "PYTHONPYCACHEPREFIX",
        ):
            env.pop(key, None)
        env.update(
            DISPLAY=self.display,
            PULSE_SERVER=self.pulse_server,
            XDG_RUNTIME_DIR=str(self.root / "xdg"),
            QT_QPA_PLATFORM="xcb",
            # No accessibility bus or session bus in the bench: keep Qt from waiting for them.
            QT_ACCESSIBILITY="0",
            NO_AT_BRIDGE="1",
        )
        if self._ld_library_path is not None:
            env["LD_LIBRARY_PATH"] = self._ld_library_path
        env.update(extra)
        return env

    def pulse_pid(self) -> int | None:
        return self._pulse.pid if self._pulse is not None else None

    def xvfb_pid(self) -> int | None:
        return self._xvfb.pid if self._xvfb is not None else None

    def sink_inputs(self) -> list[dict[str, str]]:
        """Streams playing into the sink: index, corked flag and a few client properties."""
        out = subprocess.run(
            ["pactl", "list", "sink-inputs"],
            env=self.child_env(),
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
        streams: list[dict[str, str]] = []
        for line in out.splitlines():
            text = line.strip()
            if text.startswith("Sink Input #"):
                streams.append({"index": text.split("#", 1)[1]})
            elif streams and " = " in text:
                key, _, value = text.partition(" = ")
                streams[-1][key.strip()] = value.strip().strip('"')
            elif streams and ":" in text:
                key, _, value = text.partition(":")
                streams[-1].setdefault(key.strip().lower(), value.strip())
        return streams

    # ------------------------------------------------------------------ servers
    def _start_xvfb(self) -> None:
        if shutil.which("Xvfb") is None:
            raise BenchEnvError("Xvfb is not installed (apt-get install xvfb)")
        read_fd, write_fd = os.pipe()
        try:
            self._xvfb = subprocess.Popen(
                [
                    "Xvfb",
                    "-displayfd",
                    str(write_fd),
                    "-screen",
                    "0",
                    "1280x800x24",
                    "-nolisten",
                    "tcp",
                    "-noreset",
                ],
                pass_fds=(write_fd,),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            os.close(write_fd)
            write_fd = -1
            # Xvfb picks a free display itself and writes its number once it accepts clients.
            number = b""
            deadline = time.monotonic() + 15
            while not number.endswith(b"\n"):
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([read_fd], [], [], left)[0]:
                    raise BenchEnvError("Xvfb did not start within 15 s")
                chunk = os.read(read_fd, 16)
                if not chunk:
                    raise BenchEnvError("Xvfb exited during start-up")
                number += chunk
            self.display = f":{number.decode().strip()}"
        finally:
            os.close(read_fd)
            if write_fd >= 0:
                os.close(write_fd)

    def _start_pulse(self) -> None:
        if shutil.which("pulseaudio") is None:
            raise BenchEnvError("pulseaudio is not installed (apt-get install pulseaudio)")
        pulse_dir = self.root / "pulse"
        for sub in ("xdg", "home"):
            (self.root / sub).mkdir(mode=0o700)
        pulse_dir.mkdir()
        socket = pulse_dir / "native"
        conf = pulse_dir / "pa.conf"
        conf.write_text(_PA_CONF.format(sink=NULL_SINK, socket=socket))
        self.pulse_server = f"unix:{socket}"
        env = self.child_env(HOME=str(self.root / "home"))
        with open(self._pulse_log, "wb") as log:
            self._pulse = subprocess.Popen(
                [
                    "pulseaudio",
                    "-n",
                    "-F",
                    str(conf),
                    "--daemonize=no",
                    "--exit-idle-time=-1",
                    "--use-pid-file=no",
                    "--log-target=stderr",
                ],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self._pulse.poll() is not None:
                break
            ok = subprocess.run(
                ["pactl", "info"], env=env, capture_output=True, timeout=10, check=False
            )
            if ok.returncode == 0:
                return
            time.sleep(0.1)
        log_tail = self._pulse_log.read_text(errors="replace")[-800:]
        raise BenchEnvError(f"PulseAudio did not start:\n{log_tail}")

    def _make_plugin_cache(self) -> None:
        plugins = system_vlc_plugin_dir()
        core = next(iter(sorted(Path("/usr/lib").glob("*/libvlccore.so.9"))), None)
        if plugins is None or core is None:
            raise BenchEnvError("libVLC's plugin folder or libvlccore.so.9 was not found")
        lib = self.root / "vlclib"
        # libVLC finds its plugins next to the *file* libvlccore was mapped from
        # (/proc/self/maps, symlinks resolved), so this must be a real copy.
        (lib / "vlc").mkdir(parents=True)
        shutil.copy2(core, lib / core.name)
        for so in plugins.rglob("*.so"):
            target = lib / "vlc" / "plugins" / so.relative_to(plugins)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(so)
        self._ld_library_path = str(lib)
        gen = subprocess.run(
            [python(), "-c", "import vlc; vlc.Instance(['--reset-plugins-cache', '--quiet'])"],
            env=self.child_env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if not (lib / "vlc" / "plugins" / "plugins.dat").exists():
            raise BenchEnvError(f"could not generate a private plugin cache: {gen.stderr[-400:]}")

    def make_tone(self, seconds: int = AUDIO_SECONDS) -> Path:
        """A steady 440 Hz sine at -6 dBFS (WAV, the sink's rate): levels read exactly on it."""
        tone = self.root / "tone.wav"
        if not tone.exists():
            subprocess.run(
                ["sox", "-n", "-r", "44100", "-c", "2", "-b", "16", str(tone),
                 "synth", str(seconds), "sine", "440", "gain", "-6"],
                check=True,
                capture_output=True,
                timeout=60,
            )  # fmt: skip
        return tone

    def _make_audio(self) -> None:
        """60 s of soft brown noise with a slow swell, as Ogg/Opus (like the app's sounds)."""
        for tool in ("sox", "opusenc"):
            if shutil.which(tool) is None:
                raise BenchEnvError(f"{tool} is not installed")
        wav = self.root / "noise.wav"
        subprocess.run(
            [
                "sox", "-n", "-r", "48000", "-c", "2", "-b", "16", str(wav),
                "synth", str(AUDIO_SECONDS), "brownnoise", "tremolo", "0.1", "30",
                "gain", "-n", "-12",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )  # fmt: skip
        subprocess.run(
            ["opusenc", "--quiet", "--bitrate", "96", str(wav), str(self.audio_file)],
            check=True,
            capture_output=True,
            timeout=60,
        )
        wav.unlink()


def stop_process(proc: subprocess.Popen[bytes], timeout: float = 5.0) -> None:
    """SIGTERM, then SIGKILL after ``timeout``; reaps the process. Only touches ``proc``."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            proc.wait(timeout)


def python() -> str:
    """The interpreter running the bench (the project's venv under ``make bench``)."""
    return sys.executable
