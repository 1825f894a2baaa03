"""Telling web links from local paths and playlist files, and guessing a link's kind.

Input comes from the Open URL dialog, the clipboard, drops and the command line: untrusted text.
Nothing here touches the network or the disk beyond ``os.path`` checks; the policy on which
schemes may be used lives in :mod:`sleepplayer.core.playlist_io`.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from sleepplayer.core.model import Playlist

WEB_SCHEMES = ("http", "https")
PLAYLIST_SUFFIXES = frozenset({".m3u", ".m3u8", ".pls", ".xspf"})
#: Extensions of media that libVLC plays straight from HTTP.
MEDIA_SUFFIXES = frozenset(
    {
        ".mp3", ".ogg", ".oga", ".opus", ".flac", ".wav", ".m4a", ".aac", ".mp4", ".m4v",
        ".webm", ".mka", ".mkv", ".wma", ".aif", ".aiff", ".ape", ".wv", ".mpc", ".spx",
        ".mov", ".avi", ".ts",
    }
)  # fmt: skip
#: Content types of playlist files (``application/vnd.apple.mpegurl`` is HLS, but servers
#: also use the ``mpegurl`` types for HLS: the body decides).
PLAYLIST_TYPES = frozenset(
    {
        "audio/x-mpegurl", "audio/mpegurl", "application/x-mpegurl",
        "application/vnd.apple.mpegurl", "audio/x-scpls", "application/pls+xml",
        "application/xspf+xml",
    }
)  # fmt: skip
#: Endless radio streams usually come in these types, without a Content-Length.
_RADIO_TYPES = frozenset({"audio/mpeg", "audio/aac", "audio/aacp", "audio/ogg", "application/ogg"})


class LinkKind(enum.Enum):
    """What a web link turned out to be."""

    STREAM = "stream"  # finite media (or HLS)
    RADIO = "radio"  # endless, live
    PLAYLIST = "playlist"  # a playlist file to download and read
    WEB = "web"  # a page: the resolver (yt-dlp) finds the media


@dataclass
class Links:
    """Items sorted by what to do with them."""

    #: http(s) links, for the URL intake.
    urls: list[str] = field(default_factory=list)
    #: Local files and folders, for the scanner.
    paths: list[str] = field(default_factory=list)
    #: Local playlist files (.m3u, .m3u8, .pls, .xspf), to import.
    playlist_files: list[str] = field(default_factory=list)
    #: Neither: other schemes (``smb:``), words. Passed on so the policy names the refusal.
    other: list[str] = field(default_factory=list)
    #: What goes into the playlist, as it came: files and folders, and links (the rest too,
    #: so the URL policy names what it refuses). Playlist files become playlists of their own.
    to_add: OpenItems = field(default_factory=lambda: OpenItems())

    def __bool__(self) -> bool:
        return bool(self.urls or self.paths or self.playlist_files or self.other)

    def without(self, gone: Collection[str]) -> Links:
        """The same links without these files, folders and playlist files."""
        kept = Links(
            urls=list(self.urls),
            paths=[p for p in self.paths if p not in gone],
            playlist_files=[p for p in self.playlist_files if p not in gone],
            other=list(self.other),
        )
        for kind, item in self.to_add.entries():
            if not (kind == "path" and item in gone):
                kept.to_add.add(kind, item)
        return kept


#: The kinds of opened items.
OPEN_KINDS = ("playlist", "playlist_file", "path", "url")


class OpenItems:
    """Items opened from the command line, in the order they came: what each becomes in the
    opened playlist (a saved playlist, a playlist file, a file or folder, a link)."""

    def __init__(self) -> None:
        self._entries: list[tuple[str, Playlist | str]] = []

    def add(self, kind: str, item: Playlist | str) -> None:
        """One more item of ``kind`` (one of :data:`OPEN_KINDS`), after those before it."""
        assert kind in OPEN_KINDS and isinstance(item, Playlist) == (kind == "playlist")
        self._entries.append((kind, item))

    def entries(self) -> list[tuple[str, Playlist | str]]:
        """(kind, item) in the order the items came."""
        return list(self._entries)

    def runs(self) -> list[tuple[str, list[Playlist | str]]]:
        """:meth:`entries` with neighbours of one kind together: each run is one step."""
        runs: list[tuple[str, list[Playlist | str]]] = []
        for kind, item in self._entries:
            if runs and runs[-1][0] == kind:
                runs[-1][1].append(item)
            else:
                runs.append((kind, [item]))
        return runs

    @property
    def playlists(self) -> list[Playlist]:
        """Saved playlists named on the command line."""
        return [item for _, item in self._entries if isinstance(item, Playlist)]

    @property
    def playlist_files(self) -> list[str]:
        """Local playlist files, read with the local policy."""
        return self._of("playlist_file")

    @property
    def paths(self) -> list[str]:
        """Files and folders to scan (missing ones show up marked unavailable)."""
        return self._of("path")

    @property
    def urls(self) -> list[str]:
        """Links for the URL intake (other schemes too: the policy refuses them)."""
        return self._of("url")

    def only_playlists(self) -> bool:
        return bool(self.playlists) and not (self.playlist_files or self.paths or self.urls)

    def _of(self, kind: str) -> list[str]:
        return [str(item) for k, item in self._entries if k == kind]


def is_web_url(text: str) -> bool:
    """An ``http``/``https`` URL with a host."""
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.netloc)


def has_scheme(text: str) -> bool:
    """``smb://x``, ``dshow://``, ``vlc:quit``: a URI of some scheme (a drive letter is not)."""
    head, sep, _rest = text.partition(":")
    return (
        bool(sep)
        and len(head) > 1
        and head[0].isalpha()
        and all(c.isalnum() or c in "+.-" for c in head)
    )


