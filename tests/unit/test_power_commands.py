"""Suspend and keep-awake: the exact commands and calls per platform (none is ever run here),
and KeepAwake's hold/release logic against fake playback and timer signals."""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Callable, Sequence

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtDBus import QDBusUnixFileDescriptor
from pytestqt.qtbot import QtBot

from sleepplayer import APP_ID, APP_NAME
from sleepplayer.desktop.dbus_call import Bus, DBusCall, DBusCaller, UInt32
from sleepplayer.desktop.inhibit import (
    ChildProcess,
    DBusLock,
    ExecutionState,
    SleepInhibitor,
    inhibit_plan,
)
from sleepplayer.desktop.keep_awake import REASON, RELEASE_DELAY_MS, KeepAwake
from sleepplayer.desktop.suspend import (
    Argv,
    SystemSuspender,
    Win32Call,
    suspend_command,
    suspend_plan,
)
from sleepplayer.playback.backend import PlayerState
from sleepplayer.services.sleep_timer import Suspender, TimerPhase


class RecordingDBus(DBusCaller):
    """Answers from a table keyed by (service, path, method); records every call."""

    def __init__(self, replies: dict[tuple[str, str, str], list[object]] | None = None) -> None:
        super().__init__(connect=None)
        self.replies = replies or {}
        self.calls: list[DBusCall] = []

    def call(self, call: DBusCall) -> list[object] | None:
        self.calls.append(call)
        return self.replies.get((call.service, call.path, call.method))


# ---------------------------------------------------------------------------------- suspend
@pytest.mark.parametrize(
    ("platform", "command"),
    [
        ("linux", ["systemctl", "suspend"]),
        ("darwin", ["pmset", "sleepnow"]),
        ("win32", None),
        ("freebsd14", None),
    ],
)
def test_suspend_command_is_a_fixed_argument_list(platform: str, command: list[str] | None) -> None:
    assert suspend_command(platform) == command


def test_suspend_plans_per_platform() -> None:
    logind = DBusCall(
        Bus.SYSTEM,
        "org.freedesktop.login1",
        "/org/freedesktop/login1",
        "org.freedesktop.login1.Manager",
        "Suspend",
        (False,),  # interactive=false: never a password prompt at night
    )
    assert suspend_plan("linux") == [logind, Argv(("systemctl", "suspend"))]
    assert suspend_plan("darwin") == [Argv(("pmset", "sleepnow"))]
    assert suspend_plan("win32") == [
        Win32Call("powrprof", "SetSuspendState", (False, False, False))
    ]
    assert suspend_plan("sunos5") == []


class SuspendRecorder:
    def __init__(self, argv_ok: bool = True) -> None:
        self.argv: list[tuple[str, ...]] = []
        self.win32: list[Win32Call] = []
        self.argv_ok = argv_ok

    def run(self, argv: Sequence[str]) -> bool:
        self.argv.append(tuple(argv))
        return self.argv_ok

    def call_win32(self, call: Win32Call) -> bool:
        self.win32.append(call)
        return True


def test_linux_suspend_prefers_logind() -> None:
    dbus = RecordingDBus({("org.freedesktop.login1", "/org/freedesktop/login1", "Suspend"): []})
    rec = SuspendRecorder()
    suspender: Suspender = SystemSuspender("linux", dbus=dbus, run=rec.run, win32=rec.call_win32)
    suspender.suspend()
    assert [c.method for c in dbus.calls] == ["Suspend"]
    assert rec.argv == []


def test_linux_suspend_falls_back_to_systemctl() -> None:
    dbus = RecordingDBus()  # logind answers nothing
    rec = SuspendRecorder()
    SystemSuspender("linux", dbus=dbus, run=rec.run, win32=rec.call_win32).suspend()
    assert [c.method for c in dbus.calls] == ["Suspend"]
    assert rec.argv == [("systemctl", "suspend")]


