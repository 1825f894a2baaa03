"""The library's JSON form: playlists and their tracks.

Loading is lenient. Everything that can be loaded is; every entry that cannot is named in the
problems list, because a playlist silently losing tracks is the worst thing a player can do to a
user's collection. Duplicate uids (hand edits, old bugs) get fresh ones so the rest of the app can
rely on uids being unique: playlist uids across the library, track uids within their playlist.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sleepplayer.core.model import Library, Playlist, Track, TrackKind, new_uid
from sleepplayer.core.text import shorten
from sleepplayer.core.url_policy import MAX_URI_CHARS, check_uri

LIBRARY_SCHEMA_VERSION = 1

#: Per playlist, at most this many problems are listed one by one; the rest are counted.
_MAX_PROBLEMS_PER_PLAYLIST = 20


def track_to_dict(t: Track) -> dict[str, Any]:
    """The JSON-ready form of one track."""
    return {
        "uid": t.uid,
        "uri": t.uri,
        "title": t.title,
        "artist": t.artist,
        "duration_ms": t.duration_ms,
        "kind": t.kind.value,
        "unavailable": t.unavailable,
    }


def library_to_dict(lib: Library) -> dict[str, Any]:
    """The JSON-ready form of the whole library, with ``schema_version``."""
    return {
        "schema_version": LIBRARY_SCHEMA_VERSION,
        "current_uid": lib.current_uid,
        "playlists": [
            {
                "uid": p.uid,
                "name": p.name,
                "builtin": p.builtin,
                "tracks": [track_to_dict(t) for t in p.tracks],
            }
            for p in lib.playlists
        ],
    }


def library_from_dict(d: Mapping[str, Any]) -> tuple[Library, list[str]]:
    """A Library from its JSON form, and human-readable problems for what had to be skipped."""
    problems: list[str] = []
    version = d.get("schema_version", LIBRARY_SCHEMA_VERSION)
    if isinstance(version, int) and not isinstance(version, bool):
        if version > LIBRARY_SCHEMA_VERSION:
            problems.append(
                f"The library was written by a newer SleepPlayer (schema version {version}); "
                "what this version understands was loaded."
            )
    else:
        problems.append(f"Library: schema_version {version!r} is not valid; loading anyway.")

    raw_playlists = d.get("playlists", [])
    if "playlists" not in d:
        # Every library written holds the list, empty or not: without it this is some other
        # document (a trial's library.json of ``{}`` was taken silently as an empty library).
        problems.append("Library: the file holds no list of playlists; none could be loaded.")
    elif not isinstance(raw_playlists, list):
        problems.append("Library: 'playlists' is not a list; no playlists could be loaded.")
        raw_playlists = []

    seen_uids: set[str] = set()
    playlists: list[Playlist] = []
    for number, raw in enumerate(raw_playlists, start=1):
        if not isinstance(raw, Mapping):
            problems.append(f"Library: playlist {number} is not an object and was skipped.")
            continue
        playlists.append(_playlist_from_dict(raw, number, seen_uids, problems))

    current = d.get("current_uid")
    if current is not None and not isinstance(current, str):
        problems.append(f"Library: current_uid {current!r} is not valid; ignored.")
        current = None
    return Library(playlists=playlists, current_uid=current), problems


#: What every way in writes: a local file or a web address, printable ASCII (escaped). These
#: pass the URL policy as they are; checking 10,000 of them fully cost 50 ms at each start.
_PLAIN_URI = re.compile(r"(?:file:///(?!/)|https?://(?!/))[!-~]*\Z")


def describe_library_cut(raw: Mapping[str, Any], cut_in: tuple[str | int, ...]) -> str | None:
    """A library read up to its damage: the playlist the damage cut short, by name, so that
    a playlist with tracks missing at its end is not a surprise. None when none was cut."""
    if len(cut_in) < 2 or cut_in[0] != "playlists":
        return None
    playlists, index = raw.get("playlists"), cut_in[1]
    if not isinstance(playlists, list) or not isinstance(index, int):
        return None
    playlist = playlists[index] if 0 <= index < len(playlists) else None
    if not isinstance(playlist, Mapping):
        return None
    name = playlist.get("name")
    if not isinstance(name, str) or not name.strip():
        name = f"Playlist {index + 1}"
    tracks = playlist.get("tracks")
    count = len(tracks) if isinstance(tracks, list) else 0
    if len(cut_in) > 3:
        count -= 1  # the cut is inside the last track read: it is not whole
    # Whatever came after it in the file is gone too, and cannot be named: a trial's next
    # playlist vanished without a word.
    after = "; no playlist after it could be read either"
    if count == 0:
        return f"The damage cut playlist '{name}' short: none of its tracks could be read{after}"
    first = "first track" if count == 1 else f"first {count} tracks"
    return f"The damage cut playlist '{name}' short: only its {first} could be read{after}"


def _fresh_uid(raw: Any, seen: set[str]) -> tuple[str, bool]:
    """``raw`` if it is a usable, unseen uid, else a new one; the flag says it was replaced."""
    replaced = not isinstance(raw, str) or not raw or raw in seen
    uid = new_uid() if replaced else raw
    seen.add(uid)
    return uid, replaced and raw is not None


def _playlist_from_dict(
    raw: Mapping[str, Any], number: int, seen: set[str], problems: list[str]
) -> Playlist:
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        fallback = f"Playlist {number}"
        problems.append(f"Library: playlist {number} has no name; it was named '{fallback}'.")
        name = fallback
    uid, replaced = _fresh_uid(raw.get("uid"), seen)
    local: list[str] = []
    if replaced:
        local.append("its id was invalid or a duplicate and was replaced")
    builtin = raw.get("builtin", False)
    if not isinstance(builtin, bool):
        local.append(f"builtin {builtin!r} is not true/false; treated as false")
        builtin = False

    raw_tracks = raw.get("tracks", [])
    if not isinstance(raw_tracks, list):
        local.append("its track list is not a list; no tracks could be loaded")
        raw_tracks = []
    tracks: list[Track] = []
    # Track uids need only be unique within their playlist: the queue and the resume state
    # address a track as (playlist uid, track uid), and a duplicated playlist may share them.
    track_uids: set[str] = set()
    for entry_no, entry in enumerate(raw_tracks, start=1):
        track = _track_from_dict(entry, entry_no, track_uids, local)
        if track is not None:
            tracks.append(track)

    shown = local[:_MAX_PROBLEMS_PER_PLAYLIST]
    problems.extend(f"Playlist '{name}': {p}." for p in shown)
    if len(local) > len(shown):
        problems.append(f"Playlist '{name}': {len(local) - len(shown)} more problems.")
    return Playlist(name=name, tracks=tracks, uid=uid, builtin=builtin)


def _track_from_dict(entry: Any, no: int, seen: set[str], local: list[str]) -> Track | None:
    if not isinstance(entry, Mapping):
        local.append(f"entry {no} is not an object and was skipped")
        return None
    uri = entry.get("uri")
    if not isinstance(uri, str) or not uri.strip():
        local.append(f"entry {no} has no address and was skipped")
        return None

    def text(key: str) -> str:
        value = entry.get(key, "")
        if isinstance(value, str):
            return value
        local.append(f"entry {no} has an invalid {key} {value!r}; it was cleared")
        return ""

    duration = entry.get("duration_ms")
    if duration is not None and (
        not isinstance(duration, int) or isinstance(duration, bool) or duration < 0
    ):
        local.append(f"entry {no} has an invalid duration {duration!r}; it was cleared")
        duration = None

    default_kind = TrackKind.LOCAL if uri.startswith("file:") else TrackKind.STREAM
    raw_kind = entry.get("kind", default_kind.value)
    try:
        kind = TrackKind(raw_kind)
    except ValueError:
        local.append(f"entry {no} has an unknown kind {raw_kind!r}; using '{default_kind.value}'")
        kind = default_kind

    unavailable = entry.get("unavailable")
    if unavailable is not None and not isinstance(unavailable, str):
        local.append(f"entry {no} has an invalid unavailable {unavailable!r}; it was cleared")
        unavailable = None

    plain = len(uri) <= MAX_URI_CHARS and _PLAIN_URI.match(uri)
    refused = None if plain else check_uri(uri, remote=False)
    if refused is not None:
        # Only a hand-edited file holds one (every way in checks): kept, never played, and
        # named once (marked so, it is saved back; the next start has nothing new to say).
        if unavailable != f"not played: {refused}":
            local.append(f"entry {no} ({shorten(uri, 60)}) is not played: {refused}")
        unavailable = f"not played: {refused}"

    uid, replaced = _fresh_uid(entry.get("uid"), seen)
    if replaced:
        local.append(f"entry {no} had an invalid or duplicate id; it got a new one")
    return Track(
        uri=uri,
        title=text("title"),
        artist=text("artist"),
        duration_ms=duration,
        kind=kind,
        unavailable=unavailable,
        uid=uid,
    )
