"""M3U and M3U8: one location per line, ``#EXTINF:<seconds>,<title>`` before it, ``#`` comments.

Reading:

- ``#EXTINF`` durations may be decimals and may carry IPTV-style attributes before the title
  (``#EXTINF:-1 tvg-name="a, b",Title``); -1 or 0 means unknown or live. ``#PLAYLIST:`` names
  the playlist. Other comments and directives are skipped.
- ``#EXTVLCOPT`` lines (VLC options: they can set any VLC option for the next item) are never
  passed on, only counted in ``refused``.
- A blank line is not an entry. An ``#EXTINF`` with no entry after it is reported.
- HLS media and master playlists (``#EXT-X-TARGETDURATION``, ``#EXT-X-STREAM-INF``) are a
  stream, not a playlist of items, and raise ``PlaylistError`` saying so.

Writing: ``#EXTM3U``, ``#PLAYLIST:`` when named, then ``#EXTINF`` and the location for each
entry, LF line ends, UTF-8 without BOM for both extensions (what VLC, foobar2000 and mpv write
and read; our reader tries UTF-8 first for ``.m3u`` too).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sleepplayer.core.playlist_formats.base import (
    Collector,
    ImportResult,
    PlaylistEntry,
    PlaylistError,
    clean_title,
    decode_text,
    format_seconds,
    parse_seconds,
    split_lines,
)
from sleepplayer.core.text import plural
from sleepplayer.core.url_policy import MAX_LOCATION_CHARS

#: Everything up to the comma that ends the duration and attributes; quoted values may hold
#: commas. The alternatives start with different characters, so matching stays linear.
_EXTINF_HEAD = re.compile(r'(?:[^",]|"[^"]*")*,')

_HLS = "This is an HLS stream, not a playlist of items: add its address as a stream instead"


def read_m3u(data: bytes, *, utf8_only: bool, base: str | None, remote: bool) -> ImportResult:
    """Read M3U (``utf8_only=False``: UTF-8, else Windows-1252) or M3U8 (UTF-8)."""
    text, damaged = decode_text(data, utf8_only=utf8_only)
    out = Collector(base=base, remote=remote)
    out.refuse_damaged_lines(damaged)
    name: str | None = None
    pending: tuple[int, str, int | None] | None = None  # the #EXTINF: line, title, duration
    vlc_options = 0
    broken = set(damaged)
    for lineno, line in enumerate(split_lines(text), 1):
        if lineno in broken:
            pending = None  # its #EXTINF described the lost entry, not the next one
            continue
        stripped = line.strip()
        if not stripped:
            continue
        comment = stripped.startswith("#")
        if len(line) > MAX_LOCATION_CHARS:
            out.refuse_long_line(lineno, line)
            if not comment:
                pending = None
            continue
        if comment:
            tag = stripped[:24].upper()
            if tag.startswith("#EXTVLCOPT"):
                vlc_options += 1
            elif tag.startswith("#EXTINF:"):
                if pending is not None:
                    out.refuse(f"line {pending[0]}", None, "#EXTINF without an entry after it")
                pending = (lineno, *_parse_extinf(stripped[8:]))
            elif tag.startswith("#PLAYLIST:") and name is None:
                name = stripped[10:]
            elif tag.startswith(("#EXT-X-TARGETDURATION", "#EXT-X-STREAM-INF")):
                raise PlaylistError(_HLS)
            continue
        title, duration_ms = ("", None) if pending is None else pending[1:]
        pending = None
        out.add(f"line {lineno}", stripped, title, duration_ms, uri_ref=False)
    if pending is not None:
        out.refuse(f"line {pending[0]}", None, "#EXTINF without an entry after it")
    if vlc_options:
        out.note(
            f"{vlc_options:,} #EXTVLCOPT {plural(vlc_options, 'line')} ignored "
            "(VLC options in playlists are never used)"
        )
    return out.result(name)


def _parse_extinf(rest: str) -> tuple[str, int | None]:
    """``"123 attr=\\"x\\",Title"`` -> ``("Title", 123000)``."""
    duration_ms = parse_seconds(rest)
    head = _EXTINF_HEAD.match(rest)
    if head is not None:
        return rest[head.end() :], duration_ms
    _, comma, title = rest.partition(",")  # an unbalanced quote: the first comma it is
    return (title if comma else ""), duration_ms


def write_m3u(rows: Sequence[tuple[str, PlaylistEntry]], name: str) -> bytes:
    """``rows``: (location as it is to be written, entry)."""
    lines = ["#EXTM3U"]
    if clean_title(name):
        lines.append(f"#PLAYLIST:{clean_title(name)}")
    for location, entry in rows:
        lines.append(f"#EXTINF:{format_seconds(entry.duration_ms)},{clean_title(entry.title)}")
        lines.append(location)
    return ("\n".join(lines) + "\n").encode("utf-8")
