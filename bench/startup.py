"""Time from process spawn to the top-level window mapped, for the app and a bare PySide6 window.

Each run spawns the process under the private Xvfb and times until MapNotify of its window
(see ``bench.x11``), then closes it through WM_DELETE_WINDOW and waits for it to exit. The
first launch of each kind is a warm-up (files cached, the app's --basedir created) and is
reported on its own; the median is over the following runs.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from bench import procstat
from bench.env import BenchEnv
from bench.launch import (
    APP_TITLE,
    BARE_QT_TITLE,
    app_argv,
    bare_qt_argv,
    quit_gracefully,
    spawn_windowed,
)
from bench.x11 import Display

WINDOW_TIMEOUT_S = 20.0


@dataclass
class StartupResult:
    label: str
    first_s: float | None = None  # the warm-up launch (for the app: a fresh --basedir)
    runs_s: list[float] = field(default_factory=list)
    rss_at_shown_mb: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def median_s(self) -> float | None:
        return statistics.median(self.runs_s) if self.runs_s else None

    @property
    def rss_mb(self) -> float | None:
        return statistics.median(self.rss_at_shown_mb) if self.rss_at_shown_mb else None


def measure(env: BenchEnv, runs: int, *, app: bool) -> StartupResult:
    basedir = env.root / "startup-basedir"
    argv = app_argv(basedir) if app else bare_qt_argv()
    title = APP_TITLE if app else BARE_QT_TITLE
    result = StartupResult("SleepPlayer window" if app else "bare PySide6 QWidget")
    for run in range(runs + 1):
        with Display(env.display) as display:
            launched = spawn_windowed(
                env,
                display,
                argv,
                title,
                "startup-app" if app else "startup-bare",
                WINDOW_TIMEOUT_S,
            )
            if launched.shown_after is not None:
                try:
                    rss = procstat.memory(launched.pid).rss_mb
                except OSError:
                    rss = float("nan")
                if run == 0:
                    result.first_s = launched.shown_after
                else:
                    result.runs_s.append(launched.shown_after)
                    result.rss_at_shown_mb.append(rss)
            quit_gracefully(display, launched)
            if launched.notes:
                result.problems.extend(f"run {run}: {n}" for n in launched.notes)
                if launched.shown_after is None:
                    tail = launched.log_tail()
                    if tail:
                        result.problems.append("log: " + tail)
                    break  # it will not get better on the next try
    return result
