"""Tracks and playlists: the data the whole app shares.

Tracks are immutable values with a stable ``uid``; a playlist may hold the same file twice, so
identity is the uid, never the URI.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import TypeVar
from urllib.parse import unquote, urlsplit

T = TypeVar("T")


def new_uid() -> str:
    """A fresh, unique, opaque id for a track or playlist."""
    # 128 random bits as 32 hex digits, the form uuid4().hex gave; without the uuid module,
    # which loads platform and ctypes probing for little use here.
    return os.urandom(16).hex()


class TrackKind(enum.Enum):
    """Where a track's audio comes from; decides icon, duration display and retry policy."""

    LOCAL = "local"
    STREAM = "stream"  # finite HTTP(S) media
    RADIO = "radio"  # live, endless (ICY, HLS live)
    WEB = "web"  # a page resolved by yt-dlp


class RepeatMode(enum.Enum):
    OFF = "off"
    ALL = "all"
    ONE = "one"


@dataclass(frozen=True, slots=True)
class Track:
    """One playlist entry.

    ``uri`` is a ``file://`` URI for local files or an ``http(s)://`` URL. ``duration_ms`` is
    ``None`` while unknown and for live items. ``unavailable`` holds a short human reason when
    the item could not be played (missing, corrupt); the entry is kept, only marked.
    """

    uri: str
    title: str = ""
    artist: str = ""
    duration_ms: int | None = None
    kind: TrackKind = TrackKind.LOCAL
    unavailable: str | None = None
    uid: str = field(default_factory=new_uid)

    @property
    def display_title(self) -> str:
        """The tag title, or else a readable name derived from the URI."""
        if self.title:
            return self.title
        return title_from_uri(self.uri)

    @property
    def is_local(self) -> bool:
        return self.uri.startswith("file:")

    def with_changes(self, **changes: object) -> Track:
        """A copy with some fields replaced; the uid is kept."""
        return replace(self, **changes)  # type: ignore[arg-type]


def title_from_uri(uri: str) -> str:
    """``file:///a/Rain%20loop.opus`` -> ``Rain loop``; URLs fall back to the path's tail, or
    for a page named by its query (``youtube.com/watch?v=abc``) to ``youtube.com · abc``:
    a list of "watch" rows says nothing."""
    parts = urlsplit(uri)
    name = PurePath(unquote(parts.path)).name
    if parts.scheme in ("", "file"):
        return PurePath(name).stem or uri
    if parts.query and "." not in name:
        first = unquote(parts.query.split("&")[0].partition("=")[2])
        host = parts.hostname or parts.netloc
        if first and host:
            return f"{host.removeprefix('www.')} · {first}"
    return name or parts.netloc or uri


@dataclass(slots=True)
class Playlist:
    """A named, ordered list of tracks. ``builtin`` playlists ship with the app."""

    name: str
    tracks: list[Track] = field(default_factory=list)
    uid: str = field(default_factory=new_uid)
    builtin: bool = False

    def index_of(self, track_uid: str) -> int:
        """Row of the track with this uid, or -1."""
        for row, track in enumerate(self.tracks):
            if track.uid == track_uid:
                return row
        return -1


@dataclass(slots=True)
class Library:
    """All playlists, in sidebar order, plus which one is current."""

    playlists: list[Playlist] = field(default_factory=list)
    current_uid: str | None = None

    def find(self, playlist_uid: str) -> Playlist | None:
        for playlist in self.playlists:
            if playlist.uid == playlist_uid:
                return playlist
        return None

    @property
    def current(self) -> Playlist | None:
        if self.current_uid is None:
            return self.playlists[0] if self.playlists else None
        return self.find(self.current_uid) or (self.playlists[0] if self.playlists else None)


def in_saved_order(items: Sequence[T], saved: Sequence[str], uid: Callable[[T], str]) -> list[T]:
    """``items`` put back in the ``saved`` order of their uids (the undo of a reorder). An item
    added since stays right after the item it follows now; one removed since stays gone."""
    rank = {key: index for index, key in enumerate(saved)}
    keys: list[tuple[int, int]] = []
    follows = -1
    for position, item in enumerate(items):
        known = rank.get(uid(item))
        if known is None:
            keys.append((follows, position + 1))
        else:
            follows = known
            keys.append((known, 0))
    order = sorted(range(len(items)), key=keys.__getitem__)
    return [items[i] for i in order]
