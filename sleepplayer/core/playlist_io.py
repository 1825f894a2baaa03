"""Playlist files: M3U, M3U8, PLS and XSPF, read and written by us, never by libVLC.

Everything read is untrusted. ``read_playlist`` only raises ``PlaylistError`` (with a message for
the user) and otherwise returns what it could load plus a ``refused`` list naming, in words,
every entry it dropped and every option it ignored, so the caller shows one message and nothing
is dropped silently. Limits keep time and memory bounded: ``MAX_PLAYLIST_BYTES`` is checked
before parsing, at most ``MAX_ENTRIES`` entries are loaded, over-long lines are refused, XML is
parsed with no DOCTYPE, no entities and bounded depth.

Entry locations follow the URL policy of ``core.url_policy`` (``check_uri``): ``file``, ``http``
and ``https`` in a local playlist, only ``http`` and ``https`` in one downloaded from the web
(``remote=True``). Relative paths resolve against ``base``, the playlist's own location. The
path conventions (canonical file URIs, backslashes, what relative export writes) are described
in ``core.playlist_formats.locations``; each format's details in its module.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sleepplayer.core.model import Track, TrackKind
from sleepplayer.core.playlist_formats.base import (
    MAX_ENTRIES,
    MAX_PLAYLIST_BYTES,
    ImportResult,
    PlaylistEntry,
    PlaylistError,
    check_size,
)
from sleepplayer.core.playlist_formats.locations import export_location, file_uri_path
from sleepplayer.core.playlist_formats.m3u import read_m3u, write_m3u
from sleepplayer.core.playlist_formats.pls import read_pls, write_pls
from sleepplayer.core.playlist_formats.xspf import read_xspf, write_xspf
from sleepplayer.core.text import shorten
from sleepplayer.core.url_kind import guess_kind
from sleepplayer.core.url_policy import ALLOWED_LOCAL, ALLOWED_REMOTE, SCHEME, check_uri

__all__ = [
    "ALLOWED_LOCAL",
    "ALLOWED_REMOTE",
    "FORMATS",
    "MAX_ENTRIES",
    "MAX_PLAYLIST_BYTES",
    "ImportResult",
    "PlaylistEntry",
    "PlaylistError",
    "check_uri",
    "detect_format",
    "entries_from_tracks",
    "read_playlist",
    "track_for_entry",
    "write_playlist",
]

#: The formats read and written, as file extensions.
FORMATS: tuple[str, ...] = ("m3u", "m3u8", "pls", "xspf")

_SNIFF_BYTES = 4096


def detect_format(name: str, data: bytes) -> str:
    """The format of a playlist named ``name`` (a path or URL) holding ``data``.

    The extension decides; without a known one, the content does: ``#EXTM3U`` (read as
    ``"m3u"``: UTF-8 first), ``[playlist]``, or XML whose root is ``<playlist``.
    """
    extension = _extension(name)
    if extension in FORMATS:
        return extension
    head = _sniff_text(data[:_SNIFF_BYTES]).lstrip().lower()
    if head.startswith("#extm3u"):
        return "m3u"
    if head.startswith("[playlist]"):
        return "pls"
    if head.startswith("<") and "<playlist" in head:
        return "xspf"
    what = shorten(name, 80) if name else "the data"
    raise PlaylistError(f"Not a playlist: {what} is not an M3U, PLS or XSPF playlist")


def read_playlist(
    data: bytes,
    *,
    fmt: str | None = None,
    name: str = "",
    base: str | None = None,
    remote: bool = False,
) -> ImportResult:
    """Read a playlist. ``fmt`` defaults to ``detect_format(name, data)``; ``base`` is the
    playlist's own ``file://`` URI or http(s) URL; ``remote``: it was downloaded from the web.

    Raises only ``PlaylistError``.
    """
    check_size(data)
    fmt = detect_format(name, data) if fmt is None else _known(fmt)
    if fmt in ("m3u", "m3u8"):
        return read_m3u(data, utf8_only=fmt == "m3u8", base=base, remote=remote)
    if fmt == "pls":
        return read_pls(data, base=base, remote=remote)
    return read_xspf(data, base=base, remote=remote)


def write_playlist(
    entries: Sequence[PlaylistEntry],
    fmt: str,
    *,
    playlist_path: Path | None = None,
    relative: bool = False,
    name: str = "",
) -> bytes:
    """The bytes of a playlist file (UTF-8) holding ``entries``.

    Stream and web URLs are written as they are. Local files are written as absolute paths
    (M3U, PLS) or ``file://`` URIs (XSPF); with ``relative=True`` and ``playlist_path``, those in
    the playlist's folder or in its parent folder's tree are written relative to the folder,
    with ``/`` separators in every format. ``name`` becomes ``#PLAYLIST:`` or the XSPF title
    (PLS has no place for it).
    """
    fmt = _known(fmt)
    folder = _folder_of(playlist_path) if relative and playlist_path is not None else None
    plain = fmt != "xspf"
    rows = [(export_location(e.uri, folder=folder, plain=plain), e) for e in entries]
    if fmt in ("m3u", "m3u8"):
        return write_m3u(rows, name)
    if fmt == "pls":
        return write_pls(rows)
    return write_xspf(rows, name)


def kept_absolute(entries: Sequence[PlaylistEntry], playlist_path: Path) -> int:
    """How many local files a relative export still writes with their full path: those
    outside the playlist's folder and its parent folder's tree."""
    folder = _folder_of(playlist_path)
    return sum(
        1
        for e in entries
        if file_uri_path(e.uri) is not None
        # As a URI (XSPF's form), a location written relative has no scheme.
        and export_location(e.uri, folder=folder, plain=False).startswith("file:")
    )


def _folder_of(playlist_path: Path) -> str | None:
    """The decoded URI path of the folder a playlist file is in."""
    return file_uri_path(Path(playlist_path).absolute().parent.as_uri())


def entries_from_tracks(tracks: Sequence[Track]) -> list[PlaylistEntry]:
    """The entries to export for ``tracks``: URI, tag title (not a derived one), duration and
    artist."""
    return [PlaylistEntry(t.uri, t.title, t.duration_ms, t.artist) for t in tracks]


def track_for_entry(entry: PlaylistEntry) -> Track:
    """A new track for an imported entry; its kind is guessed by ``core.url_kind.guess_kind``.
    Radio has no duration."""
    kind = guess_kind(entry.uri, entry.duration_ms)
    duration_ms = None if kind is TrackKind.RADIO else entry.duration_ms
    return Track(
        uri=entry.uri, title=entry.title, artist=entry.artist, duration_ms=duration_ms, kind=kind
    )


def _known(fmt: str) -> str:
    normal = fmt.strip().lower().lstrip(".")
    if normal not in FORMATS:
        raise PlaylistError(f"Unknown playlist format: {shorten(fmt, 20)}")
    return normal


def _extension(name: str) -> str:
    path = name
    if SCHEME.match(name) and name[1:2] != ":":  # a URL, not C:\...
        try:
            path = unquote(urlsplit(name).path)
        except ValueError:
            return ""
    last = path.replace("\\", "/").rpartition("/")[2]
    return last.rpartition(".")[2].lower() if "." in last else ""


def _sniff_text(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", "ignore")
    return head.decode("latin-1").lstrip("\xef\xbb\xbf")
