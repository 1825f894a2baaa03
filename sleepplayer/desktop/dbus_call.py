"""Blocking QtDBus method calls with a timeout that never raise and never emit Qt warnings.

A call is described as data (``DBusCall``), so tests can check what would be sent without a bus.
PySide6 turns a Python ``int`` into a D-Bus ``i`` (or ``x``) and offers no way to send ``u``;
services such as GNOME's session manager and KDE's ScreenSaver check signatures strictly. So a call
with a ``UInt32`` argument goes through ``QDBusInterface``'s introspected meta-object, which
marshals ``uint`` correctly.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Q_ARG, Q_RETURN_ARG, QMetaObject, Qt
from PySide6.QtDBus import QDBus, QDBusConnection, QDBusInterface, QDBusMessage

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_MS = 2000


class Bus(enum.Enum):
    SYSTEM = "system"
    SESSION = "session"


@dataclass(frozen=True)
class UInt32:
    """An argument to send as D-Bus ``u``."""

    value: int


@dataclass(frozen=True)
class DBusCall:
    """One method call; ``returns_uint`` marks a ``u`` reply when ``args`` hold a ``UInt32``."""

    bus: Bus
    service: str
    path: str
    interface: str
    method: str
    args: tuple[object, ...] = ()
    returns_uint: bool = False


def _default_connect(bus: Bus) -> QDBusConnection:
    return QDBusConnection.systemBus() if bus is Bus.SYSTEM else QDBusConnection.sessionBus()


class DBusCaller:
    """Runs ``DBusCall``s. ``connect`` picks the connection per bus (injectable for tests)."""

    def __init__(
        self,
        connect: Callable[[Bus], QDBusConnection] | None = None,
        timeout_ms: int = DEFAULT_TIMEOUT_MS,
    ) -> None:
        self._connect = connect or _default_connect
        self._timeout_ms = timeout_ms

    def call(self, call: DBusCall) -> list[object] | None:
        """The reply's arguments, or None (logged at debug) on any failure."""
        try:
            connection = self._connect(call.bus)
            if not connection.isConnected():
                log.debug(
                    "%s bus unavailable: %s", call.bus.value, connection.lastError().message()
                )
                return None
            if any(isinstance(arg, UInt32) for arg in call.args):
                return self._call_typed(connection, call)
            message = QDBusMessage.createMethodCall(
                call.service, call.path, call.interface, call.method
            )
            message.setArguments(list(call.args))
            reply = connection.call(message, QDBus.CallMode.Block, self._timeout_ms)
            if reply.type() != QDBusMessage.MessageType.ReplyMessage:
                log.debug("%s.%s failed: %s", call.interface, call.method, reply.errorMessage())
                return None
            return list(reply.arguments())
        except Exception:  # a desktop integration must never break playback
            log.debug("%s.%s raised", call.interface, call.method, exc_info=True)
            return None

    def _call_typed(self, connection: QDBusConnection, call: DBusCall) -> list[object] | None:
        # QDBusInterface introspects first: an absent service fails here, quietly, before
        # invokeMethod (which would warn about a missing method).
        iface = QDBusInterface(call.service, call.path, call.interface, connection)
        if not iface.isValid():
            log.debug("%s unavailable: %s", call.service, iface.lastError().message())
            return None
        iface.setTimeout(self._timeout_ms)
        signature = ",".join("uint" if isinstance(a, UInt32) else "QString" for a in call.args)
        meta = iface.metaObject()
        if meta.indexOfMethod(f"{call.method}({signature})") < 0:
            log.debug("%s has no %s(%s)", call.interface, call.method, signature)
            return None
        args = [
            Q_ARG("uint", a.value) if isinstance(a, UInt32) else Q_ARG(str, str(a))
            for a in call.args
        ]
        connection_type = Qt.ConnectionType.DirectConnection
        if call.returns_uint:
            result = QMetaObject.invokeMethod(
                iface, call.method, connection_type, Q_RETURN_ARG("uint"), *args
            )
        else:
            result = QMetaObject.invokeMethod(iface, call.method, connection_type, *args)
        if iface.lastError().isValid():
            log.debug("%s.%s failed: %s", call.interface, call.method, iface.lastError().message())
            return None
        return [result] if call.returns_uint else []
