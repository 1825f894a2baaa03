"""MPRIS2: media keys, the desktop's sound menu and ``playerctl`` control SleepPlayer.

``MprisService`` owns ``org.mpris.MediaPlayer2.sleepplayer`` (or, when another instance holds
it, ``….sleepplayer.instance<pid>`` as the spec says) and the object at
``/org/mpris/MediaPlayer2``. It reads state from the controller and library, and commands only
the controller (plus the app's raise, quit and open callables).

* Announcing: every change of a Player property except Position is sent as one
  ``PropertiesChanged`` per turn of the event loop (a track change moves the status, the
  metadata and the CanX flags at once). The service compares with what it last announced, so
  nothing is missed and nothing is repeated.
* Position is read when asked, from the controller's interpolated position: reading it starts
  no polling. ``Seeked`` follows every seek (the controller's ``seeked``: MPRIS Seek and
  SetPosition, the window's keys, "previous" restarting a track) and a track that starts over
  because of repeat-one when the engine restarts it (a local file that loops inside libVLC
  gives no event, so no ``Seeked`` then).
* Every command counts as the user's activity for the sleep timer, after it ran, by the rule
  the window's actions share (:mod:`sleepplayer.services.activity`): a media key pressed
  during the fade brings the sound back; Pause, Stop or a lower volume after the end never do.
"""

from __future__ import annotations

import logging
import os
from contextlib import AbstractContextManager

from PySide6.QtCore import QCoreApplication, QMetaObject, QObject, QTimer
from PySide6.QtDBus import QDBusConnection

from sleepplayer.desktop.dbus_values import DBusValues, Int64Source
from sleepplayer.desktop.mpris_adaptors import (
    INVALID_ARGS,
    PLAYER_PROPERTIES,
    READ_ONLY,
    ROOT_PROPERTIES,
    UNKNOWN_INTERFACE,
    UNKNOWN_PROPERTY,
    DBusError,
    MprisObject,
)
from sleepplayer.desktop.mpris_metadata import (
    BUS_NAME,
    PLAYER_INTERFACE,
    PROPERTIES_INTERFACE,
    ROOT_INTERFACE,
    PlayerView,
    Value,
    bus_name_fallback,
    mpris_volume,
    open_uri_problem,
    player_properties,
    position,
    repeat_for_loop_status,
    root_properties,
    track_id,
    volume_from_mpris,
)
from sleepplayer.desktop.now_playing import NowPlayingDeps
from sleepplayer.playback.backend import PlayerState
from sleepplayer.services.activity import user_command

log = logging.getLogger(__name__)

_US_PER_MS = 1000
#: Interfaces QtDBus lists on our object that have no properties.
_NO_PROPERTIES = (
    PROPERTIES_INTERFACE,
    "org.freedesktop.DBus.Introspectable",
    "org.freedesktop.DBus.Peer",
)


def session_bus() -> QDBusConnection | None:
    """The session bus, or None (logged at debug) when there is none."""
    bus = QDBusConnection.sessionBus()
    if not bus.isConnected():
        log.debug("no D-Bus session bus: %s", bus.lastError().message())
        return None
    return bus


