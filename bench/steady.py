"""Steady CPU and memory while playing: bare libVLC, the app with its window shown, and minimised.

Each subject plays the same file to the same PulseAudio null sink, one after the other. After
it is heard playing (an uncorked stream of its PID in PulseAudio) it gets a warm-up, then CPU
time (utime + stime, /proc) is taken over the measuring window, and RSS/PSS at its end. The
PulseAudio server's own CPU over the same window is shown as well: it tells whether the app's
stream costs the server more than bare libVLC's.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field, replace

from bench import procstat
from bench.env import BenchEnv
from bench.launch import (
    APP_TITLE,
    BARE_LAYOUT_TITLE,
    Launched,
    app_argv,
    bare_layout_argv,
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

START_TIMEOUT_S = 30.0


@dataclass
class SteadyResult:
    label: str
    cpu_pct: float | None = None
    pulse_cpu_pct: float | None = None
    #: The same from the scheduler's nanosecond counters, for the whole process and for its
    #: main (Qt) thread alone, and the main thread's wake-ups per second.
    run_cpu_pct: float | None = None
    main_cpu_pct: float | None = None
    main_wakeups_per_s: float | None = None
    xserver_cpu_pct: float | None = None  # Xvfb: what the window's repaints cost the X server
    title: str | None = None
    memory: procstat.Memory | None = None
    seconds: float = 0.0
    #: CPU (% core) of each round, when this is the median of several.
    rounds: list[float | None] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def median_of(runs: list[SteadyResult]) -> SteadyResult:
    """One result from several rounds of the same subject: the median of each figure.

    One 30 s sample swings by about +-15 % here (the decoder and libpulse threads of bare
    libVLC alone measured 0.82-1.06 % of a core run to run), so a ratio of single samples
    says more about luck than about the app. Rounds alternate the subjects, so a slow drift
    of the machine falls on all of them alike."""
    good = [r for r in runs if r.cpu_pct is not None] or runs
    first = good[0]

    def med(values: list[float | None]) -> float | None:
        found = [v for v in values if v is not None]
        return statistics.median(found) if found else None

    memory = None
    mems = [r.memory for r in good if r.memory is not None]
    if mems:
        # The round with the median RSS, not a mix of rounds: RSS, PSS and peak go together.
        memory = sorted(mems, key=lambda m: m.rss_mb)[len(mems) // 2]
    return replace(
        first,
        cpu_pct=med([r.cpu_pct for r in good]),
        pulse_cpu_pct=med([r.pulse_cpu_pct for r in good]),
        run_cpu_pct=med([r.run_cpu_pct for r in good]),
        main_cpu_pct=med([r.main_cpu_pct for r in good]),
        main_wakeups_per_s=med([r.main_wakeups_per_s for r in good]),
        xserver_cpu_pct=med([r.xserver_cpu_pct for r in good]),
        memory=memory,
        notes=[n for r in runs for n in r.notes][:1],
        problems=[p for r in runs for p in r.problems],
        rounds=[r.cpu_pct for r in runs],
    )


def _sched_counters(pid: int, xvfb: int | None) -> tuple[float, float, float, float]:
    """CPU seconds of the process and of its main thread, the main thread's wake-ups, and the
    X server's CPU seconds."""
    x = procstat.run_seconds(xvfb) if xvfb else 0.0
    return procstat.run_seconds(pid), procstat.run_seconds(pid, pid), procstat.wakeups(pid), x


def _take(
    env: BenchEnv, launched: Launched, warmup: float, seconds: float, r: SteadyResult
) -> None:
    time.sleep(warmup)
    pulse, pid = env.pulse_pid(), launched.pid
    t0 = time.monotonic()
    s0 = procstat.sample(pid, t0)
    p0 = procstat.sample(pulse, t0) if pulse else None
    c0 = _sched_counters(pid, env.xvfb_pid())
    time.sleep(seconds)
    t1 = time.monotonic()
    s1 = procstat.sample(pid, t1)
    p1 = procstat.sample(pulse, t1) if pulse else None
    c1 = _sched_counters(pid, env.xvfb_pid())
    run, main, woken, x = (b - a for a, b in zip(c0, c1, strict=True))
    r.run_cpu_pct, r.main_cpu_pct = 100 * run / (t1 - t0), 100 * main / (t1 - t0)
    r.main_wakeups_per_s = woken / (t1 - t0)
    r.xserver_cpu_pct = 100 * x / (t1 - t0)
    r.memory = procstat.memory(launched.pid)
    r.cpu_pct = procstat.percent_of_core(s0, s1)
    r.pulse_cpu_pct = procstat.percent_of_core(p0, p1) if p0 and p1 else None
    r.seconds = t1 - t0
    if not is_playing(env, launched.pid):
        r.problems.append("was no longer playing at the end of the measurement")


