"""Keeps the computer from going to sleep by itself: ``SleepInhibitor.inhibit`` / ``release``.

Each platform's way is a plan of data, so tests check what would be called:

- Linux: logind's ``Inhibit("sleep:idle", ..., "block")`` on the system bus returns a file
  descriptor that holds the lock until closed. logind ignores a user's own block locks when
  that same user's desktop asks to suspend, so the desktop's idle suspend (GNOME's
  gsd-power, KDE's PowerDevil) needs a session-bus lock as well: the first that answers of
  GNOME's SessionManager (flag 4, suspend only, so the screen may still blank),
  freedesktop PowerManagement (suspend only), and freedesktop ScreenSaver (also keeps the
  screen on: the last resort). With none available it does nothing, and logs once.
- Windows: ``SetThreadExecutionState(ES_CONTINUOUS | ES_SYSTEM_REQUIRED)``, then
  ``ES_CONTINUOUS`` to release. Call both from the same (GUI) thread.
- macOS: a ``caffeinate -i -w <our pid>`` child, terminated on release (it also ends with us).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from PySide6.QtDBus import QDBusUnixFileDescriptor

from sleepplayer import APP_ID, APP_NAME
from sleepplayer.desktop.dbus_call import Bus, DBusCall, DBusCaller, UInt32

log = logging.getLogger(__name__)

ES_CONTINUOUS = 0x80000000
ES_SYSTEM_REQUIRED = 0x00000001
GNOME_INHIBIT_SUSPEND = 4


@dataclass(frozen=True)
class DBusLock:
    """Take with ``take``; give back by closing the returned fd (``release_method`` None) or by
    calling ``release_method`` on the same object with the returned cookie."""

    take: DBusCall
    release_method: str | None
    session_level: bool


@dataclass(frozen=True)
class ExecutionState:
    """Windows: SetThreadExecutionState flags to hold and to release."""

    hold_flags: int
    release_flags: int


@dataclass(frozen=True)
class ChildProcess:
    """A helper process that holds the lock while it runs."""

    argv: tuple[str, ...]


InhibitMethod = DBusLock | ExecutionState | ChildProcess


def _screensaver(path: str, reason: str) -> DBusLock:
    call = DBusCall(
        Bus.SESSION,
        "org.freedesktop.ScreenSaver",
        path,
        "org.freedesktop.ScreenSaver",
        "Inhibit",
        (APP_NAME, reason),
    )
    return DBusLock(call, "UnInhibit", session_level=True)


def inhibit_plan(
    reason: str, platform: str = sys.platform, pid: int | None = None
) -> list[InhibitMethod]:
    """The ways to hold the computer awake, in order of preference."""
    if platform.startswith("linux"):
        logind = DBusCall(
            Bus.SYSTEM,
            "org.freedesktop.login1",
            "/org/freedesktop/login1",
            "org.freedesktop.login1.Manager",
            "Inhibit",
            ("sleep:idle", APP_NAME, reason, "block"),
        )
        gnome = DBusCall(
            Bus.SESSION,
            "org.gnome.SessionManager",
            "/org/gnome/SessionManager",
            "org.gnome.SessionManager",
            "Inhibit",
            (APP_ID, UInt32(0), reason, UInt32(GNOME_INHIBIT_SUSPEND)),
            returns_uint=True,
        )
        power = DBusCall(
            Bus.SESSION,
            "org.freedesktop.PowerManagement",
            "/org/freedesktop/PowerManagement/Inhibit",
            "org.freedesktop.PowerManagement.Inhibit",
            "Inhibit",
            (APP_NAME, reason),
        )
        return [
            DBusLock(logind, None, session_level=False),
            DBusLock(gnome, "Uninhibit", session_level=True),
            DBusLock(power, "UnInhibit", session_level=True),
            _screensaver("/org/freedesktop/ScreenSaver", reason),
            _screensaver("/ScreenSaver", reason),
        ]
    if platform == "win32":
        return [ExecutionState(ES_CONTINUOUS | ES_SYSTEM_REQUIRED, ES_CONTINUOUS)]
    if platform == "darwin":
        return [ChildProcess(("caffeinate", "-i", "-w", str(os.getpid() if pid is None else pid)))]
    return []


class Process(Protocol):
    def terminate(self) -> None: ...
    def wait(self, timeout: float | None = None) -> int: ...
    def kill(self) -> None: ...


def spawn(argv: Sequence[str]) -> Process:
    return subprocess.Popen(
        list(argv),
        shell=False,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def set_execution_state(flags: int) -> bool:
    """Windows SetThreadExecutionState; True when it succeeded."""
    if sys.platform == "win32":
        import ctypes

        return bool(ctypes.windll.kernel32.SetThreadExecutionState(flags))
    return False


@dataclass
class _Held:
    method: InhibitMethod
    cookie: int | None = None  # D-Bus cookie or file descriptor
    process: Process | None = None


class SleepInhibitor:
    """Holds the computer awake between ``inhibit`` and ``release``; both are idempotent.

    Never raises: if nothing works it does nothing, and logs that once.
    """

    def __init__(
        self,
        platform: str = sys.platform,
        *,
        dbus: DBusCaller | None = None,
        spawn: Callable[[Sequence[str]], Process] = spawn,
        execution_state: Callable[[int], bool] = set_execution_state,
    ) -> None:
        self._platform = platform
        self._dbus = dbus
        self._spawn = spawn
        self._execution_state = execution_state
        self._held: list[_Held] = []
        self._warned = False

    @property
    def active(self) -> bool:
        return bool(self._held)

    @property
    def held(self) -> list[InhibitMethod]:
        """What holds the lock now (for tests and logs)."""
        return [h.method for h in self._held]

    def inhibit(self, reason: str) -> None:
        if self._held:
            return
        session_taken = False
        for method in inhibit_plan(reason, self._platform):
            if isinstance(method, DBusLock) and method.session_level and session_taken:
                continue
            try:
                held = self._take(method)
            except Exception:
                log.debug("Inhibit via %s failed", method, exc_info=True)
                held = None
            if held is None:
                continue
            self._held.append(held)
            if not isinstance(method, DBusLock):
                break
            session_taken = session_taken or method.session_level
        if self._held:
            log.info("Keeping the computer awake: %s", reason)
        elif not self._warned:
            self._warned = True
            log.info("No way to keep the computer awake was found on this system")

    def release(self) -> None:
        held, self._held = self._held, []
        for item in held:
            try:
                self._give_back(item)
            except Exception:
                log.debug("Releasing %s failed", item.method, exc_info=True)
        if held:
            log.info("Let the computer sleep again")

    # ------------------------------------------------------------------ per method
    def _caller(self) -> DBusCaller:
        if self._dbus is None:
            self._dbus = DBusCaller()
        return self._dbus

    def _take(self, method: InhibitMethod) -> _Held | None:
        if isinstance(method, ExecutionState):
            return _Held(method) if self._execution_state(method.hold_flags) else None
        if isinstance(method, ChildProcess):
            return _Held(method, process=self._spawn(method.argv))
        reply = self._caller().call(method.take)
        if not reply:
            return None
        value = reply[0]
        if method.release_method is None:
            if not isinstance(value, QDBusUnixFileDescriptor) or not value.isValid():
                log.debug("logind returned %r, not a file descriptor", value)
                return None
            # Our own copy: Qt closes its copies with the reply, ours holds the lock.
            return _Held(method, cookie=os.dup(value.fileDescriptor()))
        if not isinstance(value, int):
            return None
        return _Held(method, cookie=value)

    def _give_back(self, held: _Held) -> None:
        method = held.method
        if isinstance(method, ExecutionState):
            self._execution_state(method.release_flags)
        elif isinstance(method, ChildProcess):
            assert held.process is not None
            held.process.terminate()
            try:
                held.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                held.process.kill()
                held.process.wait(timeout=2)
        elif held.cookie is not None:
            if method.release_method is None:
                os.close(held.cookie)
            else:
                call = replace(method.take, method=method.release_method)
                call = replace(call, args=(UInt32(held.cookie),), returns_uint=False)
                self._caller().call(call)
