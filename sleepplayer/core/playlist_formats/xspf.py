"""XSPF: ``<playlist><title/><trackList><track><location/><title/><creator/><duration/>...``.

Parsed with expat directly, in a configuration safe for untrusted files: any DOCTYPE is refused
before its internal subset is read, so no entity can be declared (no billion laughs, no external
entities, no DTD fetching); parameter entities are off; nesting deeper than ``MAX_DEPTH`` is
refused; no tree is built, only the few fields used are kept, each bounded in length.

Reading is lenient about namespaces (prefixes are ignored) and takes each track's first
``<location>``, its ``<title>``, ``<creator>`` and ``<duration>`` (ms). Locations are URIs or URI
references relative to the playlist. VLC's ``<vlc:option>`` extension elements are never used,
only counted, like ``#EXTVLCOPT``. XML that breaks off part-way (a truncated or damaged file)
keeps the tracks read before the damage, and the damage is listed as refused.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from xml.parsers import expat

from sleepplayer.core.playlist_formats.base import (
    MAX_DURATION_MS,
    Collector,
    ImportResult,
    PlaylistEntry,
    PlaylistError,
    clean_title,
)
from sleepplayer.core.text import escape_markup, plural, shorten
from sleepplayer.core.url_policy import MAX_LOCATION_CHARS

#: Deeper XML is refused. Real XSPF nests 5 or 6 levels; extensions a few more.
MAX_DEPTH = 64

_NS = "http://xspf.org/ns/0/"
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_INTEGER = re.compile(r"\s*\+?([0-9]{1,15})\s*")

_PLAYLIST = ("playlist",)
_TRACK = ("playlist", "trackList", "track")
_TRACK_FIELDS = ("location", "title", "creator", "duration")


class _Reader:
    def __init__(self, parser: expat.XMLParserType, out: Collector) -> None:
        self.parser = parser
        self.out = out
        self.stack: list[str] = []
        self.text: list[str] | None = None
        self.text_len = 0
        self.text_depth = 0
        self.track: dict[str, str] | None = None
        self.track_line = 0
        self.name: str | None = None
        self.options = 0

    def start(self, tag: str, _attrs: object) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise PlaylistError(f"Not a playlist: the XML is nested deeper than {MAX_DEPTH} levels")
        local = tag.rpartition(":")[2]
        if not self.stack and local != "playlist":
            raise PlaylistError(f"Not a playlist: the XML document is <{shorten(local, 40)}>")
        self.stack.append(local)
        where = tuple(self.stack)
        if where == _TRACK:
            self.track = {}
            self.track_line = self.parser.CurrentLineNumber
        elif self.text is not None:
            pass  # markup inside a field: only its text counts
        elif (where[:-1] == _TRACK and local in _TRACK_FIELDS) or where == (*_PLAYLIST, "title"):
            self.text, self.text_len, self.text_depth = [], 0, len(where)
        elif local == "option" and "extension" in self.stack:
            self.options += 1

    def end(self, _tag: str) -> None:
        where = tuple(self.stack)
        self.stack.pop()
        if self.text is not None and len(where) == self.text_depth:
            value = "".join(self.text)
            self.text = None
            if where == (*_PLAYLIST, "title"):
                self.name = self.name if self.name is not None else value
            elif self.track is not None:
                self.track.setdefault(where[-1], value)
        elif where == _TRACK and self.track is not None:
            self._add_track(self.track)
            self.track = None

    def chars(self, data: str) -> None:
        if self.text is not None and self.text_len <= MAX_LOCATION_CHARS:
            self.text.append(data)
            self.text_len += len(data)

    def salvage(self) -> bool:
        """The XML broke off: keep the track being read if its location was complete. False
        when nothing of a playlist was read before the damage (then it is not one)."""
        if self.track is not None and "location" in self.track:
            self._add_track(self.track)
        self.track = None
        return bool(self.out.entries or self.out.refused_any)

    def _add_track(self, track: dict[str, str]) -> None:
        where = f"line {self.track_line}"
        if "location" not in track:
            self.out.refuse(where, None, "a track without a location")
            return
        match = _INTEGER.fullmatch(track.get("duration", ""))
        duration_ms = int(match.group(1)) if match else None
        if duration_ms is not None and not 0 < duration_ms <= MAX_DURATION_MS:
            duration_ms = None
        self.out.add(
            where,
            track["location"],
            track.get("title", ""),
            duration_ms,
            uri_ref=True,
            artist=track.get("creator", ""),
        )


def _refuse_dtd(*_args: object) -> None:
    raise PlaylistError("Not a playlist: XML with a DOCTYPE or entities is not accepted")


def _refuse_external(*_args: object) -> int:
    _refuse_dtd()
    return 0


def read_xspf(data: bytes, *, base: str | None, remote: bool) -> ImportResult:
    out = Collector(base=base, remote=remote)
    parser = expat.ParserCreate()
    reader = _Reader(parser, out)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.UnparsedEntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_external
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.chars
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        reason = expat.ErrorString(exc.code) or "broken XML"
        if not reader.salvage():
            raise PlaylistError(
                f"Not a playlist: broken XML ({reason}, line {exc.lineno})"
            ) from exc
        # Like a damaged M3U: what came before the damage is kept, and the cut is named.
        out.broken_off(f"line {exc.lineno}", f"broken XML ({reason}); the rest was not read")
    except (LookupError, ValueError, UnicodeError) as exc:  # e.g. an unknown encoding
        raise PlaylistError("Not a playlist: the XML's text encoding cannot be read") from exc
    if reader.options:
        out.note(
            f"{reader.options:,} VLC {plural(reader.options, 'option')} ignored "
            "(VLC options in playlists are never used)"
        )
    return out.result(reader.name)


def write_xspf(rows: Sequence[tuple[str, PlaylistEntry]], name: str) -> bytes:
    """``rows``: (location as it is to be written, entry)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<playlist version="1" xmlns="{_NS}">']
    if clean_title(name):
        lines.append(f"  <title>{_escape(clean_title(name))}</title>")
    lines.append("  <trackList>")
    for location, entry in rows:
        lines.append("    <track>")
        lines.append(f"      <location>{_escape(location)}</location>")
        if clean_title(entry.title):
            lines.append(f"      <title>{_escape(clean_title(entry.title))}</title>")
        if clean_title(entry.artist):
            lines.append(f"      <creator>{_escape(clean_title(entry.artist))}</creator>")
        if entry.duration_ms is not None and entry.duration_ms > 0:
            lines.append(f"      <duration>{entry.duration_ms}</duration>")
        lines.append("    </track>")
    lines += ["  </trackList>", "</playlist>"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _escape(text: str) -> str:
    return escape_markup(_XML_INVALID.sub("", text))
