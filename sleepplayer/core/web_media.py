"""What a web page resolves to, made from yt-dlp's info dicts: pure Python, no yt_dlp import.

yt-dlp results are untrusted input (DESIGN.md): everything taken from them is checked here.
Only ``http``/``https`` URLs without whitespace or control characters pass, titles lose control
characters and are capped, headers keep only well-formed names and single-line values. yt-dlp's
error texts are shortened to something a sleepy person can read.

``playback.resolver`` (the only module that imports yt_dlp) runs the extraction and builds
``ResolvedMedia``/``PlaylistItem`` with the functions below.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from sleepplayer.core.text import one_line

#: A cached stream URL counts as expired this long before its stated expiry.
EXPIRY_MARGIN_S = 300.0
#: Lifetime assumed when the stream URL states none (issue 4: "otherwise 1 h").
DEFAULT_LIFETIME_S = 3600.0
#: An ``expire=`` further away than this is not a Unix time we believe.
_MAX_LIFETIME_S = 30 * 86400.0

NO_AUDIO = "This page has no playable audio"
_MAX_URL = 16_384
_MAX_TITLE = 300
_MAX_ERROR = 160
_MAX_HEADERS = 16
_MAX_HEADER_VALUE = 2048

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_HEADER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}")
_EXPIRE_PATH = re.compile(r"/expire/(\d{9,11})(?:/|$)")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_SMUGGLE = "#__youtubedl_smuggle="
#: The resolver's ways of saying the server's name did not resolve (no internet, a typo).
_NOT_FOUND_MARKERS = (
    "name or service not known",
    "temporary failure in name resolution",
    "nodename nor servname",
    "getaddrinfo failed",
    "no address associated with hostname",
)
#: Said for them, in the words the link check uses.
SERVER_NOT_FOUND = "Server not found (is the computer online?)"

_NO_AUDIO_MARKERS = (
    "unsupported url",
    "requested format is not available",
    "no video formats found",
    "no suitable formats",
    "no formats",
    "has no playable",
)


@dataclass(frozen=True)
class ResolvedMedia:
    """A page URL resolved to something libVLC can open. Never persisted: stream URLs expire."""

    page_url: str
    stream_url: str
    title: str
    duration_ms: int | None
    is_live: bool
    #: Unix time (s) after which ``stream_url`` stops working.
    expires_at: float
    #: Headers the stream needs (User-Agent, Referer, ...), for libVLC's media options.
    http_headers: dict[str, str] = field(default_factory=dict)

    def expired(self, now: float) -> bool:
        """True from ``EXPIRY_MARGIN_S`` before the expiry on: re-resolve before playing."""
        return now >= self.expires_at - EXPIRY_MARGIN_S


@dataclass(frozen=True)
class PlaylistItem:
    """One entry of an expanded site playlist: what a saved playlist keeps (no stream URL)."""

    page_url: str
    title: str
    duration_ms: int | None


def web_url(value: object) -> str | None:
    """``value`` if it is a plausible http(s) URL with a host, else None."""
    if not isinstance(value, str) or not value or len(value) > _MAX_URL:
        return None
    if _CONTROL.search(value) or any(ch.isspace() for ch in value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return value


def unsmuggle(url: str) -> str:
    """Drop the private data yt-dlp smuggles in a URL fragment (it is not part of the page)."""
    return url.split(_SMUGGLE, 1)[0]


def clean_title(value: object, fallback: str) -> str:
    """One line of printable text, capped; ``fallback`` when there is none."""
    text = one_line(value) if isinstance(value, str) else ""
    if not text:
        return fallback
    return text if len(text) <= _MAX_TITLE else text[: _MAX_TITLE - 1] + "…"


def title_from_url(url: str) -> str:
    """A readable fallback title: the last path segment, or the host."""
    parts = urlsplit(url)
    last = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])
    return clean_title(last, parts.hostname or url)


def media_title(info: Mapping[str, Any]) -> object:
    """The raw title of one medium. yt-dlp numbers the ``<audio>``/``<video>`` tags of a plain
    page ("Rain (1)") even when there is only one; the number of the first is dropped."""
    title = info.get("title")
    if info.get("extractor") == "html5" and isinstance(title, str) and title.endswith(" (1)"):
        return title[:-4]
    return title


def duration_ms(value: object) -> int | None:
    """Seconds (int or float) to ms; None for missing, negative or absurd values."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or value < 0 or value > 10**7:
        return None
    return round(value * 1000)


def clean_headers(value: object) -> dict[str, str]:
    """Well-formed header names with single-line values; anything else is dropped."""
    if not isinstance(value, Mapping):
        return {}
    headers: dict[str, str] = {}
    for name, text in value.items():
        if len(headers) >= _MAX_HEADERS:
            break
        if not isinstance(name, str) or not isinstance(text, str):
            continue
        if not _HEADER_NAME.fullmatch(name) or _CONTROL.search(text):
            continue
        if len(text) <= _MAX_HEADER_VALUE:
            headers[name] = text
    return headers


