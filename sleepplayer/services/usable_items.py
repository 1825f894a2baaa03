"""Which items opened from outside can be used at all, and one message naming the rest.

Items come from the command line, a second launch or MPRIS OpenUri: typed by hand, so often
wrong. Opening replaces "Opened files" and what plays, so an item that cannot be used must
not get that far: a path that does not exist, a word that is neither a file nor a saved
playlist, a playlist file that cannot be read or has nothing playable in it, or an address the
URL policy refuses. Each is named with its reason and left out, never added as a dead entry;
when nothing of a request is usable, nothing changes and the sound plays on. (Inside a usable
playlist file, a missing entry stays, marked unavailable, as everywhere else: it may come back.)

The instance that opens the items checks them: a second launch runs elsewhere and cannot see
the saved playlists.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sleepplayer.core.links import OpenItems, has_scheme
from sleepplayer.core.model import Track
from sleepplayer.core.text import listed, shorten
from sleepplayer.core.url_policy import CONTROL_CHARACTERS, NOT_VALID_TEXT, check_uri
from sleepplayer.services.playlist_files import PlaylistFileError, load_playlist_file, local_file

#: The reason given for an item that names nothing there.
NOT_FOUND = "not found"
_SHOWN_CHARS = 80


@dataclass(frozen=True)
class Unusable:
    """An item left out, and why (for the user)."""

    item: str
    reason: str


@dataclass
class Checked:
    """Opened items sorted into what can be opened and what cannot."""

    usable: OpenItems = field(default_factory=OpenItems)
    unusable: list[Unusable] = field(default_factory=list)

    def has_usable(self) -> bool:
        u = self.usable
        return bool(u.playlists or u.playlist_files or u.paths or u.urls)


def split_by_policy(items: Sequence[str]) -> tuple[list[str], list[Unusable]]:
    """(items the local-playlist URL policy allows, those it refuses) in their order."""
    allowed: list[str] = []
    refused: list[Unusable] = []
    for item in items:
        reason = check_uri(item, remote=False)
        if reason in (CONTROL_CHARACTERS, NOT_VALID_TEXT) and _is_odd_name_of_a_file(item):
            reason = None
        if reason is None:
            allowed.append(item)
        else:
            refused.append(Unusable(item, reason))
    return allowed, refused


def _is_odd_name_of_a_file(item: str) -> bool:
    """A plain path to a file that is there, whose name holds what typed text may not (a
    newline, bytes that are not UTF-8): the name is the file's own, and Add Folder takes such a
    file too. Its ``file:`` URI must pass the policy first, so that a network or device path is
    never touched."""
    if has_scheme(item):
        return False
    try:
        uri = Path(item).absolute().as_uri()
    except ValueError:
        return False
    return check_uri(uri, remote=False) is None and os.path.exists(item)


def set_aside_unusable(items: OpenItems) -> Checked:
    """Keep what exists; name the rest. Saved playlists and links count as usable (a link
    that does not answer is kept, marked unavailable, by the URL intake)."""
    checked = Checked()
    for kind, item in items.entries():
        reason: str | None = None
        if kind == "path":
            reason = None if os.path.exists(str(item)) else NOT_FOUND
        elif kind == "playlist_file":
            reason = _playlist_file_problem(str(item))
        if reason is None:
            checked.usable.add(kind, item)
        else:
            checked.unusable.append(Unusable(str(item), reason))
    return checked


def _playlist_file_problem(path: str) -> str | None:
    if not os.path.exists(path):
        return NOT_FOUND
    try:
        loaded = load_playlist_file(path)
    except PlaylistFileError as exc:
        return str(exc)
    if any(_playable(track) for track in loaded.tracks):
        return None
    why = list(loaded.refused)
    if loaded.tracks:  # all local, all gone
        count = len(loaded.tracks)
        why.append(f"its {count} files are not there" if count > 1 else "its file is not there")
    return "nothing playable in it" + (f": {listed(why)}" if why else "")


def _playable(track: Track) -> bool:
    """A link, or a local file that is there."""
    path = local_file(track)
    return path is None or os.path.exists(path)


def unusable_message(unusable: Sequence[Unusable]) -> str:
    """One message for all of them: ``Not found: /tmp/a.mp3, b.mp3.`` for what is not there,
    ``Not opened: smb://nas/a.mp3 (smb: addresses are not allowed).`` for the others."""
    missing = [u.item for u in unusable if u.reason == NOT_FOUND]
    refused = [u for u in unusable if u.reason != NOT_FOUND]
    parts: list[str] = []
    if missing:
        parts.append(
            "Not found: " + listed([shorten(item, _SHOWN_CHARS) for item in missing]) + "."
        )
    if refused:
        parts.append(refusal_message(refused))
    return " ".join(parts)


def refusal_message(refused: Sequence[Unusable]) -> str:
    """``Not opened: smb://nas/a.mp3 (smb: addresses are not allowed).``"""
    return (
        "Not opened: "
        + listed([f"{shorten(u.item, _SHOWN_CHARS)} ({u.reason})" for u in refused])
        + "."
    )
