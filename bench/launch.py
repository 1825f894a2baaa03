"""Spawning the app, bare PySide6 and bare libVLC under the private servers, and stopping them."""

from __future__ import annotations

import contextlib
import select
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.env import BenchEnv, python, stop_process
from bench.x11 import Display, MapWatcher

#: The app's window title is "SleepPlayer" or "<track> — SleepPlayer".
APP_TITLE = "SleepPlayer"
BARE_QT_TITLE = "Bare PySide6 window"
BARE_LAYOUT_TITLE = "Stock widget layout"
REPO = Path(__file__).resolve().parent.parent


def app_argv(basedir: Path, items: list[str] | None = None) -> list[str]:
    return [python(), "-m", "sleepplayer", "--basedir", str(basedir), *(items or [])]


def bare_qt_argv() -> list[str]:
    return [python(), "-m", "bench.bare_qt", BARE_QT_TITLE]


def bare_layout_argv(audio: Path) -> list[str]:
    return [python(), "-m", "bench.bare_layout", BARE_LAYOUT_TITLE, str(audio)]


def bare_vlc_argv(audio: Path, options: tuple[str, ...] = ()) -> list[str]:
    return [python(), "-m", "bench.bare_vlc", str(audio), *options]


@dataclass
class Launched:
    """A child process and, for windowed ones, its top-level window."""

    proc: subprocess.Popen[bytes]
    log: Path
    spawned_at: float  # time.perf_counter() just before the spawn
    window: int | None = None
    shown_after: float | None = None  # seconds from spawn to the window mapped
    notes: list[str] = field(default_factory=list)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log_tail(self, lines: int = 3) -> str:
        """The last lines of its stderr (the exception, for a crash), joined with " | "."""
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        # Skip the ^^^^ markers of Python 3.11 tracebacks.
        kept = [t for t in (ln.strip() for ln in text.splitlines()) if t.strip("^~ ")][-lines:]
        return " | ".join(kept)


def spawn(env: BenchEnv, argv: list[str], log_name: str, *, stdout_pipe: bool = False) -> Launched:
    log = env.root / f"{log_name}.log"
    with open(log, "ab") as fh:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            cwd=REPO,
            env=env.child_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if stdout_pipe else fh,
            stderr=fh,
            start_new_session=True,
        )
    return Launched(proc, log, t0)


def spawn_windowed(
    env: BenchEnv, display: Display, argv: list[str], title: str, log_name: str, timeout: float
) -> Launched:
    """Spawn and wait until its window (title contains ``title``) is mapped."""
    watcher = MapWatcher(display)  # subscribe before the spawn: no MapNotify can be missed
    launched = spawn(env, argv, log_name)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # Short waits, so an early crash is noticed without waiting for the whole timeout.
        found = watcher.wait(title, min(0.5, max(0.0, deadline - time.monotonic())))
        if found is not None:
            launched.window = found[0]
            launched.shown_after = found[1] - launched.spawned_at
            return launched
        if launched.proc.poll() is not None:
            launched.notes.append(f"exited with {launched.proc.returncode} before a window showed")
            return launched
    launched.notes.append(f"no window titled '*{title}*' within {timeout:.0f} s")
    return launched


def wait_line(launched: Launched, expected: str, timeout: float) -> bool:
    """Wait for a line on the child's stdout (only for ``stdout_pipe`` children)."""
    stream = launched.proc.stdout
    if stream is None:
        return False
    deadline = time.monotonic() + timeout
    buf = b""
    while time.monotonic() < deadline:
        ready = select.select([stream], [], [], max(0.0, deadline - time.monotonic()))[0]
        if not ready:
            break
        chunk = stream.read1(256)  # type: ignore[attr-defined]
        if not chunk:
            break
        buf += chunk
        if expected.encode() in buf:
            return True
    return False


def wait_playing(env: BenchEnv, pid: int, timeout: float) -> bool:
    """Wait until ``pid`` has an uncorked stream in the private PulseAudio."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if is_playing(env, pid):
            return True
        if not _alive(pid):
            return False
        time.sleep(0.2)
    return False


def is_playing(env: BenchEnv, pid: int) -> bool:
    return any(
        s.get("application.process.id") == str(pid) and s.get("corked") == "no"
        for s in env.sink_inputs()
    )


def _alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def window_mapped(env: BenchEnv, window: int) -> bool | None:
    """Whether ``window`` is viewable now (None if it cannot be told)."""
    out = subprocess.run(
        ["xwininfo", "-id", str(window)],
        env=env.child_env(),
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    ).stdout
    for line in out.splitlines():
        if "Map State:" in line:
            return "IsViewable" in line
    return None


def quit_gracefully(display: Display | None, launched: Launched, timeout: float = 5.0) -> None:
    """Close the window (WM_DELETE_WINDOW) and wait; SIGTERM, then SIGKILL, as fallbacks."""
    if display is not None and launched.window is not None and launched.proc.poll() is None:
        with contextlib.suppress(Exception):
            display.close_window(launched.window)
        try:
            launched.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            launched.notes.append("did not quit on window close; terminated")
    stop_process(launched.proc)
    if launched.proc.stdout is not None:
        launched.proc.stdout.close()