class MprisService(QObject):
    """MPRIS2 on one D-Bus connection. ``start`` exports it, ``shutdown`` takes it away."""

    def __init__(
        self,
        deps: NowPlayingDeps,
        connection: QDBusConnection,
        *,
        pid: int | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._deps = deps
        self._connection = connection
        self._pid = os.getpid() if pid is None else pid
        self._int64 = Int64Source(connection, parent=self)
        self._object = MprisObject(self, connection, DBusValues(self._int64), parent=self)
        self._registered = False
        self._shut_down = False
        self._bus_name: str | None = None
        self._announced: dict[str, Value] = {}
        self._force: set[str] = set()
        self._links: list[QMetaObject.Connection] = []
        self._restarting_uid: str | None = None
        self._announce_timer = QTimer(self)
        self._announce_timer.setSingleShot(True)
        self._announce_timer.setInterval(0)
        self._announce_timer.timeout.connect(self._announce_changes)

    @property
    def bus_name(self) -> str | None:
        """The name we own, or None before ``start`` and after ``shutdown``."""
        return self._bus_name

    # ------------------------------------------------------------------ life cycle
    def start(self) -> bool:
        if self._bus_name is not None:
            return True
        if not self._connection.isConnected():
            return False
        if not self._int64.register() or not self._object.register():
            log.debug("MPRIS objects could not be registered")
            self._unregister()
            return False
        self._registered = True
        # Objects first, then the name: a client that sees the name can use it at once.
        for name in (BUS_NAME, bus_name_fallback(self._pid)):
            if self._connection.registerService(name):
                self._bus_name = name
                break
            log.debug("bus name %s: %s", name, self._connection.lastError().message())
        if self._bus_name is None:
            self._unregister()
            return False
        self._announced = player_properties(self._view())
        self._connect()
        return True

    def shutdown(self) -> None:
        """Take the service off the bus, for good: the object is deleted after it."""
        if self._shut_down:
            return
        self._shut_down = True
        self._announce_timer.stop()
        for link in self._links:
            QObject.disconnect(link)
        self._links.clear()
        if self._bus_name is not None:
            self._connection.unregisterService(self._bus_name)
            self._bus_name = None
        self._unregister()
        # Deleted by the main loop, owned by the application until then. Held by Python
        # alone (the adaptors hold their handler, so only a collection frees it), it went
        # whenever a garbage collection ran, on whatever thread set one off (a resolver's
        # worker, say), and QtDBus warned that the adaptors' owner changed off its thread.
        application = QCoreApplication.instance()
        if application is not None and self.parent() is None:
            self.setParent(application)
        self.deleteLater()

    def _unregister(self) -> None:
        if self._registered:
            self._object.unregister()
            self._registered = False
        self._int64.unregister()

    def _connect(self) -> None:
        c, lib = self._deps.controller, self._deps.library
        changes = (
            c.state_changed,
            c.track_changed,
            c.duration_changed,
            c.volume_changed,
            c.repeat_changed,
            c.shuffle_changed,
            c.stream_title_changed,
            lib.current_changed,
            lib.tracks_inserted,
            lib.tracks_removed,
            lib.tracks_reset,
            lib.track_updated,
        )
        self._links = [signal.connect(self._schedule_announce) for signal in changes]
        self._links += [
            c.seeked.connect(self._on_controller_seeked),
            c.track_finished.connect(self._on_controller_track_finished),
            c.track_changed.connect(self._on_controller_track_changed),
            c.state_changed.connect(self._on_controller_state_changed),
        ]

    # ------------------------------------------------------------------ announcing
    def _view(self) -> PlayerView:
        c, lib = self._deps.controller, self._deps.library
        uid = c.current_playlist_uid
        playlist = lib.playlist(uid) if uid else lib.current_playlist()
        return PlayerView(
            state=c.state,
            track=c.current_track,
            duration_ms=c.duration_ms(),
            stream_title=c.stream_title,
            volume=c.volume,
            repeat=c.repeat,
            shuffle=c.shuffle,
            queue_length=len(playlist.tracks) if playlist else 0,
            held_mid_track=c.held_mid_track(),
        )

    def _schedule_announce(self, *_args: object) -> None:
        self._announce_timer.start()

    def _announce_changes(self) -> None:
        current = player_properties(self._view())
        changed = {
            name: value
            for name, value in current.items()
            if name in self._force or self._announced.get(name) != value
        }
        self._announced = current
        self._force.clear()
        if changed and self._bus_name is not None:
            self._object.announce(PLAYER_INTERFACE, changed)

    def _on_controller_seeked(self, position_ms: int) -> None:
        self._schedule_announce()  # stopped at 0 or mid-track shows as Stopped or Paused
        if self._bus_name is not None:
            self._object.announce_seeked(max(0, position_ms) * _US_PER_MS)

    def _on_controller_track_finished(self, track_uid: str) -> None:
        self._restarting_uid = track_uid

    def _on_controller_track_changed(self, _track: object) -> None:
        self._restarting_uid = None  # another track: Metadata tells, not Seeked

    def _on_controller_state_changed(self, value: int) -> None:
        track = self._deps.controller.current_track
        if value != PlayerState.PLAYING or self._restarting_uid is None:
            return
        if track is not None and track.uid == self._restarting_uid:
            self._on_controller_seeked(self._deps.controller.position_ms())
        self._restarting_uid = None

    # ------------------------------------------------------------------ properties
    def properties(self, interface: str) -> dict[str, Value] | DBusError:
        if interface == ROOT_INTERFACE:
            return root_properties(has_window=self._deps.has_window)
        if interface == PLAYER_INTERFACE:
            values = player_properties(self._view())
            values["Position"] = position(self._deps.controller.position_ms())
            return values
        if interface in _NO_PROPERTIES:
            return {}
        return DBusError(UNKNOWN_INTERFACE, f"No interface {interface}")

    def set_property(self, interface: str, name: str, value: object) -> DBusError | None:
        table = {
            ROOT_INTERFACE: ROOT_PROPERTIES,
            PLAYER_INTERFACE: PLAYER_PROPERTIES,
        }.get(interface)
        if table is None:
            return DBusError(UNKNOWN_INTERFACE, f"No interface {interface}")
        access = next((a for n, _sig, a in table if n == name), None)
        if access is None:
            return DBusError(UNKNOWN_PROPERTY, f"No property {name}")
        if access != "readwrite":
            return DBusError(READ_ONLY, f"{name} is read-only")
        return self._write(name, value)

    def _write(self, name: str, value: object) -> DBusError | None:
        c = self._deps.controller
        number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
        if name == "Volume":
            volume = volume_from_mpris(float(number)) if number is not None else None
            if volume is None:
                return DBusError(INVALID_ARGS, "Volume must be a number from 0.0 to 1.0")
            if mpris_volume(volume) != number:
                self._force.add("Volume")  # clamped or rounded: tell the client what it got
                self._schedule_announce()
            with self._user_command("set_volume"):
                c.set_volume(volume)
        elif name == "LoopStatus":
            mode = repeat_for_loop_status(value) if isinstance(value, str) else None
            if mode is None:
                return DBusError(INVALID_ARGS, "LoopStatus must be None, Track or Playlist")
            with self._user_command("set_repeat"):
                c.set_repeat(mode)
        elif name == "Shuffle":
            if not isinstance(value, bool):
                return DBusError(INVALID_ARGS, "Shuffle must be true or false")
            with self._user_command("set_shuffle"):
                c.set_shuffle(value)
        elif name == "Rate":
            if number is None:
                return DBusError(INVALID_ARGS, "Rate must be a number")
            if number == 0:
                self.pause()  # the spec: a rate of 0.0 acts as Pause; other rates do nothing
        return None

    def _can_seek(self) -> bool:
        return player_properties(self._view())["CanSeek"] is True

    # ------------------------------------------------------------------ commands
    def _user_command(self, command: str) -> AbstractContextManager[None]:
        """Run a command in the ``with`` block; the sleep timer hears of it afterwards."""
        return user_command(self._deps.timer, self._deps.controller, command)

    def raise_window(self) -> None:
        if self._deps.has_window:  # CanRaise is false otherwise; a caller may still ask
            self._deps.raise_window()

    def quit_app(self) -> None:
        self._deps.quit_app()

    def play(self) -> None:
        with self._user_command("play"):
            self._deps.controller.play()

    def pause(self) -> None:
        with self._user_command("pause"):
            self._deps.controller.pause()

    def play_pause(self) -> None:
        with self._user_command("toggle"):
            self._deps.controller.toggle()

    def stop(self) -> None:
        with self._user_command("stop"):
            self._deps.controller.stop()

    def next(self) -> None:
        with self._user_command("next"):
            self._deps.controller.next()

    def previous(self) -> None:
        with self._user_command("previous"):
            self._deps.controller.previous()

    def seek(self, offset_us: int) -> None:
        """The spec's Seek: relative; before the start means the start, past the end Next."""
        c = self._deps.controller
        if not self._can_seek():
            return
        target_ms = c.position_ms() + offset_us // _US_PER_MS
        if c.duration_ms() > 0 and target_ms > c.duration_ms():
            with self._user_command("next"):
                c.next()
        else:
            with self._user_command("seek"):
                c.seek(max(0, target_ms))

    def set_position(self, track_path: str, position_us: int) -> None:
        """The spec's SetPosition: ignored for a stale track id or a position out of range."""
        c = self._deps.controller
        track = c.current_track
        if track is None or track_id(track.uid).path != track_path:
            return
        if position_us < 0 or not self._can_seek():
            return
        position_ms = position_us // _US_PER_MS
        if c.duration_ms() > 0 and position_ms > c.duration_ms():
            return
        with self._user_command("seek"):
            c.seek(position_ms)

    def open_uri(self, uri: str) -> DBusError | None:
        problem = open_uri_problem(uri)
        if problem is not None:
            shown = uri if len(uri) <= 200 else uri[:200] + "…"
            return DBusError(INVALID_ARGS, f"Cannot open “{shown}”: {problem}.")
        with self._user_command("open_uri"):
            self._deps.open_uri(uri.strip())
        return None