def measure_bare(
    env: BenchEnv, warmup: float, seconds: float, options: tuple[str, ...] = ()
) -> SteadyResult:
    """python-vlc alone; with ``options`` (the app's libVLC options), the floor under the app:
    what it costs beyond the libVLC it configures."""
    r = SteadyResult("bare python-vlc" + (", the app's libVLC options" if options else ""))
    argv = bare_vlc_argv(env.audio_file, options)
    launched = spawn(
        env, argv, "steady-bare-options" if options else "steady-bare", stdout_pipe=True
    )
    try:
        if not wait_line(launched, "PLAYING", START_TIMEOUT_S) or not wait_playing(
            env, launched.pid, START_TIMEOUT_S
        ):
            r.problems.append("bare libVLC did not start playing: " + launched.log_tail())
            return r
        _take(env, launched, warmup, seconds, r)
    finally:
        quit_gracefully(None, launched)
    return r


def measure_layout(env: BenchEnv, warmup: float, seconds: float) -> SteadyResult:
    """The window's layout in stock widgets, no app logic, playing the same file: how much of
    the app's memory the toolkit and the layout take before any of the app's own code."""
    r = SteadyResult("stock layout + python-vlc")
    with Display(env.display) as display:
        argv = bare_layout_argv(env.audio_file)
        launched = spawn_windowed(
            env, display, argv, BARE_LAYOUT_TITLE, "steady-layout", START_TIMEOUT_S
        )
        try:
            if launched.window is None or not wait_playing(env, launched.pid, START_TIMEOUT_S):
                r.problems.append("the stock layout did not play: " + launched.log_tail())
                return r
            _take(env, launched, warmup, seconds, r)
        finally:
            quit_gracefully(display, launched)
            r.problems.extend(launched.notes)
    return r


def measure_app(
    env: BenchEnv, warmup: float, seconds: float, *, minimised: bool, options: tuple[str, ...] = ()
) -> SteadyResult:
    """The app playing the bench's file; ``options`` go before it (e.g. ``--sleep 2h``)."""
    label = "SleepPlayer, window " + ("minimised" if minimised else "shown")
    r = SteadyResult(label + (f", {' '.join(options)}" if options else ""))
    basedir = env.root / ("steady-min" if minimised else "steady-shown")
    basedir = basedir.with_name(basedir.name + "".join(options).replace(" ", ""))
    argv = app_argv(basedir, [*options, str(env.audio_file)])
    with Display(env.display) as display:
        launched = spawn_windowed(env, display, argv, APP_TITLE, basedir.name, START_TIMEOUT_S)
        try:
            window = launched.window
            if window is None:
                r.problems.append("log: " + launched.log_tail())
                return r
            if minimised:
                display.iconify(window)
            if not wait_playing(env, launched.pid, START_TIMEOUT_S):
                r.problems.append(f"no sound from the app within {START_TIMEOUT_S:.0f} s")
                tail = launched.log_tail()
                if tail:
                    r.problems.append("log: " + tail)
                return r
            _take(env, launched, warmup, seconds, r)
            mapped = window_mapped(env, window)
            if minimised and mapped:
                r.problems.append("the window was mapped again during the measurement")
            if not minimised and mapped is False:
                r.problems.append("the window was not shown at the end of the measurement")
            r.title = display.title(window)
            r.notes.append(f"window title at the end: {r.title!r}")
        finally:
            quit_gracefully(display, launched)
            r.problems.extend(launched.notes)
    return r
