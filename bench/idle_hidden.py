"""Idle cost in the tray: the window closed into the tray and playback paused (issue 5).

The app plays the bench's file with its window shown; then a tray host (trayer) starts on the
bench's Xvfb and the icon docks, the window is closed into the tray (WM_DELETE_WINDOW, as the
title bar's button sends it) and a middle click on the icon pauses. The paused app lets go of
the sound device after ``PAUSE_RELEASE_MS`` (``sleepplayer.playback.pause_release``): the bench
waits until its PulseAudio stream is gone (and reports how long that took), then settles, then
measures, over the measuring window:

* CPU time of the process (utime + stime, all threads), in % of one core;
* wake-ups: the voluntary + involuntary context switches of every thread
  (``/proc/PID/task/*/status``), per second, with the busiest threads by name.

The target is effectively zero: nothing that wakes up periodically faster than once a second.
At the end the tray host is stopped, which must bring the window back, and the window is closed
(with no tray left, that quits).

The reference is bare python-vlc playing the same file and then paused (``bench.bare_vlc``,
SIGUSR1): what libVLC and its PulseAudio client cost by themselves while paused.
"""

from __future__ import annotations

import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import procstat
from bench.env import BenchEnv, stop_process
from bench.launch import (
    APP_TITLE,
    app_argv,
    bare_vlc_argv,
    is_playing,
    quit_gracefully,
    spawn,
    spawn_windowed,
    wait_line,
    wait_playing,
    window_mapped,
)
from bench.x11 import Display
from sleepplayer.playback.pause_release import PAUSE_RELEASE_MS

START_TIMEOUT_S = 30.0
#: Threads shown by name, busiest first.
TOP_THREADS = 4
#: libpulse's threaded main loop inside libVLC's audio output. While its stream exists, even
#: corked (paused), it wakes 1.2-1.5 times a second (measured), in bare libVLC paused just the
#: same; once the app has let go of the output (a long pause) it sleeps.
AUDIO_THREAD = "threaded-ml"
#: How much longer than the release delay the app may take to close its stream.
RELEASE_MARGIN_S = 10.0


