"""Exact D-Bus types from PySide6's QtDBus, for the tagged values of ``mpris_metadata``.

MPRIS clients check types strictly (playerctl's ``duration(mpris:length)`` fails on an ``i``;
GDBus drops a property whose type differs from the spec). PySide6 6.11 gets several wrong on
its own, measured:

* a Python ``int`` becomes ``i`` unless it does not fit in 32 bits, so a 3-minute length
  would go out as ``i``, not ``x``;
* an empty list becomes ``av``, not ``as``;
* ``QDBusArgument << "key"`` picks the QStringList overload and writes ``as``, which makes
  libdbus abort the process inside a map;
* a ``QDBusVariant`` inside a Python dict is sent as a variant *in* a variant.

What does work: ``QDBusArgument.appendVariant`` writes ``str``, ``float``, ``bool``,
``QDBusObjectPath`` and ``QDBusVariant`` exactly, so maps (``a{sv}``) and string lists are
built with it. And only QtDBus itself makes a small ``x``: when it reads a ``qlonglong``
property. So :class:`Int64Source` is a private object with one such property that we read
with a call to ourselves; QtDBus delivers that call in-process (no bus traffic) and returns a
``QDBusVariant`` holding a true int64, which ``appendVariant`` then writes as ``v`` of ``x``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar, cast

from PySide6.QtCore import ClassInfo, Property, QMetaType, QObject
from PySide6.QtDBus import (
    QDBus,
    QDBusAbstractAdaptor,
    QDBusArgument,
    QDBusConnection,
    QDBusMessage,
    QDBusObjectPath,
    QDBusVariant,
)

from sleepplayer import APP_ID
from sleepplayer.desktop.mpris_metadata import Int64, ObjectPath, Value

log = logging.getLogger(__name__)

INT64_PATH = "/" + APP_ID.replace(".", "/") + "/Int64"
INT64_INTERFACE = APP_ID + ".Int64"
#: An in-process call; it never waits on the bus.
_LOCAL_CALL_TIMEOUT_MS = 1000

_STRING = QMetaType(QMetaType.Type.QString)
_VARIANT = QMetaType.fromName(b"QDBusVariant")

_Adaptor = TypeVar("_Adaptor", bound=type[QDBusAbstractAdaptor])


def dbus_interface(name: str, introspection: str = "") -> Callable[[_Adaptor], _Adaptor]:
    """Class decorator naming an adaptor's D-Bus interface (and its introspection XML).

    PySide6's stubs cannot type ``ClassInfo`` with keys that contain spaces."""
    info = {"D-Bus Interface": name}
    if introspection:
        info["D-Bus Introspection"] = introspection
    return cast(Callable[[_Adaptor], _Adaptor], cast(Any, ClassInfo)(info))


@dbus_interface(INT64_INTERFACE)
class _Int64Adaptor(QDBusAbstractAdaptor):
    """One read-only ``qlonglong`` property, so that QtDBus types the value it returns."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.value = 0

    def _read_value(self) -> int:
        return self.value

    Value = Property("qlonglong", _read_value)  # type: ignore[arg-type]  # a C++ type name


class Int64Source:
    """Makes ``QDBusVariant``s that hold a real int64 (see the module docstring)."""

    def __init__(self, connection: QDBusConnection, parent: QObject | None = None) -> None:
        self._connection = connection
        # With the owner as parent, the holder goes when the owner goes, on the owner's thread.
        # Owned by Python alone it went whenever a garbage collection ran, on whatever thread
        # that was (a resolver's worker, say), and QtDBus warned about its adaptor's signals.
        self._holder = QObject(parent)
        self._adaptor = _Int64Adaptor(self._holder)
        self._registered = False

    def register(self) -> bool:
        self._registered = self._connection.registerObject(
            INT64_PATH, self._holder, QDBusConnection.RegisterOption.ExportAdaptors
        )
        return self._registered

    def unregister(self) -> None:
        if self._registered:
            self._connection.unregisterObject(INT64_PATH)
            self._registered = False

    def variant(self, value: int) -> QDBusVariant:
        if self._registered:
            self._adaptor.value = value
            call = QDBusMessage.createMethodCall(
                self._connection.baseService(),
                INT64_PATH,
                "org.freedesktop.DBus.Properties",
                "Get",
            )
            call.setArguments([INT64_INTERFACE, "Value"])
            reply = self._connection.call(call, QDBus.CallMode.Block, _LOCAL_CALL_TIMEOUT_MS)
            arguments = reply.arguments()
            if arguments and isinstance(arguments[0], QDBusVariant):
                return arguments[0]
            log.warning(
                "no int64 from QtDBus (%s); sending %d untyped", reply.errorMessage(), value
            )
        # Only without the private object: the right number, though maybe as ``i``.
        return QDBusVariant(value)


class DBusValues:
    """Turns tagged values into QtDBus objects of the exact D-Bus type."""

    def __init__(self, int64: Int64Source) -> None:
        self._int64 = int64

    def variant(self, value: Value) -> QDBusVariant:
        # bool first: it is also an int. A plain int has no D-Bus type here (see Int64).
        if isinstance(value, bool | str):
            return QDBusVariant(value)
        if isinstance(value, float):
            return QDBusVariant(value)
        if isinstance(value, Int64):
            return self._int64.variant(value.value)
        if isinstance(value, ObjectPath):
            return QDBusVariant(QDBusObjectPath(value.path))
        if isinstance(value, list):
            return QDBusVariant(string_list(value))
        if isinstance(value, dict):
            return QDBusVariant(self.variant_map(value))
        raise TypeError(f"no D-Bus type for {value!r}")

    def variant_map(self, values: Mapping[str, Value]) -> QDBusArgument:
        """An ``a{sv}``."""
        argument = QDBusArgument()
        argument.beginMap(_STRING, _VARIANT)
        for key, value in values.items():
            argument.beginMapEntry()
            argument.appendVariant(key)
            argument.appendVariant(self.variant(value))
            argument.endMapEntry()
        argument.endMap()
        return argument


def string_list(items: Iterable[str]) -> QDBusArgument:
    """An ``as``, also when empty."""
    argument = QDBusArgument()
    argument.beginArray(_STRING)
    for item in items:
        argument.appendVariant(str(item))
    argument.endArray()
    return argument