def stream_expiry(stream_url: str, resolved_at: float) -> float:
    """When ``stream_url`` expires: its ``expire=`` query parameter (or ``/expire/N/`` path
    segment, as in YouTube's manifest URLs) when that is a believable future Unix time, else
    ``resolved_at + DEFAULT_LIFETIME_S``."""
    parts = urlsplit(stream_url)
    candidates = [v for k, v in parse_qsl(parts.query) if k.lower() == "expire"]
    match = _EXPIRE_PATH.search(parts.path)
    if match:
        candidates.append(match.group(1))
    for raw in candidates:
        try:
            expire = float(raw)
        except ValueError:
            continue
        if resolved_at < expire <= resolved_at + _MAX_LIFETIME_S:
            return expire
    return resolved_at + DEFAULT_LIFETIME_S


def first_media(info: Mapping[str, Any], depth: int = 3) -> Mapping[str, Any] | None:
    """The info dict of the media to play: ``info`` itself, or for a playlist result its first
    entry that has a stream URL (nested playlists up to ``depth`` levels)."""
    if info.get("_type", "video") == "video":
        return info
    if depth <= 0:
        return None
    entries = info.get("entries")
    if entries is None:
        return None
    for entry in entries:
        if isinstance(entry, Mapping):
            found = first_media(entry, depth - 1)
            if found is not None and web_url(found.get("url")):
                return found
    return None


def resolved_media(info: Mapping[str, Any], page_url: str, resolved_at: float) -> ResolvedMedia:
    """Build a ``ResolvedMedia`` from a processed ``extract_info`` result.

    Raises ``ValueError(NO_AUDIO)`` when there is nothing playable over http(s).
    """
    media = first_media(info)
    stream_url = web_url(media.get("url")) if media is not None else None
    if media is None or stream_url is None:
        raise ValueError(NO_AUDIO)
    title = clean_title(media_title(media), "") or clean_title(
        info.get("title"), title_from_url(page_url)
    )
    live = media.get("is_live") is True or media.get("live_status") == "is_live"
    return ResolvedMedia(
        page_url=page_url,
        stream_url=stream_url,
        title=title,
        duration_ms=None if live else duration_ms(media.get("duration")),
        is_live=live,
        expires_at=stream_expiry(stream_url, resolved_at),
        http_headers=clean_headers(media.get("http_headers")),
    )


def needs_processing(entry: Mapping[str, Any]) -> bool:
    """True for a full media entry (no URL of its own yet) in a flat playlist result; url
    results (``_type`` url/url_transparent/playlist) are used as they are."""
    return entry.get("_type", "video") == "video" and web_url(entry.get("url")) is None


def playlist_item(entry: Mapping[str, Any], container_url: str) -> PlaylistItem | None:
    """The playlist item for one flat entry, or None when it has no usable http(s) URL.

    A url result keeps its URL (a page, or a feed's media file). A full entry keeps its own
    page when it has one; entries that share the container's page (several ``<audio>`` tags on
    one page) keep their media URL instead, so each item stays distinct.
    """

    def url_of(key: str) -> str | None:
        value = entry.get(key)
        return web_url(unsmuggle(value)) if isinstance(value, str) else None

    url: str | None
    if entry.get("_type", "video") == "video":
        page = url_of("webpage_url")
        url = page if page is not None and page != container_url else url_of("url")
    else:
        url = url_of("url") or url_of("webpage_url")
    if url is None:
        return None
    return PlaylistItem(
        page_url=url,
        title=clean_title(entry.get("title"), title_from_url(url)),
        duration_ms=duration_ms(entry.get("duration")),
    )


def single_item(info: Mapping[str, Any], page_url: str) -> PlaylistItem:
    """A page that is not a playlist expands to itself."""
    return PlaylistItem(
        page_url=page_url,
        title=clean_title(media_title(info), title_from_url(page_url)),
        duration_ms=duration_ms(info.get("duration")),
    )


def friendly_error(message: str) -> str:
    """yt-dlp's error text, shortened: no "ERROR:", extractor tag, cause chain or bug-report
    boilerplate. Pages without media become ``NO_AUDIO``."""
    text = _ANSI.sub("", message)
    text = one_line(text)
    if text.upper().startswith("ERROR:"):
        text = text[6:].lstrip()
    text = re.sub(r"^\[[\w:.+-]+\]\s+(?:[^\s:]+:\s+)?", "", text)
    lowered = text.lower()
    if any(marker in lowered for marker in _NO_AUDIO_MARKERS):
        return NO_AUDIO
    if any(marker in lowered for marker in _NOT_FOUND_MARKERS):
        return SERVER_NOT_FOUND
    for cut in (" (caused by", "; please report", " please report", "; Confirm you are"):
        index = text.find(cut)
        if index > 0:
            text = text[:index]
    text = text.rstrip(" .;:")
    if not text:
        return "The page could not be resolved"
    return text if len(text) <= _MAX_ERROR else text[: _MAX_ERROR - 1] + "…"