@dataclass
class IdleResult:
    seconds: float = 0.0
    cpu_pct: float | None = None
    wakeups_per_s: float | None = None
    main_wakeups_per_s: float | None = None
    #: Wake-ups of every thread but libVLC's PulseAudio one (:data:`AUDIO_THREAD`).
    without_audio_per_s: float | None = None
    #: Seconds from the pause until the app's PulseAudio stream was gone (None: it stayed).
    released_after_s: float | None = None
    #: (thread name, wake-ups per second), busiest first.
    threads: list[tuple[str, float]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def thread_switches(pid: int) -> dict[int, tuple[str, int]]:
    """Each live thread's name and context switches so far (voluntary + involuntary)."""
    found: dict[int, tuple[str, int]] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            name = (task / "comm").read_text().strip()
            switches = 0
            for line in (task / "status").read_text().splitlines():
                if line.startswith(("voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:")):
                    switches += int(line.split()[1])
        except (OSError, ValueError):
            continue  # the thread ended between the listing and the reading
        found[int(task.name)] = (name, switches)
    return found


def _xdotool(env: BenchEnv, *args: str) -> str:
    return subprocess.run(
        ["xdotool", *args],
        env=env.child_env(),
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    ).stdout.strip()


def _start_tray_host(env: BenchEnv) -> subprocess.Popen[bytes]:
    host = subprocess.Popen(
        ["trayer", "--edge", "top", "--align", "right", "--widthtype", "pixel",
         "--width", "200", "--height", "32", "--SetDockType", "true"],
        env=env.child_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and host.poll() is None:
        if _xdotool(env, "search", "--onlyvisible", "--class", "trayer"):
            return host
        time.sleep(0.1)
    stop_process(host)
    raise RuntimeError("trayer did not start (apt-get install trayer)")


def _tray_icon(env: BenchEnv, pid: int) -> tuple[int, int] | None:
    """Centre of the app's docked icon: its small window in trayer's strip at the top."""
    for window in _xdotool(env, "search", "--onlyvisible", "--pid", str(pid)).split():
        out = _xdotool(env, "getwindowgeometry", "--shell", window)
        g = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
        try:
            x, y, w, h = (int(g[k]) for k in ("X", "Y", "WIDTH", "HEIGHT"))
        except (KeyError, ValueError):
            continue
        if y < 32 and w <= 48 and h <= 48:
            return x + w // 2, y + h // 2
    return None


def _wait(predicate: object, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


def _take(pid: int, seconds: float, r: IdleResult) -> None:
    t0 = time.monotonic()
    cpu0, threads0 = procstat.sample(pid, t0), thread_switches(pid)
    time.sleep(seconds)
    t1 = time.monotonic()
    cpu1, threads1 = procstat.sample(pid, t1), thread_switches(pid)
    span = t1 - t0
    r.seconds = span
    r.cpu_pct = procstat.percent_of_core(cpu0, cpu1)
    per_thread: list[tuple[str, float]] = []
    for tid, (name, after) in threads1.items():
        before = threads0.get(tid, (name, 0))[1]  # a thread born meanwhile counts in full
        per_thread.append((name if tid != pid else f"{name} (main)", (after - before) / span))
    r.wakeups_per_s = sum(rate for _n, rate in per_thread)
    r.without_audio_per_s = sum(rate for n, rate in per_thread if n != AUDIO_THREAD)
    main = threads1.get(pid)
    r.main_wakeups_per_s = (main[1] - threads0.get(pid, ("", 0))[1]) / span if main else None
    r.threads = sorted((t for t in per_thread if t[1] > 0), key=lambda t: -t[1])[:TOP_THREADS]


def measure(env: BenchEnv, settle_s: float, seconds: float) -> IdleResult:
    r = IdleResult()
    basedir = env.root / "idle-hidden"
    argv = app_argv(basedir, [str(env.audio_file)])
    with Display(env.display) as display:
        launched = spawn_windowed(env, display, argv, APP_TITLE, basedir.name, START_TIMEOUT_S)
        host: subprocess.Popen[bytes] | None = None
        try:
            window = launched.window
            if window is None or not wait_playing(env, launched.pid, START_TIMEOUT_S):
                r.problems.append("the app did not start playing: " + launched.log_tail())
                return r
            host = _start_tray_host(env)
            if not _wait(lambda: _tray_icon(env, launched.pid), 15):
                r.problems.append("the tray icon did not dock")
                return r
            display.close_window(window)
            if not _wait(lambda: window_mapped(env, window) is False, 10):
                r.problems.append("closing the window did not put it in the tray")
                return r
            icon = _tray_icon(env, launched.pid)
            assert icon is not None
            _xdotool(env, "mousemove", str(icon[0]), str(icon[1]), "click", "2")
            _xdotool(env, "mousemove", "5", "795")  # away: no tooltip
            if not _wait(lambda: not is_playing(env, launched.pid), 10):
                r.problems.append("a middle click on the icon did not pause")
                return r
            paused_at = time.monotonic()
            if _wait(lambda: not _has_stream(env, launched.pid), _release_wait_s()):
                r.released_after_s = time.monotonic() - paused_at
            else:
                r.problems.append("the paused app kept its sound stream open")
            time.sleep(settle_s)
            _take(launched.pid, seconds, r)
            if launched.proc.poll() is not None:
                r.problems.append("the app exited during the measurement")
            elif window_mapped(env, window):
                r.problems.append("the window was shown during the measurement")
            _stop_host(env, host, window, r)
            host = None
        finally:
            if host is not None:
                stop_process(host)
            quit_gracefully(display, launched)
            r.problems.extend(launched.notes)
    return r


def _release_wait_s() -> float:
    return PAUSE_RELEASE_MS / 1000 + RELEASE_MARGIN_S


def _has_stream(env: BenchEnv, pid: int) -> bool:
    """The process has a playback stream in PulseAudio (playing or corked)."""
    return any(s.get("application.process.id") == str(pid) for s in env.sink_inputs())


def _stop_host(env: BenchEnv, host: subprocess.Popen[bytes], window: int, r: IdleResult) -> None:
    """Without a tray the hidden window must come back (so quitting by closing works)."""
    stop_process(host)
    if not _wait(lambda: window_mapped(env, window), 10):
        r.problems.append("the window did not come back when the tray host went away")


def measure_bare(env: BenchEnv, settle_s: float, seconds: float) -> IdleResult:
    """The reference: bare libVLC, playing and then paused, over the same window."""
    r = IdleResult()
    launched = spawn(env, bare_vlc_argv(env.audio_file), "idle-bare", stdout_pipe=True)
    try:
        if not wait_line(launched, "PLAYING", START_TIMEOUT_S) or not wait_playing(
            env, launched.pid, START_TIMEOUT_S
        ):
            r.problems.append("bare libVLC did not start playing: " + launched.log_tail())
            return r
        launched.proc.send_signal(signal.SIGUSR1)
        if not _wait(lambda: not is_playing(env, launched.pid), 10):
            r.problems.append("bare libVLC did not pause")
            return r
        time.sleep(settle_s)
        _take(launched.pid, seconds, r)
    finally:
        quit_gracefully(None, launched)
    return r