def test_macos_and_windows_suspend() -> None:
    rec = SuspendRecorder()
    SystemSuspender("darwin", dbus=RecordingDBus(), run=rec.run, win32=rec.call_win32).suspend()
    SystemSuspender("win32", dbus=RecordingDBus(), run=rec.run, win32=rec.call_win32).suspend()
    assert rec.argv == [("pmset", "sleepnow")]
    assert rec.win32 == [Win32Call("powrprof", "SetSuspendState", (False, False, False))]


def test_suspend_failures_are_logged_never_raised(caplog: pytest.LogCaptureFixture) -> None:
    def broken(argv: Sequence[str]) -> bool:
        raise subprocess.TimeoutExpired(list(argv), 10)

    with caplog.at_level(logging.WARNING, logger="sleepplayer.desktop.suspend"):
        SystemSuspender("linux", dbus=RecordingDBus(), run=broken).suspend()
        SystemSuspender("sunos5", run=broken).suspend()
    assert "Could not suspend" in caplog.text
    assert "not supported" in caplog.text


# ---------------------------------------------------------------------------------- inhibit
def test_linux_inhibit_plan() -> None:
    plan = inhibit_plan("Sleep timer", "linux")
    logind, gnome, power, screensaver, short_path = plan
    assert logind == DBusLock(
        DBusCall(
            Bus.SYSTEM,
            "org.freedesktop.login1",
            "/org/freedesktop/login1",
            "org.freedesktop.login1.Manager",
            "Inhibit",
            ("sleep:idle", APP_NAME, "Sleep timer", "block"),
        ),
        release_method=None,
        session_level=False,
    )
    assert isinstance(gnome, DBusLock)
    assert gnome.take.args == (APP_ID, UInt32(0), "Sleep timer", UInt32(4))  # 4: suspend only
    assert (gnome.take.service, gnome.release_method) == ("org.gnome.SessionManager", "Uninhibit")
    assert isinstance(power, DBusLock)
    assert power.take.path == "/org/freedesktop/PowerManagement/Inhibit"
    for lock, path in ((screensaver, "/org/freedesktop/ScreenSaver"), (short_path, "/ScreenSaver")):
        assert lock == DBusLock(
            DBusCall(
                Bus.SESSION,
                "org.freedesktop.ScreenSaver",
                path,
                "org.freedesktop.ScreenSaver",
                "Inhibit",
                (APP_NAME, "Sleep timer"),
            ),
            release_method="UnInhibit",
            session_level=True,
        )


def test_windows_and_macos_inhibit_plans() -> None:
    assert inhibit_plan("x", "win32") == [ExecutionState(0x80000001, 0x80000000)]
    assert inhibit_plan("x", "darwin", pid=4242) == [
        ChildProcess(("caffeinate", "-i", "-w", "4242"))
    ]
    assert inhibit_plan("x", "darwin") == [
        ChildProcess(("caffeinate", "-i", "-w", str(os.getpid())))
    ]
    assert inhibit_plan("x", "sunos5") == []


SCREENSAVER = ("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver")


def test_linux_falls_back_to_screensaver_and_uninhibits_with_its_cookie() -> None:
    dbus = RecordingDBus({(*SCREENSAVER, "Inhibit"): [42], (*SCREENSAVER, "UnInhibit"): []})
    inhibitor = SleepInhibitor("linux", dbus=dbus)
    inhibitor.inhibit("Sleep timer")
    inhibitor.inhibit("Sleep timer")  # idempotent
    assert [c.service for c in dbus.calls] == [
        "org.freedesktop.login1",
        "org.gnome.SessionManager",
        "org.freedesktop.PowerManagement",
        "org.freedesktop.ScreenSaver",
    ]
    assert inhibitor.active
    dbus.calls.clear()
    inhibitor.release()
    inhibitor.release()  # idempotent
    assert dbus.calls == [
        DBusCall(
            Bus.SESSION, *SCREENSAVER, "org.freedesktop.ScreenSaver", "UnInhibit", (UInt32(42),)
        )
    ]
    assert not inhibitor.active


