"""What every format reader and writer shares: the result types, limits, text decoding and the
collector that turns accepted and refused lines into one ``ImportResult``."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from sleepplayer.core.playlist_formats.locations import resolve_location
from sleepplayer.core.text import one_line, plural, shorten
from sleepplayer.core.url_policy import MAX_LOCATION_CHARS

#: Bigger files are refused before parsing.
MAX_PLAYLIST_BYTES = 8 * 1024 * 1024
#: Entries beyond this many are not loaded (and counted in ``refused``).
MAX_ENTRIES = 100_000
#: Refusals listed one by one; the rest are counted in a final line.
MAX_REFUSALS_LISTED = 200
#: Durations beyond this (about 31 years) are nonsense and read as unknown.
MAX_DURATION_MS = 10**12

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BYTE_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
#: Bytes no text playlist holds (tab, line and form feeds aside): in a line, binary data.
_CONTROL_BYTE = re.compile(rb"[\x00-\x08\x0e-\x1f]")
_NUMBER = re.compile(r"\s*([+-]?[0-9]{1,15}(?:\.[0-9]{0,9})?)")


class PlaylistError(Exception):
    """The data is not a playlist we can read. The message is meant for the user."""


@dataclass(frozen=True)
class PlaylistEntry:
    """One entry: ``uri`` is a ``file://`` URI or an http(s) URL, already resolved."""

    uri: str
    title: str = ""
    duration_ms: int | None = None
    artist: str = ""  # XSPF's <creator>; M3U and PLS have no field for it


@dataclass(frozen=True)
class ImportResult:
    """The entries read, and one line in words for each thing that was dropped or ignored."""

    entries: list[PlaylistEntry]
    refused: list[str]
    name: str | None = None


class Collector:
    """Resolves locations under the URL policy and gathers entries and refusals, with limits."""

    def __init__(self, *, base: str | None, remote: bool) -> None:
        self.base = base
        self.remote = remote
        self.entries: list[PlaylistEntry] = []
        self._refused: list[str] = []
        self._unlisted = 0
        self._not_loaded = 0
        self._notes: list[str] = []
        self._broken: str | None = None

    def add(
        self,
        where: str,
        raw: str,
        title: str,
        duration_ms: int | None,
        *,
        uri_ref: bool,
        artist: str = "",
    ) -> None:
        """Resolve ``raw`` and keep it, or refuse it with the reason. ``where``: "line 4"."""
        if len(self.entries) >= MAX_ENTRIES:
            self._not_loaded += 1
            return
        uri, reason = resolve_location(raw, base=self.base, remote=self.remote, uri_ref=uri_ref)
        if uri is None:
            self.refuse(where, raw, reason or "not allowed")
        else:
            entry = PlaylistEntry(uri, clean_title(title), duration_ms, clean_title(artist))
            self.entries.append(entry)

    def refuse(self, where: str, raw: str | None, reason: str) -> None:
        if len(self._refused) >= MAX_REFUSALS_LISTED:
            self._unlisted += 1
            return
        shown = shorten(raw.strip()) if raw is not None else ""
        self._refused.append(f"{where}: {shown} — {reason}" if shown else f"{where}: {reason}")

    @property
    def refused_any(self) -> bool:
        """Some entry was refused (listed or only counted)."""
        return bool(self._refused or self._unlisted or self._not_loaded)

    def refuse_damaged_lines(self, linenos: list[int]) -> None:
        """Lines of binary data (``decode_text``), e.g. the zeros a crash left in a block."""
        for lineno in linenos:
            self.refuse(f"line {lineno}", None, "binary data, not text (a damaged line)")

    def refuse_long_line(self, lineno: int, line: str) -> None:
        self.refuse(f"line {lineno}", line, f"line longer than {MAX_LOCATION_CHARS:,} characters")

    def broken_off(self, where: str, reason: str) -> None:
        """The file breaks off here: listed first (a long list of refusals must not hide it)."""
        self._broken = f"{where}: {reason}"

    def note(self, text: str) -> None:
        """A summary line, always listed (e.g. "3 #EXTVLCOPT lines ignored")."""
        self._notes.append(text)

    def result(self, name: str | None = None) -> ImportResult:
        refused = ([self._broken] if self._broken else []) + self._refused
        if self._unlisted:
            more = plural(self._unlisted, "entry")
            refused.append(f"… and {self._unlisted:,} more {more} refused")
        if self._not_loaded:
            refused.append(
                f"{self._not_loaded:,} more {plural(self._not_loaded, 'entry')} not loaded: "
                f"a playlist holds at most {MAX_ENTRIES:,}"
            )
        refused.extend(self._notes)
        clean = clean_title(name or "")
        return ImportResult(self.entries, refused, clean or None)


