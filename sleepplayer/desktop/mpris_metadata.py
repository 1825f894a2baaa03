"""What SleepPlayer tells MPRIS2 clients, as plain values: names, status, metadata, volume.

No D-Bus here: values that need a D-Bus type Python cannot express carry a tag
(:class:`ObjectPath` for ``o``, :class:`Int64` for ``x``); ``dbus_values`` turns them into
messages. ``str`` is ``s``, ``bool`` is ``b``, ``float`` is ``d``, ``list[str]`` is ``as`` and a
``dict`` is ``a{sv}``. A plain ``int`` is not allowed: its D-Bus type would be a guess.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import urlsplit

from sleepplayer import APP_ID, APP_NAME, APP_SLUG
from sleepplayer.core.model import RepeatMode, Track, TrackKind
from sleepplayer.core.url_policy import check_uri
from sleepplayer.playback.backend import PlayerState


@dataclass(frozen=True)
class ObjectPath:
    """A D-Bus object path (``o``)."""

    path: str


@dataclass(frozen=True)
class Int64:
    """A D-Bus ``x``: lengths and positions in microseconds."""

    value: int


Value = str | bool | float | list[str] | ObjectPath | Int64 | dict[str, "Value"]

BUS_NAME = f"org.mpris.MediaPlayer2.{APP_SLUG}"
OBJECT_PATH = "/org/mpris/MediaPlayer2"
ROOT_INTERFACE = "org.mpris.MediaPlayer2"
PLAYER_INTERFACE = "org.mpris.MediaPlayer2.Player"
PROPERTIES_INTERFACE = "org.freedesktop.DBus.Properties"
#: The spec's id for "no track"; every other id lives under our own path.
NO_TRACK = ObjectPath("/org/mpris/MediaPlayer2/TrackList/NoTrack")
TRACK_PATH_PREFIX = "/" + APP_ID.replace(".", "/") + "/Track/"

SUPPORTED_URI_SCHEMES = ["file", "http", "https"]
SUPPORTED_MIME_TYPES = [
    "audio/mpeg", "audio/ogg", "audio/opus", "audio/flac", "audio/x-flac", "audio/wav",
    "audio/x-wav", "audio/aac", "audio/mp4", "audio/x-m4a", "audio/webm", "audio/x-matroska",
    "audio/x-ms-wma", "audio/x-aiff", "audio/x-mpegurl", "audio/x-scpls",
    "application/xspf+xml",
]  # fmt: skip

_LOOP_STATUS = {RepeatMode.OFF: "None", RepeatMode.ONE: "Track", RepeatMode.ALL: "Playlist"}
_US_PER_MS = 1000


def bus_name_fallback(pid: int) -> str:
    """The spec's name for a second instance when ``BUS_NAME`` is taken."""
    return f"{BUS_NAME}.instance{pid}"


def track_id(track_uid: str) -> ObjectPath:
    """The ``mpris:trackid`` of a track: its uid made a valid, unique path element.

    ASCII letters and digits stay; every other character (``_`` included) becomes its code
    in hex between two ``_``, so two different uids never share an id.
    """
    element = "".join(ch if ch.isascii() and ch.isalnum() else f"_{ord(ch):x}_" for ch in track_uid)
    return ObjectPath(TRACK_PATH_PREFIX + (element or "_"))


def playback_status(state: PlayerState, *, held_mid_track: bool = False) -> str:
    """A track that is opening or buffering counts as playing: that is what was asked for.

    ``held_mid_track``: a stopped player whose Play goes on from a point inside its track (the
    place restored from last night) is paused in all but name. The window shows it so, with
    its position; as "Stopped", an applet would show no position at all (playerctl prints 0).
    """
    if state in (PlayerState.PLAYING, PlayerState.OPENING, PlayerState.BUFFERING):
        return "Playing"
    if state == PlayerState.PAUSED or (state == PlayerState.STOPPED and held_mid_track):
        return "Paused"
    return "Stopped"


def loop_status(repeat: RepeatMode) -> str:
    return _LOOP_STATUS[repeat]


