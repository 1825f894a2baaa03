"""One instance, and control from outside, with real processes under Xvfb and PulseAudio.

What the running app did is read from outside, as a user would notice it: its PulseAudio
stream (playing or corked, its volume) and its window title (track, "30 min left").
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from sleepplayer.core.instance_address import InstanceAddress, instance_address
from sleepplayer.core.paths import AppPaths
from sleepplayer.core.remote_message import MAX_REQUEST_BYTES
from tests.e2e.conftest import ROOT, RunningApp, wait_until
from tests.helpers.audio import make_tone
from tests.helpers.desktop_env import PulseAudio, Trayer
from tests.helpers.tray_driver import TrayDriver

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(sys.platform.startswith("win"), reason="Unix sockets, kill -9"),
]

Launch = Callable[..., RunningApp]


def second(app: RunningApp, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """A second launch against ``app``'s data directory; it must be done within 20 s."""
    return subprocess.run(
        [sys.executable, "-m", "sleepplayer", "--basedir", str(app.basedir), *args],
        env=app.env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=20,
    )


def forward(app: RunningApp, *args: str, cwd: Path = ROOT) -> None:
    result = second(app, *args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", "nothing to say when all went well"


def address_of(app: RunningApp) -> InstanceAddress:
    return instance_address(AppPaths.resolve(str(app.basedir)), app.env)


def answers(address: InstanceAddress) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        try:
            sock.connect(address.server_name)
        except OSError:
            return False
    return True


def stream_of(pulse: PulseAudio, pid: int) -> dict[str, str] | None:
    """The app's playback stream in PulseAudio: corked flag and volume (percent)."""
    for block in pulse.pactl("list", "sink-inputs").split("Sink Input #")[1:]:
        if f'application.process.id = "{pid}"' not in block:
            continue
        fields: dict[str, str] = {}
        for line in block.splitlines():
            text = line.strip()
            if text.startswith("Corked:"):
                fields["corked"] = text.split(":", 1)[1].strip()
            elif text.startswith("Volume:") and "%" in text:
                fields["volume"] = text.split("/")[1].strip().rstrip("%")
        return fields
    return None


def playing(pulse: PulseAudio, app: RunningApp) -> bool:
    stream = stream_of(pulse, app.process.pid)
    return stream is not None and stream.get("corked") == "no"


def paused(pulse: PulseAudio, app: RunningApp) -> bool:
    stream = stream_of(pulse, app.process.pid)
    return stream is None or stream.get("corked") == "yes"


def test_a_second_launch_forwards_verbs_options_and_items(
    launch_app: Launch, pulse: PulseAudio, tmp_path: Path
) -> None:
    app = launch_app()
    app.wait_for_window()

    forward(app, "--play")
    wait_until(lambda: playing(pulse, app), 15, "--play to start the stream")
    forward(app, "--pause")
    wait_until(lambda: paused(pulse, app), 10, "--pause to cork the stream")
    forward(app, "--toggle")
    wait_until(lambda: playing(pulse, app), 10, "--toggle to play again")

    forward(app, "--volume", "30")
    wait_until(
        lambda: (s := stream_of(pulse, app.process.pid)) is not None and s.get("volume") == "30",
        10,
        "the stream at volume 30",
    )

    forward(app, "--next")
    wait_until(lambda: "Pink noise" in app.title(), 10, "the next track")
    forward(app, "--previous")
    wait_until(lambda: "Brown noise" in app.title(), 10, "the previous track")

    forward(app, "--sleep", "30m")
    wait_until(lambda: "30 min left" in app.title(), 10, "the timer in the title")
    forward(app, "--extend", "10m")
    wait_until(lambda: "40 min left" in app.title(), 10, "the extended timer")
    forward(app, "--cancel-sleep")
    wait_until(lambda: "min left" not in app.title(), 10, "the timer cancelled")

    # An item named relative to the second launch's folder, not the app's.
    make_tone(tmp_path / "chime.wav", 20.0, 440)
    forward(app, "chime.wav", cwd=tmp_path)
    wait_until(lambda: "chime" in app.title(), 15, "the forwarded file playing")
    wait_until(lambda: playing(pulse, app), 10, "the forwarded file audible")

    forward(app, "--stop")
    wait_until(lambda: paused(pulse, app), 10, "--stop to end the stream")

    forward(app, "--quit")
    assert app.wait_exit(10) == 0
    assert "Traceback" not in app.output()


def test_refused_items_are_named_and_exit_1(launch_app: Launch) -> None:
    app = launch_app()
    app.wait_for_window()
    result = second(app, "smb://nas/music/rain.mp3")
    assert result.returncode == 1
    assert "Not opened: smb://nas/music/rain.mp3 (smb: addresses are not allowed)" in result.stderr
    forward(app, "--quit")
    assert app.wait_exit(10) == 0


def test_a_plain_launch_and_show_raise_the_window_but_a_verb_does_not(
    launch_app: Launch, tmp_path: Path
) -> None:
    app = launch_app()
    app.wait_for_window()
    other = launch_app(basedir=tmp_path / "other")  # another basedir: another instance
    wait_until(
        lambda: other.xdotool("search", "--onlyvisible", "--pid", str(other.process.pid)),
        20,
        "the other window",
    )
    other.window = other.xdotool("search", "--onlyvisible", "--pid", str(other.process.pid))

    def app_on_top() -> bool:
        # No window manager on Xvfb: raising is restacking, and xwininfo lists the root's
        # children top first.
        out = subprocess.run(
            ["xwininfo", "-root", "-children"], env=app.env, capture_output=True, text=True
        ).stdout
        ids = [int(line.split()[0], 16) for line in out.splitlines() if line.strip()[:2] == "0x"]
        return ids.index(int(app.window)) < ids.index(int(other.window))

    def other_on_top() -> None:
        other.xdotool("windowraise", other.window)
        wait_until(lambda: not app_on_top(), 5, "the other window on top")

    other_on_top()
    forward(app, "--volume", "40", "--show")
    wait_until(app_on_top, 10, "--show to raise the window")
    other_on_top()
    forward(app)  # started again, without a verb
    wait_until(app_on_top, 10, "a plain second launch to raise the window")
    other_on_top()
    forward(app, "--next")
    forward(app, "--pause")  # served in order: once this is answered, --next was done
    assert not app_on_top(), "a verb (a global shortcut) leaves the window where it is"
    # What the .desktop file's actions and shortcuts send at night: the window stays down.
    forward(app, "--sleep", "30m")
    forward(app, "--volume", "20")
    forward(app, "--cancel-sleep")  # once answered, the two before it were done
    assert not app_on_top(), "timer options and --volume leave the window where it is"


@pytest.mark.parametrize(
    "verb",
    [
        ["--pause"],
        ["--stop"],
        ["--next"],
        ["--previous"],
        ["--cancel-sleep"],
        ["--extend", "5m"],
        ["--quit"],
    ],
)
def test_a_pure_verb_with_nothing_running_says_so_and_exits_1(
    verb: list[str], tmp_path: Path
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sleepplayer", "--basedir", str(tmp_path / "home"), *verb],
        capture_output=True,
        text=True,
        timeout=20,
        cwd=ROOT,
        env={**os.environ, "SLEEPPLAYER_AOUT": "adummy"},
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "sleepplayer: SleepPlayer is not running"
    assert not (tmp_path / "home").exists(), "nothing was started"
    address = instance_address(AppPaths.resolve(str(tmp_path / "home")))
    assert not os.path.exists(address.server_name)
    address.lock_path.unlink()  # the one file the check leaves, outside tmp_path


@pytest.mark.parametrize("verb", ["--play", "--toggle"])
def test_a_starting_verb_with_nothing_running_starts_the_app(
    launch_app: Launch, pulse: PulseAudio, verb: str
) -> None:
    app = launch_app(verb)
    app.wait_for_window()
    wait_until(lambda: playing(pulse, app), 15, "the new instance to play")
    forward(app, "--quit")
    assert app.wait_exit(10) == 0


def test_show_with_nothing_running_starts_the_app_with_its_window(launch_app: Launch) -> None:
    app = launch_app("--show")
    app.wait_for_window()
    assert app.process.poll() is None, "it keeps running"
    forward(app, "--quit")
    assert app.wait_exit(10) == 0


def test_ten_parallel_launches_leave_exactly_one_primary(
    launch_app: Launch, tmp_path: Path
) -> None:
    home = tmp_path / "shared"
    apps = [launch_app(basedir=home) for _ in range(10)]
    wait_until(lambda: sum(a.process.poll() is None for a in apps) <= 1, 60, "nine launches to end")
    alive = [a for a in apps if a.process.poll() is None]
    assert len(alive) == 1
    assert all(a.process.returncode == 0 for a in apps if a is not alive[0]), [
        (a.process.returncode, a.output()[-300:]) for a in apps if a is not alive[0]
    ]
    primary = alive[0]
    primary.wait_for_window()
    forward(primary, "--quit")
    assert primary.wait_exit(10) == 0


def test_after_kill_9_the_next_launch_is_primary_within_2_s(launch_app: Launch) -> None:
    first = launch_app()
    address = address_of(first)
    wait_until(lambda: answers(address), 20, "the first instance to listen")
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(5)
    assert os.path.exists(address.server_name), "kill -9 leaves the socket behind"
    # The dead instance's socket refuses connections, so an answer means the new one listens.
    # (Not a new inode: the file system hands the freed inode number to the new socket.)
    assert not answers(address)

    began = time.monotonic()
    after = launch_app(basedir=first.basedir)
    wait_until(lambda: answers(address), 10, "the new launch to listen")
    took = time.monotonic() - began
    assert took < 2.0, f"became primary after {took:.2f} s"
    forward(after, "--quit")
    assert after.wait_exit(10) == 0


def test_the_socket_is_the_users_alone(launch_app: Launch) -> None:
    app = launch_app()
    address = address_of(app)
    wait_until(lambda: answers(address), 20, "the instance to listen")
    info = os.stat(address.server_name)
    assert stat.S_ISSOCK(info.st_mode)
    assert stat.S_IMODE(info.st_mode) == 0o600
    assert info.st_uid == os.getuid()
    assert address.directory is not None
    assert stat.S_IMODE(os.stat(address.directory).st_mode) == 0o700
    forward(app, "--quit")
    assert app.wait_exit(10) == 0
    assert not os.path.exists(address.server_name), "a clean quit removes the socket"


def test_garbage_oversized_and_slow_clients_do_not_block_the_app(
    launch_app: Launch, pulse: PulseAudio
) -> None:
    app = launch_app("--play")
    address = address_of(app)
    app.wait_for_window()
    wait_until(lambda: playing(pulse, app), 15, "playback")

    def connect() -> socket.socket:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(address.server_name)
        sock.settimeout(10)
        return sock

    garbage = connect()
    garbage.sendall(b"\x00\xff\xfe not json at all\n")
    oversized = connect()
    oversized.settimeout(0.5)
    with contextlib.suppress(TimeoutError, BrokenPipeError, ConnectionResetError):
        oversized.sendall(b"x" * (4 * MAX_REQUEST_BYTES))  # the app may hang up midway
    silent = connect()
    trickling = connect()
    stop_trickle = threading.Event()

    def trickle() -> None:  # one byte a second, never a whole request
        with contextlib.suppress(OSError):
            for byte in b'{"v": 2, "verb": "play"':
                if stop_trickle.wait(1.0):
                    return
                trickling.sendall(bytes([byte]))

    slow = threading.Thread(target=trickle, daemon=True)
    slow.start()

    # With all four hanging on, a real second launch still works at once.
    forward(app, "--pause")
    wait_until(lambda: paused(pulse, app), 10, "--pause while bad clients hang on")
    assert silent.fileno() >= 0 and slow.is_alive(), "the bad clients were still there"

    assert b'"ok":false' in garbage.recv(4096)
    # The silent and the trickling client are cut off after the read timeout.
    assert silent.recv(4096).startswith(b'{"ok":false,"text":"refused: the request did not')
    slow.join(10)
    stop_trickle.set()
    for sock in (garbage, oversized, silent, trickling):
        sock.close()
    forward(app, "--play")
    wait_until(lambda: playing(pulse, app), 10, "the app still obeys")
    forward(app, "--quit")
    assert app.wait_exit(10) == 0


# ---------------------------------------------------------------- started by a shortcut
@pytest.mark.parametrize("args", [["--toggle"], ["--play"], ["--sleep", "30m"], ["--volume", "20"]])
def test_a_shortcut_that_starts_the_app_waits_in_the_tray(
    launch_app: Launch, tray_host: Trayer, pulse: PulseAudio, args: list[str]
) -> None:
    # A global shortcut pressed at night with nothing running: the app starts dark, in the
    # tray, and does what it was asked; the window is there when asked for.
    app = launch_app(*args)
    tray = TrayDriver(app.env, app.process.pid)
    tray.wait_icon()
    if args[0] in ("--toggle", "--play"):
        wait_until(lambda: playing(pulse, app), 15, "the new instance to play")
    forward(app, "--cancel-sleep")  # answered once the start is over: the window was decided
    big = [w for w, g in tray.visible_windows().items() if g.width >= 300]
    assert not big, "the window stays down"
    forward(app, "--show")
    app.wait_for_window()
    forward(app, "--quit")
    assert app.wait_exit(10) == 0


# ---------------------------------------------------------------- items that are not there
def _saved_uris(app: RunningApp) -> list[str]:
    library = json.loads((app.basedir / "data" / "library.json").read_text())
    return [t["uri"] for p in library["playlists"] for t in p["tracks"]]


def test_items_that_are_not_there_leave_the_sound_alone_and_exit_1(
    launch_app: Launch, pulse: PulseAudio, tmp_path: Path
) -> None:
    app = launch_app("--play")
    app.wait_for_window()
    wait_until(lambda: playing(pulse, app), 15, "playback")
    title = app.title()
    garbage = tmp_path / "garbage.m3u"
    garbage.write_text("not a file\nv4l2:///dev/video0\n")
    for item, said in [
        ("/tmp/nope.mp3", "sleepplayer: Not found: /tmp/nope.mp3."),
        ("No such playlist", "sleepplayer: Not found: No such playlist."),
        (str(garbage), f"sleepplayer: Not opened: {garbage} (nothing playable in it: line 2"),
    ]:
        result = second(app, item)
        assert (result.returncode, result.stderr.startswith(said)) == (1, True), result.stderr
    forward(app, "--volume", "60")  # served in order: the bad launches were done
    # Polled, not read once: right after a start the engine may still be finishing its
    # guarded start (a cork of up to 0.6 s under load); a bad item would stop it for good.
    wait_until(lambda: playing(pulse, app), 5, "the sound to play on")
    assert app.title() == title, "the sound plays on, untouched"
    forward(app, "--quit")
    assert app.wait_exit(10) == 0
    assert not [u for u in _saved_uris(app) if "nope" in u or "such" in u], "no dead entry"

    # The next night's shortcut starts on the last real track, not on a dead list.
    again = launch_app("--toggle", basedir=app.basedir)
    again.wait_for_window()  # no tray here: the window shows
    wait_until(lambda: playing(pulse, again), 15, "--toggle to play the last track")
    assert again.title() == title
    forward(again, "--quit")
    assert again.wait_exit(10) == 0


def test_a_first_start_with_only_missing_items_keeps_the_last_session(
    launch_app: Launch, pulse: PulseAudio
) -> None:
    first = launch_app("--play")
    first.wait_for_window()
    wait_until(lambda: playing(pulse, first), 15, "playback")
    forward(first, "--next")
    wait_until(lambda: "Pink noise" in first.title(), 10, "the next track")
    forward(first, "--quit")
    assert first.wait_exit(10) == 0

    app = launch_app("/tmp/nope.mp3", basedir=first.basedir)
    app.wait_for_window()
    wait_until(lambda: "Pink noise" in app.title(), 10, "the last session's track")
    forward(app, "--quit")
    assert app.wait_exit(10) == 0
    assert "sleepplayer: Not found: /tmp/nope.mp3." in app.output()
    assert not [u for u in _saved_uris(app) if "nope" in u], "no dead entry"
