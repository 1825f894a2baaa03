"""Puts the computer to sleep: the ``Suspender`` the sleep timer's "Suspend" end action uses.

Each platform's way is a plan of fixed steps, tried in order until one works. Steps are data, so
tests check exactly what would run without running it. Nothing goes through a shell.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sleepplayer.desktop.dbus_call import Bus, DBusCall, DBusCaller

log = logging.getLogger(__name__)

COMMAND_TIMEOUT_S = 10.0

#: logind's Suspend(interactive=false): no password prompt in the middle of the night.
LOGIND_SUSPEND = DBusCall(
    Bus.SYSTEM,
    "org.freedesktop.login1",
    "/org/freedesktop/login1",
    "org.freedesktop.login1.Manager",
    "Suspend",
    (False,),
)


@dataclass(frozen=True)
class Argv:
    """A program run with this fixed argument list (shell=False)."""

    argv: tuple[str, ...]


@dataclass(frozen=True)
class Win32Call:
    """A function of a Windows DLL called through ctypes."""

    dll: str
    function: str
    args: tuple[bool | int, ...]


SuspendStep = DBusCall | Argv | Win32Call


def suspend_command(platform: str = sys.platform) -> list[str] | None:
    """The fixed command that suspends this platform, or None where it is not a command."""
    if platform.startswith("linux"):
        return ["systemctl", "suspend"]
    if platform == "darwin":
        return ["pmset", "sleepnow"]
    return None


def suspend_plan(platform: str = sys.platform) -> list[SuspendStep]:
    """The steps to try in order; empty where suspending is not supported."""
    if platform.startswith("linux"):
        return [LOGIND_SUSPEND, Argv(("systemctl", "suspend"))]
    if platform == "darwin":
        return [Argv(("pmset", "sleepnow"))]
    if platform == "win32":
        # SetSuspendState(hibernate=False, force=False, wakeup_events_disabled=False)
        return [Win32Call("powrprof", "SetSuspendState", (False, False, False))]
    return []


def run_argv(argv: Sequence[str]) -> bool:
    """Runs a fixed argument list; True when it exited with 0."""
    result = subprocess.run(
        list(argv),
        shell=False,
        check=False,
        timeout=COMMAND_TIMEOUT_S,
        stdin=subprocess.DEVNULL,
        capture_output=True,
    )
    if result.returncode != 0:
        log.warning("%s exited with %d: %s", argv[0], result.returncode, result.stderr[-500:])
    return result.returncode == 0


def call_win32(call: Win32Call) -> bool:
    """Calls a Windows DLL function; True when it returned non-zero."""
    if sys.platform == "win32":
        import ctypes

        function = getattr(ctypes.WinDLL(call.dll), call.function)
        return bool(function(*call.args))
    return False


class SystemSuspender:
    """Suspends the computer. ``suspend()`` logs failures and never raises.

    ``dbus``, ``run`` and ``win32`` execute the steps; tests inject recorders so nothing runs.
    """

    def __init__(
        self,
        platform: str = sys.platform,
        *,
        dbus: DBusCaller | None = None,
        run: Callable[[Sequence[str]], bool] = run_argv,
        win32: Callable[[Win32Call], bool] = call_win32,
    ) -> None:
        self._plan = suspend_plan(platform)
        self._dbus = dbus
        self._run = run
        self._win32 = win32

    @property
    def plan(self) -> list[SuspendStep]:
        return list(self._plan)

    def suspend(self) -> None:
        if not self._plan:
            log.warning("Suspend is not supported on this platform")
            return
        for step in self._plan:
            try:
                if self._execute(step):
                    log.info("Suspending via %s", step)
                    return
            except Exception:  # OSError, TimeoutExpired, ctypes errors: try the next way
                log.warning("Suspend via %s failed", step, exc_info=True)
        log.warning("Could not suspend the computer")

    def _execute(self, step: SuspendStep) -> bool:
        if isinstance(step, DBusCall):
            if self._dbus is None:
                self._dbus = DBusCaller()
            return self._dbus.call(step) is not None
        if isinstance(step, Argv):
            return self._run(step.argv)
        return self._win32(step)
