"""Time from a second launch with ``--pause`` until the running instance has paused.

The running instance plays the test sound to the private PulseAudio null sink. Each run spawns
``python -m sleepplayer --basedir <same> --pause`` and stops the clock when PulseAudio reports
the app's stream corked: that is the moment the sound stopped, after the client started,
forwarded, the app paused the controller, and libVLC paused its output. PulseAudio pushes the
change to ``pactl subscribe`` (started once, before the runs), whose lines are timestamped as
they arrive, so nothing polls and nothing is added to the app. Each "change" event on the
stream is checked with one ``pactl list`` (after the timestamp was taken) to see whether it was
the cork (a removed stream counts too: silent as well). Between runs a forwarded ``--play``
starts the sound again, and the sound plays for a second before the next ``--pause``.

Also shown: when the ``--pause`` process itself exited (it waits for the app's reply), and the
bare interpreter start (``python -c pass``) that every launch pays before any of our code.

    python -m bench.instance [--runs N]
"""

from __future__ import annotations

import argparse
import queue
import re
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.env import BenchEnv, BenchEnvError, python
from bench.launch import APP_TITLE, REPO, app_argv, quit_gracefully, spawn_windowed
from bench.x11 import Display

TARGET_MS = 150.0
START_TIMEOUT_S = 30.0
#: A run that sees no cork within this long counts as failed.
RUN_TIMEOUT_S = 10.0
_EVENT = re.compile(r"Event '(change|remove)' on sink-input #(\d+)")
#: After the sound is back, a moment before the next --pause (no one pauses within 0 ms).
SETTLE_S = 1.0


@dataclass
class InstanceResult:
    paused_ms: list[float] = field(default_factory=list)
    client_exit_ms: list[float] = field(default_factory=list)
    python_ms: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @staticmethod
    def _median(values: list[float]) -> float | None:
        return statistics.median(values) if values else None

    @property
    def paused_median_ms(self) -> float | None:
        return self._median(self.paused_ms)

    @property
    def client_exit_median_ms(self) -> float | None:
        return self._median(self.client_exit_ms)

    @property
    def python_median_ms(self) -> float | None:
        return self._median(self.python_ms)


class _Events:
    """``pactl subscribe`` in the background: (arrival time, event, sink-input index) of each
    change or removal of a playback stream."""

    def __init__(self, env: BenchEnv) -> None:
        self._proc = subprocess.Popen(
            ["pactl", "subscribe"],
            env=env.child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
        )
        self.changes: queue.Queue[tuple[float, str, str]] = queue.Queue()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            now = time.perf_counter()
            match = _EVENT.search(line)
            if match:
                self.changes.put((now, match.group(1), match.group(2)))

    def drain(self) -> None:
        while not self.changes.empty():
            self.changes.get_nowait()

    def close(self) -> None:
        self._proc.terminate()
        self._proc.wait(5)


def _stream(env: BenchEnv, pid: int) -> dict[str, str] | None:
    for stream in env.sink_inputs():
        if stream.get("application.process.id") == str(pid):
            return stream
    return None


def _wait_steady(env: BenchEnv, pid: int, timeout_s: float) -> bool:
    """Wait until the same stream of ``pid`` has played (uncorked) for SETTLE_S. At start-up
    the app replaces its first stream once the opened items are in: pausing that one would
    time nothing."""
    deadline = time.monotonic() + timeout_s
    since: tuple[str, float] | None = None
    while time.monotonic() < deadline:
        stream = _stream(env, pid)
        if stream is None or stream.get("corked") != "no":
            since = None
        elif since is None or since[0] != stream.get("index"):
            since = (stream.get("index", ""), time.monotonic())
        elif time.monotonic() - since[1] >= SETTLE_S:
            return True
        time.sleep(0.1)
    return False


def _timed_launch(argv: list[str], env: BenchEnv) -> tuple[subprocess.Popen[bytes], list[float]]:
    """Spawn; the list gets the process's exit time (perf_counter) from a watcher thread."""
    exited: list[float] = []
    proc = subprocess.Popen(
        argv, cwd=REPO, env=env.child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )

    def watch() -> None:
        proc.wait()
        exited.append(time.perf_counter())

    threading.Thread(target=watch, daemon=True).start()
    return proc, exited


