"""SleepInhibitor on a real, private D-Bus session bus, with no system bus at all.

A child process serves fake desktop inhibit services through QtDBus, which checks argument
signatures strictly (as KDE and GNOME do), and records every call. logind is unreachable, so
the inhibitor must fall back quietly to the session bus.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtDBus import QDBusConnection
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sleepplayer import APP_ID, APP_NAME
from sleepplayer.desktop.dbus_call import Bus, DBusCall, DBusCaller
from sleepplayer.desktop.inhibit import DBusLock, SleepInhibitor
from tests.helpers.dbus_session import PrivateBus

pytestmark = pytest.mark.integration

# argv: bus address, then the services to serve ("screensaver", "gnome").
FAKE_SERVICES = """
import json, sys
from PySide6.QtCore import ClassInfo, QCoreApplication, QObject, Slot
from PySide6.QtDBus import QDBusConnection

app = QCoreApplication([])
bus = QDBusConnection.connectToBus(sys.argv[1], "fake-desktop")
@ClassInfo({"D-Bus Interface": "org.freedesktop.ScreenSaver"})
class ScreenSaver(QObject):
    calls = []

    @Slot(str, str, result="uint")
    def Inhibit(self, app_name, reason):
        self.calls.append(["Inhibit", app_name, reason])
        return 1000 + len(self.calls)

    @Slot("uint")
    def UnInhibit(self, cookie):
        self.calls.append(["UnInhibit", cookie])

    @Slot(result=str)
    def Calls(self):
        return json.dumps(self.calls)

@ClassInfo({"D-Bus Interface": "org.gnome.SessionManager"})
class SessionManager(QObject):
    calls = []

    @Slot(str, "uint", str, "uint", result="uint")
    def Inhibit(self, app_id, toplevel_xid, reason, flags):
        self.calls.append(["Inhibit", app_id, toplevel_xid, reason, flags])
        return 2000 + len(self.calls)

    @Slot("uint")
    def Uninhibit(self, cookie):
        self.calls.append(["Uninhibit", cookie])

    @Slot(result=str)
    def Calls(self):
        return json.dumps(self.calls)

export = QDBusConnection.RegisterOption.ExportAllSlots
objects = {"screensaver": ScreenSaver(), "gnome": SessionManager()}
for name in sys.argv[2:]:
    if name == "screensaver":
        bus.registerObject("/org/freedesktop/ScreenSaver", objects[name], export)
        bus.registerService("org.freedesktop.ScreenSaver")
    else:
        bus.registerObject("/org/gnome/SessionManager", objects[name], export)
        bus.registerService("org.gnome.SessionManager")
app.exec()
"""

SCREENSAVER = ("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver")
GNOME = ("org.gnome.SessionManager", "/org/gnome/SessionManager")


@pytest.fixture
def session_bus(tmp_path: Path) -> Iterator[PrivateBus]:
    bus = PrivateBus.start(tmp_path)
    yield bus
    bus.stop()


def _start_fake(
    qtbot: QtBot, bus: PrivateBus, caller: DBusCaller, *services: str
) -> subprocess.Popen[bytes]:
    stderr = (bus.directory / "fake.err").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-c", FAKE_SERVICES, bus.address, *services],
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    stderr.close()
    names = {"screensaver": SCREENSAVER[0], "gnome": GNOME[0]}

    def registered() -> bool:
        if process.poll() is not None:
            raise AssertionError((bus.directory / "fake.err").read_text())
        return all(
            caller.call(
                DBusCall(
                    Bus.SESSION,
                    "org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus",
                    "NameHasOwner",
                    (names[s],),
                )
            )
            == [True]
            for s in services
        )

    qtbot.waitUntil(registered, timeout=10_000)
    return process


def _recorded(caller: DBusCaller, service: tuple[str, str]) -> list[list[object]]:
    interface = service[0]
    reply = caller.call(DBusCall(Bus.SESSION, *service, interface, "Calls"))
    assert reply is not None and isinstance(reply[0], str)
    result: list[list[object]] = json.loads(reply[0])
    return result


@pytest.fixture
def caller(qapp: QApplication, session_bus: PrivateBus) -> Iterator[DBusCaller]:
    """Session bus: the private one. System bus: a socket path where nothing listens."""
    session = QDBusConnection.connectToBus(session_bus.address, "sleepplayer-test-session")
    system = QDBusConnection.connectToBus(
        f"unix:path={session_bus.directory / 'no-system-bus'}", "sleepplayer-test-system"
    )
    assert session.isConnected() and not system.isConnected()
    yield DBusCaller(lambda bus: system if bus is Bus.SYSTEM else session, timeout_ms=5000)
    QDBusConnection.disconnectFromBus("sleepplayer-test-session")
    QDBusConnection.disconnectFromBus("sleepplayer-test-system")


@pytest.fixture
def fakes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        process.terminate()
        process.wait(5)


def test_screensaver_fallback_inhibits_and_uninhibits_with_its_cookie(
    qtbot: QtBot,
    session_bus: PrivateBus,
    caller: DBusCaller,
    fakes: list[subprocess.Popen[bytes]],
) -> None:
    fakes.append(_start_fake(qtbot, session_bus, caller, "screensaver"))
    inhibitor = SleepInhibitor("linux", dbus=caller)

    inhibitor.inhibit("Sleep timer running")
    inhibitor.inhibit("Sleep timer running")  # idempotent
    assert [m.take.path for m in inhibitor.held if isinstance(m, DBusLock)] == [SCREENSAVER[1]]
    assert _recorded(caller, SCREENSAVER) == [["Inhibit", APP_NAME, "Sleep timer running"]]

    inhibitor.release()
    inhibitor.release()  # idempotent
    assert not inhibitor.active
    assert _recorded(caller, SCREENSAVER) == [
        ["Inhibit", APP_NAME, "Sleep timer running"],
        ["UnInhibit", 1001],  # the cookie Inhibit returned, sent as D-Bus uint32
    ]


def test_gnome_session_manager_is_preferred_and_gets_uint_arguments(
    qtbot: QtBot,
    session_bus: PrivateBus,
    caller: DBusCaller,
    fakes: list[subprocess.Popen[bytes]],
) -> None:
    fakes.append(_start_fake(qtbot, session_bus, caller, "screensaver", "gnome"))
    inhibitor = SleepInhibitor("linux", dbus=caller)
    inhibitor.inhibit("Sleep timer running")
    inhibitor.release()
    assert _recorded(caller, GNOME) == [
        ["Inhibit", APP_ID, 0, "Sleep timer running", 4],
        ["Uninhibit", 2001],
    ]
    assert _recorded(caller, SCREENSAVER) == []  # one session-level lock is enough


def test_no_bus_at_all_is_quiet(qapp: QApplication, tmp_path: Path) -> None:
    nowhere = QDBusConnection.connectToBus(f"unix:path={tmp_path / 'none'}", "sleepplayer-none")
    try:
        inhibitor = SleepInhibitor("linux", dbus=DBusCaller(lambda bus: nowhere))
        inhibitor.inhibit("r")
        assert not inhibitor.active
        inhibitor.release()
    finally:
        QDBusConnection.disconnectFromBus("sleepplayer-none")
