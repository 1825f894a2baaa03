"""Playlist files on disk: read one into Tracks, write a playlist out, and say what happened.

Reading is bounded (``MAX_PLAYLIST_BYTES``) and goes through ``core.playlist_io`` with the
local policy: ``file``, ``http`` and ``https`` entries, relative paths against the file's
folder. Every refused line is named in the message; nothing is dropped silently.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sleepplayer.core import playlist_io
from sleepplayer.core.links import local_path
from sleepplayer.core.model import Track
from sleepplayer.core.scan import is_special_file
from sleepplayer.core.storage import StorageError, atomic_write_bytes
from sleepplayer.core.text import counted, listed


class PlaylistFileError(Exception):
    """The file could not be read or written; the message is meant for the user."""


@dataclass(frozen=True)
class LoadedPlaylist:
    """A playlist file's tracks, its name (XSPF title, else the file name) and refusals."""

    name: str
    tracks: list[Track]
    refused: list[str]


def load_playlist_file(path: str) -> LoadedPlaylist:
    """Read a local playlist file; PlaylistFileError with a readable reason when it cannot."""
    file = Path(path)
    limit = playlist_io.MAX_PLAYLIST_BYTES
    if is_special_file(file):  # opening a FIFO would wait for a writer, on the GUI thread
        raise PlaylistFileError(f"Cannot read {file.name}: it is not a regular file")
    try:
        with file.open("rb") as stream:
            data = stream.read(limit + 1)
    except OSError as exc:
        raise PlaylistFileError(f"Cannot read {file.name}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise PlaylistFileError(f"{file.name} is larger than {limit // (1024 * 1024)} MB")
    try:
        result = playlist_io.read_playlist(
            data, name=file.name, base=file.absolute().as_uri(), remote=False
        )
    except playlist_io.PlaylistError as exc:
        raise PlaylistFileError(f"Cannot read {file.name}: {exc}") from None
    tracks = [playlist_io.track_for_entry(entry) for entry in result.entries]
    return LoadedPlaylist(result.name or file.stem or file.name, tracks, list(result.refused))


def loaded_message(loaded: LoadedPlaylist, file_name: str, *, into: str = "") -> str:
    """``Imported "Rain" (12 tracks).``, with the refused lines listed after it."""
    where = f" into “{into}”" if into else ""
    text = f"Imported “{loaded.name}”{where} ({counted(len(loaded.tracks), 'track')})."
    if not loaded.refused:
        return text
    return f"{text} Skipped in {file_name}: {listed(loaded.refused)}."


def nothing_to_import_message(loaded: LoadedPlaylist, file_name: str) -> str:
    """``Nothing to import from rain.m3u: it lists no tracks.`` (or every line it refused)."""
    if not loaded.refused:
        return f"Nothing to import from {file_name}: it lists no tracks."
    return f"Nothing to import from {file_name}: {listed(loaded.refused)}."


def save_playlist_file(
    tracks: Sequence[Track], path: str, fmt: str, *, relative: bool, name: str
) -> int:
    """Write ``tracks`` as a ``fmt`` playlist (atomically); PlaylistFileError on failure.

    Stream and web entries keep their page URLs; local files become relative or absolute
    paths. A track's ``unavailable`` mark and live titles are not written. Returns how many
    local files were written with their full path although relative paths were asked for.
    """
    if fmt not in playlist_io.FORMATS:
        raise PlaylistFileError(f"Unknown playlist format: {fmt}")
    target = Path(path).absolute()
    entries = playlist_io.entries_from_tracks(tracks)
    try:
        data = playlist_io.write_playlist(
            entries, fmt, playlist_path=target, relative=relative, name=name
        )
        atomic_write_bytes(target, data, shared=True)  # the user's own file, not 0600
    except (playlist_io.PlaylistError, StorageError) as exc:
        raise PlaylistFileError(str(exc)) from None
    return playlist_io.kept_absolute(entries, target) if relative else 0


def all_under(folder: str, tracks: Sequence[Track]) -> bool:
    """Whether every local track lives in ``folder`` or below: relative paths then suit."""
    root = os.path.normcase(os.path.abspath(folder))
    for track in tracks:
        path = local_file(track)
        if path is None:
            continue
        full = os.path.normcase(os.path.abspath(path))
        try:
            if os.path.commonpath([root, full]) != root:
                return False
        except ValueError:  # another drive on Windows
            return False
    return True


def local_file(track: Track) -> str | None:
    """The local path of a ``file:`` track, else None."""
    return local_path(track.uri) if track.is_local else None