def url_suffix(url: str) -> str:
    """The lower-case extension of a URL's path (``.m3u8``), or ""."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return ""
    return PurePosixPath(unquote(path)).suffix.lower()


def url_file_name(url: str) -> str:
    """The last part of a URL's path (``list.pls``), or ""."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return ""
    return PurePosixPath(unquote(path)).name


def is_playlist_file(path: str) -> bool:
    """A local playlist file, judged by its extension (folders never are)."""
    return os.path.splitext(path)[1].lower() in PLAYLIST_SUFFIXES and not os.path.isdir(path)


def local_path(text: str) -> str | None:
    """The local path a ``file:`` URI or a path names; None for anything else."""
    if text.lower().startswith("file:"):
        parts = urlsplit(text)
        if parts.netloc not in ("", "localhost"):
            return None  # file://host/share is a UNC path: never followed
        if os.name != "nt":
            # The bytes the escapes stand for, as the file system has them: a name that is
            # not UTF-8 (%FF) stays itself (url2pathname made it U+FFFD: "File not found").
            return os.fsdecode(unquote_to_bytes(parts.path))
        # Imported here: urllib.request pulls in http.client and email (20 ms), which a
        # second launch forwarding ``--pause`` (see second_launch) must not pay for.
        from urllib.request import url2pathname

        return url2pathname(parts.path)  # it decodes %-escapes itself: once, not twice
    if os.path.isabs(text) or os.path.exists(text):
        return text
    return None


def absolute_items(items: Iterable[str], cwd: str) -> tuple[str, ...]:
    """Make the items that name existing relative paths absolute against ``cwd``.

    For items handed to a process that runs in another folder (a second launch forwards its
    command line). URLs and other schemes stay as they are, and so do words that are no path
    here (a playlist name, or a missing file that the receiver lists as unavailable).
    """
    result: list[str] = []
    for item in items:
        if has_scheme(item) or os.path.isabs(item):
            result.append(item)
        else:
            path = os.path.join(cwd, item)
            result.append(os.path.normpath(path) if os.path.exists(path) else item)
    return tuple(result)


def split_links(items: Iterable[str]) -> Links:
    """Sort lines of text (or command-line items) into links, paths, playlist files, rest.

    Blank lines and ``#`` comment lines (pasted M3U text) are skipped.
    """
    links = Links()
    for raw in items:
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        if is_web_url(text):
            links.urls.append(text)
            links.to_add.add("url", text)
            continue
        path = local_path(text)
        if path is None:
            links.other.append(text)
            links.to_add.add("url", text)
        elif is_playlist_file(path):
            links.playlist_files.append(path)
        else:
            links.paths.append(path)
            links.to_add.add("path", path)
    return links


def kind_from_suffix(url: str) -> LinkKind | None:
    """STREAM or PLAYLIST when the extension says so; None when the server must be asked."""
    suffix = url_suffix(url)
    if suffix in PLAYLIST_SUFFIXES:
        return LinkKind.PLAYLIST
    if suffix in MEDIA_SUFFIXES:
        return LinkKind.STREAM
    return None


def kind_from_headers(url: str, headers: Mapping[str, str]) -> LinkKind:
    """Classify a response by its (lower-case named) headers.

    ICY headers or an endless radio type mean a live stream; audio and video are streams;
    playlist types get downloaded; anything else (``text/html`` above all) is a page for the
    resolver. ``application/octet-stream`` and a missing type fall back to the extension.
    """
    content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if any(name.startswith("icy-") for name in headers):
        return LinkKind.RADIO
    if content_type in PLAYLIST_TYPES:
        return LinkKind.PLAYLIST
    if content_type.startswith(("audio/", "video/")) or content_type == "application/ogg":
        if content_type in _RADIO_TYPES and "content-length" not in headers:
            return LinkKind.RADIO
        return LinkKind.STREAM
    if content_type in ("", "application/octet-stream", "binary/octet-stream"):
        return kind_from_suffix(url) or LinkKind.STREAM
    return LinkKind.WEB


def hls_kind(data: bytes) -> LinkKind | None:
    """For an M3U body: None when it is a plain playlist, else the kind of the HLS stream.

    An HLS media playlist without ``#EXT-X-ENDLIST`` is live (RADIO); a finished one or a
    master playlist (its variants are not fetched) is a STREAM.
    """
    head = data[:65536]
    if b"#EXT-X-" not in head:
        return None
    if b"#EXT-X-TARGETDURATION" in head and b"#EXT-X-ENDLIST" not in data:
        return LinkKind.RADIO
    return LinkKind.STREAM