def repeat_for_loop_status(value: str) -> RepeatMode | None:
    """The repeat mode for a LoopStatus, or None when the value is not one of the three."""
    for mode, name in _LOOP_STATUS.items():
        if name == value:
            return mode
    return None


def mpris_volume(volume: int) -> float:
    """The user volume 0-100 as MPRIS's 0.0-1.0."""
    return max(0, min(100, volume)) / 100


def volume_from_mpris(value: float) -> int | None:
    """A written Volume as the user volume 0-100, clamped: nothing above 1.0 gets through, so
    a client can never make a sleeping user's player louder than full. None when not a number.
    """
    if not math.isfinite(value):
        return None
    return round(max(0.0, min(1.0, value)) * 100)


def metadata(track: Track | None, duration_ms: int, stream_title: str) -> dict[str, Value]:
    """The Metadata map. A stream's now-playing title (ICY) is the title, and the station
    then goes in ``xesam:album``; length only when known, as a live stream has none."""
    if track is None:
        return {"mpris:trackid": NO_TRACK}
    values: dict[str, Value] = {"mpris:trackid": track_id(track.uid)}
    if stream_title:  # only a network item has one
        values["xesam:title"] = stream_title
        values["xesam:album"] = track.display_title
    else:
        values["xesam:title"] = track.display_title
    if track.artist:
        values["xesam:artist"] = [track.artist]
    if duration_ms > 0:
        values["mpris:length"] = Int64(duration_ms * _US_PER_MS)
    values["xesam:url"] = track.uri
    return values


@dataclass(frozen=True)
class PlayerView:
    """What the Player interface shows, read from the controller and the library."""

    state: PlayerState
    track: Track | None
    duration_ms: int
    stream_title: str
    volume: int
    repeat: RepeatMode
    shuffle: bool
    #: Tracks in the playlist that Play, Next and Previous work on.
    queue_length: int
    #: Stopped, but Play goes on inside the track (``PlaybackController.held_mid_track``).
    held_mid_track: bool = False


def player_properties(view: PlayerView) -> dict[str, Value]:
    """Every Player property except Position, which is read on demand and never announced."""
    track = view.track
    can_play = track is not None or view.queue_length > 0
    seekable = track is not None and view.duration_ms > 0 and track.kind != TrackKind.RADIO
    return {
        "PlaybackStatus": playback_status(
            view.state, held_mid_track=track is not None and view.held_mid_track
        ),
        "LoopStatus": loop_status(view.repeat),
        "Rate": 1.0,
        "Shuffle": view.shuffle,
        "Metadata": metadata(view.track, view.duration_ms, view.stream_title),
        "Volume": mpris_volume(view.volume),
        "MinimumRate": 1.0,
        "MaximumRate": 1.0,
        "CanGoNext": view.queue_length > 1,
        "CanGoPrevious": view.queue_length > 1,
        "CanPlay": can_play,
        "CanPause": can_play,
        "CanSeek": seekable,
        "CanControl": True,
    }


def position(position_ms: int) -> Int64:
    return Int64(max(0, position_ms) * _US_PER_MS)


def root_properties(*, has_window: bool = True) -> dict[str, Value]:
    return {
        "CanQuit": True,
        "CanRaise": has_window,
        "HasTrackList": False,
        "Identity": APP_NAME,
        "DesktopEntry": APP_ID,
        "SupportedUriSchemes": list(SUPPORTED_URI_SCHEMES),
        "SupportedMimeTypes": list(SUPPORTED_MIME_TYPES),
    }


def open_uri_problem(uri: str) -> str | None:
    """Why OpenUri must refuse ``uri`` (a short phrase), or None when it may be opened.

    The same policy as a local playlist, and the URI must name one of our schemes: MPRIS
    passes URIs, never bare paths.
    """
    text = uri.strip()
    problem = check_uri(text, remote=False)
    if problem is not None:
        return problem
    if urlsplit(text).scheme.lower() not in SUPPORTED_URI_SCHEMES:
        return "not a file:, http: or https: address"
    return None
