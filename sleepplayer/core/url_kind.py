"""A first guess at what kind of item an address is, from the address alone.

The guess needs no network, so it can run while a playlist is imported; the URL intake may
refine it later (a Content-Type check: ``text/html`` means a page to resolve). In order:

1. ``file:`` URIs and plain paths are LOCAL.
2. With an unknown duration (None, i.e. ``-1`` in the playlist), addresses that look like
   Icecast/SHOUTcast radio are RADIO: SHOUTcast's ``/;`` and ``;stream`` paths, ports 8000-8010,
   and links to radio playlists (``.pls``, ``.m3u``, ``.xspf``, ``.asx``, which the intake must
   fetch and expand: they are never handed to libVLC).
3. Audio and video file extensions (``core.scan.AUDIO_EXTENSIONS`` plus video containers) and
   ``.m3u8`` (HLS) are STREAM: finite media, or HLS whose liveness only playback reveals.
4. Page extensions (``.html``, ``.php`` ...) and known video and audio sites (YouTube, Vimeo,
   SoundCloud ...) are WEB: pages resolved by yt-dlp.
5. An address with no extension and an unknown duration is RADIO (live streams are usually
   mount points such as ``/groovesalad-128-mp3``), unless it is a site's front page (empty path).
6. Everything else is WEB.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from sleepplayer.core.model import TrackKind
from sleepplayer.core.scan import AUDIO_EXTENSIONS

#: Video containers played as streams (audio only matters, but libVLC opens them all).
VIDEO_EXTENSIONS: frozenset[str] = frozenset(
    {"mp4", "m4v", "mkv", "webm", "mov", "avi", "wmv", "flv", "ogv", "mpg", "mpeg", "ts", "m2ts",
     "3gp", "3g2", "vob", "asf"}
)  # fmt: skip
#: Playlists that a radio station's "listen" link usually points to.
PLAYLIST_EXTENSIONS: frozenset[str] = frozenset({"m3u", "pls", "xspf", "asx"})
PAGE_EXTENSIONS: frozenset[str] = frozenset(
    {"html", "htm", "xhtml", "shtml", "php", "asp", "aspx", "jsp", "cgi"}
)
#: Sites whose pages are videos or tracks for yt-dlp (matched with their subdomains).
WEB_SITES: tuple[str, ...] = (
    "youtube.com", "youtu.be", "youtube-nocookie.com", "vimeo.com", "soundcloud.com",
    "dailymotion.com", "twitch.tv", "bandcamp.com", "mixcloud.com", "bilibili.com",
    "nicovideo.jp", "rumble.com", "odysee.com", "tiktok.com", "archive.org", "peertube.tv",
)  # fmt: skip
RADIO_PORTS = range(8000, 8011)

_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,5})$")


def guess_kind(uri: str, duration_ms: int | None = None) -> TrackKind:
    """The likely kind of ``uri``; ``duration_ms`` None means unknown or live."""
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError:
        return TrackKind.WEB
    scheme = parts.scheme.lower()
    if scheme in ("", "file") or len(scheme) == 1:  # one letter: a Windows drive
        return TrackKind.LOCAL
    path = unquote(parts.path)
    match = _EXTENSION.search(path.rpartition("/")[2])
    extension = match.group(1).lower() if match else ""
    live = duration_ms is None or duration_ms <= 0
    if live and (_shoutcast(path) or port in RADIO_PORTS or extension in PLAYLIST_EXTENSIONS):
        return TrackKind.RADIO
    if extension in AUDIO_EXTENSIONS or extension in VIDEO_EXTENSIONS or extension == "m3u8":
        return TrackKind.STREAM
    if extension in PAGE_EXTENSIONS or _web_site(parts.hostname or ""):
        return TrackKind.WEB
    if live and not extension and path.strip("/"):
        return TrackKind.RADIO
    return TrackKind.WEB


def is_playlist_address(uri: str) -> bool:
    """True for an http(s) address that names a playlist file (to fetch and expand)."""
    try:
        path = unquote(urlsplit(uri).path)
    except ValueError:
        return False
    match = _EXTENSION.search(path.rpartition("/")[2])
    return match is not None and match.group(1).lower() in PLAYLIST_EXTENSIONS


def _shoutcast(path: str) -> bool:
    return path.endswith(";") or ";stream" in path


def _web_site(host: str) -> bool:
    host = host.lower().rstrip(".")
    return any(host == site or host.endswith("." + site) for site in WEB_SITES)