def test_linux_logind_fd_is_held_until_release_plus_one_session_lock() -> None:
    read_fd, write_fd = os.pipe()
    try:
        reply = QDBusUnixFileDescriptor(read_fd)
        dbus = RecordingDBus(
            {
                ("org.freedesktop.login1", "/org/freedesktop/login1", "Inhibit"): [reply],
                ("org.gnome.SessionManager", "/org/gnome/SessionManager", "Inhibit"): [7],
                (*SCREENSAVER, "Inhibit"): [42],
            }
        )
        inhibitor = SleepInhibitor("linux", dbus=dbus)
        inhibitor.inhibit("r")
        assert [m.take.service for m in inhibitor.held if isinstance(m, DBusLock)] == [
            "org.freedesktop.login1",
            "org.gnome.SessionManager",  # and no ScreenSaver: one session lock is enough
        ]
        del reply
        dbus.replies.clear()
        held_fds = set(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
        inhibitor.release()
        released = dbus.calls[-1]
        assert (released.method, released.args) == ("Uninhibit", (UInt32(7),))
        if held_fds is not None:  # exactly our one copy of the logind fd was closed
            assert len(held_fds - set(os.listdir("/proc/self/fd"))) == 1
    finally:
        os.close(read_fd)
        os.close(write_fd)


def test_nothing_available_is_quiet_and_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    inhibitor = SleepInhibitor("linux", dbus=RecordingDBus())
    with caplog.at_level(logging.INFO, logger="sleepplayer.desktop.inhibit"):
        for _ in range(3):
            inhibitor.inhibit("r")
            inhibitor.release()
    assert not inhibitor.active
    assert caplog.text.count("No way to keep the computer awake") == 1


def test_windows_execution_state() -> None:
    flags: list[int] = []

    def execution_state(value: int) -> bool:
        flags.append(value)
        return True

    inhibitor = SleepInhibitor("win32", execution_state=execution_state)
    inhibitor.inhibit("r")
    inhibitor.inhibit("r")
    inhibitor.release()
    inhibitor.release()
    assert flags == [0x80000001, 0x80000000]


class FakeProcess:
    def __init__(self) -> None:
        self.terminated = False

    def terminate(self) -> None:
        self.terminated = True

    def wait(self, timeout: float | None = None) -> int:
        return 0

    def kill(self) -> None:
        raise AssertionError("terminate was enough")


def test_macos_caffeinate_child_is_terminated_on_release() -> None:
    spawned: list[tuple[tuple[str, ...], FakeProcess]] = []

    def spawn(argv: Sequence[str]) -> FakeProcess:
        spawned.append((tuple(argv), FakeProcess()))
        return spawned[-1][1]

    inhibitor = SleepInhibitor("darwin", spawn=spawn)
    inhibitor.inhibit("r")
    inhibitor.inhibit("r")
    assert [argv for argv, _ in spawned] == [("caffeinate", "-i", "-w", str(os.getpid()))]
    inhibitor.release()
    assert spawned[0][1].terminated


# ------------------------------------------------------------------------------- KeepAwake
class FakePlayback(QObject):
    state_changed = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.state = PlayerState.IDLE

    def set_state(self, state: PlayerState) -> None:
        self.state = state
        self.state_changed.emit(int(state))


class FakeTimer(QObject):
    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.phase = TimerPhase.IDLE

    def set_phase(self, phase: TimerPhase) -> None:
        self.phase = phase
        self.changed.emit()


class FakeInhibitor:
    def __init__(self) -> None:
        self.calls: list[str] = []

    @property
    def active(self) -> bool:
        return bool(self.calls) and self.calls[-1].startswith("inhibit")

    def inhibit(self, reason: str) -> None:
        self.calls.append(f"inhibit:{reason}")

    def release(self) -> None:
        self.calls.append("release")


@pytest.fixture
def rig(qtbot: QtBot) -> tuple[FakePlayback, FakeTimer, FakeInhibitor]:
    return FakePlayback(), FakeTimer(), FakeInhibitor()


def test_holds_while_playing_with_a_timer_armed(
    rig: tuple[FakePlayback, FakeTimer, FakeInhibitor],
) -> None:
    playback, timer, inhibitor = rig
    keep = KeepAwake(playback, timer, inhibitor, release_delay_ms=50)
    playback.set_state(PlayerState.PLAYING)
    assert inhibitor.calls == []  # playing without a timer: the computer may sleep
    timer.set_phase(TimerPhase.ARMED)
    assert inhibitor.calls == [f"inhibit:{REASON}"]
    timer.set_phase(TimerPhase.FADING)
    assert inhibitor.calls == [f"inhibit:{REASON}"] and keep.held


# The real delay once (it must stay under 5 s), a short one for the other cases.
@pytest.mark.parametrize(
    ("end", "delay_ms"),
    [
        (lambda p, t: p.set_state(PlayerState.PAUSED), RELEASE_DELAY_MS),
        (lambda p, t: p.set_state(PlayerState.STOPPED), 50),
        (lambda p, t: t.set_phase(TimerPhase.IDLE), 50),
        (lambda p, t: t.set_phase(TimerPhase.COUNTDOWN), 50),
    ],
    ids=["pause", "stop", "disarm", "suspend-countdown"],
)
def test_releases_within_5_s(
    qtbot: QtBot,
    rig: tuple[FakePlayback, FakeTimer, FakeInhibitor],
    end: Callable[[FakePlayback, FakeTimer], None],
    delay_ms: int,
) -> None:
    playback, timer, inhibitor = rig
    assert RELEASE_DELAY_MS < 5000
    keep = KeepAwake(playback, timer, inhibitor, release_delay_ms=delay_ms)
    playback.set_state(PlayerState.PLAYING)
    timer.set_phase(TimerPhase.ARMED)
    assert inhibitor.active
    end(playback, timer)
    qtbot.waitUntil(lambda: not inhibitor.active, timeout=5000)
    assert inhibitor.calls == [f"inhibit:{REASON}", "release"]
    assert not keep.held


def test_track_change_does_not_flap(rig: tuple[FakePlayback, FakeTimer, FakeInhibitor]) -> None:
    playback, timer, inhibitor = rig
    keep = KeepAwake(playback, timer, inhibitor, release_delay_ms=200)
    timer.set_phase(TimerPhase.ARMED)
    playback.set_state(PlayerState.PLAYING)
    playback.set_state(PlayerState.ENDED)
    assert keep.release_pending  # ENDED started the grace delay...
    for state in (PlayerState.OPENING, PlayerState.BUFFERING, PlayerState.PLAYING):
        playback.set_state(state)
    assert not keep.release_pending  # ...and playing again cancelled it: no release will come
    assert inhibitor.calls == [f"inhibit:{REASON}"]


def test_never_holds_when_the_setting_is_off(
    rig: tuple[FakePlayback, FakeTimer, FakeInhibitor],
) -> None:
    playback, timer, inhibitor = rig
    setting = {"keep_awake": False}
    keep = KeepAwake(playback, timer, inhibitor, lambda: setting["keep_awake"])
    playback.set_state(PlayerState.PLAYING)
    timer.set_phase(TimerPhase.ARMED)
    assert inhibitor.calls == []
    setting["keep_awake"] = True
    keep.refresh()
    assert inhibitor.active
    setting["keep_awake"] = False
    keep.refresh()  # turning it off lets go at once
    assert inhibitor.calls == [f"inhibit:{REASON}", "release"]


def test_shutdown_releases_at_once_and_stops_watching(
    rig: tuple[FakePlayback, FakeTimer, FakeInhibitor],
) -> None:
    playback, timer, inhibitor = rig
    playback.set_state(PlayerState.PLAYING)
    timer.set_phase(TimerPhase.ARMED)
    keep = KeepAwake(playback, timer, inhibitor)  # already playing and armed
    assert inhibitor.active
    keep.shutdown()
    assert inhibitor.calls == [f"inhibit:{REASON}", "release"]
    playback.set_state(PlayerState.PLAYING)
    timer.set_phase(TimerPhase.FADING)
    assert inhibitor.calls == [f"inhibit:{REASON}", "release"]
