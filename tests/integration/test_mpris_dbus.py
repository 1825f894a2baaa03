"""MPRIS2 on a real, private D-Bus session bus, driven by the real ``playerctl``.

The service runs in this process on the real controller and library (with the fake engine);
clients are separate processes: ``playerctl`` (a strict GDBus client), ``dbus-send`` (prints
every reply with its D-Bus types) and ``dbus-monitor`` (records every signal, typed). They are
run through QProcess and awaited with qtbot, so the Qt loop keeps answering them: a blocking
``subprocess.run`` here would wait for a reply that only this thread can send.
"""

from __future__ import annotations

import gc
import re
import subprocess
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QProcess, QProcessEnvironment, Qt
from PySide6.QtDBus import QDBusAbstractAdaptor, QDBusConnection
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sleepplayer import APP_ID, APP_NAME
from sleepplayer.core.model import Library, Playlist, RepeatMode, Track, TrackKind
from sleepplayer.core.settings import Settings
from sleepplayer.core.sleep_plan import SleepPlan
from sleepplayer.desktop.mpris import MprisService
from sleepplayer.desktop.mpris_adaptors import PLAYER_PROPERTIES, ROOT_PROPERTIES
from sleepplayer.desktop.mpris_metadata import (
    BUS_NAME,
    OBJECT_PATH,
    PLAYER_INTERFACE,
    ROOT_INTERFACE,
    bus_name_fallback,
    track_id,
)
from sleepplayer.desktop.now_playing import NowPlayingDeps, create_now_playing
from sleepplayer.playback.backend import PlayerState
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.library import LibraryService
from sleepplayer.services.sleep_timer import SleepTimer, TimerPhase
from tests.helpers.dbus_session import PrivateBus
from tests.helpers.dbus_text import Message, Typed, parse_messages
from tests.helpers.fake_backend import FakeBackend
from tests.helpers.fake_services import FakeController, FakeLibraryService, FakeSleepTimer

pytestmark = pytest.mark.integration

TRACKS = [
    Track("file:///music/rain.ogg", "Rain on a tent", "Night Owl", 180_000, uid="rain-1"),
    Track("file:///music/waves.ogg", "Slow waves", "", 240_000, uid="waves-2"),
    Track("https://radio.example/live", "Night radio", kind=TrackKind.RADIO, uid="radio-3"),
]
PLAYER_TYPES = {name: sig for name, sig, _access in PLAYER_PROPERTIES}
ROOT_TYPES = {name: sig for name, sig, _access in ROOT_PROPERTIES}
# D-Bus type code as dbus-send prints it (arrays by their element).
_CODES = {"s": "s", "b": "b", "d": "d", "x": "x", "as": "a", "a{sv}": "a"}


@dataclass
class Result:
    code: int
    out: str
    err: str


@dataclass
class AppCalls:
    """What MPRIS asked of the app: raise, quit, open."""

    calls: list[tuple[str, ...]] = field(default_factory=list)

    def raise_window(self) -> None:
        self.calls.append(("raise",))

    def quit_app(self) -> None:
        self.calls.append(("quit",))

    def open_uri(self, uri: str) -> None:
        self.calls.append(("open", uri))


@pytest.fixture
def bus(tmp_path: Path) -> Iterator[PrivateBus]:
    private = PrivateBus.start(tmp_path)
    yield private
    private.stop()


@pytest.fixture
def connection(qapp: QApplication, bus: PrivateBus) -> Iterator[QDBusConnection]:
    name = f"mpris-test-{id(bus)}"
    yield QDBusConnection.connectToBus(bus.address, name)
    QDBusConnection.disconnectFromBus(name)


@pytest.fixture
def library() -> LibraryService:
    return LibraryService(Library([Playlist("Night", list(TRACKS), uid="night")], "night"))


