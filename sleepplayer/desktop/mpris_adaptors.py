"""The D-Bus face of MPRIS2: three QtDBus adaptors that pass every call to an :class:`MprisHandler`.

* ``org.mpris.MediaPlayer2`` (Raise, Quit) and ``org.mpris.MediaPlayer2.Player`` (transport,
  Seek, SetPosition, OpenUri and the ``Seeked`` signal, declared ``qlonglong`` so QtDBus sends
  ``x``). Their introspection is the spec's XML, given as class info.
* ``org.freedesktop.DBus.Properties``: QtDBus routes a call to an adaptor that names the
  interface before its own property handling, so this one answers Get, GetAll and Set. It
  has to: QtDBus leaves out of GetAll any property whose Qt type has no fixed D-Bus signature,
  and Metadata (an ``a{sv}`` with an ``x`` inside, see ``dbus_values``) is such a property.
  Replies are sent by hand (``setDelayedReply``), so they carry exact types and D-Bus errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtDBus import (
    QDBusAbstractAdaptor,
    QDBusConnection,
    QDBusMessage,
    QDBusObjectPath,
    QDBusVariant,
)

from sleepplayer.desktop.dbus_values import DBusValues, dbus_interface, string_list
from sleepplayer.desktop.mpris_metadata import (
    OBJECT_PATH,
    PLAYER_INTERFACE,
    PROPERTIES_INTERFACE,
    ROOT_INTERFACE,
    Value,
)

INVALID_ARGS = "org.freedesktop.DBus.Error.InvalidArgs"
UNKNOWN_INTERFACE = "org.freedesktop.DBus.Error.UnknownInterface"
UNKNOWN_PROPERTY = "org.freedesktop.DBus.Error.UnknownProperty"
READ_ONLY = "org.freedesktop.DBus.Error.PropertyReadOnly"

#: (name, D-Bus type, access) of every property, in the spec's order.
ROOT_PROPERTIES = (
    ("CanQuit", "b", "read"),
    ("CanRaise", "b", "read"),
    ("HasTrackList", "b", "read"),
    ("Identity", "s", "read"),
    ("DesktopEntry", "s", "read"),
    ("SupportedUriSchemes", "as", "read"),
    ("SupportedMimeTypes", "as", "read"),
)
PLAYER_PROPERTIES = (
    ("PlaybackStatus", "s", "read"),
    ("LoopStatus", "s", "readwrite"),
    ("Rate", "d", "readwrite"),
    ("Shuffle", "b", "readwrite"),
    ("Metadata", "a{sv}", "read"),
    ("Volume", "d", "readwrite"),
    ("Position", "x", "read"),
    ("MinimumRate", "d", "read"),
    ("MaximumRate", "d", "read"),
    ("CanGoNext", "b", "read"),
    ("CanGoPrevious", "b", "read"),
    ("CanPlay", "b", "read"),
    ("CanPause", "b", "read"),
    ("CanSeek", "b", "read"),
    ("CanControl", "b", "read"),
)
#: Never announced with PropertiesChanged (the spec's EmitsChangedSignal=false).
NOT_ANNOUNCED = ("Position", "CanControl")


def _properties_xml(table: tuple[tuple[str, str, str], ...]) -> str:
    lines = []
    for name, signature, access in table:
        if name in NOT_ANNOUNCED:
            lines.append(
                f'<property name="{name}" type="{signature}" access="{access}">'
                '<annotation name="org.freedesktop.DBus.Property.EmitsChangedSignal"'
                ' value="false"/></property>'
            )
        else:
            lines.append(f'<property name="{name}" type="{signature}" access="{access}"/>')
    return "\n".join(lines)


ROOT_XML = f"""<interface name="{ROOT_INTERFACE}">
<method name="Raise"/>
<method name="Quit"/>
{_properties_xml(ROOT_PROPERTIES)}
</interface>"""

PLAYER_XML = f"""<interface name="{PLAYER_INTERFACE}">
<method name="Next"/>
<method name="Previous"/>
<method name="Pause"/>
<method name="PlayPause"/>
<method name="Stop"/>
<method name="Play"/>
<method name="Seek"><arg direction="in" name="Offset" type="x"/></method>
<method name="SetPosition">
<arg direction="in" name="TrackId" type="o"/><arg direction="in" name="Position" type="x"/>
</method>
<method name="OpenUri"><arg direction="in" name="Uri" type="s"/></method>
<signal name="Seeked"><arg name="Position" type="x"/></signal>
{_properties_xml(PLAYER_PROPERTIES)}
</interface>"""

#: QtDBus always lists the standard Properties interface itself; an empty description here
#: keeps it from being listed twice.
PROPERTIES_XML = "<!-- org.freedesktop.DBus.Properties: listed by QtDBus -->"


@dataclass(frozen=True)
class DBusError:
    name: str
    message: str


class MprisHandler(Protocol):
    """What the adaptors call; :class:`~sleepplayer.desktop.mpris.MprisService` implements it."""

    def properties(self, interface: str) -> dict[str, Value] | DBusError: ...
    def set_property(self, interface: str, name: str, value: object) -> DBusError | None: ...
    def raise_window(self) -> None: ...
    def quit_app(self) -> None: ...
    def play(self) -> None: ...
    def pause(self) -> None: ...
    def play_pause(self) -> None: ...
    def stop(self) -> None: ...
    def next(self) -> None: ...
    def previous(self) -> None: ...
    def seek(self, offset_us: int) -> None: ...
    def set_position(self, track_id: str, position_us: int) -> None: ...
    def open_uri(self, uri: str) -> DBusError | None: ...


class _Replies:
    """Hand-made replies for slots that take the incoming QDBusMessage."""

    def __init__(self, connection: QDBusConnection, values: DBusValues) -> None:
        self.connection = connection
        self.values = values

    def reply(self, call: QDBusMessage, *arguments: object) -> None:
        call.setDelayedReply(True)
        reply = call.createReply()
        reply.setArguments(list(arguments))
        self.connection.send(reply)

    def error(self, call: QDBusMessage, error: DBusError) -> None:
        call.setDelayedReply(True)
        self.connection.send(call.createErrorReply(error.name, error.message))


@dbus_interface(PROPERTIES_INTERFACE, PROPERTIES_XML)
class PropertiesAdaptor(QDBusAbstractAdaptor):
    """Get, GetAll and Set for the two MPRIS interfaces."""

    def __init__(self, parent: QObject, handler: MprisHandler, replies: _Replies) -> None:
        super().__init__(parent)
        self._handler = handler
        self._replies = replies

    @Slot(str, str, QDBusMessage)
    def Get(self, interface: str, name: str, call: QDBusMessage) -> None:
        values = self._handler.properties(interface)
        if isinstance(values, DBusError):
            self._replies.error(call, values)
        elif name not in values:
            self._replies.error(call, DBusError(UNKNOWN_PROPERTY, f"No property {name}"))
        else:
            self._replies.reply(call, self._replies.values.variant(values[name]))

    @Slot(str, QDBusMessage)
    def GetAll(self, interface: str, call: QDBusMessage) -> None:
        values = self._handler.properties(interface)
        if isinstance(values, DBusError):
            self._replies.error(call, values)
        else:
            self._replies.reply(call, self._replies.values.variant_map(values))

    @Slot(str, str, QDBusVariant, QDBusMessage)
    def Set(self, interface: str, name: str, value: QDBusVariant, call: QDBusMessage) -> None:
        error = self._handler.set_property(interface, name, value.variant())
        if error is not None:
            self._replies.error(call, error)
        else:
            self._replies.reply(call)


@dbus_interface(ROOT_INTERFACE, ROOT_XML)
class RootAdaptor(QDBusAbstractAdaptor):
    def __init__(self, parent: QObject, handler: MprisHandler) -> None:
        super().__init__(parent)
        self._handler = handler

    @Slot()
    def Raise(self) -> None:
        self._handler.raise_window()

    @Slot()
    def Quit(self) -> None:
        # After this call's reply is on its way: quitting saves and tears down the bus name.
        QTimer.singleShot(0, self._handler.quit_app)


@dbus_interface(PLAYER_INTERFACE, PLAYER_XML)
class PlayerAdaptor(QDBusAbstractAdaptor):
    """Transport methods, and ``Seeked`` (microseconds, sent as ``x``)."""

    Seeked = Signal("qlonglong")  # type: ignore[arg-type]  # C++ type name: D-Bus x

    def __init__(self, parent: QObject, handler: MprisHandler, replies: _Replies) -> None:
        super().__init__(parent)
        self._handler = handler
        self._replies = replies

    @Slot()
    def Next(self) -> None:
        self._handler.next()

    @Slot()
    def Previous(self) -> None:
        self._handler.previous()

    @Slot()
    def Pause(self) -> None:
        self._handler.pause()

    @Slot()
    def PlayPause(self) -> None:
        self._handler.play_pause()

    @Slot()
    def Stop(self) -> None:
        self._handler.stop()

    @Slot()
    def Play(self) -> None:
        self._handler.play()

    @Slot("qlonglong")
    def Seek(self, offset_us: int) -> None:
        self._handler.seek(offset_us)

    @Slot(QDBusObjectPath, "qlonglong")
    def SetPosition(self, track_id: QDBusObjectPath, position_us: int) -> None:
        self._handler.set_position(track_id.path(), position_us)

    @Slot(str, QDBusMessage)
    def OpenUri(self, uri: str, call: QDBusMessage) -> None:
        error = self._handler.open_uri(uri)
        if error is not None:
            self._replies.error(call, error)
        else:
            self._replies.reply(call)


class MprisObject(QObject):
    """The object exported at ``/org/mpris/MediaPlayer2``, carrying the three adaptors."""

    def __init__(
        self,
        handler: MprisHandler,
        connection: QDBusConnection,
        values: DBusValues,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._connection = connection
        self._values = values
        replies = _Replies(connection, values)
        self.properties = PropertiesAdaptor(self, handler, replies)
        self.root = RootAdaptor(self, handler)
        self.player = PlayerAdaptor(self, handler, replies)

    def register(self) -> bool:
        return self._connection.registerObject(
            OBJECT_PATH, self, QDBusConnection.RegisterOption.ExportAdaptors
        )

    def unregister(self) -> None:
        self._connection.unregisterObject(OBJECT_PATH)

    def announce(self, interface: str, changed: dict[str, Value]) -> bool:
        """Send ``PropertiesChanged`` with these new values (nothing invalidated)."""
        signal = QDBusMessage.createSignal(OBJECT_PATH, PROPERTIES_INTERFACE, "PropertiesChanged")
        signal.setArguments([interface, self._values.variant_map(changed), string_list([])])
        return self._connection.send(signal)

    def announce_seeked(self, position_us: int) -> None:
        self.player.Seeked.emit(position_us)
