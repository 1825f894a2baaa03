"""The real app under Xvfb with a real PulseAudio: first start, keyboard control, quit, restart."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from typing import Any

import numpy as np

from tests.e2e.conftest import RunningApp, wait_until
from tests.helpers.desktop_env import PulseAudio

pytestmark = __import__("pytest").mark.e2e


def _sink_inputs(pulse: PulseAudio) -> list[dict[str, str]]:
    """The playback streams PulseAudio knows, as dicts of the fields we read."""
    streams: list[dict[str, str]] = []
    for block in pulse.pactl("list", "sink-inputs").split("Sink Input #")[1:]:
        fields: dict[str, str] = {}
        if m := re.search(r"Corked: (\w+)", block):
            fields["corked"] = m.group(1)
        if m := re.search(r"Volume: [^\n]*?(\d+)%", block):
            fields["volume"] = m.group(1)
        if m := re.search(r'application.name = "([^"]*)"', block):
            fields["app"] = m.group(1)
        streams.append(fields)
    return streams


def _playing(pulse: PulseAudio) -> dict[str, str] | None:
    for stream in _sink_inputs(pulse):
        if stream.get("corked") == "no":
            return stream
    return None


def _recorded_db(pulse: PulseAudio, seconds: float = 1.5) -> float:
    """Level of what the null sink actually played, in dBFS."""
    proc = subprocess.Popen(
        ["parec", "-d", "nullsink.monitor", "--format=s16le", "--rate=48000", "--channels=2",
         "--raw"],
        env={**__import__("os").environ, **pulse.env},
        stdout=subprocess.PIPE,
    )
    try:
        out, _ = proc.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.terminate()
        out, _ = proc.communicate()
    samples = np.frombuffer(out, dtype="<i2").astype(np.float64) / 32768.0
    samples = samples[len(samples) // 3 :]  # skip the stream's start-up
    rms = float(np.sqrt(np.mean(samples**2))) if samples.size else 0.0
    return 20 * np.log10(max(rms, 1e-9))


def test_first_start_plays_sleep_sounds_and_keys_work(
    launch_app: Callable[..., RunningApp], pulse: PulseAudio
) -> None:
    app = launch_app()
    app.wait_for_window()
    assert app.title().endswith("SleepPlayer")

    app.key("space")
    wait_until(lambda: _playing(pulse) is not None, 15, "a playing audio stream")
    wait_until(lambda: "Brown noise" in app.title(), 10, "the track in the window title")
    assert _recorded_db(pulse) > -70, "the built-in sound is audible"
    app.screenshot("e2e-main-window.png")

    stream = _playing(pulse)
    assert stream is not None
    volume = int(stream["volume"])
    app.key("Up")
    wait_until(
        lambda: (s := _playing(pulse)) is not None and int(s["volume"]) == volume + 5,
        10,
        "the volume to go up by 5",
    )

    app.key("ctrl+Right")
    wait_until(lambda: "Pink noise" in app.title(), 10, "the next track")

    app.key("space")
    wait_until(lambda: _playing(pulse) is None, 10, "the stream to pause")

    app.key("ctrl+q")
    assert app.wait_exit(10) == 0
    settings: dict[str, Any] = json.loads((app.basedir / "config" / "settings.json").read_text())
    assert settings["volume"] == volume + 5
    resume = json.loads((app.basedir / "state" / "resume.json").read_text())
    assert resume["track_uid"] == "builtin-pink-noise"


def test_restart_restores_playlist_track_and_volume(
    launch_app: Callable[..., RunningApp], pulse: PulseAudio, tmp_path: Any
) -> None:
    first = launch_app("--volume", "30")
    first.wait_for_window()
    first.key("ctrl+Right")  # select the second built-in sound, playing
    wait_until(lambda: "Pink noise" in first.title(), 15, "the second track")
    first.key("ctrl+q")
    assert first.wait_exit(10) == 0

    second = launch_app(basedir=first.basedir)
    second.wait_for_window()
    wait_until(lambda: "Pink noise" in second.title(), 10, "the restored track")
    second.key("space")
    wait_until(lambda: _playing(pulse) is not None, 15, "playback of the restored track")
    stream = _playing(pulse)
    assert stream is not None and int(stream["volume"]) == 30
    second.key("ctrl+q")
    assert second.wait_exit(10) == 0