@pytest.fixture
def engine(qapp: QApplication) -> Iterator[FakeBackend]:
    fake = FakeBackend()
    fake.lengths = {TRACKS[0].uri: 180_000, TRACKS[1].uri: 240_000, TRACKS[2].uri: 0}
    yield fake
    fake.release()


@pytest.fixture
def controller(engine: FakeBackend, library: LibraryService) -> Iterator[PlaybackController]:
    c = PlaybackController(engine, library)
    c.set_volume(40)
    yield c
    c.shutdown()


@pytest.fixture
def timer(qapp: QApplication) -> FakeSleepTimer:
    return FakeSleepTimer()


@pytest.fixture
def app_calls() -> AppCalls:
    return AppCalls()


def _deps(controller: PlaybackController, library: LibraryService, timer: FakeSleepTimer,
          app_calls: AppCalls) -> NowPlayingDeps:  # fmt: skip
    return NowPlayingDeps(
        controller, library, timer, app_calls.raise_window, app_calls.quit_app, app_calls.open_uri
    )


@pytest.fixture
def service(
    connection: QDBusConnection,
    controller: PlaybackController,
    library: LibraryService,
    timer: FakeSleepTimer,
    app_calls: AppCalls,
) -> Iterator[MprisService]:
    started = create_now_playing(
        _deps(controller, library, timer, app_calls), platform="linux", connection=connection
    )
    assert isinstance(started, MprisService)
    yield started
    started.shutdown()


def _run(qtbot: QtBot, bus: PrivateBus, *argv: str) -> Result:
    """Run a client to its end while the Qt loop keeps serving D-Bus calls."""
    process = QProcess()
    env = QProcessEnvironment.systemEnvironment()
    env.insert("DBUS_SESSION_BUS_ADDRESS", bus.address)
    process.setProcessEnvironment(env)
    with qtbot.waitSignal(process.finished, timeout=15_000):
        process.start(argv[0], list(argv[1:]))
    out = bytes(process.readAllStandardOutput().data()).decode()
    err = bytes(process.readAllStandardError().data()).decode()
    return Result(process.exitCode(), out.strip(), err.strip())


def _playerctl(qtbot: QtBot, bus: PrivateBus, *args: str) -> Result:
    return _run(qtbot, bus, "playerctl", "-p", "sleepplayer", *args)


def _send(qtbot: QtBot, bus: PrivateBus, interface_method: str, *args: str) -> Result:
    return _run(
        qtbot, bus, "dbus-send", "--session", "--print-reply", f"--dest={BUS_NAME}",
        OBJECT_PATH, interface_method, *args,
    )  # fmt: skip


def _get_all(qtbot: QtBot, bus: PrivateBus, interface: str) -> dict[str, Typed]:
    reply = _send(qtbot, bus, "org.freedesktop.DBus.Properties.GetAll", f"string:{interface}")
    assert reply.code == 0, reply.err
    (message,) = parse_messages(reply.out)
    (values,) = message.args
    return values.as_dict()