def clean_title(title: str) -> str:
    """A title without control characters or undecodable bytes, on one line, trimmed."""
    return one_line(title)[:MAX_TITLE_CHARS]


MAX_TITLE_CHARS = 1024


def parse_seconds(text: str) -> int | None:
    """``"123"`` or ``"12.5"`` seconds as milliseconds; negative, zero or junk: None (unknown)."""
    match = _NUMBER.match(text)
    if match is None:
        return None
    ms = round(float(match.group(1)) * 1000)
    return ms if 0 < ms <= MAX_DURATION_MS else None


def format_seconds(duration_ms: int | None) -> str:
    """Whole seconds when exact (what every player reads), else up to milliseconds; -1: unknown."""
    if duration_ms is None or duration_ms <= 0:
        return "-1"
    seconds, ms = divmod(duration_ms, 1000)
    return str(seconds) if ms == 0 else f"{seconds}.{ms:03d}".rstrip("0")


def check_size(data: bytes) -> None:
    if len(data) > MAX_PLAYLIST_BYTES:
        raise PlaylistError(
            f"The playlist is larger than {MAX_PLAYLIST_BYTES // (1024 * 1024)} MB"
            f" ({len(data) / (1024 * 1024):.1f} MB)"
        )


def decode_text(data: bytes, *, utf8_only: bool) -> tuple[str, list[int]]:
    """Bytes of a line-based playlist as text, and the numbers of the lines left out as binary.

    A UTF-8 or UTF-16 byte-order mark wins. Otherwise UTF-8; unless ``utf8_only``, falling back
    to Windows-1252 (what Winamp and iTunes wrote) and then Latin-1, which decodes anything.
    With ``utf8_only`` (M3U8), undecodable bytes become lone surrogates, so the lines holding
    them are refused instead of the whole file.

    A line holding a NUL byte is binary data: blanked (so no garbage becomes an entry) and
    reported, and the good lines around it are read. A file where more than half the lines
    hold control bytes is not a playlist at all (an audio file renamed, say).
    """
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):  # fmt: skip
        if data.startswith(bom):
            return _decode(data[len(bom) :], codec, "a playlist marked as " + codec.upper()), []
    damaged: list[int] = []
    if b"\x00" in data:
        data, damaged = _without_binary_lines(data)
    if utf8_only:
        return data.decode("utf-8", "surrogateescape"), damaged
    for codec in ("utf-8", "cp1252"):
        try:
            return data.decode(codec), damaged
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), damaged


def _without_binary_lines(data: bytes) -> tuple[bytes, list[int]]:
    lines = _BYTE_LINE_BREAK.split(data)
    filled = sum(1 for line in lines if line.strip())
    if 2 * sum(1 for line in lines if _CONTROL_BYTE.search(line)) > filled:
        raise PlaylistError("Not a playlist: the file holds binary data")
    damaged = [n for n, line in enumerate(lines, 1) if b"\x00" in line]
    # One line break per break keeps every line's number (what the refusals name).
    kept = (b"" if b"\x00" in line else line for line in lines)
    return b"\n".join(kept), damaged


def _decode(data: bytes, codec: str, what: str) -> str:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise PlaylistError(f"Not a playlist: {what} holds invalid text") from exc
    if "\x00" in text:
        raise PlaylistError("Not a playlist: the file holds binary data")
    return text


def split_lines(text: str) -> list[str]:
    """Lines split on CR LF, CR or LF only (``str.splitlines`` would also split inside titles)."""
    return _LINE_BREAK.split(text)
