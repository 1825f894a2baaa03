"""The real app (real libVLC, PulseAudio, Xvfb) on a private session bus, driven by ``playerctl``:
what a desktop's media keys and sound menu do."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sleepplayer.desktop.mpris_metadata import BUS_NAME, OBJECT_PATH, PLAYER_INTERFACE
from tests.e2e.conftest import ROOT, RunningApp, wait_until
from tests.helpers.audio import make_tone
from tests.helpers.dbus_session import PrivateBus
from tests.helpers.dbus_text import Typed, parse_messages
from tests.helpers.desktop_env import PulseAudio

pytestmark = pytest.mark.e2e


@pytest.fixture
def bus(tmp_path: Path) -> Iterator[PrivateBus]:
    directory = tmp_path / "bus"
    directory.mkdir()
    private = PrivateBus.start(directory)
    yield private
    private.stop()


def _client(bus: PrivateBus, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, env={"PATH": "/usr/bin:/bin", **bus.env}, capture_output=True, text=True, timeout=20
    )


def _playerctl(bus: PrivateBus, *args: str) -> str:
    return _client(bus, "playerctl", "-p", "sleepplayer", *args).stdout.strip()


def _player_properties(bus: PrivateBus) -> dict[str, Typed]:
    reply = _client(
        bus, "dbus-send", "--session", "--print-reply", f"--dest={BUS_NAME}", OBJECT_PATH,
        "org.freedesktop.DBus.Properties.GetAll", f"string:{PLAYER_INTERFACE}",
    )  # fmt: skip
    assert reply.returncode == 0, reply.stderr
    (message,) = parse_messages(reply.stdout)
    return message.args[0].as_dict()


def _quit(bus: PrivateBus) -> None:
    reply = _client(
        bus, "dbus-send", "--session", "--print-reply", f"--dest={BUS_NAME}", OBJECT_PATH,
        "org.mpris.MediaPlayer2.Quit",
    )  # fmt: skip
    assert reply.returncode == 0, reply.stderr


def _stream_volume(pulse: PulseAudio) -> int | None:
    """The volume (%) of the uncorked playback stream, or None when nothing plays."""
    for block in pulse.pactl("list", "sink-inputs").split("Sink Input #")[1:]:
        if "Corked: no" in block and (m := re.search(r"Volume: [^\n]*?(\d+)%", block)):
            return int(m.group(1))
    return None


def test_media_keys_and_sound_menu_control_the_real_app(
    launch_app: Callable[..., RunningApp], pulse: PulseAudio, bus: PrivateBus
) -> None:
    monitor_log = bus.directory / "monitor.txt"
    with monitor_log.open("w") as sink:
        monitor = subprocess.Popen(
            ["dbus-monitor", "--address", bus.address,
             "type='signal',interface='org.freedesktop.DBus.Properties'"],
            stdout=sink,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
    try:
        app = launch_app(extra_env=bus.env)
        app.wait_for_window()
        wait_until(lambda: _playerctl(bus, "status") == "Stopped", 20, "SleepPlayer on the bus")

        _playerctl(bus, "play-pause")  # the Play/Pause media key
        wait_until(lambda: _stream_volume(pulse) is not None, 15, "a playing audio stream")
        assert _playerctl(bus, "status") == "Playing"
        wait_until(lambda: _playerctl(bus, "metadata", "title") == "Brown noise", 10, "metadata")
        metadata = _player_properties(bus)["Metadata"].as_dict()
        assert metadata["mpris:trackid"].code == "o"
        assert metadata["mpris:length"].code == "x"  # known from the file's tags
        assert metadata["xesam:url"].value.startswith("file://")  # type: ignore[attr-defined]

        _playerctl(bus, "next")  # the Next media key
        wait_until(lambda: "Pink noise" in app.title(), 10, "the next track in the window")
        assert _playerctl(bus, "metadata", "title") == "Pink noise"

        _playerctl(bus, "volume", "0.3")  # the sound menu's slider
        wait_until(lambda: _stream_volume(pulse) == 30, 10, "the stream at volume 30")
        assert _playerctl(bus, "volume") == "0.300000"
        assert float(_playerctl(bus, "position")) >= 0.0

        _playerctl(bus, "play-pause")
        wait_until(lambda: _stream_volume(pulse) is None, 10, "the stream to pause")

        def announced(name: str, value: object) -> bool:
            for message in parse_messages(monitor_log.read_text()):
                if message.member == "PropertiesChanged" and len(message.args) == 3:
                    changed = message.args[1].as_dict()
                    if name in changed and changed[name].value == value:
                        return True
            return False

        wait_until(lambda: announced("PlaybackStatus", "Paused"), 10, "Paused announced")
        assert announced("PlaybackStatus", "Playing")
        assert announced("Volume", 0.3)

        _quit(bus)  # MPRIS Quit, as a sound menu's "Quit" does
        assert app.wait_exit(10) == 0
        assert "Traceback" not in app.output()
        assert _playerctl(bus, "status") == ""  # gone from the bus
    finally:
        monitor.terminate()
        monitor.wait(5)


def _root_property(bus: PrivateBus, name: str) -> str:
    reply = _client(
        bus, "dbus-send", "--session", "--print-reply", f"--dest={BUS_NAME}", OBJECT_PATH,
        "org.freedesktop.DBus.Properties.Get", "string:org.mpris.MediaPlayer2", f"string:{name}",
    )  # fmt: skip
    assert reply.returncode == 0, reply.stderr
    return reply.stdout.split()[-1]


def test_media_keys_control_the_headless_player(
    pulse: PulseAudio, bus: PrivateBus, tmp_path: Path
) -> None:
    tone = make_tone(tmp_path / "tone.wav", 60.0, 440, 0.3)
    env = {**os.environ, **pulse.env, **bus.env, "SLEEPPLAYER_AOUT": "pulse"}
    env.pop("DISPLAY", None)  # a terminal with no desktop on screen, only its session bus
    log_path = tmp_path / "headless.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "sleepplayer", "--headless", "--basedir",
             str(tmp_path / "h"), str(tone)],
            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
        )  # fmt: skip
    try:
        wait_until(lambda: _playerctl(bus, "status") == "Playing", 20, "headless on the bus")
        # Playing is announced when libVLC says so; the sound server's stream follows.
        wait_until(lambda: _stream_volume(pulse) is not None, 10, "a playing audio stream")
        assert _root_property(bus, "CanRaise") == "false"  # no window to bring up
        assert _playerctl(bus, "metadata", "xesam:url") == tone.as_uri()

        _playerctl(bus, "play-pause")  # the Play/Pause media key
        wait_until(lambda: _playerctl(bus, "status") == "Paused", 10, "paused by the key")
        wait_until(lambda: _stream_volume(pulse) is None, 10, "the stream to pause")
        _playerctl(bus, "play-pause")
        wait_until(lambda: _stream_volume(pulse) is not None, 10, "playing again")

        other = make_tone(tmp_path / "other.wav", 60.0, 550, 0.3)
        _playerctl(bus, "open", other.as_uri())  # OpenUri: plays instead
        wait_until(
            lambda: _playerctl(bus, "metadata", "xesam:url") == other.as_uri(), 15, "OpenUri"
        )
        assert _playerctl(bus, "status") == "Playing"

        _quit(bus)  # MPRIS Quit, as a sound menu's "Quit" does
        assert process.wait(10) == 0
        assert _playerctl(bus, "status") == ""  # gone from the bus
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)
    assert "Traceback" not in log_path.read_text()
