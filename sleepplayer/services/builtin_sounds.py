"""The built-in "Sleep sounds" playlist, made from the loops shipped in resources/sounds.

Its playlist and track uids are fixed, so the resume state and the user's arrangement survive
a reinstall; the file URIs are refreshed on every start because the install location moves.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path
from typing import Any

from sleepplayer.core.model import Library, Playlist, Track, TrackKind

BUILTIN_PLAYLIST_UID = "builtin-sleep-sounds"
BUILTIN_PLAYLIST_NAME = "Sleep sounds"
_PREFIX = "builtin-"


def sounds_dir() -> Path:
    return Path(str(resources.files("sleepplayer.resources"))) / "sounds"


def builtin_tracks() -> list[Track]:
    """Tracks listed in sounds.json, in order. Empty when the resources are missing."""
    folder = sounds_dir()
    try:
        entries: list[dict[str, Any]] = json.loads((folder / "sounds.json").read_text("utf-8"))
    except (OSError, ValueError):
        return []
    tracks = []
    for entry in entries:
        path = folder / str(entry["file"])
        tracks.append(
            Track(
                uri=path.as_uri(),
                title=str(entry.get("title", "")),
                artist=str(entry.get("artist", "")),
                duration_ms=int(entry["duration_ms"]) if entry.get("duration_ms") else None,
                kind=TrackKind.LOCAL,
                uid=_PREFIX + path.stem,
            )
        )
    return tracks


@functools.cache
def _sound_uris() -> frozenset[str]:
    return frozenset(track.uri for track in builtin_tracks())


def is_builtin_sound(track: Track) -> bool:
    """One of the shipped sounds, which loop until another is chosen, in whatever playlist
    (a copy of "Sleep sounds" too); a file of the user's in "Sleep sounds" plays as a track."""
    return track.is_local and track.uri in _sound_uris()


def ensure_builtin_playlist(library: Library) -> None:
    """Add the built-in playlist when missing (first run), else refresh its file URIs."""
    fresh = {t.uid: t for t in builtin_tracks()}
    playlist = library.find(BUILTIN_PLAYLIST_UID)
    if playlist is None:
        library.playlists.insert(
            0,
            Playlist(
                name=BUILTIN_PLAYLIST_NAME,
                tracks=list(fresh.values()),
                uid=BUILTIN_PLAYLIST_UID,
                builtin=True,
            ),
        )
        if library.current_uid is None:
            library.current_uid = BUILTIN_PLAYLIST_UID
        return
    playlist.builtin = True
    playlist.tracks = [
        t.with_changes(uri=fresh[t.uid].uri) if t.uid in fresh and t.uri != fresh[t.uid].uri else t
        for t in playlist.tracks
    ]


def missing_sounds(playlist: Playlist | None) -> list[Track]:
    """The built-in sounds that are no longer in the built-in playlist (removed by hand), in
    their own order: Playlist > Restore Sleep Sounds puts them back."""
    if playlist is None:
        return []
    there = {t.uid for t in playlist.tracks}
    return [t for t in builtin_tracks() if t.uid not in there]
