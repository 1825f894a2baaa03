"""Child process: the app's SleepTimer on real libVLC, heard through the null sink. Prints JSON.

Run as ``python -m bench.sleep_fade --tone WAV --timer 12 --fade 10 gentle gentle linear``
under the bench's PulseAudio. Each run plays the steady tone through the app's own
PlaybackController + VlcBackend(aout="pulse"), records the sink from before arming a plan
(--after pause) until a second after it ended, and measures on the wall clock:

* the end: the last 10 ms block above the fade floor (full level - 60 dB) minus the exact
  ``timer.deadline``: positive = late;
* the fade: 100 ms block levels against the curve (``fade_gain``, averaged over each block in
  power), relative to the level before the fade, down to -40 dB, after fitting the lag of the
  heard fade behind the commanded one (-0.3..+1 s): the max and RMS deviation in dB.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QCoreApplication, QEventLoop

from bench.capture import Capture, FloatArray, Recorder
from sleepplayer.core.fade import fade_gain
from sleepplayer.core.model import Library, Playlist, Track
from sleepplayer.core.sleep_plan import EndAction, FadeCurve, SleepMode, SleepPlan
from sleepplayer.playback.backend import PlayerState
from sleepplayer.playback.vlc_backend import VlcBackend
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.library import LibraryService
from sleepplayer.services.sleep_timer import SleepTimer

FADE_BLOCK_S = 0.1
END_BLOCK_S = 0.01
#: Compared down to here, as in the issue; below the floor - 10 dB the sound counts as stopped.
CURVE_DOWN_TO_DB = -40.0
STOPPED_BELOW_DB = -60.0
TAIL_S = 1.0
SUBSTEPS = 10


def _wait_until(done: Callable[[], bool], timeout: float) -> bool:
    app = QCoreApplication.instance()
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            return False
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)  # type: ignore[union-attr]
        time.sleep(0.01)
    return True


def _expected_db(curve: FadeCurve, t_in_fade: FloatArray, fade_s: float) -> FloatArray:
    """The curve's level (dB) over each block starting ``t_in_fade`` s into the fade: the mean
    power over the block, so steep parts are compared like for like."""
    steps = (np.arange(SUBSTEPS) + 0.5) / SUBSTEPS * FADE_BLOCK_S
    gains = np.array([[fade_gain(curve, (t + s) / fade_s) for s in steps] for t in t_in_fade])
    return np.asarray(10 * np.log10(np.maximum(np.mean(gains**2, axis=1), 1e-12)))


def analyse(
    cap: Capture, curve: FadeCurve, deadline: float, fade_s: float, armed_at: float
) -> dict[str, Any]:
    fade_start = deadline - fade_s
    levels = cap.levels_db(FADE_BLOCK_S)
    starts = cap.block_starts(FADE_BLOCK_S, len(levels))
    before = (starts > armed_at + 0.2) & (starts + FADE_BLOCK_S < fade_start - 0.1)
    if not before.any():
        return {"curve": curve.value, "error": "no audio at full level before the fade"}
    full = float(np.median(levels[before]))
    # Blocks compared: inside the fade, where the curve is still above CURVE_DOWN_TO_DB.
    in_fade = (starts >= fade_start) & (starts + FADE_BLOCK_S <= deadline)
    nominal = _expected_db(curve, starts[in_fade] - fade_start, fade_s)
    compared = np.flatnonzero(in_fade)[nominal >= CURVE_DOWN_TO_DB]
    heard = levels[compared] - full

    def deviation(lag: float) -> FloatArray:
        return np.asarray(heard - _expected_db(curve, starts[compared] - lag - fade_start, fade_s))

    lags = np.arange(-0.3, 1.0, 0.005)
    worst = [float(np.max(np.abs(deviation(lag)))) for lag in lags]
    best = float(lags[int(np.argmin(worst))])
    dev = deviation(best)

    fine = cap.levels_db(END_BLOCK_S)
    fine_starts = cap.block_starts(END_BLOCK_S, len(fine))
    sounding = np.flatnonzero((fine > full + STOPPED_BELOW_DB) & (fine_starts > fade_start))
    stopped_at = float(fine_starts[sounding[-1]]) + END_BLOCK_S if sounding.size else math.nan
    return {
        "curve": curve.value,
        "full_dbfs": full,
        "end_error_ms": 1000 * (stopped_at - deadline),
        "max_db": float(np.max(np.abs(dev))),
        "rms_db": float(np.sqrt(np.mean(dev**2))),
        "lag_ms": 1000 * best,
        "blocks": len(compared),
        "origin_jitter_ms": 1000 * cap.origin_jitter_s,
    }


def one_run(
    controller: PlaybackController,
    timer: SleepTimer,
    curve: FadeCurve,
    timer_s: float,
    fade_s: float,
) -> dict[str, Any]:
    recorder = Recorder()
    try:
        controller.play_playlist("p")
        if not _wait_until(lambda: controller.state == PlayerState.PLAYING, 15):
            return {"curve": curve.value, "error": "libVLC did not start playing"}
        if not _wait_until(lambda: recorder.recent_db(0.2) > -40, 15):
            return {"curve": curve.value, "error": "nothing heard on the null sink"}
        plan = SleepPlan(
            mode=SleepMode.DURATION,
            duration_s=timer_s,
            fade_s=fade_s,
            curve=curve,
            end_action=EndAction.PAUSE,
        )
        armed_at = time.time()
        timer.arm(plan)
        deadline = timer.deadline
        armed_tick = timer.tick_interval_ms()
        assert deadline is not None
        fading_tick: list[int] = []
        finished: list[str] = []

        def note_tick() -> None:
            if timer.phase.value == "fading":
                fading_tick.append(timer.tick_interval_ms() or 0)

        timer.changed.connect(note_tick)
        timer.finished.connect(finished.append)
        ended = _wait_until(lambda: bool(finished), timer_s + 10)
        timer.changed.disconnect(note_tick)
        timer.finished.disconnect(finished.append)
        _wait_until(lambda: False, TAIL_S)
    finally:
        cap = recorder.stop()
    if not ended:
        return {"curve": curve.value, "error": "the timer did not end"}
    out = analyse(cap, curve, deadline.timestamp(), fade_s, armed_at)
    out.update(
        armed_tick_ms=armed_tick,
        fading_tick_ms=statistics.mode(fading_tick or [0]),
        paused=controller.state == PlayerState.PAUSED,
    )
    return out


def tick_cost_us(controller: PlaybackController, timer: SleepTimer, n: int = 2000) -> float:
    """CPU time of one check while armed outside the fade (a 2 h timer), playing: the median
    of 5 rounds of ``n`` calls of ``timer.tick()``, the method its QTimer calls."""
    controller.play_playlist("p")
    _wait_until(lambda: controller.state == PlayerState.PLAYING, 15)
    timer.arm(SleepPlan(mode=SleepMode.DURATION, duration_s=7200.0, fade_s=60.0))
    rounds = []
    for _ in range(5):
        t0 = time.thread_time()
        for _ in range(n):
            timer.tick()
        rounds.append((time.thread_time() - t0) / n * 1e6)
    timer.cancel()
    controller.stop()
    return statistics.median(rounds)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sleep_fade")
    parser.add_argument("--tone", type=Path, required=True)
    parser.add_argument("--timer", type=float, default=12.0)
    parser.add_argument("--fade", type=float, default=10.0)
    parser.add_argument("curves", nargs="+", choices=[c.value for c in FadeCurve])
    args = parser.parse_args(argv)
    app = QCoreApplication([sys.argv[0]])
    backend = VlcBackend(aout="pulse")
    track = Track(uri=args.tone.resolve().as_uri(), uid="t")
    library = LibraryService(Library([Playlist("P", [track], "p")]))
    controller = PlaybackController(backend, library)
    controller.set_volume(100)
    timer = SleepTimer(controller)
    runs = []
    try:
        for name in args.curves:
            runs.append(one_run(controller, timer, FadeCurve(name), args.timer, args.fade))
            controller.stop()
        tick_us = tick_cost_us(controller, timer)
    finally:
        timer.shutdown()
        controller.shutdown()
        backend.release()
        library.shutdown()
    del app
    out = {"timer_s": args.timer, "fade_s": args.fade, "runs": runs, "tick_cost_us": tick_us}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