def _one_pause(env: BenchEnv, events: _Events, basedir: Path, pid: int) -> tuple[float, float]:
    """(launch -> corked, launch -> client exited), in ms; RuntimeError when it fails."""
    index = (_stream(env, pid) or {}).get("index")
    if index is None:
        raise RuntimeError("the app has no stream")
    events.drain()
    began = time.perf_counter()
    proc, exited = _timed_launch(app_argv(basedir, ["--pause"]), env)
    deadline = time.monotonic() + RUN_TIMEOUT_S
    corked_at: float | None = None
    while corked_at is None and time.monotonic() < deadline:
        try:
            at, kind, changed = events.changes.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        if changed != index:
            continue
        stream = _stream(env, pid)
        if kind == "remove" or stream is None or stream.get("corked") == "yes":
            corked_at = at  # silent either way: corked, or the stream closed
    proc.wait(RUN_TIMEOUT_S)
    if proc.returncode != 0:
        error = proc.stderr.read().decode(errors="replace").strip() if proc.stderr else ""
        raise RuntimeError(f"--pause exited with {proc.returncode}: {error[-200:]}")
    if corked_at is None:
        raise RuntimeError("no corked stream seen")
    time.sleep(0.05)  # the watcher thread records the exit just after wait() returns
    return (corked_at - began) * 1000, (exited[0] - began) * 1000 if exited else float("nan")


def _python_start_ms(env: BenchEnv) -> float:
    began = time.perf_counter()
    subprocess.run([python(), "-c", "pass"], env=env.child_env(), check=True)
    return (time.perf_counter() - began) * 1000


def measure(env: BenchEnv, runs: int) -> InstanceResult:
    result = InstanceResult()
    basedir = env.root / "instance-basedir"
    for _ in range(3):
        result.python_ms.append(_python_start_ms(env))
    events = _Events(env)
    with Display(env.display) as display:
        app = spawn_windowed(
            env,
            display,
            app_argv(basedir, [str(env.audio_file)]),
            APP_TITLE,
            "instance-app",
            START_TIMEOUT_S,
        )
        try:
            if not _wait_steady(env, app.pid, START_TIMEOUT_S):
                result.problems.append("the running instance never played: " + app.log_tail())
                return result
            for run in range(runs + 1):
                try:
                    paused_ms, exit_ms = _one_pause(env, events, basedir, app.pid)
                except RuntimeError as exc:
                    result.problems.append(f"run {run}: {exc}")
                    break
                if run > 0:  # the first run warms the file cache for the client
                    result.paused_ms.append(paused_ms)
                    result.client_exit_ms.append(exit_ms)
                play = subprocess.run(
                    app_argv(basedir, ["--play"]), cwd=REPO, env=env.child_env(), check=False
                )
                if play.returncode != 0 or not _wait_steady(env, app.pid, RUN_TIMEOUT_S):
                    result.problems.append(f"run {run}: a forwarded --play did not resume")
                    break
            subprocess.run(app_argv(basedir, ["--quit"]), cwd=REPO, env=env.child_env())
            try:
                app.proc.wait(10)
            except subprocess.TimeoutExpired:
                result.problems.append("a forwarded --quit did not end the app within 10 s")
        finally:
            events.close()
            quit_gracefully(display, app)
    return result


def describe(result: InstanceResult) -> list[str]:
    def ms(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.0f} ms"

    return [
        f"launch --pause -> stream corked: median {ms(result.paused_median_ms)} "
        f"(target < {TARGET_MS:.0f} ms); runs: " + " ".join(f"{v:.0f}" for v in result.paused_ms),
        f"launch --pause -> that process exited: median {ms(result.client_exit_median_ms)}",
        f"python -c pass: median {ms(result.python_median_ms)}",
        *(f"problem: {p}" for p in result.problems),
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.instance", description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    try:
        with BenchEnv() as env:
            result = measure(env, args.runs)
    except BenchEnvError as exc:
        print(f"bench: cannot set up the environment: {exc}", file=sys.stderr)
        return 1
    print("\n".join(describe(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