class Monitor:
    """``dbus-monitor`` recording the MPRIS signals on the bus into a file."""

    def __init__(self, bus: PrivateBus) -> None:
        self.path = bus.directory / "monitor.txt"
        self._file = self.path.open("w")
        self.process = subprocess.Popen(
            ["dbus-monitor", "--address", bus.address,
             "type='signal',interface='org.freedesktop.DBus.Properties'",
             f"type='signal',interface='{PLAYER_INTERFACE}'"],
            stdout=self._file,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def messages(self) -> list[Message]:
        return parse_messages(self.path.read_text())

    def changes(self) -> list[dict[str, Typed]]:
        """The changed properties of each PropertiesChanged of the Player interface."""
        found = []
        for m in self.messages():
            if m.member == "PropertiesChanged" and m.args[0].value == PLAYER_INTERFACE:
                found.append(m.args[1].as_dict())
        return found

    def seeked(self) -> list[Typed]:
        return [m.args[0] for m in self.messages() if m.member == "Seeked"]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(5)
        self._file.close()


@pytest.fixture
def monitor(qtbot: QtBot, bus: PrivateBus, service: MprisService) -> Iterator[Monitor]:
    watching = Monitor(bus)
    # It is listening once the bus has told it about its own name (NameAcquired/NameLost).
    qtbot.waitUntil(lambda: "NameLost" in watching.path.read_text(), timeout=10_000)
    yield watching
    watching.stop()


def _wait_change(
    qtbot: QtBot, monitor: Monitor, name: str, accept: Callable[[Typed], bool] = lambda _v: True
) -> Typed:
    """The value of the latest PropertiesChanged that carries ``name`` (and passes ``accept``)."""
    found: list[Typed] = []

    def seen() -> bool:
        found[:] = [c[name] for c in monitor.changes() if name in c and accept(c[name])]
        return bool(found)

    qtbot.waitUntil(seen, timeout=10_000)
    return found[-1]


# ---------------------------------------------------------------------------- the spec's types


def test_introspection_describes_both_interfaces_as_the_spec_does(
    qtbot: QtBot, bus: PrivateBus, service: MprisService
) -> None:
    reply = _send(qtbot, bus, "org.freedesktop.DBus.Introspectable.Introspect")
    assert reply.code == 0, reply.err
    xml = reply.out[reply.out.index("<") : reply.out.rindex(">") + 1]
    node = ET.fromstring(xml)
    interfaces = {i.get("name"): i for i in node.iter("interface")}
    names = [i.get("name") for i in node.iter("interface")]
    assert names.count("org.freedesktop.DBus.Properties") == 1
    for interface, table in (
        (ROOT_INTERFACE, ROOT_PROPERTIES),
        (PLAYER_INTERFACE, PLAYER_PROPERTIES),
    ):
        declared = {
            p.get("name"): (p.get("type"), p.get("access"))
            for p in interfaces[interface].iter("property")
        }
        assert declared == {name: (sig, access) for name, sig, access in table}
    player = interfaces[PLAYER_INTERFACE]
    methods = {m.get("name"): [a.get("type") for a in m.iter("arg")] for m in player.iter("method")}
    assert methods == {
        "Next": [], "Previous": [], "Pause": [], "PlayPause": [], "Stop": [], "Play": [],
        "Seek": ["x"], "SetPosition": ["o", "x"], "OpenUri": ["s"],
    }  # fmt: skip
    (seeked,) = player.iter("signal")
    assert [a.get("type") for a in seeked.iter("arg")] == ["x"]


def test_every_property_has_the_spec_type(
    qtbot: QtBot, bus: PrivateBus, service: MprisService, controller: PlaybackController
) -> None:
    controller.play()
    root = _get_all(qtbot, bus, ROOT_INTERFACE)
    assert {name: value.code for name, value in root.items()} == {
        name: _CODES[sig] for name, sig in ROOT_TYPES.items()
    }
    assert root["Identity"].value == APP_NAME
    assert root["DesktopEntry"].value == APP_ID
    assert root["SupportedUriSchemes"].strings() == ["file", "http", "https"]
    assert "audio/ogg" in root["SupportedMimeTypes"].strings()
    assert root["HasTrackList"].value is False

    player = _get_all(qtbot, bus, PLAYER_INTERFACE)
    assert {name: value.code for name, value in player.items()} == {
        name: _CODES[sig] for name, sig in PLAYER_TYPES.items()
    }
    metadata = player["Metadata"].as_dict()
    assert {k: v.code for k, v in metadata.items()} == {
        "mpris:trackid": "o",
        "xesam:title": "s",
        "xesam:artist": "a",
        "mpris:length": "x",
        "xesam:url": "s",
    }
    assert metadata["mpris:trackid"].value == track_id("rain-1").path
    assert metadata["mpris:length"].value == 180_000_000  # microseconds, as int64
    assert metadata["xesam:artist"].strings() == ["Night Owl"]
    assert player["PlaybackStatus"].value == "Playing"
    assert player["Volume"].value == 0.4
    assert player["Rate"].value == player["MinimumRate"].value == 1.0


def test_without_a_track_the_trackid_is_no_track(
    qtbot: QtBot, bus: PrivateBus, service: MprisService
) -> None:
    metadata = _get_all(qtbot, bus, PLAYER_INTERFACE)["Metadata"].as_dict()
    assert {k: (v.code, v.value) for k, v in metadata.items()} == {
        "mpris:trackid": ("o", "/org/mpris/MediaPlayer2/TrackList/NoTrack")
    }


def test_position_is_int64_microseconds_read_without_polling(
    qtbot: QtBot, bus: PrivateBus, connection: QDBusConnection, timer: FakeSleepTimer
) -> None:
    library = FakeLibraryService(Library([Playlist("Night", list(TRACKS), uid="night")], "night"))
    fake = FakeController(library)
    calls = AppCalls()
    started = create_now_playing(
        _deps(fake, library, timer, calls), platform="linux", connection=connection
    )
    assert started is not None
    try:
        fake.play_track("night", "rain-1")
        fake.set_position(1_234)
        reply = _send(
            qtbot, bus, "org.freedesktop.DBus.Properties.Get",
            f"string:{PLAYER_INTERFACE}", "string:Position",
        )  # fmt: skip
        (message,) = parse_messages(reply.out)
        assert message.args[0].inner == Typed("x", 1_234_000)
        assert fake.watchers == {}  # nobody asked the controller to poll the position
    finally:
        started.shutdown()


# ---------------------------------------------------------------------------- playerctl


def test_playerctl_controls_playback_and_every_change_is_announced(
    qtbot: QtBot,
    bus: PrivateBus,
    service: MprisService,
    controller: PlaybackController,
    timer: FakeSleepTimer,
    monitor: Monitor,
) -> None:
    assert _playerctl(qtbot, bus, "status").out == "Stopped"

    assert _playerctl(qtbot, bus, "play-pause").code == 0
    assert controller.state == PlayerState.PLAYING
    assert ("notify_activity",) in timer.calls  # a media key during the fade wakes it up
    assert _playerctl(qtbot, bus, "status").out == "Playing"
    assert _wait_change(qtbot, monitor, "PlaybackStatus").value == "Playing"
    metadata = _wait_change(qtbot, monitor, "Metadata").as_dict()
    assert metadata["xesam:title"].value == "Rain on a tent"
    assert metadata["mpris:length"] == Typed("x", 180_000_000)
    assert _playerctl(qtbot, bus, "metadata", "title").out == "Rain on a tent"
    assert _playerctl(qtbot, bus, "metadata", "artist").out == "Night Owl"
    length = _playerctl(qtbot, bus, "metadata", "--format", "{{duration(mpris:length)}}")
    assert length.out == "3:00"

    assert _playerctl(qtbot, bus, "next").code == 0
    assert controller.current_track is not None and controller.current_track.uid == "waves-2"
    assert _playerctl(qtbot, bus, "metadata", "title").out == "Slow waves"
    title = _wait_change(qtbot, monitor, "Metadata", lambda v: "Slow" in str(v))
    assert "xesam:artist" not in title.as_dict()  # unknown artist: left out, not ""

    controller.pause()  # so the position stands still while playerctl reads it
    controller.seek(61_000)
    assert _playerctl(qtbot, bus, "position").out == "61.000000"
    controller.play()

    assert _playerctl(qtbot, bus, "volume", "0.25").code == 0
    assert controller.volume == 25
    assert _playerctl(qtbot, bus, "volume").out == "0.250000"
    assert _wait_change(qtbot, monitor, "Volume") == Typed("d", 0.25)

    assert _playerctl(qtbot, bus, "loop", "Track").code == 0
    assert controller.repeat == RepeatMode.ONE
    assert _wait_change(qtbot, monitor, "LoopStatus") == Typed("s", "Track")
    assert _playerctl(qtbot, bus, "loop").out == "Track"

    assert _playerctl(qtbot, bus, "shuffle", "On").code == 0
    assert controller.shuffle is True
    assert _wait_change(qtbot, monitor, "Shuffle") == Typed("b", True)

    assert _playerctl(qtbot, bus, "pause").code == 0
    assert _wait_change(qtbot, monitor, "PlaybackStatus", lambda v: v.value == "Paused")
    assert _playerctl(qtbot, bus, "stop").code == 0
    assert controller.state.value == PlayerState.STOPPED  # .value: mypy narrowed .state above
    assert _wait_change(qtbot, monitor, "PlaybackStatus", lambda v: v.value == "Stopped")
    # Position is never announced; everything else that changed was.
    assert all("Position" not in change for change in monitor.changes())


class WallClock:
    """The sleep timer's wall clock, moved by the test."""

    def __init__(self) -> None:
        self.now = datetime(2024, 11, 5, 23, 0, tzinfo=ZoneInfo("Europe/Berlin"))

    def __call__(self) -> datetime:
        return self.now


@pytest.mark.parametrize("command", [("pause",), ("stop",), ("volume", "0.3")])
def test_a_headset_pause_after_the_timer_ended_never_brings_the_sound_back(
    qtbot: QtBot,
    bus: PrivateBus,
    connection: QDBusConnection,
    controller: PlaybackController,
    library: LibraryService,
    engine: FakeBackend,
    app_calls: AppCalls,
    command: tuple[str, ...],
) -> None:
    wall = WallClock()
    sleep_timer = SleepTimer(controller, now=wall, settings=Settings())

    def phase() -> TimerPhase:  # read through a call: mypy would keep the property narrowed
        return sleep_timer.phase

    started = create_now_playing(
        NowPlayingDeps(controller, library, sleep_timer, app_calls.raise_window,
                       app_calls.quit_app, app_calls.open_uri),
        platform="linux", connection=connection,
    )  # fmt: skip
    assert started is not None
    try:
        controller.play()
        sleep_timer.arm(SleepPlan(duration_s=60, fade_s=10))
        for _ in range(122):  # the timer pauses at 60 s; the grace minute follows
            wall.now += timedelta(seconds=0.5)
            sleep_timer.tick()
        assert phase() is TimerPhase.GRACE
        assert controller.state is PlayerState.PAUSED
        mark = len(engine.calls)

        assert _playerctl(qtbot, bus, *command).code == 0  # a media key, as the desktop sends
        assert phase() is TimerPhase.IDLE  # the night is over, in silence
        wall.now += timedelta(seconds=5)
        sleep_timer.tick()
        assert controller.state.value != PlayerState.PLAYING  # .value: mypy narrowed .state
        assert not [name for name, _ in engine.calls[mark:] if name in ("play", "load")]
    finally:
        started.shutdown()
        sleep_timer.shutdown()


def test_changes_made_elsewhere_reach_playerctl_follow(
    qtbot: QtBot, bus: PrivateBus, service: MprisService, controller: PlaybackController
) -> None:
    # GDBus checks PropertiesChanged against (sa{sv}as) and drops what differs, so a follower
    # that prints each status proves the signal's exact types.
    follow = QProcess()
    env = QProcessEnvironment.systemEnvironment()
    env.insert("DBUS_SESSION_BUS_ADDRESS", bus.address)
    follow.setProcessEnvironment(env)
    follow.start("playerctl", ["-p", "sleepplayer", "--follow", "status"])
    lines: list[str] = []

    def printed(text: str) -> bool:
        lines.extend(bytes(follow.readAllStandardOutput().data()).decode().split())
        return text in lines

    try:
        qtbot.waitUntil(lambda: printed("Stopped"), timeout=10_000)
        controller.play()  # the window's Play button, say
        qtbot.waitUntil(lambda: printed("Playing"), timeout=10_000)
        controller.pause()
        qtbot.waitUntil(lambda: printed("Paused"), timeout=10_000)
    finally:
        follow.kill()
        follow.waitForFinished(5000)


def test_the_place_restored_from_last_night_shows_as_paused_at_its_position(
    qtbot: QtBot,
    bus: PrivateBus,
    service: MprisService,
    controller: PlaybackController,
    monitor: Monitor,
) -> None:
    # After a restart the window shows the track at 0:34, and Play goes on from there. As
    # "Stopped" an applet showed no position (playerctl prints 0 for a stopped player).
    controller.restore("night", "rain-1", 34_000)
    _wait_change(qtbot, monitor, "PlaybackStatus", lambda v: v.value == "Paused")
    assert _playerctl(qtbot, bus, "position").out.strip() == "34.000000"
    controller.stop()  # a stop goes back to the start: stopped it is
    _wait_change(qtbot, monitor, "PlaybackStatus", lambda v: v.value == "Stopped")
    controller.seek(5_000)  # a point chosen while stopped is one Play goes on from
    _wait_change(qtbot, monitor, "PlaybackStatus", lambda v: v.value == "Paused")


def test_canx_follow_the_queue_and_the_track(
    qtbot: QtBot,
    bus: PrivateBus,
    service: MprisService,
    controller: PlaybackController,
    library: LibraryService,
    monitor: Monitor,
) -> None:
    player = _get_all(qtbot, bus, PLAYER_INTERFACE)
    assert player["CanPlay"].value is True  # the current playlist has tracks
    assert player["CanSeek"].value is False  # nothing is loaded yet
    controller.play_track("night", "radio-3")
    _wait_change(qtbot, monitor, "Metadata", lambda v: "Night radio" in str(v))
    player = _get_all(qtbot, bus, PLAYER_INTERFACE)
    assert player["CanSeek"].value is False  # live radio
    controller.play_track("night", "rain-1")
    assert _wait_change(qtbot, monitor, "CanSeek", lambda v: v.value is True)
    library.remove_rows("night", [1, 2])
    assert _wait_change(qtbot, monitor, "CanGoNext", lambda v: v.value is False)
    assert _get_all(qtbot, bus, PLAYER_INTERFACE)["CanGoPrevious"].value is False


def test_stream_shows_its_now_playing_title(
    qtbot: QtBot,
    bus: PrivateBus,
    service: MprisService,
    controller: PlaybackController,
    engine: FakeBackend,
    monitor: Monitor,
) -> None:
    engine.stream_title = "Gentle rain - Part 2"
    controller.play_track("night", "radio-3")  # the watchdog reads the ICY title each second
    qtbot.waitUntil(lambda: controller.stream_title != "", timeout=15_000)
    metadata = _wait_change(qtbot, monitor, "Metadata", lambda v: "Gentle" in str(v)).as_dict()
    assert metadata["xesam:title"].value == "Gentle rain - Part 2"
    assert metadata["xesam:album"].value == "Night radio"
    assert "mpris:length" not in metadata  # live: no length


# ---------------------------------------------------------------------------- seeking


def test_seek_and_set_position_move_playback_and_send_seeked(
    qtbot: QtBot,
    bus: PrivateBus,
    service: MprisService,
    controller: PlaybackController,
    monitor: Monitor,
) -> None:
    controller.play_track("night", "rain-1")
    controller.pause()  # the position stands still between the commands
    assert _playerctl(qtbot, bus, "position", "30").code == 0  # absolute: SetPosition
    assert controller.position_ms() == 30_000
    assert _playerctl(qtbot, bus, "position", "10+").code == 0  # relative: Seek
    assert controller.position_ms() == 40_000
    qtbot.waitUntil(lambda: len(monitor.seeked()) == 2, timeout=10_000)
    assert monitor.seeked() == [Typed("x", 30_000_000), Typed("x", 40_000_000)]
    assert _playerctl(qtbot, bus, "position", "500-").code == 0  # before the start: the start
    assert controller.position_ms() == 0

    stale = _send(
        qtbot, bus, f"{PLAYER_INTERFACE}.SetPosition",
        f"objpath:{track_id('waves-2').path}", "int64:5000000",
    )  # fmt: skip
    assert stale.code == 0
    assert controller.position_ms() == 0  # another track's id: ignored, as the spec says

    controller.seek(5_000)  # the window's Left key, say
    qtbot.waitUntil(lambda: len(monitor.seeked()) == 4, timeout=10_000)
    assert monitor.seeked()[-1] == Typed("x", 5_000_000)

    assert _playerctl(qtbot, bus, "position", "600+").code == 0  # past the end: Next
    assert controller.current_track is not None and controller.current_track.uid == "waves-2"


def test_a_track_that_starts_over_sends_seeked(
    qtbot: QtBot,
    bus: PrivateBus,
    service: MprisService,
    controller: PlaybackController,
    engine: FakeBackend,
    library: LibraryService,
    monitor: Monitor,
) -> None:
    # One track on repeat: at its end the controller starts it again from 0, and clients
    # that count the position themselves must hear about it.
    uid = library.create_playlist("Just rain")
    library.add_tracks(uid, [TRACKS[0].with_changes(uid="only")])
    controller.set_repeat(RepeatMode.ALL)
    controller.play_track(uid, "only")
    engine.advance(180_000)
    qtbot.waitUntil(lambda: monitor.seeked() == [Typed("x", 0)], timeout=10_000)


# ---------------------------------------------------------------------------- writes and errors


def test_volume_writes_are_clamped_and_bad_ones_refused(
    qtbot: QtBot,
    bus: PrivateBus,
    service: MprisService,
    controller: PlaybackController,
    monitor: Monitor,
) -> None:
    def set_volume(value: str) -> Result:
        return _send(
            qtbot, bus, "org.freedesktop.DBus.Properties.Set",
            f"string:{PLAYER_INTERFACE}", "string:Volume", value,
        )  # fmt: skip

    assert set_volume("variant:double:3.5").code == 0
    assert controller.volume == 100  # never above full, however loud the request
    assert _wait_change(qtbot, monitor, "Volume", lambda v: v.value == 1.0)
    assert set_volume("variant:double:-1").code == 0
    assert controller.volume == 0
    refused = set_volume("variant:string:loud")
    assert refused.code != 0 and "Volume must be a number" in refused.err
    assert set_volume("variant:double:nan").code != 0
    assert controller.volume == 0

    read_only = _send(
        qtbot, bus, "org.freedesktop.DBus.Properties.Set",
        f"string:{PLAYER_INTERFACE}", "string:PlaybackStatus", "variant:string:Playing",
    )  # fmt: skip
    assert "PropertyReadOnly" in read_only.err


def test_open_uri_follows_the_playlist_policy(
    qtbot: QtBot, bus: PrivateBus, service: MprisService, app_calls: AppCalls, tmp_path: Path
) -> None:
    sound = tmp_path / "rain.ogg"
    sound.write_bytes(b"")
    assert _playerctl(qtbot, bus, "open", str(sound)).code == 0  # playerctl sends a file: URI
    assert app_calls.calls == [("open", sound.as_uri())]

    refused = _playerctl(qtbot, bus, "open", "smb://nas/share/rain.ogg")
    assert refused.code != 0
    assert "smb: addresses are not allowed" in refused.err
    network = _send(qtbot, bus, f"{PLAYER_INTERFACE}.OpenUri", "string:file://nas/rain.ogg")
    assert "network paths are not allowed" in network.err
    device = _send(qtbot, bus, f"{PLAYER_INTERFACE}.OpenUri", "string:dshow://")
    assert "InvalidArgs" in device.err
    assert app_calls.calls == [("open", sound.as_uri())]


def test_raise_and_quit_reach_the_app(
    qtbot: QtBot, bus: PrivateBus, service: MprisService, app_calls: AppCalls
) -> None:
    assert _send(qtbot, bus, f"{ROOT_INTERFACE}.Raise").code == 0
    assert _send(qtbot, bus, f"{ROOT_INTERFACE}.Quit").code == 0
    qtbot.waitUntil(lambda: app_calls.calls == [("raise",), ("quit",)], timeout=5_000)


# ---------------------------------------------------------------------------- the bus name


def _name_owned(qtbot: QtBot, bus: PrivateBus, name: str) -> bool:
    reply = _run(
        qtbot, bus, "dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
        "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", f"string:{name}",
    )  # fmt: skip
    return bool(re.search(r"boolean true", reply.out))


def test_a_second_instance_takes_the_spec_fallback_name_and_shutdown_frees_names(
    qtbot: QtBot,
    bus: PrivateBus,
    service: MprisService,
    controller: PlaybackController,
    library: LibraryService,
    timer: FakeSleepTimer,
) -> None:
    other_name = "mpris-test-second"
    other = QDBusConnection.connectToBus(bus.address, other_name)
    try:
        second = create_now_playing(
            _deps(controller, library, timer, AppCalls()),
            platform="linux",
            connection=other,
            pid=4242,
        )
        assert isinstance(second, MprisService)
        assert service.bus_name == BUS_NAME
        assert second.bus_name == bus_name_fallback(4242) == f"{BUS_NAME}.instance4242"
        assert _name_owned(qtbot, bus, f"{BUS_NAME}.instance4242")
        second.shutdown()
        second.shutdown()  # twice is fine
        assert not _name_owned(qtbot, bus, f"{BUS_NAME}.instance4242")
    finally:
        QDBusConnection.disconnectFromBus(other_name)
    service.shutdown()
    assert not _name_owned(qtbot, bus, BUS_NAME)


def test_every_dbus_object_of_the_service_goes_with_it(service: MprisService) -> None:
    # The three MPRIS interfaces and the int64 helper's adaptor. Were one of them not the
    # service's descendant, it would be deleted whenever a garbage collection ran, on any
    # thread, and QtDBus would warn about its signals there.
    assert len(service.findChildren(QDBusAbstractAdaptor)) == 4


def test_no_bus_gives_no_service_quietly(
    qapp: QApplication,
    tmp_path: Path,
    controller: PlaybackController,
    library: LibraryService,
    timer: FakeSleepTimer,
) -> None:
    nowhere = QDBusConnection.connectToBus(f"unix:path={tmp_path / 'none'}", "mpris-none")
    try:
        deps = _deps(controller, library, timer, AppCalls())
        assert create_now_playing(deps, platform="linux", connection=nowhere) is None
    finally:
        QDBusConnection.disconnectFromBus("mpris-none")


def test_a_shut_down_service_is_destroyed_on_the_main_thread(
    qtbot: QtBot,
    connection: QDBusConnection,
    controller: PlaybackController,
    library: LibraryService,
    timer: FakeSleepTimer,
    app_calls: AppCalls,
) -> None:
    """Whoever drops the last reference, the adaptors' owner goes on the main thread: a
    resolver's worker once collected a finished test's service, and QtDBus warned (and a
    Qt warning fails a test)."""
    started = create_now_playing(
        _deps(controller, library, timer, app_calls), platform="linux", connection=connection
    )
    assert isinstance(started, MprisService)
    started.shutdown()
    started.shutdown()  # twice is harmless (the app and a test may both do it)
    seen_on: list[threading.Thread] = []
    started.destroyed.connect(
        lambda: seen_on.append(threading.current_thread()), Qt.ConnectionType.DirectConnection
    )
    del started  # the adaptors hold their handler, the service: only a collection frees it
    worker = threading.Thread(target=gc.collect)  # as when a worker's allocation set one off
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(seen_on))
    assert seen_on == [threading.main_thread()]
