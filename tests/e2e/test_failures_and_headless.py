"""What a user sees and hears when things go wrong, and when they press Ctrl+C at night."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from tests.e2e.conftest import ROOT, RunningApp, wait_until
from tests.e2e.test_main_window import _playing
from tests.helpers.audio import make_tone
from tests.helpers.desktop_env import PulseAudio, Recording, block_db, recorded_db

pytestmark = pytest.mark.e2e


def test_missing_vlc_shows_how_to_install_it_and_exits_2(
    launch_app: Callable[..., RunningApp], tmp_path: Path
) -> None:
    app = launch_app()
    app.env["PYTHON_VLC_LIB_PATH"] = str(tmp_path / "no-libvlc.so")
    app.process.kill()
    app.process.wait(5)
    with (tmp_path / "novlc.log").open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "sleepplayer", "--basedir", str(tmp_path / "h")],
            env=app.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    try:
        found = subprocess.run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", "needs VLC"],
            env=app.env,
            capture_output=True,
            text=True,
            timeout=20,
        ).stdout.split()
        assert found, "a dialog explains that VLC is missing"
        app.window = found[0]
        app.screenshot("e2e-vlc-missing.png")
        app.key("Return")
        assert process.wait(10) == 2
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)
    output = (tmp_path / "novlc.log").read_text()
    assert "apt install" in output and "Traceback" not in output


def test_headless_ctrl_c_fades_out_quickly_then_exits(pulse: PulseAudio, tmp_path: Path) -> None:
    tone = make_tone(tmp_path / "tone.wav", 30.0, 440, 0.5)
    env = {**os.environ, **pulse.env, "SLEEPPLAYER_AOUT": "pulse"}
    with (tmp_path / "headless.log").open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sleepplayer",
                "--headless",
                "--volume",
                "100",
                "--basedir",
                str(tmp_path / "h"),
                str(tone),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    try:
        wait_until(lambda: _playing(pulse) is not None, 15, "the tone to play")
        wait_until(lambda: recorded_db(pulse, 0.5) > -20, 15, "the tone to be heard")
        recording = Recording(pulse)
        wait_until(lambda: "tone" in (tmp_path / "headless.log").read_text(), 5, "status")
        # Let a second of full level through, then interrupt as a user would.
        heard_before = block_db(Recording(pulse).stop_after(1.0))
        assert max(heard_before) > -12, "the tone plays at full level before Ctrl+C"
        process.send_signal(signal.SIGINT)
        assert process.wait(10) == 130
        levels = np.array(block_db(recording.stop_after(0.5)))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)
    last = int(np.flatnonzero(levels > -60)[-1])
    tail = levels[last - 12 : last + 1]
    # Not cut off at full level: the last audible 100 ms is far below the tone, a second
    # before it the tone was still near full, and in between the level only went down.
    assert levels[last] < max(heard_before) - 15
    assert levels[last - 10] > levels[last] + 10
    assert all(b <= a + 1.0 for a, b in itertools.pairwise(tail))
    assert "Traceback" not in (tmp_path / "headless.log").read_text()


def test_sigterm_ends_the_window_app_in_order_with_its_save(
    launch_app: Callable[..., RunningApp], pulse: PulseAudio
) -> None:
    # A logout sends SIGTERM: the track changed a moment ago (its save still debounced) must
    # be the one the next night starts from.
    app = launch_app()
    app.wait_for_window()
    app.key("space")
    wait_until(lambda: _playing(pulse) is not None, 15, "a playing audio stream")
    app.key("ctrl+Right")
    wait_until(lambda: "Pink noise" in app.title(), 10, "the next track")
    app.process.send_signal(signal.SIGTERM)
    assert app.wait_exit(10) == 0
    resume = json.loads((app.basedir / "state" / "resume.json").read_text())
    assert resume["track_uid"] == "builtin-pink-noise"
    assert "Traceback" not in app.output()


def test_headless_exits_143_on_sigterm(pulse: PulseAudio, tmp_path: Path) -> None:
    tone = make_tone(tmp_path / "tone.wav", 30.0, 440, 0.5)
    env = {**os.environ, **pulse.env, "SLEEPPLAYER_AOUT": "pulse"}
    argv = [sys.executable, "-m", "sleepplayer", "--headless", "--basedir", str(tmp_path / "h")]
    with (tmp_path / "headless.log").open("w") as log:
        process = subprocess.Popen(
            [*argv, str(tone)], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT
        )
    try:
        wait_until(lambda: _playing(pulse) is not None, 15, "the tone to play")
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 128 + signal.SIGTERM  # as a shell reports a TERM
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)
